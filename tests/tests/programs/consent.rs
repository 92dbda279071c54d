//! `credence_consent`: every instruction's success path and each way it must refuse.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::{
    constants::*,
    error::ConsentError,
    events::*,
    state::{AccessOutcome, CredentialRef, Grant},
    UpdateGrantArgs,
};
use credence_registry::constants::REASON_FRAUD;
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange},
    },
    pda,
};
use credence_tests::{assert_error, custom_code, Outcome, Scenario, Stage, WEEK};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const CONSENT: Pubkey = credence_consent::ID;

async fn grant(s: &mut Scenario) -> Grant {
    let address = s.grant;
    s.chain.account(&address).await.expect("the grant exists")
}

async fn create(s: &mut Scenario, args: credence_consent::CreateGrantArgs) -> Outcome {
    let ix = cix::create_grant(&s.subject.pubkey(), args);
    let subject = s.subject.insecure_clone();
    s.chain.send(&[ix], &[&subject]).await
}

async fn record(s: &mut Scenario, mask: u16) -> Outcome {
    let grant = s.grant;
    let accessed = s.accessed(&grant, mask).await;
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &s.grant,
        mask,
        AccessOutcome::Verified,
        &accessed,
    );
    let recruiter = s.recruiter.insecure_clone();
    s.chain.send(&[ix], &[&recruiter]).await
}

async fn update(s: &mut Scenario, args: UpdateGrantArgs) -> Outcome {
    let ix = cix::update_grant(&s.subject.pubkey(), &s.grant, args);
    let subject = s.subject.insecure_clone();
    s.chain.send(&[ix], &[&subject]).await
}

fn no_change() -> UpdateGrantArgs {
    UpdateGrantArgs {
        expires_at: None,
        max_uses: None,
        purpose: None,
        credentials: None,
        sealed_key: None,
    }
}

/// A credential of the same issuer issued to another candidate.
async fn someone_elses_credential(s: &mut Scenario) -> Pubkey {
    let other = Keypair::new();
    let mut args = s.credential_args([42; 32]);
    args.subject = other.pubkey();
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    let authority = s.issuer_authority.insecure_clone();
    s.chain.send_ok(&[ix], &[&authority]).await;
    pda::credential(&s.issuer, &other.pubkey(), &[42; 32]).0
}

// ---------------------------------------------------------------- create

/// An edit applied to valid grant arguments: `(args, now, subject)`.
type GrantEdit = fn(&mut credence_consent::CreateGrantArgs, i64, Pubkey);

#[tokio::test]
async fn create_grant_ok() {
    let mut s = Scenario::build(Stage::Credential).await;
    let second = s.issue([2; 32]).await;
    let mut args = s.grant_args(s.grant_id, vec![s.credential, second]).await;
    args.max_uses = 3;
    args.sealed_key = vec![5; MAX_SEALED_KEY_LEN];
    let expires_at = args.expires_at;
    let out = create(&mut s, args).await;
    let events: Vec<GrantCreated> = out.events(&CONSENT);
    assert_eq!(events.len(), 1, "{:?}", out.result);
    assert_eq!(
        (events[0].grant, events[0].grantee),
        (s.grant, s.recruiter.pubkey())
    );
    let g = grant(&mut s).await;
    assert_eq!(
        (g.subject, g.grantee, g.grant_id),
        (s.subject.pubkey(), s.recruiter.pubkey(), s.grant_id)
    );
    assert_eq!(
        g.credentials,
        vec![
            CredentialRef::Account {
                address: s.credential
            },
            CredentialRef::Account { address: second }
        ]
    );
    assert_eq!(
        (g.expires_at, g.max_uses, g.uses, g.revoked_at),
        (expires_at, 3, 0, 0)
    );
    assert_eq!(g.sealed_key.len(), MAX_SEALED_KEY_LEN);
    assert_eq!(
        g.bump,
        pda::grant(&s.subject.pubkey(), &s.recruiter.pubkey(), s.grant_id).1
    );
}

#[tokio::test]
async fn create_grant_fails_over_someone_elses_credential() {
    let mut s = Scenario::build(Stage::Credential).await;
    let foreign = someone_elses_credential(&mut s).await;
    let args = s.grant_args(s.grant_id, vec![s.credential, foreign]).await;
    assert_error(
        &create(&mut s, args).await,
        ConsentError::CredentialOfAnotherSubject,
    );
    assert!(s.chain.raw_account(&s.grant).await.is_none());
}

#[tokio::test]
async fn create_grant_fails_when_account_not_owned_by_registry() {
    // A fake "credential" made by the attacker: a plain system account (wrong owner).
    let mut s = Scenario::build(Stage::Credential).await;
    let fake = s.stranger.pubkey();
    let args = s.grant_args(s.grant_id, vec![fake]).await;
    assert_error(
        &create(&mut s, args).await,
        ConsentError::CredentialNotOwnedByRegistry,
    );
}

#[tokio::test]
async fn create_grant_fails_when_account_is_not_a_credential() {
    // Type cosplay: a registry-owned account of another type (the issuer) listed as a credential.
    let mut s = Scenario::build(Stage::Credential).await;
    let issuer = s.issuer;
    let args = s.grant_args(s.grant_id, vec![issuer]).await;
    assert_error(&create(&mut s, args).await, ConsentError::NotACredential);
}

#[tokio::test]
async fn create_grant_fails_when_accounts_do_not_match_the_list() {
    let mut s = Scenario::build(Stage::Credential).await;
    let second = s.issue([2; 32]).await;
    // Listed: our credential; passed: another (real, ours) credential.
    let args = s.grant_args(s.grant_id, vec![s.credential]).await;
    let mut ix = cix::create_grant(&s.subject.pubkey(), args.clone());
    let last = ix.accounts.len() - 1;
    ix.accounts[last].pubkey = second;
    let out = s.chain.send(&[ix], &[&s.subject]).await;
    assert_error(&out, ConsentError::CredentialAccountsMismatch);
    // Listed: one credential; passed: none.
    let mut ix = cix::create_grant(&s.subject.pubkey(), args);
    ix.accounts.pop();
    let out = s.chain.send(&[ix], &[&s.subject]).await;
    assert_error(&out, ConsentError::CredentialAccountsMismatch);
}

#[tokio::test]
async fn create_grant_fails_on_bad_credential_lists() {
    let mut s = Scenario::build(Stage::Credential).await;
    let credential = s.credential;
    let args = s.grant_args(s.grant_id, vec![]).await;
    assert_error(&create(&mut s, args).await, ConsentError::NoCredentials);
    let args = s.grant_args(s.grant_id, vec![credential, credential]).await;
    assert_error(
        &create(&mut s, args).await,
        ConsentError::DuplicateCredential,
    );
    // A credential named as a cohort leaf.
    let mut args = s.grant_args(s.grant_id, vec![]).await;
    args.credentials = vec![CredentialRef::CohortLeaf {
        cohort: credential,
        index: 3,
    }];
    assert_error(&create(&mut s, args).await, ConsentError::NotACohort);
    // Seventeen references (no accounts: the count is refused first, and the transaction fits).
    let mut args = s.grant_args(s.grant_id, vec![]).await;
    args.credentials = (0..MAX_GRANT_CREDENTIALS as u32 + 1)
        .map(|index| CredentialRef::CohortLeaf {
            cohort: credential,
            index,
        })
        .collect();
    let ix = cix::create_grant(&s.subject.pubkey(), args);
    let mut ix = ix;
    ix.accounts.truncate(3);
    let out = s.chain.send(&[ix], &[&s.subject]).await;
    assert_error(&out, ConsentError::TooManyCredentials);
}

#[tokio::test]
async fn create_grant_fails_on_bad_arguments() {
    let mut s = Scenario::build(Stage::Credential).await;
    let now = s.chain.now().await;
    let subject = s.subject.pubkey();
    let cases: [(GrantEdit, ConsentError); 5] = [
        (
            |a, _, _| a.purpose = String::new(),
            ConsentError::PurposeInvalid,
        ),
        (
            |a, _, _| a.purpose = "p".repeat(MAX_PURPOSE_LEN + 1),
            ConsentError::PurposeInvalid,
        ),
        (
            |a, _, _| a.sealed_key = vec![1; MAX_SEALED_KEY_LEN + 1],
            ConsentError::SealedKeyTooLong,
        ),
        (|a, now, _| a.expires_at = now, ConsentError::ExpiryInPast),
        (|a, _, subject| a.grantee = subject, ConsentError::SelfGrant),
    ];
    for (edit, expected) in cases {
        let mut args = s.grant_args(7, vec![s.credential]).await;
        edit(&mut args, now, subject);
        assert_error(&create(&mut s, args).await, expected);
    }
}

#[tokio::test]
async fn create_grant_fails_when_reinitialised() {
    let mut s = Scenario::build(Stage::Grant).await;
    let before = grant(&mut s).await;
    let mut args = s.grant_args(s.grant_id, vec![s.credential]).await;
    args.purpose = "Overwrite".into();
    let out = create(&mut s, args).await;
    assert_eq!(
        custom_code(&out),
        Some(0),
        "the system program's AccountAlreadyInUse: {:?}",
        out.result
    );
    assert_eq!(grant(&mut s).await.purpose, before.purpose);
}

#[tokio::test]
async fn create_grant_fails_when_someone_else_signs_for_the_subject() {
    // A recruiter cannot create a grant in the candidate's name: the address derives from the
    // signer, so it cannot be the candidate's grant address.
    let mut s = Scenario::build(Stage::Credential).await;
    let args = s.grant_args(s.grant_id, vec![s.credential]).await;
    let mut ix = cix::create_grant(&s.recruiter.pubkey(), args);
    ix.accounts[1].pubkey = s.grant;
    let out = s.chain.send(&[ix], &[&s.recruiter]).await;
    assert_error(&out, AnchorError::ConstraintSeeds);
    // With its own address, the credentials are still not the signer's.
    let args = s.grant_args(s.grant_id, vec![s.credential]).await;
    let mut args = args;
    args.grantee = s.stranger.pubkey();
    let ix = cix::create_grant(&s.recruiter.pubkey(), args);
    let out = s.chain.send(&[ix], &[&s.recruiter]).await;
    assert_error(&out, ConsentError::CredentialOfAnotherSubject);
}

// ---------------------------------------------------------------- update

#[tokio::test]
async fn update_grant_ok() {
    let mut s = Scenario::build(Stage::Grant).await;
    let second = s.issue([2; 32]).await;
    let expires_at = s.chain.now().await + 2 * WEEK;
    let args = UpdateGrantArgs {
        expires_at: Some(expires_at),
        max_uses: Some(5),
        purpose: Some("Recruitment: theatre nurse".into()),
        credentials: Some(vec![CredentialRef::Account { address: second }]),
        sealed_key: Some(vec![1, 2, 3]),
    };
    let out = update(&mut s, args).await;
    let events: Vec<GrantUpdated> = out.events(&CONSENT);
    assert_eq!((events[0].expires_at, events[0].max_uses), (expires_at, 5));
    let g = grant(&mut s).await;
    assert_eq!(
        (g.expires_at, g.max_uses, g.purpose.as_str()),
        (expires_at, 5, "Recruitment: theatre nurse")
    );
    assert_eq!(
        g.credentials,
        vec![CredentialRef::Account { address: second }]
    );
    assert_eq!(g.sealed_key, vec![1, 2, 3]);
}

#[tokio::test]
async fn update_grant_fails_when_not_subject() {
    let mut s = Scenario::build(Stage::Grant).await;
    let args = UpdateGrantArgs {
        max_uses: Some(100),
        ..no_change()
    };
    for key in [s.recruiter.insecure_clone(), s.stranger.insecure_clone()] {
        let ix = cix::update_grant(&key.pubkey(), &s.grant, args.clone());
        let out = s.chain.send(&[ix], &[&key]).await;
        assert_error(&out, AnchorError::ConstraintSeeds);
    }
    assert_eq!(grant(&mut s).await.max_uses, 0);
}

#[tokio::test]
async fn update_grant_fails_on_bad_values() {
    let mut s = Scenario::build(Stage::Grant).await;
    assert_error(
        &update(&mut s, no_change()).await,
        ConsentError::NothingToUpdate,
    );
    let now = s.chain.now().await;
    assert_error(
        &update(
            &mut s,
            UpdateGrantArgs {
                expires_at: Some(now - 1),
                ..no_change()
            },
        )
        .await,
        ConsentError::ExpiryInPast,
    );
    assert_error(
        &update(
            &mut s,
            UpdateGrantArgs {
                purpose: Some(String::new()),
                ..no_change()
            },
        )
        .await,
        ConsentError::PurposeInvalid,
    );
    assert_error(
        &update(
            &mut s,
            UpdateGrantArgs {
                sealed_key: Some(vec![0; MAX_SEALED_KEY_LEN + 1]),
                ..no_change()
            },
        )
        .await,
        ConsentError::SealedKeyTooLong,
    );
    let foreign = someone_elses_credential(&mut s).await;
    let args = UpdateGrantArgs {
        credentials: Some(vec![CredentialRef::Account { address: foreign }]),
        ..no_change()
    };
    assert_error(
        &update(&mut s, args).await,
        ConsentError::CredentialOfAnotherSubject,
    );
}

#[tokio::test]
async fn update_grant_fails_when_max_uses_below_uses() {
    let mut s = Scenario::build(Stage::Grant).await;
    record(&mut s, 1).await.expect_ok();
    record(&mut s, 1).await.expect_ok();
    assert_error(
        &update(
            &mut s,
            UpdateGrantArgs {
                max_uses: Some(1),
                ..no_change()
            },
        )
        .await,
        ConsentError::MaxUsesBelowUses,
    );
    update(
        &mut s,
        UpdateGrantArgs {
            max_uses: Some(2),
            ..no_change()
        },
    )
    .await
    .expect_ok();
    assert_error(&record(&mut s, 1).await, ConsentError::GrantUsedUp);
}

#[tokio::test]
async fn update_grant_fails_when_revoked() {
    let mut s = Scenario::build(Stage::Grant).await;
    s.chain
        .send_ok(
            &[cix::revoke_grant(&s.subject.pubkey(), &s.grant)],
            &[&s.subject],
        )
        .await;
    let expires_at = s.chain.now().await + WEEK;
    assert_error(
        &update(
            &mut s,
            UpdateGrantArgs {
                expires_at: Some(expires_at),
                ..no_change()
            },
        )
        .await,
        ConsentError::GrantRevoked,
    );
}

// ---------------------------------------------------------------- revoke and close

#[tokio::test]
async fn revoke_grant_ok_and_ends_access() {
    let mut s = Scenario::build(Stage::Grant).await;
    let out = s
        .chain
        .send_ok(
            &[cix::revoke_grant(&s.subject.pubkey(), &s.grant)],
            &[&s.subject],
        )
        .await;
    let events: Vec<GrantRevoked> = out.events(&CONSENT);
    assert_eq!(
        (events[0].grant, events[0].grantee),
        (s.grant, s.recruiter.pubkey())
    );
    assert!(grant(&mut s).await.revoked_at > 0);
    assert_error(&record(&mut s, 1).await, ConsentError::GrantRevoked);
    let out = s
        .chain
        .send(
            &[cix::revoke_grant(&s.subject.pubkey(), &s.grant)],
            &[&s.subject],
        )
        .await;
    assert_error(&out, ConsentError::GrantRevoked);
}

#[tokio::test]
async fn revoke_grant_fails_when_not_subject() {
    let mut s = Scenario::build(Stage::Grant).await;
    let out = s
        .chain
        .send(
            &[cix::revoke_grant(&s.recruiter.pubkey(), &s.grant)],
            &[&s.recruiter],
        )
        .await;
    assert_error(&out, AnchorError::ConstraintSeeds);
    assert_eq!(grant(&mut s).await.revoked_at, 0);
}

#[tokio::test]
async fn close_grant_ok_returns_rent() {
    let mut s = Scenario::build(Stage::Grant).await;
    let rent = s.chain.balance(&s.grant).await;
    let before = s.chain.balance(&s.subject.pubkey()).await;
    let out = s
        .chain
        .send_ok(
            &[cix::close_grant(&s.subject.pubkey(), &s.grant)],
            &[&s.subject],
        )
        .await;
    assert_eq!(out.events::<GrantClosed>(&CONSENT)[0].grant, s.grant);
    assert!(s.chain.raw_account(&s.grant).await.is_none());
    assert_eq!(s.chain.balance(&s.subject.pubkey()).await, before + rent);
    // A closed grant records nothing.
    assert_error(&record(&mut s, 1).await, AnchorError::AccountNotInitialized);
}

#[tokio::test]
async fn close_grant_fails_when_not_subject() {
    let mut s = Scenario::build(Stage::Grant).await;
    let out = s
        .chain
        .send(
            &[cix::close_grant(&s.stranger.pubkey(), &s.grant)],
            &[&s.stranger],
        )
        .await;
    assert_error(&out, AnchorError::ConstraintSeeds);
    assert!(s.chain.raw_account(&s.grant).await.is_some());
}

// ---------------------------------------------------------------- record access

#[tokio::test]
async fn record_access_ok_counts_and_names_the_credentials() {
    let mut s = Scenario::build(Stage::Credential).await;
    let second = s.issue([2; 32]).await;
    let args = s.grant_args(s.grant_id, vec![s.credential, second]).await;
    create(&mut s, args).await.expect_ok();
    let out = record(&mut s, 0b10).await;
    let events: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(events.len(), 1, "{:?}", out.result);
    assert_eq!(
        events[0].credentials,
        vec![CredentialRef::Account { address: second }]
    );
    assert_eq!(
        (events[0].grantee, events[0].subject),
        (s.recruiter.pubkey(), s.subject.pubkey())
    );
    assert_eq!(
        (events[0].outcome, events[0].use_number),
        (AccessOutcome::Verified, 1)
    );
    let address = s.grant;
    let accessed = s.accessed(&address, 0b11).await;
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &address,
        0b11,
        AccessOutcome::Failed,
        &accessed,
    );
    let out = s.chain.send_ok(&[ix], &[&s.recruiter]).await;
    let events: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(
        (
            events[0].credentials.len(),
            events[0].outcome,
            events[0].use_number
        ),
        (2, AccessOutcome::Failed, 2)
    );
    let g = grant(&mut s).await;
    assert_eq!(g.uses, 2);
    assert!(g.last_access_at > 0);
}

#[tokio::test]
async fn record_access_fails_when_not_grantee() {
    let mut s = Scenario::build(Stage::Grant).await;
    for key in [s.stranger.insecure_clone(), s.subject.insecure_clone()] {
        let ix = cix::record_access(&key.pubkey(), &s.grant, 1, AccessOutcome::Verified, &[]);
        let out = s.chain.send(&[ix], &[&key]).await;
        assert_error(&out, AnchorError::ConstraintSeeds);
    }
    assert_eq!(grant(&mut s).await.uses, 0);
}

#[tokio::test]
async fn record_access_fails_when_expired() {
    let mut s = Scenario::build(Stage::Grant).await;
    s.chain.advance_time(WEEK + 1).await;
    assert_error(&record(&mut s, 1).await, ConsentError::GrantExpired);
}

#[tokio::test]
async fn record_access_fails_when_used_up() {
    let mut s = Scenario::build(Stage::Credential).await;
    let mut args = s.grant_args(s.grant_id, vec![s.credential]).await;
    args.max_uses = 1;
    create(&mut s, args).await.expect_ok();
    record(&mut s, 1).await.expect_ok();
    assert_error(&record(&mut s, 1).await, ConsentError::GrantUsedUp);
    assert_eq!(grant(&mut s).await.uses, 1);
}

#[tokio::test]
async fn record_access_fails_on_bad_selection() {
    let mut s = Scenario::build(Stage::Grant).await;
    assert_error(&record(&mut s, 0).await, ConsentError::EmptySelection);
    assert_error(
        &record(&mut s, 0b10).await,
        ConsentError::SelectionOutOfRange,
    );
    assert_error(
        &record(&mut s, 1 << 15).await,
        ConsentError::SelectionOutOfRange,
    );
}

#[tokio::test]
async fn record_access_fails_with_another_grant() {
    // A recruiter holding a grant from one candidate cannot record against another's grant.
    let mut s = Scenario::build(Stage::Grant).await;
    let other_recruiter = s.chain.actor().await;
    let mut args = s.grant_args(2, vec![s.credential]).await;
    args.grantee = other_recruiter.pubkey();
    create(&mut s, args).await.expect_ok();
    let ix = cix::record_access(
        &other_recruiter.pubkey(),
        &s.grant,
        1,
        AccessOutcome::Verified,
        &[],
    );
    assert_error(
        &s.chain.send(&[ix], &[&other_recruiter]).await,
        AnchorError::ConstraintSeeds,
    );
}

#[tokio::test]
async fn record_access_fails_when_account_is_not_a_grant() {
    let mut s = Scenario::build(Stage::Grant).await;
    // A registry credential (owned by the other program) in the grant's place.
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &s.credential,
        1,
        AccessOutcome::Verified,
        &[],
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.recruiter]).await,
        AnchorError::AccountOwnedByWrongProgram,
    );
}

#[tokio::test]
async fn grant_stays_in_force_when_credential_is_revoked() {
    // Consent and credential status are separate: the grant records that access happened; the
    // verifier's report shows the revocation (the SDK checks it).
    let mut s = Scenario::build(Stage::Grant).await;
    let ix = rix::change_credential(
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
        &s.authority_signer(),
        &s.schema,
        &s.credential,
    );
    s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    let address = s.grant;
    let accessed = s.accessed(&address, 1).await;
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &address,
        1,
        AccessOutcome::Failed,
        &accessed,
    );
    let out = s.chain.send_ok(&[ix], &[&s.recruiter]).await;
    assert_eq!(
        out.events::<AccessRecorded>(&CONSENT)[0].outcome,
        AccessOutcome::Failed
    );
}
