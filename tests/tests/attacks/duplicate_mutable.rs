//! Duplicate mutable accounts. No instruction takes two mutable accounts of the same type, so
//! the aliases an attacker can build are: the closed account as its own rent receiver (Anchor's
//! `close` refuses, `ConstraintClose`, 2011, where the lamports would otherwise be burnt); one
//! account in two mutable slots of different types (the second slot's discriminator check refuses
//! before Anchor's duplicate-mutable check, 2040, would run); and, in the consent program, the
//! grant being changed or the paying subject's own wallet listed among the credentials (refused
//! as not a registry credential), or one credential listed twice (`DuplicateCredential`).

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::{error::ConsentError, state::CredentialRef, UpdateGrantArgs};
use credence_registry::constants::REASON_FRAUD;
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision},
    },
    pda,
};
use credence_tests::security::send_fast_ok;
use solana_signer::Signer;

use super::common::{refuse, world};

#[tokio::test]
async fn registry_refuses_one_account_in_two_mutable_slots() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let admin = w.s.admin.insecure_clone();
    let a = authority.pubkey();
    // A revoked credential may be closed; closing it into itself would burn its rent.
    let ix = rix::change_credential(
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
        &w.s.authority_signer(),
        &w.s.schema,
        &w.s.credential,
    );
    send_fast_ok(&mut w.s.chain, &[ix], &[&authority]).await;
    let ix = rix::close_credential(&a, &w.s.issuer, &w.s.credential, &w.s.credential);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::ConstraintClose,
        &[],
    )
    .await;
    // The registry as the issuer too (registry and issuer are both mutable in admin decisions).
    let ix = rix::decide_issuer(
        IssuerDecision::Suspend,
        &admin.pubkey(),
        &w.s.registry,
        &w.s.registry,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&admin],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // The issuer as the delegate record being closed (both mutable in remove_delegate).
    let mut ix = rix::remove_delegate(&a, &w.s.issuer, &w.agent.pubkey());
    ix.accounts[2].pubkey = w.s.issuer;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // The issuer as the schema (both mutable counters in issue_credential).
    let ix = rix::issue_credential(
        &w.s.authority_signer(),
        &a,
        &w.s.issuer,
        w.s.credential_args([41; 32]),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // The credential as its own schema (mutable credential, schema read for `suspendable`).
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.authority_signer(),
        &w.nmc_credential,
        &w.nmc_credential,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
}

#[tokio::test]
async fn consent_refuses_aliased_grant_payer_or_credentials() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let s = subject.pubkey();
    let refs = |addresses: &[solana_pubkey::Pubkey]| -> Vec<CredentialRef> {
        addresses
            .iter()
            .map(|address| CredentialRef::Account { address: *address })
            .collect()
    };
    let update = |credentials| UpdateGrantArgs {
        expires_at: None,
        max_uses: None,
        purpose: None,
        credentials: Some(credentials),
        sealed_key: None,
    };
    // The grant being changed listed as one of its own credentials.
    let ix = cix::update_grant(&s, &w.s.grant, update(refs(&[w.s.credential, w.s.grant])));
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::CredentialNotOwnedByRegistry,
        &[],
    )
    .await;
    // The subject's wallet (the mutable payer) listed as a credential.
    let ix = cix::update_grant(&s, &w.s.grant, update(refs(&[s])));
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::CredentialNotOwnedByRegistry,
        &[],
    )
    .await;
    let args = w.s.grant_args(6, vec![w.s.credential, s]).await;
    let new_grant = pda::grant(&s, &w.s.recruiter.pubkey(), 6).0;
    let ix = cix::create_grant(&s, args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::CredentialNotOwnedByRegistry,
        &[new_grant],
    )
    .await;
    // The grant being created listed as a credential of itself.
    let args = w.s.grant_args(6, vec![new_grant]).await;
    let ix = cix::create_grant(&s, args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::CredentialNotOwnedByRegistry,
        &[new_grant],
    )
    .await;
    // One credential twice (the create path is covered in tests/programs/consent.rs).
    let ix = cix::update_grant(
        &s,
        &w.s.grant,
        update(refs(&[w.nmc_credential, w.nmc_credential])),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        ConsentError::DuplicateCredential,
        &[],
    )
    .await;
}
