//! Arbitrary program passed where a known program is expected. The only program either program
//! invokes is the system program (to create accounts in `init`), through a `Program<System>`
//! account that must be the system program's id (`InvalidProgramId`, 3008). The tests pass the
//! other Credence program (a real executable), the program itself, and an ordinary wallet in that
//! slot of every instruction that creates an account.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_registry::AddDelegateArgs;
use credence_sdk::{
    ix::{consent as cix, registry as rix},
    pda,
};
use credence_tests::{issuer_args, schema_args, WEEK};
use solana_instruction::Instruction;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::common::{refuse, world};

const SYSTEM: Pubkey = anchor_lang::solana_program::system_program::ID;

/// The index of the system program in `ix`'s accounts.
fn system_slot(ix: &Instruction) -> usize {
    let slots: Vec<usize> = ix
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, m)| m.pubkey == SYSTEM)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(slots.len(), 1, "one system program slot");
    slots[0]
}

#[tokio::test]
async fn registry_refuses_another_program_as_the_system_program() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let stranger = w.s.stranger.insecure_clone();
    let a = authority.pubkey();
    let now = w.s.chain.now().await;
    let creations = [
        (
            rix::create_registry(&stranger.pubkey(), "imposter"),
            &stranger,
        ),
        (
            rix::register_issuer(&stranger.pubkey(), &w.s.registry, issuer_args("imposter")),
            &stranger,
        ),
        (
            rix::add_delegate(
                &a,
                &w.s.issuer,
                AddDelegateArgs {
                    delegate: stranger.pubkey(),
                    permissions: 1,
                    expires_at: now + WEEK,
                },
            ),
            &authority,
        ),
        (
            rix::create_schema(&a, &w.s.issuer, schema_args("imposter", 1)),
            &authority,
        ),
        (
            rix::issue_credential(
                &w.s.authority_signer(),
                &a,
                &w.s.schema,
                w.s.credential_args([91; 32]),
            ),
            &authority,
        ),
    ];
    for (ix, signer) in creations {
        let slot = system_slot(&ix);
        for imposter in [
            credence_consent::ID,
            credence_registry::ID,
            stranger.pubkey(),
        ] {
            let mut ix = ix.clone();
            ix.accounts[slot].pubkey = imposter;
            refuse(
                &mut w.s.chain,
                &[ix],
                &[signer],
                AnchorError::InvalidProgramId,
                &[],
            )
            .await;
        }
    }
}

#[tokio::test]
async fn consent_refuses_another_program_as_the_system_program() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let args = w.s.grant_args(10, vec![w.s.credential]).await;
    let ix = cix::create_grant(&subject.pubkey(), args);
    let grant = pda::grant(&subject.pubkey(), &w.s.recruiter.pubkey(), 10).0;
    let slot = system_slot(&ix);
    for imposter in [
        credence_registry::ID,
        credence_consent::ID,
        w.s.stranger.pubkey(),
    ] {
        let mut ix = ix.clone();
        ix.accounts[slot].pubkey = imposter;
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&subject],
            AnchorError::InvalidProgramId,
            &[grant],
        )
        .await;
    }
}
