//! End to end over JSON-RPC: one `credence localnet` validator (Agave's test validator, in-process,
//! serving both programs) shared by every test here; the SDK's full story and listings over RPC,
//! named program errors, transport faults, and the `credence` CLI driven as a process with --url
//! (the issuer's secret and issuer ids in [`issuer`]).

use std::{
    process::{Command, Output},
    sync::OnceLock,
    time::Duration,
};

use credence_localnet::{free_port, Localnet, LocalnetConfig};
use credence_registry::{CreateSchemaArgs, RegisterIssuerArgs};
use credence_sdk::{
    accounts,
    commitment::IssuerSecret,
    error::SdkError,
    roles::{Candidate, GrantRequest, IssueRequest, Issuer, Outcome, Recruiter, RegistryAdmin},
    transport::rpc::{RpcTransport, SendPolicy},
    verify::{CheckKind, CheckStatus, SharedCredential, SharedDocument, VerifyRequest},
    Transport,
};
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[path = "localnet/cohort.rs"]
mod cohort;
#[path = "localnet/issuer.rs"]
mod issuer;
#[path = "localnet/watch.rs"]
mod watch;

const SOL: u64 = 1_000_000_000;

/// The validator's RPC URL; started once for the whole test binary, kept until the process ends.
fn rpc_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("a runtime for the validator");
            runtime.block_on(async move {
                let config = LocalnetConfig {
                    rpc_port: free_port(),
                    faucet_port: 0,
                    ..LocalnetConfig::default()
                };
                let localnet = Localnet::start(config)
                    .await
                    .expect("the local validator starts");
                eprintln!(
                    "localnet up in {:.1} s at {}",
                    localnet.startup.as_secs_f64(),
                    localnet.rpc_url
                );
                sender
                    .send(localnet.rpc_url.clone())
                    .expect("the test waits for the URL");
                // Keep the validator (and this runtime) alive for the rest of the process.
                std::future::pending::<()>().await;
                drop(localnet);
            });
        });
        receiver
            .recv_timeout(Duration::from_secs(180))
            .expect("the validator is up within 3 minutes")
    })
}

async fn funded(transport: &Transport) -> Keypair {
    let keypair = Keypair::new();
    transport
        .airdrop(&keypair.pubkey(), 10 * SOL)
        .await
        .expect("the faucet funds test actors");
    keypair
}

fn licence_schema() -> CreateSchemaArgs {
    CreateSchemaArgs {
        name: "rn-licence".into(),
        version: 1,
        uri: "https://credence.example/licence.json".into(),
        schema_hash: [1; 32],
        default_validity_secs: 365 * 86_400,
        suspendable: true,
    }
}

fn issuer_args(id: &str) -> RegisterIssuerArgs {
    RegisterIssuerArgs {
        issuer_id: id.into(),
        name: format!("Issuer {id}"),
        uri: String::new(),
        jurisdiction: "NG".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sdk_full_story_over_json_rpc() {
    let transport = Transport::rpc(rpc_url());
    let (regulator, council, nurse, hospital) = (
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
    );
    let admin = RegistryAdmin::new(&transport, &regulator, "rpc-story");
    assert!(admin.create("rpc-story").await.unwrap());
    assert!(
        !admin.create("rpc-story").await.unwrap(),
        "a second create changes nothing"
    );
    let secret = IssuerSecret::generate();
    let issuer = Issuer::new(&transport, &council, admin.registry, "nmcn").with_secret(&secret);
    assert!(issuer.register(issuer_args("nmcn")).await.unwrap());
    admin
        .accredit(&issuer.issuer, &council.pubkey())
        .await
        .unwrap();
    let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
    let document = b"Registered Nurse, PIN 19K0042N".to_vec();
    let issued = issuer
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema,
            reference: "RN-1".into(),
            document: document.clone(),
            valid_from: None,
            expires_at: None,
        })
        .await
        .unwrap();
    let credential = issued.credential;
    let candidate = Candidate::new(&transport, &nurse);
    let grant = candidate
        .grant(GrantRequest {
            grant_id: 1,
            grantee: hospital.pubkey(),
            credentials: credence_sdk::accounts::account_refs(&[credential]),
            purpose: "Recruitment".into(),
            expires_at: i64::MAX / 2,
            max_uses: 0,
            document_key: None,
        })
        .await
        .unwrap();
    let recruiter = Recruiter::new(&transport, &hospital);
    let request = VerifyRequest {
        subject: nurse.pubkey(),
        grantee: hospital.pubkey(),
        grant,
        credentials: vec![SharedCredential {
            credential,
            issuer: issuer.issuer,
            schema,
            registry: admin.registry,
            document: Some(SharedDocument {
                salt: issued.salt,
                document,
            }),
        }],
        cohort_credentials: vec![],
        trusted_registries: vec![admin.registry],
    };
    let report = recruiter.verify(&request).await.unwrap();
    assert!(report.passed(), "{:?}", report.failures());
    assert_eq!(report.round_trips, 1);
    assert!(report.slot > 0, "the report pins the slot it read");
    let sent = recruiter.record_access(&grant, &report).await.unwrap();
    let trail = candidate
        .audit_trail_including(&sent.signature, Duration::from_secs(120))
        .await
        .unwrap();
    assert!(trail.complete(), "grant uses and entries agree: {trail:#?}");
    let trail = trail.entries;
    assert_eq!(
        trail.len(),
        1,
        "the access event is read back from the validator's transaction history"
    );
    assert_eq!(trail[0].grantee, hospital.pubkey());
    assert_eq!(trail[0].outcome, Outcome::Verified);
    // Listings through getProgramAccounts with memcmp filters.
    let mine = accounts::credentials_of_subject(&transport, &nurse.pubkey())
        .await
        .unwrap();
    assert_eq!(
        mine.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        vec![credential]
    );
    assert_eq!(
        accounts::credentials_of_issuer(&transport, &issuer.issuer)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        accounts::grants_of_subject(&transport, &nurse.pubkey())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        accounts::grants_to_grantee(&transport, &hospital.pubkey())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        accounts::issuers_of_registry(&transport, &admin.registry)
            .await
            .unwrap()
            .len(),
        1
    );
    // Revocation: the next verification fails, naming the grant.
    candidate.revoke(&grant).await.unwrap();
    let after = recruiter.verify(&request).await.unwrap();
    let failed: Vec<CheckKind> = after
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.kind)
        .collect();
    assert_eq!(failed, vec![CheckKind::GrantInForce]);
    // A refused transaction surfaces as the named program error.
    let err = recruiter.record_access(&grant, &report).await.unwrap_err();
    assert_eq!(err.program_error_name(), Some("GrantRevoked"), "{err}");
}

/// Pipelined issuance over JSON-RPC: 120 rows in 18 batch transactions kept 8 in flight; the
/// batch is stopped after its first transactions land (the task aborted: what was in flight may
/// or may not land) and re-run: every row ends on-chain exactly once, nothing is sent twice, and
/// a third run sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn pipelined_issue_batch_stopped_and_rerun_issues_each_row_once() {
    let transport = std::sync::Arc::new(Transport::rpc(rpc_url()));
    let (regulator, council) = (funded(&transport).await, funded(&transport).await);
    let admin = RegistryAdmin::new(&transport, &regulator, "rpc-pipeline");
    admin.create("rpc-pipeline").await.unwrap();
    let secret = std::sync::Arc::new(IssuerSecret::generate());
    let issuer = Issuer::new(&transport, &council, admin.registry, "pipe").with_secret(&secret);
    issuer.register(issuer_args("pipe")).await.unwrap();
    admin
        .accredit(&issuer.issuer, &council.pubkey())
        .await
        .unwrap();
    let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
    let rows: Vec<IssueRequest> = (0..120)
        .map(|i| IssueRequest {
            subject: Keypair::new().pubkey(),
            schema,
            reference: format!("PIPE-{i:04}"),
            document: format!("Registered Nurse {i}").into_bytes(),
            valid_from: None,
            expires_at: None,
        })
        .collect();

    // The first run, stopped once 14 rows (two transactions) have landed.
    let (tx, mut landed) = tokio::sync::mpsc::unbounded_channel();
    let first = {
        let (transport, secret, rows) = (transport.clone(), secret.clone(), rows.clone());
        let council = council.insecure_clone();
        let registry = admin.registry;
        tokio::spawn(async move {
            let issuer = Issuer::new(&transport, &council, registry, "pipe")
                .with_secret(&secret)
                .with_in_flight(8);
            issuer
                .issue_batch(&rows, |done| {
                    let _ = tx.send(done);
                })
                .await
        })
    };
    while let Some(done) = landed.recv().await {
        if done >= 14 {
            break;
        }
    }
    first.abort();
    let _ = first.await;

    // The re-run: what landed is skipped; the rest is issued.
    let issuer = issuer.with_in_flight(8);
    let second = issuer.issue_batch(&rows, |_| {}).await.unwrap();
    assert_eq!(second.issued + second.skipped, 120, "{second:?}");
    assert!(second.skipped >= 14, "{second:?}");
    assert_eq!(issuer.credentials().await.unwrap().len(), 120);
    let third = issuer.issue_batch(&rows, |_| {}).await.unwrap();
    assert_eq!(
        (third.issued, third.skipped, third.transactions),
        (0, 120, 0)
    );
    for (row, issued) in rows.iter().zip(&third.credentials) {
        assert_eq!(
            Some(issued.credential),
            issuer.credential_address(&row.subject, &row.reference).ok()
        );
    }
}

/// A batch whose rows the program refuses (an expiry before the start) fails alone: the other
/// batches, kept in flight with it, land; the error names the refusal; and once the rows are
/// fixed a re-run issues only them.
#[tokio::test(flavor = "multi_thread")]
async fn pipelined_issue_batch_names_a_refused_batch_and_lands_the_others() {
    let transport = Transport::rpc(rpc_url());
    let (regulator, council) = (funded(&transport).await, funded(&transport).await);
    let admin = RegistryAdmin::new(&transport, &regulator, "rpc-refusal");
    admin.create("rpc-refusal").await.unwrap();
    let secret = IssuerSecret::generate();
    let issuer = Issuer::new(&transport, &council, admin.registry, "refuse")
        .with_secret(&secret)
        .with_in_flight(4);
    issuer.register(issuer_args("refuse")).await.unwrap();
    admin
        .accredit(&issuer.issuer, &council.pubkey())
        .await
        .unwrap();
    let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
    let now = transport.now().await.unwrap();
    let mut rows: Vec<IssueRequest> = (0..30)
        .map(|i| IssueRequest {
            subject: Keypair::new().pubkey(),
            schema,
            reference: format!("REF-{i:04}"),
            document: format!("Registered Nurse {i}").into_bytes(),
            valid_from: None,
            expires_at: None,
        })
        .collect();
    // Rows 14 to 16 share a window that ends before it starts: one batch of their own.
    for row in &mut rows[14..17] {
        row.valid_from = Some(now + 1_000);
        row.expires_at = Some(now + 500);
    }
    let err = issuer.issue_batch(&rows, |_| {}).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Program { name, .. } if name == "InvalidValidityWindow"),
        "{err:?}"
    );
    assert_eq!(
        issuer.credentials().await.unwrap().len(),
        27,
        "the other batches landed"
    );
    for row in &mut rows[14..17] {
        row.expires_at = Some(now + 2_000);
    }
    let fixed = issuer.issue_batch(&rows, |_| {}).await.unwrap();
    assert_eq!((fixed.issued, fixed.skipped), (3, 27), "{fixed:?}");
    assert_eq!(issuer.credentials().await.unwrap().len(), 30);
}

/// More accounts than one `getMultipleAccounts` may ask for (250: three chunks) come back in
/// order from one JSON-RPC batch request, with the slot they were read at.
#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_and_fifty_accounts_are_read_in_one_batch_request_at_one_slot() {
    let transport = Transport::rpc(rpc_url());
    let holder = funded(&transport).await;
    let mut addresses = vec![credence_sdk::transport::CLOCK_SYSVAR];
    addresses.extend((0..248).map(|_| solana_pubkey::Pubkey::new_unique()));
    addresses.push(holder.pubkey());
    let read = transport.accounts_at(&addresses).await.unwrap();
    assert_eq!(read.accounts.len(), 250);
    // One POST; asked again only if the node answered the chunks from different slots.
    assert!(
        (1..=credence_sdk::transport::rpc::SLOT_ALIGN_ATTEMPTS).contains(&read.round_trips),
        "{} round trips",
        read.round_trips
    );
    assert!(read.slot > 0);
    assert!(read.accounts[0].is_some(), "the Clock sysvar");
    assert!(read.accounts[1..249].iter().all(Option::is_none));
    assert_eq!(read.accounts[249].as_ref().unwrap().lamports, 10 * SOL);
    // The same as asking one by one.
    assert_eq!(
        transport.account(&holder.pubkey()).await.unwrap(),
        read.accounts[249]
    );
    // 10,000 addresses are more than one POST may carry (Agave refuses a body over 50 KiB):
    // they go as 13 POSTs at once, in order, every one answered.
    let mut many: Vec<solana_pubkey::Pubkey> = (0..9_999)
        .map(|_| solana_pubkey::Pubkey::new_unique())
        .collect();
    many.push(holder.pubkey());
    let read = transport.accounts_at(&many).await.unwrap();
    assert_eq!(read.accounts.len(), 10_000);
    assert!(read.round_trips >= 13, "{} round trips", read.round_trips);
    assert_eq!(read.accounts[9_999].as_ref().unwrap().lamports, 10 * SOL);
    assert!(read.accounts[..9_999].iter().all(Option::is_none));
}

#[tokio::test(flavor = "multi_thread")]
async fn program_errors_are_named_over_json_rpc() {
    let transport = Transport::rpc(rpc_url());
    let (regulator, council, nurse) = (
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
    );
    let admin = RegistryAdmin::new(&transport, &regulator, "rpc-errors");
    admin.create("rpc-errors").await.unwrap();
    let secret = IssuerSecret::generate();
    let issuer = Issuer::new(&transport, &council, admin.registry, "pending").with_secret(&secret);
    issuer.register(issuer_args("pending")).await.unwrap();
    let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
    let err = issuer
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema,
            reference: "R".into(),
            document: b"d".to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await
        .unwrap_err();
    match &err {
        SdkError::Program { program, name, .. } => {
            assert_eq!(
                (*program, name.as_str()),
                (credence_sdk::registry_program::ID, "IssuerNotAccredited")
            );
        }
        other => panic!("expected a named program error, got {other}"),
    }
    // The stranger cannot accredit.
    let stranger = RegistryAdmin::at(&transport, &nurse, admin.registry);
    let err = stranger
        .accredit(&issuer.issuer, &council.pubkey())
        .await
        .unwrap_err();
    assert_eq!(err.program_error_name(), Some("NotAdmin"));
}

#[tokio::test(flavor = "multi_thread")]
async fn confirmation_timeout_is_clear_and_a_rerun_is_safe() {
    let transport = Transport::rpc(rpc_url());
    let regulator = funded(&transport).await;
    let impatient = Transport::Rpc(RpcTransport::with_policy(
        rpc_url(),
        SendPolicy {
            attempts: 1,
            confirm_timeout: Duration::from_millis(1),
            poll_interval: Duration::from_millis(1),
        },
    ));
    let admin = RegistryAdmin::new(&impatient, &regulator, "impatient");
    let err = admin.create("impatient").await.unwrap_err();
    assert!(matches!(err, SdkError::ConfirmationTimeout { .. }), "{err}");
    assert!(err.to_string().contains("Re-run the command"), "{err}");
    // The same command with a patient transport completes the work exactly once.
    let patient = RegistryAdmin::new(&transport, &regulator, "impatient");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _created_now = patient.create("impatient").await.unwrap();
    assert!(
        !patient.create("impatient").await.unwrap(),
        "exactly one registry, whatever landed first"
    );
    assert!(transport
        .account(&patient.registry)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_and_dropped_endpoints_give_clear_errors() {
    // Nothing listens: connection refused.
    let dead = Transport::rpc(&format!("http://127.0.0.1:{}", free_port()));
    let err = dead
        .account(&solana_pubkey::Pubkey::new_unique())
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("credence localnet"), "{err}");
    // A server that accepts and drops every connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            drop(stream);
        }
    });
    let dropping = Transport::rpc(&format!("http://{address}"));
    let err = dropping
        .account(&solana_pubkey::Pubkey::new_unique())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&address.to_string()) || text.contains("RPC error"),
        "{text}"
    );
}

fn credence(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .env("HOME", home)
        .output()
        .expect("credence runs")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "credence failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn write_keypair(dir: &std::path::Path, name: &str) -> (Keypair, String) {
    let keypair = Keypair::new();
    let path = keypair_file(dir, name, &keypair);
    (keypair, path)
}

/// Writes `keypair` to `dir/name.json` as solana-keygen does; returns the path.
fn keypair_file(dir: &std::path::Path, name: &str, keypair: &Keypair) -> String {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(
        &path,
        serde_json::to_string(&keypair.to_bytes().to_vec()).unwrap(),
    )
    .unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_demo_completes_against_localnet() {
    let home = tempfile::tempdir().unwrap();
    let out = credence(
        &["demo", "--url", rpc_url(), "--output", "json"],
        home.path(),
    );
    let doc = json(&out);
    assert_eq!(doc["passed_before_revocation"], true);
    assert_eq!(doc["failed_after_revocation"], true);
    assert!(doc["chain"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    // Pool search → request → approval → paid verification, through the validator's real
    // SPL Token program.
    let steps = doc["steps"].as_array().unwrap();
    assert!(!steps[5]["data"]["matches"].as_array().unwrap().is_empty());
    assert_eq!(steps[10]["data"]["treasury_after"], 12_500_000);
    assert_eq!(steps[10]["data"]["recruiter_after"], 87_500_000);
    // The hospital's watcher got the licence revocation over the validator's WebSocket.
    assert_eq!(steps[13]["data"]["event"]["event"], "credential_revoked");
    assert_eq!(steps[13]["data"]["stats"]["subscriptions"], 2);
    // The nurse's listing stays on the validator after the demo: none of the demo's personal
    // strings (her name, her licence number, her documents' words) is in it, and the request
    // was closed by her approval.
    let transport = Transport::rpc(rpc_url());
    let address = |step: usize, key: &str| -> solana_pubkey::Pubkey {
        steps[step]["data"][key].as_str().unwrap().parse().unwrap()
    };
    let listing = transport
        .account(&address(4, "listing"))
        .await
        .unwrap()
        .expect("the listing is on the validator");
    for needle in [
        "Amina",
        "Okafor",
        "19K0042N",
        "Lagos",
        "BSc Nursing",
        "Registered Nurse",
    ] {
        assert!(
            !listing
                .data
                .windows(needle.len())
                .any(|w| w == needle.as_bytes()),
            "the listing holds {needle:?}"
        );
    }
    assert!(transport
        .account(&address(6, "request"))
        .await
        .unwrap()
        .is_none());
}

#[test]
fn cli_issuer_batch_grant_verify_revoke_against_localnet() {
    let dir = tempfile::tempdir().unwrap();
    let url = rpc_url();
    let (_, admin) = write_keypair(dir.path(), "admin");
    let (council_key, council) = write_keypair(dir.path(), "council");
    let (nurse_key, nurse) = write_keypair(dir.path(), "nurse");
    let (hospital_key, hospital) = write_keypair(dir.path(), "hospital");
    for keypair in [&admin, &council, &nurse, &hospital] {
        json(&credence(
            &["airdrop", "--url", url, "--keypair", keypair, "-o", "json"],
            dir.path(),
        ));
    }
    let run = |args: &[&str], keypair: &str| {
        json(&credence(
            &[args, &["--url", url, "--keypair", keypair, "-o", "json"]].concat(),
            dir.path(),
        ))
    };
    let registry = run(&["registry", "create", "--name", "cli-e2e"], &admin)["registry"]
        .as_str()
        .unwrap()
        .to_string();
    let again = run(&["registry", "create", "--name", "cli-e2e"], &admin);
    assert_eq!(again["created"], false);
    let issuer = run(
        &[
            "issuer",
            "register",
            "--registry",
            &registry,
            "--id",
            "nmcn",
            "--name",
            "Council",
            "--jurisdiction",
            "NG",
        ],
        &council,
    )["issuer"]
        .as_str()
        .unwrap()
        .to_string();
    run(
        &[
            "registry",
            "accredit",
            "--registry",
            &registry,
            "--issuer",
            &issuer,
            "--authority",
            &council_key.pubkey().to_string(),
        ],
        &admin,
    );
    let schema = run(
        &[
            "schema",
            "create",
            "--registry",
            &registry,
            "--issuer-id",
            "nmcn",
            "--name",
            "rn-licence",
            "--validity-days",
            "365",
            "--suspendable",
        ],
        &council,
    )["schema"]
        .as_str()
        .unwrap()
        .to_string();
    // A batch of 12, interrupted after 5 (simulated by a first CSV of 5 rows), then re-run whole.
    let mut rows = String::from("subject,reference,document_file\n");
    for i in 0..12 {
        let subject = if i == 0 {
            nurse_key.pubkey().to_string()
        } else {
            Keypair::new().pubkey().to_string()
        };
        std::fs::write(
            dir.path().join(format!("doc{i}.txt")),
            format!("licence {i}"),
        )
        .unwrap();
        rows.push_str(&format!("{subject},RN-{i},doc{i}.txt\n"));
    }
    let first_five: String = rows.lines().take(6).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("part.csv"), first_five).unwrap();
    std::fs::write(dir.path().join("all.csv"), rows).unwrap();
    let batch = |csv: &str| {
        run(
            &[
                "credential",
                "issue-batch",
                "--registry",
                &registry,
                "--issuer-id",
                "nmcn",
                "--schema",
                &schema,
                "--csv",
                csv,
            ],
            &council,
        )
    };
    let part = batch(dir.path().join("part.csv").to_str().unwrap());
    assert_eq!(
        (part["issued"].as_u64(), part["skipped"].as_u64()),
        (Some(5), Some(0))
    );
    let all = batch(dir.path().join("all.csv").to_str().unwrap());
    assert_eq!(
        (all["issued"].as_u64(), all["skipped"].as_u64()),
        (Some(7), Some(5)),
        "{all}"
    );
    assert!(
        all["transactions"].as_u64().unwrap() < 7,
        "issuances are packed: {all}"
    );
    let first = &all["credentials"][0];
    let credential = first["credential"].as_str().unwrap().to_string();
    let salt = first["salt"].as_str().unwrap().to_string();
    assert_eq!(
        part["credentials"][0]["salt"], first["salt"],
        "a re-run reproduces the same salt"
    );
    // The nurse grants; the hospital verifies with the document; the nurse revokes.
    let grant = run(
        &[
            "grant",
            "create",
            "--grantee",
            &hospital_key.pubkey().to_string(),
            "--credential",
            &credential,
            "--purpose",
            "Recruitment",
            "--days",
            "7",
        ],
        &nurse,
    )["grant"]
        .as_str()
        .unwrap()
        .to_string();
    let doc_arg = format!(
        "{credential}={salt}:{}",
        dir.path().join("doc0.txt").display()
    );
    let verify = |keypair: &str| {
        credence(
            &[
                "verify",
                "--subject",
                &nurse_key.pubkey().to_string(),
                "--grant",
                &grant,
                "--trust",
                &registry,
                "--document",
                &doc_arg,
                "--record",
                "--url",
                url,
                "--keypair",
                keypair,
                "-o",
                "json",
            ],
            dir.path(),
        )
    };
    let out = verify(&hospital);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = json(&out);
    assert_eq!(verified["passed"], true);
    // Every round trip up to the verification is counted: the endpoint check, the grant, its
    // credential and its issuer, and the verification fetch.
    assert_eq!(verified["round_trips"]["total"], 5, "{verified}");
    assert_eq!(verified["report"]["round_trips"], 1);
    // The validator indexes transactions by address once their slot is rooted.
    let mut audit = run(&["grant", "audit"], &nurse);
    for _ in 0..120 {
        if !audit["accesses"].as_array().unwrap().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
        audit = run(&["grant", "audit"], &nurse);
    }
    assert_eq!(audit["accesses"].as_array().unwrap().len(), 1);
    run(&["grant", "revoke", "--grant", &grant], &nurse);
    let out = credence(
        &[
            "verify",
            "--subject",
            &nurse_key.pubkey().to_string(),
            "--grant",
            &grant,
            "--trust",
            &registry,
            "--url",
            url,
            "--keypair",
            &hospital,
            "-o",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a failed verification exits with 3"
    );
    let doc = json(&out);
    assert_eq!(doc["passed"], false);
    // Unknown account: a clear error.
    let out = credence(
        &[
            "credential",
            "show",
            "--credential",
            &Keypair::new().pubkey().to_string(),
            "--url",
            url,
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
}

#[tokio::test(flavor = "multi_thread")]
async fn migration_is_idempotent_against_localnet() {
    let transport = Transport::rpc(rpc_url());
    let admin = funded(&transport).await;
    let plan: credence_migrate::Plan =
        serde_json::from_str(include_str!("../../../migrations/credence.json"))
            .expect("the committed plan parses");
    let first = credence_migrate::apply(&transport, &admin, &plan)
        .await
        .unwrap();
    assert!(first.iter().all(|s| s.changed), "{first:?}");
    assert_eq!(first.len(), 4, "registry, issuer, accreditation, schema");
    let second = credence_migrate::apply(&transport, &admin, &plan)
        .await
        .unwrap();
    assert!(
        second.iter().all(|s| !s.changed),
        "a second run changes nothing: {second:?}"
    );
    let addresses =
        |steps: &[credence_migrate::Step]| steps.iter().map(|s| s.address).collect::<Vec<_>>();
    assert_eq!(addresses(&first), addresses(&second));
}

/// The talent pool, access requests and a schema fee through the CLI against the validator: the
/// nurse lists herself, the hospital finds her by codes, asks, she approves; the council sets a
/// fee; the hospital verifies and records access paying it; the treasury shows the fee.
#[tokio::test(flavor = "multi_thread")]
async fn cli_pool_request_and_fee_against_localnet() {
    let url = rpc_url();
    let transport = Transport::rpc(url);
    let (regulator, council, nurse, hospital, minter) = (
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
        funded(&transport).await,
    );
    // Registry, issuer, schema, a licence, and a fee token: set up through the SDK.
    let name = format!("pool-{}", &regulator.pubkey().to_string()[..6]);
    let admin = RegistryAdmin::new(&transport, &regulator, &name);
    admin.create(&name).await.unwrap();
    let secret = IssuerSecret::generate();
    let issuer = Issuer::new(&transport, &council, admin.registry, "nmcn").with_secret(&secret);
    issuer.register(issuer_args("nmcn")).await.unwrap();
    admin
        .accredit(&issuer.issuer, &council.pubkey())
        .await
        .unwrap();
    let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
    let licence = issuer
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema,
            reference: "RN-POOL-1".into(),
            document: b"licence".to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await
        .unwrap();
    let mint_key = Keypair::new();
    let token = credence_sdk::token::TokenMint::create(&transport, &minter, &mint_key, 6)
        .await
        .unwrap();
    token.mint_to(&hospital.pubkey(), 50_000_000).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let key_file = |name: &str, keypair: &Keypair| keypair_file(dir.path(), name, keypair);
    let (nurse_file, hospital_file, council_file) = (
        key_file("nurse", &nurse),
        key_file("hospital", &hospital),
        key_file("council", &council),
    );
    let run = |args: &[&str], keypair: &str| {
        json(&credence(
            &[args, &["--url", url, "--keypair", keypair, "-o", "json"]].concat(),
            dir.path(),
        ))
    };

    // The nurse lists herself; the hospital searches by occupation group and region.
    let listed = run(
        &[
            "pool",
            "list",
            "--occupation",
            "2221",
            "--region",
            "GB-SCT",
            "--available-from",
            "2026-01-05",
            "--credential",
            &licence.credential.to_string(),
        ],
        &nurse_file,
    );
    assert_eq!(listed["created"], true);
    let registry = admin.registry.to_string();
    let found = run(
        &[
            "pool",
            "search",
            "--occupation",
            "222",
            "--region",
            "GB-SCT",
            "--verified",
            "--trust",
            &registry,
        ],
        &hospital_file,
    );
    let matches = found["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1, "{found}");
    assert_eq!(matches[0]["subject"], nurse.pubkey().to_string());
    assert_eq!(matches[0]["available_from"], 1_767_571_200);

    // Request, seen by the nurse, approved into a grant.
    let request = run(
        &[
            "request",
            "create",
            "--subject",
            &nurse.pubkey().to_string(),
            "--credential",
            &licence.credential.to_string(),
            "--purpose",
            "Recruitment: ward nurse",
            "--days",
            "7",
        ],
        &hospital_file,
    )["request"]
        .as_str()
        .unwrap()
        .to_string();
    let waiting = run(&["request", "list"], &nurse_file);
    assert_eq!(waiting["requests"][0]["request"], request.as_str());
    let terms = waiting["requests"][0]["terms"]
        .as_str()
        .unwrap()
        .to_string();
    let approved = run(
        &[
            "request",
            "approve",
            "--request",
            &request,
            "--terms",
            &terms,
        ],
        &nurse_file,
    );
    let grant = approved["grant"].as_str().unwrap().to_string();
    assert!(
        run(&["request", "list", "--sent"], &hospital_file)["requests"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The council sets a 2.5-token fee; the hospital verifies and records, paying at most 3.
    let mint = token.mint.to_string();
    let schema_args = [
        "schema",
        "fee",
        "--registry",
        &registry,
        "--issuer-id",
        "nmcn",
        "--name",
        "rn-licence",
    ];
    let set = run(
        &[&schema_args[..], &["--amount", "2.5", "--mint", &mint]].concat(),
        &council_file,
    );
    assert_eq!(set["amount"], 2_500_000);
    let document = dir.path().join("licence.txt");
    std::fs::write(&document, b"licence").unwrap();
    let document = format!(
        "{}={}:{}",
        licence.credential,
        licence.salt,
        document.display()
    );
    let subject = nurse.pubkey().to_string();
    let verify_paying = |cap: &[&str]| {
        let args = [
            "verify",
            "--subject",
            &subject,
            "--grant",
            &grant,
            "--trust",
            &registry,
            "--document",
            &document,
            "--record",
        ];
        let out = credence(
            &[
                &args[..],
                cap,
                &["--url", url, "--keypair", &hospital_file, "-o", "json"],
            ]
            .concat(),
            dir.path(),
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), doc)
    };
    // No cap: the fees due are shown, nothing is recorded (exit 4) and nothing moves.
    let (code, shown) = verify_paying(&[]);
    assert_eq!(code, Some(4), "{shown}");
    assert_eq!(shown["fees"]["mint"], mint.as_str());
    assert_eq!(
        shown["fees"]["items"][0]["credential"],
        licence.credential.to_string()
    );
    assert_eq!(shown["fees"]["items"][0]["amount"], 2_500_000);
    assert!(shown["recorded"].is_null(), "{shown}");
    // A cap in another mint the hospital names: refused, nothing moves.
    let other = credence_sdk::token::TokenMint::create(&transport, &minter, &Keypair::new(), 6)
        .await
        .unwrap()
        .mint
        .to_string();
    let (code, refused) = verify_paying(&["--max-fee", "3", "--fee-mint", &other]);
    assert_eq!(code, Some(4), "{refused}");
    assert!(
        refused["not_recorded"]
            .as_str()
            .unwrap()
            .contains("your cap names"),
        "{refused}"
    );
    assert_eq!(token.balance(&hospital.pubkey()).await.unwrap(), 50_000_000);
    // At most 3 of the fee's own mint: paid, every check passed (exit 0).
    let (code, paid) = verify_paying(&["--max-fee", "3", "--fee-mint", &mint]);
    assert_eq!(code, Some(0), "{paid}");
    assert_eq!(paid["passed"], true);
    let shown = run(&schema_args, &council_file);
    assert_eq!(shown["treasury_balance"], 2_500_000, "{shown}");
    assert_eq!(token.balance(&hospital.pubkey()).await.unwrap(), 47_500_000);
    // A maximum below the fee is refused before sending, and nothing moves.
    let (code, refused) = verify_paying(&["--max-fee", "1", "--fee-mint", &mint]);
    assert_eq!(code, Some(4), "{refused}");
    assert!(
        refused["not_recorded"]
            .as_str()
            .unwrap()
            .contains("exceed your cap"),
        "{refused}"
    );
    assert_eq!(token.balance(&hospital.pubkey()).await.unwrap(), 47_500_000);
    // The nurse leaves the pool.
    assert_eq!(run(&["pool", "unlist"], &nurse_file)["closed"], true);
}

/// Issue 14's privacy scan against the validator: after the cohort flow (a register issued and
/// changed, one nurse granting, listing, approving a request and being verified), every account
/// of both programs and the logs of every transaction that named them name each nurse only in
/// what she chose to create.
#[tokio::test(flavor = "multi_thread")]
async fn cohort_flow_names_each_nurse_only_where_she_chose_on_localnet() {
    let transport = Transport::rpc(rpc_url());
    credence_tests::cohort_privacy::run(&transport)
        .await
        .assert_each_nurse_only_where_she_chose();
}
