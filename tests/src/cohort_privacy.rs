//! The cohort flow's privacy, the same on the embedded chain and on `credence localnet`: a
//! council issues a register as a cohort and changes leaves; one nurse grants, lists herself, is
//! asked for access and approves, and is verified and recorded; two others do nothing. Then every
//! account of both programs and every log of every transaction that named the flow's registry,
//! issuer, cohort or actors is scanned for each nurse's 32-byte key, raw, in base58 and inside the base64 of event lines.

use base64::Engine as _;
use credence_sdk::{
    cohort::{CohortCredential, CohortRow},
    commitment::IssuerSecret,
    consent_program::state::{AccessRequest, CredentialRef, Grant, Listing},
    ix::registry::LeafChange,
    registry_program::{constants::REASON_DISCIPLINARY, CreateSchemaArgs, RegisterIssuerArgs},
    roles::{
        Candidate, GrantRequest, Issuer, ListingTerms, Recruiter, RegistryAdmin, RequestTerms,
    },
    verify::VerifyRequest,
    Pubkey, Transport,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Leaves of the flow's register.
pub const REGISTER: u32 = 300;
/// Rows of the three nurses: the one who acts, one struck off, one suspended and reinstated.
pub const ROWS: [u32; 3] = [7, 150, 299];

/// Where a nurse's key was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    /// Which nurse (index into [`ROWS`]).
    pub nurse: usize,
    /// The account holding it, or the transaction whose logs did.
    pub place: String,
    /// Whether the place is one she chose to create: her grant, listing, or a request naming her
    /// that she answered (and that transaction's logs).
    pub hers: bool,
}

/// What the flow left behind for the scan.
pub struct Findings {
    /// Every sighting of a nurse's key.
    pub sightings: Vec<Sighting>,
    /// Accounts scanned.
    pub accounts: usize,
    /// Transactions whose logs were scanned.
    pub transactions: usize,
}

impl Findings {
    /// The issue's rule: no nurse's key anywhere she did not put it; the nurse who acted is found
    /// in her own accounts and in the base64 of her consent events (so the scan read both); the
    /// nurses who created nothing are found nowhere.
    pub fn assert_each_nurse_only_where_she_chose(&self) {
        assert!(
            self.accounts > 5 && self.transactions > 10,
            "the scan covered the flow: {} accounts, {} transactions",
            self.accounts,
            self.transactions
        );
        let stray: Vec<_> = self.sightings.iter().filter(|s| !s.hers).collect();
        assert!(
            stray.is_empty(),
            "a nurse's key where she did not put it: {stray:#?}"
        );
        for place in ["account", "logs of"] {
            assert!(
                self.sightings
                    .iter()
                    .any(|s| s.nurse == 0 && s.place.starts_with(place)),
                "the acting nurse is not found in any {place}: the scan missed it ({:#?})",
                self.sightings
            );
        }
        assert!(
            self.sightings.iter().all(|s| s.nurse == 0),
            "{:#?}",
            self.sightings
        );
    }
}

fn contains(haystack: &[u8], key: &Pubkey) -> bool {
    haystack.windows(32).any(|w| w == key.as_ref())
}

/// Whether a log line names `key`: in base58, or raw inside a base64 payload (Anchor's
/// `Program data: ` events and the native `Program log: data: ` form).
fn log_names(line: &str, key: &Pubkey) -> bool {
    if line.contains(&key.to_string()) {
        return true;
    }
    line.split_whitespace().any(|word| {
        base64::engine::general_purpose::STANDARD
            .decode(word)
            .is_ok_and(|bytes| contains(&bytes, key))
    })
}

/// Runs the flow on `transport` (funding by airdrop) and scans what it left.
pub async fn run(transport: &Transport) -> Findings {
    let [admin, council_key, recruiter_key, a, b, c] = std::array::from_fn(|_| Keypair::new());
    for key in [&admin, &council_key, &recruiter_key, &a, &b, &c] {
        transport
            .airdrop(&key.pubkey(), 5_000_000_000)
            .await
            .unwrap();
    }
    let nurses = [a.pubkey(), b.pubkey(), c.pubkey()];
    let name = format!("privacy-{}", &admin.pubkey().to_string()[..6]);
    let registry = RegistryAdmin::new(transport, &admin, &name);
    registry.create(&name).await.unwrap();
    let secret = IssuerSecret::generate();
    let council =
        Issuer::new(transport, &council_key, registry.registry, "council").with_secret(&secret);
    council
        .register(RegisterIssuerArgs {
            issuer_id: "council".into(),
            name: "Nursing Council".into(),
            uri: "https://council.example".into(),
            jurisdiction: "GB".into(),
        })
        .await
        .unwrap();
    registry
        .accredit(&council.issuer, &council_key.pubkey())
        .await
        .unwrap();
    let schema = council
        .create_schema(CreateSchemaArgs {
            name: "rn".into(),
            version: 1,
            uri: "https://council.example/rn.json".into(),
            schema_hash: [1; 32],
            default_validity_secs: 0,
            suspendable: true,
        })
        .await
        .unwrap()
        .schema;
    // The register: the three nurses among strangers.
    let now = transport.now().await.unwrap();
    let rows: Vec<CohortRow> = (0..REGISTER)
        .map(|i| CohortRow {
            reference: format!("RN-{i:04}"),
            subject: ROWS
                .iter()
                .position(|r| *r == i)
                .map_or_else(Pubkey::new_unique, |n| nurses[n]),
            document: format!("Registered Nurse {i:04}").into_bytes(),
            valid_from: now - 86_400,
            expires_at: now + 365 * 86_400,
        })
        .collect();
    let context = council.cohort_context(schema, "register").unwrap();
    let mut builder = council.cohort_builder(&context).unwrap();
    builder.push(&rows).unwrap();
    let tree = builder.finish().unwrap();
    council.issue_cohort(&context, &tree).await.unwrap();
    let cohort = context.cohort();
    council
        .change_leaf(LeafChange::Revoke, &cohort, ROWS[1], REASON_DISCIPLINARY)
        .await
        .unwrap();
    council
        .change_leaf(LeafChange::Suspend, &cohort, ROWS[2], 0)
        .await
        .unwrap();
    council
        .change_leaf(LeafChange::Reinstate, &cohort, ROWS[2], 0)
        .await
        .unwrap();
    // Nurse A: a grant, a listing, a request she approves, a verification recorded.
    let file: CohortCredential = tree
        .credential(&secret, &rows[ROWS[0] as usize], ROWS[0], &context)
        .unwrap();
    let leaf = CredentialRef::CohortLeaf {
        cohort,
        index: ROWS[0],
    };
    let nurse = Candidate::new(transport, &a);
    let recruiter = Recruiter::new(transport, &recruiter_key);
    let grant = nurse
        .grant(GrantRequest {
            grant_id: 1,
            grantee: recruiter_key.pubkey(),
            credentials: vec![leaf],
            purpose: "Recruitment".into(),
            expires_at: now + 7 * 86_400,
            max_uses: 0,
            document_key: None,
        })
        .await
        .unwrap();
    nurse
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB-ENG".into(),
            available_from: now,
            credentials: vec![leaf],
        })
        .await
        .unwrap();
    let asked = recruiter
        .request_access(RequestTerms {
            request_id: 1,
            subject: a.pubkey(),
            credentials: vec![leaf],
            schemas: vec![],
            purpose: "Recruitment".into(),
            duration_secs: 86_400,
            max_uses: 0,
        })
        .await
        .unwrap();
    let (_, read) = nurse
        .requests()
        .await
        .unwrap()
        .into_iter()
        .find(|(address, _)| *address == asked)
        .unwrap();
    nurse.approve(&asked, &read, 2, None, None).await.unwrap();
    let report = recruiter
        .verify(&VerifyRequest {
            subject: a.pubkey(),
            grantee: recruiter_key.pubkey(),
            grant,
            credentials: vec![],
            cohort_credentials: vec![file],
            trusted_registries: vec![registry.registry],
        })
        .await
        .unwrap();
    assert!(report.passed_strict(), "{:?}", report.failures());
    recruiter.record_access(&grant, &report).await.unwrap();
    let flow = [
        registry.registry,
        council.issuer,
        cohort,
        council_key.pubkey(),
        recruiter_key.pubkey(),
        nurses[0],
        nurses[1],
        nurses[2],
    ];
    scan(transport, &nurses, &flow).await
}

/// The logs of `signature`, waiting for them to reach the cluster's transaction history (over
/// JSON-RPC, a confirmed transaction's record can land a little after its status; on a loaded
/// 2-core machine a debug validator took over a minute once).
async fn logs_of(transport: &Transport, signature: &credence_sdk::Signature) -> Vec<String> {
    for _ in 0..360 {
        match transport.transaction_logs(signature).await {
            Ok(logs) => return logs,
            Err(credence_sdk::SdkError::TransactionNotFound(_)) => {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Err(e) => panic!("reading the logs of {signature}: {e}"),
        }
    }
    panic!("transaction {signature} never reached the transaction history");
}

/// Scans every account of both programs, and the logs of every transaction that named an
/// address of the flow (`flow`: its registry, issuer, cohort and actors).
async fn scan(transport: &Transport, nurses: &[Pubkey; 3], flow: &[Pubkey]) -> Findings {
    let mut sightings = Vec::new();
    let mut accounts = 0;
    let theirs_by_subject = |data: &[u8]| -> Option<Pubkey> {
        use anchor_lang::AccountDeserialize;
        let mut slice = data;
        if let Ok(g) = Grant::try_deserialize(&mut slice) {
            return Some(g.subject);
        }
        let mut slice = data;
        if let Ok(l) = Listing::try_deserialize(&mut slice) {
            return Some(l.subject);
        }
        let mut slice = data;
        AccessRequest::try_deserialize(&mut slice)
            .ok()
            .map(|r| r.subject)
    };
    for program in [credence_registry::ID, credence_consent::ID] {
        for (address, account) in transport.program_accounts(&program, &[]).await.unwrap() {
            accounts += 1;
            for (n, key) in nurses.iter().enumerate() {
                if contains(&account.data, key) {
                    let owner = (program == credence_consent::ID)
                        .then(|| theirs_by_subject(&account.data))
                        .flatten();
                    sightings.push(Sighting {
                        nurse: n,
                        place: format!("account {address}"),
                        hers: owner == Some(*key),
                    });
                }
            }
        }
    }
    let mut transactions = 0;
    let mut seen = std::collections::HashSet::new();
    for address in flow {
        let history = transport.signatures_for(address, 100_000).await.unwrap();
        assert!(history.exhausted, "the scan must read every transaction");
        for info in history.signatures {
            if !seen.insert(info.signature) {
                continue;
            }
            transactions += 1;
            let logs = logs_of(transport, &info.signature).await;
            // A transaction of the registry program alone must name no subject; one of the
            // consent program is hers when it is about her grant, listing or request.
            let consent = logs
                .iter()
                .any(|l| l.contains(&credence_consent::ID.to_string()));
            for (n, key) in nurses.iter().enumerate() {
                if logs.iter().any(|line| log_names(line, key)) {
                    sightings.push(Sighting {
                        nurse: n,
                        place: format!("logs of {}", info.signature),
                        hers: consent && n == 0,
                    });
                }
            }
        }
    }
    Findings {
        sightings,
        accounts,
        transactions,
    }
}
