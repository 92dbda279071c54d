//! The talent pool and fees: pool search time over many listings (one `getProgramAccounts`
//! with memcmp, then the verification batch), and what one paid verification costs the
//! recruiter in transactions, signatures, lamports and tokens.

use std::{sync::Arc, time::Instant};

use anyhow::{bail, Context, Result};
use credence_consent::{state::CredentialRef, CreateListingArgs};
use credence_sdk::{
    ix::consent as cix,
    roles::{code, Candidate, FeeCap, GrantRequest, IssueRequest, PoolQuery, Recruiter},
    token::TokenMint,
    verify::SharedCredential,
    SdkError,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use tokio::task::JoinSet;

use crate::{issuance, world::World};

/// Occupation codes the synthetic pool spreads over (ISCO-08 health and care).
const OCCUPATIONS: [&str; 8] = [
    "2211", "2212", "2221", "2222", "2261", "2262", "3221", "5321",
];
/// Region codes the synthetic pool spreads over.
const REGIONS: [&str; 8] = [
    "GB-ENG", "GB-SCT", "GB-WLS", "IE", "NG-LA", "PH-00", "IN-KL", "US-TX",
];
/// Lamports each synthetic candidate receives: a listing's rent and a margin.
const CANDIDATE_LAMPORTS: u64 = 10_000_000;

/// Fills the pool with `listings` candidates (one credential each, spread over 8 occupations,
/// 8 regions and 90 days), then times searches.
pub async fn search(
    world: &World,
    listings: usize,
    concurrency: usize,
    repetitions: usize,
) -> Result<Value> {
    let transport = world.transport.clone();
    let subjects: Vec<Arc<Keypair>> = (0..listings).map(|_| Arc::new(Keypair::new())).collect();
    let requests: Vec<IssueRequest> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| IssueRequest {
            subject: s.pubkey(),
            schema: world.schema,
            reference: format!("pool-{i}"),
            document: format!("pool document {i}").into_bytes(),
            valid_from: None,
            expires_at: None,
        })
        .collect();
    let issued = issuance::concurrent(&[(world, &requests)], concurrency).await?;
    crate::say!(
        "  issued {} credentials for the pool in {:.1} s",
        issued.issued,
        issued.seconds
    );
    let funder = Arc::new(Keypair::new());
    transport
        .airdrop(
            &funder.pubkey(),
            CANDIDATE_LAMPORTS * listings as u64 + 1_000_000_000,
        )
        .await
        .context("funding the pool's candidates")?;
    // Fund the candidates first, 20 transfers a transaction, so the listings' transactions
    // share no writable account and run in parallel.
    for chunk in subjects.chunks(20) {
        let ixs: Vec<_> = chunk
            .iter()
            .map(|s| {
                anchor_lang::solana_program::system_instruction::transfer(
                    &funder.pubkey(),
                    &s.pubkey(),
                    CANDIDATE_LAMPORTS,
                )
            })
            .collect();
        transport.send(&ixs, &funder, &[]).await?;
    }
    let now = transport.now().await?;
    let started = Instant::now();
    let mut tasks: JoinSet<Result<(), SdkError>> = JoinSet::new();
    let mut created = 0;
    let mut next = 0;
    while created < listings {
        while tasks.len() < concurrency.max(1) && next < listings {
            let i = next;
            next += 1;
            let subject = subjects[i].clone();
            let transport = transport.clone();
            let credential = credence_sdk::pda::credential(
                &world.issuer,
                &subject.pubkey(),
                &world
                    .issuer_secret
                    .credential_id(&world.issuer, &format!("pool-{i}")),
            )
            .0;
            tasks.spawn(async move {
                let args = CreateListingArgs {
                    occupation: code(OCCUPATIONS[i % OCCUPATIONS.len()])?,
                    region: code(REGIONS[(i / OCCUPATIONS.len()) % REGIONS.len()])?,
                    available_from: now + (i as i64 % 90) * 86_400,
                    credentials: vec![CredentialRef::Account {
                        address: credential,
                    }],
                };
                let ix = cix::create_listing(&subject.pubkey(), args);
                transport.send(&[ix], &subject, &[]).await.map(|_| ())
            });
        }
        let Some(done) = tasks.join_next().await else {
            break;
        };
        done.context("a listing task panicked")??;
        created += 1;
    }
    let listing_seconds = started.elapsed().as_secs_f64();
    crate::say!(
        "  created {listings} listings in {listing_seconds:.1} s ({:.0}/s)",
        listings as f64 / listing_seconds
    );
    let recruiter_key = Keypair::new();
    let recruiter = Recruiter::new(&transport, &recruiter_key);
    let queries = [
        (
            "occupation 2221 (exact), any region",
            PoolQuery {
                occupation: Some("2221".into()),
                ..PoolQuery::default()
            },
        ),
        (
            "occupation 222* and region GB*",
            PoolQuery {
                occupation: Some("222".into()),
                region: Some("GB".into()),
                ..PoolQuery::default()
            },
        ),
        (
            "occupation 222*, region GB*, available within 30 days, verified",
            PoolQuery {
                occupation: Some("222".into()),
                region: Some("GB".into()),
                available_by: Some(now + 30 * 86_400),
                verified_only: true,
                trusted_registries: vec![world.registry],
            },
        ),
        (
            "the whole pool, verified",
            PoolQuery {
                verified_only: true,
                trusted_registries: vec![world.registry],
                ..PoolQuery::default()
            },
        ),
    ];
    let mut rows = Vec::new();
    for (label, query) in queries {
        let mut samples = Vec::new();
        let mut found = 0;
        for _ in 0..repetitions.max(1) {
            let started = Instant::now();
            found = recruiter.search(&query).await?.len();
            samples.push(started.elapsed().as_secs_f64() * 1e3);
        }
        let ms = issuance::median(&samples);
        crate::say!("  search {label}: {found} of {listings} found, median {ms:.1} ms");
        rows.push(json!({ "query": label, "found": found, "median_milliseconds": ms, "repetitions": repetitions }));
    }
    Ok(json!({
        "listings": listings,
        "listing_creation_seconds": listing_seconds,
        "searches": rows,
    }))
}

/// One paid verification end to end, and what it cost the recruiter.
pub async fn paid_verification(world: &World) -> Result<Value> {
    let transport = &world.transport;
    let [nurse, recruiter_key, minter] = std::array::from_fn(|_| Keypair::new());
    for key in [&nurse, &recruiter_key, &minter] {
        transport.airdrop(&key.pubkey(), 1_000_000_000).await?;
    }
    let issued = world
        .issuer_api()
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema: world.schema,
            reference: "paid-1".into(),
            document: b"licence".to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await?;
    let credential: Pubkey = issued.credential;
    let mint_key = Keypair::new();
    let token = TokenMint::create(transport, &minter, &mint_key, 6).await?;
    token.mint_to(&recruiter_key.pubkey(), 100_000_000).await?;
    let fee = 2_500_000;
    world
        .issuer_api()
        .set_fee(&world.schema, &token.mint, None, fee)
        .await?;
    let now = transport.now().await?;
    let grant = Candidate::new(transport, &nurse)
        .grant(GrantRequest {
            grant_id: 1,
            grantee: recruiter_key.pubkey(),
            credentials: credence_sdk::accounts::account_refs(&[credential]),
            purpose: "Benchmark".into(),
            expires_at: now + 86_400,
            max_uses: 0,
            document_key: None,
        })
        .await?;
    let recruiter = Recruiter::new(transport, &recruiter_key);
    let report = recruiter
        .verify(&credence_sdk::verify::VerifyRequest {
            subject: nurse.pubkey(),
            grantee: recruiter_key.pubkey(),
            grant,
            credentials: vec![SharedCredential {
                credential,
                issuer: world.issuer,
                schema: world.schema,
                registry: world.registry,
                document: None,
            }],
            cohort_credentials: vec![],
            trusted_registries: vec![world.registry],
        })
        .await?;
    let lamports_before = transport.balance(&recruiter_key.pubkey()).await?;
    let tokens_before = recruiter.token_balance(&token.mint).await?;
    let treasury = world.issuer_api().treasury(&world.schema).await?;
    let started = Instant::now();
    let cap = FeeCap {
        mint: token.mint,
        max: fee,
    };
    let sent = recruiter
        .record_access_within(&grant, &report, Some(cap))
        .await?;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let lamports_after = transport.balance(&recruiter_key.pubkey()).await?;
    let tokens_after = recruiter.token_balance(&token.mint).await?;
    let treasury_after = world.issuer_api().treasury(&world.schema).await?;
    if tokens_before - tokens_after != fee {
        bail!(
            "the recruiter paid {} instead of {fee}",
            tokens_before - tokens_after
        );
    }
    let lamports = lamports_before.saturating_sub(lamports_after);
    crate::say!(
        "  one paid verification: 1 transaction, 1 signature, {lamports} lamports, {} token base units to the issuer's treasury ({:.1} ms including the fee quote)",
        fee,
        ms
    );
    // Leave the world's schema free again for later phases.
    world.issuer_api().clear_fee(&world.schema).await?;
    Ok(json!({
        "transactions": 1,
        "signatures": 1,
        "signature": sent.signature.to_string(),
        "recruiter_lamports": lamports,
        "fee_base_units": fee,
        "treasury_before": treasury.map(|t| t.balance),
        "treasury_after": treasury_after.map(|t| t.balance),
        "round_trips_before_sending": 3,
        "milliseconds": ms,
        "note": "the recruiter's token account exists beforehand (no rent); record_access needs the grant (one read), then the credentials and their schemas (the quote: two getMultipleAccounts) and pays the fee by CPI into SPL Token's transfer_checked inside the same transaction",
    }))
}
