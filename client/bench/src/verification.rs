//! Verification: RPC round trips for a candidate's profile, the client-side checking rate of
//! `verify::evaluate`, and listing a subject's credentials with a memcmp filter.

use std::{collections::HashMap, hint::black_box, time::Instant};

use anchor_lang::{AccountDeserialize, AccountSerialize};
use anyhow::{bail, Context, Result};
use credence_sdk::{
    accounts,
    commitment::{self, Salt},
    consent_program::{
        constants::MAX_GRANT_CREDENTIALS,
        state::{CredentialRef, Grant},
        CreateGrantArgs,
    },
    ix::consent as cix,
    registry_program::state::Credential,
    roles::{Candidate, GrantRequest, IssueRequest, Issued},
    transport::{
        clock_unix_timestamp, rpc::MAX_MULTIPLE_ACCOUNTS, transaction_size, Transport,
        CLOCK_SYSVAR, MAX_TRANSACTION_SIZE,
    },
    verify::{self, SharedCredential, SharedDocument, VerifyRequest},
    Pubkey,
};
use serde_json::{json, Value};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::{
    issuance::round,
    world::{document, World},
};

/// Profile sizes whose round trips are measured.
pub const PROFILES: [usize; 3] = [1, 10, 100];
/// How long the benchmark's grants last (seconds).
const GRANT_SECONDS: i64 = 7 * 24 * 3600;
/// The benchmark's grant purpose.
const PURPOSE: &str = "Benchmark: verify a profile";

/// The size of the transaction creating a grant of `count` credentials (`create_grant` names
/// each credential twice: in its data and as an account, so the program can check it).
pub fn grant_transaction_size(subject: &Pubkey, grantee: &Pubkey, count: usize) -> usize {
    let args = CreateGrantArgs {
        grant_id: 0,
        grantee: *grantee,
        credentials: (0..count)
            .map(|i| CredentialRef::Account {
                address: synthetic_key(4, i),
            })
            .collect(),
        purpose: PURPOSE.into(),
        expires_at: i64::MAX,
        max_uses: 0,
        sealed_key: Vec::new(),
    };
    transaction_size(&[cix::create_grant(subject, args)], subject)
}

/// The most credentials one grant can cover: the program's limit, or fewer if its creating
/// transaction would exceed 1,232 bytes (a real cluster refuses it; the embedded chain's
/// in-process banks do not check the size).
pub fn grant_capacity(subject: &Pubkey, grantee: &Pubkey) -> usize {
    (1..=MAX_GRANT_CREDENTIALS)
        .take_while(|&n| grant_transaction_size(subject, grantee, n) <= MAX_TRANSACTION_SIZE)
        .last()
        .unwrap_or(1)
}

/// A candidate holding the largest profile, her grants to one recruiter, and what she shares.
pub struct Profile {
    /// The candidate.
    pub candidate: Keypair,
    /// The recruiter.
    pub recruiter: Keypair,
    /// Her grants, each covering up to `per_grant` credentials, in order.
    pub grants: Vec<Pubkey>,
    /// Credentials per grant: [`grant_capacity`].
    pub per_grant: usize,
    /// Her credentials as she shares them (with documents), in order.
    pub shared: Vec<SharedCredential>,
}

/// Issues the largest profile's credentials to a fresh candidate and has her grant them to a
/// recruiter, as many per grant as one transaction carries ([`grant_capacity`]).
pub async fn build_profile(world: &World) -> Result<Profile> {
    let transport = &world.transport;
    let candidate = Keypair::new();
    let recruiter = Keypair::new();
    transport
        .airdrop(&candidate.pubkey(), 1_000_000_000)
        .await
        .context("funding the candidate")?;
    transport
        .airdrop(&recruiter.pubkey(), 100_000_000)
        .await
        .context("funding the recruiter")?;
    let largest = *PROFILES.iter().max().expect("profiles");
    let requests: Vec<IssueRequest> = (0..largest)
        .map(|i| IssueRequest {
            subject: candidate.pubkey(),
            schema: world.schema,
            reference: format!("profile/{i:03}"),
            document: document("profile", i),
            valid_from: None,
            expires_at: None,
        })
        .collect();
    let report = world
        .issuer_api()
        .issue_batch(&requests, |_| {})
        .await
        .context("issuing the profile")?;
    let shared: Vec<SharedCredential> = report
        .credentials
        .iter()
        .zip(&requests)
        .map(|(issued, request)| share(world, issued, request))
        .collect::<Result<_>>()?;
    let now = transport.now().await?;
    let candidate_api = Candidate::new(transport, &candidate);
    let per_grant = grant_capacity(&candidate.pubkey(), &recruiter.pubkey());
    let mut grants = Vec::new();
    for (i, chunk) in shared.chunks(per_grant).enumerate() {
        let grant = candidate_api
            .grant(GrantRequest {
                grant_id: i as u64,
                grantee: recruiter.pubkey(),
                credentials: credence_sdk::accounts::account_refs(
                    &chunk.iter().map(|c| c.credential).collect::<Vec<_>>(),
                ),
                purpose: PURPOSE.into(),
                expires_at: now + GRANT_SECONDS,
                max_uses: 0,
                document_key: None,
            })
            .await
            .with_context(|| format!("creating grant {i}"))?;
        grants.push(grant);
    }
    Ok(Profile {
        candidate,
        recruiter,
        grants,
        per_grant,
        shared,
    })
}

fn share(world: &World, issued: &Issued, request: &IssueRequest) -> Result<SharedCredential> {
    Ok(SharedCredential {
        credential: issued.credential,
        issuer: world.issuer,
        schema: world.schema,
        registry: world.registry,
        document: Some(SharedDocument {
            salt: issued.salt,
            document: request.document.clone(),
        }),
    })
}

/// The verification requests for the first `count` credentials of `profile`: one per grant.
fn requests_for(world: &World, profile: &Profile, count: usize) -> Vec<VerifyRequest> {
    profile.shared[..count]
        .chunks(profile.per_grant)
        .zip(&profile.grants)
        .map(|(chunk, grant)| VerifyRequest {
            subject: profile.candidate.pubkey(),
            grantee: profile.recruiter.pubkey(),
            grant: *grant,
            credentials: chunk.to_vec(),
            cohort_credentials: vec![],
            trusted_registries: vec![world.registry],
        })
        .collect()
}

/// Round trips (and wall time) to verify profiles of [`PROFILES`] credentials, two ways:
/// `verify::verify` once per grant, and `verify::verify_profile` over all of them (the union
/// of every grant's addresses read in one round trip, then each grant checked). Round trips are
/// what the transport reports: over JSON-RPC the HTTP requests sent (one batch request holds a
/// `getMultipleAccounts` per [`MAX_MULTIPLE_ACCOUNTS`] addresses), on the embedded chain one
/// per read.
pub async fn round_trips(world: &World, profile: &Profile) -> Result<Value> {
    let mut rows = Vec::new();
    for &count in &PROFILES {
        let requests = requests_for(world, profile, count);
        let started = Instant::now();
        let mut per_grant_trips = 0;
        let mut per_grant_addresses = Vec::new();
        for request in &requests {
            let report = verify::verify(&world.transport, request).await?;
            if !report.passed() {
                bail!("verification failed: {:?}", report.failures());
            }
            per_grant_trips += report.round_trips as usize;
            per_grant_addresses.push(verify::addresses(request).len());
        }
        let per_grant_ms = started.elapsed().as_secs_f64() * 1e3;

        let started = Instant::now();
        let mut union: Vec<Pubkey> = Vec::new();
        for request in &requests {
            for key in verify::addresses(request) {
                if !union.contains(&key) {
                    union.push(key);
                }
            }
        }
        let reports = verify::verify_profile(&world.transport, &requests).await?;
        let merged_trips: u32 = reports.iter().map(|r| r.round_trips).sum();
        let slots: std::collections::BTreeSet<u64> = reports.iter().map(|r| r.slot).collect();
        for report in &reports {
            if !report.passed() {
                bail!("verification failed: {:?}", report.failures());
            }
        }
        let merged_ms = started.elapsed().as_secs_f64() * 1e3;
        // Credentials from distinct issuers (each with its own schema) of one registry:
        // computed from the address count alone (Clock, grants, three per credential, registry).
        let distinct_addresses = 1 + requests.len() + 3 * count + 1;
        rows.push(json!({
            "credentials": count,
            "grants": requests.len(),
            "per_grant": {
                "addresses": per_grant_addresses,
                "round_trips": per_grant_trips,
                "milliseconds": round(per_grant_ms, 3),
            },
            "merged": {
                "addresses": union.len(),
                "getmultipleaccounts_calls": union.len().div_ceil(MAX_MULTIPLE_ACCOUNTS),
                "round_trips": merged_trips,
                "milliseconds": round(merged_ms, 3),
                "slots_pinned": slots.len(),
                "slot": slots.iter().next_back(),
            },
            "http_round_trips": merged_trips,
            "distinct_issuers_computed": {
                "addresses": distinct_addresses,
                "getmultipleaccounts_calls_merged": distinct_addresses.div_ceil(MAX_MULTIPLE_ACCOUNTS),
                "grants": count.div_ceil(profile.per_grant),
            },
            "all_checks_passed": true,
        }));
    }
    Ok(json!({
        "method": "measured: verify::verify per grant and verify::verify_profile over the whole profile (round_trips from their reports: HTTP requests over JSON-RPC, where one batch request carries every getMultipleAccounts chunk; one read on the embedded chain); distinct_issuers_computed is computed from the address count",
        "max_grant_credentials": MAX_GRANT_CREDENTIALS,
        "credentials_per_grant": profile.per_grant,
        "credentials_per_grant_bound": if profile.per_grant < MAX_GRANT_CREDENTIALS { "the 1,232-byte transaction creating the grant (each credential is named in the data and as an account: 66 bytes)" } else { "MAX_GRANT_CREDENTIALS" },
        "grant_transaction_bytes_at_max_grant_credentials": grant_transaction_size(&profile.candidate.pubkey(), &profile.recruiter.pubkey(), MAX_GRANT_CREDENTIALS),
        "max_multiple_accounts": MAX_MULTIPLE_ACCOUNTS,
        "profiles": rows,
    }))
}

/// Credentials per synthesized request (and grant): what a candidate shares with one recruiter.
pub const SYNTHETIC_GROUP: usize = 10;

/// Synthesized verification inputs: `requests` of [`SYNTHETIC_GROUP`] credentials each, against
/// one map of accounts serialized from real account structs.
pub struct Synthetic {
    /// The requests, in order.
    pub requests: Vec<VerifyRequest>,
    /// The same requests with no documents shared (no commitment to open).
    pub requests_without_documents: Vec<VerifyRequest>,
    /// Every account the requests name.
    pub fetched: HashMap<Pubkey, Account>,
    /// The cluster time the checks use.
    pub now: i64,
}

/// A synthetic address: `tag` and a counter.
pub(crate) fn synthetic_key(tag: u8, i: usize) -> Pubkey {
    let mut bytes = [0u8; 32];
    bytes[0] = tag;
    bytes[1..9].copy_from_slice(&(i as u64).to_le_bytes());
    bytes[31] = 0xbe;
    Pubkey::new_from_array(bytes)
}

/// Builds `count` credentials (grouped by [`SYNTHETIC_GROUP`] under one grant and one candidate
/// each) from the
/// real accounts of `profile`: its first credential and grant are decoded and re-serialized
/// with new subjects, ids and commitments (`AccountSerialize`); the issuer, schema and registry
/// are the real accounts.
pub async fn synthesize(world: &World, profile: &Profile, count: usize) -> Result<Synthetic> {
    let transport = &world.transport;
    let real_credential = profile.shared[0].credential;
    let keys = [
        real_credential,
        profile.grants[0],
        world.issuer,
        world.schema,
        world.registry,
        CLOCK_SYSVAR,
    ];
    let fetched_real = transport.accounts(&keys).await?;
    let [Some(credential_account), Some(grant_account), Some(issuer), Some(schema), Some(registry), Some(clock)] =
        <[Option<Account>; 6]>::try_from(fetched_real).expect("six accounts")
    else {
        bail!("a real account of the profile is missing");
    };
    let now = clock_unix_timestamp(&clock.data).context("unreadable Clock sysvar")?;
    let base_credential = Credential::try_deserialize(&mut credential_account.data.as_slice())?;
    let base_grant = Grant::try_deserialize(&mut grant_account.data.as_slice())?;
    let mut fetched: HashMap<Pubkey, Account> =
        HashMap::with_capacity(count + count / SYNTHETIC_GROUP + 4);
    fetched.insert(world.issuer, issuer);
    fetched.insert(world.schema, schema);
    fetched.insert(world.registry, registry);
    let mut requests = Vec::with_capacity(count.div_ceil(SYNTHETIC_GROUP));
    let grantee = profile.recruiter.pubkey();
    for (g, start) in (0..count).step_by(SYNTHETIC_GROUP).enumerate() {
        let subject = synthetic_key(1, g);
        let grant_key = synthetic_key(2, g);
        let mut shared = Vec::with_capacity(SYNTHETIC_GROUP);
        for i in start..(start + SYNTHETIC_GROUP).min(count) {
            let key = synthetic_key(3, i);
            let salt = Salt(commitment::sha256(&(i as u64).to_le_bytes()));
            let doc = document("synthetic", i);
            let credential = Credential {
                subject,
                credential_id: commitment::sha256(key.as_ref()),
                commitment: commitment::commit(&salt, &doc),
                ..base_credential.clone()
            };
            fetched.insert(key, serialized(&credential, &credential_account)?);
            shared.push(SharedCredential {
                credential: key,
                issuer: world.issuer,
                schema: world.schema,
                registry: world.registry,
                document: Some(SharedDocument {
                    salt,
                    document: doc,
                }),
            });
        }
        let grant = Grant {
            subject,
            grantee,
            grant_id: g as u64,
            credentials: shared
                .iter()
                .map(|c| CredentialRef::Account {
                    address: c.credential,
                })
                .collect(),
            ..base_grant.clone()
        };
        fetched.insert(grant_key, serialized(&grant, &grant_account)?);
        requests.push(VerifyRequest {
            subject,
            grantee,
            grant: grant_key,
            credentials: shared,
            cohort_credentials: vec![],
            trusted_registries: vec![world.registry],
        });
    }
    let requests_without_documents = requests
        .iter()
        .map(|r| VerifyRequest {
            credentials: r
                .credentials
                .iter()
                .map(|c| SharedCredential {
                    document: None,
                    ..c.clone()
                })
                .collect(),
            ..r.clone()
        })
        .collect();
    Ok(Synthetic {
        requests,
        requests_without_documents,
        fetched,
        now,
    })
}

/// `value` serialized as an account like `like` (same owner, lamports and size).
pub(crate) fn serialized<T: AccountSerialize>(value: &T, like: &Account) -> Result<Account> {
    let mut data = Vec::with_capacity(like.data.len());
    value.try_serialize(&mut data)?;
    data.resize(like.data.len(), 0);
    Ok(Account {
        lamports: like.lamports,
        data,
        owner: like.owner,
        executable: false,
        rent_epoch: like.rent_epoch,
    })
}

/// One timing of `verify::evaluate`.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    /// Credentials checked.
    pub credentials: usize,
    /// Report lines produced (8 per credential, 1 per grant).
    pub checks: usize,
    /// Seconds spent in `evaluate` (median of [`EVALUATE_REPETITIONS`] runs).
    pub seconds: f64,
    /// The fastest of the runs (the least disturbed by other work on the machine).
    pub best_seconds: f64,
}

impl Rate {
    /// Credentials checked per second.
    pub fn credentials_per_second(&self) -> f64 {
        self.credentials as f64 / self.seconds
    }

    /// The timing as JSON.
    pub fn json(&self) -> Value {
        json!({
            "credentials": self.credentials,
            "repetitions": EVALUATE_REPETITIONS,
            "report_lines": self.checks,
            "seconds": round(self.seconds, 5),
            "best_seconds": round(self.best_seconds, 5),
            "best_credentials_per_second": round(self.credentials as f64 / self.best_seconds, 0),
            "credentials_per_second": round(self.credentials_per_second(), 0),
            "report_lines_per_second": round(self.checks as f64 / self.seconds, 0),
        })
    }
}

/// Repetitions of each `verify::evaluate` timing (the median is kept).
pub const EVALUATE_REPETITIONS: usize = 5;

/// Times `verify::evaluate` over the first `credentials` credentials of `requests` (whole
/// requests), [`EVALUATE_REPETITIONS`] times, keeping the median; fails if any check fails.
pub fn time_evaluate(
    requests: &[VerifyRequest],
    fetched: &HashMap<Pubkey, Account>,
    now: i64,
    credentials: usize,
) -> Result<Rate> {
    let take = credentials.div_ceil(SYNTHETIC_GROUP).min(requests.len());
    let requests = &requests[..take];
    let counted: usize = requests.iter().map(|r| r.credentials.len()).sum();
    let mut timings = Vec::with_capacity(EVALUATE_REPETITIONS);
    let mut checks = 0;
    for _ in 0..EVALUATE_REPETITIONS {
        let started = Instant::now();
        checks = 0;
        let mut failed = 0;
        for request in requests {
            let report = black_box(verify::evaluate(black_box(request), fetched, now));
            checks += report.checks.len();
            failed += usize::from(!report.passed());
        }
        timings.push(started.elapsed().as_secs_f64());
        if failed > 0 {
            bail!("{failed} synthetic verifications failed");
        }
    }
    timings.sort_by(f64::total_cmp);
    Ok(Rate {
        credentials: counted,
        checks,
        seconds: timings[timings.len() / 2],
        best_seconds: timings[0],
    })
}

/// One listing of a subject's credentials.
#[derive(Clone, Debug)]
pub struct Listing {
    /// Credentials of the issuer's program on the chain when listed (the benchmark's own).
    pub among: usize,
    /// Credentials found for the subject.
    pub found: usize,
    /// Each repetition's wall time (ms).
    pub milliseconds: Vec<f64>,
}

impl Listing {
    /// The median repetition (ms).
    pub fn median_ms(&self) -> f64 {
        crate::issuance::median(&self.milliseconds)
    }

    /// The listing as JSON.
    pub fn json(&self) -> Value {
        json!({
            "among_credentials": self.among,
            "found": self.found,
            "median_milliseconds": round(self.median_ms(), 3),
            "milliseconds": self.milliseconds.iter().map(|m| round(*m, 3)).collect::<Vec<_>>(),
        })
    }
}

/// Lists `subject`'s credentials with `accounts::credentials_of_subject` (discriminator and
/// subject memcmp) `repetitions` times; fails unless `expected` come back.
pub async fn listing(
    transport: &Transport,
    subject: &Pubkey,
    expected: usize,
    among: usize,
    repetitions: usize,
) -> Result<Listing> {
    let mut milliseconds = Vec::with_capacity(repetitions);
    let mut found = 0;
    for _ in 0..repetitions.max(1) {
        let started = Instant::now();
        let listed = accounts::credentials_of_subject(transport, subject).await?;
        milliseconds.push(started.elapsed().as_secs_f64() * 1e3);
        found = listed.len();
    }
    if found != expected {
        bail!("listing found {found} credentials of the subject, expected {expected}");
    }
    Ok(Listing {
        among,
        found,
        milliseconds,
    })
}
