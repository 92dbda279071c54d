//! Issuers: `register_issuer`, the admin's decisions (`accredit_issuer`, `accredit_issuer_checked`,
//! `suspend_issuer`, `reinstate_issuer`, `revoke_issuer`), `update_issuer` and
//! `rotate_issuer_authority`.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Issuer, IssuerStatus, Registry},
    UpdateIssuerArgs,
};
use credence_sdk::{
    ix::registry::{self as rix, IssuerDecision},
    pda,
};
use credence_tests::{assert_error, custom_code, issuer_args, schema_args, Scenario, Stage};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::{ACCOUNT_ALREADY_IN_USE, REGISTRY};

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
