//! The talent pool: listings (create, update, close) and access requests (create, approve,
//! decline, withdraw), each with its success path and every refusal, plus a privacy check.

use anchor_lang::{error::ErrorCode as AnchorError, Space};
use credence_consent::{
    constants::*,
    error::ConsentError,
    events::*,
    state::{AccessRequest, CredentialRef, Grant, Listing},
    ApproveRequestArgs, CreateListingArgs, CreateRequestArgs, UpdateListingArgs,
};
use credence_sdk::{ix::consent as cix, pda, roles::code};
use credence_tests::{assert_error, Outcome, Scenario, Stage, WEEK};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const CONSENT: Pubkey = credence_consent::ID;

fn account_ref(address: Pubkey) -> CredentialRef {
    CredentialRef::Account { address }
}

fn listing_args(credentials: Vec<Pubkey>) -> CreateListingArgs {
    CreateListingArgs {
        occupation: code("2221").unwrap(),
        region: code("GB-ENG").unwrap(),
        available_from: 1_800_000_000,
        credentials: credentials.into_iter().map(account_ref).collect(),
    }
}

async fn list(s: &mut Scenario, signer: &Keypair, args: CreateListingArgs) -> Outcome {
    let ix = cix::create_listing(&signer.pubkey(), args);
    s.chain.send(&[ix], &[signer]).await
}

fn request_args(s: &Scenario, request_id: u64) -> CreateRequestArgs {
    CreateRequestArgs {
        request_id,
        subject: s.subject.pubkey(),
        credentials: vec![account_ref(s.credential)],
        schemas: vec![],
        purpose: "Recruitment: ICU nurse".into(),
        duration_secs: WEEK,
        max_uses: 3,
        recipient_key: [9; 32],
    }
}

async fn request(s: &mut Scenario, args: CreateRequestArgs) -> Outcome {
    let recruiter = s.recruiter.insecure_clone();
    let ix = cix::create_request(&recruiter.pubkey(), args);
    s.chain.send(&[ix], &[&recruiter]).await
}

/// Approval of request 1 on the terms it holds now (zeros if there is none).
async fn approve_args(s: &mut Scenario, grant_id: u64) -> ApproveRequestArgs {
    let address = pda::request(&s.subject.pubkey(), &s.recruiter.pubkey(), 1).0;
    let terms_hash = s
        .chain
        .account::<AccessRequest>(&address)
        .await
        .map_or([0; 32], |request| request.terms_hash());
    ApproveRequestArgs {
        grant_id,
        credentials: vec![account_ref(s.credential)],
        sealed_key: vec![],
        terms_hash,
    }
}

// ---------------------------------------------------------------- listings

#[tokio::test]
async fn create_listing_ok_at_fixed_offsets() {
    let mut s = Scenario::build(Stage::Credential).await;
    let credential = s.credential;
    let subject = s.subject.insecure_clone();
    let out = list(&mut s, &subject, listing_args(vec![credential])).await;
    assert!(out.result.is_ok(), "{}", out.logs.join("\n"));
    let address = pda::listing(&subject.pubkey()).0;
    let listing: Listing = s.chain.account(&address).await.unwrap();
    assert_eq!(listing.subject, subject.pubkey());
    assert_eq!(listing.credentials, vec![account_ref(s.credential)]);
    assert_eq!(listing.available_from, 1_800_000_000);
    let data = s.chain.raw_account(&address).await.unwrap().data;
    assert_eq!(data.len(), 8 + Listing::INIT_SPACE);
    assert_eq!(
        &data[LISTING_SUBJECT_OFFSET..LISTING_SUBJECT_OFFSET + 32],
        subject.pubkey().as_ref()
    );
    assert_eq!(
        &data[LISTING_OCCUPATION_OFFSET..LISTING_OCCUPATION_OFFSET + 8],
        b"2221\0\0\0\0"
    );
    assert_eq!(
        &data[LISTING_REGION_OFFSET..LISTING_REGION_OFFSET + 8],
        b"GB-ENG\0\0"
    );
    let events: Vec<ListingCreated> = out.events(&CONSENT);
    assert_eq!((events[0].listing, events[0].credentials), (address, 1));
}

#[tokio::test]
async fn create_listing_refusals() {
    let mut s = Scenario::build(Stage::Credential).await;
    let credential = s.credential;
    let subject = s.subject.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let mut cases: Vec<(CreateListingArgs, Vec<Pubkey>, u32)> = Vec::new();
    let mut lower = listing_args(vec![s.credential]);
    lower.occupation = *b"nurse\0\0\0";
    cases.push((lower, vec![], ConsentError::InvalidCode.into()));
    let mut empty = listing_args(vec![s.credential]);
    empty.region = [0; 8];
    cases.push((empty, vec![], ConsentError::InvalidCode.into()));
    let mut gap = listing_args(vec![s.credential]);
    gap.region = *b"GB\0ENG\0\0";
    cases.push((gap, vec![], ConsentError::InvalidCode.into()));
    cases.push((
        listing_args(vec![]),
        vec![],
        ConsentError::NoCredentials.into(),
    ));
    cases.push((
        listing_args(vec![s.credential; 17]),
        vec![],
        ConsentError::TooManyCredentials.into(),
    ));
    cases.push((
        listing_args(vec![s.credential, s.credential]),
        vec![],
        ConsentError::DuplicateCredential.into(),
    ));
    // An account that is not a credential in a credential's place.
    cases.push((
        listing_args(vec![s.schema]),
        vec![],
        ConsentError::NotACredential.into(),
    ));
    for (args, _, code) in cases {
        let out = list(&mut s, &subject, args).await;
        assert_error(&out, code);
    }
    // Someone else's credential.
    let out = list(&mut s, &stranger, listing_args(vec![credential])).await;
    assert_error(&out, ConsentError::CredentialOfAnotherSubject);
    // One listing per candidate.
    list(&mut s, &subject, listing_args(vec![credential]))
        .await
        .expect_ok();
    let mut again = listing_args(vec![s.credential]);
    again.available_from += 1;
    let out = list(&mut s, &subject, again).await;
    assert!(out.result.is_err(), "a second listing is refused");
    // The listing is written by its subject only: the stranger cannot pass it as theirs.
    let ix = cix::create_listing(&stranger.pubkey(), listing_args(vec![s.credential]));
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        ConsentError::CredentialOfAnotherSubject,
    );
}

#[tokio::test]
async fn update_listing_ok_and_refusals() {
    let mut s = Scenario::build(Stage::Credential).await;
    let credential = s.credential;
    let second = s.issue([2; 32]).await;
    let subject = s.subject.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    list(&mut s, &subject, listing_args(vec![credential]))
        .await
        .expect_ok();
    let update = UpdateListingArgs {
        occupation: Some(code("2222").unwrap()),
        region: None,
        available_from: Some(1_900_000_000),
        credentials: Some(vec![account_ref(s.credential), account_ref(second)]),
    };
    let ix = cix::update_listing(&subject.pubkey(), update);
    let out = s.chain.send_ok(&[ix], &[&subject]).await;
    let listing: Listing = s
        .chain
        .account(&pda::listing(&subject.pubkey()).0)
        .await
        .unwrap();
    assert_eq!(&listing.occupation, b"2222\0\0\0\0");
    assert_eq!(&listing.region, b"GB-ENG\0\0");
    assert_eq!(
        (listing.available_from, listing.credentials.len()),
        (1_900_000_000, 2)
    );
    assert_eq!(out.events::<ListingUpdated>(&CONSENT)[0].credentials, 2);
    let nothing = UpdateListingArgs {
        occupation: None,
        region: None,
        available_from: None,
        credentials: None,
    };
    let ix = cix::update_listing(&subject.pubkey(), nothing.clone());
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::NothingToUpdate,
    );
    let bad = UpdateListingArgs {
        region: Some(*b"gb\0\0\0\0\0\0"),
        ..nothing.clone()
    };
    let ix = cix::update_listing(&subject.pubkey(), bad);
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::InvalidCode,
    );
    // The stranger has no listing: the address derived from the stranger holds nothing.
    let ix = cix::update_listing(
        &stranger.pubkey(),
        UpdateListingArgs {
            available_from: Some(1),
            ..nothing
        },
    );
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        AnchorError::AccountNotInitialized,
    );
}

#[tokio::test]
async fn close_listing_returns_the_rent_to_the_subject_only() {
    let mut s = Scenario::build(Stage::Credential).await;
    let credential = s.credential;
    let subject = s.subject.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    list(&mut s, &subject, listing_args(vec![credential]))
        .await
        .expect_ok();
    let address = pda::listing(&subject.pubkey()).0;
    let rent = s.chain.balance(&address).await;
    // The stranger passing the subject's listing: the seeds name the signer.
    let mut ix = cix::close_listing(&stranger.pubkey());
    ix.accounts[1].pubkey = address;
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        AnchorError::ConstraintSeeds,
    );
    let before = s.chain.balance(&subject.pubkey()).await;
    let ix = cix::close_listing(&subject.pubkey());
    let out = s.chain.send_ok(&[ix], &[&subject]).await;
    assert_eq!(out.events::<ListingClosed>(&CONSENT).len(), 1);
    assert!(s.chain.raw_account(&address).await.is_none());
    // The chain's payer pays the fee: the subject gains exactly the rent.
    assert_eq!(s.chain.balance(&subject.pubkey()).await, before + rent);
}

// ---------------------------------------------------------------- requests

#[tokio::test]
async fn create_request_ok() {
    let mut s = Scenario::build(Stage::Credential).await;
    let args = request_args(&s, 1);
    let out = request(&mut s, args).await;
    assert!(out.result.is_ok(), "{}", out.logs.join("\n"));
    let address = pda::request(&s.subject.pubkey(), &s.recruiter.pubkey(), 1).0;
    let stored: AccessRequest = s.chain.account(&address).await.unwrap();
    assert_eq!(
        (stored.subject, stored.requester, stored.max_uses),
        (s.subject.pubkey(), s.recruiter.pubkey(), 3)
    );
    assert_eq!(stored.recipient_key, [9; 32]);
    let data = s.chain.raw_account(&address).await.unwrap().data;
    assert_eq!(data.len(), 8 + AccessRequest::INIT_SPACE);
    assert_eq!(
        &data[REQUEST_REQUESTER_OFFSET..REQUEST_REQUESTER_OFFSET + 32],
        s.recruiter.pubkey().as_ref()
    );
    let events: Vec<AccessRequested> = out.events(&CONSENT);
    assert_eq!(
        (events[0].request, events[0].duration_secs),
        (address, WEEK)
    );
    // By schema only, no credential named.
    let mut by_schema = request_args(&s, 2);
    by_schema.credentials.clear();
    by_schema.schemas = vec![s.schema];
    request(&mut s, by_schema).await.expect_ok();
}

#[tokio::test]
async fn create_request_refusals() {
    let mut s = Scenario::build(Stage::Credential).await;
    let base = request_args(&s, 1);
    let schema = s.schema;
    let stranger = s.stranger.pubkey();
    let mut small_order = [0xff; 32];
    small_order[0] = 0xec; // p - 1, of order 2
    let mut high_bit_one = [0u8; 32];
    high_bit_one[0] = 1;
    high_bit_one[31] = 0x80; // u = 1 with the ignored top bit set
    let mut cases: Vec<(CreateRequestArgs, u32)> = vec![
        (
            CreateRequestArgs {
                credentials: vec![],
                schemas: vec![],
                ..base.clone()
            },
            ConsentError::NothingRequested.into(),
        ),
        (
            CreateRequestArgs {
                duration_secs: 0,
                ..base.clone()
            },
            ConsentError::InvalidDuration.into(),
        ),
        (
            CreateRequestArgs {
                duration_secs: MAX_REQUEST_DURATION_SECS + 1,
                ..base.clone()
            },
            ConsentError::InvalidDuration.into(),
        ),
        (
            CreateRequestArgs {
                schemas: vec![Pubkey::new_unique(); 5],
                ..base.clone()
            },
            ConsentError::TooManySchemas.into(),
        ),
        (
            CreateRequestArgs {
                schemas: vec![schema, schema],
                ..base.clone()
            },
            ConsentError::DuplicateSchema.into(),
        ),
        (
            CreateRequestArgs {
                purpose: String::new(),
                ..base.clone()
            },
            ConsentError::PurposeInvalid.into(),
        ),
        (
            // The credential is not the named subject's.
            CreateRequestArgs {
                subject: stranger,
                ..base.clone()
            },
            ConsentError::CredentialOfAnotherSubject.into(),
        ),
    ];
    // A recipient key a sealed box cannot protect: zero, or any other point of small order.
    for recipient_key in [[0; 32], small_order, high_bit_one] {
        cases.push((
            CreateRequestArgs {
                recipient_key,
                ..base.clone()
            },
            ConsentError::InvalidRecipientKey.into(),
        ));
    }
    for (args, code) in cases {
        let out = request(&mut s, args).await;
        assert_error(&out, code);
    }
    // A recruiter asking itself.
    let recruiter = s.recruiter.insecure_clone();
    let ix = cix::create_request(
        &recruiter.pubkey(),
        CreateRequestArgs {
            subject: recruiter.pubkey(),
            credentials: vec![],
            schemas: vec![schema],
            ..base
        },
    );
    assert_error(
        &s.chain.send(&[ix], &[&recruiter]).await,
        ConsentError::SelfRequest,
    );
}

#[tokio::test]
async fn approve_request_creates_the_grant_and_closes_the_request() {
    let mut s = Scenario::build(Stage::Credential).await;
    let args = request_args(&s, 1);
    request(&mut s, args).await.expect_ok();
    let address = pda::request(&s.subject.pubkey(), &s.recruiter.pubkey(), 1).0;
    let request_rent = s.chain.balance(&address).await;
    let recruiter_before = s.chain.balance(&s.recruiter.pubkey()).await;
    let subject = s.subject.insecure_clone();
    let ix = cix::approve_request(
        &subject.pubkey(),
        &s.recruiter.pubkey(),
        &address,
        approve_args(&mut s, 7).await,
    );
    let out = s.chain.send_ok(&[ix], &[&subject]).await;
    let now = s.chain.now().await;
    assert!(s.chain.raw_account(&address).await.is_none(), "closed");
    assert_eq!(
        s.chain.balance(&s.recruiter.pubkey()).await,
        recruiter_before + request_rent,
        "the rent goes back to the requester who paid it"
    );
    let grant_address = pda::grant(&subject.pubkey(), &s.recruiter.pubkey(), 7).0;
    let grant: Grant = s.chain.account(&grant_address).await.unwrap();
    assert_eq!(grant.grantee, s.recruiter.pubkey());
    assert_eq!(grant.purpose, "Recruitment: ICU nurse");
    assert_eq!(grant.max_uses, 3);
    assert!((grant.expires_at - (now + WEEK)).abs() <= 2);
    assert_eq!(grant.credentials, vec![account_ref(s.credential)]);
    let approved: Vec<RequestApproved> = out.events(&CONSENT);
    assert_eq!(
        (approved[0].request, approved[0].grant),
        (address, grant_address)
    );
    assert_eq!(out.events::<GrantCreated>(&CONSENT).len(), 1);
}

#[tokio::test]
async fn approve_request_by_schema_grants_a_credential_of_that_schema() {
    let mut s = Scenario::build(Stage::Credential).await;
    let mut args = request_args(&s, 1);
    args.credentials.clear();
    args.schemas = vec![s.schema];
    request(&mut s, args).await.expect_ok();
    let address = pda::request(&s.subject.pubkey(), &s.recruiter.pubkey(), 1).0;
    let subject = s.subject.insecure_clone();
    let ix = cix::approve_request(
        &subject.pubkey(),
        &s.recruiter.pubkey(),
        &address,
        approve_args(&mut s, 1).await,
    );
    s.chain.send_ok(&[ix], &[&subject]).await;
}

#[tokio::test]
async fn approve_request_refusals() {
    let mut s = Scenario::build(Stage::Credential).await;
    let unrequested = s.issue([2; 32]).await;
    let args = request_args(&s, 1);
    request(&mut s, args).await.expect_ok();
    let address = pda::request(&s.subject.pubkey(), &s.recruiter.pubkey(), 1).0;
    let subject = s.subject.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let recruiter = s.recruiter.pubkey();
    // A credential the request did not ask for.
    let mut args = approve_args(&mut s, 1).await;
    args.credentials = vec![account_ref(unrequested)];
    let ix = cix::approve_request(&subject.pubkey(), &recruiter, &address, args);
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::NotRequested,
    );
    // The rent sent to someone other than the requester.
    let mut ix = cix::approve_request(
        &subject.pubkey(),
        &recruiter,
        &address,
        approve_args(&mut s, 1).await,
    );
    ix.accounts[1].pubkey = stranger.pubkey();
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::RequesterMismatch,
    );
    // Someone other than the subject approving.
    let ix = cix::approve_request(
        &stranger.pubkey(),
        &recruiter,
        &address,
        approve_args(&mut s, 1).await,
    );
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        ConsentError::NotSubject,
    );
    // A sealed key too long.
    let mut args = approve_args(&mut s, 1).await;
    args.sealed_key = vec![1; MAX_SEALED_KEY_LEN + 1];
    let ix = cix::approve_request(&subject.pubkey(), &recruiter, &address, args);
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::SealedKeyTooLong,
    );
    assert!(s.chain.raw_account(&address).await.is_some(), "still open");
    // Approved once; a second approval finds no request.
    let ix = cix::approve_request(
        &subject.pubkey(),
        &recruiter,
        &address,
        approve_args(&mut s, 1).await,
    );
    s.chain.send_ok(&[ix], &[&subject]).await;
    let ix = cix::approve_request(
        &subject.pubkey(),
        &recruiter,
        &address,
        approve_args(&mut s, 2).await,
    );
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        AnchorError::AccountNotInitialized,
    );
}

#[tokio::test]
async fn decline_and_withdraw_close_the_request_rent_to_the_requester() {
    let mut s = Scenario::build(Stage::Credential).await;
    for id in [1, 2] {
        let args = request_args(&s, id);
        request(&mut s, args).await.expect_ok();
    }
    let subject = s.subject.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let recruiter = s.recruiter.insecure_clone();
    let first = pda::request(&subject.pubkey(), &recruiter.pubkey(), 1).0;
    let second = pda::request(&subject.pubkey(), &recruiter.pubkey(), 2).0;
    let rent = s.chain.balance(&first).await;

    // Decline: the subject only, rent to the requester.
    let ix = cix::decline_request(&stranger.pubkey(), &recruiter.pubkey(), &first);
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        ConsentError::NotSubject,
    );
    let ix = cix::decline_request(&subject.pubkey(), &stranger.pubkey(), &first);
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::RequesterMismatch,
    );
    let before = s.chain.balance(&recruiter.pubkey()).await;
    let ix = cix::decline_request(&subject.pubkey(), &recruiter.pubkey(), &first);
    let out = s.chain.send_ok(&[ix], &[&subject]).await;
    assert_eq!(out.events::<RequestDeclined>(&CONSENT).len(), 1);
    assert_eq!(s.chain.balance(&recruiter.pubkey()).await, before + rent);
    assert!(s.chain.raw_account(&first).await.is_none());

    // Withdraw: the requester only.
    let ix = cix::withdraw_request(&stranger.pubkey(), &second);
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        ConsentError::NotRequester,
    );
    let ix = cix::withdraw_request(&subject.pubkey(), &second);
    assert_error(
        &s.chain.send(&[ix], &[&subject]).await,
        ConsentError::NotRequester,
    );
    let before = s.chain.balance(&recruiter.pubkey()).await;
    let ix = cix::withdraw_request(&recruiter.pubkey(), &second);
    let out = s.chain.send_ok(&[ix], &[&recruiter]).await;
    assert_eq!(out.events::<RequestWithdrawn>(&CONSENT).len(), 1);
    assert_eq!(s.chain.balance(&recruiter.pubkey()).await, before + rent);
    assert!(s.chain.raw_account(&second).await.is_none());
}
