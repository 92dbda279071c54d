//! The `credence` binary driven as a process: the demo on the embedded chain, and every kind of
//! bad input refused with a clear message and a non-zero exit.

use std::process::{Command, Output};

use serde_json::Value;

fn credence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .env("HOME", std::env::temp_dir().join("credence-cli-test-home"))
        .output()
        .expect("the credence binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An address that refuses connections: nothing listens on port 1.
const DEAD_RPC: &str = "http://127.0.0.1:1";

fn keypair_file(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("id.json");
    let bytes: Vec<u8> = solana_keypair::Keypair::new().to_bytes().to_vec();
    std::fs::write(&path, serde_json::to_string(&bytes).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn demo_tells_the_whole_story_as_json() {
    let out = credence(&["demo", "--output", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    assert_eq!(doc["passed_before_revocation"], true);
    assert_eq!(doc["licence_failed_after_strike_off"], true);
    assert_eq!(doc["failed_after_revocation"], true);
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 15);
    // Her licence is leaf 4,242 of the council's cohort of 10,000.
    let licence = &steps[2]["data"]["licence"];
    assert_eq!(
        (licence["index"].as_u64(), licence["leaf_count"].as_u64()),
        (Some(4_242), Some(10_000))
    );
    // Pool search found her listing by codes, and nothing in it names her.
    let matches = steps[5]["data"]["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0]["verified"], true);
    assert!(!matches[0].to_string().contains("Amina"));
    let first = &steps[8]["data"]["report"];
    assert_eq!(first["round_trips"], 1);
    let proof = first["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "merkle_proof")
        .expect("a MerkleProof line for the licence");
    assert_eq!(
        (proof["status"].as_str(), proof["leaf"].as_u64()),
        (Some("pass"), Some(4_242))
    );
    assert!(first["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "pass" || c["status"] == "not_checked"));
    // The paid verification moved the fee into the university's treasury.
    let paid = &steps[10]["data"];
    assert_eq!(paid["treasury_before"], 0);
    assert_eq!(paid["treasury_after"], 12_500_000);
    assert_eq!(paid["recruiter_after"], 87_500_000);
    let accesses = steps[11]["data"]["accesses"].as_array().unwrap();
    assert_eq!(accesses.len(), 1);
    assert_eq!(accesses[0]["outcome"], "verified");
    // Struck off: the licence fails on its status; the degree is not among the failures.
    let struck = steps[12]["data"]["reasons"].as_array().unwrap();
    assert_eq!(struck.len(), 1, "{struck:?}");
    assert!(
        struck[0]
            .as_str()
            .unwrap()
            .contains("#4242: the credential was revoked"),
        "{struck:?}"
    );
    // The hospital's watcher reported the revocation of leaf 4,242 as it landed.
    assert_eq!(doc["watcher_reported_revocation"], true);
    let pushed = &steps[13]["data"]["event"];
    assert_eq!(pushed["event"], "credential_revoked");
    assert!(
        pushed["credential"].as_str().unwrap().ends_with("#4242"),
        "{pushed}"
    );
    let reasons = steps[14]["data"]["reasons"].as_array().unwrap();
    assert!(
        reasons[0].as_str().unwrap().contains("revoked"),
        "{reasons:?}"
    );
    // The opened document is the degree, verbatim.
    assert!(steps[9]["data"]["document"]
        .as_str()
        .unwrap()
        .contains("BSc Nursing"));
}

#[test]
fn demo_prints_the_report_for_people() {
    let out = credence(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("PASSED") && text.contains("FAILED"), "{text}");
    assert!(text.contains("the candidate revoked the grant"), "{text}");
    assert!(text.contains("issued in 1 transaction"), "{text}");
    assert!(text.contains("as 10000 credential accounts"), "{text}");
    assert!(
        text.contains("university treasury: 0.000000 -> 12.500000 dUSD"),
        "{text}"
    );
    assert!(
        !text.contains("Program log"),
        "runtime logs stay off stdout"
    );
}

/// A usage error: clap's exit code 2, the flag named in the message, and (since nothing
/// listens at [`DEAD_RPC`] and no keypair exists) proof that nothing was read or sent.
fn assert_usage_error(out: &Output, flag: &str, complaint: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("for '{flag}")) && err.contains(complaint),
        "{err}"
    );
    assert!(!err.contains("cannot reach"), "{err}");
}

#[test]
fn malformed_pubkey_is_named() {
    let out = credence(&[
        "credential",
        "show",
        "--credential",
        "not-a-key",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--credential <CREDENTIAL>", "not a valid public key");
    assert!(stderr(&out).contains("invalid value 'not-a-key'"));
    // Repeated address flags are checked value by value.
    let key = solana_pubkey::Pubkey::new_unique().to_string();
    let out = credence(&[
        "grant",
        "create",
        "--grantee",
        &key,
        "--credential",
        &key,
        "--credential",
        "bad",
        "--purpose",
        "Recruitment",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(
        &out,
        "--credential <CREDENTIALS>",
        "not a credential reference: expected a base58 address or COHORT#INDEX",
    );
    // A cohort leaf whose index is not a number.
    let out = credence(&[
        "grant",
        "create",
        "--grantee",
        &key,
        "--credential",
        &format!("{key}#first"),
        "--purpose",
        "Recruitment",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(
        &out,
        "--credential <CREDENTIALS>",
        "not a credential reference",
    );
}

#[test]
fn malformed_amount_is_refused_before_the_mint_is_read() {
    let key = solana_pubkey::Pubkey::new_unique().to_string();
    let out = credence(&[
        "verify",
        "--subject",
        &key,
        "--grant",
        &key,
        "--trust",
        &key,
        "--record",
        "--max-fee",
        "12,50",
        "--fee-mint",
        &key,
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--max-fee <MAX_FEE>", "not an amount");
    let out = credence(&[
        "schema",
        "fee",
        "--registry",
        &key,
        "--issuer-id",
        "unilag",
        "--name",
        "bsc-nursing",
        "--amount",
        "1.2.3",
        "--mint",
        &key,
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--amount <AMOUNT>", "not an amount");
}

#[test]
fn malformed_document_spec_is_refused_before_anything_is_read() {
    let key = solana_pubkey::Pubkey::new_unique().to_string();
    let salt = "ab".repeat(32);
    let verify = |document: &str| {
        credence(&[
            "verify",
            "--subject",
            &key,
            "--grant",
            &key,
            "--trust",
            &key,
            "--document",
            document,
            "--url",
            DEAD_RPC,
        ])
    };
    let flag = "--document <DOCUMENTS>";
    assert_usage_error(&verify("no-separators"), flag, "CREDENTIAL=SALT_HEX:FILE");
    assert_usage_error(
        &verify(&format!("not-a-key={salt}:doc.pdf")),
        flag,
        "not a valid public key",
    );
    assert_usage_error(&verify(&format!("{key}=00ff:doc.pdf")), flag, "32 bytes");
    assert_usage_error(&verify(&format!("{key}=zz:doc.pdf")), flag, "not hex");
    // Well formed but missing: a clear error naming the file, still before any network read.
    let out = verify(&format!("{key}={salt}:/nonexistent/degree.pdf"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read /nonexistent/degree.pdf"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn malformed_dates_and_day_counts_are_usage_errors() {
    let key = solana_pubkey::Pubkey::new_unique().to_string();
    let out = credence(&[
        "pool",
        "search",
        "--available-by",
        "next week",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--available-by <AVAILABLE_BY>", "not a date");
    let out = credence(&[
        "request",
        "create",
        "--subject",
        &key,
        "--credential",
        &key,
        "--purpose",
        "Recruitment",
        "--days",
        "0",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--days <DAYS>", "from 1 to");
    let out = credence(&[
        "request",
        "approve",
        "--request",
        &key,
        "--terms",
        "abc",
        "--url",
        DEAD_RPC,
    ]);
    assert_usage_error(&out, "--terms <TERMS>", "16 hex digits");
}

#[test]
fn missing_keypair_file_says_how_to_make_one() {
    let out = credence(&[
        "registry",
        "create",
        "--name",
        "x",
        "--keypair",
        "/nonexistent/id.json",
        "--url",
        DEAD_RPC,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("keypair file /nonexistent/id.json not found")
            && err.contains("solana-keygen new"),
        "{err}"
    );
}

#[test]
fn invalid_keypair_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "{\"not\": \"a keypair\"}").unwrap();
    let out = credence(&[
        "registry",
        "create",
        "--name",
        "x",
        "--keypair",
        path.to_str().unwrap(),
        "--url",
        DEAD_RPC,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a keypair file"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&path, "[1,2,3]").unwrap();
    let out = credence(&[
        "registry",
        "create",
        "--name",
        "x",
        "--keypair",
        path.to_str().unwrap(),
        "--url",
        DEAD_RPC,
    ]);
    assert!(
        stderr(&out).contains("expected 64 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreachable_rpc_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let keypair = keypair_file(&dir);
    let out = credence(&[
        "registry",
        "create",
        "--name",
        "x",
        "--keypair",
        &keypair,
        "--url",
        DEAD_RPC,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot reach the RPC endpoint http://127.0.0.1:1")
            && err.contains("credence localnet"),
        "{err}"
    );
}

#[test]
fn unknown_cluster_moniker_is_refused() {
    let out = credence(&[
        "registry",
        "show",
        "--registry",
        "11111111111111111111111111111111",
        "--url",
        "moon",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`moon` is not a cluster"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_are_json_with_output_json() {
    let out = credence(&[
        "credential",
        "show",
        "--credential",
        "11111111111111111111111111111111",
        "--output",
        "json",
        "--url",
        DEAD_RPC,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert!(doc["error"]
        .as_str()
        .unwrap()
        .contains("cannot reach the RPC endpoint"));
}

#[test]
fn bad_csv_rows_are_named_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let keypair = keypair_file(&dir);
    std::fs::write(dir.path().join("doc1.txt"), "licence 1").unwrap();
    let subject = solana_pubkey::Pubkey::new_unique().to_string();
    let csv = format!(
        "subject,reference,document_file\n{subject},RN-1,doc1.txt\nnot-a-key,RN-2,doc1.txt\n{subject},RN-3,missing.txt\n{subject},,doc1.txt\n"
    );
    let csv_path = dir.path().join("batch.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let schema = solana_pubkey::Pubkey::new_unique().to_string();
    let registry = solana_pubkey::Pubkey::new_unique().to_string();
    let out = credence(&[
        "credential",
        "issue-batch",
        "--registry",
        &registry,
        "--issuer-id",
        "unilag",
        "--schema",
        &schema,
        "--csv",
        csv_path.to_str().unwrap(),
        "--keypair",
        &keypair,
        "--url",
        DEAD_RPC,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("3 bad row(s)") && err.contains("nothing was sent"),
        "{err}"
    );
    assert!(
        err.contains("line 3: subject `not-a-key` is not a valid public key"),
        "{err}"
    );
    assert!(err.contains("line 4: cannot read document"), "{err}");
    assert!(err.contains("line 5: empty reference"), "{err}");
}
