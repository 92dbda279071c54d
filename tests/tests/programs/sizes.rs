//! Smoke test of the whole story, and the pinned account sizes.

use anchor_lang::Space;
use credence_consent::{
    events::AccessRecorded,
    state::{AccessOutcome, AccessRequest, Grant, Listing},
};
use credence_registry::state::{Credential, Delegate, Issuer, Registry, Schema, SchemaFee};
use credence_sdk::ix::consent as cix;
use credence_tests::{Scenario, Stage};
use solana_signer::Signer;

#[tokio::test]
async fn full_story_ok() {
    let mut s = Scenario::build(Stage::Grant).await;
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.subject, s.subject.pubkey());
    assert_eq!(grant.uses, 0);
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
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
    assert_eq!(8 + Listing::INIT_SPACE, 710);
    assert_eq!(8 + AccessRequest::INIT_SPACE, 962);
    // Fees took the schema's reserved space: its size did not change.
    assert_eq!(
        SchemaFee::INIT_SPACE + 23,
        96,
        "the fee fits the space the first layout reserved"
    );
}
