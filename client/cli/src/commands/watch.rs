//! `credence watch`: status changes pushed as they land, one line per event, to stdout and
//! optionally to an HR system's webhook, resumable from a state file.

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use clap::{Args, ValueEnum};
use credence_consent::state::CredentialRef;
use credence_sdk::watch::{
    webhook::Webhook, Role, Update, Watch, WatchConfig, WatchEvent, WatchOptions, WatchState,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    args::{credential_ref, pubkey},
    config::Config,
    output::{emit, Output, OutputFormat},
};

/// Whom to watch for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WatchRole {
    /// The credentials your live grants cover, their issuers, and your grants.
    Recruiter,
    /// Your credentials and grants (every recorded access included).
    Candidate,
    /// The issuers you run, their registries and schemas.
    Issuer,
}

/// Arguments of `credence watch`.
#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Whom to watch for.
    #[arg(long = "as", value_enum)]
    role: WatchRole,
    /// The key to watch for (default: the keypair's public key; watching signs nothing).
    #[arg(long, value_parser = pubkey)]
    key: Option<Pubkey>,
    /// Recruiters: watch this grant only.
    #[arg(long, value_parser = pubkey)]
    grant: Option<Pubkey>,
    /// Candidates: also watch this cohort leaf (COHORT#INDEX, from a credential file).
    #[arg(long = "leaf", value_parser = credential_ref)]
    leaves: Vec<CredentialRef>,
    /// Warn this long before a credential expires: 30d, 12h, 90m, 45s (a bare number: days).
    #[arg(long, value_parser = span)]
    expiring_within: Option<i64>,
    /// Resume from this file and keep it up to date: a restarted watcher neither misses nor
    /// repeats an event (beyond re-delivering, with the same id, one it had not finished
    /// delivering).
    #[arg(long)]
    state: Option<PathBuf>,
    /// POST each event as JSON to this URL, retried with backoff until it answers 2xx
    /// (`Idempotency-Key`: the event id).
    #[arg(long)]
    webhook: Option<String>,
    /// Sign each POST with the secret in this file (`X-Credence-Signature: sha256=<HMAC>` of
    /// the body), so the HR system can tell the watcher's POSTs from anyone else's.
    #[arg(long, requires = "webhook")]
    webhook_secret_file: Option<PathBuf>,
    /// The WebSocket PubSub URL (default: the RPC URL with ws:// and the next port).
    #[arg(long)]
    ws: Option<String>,
    /// Seconds between reads of the cluster's clock (expiries).
    #[arg(long, default_value_t = 10)]
    clock_every: u64,
    /// Stop after this many events (default: run until interrupted).
    #[arg(long)]
    max_events: Option<u64>,
}

/// A duration in seconds from `30d`, `12h`, `90m`, `45s` or a bare number of days.
pub fn span(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 'd'),
    };
    let seconds_per = match unit {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return Err("expected a duration such as 30d, 12h, 90m or 45s".into()),
    };
    number
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=36_500 * 86_400 / seconds_per).contains(n))
        .map(|n| n * seconds_per)
        .ok_or_else(|| {
            "expected a duration such as 30d, 12h, 90m or 45s (at most 100 years)".into()
        })
}

/// What the state file holds: the watcher's state and the events not yet handed on.
#[derive(Serialize, Deserialize)]
struct StateFile {
    watch: WatchState,
    /// Events reported but not yet printed and delivered, oldest first.
    outbox: VecDeque<WatchEvent>,
}

fn load(path: &Path) -> anyhow::Result<Option<StateFile>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map(Some).with_context(|| {
            format!(
                "state file {} is not a watch state: move it away to start afresh",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read state file {}", path.display())),
    }
}

/// Writes the file whole or not at all (a temporary file renamed over it).
fn save(path: &Path, watch: &WatchState, outbox: &VecDeque<WatchEvent>) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct View<'a> {
        watch: &'a WatchState,
        outbox: &'a VecDeque<WatchEvent>,
    }
    let text = serde_json::to_vec(&View { watch, outbox }).expect("watch state serializes");
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .with_context(|| format!("cannot write state file {}", path.display()))
}

/// Watches until interrupted (or `--max-events`), printing one line per event.
pub async fn run(config: &Config, args: WatchArgs) -> anyhow::Result<Output> {
    let key = match args.key {
        Some(key) => key,
        None => config.keypair()?.pubkey(),
    };
    let role = match args.role {
        WatchRole::Recruiter => Role::Recruiter(key),
        WatchRole::Candidate => Role::Candidate(key),
        WatchRole::Issuer => Role::Issuer(key),
    };
    let webhook = match (args.webhook.as_deref(), &args.webhook_secret_file) {
        (None, _) => None,
        (Some(url), None) => Some(Webhook::new(url)?),
        (Some(url), Some(path)) => {
            let secret = std::fs::read(path).with_context(|| {
                format!("cannot read the webhook secret file {}", path.display())
            })?;
            let secret = String::from_utf8_lossy(&secret).trim().as_bytes().to_vec();
            Some(Webhook::new(url)?.with_secret(secret)?)
        }
    };
    let saved = match &args.state {
        Some(path) => load(path)?,
        None => None,
    };
    let (state, mut outbox) = match saved {
        Some(file) => (Some(file.watch), file.outbox),
        None => (None, VecDeque::new()),
    };
    let transport = config.transport().await?;
    let options = WatchOptions {
        expiring_within: args.expiring_within,
        grant: args.grant,
        leaves: args.leaves,
    };
    let watch_config = WatchConfig {
        websocket_url: args.ws,
        clock_every: Duration::from_secs(args.clock_every.max(1)),
        ..WatchConfig::default()
    };
    let mut watch = Watch::new(&transport, role.clone(), options, watch_config, state)?;
    let json_lines = config.output == OutputFormat::Json;
    let mut handed_on: u64 = 0;
    let mut delivery_attempts: u64 = 0;
    let done = |handed_on: u64| args.max_events.is_some_and(|max| handed_on >= max);
    let mut interrupted = false;
    loop {
        // Hand on what is owed first (left by a stopped run, or just reported).
        while let Some(event) = outbox.front().cloned() {
            if json_lines {
                emit(&serde_json::to_string(&event).expect("events serialize"));
            } else {
                emit(&event.to_string());
            }
            if let Some(webhook) = &webhook {
                let delivery = webhook.deliver(&event, |attempt, failure, wait| {
                    eprintln!(
                        "webhook {}: attempt {attempt} for event {} failed ({}); retrying in {:.1} s",
                        webhook.url(),
                        event.id,
                        failure.problem,
                        wait.as_secs_f64()
                    );
                });
                // Interrupted while the endpoint is down: the event stays owed in the state.
                let attempts = tokio::select! {
                    attempts = delivery => attempts,
                    _ = tokio::signal::ctrl_c() => {
                        interrupted = true;
                        break;
                    }
                };
                delivery_attempts += u64::from(attempts);
            }
            outbox.pop_front();
            handed_on += 1;
            if let Some(path) = &args.state {
                save(path, &watch.state(), &outbox)?;
            }
            if done(handed_on) {
                break;
            }
        }
        if interrupted || done(handed_on) {
            break;
        }
        let update = tokio::select! {
            update = watch.next() => update,
            _ = tokio::signal::ctrl_c() => break,
        };
        match update {
            Update::Events(events) => {
                outbox.extend(events);
                // Saved before anything is handed on: a watcher stopped from here on
                // re-delivers these with the same ids rather than reporting them anew.
                if let Some(path) = &args.state {
                    save(path, &watch.state(), &outbox)?;
                }
            }
            Update::Connected {
                subscriptions,
                watched,
                slot,
            } => {
                // The baseline: a watcher restarted from here reports what changed since.
                if let Some(path) = &args.state {
                    save(path, &watch.state(), &outbox)?;
                }
                eprintln!(
                    "watching {watched} accounts for {role} from slot {slot} ({subscriptions} subscriptions)"
                );
            }
            Update::Lost { error, retry_in } => eprintln!(
                "connection lost: {error}; reconnecting in {:.1} s",
                retry_in.as_secs_f64()
            ),
        }
    }
    if let Some(path) = &args.state {
        save(path, &watch.state(), &outbox)?;
    }
    let stats = watch.stats();
    Ok(Output::new(
        json!({
            "role": role.to_string(),
            "events": handed_on,
            "watched": watch.engine().watched(),
            "stats": stats,
            "webhook_attempts": delivery_attempts,
        }),
        format!(
            "stopped after {handed_on} events; {} accounts watched, {} subscriptions, {} reads, {} pushes",
            watch.engine().watched(),
            stats.subscriptions,
            stats.requests,
            stats.pushed
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn spans_read_days_hours_minutes_and_seconds() {
        assert_eq!(span("30d"), Ok(30 * 86_400));
        assert_eq!(span("30"), Ok(30 * 86_400));
        assert_eq!(span("12h"), Ok(12 * 3_600));
        assert_eq!(span("90m"), Ok(5_400));
        assert_eq!(span("45s"), Ok(45));
        for bad in ["", "d", "-1d", "3w", "1.5d", "99999999d"] {
            assert!(span(bad).is_err(), "{bad}");
        }
    }
}
