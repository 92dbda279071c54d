//! Verification: for a candidate, a recruiter and a set of credentials, fetch every account
//! needed in one `getMultipleAccounts` round trip (the Clock sysvar included, so "now" is the
//! cluster's), then check each credential and report one line per check with the reason for any
//! failure.
//!
//! One round trip needs the issuer, schema and registry addresses up front: the candidate shares
//! them with the documents ([`SharedCredential`]); a claim that does not match the chain fails.
//! [`share_from_grant`] builds them from a grant when the candidate has not (two round trips).

use std::collections::HashMap;

use credence_consent::state::{CredentialRef, Grant};
use credence_registry::state::{
    Credential, CredentialStatus, Issuer, IssuerStatus, Registry, Schema,
};
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_pubkey::Pubkey;

use crate::{
    accounts::{decode, fetch},
    commitment::{matches, Salt},
    error::SdkError,
    transport::{clock_now, Transport, CLOCK_SYSVAR},
};

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

/// One line of a report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Check {
    /// The credential checked (none for grant-wide checks).
    pub credential: Option<String>,
    /// What was checked.
    pub kind: CheckKind,
    /// The outcome.
    pub status: CheckStatus,
    /// Why, in words.
    pub detail: String,
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
        let key = credential.to_string();
        let grant_in_force = self.checks.iter().any(|c| {
            c.credential.is_none()
                && c.kind == CheckKind::GrantInForce
                && c.status == CheckStatus::Pass
        });
        let lines = || {
            self.checks
                .iter()
                .filter(|c| c.credential.as_deref().is_none_or(|k| k == key))
        };
        grant_in_force
            && !lines().any(|c| c.status == CheckStatus::Fail)
            && REQUIRED_CREDENTIAL_CHECKS.iter().all(|kind| {
                lines().any(|c| {
                    c.credential.is_some() && c.kind == *kind && c.status == CheckStatus::Pass
                })
            })
    }

    /// [`Self::credential_passed`], and its shared document opened its commitment.
    pub fn credential_passed_strict(&self, credential: &Pubkey) -> bool {
        let key = credential.to_string();
        self.credential_passed(credential)
            && self.checks.iter().any(|c| {
                c.credential.as_deref() == Some(key.as_str())
                    && c.kind == CheckKind::Document
                    && c.status == CheckStatus::Pass
            })
    }

    /// What was left unchecked (documents not shared), as `credential: detail` lines.
    pub fn not_checked(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::NotChecked)
            .map(|c| match &c.credential {
                Some(k) => format!("{k}: {}", c.detail),
                None => c.detail.clone(),
            })
            .collect()
    }

    /// The failures, as `credential: detail` lines.
    pub fn failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| match &c.credential {
                Some(k) => format!("{k}: {}", c.detail),
                None => c.detail.clone(),
            })
            .collect()
    }
}

struct Lines {
    checks: Vec<Check>,
}

impl Lines {
    fn push(
        &mut self,
        credential: Option<&str>,
        kind: CheckKind,
        ok: bool,
        pass: String,
        fail: String,
    ) {
        self.checks.push(Check {
            credential: credential.map(str::to_owned),
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

/// Every address [`verify`] fetches, deduplicated, the Clock sysvar first.
pub fn addresses(request: &VerifyRequest) -> Vec<Pubkey> {
    let mut out = vec![CLOCK_SYSVAR, request.grant];
    for shared in &request.credentials {
        for key in [
            shared.credential,
            shared.issuer,
            shared.schema,
            shared.registry,
        ] {
            if !out.contains(&key) {
                out.push(key);
            }
        }
    }
    out
}

/// Verifies in one `getMultipleAccounts` round trip (up to 100 accounts: about 24 credentials
/// from distinct issuers, or 97 from one issuer, schema and registry).
pub async fn verify(transport: &Transport, request: &VerifyRequest) -> Result<Report, SdkError> {
    let keys = addresses(request);
    let mut fetched: HashMap<Pubkey, Account> = HashMap::new();
    transport.accounts_into(&keys, &mut fetched).await?;
    let round_trips = keys
        .len()
        .div_ceil(crate::transport::rpc::MAX_MULTIPLE_ACCOUNTS) as u32;
    let now = clock_now(fetched.get(&CLOCK_SYSVAR))?;
    let mut report = evaluate(request, &fetched, now);
    report.round_trips = round_trips;
    Ok(report)
}

/// Checks `request` against already-fetched accounts at time `now` (pure: no network).
pub fn evaluate(request: &VerifyRequest, fetched: &HashMap<Pubkey, Account>, now: i64) -> Report {
    let mut lines = Lines { checks: Vec::new() };
    let grant: Option<Grant> = fetched
        .get(&request.grant)
        .and_then(|a| decode(&request.grant, a).ok());
    let grant_ok = match &grant {
        None => {
            lines.push(
                None,
                CheckKind::GrantInForce,
                false,
                String::new(),
                format!("no grant at {}", request.grant),
            );
            false
        }
        Some(g) => {
            let problem = if g.subject != request.subject {
                Some("the grant is another candidate's".to_string())
            } else if g.grantee != request.grantee {
                Some("the grant is to another recruiter".to_string())
            } else if g.revoked_at != 0 {
                Some(format!(
                    "the candidate revoked the grant at {}",
                    utc(g.revoked_at)
                ))
            } else if now >= g.expires_at {
                Some(format!("the grant expired at {}", utc(g.expires_at)))
            } else if g.max_uses != 0 && g.uses >= g.max_uses {
                Some(format!("the grant's {} uses are used up", g.max_uses))
            } else {
                None
            };
            let ok = problem.is_none();
            lines.push(
                None,
                CheckKind::GrantInForce,
                ok,
                format!(
                    "grant in force until {} for \"{}\"",
                    utc(g.expires_at),
                    g.purpose
                ),
                problem.unwrap_or_default(),
            );
            ok
        }
    };
    for shared in &request.credentials {
        // Base58 once per credential, not once per report line.
        let key_text = shared.credential.to_string();
        let key = Some(key_text.as_str());
        if let Some(g) = &grant {
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
        let _ = grant_ok;
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
            continue;
        };
        let mine = c.subject == request.subject && c.issuer == shared.issuer;
        lines.push(
            key,
            CheckKind::CredentialExists,
            mine,
            "issued to the candidate by the stated issuer".into(),
            if c.subject != request.subject {
                "the credential is another candidate's".into()
            } else {
                "the credential's issuer is not the one stated".into()
            },
        );
        let issuer: Option<Issuer> = fetched
            .get(&c.issuer)
            .and_then(|a| decode(&c.issuer, a).ok());
        match &issuer {
            None => lines.push(
                key,
                CheckKind::IssuerAccredited,
                false,
                String::new(),
                format!("issuer {} not found", c.issuer),
            ),
            Some(i) => {
                let trusted = request.trusted_registries.contains(&i.registry)
                    && fetched
                        .get(&i.registry)
                        .and_then(|a| decode::<Registry>(&i.registry, a).ok())
                        .is_some();
                let registry = i.registry.to_string();
                lines.push(
                    key,
                    CheckKind::RegistryTrusted,
                    trusted,
                    format!("registry {registry} is trusted"),
                    format!("registry {registry} is not among the trusted registries"),
                );
                lines.push(
                    key,
                    CheckKind::IssuerAccredited,
                    i.status == IssuerStatus::Accredited,
                    format!("{} is accredited", i.name),
                    format!("{} is {:?}, not accredited", i.name, i.status).to_lowercase(),
                );
            }
        }
        let schema: Option<Schema> = fetched
            .get(&c.schema)
            .and_then(|a| decode(&c.schema, a).ok());
        let schema_ok =
            c.schema == shared.schema && schema.as_ref().is_some_and(|s| s.issuer == c.issuer);
        lines.push(
            key,
            CheckKind::Schema,
            schema_ok,
            schema
                .as_ref()
                .map(|s| format!("schema {} v{}", s.name, s.schema_version))
                .unwrap_or_default(),
            "the schema is not the credential's or not its issuer's".into(),
        );
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
        let in_window = c.valid_from <= now && (c.expires_at == 0 || now < c.expires_at);
        lines.push(
            key,
            CheckKind::ValidityWindow,
            in_window,
            if c.expires_at == 0 {
                "valid, no expiry".into()
            } else {
                format!("valid until {}", utc(c.expires_at))
            },
            if now < c.valid_from {
                format!("not valid before {}", utc(c.valid_from))
            } else {
                format!("expired at {}", utc(c.expires_at))
            },
        );
        match &shared.document {
            None => lines.checks.push(Check {
                credential: Some(key_text.clone()),
                kind: CheckKind::Document,
                status: CheckStatus::NotChecked,
                detail: "no document shared".into(),
            }),
            Some(doc) => lines.push(
                key,
                CheckKind::Document,
                matches(&c.commitment, &doc.salt, &doc.document),
                "the document matches its commitment".into(),
                "the document does not match its commitment (altered, or the wrong salt)".into(),
            ),
        }
    }
    Report {
        checked_at: now,
        checks: lines.checks,
        round_trips: 0,
    }
}

/// A unix timestamp as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
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

/// Builds the shared credentials of a grant from the chain (two round trips: the grant, then its
/// credentials and their issuers), without documents.
pub async fn share_from_grant(
    transport: &Transport,
    grant: &Pubkey,
) -> Result<Vec<SharedCredential>, SdkError> {
    let grant: Grant = fetch(transport, grant).await?;
    let addresses: Vec<Pubkey> = grant
        .credentials
        .iter()
        .filter_map(|r| match r {
            CredentialRef::Account { address } => Some(*address),
            CredentialRef::CohortLeaf { .. } => None,
        })
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
            credential: credential.map(Pubkey::to_string),
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

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::utc(1_795_531_647), "2026-11-24 14:47:27 UTC");
    }
}
