//! PDA sharing: every address is derived from the keys of the parties it belongs to (registry →
//! issuer id; issuer → delegate key, schema name and version; issuer → subject → credential id;
//! subject → grantee → grant id), so no account can stand for another issuer, registry, subject
//! or grantee. The tests reuse the same ids across issuers, registries, subjects and grantees and
//! show that each party's accounts are distinct and refused to the others
//! (`ConstraintSeeds`, 2006, or `AccountNotInitialized`, 3012, where the derived account does not
//! exist).

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::state::AccessOutcome;
use credence_registry::constants::REASON_FRAUD;
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner},
    },
    pda,
};
use credence_tests::{
    issuer_args, schema_args,
    security::{fund_all, send_fast_ok},
    ACTOR_LAMPORTS, ISSUER_ID, REGISTRY_NAME, SCHEMA_NAME,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::common::{refuse, world};

#[tokio::test]
async fn registry_accounts_are_not_shared_across_issuers_or_registries() {
    let mut w = world().await;
    let agent = w.agent.insecure_clone();
    let revoke = CredentialChange::Revoke {
        reason: REASON_FRAUD,
    };
    // The same credential id to the same subject under two issuers: two accounts.
    assert_ne!(w.nmc_credential, w.s.credential);

    // unilag's delegate (every permission) on nmc's credential.
    let as_nmc_delegate = IssuerSigner {
        authority: agent.pubkey(),
        as_delegate: true,
        registry: w.s.registry,
        issuer: w.nmc,
    };
    //   with unilag's delegate record next to nmc: the record's seeds name unilag.
    let mut ix = rix::change_credential(revoke, &as_nmc_delegate, &w.nmc_schema, &w.nmc_credential);
    ix.accounts[4].pubkey = pda::delegate(&w.s.issuer, &agent.pubkey()).0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&agent],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    //   with the record nmc would have for it: there is none.
    let ix = rix::change_credential(revoke, &as_nmc_delegate, &w.nmc_schema, &w.nmc_credential);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&agent],
        AnchorError::AccountNotInitialized,
        &[],
    )
    .await;
    //   through unilag's issuer: the credential's seeds name nmc.
    let as_unilag_delegate = w.s.delegate_signer(&agent.pubkey());
    let ix = rix::change_credential(
        revoke,
        &as_unilag_delegate,
        &w.nmc_schema,
        &w.nmc_credential,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&agent],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;

    // The same issuer id and schema name in another registry, accredited by its own admin.
    let rogue_admin = Keypair::new();
    fund_all(&mut w.s.chain, &[rogue_admin.pubkey()], ACTOR_LAMPORTS).await;
    let r = rogue_admin.pubkey();
    send_fast_ok(
        &mut w.s.chain,
        &[rix::create_registry(&r, REGISTRY_NAME)],
        &[&rogue_admin],
    )
    .await;
    let rogue = pda::registry(&r, REGISTRY_NAME).0;
    send_fast_ok(
        &mut w.s.chain,
        &[rix::register_issuer(&r, &rogue, issuer_args(ISSUER_ID))],
        &[&rogue_admin],
    )
    .await;
    let rogue_unilag = pda::issuer(&rogue, ISSUER_ID).0;
    assert_ne!(rogue_unilag, w.s.issuer);
    send_fast_ok(
        &mut w.s.chain,
        &[
            rix::decide_issuer(IssuerDecision::Accredit, &r, &rogue, &rogue_unilag),
            rix::create_schema(&r, &rogue_unilag, schema_args(SCHEMA_NAME, 1)),
        ],
        &[&rogue_admin],
    )
    .await;
    let rogue_schema = pda::schema(&rogue_unilag, SCHEMA_NAME, 1).0;
    assert_ne!(rogue_schema, w.s.schema);
    let rogue_signer = IssuerSigner {
        authority: r,
        as_delegate: false,
        registry: rogue,
        issuer: rogue_unilag,
    };
    //   the namesake revoking the real unilag's credential: its seeds name the real unilag.
    let ix = rix::change_credential(revoke, &rogue_signer, &w.s.schema, &w.s.credential);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&rogue_admin],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    //   the namesake passed with the real registry: its address derives from the rogue one.
    let mut signer = rogue_signer;
    signer.registry = w.s.registry;
    let ix = rix::issue_credential(&signer, &r, &rogue_schema, w.s.credential_args([61; 32]));
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&rogue_admin],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    //   the namesake issuing under the real unilag's schema.
    let ix = rix::issue_credential(
        &rogue_signer,
        &r,
        &w.s.schema,
        w.s.credential_args([61; 32]),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&rogue_admin],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
}

#[tokio::test]
async fn grants_are_not_shared_across_subjects_or_grantees() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let stranger = w.s.stranger.insecure_clone();
    let id = w.s.grant_id;
    // The same grant id from the same subject to another grantee, and from another subject to
    // the same grantee: three distinct grants.
    let mut args = w.s.grant_args(id, vec![w.s.credential]).await;
    args.grantee = stranger.pubkey();
    send_fast_ok(
        &mut w.s.chain,
        &[cix::create_grant(&subject.pubkey(), args)],
        &[&subject],
    )
    .await;
    let to_stranger = pda::grant(&subject.pubkey(), &stranger.pubkey(), id).0;
    let other = Keypair::new();
    fund_all(&mut w.s.chain, &[other.pubkey()], ACTOR_LAMPORTS).await;
    let mut args = w.s.credential_args([62; 32]);
    args.subject = other.pubkey();
    let ix = rix::issue_credential(
        &w.s.authority_signer(),
        &w.s.issuer_authority.pubkey(),
        &w.s.schema,
        args,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&w.s.issuer_authority]).await;
    let others_credential = pda::credential(&w.s.issuer, &other.pubkey(), &[62; 32]).0;
    let args = w.s.grant_args(id, vec![others_credential]).await;
    send_fast_ok(
        &mut w.s.chain,
        &[cix::create_grant(&other.pubkey(), args)],
        &[&other],
    )
    .await;
    let from_other = pda::grant(&other.pubkey(), &recruiter.pubkey(), id).0;
    assert_ne!(w.s.grant, to_stranger);
    assert_ne!(w.s.grant, from_other);
    assert_ne!(to_stranger, from_other);

    // Each grantee only under its own grant.
    let record = |grantee: &Keypair, grant| {
        cix::record_access(&grantee.pubkey(), &grant, 1, AccessOutcome::Verified, &[])
    };
    let ix = record(&stranger, w.s.grant);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let ix = record(&recruiter, to_stranger);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    // Each subject only over her own grant.
    let ix = cix::revoke_grant(&other.pubkey(), &w.s.grant);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&other],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let ix = cix::revoke_grant(&subject.pubkey(), &from_other);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    // The legitimate uses still work, each on its own grant.
    let accessed = w.s.accessed(&to_stranger, 1).await;
    let ix = cix::record_access(
        &stranger.pubkey(),
        &to_stranger,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&stranger]).await;
    let accessed = w.s.accessed(&from_other, 1).await;
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &from_other,
        1,
        AccessOutcome::Verified,
        &accessed,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&recruiter]).await;
}

/// Not a refusal but a documented limitation (`SECURITY.md`, "Known limitations"): an issuer's
/// address derives from the registry and the issuer id only, so the first key to register an id
/// in a registry holds it. A squatter gains nothing it could use (a pending issuer cannot issue,
/// and the admin will not accredit it), but the id is lost to the real institution: its own
/// registration is refused, even after the admin revokes the squatter.
#[tokio::test]
async fn registry_issuer_ids_are_first_come_first_served() {
    let mut s = credence_tests::Scenario::build(credence_tests::Stage::Registry).await;
    let squatter = s.stranger.insecure_clone();
    let university = s.issuer_authority.insecure_clone();
    let admin = s.admin.insecure_clone();
    let ix = rix::register_issuer(&squatter.pubkey(), &s.registry, issuer_args(ISSUER_ID));
    send_fast_ok(&mut s.chain, &[ix], &[&squatter]).await;
    let ix = rix::create_schema(&squatter.pubkey(), &s.issuer, schema_args(SCHEMA_NAME, 1));
    send_fast_ok(&mut s.chain, &[ix], &[&squatter]).await;
    let signer = IssuerSigner {
        authority: squatter.pubkey(),
        as_delegate: false,
        registry: s.registry,
        issuer: s.issuer,
    };
    let ix = rix::issue_credential(
        &signer,
        &squatter.pubkey(),
        &s.schema,
        s.credential_args([63; 32]),
    );
    refuse(
        &mut s.chain,
        &[ix],
        &[&squatter],
        credence_registry::error::RegistryError::IssuerNotAccredited,
        &[],
    )
    .await;
    let ix = rix::register_issuer(&university.pubkey(), &s.registry, issuer_args(ISSUER_ID));
    refuse(
        &mut s.chain,
        std::slice::from_ref(&ix),
        &[&university],
        0u32,
        &[],
    )
    .await;
    let revoke = rix::decide_issuer(
        IssuerDecision::Revoke,
        &admin.pubkey(),
        &s.registry,
        &s.issuer,
    );
    send_fast_ok(&mut s.chain, &[revoke], &[&admin]).await;
    refuse(&mut s.chain, &[ix], &[&university], 0u32, &[]).await;
}
