//! A scenario builder: registry → issuer → schema → credential → grant in one call.

use credence_consent::{
    state::{CredentialRef, Grant},
    CreateGrantArgs,
};
use credence_registry::{
    state::{Credential, Schema},
    CreateSchemaArgs, IssueCredentialArgs, RegisterIssuerArgs,
};
use credence_sdk::{
    ix::{
        consent::{self as cix, Accessed},
        registry::{self as rix, IssuerDecision, IssuerSigner},
    },
    pda,
};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::chain::TestChain;

/// How far [`Scenario::build`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Only the registry.
    Registry,
    /// An issuer registered, still pending.
    PendingIssuer,
    /// The issuer accredited.
    AccreditedIssuer,
    /// A schema published.
    Schema,
    /// A credential issued to the subject.
    Credential,
    /// A grant from the subject to the recruiter over the credential.
    Grant,
}

/// Registry name used by scenarios.
pub const REGISTRY_NAME: &str = "uk-nursing";
/// Issuer id used by scenarios.
pub const ISSUER_ID: &str = "unilag";
/// Schema name used by scenarios.
pub const SCHEMA_NAME: &str = "nursing-licence";
/// A year in seconds.
pub const YEAR: i64 = 365 * 24 * 3600;
/// A week in seconds.
pub const WEEK: i64 = 7 * 24 * 3600;

/// Everything a test needs: the chain, the actors and the addresses.
pub struct Scenario {
    /// The embedded chain.
    pub chain: TestChain,
    /// The registry admin.
    pub admin: Keypair,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer's authority.
    pub issuer_authority: Keypair,
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema.
    pub schema: Pubkey,
    /// The candidate.
    pub subject: Keypair,
    /// The credential id.
    pub credential_id: [u8; 32],
    /// The credential.
    pub credential: Pubkey,
    /// The recruiter.
    pub recruiter: Keypair,
    /// The grant id.
    pub grant_id: u64,
    /// The grant.
    pub grant: Pubkey,
    /// A funded stranger with no role.
    pub stranger: Keypair,
}

impl Scenario {
    /// Starts a chain and builds every step up to `stage`.
    pub async fn build(stage: Stage) -> Self {
        let mut chain = TestChain::start().await;
        let admin = chain.actor().await;
        Self::build_on(chain, admin, stage).await
    }

    /// Builds every step up to `stage` on `chain`, with `admin` (funded) creating the registry:
    /// a known admin key gives known addresses, for accounts added before the chain started.
    pub async fn build_on(mut chain: TestChain, admin: Keypair, stage: Stage) -> Self {
        let issuer_authority = chain.actor().await;
        let subject = chain.actor().await;
        let recruiter = chain.actor().await;
        let stranger = chain.actor().await;
        let registry = pda::registry(&admin.pubkey(), REGISTRY_NAME).0;
        let issuer = pda::issuer(&registry, ISSUER_ID).0;
        let schema = pda::schema(&issuer, SCHEMA_NAME, 1).0;
        let credential_id = [1u8; 32];
        let credential = pda::credential(&issuer, &subject.pubkey(), &credential_id).0;
        let grant_id = 1;
        let grant = pda::grant(&subject.pubkey(), &recruiter.pubkey(), grant_id).0;
        let mut s = Self {
            chain,
            admin,
            registry,
            issuer_authority,
            issuer,
            schema,
            subject,
            credential_id,
            credential,
            recruiter,
            grant_id,
            grant,
            stranger,
        };
        let ix = rix::create_registry(&s.admin.pubkey(), REGISTRY_NAME);
        s.chain.send_ok(&[ix], &[&s.admin]).await;
        if stage >= Stage::PendingIssuer {
            let ix = rix::register_issuer(
                &s.issuer_authority.pubkey(),
                &s.registry,
                issuer_args(ISSUER_ID),
            );
            s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
        }
        if stage >= Stage::AccreditedIssuer {
            s.decide(IssuerDecision::Accredit).await;
        }
        if stage >= Stage::Schema {
            let ix = rix::create_schema(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                schema_args(SCHEMA_NAME, 1),
            );
            s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
        }
        if stage >= Stage::Credential {
            let args = s.credential_args(s.credential_id);
            let ix = rix::issue_credential(
                &s.authority_signer(),
                &s.issuer_authority.pubkey(),
                &s.schema,
                args,
            );
            s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
        }
        if stage >= Stage::Grant {
            let args = s.grant_args(s.grant_id, vec![s.credential]).await;
            let ix = cix::create_grant(&s.subject.pubkey(), args);
            s.chain.send_ok(&[ix], &[&s.subject]).await;
        }
        s
    }

    /// The issuer's authority as the signer of a credential change.
    pub fn authority_signer(&self) -> IssuerSigner {
        IssuerSigner {
            authority: self.issuer_authority.pubkey(),
            as_delegate: false,
            registry: self.registry,
            issuer: self.issuer,
        }
    }

    /// `key` signing as if it were the issuer's authority (no delegate record passed).
    pub fn authority_signer_for(&self, key: &Pubkey) -> IssuerSigner {
        IssuerSigner {
            authority: *key,
            as_delegate: false,
            registry: self.registry,
            issuer: self.issuer,
        }
    }

    /// `key` signing as a delegate of the issuer.
    pub fn delegate_signer(&self, key: &Pubkey) -> IssuerSigner {
        IssuerSigner {
            authority: *key,
            as_delegate: true,
            registry: self.registry,
            issuer: self.issuer,
        }
    }

    /// Issuance arguments for the subject with the given id and the schema's default validity.
    pub fn credential_args(&self, credential_id: [u8; 32]) -> IssueCredentialArgs {
        IssueCredentialArgs {
            credential_id,
            subject: self.subject.pubkey(),
            commitment: [7; 32],
            valid_from: None,
            expires_at: None,
        }
    }

    /// Grant arguments to the recruiter over `credentials`, for a week.
    pub async fn grant_args(&mut self, grant_id: u64, credentials: Vec<Pubkey>) -> CreateGrantArgs {
        CreateGrantArgs {
            grant_id,
            grantee: self.recruiter.pubkey(),
            credentials: credentials
                .into_iter()
                .map(|address| CredentialRef::Account { address })
                .collect(),
            purpose: "Recruitment: ICU nurse".into(),
            expires_at: self.chain.now().await + WEEK,
            max_uses: 0,
            sealed_key: vec![],
        }
    }

    /// The admin decides on the issuer, and the decision must land.
    pub async fn decide(&mut self, decision: IssuerDecision) {
        let ix = rix::decide_issuer(decision, &self.admin.pubkey(), &self.registry, &self.issuer);
        self.chain.send_ok(&[ix], &[&self.admin]).await;
    }

    /// Issues another credential with `credential_id` to the subject; returns its address.
    pub async fn issue(&mut self, credential_id: [u8; 32]) -> Pubkey {
        let args = self.credential_args(credential_id);
        let ix = rix::issue_credential(
            &self.authority_signer(),
            &self.issuer_authority.pubkey(),
            &self.schema,
            args,
        );
        let authority = self.issuer_authority.insecure_clone();
        self.chain.send_ok(&[ix], &[&authority]).await;
        pda::credential(&self.issuer, &self.subject.pubkey(), &credential_id).0
    }

    /// The accounts `record_access` reads for the credentials `mask` selects from `grant`, as
    /// they are on-chain now (each credential, its schema, and the schema's fee treasury).
    pub async fn accessed(&mut self, grant: &Pubkey, mask: u16) -> Vec<Accessed> {
        accessed(&mut self.chain, grant, mask).await
    }
}

/// [`Scenario::accessed`] on any chain.
pub async fn accessed(chain: &mut TestChain, grant: &Pubkey, mask: u16) -> Vec<Accessed> {
    let Some(grant) = chain.account::<Grant>(grant).await else {
        return Vec::new();
    };
    // A mask the program refuses needs no accounts: it is refused before they are read.
    let selected = grant.selected(mask).unwrap_or_default();
    let mut out = Vec::new();
    for reference in selected {
        let CredentialRef::Account { address } = reference else {
            continue;
        };
        let Some(credential) = chain.account::<Credential>(&address).await else {
            continue;
        };
        let schema: Option<Schema> = chain.account(&credential.schema).await;
        out.push(Accessed {
            credential: CredentialRef::Account { address },
            schema: credential.schema,
            issuer: credential.issuer,
            treasury: schema.filter(|s| s.fee.is_set()).map(|s| s.fee.treasury),
        });
    }
    out
}

/// Registration arguments for an issuer with `issuer_id`.
pub fn issuer_args(issuer_id: &str) -> RegisterIssuerArgs {
    RegisterIssuerArgs {
        issuer_id: issuer_id.into(),
        name: "University of Lagos".into(),
        uri: "https://unilag.edu.ng/credence".into(),
        jurisdiction: "NG".into(),
    }
}

/// Schema arguments: a suspendable schema with a one-year default validity.
pub fn schema_args(name: &str, version: u16) -> CreateSchemaArgs {
    CreateSchemaArgs {
        name: name.into(),
        version,
        uri: "https://credence.example/schemas/nursing-licence-v1.json".into(),
        schema_hash: [9; 32],
        default_validity_secs: YEAR,
        suspendable: true,
    }
}
