//! Solana CLI conventions shared by every Credence binary: `--url` monikers and keypair files as
//! `solana-keygen` writes them.

use std::path::Path;

use solana_keypair::Keypair;

use crate::error::SdkError;

/// Expands a `--url` moniker (`localhost`, `devnet`, `testnet`, `mainnet-beta`, or their first
/// letter) to an RPC URL; an http(s) URL passes through.
pub fn resolve_url(url: &str) -> Result<String, SdkError> {
    let resolved = match url {
        "localhost" | "l" => "http://127.0.0.1:8899",
        "devnet" | "d" => "https://api.devnet.solana.com",
        "testnet" | "t" => "https://api.testnet.solana.com",
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com",
        other if other.starts_with("http://") || other.starts_with("https://") => other,
        other => {
            return Err(SdkError::Invalid(format!(
                "`{other}` is not a cluster: use localhost, devnet, testnet, mainnet-beta or an http(s) URL"
            )))
        }
    };
    Ok(resolved.to_string())
}

/// Reads a keypair file as `solana-keygen` writes it (a JSON array of 64 bytes).
pub fn read_keypair(path: &Path) -> Result<Keypair, SdkError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SdkError::Invalid(match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "keypair file {} not found: create one with `solana-keygen new -o {}` or pass --keypair",
                path.display(),
                path.display()
            ),
            _ => format!("cannot read keypair file {}: {e}", path.display()),
        })
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        SdkError::Invalid(format!(
            "{} is not a keypair file: expected a JSON array of 64 numbers, as solana-keygen writes",
            path.display()
        ))
    })?;
    Keypair::try_from(bytes.as_slice()).map_err(|_| {
        SdkError::Invalid(format!(
            "{} is not a valid keypair: expected 64 bytes (secret and public key)",
            path.display()
        ))
    })
}
