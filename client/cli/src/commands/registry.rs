//! `credence registry ...`: the registry admin's commands.

use anyhow::Context;
use clap::Subcommand;
use credence_registry::state::Registry;
use credence_sdk::{accounts, ix::registry::IssuerDecision, roles::RegistryAdmin};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{args::pubkey, config::Config, output::Output};

/// Registry commands.
#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Create a registry named NAME with the keypair as admin (idempotent).
    Create(CreateArgs),
    /// Show a registry and its issuers.
    Show(RegistryTarget),
    /// Accredit a pending issuer, naming the authority key the institution gave you out of band:
    /// an id registered first by another key is refused, never accredited.
    Accredit(AccreditTarget),
    /// Suspend an accredited issuer.
    SuspendIssuer(IssuerTarget),
    /// Reinstate a suspended issuer.
    ReinstateIssuer(IssuerTarget),
    /// Revoke an issuer for good.
    RevokeIssuer(IssuerTarget),
    /// Pause issuance.
    Pause(RegistryTarget),
    /// Resume issuance.
    Unpause(RegistryTarget),
    /// Propose a new admin (who then runs `accept-admin`).
    TransferAdmin(TransferAdminArgs),
    /// Accept a pending admin transfer (signed by the new admin).
    AcceptAdmin(RegistryTarget),
}

/// Arguments of `registry create`.
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// Registry name (1 to 32 bytes).
    #[arg(long)]
    name: String,
}

/// The registry a command reads or acts on.
#[derive(clap::Args, Debug)]
pub struct RegistryTarget {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
}

/// The issuer an admin command acts on.
#[derive(clap::Args, Debug)]
pub struct IssuerTarget {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The issuer's address.
    #[arg(long, value_parser = pubkey)]
    issuer: Pubkey,
}

/// The issuer to accredit and the authority the admin means.
#[derive(clap::Args, Debug)]
pub struct AccreditTarget {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The issuer's address.
    #[arg(long, value_parser = pubkey)]
    issuer: Pubkey,
    /// The authority key the institution gave you (out of band); the issuer is accredited only
    /// if it was registered by this key.
    #[arg(long, value_parser = pubkey)]
    authority: Pubkey,
}

/// Arguments of `registry transfer-admin`.
#[derive(clap::Args, Debug)]
pub struct TransferAdminArgs {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The proposed admin.
    #[arg(long, value_parser = pubkey)]
    new_admin: Pubkey,
}

/// Runs a registry command.
pub async fn run(config: &Config, command: RegistryCommand) -> anyhow::Result<Output> {
    match command {
        RegistryCommand::Create(args) => args.execute(config).await,
        RegistryCommand::Show(target) => target.show(config).await,
        RegistryCommand::Accredit(target) => target.execute(config).await,
        RegistryCommand::SuspendIssuer(target) => {
            target.decide(config, IssuerDecision::Suspend).await
        }
        RegistryCommand::ReinstateIssuer(target) => {
            target.decide(config, IssuerDecision::Reinstate).await
        }
        RegistryCommand::RevokeIssuer(target) => {
            target.decide(config, IssuerDecision::Revoke).await
        }
        RegistryCommand::Pause(target) => target.set_paused(config, true).await,
        RegistryCommand::Unpause(target) => target.set_paused(config, false).await,
        RegistryCommand::TransferAdmin(args) => args.execute(config).await,
        RegistryCommand::AcceptAdmin(target) => target.accept_admin(config).await,
    }
}

/// What an admin command did to a registry, in both output forms.
fn done(registry: &Pubkey, action: &str, detail: String) -> Output {
    Output::new(
        json!({ "registry": registry.to_string(), "action": action, "detail": detail }),
        format!("registry {registry}: {action} {detail}"),
    )
}

impl CreateArgs {
    /// `registry create`: creates the registry unless it exists.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        let name = self.name;
        let role = RegistryAdmin::new(&transport, &admin, &name);
        let created = role.create(&name).await?;
        let registry = role.registry;
        let text = if created {
            "created"
        } else {
            "already exists; nothing changed"
        };
        Ok(Output::new(
            json!({ "registry": registry.to_string(), "name": name, "admin": admin.pubkey().to_string(), "created": created }),
            format!("registry {registry} ({name}) {text}"),
        ))
    }
}

impl RegistryTarget {
    /// `registry show`: the registry and its issuers.
    pub async fn show(self, config: &Config) -> anyhow::Result<Output> {
        let registry = self.registry;
        let transport = config.transport().await?;
        let account: Registry = accounts::fetch(&transport, &registry)
            .await
            .context("reading the registry")?;
        let issuers = accounts::issuers_of_registry(&transport, &registry).await?;
        let mut text = format!(
            "registry {registry}\n  name: {}\n  admin: {}\n  paused: {}\n  issuers: {} ({} accredited)\n",
            account.name, account.admin, account.paused, account.issuer_count, account.accredited_count
        );
        for (address, issuer) in &issuers {
            text.push_str(&format!(
                "  - {address} {} [{:?}] {}\n",
                issuer.issuer_id, issuer.status, issuer.name
            ));
        }
        Ok(Output::new(
            json!({
                "registry": registry.to_string(), "name": account.name, "admin": account.admin.to_string(),
                "paused": account.paused, "issuer_count": account.issuer_count, "accredited_count": account.accredited_count,
                "issuers": issuers.iter().map(|(a, i)| json!({"address": a.to_string(), "id": i.issuer_id, "name": i.name, "status": format!("{:?}", i.status)})).collect::<Vec<_>>(),
            }),
            text,
        ))
    }

    /// `registry pause` and `registry unpause`.
    pub async fn set_paused(self, config: &Config, paused: bool) -> anyhow::Result<Output> {
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        RegistryAdmin::at(&transport, &admin, self.registry)
            .set_paused(paused)
            .await?;
        let action = if paused { "paused" } else { "resumed" };
        Ok(done(&self.registry, action, String::new()))
    }

    /// `registry accept-admin`, signed by the proposed admin.
    pub async fn accept_admin(self, config: &Config) -> anyhow::Result<Output> {
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        RegistryAdmin::at(&transport, &admin, self.registry)
            .accept_admin()
            .await?;
        Ok(done(
            &self.registry,
            "admin transfer accepted",
            admin.pubkey().to_string(),
        ))
    }
}

impl TransferAdminArgs {
    /// `registry transfer-admin`: proposes the new admin.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        RegistryAdmin::at(&transport, &admin, self.registry)
            .transfer_admin(&self.new_admin)
            .await?;
        Ok(done(
            &self.registry,
            "admin transfer proposed",
            self.new_admin.to_string(),
        ))
    }
}

impl AccreditTarget {
    /// `registry accredit`: accredits the issuer if its on-chain authority is the one named;
    /// otherwise says who holds the id and sends nothing.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self {
            registry,
            issuer,
            authority,
        } = self;
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        let account: credence_registry::state::Issuer =
            accounts::fetch(&transport, &issuer).await?;
        if account.authority != authority {
            anyhow::bail!(
                "issuer {issuer} (id `{}`, \"{}\") was registered by {}, not by {authority}: it was \
                 NOT accredited. Ask the institution which key it registered with; if the id was taken \
                 by someone else, have the institution register under another id",
                account.issuer_id,
                account.name,
                account.authority
            );
        }
        RegistryAdmin::at(&transport, &admin, registry)
            .accredit(&issuer, &authority)
            .await?;
        Ok(done(
            &registry,
            "issuer accredited",
            format!(
                "{issuer} (id `{}`, authority {authority})",
                account.issuer_id
            ),
        ))
    }
}

impl IssuerTarget {
    /// `registry suspend-issuer`, `reinstate-issuer` and `revoke-issuer`.
    pub async fn decide(self, config: &Config, decision: IssuerDecision) -> anyhow::Result<Output> {
        let admin = config.keypair()?;
        let transport = config.transport().await?;
        RegistryAdmin::at(&transport, &admin, self.registry)
            .decide(decision, &self.issuer)
            .await?;
        let action = match decision {
            IssuerDecision::Accredit => "issuer accredited",
            IssuerDecision::Suspend => "issuer suspended",
            IssuerDecision::Reinstate => "issuer reinstated",
            IssuerDecision::Revoke => "issuer revoked",
        };
        Ok(done(&self.registry, action, self.issuer.to_string()))
    }
}
