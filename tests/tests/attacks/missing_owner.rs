//! Missing owner check: accounts byte-for-byte in a Credence layout (right discriminator, right
//! fields, even at the address the program would derive) but owned by another program, written
//! straight into the bank as an attacker's program could have created them. `Account<T>` checks
//! the owner before reading a byte (`AccountOwnedByWrongProgram`, 3007); the consent program's own
//! check of listed credentials refuses with `CredentialNotOwnedByRegistry`.

use anchor_lang::{error::ErrorCode as AnchorError, Space};
use credence_consent::{
    error::ConsentError,
    state::{AccessOutcome, CredentialRef, Grant},
};
use credence_registry::{
    constants::{PERMISSION_ALL, REASON_FRAUD},
    state::{Credential, CredentialStatus, Delegate, Issuer, IssuerStatus, Registry, Schema},
};
use credence_sdk::{
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner},
    },
    pda,
};
use credence_tests::{
    issuer_args,
    security::{anchor_bytes, forge_account, send_fast_ok},
    YEAR,
};
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::common::{refuse, world};

fn forged_issuer(registry: Pubkey, authority: Pubkey, id: &str, bump: u8) -> Issuer {
    Issuer {
        registry,
        authority,
        version: 1,
        bump,
        status: IssuerStatus::Accredited,
        issuer_id: id.into(),
        name: "Forged University".into(),
        uri: String::new(),
        jurisdiction: "NG".into(),
        registered_at: 0,
        updated_at: 0,
        credentials_issued: 0,
        schema_count: 1,
        delegate_count: 0,
        reserved: [0; 64],
    }
}

#[tokio::test]
async fn registry_refuses_look_alikes_owned_by_another_program() {
    let mut w = world().await;
    let attacker_program = Pubkey::new_unique();
    let stranger = w.s.stranger.insecure_clone();
    let registry = w.s.registry;

    // 1. A forged, accredited issuer of the real registry with the stranger as its authority, at
    //    the very address the registry program would give issuer id "forged", and a forged schema.
    let (issuer, issuer_bump) = pda::issuer(&registry, "forged");
    let data = anchor_bytes(
        &forged_issuer(registry, stranger.pubkey(), "forged", issuer_bump),
        8 + Issuer::INIT_SPACE,
    );
    forge_account(&mut w.s.chain, &issuer, &attacker_program, data);
    let (schema, schema_bump) = pda::schema(&issuer, "forged", 1);
    let forged_schema = Schema {
        issuer,
        version: 1,
        bump: schema_bump,
        name: "forged".into(),
        schema_version: 1,
        uri: String::new(),
        schema_hash: [1; 32],
        default_validity_secs: YEAR,
        suspendable: true,
        deprecated: false,
        credentials_issued: 0,
        created_at: 0,
        fee: Default::default(),
        reserved: [0; 23],
    };
    let data = anchor_bytes(&forged_schema, 8 + Schema::INIT_SPACE);
    forge_account(&mut w.s.chain, &schema, &attacker_program, data);
    let signer = IssuerSigner {
        authority: stranger.pubkey(),
        as_delegate: false,
        registry,
        issuer,
    };
    let args = w.s.credential_args([66; 32]);
    let credential = pda::credential(&issuer, &w.s.subject.pubkey(), &[66; 32]).0;
    let ix = rix::issue_credential(&signer, &stranger.pubkey(), &schema, args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::AccountOwnedByWrongProgram,
        &[credential],
    )
    .await;
    assert!(w.s.chain.raw_account(&credential).await.is_none());
    let ix = rix::create_schema(
        &stranger.pubkey(),
        &issuer,
        credence_tests::schema_args("second", 1),
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;

    // 2. A forged delegate record making the stranger a delegate of the real issuer with every
    //    permission, at the address the program derives for it.
    let (record, record_bump) = pda::delegate(&w.s.issuer, &stranger.pubkey());
    let delegate = Delegate {
        issuer: w.s.issuer,
        delegate: stranger.pubkey(),
        version: 1,
        bump: record_bump,
        permissions: PERMISSION_ALL,
        expires_at: i64::MAX,
        created_at: 0,
        reserved: [0; 32],
    };
    let data = anchor_bytes(&delegate, 8 + Delegate::INIT_SPACE);
    forge_account(&mut w.s.chain, &record, &attacker_program, data);
    let ix = rix::change_credential(
        CredentialChange::Revoke {
            reason: REASON_FRAUD,
        },
        &w.s.delegate_signer(&stranger.pubkey()),
        &w.s.schema,
        &w.s.credential,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    let credential: Credential = w.s.chain.account(&w.s.credential).await.unwrap();
    assert_eq!(credential.status, CredentialStatus::Active);

    // 3. A forged registry with the stranger as admin, used to accredit a real pending issuer.
    let (fake_registry, registry_bump) = pda::registry(&stranger.pubkey(), "forged");
    let forged_registry = Registry {
        creator: stranger.pubkey(),
        admin: stranger.pubkey(),
        pending_admin: None,
        version: 1,
        bump: registry_bump,
        paused: false,
        name: "forged".into(),
        issuer_count: 1,
        accredited_count: 0,
        created_at: 0,
        reserved: [0; 64],
    };
    let data = anchor_bytes(&forged_registry, 8 + Registry::INIT_SPACE);
    forge_account(&mut w.s.chain, &fake_registry, &attacker_program, data);
    let applicant = w.s.chain.actor().await;
    let ix = rix::register_issuer(&applicant.pubkey(), &registry, issuer_args("applicant"));
    send_fast_ok(&mut w.s.chain, &[ix], &[&applicant]).await;
    let pending = pda::issuer(&registry, "applicant").0;
    let ix = rix::decide_issuer(
        IssuerDecision::Accredit,
        &stranger.pubkey(),
        &fake_registry,
        &pending,
    );
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::AccountOwnedByWrongProgram,
        &[registry],
    )
    .await;
    let pending: Issuer = w.s.chain.account(&pending).await.unwrap();
    assert_eq!(pending.status, IssuerStatus::Pending);
}

#[tokio::test]
async fn consent_refuses_look_alikes_owned_by_another_program() {
    let mut w = world().await;
    let attacker_program = Pubkey::new_unique();
    let stranger = w.s.stranger.insecure_clone();
    let now = w.s.chain.now().await;

    // 1. A forged grant from the subject to the stranger, unlimited and never expiring, at the
    //    address the consent program would derive for it: the stranger records access under it.
    let (grant, bump) = pda::grant(&w.s.subject.pubkey(), &stranger.pubkey(), 99);
    let forged = Grant {
        subject: w.s.subject.pubkey(),
        grantee: stranger.pubkey(),
        grant_id: 99,
        version: 1,
        bump,
        credentials: vec![CredentialRef::Account {
            address: w.s.credential,
        }],
        purpose: "Forged consent".into(),
        created_at: now,
        expires_at: i64::MAX,
        revoked_at: 0,
        max_uses: 0,
        uses: 0,
        last_access_at: 0,
        sealed_key: vec![],
        reserved: [0; 64],
    };
    let data = anchor_bytes(&forged, 8 + Grant::INIT_SPACE);
    forge_account(&mut w.s.chain, &grant, &attacker_program, data);
    let ix = cix::record_access(&stranger.pubkey(), &grant, 1, AccessOutcome::Verified, &[]);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    // Revoking or closing it as the subject fails the same way (the subject's real grants are
    // never confused with it).
    let subject = w.s.subject.insecure_clone();
    let ix = cix::revoke_grant(&subject.pubkey(), &grant);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&subject],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;

    // 2. A forged credential issued "by unilag" to the stranger, at the address the registry
    //    would derive, listed in the stranger's own grant to a recruiter.
    let (credential, credential_bump) = pda::credential(&w.s.issuer, &stranger.pubkey(), &[66; 32]);
    let forged = Credential {
        issuer: w.s.issuer,
        subject: stranger.pubkey(),
        schema: w.s.schema,
        credential_id: [66; 32],
        commitment: [7; 32],
        issued_at: now,
        valid_from: now,
        expires_at: 0,
        status: CredentialStatus::Active,
        revocation_reason: 0,
        version: 1,
        bump: credential_bump,
        reserved: [0; 8],
    };
    let data = anchor_bytes(&forged, 8 + Credential::INIT_SPACE);
    forge_account(&mut w.s.chain, &credential, &attacker_program, data);
    let mut args = w.s.grant_args(1, vec![credential]).await;
    args.grantee = w.s.recruiter.pubkey();
    let new_grant = pda::grant(&stranger.pubkey(), &w.s.recruiter.pubkey(), 1).0;
    let ix = cix::create_grant(&stranger.pubkey(), args);
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&stranger],
        ConsentError::CredentialNotOwnedByRegistry,
        &[new_grant],
    )
    .await;
    assert!(w.s.chain.raw_account(&new_grant).await.is_none());
    // The registry refuses to act on the forged credential too.
    let ix = rix::change_credential(
        CredentialChange::Suspend,
        &w.s.authority_signer(),
        &w.s.schema,
        &credential,
    );
    let authority = w.s.issuer_authority.insecure_clone();
    refuse(
        &mut w.s.chain,
        &[ix],
        &[&authority],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
}
