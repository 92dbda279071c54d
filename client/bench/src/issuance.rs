//! Issuance throughput: `Issuer::issue_batch` (packed transactions, sent one after the other),
//! and the same packed transactions sent concurrently through `Transport::send` from several
//! tasks.

use std::{sync::Arc, time::Instant};

use anyhow::{bail, Context, Result};
use credence_sdk::{
    commitment,
    error::SdkError,
    ix::registry::{self as rix, IssuerSigner},
    pda,
    registry_program::IssueCredentialArgs,
    roles::IssueRequest,
    transport::{transaction_size, Transport, MAX_TRANSACTION_SIZE},
    Instruction, Pubkey,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use tokio::task::JoinSet;

use crate::world::World;

/// One issuance run.
#[derive(Clone, Debug)]
pub struct Run {
    /// Credentials asked for.
    pub credentials: usize,
    /// Credentials issued now.
    pub issued: usize,
    /// Transactions sent.
    pub transactions: usize,
    /// Wall time of the whole call, existence pre-check included (seconds).
    pub seconds: f64,
    /// Wall time of the existence pre-check alone (one `Transport::accounts` over every
    /// address), measured separately on the same addresses (seconds).
    pub precheck_seconds: f64,
    /// Transactions sent again because another in-flight one held the issuer's write lock.
    pub lock_retries: usize,
    /// Transactions in flight at once.
    pub concurrency: usize,
    /// Issuers whose transactions were interleaved.
    pub issuers: usize,
    /// Lamports the issuers' balances fell by (rent of the new accounts plus fees).
    pub lamports_spent: u64,
}

impl Run {
    /// Credentials issued per second.
    pub fn per_second(&self) -> f64 {
        self.issued as f64 / self.seconds
    }

    /// The run as JSON.
    pub fn json(&self) -> Value {
        json!({
            "credentials": self.credentials,
            "issued": self.issued,
            "transactions": self.transactions,
            "issuances_per_transaction": self.issued as f64 / self.transactions.max(1) as f64,
            "seconds": round(self.seconds, 4),
            "credentials_per_second": round(self.per_second(), 1),
            "transactions_per_second": round(self.transactions as f64 / self.seconds, 1),
            "existence_precheck_seconds": round(self.precheck_seconds, 4),
            "concurrency": self.concurrency,
            "issuers": self.issuers,
            "lamports_spent": self.lamports_spent,
            "lamports_spent_per_credential": self.lamports_spent as f64 / self.issued.max(1) as f64,
            "lock_retries": self.lock_retries,
        })
    }
}

/// The median of `samples` (the upper middle one for an even count; 0 for none).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// Rounds `x` to `digits` decimals (for readable JSON).
pub fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// Times one `transport.accounts` call over the requests' credential addresses.
async fn time_precheck(world: &World, requests: &[IssueRequest]) -> Result<f64> {
    let addresses: Vec<Pubkey> = requests
        .iter()
        .map(|r| {
            let id = world
                .issuer_secret
                .credential_id(&world.issuer, &r.reference);
            pda::credential(&world.issuer, &r.subject, &id).0
        })
        .collect();
    let started = Instant::now();
    let found = world.transport.accounts(&addresses).await?;
    let seconds = started.elapsed().as_secs_f64();
    if found.iter().any(Option::is_some) {
        bail!("the benchmark's fresh credentials already exist");
    }
    Ok(seconds)
}

/// Issues `requests` with `Issuer::issue_batch` and times it.
pub async fn sequential(world: &World, requests: &[IssueRequest]) -> Result<Run> {
    let precheck_seconds = time_precheck(world, requests).await?;
    let issuer = world.issuer_api();
    let payer = world.issuer_key.pubkey();
    let balance_before = world.transport.balance(&payer).await?;
    let started = Instant::now();
    let report = issuer
        .issue_batch(requests, |_| {})
        .await
        .context("issue_batch")?;
    let seconds = started.elapsed().as_secs_f64();
    let balance_after = world.transport.balance(&payer).await?;
    if report.issued != requests.len() {
        bail!(
            "issue_batch issued {} of {} (skipped {})",
            report.issued,
            requests.len(),
            report.skipped
        );
    }
    Ok(Run {
        credentials: requests.len(),
        issued: report.issued,
        transactions: report.transactions,
        seconds,
        precheck_seconds,
        lock_retries: 0,
        concurrency: 1,
        issuers: 1,
        lamports_spent: balance_before.saturating_sub(balance_after),
    })
}

/// Issues each world's requests the way `issue_batch` does (existence pre-check, the same
/// instructions, the same packing), but keeps up to `concurrency` packed transactions in
/// flight, each sent by its own task through `Transport::send`; with several worlds (issuers)
/// their transactions are interleaved. Every issuance writes its issuer's and schema's counters,
/// so in-flight transactions of one issuer conflict on those locks: one refused with
/// `AccountInUse` is sent again (counted in `lock_retries`).
pub async fn concurrent(batches: &[(&World, &[IssueRequest])], concurrency: usize) -> Result<Run> {
    let mut precheck_seconds = 0.0;
    for (world, requests) in batches {
        precheck_seconds += time_precheck(world, requests).await?;
    }
    let credentials: usize = batches.iter().map(|(_, r)| r.len()).sum();
    let balance_before = balances(batches).await?;
    let started = Instant::now();
    let mut per_issuer = Vec::new();
    for (world, requests) in batches {
        per_issuer.push(pack(world, requests).await?);
    }
    // Round-robin over the issuers.
    let mut queue: Vec<(Arc<Keypair>, Vec<Instruction>)> = Vec::new();
    let longest = per_issuer.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for ((world, _), chunks) in batches.iter().zip(per_issuer.iter_mut()) {
            if let Some(chunk) = chunks.get_mut(i) {
                queue.push((world.issuer_key.clone(), std::mem::take(chunk)));
            }
        }
    }
    let transactions = queue.len();
    let transport = batches
        .first()
        .map(|(w, _)| w.transport.clone())
        .context("no batch")?;
    let mut issued = 0;
    let mut lock_retries = 0;
    let mut tasks: JoinSet<Result<(usize, usize), SdkError>> = JoinSet::new();
    let mut queue = queue.into_iter();
    loop {
        while tasks.len() < concurrency.max(1) {
            let Some((signer, chunk)) = queue.next() else {
                break;
            };
            tasks.spawn(send_chunk(transport.clone(), signer, chunk));
        }
        let Some(done) = tasks.join_next().await else {
            break;
        };
        let (count, retries) = done.context("a sending task panicked")??;
        issued += count;
        lock_retries += retries;
    }
    let seconds = started.elapsed().as_secs_f64();
    let balance_after = balances(batches).await?;
    if issued != credentials {
        bail!("concurrent sending issued {issued} of {credentials}");
    }
    Ok(Run {
        credentials,
        issued,
        transactions,
        seconds,
        precheck_seconds,
        lock_retries,
        concurrency,
        issuers: batches.len(),
        lamports_spent: balance_before.saturating_sub(balance_after),
    })
}

/// The issuers' balances, summed.
async fn balances(batches: &[(&World, &[IssueRequest])]) -> Result<u64> {
    let mut total = 0;
    for (world, _) in batches {
        total += world.transport.balance(&world.issuer_key.pubkey()).await?;
    }
    Ok(total)
}

/// `requests`' issuance instructions, minus those already on-chain, packed into transactions
/// exactly as `Issuer::issue_batch` packs them.
async fn pack(world: &World, requests: &[IssueRequest]) -> Result<Vec<Vec<Instruction>>> {
    let payer = world.issuer_key.pubkey();
    let signer = IssuerSigner {
        authority: payer,
        as_delegate: false,
        registry: world.registry,
        issuer: world.issuer,
    };
    let prepared: Vec<(Instruction, Pubkey)> = requests
        .iter()
        .map(|r| {
            let credential_id = world
                .issuer_secret
                .credential_id(&world.issuer, &r.reference);
            let salt = world.issuer_secret.salt(&world.issuer, &r.reference);
            let ix = rix::issue_credential(
                &signer,
                &payer,
                &r.schema,
                IssueCredentialArgs {
                    credential_id,
                    subject: r.subject,
                    commitment: commitment::commit(&salt, &r.document),
                    valid_from: r.valid_from,
                    expires_at: r.expires_at,
                },
            );
            let address = pda::credential(&world.issuer, &r.subject, &credential_id).0;
            (ix, address)
        })
        .collect();
    let addresses: Vec<Pubkey> = prepared.iter().map(|(_, a)| *a).collect();
    let existing = world.transport.accounts(&addresses).await?;
    let mut chunks: Vec<Vec<Instruction>> = Vec::new();
    let mut pending: Vec<Instruction> = Vec::new();
    for ((ix, _), exists) in prepared.into_iter().zip(existing) {
        if exists.is_some() {
            continue;
        }
        pending.push(ix);
        if pending.len() > 1 && transaction_size(&pending, &payer) > MAX_TRANSACTION_SIZE {
            let last = pending.pop().expect("just pushed");
            chunks.push(std::mem::replace(&mut pending, vec![last]));
        }
    }
    if !pending.is_empty() {
        chunks.push(pending);
    }
    Ok(chunks)
}

/// Sends one packed transaction, again while another holds its write locks.
async fn send_chunk(
    transport: Arc<Transport>,
    signer: Arc<Keypair>,
    chunk: Vec<Instruction>,
) -> Result<(usize, usize), SdkError> {
    let mut retries = 0;
    loop {
        match transport.send(&chunk, &signer, &[]).await {
            Ok(_) => return Ok((chunk.len(), retries)),
            Err(SdkError::Transaction(TransactionError::AccountInUse)) if retries < 1_000 => {
                retries += 1;
                tokio::task::yield_now().await;
            }
            Err(err) => return Err(err),
        }
    }
}
