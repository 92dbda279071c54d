//! What every attack module shares: a populated chain and the "refused, nothing changed" check.

use credence_registry::{constants::PERMISSION_ALL, AddDelegateArgs};
use credence_sdk::{
    ix::registry::{self as rix, IssuerDecision, IssuerSigner},
    pda,
};
use credence_tests::{
    assert_error, issuer_args, schema_args,
    security::{accounts_of, fund_all, send_fast, send_fast_ok, snapshot},
    Outcome, Scenario, Stage, TestChain, ACTOR_LAMPORTS, WEEK,
};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

/// Id of the second issuer.
pub const NMC_ID: &str = "nmc";
/// Name of the second issuer's schema.
pub const NMC_SCHEMA: &str = "pin";

/// A populated chain: the full scenario (registry, accredited issuer `unilag`, schema,
/// credential, grant from the subject to the recruiter), a delegate of `unilag` holding every
/// permission, and a second accredited issuer `nmc` with its own schema and a credential issued
/// to the same subject under the same credential id.
pub struct World {
    /// The scenario.
    pub s: Scenario,
    /// A delegate of `unilag` with every permission, live for a week.
    pub agent: Keypair,
    /// The authority of `nmc`.
    pub council: Keypair,
    /// The issuer `nmc`.
    pub nmc: Pubkey,
    /// `nmc`'s schema.
    pub nmc_schema: Pubkey,
    /// `nmc`'s credential to the subject (same credential id as `s.credential`).
    pub nmc_credential: Pubkey,
}

/// Builds the [`World`].
pub async fn world() -> World {
    let mut s = Scenario::build(Stage::Grant).await;
    let agent = Keypair::new();
    let council = Keypair::new();
    fund_all(
        &mut s.chain,
        &[agent.pubkey(), council.pubkey()],
        ACTOR_LAMPORTS,
    )
    .await;
    let now = s.chain.now().await;
    let ix = rix::add_delegate(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        AddDelegateArgs {
            delegate: agent.pubkey(),
            permissions: PERMISSION_ALL,
            expires_at: now + WEEK,
        },
    );
    send_fast_ok(&mut s.chain, &[ix], &[&s.issuer_authority]).await;
    let nmc = pda::issuer(&s.registry, NMC_ID).0;
    let ix = rix::register_issuer(&council.pubkey(), &s.registry, issuer_args(NMC_ID));
    send_fast_ok(&mut s.chain, &[ix], &[&council]).await;
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &s.admin.pubkey(),
        &s.registry,
        &nmc,
    );
    send_fast_ok(&mut s.chain, &[ix], &[&s.admin]).await;
    let ix = rix::create_schema(&council.pubkey(), &nmc, schema_args(NMC_SCHEMA, 1));
    send_fast_ok(&mut s.chain, &[ix], &[&council]).await;
    let nmc_schema = pda::schema(&nmc, NMC_SCHEMA, 1).0;
    let signer = IssuerSigner {
        authority: council.pubkey(),
        as_delegate: false,
        registry: s.registry,
        issuer: nmc,
    };
    let args = s.credential_args(s.credential_id);
    let ix = rix::issue_credential(&signer, &council.pubkey(), &nmc_schema, args);
    send_fast_ok(&mut s.chain, &[ix], &[&council]).await;
    let nmc_credential = pda::credential(&nmc, &s.subject.pubkey(), &s.credential_id).0;
    World {
        s,
        agent,
        council,
        nmc,
        nmc_schema,
        nmc_credential,
    }
}

/// Sends `instructions` and asserts that they fail with exactly `expected` and that no account
/// they name, nor any of `watch`, changed.
pub async fn refuse(
    chain: &mut TestChain,
    instructions: &[Instruction],
    signers: &[&Keypair],
    expected: impl Into<u32> + std::fmt::Debug + Copy,
    watch: &[Pubkey],
) -> Outcome {
    let mut addresses = accounts_of(instructions);
    addresses.extend_from_slice(watch);
    let before = snapshot(chain, &addresses).await;
    let outcome = send_fast(chain, instructions, signers).await;
    assert_error(&outcome, expected);
    before
        .assert_unchanged(chain, &format!("refused with {expected:?}"))
        .await;
    outcome
}
