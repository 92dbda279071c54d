//! Consent over cohort leaves: grants, listings and requests name a leaf as
//! `CredentialRef::CohortLeaf`; the consent program checks the cohort's owner, type and the
//! index on-chain, and `record_access` reads the leaf's status page to charge a fee only for a
//! leaf in force.

use credence_consent::{
    error::ConsentError,
    events::{AccessRecorded, FeePaid},
    state::{AccessOutcome, AccessRequest, CredentialRef},
    ApproveRequestArgs, CreateListingArgs, CreateRequestArgs,
};
use credence_registry::{constants::REASON_DISCIPLINARY, IssueCohortArgs};
use credence_sdk::{
    ix::{
        consent::{self as cix, Accessed, FeePayment},
        registry::{self as rix, LeafChange},
    },
    pda,
    pool::code,
};
use credence_tests::{
    assert_error, token_balance, FeeSetup, Outcome, Scenario, Stage, FEE, WEEK, YEAR,
};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const CONSENT: Pubkey = credence_consent::ID;
/// Leaves of the test cohort.
const LEAVES: u32 = 10_000;

/// A scenario at `stage` with a cohort of [`LEAVES`] leaves issued under its schema.
async fn with_cohort(stage: Stage) -> (Scenario, Pubkey) {
    let mut s = Scenario::build(stage).await;
    let now = s.chain.now().await;
    let args = IssueCohortArgs {
        cohort_id: [31; 32],
        merkle_root: [5; 32],
        leaf_count: LEAVES,
        depth: 14,
        valid_from: now,
        expires_at: now + YEAR,
    };
    let key = s.issuer_authority.insecure_clone();
    let ix = rix::issue_cohort(&s.authority_signer(), &key.pubkey(), &s.schema, args);
    s.chain.send_ok(&[ix], &[&key]).await;
    let cohort = pda::cohort(&s.issuer, &[31; 32]).0;
    (s, cohort)
}

fn leaf(cohort: Pubkey, index: u32) -> CredentialRef {
    CredentialRef::CohortLeaf { cohort, index }
}

/// The subject grants the recruiter `credentials` under grant id 7.
async fn grant(s: &mut Scenario, credentials: Vec<CredentialRef>) -> (Outcome, Pubkey) {
    let mut args = s.grant_args(7, vec![]).await;
    args.credentials = credentials;
    let subject = s.subject.insecure_clone();
    let ix = cix::create_grant(&subject.pubkey(), args);
    let out = s.chain.send(&[ix], &[&subject]).await;
    (
        out,
        pda::grant(&subject.pubkey(), &s.recruiter.pubkey(), 7).0,
    )
}

async fn revoke_leaf(s: &mut Scenario, cohort: &Pubkey, index: u32) {
    let key = s.issuer_authority.insecure_clone();
    let ix = rix::change_cohort_leaf(
        LeafChange::Revoke,
        &s.authority_signer(),
        &key.pubkey(),
        &s.schema,
        cohort,
        index,
        REASON_DISCIPLINARY,
    );
    s.chain.send_ok(&[ix], &[&key]).await;
}

/// The recruiter records an access over every credential of the grant (`mask`), paying from
/// `fees` within `FEE * 4`.
async fn record(
    s: &mut Scenario,
    grant: &Pubkey,
    mask: u16,
    accessed: &[Accessed],
    fees: &FeeSetup,
) -> Outcome {
    let recruiter = s.recruiter.insecure_clone();
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        grant,
        mask,
        AccessOutcome::Verified,
        accessed,
        Some(FeePayment {
            payer: fees.payer,
            mint: fees.token.mint,
            max_fee: 4 * FEE,
        }),
    );
    s.chain.send(&[ix], &[&recruiter]).await
}

fn accessed_leaf(s: &Scenario, cohort: Pubkey, index: u32, fees: &FeeSetup) -> Accessed {
    Accessed {
        credential: leaf(cohort, index),
        schema: s.schema,
        issuer: s.issuer,
        treasury: Some(fees.treasury),
    }
}

#[tokio::test]
async fn a_grant_over_a_cohort_leaf_and_a_credential_pays_both_fees_until_the_leaf_is_revoked() {
    let (mut s, cohort) = with_cohort(Stage::Credential).await;
    let fees = s.with_fee(10 * FEE).await;
    let credential = CredentialRef::Account {
        address: s.credential,
    };
    let (out, grant) = grant(&mut s, vec![leaf(cohort, 42), credential]).await;
    out.expect_ok();
    let accessed = [
        accessed_leaf(&s, cohort, 42, &fees),
        Accessed {
            credential,
            schema: s.schema,
            issuer: s.issuer,
            treasury: Some(fees.treasury),
        },
    ];
    let out = record(&mut s, &grant, 0b11, &accessed, &fees).await;
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(recorded[0].credentials, vec![leaf(cohort, 42), credential]);
    assert_eq!(recorded[0].fees_paid, 2 * FEE);
    let paid: Vec<FeePaid> = out.events(&CONSENT);
    assert_eq!(
        paid.iter().map(|p| p.credential).collect::<Vec<_>>(),
        vec![cohort, s.credential],
        "a leaf's fee names its cohort"
    );
    assert_eq!(token_balance(&mut s.chain, &fees.treasury).await, 2 * FEE);
    // The leaf revoked: the access is still recorded, its fee no longer charged.
    revoke_leaf(&mut s, &cohort, 42).await;
    let out = record(&mut s, &grant, 0b11, &accessed, &fees).await;
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(recorded[0].fees_paid, FEE);
    assert_eq!(token_balance(&mut s.chain, &fees.treasury).await, 3 * FEE);
}

#[tokio::test]
async fn record_access_charges_no_fee_for_a_leaf_of_an_expired_cohort() {
    let (mut s, cohort) = with_cohort(Stage::Schema).await;
    let fees = s.with_fee(10 * FEE).await;
    // Past the cohort's year, a grant made now is in force; the leaf is not.
    s.chain.advance_time(YEAR + 1).await;
    let (out, grant) = grant(&mut s, vec![leaf(cohort, 1)]).await;
    out.expect_ok();
    let accessed = [accessed_leaf(&s, cohort, 1, &fees)];
    let out = record(&mut s, &grant, 0b1, &accessed, &fees).await;
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(recorded[0].fees_paid, 0);
    assert_eq!(token_balance(&mut s.chain, &fees.treasury).await, 0);
}

#[tokio::test]
async fn record_access_refuses_a_status_page_that_is_not_the_leafs() {
    let (mut s, cohort) = with_cohort(Stage::Schema).await;
    let fees = s.with_fee(10 * FEE).await;
    let (out, grant) = grant(&mut s, vec![leaf(cohort, 1)]).await;
    out.expect_ok();
    // The page of leaf 5,000 (created, and another page) passed for leaf 1's.
    revoke_leaf(&mut s, &cohort, 5_000).await;
    let recruiter = s.recruiter.insecure_clone();
    let mut ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        0b1,
        AccessOutcome::Verified,
        &[accessed_leaf(&s, cohort, 1, &fees)],
        Some(FeePayment {
            payer: fees.payer,
            mint: fees.token.mint,
            max_fee: FEE,
        }),
    );
    let right = pda::cohort_status(&cohort, 1).0;
    let slot = ix.accounts.iter().position(|a| a.pubkey == right).unwrap();
    ix.accounts[slot].pubkey = pda::cohort_status(&cohort, 5_000).0;
    assert_error(
        &s.chain.send(&[ix], &[&recruiter]).await,
        ConsentError::StatusPageMismatch,
    );
    assert_eq!(token_balance(&mut s.chain, &fees.treasury).await, 0);
}

#[tokio::test]
async fn a_grant_refuses_a_leaf_beyond_the_cohort_or_an_account_that_is_not_a_cohort() {
    let (mut s, cohort) = with_cohort(Stage::Credential).await;
    let (out, _) = grant(&mut s, vec![leaf(cohort, LEAVES)]).await;
    assert_error(&out, ConsentError::CohortLeafOutOfRange);
    // A registry account of another type: the candidate's credential named as a cohort.
    let credential = s.credential;
    let (out, _) = grant(&mut s, vec![leaf(credential, 0)]).await;
    assert_error(&out, ConsentError::NotACohort);
    // An account the registry does not own.
    let wallet = s.subject.pubkey();
    let (out, _) = grant(&mut s, vec![leaf(wallet, 0)]).await;
    assert_error(&out, ConsentError::CohortNotOwnedByRegistry);
    // The reference names one cohort, the account passed is another.
    let mut args = s.grant_args(7, vec![]).await;
    args.credentials = vec![leaf(cohort, 1)];
    let subject = s.subject.insecure_clone();
    let mut ix = cix::create_grant(&subject.pubkey(), args);
    ix.accounts.last_mut().unwrap().pubkey = credential;
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::CredentialAccountsMismatch,
    );
    // The same leaf twice.
    let (out, _) = grant(&mut s, vec![leaf(cohort, 1), leaf(cohort, 1)]).await;
    assert_error(&out, ConsentError::DuplicateCredential);
    // Two leaves of one cohort are two credentials.
    let (out, _) = grant(&mut s, vec![leaf(cohort, 1), leaf(cohort, 2)]).await;
    out.expect_ok();
}

#[tokio::test]
async fn a_listing_and_an_approved_request_accept_cohort_leaves() {
    let (mut s, cohort) = with_cohort(Stage::Credential).await;
    let subject = s.subject.insecure_clone();
    let listing = CreateListingArgs {
        occupation: code("2221").unwrap(),
        region: code("GB-ENG").unwrap(),
        available_from: 1_800_000_000,
        credentials: vec![leaf(cohort, 9)],
    };
    let ix = cix::create_listing(&subject.pubkey(), listing);
    s.chain.send_ok(&[ix], &[&subject]).await;
    // The recruiter asks for the pool candidate's leaf; she approves.
    let recruiter = s.recruiter.insecure_clone();
    let ask = CreateRequestArgs {
        request_id: 1,
        subject: subject.pubkey(),
        credentials: vec![leaf(cohort, 9)],
        schemas: vec![],
        purpose: "Recruitment: ICU nurse".into(),
        duration_secs: WEEK,
        max_uses: 3,
        recipient_key: [9; 32],
    };
    let ix = cix::create_request(&recruiter.pubkey(), ask);
    s.chain.send_ok(&[ix], &[&recruiter]).await;
    let request = pda::request(&subject.pubkey(), &recruiter.pubkey(), 1).0;
    let terms: AccessRequest = s.chain.account(&request).await.unwrap();
    let approve = |credentials: Vec<CredentialRef>| {
        cix::approve_request(
            &subject.pubkey(),
            &recruiter.pubkey(),
            &request,
            ApproveRequestArgs {
                grant_id: 3,
                credentials,
                sealed_key: vec![],
                terms_hash: terms.terms_hash(),
            },
        )
    };
    // A leaf she was not asked for is refused; the one asked for is granted.
    assert_error(
        &s.chain
            .send(&[approve(vec![leaf(cohort, 10)])], &[&subject])
            .await,
        ConsentError::NotRequested,
    );
    s.chain
        .send_ok(&[approve(vec![leaf(cohort, 9)])], &[&subject])
        .await;
    let grant: credence_consent::state::Grant = s
        .chain
        .account(&pda::grant(&subject.pubkey(), &recruiter.pubkey(), 3).0)
        .await
        .unwrap();
    assert_eq!(grant.credentials, vec![leaf(cohort, 9)]);
}
