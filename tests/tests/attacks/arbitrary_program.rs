//! Arbitrary program passed where a known program is expected. The programs invoke two others:
//! the system program (to create accounts in `init`), through a `Program<System>` account, and
//! SPL Token (`record_access` paying a fee with `transfer_checked`), through a `Program<Token>`
//! account; each must be that program's id (`InvalidProgramId`, 3008). The tests pass the other
//! Credence program (a real executable), the program itself, Token-2022 and an ordinary wallet in
//! those slots.

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

/// `record_access` invokes SPL Token (`transfer_checked`) to pay a schema's fee. Its token
/// program slot is a `Program<Token>`: Token-2022 (whose `transfer_checked` has the same
/// layout), either Credence program, or a wallet in its place is refused before any CPI, and no
/// token moves.
#[tokio::test]
async fn consent_refuses_another_program_as_the_token_program() {
    use credence_consent::state::AccessOutcome;
    use credence_sdk::ix::consent::FeePayment;
    use credence_tests::{token_balance, Scenario, Stage, FEE};

    const TOKEN: Pubkey = anchor_spl::token::ID;
    let token_2022: Pubkey = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"
        .parse()
        .unwrap();
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let recruiter = s.recruiter.insecure_clone();
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
        Some(FeePayment {
            payer: f.payer,
            mint: f.token.mint,
            max_fee: FEE,
        }),
    );
    let slot = ix
        .accounts
        .iter()
        .position(|m| m.pubkey == TOKEN)
        .expect("a token program slot");
    // The consent program's own id in an optional slot is Anchor's "absent": a fee is due, so
    // that is refused as missing fee accounts.
    let cases: [(Pubkey, u32); 4] = [
        (token_2022, AnchorError::InvalidProgramId.into()),
        (credence_registry::ID, AnchorError::InvalidProgramId.into()),
        (s.stranger.pubkey(), AnchorError::InvalidProgramId.into()),
        (
            credence_consent::ID,
            credence_consent::error::ConsentError::FeeAccountsMissing.into(),
        ),
    ];
    for (imposter, code) in cases {
        let mut ix = ix.clone();
        ix.accounts[slot].pubkey = imposter;
        refuse(
            &mut s.chain,
            &[ix],
            &[&recruiter],
            code,
            &[f.payer, f.treasury],
        )
        .await;
    }
    assert_eq!(token_balance(&mut s.chain, &f.payer).await, 10 * FEE);
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, 0);
}
