//! Missing signer check: the authority's key is in the account list but does not sign (its
//! `is_signer` flag is cleared and only the fee payer and the other signers sign). Anchor's
//! `Signer` refuses every such slot with `AccountNotSigner` (3010) before any state is read.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::{
    state::{AccessOutcome, CredentialRef},
    ApproveRequestArgs, CreateListingArgs, CreateRequestArgs, UpdateListingArgs,
};
use credence_registry::{constants::REASON_FRAUD, AddDelegateArgs, UpdateIssuerArgs};
use credence_sdk::ix::{
    consent as cix,
    registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner, LeafChange},
};
use credence_tests::{issuer_args, schema_args, WEEK};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::common::{refuse, world, World};

/// One attempt: the instruction, the account slot whose signature is withheld, and the keys that
/// still sign.
struct Case<'a> {
    name: &'static str,
    ix: Instruction,
    unsigned_slot: usize,
    signers: Vec<&'a Keypair>,
}

async fn run(w: &mut World, cases: Vec<Case<'_>>) {
    for case in cases {
        // Printed on failure only (the harness captures it), to name the case.
        println!("missing signer: {}", case.name);
        let mut ix = case.ix;
        let withheld = ix.accounts[case.unsigned_slot].pubkey;
        assert!(
            ix.accounts[case.unsigned_slot].is_signer,
            "{}: slot {} is a signer slot",
            case.name, case.unsigned_slot
        );
        // The same key must not sign through another slot of the instruction.
        for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == withheld) {
            meta.is_signer = false;
        }
        assert!(
            case.signers.iter().all(|k| k.pubkey() != withheld),
            "{}: the withheld key does not sign",
            case.name
        );
        refuse(
            &mut w.s.chain,
            &[ix],
            &case.signers,
            AnchorError::AccountNotSigner,
            &[],
        )
        .await;
    }
}

#[tokio::test]
async fn registry_refuses_every_unsigned_authority_slot() {
    let mut w = world().await;
    let now = w.s.chain.now().await;
    // Every signer slot of every registry instruction. Where an instruction has a second signer,
    // it keeps signing, so only the withheld slot is missing.
    let s = &w.s;
    let admin = s.admin.insecure_clone();
    let authority = s.issuer_authority.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let a = authority.pubkey();
    let signer = s.authority_signer();
    // `issue_credential` with a payer distinct from the authority, so each can be withheld alone.
    let issue = rix::issue_credential(
        &signer,
        &stranger.pubkey(),
        &s.schema,
        s.credential_args([3; 32]),
    );
    // `issue_credentials` the same way.
    let batch = rix::issue_credentials(
        &signer,
        &stranger.pubkey(),
        &s.schema,
        credence_registry::IssueCredentialsArgs {
            valid_from: None,
            expires_at: None,
            credentials: vec![credence_registry::BatchCredential {
                credential_id: [4; 32],
                subject: s.subject.pubkey(),
                commitment: [7; 32],
            }],
        },
    );
    let change = |c| rix::change_credential(c, &signer, &s.schema, &s.credential);
    let cases = vec![
        Case {
            name: "create_registry",
            ix: rix::create_registry(&stranger.pubkey(), "unsigned"),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "transfer_admin",
            ix: rix::transfer_admin(&admin.pubkey(), &s.registry, &stranger.pubkey()),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "accept_admin",
            ix: rix::accept_admin(&stranger.pubkey(), &s.registry),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "set_paused",
            ix: rix::set_paused(&admin.pubkey(), &s.registry, true),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "register_issuer",
            ix: rix::register_issuer(&stranger.pubkey(), &s.registry, issuer_args("unsigned")),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "accredit_issuer",
            ix: rix::decide_issuer(
                IssuerDecision::Accredit,
                &admin.pubkey(),
                &s.registry,
                &s.issuer,
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "accredit_issuer_checked",
            ix: rix::accredit_issuer_checked(&admin.pubkey(), &s.registry, &s.issuer, &a),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "suspend_issuer",
            ix: rix::decide_issuer(
                IssuerDecision::Suspend,
                &admin.pubkey(),
                &s.registry,
                &s.issuer,
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "reinstate_issuer",
            ix: rix::decide_issuer(
                IssuerDecision::Reinstate,
                &admin.pubkey(),
                &s.registry,
                &s.issuer,
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "revoke_issuer",
            ix: rix::decide_issuer(
                IssuerDecision::Revoke,
                &admin.pubkey(),
                &s.registry,
                &s.issuer,
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "update_issuer",
            ix: rix::update_issuer(
                &a,
                &s.issuer,
                UpdateIssuerArgs {
                    name: Some("Hijacked".into()),
                    uri: None,
                    jurisdiction: None,
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "rotate_issuer_authority (current authority withheld)",
            ix: rix::rotate_issuer_authority(&a, &stranger.pubkey(), &s.issuer),
            unsigned_slot: 0,
            signers: vec![&stranger],
        },
        Case {
            name: "rotate_issuer_authority (new authority withheld)",
            ix: rix::rotate_issuer_authority(&a, &stranger.pubkey(), &s.issuer),
            unsigned_slot: 1,
            signers: vec![&authority],
        },
        Case {
            name: "add_delegate",
            ix: rix::add_delegate(
                &a,
                &s.issuer,
                AddDelegateArgs {
                    delegate: stranger.pubkey(),
                    permissions: 1,
                    expires_at: now + WEEK,
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "remove_delegate",
            ix: rix::remove_delegate(&a, &s.issuer, &w.agent.pubkey()),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "create_schema",
            ix: rix::create_schema(&a, &s.issuer, schema_args("unsigned", 1)),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "deprecate_schema",
            ix: rix::deprecate_schema(&a, &s.issuer, &s.schema),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "issue_credential (authority withheld)",
            ix: issue.clone(),
            unsigned_slot: 0,
            signers: vec![&stranger],
        },
        Case {
            name: "issue_credential (payer withheld)",
            ix: issue,
            unsigned_slot: 1,
            signers: vec![&authority],
        },
        Case {
            name: "issue_credentials (authority withheld)",
            ix: batch.clone(),
            unsigned_slot: 0,
            signers: vec![&stranger],
        },
        Case {
            name: "issue_credentials (payer withheld)",
            ix: batch,
            unsigned_slot: 1,
            signers: vec![&authority],
        },
        Case {
            name: "suspend_credential",
            ix: change(CredentialChange::Suspend),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "reinstate_credential",
            ix: change(CredentialChange::Reinstate),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "revoke_credential",
            ix: change(CredentialChange::Revoke {
                reason: REASON_FRAUD,
            }),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "renew_credential",
            ix: change(CredentialChange::Renew {
                expires_at: now + 10 * WEEK,
            }),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "close_credential",
            ix: rix::close_credential(&a, &s.issuer, &s.credential, &stranger.pubkey()),
            unsigned_slot: 0,
            signers: vec![],
        },
    ];
    // A delegate's key withheld too: the delegate record is passed, its key does not sign.
    let delegate_signer = IssuerSigner {
        authority: w.agent.pubkey(),
        as_delegate: true,
        registry: s.registry,
        issuer: s.issuer,
    };
    let mut cases = cases;
    cases.push(Case {
        name: "revoke_credential (delegate withheld)",
        ix: rix::change_credential(
            CredentialChange::Revoke {
                reason: REASON_FRAUD,
            },
            &delegate_signer,
            &s.schema,
            &s.credential,
        ),
        unsigned_slot: 0,
        signers: vec![],
    });
    assert_eq!(
        cases.len(),
        27,
        "23 instructions, three with a second signer slot, and a delegate"
    );
    run(&mut w, cases).await;
}

#[tokio::test]
async fn registry_refuses_every_unsigned_cohort_slot() {
    let mut w = world().await;
    let now = w.s.chain.now().await;
    let s = &w.s;
    let authority = s.issuer_authority.insecure_clone();
    let stranger = s.stranger.insecure_clone();
    let (a, payer) = (authority.pubkey(), stranger.pubkey());
    let signer = s.authority_signer();
    let cohort = credence_sdk::pda::cohort(&s.issuer, &[7; 32]).0;
    let issue = rix::issue_cohort(
        &signer,
        &payer,
        &s.schema,
        credence_registry::IssueCohortArgs {
            cohort_id: [7; 32],
            merkle_root: [5; 32],
            leaf_count: 4,
            depth: 2,
            valid_from: now,
            expires_at: now + WEEK,
        },
    );
    let leaf = |change| {
        rix::change_cohort_leaf(change, &signer, &payer, &s.schema, &cohort, 1, REASON_FRAUD)
    };
    let mut cases = Vec::new();
    for (name, ix) in [
        ("issue_cohort", issue),
        ("suspend_cohort_leaf", leaf(LeafChange::Suspend)),
        ("reinstate_cohort_leaf", leaf(LeafChange::Reinstate)),
        ("revoke_cohort_leaf", leaf(LeafChange::Revoke)),
    ] {
        // The authority withheld while the payer signs, then the payer withheld.
        cases.push(Case {
            name,
            ix: ix.clone(),
            unsigned_slot: 0,
            signers: vec![&stranger],
        });
        cases.push(Case {
            name,
            ix,
            unsigned_slot: 1,
            signers: vec![&authority],
        });
    }
    cases.push(Case {
        name: "close_cohort_status_page",
        ix: rix::close_cohort_status_page(&a, &s.issuer, &cohort, 1, &payer),
        unsigned_slot: 0,
        signers: vec![],
    });
    cases.push(Case {
        name: "close_cohort",
        ix: rix::close_cohort(&a, &s.issuer, &cohort, &payer),
        unsigned_slot: 0,
        signers: vec![],
    });
    assert_eq!(
        cases.len(),
        10,
        "6 cohort instructions, 4 with a payer slot"
    );
    run(&mut w, cases).await;
}

#[tokio::test]
async fn consent_refuses_every_unsigned_subject_or_grantee_slot() {
    let mut w = world().await;
    let subject = w.s.subject.pubkey();
    let recruiter = w.s.recruiter.pubkey();
    let grant = w.s.grant;
    let mut create = w.s.grant_args(2, vec![w.s.credential]).await;
    create.purpose = "Unsigned".into();
    let cases = vec![
        Case {
            name: "create_grant",
            ix: cix::create_grant(&subject, create),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "update_grant",
            ix: cix::update_grant(
                &subject,
                &grant,
                credence_consent::UpdateGrantArgs {
                    expires_at: None,
                    max_uses: Some(1000),
                    purpose: None,
                    credentials: None,
                    sealed_key: None,
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "revoke_grant",
            ix: cix::revoke_grant(&subject, &grant),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "close_grant",
            ix: cix::close_grant(&subject, &grant),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "record_access",
            ix: cix::record_access(&recruiter, &grant, 1, AccessOutcome::Verified, &[]),
            unsigned_slot: 0,
            signers: vec![],
        },
    ];
    run(&mut w, cases).await;
}

#[tokio::test]
async fn pool_and_fee_instructions_refuse_every_unsigned_slot() {
    let mut w = world().await;
    let subject = w.s.subject.pubkey();
    let recruiter = w.s.recruiter.pubkey();
    let authority = w.s.issuer_authority.pubkey();
    let credential = vec![CredentialRef::Account {
        address: w.s.credential,
    }];
    let request = credence_sdk::pda::request(&subject, &recruiter, 1).0;
    let (mint, treasury) = (Pubkey::new_unique(), Pubkey::new_unique());
    let cases = vec![
        Case {
            name: "set_schema_fee",
            ix: rix::set_schema_fee(&authority, &w.s.issuer, &w.s.schema, &mint, &treasury, 1),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "clear_schema_fee",
            ix: rix::clear_schema_fee(&authority, &w.s.issuer, &w.s.schema),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "create_listing",
            ix: cix::create_listing(
                &subject,
                CreateListingArgs {
                    occupation: *b"2221\0\0\0\0",
                    region: *b"GB\0\0\0\0\0\0",
                    available_from: 0,
                    credentials: credential.clone(),
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "update_listing",
            ix: cix::update_listing(
                &subject,
                UpdateListingArgs {
                    occupation: None,
                    region: None,
                    available_from: Some(1),
                    credentials: None,
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "close_listing",
            ix: cix::close_listing(&subject),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "create_request",
            ix: cix::create_request(
                &recruiter,
                CreateRequestArgs {
                    request_id: 1,
                    subject,
                    credentials: credential.clone(),
                    schemas: vec![],
                    purpose: "Unsigned".into(),
                    duration_secs: WEEK,
                    max_uses: 0,
                    recipient_key: [0; 32],
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "approve_request",
            ix: cix::approve_request(
                &subject,
                &recruiter,
                &request,
                ApproveRequestArgs {
                    grant_id: 9,
                    credentials: credential,
                    sealed_key: vec![],
                    terms_hash: [0; 32],
                },
            ),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "decline_request",
            ix: cix::decline_request(&subject, &recruiter, &request),
            unsigned_slot: 0,
            signers: vec![],
        },
        Case {
            name: "withdraw_request",
            ix: cix::withdraw_request(&recruiter, &request),
            unsigned_slot: 0,
            signers: vec![],
        },
    ];
    assert_eq!(cases.len(), 9, "every pool and fee instruction");
    run(&mut w, cases).await;
}
