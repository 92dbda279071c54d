//! Bump seed canonicalisation. Every `init` derives the address with `find_program_address` and
//! refuses any other one, so an account can only ever be created at the canonical bump, and that
//! canonical bump is what the program stores. Every later use re-derives the address from the
//! seeds and the stored bump. The tests pass addresses derived from the same seeds with a
//! non-canonical bump: to each `init` (refused, `ConstraintSeeds`, 2006) and, for existing
//! accounts, a byte-for-byte copy of a real account planted at the non-canonical address (a state
//! the programs can never produce, written straight into the bank) in place of the real one
//! (refused the same way).

use anchor_lang::{error::ErrorCode as AnchorError, Space};
use credence_consent::{
    constants::GRANT_SEED,
    state::{AccessOutcome, Grant},
};
use credence_registry::{
    constants::{CREDENTIAL_SEED, DELEGATE_SEED, ISSUER_SEED, REGISTRY_SEED, SCHEMA_SEED},
    state::{Credential, Delegate, Issuer, Registry, Schema},
    AddDelegateArgs, UpdateIssuerArgs,
};
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange},
    },
    pda,
};
use credence_tests::{
    issuer_args, schema_args,
    security::{forge_account, non_canonical_pda},
    WEEK,
};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::common::{refuse, world};

const REGISTRY: Pubkey = credence_registry::ID;
const CONSENT: Pubkey = credence_consent::ID;

#[tokio::test]
async fn registry_refuses_non_canonical_addresses() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let stranger = w.s.stranger.insecure_clone();
    let a = authority.pubkey();
    let now = w.s.chain.now().await;
    let issuer = w.s.issuer;
    let registry = w.s.registry;

    // Stored bumps are the canonical ones.
    let r: Registry = w.s.chain.account(&registry).await.unwrap();
    assert_eq!(r.bump, pda::registry(&w.s.admin.pubkey(), &r.name).1);
    let i: Issuer = w.s.chain.account(&issuer).await.unwrap();
    assert_eq!(i.bump, pda::issuer(&registry, &i.issuer_id).1);
    let sc: Schema = w.s.chain.account(&w.s.schema).await.unwrap();
    assert_eq!(sc.bump, pda::schema(&issuer, &sc.name, sc.schema_version).1);
    let c: Credential = w.s.chain.account(&w.s.credential).await.unwrap();
    assert_eq!(
        c.bump,
        pda::credential(&issuer, &c.subject, &c.credential_id).1
    );
    let record = pda::delegate(&issuer, &w.agent.pubkey());
    let d: Delegate = w.s.chain.account(&record.0).await.unwrap();
    assert_eq!(d.bump, record.1);

    // Each init at a non-canonical address.
    let mut ix = rix::create_registry(&stranger.pubkey(), "bumpy");
    ix.accounts[1].pubkey = non_canonical_pda(
        &[REGISTRY_SEED, stranger.pubkey().as_ref(), b"bumpy"],
        &REGISTRY,
    )
    .0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let mut ix = rix::register_issuer(&stranger.pubkey(), &registry, issuer_args("bumpy"));
    ix.accounts[2].pubkey =
        non_canonical_pda(&[ISSUER_SEED, registry.as_ref(), b"bumpy"], &REGISTRY).0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let mut ix = rix::add_delegate(
        &a,
        &issuer,
        AddDelegateArgs {
            delegate: stranger.pubkey(),
            permissions: 1,
            expires_at: now + WEEK,
        },
    );
    ix.accounts[2].pubkey = non_canonical_pda(
        &[DELEGATE_SEED, issuer.as_ref(), stranger.pubkey().as_ref()],
        &REGISTRY,
    )
    .0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let mut ix = rix::create_schema(&a, &issuer, schema_args("bumpy", 7));
    ix.accounts[2].pubkey = non_canonical_pda(
        &[SCHEMA_SEED, issuer.as_ref(), b"bumpy", &7u16.to_le_bytes()],
        &REGISTRY,
    )
    .0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let args = w.s.credential_args([51; 32]);
    let subject = args.subject;
    let mut ix = rix::issue_credential(&w.s.authority_signer(), &a, &w.s.schema, args);
    assert_eq!(
        ix.accounts[6].pubkey,
        pda::credential(&issuer, &subject, &[51; 32]).0
    );
    ix.accounts[6].pubkey = non_canonical_pda(
        &[
            CREDENTIAL_SEED,
            issuer.as_ref(),
            subject.as_ref(),
            &[51; 32],
        ],
        &REGISTRY,
    )
    .0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;

    // Copies of real accounts planted at non-canonical addresses, in place of the real ones.
    let planted_issuer = non_canonical_pda(
        &[ISSUER_SEED, registry.as_ref(), i.issuer_id.as_bytes()],
        &REGISTRY,
    )
    .0;
    let data = w.s.chain.raw_account(&issuer).await.unwrap().data;
    assert_eq!(data.len(), 8 + Issuer::INIT_SPACE);
    forge_account(&mut w.s.chain, &planted_issuer, &REGISTRY, data);
    let ix = rix::update_issuer(
        &a,
        &planted_issuer,
        UpdateIssuerArgs {
            name: Some("Planted".into()),
            uri: None,
            jurisdiction: None,
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let planted_credential = non_canonical_pda(
        &[
            CREDENTIAL_SEED,
            issuer.as_ref(),
            c.subject.as_ref(),
            &c.credential_id,
        ],
        &REGISTRY,
    )
    .0;
    let data = w.s.chain.raw_account(&w.s.credential).await.unwrap().data;
    forge_account(&mut w.s.chain, &planted_credential, &REGISTRY, data);
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.authority_signer(),
        &w.s.schema,
        &planted_credential,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let planted_registry = non_canonical_pda(
        &[REGISTRY_SEED, r.creator.as_ref(), r.name.as_bytes()],
        &REGISTRY,
    )
    .0;
    let data = w.s.chain.raw_account(&registry).await.unwrap().data;
    forge_account(&mut w.s.chain, &planted_registry, &REGISTRY, data);
    let admin = w.s.admin.insecure_clone();
    let ix = rix::set_paused(&admin.pubkey(), &planted_registry, true);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&admin],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
}

#[tokio::test]
async fn consent_refuses_non_canonical_addresses() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let s = subject.pubkey();
    let grant: Grant = w.s.chain.account(&w.s.grant).await.unwrap();
    assert_eq!(
        grant.bump,
        pda::grant(&s, &recruiter.pubkey(), w.s.grant_id).1
    );

    // create_grant at a non-canonical address.
    let args = w.s.grant_args(8, vec![w.s.credential]).await;
    let mut ix = cix::create_grant(&s, args);
    ix.accounts[1].pubkey = non_canonical_pda(
        &[
            GRANT_SEED,
            s.as_ref(),
            recruiter.pubkey().as_ref(),
            &8u64.to_le_bytes(),
        ],
        &CONSENT,
    )
    .0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;

    // A copy of the real grant planted at a non-canonical address.
    let planted = non_canonical_pda(
        &[
            GRANT_SEED,
            s.as_ref(),
            recruiter.pubkey().as_ref(),
            &w.s.grant_id.to_le_bytes(),
        ],
        &CONSENT,
    )
    .0;
    let data = w.s.chain.raw_account(&w.s.grant).await.unwrap().data;
    assert_eq!(data.len(), 8 + Grant::INIT_SPACE);
    forge_account(&mut w.s.chain, &planted, &CONSENT, data);
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &planted,
        1,
        AccessOutcome::Verified,
        &[],
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    for ix in [
        cix::revoke_grant(&s, &planted),
        cix::close_grant(&s, &planted),
    ] {
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&subject],
            AnchorError::ConstraintSeeds,
            &[],
        )
        .await;
    }
}
