//! The SDK end to end on the embedded chain (the real Solana runtime in-process), through its
//! public API only: the role APIs, one-round-trip verification, sealed documents, batch
//! issuance, `getProgramAccounts` listings and named errors.

use std::collections::BTreeSet;

use credence_sdk::{
    accounts::{self, fetch},
    commitment::{self, IssuerSecret, Salt},
    consent_program::{error::ConsentError, state::Grant},
    error::{ProgramErrorCode, SdkError},
    ix::registry::{CredentialChange, IssuerDecision},
    pda,
    registry_program::{
        constants::{REASON_DISCIPLINARY, REASON_FRAUD},
        error::RegistryError,
        state::{Credential, CredentialStatus, IssuerStatus},
        CreateSchemaArgs, RegisterIssuerArgs,
    },
    roles::{
        Candidate, GrantRequest, IssueRequest, Issued, Issuer, Outcome, Recruiter, RegistryAdmin,
    },
    sealing::{self, SealedDocument},
    verify::{
        self, Check, CheckKind, CheckStatus, GrantProblem, Report, SharedCredential,
        SharedDocument, VerifyRequest,
    },
    Pubkey, Transport,
};
use solana_keypair::{Keypair, Signature};
use solana_signer::Signer;

#[path = "sdk/audit.rs"]
mod audit;
#[path = "sdk/cohort.rs"]
mod cohort;
#[path = "sdk/migrate.rs"]
mod migrate;
#[path = "sdk/pool.rs"]
mod pool;
#[path = "sdk/privacy.rs"]
mod privacy;
#[path = "sdk/watch.rs"]
mod watch;

#[path = "sdk/fees.rs"]
mod fees;

const REGISTRY_NAME: &str = "uk-health-workforce";
const UNIVERSITY_ID: &str = "unilag";
const COUNCIL_ID: &str = "nmc";
const DEGREE_SCHEMA: &str = "bsc-nursing";
const LICENCE_SCHEMA: &str = "rn-licence";
const DEGREE_DOCUMENT: &[u8] =
    b"BSc Nursing Science, University of Lagos, 2019, First Class Honours";
const LICENCE_DOCUMENT: &[u8] = b"NMC PIN 19A1234N: Registered Nurse (Adult), from 2024-03-01";
const PURPOSE: &str = "Recruitment: ICU nurse, St Mary's";
const LAMPORTS: u64 = 10_000_000_000;
const DAY: i64 = 24 * 3600;
const WEEK: i64 = 7 * DAY;
const YEAR: i64 = 365 * DAY;
/// Checks per credential in a report: covers, exists, registry, issuer, schema, status,
/// window, document.
const CHECKS_PER_CREDENTIAL: usize = 8;
/// The issuers' secrets: the keys of their credential ids and salts.
static UNIVERSITY_SECRET: IssuerSecret = IssuerSecret::from_bytes([0x11; 32]);
static COUNCIL_SECRET: IssuerSecret = IssuerSecret::from_bytes([0x22; 32]);

// ---------------------------------------------------------------- the world

/// A fresh embedded chain with funded actors; nothing on-chain yet.
struct World {
    transport: Transport,
    admin: Keypair,
    university_key: Keypair,
    council_key: Keypair,
    nurse: Keypair,
    recruiter_key: Keypair,
    stranger: Keypair,
    registry: Pubkey,
    university: Pubkey,
    council: Pubkey,
    degree_schema: Pubkey,
    licence_schema: Pubkey,
}

impl World {
    async fn new() -> Self {
        let transport = Transport::embedded().await;
        let [admin, university_key, council_key, nurse, recruiter_key, stranger] =
            std::array::from_fn(|_| Keypair::new());
        for key in [
            &admin,
            &university_key,
            &council_key,
            &nurse,
            &recruiter_key,
            &stranger,
        ] {
            fund(&transport, &key.pubkey()).await;
        }
        let registry = pda::registry(&admin.pubkey(), REGISTRY_NAME).0;
        let university = pda::issuer(&registry, UNIVERSITY_ID).0;
        let council = pda::issuer(&registry, COUNCIL_ID).0;
        Self {
            degree_schema: pda::schema(&university, DEGREE_SCHEMA, 1).0,
            licence_schema: pda::schema(&council, LICENCE_SCHEMA, 1).0,
            transport,
            admin,
            university_key,
            council_key,
            nurse,
            recruiter_key,
            stranger,
            registry,
            university,
            council,
        }
    }

    /// The registry, two issuers registered and accredited, their schemas published.
    async fn accredited() -> Self {
        let w = Self::new().await;
        assert!(w.admin().create(REGISTRY_NAME).await.unwrap());
        assert_eq!(w.register_issuers().await, (true, true));
        w.create_schemas().await;
        w.accredit_issuers().await;
        w
    }

    fn admin(&self) -> RegistryAdmin<'_> {
        RegistryAdmin::new(&self.transport, &self.admin, REGISTRY_NAME)
    }

    fn university(&self) -> Issuer<'_> {
        Issuer::new(
            &self.transport,
            &self.university_key,
            self.registry,
            UNIVERSITY_ID,
        )
        .with_secret(&UNIVERSITY_SECRET)
    }

    fn council(&self) -> Issuer<'_> {
        Issuer::new(
            &self.transport,
            &self.council_key,
            self.registry,
            COUNCIL_ID,
        )
        .with_secret(&COUNCIL_SECRET)
    }

    fn candidate(&self) -> Candidate<'_> {
        Candidate::new(&self.transport, &self.nurse)
    }

    fn recruiter(&self) -> Recruiter<'_> {
        Recruiter::new(&self.transport, &self.recruiter_key)
    }

    async fn now(&self) -> i64 {
        self.transport
            .as_embedded()
            .unwrap()
            .clock()
            .await
            .unwrap()
            .unix_timestamp
    }

    async fn advance_time(&self, seconds: i64) {
        self.transport
            .as_embedded()
            .unwrap()
            .advance_time(seconds)
            .await
            .unwrap();
    }

    /// Registers both issuers; whether each was created now.
    async fn register_issuers(&self) -> (bool, bool) {
        let university = self
            .university()
            .register(RegisterIssuerArgs {
                issuer_id: UNIVERSITY_ID.into(),
                name: "University of Lagos".into(),
                uri: "https://unilag.edu.ng/credence".into(),
                jurisdiction: "NG".into(),
            })
            .await
            .unwrap();
        let council = self
            .council()
            .register(RegisterIssuerArgs {
                issuer_id: COUNCIL_ID.into(),
                name: "Nursing and Midwifery Council".into(),
                uri: "https://www.nmc.org.uk/credence".into(),
                jurisdiction: "GB".into(),
            })
            .await
            .unwrap();
        (university, council)
    }

    /// The university's degree schema (no expiry, not suspendable) and the council's licence
    /// schema (a year by default, suspendable).
    async fn create_schemas(&self) {
        let degree = self
            .university()
            .create_schema(CreateSchemaArgs {
                name: DEGREE_SCHEMA.into(),
                version: 1,
                uri: "https://unilag.edu.ng/schemas/bsc-nursing-v1.json".into(),
                schema_hash: [1; 32],
                default_validity_secs: 0,
                suspendable: false,
            })
            .await
            .unwrap();
        assert_eq!((degree.schema, degree.created), (self.degree_schema, true));
        let licence = self
            .council()
            .create_schema(CreateSchemaArgs {
                name: LICENCE_SCHEMA.into(),
                version: 1,
                uri: "https://www.nmc.org.uk/schemas/rn-licence-v1.json".into(),
                schema_hash: [2; 32],
                default_validity_secs: YEAR,
                suspendable: true,
            })
            .await
            .unwrap();
        assert_eq!(
            (licence.schema, licence.created),
            (self.licence_schema, true)
        );
    }

    async fn accredit_issuers(&self) {
        let admin = self.admin();
        admin
            .accredit(&self.university, &self.university_key.pubkey())
            .await
            .unwrap();
        admin
            .accredit(&self.council, &self.council_key.pubkey())
            .await
            .unwrap();
    }

    /// The university issues a degree to `subject` under `reference`.
    async fn issue_degree(&self, subject: &Pubkey, reference: &str) -> Issued {
        self.university()
            .issue(&IssueRequest {
                subject: *subject,
                schema: self.degree_schema,
                reference: reference.into(),
                document: DEGREE_DOCUMENT.to_vec(),
                valid_from: None,
                expires_at: None,
            })
            .await
            .unwrap()
    }

    /// The council issues a licence to `subject` under `reference`.
    async fn issue_licence(&self, subject: &Pubkey, reference: &str) -> Issued {
        self.council()
            .issue(&IssueRequest {
                subject: *subject,
                schema: self.licence_schema,
                reference: reference.into(),
                document: LICENCE_DOCUMENT.to_vec(),
                valid_from: None,
                expires_at: None,
            })
            .await
            .unwrap()
    }

    async fn credential(&self, address: &Pubkey) -> Credential {
        fetch(&self.transport, address).await.unwrap()
    }

    async fn grant_account(&self, address: &Pubkey) -> Grant {
        fetch(&self.transport, address).await.unwrap()
    }
}

async fn fund(transport: &Transport, to: &Pubkey) {
    transport.airdrop(to, LAMPORTS).await.unwrap();
    assert_eq!(transport.balance(to).await.unwrap(), LAMPORTS);
}

fn address(issued: &Issued) -> Pubkey {
    issued.credential
}

fn salt(issued: &Issued) -> Salt {
    issued.salt
}

/// The nurse holds a degree and a licence and granted the recruiter access to both for a week,
/// with the degree's document key sealed to the recruiter.
struct Story {
    w: World,
    degree: Pubkey,
    licence: Pubkey,
    degree_salt: Salt,
    licence_salt: Salt,
    grant: Pubkey,
    sealed_degree: SealedDocument,
}

impl Story {
    async fn new() -> Self {
        let w = World::accredited().await;
        let nurse = w.nurse.pubkey();
        let degree = w.issue_degree(&nurse, "UNILAG/2019/NUR/0042").await;
        let licence = w.issue_licence(&nurse, "19A1234N").await;
        let (sealed_degree, key) = sealing::seal_document(DEGREE_DOCUMENT);
        let expires_at = w.now().await + WEEK;
        let grant = w
            .candidate()
            .grant(GrantRequest {
                grant_id: 1,
                grantee: w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&[
                    address(&degree),
                    address(&licence),
                ]),
                purpose: PURPOSE.into(),
                expires_at,
                max_uses: 0,
                document_key: Some(key),
            })
            .await
            .unwrap();
        Self {
            degree: address(&degree),
            licence: address(&licence),
            degree_salt: salt(&degree),
            licence_salt: salt(&licence),
            grant,
            sealed_degree,
            w,
        }
    }

    fn shared_degree(&self) -> SharedCredential {
        SharedCredential {
            credential: self.degree,
            issuer: self.w.university,
            schema: self.w.degree_schema,
            registry: self.w.registry,
            document: Some(SharedDocument {
                salt: self.degree_salt,
                document: DEGREE_DOCUMENT.to_vec(),
            }),
        }
    }

    fn shared_licence(&self) -> SharedCredential {
        SharedCredential {
            credential: self.licence,
            issuer: self.w.council,
            schema: self.w.licence_schema,
            registry: self.w.registry,
            document: Some(SharedDocument {
                salt: self.licence_salt,
                document: LICENCE_DOCUMENT.to_vec(),
            }),
        }
    }

    /// The recruiter's request over both credentials, both documents shared.
    fn request(&self) -> VerifyRequest {
        VerifyRequest {
            subject: self.w.nurse.pubkey(),
            grantee: self.w.recruiter_key.pubkey(),
            grant: self.grant,
            credentials: vec![self.shared_degree(), self.shared_licence()],
            cohort_credentials: vec![],
            trusted_registries: vec![self.w.registry],
        }
    }

    async fn verify(&self, request: &VerifyRequest) -> Report {
        self.w.recruiter().verify(request).await.unwrap()
    }
}

// ---------------------------------------------------------------- report assertions

/// The one check of `kind` about `credential` (`None`: the grant-wide check).
fn check<'r>(report: &'r Report, credential: Option<&Pubkey>, kind: CheckKind) -> &'r Check {
    let key = credential.copied();
    let found: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.kind == kind && c.credential == key)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {kind:?} check for {key:?} in {report:#?}"
    );
    found[0]
}

/// Asserts that exactly the checks `failing` fail and that every other check passes; returns
/// the failing checks' details, in the order given.
#[track_caller]
fn assert_fails_exactly(report: &Report, failing: &[(Option<&Pubkey>, CheckKind)]) -> Vec<String> {
    assert_eq!(report.passed(), failing.is_empty(), "{report:#?}");
    let expected: BTreeSet<(Option<Pubkey>, String)> = failing
        .iter()
        .map(|(c, k)| (c.copied(), format!("{k:?}")))
        .collect();
    let actual: BTreeSet<(Option<Pubkey>, String)> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| (c.credential, format!("{:?}", c.kind)))
        .collect();
    assert_eq!(actual, expected, "{report:#?}");
    for c in &report.checks {
        if c.status != CheckStatus::Fail {
            assert_eq!(c.status, CheckStatus::Pass, "{c:?}");
        }
    }
    failing
        .iter()
        .map(|(c, k)| check(report, *c, *k).detail.clone())
        .collect()
}

/// Asserts every check passed, with the full set of lines for `credentials` credentials.
#[track_caller]
fn assert_all_pass(report: &Report, credentials: usize) {
    assert_fails_exactly(report, &[]);
    assert_eq!(
        report.checks.len(),
        1 + CHECKS_PER_CREDENTIAL * credentials,
        "{report:#?}"
    );
    assert_eq!(report.round_trips, 1);
}

#[track_caller]
fn assert_program_error(err: &SdkError, expected: impl Into<ProgramErrorCode>, name: &str) {
    let expected = expected.into();
    assert!(
        err.is(expected),
        "expected {expected:?} ({name}), got {err:?}"
    );
    // The IDL's name, for display, agrees with the typed error.
    assert_eq!(err.program_error_name(), Some(name), "{err}");
}

// ---------------------------------------------------------------- the full story

#[tokio::test]
async fn full_story_verifies_opens_records_and_ends_at_revocation() {
    let w = World::new().await;
    let nurse = w.nurse.pubkey();
    let recruiter_key = w.recruiter_key.pubkey();

    // The admin creates the registry, once.
    let admin = w.admin();
    assert_eq!(admin.registry, w.registry);
    assert!(admin.create(REGISTRY_NAME).await.unwrap());
    assert!(!admin.create(REGISTRY_NAME).await.unwrap());

    // Two issuers register (a second call changes nothing), publish schemas, get accredited.
    assert_eq!(w.register_issuers().await, (true, true));
    assert_eq!(w.register_issuers().await, (false, false));
    assert_eq!(
        w.university().account().await.unwrap().status,
        IssuerStatus::Pending
    );
    w.create_schemas().await;
    w.accredit_issuers().await;
    for issuer in [w.university(), w.council()] {
        let account = issuer.account().await.unwrap();
        assert_eq!(account.status, IssuerStatus::Accredited);
        assert_eq!(account.registry, w.registry);
    }

    // Each issues to the nurse.
    let degree = w.issue_degree(&nurse, "UNILAG/2019/NUR/0042").await;
    let licence = w.issue_licence(&nurse, "19A1234N").await;
    assert!(!degree.already_existed && !licence.already_existed);
    let (degree_address, licence_address) = (address(&degree), address(&licence));
    let d = w.credential(&degree_address).await;
    assert_eq!(
        (d.issuer, d.subject, d.schema, d.status, d.expires_at),
        (
            w.university,
            nurse,
            w.degree_schema,
            CredentialStatus::Active,
            0
        )
    );
    assert_eq!(
        d.commitment,
        commitment::commit(&salt(&degree), DEGREE_DOCUMENT)
    );
    let l = w.credential(&licence_address).await;
    assert_eq!(
        (l.issuer, l.subject, l.schema, l.status),
        (w.council, nurse, w.licence_schema, CredentialStatus::Active)
    );
    assert_eq!(l.expires_at, l.valid_from + YEAR);
    assert_eq!(l.commitment, licence.commitment);

    // The nurse grants the recruiter both, for a week, the degree's key sealed to him.
    let (sealed_degree, key) = sealing::seal_document(DEGREE_DOCUMENT);
    let expires_at = w.now().await + WEEK;
    let grant = w
        .candidate()
        .grant(GrantRequest {
            grant_id: 7,
            grantee: recruiter_key,
            credentials: credence_sdk::accounts::account_refs(&[degree_address, licence_address]),
            purpose: PURPOSE.into(),
            expires_at,
            max_uses: 0,
            document_key: Some(key),
        })
        .await
        .unwrap();
    assert_eq!(grant, pda::grant(&nurse, &recruiter_key, 7).0);
    let g = w.grant_account(&grant).await;
    assert_eq!(
        (g.subject, g.grantee, g.purpose.as_str(), g.expires_at),
        (nurse, recruiter_key, PURPOSE, expires_at)
    );
    assert_eq!(g.sealed_key.len(), 80);

    // The recruiter verifies both, documents shared: every check passes in one round trip.
    let request = VerifyRequest {
        subject: nurse,
        grantee: recruiter_key,
        grant,
        credentials: vec![
            SharedCredential {
                credential: degree_address,
                issuer: w.university,
                schema: w.degree_schema,
                registry: w.registry,
                document: Some(SharedDocument {
                    salt: salt(&degree),
                    document: DEGREE_DOCUMENT.to_vec(),
                }),
            },
            SharedCredential {
                credential: licence_address,
                issuer: w.council,
                schema: w.licence_schema,
                registry: w.registry,
                document: Some(SharedDocument {
                    salt: salt(&licence),
                    document: LICENCE_DOCUMENT.to_vec(),
                }),
            },
        ],
        cohort_credentials: vec![],
        trusted_registries: vec![w.registry],
    };
    let recruiter = w.recruiter();
    let report = recruiter.verify(&request).await.unwrap();
    assert!(report.passed());
    assert!(report.checks.iter().all(|c| c.status == CheckStatus::Pass));
    assert_all_pass(&report, 2);
    assert!(
        report.credential_passed(&degree_address) && report.credential_passed(&licence_address)
    );
    assert_eq!(report.checked_at, w.now().await);
    assert!(report.failures().is_empty());

    // He opens the sealed degree: the exact bytes.
    let opened = recruiter
        .open_document(&grant, &degree_address, &sealed_degree, &salt(&degree))
        .await
        .unwrap();
    assert_eq!(opened, DEGREE_DOCUMENT);

    // He records the access; the nurse sees exactly that in her audit trail.
    recruiter.record_access(&grant, &report).await.unwrap();
    let g = w.grant_account(&grant).await;
    assert_eq!((g.uses, g.last_access_at), (1, w.now().await));
    let trail = w.candidate().audit_trail().await.unwrap().entries;
    assert_eq!(trail.len(), 1, "{trail:#?}");
    let entry = &trail[0];
    assert_eq!(entry.grant, grant);
    assert_eq!(entry.grantee, recruiter_key);
    assert_eq!(
        entry.credentials,
        accounts::account_refs(&[degree_address, licence_address])
    );
    assert_eq!(entry.outcome, Outcome::Verified);
    assert_eq!(entry.use_number, 1);

    // She revokes: verification now fails on the grant alone, and nothing more can be recorded.
    let earlier = report.clone();
    w.candidate().revoke(&grant).await.unwrap();
    assert_ne!(w.grant_account(&grant).await.revoked_at, 0);
    let report = recruiter.verify(&request).await.unwrap();
    let details = assert_fails_exactly(&report, &[(None, CheckKind::GrantInForce)]);
    assert!(details[0].contains("revoked"), "{}", details[0]);
    assert!(!report.credential_passed(&degree_address));
    let err = recruiter.record_access(&grant, &report).await.unwrap_err();
    assert!(matches!(err, SdkError::NothingVerified { .. }), "{err:?}");
    // A report from before the revocation does not help: the program refuses.
    let err = recruiter.record_access(&grant, &earlier).await.unwrap_err();
    assert_program_error(&err, ConsentError::GrantRevoked, "GrantRevoked");
    assert_eq!(w.grant_account(&grant).await.uses, 1);
    assert_eq!(w.candidate().audit_trail().await.unwrap().entries.len(), 1);
}

// ---------------------------------------------------------------- verification, check by check

#[tokio::test]
async fn verify_passes_both_credentials_in_one_round_trip() {
    let s = Story::new().await;
    let request = s.request();
    // Clock, grant, then credential, issuer, schema, registry of each (the registry once).
    assert_eq!(verify::addresses(&request).len(), 2 + 3 + 1 + 3);
    let report = s.verify(&request).await;
    assert_all_pass(&report, 2);
    assert_eq!(
        check(&report, Some(&s.degree), CheckKind::ValidityWindow).detail,
        "valid, no expiry"
    );
    assert!(check(&report, None, CheckKind::GrantInForce)
        .detail
        .contains(PURPOSE));
}

#[tokio::test]
async fn verify_fails_document_when_bytes_altered() {
    let s = Story::new().await;
    let mut request = s.request();
    request.credentials[0].document = Some(SharedDocument {
        salt: s.degree_salt,
        document: b"BSc Nursing Science, University of Lagos, 2019, Upper Second".to_vec(),
    });
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.degree), CheckKind::Document)]);
    assert!(details[0].contains("does not match"), "{}", details[0]);
    assert!(report.credential_passed(&s.licence));
    assert!(!report.credential_passed(&s.degree));
}

#[tokio::test]
async fn verify_fails_document_when_salt_wrong() {
    let s = Story::new().await;
    let mut request = s.request();
    request.credentials[1].document = Some(SharedDocument {
        salt: s.degree_salt,
        document: LICENCE_DOCUMENT.to_vec(),
    });
    let report = s.verify(&request).await;
    assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::Document)]);
}

#[tokio::test]
async fn verify_reports_document_not_checked_when_not_shared() {
    let s = Story::new().await;
    let mut request = s.request();
    request.credentials[0].document = None;
    let report = s.verify(&request).await;
    let line = check(&report, Some(&s.degree), CheckKind::Document);
    assert_eq!(line.status, CheckStatus::NotChecked);
    // No check failed, but nothing is proven about the degree's document: not a strict pass.
    assert!(report.passed());
    assert!(!report.passed_strict());
    assert!(report.credential_passed(&s.degree) && !report.credential_passed_strict(&s.degree));
    assert_eq!(
        report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Pass)
            .count(),
        report.checks.len() - 1
    );
}

#[tokio::test]
async fn verify_fails_credential_status_when_suspended_and_passes_once_reinstated() {
    let s = Story::new().await;
    let council = s.w.council();
    council
        .change(CredentialChange::Suspend, &s.licence)
        .await
        .unwrap();
    assert_eq!(
        s.w.credential(&s.licence).await.status,
        CredentialStatus::Suspended
    );
    let report = s.verify(&s.request()).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::CredentialStatus)]);
    assert_eq!(details[0], "the credential is suspended");

    council
        .change(CredentialChange::Reinstate, &s.licence)
        .await
        .unwrap();
    assert_all_pass(&s.verify(&s.request()).await, 2);
}

#[tokio::test]
async fn verify_fails_credential_status_when_revoked_naming_the_reason() {
    let s = Story::new().await;
    s.w.council()
        .change(
            CredentialChange::Revoke {
                reason: REASON_DISCIPLINARY,
            },
            &s.licence,
        )
        .await
        .unwrap();
    let c = s.w.credential(&s.licence).await;
    assert_eq!(
        (c.status, c.revocation_reason),
        (CredentialStatus::Revoked, REASON_DISCIPLINARY)
    );
    let report = s.verify(&s.request()).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::CredentialStatus)]);
    assert_eq!(
        verify::reason_name(REASON_DISCIPLINARY),
        "disciplinary action"
    );
    assert!(details[0].contains("revoked"), "{}", details[0]);
    assert!(
        details[0].contains(verify::reason_name(REASON_DISCIPLINARY)),
        "{}",
        details[0]
    );
    assert_eq!(report.failures().len(), 1);
    assert!(report.failures()[0].starts_with(&s.licence.to_string()));
}

#[tokio::test]
async fn verify_fails_validity_window_when_licence_expired() {
    let s = Story::new().await;
    // A longer grant, so only the licence's one-year validity runs out.
    let grant =
        s.w.candidate()
            .grant(GrantRequest {
                grant_id: 2,
                grantee: s.w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&[s.degree, s.licence]),
                purpose: PURPOSE.into(),
                expires_at: s.w.now().await + 2 * YEAR,
                max_uses: 0,
                document_key: None,
            })
            .await
            .unwrap();
    let mut request = s.request();
    request.grant = grant;
    assert_all_pass(&s.verify(&request).await, 2);

    let expires_at = s.w.credential(&s.licence).await.expires_at;
    s.w.advance_time(YEAR + DAY).await;
    assert!(s.w.now().await > expires_at);
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::ValidityWindow)]);
    assert_eq!(
        details[0],
        format!("expired at {}", credence_sdk::time::utc(expires_at))
    );
    // The degree never expires.
    assert!(report.credential_passed(&s.degree));
}

#[tokio::test]
async fn verify_fails_issuer_accredited_when_admin_suspends_issuer() {
    let s = Story::new().await;
    s.w.admin()
        .decide(IssuerDecision::Suspend, &s.w.council)
        .await
        .unwrap();
    assert_eq!(
        s.w.council().account().await.unwrap().status,
        IssuerStatus::Suspended
    );
    let report = s.verify(&s.request()).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::IssuerAccredited)]);
    assert!(details[0].contains("suspended"), "{}", details[0]);
    assert!(report.credential_passed(&s.degree));
}

#[tokio::test]
async fn verify_fails_registry_trusted_when_registry_not_trusted() {
    let s = Story::new().await;
    let mut request = s.request();
    request.trusted_registries = vec![pda::registry(&s.w.stranger.pubkey(), REGISTRY_NAME).0];
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(
        &report,
        &[
            (Some(&s.degree), CheckKind::RegistryTrusted),
            (Some(&s.licence), CheckKind::RegistryTrusted),
        ],
    );
    assert!(
        details[0].contains("not among the trusted registries"),
        "{}",
        details[0]
    );
}

#[tokio::test]
async fn verify_fails_grant_in_force_when_grant_expired() {
    let s = Story::new().await;
    let expires_at = s.w.grant_account(&s.grant).await.expires_at;
    s.w.advance_time(WEEK + 1).await;
    assert!(s.w.now().await > expires_at);
    let report = s.verify(&s.request()).await;
    let details = assert_fails_exactly(&report, &[(None, CheckKind::GrantInForce)]);
    assert_eq!(
        details[0],
        format!(
            "the grant expired at {}",
            credence_sdk::time::utc(expires_at)
        )
    );
    // The recruiter can no longer record under it either (nothing passed: nothing is sent).
    let err =
        s.w.recruiter()
            .record_access(&s.grant, &report)
            .await
            .unwrap_err();
    assert!(matches!(err, SdkError::NothingVerified { .. }), "{err:?}");
}

#[tokio::test]
async fn verify_fails_grant_in_force_when_grant_is_to_another_recruiter() {
    let s = Story::new().await;
    let other = Keypair::new();
    let mut request = s.request();
    request.grantee = other.pubkey();
    let report = Recruiter::new(&s.w.transport, &other)
        .verify(&request)
        .await
        .unwrap();
    let details = assert_fails_exactly(&report, &[(None, CheckKind::GrantInForce)]);
    assert_eq!(details[0], "the grant is to another recruiter");
}

#[tokio::test]
async fn verify_fails_grant_in_force_when_grant_missing() {
    let s = Story::new().await;
    let mut request = s.request();
    request.grant = pda::grant(&s.w.nurse.pubkey(), &s.w.recruiter_key.pubkey(), 99).0;
    let report = s.verify(&request).await;
    // No grant: no coverage lines, the credentials themselves still check out.
    let details = assert_fails_exactly(&report, &[(None, CheckKind::GrantInForce)]);
    assert!(details[0].starts_with("no grant at"), "{}", details[0]);
    assert!(report
        .checks
        .iter()
        .all(|c| c.kind != CheckKind::GrantCovers));
}

#[tokio::test]
async fn verify_fails_grant_covers_when_credential_not_in_grant() {
    let s = Story::new().await;
    let grant =
        s.w.candidate()
            .grant(GrantRequest {
                grant_id: 3,
                grantee: s.w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&[s.degree]),
                purpose: PURPOSE.into(),
                expires_at: s.w.now().await + WEEK,
                max_uses: 0,
                document_key: None,
            })
            .await
            .unwrap();
    let mut request = s.request();
    request.grant = grant;
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::GrantCovers)]);
    assert_eq!(details[0], "the grant does not cover this credential");
    assert!(report.credential_passed(&s.degree));
}

#[tokio::test]
async fn verify_fails_schema_when_claimed_schema_mismatched() {
    let s = Story::new().await;
    let mut request = s.request();
    // The licence presented under the degree's schema.
    request.credentials[1].schema = s.w.degree_schema;
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::Schema)]);
    assert!(
        details[0].contains("not the credential's"),
        "{}",
        details[0]
    );
}

#[tokio::test]
async fn verify_fails_credential_exists_when_claimed_issuer_mismatched() {
    let s = Story::new().await;
    let mut request = s.request();
    // The licence claimed as the university's.
    request.credentials[1].issuer = s.w.university;
    let report = s.verify(&request).await;
    // Only the stated issuer is fetched in the one round trip, so the credential's real issuer
    // cannot be confirmed accredited either: that line fails closed too. The rest passes.
    let details = assert_fails_exactly(
        &report,
        &[
            (Some(&s.licence), CheckKind::CredentialExists),
            (Some(&s.licence), CheckKind::IssuerAccredited),
        ],
    );
    assert_eq!(details[0], "the credential's issuer is not the one stated");
    assert!(report.credential_passed(&s.degree));
}

#[tokio::test]
async fn verify_fails_credential_exists_when_credential_is_someone_elses() {
    let s = Story::new().await;
    let other = Keypair::new();
    let foreign = address(
        &s.w.issue_degree(&other.pubkey(), "UNILAG/2019/NUR/0043")
            .await,
    );
    let mut request = s.request();
    request.credentials[0].credential = foreign;
    let report = s.verify(&request).await;
    let details = assert_fails_exactly(
        &report,
        &[
            (Some(&foreign), CheckKind::GrantCovers),
            (Some(&foreign), CheckKind::CredentialExists),
            // The degree document was committed under the other holder's salt.
            (Some(&foreign), CheckKind::Document),
        ],
    );
    assert_eq!(details[1], "the credential is another candidate's");
}

// ---------------------------------------------------------------- named errors

#[tokio::test]
async fn issue_fails_with_issuer_not_accredited_while_pending() {
    let w = World::new().await;
    assert!(w.admin().create(REGISTRY_NAME).await.unwrap());
    w.register_issuers().await;
    w.create_schemas().await;
    let err = w
        .university()
        .issue(&IssueRequest {
            subject: w.nurse.pubkey(),
            schema: w.degree_schema,
            reference: "UNILAG/2019/NUR/0042".into(),
            document: DEGREE_DOCUMENT.to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await
        .unwrap_err();
    assert_program_error(
        &err,
        RegistryError::IssuerNotAccredited,
        "IssuerNotAccredited",
    );
    assert!(
        err.to_string().contains("Issuer is not accredited"),
        "{err}"
    );
    assert!(w.candidate().credentials().await.unwrap().is_empty());
    assert_eq!(w.university().credentials().await.unwrap().len(), 0);
}

#[tokio::test]
async fn revoke_by_stranger_fails_with_not_authorized() {
    let s = Story::new().await;
    let impostor = Issuer::new(&s.w.transport, &s.w.stranger, s.w.registry, COUNCIL_ID);
    let err = impostor
        .change(
            CredentialChange::Revoke {
                reason: REASON_FRAUD,
            },
            &s.licence,
        )
        .await
        .unwrap_err();
    assert_program_error(&err, RegistryError::NotAuthorized, "NotAuthorized");
    assert_eq!(
        s.w.credential(&s.licence).await.status,
        CredentialStatus::Active
    );
}

#[tokio::test]
async fn suspend_fails_with_schema_not_suspendable_for_a_degree() {
    let s = Story::new().await;
    let err =
        s.w.university()
            .change(CredentialChange::Suspend, &s.degree)
            .await
            .unwrap_err();
    assert_program_error(
        &err,
        RegistryError::SchemaNotSuspendable,
        "SchemaNotSuspendable",
    );
    assert_eq!(
        s.w.credential(&s.degree).await.status,
        CredentialStatus::Active
    );
}

#[tokio::test]
async fn open_document_fails_invalid_for_a_recruiter_who_is_not_the_grantee() {
    let s = Story::new().await;
    let other = Recruiter::new(&s.w.transport, &s.w.stranger);
    let err = other
        .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.degree_salt)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::NotGrantee { grant, caller, .. } if *grant == s.grant && *caller == s.w.stranger.pubkey()),
        "{err:?}"
    );
    // Going around the SDK does not help: the key is sealed to the grantee's wallet only.
    let sealed_key = s.w.grant_account(&s.grant).await.sealed_key;
    let err = sealing::open_sealed_key(&s.w.stranger, &sealed_key).unwrap_err();
    assert!(matches!(err, SdkError::Crypto(_)), "{err:?}");
    // The grantee still opens it.
    assert_eq!(
        s.w.recruiter()
            .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.degree_salt)
            .await
            .unwrap(),
        DEGREE_DOCUMENT
    );
}

#[tokio::test]
async fn open_document_fails_after_candidate_revokes() {
    let s = Story::new().await;
    s.w.candidate().revoke(&s.grant).await.unwrap();
    let err =
        s.w.recruiter()
            .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.degree_salt)
            .await
            .unwrap_err();
    assert!(
        matches!(
            &err,
            SdkError::GrantNotInForce {
                why: GrantProblem::Revoked { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn open_document_fails_after_grant_expires() {
    let s = Story::new().await;
    s.w.advance_time(WEEK + 1).await;
    let err =
        s.w.recruiter()
            .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.degree_salt)
            .await
            .unwrap_err();
    assert!(
        matches!(
            &err,
            SdkError::GrantNotInForce {
                why: GrantProblem::Expired { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn open_document_fails_when_grant_carries_no_key() {
    let s = Story::new().await;
    let grant =
        s.w.candidate()
            .grant(GrantRequest {
                grant_id: 4,
                grantee: s.w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&[s.degree]),
                purpose: PURPOSE.into(),
                expires_at: s.w.now().await + WEEK,
                max_uses: 0,
                document_key: None,
            })
            .await
            .unwrap();
    let err =
        s.w.recruiter()
            .open_document(&grant, &s.degree, &s.sealed_degree, &s.degree_salt)
            .await
            .unwrap_err();
    assert!(
        matches!(&err, SdkError::NoDocumentKey { grant: g } if *g == grant),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- batch issuance

/// `n` licences for `n` nurses, references `{prefix}-{i}`.
fn licence_batch(w: &World, prefix: &str, n: usize) -> Vec<IssueRequest> {
    (0..n)
        .map(|i| IssueRequest {
            subject: Keypair::new().pubkey(),
            schema: w.licence_schema,
            reference: format!("{prefix}-{i:04}"),
            document: format!("NMC PIN {prefix}{i:04}N: Registered Nurse (Adult)").into_bytes(),
            valid_from: None,
            expires_at: None,
        })
        .collect()
}

/// Every credential of `issued` is on-chain, the subject's, and commits to its document with the
/// salt returned.
async fn assert_on_chain(w: &World, requests: &[IssueRequest], issued: &[Issued]) {
    assert_eq!(requests.len(), issued.len());
    let addresses: Vec<Pubkey> = issued.iter().map(address).collect();
    let accounts = w.transport.accounts(&addresses).await.unwrap();
    for ((request, issued), account) in requests.iter().zip(issued).zip(accounts) {
        let address = address(issued);
        let account = account.unwrap_or_else(|| panic!("{} is not on-chain", issued.reference));
        let c: Credential = accounts::decode(&address, &account).unwrap();
        assert_eq!(issued.reference, request.reference);
        assert_eq!(
            address,
            pda::credential(
                &w.council,
                &request.subject,
                &COUNCIL_SECRET.credential_id(&w.council, &request.reference)
            )
            .0
        );
        assert_eq!(
            (c.issuer, c.subject, c.schema),
            (w.council, request.subject, w.licence_schema)
        );
        assert_eq!(
            c.commitment,
            commitment::commit(&salt(issued), &request.document)
        );
        assert_eq!(c.commitment, issued.commitment);
        assert_eq!(c.expires_at, c.valid_from + YEAR);
    }
}

#[tokio::test]
async fn issue_batch_packs_25_and_rerun_skips_all_with_the_same_salts() {
    let w = World::accredited().await;
    let council = w.council();
    let requests = licence_batch(&w, "B", 25);
    let mut progress = Vec::new();
    let first = council
        .issue_batch(&requests, |done| progress.push(done))
        .await
        .unwrap();
    assert_eq!((first.issued, first.skipped), (25, 0));
    assert!(
        first.transactions >= 1 && first.transactions < 25,
        "{first:?}"
    );
    assert!(
        first.issued >= 2 * first.transactions,
        "{} transactions for 25 credentials",
        first.transactions
    );
    assert_eq!(progress.len(), first.transactions);
    assert_eq!(progress.last(), Some(&25));
    assert!(progress.windows(2).all(|p| p[0] < p[1]), "{progress:?}");
    assert!(first.credentials.iter().all(|c| !c.already_existed));
    assert_on_chain(&w, &requests, &first.credentials).await;
    assert_eq!(council.credentials().await.unwrap().len(), 25);
    let distinct: BTreeSet<[u8; 32]> = first.credentials.iter().map(|c| c.salt.0).collect();
    assert_eq!(distinct.len(), 25);

    // The same batch again: nothing sent, everything skipped, the same salts.
    let again = council.issue_batch(&requests, |_| {}).await.unwrap();
    assert_eq!(
        (again.issued, again.skipped, again.transactions),
        (0, 25, 0)
    );
    assert!(again.credentials.iter().all(|c| c.already_existed));
    for (a, b) in first.credentials.iter().zip(&again.credentials) {
        assert_eq!(
            (&a.credential, &a.salt, &a.commitment),
            (&b.credential, &b.salt, &b.commitment)
        );
        assert_eq!(b.salt, council.salt_for(&b.reference).unwrap());
    }
    assert_eq!(council.credentials().await.unwrap().len(), 25);
}

#[tokio::test]
async fn issue_batch_resumes_after_the_first_10() {
    let w = World::accredited().await;
    let council = w.council();
    let requests = licence_batch(&w, "R", 25);
    let head = council.issue_batch(&requests[..10], |_| {}).await.unwrap();
    assert_eq!((head.issued, head.skipped), (10, 0));

    let all = council.issue_batch(&requests, |_| {}).await.unwrap();
    assert_eq!((all.issued, all.skipped), (15, 10));
    assert!(
        all.transactions >= 1 && all.issued >= 2 * all.transactions,
        "{all:?}"
    );
    assert_eq!(all.credentials.len(), 25);
    assert!(all.credentials[..10].iter().all(|c| c.already_existed));
    assert!(all.credentials[10..].iter().all(|c| !c.already_existed));
    for (a, b) in head.credentials.iter().zip(&all.credentials) {
        assert_eq!((&a.credential, &a.salt), (&b.credential, &b.salt));
    }
    assert_on_chain(&w, &requests, &all.credentials).await;
    assert_eq!(council.credentials().await.unwrap().len(), 25);
}

// ---------------------------------------------------------------- getProgramAccounts listings

fn keys<T>(listed: &[(Pubkey, T)]) -> BTreeSet<Pubkey> {
    listed.iter().map(|(k, _)| *k).collect()
}

fn set<const N: usize>(items: [Pubkey; N]) -> BTreeSet<Pubkey> {
    items.into_iter().collect()
}

#[tokio::test]
async fn listings_name_exactly_each_subjects_issuers_and_grantees_accounts() {
    let w = World::accredited().await;
    let t = &w.transport;
    let second_nurse = Keypair::new();
    let second_recruiter = Keypair::new();
    fund(t, &second_nurse.pubkey()).await;
    let (nurse, nurse2) = (w.nurse.pubkey(), second_nurse.pubkey());
    let (recruiter, recruiter2) = (w.recruiter_key.pubkey(), second_recruiter.pubkey());

    let degree1 = address(&w.issue_degree(&nurse, "D-1").await);
    let licence1 = address(&w.issue_licence(&nurse, "L-1").await);
    let degree2 = address(&w.issue_degree(&nurse2, "D-2").await);
    let licence2 = address(&w.issue_licence(&nurse2, "L-2").await);
    let extra_degree1 = address(&w.issue_degree(&nurse, "D-1b").await);

    // Another registry with its own issuer, which must not leak into this one's list.
    let other_admin = Keypair::new();
    let other_authority = Keypair::new();
    fund(t, &other_admin.pubkey()).await;
    fund(t, &other_authority.pubkey()).await;
    let other_registry = RegistryAdmin::new(t, &other_admin, "ng-health");
    assert!(other_registry.create("ng-health").await.unwrap());
    let other_issuer = Issuer::new(t, &other_authority, other_registry.registry, "lagos-nmc");
    assert!(other_issuer
        .register(RegisterIssuerArgs {
            issuer_id: "lagos-nmc".into(),
            name: "Nursing and Midwifery Council of Nigeria".into(),
            uri: String::new(),
            jurisdiction: "NG-LA".into(),
        })
        .await
        .unwrap());

    let now = w.now().await;
    let grant = |id: u64, grantee: Pubkey, credentials: Vec<Pubkey>| GrantRequest {
        grant_id: id,
        grantee,
        credentials: credence_sdk::accounts::account_refs(&credentials),
        purpose: PURPOSE.into(),
        expires_at: now + WEEK,
        max_uses: 0,
        document_key: None,
    };
    let first = Candidate::new(t, &w.nurse);
    let second = Candidate::new(t, &second_nurse);
    let g1 = first
        .grant(grant(1, recruiter, vec![degree1, licence1]))
        .await
        .unwrap();
    let g2 = first
        .grant(grant(2, recruiter2, vec![licence1]))
        .await
        .unwrap();
    let g3 = second
        .grant(grant(1, recruiter, vec![degree2]))
        .await
        .unwrap();

    assert_eq!(
        keys(&accounts::credentials_of_subject(t, &nurse).await.unwrap()),
        set([degree1, licence1, extra_degree1])
    );
    assert_eq!(
        keys(&accounts::credentials_of_subject(t, &nurse2).await.unwrap()),
        set([degree2, licence2])
    );
    assert_eq!(
        keys(
            &accounts::credentials_of_issuer(t, &w.university)
                .await
                .unwrap()
        ),
        set([degree1, degree2, extra_degree1])
    );
    assert_eq!(
        keys(
            &accounts::credentials_of_issuer(t, &w.council)
                .await
                .unwrap()
        ),
        set([licence1, licence2])
    );
    assert_eq!(
        keys(&accounts::grants_of_subject(t, &nurse).await.unwrap()),
        set([g1, g2])
    );
    assert_eq!(
        keys(&accounts::grants_of_subject(t, &nurse2).await.unwrap()),
        set([g3])
    );
    assert_eq!(
        keys(&accounts::grants_to_grantee(t, &recruiter).await.unwrap()),
        set([g1, g3])
    );
    assert_eq!(
        keys(&accounts::grants_to_grantee(t, &recruiter2).await.unwrap()),
        set([g2])
    );
    assert_eq!(
        keys(&accounts::issuers_of_registry(t, &w.registry).await.unwrap()),
        set([w.university, w.council])
    );
    assert_eq!(
        keys(
            &accounts::issuers_of_registry(t, &other_registry.registry)
                .await
                .unwrap()
        ),
        set([other_issuer.issuer])
    );
    // Nobody's: empty lists, not errors.
    let nobody = Keypair::new().pubkey();
    assert!(accounts::credentials_of_subject(t, &nobody)
        .await
        .unwrap()
        .is_empty());
    assert!(accounts::grants_to_grantee(t, &nobody)
        .await
        .unwrap()
        .is_empty());

    // The decoded accounts are the right ones, and the role APIs list the same.
    for (address, c) in accounts::credentials_of_subject(t, &nurse2).await.unwrap() {
        assert_eq!(c.subject, nurse2);
        assert!(address == degree2 || address == licence2);
    }
    for (_, g) in accounts::grants_to_grantee(t, &recruiter).await.unwrap() {
        assert_eq!(g.grantee, recruiter);
    }
    assert_eq!(
        keys(&first.credentials().await.unwrap()),
        set([degree1, licence1, extra_degree1])
    );
    assert_eq!(keys(&first.grants().await.unwrap()), set([g1, g2]));
    assert_eq!(keys(&w.recruiter().grants().await.unwrap()), set([g1, g3]));
    assert_eq!(
        keys(&w.council().credentials().await.unwrap()),
        set([licence1, licence2])
    );
}

// ---------------------------------------------------------------- the audit trail

#[tokio::test]
async fn record_access_of_a_failed_report_records_outcome_failed() {
    let s = Story::new().await;
    let mut request = s.request();
    request.credentials[1].document = Some(SharedDocument {
        salt: s.licence_salt,
        document: b"NMC PIN 19A9999N: Registered Nurse (Adult)".to_vec(),
    });
    let report = s.verify(&request).await;
    assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::Document)]);
    s.w.recruiter()
        .record_access(&s.grant, &report)
        .await
        .unwrap();
    let trail = s.w.candidate().audit_trail().await.unwrap().entries;
    assert_eq!(trail.len(), 1, "{trail:#?}");
    assert_eq!(trail[0].outcome, Outcome::Failed);
    assert_eq!(trail[0].grantee, s.w.recruiter_key.pubkey());
    // Only the credential that passed is recorded (and would be paid for); the licence is not.
    assert_eq!(trail[0].credentials, accounts::account_refs(&[s.degree]));
    assert_eq!(s.w.grant_account(&s.grant).await.uses, 1);
}

#[tokio::test]
async fn audit_trail_lists_newest_first_naming_only_the_credentials_checked() {
    let s = Story::new().await;
    let recruiter = s.w.recruiter();
    // First only the degree, verified; then both, failed on the licence's salt.
    let mut degree_only = s.request();
    degree_only.credentials.truncate(1);
    let report = s.verify(&degree_only).await;
    assert_all_pass(&report, 1);
    let first = recruiter.record_access(&s.grant, &report).await.unwrap();

    let mut both = s.request();
    both.credentials[1].document.as_mut().unwrap().salt = s.degree_salt;
    let report = s.verify(&both).await;
    assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::Document)]);
    let second = recruiter.record_access(&s.grant, &report).await.unwrap();

    let trail = s.w.candidate().audit_trail().await.unwrap().entries;
    let summary: Vec<(u32, Outcome, usize, Signature)> = trail
        .iter()
        .map(|e| (e.use_number, e.outcome, e.credentials.len(), e.signature))
        .collect();
    assert_eq!(
        summary,
        vec![
            // The licence failed: left out of the record.
            (2, Outcome::Failed, 1, second.signature),
            (1, Outcome::Verified, 1, first.signature),
        ]
    );
    assert_eq!(trail[1].credentials, accounts::account_refs(&[s.degree]));
}

// ---------------------------------------------------------------- the transport

#[tokio::test]
async fn repeating_an_identical_action_lands_again() {
    // Suspend, reinstate, suspend: the third transaction has the first one's exact bytes when
    // both are signed on the same blockhash. It is a new request and must land.
    let s = Story::new().await;
    let admin = s.w.admin();
    let mut signatures = BTreeSet::new();
    for (decision, status) in [
        (IssuerDecision::Suspend, IssuerStatus::Suspended),
        (IssuerDecision::Reinstate, IssuerStatus::Accredited),
        (IssuerDecision::Suspend, IssuerStatus::Suspended),
    ] {
        let sent = admin.decide(decision, &s.w.council).await.unwrap();
        assert!(signatures.insert(sent.signature));
        assert_eq!(s.w.council().account().await.unwrap().status, status);
    }
    let report = s.verify(&s.request()).await;
    assert_fails_exactly(&report, &[(Some(&s.licence), CheckKind::IssuerAccredited)]);
}

/// The embedded chain's `getProgramAccounts` serves from its mirror and re-reads only what a
/// transaction named since the last scan, and reads of mirrored accounts are served from it
/// while fresh: every scan and every read still sees each change (a new status, a closed
/// account) and nothing stale.
#[tokio::test]
async fn program_account_scans_see_every_change_since_the_last_scan() {
    let w = World::accredited().await;
    let council = w.council();
    let requests = licence_batch(&w, "M", 3);
    let issued = council.issue_batch(&requests, |_| {}).await.unwrap();
    let target = issued.credentials[0].credential;
    let listed = council.credentials().await.unwrap();
    assert_eq!(listed.len(), 3);
    // A scan with nothing changed since serves the same.
    let again = council.credentials().await.unwrap();
    assert_eq!(
        again.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        listed.iter().map(|(a, _)| *a).collect::<Vec<_>>()
    );

    council
        .change(
            CredentialChange::Revoke {
                reason: REASON_DISCIPLINARY,
            },
            &target,
        )
        .await
        .unwrap();
    // Read directly before the next scan (stale: from the bank) and after it (from the mirror).
    let read: Credential = fetch(&w.transport, &target).await.unwrap();
    assert_eq!(read.status, CredentialStatus::Revoked);
    let listed = council.credentials().await.unwrap();
    let revoked = listed.iter().find(|(a, _)| *a == target).unwrap();
    assert_eq!(revoked.1.status, CredentialStatus::Revoked);
    let read: Credential = fetch(&w.transport, &target).await.unwrap();
    assert_eq!(read.status, CredentialStatus::Revoked);
    assert_eq!(
        listed
            .iter()
            .filter(|(_, c)| c.status == CredentialStatus::Active)
            .count(),
        2
    );

    council.close(&target).await.unwrap();
    assert!(w.transport.account(&target).await.unwrap().is_none());
    let listed = council.credentials().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|(a, _)| *a != target), "closed: gone");
}
