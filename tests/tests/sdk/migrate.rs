//! Deploy-time migration (`credence-migrate`) against a front-runner: issuer ids are public, so a
//! bot can register the plan's id the moment the registry exists. The migration must stop before
//! accrediting anyone but the key it means, and the admin's accreditation names that key.

use credence_migrate::{apply, IssuerPlan, MigrateError, Plan, SchemaPlan};
use credence_sdk::{ix::registry as rix, registry_program::state::Issuer as IssuerAccount, Pubkey};

use super::*;

fn plan(issuer_id: &str) -> Plan {
    Plan {
        registry: REGISTRY_NAME.into(),
        issuers: vec![IssuerPlan {
            id: issuer_id.into(),
            name: "Nursing and Midwifery Council".into(),
            uri: "https://nmc.example".into(),
            jurisdiction: "GB".into(),
            schemas: vec![SchemaPlan {
                name: LICENCE_SCHEMA.into(),
                version: 1,
                uri: "https://credence.example/schemas/rn-licence-v1.json".into(),
                validity_days: 365,
                suspendable: true,
            }],
        }],
    }
}

async fn issuer_account(w: &World, address: &Pubkey) -> IssuerAccount {
    fetch(&w.transport, address).await.unwrap()
}

#[tokio::test]
async fn front_run_issuer_id_is_not_accredited() {
    let w = World::new().await;
    assert!(w.admin().create(REGISTRY_NAME).await.unwrap());
    // A bot registers the plan's id, and a schema under it, as soon as the registry exists.
    let squatter = &w.stranger;
    let register = rix::register_issuer(
        &squatter.pubkey(),
        &w.registry,
        RegisterIssuerArgs {
            issuer_id: COUNCIL_ID.into(),
            name: "Nursing and Midwifery Council".into(),
            uri: "https://nmc.example".into(),
            jurisdiction: "GB".into(),
        },
    );
    let schema = rix::create_schema(
        &squatter.pubkey(),
        &w.council,
        CreateSchemaArgs {
            name: LICENCE_SCHEMA.into(),
            version: 1,
            uri: "https://credence.example/schemas/rn-licence-v1.json".into(),
            schema_hash: [0; 32],
            default_validity_secs: YEAR,
            suspendable: true,
        },
    );
    w.transport
        .send(&[register, schema], squatter, &[])
        .await
        .unwrap();

    // The migration stops, naming who holds the id, before accrediting anything.
    let err = apply(&w.transport, &w.admin, &plan(COUNCIL_ID))
        .await
        .unwrap_err();
    match err.downcast_ref::<MigrateError>() {
        Some(MigrateError::IssuerIdTaken {
            issuer,
            authority,
            expected,
            ..
        }) => {
            assert_eq!(
                (*issuer, *authority, *expected),
                (w.council, squatter.pubkey(), w.admin.pubkey())
            );
        }
        other => panic!("expected IssuerIdTaken, got {other:?}: {err:#}"),
    }
    assert_eq!(
        issuer_account(&w, &w.council).await.status,
        IssuerStatus::Pending
    );

    // Nor does the admin's checked accreditation land on it when it names the council's key.
    let err = w
        .admin()
        .accredit(&w.council, &w.council_key.pubkey())
        .await
        .unwrap_err();
    assert_eq!(
        err.program_error_name(),
        Some("IssuerAuthorityMismatch"),
        "{err}"
    );
    assert_eq!(
        issuer_account(&w, &w.council).await.status,
        IssuerStatus::Pending
    );

    // Under an id nobody took, the migration registers and accredits the admin's issuer in one
    // transaction; a second run changes nothing.
    let steps = apply(&w.transport, &w.admin, &plan("nmc-uk"))
        .await
        .unwrap();
    let changed: Vec<(&str, bool)> = steps.iter().map(|s| (s.kind.as_str(), s.changed)).collect();
    assert_eq!(
        changed,
        [
            ("registry", false),
            ("issuer", true),
            ("accreditation", true),
            ("schema", true)
        ]
    );
    let ours = pda::issuer(&w.registry, "nmc-uk").0;
    let account = issuer_account(&w, &ours).await;
    assert_eq!(
        (account.authority, account.status),
        (w.admin.pubkey(), IssuerStatus::Accredited)
    );
    let again = apply(&w.transport, &w.admin, &plan("nmc-uk"))
        .await
        .unwrap();
    assert!(again.iter().all(|s| !s.changed), "{again:?}");
}
