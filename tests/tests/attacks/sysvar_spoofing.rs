//! Sysvar spoofing: not applicable as such, since neither program takes a sysvar account. Both
//! read the clock through the `sol_get_clock_sysvar` syscall (`Clock::get()`), which the runtime
//! answers from the bank. These tests append a forged clock account (owned by the sysvar program,
//! its unix time set to 0) and the real Clock sysvar's address to instructions whose outcome
//! depends on the time. Every expiry check still follows the real clock.

use credence_consent::{error::ConsentError, state::AccessOutcome};
use credence_registry::{error::RegistryError, AddDelegateArgs};
use credence_sdk::{
    ix::{consent as cix, registry as rix},
    pda,
};
use credence_tests::{
    security::{clock_bytes, forge_account, CLOCK_SYSVAR_ID, SYSVAR_OWNER_ID},
    TestChain, WEEK,
};
use solana_instruction::{AccountMeta, Instruction};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::common::{refuse, world};

/// Plants a clock that says 1970 and appends it, and the real Clock sysvar, to `ix`.
fn with_fake_clocks(chain: &mut TestChain, mut ix: Instruction) -> Instruction {
    let fake = Pubkey::new_unique();
    forge_account(chain, &fake, &SYSVAR_OWNER_ID, clock_bytes(0));
    ix.accounts.push(AccountMeta::new_readonly(fake, false));
    ix.accounts
        .push(AccountMeta::new_readonly(CLOCK_SYSVAR_ID, false));
    ix
}

#[tokio::test]
async fn registry_expiry_checks_ignore_a_passed_clock() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let agent = w.agent.insecure_clone();
    let a = authority.pubkey();
    let now = w.s.chain.now().await;
    // An expiry in the past by the real clock, in the future by the fake one.
    let mut args = w.s.credential_args([81; 32]);
    args.valid_from = Some(1);
    args.expires_at = Some(now - 60);
    let ix = rix::issue_credential(&w.s.authority_signer(), &a, &w.s.schema, args);
    let ix = with_fake_clocks(&mut w.s.chain, ix);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        RegistryError::ExpiryInPast,
        &[],
    )
    .await;
    let ix = rix::add_delegate(
        &a,
        &w.s.issuer,
        AddDelegateArgs {
            delegate: w.s.stranger.pubkey(),
            permissions: 1,
            expires_at: now - 60,
        },
    );
    let record = pda::delegate(&w.s.issuer, &w.s.stranger.pubkey()).0;
    let ix = with_fake_clocks(&mut w.s.chain, ix);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        RegistryError::ExpiryInPast,
        &[record],
    )
    .await;
    // A delegate that expired by the real clock, still live by the fake one.
    w.s.chain.advance_time(WEEK + 1).await;
    let ix = rix::issue_credential(
        &w.s.delegate_signer(&agent.pubkey()),
        &agent.pubkey(),
        &w.s.schema,
        w.s.credential_args([82; 32]),
    );
    let ix = with_fake_clocks(&mut w.s.chain, ix);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&agent],
        RegistryError::DelegateExpired,
        &[],
    )
    .await;
}

#[tokio::test]
async fn consent_expiry_checks_ignore_a_passed_clock() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let now = w.s.chain.now().await;
    // A grant whose expiry is past by the real clock.
    let mut args = w.s.grant_args(9, vec![w.s.credential]).await;
    args.expires_at = now - 60;
    let new_grant = pda::grant(&subject.pubkey(), &recruiter.pubkey(), 9).0;
    let ix = with_fake_clocks(&mut w.s.chain, cix::create_grant(&subject.pubkey(), args));
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::ExpiryInPast,
        &[new_grant],
    )
    .await;
    // Access under a grant that expired by the real clock.
    w.s.chain.advance_time(WEEK + 1).await;
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &w.s.grant,
        1,
        AccessOutcome::Verified,
        &[],
    );
    let ix = with_fake_clocks(&mut w.s.chain, ix);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        ConsentError::GrantExpired,
        &[],
    )
    .await;
}
