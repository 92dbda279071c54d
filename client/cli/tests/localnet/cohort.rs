//! `credence cohort` against the validator: a register issued as a cohort with a credential file
//! per candidate, killed while it writes the files and re-run (nothing issued twice, every file
//! written); a grant over a leaf, `verify --credential-file` passing, the leaf revoked with
//! `cohort revoke`, the next verification failing; `cohort show`; a bad register refused whole.

use std::{path::Path, process::Command, time::Duration};

use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::{credence, json, rpc_url, write_keypair};

/// Rows of the register: enough that writing the files takes a moment to interrupt.
const ROWS: usize = 3_000;

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .filter(|e| e.file_name() != "cohort.json")
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn cli_cohort_issue_killed_and_rerun_verify_revoke_against_localnet() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let url = rpc_url();
    let (_, admin) = write_keypair(home, "admin");
    let (council_key, council) = write_keypair(home, "council");
    let (nurse_key, nurse) = write_keypair(home, "nurse");
    let (hospital_key, hospital) = write_keypair(home, "hospital");
    for keypair in [&admin, &council, &nurse, &hospital] {
        json(&credence(
            &["airdrop", "--url", url, "--keypair", keypair, "-o", "json"],
            home,
        ));
    }
    let run = |args: &[&str], keypair: &str| {
        json(&credence(
            &[args, &["--url", url, "--keypair", keypair, "-o", "json"]].concat(),
            home,
        ))
    };
    let registry = run(&["registry", "create", "--name", "cli-cohort"], &admin)["registry"]
        .as_str()
        .unwrap()
        .to_string();
    let issuer = run(
        &[
            "issuer",
            "register",
            "--registry",
            &registry,
            "--id",
            "nmc",
            "--name",
            "Council",
            "--jurisdiction",
            "GB",
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
            "nmc",
            "--name",
            "rn",
            "--validity-days",
            "365",
            "--suspendable",
        ],
        &council,
    )["schema"]
        .as_str()
        .unwrap()
        .to_string();

    // A bad register is refused whole, naming each bad line; nothing is sent.
    std::fs::write(
        home.join("bad.csv"),
        "subject,reference,document,valid_from,expires_at\nnot-a-key,RN-1,Registered Nurse,2026-01-01,2030-01-01\n11111111111111111111111111111111,RN-1,Registered Nurse,2026-01-01,2030-01-01\n11111111111111111111111111111111,RN-1,Registered Nurse,2026-01-01,2030-01-01\n",
    )
    .unwrap();
    let out_dir = home.join("out");
    let issue_args = |csv: &str| -> Vec<String> {
        [
            "cohort",
            "issue",
            "--registry",
            &registry,
            "--issuer-id",
            "nmc",
            "--schema",
            &schema,
            "--name",
            "register-2026",
            "--csv",
            csv,
            "--out-dir",
            out_dir.to_str().unwrap(),
            "--url",
            url,
            "--keypair",
            &council,
            "-o",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let bad = credence(
        &issue_args(home.join("bad.csv").to_str().unwrap())
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        home,
    );
    // With -o json, the error is a JSON document on stdout.
    let err = String::from_utf8_lossy(&bad.stdout).to_string();
    assert!(!bad.status.success(), "{err}");
    assert!(
        err.contains("line 2: subject `not-a-key`")
            && err.contains("line 4: reference \\\"RN-1\\\" repeats")
            && err.contains("nothing was sent"),
        "{err}"
    );
    assert_eq!(files_in(&out_dir), 0);

    // The register: the nurse at row 0.
    let mut csv = String::from("subject,reference,document,valid_from,expires_at\n");
    for i in 0..ROWS {
        let subject = if i == 0 {
            nurse_key.pubkey()
        } else {
            Keypair::new().pubkey()
        };
        csv.push_str(&format!(
            "{subject},RN-{i:05},Registered Nurse {i:05},2026-01-01,2030-01-01\n"
        ));
    }
    std::fs::write(home.join("register.csv"), csv).unwrap();
    let args = issue_args(home.join("register.csv").to_str().unwrap());
    // Killed while writing the files.
    let mut child = Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(&args)
        .env("HOME", home)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while files_in(&out_dir) < 20 && std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let killed = child.wait().unwrap();
    let written = files_in(&out_dir);
    eprintln!("killed ({killed}) after {written} of {ROWS} files");
    // Re-run: the cohort is on-chain (issued once, by the killed run), the files are completed.
    let rerun = json(&credence(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        home,
    ));
    let cohort = rerun["cohort"]["cohort"].as_str().unwrap().to_string();
    if written < ROWS {
        assert_eq!(
            rerun["cohort"]["signature"],
            Value::Null,
            "issued once: {rerun}"
        );
    }
    assert_eq!(rerun["files"].as_u64(), Some(ROWS as u64));
    assert_eq!(files_in(&out_dir), ROWS);
    assert!(
        rerun["cohort"]["rent_lamports"].as_u64().unwrap() * 1_000
            < rerun["cohort"]["single_credentials_rent_lamports"]
                .as_u64()
                .unwrap()
    );
    // Once more: nothing is sent.
    let again = json(&credence(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        home,
    ));
    assert_eq!(again["cohort"]["signature"], Value::Null);

    // She grants the hospital her leaf; the hospital verifies her credential file.
    let file = out_dir.join("0000000-RN-00000.json");
    let leaf = format!("{cohort}#0");
    let grant = run(
        &[
            "grant",
            "create",
            "--grantee",
            &hospital_key.pubkey().to_string(),
            "--credential",
            &leaf,
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
                "--credential-file",
                file.to_str().unwrap(),
                "--url",
                url,
                "--keypair",
                keypair,
                "-o",
                "json",
            ],
            home,
        )
    };
    let passed = verify(&hospital);
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stdout)
    );
    let report = json(&passed);
    assert_eq!(report["passed"], true);
    assert!(report["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == "merkle_proof" && c["status"] == "pass" && c["leaf"] == 0));
    // Struck off: `cohort revoke`, then the verification fails on the leaf's status.
    run(
        &[
            "cohort",
            "revoke",
            "--registry",
            &registry,
            "--issuer-id",
            "nmc",
            "--cohort",
            &cohort,
            "--index",
            "0",
            "--reason",
            "3",
        ],
        &council,
    );
    let failed = verify(&hospital);
    assert_eq!(failed.status.code(), Some(3));
    let report = json(&failed);
    assert!(
        report["failures"][0]
            .as_str()
            .unwrap()
            .contains("#0: the credential was revoked"),
        "{report}"
    );
    let shown = run(
        &["cohort", "show", "--cohort", &cohort, "--index", "0"],
        &hospital,
    );
    assert_eq!(
        (
            shown["leaf_status"].as_str(),
            shown["revoked_leaves"].as_u64(),
            shown["status_pages"].as_u64()
        ),
        (Some("revoked"), Some(1), Some(1))
    );
    // A revocation needs a reason.
    let no_reason = credence(
        &[
            "cohort",
            "revoke",
            "--registry",
            &registry,
            "--issuer-id",
            "nmc",
            "--cohort",
            &cohort,
            "--index",
            "1",
            "--url",
            url,
            "--keypair",
            &council,
        ],
        home,
    );
    assert!(!no_reason.status.success());
    let said = String::from_utf8_lossy(&no_reason.stderr);
    assert!(said.contains("needs --reason"), "{said}");
}
