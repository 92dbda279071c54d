//! Malformed instruction data for every instruction of both programs.
//!
//! `every_instruction_refuses_malformed_data_then_runs_well_formed` walks a story that calls all
//! 26 instructions (21 of the registry, 5 of consent). Before each call it sends the same
//! instruction, same accounts and signers, with broken data: empty; every truncation of the
//! 8-byte discriminator; the discriminator with each byte flipped; the event-CPI tag in its
//! place; the arguments cut at every length; and, where the arguments start a length-prefixed
//! field, that prefix claiming more than was sent. Each must fail with Anchor's exact code
//! (`InstructionFallbackNotFound`, `EventInstructionStub`, `InstructionDidNotDeserialize`), never
//! panic, and leave every account as it was; the well-formed call then succeeds, so the refusals
//! came from the data alone.
//!
//! `random_bytes_are_refused_by_every_instruction` (proptest) sends random data to a random
//! instruction: random bytes in place of the discriminator, and a real discriminator followed by
//! random or corrupted arguments that do not decode (checked with the program's own instruction
//! type, as its handler decodes them). The same exact codes, no account changed.
//!
//! Bytes *after* complete arguments are not an error: Anchor decodes the arguments from the front
//! of the data and ignores the rest. `trailing_bytes_after_the_arguments_are_ignored` shows that
//! such bytes have no effect: the instruction does exactly what its arguments say.

use std::{cell::RefCell, collections::BTreeMap};

use anchor_lang::{
    error::ErrorCode as AnchorError, event::EVENT_IX_TAG_LE, AnchorDeserialize, Discriminator,
};
use credence_consent::{
    instruction as consent_ix,
    state::{AccessOutcome, AccessRequest, CredentialRef, Grant},
    ApproveRequestArgs, CreateListingArgs, CreateRequestArgs, UpdateGrantArgs, UpdateListingArgs,
};
use credence_registry::{
    constants::{PERMISSION_ALL, REASON_FRAUD},
    instruction as registry_ix,
    state::Registry,
    AddDelegateArgs, UpdateIssuerArgs,
};
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner},
    },
    pda,
};
use credence_tests::{
    assert_error, issuer_args, schema_args,
    security::{accounts_of, fund_all, send_fast, send_fast_ok, snapshot},
    Scenario, Stage, TestChain, ACTOR_LAMPORTS, FEE, WEEK, YEAR,
};
use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use solana_instruction::{error::InstructionError, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

/// Whether bytes decode as an instruction's arguments, exactly as its handler decodes them.
type Decoder = fn(&[u8]) -> bool;

macro_rules! decoders {
    ($($ty:path),* $(,)?) => {
        vec![$((
            <$ty as Discriminator>::DISCRIMINATOR,
            (|data: &[u8]| <$ty as AnchorDeserialize>::deserialize(&mut &data[..]).is_ok()) as Decoder,
        )),*]
    };
}

/// Every instruction of both programs: its discriminator and its argument decoder.
fn instruction_types() -> Vec<(&'static [u8], Decoder)> {
    decoders![
        registry_ix::CreateRegistry,
        registry_ix::TransferAdmin,
        registry_ix::AcceptAdmin,
        registry_ix::SetPaused,
        registry_ix::RegisterIssuer,
        registry_ix::AccreditIssuer,
        registry_ix::AccreditIssuerChecked,
        registry_ix::SuspendIssuer,
        registry_ix::ReinstateIssuer,
        registry_ix::RevokeIssuer,
        registry_ix::UpdateIssuer,
        registry_ix::RotateIssuerAuthority,
        registry_ix::AddDelegate,
        registry_ix::RemoveDelegate,
        registry_ix::CreateSchema,
        registry_ix::DeprecateSchema,
        registry_ix::IssueCredential,
        registry_ix::SuspendCredential,
        registry_ix::ReinstateCredential,
        registry_ix::RevokeCredential,
        registry_ix::RenewCredential,
        registry_ix::CloseCredential,
        consent_ix::CreateGrant,
        consent_ix::UpdateGrant,
        consent_ix::RevokeGrant,
        consent_ix::CloseGrant,
        consent_ix::RecordAccess,
        registry_ix::SetSchemaFee,
        registry_ix::ClearSchemaFee,
        consent_ix::CreateListing,
        consent_ix::UpdateListing,
        consent_ix::CloseListing,
        consent_ix::CreateRequest,
        consent_ix::ApproveRequest,
        consent_ix::DeclineRequest,
        consent_ix::WithdrawRequest,
    ]
}

fn is_known_discriminator(data: &[u8]) -> bool {
    data.starts_with(EVENT_IX_TAG_LE)
        || instruction_types()
            .iter()
            .any(|(discriminator, _)| data.starts_with(discriminator))
}

fn decoder_of(ix: &Instruction) -> Decoder {
    instruction_types()
        .into_iter()
        .find(|(discriminator, _)| ix.data.starts_with(discriminator))
        .map(|(_, decoder)| decoder)
        .expect("a Credence instruction")
}

/// Broken variants of `ix`'s data, each with the exact code it must fail with.
fn malformed_variants(
    ix: &Instruction,
    length_prefix: Option<usize>,
) -> Vec<(String, Vec<u8>, u32)> {
    let fallback: u32 = AnchorError::InstructionFallbackNotFound.into();
    let undecodable: u32 = AnchorError::InstructionDidNotDeserialize.into();
    let (discriminator, args) = ix.data.split_at(8);
    let mut variants = vec![("empty data".to_string(), vec![], fallback)];
    for len in 1..8 {
        variants.push((
            format!("discriminator cut to {len} bytes"),
            discriminator[..len].to_vec(),
            fallback,
        ));
    }
    for i in 0..8 {
        let mut data = ix.data.clone();
        data[i] ^= 0xFF;
        if !is_known_discriminator(&data) {
            variants.push((format!("discriminator byte {i} flipped"), data, fallback));
        }
    }
    let mut event = EVENT_IX_TAG_LE.to_vec();
    event.extend_from_slice(args);
    variants.push((
        "event-CPI tag".into(),
        event,
        AnchorError::EventInstructionStub.into(),
    ));
    for len in 0..args.len() {
        let mut data = discriminator.to_vec();
        data.extend_from_slice(&args[..len]);
        variants.push((
            format!("arguments cut to {len} of {} bytes", args.len()),
            data,
            undecodable,
        ));
    }
    if let Some(offset) = length_prefix {
        let at = 8 + offset;
        let remaining = (ix.data.len() - at - 4) as u32;
        for claim in [u32::MAX, 0x7FFF_FFFF, remaining + 1] {
            let mut data = ix.data.clone();
            data[at..at + 4].copy_from_slice(&claim.to_le_bytes());
            variants.push((
                format!("length prefix at {offset} claims {claim}"),
                data,
                undecodable,
            ));
        }
    }
    variants
}

/// Sends every malformed variant of `ix`, each refused with its exact code, nothing changed;
/// then the well-formed `ix`, which must land. Returns how many variants were sent.
async fn hammer_then_run(
    chain: &mut TestChain,
    name: &str,
    ix: Instruction,
    signers: &[&Keypair],
    length_prefix: Option<usize>,
) -> usize {
    assert!(
        decoder_of(&ix)(&ix.data[8..]),
        "{name}: the well-formed data decodes"
    );
    let before = snapshot(chain, &accounts_of(std::slice::from_ref(&ix))).await;
    let variants = malformed_variants(&ix, length_prefix);
    for (label, data, code) in &variants {
        let mut bad = ix.clone();
        bad.data = data.clone();
        let out = send_fast(chain, &[bad], signers).await;
        println!("{name}: {label}");
        assert_error(&out, *code);
    }
    before.assert_unchanged(chain, name).await;
    send_fast_ok(chain, &[ix], signers).await;
    variants.len()
}

#[tokio::test]
async fn every_instruction_refuses_malformed_data_then_runs_well_formed() {
    let mut s = Scenario::build(Stage::Grant).await;
    let new_admin = Keypair::new();
    let council = Keypair::new();
    let council2 = Keypair::new();
    let agent = Keypair::new();
    let keys = [&new_admin, &council, &council2, &agent].map(|k| k.pubkey());
    fund_all(&mut s.chain, &keys, ACTOR_LAMPORTS).await;
    let admin = s.admin.insecure_clone();
    let authority = s.issuer_authority.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let subject = s.subject.insecure_clone();
    let recruiter = s.recruiter.insecure_clone();
    let a = authority.pubkey();
    let registry = s.registry;
    let issuer = s.issuer;
    let nmc = pda::issuer(&registry, "nmc").0;
    let now = s.chain.now().await;
    let chain = &mut s.chain;
    let mut sent = 0;
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut step = async |chain: &mut TestChain,
                          name: &'static str,
                          ix: Instruction,
                          signers: &[&Keypair],
                          prefix: Option<usize>| {
        sent += hammer_then_run(chain, name, ix, signers, prefix).await;
        *seen.entry(name).or_default() += 1;
    };

    // Registry governance.
    step(
        chain,
        "create_registry",
        rix::create_registry(&stranger.pubkey(), "malformed"),
        &[&stranger],
        Some(0),
    )
    .await;
    step(
        chain,
        "transfer_admin",
        rix::transfer_admin(&admin.pubkey(), &registry, &new_admin.pubkey()),
        &[&admin],
        None,
    )
    .await;
    step(
        chain,
        "accept_admin",
        rix::accept_admin(&new_admin.pubkey(), &registry),
        &[&new_admin],
        None,
    )
    .await;
    let admin = new_admin;
    step(
        chain,
        "set_paused",
        rix::set_paused(&admin.pubkey(), &registry, true),
        &[&admin],
        None,
    )
    .await;
    step(
        chain,
        "set_paused",
        rix::set_paused(&admin.pubkey(), &registry, false),
        &[&admin],
        None,
    )
    .await;
    // Issuers.
    step(
        chain,
        "register_issuer",
        rix::register_issuer(&council.pubkey(), &registry, issuer_args("nmc")),
        &[&council],
        Some(0),
    )
    .await;
    let decide = |d| rix::decide_issuer(d, &admin.pubkey(), &registry, &nmc);
    step(
        chain,
        "accredit_issuer",
        decide(IssuerDecision::Accredit),
        &[&admin],
        None,
    )
    .await;
    let second = pda::issuer(&registry, "nmc2").0;
    let ix = rix::register_issuer(&council.pubkey(), &registry, issuer_args("nmc2"));
    send_fast_ok(chain, &[ix], &[&council]).await;
    step(
        chain,
        "accredit_issuer_checked",
        rix::accredit_issuer_checked(&admin.pubkey(), &registry, &second, &council.pubkey()),
        &[&admin],
        None,
    )
    .await;
    step(
        chain,
        "suspend_issuer",
        decide(IssuerDecision::Suspend),
        &[&admin],
        None,
    )
    .await;
    step(
        chain,
        "reinstate_issuer",
        decide(IssuerDecision::Reinstate),
        &[&admin],
        None,
    )
    .await;
    let update = UpdateIssuerArgs {
        name: Some("Nursing and Midwifery Council".into()),
        uri: None,
        jurisdiction: None,
    };
    step(
        chain,
        "update_issuer",
        rix::update_issuer(&council.pubkey(), &nmc, update),
        &[&council],
        Some(1),
    )
    .await;
    step(
        chain,
        "rotate_issuer_authority",
        rix::rotate_issuer_authority(&council.pubkey(), &council2.pubkey(), &nmc),
        &[&council, &council2],
        None,
    )
    .await;
    // Delegates, schemas and credentials.
    let delegate = AddDelegateArgs {
        delegate: agent.pubkey(),
        permissions: PERMISSION_ALL,
        expires_at: now + WEEK,
    };
    step(
        chain,
        "add_delegate",
        rix::add_delegate(&a, &issuer, delegate),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "create_schema",
        rix::create_schema(&a, &issuer, schema_args("second", 1)),
        &[&authority],
        Some(0),
    )
    .await;
    let schema = pda::schema(&issuer, "second", 1).0;
    let signer = IssuerSigner {
        authority: a,
        as_delegate: false,
        registry,
        issuer,
    };
    let mut args = s.credential_args([2; 32]);
    args.expires_at = Some(now + YEAR);
    let credential = pda::credential(&issuer, &args.subject, &[2; 32]).0;
    let chain = &mut s.chain;
    step(
        chain,
        "issue_credential",
        rix::issue_credential(&signer, &a, &schema, args),
        &[&authority],
        None,
    )
    .await;
    let change = |c| rix::change_credential(c, &signer, &schema, &credential);
    step(
        chain,
        "suspend_credential",
        change(CredentialChange::Suspend),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "reinstate_credential",
        change(CredentialChange::Reinstate),
        &[&authority],
        None,
    )
    .await;
    let renewal = CredentialChange::Renew {
        expires_at: now + 2 * YEAR,
    };
    step(
        chain,
        "renew_credential",
        change(renewal),
        &[&authority],
        None,
    )
    .await;
    let revocation = CredentialChange::Revoke {
        reason: REASON_FRAUD,
    };
    step(
        chain,
        "revoke_credential",
        change(revocation),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "close_credential",
        rix::close_credential(&a, &issuer, &credential, &a),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "remove_delegate",
        rix::remove_delegate(&a, &issuer, &agent.pubkey()),
        &[&authority],
        None,
    )
    .await;
    // Fees, on the second schema, through a real SPL Token mint.
    let token = credence_tests::FeeToken::create(chain).await;
    let treasury = token.fund(chain, &a, 0).await;
    step(
        chain,
        "set_schema_fee",
        rix::set_schema_fee(&a, &issuer, &schema, &token.mint, &treasury, FEE),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "clear_schema_fee",
        rix::clear_schema_fee(&a, &issuer, &schema),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "deprecate_schema",
        rix::deprecate_schema(&a, &issuer, &schema),
        &[&authority],
        None,
    )
    .await;
    step(
        chain,
        "revoke_issuer",
        decide(IssuerDecision::Revoke),
        &[&admin],
        None,
    )
    .await;

    // Consent: the length prefix of create_grant's credential list follows the grant id (8
    // bytes) and the grantee (32); update_grant's purpose string follows two `None` tags and its
    // own `Some` tag.
    let mut args = s.grant_args(2, vec![s.credential]).await;
    args.max_uses = 5;
    let grant = pda::grant(&subject.pubkey(), &recruiter.pubkey(), 2).0;
    let chain = &mut s.chain;
    step(
        chain,
        "create_grant",
        cix::create_grant(&subject.pubkey(), args),
        &[&subject],
        Some(40),
    )
    .await;
    let update = UpdateGrantArgs {
        expires_at: None,
        max_uses: None,
        purpose: Some("Recruitment: night shifts".into()),
        credentials: None,
        sealed_key: None,
    };
    step(
        chain,
        "update_grant",
        cix::update_grant(&subject.pubkey(), &grant, update),
        &[&subject],
        Some(3),
    )
    .await;
    let accessed = credence_tests::accessed(chain, &grant, 1).await;
    let record = cix::record_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    step(chain, "record_access", record, &[&recruiter], None).await;
    step(
        chain,
        "revoke_grant",
        cix::revoke_grant(&subject.pubkey(), &grant),
        &[&subject],
        None,
    )
    .await;
    step(
        chain,
        "close_grant",
        cix::close_grant(&subject.pubkey(), &grant),
        &[&subject],
        None,
    )
    .await;

    // The talent pool: a listing's credential list follows its two codes and its date (24
    // bytes); a request's follows its id and subject (40); an approval's follows the grant id.
    let first = s.credential;
    let listing = CreateListingArgs {
        occupation: *b"2221\0\0\0\0",
        region: *b"GB-ENG\0\0",
        available_from: now,
        credentials: vec![CredentialRef::Account { address: first }],
    };
    let chain = &mut s.chain;
    step(
        chain,
        "create_listing",
        cix::create_listing(&subject.pubkey(), listing),
        &[&subject],
        Some(24),
    )
    .await;
    let update = UpdateListingArgs {
        occupation: None,
        region: None,
        available_from: Some(now + 1),
        credentials: None,
    };
    step(
        chain,
        "update_listing",
        cix::update_listing(&subject.pubkey(), update),
        &[&subject],
        None,
    )
    .await;
    step(
        chain,
        "close_listing",
        cix::close_listing(&subject.pubkey()),
        &[&subject],
        None,
    )
    .await;
    let ask = |request_id| CreateRequestArgs {
        request_id,
        subject: subject.pubkey(),
        credentials: vec![CredentialRef::Account { address: first }],
        schemas: vec![],
        purpose: "Recruitment".into(),
        duration_secs: 3600,
        max_uses: 0,
        recipient_key: [1; 32],
    };
    step(
        chain,
        "create_request",
        cix::create_request(&recruiter.pubkey(), ask(1)),
        &[&recruiter],
        Some(40),
    )
    .await;
    let request = |id| pda::request(&subject.pubkey(), &recruiter.pubkey(), id).0;
    let asked: AccessRequest = chain.account(&request(1)).await.expect("the request");
    let approve = ApproveRequestArgs {
        grant_id: 11,
        credentials: vec![CredentialRef::Account { address: first }],
        sealed_key: vec![],
        terms_hash: asked.terms_hash(),
    };
    step(
        chain,
        "approve_request",
        cix::approve_request(&subject.pubkey(), &recruiter.pubkey(), &request(1), approve),
        &[&subject],
        Some(8),
    )
    .await;
    for id in [2, 3] {
        let ix = cix::create_request(&recruiter.pubkey(), ask(id));
        send_fast_ok(chain, &[ix], &[&recruiter]).await;
    }
    step(
        chain,
        "decline_request",
        cix::decline_request(&subject.pubkey(), &recruiter.pubkey(), &request(2)),
        &[&subject],
        None,
    )
    .await;
    step(
        chain,
        "withdraw_request",
        cix::withdraw_request(&recruiter.pubkey(), &request(3)),
        &[&recruiter],
        None,
    )
    .await;

    assert_eq!(
        seen.len(),
        36,
        "every instruction of both programs: {:?}",
        seen.keys()
    );
    assert_eq!(instruction_types().len(), 36);
    println!("malformed data: {sent} variants over 36 instructions, all refused");
}

#[tokio::test]
async fn trailing_bytes_after_the_arguments_are_ignored() {
    let mut s = Scenario::build(Stage::Grant).await;
    let admin = s.admin.insecure_clone();
    let recruiter = s.recruiter.insecure_clone();
    let garbage = [0xA5u8; 40];
    let with_garbage = |mut ix: Instruction| {
        ix.data.extend_from_slice(&garbage);
        ix
    };
    // A 32-byte key argument followed by 40 more bytes: the key is what was encoded.
    let proposed = s.stranger.pubkey();
    let ix = with_garbage(rix::transfer_admin(&admin.pubkey(), &s.registry, &proposed));
    send_fast_ok(&mut s.chain, &[ix], &[&admin]).await;
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert_eq!(registry.pending_admin, Some(proposed));
    // An instruction without arguments, and one with a bitmask: one use, counted once.
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let ix = with_garbage(cix::record_access(
        &recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    ));
    send_fast_ok(&mut s.chain, &[ix], &[&recruiter]).await;
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.uses, 1);
    let ix = with_garbage(rix::set_paused(&admin.pubkey(), &s.registry, true));
    send_fast_ok(&mut s.chain, &[ix], &[&admin]).await;
    let registry: Registry = s.chain.account(&s.registry).await.unwrap();
    assert!(registry.paused);
}

// ---------------------------------------------------------------- random data (proptest)

/// How the random data is built.
#[derive(Clone, Debug)]
enum Payload {
    /// Random bytes where the discriminator belongs.
    Raw(Vec<u8>),
    /// The instruction's discriminator, then random bytes shorter than its valid arguments.
    ShortArguments(Vec<u8>),
    /// The instruction's discriminator and valid arguments with bytes overwritten at random.
    Corrupted(Vec<(usize, u8)>),
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..96).prop_map(Payload::Raw),
        prop::collection::vec(any::<u8>(), 0..200).prop_map(Payload::ShortArguments),
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..4).prop_map(Payload::Corrupted),
    ]
}

/// A template per instruction on a populated chain, with its signers.
async fn templates() -> (Scenario, Vec<(Instruction, Vec<Keypair>)>) {
    let mut s = Scenario::build(Stage::Grant).await;
    let agent = s.chain.actor().await;
    let now = s.chain.now().await;
    let a = s.issuer_authority.pubkey();
    let ix = rix::add_delegate(
        &a,
        &s.issuer,
        AddDelegateArgs {
            delegate: agent.pubkey(),
            permissions: PERMISSION_ALL,
            expires_at: now + WEEK,
        },
    );
    send_fast_ok(&mut s.chain, &[ix], &[&s.issuer_authority]).await;
    let grant_args = s.grant_args(3, vec![s.credential]).await;
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let admin = || s.admin.insecure_clone();
    let authority = || s.issuer_authority.insecure_clone();
    let stranger = || s.stranger.insecure_clone();
    let signer = s.authority_signer();
    let change = |c| rix::change_credential(c, &signer, &s.schema, &s.credential);
    let decide = |d| rix::decide_issuer(d, &s.admin.pubkey(), &s.registry, &s.issuer);
    let subject = s.subject.pubkey();
    let s_ref = &s;
    let list: Vec<(Instruction, Vec<Keypair>)> = vec![
        (
            rix::create_registry(&s_ref.stranger.pubkey(), "random"),
            vec![stranger()],
        ),
        (
            rix::transfer_admin(
                &s_ref.admin.pubkey(),
                &s_ref.registry,
                &s_ref.stranger.pubkey(),
            ),
            vec![admin()],
        ),
        (
            rix::accept_admin(&s_ref.stranger.pubkey(), &s_ref.registry),
            vec![stranger()],
        ),
        (
            rix::set_paused(&s_ref.admin.pubkey(), &s_ref.registry, true),
            vec![admin()],
        ),
        (
            rix::register_issuer(
                &s_ref.stranger.pubkey(),
                &s_ref.registry,
                issuer_args("random"),
            ),
            vec![stranger()],
        ),
        (decide(IssuerDecision::Accredit), vec![admin()]),
        (decide(IssuerDecision::Suspend), vec![admin()]),
        (decide(IssuerDecision::Reinstate), vec![admin()]),
        (decide(IssuerDecision::Revoke), vec![admin()]),
        (
            rix::update_issuer(
                &a,
                &s_ref.issuer,
                UpdateIssuerArgs {
                    name: Some("Random".into()),
                    uri: Some("https://random.example".into()),
                    jurisdiction: Some("GB".into()),
                },
            ),
            vec![authority()],
        ),
        (
            rix::rotate_issuer_authority(&a, &s_ref.stranger.pubkey(), &s_ref.issuer),
            vec![authority(), stranger()],
        ),
        (
            rix::add_delegate(
                &a,
                &s_ref.issuer,
                AddDelegateArgs {
                    delegate: s_ref.stranger.pubkey(),
                    permissions: 1,
                    expires_at: now + WEEK,
                },
            ),
            vec![authority()],
        ),
        (
            rix::remove_delegate(&a, &s_ref.issuer, &agent.pubkey()),
            vec![authority()],
        ),
        (
            rix::create_schema(&a, &s_ref.issuer, schema_args("random", 1)),
            vec![authority()],
        ),
        (
            rix::deprecate_schema(&a, &s_ref.issuer, &s_ref.schema),
            vec![authority()],
        ),
        (
            rix::issue_credential(&signer, &a, &s_ref.schema, s_ref.credential_args([9; 32])),
            vec![authority()],
        ),
        (change(CredentialChange::Suspend), vec![authority()]),
        (change(CredentialChange::Reinstate), vec![authority()]),
        (
            change(CredentialChange::Revoke {
                reason: REASON_FRAUD,
            }),
            vec![authority()],
        ),
        (
            change(CredentialChange::Renew {
                expires_at: now + 5 * YEAR,
            }),
            vec![authority()],
        ),
        (
            rix::close_credential(&a, &s_ref.issuer, &s_ref.credential, &a),
            vec![authority()],
        ),
        (
            cix::create_grant(&subject, grant_args),
            vec![s_ref.subject.insecure_clone()],
        ),
        (
            cix::update_grant(
                &subject,
                &s_ref.grant,
                UpdateGrantArgs {
                    expires_at: Some(now + WEEK),
                    max_uses: Some(9),
                    purpose: Some("Random".into()),
                    credentials: None,
                    sealed_key: Some(vec![1; 16]),
                },
            ),
            vec![s_ref.subject.insecure_clone()],
        ),
        (
            cix::revoke_grant(&subject, &s_ref.grant),
            vec![s_ref.subject.insecure_clone()],
        ),
        (
            cix::close_grant(&subject, &s_ref.grant),
            vec![s_ref.subject.insecure_clone()],
        ),
        (
            cix::record_access(
                &s_ref.recruiter.pubkey(),
                &s_ref.grant,
                1,
                AccessOutcome::Verified,
                &accessed,
            ),
            vec![s_ref.recruiter.insecure_clone()],
        ),
    ];
    assert_eq!(list.len(), 26);
    (s, list)
}

/// The data `payload` makes for `ix`, and the code it must fail with; `None` when the data
/// happens to decode (a well-formed instruction, not a malformed one).
fn malformed_data(ix: &Instruction, payload: &Payload) -> Option<(Vec<u8>, u32)> {
    let decodes = decoder_of(ix);
    let (discriminator, args) = ix.data.split_at(8);
    match payload {
        Payload::Raw(bytes) => (!is_known_discriminator(bytes)).then(|| {
            (
                bytes.clone(),
                AnchorError::InstructionFallbackNotFound.into(),
            )
        }),
        Payload::ShortArguments(bytes) => {
            let tail = &bytes[..bytes.len().min(args.len().saturating_sub(1))];
            let mut data = discriminator.to_vec();
            data.extend_from_slice(tail);
            (!args.is_empty() && !decodes(tail))
                .then_some((data, AnchorError::InstructionDidNotDeserialize.into()))
        }
        Payload::Corrupted(edits) => {
            if args.is_empty() {
                return None;
            }
            let mut tail = args.to_vec();
            for (at, byte) in edits {
                let at = at % tail.len();
                tail[at] = *byte;
            }
            let mut data = discriminator.to_vec();
            data.extend_from_slice(&tail);
            (!decodes(&tail)).then_some((data, AnchorError::InstructionDidNotDeserialize.into()))
        }
    }
}

#[test]
fn random_bytes_are_refused_by_every_instruction() {
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (scenario, list) = rt.block_on(templates());
    let chain = RefCell::new(scenario.chain);
    let counts = RefCell::new((0u32, 0u32));
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&(0..list.len(), payload()), |(index, payload)| {
        let (template, signers) = &list[index];
        let Some((data, code)) = malformed_data(template, &payload) else {
            counts.borrow_mut().1 += 1;
            return Ok(());
        };
        let mut ix = template.clone();
        ix.data = data;
        let signers: Vec<&Keypair> = signers.iter().collect();
        let mut chain = chain.borrow_mut();
        rt.block_on(async {
            let before = snapshot(&mut chain, &accounts_of(std::slice::from_ref(&ix))).await;
            let out = send_fast(&mut chain, &[ix], &signers).await;
            match &out.result {
                Err(TransactionError::InstructionError(_, InstructionError::Custom(actual)))
                    if *actual == code => {}
                other => {
                    return Err(TestCaseError::fail(format!(
                        "expected custom error {code}, got {other:?}\n{}",
                        out.logs.join("\n")
                    )))
                }
            }
            let after = snapshot(&mut chain, &before.addresses()).await;
            prop_assert_eq!(before, after, "an account changed");
            Ok(())
        })?;
        counts.borrow_mut().0 += 1;
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let (sent, decoded) = counts.into_inner();
    println!("random data: {sent} malformed instructions refused; {decoded} draws decoded and were skipped");
    assert!(sent >= 200, "enough malformed cases were sent: {sent}");
}
