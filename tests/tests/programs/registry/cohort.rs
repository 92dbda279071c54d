//! Cohorts: `issue_cohort` (by the authority and by delegates), the leaf status changes
//! (`suspend_cohort_leaf`, `reinstate_cohort_leaf`, `revoke_cohort_leaf`) on status pages created
//! on first use, `close_cohort_status_page` and `close_cohort`.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Cohort, CohortStatusPage, CredentialStatus},
    IssueCohortArgs,
};
use credence_sdk::{
    ix::registry::{self as rix, IssuerDecision, IssuerSigner, LeafChange},
    pda,
};
use credence_tests::{
    assert_error, custom_code, schema_args, Outcome, Scenario, Stage, WEEK, YEAR,
};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::{delegate::add_delegate, ACCOUNT_ALREADY_IN_USE, REGISTRY};

/// The cohort id the tests issue under.
const COHORT_ID: [u8; 32] = [21; 32];
/// Leaves of the test cohort: three status pages' worth and a bit.
const LEAVES: u32 = 3 * COHORT_LEAVES_PER_PAGE + 100;

/// Valid arguments for a cohort of [`LEAVES`] leaves valid for a year from `now`.
fn cohort_args(now: i64) -> IssueCohortArgs {
    IssueCohortArgs {
        cohort_id: COHORT_ID,
        merkle_root: [5; 32],
        leaf_count: LEAVES,
        depth: 14,
        valid_from: now,
        expires_at: now + YEAR,
    }
}

fn cohort_address(s: &Scenario) -> Pubkey {
    pda::cohort(&s.issuer, &COHORT_ID).0
}

async fn issue_cohort(
    s: &mut Scenario,
    args: IssueCohortArgs,
    signer: &IssuerSigner,
    key: &Keypair,
) -> Outcome {
    let ix = rix::issue_cohort(signer, &key.pubkey(), &s.schema, args);
    s.chain.send(&[ix], &[key]).await
}

/// A scenario with an accredited issuer, a schema and the test cohort issued.
async fn with_cohort() -> (Scenario, Pubkey) {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    issue_cohort(&mut s, cohort_args(now), &signer, &key)
        .await
        .expect_ok();
    let cohort = cohort_address(&s);
    (s, cohort)
}

async fn cohort_of(s: &mut Scenario, cohort: &Pubkey) -> Cohort {
    s.chain.account(cohort).await.expect("the cohort exists")
}

#[tokio::test]
async fn issue_cohort_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    let shared_before = (
        s.chain.raw_account(&s.issuer).await.unwrap(),
        s.chain.raw_account(&s.schema).await.unwrap(),
    );
    let out = issue_cohort(&mut s, cohort_args(now), &signer, &key).await;
    let cohort = cohort_address(&s);
    let events: Vec<CohortIssued> = out.events(&REGISTRY);
    let c = cohort_of(&mut s, &cohort).await;
    assert_eq!(
        (c.issuer, c.schema, c.merkle_root),
        (s.issuer, s.schema, [5; 32])
    );
    assert_eq!((c.leaf_count, c.depth), (LEAVES, 14));
    assert_eq!((c.valid_from, c.expires_at), (now, now + YEAR));
    assert_eq!(
        (c.suspended_leaves, c.revoked_leaves, c.status_pages),
        (0, 0, 0)
    );
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].cohort, events[0].leaf_count, events[0].issued_by),
        (cohort, LEAVES, s.issuer_authority.pubkey())
    );
    assert_eq!(
        (
            s.chain.raw_account(&s.issuer).await.unwrap(),
            s.chain.raw_account(&s.schema).await.unwrap()
        ),
        shared_before,
        "issuing writes neither the issuer nor the schema"
    );
}

#[tokio::test]
async fn issue_cohort_by_delegate_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let now = s.chain.now().await;
    let signer = s.delegate_signer(&agent.pubkey());
    let out = issue_cohort(&mut s, cohort_args(now), &signer, &agent).await;
    let events: Vec<CohortIssued> = out.events(&REGISTRY);
    assert_eq!(events[0].issued_by, agent.pubkey());
}

#[tokio::test]
async fn issue_cohort_retry_cannot_duplicate() {
    let (mut s, _) = with_cohort().await;
    let now = s.chain.now().await;
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    let out = issue_cohort(&mut s, cohort_args(now), &signer, &key).await;
    assert_eq!(
        custom_code(&out),
        Some(ACCOUNT_ALREADY_IN_USE),
        "{:?}",
        out.result
    );
}

/// Issuing the test cohort is refused with `expected`, and nothing is created.
async fn issue_refused(
    s: &mut Scenario,
    args: IssueCohortArgs,
    expected: impl Into<u32> + std::fmt::Debug + Copy,
) {
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    let address = pda::cohort(&s.issuer, &args.cohort_id).0;
    assert_error(&issue_cohort(s, args, &signer, &key).await, expected);
    assert!(
        s.chain.raw_account(&address).await.is_none(),
        "nothing was created"
    );
}

#[tokio::test]
async fn issue_cohort_fails_when_issuer_not_accredited_or_registry_paused() {
    for decision in [IssuerDecision::Suspend, IssuerDecision::Revoke] {
        let mut s = Scenario::build(Stage::Schema).await;
        s.decide(decision).await;
        let now = s.chain.now().await;
        issue_refused(&mut s, cohort_args(now), RegistryError::IssuerNotAccredited).await;
    }
    let mut s = Scenario::build(Stage::Schema).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    let now = s.chain.now().await;
    issue_refused(&mut s, cohort_args(now), RegistryError::RegistryPaused).await;
}

#[tokio::test]
async fn issue_cohort_fails_when_schema_deprecated() {
    let mut s = Scenario::build(Stage::Schema).await;
    s.chain
        .send_ok(
            &[rix::deprecate_schema(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                &s.schema,
            )],
            &[&s.issuer_authority],
        )
        .await;
    let now = s.chain.now().await;
    issue_refused(&mut s, cohort_args(now), RegistryError::SchemaDeprecated).await;
}

#[tokio::test]
async fn issue_cohort_fails_on_a_bad_tree_or_window() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    type Edit = fn(&mut IssueCohortArgs, i64);
    let cases: [(Edit, RegistryError); 8] = [
        (
            |a, _| a.merkle_root = [0; 32],
            RegistryError::CommitmentEmpty,
        ),
        (|a, _| a.leaf_count = 0, RegistryError::CohortSizeInvalid),
        (
            |a, _| {
                a.leaf_count = MAX_COHORT_LEAVES + 1;
                a.depth = MAX_COHORT_DEPTH + 1
            },
            RegistryError::CohortSizeInvalid,
        ),
        // Too shallow to hold the leaves, and deeper than needed (two roots for one set).
        (|a, _| a.depth = 13, RegistryError::CohortSizeInvalid),
        (|a, _| a.depth = 15, RegistryError::CohortSizeInvalid),
        (
            |a, now| a.expires_at = now,
            RegistryError::InvalidValidityWindow,
        ),
        (
            |a, now| {
                a.valid_from = now - 2 * YEAR;
                a.expires_at = now - YEAR
            },
            RegistryError::ExpiryInPast,
        ),
        (
            |a, now| {
                a.valid_from = now + 10;
                a.expires_at = now + 5
            },
            RegistryError::InvalidValidityWindow,
        ),
    ];
    for (edit, expected) in cases {
        let mut args = cohort_args(now);
        edit(&mut args, now);
        issue_refused(&mut s, args, expected).await;
    }
}

#[tokio::test]
async fn issue_cohort_of_one_leaf_and_of_2_pow_20_leaves_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    for (id, leaves, depth) in [
        ([1; 32], 1, 0),
        ([2; 32], MAX_COHORT_LEAVES, MAX_COHORT_DEPTH),
    ] {
        let mut args = cohort_args(now);
        (args.cohort_id, args.leaf_count, args.depth) = (id, leaves, depth);
        issue_cohort(&mut s, args, &signer, &key).await.expect_ok();
    }
}

#[tokio::test]
async fn issue_cohort_fails_when_stranger_or_delegate_without_permission_signs() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let stranger = s.stranger.insecure_clone();
    let signer = s.authority_signer_for(&stranger.pubkey());
    assert_error(
        &issue_cohort(&mut s, cohort_args(now), &signer, &stranger).await,
        RegistryError::NotAuthorized,
    );
    let agent = add_delegate(&mut s, PERMISSION_REVOKE, WEEK).await;
    let signer = s.delegate_signer(&agent.pubkey());
    assert_error(
        &issue_cohort(&mut s, cohort_args(now), &signer, &agent).await,
        RegistryError::DelegateMissingPermission,
    );
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, 3600).await;
    s.chain.advance_time(3601).await;
    let now = s.chain.now().await;
    let signer = s.delegate_signer(&agent.pubkey());
    assert_error(
        &issue_cohort(&mut s, cohort_args(now), &signer, &agent).await,
        RegistryError::DelegateExpired,
    );
}

// Leaf status changes.

/// Sends `change` of leaf `index` signed by the issuer's authority, who pays.
async fn change_leaf(
    s: &mut Scenario,
    cohort: &Pubkey,
    change: LeafChange,
    index: u32,
    reason: u16,
) -> Outcome {
    let key = s.issuer_authority.insecure_clone();
    let ix = rix::change_cohort_leaf(
        change,
        &s.authority_signer(),
        &key.pubkey(),
        &s.schema,
        cohort,
        index,
        reason,
    );
    s.chain.send(&[ix], &[&key]).await
}

async fn leaf_status(s: &mut Scenario, cohort: &Pubkey, index: u32) -> CredentialStatus {
    let page = pda::cohort_status(cohort, index).0;
    match s.chain.raw_account(&page).await {
        None => CredentialStatus::Active,
        Some(account) => CohortStatusPage::from_account_data(&account.data)
            .expect("a status page")
            .status_of(index),
    }
}

#[tokio::test]
async fn revoke_cohort_leaf_ok_creates_one_page_then_reuses_it() {
    let (mut s, cohort) = with_cohort().await;
    let page = pda::cohort_status(&cohort, 5).0;
    assert!(
        s.chain.raw_account(&page).await.is_none(),
        "no page until something changes"
    );
    let payer_before = s.chain.balance(&s.issuer_authority.pubkey()).await;
    let out = change_leaf(&mut s, &cohort, LeafChange::Revoke, 5, REASON_DISCIPLINARY).await;
    let events: Vec<CohortLeafStatusChanged> = out.events(&REGISTRY);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (e.cohort, e.index, e.reason, e.page_created),
        (cohort, 5, REASON_DISCIPLINARY, true)
    );
    assert_eq!(
        (e.previous, e.status),
        (CredentialStatus::Active, CredentialStatus::Revoked)
    );
    let rent = s
        .chain
        .rent()
        .await
        .minimum_balance(CohortStatusPage::SPACE);
    let account = s.chain.raw_account(&page).await.unwrap();
    assert_eq!(
        (account.lamports, account.data.len()),
        (rent, CohortStatusPage::SPACE)
    );
    assert_eq!(
        payer_before - s.chain.balance(&s.issuer_authority.pubkey()).await,
        rent,
        "the payer pays the page's rent (the harness pays the fee)"
    );
    assert_eq!(
        leaf_status(&mut s, &cohort, 5).await,
        CredentialStatus::Revoked
    );
    assert_eq!(
        leaf_status(&mut s, &cohort, 6).await,
        CredentialStatus::Active
    );
    // A second change on the same page creates nothing.
    let out = change_leaf(&mut s, &cohort, LeafChange::Revoke, 4_095, REASON_FRAUD).await;
    let events: Vec<CohortLeafStatusChanged> = out.events(&REGISTRY);
    assert!(!events[0].page_created);
    let c = cohort_of(&mut s, &cohort).await;
    assert_eq!(
        (c.revoked_leaves, c.suspended_leaves, c.status_pages),
        (2, 0, 1)
    );
    // A leaf on the next page gets its own.
    change_leaf(&mut s, &cohort, LeafChange::Revoke, 4_096, REASON_FRAUD)
        .await
        .expect_ok();
    assert_eq!(cohort_of(&mut s, &cohort).await.status_pages, 2);
    let page: CohortStatusPage =
        *CohortStatusPage::from_account_data(&s.chain.raw_account(&page).await.unwrap().data)
            .unwrap();
    assert_eq!((page.cohort, page.page, page.revoked_count), (cohort, 0, 2));
}

#[tokio::test]
async fn revoke_cohort_leaf_is_final_and_needs_a_reason() {
    let (mut s, cohort) = with_cohort().await;
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Revoke, 7, REASON_UNSPECIFIED).await,
        RegistryError::ReasonRequired,
    );
    change_leaf(&mut s, &cohort, LeafChange::Revoke, 7, REASON_SUPERSEDED)
        .await
        .expect_ok();
    for (change, expected) in [
        (LeafChange::Revoke, RegistryError::CredentialRevoked),
        (LeafChange::Suspend, RegistryError::CredentialNotActive),
        (LeafChange::Reinstate, RegistryError::CredentialNotSuspended),
    ] {
        assert_error(
            &change_leaf(&mut s, &cohort, change, 7, REASON_FRAUD).await,
            expected,
        );
    }
    assert_eq!(
        leaf_status(&mut s, &cohort, 7).await,
        CredentialStatus::Revoked
    );
}

#[tokio::test]
async fn suspend_and_reinstate_cohort_leaf_ok() {
    let (mut s, cohort) = with_cohort().await;
    let out = change_leaf(&mut s, &cohort, LeafChange::Suspend, LEAVES - 1, 0).await;
    let events: Vec<CohortLeafStatusChanged> = out.events(&REGISTRY);
    assert_eq!(events[0].status, CredentialStatus::Suspended);
    assert_eq!(
        leaf_status(&mut s, &cohort, LEAVES - 1).await,
        CredentialStatus::Suspended
    );
    assert_eq!(cohort_of(&mut s, &cohort).await.suspended_leaves, 1);
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Suspend, LEAVES - 1, 0).await,
        RegistryError::CredentialNotActive,
    );
    change_leaf(&mut s, &cohort, LeafChange::Reinstate, LEAVES - 1, 0)
        .await
        .expect_ok();
    assert_eq!(
        leaf_status(&mut s, &cohort, LEAVES - 1).await,
        CredentialStatus::Active
    );
    assert_eq!(cohort_of(&mut s, &cohort).await.suspended_leaves, 0);
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Reinstate, LEAVES - 1, 0).await,
        RegistryError::CredentialNotSuspended,
    );
}

#[tokio::test]
async fn cohort_leaf_changes_fail_beyond_the_leaves() {
    let (mut s, cohort) = with_cohort().await;
    for change in [
        LeafChange::Suspend,
        LeafChange::Reinstate,
        LeafChange::Revoke,
    ] {
        assert_error(
            &change_leaf(&mut s, &cohort, change, LEAVES, REASON_FRAUD).await,
            RegistryError::CohortLeafOutOfRange,
        );
    }
}

#[tokio::test]
async fn suspend_cohort_leaf_fails_when_schema_not_suspendable() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let mut args = schema_args("degree", 1);
    args.suspendable = false;
    s.chain
        .send_ok(
            &[rix::create_schema(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                args,
            )],
            &[&s.issuer_authority],
        )
        .await;
    s.schema = pda::schema(&s.issuer, "degree", 1).0;
    let now = s.chain.now().await;
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    issue_cohort(&mut s, cohort_args(now), &signer, &key)
        .await
        .expect_ok();
    let cohort = cohort_address(&s);
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Suspend, 1, 0).await,
        RegistryError::SchemaNotSuspendable,
    );
    change_leaf(&mut s, &cohort, LeafChange::Revoke, 1, REASON_FRAUD)
        .await
        .expect_ok();
}

#[tokio::test]
async fn cohort_leaf_changes_fail_when_stranger_or_delegate_without_permission_signs() {
    let (mut s, cohort) = with_cohort().await;
    let stranger = s.stranger.insecure_clone();
    let ix = rix::change_cohort_leaf(
        LeafChange::Revoke,
        &s.authority_signer_for(&stranger.pubkey()),
        &stranger.pubkey(),
        &s.schema,
        &cohort,
        1,
        REASON_FRAUD,
    );
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        RegistryError::NotAuthorized,
    );
    // A delegate that may suspend may not revoke, and the other way round.
    let suspender = add_delegate(&mut s, PERMISSION_SUSPEND, WEEK).await;
    let revoker = add_delegate(&mut s, PERMISSION_REVOKE, WEEK).await;
    for (agent, change) in [
        (&revoker, LeafChange::Suspend),
        (&suspender, LeafChange::Revoke),
    ] {
        let ix = rix::change_cohort_leaf(
            change,
            &s.delegate_signer(&agent.pubkey()),
            &agent.pubkey(),
            &s.schema,
            &cohort,
            1,
            REASON_FRAUD,
        );
        assert_error(
            &s.chain.send(&[ix], &[agent]).await,
            RegistryError::DelegateMissingPermission,
        );
    }
    for (agent, change) in [
        (&suspender, LeafChange::Suspend),
        (&revoker, LeafChange::Revoke),
    ] {
        let ix = rix::change_cohort_leaf(
            change,
            &s.delegate_signer(&agent.pubkey()),
            &agent.pubkey(),
            &s.schema,
            &cohort,
            1,
            REASON_FRAUD,
        );
        s.chain.send_ok(&[ix], &[agent]).await;
    }
    assert_eq!(
        leaf_status(&mut s, &cohort, 1).await,
        CredentialStatus::Revoked
    );
}

#[tokio::test]
async fn cohort_leaf_withdrawal_allowed_while_paused_but_reinstate_refused() {
    let (mut s, cohort) = with_cohort().await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    change_leaf(&mut s, &cohort, LeafChange::Suspend, 2, 0)
        .await
        .expect_ok();
    change_leaf(&mut s, &cohort, LeafChange::Revoke, 3, REASON_FRAUD)
        .await
        .expect_ok();
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Reinstate, 2, 0).await,
        RegistryError::RegistryPaused,
    );
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, false)],
            &[&s.admin],
        )
        .await;
    s.decide(IssuerDecision::Suspend).await;
    assert_error(
        &change_leaf(&mut s, &cohort, LeafChange::Reinstate, 2, 0).await,
        RegistryError::IssuerNotAccredited,
    );
}

#[tokio::test]
async fn cohort_leaf_changes_fail_with_another_schema_or_another_leafs_page() {
    let (mut s, cohort) = with_cohort().await;
    s.chain
        .send_ok(
            &[rix::create_schema(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                schema_args("other", 1),
            )],
            &[&s.issuer_authority],
        )
        .await;
    let other = pda::schema(&s.issuer, "other", 1).0;
    let key = s.issuer_authority.insecure_clone();
    let ix = rix::change_cohort_leaf(
        LeafChange::Revoke,
        &s.authority_signer(),
        &key.pubkey(),
        &other,
        &cohort,
        1,
        REASON_FRAUD,
    );
    assert_error(
        &s.chain.send(&[ix], &[&key]).await,
        RegistryError::SchemaMismatch,
    );
    // The page of leaf 4,096 passed for leaf 1: the address does not derive from the index.
    let mut ix = rix::change_cohort_leaf(
        LeafChange::Revoke,
        &s.authority_signer(),
        &key.pubkey(),
        &s.schema,
        &cohort,
        1,
        REASON_FRAUD,
    );
    let right = pda::cohort_status(&cohort, 1).0;
    let slot = ix.accounts.iter().position(|a| a.pubkey == right).unwrap();
    ix.accounts[slot].pubkey = pda::cohort_status(&cohort, 4_096).0;
    assert_error(
        &s.chain.send(&[ix.clone()], &[&key]).await,
        AnchorError::ConstraintSeeds,
    );
    // The page number argument made to match that page: the program refuses it for leaf 1.
    // Data: discriminator (8), index (u32), page (u16), reason (u16).
    ix.data[12..14].copy_from_slice(&1u16.to_le_bytes());
    assert_error(
        &s.chain.send(&[ix], &[&key]).await,
        RegistryError::WrongStatusPage,
    );
}

// Closing.

#[tokio::test]
async fn close_cohort_and_its_pages_ok_once_expired() {
    let (mut s, cohort) = with_cohort().await;
    for index in [1, 4_096] {
        change_leaf(&mut s, &cohort, LeafChange::Revoke, index, REASON_FRAUD)
            .await
            .expect_ok();
    }
    let authority = s.issuer_authority.insecure_clone();
    let receiver = Pubkey::new_unique();
    let close_page = |index| {
        rix::close_cohort_status_page(&authority.pubkey(), &s.issuer, &cohort, index, &receiver)
    };
    let (page_0, page_1) = (close_page(1), close_page(4_096));
    let close = rix::close_cohort(&authority.pubkey(), &s.issuer, &cohort, &receiver);
    // In force: neither the pages nor the cohort close.
    assert_error(
        &s.chain
            .send(std::slice::from_ref(&page_0), &[&authority])
            .await,
        RegistryError::CohortNotClosable,
    );
    assert_error(
        &s.chain
            .send(std::slice::from_ref(&close), &[&authority])
            .await,
        RegistryError::CohortNotClosable,
    );
    s.chain.advance_time(YEAR + 1).await;
    // Expired, but a page is still open: its rent would be stranded.
    s.chain.send_ok(&[page_0], &[&authority]).await;
    assert_error(
        &s.chain
            .send(std::slice::from_ref(&close), &[&authority])
            .await,
        RegistryError::CohortHasStatusPages,
    );
    let out = s.chain.send_ok(&[page_1], &[&authority]).await;
    let events: Vec<CohortStatusPageClosed> = out.events(&REGISTRY);
    assert_eq!((events[0].page, events[0].receiver), (1, receiver));
    let page_rent = s
        .chain
        .rent()
        .await
        .minimum_balance(CohortStatusPage::SPACE);
    let cohort_rent = s.chain.raw_account(&cohort).await.unwrap().lamports;
    let out = s.chain.send_ok(&[close], &[&authority]).await;
    let events: Vec<CohortClosed> = out.events(&REGISTRY);
    assert_eq!((events[0].cohort, events[0].receiver), (cohort, receiver));
    assert!(s.chain.raw_account(&cohort).await.is_none());
    assert_eq!(
        s.chain.balance(&receiver).await,
        2 * page_rent + cohort_rent
    );
}

#[tokio::test]
async fn close_cohort_fails_when_a_delegate_or_stranger_signs() {
    let (mut s, cohort) = with_cohort().await;
    s.chain.advance_time(YEAR + 1).await;
    let agent = add_delegate(&mut s, PERMISSION_ALL, 2 * YEAR).await;
    for key in [agent, s.stranger.insecure_clone()] {
        let ix = rix::close_cohort(&key.pubkey(), &s.issuer, &cohort, &key.pubkey());
        assert_error(
            &s.chain.send(&[ix], &[&key]).await,
            RegistryError::NotIssuerAuthority,
        );
    }
}

#[tokio::test]
async fn close_cohort_status_page_fails_for_another_cohorts_page() {
    let (mut s, cohort) = with_cohort().await;
    // A second cohort with a page of its own.
    let now = s.chain.now().await;
    let mut args = cohort_args(now);
    args.cohort_id = [22; 32];
    let (signer, key) = (s.authority_signer(), s.issuer_authority.insecure_clone());
    issue_cohort(&mut s, args, &signer, &key).await.expect_ok();
    let other = pda::cohort(&s.issuer, &[22; 32]).0;
    change_leaf(&mut s, &other, LeafChange::Revoke, 1, REASON_FRAUD)
        .await
        .expect_ok();
    change_leaf(&mut s, &cohort, LeafChange::Revoke, 1, REASON_FRAUD)
        .await
        .expect_ok();
    s.chain.advance_time(YEAR + 1).await;
    let mut ix = rix::close_cohort_status_page(&key.pubkey(), &s.issuer, &cohort, 1, &key.pubkey());
    ix.accounts[3].pubkey = pda::cohort_status(&other, 1).0;
    assert_error(
        &s.chain.send(&[ix], &[&key]).await,
        AnchorError::ConstraintSeeds,
    );
}
