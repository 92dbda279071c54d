//! `credence schema ...`: an issuer publishes and deprecates credential types.

use clap::Subcommand;
use credence_registry::state::Schema;
use credence_registry::CreateSchemaArgs;
use credence_sdk::{
    accounts::fetch,
    ix::registry as rix,
    pda,
    roles::{format_amount, Issuer, SchemaCreated},
    token::TokenMint,
};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    args::{days, pubkey, Amount, DAY},
    config::Config,
    output::Output,
};

/// Schema commands.
#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Publish a schema (idempotent).
    Create(CreateArgs),
    /// Set, change, clear or show a schema's verification fee, paid in an SPL token by recruiters
    /// when they record a verification.
    Fee(FeeArgs),
    /// Deprecate a schema: no new credentials under it.
    Deprecate(SchemaTarget),
}

/// Arguments of `schema create`.
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
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
    #[arg(long, default_value_t = 0, value_parser = days)]
    validity_days: i64,
    /// Whether credentials can be suspended.
    #[arg(long)]
    suspendable: bool,
}

/// The schema a command acts on: the issuer's, by name and version.
#[derive(clap::Args, Debug)]
pub struct SchemaTarget {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The issuer's id.
    #[arg(long)]
    issuer_id: String,
    /// Schema name.
    #[arg(long)]
    name: String,
    /// Schema version.
    #[arg(long, default_value_t = 1)]
    version: u16,
}

/// Arguments of `schema fee`.
#[derive(clap::Args, Debug)]
pub struct FeeArgs {
    #[command(flatten)]
    schema: SchemaTarget,
    /// The fee per verified credential, in the mint's units (for example `12.50`).
    #[arg(long, requires = "mint", conflicts_with = "clear")]
    amount: Option<Amount>,
    /// The SPL Token mint the fee is paid in.
    #[arg(long, value_parser = pubkey)]
    mint: Option<Pubkey>,
    /// The token account receiving fees (default: your associated token account, created
    /// if missing).
    #[arg(long, value_parser = pubkey)]
    treasury: Option<Pubkey>,
    /// Remove the fee.
    #[arg(long)]
    clear: bool,
}

/// Runs a schema command.
pub async fn run(config: &Config, command: SchemaCommand) -> anyhow::Result<Output> {
    match command {
        SchemaCommand::Create(args) => args.execute(config).await,
        SchemaCommand::Fee(args) => args.execute(config).await,
        SchemaCommand::Deprecate(target) => target.deprecate(config).await,
    }
}

impl CreateArgs {
    /// `schema create`: publishes the schema unless it exists.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self {
            registry,
            issuer_id,
            name,
            version,
            uri,
            schema_file,
            validity_days,
            suspendable,
        } = self;
        let authority = config.keypair()?;
        let schema_hash = match schema_file {
            Some(path) => {
                let bytes = std::fs::read(&path).map_err(|e| {
                    anyhow::anyhow!("cannot read schema file {}: {e}", path.display())
                })?;
                credence_sdk::commitment::sha256(&bytes)
            }
            None => [0; 32],
        };
        // `days` keeps the product within i64.
        let default_validity_secs = validity_days * DAY;
        let transport = config.transport().await?;
        let issuer = Issuer::new(&transport, &authority, registry, &issuer_id);
        let SchemaCreated { schema, created } = issuer
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
}

impl FeeArgs {
    /// `schema fee`: sets the fee (`--amount --mint`), removes it (`--clear`), or shows it and
    /// its treasury's balance.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let authority = config.keypair()?;
        let transport = config.transport().await?;
        let target = &self.schema;
        let issuer = Issuer::new(&transport, &authority, target.registry, &target.issuer_id);
        let schema = pda::schema(&issuer.issuer, &target.name, target.version).0;
        if self.clear {
            issuer.clear_fee(&schema).await?;
            return Ok(Output::new(
                json!({ "schema": schema.to_string(), "fee": null }),
                format!("schema {schema}: fee removed; verifications are free"),
            ));
        }
        if let (Some(amount), Some(mint)) = (&self.amount, self.mint) {
            let decimals = TokenMint::open(&transport, &authority, mint)
                .await?
                .decimals;
            let base = amount.base_units(decimals)?;
            let treasury = issuer.set_fee(&schema, &mint, self.treasury, base).await?;
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
}

impl SchemaTarget {
    /// `schema deprecate`: no new credentials under the schema.
    pub async fn deprecate(self, config: &Config) -> anyhow::Result<Output> {
        let authority = config.keypair()?;
        let transport = config.transport().await?;
        let issuer = pda::issuer(&self.registry, &self.issuer_id).0;
        let schema = pda::schema(&issuer, &self.name, self.version).0;
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
