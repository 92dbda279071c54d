//! `credence demo`: the whole story, on the embedded chain by default or on `--url`.
//!
//! A nursing regulator creates a registry and accredits a university and a nursing council; they
//! issue a degree and a licence to a nurse; she grants a hospital recruiter access to both for a
//! purpose and a week, with the degree sealed to him; he verifies (report), opens the degree and
//! records access; she sees it in her audit trail, revokes, and his next verification fails with
//! the reason. Every step is a real signed transaction through the real runtime.

use std::time::Instant;

use clap::Args;
use credence_registry::{CreateSchemaArgs, RegisterIssuerArgs};
use credence_sdk::{
    commitment::Salt,
    ix::registry::IssuerDecision,
    roles::{Candidate, GrantRequest, IssueRequest, Issuer, Recruiter, RegistryAdmin},
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
    let lamports = (args.fund_sol * 1e9) as u64;
    fund(
        config,
        &transport,
        &[&regulator, &university, &council, &nurse, &recruiter_key],
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
    let uni = Issuer::new(&transport, &university, admin.registry, "unilag");
    uni.register(RegisterIssuerArgs {
        issuer_id: "unilag".into(),
        name: "University of Lagos".into(),
        uri: "https://unilag.edu.ng".into(),
        jurisdiction: "NG".into(),
    })
    .await?;
    let nmc = Issuer::new(&transport, &council, admin.registry, "nmcn");
    nmc.register(RegisterIssuerArgs {
        issuer_id: "nmcn".into(),
        name: "Nursing and Midwifery Council of Nigeria".into(),
        uri: "https://nmcn.gov.ng".into(),
        jurisdiction: "NG".into(),
    })
    .await?;
    admin.decide(IssuerDecision::Accredit, &uni.issuer).await?;
    admin.decide(IssuerDecision::Accredit, &nmc.issuer).await?;
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

    // 3. The nurse grants the recruiter access for a week, with the degree sealed to him.
    let candidate = Candidate::new(&transport, &nurse);
    let (sealed_degree, degree_key) = sealing::seal_document(DEGREE.as_bytes());
    let now = chain_now(&transport).await?;
    let degree_address = degree.credential.parse()?;
    let licence_address = licence.credential.parse()?;
    let grant = candidate
        .grant(GrantRequest {
            grant_id: 1,
            grantee: recruiter_key.pubkey(),
            credentials: vec![degree_address, licence_address],
            purpose: "Recruitment: ICU nurse, St Mary's Hospital".into(),
            expires_at: now + 7 * DAY,
            max_uses: 0,
            document_key: Some(degree_key),
        })
        .await?;
    story.step(
        "The nurse grants the hospital recruiter access to both, for a week",
        format!("grant {grant}\npurpose: Recruitment: ICU nurse, St Mary's Hospital\nthe degree's key is sealed to the recruiter inside the grant"),
        json!({ "grant": grant.to_string(), "expires_at": now + 7 * DAY }),
    );

    // 4. The recruiter verifies in one round trip, opens the sealed degree, records access.
    let recruiter = Recruiter::new(&transport, &recruiter_key);
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
        report.passed(),
        "the first verification should pass:\n{}",
        report_text(&report)
    );
    story.step(
        &format!("The recruiter verifies ({verify_ms:.1} ms)"),
        report_text(&report),
        json!({ "report": report, "verify_ms": verify_ms }),
    );
    let opened = recruiter.open_document(&grant, &sealed_degree).await?;
    story.step(
        "The recruiter opens the sealed degree",
        String::from_utf8_lossy(&opened).into_owned(),
        json!({ "document": String::from_utf8_lossy(&opened) }),
    );
    let recorded = recruiter.record_access(&grant, &report).await?;
    story.step(
        "The recruiter records the verification",
        format!("transaction {}", recorded.signature),
        json!({ "signature": recorded.signature }),
    );

    // 5. The nurse sees it, revokes; the next verification fails with the reason.
    let trail = candidate
        .audit_trail_including(&recorded.signature, std::time::Duration::from_secs(90))
        .await?;
    anyhow::ensure!(
        trail.iter().any(|e| e.signature == recorded.signature),
        "the recorded access did not reach the cluster's transaction history within 90 s"
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

async fn chain_now(transport: &Transport) -> anyhow::Result<i64> {
    let clock = transport
        .account(&credence_sdk::transport::CLOCK_SYSVAR)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the cluster has no Clock sysvar"))?;
    credence_sdk::transport::clock_unix_timestamp(&clock.data)
        .ok_or_else(|| anyhow::anyhow!("unreadable Clock sysvar"))
}
