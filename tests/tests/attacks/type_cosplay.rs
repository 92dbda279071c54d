//! Type cosplay: a real account of another type of the same program, or of the other program
//! (both programs are Anchor programs with the same framing: an 8-byte discriminator, then the
//! fields), passed where another type is expected. Anchor compares the discriminator
//! (`AccountDiscriminatorMismatch`, 3002) after the owner (`AccountOwnedByWrongProgram`, 3007);
//! the consent program's credential check does the same by hand (`NotACredential`,
//! `CredentialNotOwnedByRegistry`).

use anchor_lang::error::ErrorCode as AnchorError;
use credence_consent::{error::ConsentError, state::CredentialRef, UpdateGrantArgs};
use credence_registry::UpdateIssuerArgs;
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision},
    },
    pda,
};
use solana_signer::Signer;

use super::common::{refuse, world};

#[tokio::test]
async fn registry_refuses_an_account_of_another_type() {
    let mut w = world().await;
    let authority = w.s.issuer_authority.insecure_clone();
    let admin = w.s.admin.insecure_clone();
    let a = authority.pubkey();
    let record = pda::delegate(&w.s.issuer, &w.agent.pubkey()).0;

    // A schema as the issuer.
    let ix = rix::update_issuer(
        &a,
        &w.s.schema,
        UpdateIssuerArgs {
            name: Some("Cosplay".into()),
            uri: None,
            jurisdiction: None,
        },
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // An issuer as the registry.
    let ix = rix::set_paused(&admin.pubkey(), &w.s.issuer, true);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&admin],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // A schema as the issuer decided on.
    let ix = rix::decide_issuer(
        IssuerDecision::Revoke,
        &admin.pubkey(),
        &w.s.registry,
        &w.s.schema,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&admin],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // A delegate record as the credential.
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.authority_signer(),
        &w.s.schema,
        &record,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // A credential as the schema of an issuance.
    let ix = rix::issue_credential(
        &w.s.authority_signer(),
        &a,
        &w.s.credential,
        w.s.credential_args([31; 32]),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // A credential as the delegate record.
    let mut ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.delegate_signer(&w.agent.pubkey()),
        &w.s.schema,
        &w.s.credential,
    );
    ix.accounts[4].pubkey = w.nmc_credential;
    let agent = w.agent.insecure_clone();
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&agent],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // The consent program's grant (same framing, other program) as the credential and as the
    // delegate record.
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.authority_signer(),
        &w.s.schema,
        &w.s.grant,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    let mut ix = rix::remove_delegate(&a, &w.s.issuer, &w.agent.pubkey());
    ix.accounts[2].pubkey = w.s.grant;
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
}

#[tokio::test]
async fn consent_refuses_an_account_of_another_type() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let record = pda::delegate(&w.s.issuer, &w.agent.pubkey()).0;

    // A registry credential as the grant (the same framing, the other program).
    let ix = cix::revoke_grant(&subject.pubkey(), &w.s.credential);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &w.s.issuer,
        1,
        credence_consent::state::AccessOutcome::Verified,
        &[],
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    // Registry accounts of other types listed as credentials.
    for (address, expected) in [
        (record, ConsentError::NotACredential),
        (w.s.schema, ConsentError::NotACredential),
        (w.s.registry, ConsentError::NotACredential),
        // A grant: the consent program's own type, not the registry's.
        (w.s.grant, ConsentError::CredentialNotOwnedByRegistry),
    ] {
        let ix = cix::update_grant(
            &subject.pubkey(),
            &w.s.grant,
            UpdateGrantArgs {
                expires_at: None,
                max_uses: None,
                purpose: None,
                credentials: Some(vec![CredentialRef::Account { address }]),
                sealed_key: None,
            },
        );
        refuse(&mut w.s.chain, &[ix], &[&subject], expected, &[]).await;
        let args = w.s.grant_args(5, vec![address]).await;
        let new_grant = pda::grant(&subject.pubkey(), &w.s.recruiter.pubkey(), 5).0;
        let ix = cix::create_grant(&subject.pubkey(), args);
        refuse(&mut w.s.chain, &[ix], &[&subject], expected, &[new_grant]).await;
    }
}

/// The pool's accounts share the consent program and its framing with grants: each is refused
/// where another is expected, and a credential's schema cannot be stood in for by another
/// registry account when a fee is at stake.
#[tokio::test]
async fn pool_accounts_refuse_to_stand_in_for_each_other() {
    let mut w = world().await;
    let subject = w.s.subject.insecure_clone();
    let recruiter = w.s.recruiter.insecure_clone();
    let listing_args = credence_consent::CreateListingArgs {
        occupation: *b"2221\0\0\0\0",
        region: *b"GB\0\0\0\0\0\0",
        available_from: 0,
        credentials: vec![CredentialRef::Account {
            address: w.s.credential,
        }],
    };
    let ix = cix::create_listing(&subject.pubkey(), listing_args);
    w.s.chain.send_ok(&[ix], &[&subject]).await;
    let listing = pda::listing(&subject.pubkey()).0;

    // A listing as the grant of record_access.
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &listing,
        1,
        credence_consent::state::AccessOutcome::Verified,
        &[],
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // A grant as the request of decline_request and withdraw_request.
    let ix = cix::decline_request(&subject.pubkey(), &recruiter.pubkey(), &w.s.grant);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    let ix = cix::withdraw_request(&recruiter.pubkey(), &w.s.grant);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    // The issuer account in the schema's place of record_access: the credential names its own
    // schema, so any other account is refused before a fee could be dodged.
    let grant = w.s.grant;
    let mut accessed = w.s.accessed(&grant, 1).await;
    accessed[0].schema = w.s.issuer;
    let ix = cix::record_access(
        &recruiter.pubkey(),
        &grant,
        1,
        credence_consent::state::AccessOutcome::Verified,
        &accessed,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&recruiter],
        ConsentError::SchemaMismatch,
        &[],
    )
    .await;
}
