//! `create_registry`, `transfer_admin`, `accept_admin`, `set_paused`: the registry's governance.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::{constants::*, error::RegistryError, events::*, state::Registry};
use credence_sdk::{ix::registry as rix, pda};
use credence_tests::{assert_error, custom_code, Scenario, Stage, REGISTRY_NAME};
use solana_signer::Signer;

use super::{ACCOUNT_ALREADY_IN_USE, REGISTRY};

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
