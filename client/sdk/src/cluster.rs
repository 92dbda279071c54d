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
        other => return Err(SdkError::BadUrl(other.to_string())),
    };
    Ok(resolved.to_string())
}

/// The WebSocket PubSub URL of an RPC URL, as the Solana CLI derives it: `ws://` for
/// `http://`, `wss://` for `https://`, and an explicit port moved to the next one (a validator
/// serves PubSub on its RPC port plus one).
pub fn websocket_url(rpc_url: &str) -> Result<String, SdkError> {
    let mut url =
        reqwest::Url::parse(rpc_url).map_err(|_| SdkError::BadUrl(rpc_url.to_string()))?;
    let scheme = match url.scheme() {
        "http" => "ws",
        "https" => "wss",
        _ => return Err(SdkError::BadUrl(rpc_url.to_string())),
    };
    url.set_scheme(scheme)
        .map_err(|()| SdkError::BadUrl(rpc_url.to_string()))?;
    if let Some(port) = url.port() {
        let next = port
            .checked_add(1)
            .ok_or_else(|| SdkError::BadUrl(rpc_url.to_string()))?;
        url.set_port(Some(next))
            .map_err(|()| SdkError::BadUrl(rpc_url.to_string()))?;
    }
    Ok(url.to_string())
}

/// Reads a keypair file as `solana-keygen` writes it (a JSON array of 64 bytes).
pub fn read_keypair(path: &Path) -> Result<Keypair, SdkError> {
    let problem = |problem: String| SdkError::KeypairFile {
        path: path.to_path_buf(),
        problem,
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        problem(match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "not found: create one with `solana-keygen new -o {}` or pass --keypair",
                path.display()
            ),
            _ => format!("cannot be read: {e}"),
        })
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        problem(
            "is not a keypair file: expected a JSON array of 64 numbers, as solana-keygen writes"
                .into(),
        )
    })?;
    Keypair::try_from(bytes.as_slice()).map_err(|_| {
        problem("is not a valid keypair: expected 64 bytes (secret and public key)".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_follow_the_solana_cli() {
        assert_eq!(
            websocket_url("http://127.0.0.1:8899").unwrap(),
            "ws://127.0.0.1:8900/"
        );
        assert_eq!(
            websocket_url("https://api.devnet.solana.com").unwrap(),
            "wss://api.devnet.solana.com/"
        );
        assert!(matches!(websocket_url("ftp://x"), Err(SdkError::BadUrl(_))));
        assert!(matches!(websocket_url("nope"), Err(SdkError::BadUrl(_))));
    }
}
