//! What an issuer's credentials reveal and how its re-runs behave: keyed credential ids that
//! cannot be brute-forced back to the issuer's references, ids and salts that follow the issuer's
//! secret (not the key that signs), re-runs checked against the chain, and issuer ids taken by
//! another authority refused (audit M-2, L-5 and the SDK half of H-2).

use credence_sdk::{
    ix::registry as rix,
    registry_program::{constants::PERMISSION_ISSUE, AddDelegateArgs},
};

use super::*;

/// The demo's student-number format: `UNILAG/2019/NUR/` and four digits.
fn student_number(n: u32) -> String {
    format!("UNILAG/2019/NUR/{n:04}")
}

/// The public, unkeyed derivation credential ids had before: `SHA-256("credence:credential-id:v1"
/// ‖ issuer ‖ reference)`, computable by anyone.
fn public_v1_id(issuer: &Pubkey, reference: &str) -> [u8; 32] {
    commitment::sha256(
        &[
            b"credence:credential-id:v1".as_slice(),
            issuer.as_ref(),
            reference.as_bytes(),
        ]
        .concat(),
    )
}

/// The references of `0..10^4` whose id under `derive` is `id`.
fn matching_references(id: &[u8; 32], derive: impl Fn(&str) -> [u8; 32]) -> Vec<String> {
    (0..10_000)
        .map(student_number)
        .filter(|reference| derive(reference) == *id)
        .collect()
}

#[tokio::test]
async fn credential_ids_do_not_reveal_references() {
    let w = World::accredited().await;
    let reference = student_number(42);
    assert_eq!(reference, "UNILAG/2019/NUR/0042");
    let issued = w.issue_degree(&w.nurse.pubkey(), &reference).await;
    let address = address(&issued);
    let account = w.transport.account(&address).await.unwrap().unwrap();
    let credential: Credential = accounts::decode(&address, &account).unwrap();
    let id = credential.credential_id;
    assert_eq!(
        address,
        pda::credential(&w.university, &w.nurse.pubkey(), &id).0
    );

    // An observer enumerates the whole reference space of the format: neither the public
    // derivation nor the keyed one under a secret other than the issuer's finds the id.
    let public = matching_references(&id, |r| public_v1_id(&w.university, r));
    assert!(public.is_empty(), "the public derivation finds {public:?}");
    let guessed_secret = IssuerSecret::generate();
    let guessed = matching_references(&id, |r| guessed_secret.credential_id(&w.university, r));
    assert!(guessed.is_empty(), "a wrong secret finds {guessed:?}");

    // The same enumeration with the issuer's own secret finds exactly the reference issued:
    // the search above would have found it had the id not been keyed.
    let keyed = matching_references(&id, |r| UNIVERSITY_SECRET.credential_id(&w.university, r));
    assert_eq!(keyed, std::slice::from_ref(&reference));

    // Nor is the reference anywhere in the account's bytes.
    assert!(!account
        .data
        .windows(reference.len())
        .any(|bytes| bytes == reference.as_bytes()));
}

/// The council's authority issues `requests[..first]`; then a delegate with `ISSUE` re-runs the
/// batch with more rows, then a rotated authority key with more again. Each re-run skips what
/// exists, reports the same ids and salts for it, and issues the rest under the same derivation.
#[tokio::test]
async fn batch_rerun_by_a_delegate_or_a_rotated_key_reproduces_ids_and_salts() {
    let w = World::accredited().await;
    let t = &w.transport;
    let requests = licence_batch(&w, "P", 10);
    let first = w
        .council()
        .issue_batch(&requests[..6], |_| {})
        .await
        .unwrap();
    assert_eq!((first.issued, first.skipped), (6, 0));

    // A delegate's re-run.
    let delegate = Keypair::new();
    fund(t, &delegate.pubkey()).await;
    w.council()
        .add_delegate(AddDelegateArgs {
            delegate: delegate.pubkey(),
            permissions: PERMISSION_ISSUE,
            expires_at: w.now().await + WEEK,
        })
        .await
        .unwrap();
    let by_delegate = Issuer::new(t, &delegate, w.registry, COUNCIL_ID)
        .as_delegate()
        .with_secret(&COUNCIL_SECRET);
    let second = by_delegate
        .issue_batch(&requests[..8], |_| {})
        .await
        .unwrap();
    assert_eq!((second.issued, second.skipped), (2, 6));
    assert_same_credentials(&first.credentials, &second.credentials[..6]);
    assert!(second.credentials[..6].iter().all(|c| c.already_existed));
    assert!(second.credentials[6..].iter().all(|c| !c.already_existed));
    assert_on_chain(&w, &requests[..8], &second.credentials).await;

    // The council rotates its authority key; the new key re-runs the whole batch.
    let rotated = Keypair::new();
    fund(t, &rotated.pubkey()).await;
    t.send(
        &[rix::rotate_issuer_authority(
            &w.council_key.pubkey(),
            &rotated.pubkey(),
            &w.council,
        )],
        &w.council_key,
        &[&rotated],
    )
    .await
    .unwrap();
    let by_rotated = Issuer::new(t, &rotated, w.registry, COUNCIL_ID).with_secret(&COUNCIL_SECRET);
    let third = by_rotated.issue_batch(&requests, |_| {}).await.unwrap();
    assert_eq!((third.issued, third.skipped), (2, 8));
    assert_same_credentials(&second.credentials, &third.credentials[..8]);
    assert_on_chain(&w, &requests, &third.credentials).await;
    for (request, issued) in requests.iter().zip(&third.credentials) {
        assert_eq!(
            salt(issued),
            COUNCIL_SECRET.salt(&w.council, &request.reference)
        );
    }
    assert_eq!(by_rotated.credentials().await.unwrap().len(), 10);
    // Ten distinct credentials, each signed by whoever issued it.
    let distinct: BTreeSet<Pubkey> = third.credentials.iter().map(|c| c.credential).collect();
    assert_eq!(distinct.len(), 10);
    for (i, issued) in third.credentials.iter().enumerate() {
        let signer = match i {
            0..6 => w.council_key.pubkey(),
            6..8 => delegate.pubkey(),
            _ => rotated.pubkey(),
        };
        let by = credence_sdk::audit::issued_by(&w.transport, &address(issued), 100)
            .await
            .unwrap();
        assert_eq!(
            by,
            Some(signer),
            "credential {i}: its issuance event names the signer"
        );
    }
}

/// The same credentials (address, salt and commitment), in the same order.
fn assert_same_credentials(before: &[Issued], after: &[Issued]) {
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(after) {
        assert_eq!(
            (&a.reference, &a.credential, &a.salt, &a.commitment),
            (&b.reference, &b.credential, &b.salt, &b.commitment)
        );
    }
}

#[tokio::test]
async fn batch_rerun_with_an_edited_document_fails_with_existing_credential_differs() {
    let w = World::accredited().await;
    let council = w.council();
    let mut requests = licence_batch(&w, "E", 3);
    let first = council.issue_batch(&requests, |_| {}).await.unwrap();
    assert_eq!(first.issued, 3);

    // Row 1's document was edited since, and a new row was added: the re-run stops on row 1,
    // naming its reference, before sending anything (the new row is not issued either).
    requests[1].document = b"NMC PIN E0001N: Registered Nurse (Mental Health)".to_vec();
    requests.extend(licence_batch(&w, "E-new", 1));
    let err = council.issue_batch(&requests, |_| {}).await.unwrap_err();
    match &err {
        SdkError::ExistingCredentialDiffers {
            reference,
            credential,
            field,
        } => {
            assert_eq!(
                (reference.as_str(), *credential, *field),
                ("E-0001", address(&first.credentials[1]), "commitment")
            );
        }
        other => panic!("expected ExistingCredentialDiffers, got {other:?}"),
    }
    assert!(err.to_string().contains("\"E-0001\""), "{err}");
    let new_row = council
        .credential_address(&requests[3].subject, &requests[3].reference)
        .unwrap();
    assert!(w.transport.account(&new_row).await.unwrap().is_none());
    assert_eq!(council.credentials().await.unwrap().len(), 3);

    // The same document under another schema is refused the same way.
    let mut moved = licence_batch(&w, "E", 1);
    moved[0].subject = requests[0].subject;
    moved[0].document = requests[0].document.clone();
    moved[0].schema = w.degree_schema;
    let err = council.issue_batch(&moved, |_| {}).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::ExistingCredentialDiffers { reference, field: "schema", .. } if reference == "E-0000"),
        "{err:?}"
    );

    // The unchanged rows still re-run cleanly.
    let again = council.issue_batch(&requests[..1], |_| {}).await.unwrap();
    assert_eq!((again.issued, again.skipped), (0, 1));
    assert_same_credentials(&first.credentials[..1], &again.credentials);
}

#[tokio::test]
async fn issuing_without_the_issuer_secret_fails_with_issuer_secret_required() {
    let w = World::accredited().await;
    let keyless = Issuer::new(&w.transport, &w.council_key, w.registry, COUNCIL_ID);
    let request = &licence_batch(&w, "S", 1)[0];
    let err = keyless.issue(request).await.unwrap_err();
    assert!(
        matches!(err, SdkError::IssuerSecretRequired { issuer } if issuer == w.council),
        "{err:?}"
    );
    assert!(matches!(
        keyless.salt_for("S-0000"),
        Err(SdkError::IssuerSecretRequired { .. })
    ));
    assert_eq!(keyless.credentials().await.unwrap().len(), 0);
}

#[tokio::test]
async fn register_fails_with_issuer_id_taken_when_another_authority_holds_it() {
    let w = World::new().await;
    assert!(w.admin().create(REGISTRY_NAME).await.unwrap());
    let args = || RegisterIssuerArgs {
        issuer_id: COUNCIL_ID.into(),
        name: "Nursing and Midwifery Council".into(),
        uri: "https://www.nmc.org.uk/credence".into(),
        jurisdiction: "GB".into(),
    };
    // A front-runner registers the council's public id first.
    let squatter = Issuer::new(&w.transport, &w.stranger, w.registry, COUNCIL_ID);
    assert!(squatter.register(args()).await.unwrap());
    assert!(
        !squatter.register(args()).await.unwrap(),
        "its own: unchanged"
    );

    // The council's own registration is refused with who holds the id; nothing changes.
    let err = w.council().register(args()).await.unwrap_err();
    match &err {
        SdkError::IssuerIdTaken { issuer, authority } => {
            assert_eq!((*issuer, *authority), (w.council, w.stranger.pubkey()));
        }
        other => panic!("expected IssuerIdTaken, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&w.stranger.pubkey().to_string()) && text.contains("not by your key"),
        "{text}"
    );
    assert!(
        !text.contains(&w.council_key.pubkey().to_string()),
        "{text}"
    );
    let account = w.council().account().await.unwrap();
    assert_eq!(account.authority, w.stranger.pubkey());
    assert_eq!(account.status, IssuerStatus::Pending);

    // After a rotation, the old key no longer holds the id; the new one does.
    let rotated = Keypair::new();
    fund(&w.transport, &rotated.pubkey()).await;
    w.transport
        .send(
            &[rix::rotate_issuer_authority(
                &w.stranger.pubkey(),
                &rotated.pubkey(),
                &w.council,
            )],
            &w.stranger,
            &[&rotated],
        )
        .await
        .unwrap();
    assert!(matches!(
        squatter.register(args()).await,
        Err(SdkError::IssuerIdTaken { authority, .. }) if authority == rotated.pubkey()
    ));
    let holder = Issuer::new(&w.transport, &rotated, w.registry, COUNCIL_ID);
    assert!(!holder.register(args()).await.unwrap());

    // A registration whose id is not the issuer's is refused before anything is sent.
    let err = holder
        .register(RegisterIssuerArgs {
            issuer_id: UNIVERSITY_ID.into(),
            ..args()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            SdkError::IssuerIdMismatch { issuer_id, issuer }
                if issuer_id == UNIVERSITY_ID && *issuer == w.council
        ),
        "{err:?}"
    );
    assert!(w.transport.account(&w.university).await.unwrap().is_none());
}
