//! Cohort credentials through the SDK on the embedded chain: the council issues a register of
//! nurses as one cohort, the nurse grants her leaf beside a single-account degree, and the
//! recruiter verifies both from her credential file in one round trip until the leaf is revoked.

use credence_sdk::{
    cohort::{CohortContext, CohortCredential, CohortRow, CohortTree},
    consent_program::{state::CredentialRef, CreateGrantArgs},
    ix::{consent as cix, registry::LeafChange},
};

use super::*;

/// Rows of the test register.
const REGISTER: u32 = 1_000;
/// The nurse's row.
const NURSE_ROW: u32 = 417;

/// The council's register of [`REGISTER`] nurses, the test nurse at [`NURSE_ROW`], built in
/// chunks as a registrar's export would stream in.
fn register(w: &World, expires_at: i64) -> Vec<CohortRow> {
    (0..REGISTER)
        .map(|i| CohortRow {
            reference: format!("NMC-{i:06}"),
            subject: if i == NURSE_ROW {
                w.nurse.pubkey()
            } else {
                Pubkey::new_unique()
            },
            document: format!("NMC PIN 26A{i:05}N: Registered Nurse (Adult)").into_bytes(),
            valid_from: expires_at - YEAR,
            expires_at,
        })
        .collect()
}

async fn build(w: &World, rows: &[CohortRow], name: &str) -> (CohortContext, CohortTree) {
    let council = w.council();
    let context = council.cohort_context(w.licence_schema, name).unwrap();
    let mut builder = council.cohort_builder(&context).unwrap();
    for chunk in rows.chunks(250) {
        builder.push(chunk).unwrap();
    }
    (context, builder.finish().unwrap())
}

#[tokio::test]
async fn a_cohort_licence_verifies_beside_a_degree_in_one_round_trip_until_revoked() {
    let w = World::accredited().await;
    let now = w.now().await;
    let rows = register(&w, now + YEAR);
    let (context, tree) = build(&w, &rows, "register-2026").await;
    let issued = w.council().issue_cohort(&context, &tree).await.unwrap();
    assert!(issued.signature.is_some());
    assert_eq!(
        (issued.cohort, issued.leaf_count),
        (context.cohort(), REGISTER)
    );
    // A re-run after a crash sends nothing; other rows under the same name are refused.
    let again = w.council().issue_cohort(&context, &tree).await.unwrap();
    assert_eq!(
        (again.signature, again.rent_lamports),
        (None, issued.rent_lamports)
    );
    let (_, other) = build(&w, &rows[..999], "register-2026").await;
    assert!(matches!(
        w.council().issue_cohort(&context, &other).await,
        Err(SdkError::ExistingCohortDiffers {
            field: "merkle root",
            ..
        })
    ));
    // Her credential file, as she keeps it: it checks offline and survives JSON.
    let file: CohortCredential = tree
        .credential(
            &COUNCIL_SECRET,
            &rows[NURSE_ROW as usize],
            NURSE_ROW,
            &context,
        )
        .unwrap();
    file.check_offline().unwrap();
    let file: CohortCredential =
        serde_json::from_str(&serde_json::to_string(&file).unwrap()).unwrap();
    // She grants the recruiter her leaf and her degree.
    let degree = w
        .issue_degree(&w.nurse.pubkey(), "UNILAG/2019/NUR/0042")
        .await;
    let leaf = CredentialRef::CohortLeaf {
        cohort: context.cohort(),
        index: NURSE_ROW,
    };
    let grant_ix = cix::create_grant(
        &w.nurse.pubkey(),
        CreateGrantArgs {
            grant_id: 1,
            grantee: w.recruiter_key.pubkey(),
            credentials: vec![
                leaf,
                CredentialRef::Account {
                    address: degree.credential,
                },
            ],
            purpose: PURPOSE.into(),
            expires_at: now + WEEK,
            max_uses: 0,
            sealed_key: vec![],
        },
    );
    w.transport.send(&[grant_ix], &w.nurse, &[]).await.unwrap();
    let grant = pda::grant(&w.nurse.pubkey(), &w.recruiter_key.pubkey(), 1).0;
    let request = VerifyRequest {
        subject: w.nurse.pubkey(),
        grantee: w.recruiter_key.pubkey(),
        grant,
        credentials: vec![SharedCredential {
            credential: degree.credential,
            issuer: w.university,
            schema: w.degree_schema,
            registry: w.registry,
            document: Some(SharedDocument {
                salt: degree.salt,
                document: DEGREE_DOCUMENT.to_vec(),
            }),
        }],
        cohort_credentials: vec![file.clone()],
        trusted_registries: vec![w.registry],
    };
    let report = w.recruiter().verify(&request).await.unwrap();
    assert_eq!(report.round_trips, 1, "one getMultipleAccounts for both");
    assert!(report.passed_strict(), "{report:#?}");
    assert!(report.credential_passed_strict(&degree.credential));
    assert!(report.leaf_passed(&context.cohort(), NURSE_ROW));
    let proof = report
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::MerkleProof)
        .unwrap();
    assert_eq!(
        (proof.credential, proof.leaf, proof.status),
        (Some(context.cohort()), Some(NURSE_ROW), CheckStatus::Pass)
    );
    // The same file presented by another wallet: her salt does not open his key, and the proof
    // fails with it.
    let mut impostor = request.clone();
    impostor.subject = w.stranger.pubkey();
    let report = verify::evaluate(&impostor, &fetch_all(&w, &impostor).await, now);
    let failed: Vec<CheckKind> = report
        .checks
        .iter()
        .filter(|c| c.leaf.is_some() && c.status == CheckStatus::Fail)
        .map(|c| c.kind)
        .collect();
    assert_eq!(
        failed,
        vec![CheckKind::CredentialExists, CheckKind::MerkleProof]
    );
    // A tampered document is caught by its commitment.
    let mut altered = request.clone();
    altered.cohort_credentials[0].document =
        Some("NMC PIN 26A00417N: Advanced Nurse Practitioner".into());
    let report = w.recruiter().verify(&altered).await.unwrap();
    let document = report
        .checks
        .iter()
        .find(|c| c.leaf == Some(NURSE_ROW) && c.kind == CheckKind::Document)
        .unwrap();
    assert_eq!(document.status, CheckStatus::Fail, "{document:?}");
    assert!(!report.passed_strict());
    // The council strikes her off: the leaf fails on its status, the degree still passes.
    w.council()
        .change_leaf(
            LeafChange::Revoke,
            &context.cohort(),
            NURSE_ROW,
            REASON_DISCIPLINARY,
        )
        .await
        .unwrap();
    let report = w.recruiter().verify(&request).await.unwrap();
    assert!(!report.leaf_passed(&context.cohort(), NURSE_ROW));
    assert!(report.credential_passed_strict(&degree.credential));
    let status = report
        .checks
        .iter()
        .find(|c| c.leaf == Some(NURSE_ROW) && c.kind == CheckKind::CredentialStatus)
        .unwrap();
    assert_eq!(status.status, CheckStatus::Fail);
    assert!(status.detail.contains("revoked"), "{}", status.detail);
}

/// Every account [`verify::verify`] would read for `request`, for [`verify::evaluate`].
async fn fetch_all(
    w: &World,
    request: &VerifyRequest,
) -> std::collections::HashMap<Pubkey, solana_account::Account> {
    let keys = verify::addresses(request);
    let accounts = w.transport.accounts(&keys).await.unwrap();
    keys.into_iter()
        .zip(accounts)
        .filter_map(|(k, a)| a.map(|a| (k, a)))
        .collect()
}

#[tokio::test]
async fn the_cohort_flow_names_each_nurse_only_where_she_chose() {
    let transport = Transport::embedded().await;
    credence_tests::cohort_privacy::run(&transport)
        .await
        .assert_each_nurse_only_where_she_chose();
}
