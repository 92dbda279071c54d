//! The issuer's secret and issuer ids through the `credence` binary: `issuer register` creates
//! the secret once and refuses an id another key holds; issuing never creates a secret and says
//! where it looked. Runs against the validator this test binary shares ([`super::rpc_url`]).

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::rpc_url;

/// An address that refuses connections: nothing listens on port 1.
const DEAD_RPC: &str = "http://127.0.0.1:1";

fn credence(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .env("HOME", home)
        .env_remove("CREDENCE_ISSUER_SECRET")
        .env_remove("CREDENCE_URL")
        .env_remove("CREDENCE_KEYPAIR")
        .output()
        .expect("the credence binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Stdout as JSON, after checking the command succeeded.
fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "credence failed: {}\n{}",
        stderr(out),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Writes a fresh keypair to `dir/name.json`; returns it and the path.
fn keypair_file(dir: &Path, name: &str) -> (Keypair, String) {
    let keypair = Keypair::new();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(
        &path,
        serde_json::to_string(&keypair.to_bytes().to_vec()).unwrap(),
    )
    .unwrap();
    (keypair, path.display().to_string())
}

fn default_secret(home: &Path, registry: &str, id: &str) -> PathBuf {
    home.join(".config/credence/issuers")
        .join(format!("{registry}-{id}.secret"))
}

#[test]
fn issuing_without_an_issuer_secret_names_where_it_looked_and_creates_none() {
    let home = tempfile::tempdir().unwrap();
    let (_, keypair) = keypair_file(home.path(), "id");
    std::fs::write(home.path().join("doc.txt"), "BSc Nursing").unwrap();
    let registry = solana_pubkey::Pubkey::new_unique().to_string();
    let schema = solana_pubkey::Pubkey::new_unique().to_string();
    let subject = solana_pubkey::Pubkey::new_unique().to_string();
    let document = home.path().join("doc.txt").display().to_string();
    let issue = |extra: &[&str]| {
        let args = [
            &[
                "credential",
                "issue",
                "--registry",
                &registry,
                "--issuer-id",
                "unilag",
                "--schema",
                &schema,
                "--subject",
                &subject,
                "--reference",
                "UNILAG/2019/NUR/0042",
                "--document",
                &document,
                "--keypair",
                &keypair,
                "--url",
                DEAD_RPC,
            ][..],
            extra,
        ]
        .concat();
        credence(&args, home.path())
    };

    // The default place: named, with what to do; nothing created, nothing sent.
    let out = issue(&[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let expected = default_secret(home.path(), &registry, "unilag");
    assert!(err.contains(&expected.display().to_string()), "{err}");
    assert!(
        err.contains("copy that file here") && err.contains("--issuer-secret"),
        "{err}"
    );
    assert!(err.contains("never creates a new secret"), "{err}");
    assert!(
        !err.contains("cannot reach"),
        "fails before the network: {err}"
    );
    assert!(!home.path().join(".config/credence").exists());

    // A file given with --issuer-secret: named as given.
    let given = home.path().join("elsewhere.secret");
    let out = issue(&["--issuer-secret", given.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&given.display().to_string()) && err.contains("given with --issuer-secret"),
        "{err}"
    );
    assert!(!given.exists());

    // A malformed file is refused, not replaced.
    std::fs::write(&given, "not a secret").unwrap();
    let out = issue(&["--issuer-secret", given.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("64 hex digits"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&given).unwrap(), "not a secret");
}

#[test]
fn issuer_register_keeps_one_secret_and_refuses_an_id_another_key_holds() {
    let url = rpc_url();
    let dir = tempfile::tempdir().unwrap();
    let (squatter_home, council_home) = (dir.path().join("squatter"), dir.path().join("council"));
    std::fs::create_dir_all(&squatter_home).unwrap();
    std::fs::create_dir_all(&council_home).unwrap();
    let (_, admin) = keypair_file(dir.path(), "admin");
    let (squatter_key, squatter) = keypair_file(dir.path(), "squatter");
    let (council_key, council) = keypair_file(dir.path(), "council");
    let run = |args: &[&str], keypair: &str, home: &Path| {
        credence(
            &[args, &["--url", url, "--keypair", keypair, "-o", "json"]].concat(),
            home,
        )
    };
    for keypair in [&admin, &squatter, &council] {
        json(&run(&["airdrop"], keypair, dir.path()));
    }
    let registry = json(&run(
        &["registry", "create", "--name", "secret-e2e"],
        &admin,
        dir.path(),
    ))["registry"]
        .as_str()
        .unwrap()
        .to_string();
    let register = |id: &str, keypair: &str, home: &Path| {
        run(
            &[
                "issuer",
                "register",
                "--registry",
                &registry,
                "--id",
                id,
                "--name",
                "Nursing and Midwifery Council of Nigeria",
                "--jurisdiction",
                "NG",
            ],
            keypair,
            home,
        )
    };

    // The first registration creates the secret (owner-only); a second keeps it.
    let first = json(&register("nmcn", &squatter, &squatter_home));
    let path = default_secret(&squatter_home, &registry, "nmcn");
    assert_eq!(
        (
            &first["created"],
            &first["secret_created"],
            first["issuer_secret"].as_str().unwrap(),
            first["authority"].as_str().unwrap()
        ),
        (
            &Value::Bool(true),
            &Value::Bool(true),
            path.to_str().unwrap(),
            squatter_key.pubkey().to_string().as_str()
        )
    );
    let secret = std::fs::read_to_string(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = json(&register("nmcn", &squatter, &squatter_home));
    assert_eq!(
        (&again["created"], &again["secret_created"]),
        (&Value::Bool(false), &Value::Bool(false))
    );
    assert_eq!(again["secret_fingerprint"], first["secret_fingerprint"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), secret);

    // Another key asking for the same id: refused, naming who holds it; no secret created.
    let out = register("nmcn", &council, &council_home);
    assert_eq!(out.status.code(), Some(1));
    let error = serde_json::from_slice::<Value>(&out.stdout).unwrap()["error"]
        .as_str()
        .unwrap()
        .to_string();
    let holder = squatter_key.pubkey().to_string();
    let mine = council_key.pubkey().to_string();
    assert!(
        error.contains(&format!(
            "registered by authority {holder}, not by your key {mine}"
        )),
        "{error}"
    );
    assert!(
        error.contains("must not accredit it") && error.contains("another id"),
        "{error}"
    );
    assert!(!error.contains(&format!("authority {mine}")), "{error}");
    assert!(!council_home.join(".config/credence").exists());

    // Under an id of its own, the council registers and gets its own secret.
    let own = json(&register("nmcn-ng", &council, &council_home));
    assert_eq!(own["created"], true);
    assert_eq!(own["authority"], mine.as_str());
    assert!(default_secret(&council_home, &registry, "nmcn-ng").exists());
}
