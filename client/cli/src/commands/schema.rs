//! `credence schema ...`: an issuer publishes and deprecates credential types.

use clap::Subcommand;
use credence_registry::state::Schema;
use credence_registry::CreateSchemaArgs;
use credence_sdk::{
    accounts::fetch,
    ix::registry as rix,
    pda,
    roles::{format_amount, parse_amount, Issuer, TokenMint},
};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_pubkey, Config},
    output::Output,
};

/// Schema commands.
#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Publish a schema (idempotent).
    Create {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The issuer's id.
        #[arg(long)]
        issuer_id: String,
        /// Schema name (1 to 32 bytes), for example `nursing-licence`.
        #[arg(long)]
        name: String,
        /// Schema version.
        #[arg(long, default_value_t = 1)]
        version: u16,
        /// Where the JSON schema is published.
        #[arg(long, default_value = "")]
        uri: String,
        /// The JSON schema file, hashed into the schema account.
        #[arg(long)]
        schema_file: Option<std::path::PathBuf>,
        /// Default validity of credentials in days (0: no expiry).
        #[arg(long, default_value_t = 0)]
        validity_days: i64,
        /// Whether credentials can be suspended.
        #[arg(long)]
        suspendable: bool,
    },
    /// Set, change, clear or show a schema's verification fee, paid in an SPL token by recruiters
    /// when they record a verification.
    Fee {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The issuer's id.
        #[arg(long)]
        issuer_id: String,
        /// Schema name.
        #[arg(long)]
        name: String,
        /// Schema version.
        #[arg(long, default_value_t = 1)]
        version: u16,
        /// The fee per verified credential, in the mint's units (for example `12.50`).
        #[arg(long, requires = "mint", conflicts_with = "clear")]
        amount: Option<String>,
        /// The SPL Token mint the fee is paid in.
        #[arg(long)]
        mint: Option<String>,
        /// The token account receiving fees (default: your associated token account, created
        /// if missing).
        #[arg(long)]
        treasury: Option<String>,
        /// Remove the fee.
        #[arg(long)]
        clear: bool,
    },
    /// Deprecate a schema: no new credentials under it.
    Deprecate {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The issuer's id.
        #[arg(long)]
        issuer_id: String,
        /// Schema name.
        #[arg(long)]
        name: String,
        /// Schema version.
        #[arg(long, default_value_t = 1)]
        version: u16,
    },
}

/// Runs a schema command.
pub async fn run(config: &Config, command: SchemaCommand) -> anyhow::Result<Output> {
    let authority = config.keypair()?;
    match command {
        SchemaCommand::Create {
            registry,
            issuer_id,
            name,
            version,
            uri,
            schema_file,
            validity_days,
            suspendable,
        } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let schema_hash = match schema_file {
                Some(path) => {
                    let bytes = std::fs::read(&path).map_err(|e| {
                        anyhow::anyhow!("cannot read schema file {}: {e}", path.display())
                    })?;
                    credence_sdk::commitment::sha256(&bytes)
                }
                None => [0; 32],
            };
            let default_validity_secs = validity_days
                .checked_mul(86_400)
                .filter(|v| *v >= 0)
                .ok_or_else(|| anyhow::anyhow!("--validity-days must be between 0 and 10^14"))?;
            let transport = config.transport().await?;
            let issuer = Issuer::new(&transport, &authority, registry, &issuer_id);
            let (schema, created) = issuer
                .create_schema(CreateSchemaArgs {
                    name: name.clone(),
                    version,
                    uri,
                    schema_hash,
                    default_validity_secs,
                    suspendable,
                })
                .await?;
            let state = if created {
                "created"
            } else {
                "already exists; nothing changed"
            };
            Ok(Output::new(
                json!({ "schema": schema.to_string(), "name": name, "version": version, "created": created }),
                format!("schema {schema} ({name} v{version}) {state}"),
            ))
        }
        SchemaCommand::Fee {
            registry,
            issuer_id,
            name,
            version,
            amount,
            mint,
            treasury,
            clear,
        } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let transport = config.transport().await?;
            let issuer = Issuer::new(&transport, &authority, registry, &issuer_id);
            let schema = pda::schema(&issuer.issuer, &name, version).0;
            if clear {
                issuer.clear_fee(&schema).await?;
                return Ok(Output::new(
                    json!({ "schema": schema.to_string(), "fee": null }),
                    format!("schema {schema}: fee removed; verifications are free"),
                ));
            }
            if let (Some(amount), Some(mint)) = (amount, mint) {
                let mint = parse_pubkey("--mint", &mint)?;
                let treasury = treasury
                    .map(|t| parse_pubkey("--treasury", &t))
                    .transpose()?;
                let decimals = TokenMint::open(&transport, &authority, mint)
                    .await?
                    .decimals;
                let base = parse_amount(&amount, decimals)?;
                let treasury = issuer.set_fee(&schema, &mint, treasury, base).await?;
                return Ok(Output::new(
                    json!({ "schema": schema.to_string(), "mint": mint.to_string(), "amount": base,
                            "decimals": decimals, "treasury": treasury.to_string() }),
                    format!(
                        "schema {schema}: fee {} of mint {mint} per verified credential, paid into {treasury}",
                        format_amount(base, decimals)
                    ),
                ));
            }
            let account: Schema = fetch(&transport, &schema).await?;
            let fee = account.fee;
            if !fee.is_set() {
                return Ok(Output::new(
                    json!({ "schema": schema.to_string(), "fee": null }),
                    format!("schema {schema}: no fee"),
                ));
            }
            let balance = credence_sdk::roles::token_balance(&transport, &fee.treasury).await?;
            Ok(Output::new(
                json!({ "schema": schema.to_string(), "mint": fee.mint.to_string(), "amount": fee.amount,
                        "decimals": fee.decimals, "treasury": fee.treasury.to_string(), "treasury_balance": balance }),
                format!(
                    "schema {schema}: fee {} of mint {} per verified credential\ntreasury {} holds {}",
                    format_amount(fee.amount, fee.decimals),
                    fee.mint,
                    fee.treasury,
                    format_amount(balance, fee.decimals)
                ),
            ))
        }
        SchemaCommand::Deprecate {
            registry,
            issuer_id,
            name,
            version,
        } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let transport = config.transport().await?;
            let issuer = pda::issuer(&registry, &issuer_id).0;
            let schema = pda::schema(&issuer, &name, version).0;
            transport
                .send(
                    &[rix::deprecate_schema(&authority.pubkey(), &issuer, &schema)],
                    &authority,
                    &[],
                )
                .await?;
            Ok(Output::new(
                json!({ "schema": schema.to_string(), "deprecated": true }),
                format!("schema {schema} deprecated"),
            ))
        }
    }
}
