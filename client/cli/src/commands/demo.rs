//! `credence demo`: the whole story, on the embedded chain by default or on `--url`.
//!
//! A nursing regulator creates a registry and accredits a university and a nursing council; they
//! issue a degree and a licence to a nurse, and the university charges a verification fee in a
//! demo stablecoin (a real SPL Token mint). The nurse lists herself in the talent pool; a hospital
//! recruiter finds the listing by occupation and region without learning who she is, and asks
//! for access; she approves, with the degree sealed to him, which creates the grant. He verifies
//! (report), opens the degree and records access, paying the university's fee: its treasury is
//! shown before and after. She sees the access in her audit trail, revokes, and his next
//! verification fails with the reason. Every step is a real signed transaction through the real
//! runtime.

use std::time::Instant;

use clap::Args;
use credence_registry::{CreateSchemaArgs, RegisterIssuerArgs};
use credence_sdk::{
    commitment::{IssuerSecret, Salt},
    roles::{
        format_amount, Candidate, FeeCap, IssueRequest, Issuer, ListingTerms, PoolQuery, Recruiter,
        RegistryAdmin, RequestTerms, TokenMint,
    },
    sealing,
    verify::{CheckStatus, SharedCredential, SharedDocument, VerifyRequest},
    Transport,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::{commands::verify::report_text, config::Config, output::Output};

/// Arguments of `credence demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// SOL to fund each demo actor with (from the cluster's faucet).
    #[arg(long, default_value_t = 2.0)]
    fund_sol: f64,
}

const DAY: i64 = 86_400;
/// The demo stablecoin's decimals, as USDC's.
const DECIMALS: u8 = 6;
/// The university's fee per verified degree: 12.50 demo dollars.
const DEGREE_FEE: u64 = 12_500_000;

/// The documents stay off-chain; only their salted commitments are stored.
const DEGREE: &str = r#"{"type":"BSc Nursing","holder":"Amina Okafor","awarded":"2019-07-12","class":"First","institution":"University of Lagos"}"#;
const LICENCE: &str = r#"{"type":"Registered Nurse","holder":"Amina Okafor","pin":"19K0042N","register":"Nursing and Midwifery Council of Nigeria"}"#;

struct Story {
    steps: Vec<Value>,
    text: String,
    started: Instant,
}

impl Story {
    fn step(&mut self, title: &str, detail: String, data: Value) {
        let ms = self.started.elapsed().as_millis();
        self.text.push_str(&format!("\n▶ {title} (+{ms} ms)\n"));
        for line in detail.lines() {
            self.text.push_str(&format!("  {line}\n"));
        }
        self.steps
            .push(json!({ "step": title, "elapsed_ms": ms, "data": data }));
    }
}

/// Runs the story.
pub async fn run(config: &Config, args: DemoArgs) -> anyhow::Result<Output> {
    let started = Instant::now();
    let transport = if config.url_given() {
        config.transport().await?
    } else {
        Transport::embedded().await
    };
    let chain = transport.describe();
    let mut story = Story {
        steps: Vec::new(),
        text: format!("Credence demo on {chain}\n"),
        started,
    };

    let regulator = Keypair::new();
    let university = Keypair::new();
    let council = Keypair::new();
    let nurse = Keypair::new();
    let recruiter_key = Keypair::new();
    let stablecoin = Keypair::new();
    let lamports = (args.fund_sol * 1e9) as u64;
    fund(
        config,
        &transport,
        &[
            &regulator,
            &university,
            &council,
            &nurse,
            &recruiter_key,
            &stablecoin,
        ],
        lamports,
    )
    .await?;
    story.step(
        "Actors funded",
        format!(
            "regulator {}\nuniversity {}\nnursing council {}\nnurse {}\nrecruiter {}",
            regulator.pubkey(), university.pubkey(), council.pubkey(), nurse.pubkey(), recruiter_key.pubkey()
        ),
        json!({ "regulator": regulator.pubkey().to_string(), "university": university.pubkey().to_string(),
                "council": council.pubkey().to_string(), "nurse": nurse.pubkey().to_string(), "recruiter": recruiter_key.pubkey().to_string() }),
    );

    // 1. The regulator's registry; the issuers register and are accredited.
    let registry_name = format!("ng-health-{}", &regulator.pubkey().to_string()[..6]);
    let admin = RegistryAdmin::new(&transport, &regulator, &registry_name);
    admin.create(&registry_name).await?;
    // Each issuer's secret (the key of its credential ids and salts), fresh for the demo and
    // kept in memory only.
    let (uni_secret, nmc_secret) = (IssuerSecret::generate(), IssuerSecret::generate());
    let uni =
        Issuer::new(&transport, &university, admin.registry, "unilag").with_secret(&uni_secret);
    uni.register(RegisterIssuerArgs {
        issuer_id: "unilag".into(),
        name: "University of Lagos".into(),
        uri: "https://unilag.edu.ng".into(),
        jurisdiction: "NG".into(),
    })
    .await?;
    let nmc = Issuer::new(&transport, &council, admin.registry, "nmcn").with_secret(&nmc_secret);
    nmc.register(RegisterIssuerArgs {
        issuer_id: "nmcn".into(),
        name: "Nursing and Midwifery Council of Nigeria".into(),
        uri: "https://nmcn.gov.ng".into(),
        jurisdiction: "NG".into(),
    })
    .await?;
    admin.accredit(&uni.issuer, &university.pubkey()).await?;
    admin.accredit(&nmc.issuer, &council.pubkey()).await?;
    story.step(
        "Registry created; university and nursing council accredited",
        format!("registry {} ({registry_name})\nuniversity issuer {}\ncouncil issuer {}", admin.registry, uni.issuer, nmc.issuer),
        json!({ "registry": admin.registry.to_string(), "university_issuer": uni.issuer.to_string(), "council_issuer": nmc.issuer.to_string() }),
    );

    // 2. Schemas and issuance.
    let (degree_schema, _) = uni
        .create_schema(CreateSchemaArgs {
            name: "bsc-nursing".into(),
            version: 1,
            uri: "https://credence.example/schemas/degree-v1.json".into(),
            schema_hash: credence_sdk::commitment::sha256(b"degree-v1"),
            default_validity_secs: 0,
            suspendable: false,
        })
        .await?;
    let (licence_schema, _) = nmc
        .create_schema(CreateSchemaArgs {
            name: "rn-licence".into(),
            version: 1,
            uri: "https://credence.example/schemas/licence-v1.json".into(),
            schema_hash: credence_sdk::commitment::sha256(b"licence-v1"),
            default_validity_secs: 365 * DAY,
            suspendable: true,
        })
        .await?;
    let degree = uni
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema: degree_schema,
            reference: "UNILAG/BSN/2019/0731".into(),
            document: DEGREE.as_bytes().to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await?;
    let licence = nmc
        .issue(&IssueRequest {
            subject: nurse.pubkey(),
            schema: licence_schema,
            reference: "RN-19K0042N".into(),
            document: LICENCE.as_bytes().to_vec(),
            valid_from: None,
            expires_at: None,
        })
        .await?;
    story.step(
        "Degree and nursing licence issued to the nurse",
        format!(
            "degree  {} (commitment {}…)\nlicence {} (commitment {}…)\non-chain: hash commitments only; the documents stay with the nurse",
            degree.credential, &degree.commitment[..16], licence.credential, &licence.commitment[..16]
        ),
        json!({ "degree": degree, "licence": licence }),
    );

    // 3. The university charges a fee per verified degree in a demo stablecoin.
    let mint_key = Keypair::new();
    let dusd = TokenMint::create(&transport, &stablecoin, &mint_key, DECIMALS).await?;
    dusd.mint_to(&recruiter_key.pubkey(), 100 * 1_000_000)
        .await?;
    let treasury = uni
        .set_fee(&degree_schema, &dusd.mint, None, DEGREE_FEE)
        .await?;
    story.step(
        "The university charges 12.50 dUSD per verified degree",
        format!(
            "demo stablecoin (SPL Token mint) {}\nfee set on schema {degree_schema}\ntreasury {treasury}\nthe recruiter holds 100.00 dUSD",
            dusd.mint
        ),
        json!({ "mint": dusd.mint.to_string(), "fee": DEGREE_FEE, "decimals": DECIMALS, "treasury": treasury.to_string() }),
    );

    // 4. The nurse lists herself in the talent pool: codes and credentials, nothing personal.
    let candidate = Candidate::new(&transport, &nurse);
    let now = transport.now().await?;
    let degree_address = degree.credential.parse()?;
    let licence_address = licence.credential.parse()?;
    let listing = candidate
        .list(ListingTerms {
            occupation: "2221".into(),
            region: "GB-ENG".into(),
            available_from: now + 30 * DAY,
            credentials: vec![degree_address, licence_address],
        })
        .await?;
    story.step(
        "The nurse lists herself in the talent pool",
        format!("listing {listing}\noccupation 2221 (ISCO-08 nursing professionals), region GB-ENG, available in 30 days\nno name, no contact: a wallet address and two credentials"),
        json!({ "listing": listing.to_string() }),
    );

    // 5. The recruiter searches the pool, finds her without learning who she is, asks.
    let recruiter = Recruiter::new(&transport, &recruiter_key);
    let search_started = Instant::now();
    let found = recruiter
        .search(&PoolQuery {
            occupation: Some("222".into()),
            region: Some("GB".into()),
            available_by: Some(now + 60 * DAY),
            verified_only: true,
            trusted_registries: vec![admin.registry],
        })
        .await?;
    let search_ms = search_started.elapsed().as_secs_f64() * 1e3;
    let hit = found
        .iter()
        .find(|m| m.listing == listing.to_string())
        .ok_or_else(|| anyhow::anyhow!("the pool search did not find the nurse's listing"))?;
    story.step(
        &format!("The recruiter searches the pool ({search_ms:.1} ms)"),
        format!(
            "query: occupation 222*, region GB*, available within 60 days, credentials verified\n{} match(es); candidate {} with {} verified credential(s)",
            found.len(),
            hit.subject,
            hit.credentials.len()
        ),
        json!({ "matches": found, "search_ms": search_ms }),
    );
    let asked = recruiter
        .request_access(RequestTerms {
            request_id: 1,
            subject: hit.subject.parse()?,
            credentials: hit
                .credentials
                .iter()
                .map(|c| c.parse())
                .collect::<Result<_, _>>()?,
            schemas: vec![],
            purpose: "Recruitment: ICU nurse, St Mary's Hospital".into(),
            duration_secs: 7 * DAY,
            max_uses: 0,
        })
        .await?;
    story.step(
        "The recruiter requests access",
        format!("request {asked}\npurpose: Recruitment: ICU nurse, St Mary's Hospital; 7 days"),
        json!({ "request": asked.to_string() }),
    );

    // 6. She approves: the grant is created and the request closed in one transaction.
    // She approves the terms she reads now: if the recruiter changed the request afterwards,
    // the approval would be refused.
    let (sealed_degree, degree_key) = sealing::seal_document(DEGREE.as_bytes());
    let (_, read) = candidate
        .requests()
        .await?
        .into_iter()
        .find(|(address, _)| *address == asked)
        .ok_or_else(|| anyhow::anyhow!("the recruiter's request is not waiting for the nurse"))?;
    let grant = candidate
        .approve(&asked, &read, 1, None, Some(&degree_key))
        .await?;
    story.step(
        "The nurse approves; the grant is created and the request closed",
        format!("grant {grant}\nthe degree's key is sealed to the recruiter inside the grant"),
        json!({ "grant": grant.to_string(), "request": asked.to_string() }),
    );

    // 7. The recruiter verifies in one round trip, opens the sealed degree, records access
    //    paying the university's fee.
    let shared = vec![
        SharedCredential {
            credential: degree_address,
            issuer: uni.issuer,
            schema: degree_schema,
            registry: admin.registry,
            document: Some(SharedDocument {
                salt: Salt::from_hex(&degree.salt).map_err(anyhow::Error::msg)?,
                document: DEGREE.as_bytes().to_vec(),
            }),
        },
        SharedCredential {
            credential: licence_address,
            issuer: nmc.issuer,
            schema: licence_schema,
            registry: admin.registry,
            document: Some(SharedDocument {
                salt: Salt::from_hex(&licence.salt).map_err(anyhow::Error::msg)?,
                document: LICENCE.as_bytes().to_vec(),
            }),
        },
    ];
    let request = VerifyRequest {
        subject: nurse.pubkey(),
        grantee: recruiter_key.pubkey(),
        grant,
        credentials: shared,
        trusted_registries: vec![admin.registry],
    };
    let verify_started = Instant::now();
    let report = recruiter.verify(&request).await?;
    let verify_ms = verify_started.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(
        report.passed_strict(),
        "the first verification should pass:\n{}",
        report_text(&report)
    );
    story.step(
        &format!("The recruiter verifies ({verify_ms:.1} ms)"),
        report_text(&report),
        json!({ "report": report, "verify_ms": verify_ms }),
    );
    // Opened only if the bytes match the degree's on-chain commitment with its salt.
    let degree_salt = Salt::from_hex(&degree.salt).map_err(anyhow::Error::msg)?;
    let opened = recruiter
        .open_document(&grant, &degree_address, &sealed_degree, &degree_salt)
        .await?;
    story.step(
        "The recruiter opens the sealed degree",
        String::from_utf8_lossy(&opened).into_owned(),
        json!({ "document": String::from_utf8_lossy(&opened) }),
    );
    let treasury_before = dusd.balance(&university.pubkey()).await?;
    let recruiter_before = recruiter.token_balance(&dusd.mint).await?;
    let lamports_before = transport.balance(&recruiter_key.pubkey()).await?;
    // The recruiter's explicit cap: at most 15.00 of the demo stablecoin, in that mint only.
    let cap = FeeCap {
        mint: dusd.mint,
        max: 15_000_000,
    };
    let recorded = recruiter
        .record_access_within(&grant, &report, Some(cap))
        .await?;
    let treasury_after = dusd.balance(&university.pubkey()).await?;
    let recruiter_after = recruiter.token_balance(&dusd.mint).await?;
    let lamports_after = transport.balance(&recruiter_key.pubkey()).await?;
    anyhow::ensure!(
        treasury_after == treasury_before + DEGREE_FEE,
        "the university's treasury did not receive the fee"
    );
    story.step(
        "The recruiter records the verification and pays the university's fee",
        format!(
            "transaction {}\nuniversity treasury: {} -> {} dUSD\nrecruiter: {} -> {} dUSD, {} lamports in transaction fees\nthe nurse paid nothing",
            recorded.signature,
            format_amount(treasury_before, DECIMALS),
            format_amount(treasury_after, DECIMALS),
            format_amount(recruiter_before, DECIMALS),
            format_amount(recruiter_after, DECIMALS),
            lamports_before.saturating_sub(lamports_after)
        ),
        json!({ "signature": recorded.signature, "treasury_before": treasury_before, "treasury_after": treasury_after,
                "recruiter_before": recruiter_before, "recruiter_after": recruiter_after,
                "recruiter_lamports_spent": lamports_before.saturating_sub(lamports_after) }),
    );

    // 8. The nurse sees it, revokes; the next verification fails with the reason.
    let trail = candidate
        .audit_trail_including(&recorded.signature, std::time::Duration::from_secs(180))
        .await?
        .entries;
    anyhow::ensure!(
        trail.iter().any(|e| e.signature == recorded.signature),
        "the recorded access did not reach the cluster's transaction history within 180 s"
    );
    story.step(
        "The nurse's audit trail",
        trail
            .iter()
            .map(|e| {
                format!(
                    "{} verified {} credential(s) at {}: {}",
                    e.grantee,
                    e.credentials.len(),
                    credence_sdk::verify::utc(e.timestamp),
                    e.outcome
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        json!({ "accesses": trail }),
    );
    candidate.revoke(&grant).await?;
    let after = recruiter.verify(&request).await?;
    anyhow::ensure!(!after.passed(), "verification after revocation must fail");
    let reasons: Vec<String> = after
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.detail.clone())
        .collect();
    story.step(
        "The nurse revokes; the recruiter's next verification fails",
        format!("{}reason: {}", report_text(&after), reasons.join("; ")),
        json!({ "report": after, "reasons": reasons }),
    );
    let total_ms = started.elapsed().as_millis();
    story
        .text
        .push_str(&format!("\nDone in {total_ms} ms on {chain}.\n"));
    Ok(Output::new(
        json!({ "chain": chain, "total_ms": total_ms, "steps": story.steps, "passed_before_revocation": true, "failed_after_revocation": true }),
        story.text,
    ))
}

/// Funds the actors from the cluster's faucet; where there is none (or it refuses), from the
/// `--keypair` wallet by transfer.
async fn fund(
    config: &Config,
    transport: &Transport,
    actors: &[&Keypair],
    lamports: u64,
) -> anyhow::Result<()> {
    let mut funder: Option<Keypair> = None;
    for actor in actors {
        if let Err(airdrop_error) = transport.airdrop(&actor.pubkey(), lamports).await {
            if funder.is_none() {
                funder = Some(config.keypair().map_err(|e| {
                    anyhow::anyhow!("the cluster's faucet refused ({airdrop_error}) and there is no wallet to fund the demo from: {e}")
                })?);
            }
            let from = funder.as_ref().expect("set above");
            let ix = anchor_lang::solana_program::system_instruction::transfer(
                &from.pubkey(),
                &actor.pubkey(),
                lamports,
            );
            transport.send(&[ix], from, &[]).await?;
        }
    }
    Ok(())
}
