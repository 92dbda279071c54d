//! What a dishonest candidate (or a partner of hers) cannot make a recruiter do through the SDK:
//! pay a fee for a credential that did not verify, pay in a mint he did not name, call a
//! self-accredited listing "verified", or accept a document that does not open its commitment.
//! Every step is a real transaction on the embedded chain.

use credence_sdk::{
    accounts::account_refs,
    commitment::IssuerSecret,
    consent_program::{state::AccessOutcome, UpdateGrantArgs},
    roles::{FeeCap, FeeItem, ListingTerms, PoolQuery},
    token::TokenMint,
    verify::share_from_grant,
};

use super::*;

/// The recruiter's whole balance of the fee token: 1,000.00 (public, like any token account).
const BALANCE: u64 = 1_000_000_000;
/// The university's honest fee per degree: 12.50.
const FEE: u64 = 12_500_000;
const DECIMALS: u8 = 6;
const ROGUE_REGISTRY: &str = "uk-health-workforce-register";
const ROGUE_ISSUER: &str = "unilag-online";
const ROGUE_SCHEMA: &str = "bsc-nursing";
const ROGUE_DOCUMENT: &[u8] = b"BSc Nursing Science, University of Lagos, 2019, First Class";

/// A registry the attacker created, with an issuer it accredited itself (under a borrowed name)
/// and a schema: everything on-chain, nothing the recruiter trusts.
struct Rogue {
    key: Keypair,
    secret: IssuerSecret,
    registry: Pubkey,
    schema: Pubkey,
}

impl Rogue {
    async fn new(w: &World) -> Self {
        let key = Keypair::new();
        fund(&w.transport, &key.pubkey()).await;
        let admin = RegistryAdmin::new(&w.transport, &key, ROGUE_REGISTRY);
        assert!(admin.create(ROGUE_REGISTRY).await.unwrap());
        let rogue = Self {
            registry: admin.registry,
            schema: pda::schema(
                &pda::issuer(&admin.registry, ROGUE_ISSUER).0,
                ROGUE_SCHEMA,
                1,
            )
            .0,
            secret: IssuerSecret::generate(),
            key,
        };
        let issuer = rogue.issuer(w);
        assert!(issuer
            .register(RegisterIssuerArgs {
                issuer_id: ROGUE_ISSUER.into(),
                name: "University of Lagos".into(),
                uri: "https://unilag-online.example/credence".into(),
                jurisdiction: "NG".into(),
            })
            .await
            .unwrap());
        let created = issuer
            .create_schema(CreateSchemaArgs {
                name: ROGUE_SCHEMA.into(),
                version: 1,
                uri: "https://unilag-online.example/bsc-nursing.json".into(),
                schema_hash: [9; 32],
                default_validity_secs: 0,
                suspendable: false,
            })
            .await
            .unwrap();
        assert_eq!(created.schema, rogue.schema);
        RegistryAdmin::at(&w.transport, &rogue.key, rogue.registry)
            .accredit(&issuer.issuer, &rogue.key.pubkey())
            .await
            .unwrap();
        assert_eq!(
            issuer.account().await.unwrap().status,
            IssuerStatus::Accredited
        );
        rogue
    }

    fn issuer<'a>(&'a self, w: &'a World) -> Issuer<'a> {
        Issuer::new(&w.transport, &self.key, self.registry, ROGUE_ISSUER).with_secret(&self.secret)
    }

    /// A rogue credential issued to `subject`.
    async fn issue(&self, w: &World, subject: &Pubkey, reference: &str) -> Pubkey {
        let issued = self
            .issuer(w)
            .issue(&IssueRequest {
                subject: *subject,
                schema: self.schema,
                reference: reference.into(),
                document: ROGUE_DOCUMENT.to_vec(),
                valid_from: None,
                expires_at: None,
            })
            .await
            .unwrap();
        address(&issued)
    }
}

/// A fee token the recruiter holds `BALANCE` of.
async fn stablecoin<'a>(w: &'a World, authority: &'a Keypair) -> TokenMint<'a> {
    fund(&w.transport, &authority.pubkey()).await;
    let token = TokenMint::create(&w.transport, authority, &Keypair::new(), DECIMALS)
        .await
        .unwrap();
    token
        .mint_to(&w.recruiter_key.pubkey(), BALANCE)
        .await
        .unwrap();
    token
}

fn no_change() -> UpdateGrantArgs {
    UpdateGrantArgs {
        expires_at: None,
        max_uses: None,
        purpose: None,
        credentials: None,
        sealed_key: None,
    }
}

/// H-1: a candidate's own registry charges the recruiter's whole balance for a credential she
/// slipped into an approved grant. Verifying against the trusted registry only and recording,
/// with no cap or with a generous one in the right mint, pays the rogue nothing; a cap in another
/// mint is refused before sending; the honest fee is paid only within an explicit cap.
#[tokio::test]
async fn untrusted_fee_credential_is_never_paid() {
    let w = World::accredited().await;
    let nurse = w.nurse.pubkey();
    let recruiter = w.recruiter();
    let degree_issued = w.issue_degree(&nurse, "UNILAG/2019/NUR/0042").await;
    let degree = address(&degree_issued);
    let usdc_authority = Keypair::new();
    let usdc = stablecoin(&w, &usdc_authority).await;
    assert_eq!(recruiter.token_balance(&usdc.mint).await.unwrap(), BALANCE);

    // The rogue sizes its fee to the recruiter's public balance, in his mint.
    let rogue = Rogue::new(&w).await;
    let rogue_treasury = rogue
        .issuer(&w)
        .set_fee(&rogue.schema, &usdc.mint, None, BALANCE)
        .await
        .unwrap();
    let rogue_credential = rogue.issue(&w, &nurse, "ROGUE-0001").await;

    // The nurse grants the recruiter her degree, then adds the rogue credential: only she signs.
    let candidate = w.candidate();
    let grant = candidate
        .grant(GrantRequest {
            grant_id: 1,
            grantee: w.recruiter_key.pubkey(),
            credentials: credence_sdk::accounts::account_refs(&[degree]),
            purpose: PURPOSE.into(),
            expires_at: w.now().await + WEEK,
            max_uses: 0,
            document_key: None,
        })
        .await
        .unwrap();
    candidate
        .update(
            &grant,
            UpdateGrantArgs {
                credentials: Some(account_refs(&[degree, rogue_credential])),
                ..no_change()
            },
        )
        .await
        .unwrap();

    // The recruiter verifies every credential of the grant (as `credence verify` does),
    // trusting only the real registry, with the degree's document.
    let mut shared = share_from_grant(&w.transport, &grant).await.unwrap();
    assert_eq!(shared.len(), 2);
    shared[0].document = Some(SharedDocument {
        salt: salt(&degree_issued),
        document: DEGREE_DOCUMENT.to_vec(),
    });
    let request = VerifyRequest {
        subject: nurse,
        grantee: w.recruiter_key.pubkey(),
        grant,
        credentials: shared,
        cohort_credentials: vec![],
        trusted_registries: vec![w.registry],
    };
    let report = recruiter.verify(&request).await.unwrap();
    assert!(!report.passed());
    assert_eq!(
        check(&report, Some(&rogue_credential), CheckKind::RegistryTrusted).status,
        CheckStatus::Fail
    );
    // Self-accredited: accreditation alone proves nothing.
    assert_eq!(
        check(
            &report,
            Some(&rogue_credential),
            CheckKind::IssuerAccredited
        )
        .status,
        CheckStatus::Pass
    );
    assert!(report.credential_passed_strict(&degree));
    assert!(!report.credential_passed(&rogue_credential));

    // What recording would do: the degree only, nothing due, the rogue credential left out.
    let prepared = recruiter.prepare_access(&grant, &report).await.unwrap();
    assert_eq!(prepared.mask, 0b01);
    assert_eq!(prepared.left_out, vec![rogue_credential]);
    assert_eq!(prepared.outcome, AccessOutcome::Failed);
    assert_eq!((prepared.quote.mint, prepared.quote.total), (None, 0));

    // The documented default path, then a generous cap in the right mint: the rogue gets 0.
    recruiter.record_access(&grant, &report).await.unwrap();
    recruiter
        .record_access_within(
            &grant,
            &report,
            Some(FeeCap {
                mint: usdc.mint,
                max: BALANCE,
            }),
        )
        .await
        .unwrap();
    assert_eq!(recruiter.token_balance(&usdc.mint).await.unwrap(), BALANCE);
    assert_eq!(
        credence_sdk::roles::token_balance(&w.transport, &rogue_treasury)
            .await
            .unwrap(),
        0
    );
    let trail = candidate.audit_trail().await.unwrap().entries;
    assert_eq!(trail.len(), 2, "{trail:#?}");
    for entry in &trail {
        assert_eq!(entry.credentials, account_refs(&[degree]));
        assert_eq!(entry.outcome, Outcome::Failed);
    }

    // A report naming only the rogue credential records nothing and pays nothing.
    let mut rogue_only = request.clone();
    rogue_only
        .credentials
        .retain(|c| c.credential == rogue_credential);
    let rogue_report = recruiter.verify(&rogue_only).await.unwrap();
    let err = recruiter
        .record_access_within(
            &grant,
            &rogue_report,
            Some(FeeCap {
                mint: usdc.mint,
                max: BALANCE,
            }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::NothingVerified { grant: g } if g == grant),
        "{err:?}"
    );

    // The university now charges an honest fee on the degree, in the same token.
    let university_treasury = w
        .university()
        .set_fee(&w.degree_schema, &usdc.mint, None, FEE)
        .await
        .unwrap();
    // With no cap nothing is sent; the error carries the quote, the degree's fee alone.
    let err = recruiter.record_access(&grant, &report).await.unwrap_err();
    let SdkError::FeeCapRequired { mint, total, quote } = &err else {
        panic!("expected FeeCapRequired, got {err:?}");
    };
    assert_eq!((*mint, *total), (usdc.mint, FEE));
    assert_eq!(
        quote.items,
        vec![FeeItem {
            credential: degree,
            schema: w.degree_schema,
            treasury: university_treasury,
            amount: FEE,
        }]
    );
    // A cap in another mint the recruiter also holds is refused before sending.
    let other_authority = Keypair::new();
    let other = stablecoin(&w, &other_authority).await;
    let err = recruiter
        .record_access_within(
            &grant,
            &report,
            Some(FeeCap {
                mint: other.mint,
                max: u64::MAX,
            }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::FeeMintMismatch { cap, quoted } if cap == other.mint && quoted == usdc.mint),
        "{err:?}"
    );
    // So is a cap below the fee.
    let err = recruiter
        .record_access_within(
            &grant,
            &report,
            Some(FeeCap {
                mint: usdc.mint,
                max: FEE - 1,
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::FeeAboveCap { .. }), "{err:?}");
    assert_eq!(recruiter.token_balance(&usdc.mint).await.unwrap(), BALANCE);
    assert_eq!(recruiter.token_balance(&other.mint).await.unwrap(), BALANCE);
    assert_eq!(w.grant_account(&grant).await.uses, 2);

    // Within an explicit cap in the right mint: the degree's fee is paid, the rogue's never.
    recruiter
        .record_access_within(
            &grant,
            &report,
            Some(FeeCap {
                mint: usdc.mint,
                max: 15_000_000,
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        recruiter.token_balance(&usdc.mint).await.unwrap(),
        BALANCE - FEE
    );
    assert_eq!(
        credence_sdk::roles::token_balance(&w.transport, &university_treasury)
            .await
            .unwrap(),
        FEE
    );
    assert_eq!(
        credence_sdk::roles::token_balance(&w.transport, &rogue_treasury)
            .await
            .unwrap(),
        0
    );
    assert_eq!(w.grant_account(&grant).await.uses, 3);
}

/// L-2: a scammer lists itself with a credential from its own registry, where it accredited
/// itself. A verified-only search needs a trust list, and under one the scammer's listing is not
/// verified.
#[tokio::test]
async fn verified_pool_search_requires_a_trust_list() {
    let w = World::accredited().await;
    let rogue = Rogue::new(&w).await;
    let own = rogue.issue(&w, &rogue.key.pubkey(), "ROGUE-SELF").await;
    Candidate::new(&w.transport, &rogue.key)
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB-ENG".into(),
            available_from: 0,
            credentials: credence_sdk::accounts::account_refs(&[own]),
        })
        .await
        .unwrap();
    let degree = w
        .issue_degree(&w.nurse.pubkey(), "UNILAG/2019/NUR/0042")
        .await;
    w.candidate()
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB-ENG".into(),
            available_from: 0,
            credentials: credence_sdk::accounts::account_refs(&[address(&degree)]),
        })
        .await
        .unwrap();
    let recruiter = w.recruiter();
    let query = PoolQuery {
        occupation: Some("2221".into()),
        verified_only: true,
        trusted_registries: vec![],
        ..PoolQuery::default()
    };

    let err = recruiter.search(&query).await.unwrap_err();
    assert!(
        matches!(err, SdkError::TrustedRegistriesRequired),
        "{err:?}"
    );
    assert!(err.to_string().contains("trusted registry"), "{err}");

    // Trusting the real registry: the nurse only.
    let found = recruiter
        .search(&PoolQuery {
            trusted_registries: vec![w.registry],
            ..query.clone()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].subject, w.nurse.pubkey());
    assert!(found[0].verified);

    // Without --verified both are listed, neither labelled verified.
    let all = recruiter
        .search(&PoolQuery {
            verified_only: false,
            ..query.clone()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|m| !m.verified));
}

/// L-4: the candidate seals a doctored document to the recruiter. It decrypts, but does not open
/// the credential's commitment, so `open_document` refuses it; so it does a wrong salt, a
/// credential outside the grant, and a grant whose uses are used up.
#[tokio::test]
async fn doctored_sealed_document_is_refused_by_open_document() {
    let s = Story::new().await;
    let recruiter = s.w.recruiter();
    // The genuine document opens with its salt.
    assert_eq!(
        recruiter
            .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.degree_salt)
            .await
            .unwrap(),
        DEGREE_DOCUMENT
    );
    // The wrong salt: refused.
    let err = recruiter
        .open_document(&s.grant, &s.degree, &s.sealed_degree, &s.licence_salt)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::DocumentMismatch { credential } if credential == s.degree),
        "{err:?}"
    );
    // A credential the grant does not cover: refused.
    let extra = address(
        &s.w.issue_degree(&s.w.nurse.pubkey(), "UNILAG/2021/MSC/0007")
            .await,
    );
    let err = recruiter
        .open_document(&s.grant, &extra, &s.sealed_degree, &s.degree_salt)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::CredentialNotInGrant { credential, .. } if credential == extra),
        "{err:?}"
    );

    // She seals a doctored degree under a new key and puts that key in the grant.
    let doctored: &[u8] =
        b"BSc Nursing Science, University of Lagos, 2019, First Class Honours, ICU specialist";
    let (sealed_doctored, key) = sealing::seal_document(doctored);
    let sealed_key = sealing::seal_key_to(&s.w.recruiter_key.pubkey(), &key).unwrap();
    s.w.candidate()
        .update(
            &s.grant,
            UpdateGrantArgs {
                sealed_key: Some(sealed_key),
                ..no_change()
            },
        )
        .await
        .unwrap();
    // It decrypts with the grant's key, but the bytes never reach the recruiter.
    assert_eq!(
        sealing::open_document(
            &sealed_doctored,
            &sealing::open_sealed_key(
                &s.w.recruiter_key,
                &s.w.grant_account(&s.grant).await.sealed_key
            )
            .unwrap()
        )
        .unwrap(),
        doctored
    );
    let err = recruiter
        .open_document(&s.grant, &s.degree, &sealed_doctored, &s.degree_salt)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::DocumentMismatch { credential } if credential == s.degree),
        "{err:?}"
    );

    // A one-use grant: once the use is recorded, the document is no longer shared.
    let (sealed, key) = sealing::seal_document(DEGREE_DOCUMENT);
    let once =
        s.w.candidate()
            .grant(GrantRequest {
                grant_id: 2,
                grantee: s.w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&[s.degree]),
                purpose: PURPOSE.into(),
                expires_at: s.w.now().await + WEEK,
                max_uses: 1,
                document_key: Some(key),
            })
            .await
            .unwrap();
    assert_eq!(
        recruiter
            .open_document(&once, &s.degree, &sealed, &s.degree_salt)
            .await
            .unwrap(),
        DEGREE_DOCUMENT
    );
    let mut request = s.request();
    request.grant = once;
    request.credentials.truncate(1);
    let report = s.verify(&request).await;
    assert!(report.passed_strict(), "{report:#?}");
    recruiter.record_access(&once, &report).await.unwrap();
    let err = recruiter
        .open_document(&once, &s.degree, &sealed, &s.degree_salt)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            SdkError::GrantNotInForce {
                why: credence_sdk::verify::GrantProblem::UsedUp { max_uses: 1 },
                ..
            }
        ),
        "{err:?}"
    );
}

/// L-4: a report with a document left unchecked passes no check's failure, yet proves nothing
/// about the document: it is recorded as failed, and only a report with every document checked
/// is recorded as verified.
#[tokio::test]
async fn unchecked_document_is_recorded_as_failed_not_verified() {
    let s = Story::new().await;
    let recruiter = s.w.recruiter();
    let mut request = s.request();
    request.credentials[0].document = None;
    let report = s.verify(&request).await;
    assert!(report.passed() && !report.passed_strict());
    assert_eq!(report.not_checked().len(), 1);
    let prepared = recruiter.prepare_access(&s.grant, &report).await.unwrap();
    assert_eq!(
        (prepared.mask, prepared.outcome),
        (0b11, AccessOutcome::Failed)
    );
    let first = recruiter.send_access(&prepared, None).await.unwrap();

    let report = s.verify(&s.request()).await;
    assert!(report.passed_strict());
    let second = recruiter.record_access(&s.grant, &report).await.unwrap();

    let trail = s.w.candidate().audit_trail().await.unwrap().entries;
    let outcomes: Vec<(Signature, Outcome)> =
        trail.iter().map(|e| (e.signature, e.outcome)).collect();
    assert_eq!(
        outcomes,
        vec![
            (second.signature, Outcome::Verified),
            (first.signature, Outcome::Failed),
        ]
    );
}
