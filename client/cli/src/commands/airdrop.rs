//! `credence airdrop`: lamports for the keypair from the cluster's faucet.

use clap::Args;
use serde_json::json;
use solana_signer::Signer;

use crate::{args::sol, config::Config, output::Output};

/// Arguments of `credence airdrop`.
#[derive(Args, Debug)]
pub struct AirdropArgs {
    /// SOL to request.
    #[arg(long, default_value_t = 10.0, value_parser = sol)]
    sol: f64,
}

/// Requests the airdrop and waits for it.
pub async fn run(config: &Config, args: AirdropArgs) -> anyhow::Result<Output> {
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    let lamports = (args.sol * 1e9) as u64;
    transport.airdrop(&keypair.pubkey(), lamports).await?;
    let balance = transport.balance(&keypair.pubkey()).await?;
    Ok(Output::new(
        json!({ "address": keypair.pubkey().to_string(), "balance_lamports": balance }),
        format!("{}: balance {} SOL", keypair.pubkey(), balance as f64 / 1e9),
    ))
}
