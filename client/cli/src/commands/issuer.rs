//! `credence issuer ...`: an issuer registers and reads its record.

use anyhow::Context;
use clap::Subcommand;
use credence_registry::RegisterIssuerArgs;
use credence_sdk::roles::Issuer;
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_pubkey, Config},
    output::Output,
};

/// Issuer commands.
#[derive(Subcommand, Debug)]
pub enum IssuerCommand {
    /// Register the keypair as an issuer in a registry, pending accreditation (idempotent).
    Register {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The issuer's id within the registry (1 to 32 bytes), for example `unilag`.
        #[arg(long)]
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Website or DID document.
        #[arg(long, default_value = "")]
        uri: String,
        /// Jurisdiction code (ISO 3166), for example `NG` or `GB-SCT`.
        #[arg(long)]
        jurisdiction: String,
    },
    /// Show an issuer.
    Show {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The issuer's id.
        #[arg(long)]
        id: String,
    },
}

/// Runs an issuer command.
pub async fn run(config: &Config, command: IssuerCommand) -> anyhow::Result<Output> {
    match command {
        IssuerCommand::Register {
            registry,
            id,
            name,
            uri,
            jurisdiction,
        } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let authority = config.keypair()?;
            let transport = config.transport().await?;
            let issuer = Issuer::new(&transport, &authority, registry, &id);
            let created = issuer
                .register(RegisterIssuerArgs {
                    issuer_id: id.clone(),
                    name,
                    uri,
                    jurisdiction,
                })
                .await?;
            let state = if created {
                "registered, pending accreditation"
            } else {
                "already registered; nothing changed"
            };
            Ok(Output::new(
                json!({ "issuer": issuer.issuer.to_string(), "id": id, "authority": authority.pubkey().to_string(), "created": created }),
                format!("issuer {} ({id}) {state}", issuer.issuer),
            ))
        }
        IssuerCommand::Show { registry, id } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let transport = config.transport().await?;
            let reader = solana_keypair::Keypair::new();
            let issuer = Issuer::new(&transport, &reader, registry, &id);
            let account = issuer.account().await.context("reading the issuer")?;
            Ok(Output::new(
                json!({
                    "issuer": issuer.issuer.to_string(), "id": account.issuer_id, "name": account.name, "uri": account.uri,
                    "jurisdiction": account.jurisdiction, "status": format!("{:?}", account.status),
                    "authority": account.authority.to_string(), "credentials_issued": account.credentials_issued,
                }),
                format!(
                    "issuer {}\n  id: {}\n  name: {}\n  jurisdiction: {}\n  status: {:?}\n  authority: {}\n  credentials issued: {}",
                    issuer.issuer, account.issuer_id, account.name, account.jurisdiction, account.status, account.authority, account.credentials_issued
                ),
            ))
        }
    }
}
