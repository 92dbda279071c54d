//! Delegates: `add_delegate` and `remove_delegate`.

use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Delegate, Issuer},
    AddDelegateArgs,
};
use credence_sdk::{ix::registry as rix, pda};
use credence_tests::{assert_error, Scenario, Stage, WEEK};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::REGISTRY;

/// Adds a delegate with `permissions` for `expires_in` seconds; returns its key.
pub(super) async fn add_delegate(s: &mut Scenario, permissions: u8, expires_in: i64) -> Keypair {
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
