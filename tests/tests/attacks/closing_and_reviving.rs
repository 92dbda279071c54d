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

/// The requester withdraws a request and files another at the same address in one transaction,
/// between the candidate's reading it and her approval. Her approval carries the hash of the
/// terms she read, so it is refused and nothing is granted; approving what is there now needs a
/// fresh reading.
#[tokio::test]
async fn request_swapped_under_approval_is_refused() {
    use credence_consent::{
        error::ConsentError,
        state::{AccessRequest, CredentialRef},
        ApproveRequestArgs, CreateRequestArgs,
    };
    use credence_tests::{assert_error, Scenario, Stage, WEEK};

    let mut s = Scenario::build(Stage::Credential).await;
    let degree = s.credential;
    let licence = s.issue([2; 32]).await;
    let subject = s.subject.insecure_clone();
    let recruiter = s.recruiter.insecure_clone();
    let terms =
        |credentials: Vec<Pubkey>, duration_secs, max_uses, recipient_key| CreateRequestArgs {
            request_id: 1,
            subject: subject.pubkey(),
            credentials: credentials
                .into_iter()
                .map(|address| CredentialRef::Account { address })
                .collect(),
            schemas: vec![],
            purpose: "Recruitment: ICU nurse".into(),
            duration_secs,
            max_uses,
            recipient_key,
        };
    let ix = cix::create_request(&recruiter.pubkey(), terms(vec![degree], WEEK, 1, [9; 32]));
    s.chain.send_ok(&[ix], &[&recruiter]).await;
    let address = pda::request(&subject.pubkey(), &recruiter.pubkey(), 1).0;
    // She reads it: her degree, a week, one use.
    let read: AccessRequest = s.chain.account(&address).await.unwrap();

    // The swap, in one transaction: every credential, 400 days, unlimited uses, another key.
    let swap = [
        cix::withdraw_request(&recruiter.pubkey(), &address),
        cix::create_request(
            &recruiter.pubkey(),
            terms(vec![degree, licence], 400 * 24 * 3600, 0, [7; 32]),
        ),
    ];
    s.chain.send_ok(&swap, &[&recruiter]).await;
    let now_there: AccessRequest = s.chain.account(&address).await.unwrap();
    assert_eq!(
        now_there.max_uses, 0,
        "the request was replaced at the same address"
    );
    assert_ne!(now_there.terms_hash(), read.terms_hash());

    // Her approval of what she read is refused, and nothing is granted.
    let approval = |terms_hash, grant_id| {
        cix::approve_request(
            &subject.pubkey(),
            &recruiter.pubkey(),
            &address,
            ApproveRequestArgs {
                grant_id,
                credentials: vec![CredentialRef::Account { address: degree }],
                sealed_key: vec![],
                terms_hash,
            },
        )
    };
    let out = s
        .chain
        .send(&[approval(read.terms_hash(), 1)], &[&subject])
        .await;
    assert_error(&out, ConsentError::RequestTermsChanged);
    let grant = pda::grant(&subject.pubkey(), &recruiter.pubkey(), 1).0;
    assert!(s.chain.raw_account(&grant).await.is_none(), "no grant");
    assert!(
        s.chain.raw_account(&address).await.is_some(),
        "the request stays open"
    );

    // Only an approval of the terms as they are now goes through.
    s.chain
        .send_ok(&[approval(now_there.terms_hash(), 1)], &[&subject])
        .await;
    assert!(s.chain.raw_account(&grant).await.is_some());
}
