//! `issue_credentials`: a batch of credentials sharing a schema and a window, the shared accounts
//! named once. Its success path (the same accounts and events as `issue_credential`, the issuer
//! and schema untouched, a pre-funded address still issued) and each way it must refuse.

use anchor_lang::Space;
use credence_registry::{
    constants::*,
    error::RegistryError,
    events::CredentialIssued,
    state::{Credential, CredentialStatus},
    BatchCredential, IssueCredentialsArgs,
};
use credence_sdk::{
    ix::registry::{self as rix, IssuerDecision},
    pda,
    transport::{transaction_size, MAX_TRANSACTION_SIZE},
};
use credence_tests::{assert_error, custom_code, Scenario, Stage, WEEK, YEAR};
use solana_instruction::AccountMeta;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::{delegate::add_delegate, ACCOUNT_ALREADY_IN_USE, REGISTRY};

/// `n` credentials to distinct subjects, ids starting at `first`.
fn items(n: usize, first: u8) -> Vec<BatchCredential> {
    (0..n)
        .map(|i| BatchCredential {
            credential_id: [first + i as u8; 32],
            subject: Keypair::new().pubkey(),
            commitment: [0x40 + i as u8; 32],
        })
        .collect()
}

fn args(credentials: Vec<BatchCredential>) -> IssueCredentialsArgs {
    IssueCredentialsArgs {
        valid_from: None,
        expires_at: None,
        credentials,
    }
}

fn address(s: &Scenario, item: &BatchCredential) -> Pubkey {
    pda::credential(&s.issuer, &item.subject, &item.credential_id).0
}

/// The batch of `args` by the issuer's authority.
fn batch(s: &Scenario, args: IssueCredentialsArgs) -> solana_instruction::Instruction {
    rix::issue_credentials(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    )
}

/// Sends `args` as the authority and asserts it is refused with `expected`, creating nothing.
async fn refused(s: &mut Scenario, args: IssueCredentialsArgs, expected: RegistryError) {
    let addresses: Vec<Pubkey> = args.credentials.iter().map(|c| address(s, c)).collect();
    let ix = batch(s, args);
    let authority = s.issuer_authority.insecure_clone();
    assert_error(&s.chain.send(&[ix], &[&authority]).await, expected);
    for address in addresses {
        assert!(s.chain.raw_account(&address).await.is_none(), "{address}");
    }
}

#[tokio::test]
async fn issue_credentials_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let batch_items = items(7, 1);
    let ix = batch(&s, args(batch_items.clone()));
    assert!(
        transaction_size(std::slice::from_ref(&ix), &s.issuer_authority.pubkey())
            <= MAX_TRANSACTION_SIZE,
        "7 fit one legacy transaction"
    );
    for shared in [s.registry, s.issuer, s.schema] {
        let meta = ix.accounts.iter().find(|m| m.pubkey == shared).unwrap();
        assert!(!meta.is_writable, "{shared} is named read only");
    }
    let shared_before = (
        s.chain.raw_account(&s.issuer).await,
        s.chain.raw_account(&s.schema).await,
    );
    let authority = s.issuer_authority.insecure_clone();
    let out = s.chain.send_ok(&[ix], &[&authority]).await;
    let now = s.chain.now().await;
    let rent = s
        .chain
        .rent()
        .await
        .minimum_balance(8 + Credential::INIT_SPACE);
    let events: Vec<CredentialIssued> = out.events(&REGISTRY);
    assert_eq!(events.len(), 7);
    for (item, event) in batch_items.iter().zip(&events) {
        let address = address(&s, item);
        let raw = s.chain.raw_account(&address).await.unwrap();
        assert_eq!(
            (raw.owner, raw.data.len(), raw.lamports),
            (REGISTRY, 205, rent)
        );
        let c: Credential = s.chain.account(&address).await.unwrap();
        assert_eq!(
            (c.issuer, c.subject, c.schema, c.credential_id, c.commitment),
            (
                s.issuer,
                item.subject,
                s.schema,
                item.credential_id,
                item.commitment
            )
        );
        assert_eq!(c.status, CredentialStatus::Active);
        assert_eq!((c.issued_at, c.valid_from), (now, now));
        assert_eq!(c.expires_at, now + YEAR, "the schema's default validity");
        assert_eq!(
            c.bump,
            pda::credential(&s.issuer, &item.subject, &item.credential_id).1
        );
        assert_eq!(
            (event.credential, event.subject, event.issued_by),
            (address, item.subject, authority.pubkey())
        );
    }
    assert_eq!(
        (
            s.chain.raw_account(&s.issuer).await,
            s.chain.raw_account(&s.schema).await
        ),
        shared_before,
        "issuing writes neither the issuer nor the schema"
    );
}

#[tokio::test]
async fn issue_credentials_by_delegate_with_an_explicit_window_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_ISSUE, WEEK).await;
    let now = s.chain.now().await;
    let batch_items = items(2, 20);
    let mut a = args(batch_items.clone());
    a.valid_from = Some(now - 5 * YEAR);
    a.expires_at = Some(now + 2 * YEAR);
    let ix = rix::issue_credentials(
        &s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        a,
    );
    let out = s.chain.send_ok(&[ix], &[&agent]).await;
    for item in &batch_items {
        let c: Credential = s.chain.account(&address(&s, item)).await.unwrap();
        assert_eq!(
            (c.valid_from, c.expires_at),
            (now - 5 * YEAR, now + 2 * YEAR)
        );
    }
    let events: Vec<CredentialIssued> = out.events(&REGISTRY);
    assert!(events.iter().all(|e| e.issued_by == agent.pubkey()));
}

/// Someone sent lamports to a credential's address before it was issued: the batch still
/// issues it (topped up to rent exemption), as `init` would.
#[tokio::test]
async fn issue_credentials_issues_at_a_prefunded_address() {
    let mut s = Scenario::build(Stage::Schema).await;
    let batch_items = items(2, 30);
    let target = address(&s, &batch_items[1]);
    s.chain.fund(&target, 1_000_000).await;
    let ix = batch(&s, args(batch_items.clone()));
    let authority = s.issuer_authority.insecure_clone();
    s.chain.send_ok(&[ix], &[&authority]).await;
    let rent = s
        .chain
        .rent()
        .await
        .minimum_balance(8 + Credential::INIT_SPACE);
    let raw = s.chain.raw_account(&target).await.unwrap();
    assert_eq!((raw.owner, raw.lamports), (REGISTRY, rent));
    let c: Credential = s.chain.account(&target).await.unwrap();
    assert_eq!(c.subject, batch_items[1].subject);
}

/// A batch repeating a credential already issued lands nothing: the system program refuses to
/// create the existing account, and the whole transaction with it.
#[tokio::test]
async fn issue_credentials_retry_cannot_duplicate() {
    let mut s = Scenario::build(Stage::Schema).await;
    let first = items(2, 40);
    let authority = s.issuer_authority.insecure_clone();
    s.chain
        .send_ok(&[batch(&s, args(first.clone()))], &[&authority])
        .await;
    let mut again = items(1, 50);
    again.push(first[0].clone());
    let out = s
        .chain
        .send(&[batch(&s, args(again.clone()))], &[&authority])
        .await;
    assert_eq!(
        custom_code(&out),
        Some(ACCOUNT_ALREADY_IN_USE),
        "{:?}",
        out.result
    );
    assert!(s.chain.raw_account(&address(&s, &again[0])).await.is_none());
}

#[tokio::test]
async fn issue_credentials_fails_on_a_bad_batch_size() {
    let mut s = Scenario::build(Stage::Schema).await;
    refused(&mut s, args(Vec::new()), RegistryError::BatchSizeInvalid).await;
    refused(
        &mut s,
        args(items(MAX_ISSUE_BATCH + 1, 60)),
        RegistryError::BatchSizeInvalid,
    )
    .await;
}

#[tokio::test]
async fn issue_credentials_fails_when_addresses_do_not_match() {
    let mut s = Scenario::build(Stage::Schema).await;
    let authority = s.issuer_authority.insecure_clone();
    // One address missing.
    let batch_items = items(3, 90);
    let mut ix = batch(&s, args(batch_items.clone()));
    ix.accounts.pop();
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::BatchAccountsMismatch,
    );
    // Two addresses swapped.
    let mut ix = batch(&s, args(batch_items.clone()));
    let n = ix.accounts.len();
    ix.accounts.swap(n - 1, n - 2);
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::CredentialAddressMismatch,
    );
    // Another issuer's address for the same subject and id (not this issuer's PDA).
    let mut ix = batch(&s, args(batch_items.clone()));
    let last = ix.accounts.len() - 1;
    let elsewhere = pda::credential(
        &Pubkey::new_unique(),
        &batch_items[2].subject,
        &batch_items[2].credential_id,
    )
    .0;
    ix.accounts[last] = AccountMeta::new(elsewhere, false);
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::CredentialAddressMismatch,
    );
    for item in &batch_items {
        assert!(s.chain.raw_account(&address(&s, item)).await.is_none());
    }
}

#[tokio::test]
async fn issue_credentials_fails_on_an_empty_commitment_or_a_bad_window() {
    let mut s = Scenario::build(Stage::Schema).await;
    let now = s.chain.now().await;
    let mut empty = items(3, 100);
    empty[2].commitment = [0; 32];
    refused(&mut s, args(empty), RegistryError::CommitmentEmpty).await;
    let mut backwards = args(items(2, 110));
    backwards.valid_from = Some(now + 100);
    backwards.expires_at = Some(now + 50);
    refused(&mut s, backwards, RegistryError::InvalidValidityWindow).await;
    let mut past = args(items(2, 120));
    past.valid_from = Some(now - 100);
    past.expires_at = Some(now - 50);
    refused(&mut s, past, RegistryError::ExpiryInPast).await;
}

#[tokio::test]
async fn issue_credentials_fails_when_stranger_signs() {
    let mut s = Scenario::build(Stage::Schema).await;
    let stranger = s.stranger.insecure_clone();
    let batch_items = items(2, 130);
    let ix = rix::issue_credentials(
        &s.authority_signer_for(&stranger.pubkey()),
        &stranger.pubkey(),
        &s.schema,
        args(batch_items.clone()),
    );
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        RegistryError::NotAuthorized,
    );
}

#[tokio::test]
async fn issue_credentials_fails_when_delegate_lacks_the_issue_permission() {
    let mut s = Scenario::build(Stage::Schema).await;
    let agent = add_delegate(&mut s, PERMISSION_SUSPEND, WEEK).await;
    let ix = rix::issue_credentials(
        &s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &s.schema,
        args(items(2, 140)),
    );
    assert_error(
        &s.chain.send(&[ix], &[&agent]).await,
        RegistryError::DelegateMissingPermission,
    );
}

#[tokio::test]
async fn issue_credentials_fails_when_registry_paused_or_issuer_suspended_or_schema_deprecated() {
    let mut s = Scenario::build(Stage::Schema).await;
    let admin = s.admin.insecure_clone();
    s.chain
        .send_ok(
            &[rix::set_paused(&admin.pubkey(), &s.registry, true)],
            &[&admin],
        )
        .await;
    refused(&mut s, args(items(2, 150)), RegistryError::RegistryPaused).await;
    s.chain
        .send_ok(
            &[rix::set_paused(&admin.pubkey(), &s.registry, false)],
            &[&admin],
        )
        .await;

    s.decide(IssuerDecision::Suspend).await;
    refused(
        &mut s,
        args(items(2, 160)),
        RegistryError::IssuerNotAccredited,
    )
    .await;
    s.decide(IssuerDecision::Reinstate).await;

    let authority = s.issuer_authority.insecure_clone();
    s.chain
        .send_ok(
            &[rix::deprecate_schema(
                &authority.pubkey(),
                &s.issuer,
                &s.schema,
            )],
            &[&authority],
        )
        .await;
    refused(&mut s, args(items(2, 170)), RegistryError::SchemaDeprecated).await;
}
