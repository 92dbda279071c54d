//! Batch density: how many credentials one `issue_credentials` batch (what `Issuer::issue_batch`
//! sends) puts in a 1,232-byte transaction, as a legacy transaction and as a v0 transaction whose
//! shared accounts come from an address lookup table; and, for comparison, how many separate
//! `issue_credential` instructions fit (what the SDK sent before the batch instruction).

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use credence_sdk::{
    commitment,
    ix::registry::{self as rix, IssuerDecision, IssuerSigner},
    pda,
    registry_program::{
        BatchCredential, CreateSchemaArgs, IssueCredentialArgs, IssueCredentialsArgs,
        RegisterIssuerArgs, MAX_ISSUE_BATCH,
    },
    transport::{self, transaction_size, Transport, MAX_TRANSACTION_SIZE},
    Instruction, Pubkey,
};
use serde_json::{json, Value};
use solana_address_lookup_table_interface::instruction as alt;
use solana_commitment_config::CommitmentConfig;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_message::{v0, AddressLookupTableAccount, VersionedMessage};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;

use crate::world::{World, ISSUER_ID, REGISTRY_NAME, SCHEMA_NAME};

/// The system program's id.
const SYSTEM_PROGRAM: Pubkey = solana_pubkey::pubkey!("11111111111111111111111111111111");

/// The validity dates an issuance carries: they change the instruction's data size.
#[derive(Clone, Copy, Debug)]
pub enum Dates {
    /// `valid_from` and `expires_at` left to the program (now, the schema's default): what the
    /// benchmark's batches send.
    Defaults,
    /// Both given explicitly (a licence with a fixed window): 16 more bytes of data.
    Explicit,
}

/// The shared accounts of an issuance under one issuer (who signs, and where).
#[derive(Clone, Copy, Debug)]
pub struct Shared {
    /// The issuer's authority: signs and pays.
    pub authority: Pubkey,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema.
    pub schema: Pubkey,
}

impl Shared {
    /// The shared accounts of `world`.
    pub fn of(world: &World) -> Self {
        Self {
            authority: world.issuer_key.pubkey(),
            registry: world.registry,
            issuer: world.issuer,
            schema: world.schema,
        }
    }

    /// The accounts an address lookup table holds for this issuer: everything every issuance
    /// names except the signer (a signer must stay in the static keys) and the registry program
    /// (an invoked program must too).
    pub fn table_addresses(&self) -> Vec<Pubkey> {
        vec![self.registry, self.issuer, self.schema, SYSTEM_PROGRAM]
    }
}

/// `count` issuance instructions to fresh subjects, tagged `tag` (distinct credential ids).
pub fn issuances(shared: &Shared, tag: &str, count: usize, dates: Dates) -> Vec<Instruction> {
    let signer = IssuerSigner {
        authority: shared.authority,
        as_delegate: false,
        registry: shared.registry,
        issuer: shared.issuer,
    };
    (0..count)
        .map(|i| {
            let reference = format!("{tag}/{i}");
            let salt = commitment::Salt(commitment::sha256(reference.as_bytes()));
            let (valid_from, expires_at) = match dates {
                Dates::Defaults => (None, None),
                Dates::Explicit => (Some(1_700_000_000), Some(4_000_000_000)),
            };
            rix::issue_credential(
                &signer,
                &shared.authority,
                &shared.schema,
                IssueCredentialArgs {
                    // Any distinct 32 bytes size the instruction as a keyed id does.
                    credential_id: commitment::sha256(format!("id:{reference}").as_bytes()),
                    subject: Keypair::new().pubkey(),
                    commitment: commitment::commit(&salt, reference.as_bytes()),
                    valid_from,
                    expires_at,
                },
            )
        })
        .collect()
}

/// One `issue_credentials` batch of `count` credentials to fresh subjects, tagged `tag`.
pub fn batch(shared: &Shared, tag: &str, count: usize, dates: Dates) -> Instruction {
    let signer = IssuerSigner {
        authority: shared.authority,
        as_delegate: false,
        registry: shared.registry,
        issuer: shared.issuer,
    };
    let (valid_from, expires_at) = match dates {
        Dates::Defaults => (None, None),
        Dates::Explicit => (Some(1_700_000_000), Some(4_000_000_000)),
    };
    let credentials = (0..count)
        .map(|i| {
            let reference = format!("{tag}/{i}");
            let salt = commitment::Salt(commitment::sha256(reference.as_bytes()));
            BatchCredential {
                credential_id: commitment::sha256(format!("id:{reference}").as_bytes()),
                subject: Keypair::new().pubkey(),
                commitment: commitment::commit(&salt, reference.as_bytes()),
            }
        })
        .collect();
    rix::issue_credentials(
        &signer,
        &shared.authority,
        &shared.schema,
        IssueCredentialsArgs {
            valid_from,
            expires_at,
            credentials,
        },
    )
}

/// The credential addresses a batch names (its accounts after the seven shared ones).
fn batch_addresses(ix: &Instruction) -> Vec<Pubkey> {
    ix.accounts[7..].iter().map(|m| m.pubkey).collect()
}

/// The serialized size of a v0 transaction of `instructions` paid by `payer`, with `tables`.
pub fn v0_size(
    instructions: &[Instruction],
    payer: &Pubkey,
    tables: &[AddressLookupTableAccount],
) -> Result<usize> {
    let message = v0::Message::try_compile(payer, instructions, tables, Hash::default())
        .map_err(|e| anyhow!("cannot compile the v0 message: {e}"))?;
    let signatures = usize::from(message.header.num_required_signatures);
    Ok(compact_len(signatures) + 64 * signatures + VersionedMessage::V0(message).serialize().len())
}

/// The serialized size of a signed legacy transaction (to confirm `transaction_size`).
fn legacy_signed_size(instructions: &[Instruction], payer: &Keypair) -> Result<usize> {
    let tx = transport::sign(instructions, payer, &[], Hash::default())?;
    Ok(compact_len(tx.signatures.len()) + 64 * tx.signatures.len() + tx.message.serialize().len())
}

fn compact_len(n: usize) -> usize {
    match n {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        _ => 3,
    }
}

/// The most issuances (1 to `most - 1`) whose transaction `size(n)` fits, with the size at
/// that count and at one more.
fn fit(most: usize, size: impl Fn(usize) -> Result<usize>) -> Result<Fit> {
    let mut best = 0;
    for n in 1..=most {
        if size(n)? > MAX_TRANSACTION_SIZE {
            break;
        }
        best = n;
    }
    if best == most {
        bail!("all {most} issuances fit: measure with more");
    }
    Ok(Fit {
        per_transaction: best,
        bytes: size(best)?,
        bytes_with_one_more: size(best + 1)?,
        marginal_bytes: size(best + 1)? - size(best)?,
    })
}

/// How many issuances fit, and the sizes around the limit.
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    /// Issuances per transaction.
    pub per_transaction: usize,
    /// Serialized bytes at that count.
    pub bytes: usize,
    /// Serialized bytes with one more issuance.
    pub bytes_with_one_more: usize,
    /// What one more issuance adds.
    pub marginal_bytes: usize,
}

impl Fit {
    fn json(&self) -> Value {
        json!({
            "issuances_per_transaction": self.per_transaction,
            "bytes": self.bytes,
            "bytes_with_one_more": self.bytes_with_one_more,
            "bytes_per_extra_issuance": self.marginal_bytes,
        })
    }
}

/// The packing figures: sizes measured with the SDK's `transaction_size` and v0 compilation,
/// the legacy count confirmed by landing a packed transaction on `world`'s chain, the lookup
/// table count by landing one on a chain where the table exists (embedded: a second in-process
/// chain; JSON-RPC: the same cluster).
pub async fn measure(world: &World) -> Result<(Value, Fit, Fit)> {
    let shared = Shared::of(world);
    let payer = shared.authority;
    let table = AddressLookupTableAccount {
        key: Pubkey::new_from_array([9; 32]),
        addresses: shared.table_addresses(),
    };
    let tables = std::slice::from_ref(&table);
    let mut variants = serde_json::Map::new();
    let mut base = None;
    for dates in [Dates::Defaults, Dates::Explicit] {
        let batches: Vec<Instruction> = (0..=MAX_ISSUE_BATCH)
            .map(|n| batch(&shared, "packing", n, dates))
            .collect();
        let legacy = fit(MAX_ISSUE_BATCH, |n| {
            Ok(transaction_size(std::slice::from_ref(&batches[n]), &payer))
        })?;
        let alt = fit(MAX_ISSUE_BATCH, |n| {
            v0_size(std::slice::from_ref(&batches[n]), &payer, tables)
        })?;
        let signed = legacy_signed_size(
            std::slice::from_ref(&batches[legacy.per_transaction]),
            &world.issuer_key,
        )?;
        if signed != legacy.bytes {
            bail!(
                "transaction_size says {} bytes, the signed transaction serializes to {signed}",
                legacy.bytes
            );
        }
        let pool = issuances(&shared, "packing", 32, dates);
        let single_legacy = fit(pool.len(), |n| Ok(transaction_size(&pool[..n], &payer)))?;
        let single_alt = fit(pool.len(), |n| v0_size(&pool[..n], &payer, tables))?;
        let name = match dates {
            Dates::Defaults => "default_dates",
            Dates::Explicit => "explicit_dates",
        };
        variants.insert(
            name.into(),
            json!({
                "batch_data_bytes_per_credential": batches[2].data.len() - batches[1].data.len(),
                "legacy": legacy.json(),
                "lookup_table": alt.json(),
                "single_instructions": {
                    "instruction_data_bytes": pool[0].data.len(),
                    "legacy": single_legacy.json(),
                    "lookup_table": single_alt.json(),
                },
            }),
        );
        if base.is_none() {
            base = Some((legacy, alt));
        }
    }
    let (legacy, alt) = base.expect("the default-dates variant ran");

    // Land a full legacy batch through the SDK and check every credential exists.
    let ix = batch(
        &shared,
        "packing-landed",
        legacy.per_transaction,
        Dates::Defaults,
    );
    let credentials = batch_addresses(&ix);
    let sent = world
        .transport
        .send(&[ix], &world.issuer_key, &[])
        .await
        .context("landing a full legacy batch")?;
    let created = count_existing(&world.transport, &credentials).await?;
    if created != legacy.per_transaction {
        bail!(
            "the packed legacy transaction landed but created {created} of {} credentials",
            legacy.per_transaction
        );
    }

    let alt_landing = match &*world.transport {
        Transport::Rpc(_) => land_v0_over_rpc(world, alt.per_transaction).await,
        #[allow(unreachable_patterns)]
        _ => land_v0_embedded(alt.per_transaction).await,
    };
    let alt_landed = match &alt_landing {
        Ok(landed) => json!({
            "landed": true,
            "signature": landed.signature,
            "serialized_bytes": landed.bytes,
            "credentials_created": landed.created,
            "where": landed.place,
        }),
        Err(err) => json!({ "landed": false, "error": format!("{err:#}") }),
    };
    let value = json!({
        "issuances_per_tx_legacy": legacy.per_transaction,
        "issuances_per_tx_lookup_table": alt.per_transaction,
        "limit_bytes": MAX_TRANSACTION_SIZE,
        "variants": Value::Object(variants),
        "legacy": {
            "issuances_per_transaction": legacy.per_transaction,
            "measured_with": "credence_sdk::transport::transaction_size, checked against the signed transaction's serialization",
            "landed": true,
            "signature": sent.signature.to_string(),
            "credentials_created": created,
        },
        "lookup_table": {
            "issuances_per_transaction": alt.per_transaction,
            "table_holds": ["registry", "issuer", "schema", "system program"],
            "measured_with": "solana_message::v0::Message::try_compile, serialized",
            "landing": alt_landed,
        },
    });
    Ok((value, legacy, alt))
}

async fn count_existing(transport: &Transport, addresses: &[Pubkey]) -> Result<usize> {
    Ok(transport
        .accounts(addresses)
        .await?
        .iter()
        .filter(|a| a.is_some())
        .count())
}

/// A landed v0 transaction.
struct Landed {
    signature: String,
    bytes: usize,
    created: usize,
    place: &'static str,
}

/// Sets up a registry, issuer, schema and lookup table on a second in-process chain (the SDK's
/// embedded transport signs legacy transactions only) and lands `count` issuances in one v0
/// transaction. The chain runs on its own single-threaded runtime: `warp_to_slot` freezes the
/// working bank while program-test's blockhash task may write to it, which a multi-threaded
/// runtime lets race (and panic).
async fn land_v0_embedded(count: usize) -> Result<Landed> {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting a runtime for the lookup-table chain")?
            .block_on(land_v0_embedded_here(count))
    })
    .await
    .context("the lookup-table chain panicked")?
}

async fn land_v0_embedded_here(count: usize) -> Result<Landed> {
    let mut context = credence_sdk::transport::embedded::program_test()
        .start_with_context()
        .await;
    credence_sdk::transport::runtime::install_stub_forwarders();
    let payer = context.payer.insecure_clone();
    let me = payer.pubkey();
    let registry = pda::registry(&me, REGISTRY_NAME).0;
    let issuer = pda::issuer(&registry, ISSUER_ID).0;
    let schema = pda::schema(&issuer, SCHEMA_NAME, 1).0;
    let setup = [
        rix::create_registry(&me, REGISTRY_NAME),
        rix::register_issuer(
            &me,
            &registry,
            RegisterIssuerArgs {
                issuer_id: ISSUER_ID.into(),
                name: "Benchmark Nursing Council".into(),
                uri: String::new(),
                jurisdiction: "GB".into(),
            },
        ),
        rix::decide_issuer(IssuerDecision::Accredit, &me, &registry, &issuer),
        rix::create_schema(
            &me,
            &issuer,
            CreateSchemaArgs {
                name: SCHEMA_NAME.into(),
                version: 1,
                uri: String::new(),
                schema_hash: [7; 32],
                default_validity_secs: 0,
                suspendable: true,
            },
        ),
    ];
    for ix in setup {
        let blockhash = context.banks_client.get_latest_blockhash().await?;
        let tx = transport::sign(&[ix], &payer, &[], blockhash)?;
        within(context.banks_client.process_transaction(tx))
            .await?
            .context("setting up the lookup-table chain")?;
    }
    // A lookup table is derived from a recent slot (one in SlotHashes) and usable from the slot
    // after its last extension: move the chain along by warping.
    context
        .warp_to_slot(2)
        .map_err(|e| anyhow!("warp: {e:?}"))?;
    // The working bank is at slot 2; its parent, slot 1, is in SlotHashes.
    let recent_slot = context
        .banks_client
        .get_root_slot()
        .await?
        .saturating_sub(1);
    let shared = Shared {
        authority: me,
        registry,
        issuer,
        schema,
    };
    let (create, table) = alt::create_lookup_table(me, me, recent_slot);
    let extend = alt::extend_lookup_table(table, me, Some(me), shared.table_addresses());
    let blockhash = context.banks_client.get_latest_blockhash().await?;
    let tx = transport::sign(&[create, extend], &payer, &[], blockhash)?;
    within(context.banks_client.process_transaction(tx))
        .await?
        .context("creating the lookup table")?;
    context
        .warp_to_slot(3)
        .map_err(|e| anyhow!("warp: {e:?}"))?;

    let ixs = [batch(
        &shared,
        "lookup-table-landed",
        count,
        Dates::Defaults,
    )];
    let tables = [AddressLookupTableAccount {
        key: table,
        addresses: shared.table_addresses(),
    }];
    let blockhash = context.get_new_latest_blockhash().await?;
    let message = v0::Message::try_compile(&me, &ixs, &tables, blockhash)
        .map_err(|e| anyhow!("cannot compile the v0 message: {e}"))?;
    let tx = VersionedTransaction::try_new(VersionedMessage::V0(message), &[&payer])?;
    let bytes =
        compact_len(tx.signatures.len()) + 64 * tx.signatures.len() + tx.message.serialize().len();
    let signature = tx.signatures[0].to_string();
    let processed = within(context.banks_client.process_transaction_with_metadata(tx)).await??;
    processed
        .result
        .map_err(|e| anyhow!("the v0 transaction was refused: {e}"))?;
    let credentials = batch_addresses(&ixs[0]);
    let mut created = 0;
    for address in &credentials {
        if context.banks_client.get_account(*address).await?.is_some() {
            created += 1;
        }
    }
    if created != count {
        bail!("the v0 transaction landed but created {created} of {count} credentials");
    }
    Ok(Landed {
        signature,
        bytes,
        created,
        place:
            "a second embedded chain (the SDK's embedded transport sends legacy transactions only)",
    })
}

/// Creates a lookup table on the cluster through the SDK, waits until it is usable, and lands
/// `count` issuances in one v0 transaction through the RPC client.
async fn land_v0_over_rpc(world: &World, count: usize) -> Result<Landed> {
    let Transport::Rpc(rpc) = &*world.transport else {
        bail!("not a JSON-RPC transport");
    };
    let client = rpc.client();
    let payer = &world.issuer_key;
    let me = payer.pubkey();
    let shared = Shared::of(world);
    // A finalized slot is in every later bank's SlotHashes, the preflight bank's included.
    let recent_slot = client
        .get_slot_with_commitment(CommitmentConfig::finalized())
        .await?;
    let (create, table) = alt::create_lookup_table(me, me, recent_slot);
    let extend = alt::extend_lookup_table(table, me, Some(me), shared.table_addresses());
    world
        .transport
        .send(&[create, extend], payer, &[])
        .await
        .context("creating the lookup table")?;
    let created_at = client.get_slot().await?;
    let started = std::time::Instant::now();
    while client.get_slot().await? <= created_at + 1 {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the cluster's slot did not advance in 30 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ixs = [batch(
        &shared,
        "lookup-table-landed",
        count,
        Dates::Defaults,
    )];
    let tables = [AddressLookupTableAccount {
        key: table,
        addresses: shared.table_addresses(),
    }];
    let blockhash = client.get_latest_blockhash().await?;
    let message = v0::Message::try_compile(&me, &ixs, &tables, blockhash)
        .map_err(|e| anyhow!("cannot compile the v0 message: {e}"))?;
    let tx = VersionedTransaction::try_new(VersionedMessage::V0(message), &[payer.as_ref()])?;
    let bytes =
        compact_len(tx.signatures.len()) + 64 * tx.signatures.len() + tx.message.serialize().len();
    let signature = client
        .send_and_confirm_transaction(&tx)
        .await
        .context("landing the v0 transaction")?;
    let credentials = batch_addresses(&ixs[0]);
    let created = count_existing(&world.transport, &credentials).await?;
    if created != count {
        bail!("the v0 transaction landed but created {created} of {count} credentials");
    }
    Ok(Landed {
        signature: signature.to_string(),
        bytes,
        created,
        place: "the same cluster, table created through the SDK",
    })
}

async fn within<T>(future: impl std::future::Future<Output = T>) -> Result<T> {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .map_err(|_| anyhow!("the embedded chain did not answer within 30 s"))
}
