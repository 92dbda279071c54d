//! Verification fees: `set_schema_fee`, `clear_schema_fee`, and `record_access` paying through
//! the real SPL Token program, with balances asserted before and after every attempt.

use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::{AccountDeserialize, Space};
use credence_consent::{
    error::ConsentError,
    events::{AccessRecorded, FeePaid},
    state::{AccessOutcome, CredentialRef, Grant},
};
use credence_registry::{
    constants::REASON_FRAUD,
    error::RegistryError,
    events::{SchemaFeeCleared, SchemaFeeSet},
    state::{Credential, Schema, SchemaFee},
};
use credence_sdk::ix::{
    consent::{self as cix, Accessed, FeePayment},
    registry::{self as rix, CredentialChange, IssuerDecision},
};
use credence_tests::{
    assert_error, assert_instruction_error,
    fixtures::{
        fixture_admin, fixture_json, fixture_path, load_fixture, schema_v1_account,
        SCHEMA_V1_CREATED_AT, SCHEMA_V1_FIXTURE,
    },
    issuer_args,
    security::{anchor_bytes, forge_account},
    token_balance, FeeSetup, FeeToken, Outcome, Scenario, Stage, TestChain, ACTOR_LAMPORTS,
    DECIMALS, FEE, SCHEMA_NAME,
};
use solana_instruction::error::InstructionError;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const REGISTRY: Pubkey = credence_registry::ID;
const CONSENT: Pubkey = credence_consent::ID;

/// Every token balance a fee touches: recruiter, treasury, and the candidate's own account.
struct Balances {
    payer: u64,
    treasury: u64,
    subject: u64,
}

async fn balances(s: &mut Scenario, f: &FeeSetup, subject_account: &Pubkey) -> Balances {
    Balances {
        payer: token_balance(&mut s.chain, &f.payer).await,
        treasury: token_balance(&mut s.chain, &f.treasury).await,
        subject: token_balance(&mut s.chain, subject_account).await,
    }
}

/// A paid `record_access` over the scenario's one credential, with `edit` applied to the
/// accounts before signing.
async fn record_paid(
    s: &mut Scenario,
    f: &FeeSetup,
    max_fee: u64,
    edit: impl FnOnce(&mut Vec<Accessed>, &mut FeePayment),
) -> Outcome {
    let grant = s.grant;
    let mut accessed = s.accessed(&grant, 1).await;
    let mut payment = FeePayment {
        payer: f.payer,
        mint: f.token.mint,
        max_fee,
    };
    edit(&mut accessed, &mut payment);
    let ix = cix::record_paid_access(
        &s.recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
        Some(payment),
    );
    let recruiter = s.recruiter.insecure_clone();
    s.chain.send(&[ix], &[&recruiter]).await
}

/// Runs a refused paid access and asserts the exact error and that no token moved.
async fn refused_moves_nothing(
    s: &mut Scenario,
    f: &FeeSetup,
    max_fee: u64,
    edit: impl FnOnce(&mut Vec<Accessed>, &mut FeePayment),
    expected: u32,
) {
    let subject_account = f.token.fund(&mut s.chain, &s.subject.pubkey(), 0).await;
    let before = balances(s, f, &subject_account).await;
    let uses_before = grant_uses(s).await;
    let out = record_paid(s, f, max_fee, edit).await;
    assert_error(&out, expected);
    let after = balances(s, f, &subject_account).await;
    assert_eq!(
        (after.payer, after.treasury, after.subject),
        (before.payer, before.treasury, before.subject),
        "a refused access moves no token"
    );
    assert_eq!(grant_uses(s).await, uses_before);
}

async fn grant_uses(s: &mut Scenario) -> u32 {
    let grant = s.grant;
    s.chain
        .account::<credence_consent::state::Grant>(&grant)
        .await
        .expect("grant")
        .uses
}

async fn schema(s: &mut Scenario) -> Schema {
    let address = s.schema;
    s.chain.account(&address).await.expect("schema")
}

// ---------------------------------------------------------------- set / clear

#[tokio::test]
async fn set_schema_fee_ok_records_mint_treasury_amount_and_decimals() {
    let mut s = Scenario::build(Stage::Schema).await;
    let token = FeeToken::create(&mut s.chain).await;
    let authority = s.issuer_authority.insecure_clone();
    let treasury = token.fund(&mut s.chain, &authority.pubkey(), 0).await;
    let ix = rix::set_schema_fee(
        &authority.pubkey(),
        &s.issuer,
        &s.schema,
        &token.mint,
        &treasury,
        FEE,
    );
    let out = s.chain.send_ok(&[ix], &[&authority]).await;
    let expected = SchemaFee {
        mint: token.mint,
        treasury,
        amount: FEE,
        decimals: DECIMALS,
    };
    assert_eq!(schema(&mut s).await.fee, expected);
    let events: Vec<SchemaFeeSet> = out.events(&REGISTRY);
    assert_eq!(
        (events[0].schema, events[0].amount, events[0].decimals),
        (s.schema, FEE, DECIMALS)
    );
    // Changing the amount is a second set.
    let ix = rix::set_schema_fee(
        &authority.pubkey(),
        &s.issuer,
        &s.schema,
        &token.mint,
        &treasury,
        FEE * 2,
    );
    s.chain.send_ok(&[ix], &[&authority]).await;
    assert_eq!(schema(&mut s).await.fee.amount, FEE * 2);
}

#[tokio::test]
async fn set_schema_fee_refusals() {
    let mut s = Scenario::build(Stage::Schema).await;
    let token = FeeToken::create(&mut s.chain).await;
    let other = FeeToken::create(&mut s.chain).await;
    let authority = s.issuer_authority.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let treasury = token.fund(&mut s.chain, &authority.pubkey(), 0).await;
    let other_treasury = other.fund(&mut s.chain, &authority.pubkey(), 0).await;
    let (issuer, schema_key) = (s.issuer, s.schema);
    let set = |signer: &Pubkey, mint: &Pubkey, treasury: &Pubkey, amount| {
        rix::set_schema_fee(signer, &issuer, &schema_key, mint, treasury, amount)
    };
    let cases: Vec<(_, _, u32)> = vec![
        (
            set(&stranger.pubkey(), &token.mint, &treasury, FEE),
            &stranger,
            RegistryError::NotIssuerAuthority.into(),
        ),
        (
            set(&authority.pubkey(), &token.mint, &treasury, 0),
            &authority,
            RegistryError::FeeAmountZero.into(),
        ),
        (
            set(&authority.pubkey(), &token.mint, &other_treasury, FEE),
            &authority,
            RegistryError::TreasuryMintMismatch.into(),
        ),
        (
            // A registry account in the mint's place.
            set(&authority.pubkey(), &s.issuer, &treasury, FEE),
            &authority,
            AnchorError::AccountOwnedByWrongProgram.into(),
        ),
    ];
    for (ix, signer, code) in cases {
        let out = s.chain.send(&[ix], &[signer]).await;
        assert_error(&out, code);
    }
    // The mint in the treasury's place: SPL Token's own unpacking refuses it.
    let ix = set(&authority.pubkey(), &token.mint, &token.mint, FEE);
    assert_instruction_error(
        &s.chain.send(&[ix], &[&authority]).await,
        InstructionError::InvalidAccountData,
    );
    assert_eq!(schema(&mut s).await.fee, SchemaFee::default());
    // The same fee twice changes nothing and says so.
    let ix = set(&authority.pubkey(), &token.mint, &treasury, FEE);
    s.chain
        .send_ok(std::slice::from_ref(&ix), &[&authority])
        .await;
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::NothingToUpdate,
    );
    // A revoked issuer cannot set fees.
    s.decide(IssuerDecision::Revoke).await;
    let ix = set(&authority.pubkey(), &token.mint, &treasury, FEE * 3);
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::IssuerRevoked,
    );
}

#[tokio::test]
async fn clear_schema_fee_ok_and_refusals() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let authority = s.issuer_authority.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let ix = rix::clear_schema_fee(&stranger.pubkey(), &s.issuer, &s.schema);
    assert_error(
        &s.chain.send(&[ix], &[&stranger]).await,
        RegistryError::NotIssuerAuthority,
    );
    let ix = rix::clear_schema_fee(&authority.pubkey(), &s.issuer, &s.schema);
    let out = s
        .chain
        .send_ok(std::slice::from_ref(&ix), &[&authority])
        .await;
    assert_eq!(out.events::<SchemaFeeCleared>(&REGISTRY).len(), 1);
    assert_eq!(schema(&mut s).await.fee, SchemaFee::default());
    assert_error(
        &s.chain.send(&[ix], &[&authority]).await,
        RegistryError::NoFeeSet,
    );
    // Free again: an access without payment accounts lands and moves nothing.
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    assert_eq!(accessed[0].treasury, None);
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    let recruiter = s.recruiter.insecure_clone();
    let out = s.chain.send_ok(&[ix], &[&recruiter]).await;
    assert_eq!(out.events::<AccessRecorded>(&CONSENT)[0].fees_paid, 0);
    assert_eq!(token_balance(&mut s.chain, &f.payer).await, 10 * FEE);
}

// ---------------------------------------------------------------- paying

#[tokio::test]
async fn record_access_pays_the_fee_from_the_recruiter_to_the_treasury() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let subject_account = f.token.fund(&mut s.chain, &s.subject.pubkey(), 0).await;
    let subject_lamports = s.chain.balance(&s.subject.pubkey()).await;
    let before = balances(&mut s, &f, &subject_account).await;
    assert_eq!((before.payer, before.treasury), (10 * FEE, 0));
    let out = record_paid(&mut s, &f, FEE, |_, _| {}).await;
    assert!(out.result.is_ok(), "{}", out.logs.join("\n"));
    let after = balances(&mut s, &f, &subject_account).await;
    assert_eq!(after.payer, before.payer - FEE);
    assert_eq!(after.treasury, before.treasury + FEE);
    assert_eq!(after.subject, 0, "the candidate never pays");
    assert_eq!(s.chain.balance(&s.subject.pubkey()).await, subject_lamports);
    let paid: Vec<FeePaid> = out.events(&CONSENT);
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].credential, paid[0].treasury, paid[0].amount),
        (s.credential, f.treasury, FEE)
    );
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(
        (
            recorded[0].fees_paid,
            recorded[0].fee_mint,
            recorded[0].use_number
        ),
        (FEE, f.token.mint, 1)
    );
    // The token program really ran, as an inner instruction of record_access.
    assert!(
        out.logs
            .iter()
            .any(|l| l.contains("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [2]")),
        "{}",
        out.logs.join("\n")
    );
    // A second access pays again.
    let out = record_paid(&mut s, &f, FEE * 5, |_, _| {}).await;
    assert!(out.result.is_ok());
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, 2 * FEE);
}

#[tokio::test]
async fn record_access_fee_refusals_move_nothing() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let other = FeeToken::create(&mut s.chain).await;
    let recruiter = s.recruiter.pubkey();
    let other_payer = other.fund(&mut s.chain, &recruiter, 10 * FEE).await;
    let subject = s.subject.pubkey();
    let subject_account = f.token.fund(&mut s.chain, &subject, 10 * FEE).await;
    let stranger_treasury = f.token.fund(&mut s.chain, &s.stranger.pubkey(), 0).await;
    let other_mint = other.mint;

    // A wrong mint: the mint account, or the payer's token account, is another token's.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |_, p| p.mint = other_mint,
        ConsentError::WrongFeeMint.into(),
    )
    .await;
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |_, p| p.payer = other_payer,
        ConsentError::WrongFeeMint.into(),
    )
    .await;
    // A substituted treasury.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |a, _| a[0].treasury = Some(stranger_treasury),
        ConsentError::TreasuryMismatch.into(),
    )
    .await;
    // The fee raised above what the recruiter will pay.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE - 1,
        |_, _| {},
        ConsentError::FeeAboveMaximum.into(),
    )
    .await;
    // The candidate's token account as the payer: the candidate never pays.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |_, p| p.payer = subject_account,
        ConsentError::FeePayerNotGrantee.into(),
    )
    .await;
    // The treasury left out (the fee dodged): the account list no longer matches.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |a, _| a[0].treasury = None,
        ConsentError::CredentialAccountsMismatch.into(),
    )
    .await;
    // Another schema in the credential's schema's place.
    let credential = s.credential;
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |a, _| a[0].schema = credential,
        ConsentError::SchemaMismatch.into(),
    )
    .await;
    // No payment accounts at all.
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let ix = cix::record_access(&recruiter, &grant, 1, AccessOutcome::Verified, &accessed);
    let signer = s.recruiter.insecure_clone();
    assert_error(
        &s.chain.send(&[ix], &[&signer]).await,
        ConsentError::FeeAccountsMissing,
    );
}

#[tokio::test]
async fn record_access_refuses_a_recruiter_without_enough_tokens() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(FEE - 1).await;
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |_, _| {},
        ConsentError::InsufficientFeeBalance.into(),
    )
    .await;
}

#[tokio::test]
async fn a_fee_raised_between_quote_and_payment_is_refused() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    // The recruiter looked when the fee was FEE; the issuer raises it before the access lands.
    let authority = s.issuer_authority.insecure_clone();
    let ix = rix::set_schema_fee(
        &authority.pubkey(),
        &s.issuer,
        &s.schema,
        &f.token.mint,
        &f.treasury,
        FEE * 2,
    );
    s.chain.send_ok(&[ix], &[&authority]).await;
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |_, _| {},
        ConsentError::FeeAboveMaximum.into(),
    )
    .await;
    // Stating the new price lands and pays it.
    let out = record_paid(&mut s, &f, FEE * 2, |_, _| {}).await;
    assert!(out.result.is_ok());
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, FEE * 2);
}

#[tokio::test]
async fn fees_of_two_credentials_are_summed_and_each_paid() {
    let mut s = Scenario::build(Stage::Credential).await;
    let second = s.issue([2; 32]).await;
    let args = s.grant_args(s.grant_id, vec![s.credential, second]).await;
    let ix = cix::create_grant(&s.subject.pubkey(), args);
    let subject = s.subject.insecure_clone();
    s.chain.send_ok(&[ix], &[&subject]).await;
    let f = s.with_fee(10 * FEE).await;
    let grant = s.grant;
    let accessed = s.accessed(&grant, 0b11).await;
    let payment = |max_fee| {
        Some(FeePayment {
            payer: f.payer,
            mint: f.token.mint,
            max_fee,
        })
    };
    let recruiter = s.recruiter.insecure_clone();
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        0b11,
        AccessOutcome::Verified,
        &accessed,
        payment(2 * FEE - 1),
    );
    assert_error(
        &s.chain.send(&[ix], &[&recruiter]).await,
        ConsentError::FeeAboveMaximum,
    );
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        0b11,
        AccessOutcome::Verified,
        &accessed,
        payment(2 * FEE),
    );
    let out = s.chain.send_ok(&[ix], &[&recruiter]).await;
    assert_eq!(out.events::<FeePaid>(&CONSENT).len(), 2);
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, 2 * FEE);
    assert_eq!(token_balance(&mut s.chain, &f.payer).await, 8 * FEE);
}

#[tokio::test]
async fn fees_in_two_mints_or_overflowing_are_refused() {
    let mut s = Scenario::build(Stage::Credential).await;
    let authority = s.issuer_authority.insecure_clone();
    let a = authority.pubkey();
    // A second schema and a credential under it, both covered by one grant.
    let ix = rix::create_schema(&a, &s.issuer, credence_tests::schema_args("second", 1));
    s.chain.send_ok(&[ix], &[&authority]).await;
    let second_schema = credence_sdk::pda::schema(&s.issuer, "second", 1).0;
    let args = s.credential_args([2; 32]);
    let ix = rix::issue_credential(&s.authority_signer(), &a, &second_schema, args);
    s.chain.send_ok(&[ix], &[&authority]).await;
    let second = credence_sdk::pda::credential(&s.issuer, &s.subject.pubkey(), &[2; 32]).0;
    let args = s.grant_args(s.grant_id, vec![s.credential, second]).await;
    let subject = s.subject.insecure_clone();
    s.chain
        .send_ok(&[cix::create_grant(&subject.pubkey(), args)], &[&subject])
        .await;
    let f = s.with_fee(10 * FEE).await;
    let other = FeeToken::create(&mut s.chain).await;
    let other_treasury = other.fund(&mut s.chain, &a, 0).await;
    let (issuer, first_schema) = (s.issuer, s.schema);
    let set = |schema: &Pubkey, mint: &Pubkey, treasury: &Pubkey, amount| {
        rix::set_schema_fee(&a, &issuer, schema, mint, treasury, amount)
    };
    let ix = set(&second_schema, &other.mint, &other_treasury, FEE);
    s.chain.send_ok(&[ix], &[&authority]).await;
    let grant = s.grant;
    let recruiter = s.recruiter.insecure_clone();
    let payment = Some(FeePayment {
        payer: f.payer,
        mint: f.token.mint,
        max_fee: u64::MAX,
    });
    let accessed = s.accessed(&grant, 0b11).await;
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        0b11,
        AccessOutcome::Verified,
        &accessed,
        payment,
    );
    assert_error(
        &s.chain.send(&[ix], &[&recruiter]).await,
        ConsentError::MixedFeeMints,
    );
    // Both in the first mint, each near u64::MAX: the sum overflows and is refused.
    let ixs = [
        set(&first_schema, &f.token.mint, &f.treasury, u64::MAX - 1),
        set(&second_schema, &f.token.mint, &f.treasury, u64::MAX - 1),
    ];
    s.chain.send_ok(&ixs, &[&authority]).await;
    let accessed = s.accessed(&grant, 0b11).await;
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        0b11,
        AccessOutcome::Verified,
        &accessed,
        payment,
    );
    assert_error(
        &s.chain.send(&[ix], &[&recruiter]).await,
        ConsentError::Overflow,
    );
    assert_eq!(token_balance(&mut s.chain, &f.payer).await, 10 * FEE);
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, 0);
}

// ---------------------------------------------------------------- fees only while in force

/// A paid access over the scenario's credential after `change`, which takes the issuer or the
/// credential out of force: it is recorded, and no token moves.
async fn recorded_without_fee(s: &mut Scenario, f: &FeeSetup, context: &str) {
    let subject_account = f.token.fund(&mut s.chain, &s.subject.pubkey(), 0).await;
    let before = balances(s, f, &subject_account).await;
    let uses_before = grant_uses(s).await;
    let out = record_paid(s, f, FEE, |_, _| {}).await;
    assert!(out.result.is_ok(), "{context}: {}", out.logs.join("\n"));
    let after = balances(s, f, &subject_account).await;
    assert_eq!(
        (after.payer, after.treasury),
        (before.payer, before.treasury),
        "{context}: no fee moves"
    );
    assert_eq!(grant_uses(s).await, uses_before + 1, "{context}: recorded");
    assert!(out.events::<FeePaid>(&CONSENT).is_empty(), "{context}");
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(
        (recorded[0].fees_paid, recorded[0].fee_mint),
        (0, Pubkey::default()),
        "{context}"
    );
    assert!(
        !out.logs.iter().any(|l| l.contains("Tokenkeg")),
        "{context}: the token program is not called"
    );
}

#[tokio::test]
async fn no_fee_after_issuer_or_credential_revoked() {
    // The issuer suspended, then revoked by the admin: its fee, which only its own authority
    // could clear, stops flowing at once.
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    s.decide(IssuerDecision::Suspend).await;
    recorded_without_fee(&mut s, &f, "issuer suspended").await;
    s.decide(IssuerDecision::Reinstate).await;
    let out = record_paid(&mut s, &f, FEE, |_, _| {}).await;
    assert!(out.result.is_ok(), "{}", out.logs.join("\n"));
    assert_eq!(
        token_balance(&mut s.chain, &f.treasury).await,
        FEE,
        "paid again"
    );
    s.decide(IssuerDecision::Revoke).await;
    recorded_without_fee(&mut s, &f, "issuer revoked").await;

    // The credential suspended, then revoked, by its issuer.
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let authority = s.issuer_authority.insecure_clone();
    let change = |s: &Scenario, change| {
        rix::change_credential(change, &s.authority_signer(), &s.schema, &s.credential)
    };
    let ix = change(&s, CredentialChange::Suspend);
    s.chain.send_ok(&[ix], &[&authority]).await;
    recorded_without_fee(&mut s, &f, "credential suspended").await;
    let ix = change(
        &s,
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
    );
    s.chain.send_ok(&[ix], &[&authority]).await;
    recorded_without_fee(&mut s, &f, "credential revoked").await;

    // The credential expired: one issued for a minute, under a grant of its own, and the clock
    // moved past that minute.
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    let authority = s.issuer_authority.insecure_clone();
    let mut args = s.credential_args([5; 32]);
    args.expires_at = Some(s.chain.now().await + 60);
    let ix = rix::issue_credential(&s.authority_signer(), &authority.pubkey(), &s.schema, args);
    s.chain.send_ok(&[ix], &[&authority]).await;
    s.credential = credence_sdk::pda::credential(&s.issuer, &s.subject.pubkey(), &[5; 32]).0;
    let args = s.grant_args(2, vec![s.credential]).await;
    let subject = s.subject.insecure_clone();
    let ix = cix::create_grant(&subject.pubkey(), args);
    s.chain.send_ok(&[ix], &[&subject]).await;
    s.grant = credence_sdk::pda::grant(&subject.pubkey(), &s.recruiter.pubkey(), 2).0;
    s.chain.advance_time(120).await;
    let credential: Credential = s.chain.account(&s.credential.clone()).await.unwrap();
    assert!(credential.is_expired(s.chain.now().await));
    recorded_without_fee(&mut s, &f, "credential expired").await;
}

#[tokio::test]
async fn record_access_refuses_an_issuer_account_that_is_not_the_credentials() {
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(10 * FEE).await;
    // Another issuer of the same registry, accredited: its account stands in for the credential's.
    let other_authority = s.stranger.insecure_clone();
    let ix = rix::register_issuer(&other_authority.pubkey(), &s.registry, issuer_args("other"));
    s.chain.send_ok(&[ix], &[&other_authority]).await;
    let other = credence_sdk::pda::issuer(&s.registry, "other").0;
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |a, _| a[0].issuer = other,
        ConsentError::IssuerMismatch.into(),
    )
    .await;
    // The issuer account left out: the treasury is read as the issuer.
    refused_moves_nothing(
        &mut s,
        &f,
        FEE,
        |a, _| a[0].issuer = a[0].treasury.unwrap(),
        ConsentError::IssuerMismatch.into(),
    )
    .await;
}

// ---------------------------------------------------------------- the 10 KB log limit

/// Solana's per-transaction log limit: the runtime's collector keeps the first 10,000 bytes of
/// log messages and drops the rest ("Log truncated").
const LOG_LIMIT_BYTES: usize = 10_000;

#[tokio::test]
async fn record_access_audit_event_survives_the_log_limit() {
    // The worst case: 16 paid credentials, 16 `transfer_checked` CPIs and 16 `FeePaid` events.
    let mut s = Scenario::build(Stage::Grant).await;
    let f = s.with_fee(100 * FEE).await;
    let mut credentials = vec![s.credential];
    for i in 0..15u8 {
        credentials.push(s.issue([100 + i; 32]).await);
    }
    // A grant over 16 credentials needs an address lookup table to be created in one
    // transaction; the test writes the widened grant directly.
    let grant_key = s.grant;
    let mut grant: Grant = s.chain.account(&grant_key).await.unwrap();
    grant.credentials = credentials
        .iter()
        .map(|address| CredentialRef::Account { address: *address })
        .collect();
    forge_account(
        &mut s.chain,
        &grant_key,
        &CONSENT,
        anchor_bytes(&grant, 8 + Grant::INIT_SPACE),
    );
    let accessed = s.accessed(&grant_key, u16::MAX).await;
    assert_eq!(accessed.len(), 16);
    let recruiter = s.recruiter.insecure_clone();
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant_key,
        u16::MAX,
        AccessOutcome::Verified,
        &accessed,
        Some(FeePayment {
            payer: f.payer,
            mint: f.token.mint,
            max_fee: 16 * FEE,
        }),
    );
    let out = s.chain.send(&[ix], &[&recruiter]).await;
    assert!(out.result.is_ok(), "{}", out.logs.join("\n"));
    assert_eq!(token_balance(&mut s.chain, &f.treasury).await, 16 * FEE);
    assert_eq!(out.events::<FeePaid>(&CONSENT).len(), 16);

    // The audit event is written before the first token CPI, so however long the fee logs
    // grow, it is never the part that a truncation drops.
    let first_cpi = out
        .logs
        .iter()
        .position(|l| l.contains("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [2]"))
        .expect("the token program ran");
    let before_cpi: Vec<AccessRecorded> =
        credence_sdk::events::events(&CONSENT, &out.logs[..first_cpi]);
    assert_eq!(before_cpi.len(), 1, "{}", out.logs.join("\n"));
    assert_eq!(before_cpi[0].credentials.len(), 16);

    // And the whole transaction's logs fit the limit. The native build logs more than SBF
    // would: each CPI's `invoke` and `success` lines twice (the runtime's and the syscall
    // stub's), and each event with `Program log: data: ` where SBF writes `Program data: `; SBF
    // adds one `consumed` line for record_access. So the bytes counted here bound the SBF figure.
    let bytes: usize = out.logs.iter().map(String::len).sum();
    println!(
        "record_access with 16 paid credentials: {bytes} log bytes in {} lines (limit {LOG_LIMIT_BYTES})",
        out.logs.len()
    );
    assert!(
        bytes <= LOG_LIMIT_BYTES,
        "{bytes} log bytes exceed the limit:\n{}",
        out.logs.join("\n")
    );
}

// ---------------------------------------------------------------- a schema of the first layout

/// How `tests/fixtures/schema-v1-before-fees.json` was produced, and a check that it still is
/// what the first layout wrote: `fixtures::schema_v1_account` serialises `SchemaV1`, the
/// `Schema` of commit a21138a field for field, as that version's `create_schema` stored it.
/// Run with `CREDENCE_WRITE_FIXTURES=1` to write the file.
#[test]
fn schema_v1_fixture_is_the_first_layout() {
    let (address, account) = schema_v1_account();
    if std::env::var_os("CREDENCE_WRITE_FIXTURES").is_some() {
        let description = "A registry Schema account as the first layout (commit a21138a, before \
            verification fees) wrote it: create_schema of 'nursing-licence' v1 by issuer 'unilag' \
            of registry 'uk-nursing', whose admin key is the fixed credence_tests::fixtures::\
            FIXTURE_ADMIN_SECRET. Its last 96 bytes of fields were one zeroed reserved array, \
            where SchemaFee and a shorter reserved now sit. Produced by credence_tests::fixtures::\
            schema_v1_account (the v1 struct, Borsh after the Schema discriminator, zero-padded \
            to 366 bytes) with CREDENCE_WRITE_FIXTURES=1 cargo test -p credence-tests --test \
            programs schema_v1_fixture_is_the_first_layout.";
        std::fs::write(
            fixture_path(SCHEMA_V1_FIXTURE),
            fixture_json(description, &address, &account),
        )
        .expect("write the fixture");
    }
    let (fixture_address, fixture) = load_fixture(SCHEMA_V1_FIXTURE);
    assert_eq!(fixture_address, address);
    assert_eq!(fixture, account);
}

/// A schema written before fees existed loads as "no fee", takes a new issuance, and a
/// `record_access` over a credential of it, even one offering to pay, moves no token.
#[tokio::test]
async fn schema_of_the_first_layout_loads_without_a_fee_and_charges_nothing() {
    let (address, account) = load_fixture(SCHEMA_V1_FIXTURE);
    let decoded = Schema::try_deserialize(&mut account.data.as_slice()).expect("v1 decodes");
    assert!(!decoded.fee.is_set());
    assert_eq!(decoded.fee, SchemaFee::default());
    assert_eq!(decoded.reserved, [0; 23]);
    assert_eq!(decoded.name, SCHEMA_NAME);
    assert_eq!(decoded.created_at, SCHEMA_V1_CREATED_AT);

    let mut program_test = credence_sdk::transport::embedded::program_test();
    program_test.add_account(address, account);
    let mut chain = TestChain::start_with(program_test).await;
    let admin = fixture_admin();
    chain.fund(&admin.pubkey(), ACTOR_LAMPORTS).await;
    let mut s = Scenario::build_on(chain, admin, Stage::AccreditedIssuer).await;
    assert_eq!(
        s.schema, address,
        "the fixture sits at the scenario's schema"
    );
    assert!(!schema(&mut s).await.fee.is_set());

    // The current program issues under it (reading it, writing nothing back).
    let credential_id = s.credential_id;
    assert_eq!(s.issue(credential_id).await, s.credential);
    let after_issue = schema(&mut s).await;
    assert_eq!(after_issue.credentials_issued, 0);
    assert!(!after_issue.fee.is_set());
    let args = s.grant_args(s.grant_id, vec![s.credential]).await;
    let subject = s.subject.insecure_clone();
    s.chain
        .send_ok(&[cix::create_grant(&subject.pubkey(), args)], &[&subject])
        .await;

    // A grantee that offers to pay (its token account, the mint, a maximum) is charged nothing.
    let token = FeeToken::create(&mut s.chain).await;
    let recruiter = s.recruiter.insecure_clone();
    let payer = token
        .fund(&mut s.chain, &recruiter.pubkey(), 10 * FEE)
        .await;
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    assert_eq!(accessed.len(), 1);
    assert_eq!(accessed[0].treasury, None);
    let ix = cix::record_paid_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
        Some(FeePayment {
            payer,
            mint: token.mint,
            max_fee: FEE,
        }),
    );
    let out = s.chain.send_ok(&[ix], &[&recruiter]).await;
    assert!(out.events::<FeePaid>(&CONSENT).is_empty());
    let recorded: Vec<AccessRecorded> = out.events(&CONSENT);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].fees_paid, 0);
    assert_eq!(token_balance(&mut s.chain, &payer).await, 10 * FEE);

    // And one that passes no fee accounts at all is recorded too.
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    let out = s.chain.send_ok(&[ix], &[&recruiter]).await;
    assert_eq!(out.events::<AccessRecorded>(&CONSENT)[0].fees_paid, 0);
    assert_eq!(grant_uses(&mut s).await, 2);
    assert_eq!(token_balance(&mut s.chain, &payer).await, 10 * FEE);
}
