//! Account data matching: real, well-formed accounts of the right type and owner that belong to
//! someone else, passed by an actor who holds a real role elsewhere (the authority of another
//! accredited issuer, the admin of another registry, another candidate with her own grant, the
//! grantee). `has_one` and the seeds of every account, which include the signer's or the parent's
//! key, refuse each one.

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::{error::ConsentError, state::CredentialRef, UpdateGrantArgs};
use credence_registry::{error::RegistryError, AddDelegateArgs, UpdateIssuerArgs};
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, IssuerDecision},
    },
    pda,
};
use credence_tests::{
    security::{fund_all, send_fast_ok},
    ACTOR_LAMPORTS, REGISTRY_NAME, WEEK,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::common::{refuse, world};

#[tokio::test]
async fn registry_refuses_another_issuers_or_registrys_accounts() {
    let mut w = world().await;
    let council = w.council.insecure_clone();
    let c = council.pubkey();
    let now = w.s.chain.now().await;

    // The authority of another accredited issuer (nmc) on unilag's issuer account.
    let ix = rix::update_issuer(
        &c,
        &w.s.issuer,
        UpdateIssuerArgs {
            name: Some("Taken over".into()),
            uri: None,
            jurisdiction: None,
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        RegistryError::NotIssuerAuthority,
        &[],
    )
    .await;
    let ix = rix::deprecate_schema(&c, &w.s.issuer, &w.s.schema);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        RegistryError::NotIssuerAuthority,
        &[],
    )
    .await;
    let ix = rix::add_delegate(
        &c,
        &w.s.issuer,
        AddDelegateArgs {
            delegate: c,
            permissions: 1,
            expires_at: now + WEEK,
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        RegistryError::NotIssuerAuthority,
        &[],
    )
    .await;
    let ix = rix::close_credential(&c, &w.s.issuer, &w.s.credential, &c);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        RegistryError::NotIssuerAuthority,
        &[],
    )
    .await;
    let ix = rix::rotate_issuer_authority(&c, &w.s.stranger.pubkey(), &w.s.issuer);
    let stranger = w.s.stranger.insecure_clone();
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council, &stranger],
        RegistryError::NotIssuerAuthority,
        &[],
    )
    .await;

    // ... and with its own issuer account next to unilag's schema or delegate record.
    let ix = rix::deprecate_schema(&c, &w.nmc, &w.s.schema);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
    let mut ix = rix::remove_delegate(&c, &w.nmc, &w.agent.pubkey());
    ix.accounts[2].pubkey = pda::delegate(&w.s.issuer, &w.agent.pubkey()).0;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&council],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;

    // The admin of another registry, on this registry's issuer.
    let rogue_admin = Keypair::new();
    fund_all(&mut w.s.chain, &[rogue_admin.pubkey()], ACTOR_LAMPORTS).await;
    let ix = rix::create_registry(&rogue_admin.pubkey(), REGISTRY_NAME);
    send_fast_ok(&mut w.s.chain, &[ix], &[&rogue_admin]).await;
    let rogue = pda::registry(&rogue_admin.pubkey(), REGISTRY_NAME).0;
    for decision in [IssuerDecision::Suspend, IssuerDecision::Revoke] {
        // Through its own registry: the issuer's address does not derive from it.
        let ix = rix::decide_issuer(decision, &rogue_admin.pubkey(), &rogue, &w.s.issuer);
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&rogue_admin],
            AnchorError::ConstraintSeeds,
            &[],
        )
        .await;
        // Through this registry: it is not the admin.
        let ix = rix::decide_issuer(decision, &rogue_admin.pubkey(), &w.s.registry, &w.s.issuer);
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&rogue_admin],
            RegistryError::NotAdmin,
            &[],
        )
        .await;
    }
    let ix = rix::set_paused(&rogue_admin.pubkey(), &w.s.registry, true);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&rogue_admin],
        RegistryError::NotAdmin,
        &[],
    )
    .await;
}

#[tokio::test]
async fn consent_refuses_another_subjects_grant_and_credentials() {
    let mut w = world().await;
    // Another candidate with her own credential and her own grant to the same recruiter, under
    // the same grant id.
    let other = Keypair::new();
    fund_all(&mut w.s.chain, &[other.pubkey()], ACTOR_LAMPORTS).await;
    let mut args = w.s.credential_args([21; 32]);
    args.subject = other.pubkey();
    let ix = rix::issue_credential(
        &w.s.authority_signer(),
        &w.s.issuer_authority.pubkey(),
        &w.s.schema,
        args,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&w.s.issuer_authority]).await;
    let others_credential = pda::credential(&w.s.issuer, &other.pubkey(), &[21; 32]).0;
    let args = w.s.grant_args(w.s.grant_id, vec![others_credential]).await;
    send_fast_ok(
        &mut w.s.chain,
        &[cix::create_grant(&other.pubkey(), args)],
        &[&other],
    )
    .await;
    let others_grant = pda::grant(&other.pubkey(), &w.s.recruiter.pubkey(), w.s.grant_id).0;
    assert_ne!(others_grant, w.s.grant);

    let grant = w.s.grant;
    let change = UpdateGrantArgs {
        expires_at: None,
        max_uses: Some(0),
        purpose: Some("Changed by someone else".into()),
        credentials: None,
        sealed_key: None,
    };
    // The other candidate on the subject's grant.
    for ix in [
        cix::revoke_grant(&other.pubkey(), &grant),
        cix::close_grant(&other.pubkey(), &grant),
        cix::update_grant(&other.pubkey(), &grant, change.clone()),
    ] {
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&other],
            AnchorError::ConstraintSeeds,
            &[],
        )
        .await;
    }
    // The grantee on the grant it holds.
    let recruiter = w.s.recruiter.insecure_clone();
    for ix in [
        cix::revoke_grant(&recruiter.pubkey(), &grant),
        cix::close_grant(&recruiter.pubkey(), &grant),
        cix::update_grant(&recruiter.pubkey(), &grant, change.clone()),
    ] {
        refuse(
            &mut w.s.chain,
            &[ix],
            &[&recruiter],
            AnchorError::ConstraintSeeds,
            &[],
        )
        .await;
    }
    // The subject folding the other candidate's credential into her own grant.
    let subject = w.s.subject.insecure_clone();
    let ix = cix::update_grant(
        &subject.pubkey(),
        &grant,
        UpdateGrantArgs {
            credentials: Some(vec![
                CredentialRef::Account {
                    address: w.s.credential,
                },
                CredentialRef::Account {
                    address: others_credential,
                },
            ]),
            ..change
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::CredentialOfAnotherSubject,
        &[],
    )
    .await;
    // The other candidate's grantee (same recruiter key, other grant) cannot record under the
    // subject's grant with the other candidate's grant id either: seeds name the subject.
    let stranger = w.s.stranger.insecure_clone();
    let ix = cix::record_access(
        &stranger.pubkey(),
        &others_grant,
        1,
        credence_consent::state::AccessOutcome::Verified,
        &[],
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::ConstraintSeeds,
        &[],
    )
    .await;
}
