//! `watch` against `credence localnet` (Agave's validator, its real WebSocket PubSub): a
//! revocation reaches a running watcher; a WebSocket cut mid-run (through a TCP relay the test
//! controls) misses nothing that changed during the outage; a webhook receiver that is down for a
//! while gets every event, once per id, when it comes back; a `credence watch` process killed
//! and restarted with its state file neither misses nor repeats an event.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Read, Write},
    net::{Shutdown, TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc, Mutex,
    },
    time::{Duration, Instant},
};

use credence_sdk::{
    ix::registry::CredentialChange,
    registry_program::constants::REASON_DISCIPLINARY,
    watch::{
        webhook::verify_signature, EventKind, Role, Update, Watch, WatchConfig, WatchEvent,
        WatchOptions,
    },
};

use solana_pubkey::Pubkey;

use super::*;

/// A nurse's licence, granted to a hospital, on the shared validator.
struct Story {
    transport: Transport,
    council: Keypair,
    hospital: Keypair,
    registry: Pubkey,
    issuer: Pubkey,
    licence: Pubkey,
}

impl Story {
    async fn new(name: &str) -> Self {
        let transport = Transport::rpc(rpc_url());
        let (regulator, council, nurse, hospital) = (
            funded(&transport).await,
            funded(&transport).await,
            funded(&transport).await,
            funded(&transport).await,
        );
        let admin = RegistryAdmin::new(&transport, &regulator, name);
        assert!(admin.create(name).await.unwrap());
        let secret = IssuerSecret::generate();
        let issuer = Issuer::new(&transport, &council, admin.registry, "nmc").with_secret(&secret);
        assert!(issuer.register(issuer_args("nmc")).await.unwrap());
        admin
            .accredit(&issuer.issuer, &council.pubkey())
            .await
            .unwrap();
        let schema = issuer.create_schema(licence_schema()).await.unwrap().schema;
        let licence = issuer
            .issue(&IssueRequest {
                subject: nurse.pubkey(),
                schema,
                reference: "RN-WATCH".into(),
                document: b"Registered Nurse, PIN 19W0001N".to_vec(),
                valid_from: None,
                expires_at: None,
            })
            .await
            .unwrap()
            .credential;
        Candidate::new(&transport, &nurse)
            .grant(GrantRequest {
                grant_id: 1,
                grantee: hospital.pubkey(),
                credentials: accounts::account_refs(&[licence]),
                purpose: "Continuous monitoring".into(),
                expires_at: i64::MAX / 2,
                max_uses: 0,
                document_key: None,
            })
            .await
            .unwrap();
        let (registry, issuer) = (admin.registry, issuer.issuer);
        Self {
            transport,
            council,
            hospital,
            registry,
            issuer,
            licence,
        }
    }

    async fn change(&self, change: CredentialChange) {
        Issuer::new(&self.transport, &self.council, self.registry, "nmc")
            .change(change, &self.licence)
            .await
            .unwrap();
    }
}

/// The validator's PubSub address (its RPC port plus one).
fn pubsub_port() -> u16 {
    let port: u16 = rpc_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("the RPC URL has a port");
    port + 1
}

/// A TCP relay to the validator's PubSub port that the test can cut: live connections are shut
/// down and new ones refused until it is restored.
struct Relay {
    port: u16,
    down: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (down2, live2) = (down.clone(), live.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if down2.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                for stream in [&client, &server] {
                    live2.lock().unwrap().push(stream.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Self { port, down, live }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// Cuts every connection and refuses new ones.
    fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for stream in self.live.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

/// The next update within `seconds`.
async fn next(watch: &mut Watch<'_>, seconds: u64) -> Update {
    tokio::time::timeout(Duration::from_secs(seconds), watch.next())
        .await
        .unwrap_or_else(|_| panic!("an update within {seconds} s"))
}

/// The next events within `seconds`, skipping connection news.
async fn events(watch: &mut Watch<'_>, seconds: u64) -> Vec<WatchEvent> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let left = deadline.saturating_duration_since(Instant::now()).as_secs() + 1;
        if let Update::Events(events) = next(watch, left).await {
            return events;
        }
    }
}

fn fast() -> WatchConfig {
    WatchConfig {
        backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(500),
        ..WatchConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revocation_reaches_a_running_watcher_and_a_cut_websocket_misses_nothing() {
    let story = Story::new("watch-relay").await;
    let relay = Relay::start(pubsub_port());
    let mut watch = Watch::new(
        &story.transport,
        Role::Recruiter(story.hospital.pubkey()),
        WatchOptions::default(),
        WatchConfig {
            websocket_url: Some(relay.url()),
            ..fast()
        },
        None,
    )
    .unwrap();
    match next(&mut watch, 30).await {
        Update::Connected {
            subscriptions,
            watched,
            ..
        } => {
            // The registry program, and the consent program's grants to the hospital.
            assert_eq!(subscriptions, 2);
            // The grant, the licence, the council, the registry.
            assert_eq!(watched, 4);
        }
        other => panic!("expected Connected, got {other:?}"),
    }

    // Pushed over the WebSocket as it lands.
    story.change(CredentialChange::Suspend).await;
    let suspended = events(&mut watch, 30).await;
    assert_eq!(
        suspended[0].kind,
        EventKind::CredentialSuspended {
            credential: story.licence.to_string()
        }
    );
    assert!(suspended[0].slot > 0);

    // The WebSocket is cut; the licence is revoked during the outage.
    relay.cut();
    match next(&mut watch, 30).await {
        Update::Lost { .. } => {}
        other => panic!("expected the connection lost, got {other:?}"),
    }
    story
        .change(CredentialChange::Revoke {
            reason: REASON_DISCIPLINARY,
        })
        .await;
    // Reconnection fails while the relay is down, and is retried.
    match next(&mut watch, 30).await {
        Update::Lost { .. } => {}
        other => panic!("expected a failed reconnection, got {other:?}"),
    }
    relay.restore();
    // Reconnected: the re-read reports the revocation made while it was away.
    let revoked = events(&mut watch, 30).await;
    assert_eq!(
        revoked.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
        [EventKind::CredentialRevoked {
            credential: story.licence.to_string(),
            reason_code: REASON_DISCIPLINARY,
            reason: Some("disciplinary action".into()),
        }]
    );
    assert!(watch.stats().connections >= 2);
    assert!(watch.engine().is_watched(&story.issuer));
}

/// A webhook receiver: records each POST's body by its `Idempotency-Key`, answers 200 to a POST
/// signed with `secret` and 401 to any other.
struct Receiver {
    received: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Receiver {
    fn start(listener: TcpListener, secret: &'static [u8]) -> Self {
        let received: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut key, mut length, mut signature) = (String::new(), 0usize, String::new());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("idempotency-key:") {
                        key = v.trim().to_string();
                    }
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if let Some(v) = lower.strip_prefix("x-credence-signature:") {
                        signature = v.trim().to_string();
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let signed = reader.read_exact(&mut body).is_ok()
                    && verify_signature(secret, &body, &signature);
                if signed {
                    if let Ok(event) = serde_json::from_slice::<Value>(&body) {
                        sink.lock().unwrap().push((key, event));
                    }
                }
                let mut stream = stream;
                let _ = stream.write_all(if signed {
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                } else {
                    b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                });
            }
        });
        Self { received }
    }

    fn received(&self) -> Vec<(String, Value)> {
        self.received.lock().unwrap().clone()
    }
}

/// `credence watch` as a process, its stdout lines (one JSON event each) in a channel.
fn spawn_watch(args: &[&str], home: &std::path::Path) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .env("HOME", home)
        .stdout(Stdio::piped())
        // Its connection news and webhook retries, in the test's output.
        .stderr(Stdio::inherit())
        .spawn()
        .expect("credence watch starts");
    let stdout = child.stdout.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    (child, lines)
}

fn event_line(lines: &mpsc::Receiver<String>) -> Value {
    let line = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("an event line within 60 s");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("a JSON event line ({e}): {line}"))
}

/// Waits until the watcher has written its state (its first read is done).
fn wait_for_state(path: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path) {
            if text.contains("\"synced\":true") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the watcher saved no state within 60 s");
}

fn watch_args<'a>(hospital: &'a str, state: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--url",
        rpc_url(),
        "--output",
        "json",
        "watch",
        "--as",
        "recruiter",
        "--key",
        hospital,
        "--state",
        state,
        "--clock-every",
        "1",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_down_for_a_while_receives_every_event_once_per_id() {
    let story = Story::new("watch-webhook").await;
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("watch.json");
    // The receiver's port, free and not listening yet: the HR system is down.
    let port = free_port();
    let webhook = format!("http://127.0.0.1:{port}/credence");
    let hospital = story.hospital.pubkey().to_string();
    let state_text = state.display().to_string();
    let secret_file = home.path().join("webhook.secret");
    std::fs::write(&secret_file, "hr-shared-secret\n").unwrap();
    let secret_text = secret_file.display().to_string();
    let (mut child, lines) = spawn_watch(
        &watch_args(
            &hospital,
            &state_text,
            &[
                "--webhook",
                &webhook,
                "--webhook-secret-file",
                &secret_text,
                "--max-events",
                "3",
            ],
        ),
        home.path(),
    );
    wait_for_state(&state);
    story.change(CredentialChange::Suspend).await;
    story.change(CredentialChange::Reinstate).await;
    story
        .change(CredentialChange::Revoke {
            reason: REASON_DISCIPLINARY,
        })
        .await;
    // Reported (printed) while the webhook is down; not yet delivered.
    let first = event_line(&lines);
    assert_eq!(first["event"], "credential_suspended");
    std::thread::sleep(Duration::from_secs(2));
    // The HR system comes back on the same port.
    // It accepts only POSTs signed with the shared secret.
    let receiver = Receiver::start(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        b"hr-shared-secret",
    );
    let mut printed = vec![first];
    printed.push(event_line(&lines));
    printed.push(event_line(&lines));
    let status = child.wait().expect("the watcher exits after --max-events");
    assert!(status.success());
    let received = receiver.received();
    let mut by_id: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (key, event) in &received {
        assert_eq!(
            event["id"].as_str(),
            Some(key.as_str()),
            "keyed by the event id"
        );
        by_id.entry(key.clone()).or_default().push(event.clone());
    }
    assert_eq!(by_id.len(), 3, "{received:#?}");
    for (id, copies) in &by_id {
        assert_eq!(copies.len(), 1, "event {id} delivered once: {copies:#?}");
    }
    let kinds: Vec<&str> = received
        .iter()
        .map(|(_, e)| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "credential_suspended",
            "credential_reinstated",
            "credential_revoked"
        ],
        "in order"
    );
    assert_eq!(
        printed.iter().map(|e| e["id"].clone()).collect::<Vec<_>>(),
        received
            .iter()
            .map(|(_, e)| e["id"].clone())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_watcher_restarted_with_its_state_neither_misses_nor_repeats() {
    let story = Story::new("watch-restart").await;
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("watch.json");
    let hospital = story.hospital.pubkey().to_string();
    let state_text = state.display().to_string();
    let (mut child, lines) = spawn_watch(&watch_args(&hospital, &state_text, &[]), home.path());
    wait_for_state(&state);
    story.change(CredentialChange::Suspend).await;
    let suspended = event_line(&lines);
    assert_eq!(suspended["event"], "credential_suspended");
    // Give it the moment to record that it handed the event on, then kill it hard.
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();

    // While it is dead the licence is reinstated.
    story.change(CredentialChange::Reinstate).await;
    let (mut child, lines) = spawn_watch(
        &watch_args(&hospital, &state_text, &["--max-events", "2"]),
        home.path(),
    );
    let reinstated = event_line(&lines);
    assert_eq!(
        reinstated["event"], "credential_reinstated",
        "the change made while it was dead, and not the suspension again"
    );
    assert_ne!(reinstated["id"], suspended["id"]);
    // And it carries on live.
    story
        .change(CredentialChange::Revoke {
            reason: REASON_DISCIPLINARY,
        })
        .await;
    let revoked = event_line(&lines);
    assert_eq!(revoked["event"], "credential_revoked");
    assert_eq!(revoked["reason"], "disciplinary action");
    assert!(child.wait().unwrap().success());
}
