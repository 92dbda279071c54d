//! `credence-localnet`: a local Solana validator serving both Credence programs over JSON-RPC.
//! `credence localnet` runs this binary.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use credence_localnet::{Localnet, LocalnetConfig};
use credence_sdk::{cluster::read_keypair, roles::RegistryAdmin, Transport};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

/// Starts Agave's test validator in-process with both Credence programs, on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "credence-localnet", version, about)]
struct Args {
    /// JSON-RPC port (the pubsub service takes the next one).
    #[arg(long, default_value_t = 8899)]
    rpc_port: u16,
    /// Faucet port, for `requestAirdrop` (`credence airdrop`, `solana airdrop`).
    #[arg(long, default_value_t = 9900)]
    faucet_port: u16,
    /// Ledger directory (default: a temporary directory removed on exit).
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Fund a keypair file's or an address's account with 100 SOL at genesis (repeatable).
    #[arg(long)]
    fund: Vec<String>,
    /// Create a registry with this name once the validator is up.
    #[arg(long, requires = "admin")]
    registry: Option<String>,
    /// The registry admin's keypair file (funded at genesis).
    #[arg(long)]
    admin: Option<PathBuf>,
    /// Print the start-up summary as JSON.
    #[arg(long)]
    json: bool,
}

const FUND_LAMPORTS: u64 = 100_000_000_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::var_os("RUST_LOG").is_none() {
        // SAFETY (edition 2021: safe fn): single-threaded at this point.
        std::env::set_var("RUST_LOG", "error");
    }
    let args = Args::parse();
    let mut fund = Vec::new();
    for entry in &args.fund {
        let address = match entry.parse::<Pubkey>() {
            Ok(address) => address,
            Err(_) => read_keypair(std::path::Path::new(entry))?.pubkey(),
        };
        fund.push((address, FUND_LAMPORTS));
    }
    let admin = args.admin.as_deref().map(read_keypair).transpose()?;
    if let Some(admin) = &admin {
        fund.push((admin.pubkey(), FUND_LAMPORTS));
    }
    let config = LocalnetConfig {
        rpc_port: args.rpc_port,
        faucet_port: args.faucet_port,
        ledger: args.ledger.clone(),
        fund,
        ..LocalnetConfig::default()
    };
    let localnet = Localnet::start(config).await?;
    let mut registry = None;
    if let (Some(name), Some(admin)) = (&args.registry, &admin) {
        let transport = Transport::rpc(&localnet.rpc_url);
        let role = RegistryAdmin::new(&transport, admin, name);
        role.create(name).await?;
        registry = Some(role.registry);
    }
    let summary = json!({
        "rpc_url": localnet.rpc_url,
        "faucet": localnet.faucet.to_string(),
        "programs": { "credence_registry": credence_registry::ID.to_string(), "credence_consent": credence_consent::ID.to_string() },
        "registry": registry.map(|r| r.to_string()),
        "startup_ms": localnet.startup.as_millis(),
    });
    if args.json {
        println!("{summary}");
    } else {
        println!(
            "credence localnet is up in {:.1} s",
            localnet.startup.as_secs_f64()
        );
        println!("  JSON-RPC URL:      {}", localnet.rpc_url);
        println!("  faucet:            {}", localnet.faucet);
        println!("  credence_registry: {}", credence_registry::ID);
        println!("  credence_consent:  {}", credence_consent::ID);
        if let Some(registry) = registry {
            println!("  registry:          {registry}");
        }
        println!("Point tools at it with --url {} (or `solana config set --url localhost`). Ctrl-C to stop.", localnet.rpc_url);
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    eprintln!("shutting down");
    drop(localnet);
    Ok(())
}
