//! Cluster URL and keypair resolution, following the Solana CLI's conventions.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
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

/// Expands a `--url` moniker to an RPC URL.
pub fn resolve_url(url: &str) -> anyhow::Result<String> {
    let resolved = match url {
        "localhost" | "l" => "http://127.0.0.1:8899",
        "devnet" | "d" => "https://api.devnet.solana.com",
        "testnet" | "t" => "https://api.testnet.solana.com",
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com",
        other if other.starts_with("http://") || other.starts_with("https://") => other,
        other => bail!("`{other}` is not a cluster: use localhost, devnet, testnet, mainnet-beta or an http(s) URL"),
    };
    Ok(resolved.to_string())
}

/// Reads a keypair file as `solana-keygen` writes it (a JSON array of 64 bytes).
pub fn read_keypair(path: &Path) -> anyhow::Result<Keypair> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow!(
            "keypair file {} not found: create one with `solana-keygen new -o {}` or pass --keypair",
            path.display(),
            path.display()
        ),
        _ => anyhow!("cannot read keypair file {}: {e}", path.display()),
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        anyhow!("{} is not a keypair file: expected a JSON array of 64 numbers, as solana-keygen writes", path.display())
    })?;
    Keypair::try_from(bytes.as_slice()).map_err(|_| {
        anyhow!(
            "{} is not a valid keypair: expected 64 bytes (secret and public key)",
            path.display()
        )
    })
}

/// Parses a public key argument with a clear error.
pub fn parse_pubkey(what: &str, text: &str) -> anyhow::Result<Pubkey> {
    text.trim().parse().map_err(|_| {
        anyhow!("{what} `{text}` is not a valid public key (expected base58, 32 to 44 characters)")
    })
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
            Some(url) => resolve_url(url),
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
        read_keypair(&self.keypair_path())
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
