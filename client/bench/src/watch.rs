//! Monitoring: how soon a watcher reports a status change after it is confirmed, and what a
//! recruiter watching many credentials costs (subscriptions, reads, memory, events a second).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use credence_sdk::{
    accounts,
    ix::registry::{self as rix, CredentialChange, IssuerSigner},
    roles::{Candidate, GrantRequest, IssueRequest},
    watch::{Role, Update, Watch, WatchConfig, WatchEvent, WatchOptions},
    Pubkey, Transport,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use tokio::sync::mpsc;

use crate::{issuance::round, machine, say, world::World};

/// Credentials each candidate holds (and grants in one grant) in the scale run.
const PER_CANDIDATE: usize = 10;
/// Status changes packed in one transaction in the scale run.
const CHANGES_PER_TRANSACTION: usize = 8;
/// Transactions kept in flight over JSON-RPC.
const IN_FLIGHT: usize = 32;

/// What the watcher task reports, each with the instant it arrived.
enum Seen {
    Connected(Instant),
    Event(Instant, Box<WatchEvent>),
    Lost(String),
}

/// Runs a watcher for `role` in its own task: every update is timestamped as it arrives.
/// A message on the control channel drops its connection (an outage) and a second one lets it
/// reconnect (it then reads everything again).
fn spawn_watcher(
    transport: Arc<Transport>,
    role: Role,
) -> (
    mpsc::UnboundedReceiver<Seen>,
    mpsc::UnboundedSender<()>,
    tokio::sync::watch::Receiver<(usize, credence_sdk::watch::WatchStats)>,
) {
    let (sender, seen) = mpsc::unbounded_channel();
    let (disconnect, mut disconnects) = mpsc::unbounded_channel::<()>();
    let (stats_sender, stats) = tokio::sync::watch::channel((0, Default::default()));
    tokio::spawn(async move {
        let transport: &Transport = &transport;
        let config = WatchConfig {
            clock_every: Duration::from_secs(3600),
            ..WatchConfig::default()
        };
        let mut watch = match Watch::new(transport, role, WatchOptions::default(), config, None) {
            Ok(watch) => watch,
            Err(e) => {
                let _ = sender.send(Seen::Lost(e.to_string()));
                return;
            }
        };
        loop {
            let update = tokio::select! {
                update = watch.next() => update,
                asked = disconnects.recv() => {
                    if asked.is_none() {
                        return;
                    }
                    watch.disconnect();
                    // The outage lasts until the second message.
                    if disconnects.recv().await.is_none() {
                        return;
                    }
                    continue;
                }
            };
            let at = Instant::now();
            let _ = stats_sender.send((watch.engine().watched(), watch.stats()));
            let sent = match update {
                Update::Connected { .. } => sender.send(Seen::Connected(at)),
                Update::Events(events) => events
                    .into_iter()
                    .try_for_each(|e| sender.send(Seen::Event(at, Box::new(e)))),
                Update::Lost { error, .. } => sender.send(Seen::Lost(error)),
            };
            if sent.is_err() {
                return;
            }
        }
    });
    (seen, disconnect, stats)
}

async fn connected(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Result<Instant> {
    loop {
        match tokio::time::timeout(Duration::from_secs(300), seen.recv()).await {
            Ok(Some(Seen::Connected(at))) => return Ok(at),
            Ok(Some(Seen::Event(..))) => {}
            Ok(Some(Seen::Lost(error))) => say!("  (watcher: {error}; retrying)"),
            Ok(None) => bail!("the watcher stopped"),
            Err(_) => bail!("the watcher did not connect within 300 s"),
        }
    }
}

async fn next_event(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Result<(Instant, WatchEvent)> {
    loop {
        match tokio::time::timeout(Duration::from_secs(120), seen.recv()).await {
            Ok(Some(Seen::Event(at, event))) => return Ok((at, *event)),
            Ok(Some(Seen::Connected(_))) => {}
            Ok(Some(Seen::Lost(error))) => say!("  (watcher: {error}; reconnecting)"),
            Ok(None) => bail!("the watcher stopped"),
            Err(_) => bail!("no event within 120 s"),
        }
    }
}

fn signer(world: &World) -> IssuerSigner {
    IssuerSigner {
        authority: world.issuer_key.pubkey(),
        as_delegate: false,
        registry: world.registry,
        issuer: world.issuer,
    }
}

fn quantiles(mut ms: Vec<f64>) -> Value {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    json!({
        "count": ms.len(),
        "median": round(at(0.5), 4),
        "p90": round(at(0.9), 4),
        "worst": round(ms[ms.len() - 1], 4),
        "best": round(ms[0], 4),
    })
}

/// Candidates with `per_candidate` credentials each, all granted to `recruiter` (one grant
/// per candidate). Returns the credential addresses.
async fn granted_credentials(
    world: &World,
    tag: &str,
    count: usize,
    recruiter: &Pubkey,
) -> Result<Vec<Pubkey>> {
    let candidates: Vec<Keypair> = (0..count.div_ceil(PER_CANDIDATE))
        .map(|_| Keypair::new())
        .collect();
    let requests: Vec<IssueRequest> = (0..count)
        .map(|i| IssueRequest {
            subject: candidates[i / PER_CANDIDATE].pubkey(),
            schema: world.schema,
            reference: format!("{tag}/{i:07}"),
            document: crate::world::document(tag, i),
            valid_from: None,
            expires_at: None,
        })
        .collect();
    let report = world
        .issuer_api()
        .with_in_flight(IN_FLIGHT)
        .issue_batch(&requests, |_| {})
        .await
        .context("issuing the watched credentials")?;
    if report.issued != count {
        bail!("issued {} of {count}", report.issued);
    }
    let issuer = world.issuer_api();
    let addresses: Vec<Pubkey> = requests
        .iter()
        .map(|r| issuer.credential_address(&r.subject, &r.reference))
        .collect::<Result<_, _>>()?;
    // Each candidate pays her grant's rent: fund them, many transfers a transaction.
    let transport = &world.transport;
    let funding: Vec<Vec<_>> = candidates
        .chunks(20)
        .map(|chunk| {
            chunk
                .iter()
                .map(|c| {
                    anchor_lang::solana_program::system_instruction::transfer(
                        &world.issuer_key.pubkey(),
                        &c.pubkey(),
                        10_000_000,
                    )
                })
                .collect()
        })
        .collect();
    for result in transport
        .send_many(&funding, &world.issuer_key, &[], IN_FLIGHT, |_| {})
        .await
    {
        result.context("funding the candidates")?;
    }
    let expires_at = transport.now().await? + 365 * 86_400;
    let grants = candidates.iter().enumerate().map(|(i, candidate)| {
        let credentials = accounts::account_refs(
            &addresses[i * PER_CANDIDATE..((i + 1) * PER_CANDIDATE).min(count)],
        );
        async move {
            Candidate::new(transport, candidate)
                .grant(GrantRequest {
                    grant_id: 1,
                    grantee: *recruiter,
                    credentials,
                    purpose: "Continuous monitoring".into(),
                    expires_at,
                    max_uses: 0,
                    document_key: None,
                })
                .await
        }
    });
    use futures_util::StreamExt;
    let results: Vec<_> = futures_util::stream::iter(grants)
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for result in results {
        result.context("creating a grant")?;
    }
    Ok(addresses)
}

/// Sends `change` for every credential of `addresses`, packed and pipelined.
async fn change_all(world: &World, addresses: &[Pubkey], change: CredentialChange) -> Result<()> {
    let signer = signer(world);
    let transactions: Vec<Vec<_>> = addresses
        .chunks(CHANGES_PER_TRANSACTION)
        .map(|chunk| {
            chunk
                .iter()
                .map(|a| rix::change_credential(change, &signer, &world.schema, a))
                .collect()
        })
        .collect();
    for result in world
        .transport
        .send_many(&transactions, &world.issuer_key, &[], IN_FLIGHT, |_| {})
        .await
    {
        result.context("changing a watched credential's status")?;
    }
    Ok(())
}

/// Sends one instruction and returns when it was submitted and when it was confirmed: over
/// JSON-RPC, the first `getSignatureStatuses` answer (polled every 2 ms) that says `confirmed`,
/// rather than the SDK's own confirmation (polled every 250 ms); on the embedded chain, when
/// it was processed.
async fn send_and_time(world: &World, ix: credence_sdk::Instruction) -> Result<(Instant, Instant)> {
    let Transport::Rpc(rpc) = &*world.transport else {
        let submitted = Instant::now();
        world.transport.send(&[ix], &world.issuer_key, &[]).await?;
        return Ok((submitted, Instant::now()));
    };
    let client = rpc.client();
    let blockhash = client.get_latest_blockhash().await?;
    let tx = credence_sdk::transport::sign(&[ix], &world.issuer_key, &[], blockhash)?;
    let submitted = Instant::now();
    let signature = client.send_transaction(&tx).await?;
    let deadline = submitted + Duration::from_secs(60);
    loop {
        let statuses = client.get_signature_statuses(&[signature]).await?.value;
        if let Some(Some(status)) = statuses.first() {
            if let Some(err) = &status.err {
                bail!("the status change failed: {err:?}");
            }
            if status.satisfies_commitment(solana_commitment_config::CommitmentConfig::confirmed())
            {
                return Ok((submitted, Instant::now()));
            }
        }
        if Instant::now() > deadline {
            bail!("{signature} not confirmed within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Latency: `changes` status changes of one credential (suspend, reinstate, ...), each sent
/// and confirmed one after the other; for each, the time from its confirmation (and from its
/// submission) to the watcher's event.
pub async fn latency(world: &World, changes: usize) -> Result<Value> {
    let recruiter = Keypair::new();
    let credential = granted_credentials(world, "watch-latency", 1, &recruiter.pubkey()).await?[0];
    let (mut seen, _disconnect, stats) =
        spawn_watcher(world.transport.clone(), Role::Recruiter(recruiter.pubkey()));
    connected(&mut seen).await?;
    let signer = signer(world);
    let (mut after_confirmation, mut after_submission) = (Vec::new(), Vec::new());
    for i in 0..changes {
        let change = if i % 2 == 0 {
            CredentialChange::Suspend
        } else {
            CredentialChange::Reinstate
        };
        let ix = rix::change_credential(change, &signer, &world.schema, &credential);
        let (submitted, confirmed) = send_and_time(world, ix).await?;
        let (at, event) = next_event(&mut seen).await?;
        let expected = if i % 2 == 0 {
            "credential_suspended"
        } else {
            "credential_reinstated"
        };
        if event.kind.tag() != expected || event.account != credential {
            bail!("expected {expected} of {credential}, got {event:?}");
        }
        // Negative: the event arrived before the sender's own confirmation did.
        let signed_ms = |from: Instant| {
            if at >= from {
                at.duration_since(from).as_secs_f64() * 1e3
            } else {
                -(from.duration_since(at).as_secs_f64() * 1e3)
            }
        };
        after_confirmation.push(signed_ms(confirmed));
        after_submission.push(signed_ms(submitted));
    }
    let (_, stats) = *stats.borrow();
    Ok(json!({
        "changes": changes,
        "confirmation_to_event_ms": quantiles(after_confirmation),
        "submission_to_event_ms": quantiles(after_submission),
        "subscriptions": stats.subscriptions,
        "pushed": stats.pushed,
    }))
}

/// Scale: a recruiter watching `count` credentials under `count / 10` grants: what connecting
/// costs (reads, subscriptions, time, memory), events a second while every credential is
/// suspended live, and while every one reinstated during an outage is found on reconnection.
pub async fn scale(world: &World, count: usize) -> Result<Value> {
    let recruiter = Keypair::new();
    let setup = Instant::now();
    let addresses = granted_credentials(world, "watch-scale", count, &recruiter.pubkey()).await?;
    say!(
        "  set up {count} credentials under {} grants in {:.1} s (not timed)",
        count.div_ceil(PER_CANDIDATE),
        setup.elapsed().as_secs_f64()
    );
    let rss_before = machine::rss_kib();
    let started = Instant::now();
    let (mut seen, disconnect, stats) =
        spawn_watcher(world.transport.clone(), Role::Recruiter(recruiter.pubkey()));
    let at = connected(&mut seen).await?;
    let connect_ms = at.duration_since(started).as_secs_f64() * 1e3;
    let rss_after = machine::rss_kib();
    let (watched, connect_stats) = *stats.borrow();

    // Live: every credential suspended, pipelined; events counted as they arrive.
    let live_started = Instant::now();
    let sender = change_all(world, &addresses, CredentialChange::Suspend);
    let receiver = async {
        let mut last = Instant::now();
        for _ in 0..count {
            last = next_event(&mut seen).await?.0;
        }
        anyhow::Ok(last)
    };
    let (sent, last) = tokio::join!(sender, receiver);
    sent?;
    let live_seconds = last?.duration_since(live_started).as_secs_f64();

    // An outage: the watcher drops its connection; every credential is reinstated meanwhile;
    // it reconnects and finds all of them in its one re-read.
    let _ = disconnect.send(());
    change_all(world, &addresses, CredentialChange::Reinstate).await?;
    let resync_started = Instant::now();
    let _ = disconnect.send(());
    let mut last = resync_started;
    for _ in 0..count {
        let (at, event) = next_event(&mut seen).await?;
        if event.kind.tag() != "credential_reinstated" {
            bail!("expected reinstatements after the outage, got {event:?}");
        }
        last = at;
    }
    let resync_seconds = last.duration_since(resync_started).as_secs_f64();
    let (_, final_stats) = *stats.borrow();
    Ok(json!({
        "credentials": count,
        "grants": count.div_ceil(PER_CANDIDATE),
        "accounts_watched": watched,
        "subscriptions": connect_stats.subscriptions,
        "connect": {
            "ms": round(connect_ms, 4),
            "read_requests": connect_stats.requests,
        },
        "rss_growth_kib": rss_after.saturating_sub(rss_before),
        "rss_growth_bytes_per_credential": round(rss_after.saturating_sub(rss_before) as f64 * 1024.0 / count as f64, 4),
        "live": {
            "events": count,
            "seconds": round(live_seconds, 4),
            "events_per_second": round(count as f64 / live_seconds, 4),
            "note": "bounded by the chain: every suspension sent, pipelined, while the watcher reports",
        },
        "after_outage": {
            "events": count,
            "seconds": round(resync_seconds, 4),
            "events_per_second": round(count as f64 / resync_seconds, 4),
        },
        "totals": {
            "connections": final_stats.connections,
            "read_requests": final_stats.requests,
            "pushed": final_stats.pushed,
            "events": final_stats.events,
        },
    }))
}
