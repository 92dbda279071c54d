//! `credence registry ...`: the registry admin's commands.

use anyhow::Context;
use clap::Subcommand;
use credence_registry::state::Registry;
use credence_sdk::{accounts, ix::registry::IssuerDecision, roles::RegistryAdmin};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_pubkey, Config},
    output::Output,
};

/// Registry commands.
#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Create a registry named NAME with the keypair as admin (idempotent).
    Create {
        /// Registry name (1 to 32 bytes).
        #[arg(long)]
        name: String,
    },
    /// Show a registry and its issuers.
    Show {
        /// The registry's address.
        #[arg(long)]
        registry: String,
    },
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
    Pause {
        /// The registry's address.
        #[arg(long)]
        registry: String,
    },
    /// Resume issuance.
    Unpause {
        /// The registry's address.
        #[arg(long)]
        registry: String,
    },
    /// Propose a new admin (who then runs `accept-admin`).
    TransferAdmin {
        /// The registry's address.
        #[arg(long)]
        registry: String,
        /// The proposed admin.
        #[arg(long)]
        new_admin: String,
    },
    /// Accept a pending admin transfer (signed by the new admin).
    AcceptAdmin {
        /// The registry's address.
        #[arg(long)]
        registry: String,
    },
}

/// The issuer an admin command acts on.
#[derive(clap::Args, Debug)]
pub struct IssuerTarget {
    /// The registry's address.
    #[arg(long)]
    registry: String,
    /// The issuer's address.
    #[arg(long)]
    issuer: String,
}

/// The issuer to accredit and the authority the admin means.
#[derive(clap::Args, Debug)]
pub struct AccreditTarget {
    /// The registry's address.
    #[arg(long)]
    registry: String,
    /// The issuer's address.
    #[arg(long)]
    issuer: String,
    /// The authority key the institution gave you (out of band); the issuer is accredited only
    /// if it was registered by this key.
    #[arg(long)]
    authority: String,
}

/// Runs a registry command.
pub async fn run(config: &Config, command: RegistryCommand) -> anyhow::Result<Output> {
    if let RegistryCommand::Show { registry } = &command {
        let registry = parse_pubkey("--registry", registry)?;
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
        return Ok(Output::new(
            json!({
                "registry": registry.to_string(), "name": account.name, "admin": account.admin.to_string(),
                "paused": account.paused, "issuer_count": account.issuer_count, "accredited_count": account.accredited_count,
                "issuers": issuers.iter().map(|(a, i)| json!({"address": a.to_string(), "id": i.issuer_id, "name": i.name, "status": format!("{:?}", i.status)})).collect::<Vec<_>>(),
            }),
            text,
        ));
    }
    let admin = config.keypair()?;
    let transport = config.transport().await?;
    let (action, registry, detail) = match command {
        RegistryCommand::Show { .. } => unreachable!("handled above"),
        RegistryCommand::Create { name } => {
            let role = RegistryAdmin::new(&transport, &admin, &name);
            let created = role.create(&name).await?;
            let registry = role.registry;
            let text = if created {
                "created"
            } else {
                "already exists; nothing changed"
            };
            return Ok(Output::new(
                json!({ "registry": registry.to_string(), "name": name, "admin": admin.pubkey().to_string(), "created": created }),
                format!("registry {registry} ({name}) {text}"),
            ));
        }
        RegistryCommand::Accredit(t) => accredit(&transport, &admin, t).await?,
        RegistryCommand::SuspendIssuer(t) => {
            decide(&transport, &admin, t, IssuerDecision::Suspend).await?
        }
        RegistryCommand::ReinstateIssuer(t) => {
            decide(&transport, &admin, t, IssuerDecision::Reinstate).await?
        }
        RegistryCommand::RevokeIssuer(t) => {
            decide(&transport, &admin, t, IssuerDecision::Revoke).await?
        }
        RegistryCommand::Pause { registry } => {
            let registry = parse_pubkey("--registry", &registry)?;
            RegistryAdmin::at(&transport, &admin, registry)
                .set_paused(true)
                .await?;
            ("paused", registry, String::new())
        }
        RegistryCommand::Unpause { registry } => {
            let registry = parse_pubkey("--registry", &registry)?;
            RegistryAdmin::at(&transport, &admin, registry)
                .set_paused(false)
                .await?;
            ("resumed", registry, String::new())
        }
        RegistryCommand::TransferAdmin {
            registry,
            new_admin,
        } => {
            let registry = parse_pubkey("--registry", &registry)?;
            let new_admin = parse_pubkey("--new-admin", &new_admin)?;
            RegistryAdmin::at(&transport, &admin, registry)
                .transfer_admin(&new_admin)
                .await?;
            ("admin transfer proposed", registry, new_admin.to_string())
        }
        RegistryCommand::AcceptAdmin { registry } => {
            let registry = parse_pubkey("--registry", &registry)?;
            RegistryAdmin::at(&transport, &admin, registry)
                .accept_admin()
                .await?;
            (
                "admin transfer accepted",
                registry,
                admin.pubkey().to_string(),
            )
        }
    };
    Ok(Output::new(
        json!({ "registry": registry.to_string(), "action": action, "detail": detail }),
        format!("registry {registry}: {action} {detail}"),
    ))
}

/// Accredits an issuer if its on-chain authority is the one named; otherwise says who holds the
/// id and sends nothing.
async fn accredit(
    transport: &credence_sdk::Transport,
    admin: &solana_keypair::Keypair,
    target: AccreditTarget,
) -> anyhow::Result<(&'static str, solana_pubkey::Pubkey, String)> {
    let registry = parse_pubkey("--registry", &target.registry)?;
    let issuer = parse_pubkey("--issuer", &target.issuer)?;
    let authority = parse_pubkey("--authority", &target.authority)?;
    let account: credence_registry::state::Issuer = accounts::fetch(transport, &issuer).await?;
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
    RegistryAdmin::at(transport, admin, registry)
        .accredit(&issuer, &authority)
        .await?;
    Ok((
        "issuer accredited",
        registry,
        format!(
            "{issuer} (id `{}`, authority {authority})",
            account.issuer_id
        ),
    ))
}

async fn decide(
    transport: &credence_sdk::Transport,
    admin: &solana_keypair::Keypair,
    target: IssuerTarget,
    decision: IssuerDecision,
) -> anyhow::Result<(&'static str, solana_pubkey::Pubkey, String)> {
    let registry = parse_pubkey("--registry", &target.registry)?;
    let issuer = parse_pubkey("--issuer", &target.issuer)?;
    RegistryAdmin::at(transport, admin, registry)
        .decide(decision, &issuer)
        .await?;
    let action = match decision {
        IssuerDecision::Accredit => "issuer accredited",
        IssuerDecision::Suspend => "issuer suspended",
        IssuerDecision::Reinstate => "issuer reinstated",
        IssuerDecision::Revoke => "issuer revoked",
    };
    Ok((action, registry, issuer.to_string()))
}
