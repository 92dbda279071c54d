//! # credence-migrate
//!
//! Deploy-time initialisation of a cluster, idempotent: the registry, its first issuers (registered
//! and accredited) and their schemas, from a JSON plan (`migrations/credence.json`). Each step says
//! whether it created something or found it already there; a second run changes nothing.
//!
//! The registry admin signs everything here, so the first issuers' authority is the admin's key;
//! rotate each issuer's authority to the institution's own key afterwards
//! (`rotate_issuer_authority`).

use anyhow::Context;
use credence_registry::{state::IssuerStatus, CreateSchemaArgs, RegisterIssuerArgs};
use credence_sdk::{
    ix::registry::IssuerDecision,
    roles::{Issuer, RegistryAdmin},
    Transport,
};
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;

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
    /// Its address.
    pub address: String,
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
        address: registry.registry.to_string(),
        changed: created,
    });
    for issuer_plan in &plan.issuers {
        let issuer = Issuer::new(transport, admin, registry.registry, &issuer_plan.id);
        let registered = issuer
            .register(RegisterIssuerArgs {
                issuer_id: issuer_plan.id.clone(),
                name: issuer_plan.name.clone(),
                uri: issuer_plan.uri.clone(),
                jurisdiction: issuer_plan.jurisdiction.clone(),
            })
            .await
            .with_context(|| format!("registering issuer {}", issuer_plan.id))?;
        steps.push(Step {
            kind: "issuer".into(),
            name: issuer_plan.id.clone(),
            address: issuer.issuer.to_string(),
            changed: registered,
        });
        let status = issuer.account().await?.status;
        let accredit = status == IssuerStatus::Pending;
        if accredit {
            registry
                .decide(IssuerDecision::Accredit, &issuer.issuer)
                .await
                .context("accrediting")?;
        }
        steps.push(Step {
            kind: "accreditation".into(),
            name: issuer_plan.id.clone(),
            address: issuer.issuer.to_string(),
            changed: accredit,
        });
        for schema in &issuer_plan.schemas {
            let default_validity_secs = schema
                .validity_days
                .checked_mul(86_400)
                .filter(|v| *v >= 0)
                .context("validity_days out of range")?;
            let (address, created) = issuer
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
                address: address.to_string(),
                changed: created,
            });
        }
    }
    Ok(steps)
}
