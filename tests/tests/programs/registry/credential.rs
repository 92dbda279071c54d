//! Credentials: `issue_credential` (by the authority and by delegates), the status changes
//! (`suspend_credential`, `reinstate_credential`, `revoke_credential`, `renew_credential`) and
//! `close_credential`.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Credential, CredentialStatus},
};
use credence_sdk::{
    ix::registry::{self as rix, CredentialChange, IssuerDecision},
    pda,
};
use credence_tests::{
    assert_error, custom_code, issuer_args, schema_args, Scenario, Stage, SCHEMA_NAME, WEEK, YEAR,
};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::{delegate::add_delegate, ACCOUNT_ALREADY_IN_USE, REGISTRY};

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
    // The issuer and the schema are read only: one issuer's issuances share no write lock.
    for shared in [s.registry, s.issuer, s.schema] {
        let meta = ix.accounts.iter().find(|m| m.pubkey == shared).unwrap();
        assert!(!meta.is_writable, "{shared} is named read only");
    }
    let issuer_before = s.chain.raw_account(&s.issuer).await.unwrap();
    let schema_before = s.chain.raw_account(&s.schema).await.unwrap();
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(s.chain.raw_account(&s.issuer).await.unwrap(), issuer_before);
    assert_eq!(s.chain.raw_account(&s.schema).await.unwrap(), schema_before);
    let now = s.chain.now().await;
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(
        (credential.issuer, credential.subject, credential.schema),
        (s.issuer, s.subject.pubkey(), s.schema)
    );
    assert_eq!(credential.commitment, [7; 32]);
    assert_eq!(credential.status, CredentialStatus::Active);
    assert!(credential.valid_from <= now && credential.valid_from > now - 60);
    assert_eq!(
        credential.expires_at,
        credential.valid_from + YEAR,
        "the schema's default validity"
    );
    let events: Vec<CredentialIssued> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].credential, events[0].subject, events[0].issued_by),
        (
            s.credential,
            s.subject.pubkey(),
            s.issuer_authority.pubkey()
        )
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
    let out = s.chain.send_ok(&[ix], &[&agent]).await;
    let address = pda::credential(&s.issuer, &s.subject.pubkey(), &[8; 32]).0;
    let c: Credential = s.chain.account(&address).await.unwrap();
    assert_eq!(c.issuer, s.issuer);
    let events: Vec<CredentialIssued> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].credential, events[0].issued_by),
        (address, agent.pubkey()),
        "the event names the delegate that signed"
    );
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

// Status changes.

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

// Close.

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
