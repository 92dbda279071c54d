//! `credence-migrate --url <cluster> --admin <keypair> [--plan migrations/credence.json]`:
//! creates the registry, its first issuers and schemas, idempotently, and prints every address.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use credence_migrate::{apply, Plan};
use credence_sdk::{
    cluster::{read_keypair, resolve_url},
    transport::rpc::RpcTransport,
    Transport,
};

/// Initialise a cluster for Credence.
#[derive(Parser, Debug)]
#[command(name = "credence-migrate", version, about)]
struct Args {
    /// RPC URL or moniker (localhost, devnet).
    #[arg(long, short = 'u', default_value = "localhost")]
    url: String,
    /// The registry admin's keypair file.
    #[arg(long)]
    admin: PathBuf,
    /// The plan.
    #[arg(long, default_value = "migrations/credence.json")]
    plan: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let admin = read_keypair(&args.admin)?;
    let plan: Plan = serde_json::from_str(
        &std::fs::read_to_string(&args.plan)
            .with_context(|| format!("cannot read plan {}", args.plan.display()))?,
    )
    .with_context(|| format!("{} is not a valid plan", args.plan.display()))?;
    let rpc = RpcTransport::new(&resolve_url(&args.url)?);
    rpc.ping().await?;
    let transport = Transport::Rpc(rpc);
    let steps = apply(&transport, &admin, &plan).await?;
    for step in &steps {
        let state = if step.changed {
            "created"
        } else {
            "exists, unchanged"
        };
        println!(
            "{:<14} {:<32} {} ({state})",
            step.kind, step.name, step.address
        );
    }
    if steps.iter().all(|s| !s.changed) {
        println!("nothing to do: the cluster already matches the plan");
    }
    Ok(())
}
