//! # credence-migrate
//!
//! Deploy-time initialisation of a cluster, idempotent: the registry, its first issuers (registered
//! and accredited) and their schemas, from a JSON plan (`migrations/credence.json`). Each step says
//! whether it created something or found it already there; a second run changes nothing.
//!
//! The registry admin signs everything here, so the first issuers' authority is the admin's key;
//! rotate each issuer's authority to the institution's own key afterwards
//! (`rotate_issuer_authority`).
//!
//! Issuer ids are public (they are in the plan), so a front-runner may register one before the
//! admin does. Each issuer is therefore registered and accredited in one admin-signed transaction,
//! with `accredit_issuer_checked` naming the admin's key as the authority meant; an id that is
//! already registered by another key stops the run with [`MigrateError::IssuerIdTaken`] before
//! anything is accredited.

use anyhow::Context;
use credence_registry::{
    state::{Issuer as IssuerAccount, IssuerStatus},
    CreateSchemaArgs, RegisterIssuerArgs,
};
use credence_sdk::{
    accounts::fetch,
    ix::registry as rix,
    roles::{Issuer, RegistryAdmin},
    Transport,
};
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

/// Why a migration stopped.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The plan's issuer id is registered under another authority (a front-runner, or an
    /// institution that registered it itself); nothing was accredited.
    #[error("issuer id `{id}` ({issuer}) is already registered by {authority}, not by the admin {expected}; it was NOT accredited. If that key is the institution's, accredit it with `credence registry accredit --authority {authority}`; otherwise revoke it and choose another id in the plan")]
    IssuerIdTaken {
        /// The plan's issuer id.
        id: String,
        /// The issuer's address.
        issuer: Pubkey,
        /// Who registered it.
        authority: Pubkey,
        /// The authority the plan expects (the admin).
        expected: Pubkey,
    },
}

/// What to create.
#[derive(Clone, Debug, Deserialize)]
pub struct Plan {
    /// The registry's name.
    pub registry: String,
    /// Its first issuers.
    #[serde(default)]
    pub issuers: Vec<IssuerPlan>,
}

/// An issuer to register and accredit.
#[derive(Clone, Debug, Deserialize)]
pub struct IssuerPlan {
    /// Its id in the registry.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Website or DID document.
    #[serde(default)]
    pub uri: String,
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// Its schemas.
    #[serde(default)]
    pub schemas: Vec<SchemaPlan>,
}

/// A schema to publish.
#[derive(Clone, Debug, Deserialize)]
pub struct SchemaPlan {
    /// Schema name.
    pub name: String,
    /// Schema version.
    pub version: u16,
    /// Where the JSON schema is published.
    #[serde(default)]
    pub uri: String,
    /// Default validity in days (0: none).
    #[serde(default)]
    pub validity_days: i64,
    /// Whether credentials can be suspended.
    #[serde(default)]
    pub suspendable: bool,
}

/// One step's outcome.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Step {
    /// What (`registry`, `issuer`, `accreditation`, `schema`).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its address (base58 in JSON).
    #[serde(serialize_with = "credence_sdk::serde_text::serialize")]
    pub address: Pubkey,
    /// Whether this run changed anything.
    pub changed: bool,
}

/// Applies `plan` with `admin` signing; returns every step.
pub async fn apply(
    transport: &Transport,
    admin: &Keypair,
    plan: &Plan,
) -> anyhow::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let registry = RegistryAdmin::new(transport, admin, &plan.registry);
    let created = registry
        .create(&plan.registry)
        .await
        .context("creating the registry")?;
    steps.push(Step {
        kind: "registry".into(),
        name: plan.registry.clone(),
        address: registry.registry,
        changed: created,
    });
    for issuer_plan in &plan.issuers {
        let issuer = Issuer::new(transport, admin, registry.registry, &issuer_plan.id);
        let (registered, accredited) =
            register_and_accredit(transport, admin, &registry, &issuer.issuer, issuer_plan).await?;
        steps.push(Step {
            kind: "issuer".into(),
            name: issuer_plan.id.clone(),
            address: issuer.issuer,
            changed: registered,
        });
        steps.push(Step {
            kind: "accreditation".into(),
            name: issuer_plan.id.clone(),
            address: issuer.issuer,
            changed: accredited,
        });
        for schema in &issuer_plan.schemas {
            let default_validity_secs = schema
                .validity_days
                .checked_mul(86_400)
                .filter(|v| *v >= 0)
                .context("validity_days out of range")?;
            let created = issuer
                .create_schema(CreateSchemaArgs {
                    name: schema.name.clone(),
                    version: schema.version,
                    uri: schema.uri.clone(),
                    schema_hash: credence_sdk::commitment::sha256(schema.uri.as_bytes()),
                    default_validity_secs,
                    suspendable: schema.suspendable,
                })
                .await
                .with_context(|| format!("creating schema {}", schema.name))?;
            steps.push(Step {
                kind: "schema".into(),
                name: format!("{}/{} v{}", issuer_plan.id, schema.name, schema.version),
                address: created.schema,
                changed: created.created,
            });
        }
    }
    Ok(steps)
}

/// Registers the plan's issuer and accredits it in one admin-signed transaction, or, if it is
/// already registered, checks that its authority is the admin's before accrediting it (when
/// pending). Returns (registered now, accredited now).
async fn register_and_accredit(
    transport: &Transport,
    admin: &Keypair,
    registry: &RegistryAdmin<'_>,
    issuer: &Pubkey,
    plan: &IssuerPlan,
) -> anyhow::Result<(bool, bool)> {
    let expected = admin.pubkey();
    let accredit = rix::accredit_issuer_checked(&expected, &registry.registry, issuer, &expected);
    if transport.account(issuer).await?.is_none() {
        let register = rix::register_issuer(
            &expected,
            &registry.registry,
            RegisterIssuerArgs {
                issuer_id: plan.id.clone(),
                name: plan.name.clone(),
                uri: plan.uri.clone(),
                jurisdiction: plan.jurisdiction.clone(),
            },
        );
        match transport
            .send(&[register, accredit.clone()], admin, &[])
            .await
        {
            Ok(_) => return Ok((true, true)),
            // Registered by someone else between our read and our transaction: check it below.
            Err(err) if err.is_already_in_use() => {}
            Err(err) => return Err(err).with_context(|| format!("registering issuer {}", plan.id)),
        }
    }
    let account: IssuerAccount = fetch(transport, issuer)
        .await
        .with_context(|| format!("reading issuer {}", plan.id))?;
    if account.authority != expected {
        return Err(MigrateError::IssuerIdTaken {
            id: plan.id.clone(),
            issuer: *issuer,
            authority: account.authority,
            expected,
        }
        .into());
    }
    if account.status != IssuerStatus::Pending {
        return Ok((false, false));
    }
    transport
        .send(&[accredit], admin, &[])
        .await
        .with_context(|| format!("accrediting issuer {}", plan.id))?;
    Ok((false, true))
}
