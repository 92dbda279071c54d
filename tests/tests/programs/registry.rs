//! `credence_registry`: every instruction's success path and each way it must refuse.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Credential, CredentialStatus, Delegate, Issuer, IssuerStatus, Registry, Schema},
    AddDelegateArgs, UpdateIssuerArgs,
};
use credence_sdk::{
    ix::registry::{self as rix, CredentialChange, IssuerDecision},
    pda,
};
use credence_tests::{
    assert_error, custom_code, issuer_args, schema_args, Scenario, Stage, REGISTRY_NAME,
    SCHEMA_NAME, WEEK, YEAR,
};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const REGISTRY: Pubkey = credence_registry::ID;

/// The system program's "account already in use" (`SystemError::AccountAlreadyInUse`).
const ACCOUNT_ALREADY_IN_USE: u32 = 0;

// ---------------------------------------------------------------- registry

#[tokio::test]
async fn create_registry_ok() {
    let mut s = Scenario::build(Stage::Registry).await;
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!(registry.admin, s.admin.pubkey());
    assert_eq!(registry.creator, s.admin.pubkey());
    assert_eq!(registry.name, REGISTRY_NAME);
    assert_eq!(registry.version, ACCOUNT_VERSION);
    assert_eq!(
        registry.bump,
        pda::registry(&s.admin.pubkey(), REGISTRY_NAME).1
    );
    assert!(!registry.paused);
    let other = s.chain.actor().await;
    let out = s
        .chain
        .send_ok(&[rix::create_registry(&other.pubkey(), "other")], &[&other])
        .await;
    let events: Vec<RegistryCreated> = out.events(&REGISTRY);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name, "other");
}

#[tokio::test]
async fn create_registry_fails_when_name_empty() {
    let mut s = Scenario::build(Stage::Registry).await;
    let out = s
        .chain
        .send(
            &[rix::create_registry(&s.stranger.pubkey(), "")],
            &[&s.stranger],
        )
        .await;
    assert_error(&out, RegistryError::NameEmpty);
}

#[tokio::test]
async fn create_registry_fails_when_reinitialised() {
    let mut s = Scenario::build(Stage::Registry).await;
    let before: Registry = s.chain.account(&s.registry).await.unwrap();
    let out = s
        .chain
        .send(
            &[rix::create_registry(&s.admin.pubkey(), REGISTRY_NAME)],
            &[&s.admin],
        )
        .await;
    assert_eq!(
        custom_code(&out),
        Some(ACCOUNT_ALREADY_IN_USE),
        "{:?}",
        out.result
    );
    let after: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!(before.created_at, after.created_at);
}

#[tokio::test]
async fn create_registry_fails_when_address_is_someone_elses() {
    // A stranger cannot create (front-run) a registry at the admin's address: the address is
    // derived from the signer, so the signer's own address is not the one passed.
    let mut s = Scenario::build(Stage::Registry).await;
    let mut ix = rix::create_registry(&s.stranger.pubkey(), "front-run");
    ix.accounts[1].pubkey = pda::registry(&s.admin.pubkey(), "front-run").0;
    let out = s.chain.send(&[ix], &[&s.stranger]).await;
    assert_error(&out, AnchorError::ConstraintSeeds);
}

#[tokio::test]
async fn transfer_and_accept_admin_ok() {
    let mut s = Scenario::build(Stage::Registry).await;
    let new_admin = s.chain.actor().await;
    let out = s
        .chain
        .send_ok(
            &[rix::transfer_admin(
                &s.admin.pubkey(),
                &s.registry,
                &new_admin.pubkey(),
            )],
            &[&s.admin],
        )
        .await;
    let proposed: Vec<AdminTransferProposed> = out.events(&REGISTRY);
    assert_eq!(proposed[0].pending_admin, new_admin.pubkey());
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!(
        registry.admin,
        s.admin.pubkey(),
        "the admin stays until the transfer is accepted"
    );
    assert_eq!(registry.pending_admin, Some(new_admin.pubkey()));
    let out = s
        .chain
        .send_ok(
            &[rix::accept_admin(&new_admin.pubkey(), &s.registry)],
            &[&new_admin],
        )
        .await;
    let done: Vec<AdminTransferred> = out.events(&REGISTRY);
    assert_eq!(done[0].previous_admin, s.admin.pubkey());
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!(registry.admin, new_admin.pubkey());
    assert_eq!(registry.pending_admin, None);
    // The former admin has lost its powers; the registry keeps its address.
    let out = s
        .chain
        .send(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    assert_error(&out, RegistryError::NotAdmin);
    s.chain
        .send_ok(
            &[rix::set_paused(&new_admin.pubkey(), &s.registry, true)],
            &[&new_admin],
        )
        .await;
}

#[tokio::test]
async fn transfer_admin_fails_when_not_admin() {
    let mut s = Scenario::build(Stage::Registry).await;
    let ix = rix::transfer_admin(&s.stranger.pubkey(), &s.registry, &s.stranger.pubkey());
    let out = s.chain.send(&[ix], &[&s.stranger]).await;
    assert_error(&out, RegistryError::NotAdmin);
}

#[tokio::test]
async fn accept_admin_fails_when_not_pending_admin() {
    let mut s = Scenario::build(Stage::Registry).await;
    let new_admin = s.chain.actor().await;
    s.chain
        .send_ok(
            &[rix::transfer_admin(
                &s.admin.pubkey(),
                &s.registry,
                &new_admin.pubkey(),
            )],
            &[&s.admin],
        )
        .await;
    let out = s
        .chain
        .send(
            &[rix::accept_admin(&s.stranger.pubkey(), &s.registry)],
            &[&s.stranger],
        )
        .await;
    assert_error(&out, RegistryError::NotPendingAdmin);
}

#[tokio::test]
async fn accept_admin_fails_when_nothing_pending() {
    let mut s = Scenario::build(Stage::Registry).await;
    let out = s
        .chain
        .send(
            &[rix::accept_admin(&s.stranger.pubkey(), &s.registry)],
            &[&s.stranger],
        )
        .await;
    assert_error(&out, RegistryError::NoPendingAdmin);
}

#[tokio::test]
async fn set_paused_ok_and_resumes() {
    let mut s = Scenario::build(Stage::Registry).await;
    let out = s
        .chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    assert!(out.events::<RegistryPauseChanged>(&REGISTRY)[0].paused);
    assert!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .paused
    );
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, false)],
            &[&s.admin],
        )
        .await;
    assert!(
        !s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .paused
    );
}

#[tokio::test]
async fn set_paused_fails_when_not_admin() {
    let mut s = Scenario::build(Stage::Registry).await;
    let out = s
        .chain
        .send(
            &[rix::set_paused(&s.stranger.pubkey(), &s.registry, true)],
            &[&s.stranger],
        )
        .await;
    assert_error(&out, RegistryError::NotAdmin);
}

#[tokio::test]
async fn set_paused_fails_when_unchanged() {
    let mut s = Scenario::build(Stage::Registry).await;
    let out = s
        .chain
        .send(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, false)],
            &[&s.admin],
        )
        .await;
    assert_error(&out, RegistryError::PauseUnchanged);
}

// ---------------------------------------------------------------- issuers

#[tokio::test]
async fn register_issuer_ok() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let issuer: Issuer = s.chain.account(&s.issuer).await.unwrap();
    assert_eq!(issuer.status, IssuerStatus::Pending);
    assert_eq!(issuer.registry, s.registry);
    assert_eq!(issuer.authority, s.issuer_authority.pubkey());
    assert_eq!(issuer.jurisdiction, "NG");
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!((registry.issuer_count, registry.accredited_count), (1, 0));
    let council = s.chain.actor().await;
    let out = s
        .chain
        .send_ok(
            &[rix::register_issuer(
                &council.pubkey(),
                &s.registry,
                issuer_args("nmc"),
            )],
            &[&council],
        )
        .await;
    let events: Vec<IssuerRegistered> = out.events(&REGISTRY);
    assert_eq!(events[0].issuer, pda::issuer(&s.registry, "nmc").0);
}

#[tokio::test]
async fn register_issuer_fails_on_invalid_metadata() {
    let mut s = Scenario::build(Stage::Registry).await;
    let cases = [
        (
            {
                let mut a = issuer_args("");
                a.name = "x".into();
                a
            },
            RegistryError::NameEmpty,
        ),
        (
            {
                let mut a = issuer_args("a");
                a.name = "n".repeat(MAX_DISPLAY_NAME_LEN + 1);
                a
            },
            RegistryError::NameTooLong,
        ),
        (
            {
                let mut a = issuer_args("b");
                a.name = String::new();
                a
            },
            RegistryError::NameEmpty,
        ),
        (
            {
                let mut a = issuer_args("c");
                a.uri = "u".repeat(MAX_URI_LEN + 1);
                a
            },
            RegistryError::UriTooLong,
        ),
        (
            {
                let mut a = issuer_args("d");
                a.jurisdiction = String::new();
                a
            },
            RegistryError::JurisdictionInvalid,
        ),
        (
            {
                let mut a = issuer_args("e");
                a.jurisdiction = "X".repeat(MAX_JURISDICTION_LEN + 1);
                a
            },
            RegistryError::JurisdictionInvalid,
        ),
    ];
    for (args, expected) in cases {
        let ix = rix::register_issuer(&s.issuer_authority.pubkey(), &s.registry, args);
        let out = s.chain.send(&[ix], &[&s.issuer_authority]).await;
        assert_error(&out, expected);
    }
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .issuer_count,
        0
    );
}

#[tokio::test]
async fn register_issuer_fails_when_reinitialised() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::register_issuer(
        &s.stranger.pubkey(),
        &s.registry,
        issuer_args(credence_tests::ISSUER_ID),
    );
    let out = s.chain.send(&[ix], &[&s.stranger]).await;
    assert_eq!(
        custom_code(&out),
        Some(ACCOUNT_ALREADY_IN_USE),
        "{:?}",
        out.result
    );
    let issuer: Issuer = s.chain.account(&s.issuer).await.unwrap();
    assert_eq!(issuer.authority, s.issuer_authority.pubkey());
    assert_eq!(issuer.status, IssuerStatus::Accredited);
}

#[tokio::test]
async fn accredit_issuer_ok() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &s.admin.pubkey(),
        &s.registry,
        &s.issuer,
    );
    let out = s.chain.send_ok(&[ix], &[&s.admin]).await;
    let events: Vec<IssuerStatusChanged> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].previous, events[0].status),
        (IssuerStatus::Pending, IssuerStatus::Accredited)
    );
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Accredited
    );
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        1
    );
}

#[tokio::test]
async fn accredit_issuer_checked_ok_when_the_authority_is_the_one_named() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let ix = rix::accredit_issuer_checked(
        &s.admin.pubkey(),
        &s.registry,
        &s.issuer,
        &s.issuer_authority.pubkey(),
    );
    let out = s.chain.send_ok(&[ix], &[&s.admin]).await;
    let events: Vec<IssuerStatusChanged> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].issuer, events[0].previous, events[0].status),
        (s.issuer, IssuerStatus::Pending, IssuerStatus::Accredited)
    );
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        1
    );
}

#[tokio::test]
async fn accredit_issuer_checked_refusals() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let (admin, authority) = (s.admin.insecure_clone(), s.issuer_authority.pubkey());
    let issuer = s.issuer;
    let checked = |signer: &Pubkey, registry: &Pubkey, named: &Pubkey| {
        rix::accredit_issuer_checked(signer, registry, &issuer, named)
    };
    // Another authority named than the one that registered the id: refused, still pending.
    let ix = checked(&admin.pubkey(), &s.registry, &s.stranger.pubkey());
    let out = s.chain.send(&[ix], &[&admin]).await;
    assert_error(&out, RegistryError::IssuerAuthorityMismatch);
    // Not the admin.
    let ix = checked(&authority, &s.registry, &authority);
    let issuer_authority = s.issuer_authority.insecure_clone();
    let out = s.chain.send(&[ix], &[&issuer_authority]).await;
    assert_error(&out, RegistryError::NotAdmin);
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Pending
    );
    // Not pending any more.
    let ix = checked(&admin.pubkey(), &s.registry, &authority);
    s.chain.send_ok(std::slice::from_ref(&ix), &[&admin]).await;
    let out = s.chain.send(&[ix], &[&admin]).await;
    assert_error(&out, RegistryError::IssuerNotPending);
    // Revoked issuers stay revoked.
    s.decide(IssuerDecision::Revoke).await;
    let ix = checked(&admin.pubkey(), &s.registry, &authority);
    let out = s.chain.send(&[ix], &[&admin]).await;
    assert_error(&out, RegistryError::IssuerRevoked);
}

#[tokio::test]
async fn accredit_issuer_fails_when_not_admin() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    // The issuer cannot accredit itself.
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &s.issuer_authority.pubkey(),
        &s.registry,
        &s.issuer,
    );
    let out = s.chain.send(&[ix], &[&s.issuer_authority]).await;
    assert_error(&out, RegistryError::NotAdmin);
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Pending
    );
}

#[tokio::test]
async fn accredit_issuer_fails_when_not_pending() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &s.admin.pubkey(),
        &s.registry,
        &s.issuer,
    );
    let out = s.chain.send(&[ix], &[&s.admin]).await;
    assert_error(&out, RegistryError::IssuerNotPending);
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        1
    );
}

#[tokio::test]
async fn accredit_issuer_fails_when_issuer_of_another_registry() {
    // An admin of another registry cannot accredit our issuer through its own registry.
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let other_admin = s.chain.actor().await;
    s.chain
        .send_ok(
            &[rix::create_registry(&other_admin.pubkey(), "other")],
            &[&other_admin],
        )
        .await;
    let other = pda::registry(&other_admin.pubkey(), "other").0;
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &other_admin.pubkey(),
        &other,
        &s.issuer,
    );
    let out = s.chain.send(&[ix], &[&other_admin]).await;
    assert_error(&out, AnchorError::ConstraintSeeds);
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Pending
    );
}

#[tokio::test]
async fn suspend_reinstate_issuer_ok() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    s.decide(IssuerDecision::Suspend).await;
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Suspended
    );
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        0
    );
    s.decide(IssuerDecision::Reinstate).await;
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Accredited
    );
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        1
    );
}

#[tokio::test]
async fn suspend_issuer_fails_when_not_accredited() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Suspend,
        &s.admin.pubkey(),
        &s.registry,
        &s.issuer,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.admin]).await,
        RegistryError::IssuerNotAccredited,
    );
}

#[tokio::test]
async fn suspend_issuer_fails_when_not_admin() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Suspend,
        &s.stranger.pubkey(),
        &s.registry,
        &s.issuer,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotAdmin,
    );
}

#[tokio::test]
async fn reinstate_issuer_fails_when_not_suspended() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Reinstate,
        &s.admin.pubkey(),
        &s.registry,
        &s.issuer,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.admin]).await,
        RegistryError::IssuerNotSuspended,
    );
}

#[tokio::test]
async fn revoke_issuer_ok_and_is_final() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    s.decide(IssuerDecision::Revoke).await;
    assert_eq!(
        s.chain.account::<Issuer>(&s.issuer).await.unwrap().status,
        IssuerStatus::Revoked
    );
    assert_eq!(
        s.chain
            .account::<Registry>(&s.registry)
            .await
            .unwrap()
            .accredited_count,
        0
    );
    for decision in [
        IssuerDecision::Accredit,
        IssuerDecision::Reinstate,
        IssuerDecision::Suspend,
        IssuerDecision::Revoke,
    ] {
        let ix = rix::decide_issuer(decision, &s.admin.pubkey(), &s.registry, &s.issuer);
        assert_error(
            &s.chain.send(&[ix], &[&s.admin]).await,
            RegistryError::IssuerRevoked,
        );
    }
}

#[tokio::test]
async fn revoke_issuer_fails_when_not_admin() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Revoke,
        &s.issuer_authority.pubkey(),
        &s.registry,
        &s.issuer,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::NotAdmin,
    );
}

fn name_update(name: &str) -> UpdateIssuerArgs {
    UpdateIssuerArgs {
        name: Some(name.into()),
        uri: None,
        jurisdiction: None,
    }
}

#[tokio::test]
async fn update_issuer_ok() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let args = UpdateIssuerArgs {
        name: Some("UNILAG".into()),
        uri: Some("did:web:unilag.edu.ng".into()),
        jurisdiction: Some("NG-LA".into()),
    };
    let out = s
        .chain
        .send_ok(
            &[rix::update_issuer(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                args,
            )],
            &[&s.issuer_authority],
        )
        .await;
    assert_eq!(out.events::<IssuerUpdated>(&REGISTRY).len(), 1);
    let issuer: Issuer = s.chain.account(&s.issuer).await.unwrap();
    assert_eq!(
        (
            issuer.name.as_str(),
            issuer.uri.as_str(),
            issuer.jurisdiction.as_str()
        ),
        ("UNILAG", "did:web:unilag.edu.ng", "NG-LA")
    );
}

#[tokio::test]
async fn update_issuer_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    // Not even the registry admin may rewrite an issuer's metadata.
    let ix = rix::update_issuer(&s.admin.pubkey(), &s.issuer, name_update("Fake"));
    assert_error(
        &s.chain.send(&[ix], &[&s.admin]).await,
        RegistryError::NotIssuerAuthority,
    );
}

#[tokio::test]
async fn update_issuer_fails_when_empty_or_invalid() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let empty = UpdateIssuerArgs {
        name: None,
        uri: None,
        jurisdiction: None,
    };
    let ix = rix::update_issuer(&s.issuer_authority.pubkey(), &s.issuer, empty);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::NothingToUpdate,
    );
    let ix = rix::update_issuer(&s.issuer_authority.pubkey(), &s.issuer, name_update(""));
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::NameEmpty,
    );
}

#[tokio::test]
async fn update_issuer_fails_when_revoked() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    s.decide(IssuerDecision::Revoke).await;
    let ix = rix::update_issuer(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        name_update("Still here"),
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::IssuerRevoked,
    );
}

#[tokio::test]
async fn rotate_issuer_authority_ok() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let new_key = s.chain.actor().await;
    let ix =
        rix::rotate_issuer_authority(&s.issuer_authority.pubkey(), &new_key.pubkey(), &s.issuer);
    let out = s
        .chain
        .send_ok(&[ix], &[&s.issuer_authority, &new_key])
        .await;
    assert_eq!(
        out.events::<IssuerAuthorityRotated>(&REGISTRY)[0].authority,
        new_key.pubkey()
    );
    let issuer: Issuer = s.chain.account(&s.issuer).await.unwrap();
    assert_eq!(issuer.authority, new_key.pubkey());
    // The old key lost its powers; the new one has them; the address did not change.
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args("degree", 1),
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::NotIssuerAuthority,
    );
    let ix = rix::create_schema(&new_key.pubkey(), &s.issuer, schema_args("degree", 1));
    s.chain.send_ok(&[ix], &[&new_key]).await;
}

#[tokio::test]
async fn rotate_issuer_authority_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::rotate_issuer_authority(&s.stranger.pubkey(), &s.stranger.pubkey(), &s.issuer);
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotIssuerAuthority,
    );
}

#[tokio::test]
async fn rotate_issuer_authority_fails_when_unchanged() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let key = s.issuer_authority.pubkey();
    let ix = rix::rotate_issuer_authority(&key, &key, &s.issuer);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::AuthorityUnchanged,
    );
}

// ---------------------------------------------------------------- delegates

async fn add_delegate(s: &mut Scenario, permissions: u8, expires_in: i64) -> Keypair {
    let agent = s.chain.actor().await;
    let args = AddDelegateArgs {
        delegate: agent.pubkey(),
        permissions,
        expires_at: s.chain.now().await + expires_in,
    };
    let ix = rix::add_delegate(&s.issuer_authority.pubkey(), &s.issuer, args);
    s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    agent
}

#[tokio::test]
async fn add_delegate_ok() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let record: Delegate = s
        .chain
        .account(&pda::delegate(&s.issuer, &agent.pubkey()).0)
        .await
        .unwrap();
    assert_eq!(
        (record.issuer, record.delegate, record.permissions),
        (s.issuer, agent.pubkey(), PERMISSION_ISSUE)
    );
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .delegate_count,
        1
    );
}

#[tokio::test]
async fn add_delegate_fails_on_invalid_permissions_or_expiry() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let now = s.chain.now().await;
    let agent = Pubkey::new_unique();
    for (permissions, expires_at, expected) in [
        (0, now + WEEK, RegistryError::InvalidPermissions),
        (
            PERMISSION_ALL + 1,
            now + WEEK,
            RegistryError::InvalidPermissions,
        ),
        (PERMISSION_ISSUE, now, RegistryError::ExpiryInPast),
    ] {
        let args = AddDelegateArgs {
            delegate: agent,
            permissions,
            expires_at,
        };
        let ix = rix::add_delegate(&s.issuer_authority.pubkey(), &s.issuer, args);
        assert_error(&s.chain.send(&[ix], &[&s.issuer_authority]).await, expected);
    }
}

#[tokio::test]
async fn add_delegate_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let args = AddDelegateArgs {
        delegate: s.stranger.pubkey(),
        permissions: PERMISSION_ALL,
        expires_at: i64::MAX,
    };
    let ix = rix::add_delegate(&s.stranger.pubkey(), &s.issuer, args);
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotIssuerAuthority,
    );
}

#[tokio::test]
async fn remove_delegate_ok_returns_rent_and_ends_powers() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let record = pda::delegate(&s.issuer, &agent.pubkey()).0;
    let rent = s.chain.balance(&record).await;
    let before = s.chain.balance(&s.issuer_authority.pubkey()).await;
    let ix = rix::remove_delegate(&s.issuer_authority.pubkey(), &s.issuer, &agent.pubkey());
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(
        out.events::<DelegateRemoved>(&REGISTRY)[0].delegate,
        agent.pubkey()
    );
    assert!(s.chain.raw_account(&record).await.is_none());
    assert_eq!(
        s.chain.balance(&s.issuer_authority.pubkey()).await,
        before + rent
    );
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .delegate_count,
        0
    );
    // Without its record, the former delegate is a stranger.
    let args = s.credential_args([5; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer_for(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::NotAuthorized,
    );
}

#[tokio::test]
async fn remove_delegate_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    // A delegate cannot remove (or keep alive) its own record.
    let ix = rix::remove_delegate(&agent.pubkey(), &s.issuer, &agent.pubkey());
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::NotIssuerAuthority,
    );
}

// ---------------------------------------------------------------- schemas

#[tokio::test]
async fn create_schema_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let schema: Schema = s.chain.account(&s.schema).await.unwrap();
    assert_eq!(
        (schema.issuer, schema.name.as_str(), schema.schema_version),
        (s.issuer, SCHEMA_NAME, 1)
    );
    assert_eq!(schema.default_validity_secs, YEAR);
    assert!(schema.suspendable && !schema.deprecated);
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args(SCHEMA_NAME, 2),
    );
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(out.events::<SchemaCreated>(&REGISTRY)[0].version, 2);
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .schema_count,
        2
    );
}

#[tokio::test]
async fn create_schema_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::create_schema(&s.admin.pubkey(), &s.issuer, schema_args("degree", 1));
    assert_error(
        &s.chain.send(&[ix], &[&s.admin]).await,
        RegistryError::NotIssuerAuthority,
    );
}

#[tokio::test]
async fn create_schema_fails_on_invalid_args() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let mut args = schema_args("degree", 1);
    args.default_validity_secs = -1;
    let ix = rix::create_schema(&s.issuer_authority.pubkey(), &s.issuer, args);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::InvalidValidityPeriod,
    );
    let mut args = schema_args("degree", 1);
    args.uri = "u".repeat(MAX_URI_LEN + 1);
    let ix = rix::create_schema(&s.issuer_authority.pubkey(), &s.issuer, args);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::UriTooLong,
    );
}

#[tokio::test]
async fn create_schema_fails_when_issuer_revoked() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    s.decide(IssuerDecision::Revoke).await;
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args("degree", 1),
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::IssuerRevoked,
    );
}

#[tokio::test]
async fn deprecate_schema_ok_and_not_twice() {
    let mut s = Scenario::build(Stage::Credential).await;
    let ix = rix::deprecate_schema(&s.issuer_authority.pubkey(), &s.issuer, &s.schema);
    let out = s
        .chain
        .send_ok(std::slice::from_ref(&ix), &[&s.issuer_authority])
        .await;
    assert_eq!(
        out.events::<SchemaDeprecated>(&REGISTRY)[0].schema,
        s.schema
    );
    assert!(
        s.chain
            .account::<Schema>(&s.schema)
            .await
            .unwrap()
            .deprecated
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::SchemaAlreadyDeprecated,
    );
    // Existing credentials are untouched; new ones are refused.
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(credential.status, CredentialStatus::Active);
    let args = s.credential_args([2; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::SchemaDeprecated,
    );
}

#[tokio::test]
async fn deprecate_schema_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::Schema).await;
    let ix = rix::deprecate_schema(&s.stranger.pubkey(), &s.issuer, &s.schema);
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotIssuerAuthority,
    );
}

// ---------------------------------------------------------------- issuance

/// An edit applied to valid issuance arguments: `(args, now)`.
type IssueEdit = fn(&mut credence_registry::IssueCredentialArgs, i64);

#[tokio::test]
async fn issue_credential_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let args = s.credential_args(s.credential_id);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    let now = s.chain.now().await;
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(
        (credential.issuer, credential.subject, credential.schema),
        (s.issuer, s.subject.pubkey(), s.schema)
    );
    assert_eq!(credential.commitment, [7; 32]);
    assert_eq!(credential.status, CredentialStatus::Active);
    assert_eq!(credential.issued_by, s.issuer_authority.pubkey());
    assert!(credential.valid_from <= now && credential.valid_from > now - 60);
    assert_eq!(
        credential.expires_at,
        credential.valid_from + YEAR,
        "the schema's default validity"
    );
    let events: Vec<CredentialIssued> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].credential, events[0].subject),
        (s.credential, s.subject.pubkey())
    );
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .credentials_issued,
        1
    );
    assert_eq!(
        s.chain
            .account::<Schema>(&s.schema)
            .await
            .unwrap()
            .credentials_issued,
        1
    );
}

#[tokio::test]
async fn issue_credential_with_explicit_window_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let mut args = s.credential_args([3; 32]);
    args.valid_from = Some(now - 5 * YEAR); // a degree awarded five years ago
    args.expires_at = Some(now + 2 * YEAR);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    let c: Credential = s
        .chain
        .account(&pda::credential(&s.issuer, &s.subject.pubkey(), &[3; 32]).0)
        .await
        .unwrap();
    assert_eq!(
        (c.valid_from, c.expires_at),
        (now - 5 * YEAR, now + 2 * YEAR)
    );
}

#[tokio::test]
async fn issue_credential_retry_cannot_duplicate() {
    let mut s = Scenario::build(Stage::Credential).await;
    let args = s.credential_args(s.credential_id);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    let out = s.chain.send(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(
        custom_code(&out),
        Some(ACCOUNT_ALREADY_IN_USE),
        "{:?}",
        out.result
    );
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .credentials_issued,
        1
    );
}

async fn issue_refused(s: &mut Scenario, expected: RegistryError) {
    let args = s.credential_args([4; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    let authority = s.issuer_authority.insecure_clone();
    assert_error(&s.chain.send(&[ix], &[&authority]).await, expected);
    let address = pda::credential(&s.issuer, &s.subject.pubkey(), &[4; 32]).0;
    assert!(
        s.chain.raw_account(&address).await.is_none(),
        "nothing was created"
    );
}

#[tokio::test]
async fn issue_credential_fails_when_issuer_pending() {
    let mut s = Scenario::build(Stage::PendingIssuer).await;
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args(SCHEMA_NAME, 1),
    );
    s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    issue_refused(&mut s, RegistryError::IssuerNotAccredited).await;
}

#[tokio::test]
async fn issue_credential_fails_when_issuer_suspended() {
    let mut s = Scenario::build(Stage::Schema).await;
    s.decide(IssuerDecision::Suspend).await;
    issue_refused(&mut s, RegistryError::IssuerNotAccredited).await;
}

#[tokio::test]
async fn issue_credential_fails_when_issuer_revoked() {
    let mut s = Scenario::build(Stage::Schema).await;
    s.decide(IssuerDecision::Revoke).await;
    issue_refused(&mut s, RegistryError::IssuerNotAccredited).await;
}

#[tokio::test]
async fn issue_credential_fails_when_registry_paused() {
    let mut s = Scenario::build(Stage::Schema).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    issue_refused(&mut s, RegistryError::RegistryPaused).await;
}

#[tokio::test]
async fn issue_credential_fails_on_invalid_window_or_commitment() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let cases: [(IssueEdit, RegistryError); 3] = [
        (
            |a, _| a.commitment = [0; 32],
            RegistryError::CommitmentEmpty,
        ),
        (
            |a, now| {
                a.valid_from = Some(now + 100);
                a.expires_at = Some(now + 50)
            },
            RegistryError::InvalidValidityWindow,
        ),
        (
            |a, now| {
                a.valid_from = Some(now - 100);
                a.expires_at = Some(now - 50)
            },
            RegistryError::ExpiryInPast,
        ),
    ];
    for (edit, expected) in cases {
        let mut args = s.credential_args([6; 32]);
        edit(&mut args, now);
        let ix = rix::issue_credential(
            &s.authority_signer(),
            &s.issuer_authority.pubkey(),
            &s.schema,
            args,
        );
        assert_error(&s.chain.send(&[ix], &[&s.issuer_authority]).await, expected);
    }
}

#[tokio::test]
async fn issue_credential_fails_when_stranger_signs() {
    let mut s = Scenario::build(Stage::Schema).await;
    let args = s.credential_args([4; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer_for(&s.stranger.pubkey()),
        &s.stranger.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotAuthorized,
    );
}

#[tokio::test]
async fn issue_credential_fails_with_schema_of_another_issuer() {
    let mut s = Scenario::build(Stage::Schema).await;
    // A second accredited issuer with its own schema.
    let council = s.chain.actor().await;
    s.chain
        .send_ok(
            &[rix::register_issuer(
                &council.pubkey(),
                &s.registry,
                issuer_args("nmc"),
            )],
            &[&council],
        )
        .await;
    let nmc = pda::issuer(&s.registry, "nmc").0;
    s.chain
        .send_ok(
            &[rix::decide_issuer(
                IssuerDecision::Accredit,
                &s.admin.pubkey(),
                &s.registry,
                &nmc,
            )],
            &[&s.admin],
        )
        .await;
    s.chain
        .send_ok(
            &[rix::create_schema(
                &council.pubkey(),
                &nmc,
                schema_args("pin", 1),
            )],
            &[&council],
        )
        .await;
    let foreign_schema = pda::schema(&nmc, "pin", 1).0;
    let args = s.credential_args([4; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &foreign_schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        AnchorError::ConstraintSeeds,
    );
}

#[tokio::test]
async fn issue_credential_by_delegate_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let args = s.credential_args([8; 32]);
    let ix = rix::issue_credential(
        &s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        args,
    );
    s.chain.send_ok(&[ix], &[&agent]).await;
    let c: Credential = s
        .chain
        .account(&pda::credential(&s.issuer, &s.subject.pubkey(), &[8; 32]).0)
        .await
        .unwrap();
    assert_eq!(c.issued_by, agent.pubkey());
}

#[tokio::test]
async fn issue_credential_fails_when_delegate_expired() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, 3600).await;
    s.chain.advance_time(3601).await;
    let args = s.credential_args([8; 32]);
    let ix = rix::issue_credential(
        &s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::DelegateExpired,
    );
}

#[tokio::test]
async fn issue_credential_fails_when_delegate_lacks_permission() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_REVOKE, WEEK).await;
    let args = s.credential_args([8; 32]);
    let ix = rix::issue_credential(
        &s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::DelegateMissingPermission,
    );
}

#[tokio::test]
async fn issue_credential_fails_with_another_keys_delegate_record() {
    // A stranger passes a real delegate record that belongs to someone else.
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let args = s.credential_args([8; 32]);
    let mut ix = rix::issue_credential(
        &s.delegate_signer(&s.stranger.pubkey()),
        &s.stranger.pubkey(),
        &s.schema,
        args,
    );
    ix.accounts[5].pubkey = pda::delegate(&s.issuer, &agent.pubkey()).0;
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        AnchorError::ConstraintSeeds,
    );
}

// ---------------------------------------------------------------- status changes

async fn change(s: &mut Scenario, change: CredentialChange) -> credence_tests::Outcome {
    let ix = rix::change_credential(change, &s.authority_signer(), &s.schema, &s.credential);
    let authority = s.issuer_authority.insecure_clone();
    s.chain.send(&[ix], &[&authority]).await
}

async fn status(s: &mut Scenario) -> CredentialStatus {
    s.chain
        .account::<Credential>(&s.credential)
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn suspend_and_reinstate_credential_ok() {
    let mut s = Scenario::build(Stage::Credential).await;
    let out = change(&mut s, CredentialChange::Suspend).await;
    let events: Vec<CredentialStatusChanged> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].previous, events[0].status),
        (CredentialStatus::Active, CredentialStatus::Suspended)
    );
    assert_eq!(status(&mut s).await, CredentialStatus::Suspended);
    change(&mut s, CredentialChange::Reinstate)
        .await
        .expect_ok();
    assert_eq!(status(&mut s).await, CredentialStatus::Active);
}

#[tokio::test]
async fn suspend_credential_fails_when_not_active() {
    let mut s = Scenario::build(Stage::Credential).await;
    change(&mut s, CredentialChange::Suspend).await.expect_ok();
    assert_error(
        &change(&mut s, CredentialChange::Suspend).await,
        RegistryError::CredentialNotActive,
    );
}

#[tokio::test]
async fn suspend_credential_fails_when_schema_not_suspendable() {
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
    s.credential = s.issue([9; 32]).await;
    assert_error(
        &change(&mut s, CredentialChange::Suspend).await,
        RegistryError::SchemaNotSuspendable,
    );
}

#[tokio::test]
async fn suspend_credential_fails_when_stranger_signs() {
    let mut s = Scenario::build(Stage::Credential).await;
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.authority_signer_for(&s.stranger.pubkey()),
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotAuthorized,
    );
    assert_eq!(status(&mut s).await, CredentialStatus::Active);
}

#[tokio::test]
async fn suspend_credential_fails_when_subject_signs() {
    // The candidate cannot change her own credential's status.
    let mut s = Scenario::build(Stage::Credential).await;
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.authority_signer_for(&s.subject.pubkey()),
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.subject]).await,
        RegistryError::NotAuthorized,
    );
}

#[tokio::test]
async fn suspend_credential_by_delegate_needs_permission() {
    let mut s = Scenario::build(Stage::Credential).await;
    let issuing_agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.delegate_signer(&issuing_agent.pubkey()),
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&issuing_agent]).await,
        RegistryError::DelegateMissingPermission,
    );
    let compliance = add_delegate(&mut s, PERMISSION_SUSPEND, WEEK).await;
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.delegate_signer(&compliance.pubkey()),
        &s.schema,
        &s.credential,
    );
    s.chain.send_ok(&[ix], &[&compliance]).await;
    assert_eq!(status(&mut s).await, CredentialStatus::Suspended);
}

#[tokio::test]
async fn suspend_credential_allowed_while_paused_but_reinstate_refused() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    change(&mut s, CredentialChange::Suspend).await.expect_ok();
    assert_error(
        &change(&mut s, CredentialChange::Reinstate).await,
        RegistryError::RegistryPaused,
    );
}

#[tokio::test]
async fn reinstate_credential_fails_when_not_suspended() {
    let mut s = Scenario::build(Stage::Credential).await;
    assert_error(
        &change(&mut s, CredentialChange::Reinstate).await,
        RegistryError::CredentialNotSuspended,
    );
}

#[tokio::test]
async fn reinstate_credential_fails_when_issuer_suspended() {
    let mut s = Scenario::build(Stage::Credential).await;
    change(&mut s, CredentialChange::Suspend).await.expect_ok();
    s.decide(IssuerDecision::Suspend).await;
    assert_error(
        &change(&mut s, CredentialChange::Reinstate).await,
        RegistryError::IssuerNotAccredited,
    );
}

#[tokio::test]
async fn revoke_credential_ok_with_reason_and_is_final() {
    let mut s = Scenario::build(Stage::Credential).await;
    let out = change(
        &mut s,
        CredentialChange::Revoke {
            reason: REASON_DISCIPLINARY,
        },
    )
    .await;
    let events: Vec<CredentialStatusChanged> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].status, events[0].reason),
        (CredentialStatus::Revoked, REASON_DISCIPLINARY)
    );
    let c: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(
        (c.status, c.revocation_reason),
        (CredentialStatus::Revoked, REASON_DISCIPLINARY)
    );
    // A revoked credential never becomes active again, and is not revoked twice.
    assert_error(
        &change(&mut s, CredentialChange::Reinstate).await,
        RegistryError::CredentialNotSuspended,
    );
    assert_error(
        &change(&mut s, CredentialChange::Suspend).await,
        RegistryError::CredentialNotActive,
    );
    assert_error(
        &change(
            &mut s,
            CredentialChange::Revoke {
                reason: REASON_FRAUD,
            },
        )
        .await,
        RegistryError::CredentialRevoked,
    );
    let expires_at = c.expires_at + YEAR;
    assert_error(
        &change(&mut s, CredentialChange::Renew { expires_at }).await,
        RegistryError::CredentialRevoked,
    );
    assert_eq!(
        s.chain
            .account::<Credential>(&s.credential)
            .await
            .unwrap()
            .revocation_reason,
        REASON_DISCIPLINARY
    );
}

#[tokio::test]
async fn revoke_credential_fails_without_reason() {
    let mut s = Scenario::build(Stage::Credential).await;
    assert_error(
        &change(&mut s, CredentialChange::Revoke { reason: 0 }).await,
        RegistryError::ReasonRequired,
    );
}

#[tokio::test]
async fn revoke_credential_allowed_when_issuer_suspended_and_registry_paused() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.decide(IssuerDecision::Suspend).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    change(
        &mut s,
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
    )
    .await
    .expect_ok();
    assert_eq!(status(&mut s).await, CredentialStatus::Revoked);
}

#[tokio::test]
async fn revoke_credential_fails_when_other_issuer_signs() {
    // Another accredited issuer of the same registry cannot revoke our credential, neither
    // through its own issuer account nor through ours.
    let mut s = Scenario::build(Stage::Credential).await;
    let council = s.chain.actor().await;
    s.chain
        .send_ok(
            &[rix::register_issuer(
                &council.pubkey(),
                &s.registry,
                issuer_args("nmc"),
            )],
            &[&council],
        )
        .await;
    let nmc = pda::issuer(&s.registry, "nmc").0;
    s.chain
        .send_ok(
            &[rix::decide_issuer(
                IssuerDecision::Accredit,
                &s.admin.pubkey(),
                &s.registry,
                &nmc,
            )],
            &[&s.admin],
        )
        .await;
    let mut signer = s.authority_signer_for(&council.pubkey());
    signer.issuer = nmc;
    let ix = rix::change_credential(
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
        &signer,
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&council]).await,
        AnchorError::ConstraintSeeds,
    );
    let ix = rix::change_credential(
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
        &s.authority_signer_for(&council.pubkey()),
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&council]).await,
        RegistryError::NotAuthorized,
    );
    assert_eq!(status(&mut s).await, CredentialStatus::Active);
}

#[tokio::test]
async fn change_credential_fails_with_wrong_schema() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.chain
        .send_ok(
            &[rix::create_schema(
                &s.issuer_authority.pubkey(),
                &s.issuer,
                schema_args("degree", 1),
            )],
            &[&s.issuer_authority],
        )
        .await;
    let other_schema = pda::schema(&s.issuer, "degree", 1).0;
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.authority_signer(),
        &other_schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::SchemaMismatch,
    );
}

#[tokio::test]
async fn change_credential_fails_when_account_is_not_a_credential() {
    // Type cosplay: the issuer account passed where a credential is expected.
    let mut s = Scenario::build(Stage::Credential).await;
    let mut ix = rix::change_credential(
        CredentialChange::Suspend,
        &s.authority_signer(),
        &s.schema,
        &s.credential,
    );
    ix.accounts[5].pubkey = s.issuer;
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        AnchorError::AccountDiscriminatorMismatch,
    );
}

#[tokio::test]
async fn renew_credential_ok() {
    let mut s = Scenario::build(Stage::Credential).await;
    let before: Credential = s.chain.account(&s.credential).await.unwrap();
    let expires_at = before.expires_at + YEAR;
    let out = change(&mut s, CredentialChange::Renew { expires_at }).await;
    let events: Vec<CredentialRenewed> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].previous_expires_at, events[0].expires_at),
        (before.expires_at, expires_at)
    );
    assert_eq!(
        s.chain
            .account::<Credential>(&s.credential)
            .await
            .unwrap()
            .expires_at,
        expires_at
    );
}

#[tokio::test]
async fn renew_credential_of_lapsed_licence_ok() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.chain.advance_time(YEAR + 10).await;
    let expires_at = s.chain.now().await + YEAR;
    change(&mut s, CredentialChange::Renew { expires_at })
        .await
        .expect_ok();
}

#[tokio::test]
async fn renew_credential_fails_when_not_extended_or_in_past() {
    let mut s = Scenario::build(Stage::Credential).await;
    let current = s
        .chain
        .account::<Credential>(&s.credential)
        .await
        .unwrap()
        .expires_at;
    assert_error(
        &change(
            &mut s,
            CredentialChange::Renew {
                expires_at: current,
            },
        )
        .await,
        RegistryError::ExpiryNotExtended,
    );
    s.chain.advance_time(3 * YEAR).await;
    let expires_at = current + 1;
    assert_error(
        &change(&mut s, CredentialChange::Renew { expires_at }).await,
        RegistryError::ExpiryInPast,
    );
}

#[tokio::test]
async fn renew_credential_fails_when_registry_paused() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&s.admin.pubkey(), &s.registry, true)],
            &[&s.admin],
        )
        .await;
    let expires_at = s.chain.now().await + 2 * YEAR;
    assert_error(
        &change(&mut s, CredentialChange::Renew { expires_at }).await,
        RegistryError::RegistryPaused,
    );
}

#[tokio::test]
async fn renew_credential_fails_when_delegate_lacks_permission() {
    let mut s = Scenario::build(Stage::Credential).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE | PERMISSION_SUSPEND, WEEK).await;
    let expires_at = s.chain.now().await + 2 * YEAR;
    let ix = rix::change_credential(
        CredentialChange::Renew { expires_at },
        &s.delegate_signer(&agent.pubkey()),
        &s.schema,
        &s.credential,
    );
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::DelegateMissingPermission,
    );
}

#[tokio::test]
async fn renew_credential_overflow_is_refused() {
    // A schema whose default validity overflows the clock when added to valid_from.
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let mut args = schema_args("forever", 1);
    args.default_validity_secs = i64::MAX;
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
    s.schema = pda::schema(&s.issuer, "forever", 1).0;
    issue_refused(&mut s, RegistryError::Overflow).await;
}

// ---------------------------------------------------------------- close

#[tokio::test]
async fn close_credential_ok_when_revoked() {
    let mut s = Scenario::build(Stage::Credential).await;
    change(
        &mut s,
        CredentialChange::Revoke {
            reason: REASON_SUPERSEDED,
        },
    )
    .await
    .expect_ok();
    let rent = s.chain.balance(&s.credential).await;
    let receiver = Pubkey::new_unique();
    let ix = rix::close_credential(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        &s.credential,
        &receiver,
    );
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(
        out.events::<CredentialClosed>(&REGISTRY)[0].receiver,
        receiver
    );
    assert!(s.chain.raw_account(&s.credential).await.is_none());
    assert_eq!(s.chain.balance(&receiver).await, rent);
}

#[tokio::test]
async fn close_credential_ok_when_expired() {
    let mut s = Scenario::build(Stage::Credential).await;
    s.chain.advance_time(YEAR + 1).await;
    let ix = rix::close_credential(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        &s.credential,
        &s.issuer_authority.pubkey(),
    );
    s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert!(s.chain.raw_account(&s.credential).await.is_none());
}

#[tokio::test]
async fn close_credential_fails_when_still_in_force() {
    let mut s = Scenario::build(Stage::Credential).await;
    change(&mut s, CredentialChange::Suspend).await.expect_ok();
    let ix = rix::close_credential(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        &s.credential,
        &s.issuer_authority.pubkey(),
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::CredentialNotClosable,
    );
    assert!(s.chain.raw_account(&s.credential).await.is_some());
}

#[tokio::test]
async fn close_credential_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::Credential).await;
    change(
        &mut s,
        CredentialChange::Revoke {
            reason: REASON_SUPERSEDED,
        },
    )
    .await
    .expect_ok();
    // Not the subject, not a stranger: only the issuer's authority closes.
    for key in [s.subject.insecure_clone(), s.stranger.insecure_clone()] {
        let ix = rix::close_credential(&key.pubkey(), &s.issuer, &s.credential, &key.pubkey());
        assert_error(
            &s.chain.send(&[ix], &[&key]).await,
            RegistryError::NotIssuerAuthority,
        );
    }
}
