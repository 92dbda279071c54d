//! Re-initialisation: every `init` instruction sent again over an account that exists, to
//! overwrite it (widen a delegate's permissions, reset a schema, replace a credential's
//! commitment, bring a revoked issuer back as pending, un-revoke a grant or reset its uses).
//! Anchor's `init` creates the account through the system program, which refuses an address
//! already in use (`SystemError::AccountAlreadyInUse`, custom code 0), and nothing is written.

use credence_consent::state::{AccessOutcome, Grant};
use credence_registry::{
    constants::PERMISSION_ISSUE,
    state::{Issuer, IssuerStatus},
    AddDelegateArgs,
};
use credence_sdk::ix::{
    consent as cix,
    registry::{self as rix, IssuerDecision},
};
use credence_tests::{
    issuer_args, schema_args, security::send_fast_ok, REGISTRY_NAME, SCHEMA_NAME, YEAR,
};
use solana_signer::Signer;

use super::common::{refuse, world, NMC_ID};

/// The system program's `AccountAlreadyInUse`.
const ACCOUNT_ALREADY_IN_USE: u32 = 0;

#[tokio::test]
async fn registry_refuses_to_initialise_an_existing_account_again() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let a = authority.pubkey();
    let now = w.s.chain.now().await;

    let ix = rix::create_registry(&w.s.admin.pubkey(), REGISTRY_NAME);
    let admin = w.s.admin.insecure_clone();
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&admin],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    let ix = rix::add_delegate(
        &a,
        &w.s.issuer,
        AddDelegateArgs {
            delegate: w.agent.pubkey(),
            permissions: PERMISSION_ISSUE,
            expires_at: now + 100 * YEAR,
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    let mut args = schema_args(SCHEMA_NAME, 1);
    args.default_validity_secs = 0;
    args.suspendable = false;
    let ix = rix::create_schema(&a, &w.s.issuer, args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    let mut args = w.s.credential_args(w.s.credential_id);
    args.commitment = [0xEE; 32];
    let ix = rix::issue_credential(&w.s.authority_signer(), &a, &w.s.schema, args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;

    // A revoked issuer registering again under its id, to come back as pending.
    let ix = rix::decide_issuer(
        IssuerDecision::Revoke,
        &admin.pubkey(),
        &w.s.registry,
        &w.nmc,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&admin]).await;
    let council = w.council.insecure_clone();
    let ix = rix::register_issuer(&council.pubkey(), &w.s.registry, issuer_args(NMC_ID));
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    let nmc: Issuer = w.s.chain.account(&w.nmc).await.unwrap();
    assert_eq!(nmc.status, IssuerStatus::Revoked);
}

#[tokio::test]
async fn consent_refuses_to_initialise_an_existing_grant_again() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    // A use recorded, then a re-creation to reset the count.
    let grant = w.s.grant;
    let accessed = w.s.accessed(&grant, 1).await;
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&recruiter]).await;
    let mut args = w.s.grant_args(w.s.grant_id, vec![w.s.credential]).await;
    args.max_uses = 0;
    let ix = cix::create_grant(&subject.pubkey(), args.clone());
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    // A revocation, then a re-creation to un-revoke it.
    send_fast_ok(
        &mut w.s.chain,
        &[cix::revoke_grant(&subject.pubkey(), &w.s.grant)],
        &[&subject],
    )
    .await;
    let ix = cix::create_grant(&subject.pubkey(), args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ACCOUNT_ALREADY_IN_USE,
        &[],
    )
    .await;
    let grant: Grant = w.s.chain.account(&w.s.grant).await.unwrap();
    assert_ne!(grant.revoked_at, 0, "still revoked");
    assert_eq!(grant.uses, 1, "the use is still counted");
}
