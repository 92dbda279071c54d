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
    roles::{IssueRequest, DEFAULT_IN_FLIGHT},
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
            "retries": self.lock_retries,
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

/// Times one sender issuing `requests` from the world's issuer key: the existence pre-check
/// timed apart, then `issue` (which returns credentials issued and transactions sent), and the
/// key's balance before and after.
async fn one_sender<F>(world: &World, requests: &[IssueRequest], issue: F) -> Result<Run>
where
    F: std::future::Future<Output = Result<(usize, usize)>>,
{
    let precheck_seconds = time_precheck(world, requests).await?;
    let payer = world.issuer_key.pubkey();
    let balance_before = world.transport.balance(&payer).await?;
    let started = Instant::now();
    let (issued, transactions) = issue.await?;
    let seconds = started.elapsed().as_secs_f64();
    let balance_after = world.transport.balance(&payer).await?;
    Ok(Run {
        credentials: requests.len(),
        issued,
        transactions,
        seconds,
        precheck_seconds,
        lock_retries: 0,
        concurrency: 1,
        issuers: 1,
        lamports_spent: balance_before.saturating_sub(balance_after),
    })
}

/// Issues `requests` with `Issuer::issue_batch` and times it.
pub async fn sequential(world: &World, requests: &[IssueRequest]) -> Result<Run> {
    let issuer = world.issuer_api();
    one_sender(world, requests, async {
        let report = issuer
            .issue_batch(requests, |_| {})
            .await
            .context("issue_batch")?;
        if report.issued != requests.len() {
            bail!(
                "issue_batch issued {} of {} (skipped {})",
                report.issued,
                requests.len(),
                report.skipped
            );
        }
        Ok((report.issued, report.transactions))
    })
    .await
}

/// Issues each world's requests the way `issue_batch` does (existence pre-check, the same
/// instructions, the same packing), but keeps `concurrency` packed transactions in flight:
/// `concurrency` lanes, each with its own fee (and rent) payer sending its transactions one
/// after the other, while the issuer's authority co-signs every one. Issuance takes no write
/// lock on the issuer or the schema, and no two lanes share a payer, so in-flight transactions
/// of one issuer hold no lock in common. A transaction refused with `AccountInUse` all the same
/// is sent again and counted in `lock_retries` (the target is none). With several worlds
/// (issuers) their transactions are interleaved over the lanes.
pub async fn concurrent(batches: &[(&World, &[IssueRequest])], concurrency: usize) -> Result<Run> {
    let mut precheck_seconds = 0.0;
    for (world, requests) in batches {
        precheck_seconds += time_precheck(world, requests).await?;
    }
    let credentials: usize = batches.iter().map(|(_, r)| r.len()).sum();
    let lanes = concurrency.max(1);
    let transport = batches
        .first()
        .map(|(w, _)| w.transport.clone())
        .context("no batch")?;
    let payers: Vec<Arc<Keypair>> = (0..lanes).map(|_| Arc::new(Keypair::new())).collect();
    for payer in &payers {
        let share = credentials.div_ceil(lanes) as u64;
        transport
            .airdrop(
                &payer.pubkey(),
                LANE_BASE_FUNDING + LANE_LAMPORTS_PER_CREDENTIAL * share,
            )
            .await
            .context("funding a sending lane's payer")?;
    }
    let balance_before = balances(batches, &payers).await?;
    let started = Instant::now();
    // Round-robin over the issuers, then over the lanes.
    let mut per_issuer = Vec::new();
    for (world, requests) in batches {
        per_issuer.push(pack(world, requests, &payers).await?);
    }
    let mut lanes_work: Vec<Vec<(Arc<Keypair>, Vec<Instruction>)>> = vec![Vec::new(); lanes];
    let longest = per_issuer.iter().map(Vec::len).max().unwrap_or(0);
    let mut transactions = 0;
    for i in 0..longest {
        for ((world, _), chunks) in batches.iter().zip(per_issuer.iter_mut()) {
            if let Some(chunk) = chunks.get_mut(i) {
                lanes_work[i % lanes].push((world.issuer_key.clone(), std::mem::take(chunk)));
                transactions += 1;
            }
        }
    }
    let mut tasks: JoinSet<Result<(usize, usize), SdkError>> = JoinSet::new();
    for (payer, work) in payers.iter().zip(lanes_work) {
        let (transport, payer) = (transport.clone(), payer.clone());
        tasks.spawn(async move {
            let (mut issued, mut retries) = (0, 0);
            for (authority, chunk) in work {
                let (count, r) = send_chunk(&transport, &payer, &authority, &chunk).await?;
                issued += count;
                retries += r;
            }
            Ok((issued, retries))
        });
    }
    let mut issued = 0;
    let mut lock_retries = 0;
    while let Some(done) = tasks.join_next().await {
        let (count, retries) = done.context("a sending task panicked")??;
        issued += count;
        lock_retries += retries;
    }
    let seconds = started.elapsed().as_secs_f64();
    let balance_after = balances(batches, &payers).await?;
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

/// Lamports each sending lane's payer gets on top of its share of the rent.
const LANE_BASE_FUNDING: u64 = 100_000_000;
/// Lamports a lane's payer needs per credential: the rent of a 205-byte account (2,317,680)
/// and a share of the transaction fee, rounded up.
const LANE_LAMPORTS_PER_CREDENTIAL: u64 = 2_400_000;

/// Issues `requests` as the SDK did before `issue_credentials`: one `issue_credential`
/// instruction per credential, as many as fit a transaction (6), each transaction sent after
/// the last landed. Run beside [`sequential`] on the same chain, it is the baseline the batch
/// instruction is compared with in the same conditions.
pub async fn single_instructions(world: &World, requests: &[IssueRequest]) -> Result<Run> {
    let key = world.issuer_key.clone();
    one_sender(world, requests, async {
        let chunks = pack(world, requests, std::slice::from_ref(&key)).await?;
        let mut issued = 0;
        for chunk in &chunks {
            issued += send_chunk(&world.transport, &key, &key, chunk).await?.0;
        }
        Ok((issued, chunks.len()))
    })
    .await
}

/// Over JSON-RPC: `issue_batch` of `count` credentials with [`DEFAULT_IN_FLIGHT`] transactions
/// in flight, then `count` more with one at a time, on the same cluster.
pub async fn rpc_pipelined(world: &World, count: usize) -> Result<Value> {
    let (pipelined_requests, _) = world.requests("rpc-pipelined", count);
    let (sequential_requests, _) = world.requests("rpc-sequential", count);
    let mut runs = Vec::new();
    for (requests, in_flight) in [
        (&pipelined_requests, DEFAULT_IN_FLIGHT),
        (&sequential_requests, 1),
    ] {
        let issuer = world.issuer_api().with_in_flight(in_flight);
        let started = Instant::now();
        let report = issuer
            .issue_batch(requests, |_| {})
            .await
            .context("issue_batch over JSON-RPC")?;
        let seconds = started.elapsed().as_secs_f64();
        if report.issued != count {
            bail!("issue_batch issued {} of {count}", report.issued);
        }
        runs.push((seconds, report.transactions));
    }
    let (pipelined, sequential) = (runs[0], runs[1]);
    let rate = count as f64 / pipelined.0;
    let sequential_rate = count as f64 / sequential.0;
    Ok(json!({
        "method": "Issuer::issue_batch of `credentials` fresh rows against the --url cluster, first with DEFAULT_IN_FLIGHT transactions in flight, then the same number of other rows with_in_flight(1) (each transaction sent after the last was confirmed)",
        "credentials": count,
        "in_flight": DEFAULT_IN_FLIGHT,
        "seconds": round(pipelined.0, 2),
        "transactions": pipelined.1,
        "credentials_per_second": round(rate, 1),
        "sequential_seconds": round(sequential.0, 2),
        "sequential_transactions": sequential.1,
        "sequential_credentials_per_second": round(sequential_rate, 1),
        "speedup": round(rate / sequential_rate, 2),
    }))
}

/// The issuers' and the lanes' payers' balances, summed.
async fn balances(batches: &[(&World, &[IssueRequest])], payers: &[Arc<Keypair>]) -> Result<u64> {
    let mut total = 0;
    for (world, _) in batches {
        total += world.transport.balance(&world.issuer_key.pubkey()).await?;
    }
    if let Some((world, _)) = batches.first() {
        for payer in payers {
            total += world.transport.balance(&payer.pubkey()).await?;
        }
    }
    Ok(total)
}

/// `requests`' issuance instructions, minus those already on-chain, packed into transactions
/// as `Issuer::issue_batch` packs them, but paid by a lane's payer (chunk `i` by lane
/// `i % payers.len()`, which co-signs with the issuer's authority).
async fn pack(
    world: &World,
    requests: &[IssueRequest],
    payers: &[Arc<Keypair>],
) -> Result<Vec<Vec<Instruction>>> {
    let signer = IssuerSigner {
        authority: world.issuer_key.pubkey(),
        as_delegate: false,
        registry: world.registry,
        issuer: world.issuer,
    };
    // Every lane's transactions have the same shape, so one payer sizes them all; each chunk
    // is then re-pointed at its lane's payer.
    let payer = payers.first().context("no lane")?.pubkey();
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
    for (i, chunk) in chunks.iter_mut().enumerate() {
        let lane = payers[i % payers.len()].pubkey();
        for ix in chunk.iter_mut() {
            for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == payer) {
                meta.pubkey = lane;
            }
        }
    }
    Ok(chunks)
}

/// Sends one packed transaction (paid by `payer`, co-signed by `authority`), again while
/// another holds its write locks.
async fn send_chunk(
    transport: &Transport,
    payer: &Keypair,
    authority: &Keypair,
    chunk: &[Instruction],
) -> Result<(usize, usize), SdkError> {
    let mut retries = 0;
    loop {
        match transport.send(chunk, payer, &[authority]).await {
            Ok(_) => return Ok((chunk.len(), retries)),
            Err(SdkError::Transaction(TransactionError::AccountInUse)) if retries < 1_000 => {
                retries += 1;
                tokio::task::yield_now().await;
            }
            Err(err) => return Err(err),
        }
    }
}
