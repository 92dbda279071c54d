//! The benchmark's world: on one transport, a registry with one accredited issuer and one
//! schema, set up through the SDK's role APIs exactly as a real registry would be.

use std::sync::Arc;

use anyhow::{Context, Result};
use credence_sdk::{
    commitment::IssuerSecret,
    pda,
    registry_program::{CreateSchemaArgs, RegisterIssuerArgs},
    roles::{IssueRequest, Issuer, RegistryAdmin},
    Pubkey, Transport,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The registry's name.
pub const REGISTRY_NAME: &str = "bench-registry";
/// The issuer's id within the registry.
pub const ISSUER_ID: &str = "bench-council";
/// The schema's name.
pub const SCHEMA_NAME: &str = "bench-licence";
/// Credentials per subject in the generated batches (what a listing by subject returns).
pub const CREDENTIALS_PER_SUBJECT: usize = 10;
/// Lamports a credential costs its issuer at most (rent of 205 bytes at the default rate, plus
/// its share of the transaction fee), rounded up: used to size the issuer's funding.
const LAMPORTS_PER_CREDENTIAL: u64 = 3_000_000;
/// Lamports for set-up transactions and rent of the registry, issuer and schema accounts.
const BASE_FUNDING: u64 = 2_000_000_000;

/// A registry, an accredited issuer and a schema, with the keys that act for them.
pub struct World {
    /// Where it lives.
    pub transport: Arc<Transport>,
    /// The registry's admin (accredits further issuers).
    pub admin: Arc<Keypair>,
    /// The issuer's authority: signs and pays every issuance.
    pub issuer_key: Arc<Keypair>,
    /// The issuer's secret: the key of its credential ids and salts.
    pub issuer_secret: Arc<IssuerSecret>,
    /// The registry's address.
    pub registry: Pubkey,
    /// The issuer's id within the registry.
    pub issuer_id: String,
    /// The issuer's address.
    pub issuer: Pubkey,
    /// The schema's address.
    pub schema: Pubkey,
}

impl World {
    /// Funds fresh keys and sets up the registry, the issuer (registered, then accredited) and
    /// the schema. `credentials` sizes the issuer's funding.
    pub async fn setup(transport: Arc<Transport>, credentials: usize) -> Result<Self> {
        let admin = Keypair::new();
        transport
            .airdrop(&admin.pubkey(), BASE_FUNDING)
            .await
            .context("funding the registry admin")?;
        let registry_admin = RegistryAdmin::new(&transport, &admin, REGISTRY_NAME);
        registry_admin
            .create(REGISTRY_NAME)
            .await
            .context("creating the registry")?;
        let registry = registry_admin.registry;
        Self::with_issuer(transport, Arc::new(admin), registry, ISSUER_ID, credentials).await
    }

    /// Another accredited issuer (with its own key and schema) in the same registry.
    pub async fn another_issuer(&self, issuer_id: &str, credentials: usize) -> Result<Self> {
        Self::with_issuer(
            self.transport.clone(),
            self.admin.clone(),
            self.registry,
            issuer_id,
            credentials,
        )
        .await
    }

    async fn with_issuer(
        transport: Arc<Transport>,
        admin: Arc<Keypair>,
        registry: Pubkey,
        issuer_id: &str,
        credentials: usize,
    ) -> Result<Self> {
        let issuer_key = Keypair::new();
        transport
            .airdrop(
                &issuer_key.pubkey(),
                BASE_FUNDING + LAMPORTS_PER_CREDENTIAL * credentials as u64,
            )
            .await
            .context("funding the issuer")?;
        let registry_admin = RegistryAdmin::at(&transport, &admin, registry);
        let issuer_api = Issuer::new(&transport, &issuer_key, registry, issuer_id);
        issuer_api
            .register(RegisterIssuerArgs {
                issuer_id: issuer_id.into(),
                name: "Benchmark Nursing Council".into(),
                uri: "https://bench.example/council".into(),
                jurisdiction: "GB".into(),
            })
            .await
            .context("registering the issuer")?;
        let issuer = issuer_api.issuer;
        registry_admin
            .accredit(&issuer, &issuer_key.pubkey())
            .await
            .context("accrediting the issuer")?;
        let schema = issuer_api
            .create_schema(CreateSchemaArgs {
                name: SCHEMA_NAME.into(),
                version: 1,
                uri: "https://bench.example/schemas/licence.json".into(),
                schema_hash: [7; 32],
                default_validity_secs: 0,
                suspendable: true,
            })
            .await
            .context("creating the schema")?
            .schema;
        debug_assert_eq!(schema, pda::schema(&issuer, SCHEMA_NAME, 1).0);
        Ok(Self {
            transport,
            admin,
            issuer_key: Arc::new(issuer_key),
            issuer_secret: Arc::new(IssuerSecret::generate()),
            registry,
            issuer_id: issuer_id.to_string(),
            issuer,
            schema,
        })
    }

    /// The issuer's role API.
    pub fn issuer_api(&self) -> Issuer<'_> {
        Issuer::new(
            &self.transport,
            &self.issuer_key,
            self.registry,
            &self.issuer_id,
        )
        .with_secret(&self.issuer_secret)
    }

    /// `count` issuance requests tagged `tag`, [`CREDENTIALS_PER_SUBJECT`] per fresh subject;
    /// returns them with the subjects.
    pub fn requests(&self, tag: &str, count: usize) -> (Vec<IssueRequest>, Vec<Pubkey>) {
        let subjects: Vec<Pubkey> = (0..count.div_ceil(CREDENTIALS_PER_SUBJECT))
            .map(|_| Keypair::new().pubkey())
            .collect();
        let requests = (0..count)
            .map(|i| IssueRequest {
                subject: subjects[i / CREDENTIALS_PER_SUBJECT],
                schema: self.schema,
                reference: format!("{tag}/{i:07}"),
                document: document(tag, i),
                valid_from: None,
                expires_at: None,
            })
            .collect();
        (requests, subjects)
    }
}

/// The document behind generated credential `i` of batch `tag` (about 100 bytes, like a
/// licence's canonical JSON).
pub fn document(tag: &str, i: usize) -> Vec<u8> {
    format!(
        "{{\"licence\":\"{tag}/{i:07}\",\"holder\":\"Registered Nurse (Adult)\",\"from\":\"2024-03-01\"}}"
    )
    .into_bytes()
}
