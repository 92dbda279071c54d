//! Closing and reviving an account: Anchor's `close` moves the rent out, hands the account to the
//! system program and empties its data. Sending the rent back to the address, in the same
//! transaction or a later one, leaves a system-owned account with no data: every instruction that
//! takes it as a Credence account refuses it (`AccountOwnedByWrongProgram`, 3007). In the
//! one-transaction form the whole transaction fails, so the close itself is undone.

use anchor_lang::{error::ErrorCode as AnchorError, Space};
use credence_consent::state::{AccessOutcome, Grant};
use credence_registry::{
    constants::REASON_FRAUD,
    state::{Credential, Delegate},
};
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange},
    },
    pda,
};
use credence_tests::{security::send_fast_ok, YEAR};
use solana_instruction::Instruction;
use solana_pubkey::Pubkey;
use solana_rent::Rent;
use solana_signer::Signer;

use super::common::{refuse, world};

fn refund(payer: &Pubkey, to: &Pubkey, space: usize) -> Instruction {
    anchor_lang::solana_program::system_instruction::transfer(
        payer,
        to,
        Rent::default().minimum_balance(space),
    )
}

#[tokio::test]
async fn registry_closed_accounts_stay_closed() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let agent = w.agent.insecure_clone();
    let a = authority.pubkey();
    let payer = w.s.chain.payer();
    let credential = w.s.credential;
    let revoke = CredentialChange::Revoke {
        reason: REASON_FRAUD,
    };
    let ix = rix::change_credential(revoke, &w.s.authority_signer(), &w.s.schema, &credential);
    send_fast_ok(&mut w.s.chain, &[ix], &[&authority]).await;
    let expires_at = w.s.chain.now().await + 5 * YEAR;
    let renew = rix::change_credential(
        CredentialChange::Renew { expires_at },
        &w.s.authority_signer(),
        &w.s.schema,
        &credential,
    );
    let space = 8 + Credential::INIT_SPACE;

    // Close, refund and use in one transaction.
    let close = rix::close_credential(&a, &w.s.issuer, &credential, &a);
    let ixs = [
        close.clone(),
        refund(&payer, &credential, space),
        renew.clone(),
    ];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&authority],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    assert!(w.s.chain.account::<Credential>(&credential).await.is_some());
    // Close; then refund and use.
    send_fast_ok(&mut w.s.chain, &[close], &[&authority]).await;
    assert!(w.s.chain.raw_account(&credential).await.is_none());
    let ixs = [refund(&payer, &credential, space), renew];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&authority],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;

    // A removed delegate's record, revived to issue again.
    let record = pda::delegate(&w.s.issuer, &agent.pubkey()).0;
    let space = 8 + Delegate::INIT_SPACE;
    let remove = rix::remove_delegate(&a, &w.s.issuer, &agent.pubkey());
    let issue = rix::issue_credential(
        &w.s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &w.s.schema,
        w.s.credential_args([71; 32]),
    );
    let issued = pda::credential(&w.s.issuer, &w.s.subject.pubkey(), &[71; 32]).0;
    let ixs = [
        remove.clone(),
        refund(&payer, &record, space),
        issue.clone(),
    ];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&authority, &agent],
        AnchorError::AccountOwnedByWrongProgram,
        &[issued],
    )
    .await;
    assert!(w.s.chain.account::<Delegate>(&record).await.is_some());
    send_fast_ok(&mut w.s.chain, &[remove], &[&authority]).await;
    let ixs = [refund(&payer, &record, space), issue];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&agent],
        AnchorError::AccountOwnedByWrongProgram,
        &[issued],
    )
    .await;
    assert!(w.s.chain.raw_account(&issued).await.is_none());
}

#[tokio::test]
async fn consent_closed_grant_stays_closed() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let payer = w.s.chain.payer();
    let grant = w.s.grant;
    let space = 8 + Grant::INIT_SPACE;
    let close = cix::close_grant(&subject.pubkey(), &grant);
    let record = cix::record_access(&recruiter.pubkey(), &grant, 1, AccessOutcome::Verified, &[]);

    // Close, refund and record access in one transaction.
    let ixs = [close.clone(), refund(&payer, &grant, space), record.clone()];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&subject, &recruiter],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    assert!(w.s.chain.account::<Grant>(&grant).await.is_some());
    // Close; then refund and record access, or refund and revoke.
    send_fast_ok(&mut w.s.chain, &[close], &[&subject]).await;
    assert!(w.s.chain.raw_account(&grant).await.is_none());
    let ixs = [refund(&payer, &grant, space), record];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&recruiter],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    let ixs = [
        refund(&payer, &grant, space),
        cix::revoke_grant(&subject.pubkey(), &grant),
    ];
    refuse(
        &mut w.s.chain,
        &ixs,
        &[&subject],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    // Only the subject can bring the address back, as a new grant of her own (fresh counters).
    send_fast_ok(&mut w.s.chain, &[refund(&payer, &grant, 0)], &[]).await;
    let args = w.s.grant_args(w.s.grant_id, vec![w.s.credential]).await;
    send_fast_ok(
        &mut w.s.chain,
        &[cix::create_grant(&subject.pubkey(), args)],
        &[&subject],
    )
    .await;
    let fresh: Grant = w.s.chain.account(&grant).await.unwrap();
    assert_eq!((fresh.uses, fresh.revoked_at), (0, 0));
}

/// Not a refusal but a documented caveat (`SECURITY.md`, "Revocation and closing"): closing a
/// revoked credential frees its address, and the issuer side (nobody else) may later issue a
/// new credential there, to the same subject under the same id. The new credential is a new
/// issuance (new commitment, `CredentialIssued` event, counters up), but a grant that named the
/// address now covers it.
#[tokio::test]
async fn registry_closed_credential_address_can_be_reissued_by_its_issuer_only() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let stranger = w.s.stranger.insecure_clone();
    let a = authority.pubkey();
    let credential = w.s.credential;
    let revoke = CredentialChange::Revoke {
        reason: REASON_FRAUD,
    };
    let ix = rix::change_credential(revoke, &w.s.authority_signer(), &w.s.schema, &credential);
    send_fast_ok(&mut w.s.chain, &[ix], &[&authority]).await;
    let close = rix::close_credential(&a, &w.s.issuer, &credential, &a);
    send_fast_ok(&mut w.s.chain, &[close], &[&authority]).await;
    // A stranger cannot take the freed address.
    let mut args = w.s.credential_args(w.s.credential_id);
    args.commitment = [0x42; 32];
    let ix = rix::issue_credential(
        &w.s.authority_signer_for(&stranger.pubkey()),
        &stranger.pubkey(),
        &w.s.schema,
        args.clone(),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        credence_registry::error::RegistryError::NotAuthorized,
        &[credential],
    )
    .await;
    // The issuer can: a new, active credential with another commitment.
    let ix = rix::issue_credential(&w.s.authority_signer(), &a, &w.s.schema, args);
    send_fast_ok(&mut w.s.chain, &[ix], &[&authority]).await;
    let reissued: Credential = w.s.chain.account(&credential).await.unwrap();
    assert_eq!(
        reissued.status,
        credence_registry::state::CredentialStatus::Active
    );
    assert_eq!(reissued.commitment, [0x42; 32]);
    assert_eq!(reissued.subject, w.s.subject.pubkey());
    let grant: Grant = w.s.chain.account(&w.s.grant).await.unwrap();
    assert!(grant
        .credentials
        .contains(&credence_consent::state::CredentialRef::Account {
            address: credential
        }));
}
