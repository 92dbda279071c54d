//! Verification: for a candidate, a recruiter and a set of credentials, fetch every account
//! needed in one `getMultipleAccounts` round trip (the Clock sysvar included, so "now" is the
//! cluster's), then check each credential and report one line per check with the reason for any
//! failure.
//!
//! One round trip needs the issuer, schema and registry addresses up front: the candidate shares
//! them with the documents ([`SharedCredential`]); a claim that does not match the chain fails.
//! [`share_from_grant`] builds them from a grant when the candidate has not (three reads: the
//! grant, its credentials, their issuers).

use std::collections::{HashMap, HashSet};

use credence_consent::{
    error::ConsentError,
    state::{CredentialRef, Grant},
};
use credence_registry::state::{Cohort, Credential, CredentialStatus, Issuer, Registry, Schema};
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_pubkey::Pubkey;

use crate::{
    accounts::{decode, fetch, leaf_status},
    cohort::{CohortCredential, LeafData, subject_commitment, verify_proof},
    commitment::{Salt, matches},
    error::SdkError,
    pda,
    time::utc,
    transport::{CLOCK_SYSVAR, Transport, clock_now},
};

/// Why a grant is not in force, by the consent program's own rule (`Grant::check_in_force`,
/// which `record_access` enforces): the report and the SDK's refusals say what the program
/// would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantProblem {
    /// The candidate revoked it at `at` (unix seconds).
    Revoked {
        /// When.
        at: i64,
    },
    /// It expired at `at` (unix seconds).
    Expired {
        /// When.
        at: i64,
    },
    /// Its `max_uses` uses are used up.
    UsedUp {
        /// The most uses it allowed.
        max_uses: u32,
    },
}

impl GrantProblem {
    /// Why `grant` is not in force at `now` (`None`: it is), from
    /// [`Grant::check_in_force`], the rule the program enforces.
    pub fn of(grant: &Grant, now: i64) -> Option<Self> {
        let err = grant.check_in_force(now).err()?;
        let code = match &err {
            anchor_lang::error::Error::AnchorError(e) => e.error_code_number,
            anchor_lang::error::Error::ProgramError(_) => u32::MAX,
        };
        Some(if code == u32::from(ConsentError::GrantRevoked) {
            Self::Revoked {
                at: grant.revoked_at,
            }
        } else if code == u32::from(ConsentError::GrantUsedUp) {
            Self::UsedUp {
                max_uses: grant.max_uses,
            }
        } else {
            Self::Expired {
                at: grant.expires_at,
            }
        })
    }
}

impl std::fmt::Display for GrantProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Revoked { at } => write!(f, "the candidate revoked the grant at {}", utc(*at)),
            Self::Expired { at } => write!(f, "the grant expired at {}", utc(*at)),
            Self::UsedUp { max_uses } => write!(f, "the grant's {max_uses} uses are used up"),
        }
    }
}

/// A document and its salt, shared by the candidate so the verifier can open the commitment.
#[derive(Clone, Debug)]
pub struct SharedDocument {
    /// The commitment's salt.
    pub salt: Salt,
    /// The document's bytes.
    pub document: Vec<u8>,
}

/// One credential as the candidate presents it.
#[derive(Clone, Debug)]
pub struct SharedCredential {
    /// The credential's address.
    pub credential: Pubkey,
    /// Its issuer.
    pub issuer: Pubkey,
    /// Its schema.
    pub schema: Pubkey,
    /// The issuer's registry.
    pub registry: Pubkey,
    /// The document, when shared.
    pub document: Option<SharedDocument>,
}

/// What to verify.
#[derive(Clone, Debug)]
pub struct VerifyRequest {
    /// The candidate.
    pub subject: Pubkey,
    /// The verifier (the grant's grantee).
    pub grantee: Pubkey,
    /// The candidate's grant to the verifier.
    pub grant: Pubkey,
    /// The credentials presented.
    pub credentials: Vec<SharedCredential>,
    /// The cohort credentials presented: the candidate's credential files, checked side by side
    /// with `credentials` in the same round trip.
    pub cohort_credentials: Vec<CohortCredential>,
    /// Registries the verifier trusts.
    pub trusted_registries: Vec<Pubkey>,
}

/// The kinds of check in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The grant exists, is the candidate's to the verifier, and is in force.
    GrantInForce,
    /// The grant covers the credential.
    GrantCovers,
    /// The credential exists and is the candidate's.
    CredentialExists,
    /// The issuer's registry is one the verifier trusts.
    RegistryTrusted,
    /// The issuer is accredited.
    IssuerAccredited,
    /// The schema is the credential's and the issuer's.
    Schema,
    /// The credential is active (not suspended or revoked).
    CredentialStatus,
    /// Now lies within the credential's validity window.
    ValidityWindow,
    /// The shared document opens the credential's commitment.
    Document,
    /// A cohort credential's leaf, with the grant's subject, is in the cohort's on-chain Merkle
    /// root.
    MerkleProof,
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Passed.
    Pass,
    /// Failed; the detail says why.
    Fail,
    /// Not checked (for example no document was shared).
    NotChecked,
}

/// One line of a report. In JSON, the credential is a base58 address.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Check {
    /// The credential checked (none for grant-wide checks); for a cohort credential, its cohort.
    #[serde(with = "crate::serde_text::option")]
    pub credential: Option<Pubkey>,
    /// The leaf of a cohort credential (none for a credential account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaf: Option<u32>,
    /// What was checked.
    pub kind: CheckKind,
    /// The outcome.
    pub status: CheckStatus,
    /// Why, in words.
    pub detail: String,
}

impl Check {
    /// The line as `credential: detail` (`cohort#leaf: detail` for a cohort credential).
    pub fn line(&self) -> String {
        match (&self.credential, self.leaf) {
            (Some(k), Some(leaf)) => format!("{k}#{leaf}: {}", self.detail),
            (Some(k), None) => format!("{k}: {}", self.detail),
            (None, _) => self.detail.clone(),
        }
    }
}

/// A verification report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// The cluster time the checks used (unix seconds).
    pub checked_at: i64,
    /// One line per check.
    pub checks: Vec<Check>,
    /// RPC round trips used.
    pub round_trips: u32,
    /// The slot the accounts were read at (`context.slot`): every check of the report is as of
    /// this slot, so it can be re-checked later against the same one. 0 in a report made by
    /// [`evaluate`] alone (the caller fetched the accounts).
    #[serde(default)]
    pub slot: u64,
}

/// The checks every credential must pass before it counts as verified (see
/// [`Report::credential_passed`]): all but [`CheckKind::Document`], which a candidate may not have
/// shared.
pub const REQUIRED_CREDENTIAL_CHECKS: [CheckKind; 7] = [
    CheckKind::GrantCovers,
    CheckKind::CredentialExists,
    CheckKind::RegistryTrusted,
    CheckKind::IssuerAccredited,
    CheckKind::Schema,
    CheckKind::CredentialStatus,
    CheckKind::ValidityWindow,
];

/// The checks a cohort credential must pass before it counts as verified (see
/// [`Report::leaf_passed`]): a credential's, and the Merkle proof.
pub const REQUIRED_COHORT_CHECKS: [CheckKind; 8] = [
    CheckKind::GrantCovers,
    CheckKind::CredentialExists,
    CheckKind::MerkleProof,
    CheckKind::RegistryTrusted,
    CheckKind::IssuerAccredited,
    CheckKind::Schema,
    CheckKind::CredentialStatus,
    CheckKind::ValidityWindow,
];

impl Report {
    /// Whether no check failed. A document that was not shared is [`CheckStatus::NotChecked`],
    /// not a failure, so this can hold with nothing proven about any document: use
    /// [`Self::passed_strict`] to decide anything.
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.status == CheckStatus::Fail)
    }

    /// Whether every check passed, documents included: no check failed, none was left
    /// unchecked, and at least one credential's document opened its commitment. This is what a
    /// recorded [`AccessOutcome::Verified`](credence_consent::state::AccessOutcome) and the
    /// CLI's exit code 0 mean.
    pub fn passed_strict(&self) -> bool {
        self.checks.iter().all(|c| c.status == CheckStatus::Pass)
            && self
                .checks
                .iter()
                .any(|c| c.kind == CheckKind::Document && c.credential.is_some())
    }

    /// Whether `credential` verified: the grant is in force (a passed
    /// [`CheckKind::GrantInForce`] line and no failed grant-wide line), each of
    /// [`REQUIRED_CREDENTIAL_CHECKS`] is in the report for it and passed, and none of its lines
    /// failed. Its document may be unchecked (see [`Self::credential_passed_strict`]). A
    /// credential the report does not name has not passed.
    pub fn credential_passed(&self, credential: &Pubkey) -> bool {
        let grant_in_force = self.checks.iter().any(|c| {
            c.credential.is_none()
                && c.kind == CheckKind::GrantInForce
                && c.status == CheckStatus::Pass
        });
        grant_in_force && self.all_passed(Some(*credential), None, &REQUIRED_CREDENTIAL_CHECKS)
    }

    /// [`Self::credential_passed`] for leaf `index` of `cohort`: [`REQUIRED_COHORT_CHECKS`],
    /// the Merkle proof among them.
    pub fn leaf_passed(&self, cohort: &Pubkey, index: u32) -> bool {
        let grant_in_force = self.checks.iter().any(|c| {
            c.credential.is_none()
                && c.kind == CheckKind::GrantInForce
                && c.status == CheckStatus::Pass
        });
        grant_in_force && self.all_passed(Some(*cohort), Some(index), &REQUIRED_COHORT_CHECKS)
    }

    /// No line of the credential (`credential`, `leaf`) nor grant-wide line failed, and each of
    /// `required` is in the report for it and passed.
    fn all_passed(
        &self,
        credential: Option<Pubkey>,
        leaf: Option<u32>,
        required: &[CheckKind],
    ) -> bool {
        let lines = || {
            self.checks.iter().filter(move |c| {
                c.credential.is_none() || (c.credential == credential && c.leaf == leaf)
            })
        };
        !lines().any(|c| c.status == CheckStatus::Fail)
            && required.iter().all(|kind| {
                lines().any(|c| {
                    c.credential.is_some() && c.kind == *kind && c.status == CheckStatus::Pass
                })
            })
    }

    /// [`Self::credential_passed`], and its shared document opened its commitment.
    pub fn credential_passed_strict(&self, credential: &Pubkey) -> bool {
        self.credential_passed(credential)
            && self.checks.iter().any(|c| {
                c.credential == Some(*credential)
                    && c.leaf.is_none()
                    && c.kind == CheckKind::Document
                    && c.status == CheckStatus::Pass
            })
    }

    /// Whether the report has a line about `credential`.
    pub fn names(&self, credential: &Pubkey) -> bool {
        self.checks
            .iter()
            .any(|c| c.credential == Some(*credential) && c.leaf.is_none())
    }

    /// Whether the report has a line about leaf `index` of `cohort`.
    pub fn names_leaf(&self, cohort: &Pubkey, index: u32) -> bool {
        self.checks
            .iter()
            .any(|c| c.credential == Some(*cohort) && c.leaf == Some(index))
    }

    /// What was left unchecked (documents not shared), as `credential: detail` lines.
    pub fn not_checked(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::NotChecked)
            .map(Check::line)
            .collect()
    }

    /// The failures, as `credential: detail` lines.
    pub fn failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(Check::line)
            .collect()
    }
}

struct Lines {
    checks: Vec<Check>,
}

impl Lines {
    fn push(
        &mut self,
        credential: Option<Pubkey>,
        kind: CheckKind,
        ok: bool,
        pass: String,
        fail: String,
    ) {
        self.checks.push(Check {
            credential,
            leaf: None,
            kind,
            status: if ok {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            detail: if ok { pass } else { fail },
        });
    }
}

/// Every address [`verify`] fetches, deduplicated, the Clock sysvar first: per credential, the
/// credential, its issuer, schema and registry; per cohort credential, the cohort, the leaf's
/// status page, the issuer, schema and registry.
pub fn addresses(request: &VerifyRequest) -> Vec<Pubkey> {
    let singles = request.credentials.iter().flat_map(|shared| {
        [
            shared.credential,
            shared.issuer,
            shared.schema,
            shared.registry,
        ]
    });
    let cohorts = request.cohort_credentials.iter().flat_map(|shared| {
        [
            shared.cohort,
            pda::cohort_status(&shared.cohort, shared.index).0,
            shared.issuer,
            shared.schema,
            shared.registry,
        ]
    });
    let mut out = vec![CLOCK_SYSVAR, request.grant];
    for key in singles.chain(cohorts) {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// Verifies in one round trip: the Clock sysvar, the grant and, per credential, the
/// credential, its issuer, schema and registry (shared ones fetched once), read together at one
/// slot ([`Transport::accounts_at`]), which the report pins ([`Report::slot`]).
pub async fn verify(transport: &Transport, request: &VerifyRequest) -> Result<Report, SdkError> {
    Ok(verify_profile(transport, std::slice::from_ref(request))
        .await?
        .remove(0))
}

/// Verifies a candidate's whole profile, however many grants it spans, in one round trip: the
/// union of every request's accounts read together at one slot (over JSON-RPC one batch request
/// of `getMultipleAccounts` chunks), then each request checked against them at the cluster's
/// time. One report per request, in order, each pinning the same slot; the round trip is
/// counted once, in the first.
pub async fn verify_profile(
    transport: &Transport,
    requests: &[VerifyRequest],
) -> Result<Vec<Report>, SdkError> {
    let mut keys: Vec<Pubkey> = Vec::new();
    let mut seen: HashSet<Pubkey> = HashSet::new();
    for request in requests {
        keys.extend(addresses(request).into_iter().filter(|k| seen.insert(*k)));
    }
    let read = transport.accounts_at(&keys).await?;
    let fetched: HashMap<Pubkey, Account> = keys
        .into_iter()
        .zip(read.accounts)
        .filter_map(|(address, account)| account.map(|a| (address, a)))
        .collect();
    let now = clock_now(fetched.get(&CLOCK_SYSVAR))?;
    Ok(requests
        .iter()
        .enumerate()
        .map(|(i, request)| {
            let mut report = evaluate(request, &fetched, now);
            report.round_trips = if i == 0 { read.round_trips } else { 0 };
            report.slot = read.slot;
            report
        })
        .collect())
}

/// Checks `request` against already-fetched accounts at time `now` (pure: no network). The
/// rules are the account types' own (`Grant::check_in_force`, `Issuer::is_accredited`,
/// `Credential::is_expired`), so a report cannot say "in force" where the program refuses.
/// ```
/// use std::collections::HashMap;
///
/// use credence_sdk::{verify::{evaluate, CheckKind, CheckStatus, VerifyRequest}, Pubkey};
///
/// // Nothing fetched: the report says there is no grant, and passes nothing.
/// let request = VerifyRequest {
///     subject: Pubkey::new_unique(),
///     grantee: Pubkey::new_unique(),
///     grant: Pubkey::new_unique(),
///     credentials: vec![],
///     cohort_credentials: vec![],
///     trusted_registries: vec![],
/// };
/// let report = evaluate(&request, &HashMap::new(), 1_800_000_000);
/// assert_eq!(report.checks[0].kind, CheckKind::GrantInForce);
/// assert_eq!(report.checks[0].status, CheckStatus::Fail);
/// assert!(!report.passed_strict());
/// ```
pub fn evaluate(request: &VerifyRequest, fetched: &HashMap<Pubkey, Account>, now: i64) -> Report {
    let mut lines = Lines { checks: Vec::new() };
    let grant: Option<Grant> = fetched
        .get(&request.grant)
        .and_then(|a| decode(&request.grant, a).ok());
    check_grant(&mut lines, request, grant.as_ref(), now);
    for shared in &request.credentials {
        check_credential(&mut lines, request, grant.as_ref(), shared, fetched, now);
    }
    for shared in &request.cohort_credentials {
        check_cohort_credential(&mut lines, request, grant.as_ref(), shared, fetched, now);
    }
    Report {
        checked_at: now,
        checks: lines.checks,
        round_trips: 0,
        slot: 0,
    }
}

/// The grant-wide line: the grant exists, is the candidate's to the verifier, and is in force.
fn check_grant(lines: &mut Lines, request: &VerifyRequest, grant: Option<&Grant>, now: i64) {
    let Some(g) = grant else {
        lines.push(
            None,
            CheckKind::GrantInForce,
            false,
            String::new(),
            format!("no grant at {}", request.grant),
        );
        return;
    };
    let problem = if g.subject != request.subject {
        Some("the grant is another candidate's".to_string())
    } else if g.grantee != request.grantee {
        Some("the grant is to another recruiter".to_string())
    } else {
        GrantProblem::of(g, now).map(|p| p.to_string())
    };
    lines.push(
        None,
        CheckKind::GrantInForce,
        problem.is_none(),
        format!(
            "grant in force until {} for \"{}\"",
            utc(g.expires_at),
            g.purpose
        ),
        problem.unwrap_or_default(),
    );
}

/// One credential's lines.
fn check_credential(
    lines: &mut Lines,
    request: &VerifyRequest,
    grant: Option<&Grant>,
    shared: &SharedCredential,
    fetched: &HashMap<Pubkey, Account>,
    now: i64,
) {
    let key = Some(shared.credential);
    if let Some(g) = grant {
        let covered = g.credentials.contains(&CredentialRef::Account {
            address: shared.credential,
        });
        lines.push(
            key,
            CheckKind::GrantCovers,
            covered,
            "covered by the grant".into(),
            "the grant does not cover this credential".into(),
        );
    }
    let credential: Option<Credential> = fetched
        .get(&shared.credential)
        .and_then(|a| decode(&shared.credential, a).ok());
    let Some(c) = credential else {
        lines.push(
            key,
            CheckKind::CredentialExists,
            false,
            String::new(),
            "no credential at this address (closed, or never issued)".into(),
        );
        return;
    };
    lines.push(
        key,
        CheckKind::CredentialExists,
        c.subject == request.subject && c.issuer == shared.issuer,
        "issued to the candidate by the stated issuer".into(),
        if c.subject != request.subject {
            "the credential is another candidate's".into()
        } else {
            "the credential's issuer is not the one stated".into()
        },
    );
    check_issuer(lines, key, &c.issuer, request, fetched);
    check_schema(lines, key, (&c.schema, &c.issuer), &shared.schema, fetched);
    check_status_and_window(lines, key, &c, now);
    check_document(
        lines,
        key,
        &c.commitment,
        shared
            .document
            .as_ref()
            .map(|d| (&d.salt, d.document.as_slice())),
    );
}

/// The issuer's lines: its registry is trusted, and it is accredited.
fn check_issuer(
    lines: &mut Lines,
    key: Option<Pubkey>,
    issuer_key: &Pubkey,
    request: &VerifyRequest,
    fetched: &HashMap<Pubkey, Account>,
) {
    let issuer: Option<Issuer> = fetched
        .get(issuer_key)
        .and_then(|a| decode(issuer_key, a).ok());
    let Some(i) = issuer else {
        lines.push(
            key,
            CheckKind::IssuerAccredited,
            false,
            String::new(),
            format!("issuer {issuer_key} not found"),
        );
        return;
    };
    let trusted = request.trusted_registries.contains(&i.registry)
        && fetched
            .get(&i.registry)
            .and_then(|a| decode::<Registry>(&i.registry, a).ok())
            .is_some();
    lines.push(
        key,
        CheckKind::RegistryTrusted,
        trusted,
        format!("registry {} is trusted", i.registry),
        format!(
            "registry {} is not among the trusted registries",
            i.registry
        ),
    );
    lines.push(
        key,
        CheckKind::IssuerAccredited,
        i.is_accredited(),
        format!("{} is accredited", i.name),
        format!("{} is {:?}, not accredited", i.name, i.status).to_lowercase(),
    );
}

/// One cohort credential's lines: a credential's, with the cohort account standing in for the
/// credential account, plus the Merkle proof; every line names the cohort and the leaf.
fn check_cohort_credential(
    lines: &mut Lines,
    request: &VerifyRequest,
    grant: Option<&Grant>,
    shared: &CohortCredential,
    fetched: &HashMap<Pubkey, Account>,
    now: i64,
) {
    let first = lines.checks.len();
    cohort_lines(lines, request, grant, shared, fetched, now);
    for line in &mut lines.checks[first..] {
        line.leaf = Some(shared.index);
    }
}

/// The lines of [`check_cohort_credential`], before they are tagged with the leaf.
fn cohort_lines(
    lines: &mut Lines,
    request: &VerifyRequest,
    grant: Option<&Grant>,
    shared: &CohortCredential,
    fetched: &HashMap<Pubkey, Account>,
    now: i64,
) {
    let key = Some(shared.cohort);
    if let Some(g) = grant {
        lines.push(
            key,
            CheckKind::GrantCovers,
            g.credentials.contains(&CredentialRef::CohortLeaf {
                cohort: shared.cohort,
                index: shared.index,
            }),
            "covered by the grant".into(),
            "the grant does not cover this credential".into(),
        );
    }
    let cohort: Option<Cohort> = fetched
        .get(&shared.cohort)
        .and_then(|a| decode(&shared.cohort, a).ok());
    let Some(c) = cohort else {
        lines.push(
            key,
            CheckKind::CredentialExists,
            false,
            String::new(),
            "no cohort at this address (closed, or never issued)".into(),
        );
        return;
    };
    // The leaf as the grant's subject would hold it: the salt must open her key.
    let her_commitment = subject_commitment(&shared.subject_salt, &request.subject);
    let opens = her_commitment == shared.subject_commitment;
    let in_cohort = c.issuer == shared.issuer && shared.index < c.leaf_count;
    lines.push(
        key,
        CheckKind::CredentialExists,
        opens && in_cohort,
        format!("leaf {} of {} issued to the candidate by the stated issuer", shared.index, c.leaf_count),
        if !opens {
            "the credential is another candidate's (its subject commitment does not open to the candidate's key)".into()
        } else if c.issuer != shared.issuer {
            "the cohort's issuer is not the one stated".into()
        } else {
            format!("leaf {} is beyond the cohort's {} leaves", shared.index, c.leaf_count)
        },
    );
    let leaf = LeafData {
        index: shared.index,
        subject_commitment: her_commitment,
        document_commitment: shared.document_commitment,
        valid_from: shared.valid_from,
        expires_at: shared.expires_at,
    };
    lines.push(
        key,
        CheckKind::MerkleProof,
        verify_proof(&c.merkle_root, c.depth, shared.index, &leaf.hash(&shared.cohort), &shared.proof),
        format!("in the cohort's Merkle root ({} hashes)", shared.proof.len()),
        "the leaf and its proof do not lead to the cohort's on-chain root (altered, or another cohort's)".into(),
    );
    check_issuer(lines, key, &c.issuer, request, fetched);
    check_schema(lines, key, (&c.schema, &c.issuer), &shared.schema, fetched);
    let page = pda::cohort_status(&shared.cohort, shared.index).0;
    let status = leaf_status(fetched.get(&page), shared.index);
    lines.push(
        key,
        CheckKind::CredentialStatus,
        status == CredentialStatus::Active,
        "active".into(),
        match status {
            CredentialStatus::Suspended => "the credential is suspended".into(),
            _ => "the credential was revoked (the reason is in the issuer's CohortLeafStatusChanged event)".into(),
        },
    );
    let started = now >= shared.valid_from && now >= c.valid_from;
    let expired = |at: i64| at != 0 && now >= at;
    let in_window = started && !expired(shared.expires_at) && !expired(c.expires_at);
    lines.push(
        key,
        CheckKind::ValidityWindow,
        in_window,
        if shared.expires_at == 0 {
            "valid, no expiry".into()
        } else {
            format!("valid until {}", utc(shared.expires_at))
        },
        if !started {
            format!(
                "not valid before {}",
                utc(shared.valid_from.max(c.valid_from))
            )
        } else if expired(shared.expires_at) {
            format!("expired at {}", utc(shared.expires_at))
        } else {
            format!("the cohort expired at {}", utc(c.expires_at))
        },
    );
    check_document(
        lines,
        key,
        &shared.document_commitment,
        shared
            .document
            .as_ref()
            .map(|d| (&shared.document_salt, d.as_bytes())),
    );
}

/// The schema line: the credential's schema (`schema`, of `issuer`) is the one claimed and its
/// issuer's.
fn check_schema(
    lines: &mut Lines,
    key: Option<Pubkey>,
    (schema_key, issuer): (&Pubkey, &Pubkey),
    claimed: &Pubkey,
    fetched: &HashMap<Pubkey, Account>,
) {
    let schema: Option<Schema> = fetched
        .get(schema_key)
        .and_then(|a| decode(schema_key, a).ok());
    lines.push(
        key,
        CheckKind::Schema,
        schema_key == claimed && schema.as_ref().is_some_and(|s| s.issuer == *issuer),
        schema
            .as_ref()
            .map(|s| format!("schema {} v{}", s.name, s.schema_version))
            .unwrap_or_default(),
        "the schema is not the credential's or not its issuer's".into(),
    );
}

/// The document line: the shared document (with its salt) opens `commitment`, or was not
/// shared.
fn check_document(
    lines: &mut Lines,
    key: Option<Pubkey>,
    commitment: &[u8; 32],
    shared: Option<(&Salt, &[u8])>,
) {
    match shared {
        None => lines.checks.push(Check {
            credential: key,
            leaf: None,
            kind: CheckKind::Document,
            status: CheckStatus::NotChecked,
            detail: "no document shared".into(),
        }),
        Some((salt, document)) => lines.push(
            key,
            CheckKind::Document,
            matches(commitment, salt, document),
            "the document matches its commitment".into(),
            "the document does not match its commitment (altered, or the wrong salt)".into(),
        ),
    }
}

/// The credential's status and validity-window lines.
fn check_status_and_window(lines: &mut Lines, key: Option<Pubkey>, c: &Credential, now: i64) {
    let status_detail = match c.status {
        CredentialStatus::Active => String::new(),
        CredentialStatus::Suspended => "the credential is suspended".into(),
        CredentialStatus::Revoked => format!(
            "the credential was revoked (reason {})",
            reason_name(c.revocation_reason)
        ),
    };
    lines.push(
        key,
        CheckKind::CredentialStatus,
        c.status == CredentialStatus::Active,
        "active".into(),
        status_detail,
    );
    let started = now >= c.valid_from;
    lines.push(
        key,
        CheckKind::ValidityWindow,
        started && !c.is_expired(now),
        if c.expires_at == 0 {
            "valid, no expiry".into()
        } else {
            format!("valid until {}", utc(c.expires_at))
        },
        if started {
            format!("expired at {}", utc(c.expires_at))
        } else {
            format!("not valid before {}", utc(c.valid_from))
        },
    );
}

/// A revocation reason code in words.
pub fn reason_name(code: u16) -> &'static str {
    use credence_registry::constants::*;
    match code {
        REASON_SUPERSEDED => "superseded",
        REASON_ISSUED_IN_ERROR => "issued in error",
        REASON_DISCIPLINARY => "disciplinary action",
        REASON_FRAUD => "fraudulent document",
        REASON_KEY_COMPROMISE => "key compromise",
        _ => "other",
    }
}

/// Builds the shared credentials of a grant from the chain, without documents: three reads (the
/// grant, then its credentials, then their issuers), each one `getMultipleAccounts` call for a
/// grant's at most 16 credentials.
pub async fn share_from_grant(
    transport: &Transport,
    grant: &Pubkey,
) -> Result<Vec<SharedCredential>, SdkError> {
    let grant: Grant = fetch(transport, grant).await?;
    let addresses: Vec<Pubkey> = grant
        .credentials
        .iter()
        .filter_map(|r| crate::accounts::account_address(r).ok())
        .collect();
    let accounts = transport.accounts(&addresses).await?;
    let mut credentials = Vec::new();
    for (address, account) in addresses.iter().zip(accounts) {
        let account = account.ok_or(SdkError::AccountNotFound(*address))?;
        let c: Credential = decode(address, &account)?;
        credentials.push((address, c));
    }
    let issuer_keys: Vec<Pubkey> = credentials.iter().map(|(_, c)| c.issuer).collect();
    let issuers = transport.accounts(&issuer_keys).await?;
    credentials
        .into_iter()
        .zip(issuers)
        .map(|((address, c), issuer)| {
            let issuer = issuer.ok_or(SdkError::AccountNotFound(c.issuer))?;
            let issuer: Issuer = decode(&c.issuer, &issuer)?;
            Ok(SharedCredential {
                credential: *address,
                issuer: c.issuer,
                schema: c.schema,
                registry: issuer.registry,
                document: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(credential: Option<&Pubkey>, kind: CheckKind, status: CheckStatus) -> Check {
        Check {
            credential: credential.copied(),
            leaf: None,
            kind,
            status,
            detail: String::new(),
        }
    }

    /// A report on `credential` with every check passed and its document in `document`.
    fn report(credential: &Pubkey, document: CheckStatus) -> Report {
        let mut checks = vec![line(None, CheckKind::GrantInForce, CheckStatus::Pass)];
        for kind in REQUIRED_CREDENTIAL_CHECKS {
            checks.push(line(Some(credential), kind, CheckStatus::Pass));
        }
        checks.push(line(Some(credential), CheckKind::Document, document));
        Report {
            checked_at: 0,
            checks,
            round_trips: 1,
            slot: 0,
        }
    }

    #[test]
    fn a_strict_pass_needs_every_document_checked() {
        let c = Pubkey::new_unique();
        let full = report(&c, CheckStatus::Pass);
        assert!(full.passed() && full.passed_strict());
        assert!(full.credential_passed(&c) && full.credential_passed_strict(&c));
        let unchecked = report(&c, CheckStatus::NotChecked);
        assert!(unchecked.passed() && !unchecked.passed_strict());
        assert!(unchecked.credential_passed(&c) && !unchecked.credential_passed_strict(&c));
        assert_eq!(unchecked.not_checked().len(), 1);
        // Nothing checked proves nothing.
        let empty = Report {
            checked_at: 0,
            checks: vec![],
            round_trips: 0,
            slot: 0,
        };
        assert!(empty.passed() && !empty.passed_strict());
    }

    #[test]
    fn a_credential_passes_only_with_every_required_check_present_and_passed() {
        let c = Pubkey::new_unique();
        // A credential the report does not name has not passed.
        assert!(!report(&c, CheckStatus::Pass).credential_passed(&Pubkey::new_unique()));
        for kind in REQUIRED_CREDENTIAL_CHECKS {
            let mut missing = report(&c, CheckStatus::Pass);
            missing.checks.retain(|l| l.kind != kind);
            assert!(!missing.credential_passed(&c), "{kind:?} missing");
            let mut failed = report(&c, CheckStatus::Pass);
            failed
                .checks
                .iter_mut()
                .filter(|l| l.kind == kind)
                .for_each(|l| l.status = CheckStatus::Fail);
            assert!(!failed.credential_passed(&c), "{kind:?} failed");
        }
        // The grant must be in force, and said to be.
        let mut no_grant = report(&c, CheckStatus::Pass);
        no_grant.checks.remove(0);
        assert!(!no_grant.credential_passed(&c));
        let mut revoked = report(&c, CheckStatus::Pass);
        revoked.checks[0].status = CheckStatus::Fail;
        assert!(!revoked.credential_passed(&c));
    }
}
