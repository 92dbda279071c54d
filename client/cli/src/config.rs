//! Cluster URL and keypair resolution, following the Solana CLI's conventions.

use std::path::PathBuf;

use credence_sdk::{transport::rpc::RpcTransport, Transport};
use solana_keypair::Keypair;

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

/// Now, in unix seconds, by this machine's clock.
pub fn unix_now() -> anyhow::Result<i64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64)
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
