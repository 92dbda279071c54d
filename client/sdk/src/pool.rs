//! The talent pool's terms and results: what a candidate lists, what a recruiter searches for
//! and asks, what a search finds, and the occupation and region codes. Candidates list
//! themselves and answer requests ([`Candidate`](crate::roles::Candidate)); recruiters search
//! and ask for access ([`Recruiter`](crate::roles::Recruiter)), learning who a candidate is
//! only when she approves.

use std::collections::HashMap;

use credence_consent::state::{CODE_LEN, CredentialRef, Listing, check_code};
use credence_registry::state::{
    Cohort, Credential, CredentialStatus, Issuer as IssuerAccount, Schema,
};
use serde::{Deserialize, Serialize};
use solana_pubkey::Pubkey;

use crate::{
    accounts,
    error::SdkError,
    pda,
    verify::{self, CheckKind, CheckStatus, SharedCredential, VerifyRequest},
};

/// Encodes an occupation or region code for a listing: upper-case ASCII letters, digits or
/// `-`, 1 to 8 of them, zero-padded.
/// ```
/// use credence_sdk::pool::{code, code_text};
///
/// assert_eq!(code_text(&code("gb-eng").unwrap()), "GB-ENG");
/// assert!(code("GB ENG").is_err());
/// ```
pub fn code(text: &str) -> Result<[u8; CODE_LEN], SdkError> {
    let upper = text.trim().to_ascii_uppercase();
    let mut out = [0u8; CODE_LEN];
    if upper.is_empty() || upper.len() > CODE_LEN {
        return Err(SdkError::BadCode {
            text: text.to_string(),
        });
    }
    out[..upper.len()].copy_from_slice(upper.as_bytes());
    if !check_code(&out) {
        return Err(SdkError::BadCode {
            text: text.to_string(),
        });
    }
    Ok(out)
}

/// A code as text (the zero padding dropped).
pub fn code_text(code: &[u8; CODE_LEN]) -> String {
    let len = code.iter().position(|b| *b == 0).unwrap_or(CODE_LEN);
    String::from_utf8_lossy(&code[..len]).into_owned()
}

/// What a candidate puts in the pool.
#[derive(Clone, Debug)]
pub struct ListingTerms {
    /// Occupation code, for example `2221` (ISCO-08 nursing professionals).
    pub occupation: String,
    /// Region code, for example `GB-ENG`.
    pub region: String,
    /// When she can start (unix seconds).
    pub available_from: i64,
    /// Her credentials the listing vouches for (1 to 16): accounts
    /// ([`accounts::account_refs`]) and cohort leaves.
    pub credentials: Vec<CredentialRef>,
}

/// What a recruiter looks for in the pool.
#[derive(Clone, Debug, Default)]
pub struct PoolQuery {
    /// Occupation code prefix (`None`: any), for example `222` for nurses and midwives.
    pub occupation: Option<String>,
    /// Region code prefix (`None`: any), for example `GB`.
    pub region: Option<String>,
    /// Only candidates available by this date (unix seconds).
    pub available_by: Option<i64>,
    /// Only listings whose every credential verifies now: issued to the candidate, active,
    /// inside its validity window, by an accredited issuer of one of
    /// [`Self::trusted_registries`] (which must then name at least one).
    pub verified_only: bool,
    /// Registries the recruiter trusts. Required with [`Self::verified_only`]
    /// ([`SdkError::TrustedRegistriesRequired`] if empty): anyone can create a registry and
    /// accredit an issuer of their own, so accreditation alone proves nothing.
    pub trusted_registries: Vec<Pubkey>,
}

/// A listing found in the pool: a pseudonymous wallet address, never a name. In JSON, addresses
/// are base58.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PoolMatch {
    /// The listing's address.
    #[serde(with = "crate::serde_text")]
    pub listing: Pubkey,
    /// The candidate's wallet (a pseudonym).
    #[serde(with = "crate::serde_text")]
    pub subject: Pubkey,
    /// Occupation code.
    pub occupation: String,
    /// Region code.
    pub region: String,
    /// Available from (unix seconds).
    pub available_from: i64,
    /// The credentials it vouches for.
    #[serde(with = "crate::serde_text::credential_refs")]
    pub credentials: Vec<CredentialRef>,
    /// Whether every credential verified (see [`PoolQuery::verified_only`]).
    pub verified: bool,
    /// Why not, one line per failed check.
    pub failures: Vec<String>,
}

/// What a recruiter asks a candidate for.
#[derive(Clone, Debug)]
pub struct RequestTerms {
    /// The recruiter's id for the request.
    pub request_id: u64,
    /// The candidate.
    pub subject: Pubkey,
    /// Credentials asked for (for example her listing's).
    pub credentials: Vec<CredentialRef>,
    /// Schemas asked for.
    pub schemas: Vec<Pubkey>,
    /// Why.
    pub purpose: String,
    /// How long the grant should last (seconds).
    pub duration_secs: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
}

/// The failed checks of one listing's credentials, evaluated like a verification report with
/// the grant lines left out, trusting exactly the registries in `trusted`.
pub(crate) fn listing_failures(
    listing: &Listing,
    fetched: &HashMap<Pubkey, solana_account::Account>,
    trusted: &[Pubkey],
    now: i64,
) -> Vec<String> {
    let mut shared = Vec::new();
    let mut failures = Vec::new();
    for reference in &listing.credentials {
        let address = match reference {
            CredentialRef::Account { address } => address,
            CredentialRef::CohortLeaf { cohort, index } => {
                failures.extend(leaf_standing(cohort, *index, fetched, trusted, now));
                continue;
            }
        };
        let credential = fetched
            .get(address)
            .and_then(|a| accounts::decode::<Credential>(address, a).ok());
        let (issuer, schema) = credential.map_or((Pubkey::default(), Pubkey::default()), |c| {
            (c.issuer, c.schema)
        });
        let registry = fetched
            .get(&issuer)
            .and_then(|a| accounts::decode::<IssuerAccount>(&issuer, a).ok())
            .map_or(Pubkey::default(), |i| i.registry);
        shared.push(SharedCredential {
            credential: *address,
            issuer,
            schema,
            registry,
            document: None,
        });
    }
    let request = VerifyRequest {
        subject: listing.subject,
        grantee: Pubkey::default(),
        grant: Pubkey::default(),
        credentials: shared,
        cohort_credentials: vec![],
        trusted_registries: trusted.to_vec(),
    };
    let mut out: Vec<String> = verify::evaluate(&request, fetched, now)
        .checks
        .into_iter()
        .filter(|c| {
            c.status == CheckStatus::Fail
                && !matches!(c.kind, CheckKind::GrantInForce | CheckKind::GrantCovers)
        })
        .map(|c| c.line())
        .collect();
    out.extend(failures);
    out
}

/// What keeps leaf `index` of `cohort` in a listing from standing, one line each: the cohort
/// exists and holds the leaf, its issuer is accredited in a trusted registry, its schema is the
/// issuer's, the leaf is active and the cohort's window holds now. That the leaf is the
/// candidate's is proven only by her credential file (its subject salt and Merkle proof), which
/// she shares when she grants access, not in a public listing.
fn leaf_standing(
    cohort: &Pubkey,
    index: u32,
    fetched: &HashMap<Pubkey, solana_account::Account>,
    trusted: &[Pubkey],
    now: i64,
) -> Vec<String> {
    let at = format!("{cohort}#{index}");
    let Some(c) = fetched
        .get(cohort)
        .and_then(|a| accounts::decode::<Cohort>(cohort, a).ok())
    else {
        return vec![format!("{at}: no cohort at this address")];
    };
    let mut out = Vec::new();
    if index >= c.leaf_count {
        out.push(format!("{at}: beyond the cohort's {} leaves", c.leaf_count));
    }
    match fetched
        .get(&c.issuer)
        .and_then(|a| accounts::decode::<IssuerAccount>(&c.issuer, a).ok())
    {
        None => out.push(format!("{at}: issuer {} not found", c.issuer)),
        Some(issuer) => {
            if !trusted.contains(&issuer.registry) {
                out.push(format!(
                    "{at}: registry {} is not among the trusted registries",
                    issuer.registry
                ));
            }
            if !issuer.is_accredited() {
                out.push(format!("{at}: {} is not accredited", issuer.name));
            }
        }
    }
    let schema_ok = fetched
        .get(&c.schema)
        .and_then(|a| accounts::decode::<Schema>(&c.schema, a).ok())
        .is_some_and(|s| s.issuer == c.issuer);
    if !schema_ok {
        out.push(format!("{at}: the schema is not the cohort's issuer's"));
    }
    let status = accounts::leaf_status(fetched.get(&pda::cohort_status(cohort, index).0), index);
    if status != CredentialStatus::Active {
        out.push(format!(
            "{at}: the credential is {}",
            format!("{status:?}").to_lowercase()
        ));
    }
    if !c.is_in_window(now) {
        out.push(format!("{at}: outside the cohort's validity window"));
    }
    out
}
