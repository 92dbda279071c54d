//! The talent pool and fees through the SDK's roles: list, search, request, approve, verify,
//! pay, and what the pool's accounts reveal (nothing personal).

use credence_sdk::{
    consent_program::state::{AccessRequest, Listing},
    roles::{format_amount, FeeCap, ListingTerms, PoolQuery, RequestTerms, Treasury},
    token::TokenMint,
};

use super::*;

const FEE: u64 = 12_500_000;
const DECIMALS: u8 = 6;

/// The accredited world with a degree and a licence issued to the nurse, her listing in the
/// pool, and a fee on the degree schema in a test stablecoin held by the recruiter.
struct Pool {
    w: World,
    degree: Issued,
    licence: Issued,
    mint: Pubkey,
    mint_authority: Keypair,
}

impl Pool {
    async fn new() -> Self {
        let w = World::accredited().await;
        let nurse = w.nurse.pubkey();
        let degree = w.issue_degree(&nurse, "UNILAG/2019/NUR/0042").await;
        let licence = w.issue_licence(&nurse, "19A1234N").await;
        let now = w.now().await;
        w.candidate()
            .list(ListingTerms {
                occupation: "2221".into(),
                region: "gb-eng".into(),
                available_from: now + 30 * DAY,
                credentials: credence_sdk::accounts::account_refs(&[
                    address(&degree),
                    address(&licence),
                ]),
            })
            .await
            .unwrap();
        let mint_authority = Keypair::new();
        fund(&w.transport, &mint_authority.pubkey()).await;
        let mint_key = Keypair::new();
        let token = TokenMint::create(&w.transport, &mint_authority, &mint_key, DECIMALS)
            .await
            .unwrap();
        token
            .mint_to(&w.recruiter_key.pubkey(), 10 * FEE)
            .await
            .unwrap();
        w.university()
            .set_fee(&w.degree_schema, &token.mint, None, FEE)
            .await
            .unwrap();
        Self {
            mint: token.mint,
            w,
            degree,
            licence,
            mint_authority,
        }
    }

    fn shared(
        &self,
        issued: &Issued,
        issuer: Pubkey,
        schema: Pubkey,
        doc: &[u8],
    ) -> SharedCredential {
        SharedCredential {
            credential: address(issued),
            issuer,
            schema,
            registry: self.w.registry,
            document: Some(SharedDocument {
                salt: salt(issued),
                document: doc.to_vec(),
            }),
        }
    }
}

#[tokio::test]
async fn pool_search_request_approve_verify_and_pay() {
    let p = Pool::new().await;
    let w = &p.w;
    let recruiter = w.recruiter();
    let now = w.now().await;

    // Search by occupation group and region prefix, available within two months, verified.
    let query = PoolQuery {
        occupation: Some("222".into()),
        region: Some("GB".into()),
        available_by: Some(now + 60 * DAY),
        verified_only: true,
        trusted_registries: vec![w.registry],
    };
    let found = recruiter.search(&query).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let hit = &found[0];
    assert_eq!(hit.subject, w.nurse.pubkey());
    assert_eq!(
        (hit.occupation.as_str(), hit.region.as_str()),
        ("2221", "GB-ENG")
    );
    assert!(hit.verified && hit.failures.is_empty());
    // Filters that exclude her.
    for miss in [
        PoolQuery {
            occupation: Some("2211".into()),
            ..query.clone()
        },
        PoolQuery {
            region: Some("NG".into()),
            ..query.clone()
        },
        PoolQuery {
            available_by: Some(now + DAY),
            ..query.clone()
        },
        PoolQuery {
            trusted_registries: vec![Pubkey::new_unique()],
            ..query.clone()
        },
    ] {
        assert!(
            recruiter.search(&miss).await.unwrap().is_empty(),
            "{miss:?}"
        );
    }

    // The recruiter asks for both credentials named in the listing.
    let subject: Pubkey = hit.subject;
    let credentials: Vec<Pubkey> = hit
        .credentials
        .iter()
        .map(|c| accounts::account_address(c).unwrap())
        .collect();
    let request = recruiter
        .request_access(RequestTerms {
            request_id: 1,
            subject,
            credentials: credence_sdk::accounts::account_refs(&credentials),
            schemas: vec![],
            purpose: PURPOSE.into(),
            duration_secs: WEEK,
            max_uses: 0,
        })
        .await
        .unwrap();
    assert_eq!(recruiter.requests().await.unwrap().len(), 1);

    // The nurse sees it and approves, sealing the degree's key to the recruiter.
    let candidate = w.candidate();
    let waiting = candidate.requests().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].0, request);
    let (sealed, key) = sealing::seal_document(DEGREE_DOCUMENT);
    let grant = candidate
        .approve(&request, &waiting[0].1, 1, None, Some(&key))
        .await
        .unwrap();
    assert!(candidate.requests().await.unwrap().is_empty());
    assert!(w.transport.account(&request).await.unwrap().is_none());

    // Verification under the approved grant, and the sealed degree opens.
    let verify_request = VerifyRequest {
        subject,
        grantee: w.recruiter_key.pubkey(),
        grant,
        credentials: vec![
            p.shared(&p.degree, w.university, w.degree_schema, DEGREE_DOCUMENT),
            p.shared(&p.licence, w.council, w.licence_schema, LICENCE_DOCUMENT),
        ],
        cohort_credentials: vec![],
        trusted_registries: vec![w.registry],
    };
    let report = recruiter.verify(&verify_request).await.unwrap();
    assert!(report.passed(), "{:?}", report.failures());
    assert_eq!(
        recruiter
            .open_document(&grant, &address(&p.degree), &sealed, &salt(&p.degree))
            .await
            .unwrap(),
        DEGREE_DOCUMENT
    );

    // The quote names the degree's fee only; paying it moves exactly that.
    let grant_account = w.grant_account(&grant).await;
    let quote = recruiter.quote(&grant_account, 0b11).await.unwrap();
    assert_eq!((quote.total, quote.items.len()), (FEE, 1));
    assert_eq!(format_amount(quote.total, quote.decimals), "12.500000");
    let university = w.university();
    let Treasury {
        address: treasury,
        balance: before,
    } = university
        .treasury(&w.degree_schema)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before, 0);
    assert_eq!(
        treasury,
        pda::token_account(&w.university_key.pubkey(), &p.mint)
    );
    let recruiter_before = recruiter.token_balance(&p.mint).await.unwrap();
    let nurse_lamports = w.transport.balance(&w.nurse.pubkey()).await.unwrap();
    let cap = |max| FeeCap { mint: p.mint, max };
    recruiter
        .record_access_within(&grant, &report, Some(cap(FEE)))
        .await
        .unwrap();
    assert_eq!(
        university
            .treasury(&w.degree_schema)
            .await
            .unwrap()
            .unwrap()
            .balance,
        FEE
    );
    assert_eq!(
        recruiter.token_balance(&p.mint).await.unwrap(),
        recruiter_before - FEE
    );
    assert_eq!(
        w.transport.balance(&w.nurse.pubkey()).await.unwrap(),
        nurse_lamports,
        "the candidate never pays"
    );
    let trail = candidate.audit_trail().await.unwrap().entries;
    assert_eq!(trail.len(), 1);

    // A stated maximum below the fee is refused before sending, and nothing moves.
    let err = recruiter
        .record_access_within(&grant, &report, Some(cap(FEE - 1)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::FeeAboveCap { total: FEE, max, .. } if max == FEE - 1),
        "{err:?}"
    );
    assert_eq!(
        university
            .treasury(&w.degree_schema)
            .await
            .unwrap()
            .unwrap()
            .balance,
        FEE
    );

    // The issuer removes the fee: the next access is free.
    university.clear_fee(&w.degree_schema).await.unwrap();
    assert!(university
        .treasury(&w.degree_schema)
        .await
        .unwrap()
        .is_none());
    recruiter.record_access(&grant, &report).await.unwrap();
    assert_eq!(
        recruiter.token_balance(&p.mint).await.unwrap(),
        recruiter_before - FEE
    );
    let _ = &p.mint_authority;
}

#[tokio::test]
async fn search_leaves_out_listings_whose_credentials_no_longer_verify() {
    let p = Pool::new().await;
    let w = &p.w;
    let recruiter = w.recruiter();
    let query = PoolQuery {
        occupation: Some("2221".into()),
        verified_only: true,
        trusted_registries: vec![w.registry],
        ..PoolQuery::default()
    };
    assert_eq!(recruiter.search(&query).await.unwrap().len(), 1);
    w.council()
        .change(
            CredentialChange::Revoke {
                reason: REASON_DISCIPLINARY,
            },
            &address(&p.licence),
        )
        .await
        .unwrap();
    assert!(recruiter.search(&query).await.unwrap().is_empty());
    let all = recruiter
        .search(&PoolQuery {
            verified_only: false,
            ..query.clone()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert!(!all[0].verified);
    // Unverified search does not check: no failures are listed.
    assert!(all[0].failures.is_empty());
}

#[tokio::test]
async fn declined_and_withdrawn_requests_and_unlisting() {
    let p = Pool::new().await;
    let w = &p.w;
    let recruiter = w.recruiter();
    let candidate = w.candidate();
    let terms = |id| RequestTerms {
        request_id: id,
        subject: w.nurse.pubkey(),
        credentials: credence_sdk::accounts::account_refs(&[]),
        schemas: vec![w.licence_schema],
        purpose: PURPOSE.into(),
        duration_secs: WEEK,
        max_uses: 1,
    };
    let first = recruiter.request_access(terms(1)).await.unwrap();
    let second = recruiter.request_access(terms(2)).await.unwrap();
    // A request by schema needs her choice of credentials.
    let first_read: AccessRequest = accounts::fetch(&w.transport, &first).await.unwrap();
    let err = candidate
        .approve(&first, &first_read, 1, None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::CredentialsRequired { request } if *request == first),
        "{err:?}"
    );
    assert!(err.to_string().contains("choose the credentials"), "{err}");
    candidate.decline(&first).await.unwrap();
    recruiter.withdraw(&second).await.unwrap();
    assert!(recruiter.requests().await.unwrap().is_empty());
    // A listing comes out of the pool at her word.
    assert!(candidate.listing().await.unwrap().is_some());
    candidate.unlist().await.unwrap();
    assert!(candidate.listing().await.unwrap().is_none());
    assert!(recruiter
        .search(&PoolQuery::default())
        .await
        .unwrap()
        .is_empty());
    let err = candidate
        .update_listing(Some("2221"), None, None, None)
        .await
        .unwrap_err();
    assert_program_error(
        &err,
        ProgramErrorCode {
            program: Some(credence_sdk::consent_program::ID),
            code: anchor_lang::error::ErrorCode::AccountNotInitialized.into(),
        },
        "AccountNotInitialized",
    );
    // Codes are checked before anything is sent.
    let err = candidate
        .list(ListingTerms {
            occupation: "nurse practitioner".into(),
            region: "GB".into(),
            available_from: 0,
            credentials: credence_sdk::accounts::account_refs(&[address(&p.degree)]),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::BadCode { text } if text == "nurse practitioner"),
        "{err:?}"
    );
    assert!(err.to_string().contains("1 to 8 characters"), "{err}");
}

/// The listing and the request hold no name, no licence number, no document text: nothing of
/// the candidate's that the documents carry.
#[tokio::test]
async fn pool_accounts_hold_nothing_personal() {
    let p = Pool::new().await;
    let w = &p.w;
    let request = w
        .recruiter()
        .request_access(RequestTerms {
            request_id: 1,
            subject: w.nurse.pubkey(),
            credentials: credence_sdk::accounts::account_refs(&[
                address(&p.degree),
                address(&p.licence),
            ]),
            schemas: vec![w.degree_schema],
            purpose: PURPOSE.into(),
            duration_secs: WEEK,
            max_uses: 0,
        })
        .await
        .unwrap();
    let listing = pda::listing(&w.nurse.pubkey()).0;
    let _: Listing = fetch(&w.transport, &listing).await.unwrap();
    let _: AccessRequest = fetch(&w.transport, &request).await.unwrap();
    let personal: Vec<&[u8]> = vec![
        DEGREE_DOCUMENT,
        LICENCE_DOCUMENT,
        b"19A1234N",
        b"UNILAG/2019/NUR/0042",
        b"Lagos",
        b"Registered Nurse",
        b"BSc Nursing",
        b"PIN",
        // The CLI demo's own strings, too.
        b"Amina Okafor",
        b"19K0042N",
    ];
    for address in [listing, request] {
        let data = w.transport.account(&address).await.unwrap().unwrap().data;
        for needle in &personal {
            assert!(
                !data.windows(needle.len()).any(|window| window == *needle),
                "{address} holds {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        // Nor the salted commitments' salts, which would let anyone test guesses of a document.
        for issued in [&p.degree, &p.licence] {
            let salt = issued.salt.0;
            assert!(!data.windows(32).any(|window| window == salt.as_slice()));
        }
    }
}

/// A listing of 16 credentials is within the program's limit but not a packet's: the SDK refuses
/// it before sending, on the embedded chain as a cluster would, and says what to do.
#[tokio::test]
async fn a_transaction_over_a_packet_is_refused_before_sending() {
    let w = World::accredited().await;
    let nurse = w.nurse.pubkey();
    let mut credentials = Vec::new();
    for i in 0..16 {
        credentials.push(address(&w.issue_licence(&nurse, &format!("RN-{i}")).await));
    }
    let err = w
        .candidate()
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB".into(),
            available_from: 0,
            credentials: credence_sdk::accounts::account_refs(&credentials),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::TransactionTooLarge { bytes, limit: 1232 } if bytes > 1232),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(w.candidate().listing().await.unwrap().is_none());
    // Fourteen fit.
    w.candidate()
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB".into(),
            available_from: 0,
            credentials: credence_sdk::accounts::account_refs(&credentials[..14]),
        })
        .await
        .unwrap();
}
