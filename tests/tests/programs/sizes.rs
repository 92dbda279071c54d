//! Smoke test of the whole story, and the pinned account sizes.

use anchor_lang::Space;
use credence_consent::{
    events::AccessRecorded,
    state::{AccessOutcome, AccessRequest, Grant, Listing},
};
use credence_registry::state::{Credential, Delegate, Issuer, Registry, Schema, SchemaFee};
use credence_sdk::ix::consent as cix;
use credence_tests::{Scenario, Stage};
use solana_signer::Signer;

#[tokio::test]
async fn full_story_ok() {
    let mut s = Scenario::build(Stage::Grant).await;
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.subject, s.subject.pubkey());
    assert_eq!(grant.uses, 0);
    let grant = s.grant;
    let accessed = s.accessed(&grant, 1).await;
    let ix = cix::record_access(
        &s.recruiter.pubkey(),
        &grant,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    let recruiter = s.recruiter.insecure_clone();
    let outcome = s.chain.send_ok(&[ix], &[&recruiter]).await;
    let events: Vec<AccessRecorded> = outcome.events(&credence_consent::ID);
    assert_eq!(events.len(), 1, "{:#?}", outcome.logs);
    assert_eq!(events[0].use_number, 1);
    let grant: Grant = s.chain.account(&s.grant).await.unwrap();
    assert_eq!(grant.uses, 1);
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(credential.subject, s.subject.pubkey());
}

/// Every account's size in bytes, pinned: a change here is a layout change (see STYLE: additive
/// versioning). The credential stays within 205 bytes: the Solana Attestation Service's
/// attestation of a bare 32-byte hash, which carries no status, validity start or reason.
#[test]
fn account_sizes_are_pinned() {
    assert_eq!(8 + Registry::INIT_SPACE, 224);
    assert_eq!(8 + Issuer::INIT_SPACE, 419);
    assert_eq!(8 + Delegate::INIT_SPACE, 123);
    assert_eq!(8 + Schema::INIT_SPACE, 366);
    assert_eq!(8 + Credential::INIT_SPACE, 205);
    assert_eq!(8 + Grant::INIT_SPACE, 982);
    assert_eq!(8 + Listing::INIT_SPACE, 710);
    assert_eq!(8 + AccessRequest::INIT_SPACE, 962);
    // Fees took the schema's reserved space: its size did not change.
    assert_eq!(
        SchemaFee::INIT_SPACE + 23,
        96,
        "the fee fits the space the first layout reserved"
    );
}

/// How many credentials fit the 1,232-byte transaction for each pool and fee instruction whose
/// size grows with its credential list (the programs allow 16). Pinned so a layout change that
/// shrinks them is noticed.
#[test]
fn credentials_per_transaction_for_the_pool_and_fees_are_pinned() {
    use credence_consent::{
        state::CredentialRef, ApproveRequestArgs, CreateGrantArgs, CreateListingArgs,
        CreateRequestArgs,
    };
    use credence_sdk::{
        ix::consent::{record_paid_access, Accessed, FeePayment},
        transport::{transaction_size, MAX_TRANSACTION_SIZE},
    };
    use solana_pubkey::Pubkey;
    let payer = Pubkey::new_unique();
    let refs = |n: usize| -> Vec<CredentialRef> {
        (0..n)
            .map(|_| CredentialRef::Account {
                address: Pubkey::new_unique(),
            })
            .collect()
    };
    let most = |build: &dyn Fn(usize) -> solana_instruction::Instruction| {
        (1..=16)
            .take_while(|n| transaction_size(&[build(*n)], &payer) <= MAX_TRANSACTION_SIZE)
            .last()
            .unwrap_or(0)
    };
    let grant = most(&|n| {
        credence_sdk::ix::consent::create_grant(
            &payer,
            CreateGrantArgs {
                grant_id: 1,
                grantee: Pubkey::new_unique(),
                credentials: refs(n),
                purpose: "Recruitment: ICU nurse, St Mary's Hospital".into(),
                expires_at: 1_800_000_000,
                max_uses: 0,
                sealed_key: vec![0; 80],
            },
        )
    });
    let listing = most(&|n| {
        credence_sdk::ix::consent::create_listing(
            &payer,
            CreateListingArgs {
                occupation: *b"2221\0\0\0\0",
                region: *b"GB-ENG\0\0",
                available_from: 0,
                credentials: refs(n),
            },
        )
    });
    let request = most(&|n| {
        credence_sdk::ix::consent::create_request(
            &payer,
            CreateRequestArgs {
                request_id: 1,
                subject: Pubkey::new_unique(),
                credentials: refs(n),
                schemas: vec![],
                purpose: "Recruitment: ICU nurse, St Mary's Hospital".into(),
                duration_secs: 604_800,
                max_uses: 0,
                recipient_key: [0; 32],
            },
        )
    });
    let approve = most(&|n| {
        credence_sdk::ix::consent::approve_request(
            &payer,
            &Pubkey::new_unique(),
            &Pubkey::new_unique(),
            ApproveRequestArgs {
                grant_id: 1,
                credentials: refs(n),
                sealed_key: vec![0; 80],
                terms_hash: [0; 32],
            },
        )
    });
    let paid = most(&|n| {
        // One issuer (the usual case: a recruiter checks one university's or council's
        // credentials); the message lists it once.
        let issuer = Pubkey::new_unique();
        let accessed: Vec<Accessed> = (0..n)
            .map(|_| Accessed {
                credential: CredentialRef::Account {
                    address: Pubkey::new_unique(),
                },
                schema: Pubkey::new_unique(),
                issuer,
                treasury: Some(Pubkey::new_unique()),
            })
            .collect();
        record_paid_access(
            &payer,
            &Pubkey::new_unique(),
            u16::MAX,
            AccessOutcome::Verified,
            &accessed,
            Some(FeePayment {
                payer: Pubkey::new_unique(),
                mint: Pubkey::new_unique(),
                max_fee: 1,
            }),
        )
    });
    println!(
        "grant {grant}, listing {listing}, request {request}, approval {approve}, paid access {paid}"
    );
    // The SDK's TransactionTooLarge message is built from this table: it must say what fits.
    assert_eq!(
        credence_sdk::error::CREDENTIALS_PER_TRANSACTION.map(|(_, n)| n),
        [grant, listing, request, approve, paid],
        "credentials per 1,232-byte transaction: grant and approval (80-byte sealed key), listing, request, paid access (distinct schemas and treasuries, one issuer)"
    );
}

/// How many credentials one `issue_credentials` batch puts in a 1,232-byte legacy transaction
/// signed by the issuer's authority alone, pinned: 7 with the schema's default window, 6 with
/// both dates given. Each costs 129 bytes (its address, 32, and its account index; its id,
/// subject and commitment, 96); the shared part (one signature, six keys, the blockhash and
/// the instruction's fixed accounts and data) is 319 bytes once the data passes 127 bytes, so 8
/// would take 1,351.
#[test]
fn credentials_per_issuance_transaction_are_pinned() {
    use credence_registry::{BatchCredential, IssueCredentialsArgs};
    use credence_sdk::{
        ix::registry::{issue_credentials, IssuerSigner},
        transport::{transaction_size, MAX_TRANSACTION_SIZE},
    };
    use solana_pubkey::Pubkey;
    let authority = Pubkey::new_unique();
    let signer = IssuerSigner {
        authority,
        as_delegate: false,
        registry: Pubkey::new_unique(),
        issuer: Pubkey::new_unique(),
    };
    let schema = Pubkey::new_unique();
    let size = |n: usize, window: Option<i64>| {
        let args = IssueCredentialsArgs {
            valid_from: window,
            expires_at: window.map(|w| w + 1),
            credentials: (0..n)
                .map(|i| BatchCredential {
                    credential_id: [i as u8; 32],
                    subject: Pubkey::new_unique(),
                    commitment: [1; 32],
                })
                .collect(),
        };
        transaction_size(
            &[issue_credentials(&signer, &authority, &schema, args)],
            &authority,
        )
    };
    let most = |window| {
        (1..=credence_registry::MAX_ISSUE_BATCH)
            .take_while(|&n| size(n, window) <= MAX_TRANSACTION_SIZE)
            .last()
            .unwrap_or(0)
    };
    assert_eq!(
        (size(1, None), size(7, None), size(8, None)),
        (447, 1222, 1351)
    );
    assert_eq!(most(None), 7);
    assert_eq!(most(Some(1_700_000_000)), 6);
}
