//! Cluster URL and keypair resolution, following the Solana CLI's conventions.

use std::path::PathBuf;

use anyhow::anyhow;
use credence_sdk::{transport::rpc::RpcTransport, Transport};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;

use crate::output::OutputFormat;

/// Global options, resolved lazily (a command that needs no keypair never reads one).
pub struct Config {
    url: Option<String>,
    keypair: Option<String>,
    /// The output format.
    pub output: OutputFormat,
}

/// The parts of `~/.config/solana/cli/config.yml` we read.
#[derive(serde::Deserialize, Default)]
struct SolanaConfig {
    json_rpc_url: Option<String>,
    keypair_path: Option<String>,
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn solana_config() -> SolanaConfig {
    let path = home().join(".config/solana/cli/config.yml");
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_yaml::from_str(&text).ok())
        .unwrap_or_default()
}

pub use credence_sdk::cluster::{read_keypair, resolve_url};

/// Parses a public key argument with a clear error.
pub fn parse_pubkey(what: &str, text: &str) -> anyhow::Result<Pubkey> {
    text.trim().parse().map_err(|_| {
        anyhow!("{what} `{text}` is not a valid public key (expected base58, 32 to 44 characters)")
    })
}

/// Parses every value of a repeated public key argument, naming the flag in any error.
pub fn parse_pubkeys(what: &str, texts: &[String]) -> anyhow::Result<Vec<Pubkey>> {
    texts.iter().map(|text| parse_pubkey(what, text)).collect()
}

/// Now, in unix seconds, by this machine's clock.
pub fn unix_now() -> anyhow::Result<i64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64)
}

/// Parses a date argument: `YYYY-MM-DD` (midnight UTC) or unix seconds.
pub fn parse_date(what: &str, text: &str) -> anyhow::Result<i64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    let bad = || anyhow!("{what} `{text}` is not a date (expected YYYY-MM-DD or unix seconds)");
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (y, m, d): (i64, i64, i64) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

impl Config {
    /// Global options as given.
    pub fn new(url: Option<String>, keypair: Option<String>, output: OutputFormat) -> Self {
        Self {
            url,
            keypair,
            output,
        }
    }

    /// Whether `--url` was given.
    pub fn url_given(&self) -> bool {
        self.url.is_some()
    }

    /// The RPC URL: `--url`, else the Solana CLI config's, else localhost.
    pub fn url(&self) -> anyhow::Result<String> {
        match &self.url {
            Some(url) => Ok(resolve_url(url)?),
            None => Ok(solana_config()
                .json_rpc_url
                .unwrap_or_else(|| "http://127.0.0.1:8899".into())),
        }
    }

    /// The keypair path: `--keypair`, else the Solana CLI config's, else `~/.config/solana/id.json`.
    pub fn keypair_path(&self) -> PathBuf {
        match &self.keypair {
            Some(path) => PathBuf::from(shellexpand(path)),
            None => solana_config()
                .keypair_path
                .map(|p| PathBuf::from(shellexpand(&p)))
                .unwrap_or_else(|| home().join(".config/solana/id.json")),
        }
    }

    /// The signing keypair.
    pub fn keypair(&self) -> anyhow::Result<Keypair> {
        Ok(read_keypair(&self.keypair_path())?)
    }

    /// A JSON-RPC transport to the cluster, checked to answer.
    pub async fn transport(&self) -> anyhow::Result<Transport> {
        let url = self.url()?;
        let rpc = RpcTransport::new(&url);
        rpc.ping().await?;
        Ok(Transport::Rpc(rpc))
    }
}

fn shellexpand(path: &str) -> String {
    match path.strip_prefix("~/") {
        Some(rest) => home().join(rest).display().to_string(),
        None => path.to_string(),
    }
}
