//! Schemas: `create_schema` and `deprecate_schema` (fees are in `programs/fees.rs`).

use credence_registry::{
    constants::*,
    error::RegistryError,
    events::*,
    state::{Credential, CredentialStatus, Issuer, Schema},
};
use credence_sdk::ix::registry::{self as rix, IssuerDecision};
use credence_tests::{assert_error, schema_args, Scenario, Stage, SCHEMA_NAME, YEAR};
use solana_signer::Signer;

use super::REGISTRY;

#[tokio::test]
async fn create_schema_ok() {
    let mut s = Scenario::build(Stage::Schema).await;
    let schema: Schema = s.chain.account(&s.schema).await.unwrap();
    assert_eq!(
        (schema.issuer, schema.name.as_str(), schema.schema_version),
        (s.issuer, SCHEMA_NAME, 1)
    );
    assert_eq!(schema.default_validity_secs, YEAR);
    assert!(schema.suspendable && !schema.deprecated);
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args(SCHEMA_NAME, 2),
    );
    let out = s.chain.send_ok(&[ix], &[&s.issuer_authority]).await;
    assert_eq!(out.events::<SchemaCreated>(&REGISTRY)[0].version, 2);
    assert_eq!(
        s.chain
            .account::<Issuer>(&s.issuer)
            .await
            .unwrap()
            .schema_count,
        2
    );
}

#[tokio::test]
async fn create_schema_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let ix = rix::create_schema(&s.admin.pubkey(), &s.issuer, schema_args("degree", 1));
    assert_error(
        &s.chain.send(&[ix], &[&s.admin]).await,
        RegistryError::NotIssuerAuthority,
    );
}

#[tokio::test]
async fn create_schema_fails_on_invalid_args() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    let mut args = schema_args("degree", 1);
    args.default_validity_secs = -1;
    let ix = rix::create_schema(&s.issuer_authority.pubkey(), &s.issuer, args);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::InvalidValidityPeriod,
    );
    let mut args = schema_args("degree", 1);
    args.uri = "u".repeat(MAX_URI_LEN + 1);
    let ix = rix::create_schema(&s.issuer_authority.pubkey(), &s.issuer, args);
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::UriTooLong,
    );
}

#[tokio::test]
async fn create_schema_fails_when_issuer_revoked() {
    let mut s = Scenario::build(Stage::AccreditedIssuer).await;
    s.decide(IssuerDecision::Revoke).await;
    let ix = rix::create_schema(
        &s.issuer_authority.pubkey(),
        &s.issuer,
        schema_args("degree", 1),
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::IssuerRevoked,
    );
}

#[tokio::test]
async fn deprecate_schema_ok_and_not_twice() {
    let mut s = Scenario::build(Stage::Credential).await;
    let ix = rix::deprecate_schema(&s.issuer_authority.pubkey(), &s.issuer, &s.schema);
    let out = s
        .chain
        .send_ok(std::slice::from_ref(&ix), &[&s.issuer_authority])
        .await;
    assert_eq!(
        out.events::<SchemaDeprecated>(&REGISTRY)[0].schema,
        s.schema
    );
    assert!(
        s.chain
            .account::<Schema>(&s.schema)
            .await
            .unwrap()
            .deprecated
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::SchemaAlreadyDeprecated,
    );
    // Existing credentials are untouched; new ones are refused.
    let credential: Credential = s.chain.account(&s.credential).await.unwrap();
    assert_eq!(credential.status, CredentialStatus::Active);
    let args = s.credential_args([2; 32]);
    let ix = rix::issue_credential(
        &s.authority_signer(),
        &s.issuer_authority.pubkey(),
        &s.schema,
        args,
    );
    assert_error(
        &s.chain.send(&[ix], &[&s.issuer_authority]).await,
        RegistryError::SchemaDeprecated,
    );
}

#[tokio::test]
async fn deprecate_schema_fails_when_not_authority() {
    let mut s = Scenario::build(Stage::Schema).await;
    let ix = rix::deprecate_schema(&s.stranger.pubkey(), &s.issuer, &s.schema);
    assert_error(
        &s.chain.send(&[ix], &[&s.stranger]).await,
        RegistryError::NotIssuerAuthority,
    );
}
