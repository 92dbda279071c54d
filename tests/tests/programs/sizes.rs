//! Smoke test of the whole story, and the pinned account sizes.

use anchor_lang::Space;
use credence_consent::{
    events::AccessRecorded,
    state::{AccessOutcome, Grant},
};
use credence_registry::state::{Credential, Delegate, Issuer, Registry, Schema};
use credence_sdk::ix::consent as cix;
use credence_tests::{Scenario, Stage};
use solana_signer::Signer;

#[tokio::test]
async fn full_story_ok() {
    let mut s = Scenario::build(Stage::Grant).await;
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.subject, s.subject.pubkey());
    assert_eq!(grant.uses, 0);
    let ix = cix::record_access(&s.recruiter.pubkey(), &s.grant, 1, AccessOutcome::Verified);
    let recruiter = s.recruiter.insecure_clone();
    let outcome = s.chain.send_ok(&[ix], &[&recruiter]).await;
    let events: Vec<AccessRecorded> = outcome.events(&credence_consent::ID);
    assert_eq!(events.len(), 1, "{:#?}", outcome.logs);
    assert_eq!(events[0].use_number, 1);
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.uses, 1);
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(credential.subject, s.subject.pubkey());
}

/// Every account's size in bytes, pinned: a change here is a layout change (see STYLE: additive
/// versioning). The credential stays within the 240-byte budget.
#[test]
fn account_sizes_are_pinned() {
    assert_eq!(8 + Registry::INIT_SPACE, 224);
    assert_eq!(8 + Issuer::INIT_SPACE, 419);
    assert_eq!(8 + Delegate::INIT_SPACE, 123);
    assert_eq!(8 + Schema::INIT_SPACE, 366);
    assert_eq!(8 + Credential::INIT_SPACE, 237);
    assert_eq!(8 + Grant::INIT_SPACE, 982);
}
