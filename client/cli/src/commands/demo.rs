//! `credence demo`: the whole story, on the embedded chain by default or on `--url`.
//!
//! A nursing regulator creates a registry and accredits a university and a nursing council. The
//! university issues a degree to a nurse; the council issues its register of 10,000 nurses as one
//! cohort (one transaction, one account, no wallet named on-chain), her licence among them, and
//! hands her its credential file. The university charges a verification fee in a demo
//! stablecoin (a real SPL Token mint). The nurse lists herself in the talent pool; a hospital
//! recruiter finds the listing by occupation and region without learning who she is, and asks
//! for access; she approves, with the degree sealed to him, which creates the grant. He verifies
//! (report), opens the degree and records access, paying the university's fee: its treasury is
//! shown before and after. She sees the access in her audit trail. The council strikes her
//! licence off (one leaf of the cohort revoked): the hospital's watcher, subscribed since the
//! grant, reports the revocation as it lands, and his next verification fails on the licence;
//! she revokes the grant, and it fails with that reason. Every step is a real signed transaction through the real
//! runtime.

use std::time::Instant;

use clap::Args;
use credence_registry::{CreateSchemaArgs, RegisterIssuerArgs};
use credence_sdk::{
    cohort::{CohortCredential, CohortRow},
    commitment::IssuerSecret,
    consent_program::state::CredentialRef,
    ix::registry::LeafChange,
    registry_program::constants::REASON_DISCIPLINARY,
    roles::{
        format_amount, Candidate, FeeCap, IssueRequest, Issued, Issuer, ListingTerms, PoolMatch,
        PoolQuery, Recruiter, RegistryAdmin, RequestTerms,
    },
    sealing::{self, SealedDocument},
    token::TokenMint,
    transport::Sent,
    verify::{CheckStatus, Report, SharedCredential, SharedDocument, VerifyRequest},
    watch::{EventKind, Role, Update, Watch, WatchConfig, WatchEvent, WatchOptions},
    Pubkey, Transport,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::{
    args::{sol, DAY},
    commands::verify::report_text,
    config::Config,
    output::Output,
};

/// Arguments of `credence demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// SOL to fund each demo actor with (from the cluster's faucet).
    #[arg(long, default_value_t = 2.0, value_parser = sol)]
    fund_sol: f64,
}

/// The demo stablecoin's decimals, as USDC's.
const DECIMALS: u8 = 6;
/// The university's fee per verified degree: 12.50 demo dollars.
const DEGREE_FEE: u64 = 12_500_000;

/// The documents stay off-chain; only their salted commitments are stored.
const DEGREE: &str = r#"{"type":"BSc Nursing","holder":"Amina Okafor","awarded":"2019-07-12","class":"First","institution":"University of Lagos"}"#;
const LICENCE: &str = r#"{"type":"Registered Nurse","holder":"Amina Okafor","pin":"19K0042N","register":"Nursing and Midwifery Council of Nigeria"}"#;

/// The story told so far: the steps as JSON and as text, timed from the start.
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

/// The demo's keypairs and issuer secrets, fresh for each run and kept in memory only.
struct Actors {
    regulator: Keypair,
    university: Keypair,
    council: Keypair,
    nurse: Keypair,
    recruiter: Keypair,
    /// Pays for the demo stablecoin's mint.
    stablecoin: Keypair,
    /// Each issuer's secret: the key of its credential ids and salts.
    uni_secret: IssuerSecret,
    nmc_secret: IssuerSecret,
}

impl Actors {
    fn new() -> Self {
        Self {
            regulator: Keypair::new(),
            university: Keypair::new(),
            council: Keypair::new(),
            nurse: Keypair::new(),
            recruiter: Keypair::new(),
            stablecoin: Keypair::new(),
            uni_secret: IssuerSecret::generate(),
            nmc_secret: IssuerSecret::generate(),
        }
    }
}

/// What every step shares: the chain, the actors in their roles, and the story.
struct Demo<'a> {
    transport: &'a Transport,
    actors: &'a Actors,
    registry_name: String,
    admin: RegistryAdmin<'a>,
    uni: Issuer<'a>,
    nmc: Issuer<'a>,
    candidate: Candidate<'a>,
    recruiter: Recruiter<'a>,
    story: Story,
}

/// Registrations in the council's register, issued as one cohort.
const REGISTER: u32 = 10_000;
/// The nurse's row in the register.
const NURSE_ROW: u32 = 4_242;

/// The nurse's degree (a credential account) and licence (a leaf of the council's cohort).
struct Credentials {
    degree_schema: Pubkey,
    degree: Issued,
    degree_address: Pubkey,
    /// Her licence's credential file, as the council hands it to her.
    licence: CohortCredential,
    /// Her licence as grants name it.
    licence_ref: CredentialRef,
}

/// The university's fee: the demo stablecoin it is paid in.
struct Fee<'a> {
    dusd: TokenMint<'a>,
}

/// The nurse's grant to the recruiter, and the degree sealed to him under it.
struct Approval {
    grant: Pubkey,
    sealed_degree: SealedDocument,
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
    let actors = Actors::new();
    let mut demo = Demo::new(&transport, &actors, &chain, started);
    demo.fund(config, (args.fund_sol * 1e9) as u64).await?;
    demo.accredit_issuers().await?;
    let credentials = demo.issue_credentials().await?;
    let fee = demo.charge_fee(&credentials).await?;
    let now = transport.now().await?;
    let listing = demo.list_in_pool(&credentials, now).await?;
    let hit = demo.search_pool(&listing, now).await?;
    let asked = demo.request_access(&hit).await?;
    let approval = demo.approve(&asked).await?;
    // The hospital watches what its grant covers from now on.
    let mut watcher = Watch::new(
        &transport,
        Role::Recruiter(demo.recruiter.pubkey()),
        WatchOptions::default(),
        WatchConfig::default(),
        None,
    )?;
    match tokio::time::timeout(std::time::Duration::from_secs(30), watcher.next()).await {
        Ok(Update::Connected { .. }) => {}
        Ok(other) => anyhow::bail!("the hospital's watcher did not connect: {other:?}"),
        Err(_) => anyhow::bail!("the hospital's watcher did not connect within 30 s"),
    }
    let (request, report) = demo.verify(&credentials, &approval).await?;
    demo.open_degree(&credentials, &approval).await?;
    let recorded = demo.record_access(&fee, &approval, &report).await?;
    demo.audit_trail(&recorded).await?;
    let struck_at = demo.strike_off(&credentials, &request).await?;
    demo.watcher_reports(&mut watcher, &credentials, struck_at)
        .await?;
    demo.revoke(&approval, &request).await?;
    let mut story = demo.story;
    let total_ms = started.elapsed().as_millis();
    story
        .text
        .push_str(&format!("\nDone in {total_ms} ms on {chain}.\n"));
    Ok(Output::new(
        json!({ "chain": chain, "total_ms": total_ms, "steps": story.steps, "passed_before_revocation": true, "licence_failed_after_strike_off": true, "watcher_reported_revocation": true, "failed_after_revocation": true }),
        story.text,
    ))
}

impl<'a> Demo<'a> {
    /// The actors in their roles, before anything is sent.
    fn new(transport: &'a Transport, actors: &'a Actors, chain: &str, started: Instant) -> Self {
        let registry_name = format!("ng-health-{}", &actors.regulator.pubkey().to_string()[..6]);
        let admin = RegistryAdmin::new(transport, &actors.regulator, &registry_name);
        let uni = Issuer::new(transport, &actors.university, admin.registry, "unilag")
            .with_secret(&actors.uni_secret);
        let nmc = Issuer::new(transport, &actors.council, admin.registry, "nmcn")
            .with_secret(&actors.nmc_secret);
        Self {
            transport,
            actors,
            registry_name,
            admin,
            uni,
            nmc,
            candidate: Candidate::new(transport, &actors.nurse),
            recruiter: Recruiter::new(transport, &actors.recruiter),
            story: Story {
                steps: Vec::new(),
                text: format!("Credence demo on {chain}\n"),
                started,
            },
        }
    }

    /// Every actor gets `lamports`.
    async fn fund(&mut self, config: &Config, lamports: u64) -> anyhow::Result<()> {
        let a = self.actors;
        fund(
            config,
            self.transport,
            &[
                &a.regulator,
                &a.university,
                &a.council,
                &a.nurse,
                &a.recruiter,
                &a.stablecoin,
            ],
            lamports,
        )
        .await?;
        self.story.step(
            "Actors funded",
            format!(
                "regulator {}\nuniversity {}\nnursing council {}\nnurse {}\nrecruiter {}",
                a.regulator.pubkey(), a.university.pubkey(), a.council.pubkey(), a.nurse.pubkey(), a.recruiter.pubkey()
            ),
            json!({ "regulator": a.regulator.pubkey().to_string(), "university": a.university.pubkey().to_string(),
                    "council": a.council.pubkey().to_string(), "nurse": a.nurse.pubkey().to_string(), "recruiter": a.recruiter.pubkey().to_string() }),
        );
        Ok(())
    }

    /// 1. The regulator's registry; the issuers register and are accredited.
    async fn accredit_issuers(&mut self) -> anyhow::Result<()> {
        let (admin, uni, nmc) = (&self.admin, &self.uni, &self.nmc);
        let registry_name = &self.registry_name;
        admin.create(registry_name).await?;
        uni.register(RegisterIssuerArgs {
            issuer_id: "unilag".into(),
            name: "University of Lagos".into(),
            uri: "https://unilag.edu.ng".into(),
            jurisdiction: "NG".into(),
        })
        .await?;
        nmc.register(RegisterIssuerArgs {
            issuer_id: "nmcn".into(),
            name: "Nursing and Midwifery Council of Nigeria".into(),
            uri: "https://nmcn.gov.ng".into(),
            jurisdiction: "NG".into(),
        })
        .await?;
        admin
            .accredit(&uni.issuer, &self.actors.university.pubkey())
            .await?;
        admin
            .accredit(&nmc.issuer, &self.actors.council.pubkey())
            .await?;
        self.story.step(
            "Registry created; university and nursing council accredited",
            format!("registry {} ({registry_name})\nuniversity issuer {}\ncouncil issuer {}", admin.registry, uni.issuer, nmc.issuer),
            json!({ "registry": admin.registry.to_string(), "university_issuer": uni.issuer.to_string(), "council_issuer": nmc.issuer.to_string() }),
        );
        Ok(())
    }

    /// 2. Schemas and issuance.
    async fn issue_credentials(&mut self) -> anyhow::Result<Credentials> {
        let nurse = self.actors.nurse.pubkey();
        let degree_schema = self
            .uni
            .create_schema(CreateSchemaArgs {
                name: "bsc-nursing".into(),
                version: 1,
                uri: "https://credence.example/schemas/degree-v1.json".into(),
                schema_hash: credence_sdk::commitment::sha256(b"degree-v1"),
                default_validity_secs: 0,
                suspendable: false,
            })
            .await?
            .schema;
        let licence_schema = self
            .nmc
            .create_schema(CreateSchemaArgs {
                name: "rn-licence".into(),
                version: 1,
                uri: "https://credence.example/schemas/licence-v1.json".into(),
                schema_hash: credence_sdk::commitment::sha256(b"licence-v1"),
                default_validity_secs: 365 * DAY,
                suspendable: true,
            })
            .await?
            .schema;
        let degree = self
            .uni
            .issue(&IssueRequest {
                subject: nurse,
                schema: degree_schema,
                reference: "UNILAG/BSN/2019/0731".into(),
                document: DEGREE.as_bytes().to_vec(),
                valid_from: None,
                expires_at: None,
            })
            .await?;
        let (licence, cohort_step) = self.issue_register(licence_schema).await?;
        self.story.step(
            "Degree issued to the nurse; her licence issued in the council's register of 10,000",
            format!(
                "degree  {} (commitment {}…)\n{cohort_step}\non-chain: hash commitments only; the documents stay with the nurse, and no cohort account, page or event names her",
                degree.credential, &hex::encode(degree.commitment)[..16]
            ),
            json!({ "degree": degree, "licence": { "cohort": licence.cohort.to_string(), "index": licence.index, "leaf_count": licence.leaf_count } }),
        );
        let degree_address = degree.credential;
        let licence_ref = CredentialRef::CohortLeaf {
            cohort: licence.cohort,
            index: licence.index,
        };
        Ok(Credentials {
            degree_schema,
            degree,
            degree_address,
            licence,
            licence_ref,
        })
    }

    /// 2 (continued). The council's register of [`REGISTER`] nurses as one cohort, her licence at
    /// [`NURSE_ROW`]; returns her credential file and the step's text (the cohort's cost next to
    /// what as many credential accounts would have cost).
    async fn issue_register(
        &mut self,
        licence_schema: Pubkey,
    ) -> anyhow::Result<(CohortCredential, String)> {
        let nurse = self.actors.nurse.pubkey();
        let now = self.transport.now().await?;
        let rows: Vec<CohortRow> = (0..REGISTER)
            .map(|i| CohortRow {
                reference: format!("NMCN-RN-{i:05}"),
                subject: if i == NURSE_ROW {
                    nurse
                } else {
                    Pubkey::new_unique()
                },
                document: if i == NURSE_ROW {
                    LICENCE.as_bytes().to_vec()
                } else {
                    format!(r#"{{"type":"Registered Nurse","pin":"26K{i:05}N"}}"#).into_bytes()
                },
                valid_from: now - DAY,
                expires_at: now + 365 * DAY,
            })
            .collect();
        let built = Instant::now();
        let context = self.nmc.cohort_context(licence_schema, "register-2026")?;
        let mut builder = self.nmc.cohort_builder(&context)?;
        builder.push(&rows)?;
        let tree = builder.finish()?;
        let build_ms = built.elapsed().as_secs_f64() * 1e3;
        let issued = self.nmc.issue_cohort(&context, &tree).await?;
        let licence = tree.credential(
            &self.actors.nmc_secret,
            &rows[NURSE_ROW as usize],
            NURSE_ROW,
            &context,
        )?;
        let per_leaf = issued.rent_lamports as f64 / f64::from(REGISTER);
        let text = format!(
            "cohort {} of {REGISTER} licences: hashed in {build_ms:.0} ms, issued in 1 transaction\nrent: {:.6} SOL for the cohort ({per_leaf:.0} lamports a licence); as {REGISTER} credential accounts: {:.6} SOL ({:.0}x more)\nher licence: leaf {NURSE_ROW}, proof of {} hashes, in her credential file",
            issued.cohort,
            issued.rent_lamports as f64 / 1e9,
            issued.single_credentials_rent_lamports as f64 / 1e9,
            issued.single_credentials_rent_lamports as f64 / issued.rent_lamports.max(1) as f64,
            licence.proof.len(),
        );
        Ok((licence, text))
    }

    /// 3. The university charges a fee per verified degree in a demo stablecoin.
    async fn charge_fee(&mut self, credentials: &Credentials) -> anyhow::Result<Fee<'a>> {
        let degree_schema = credentials.degree_schema;
        let mint_key = Keypair::new();
        let dusd =
            TokenMint::create(self.transport, &self.actors.stablecoin, &mint_key, DECIMALS).await?;
        dusd.mint_to(&self.actors.recruiter.pubkey(), 100 * 1_000_000)
            .await?;
        let treasury = self
            .uni
            .set_fee(&degree_schema, &dusd.mint, None, DEGREE_FEE)
            .await?;
        self.story.step(
            "The university charges 12.50 dUSD per verified degree",
            format!(
                "demo stablecoin (SPL Token mint) {}\nfee set on schema {degree_schema}\ntreasury {treasury}\nthe recruiter holds 100.00 dUSD",
                dusd.mint
            ),
            json!({ "mint": dusd.mint.to_string(), "fee": DEGREE_FEE, "decimals": DECIMALS, "treasury": treasury.to_string() }),
        );
        Ok(Fee { dusd })
    }

    /// 4. The nurse lists herself in the talent pool: codes and credentials, nothing personal.
    async fn list_in_pool(
        &mut self,
        credentials: &Credentials,
        now: i64,
    ) -> anyhow::Result<Pubkey> {
        let listing = self
            .candidate
            .list(ListingTerms {
                occupation: "2221".into(),
                region: "GB-ENG".into(),
                available_from: now + 30 * DAY,
                credentials: vec![
                    CredentialRef::Account {
                        address: credentials.degree_address,
                    },
                    credentials.licence_ref,
                ],
            })
            .await?;
        self.story.step(
            "The nurse lists herself in the talent pool",
            format!("listing {listing}\noccupation 2221 (ISCO-08 nursing professionals), region GB-ENG, available in 30 days\nno name, no contact: a wallet address and two credentials"),
            json!({ "listing": listing.to_string() }),
        );
        Ok(listing)
    }

    /// 5. The recruiter searches the pool and finds her without learning who she is.
    async fn search_pool(&mut self, listing: &Pubkey, now: i64) -> anyhow::Result<PoolMatch> {
        let search_started = Instant::now();
        let found = self
            .recruiter
            .search(&PoolQuery {
                occupation: Some("222".into()),
                region: Some("GB".into()),
                available_by: Some(now + 60 * DAY),
                verified_only: true,
                trusted_registries: vec![self.admin.registry],
            })
            .await?;
        let search_ms = search_started.elapsed().as_secs_f64() * 1e3;
        let hit = found
            .iter()
            .find(|m| m.listing == *listing)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("the pool search did not find the nurse's listing"))?;
        self.story.step(
            &format!("The recruiter searches the pool ({search_ms:.1} ms)"),
            format!(
                "query: occupation 222*, region GB*, available within 60 days, credentials verified\n{} match(es); candidate {} with {} verified credential(s)",
                found.len(),
                hit.subject,
                hit.credentials.len()
            ),
            json!({ "matches": found, "search_ms": search_ms }),
        );
        Ok(hit)
    }

    /// 5 (continued). The recruiter asks her for access to the listed credentials.
    async fn request_access(&mut self, hit: &PoolMatch) -> anyhow::Result<Pubkey> {
        let asked = self
            .recruiter
            .request_access(RequestTerms {
                request_id: 1,
                subject: hit.subject,
                credentials: hit.credentials.clone(),
                schemas: vec![],
                purpose: "Recruitment: ICU nurse, St Mary's Hospital".into(),
                duration_secs: 7 * DAY,
                max_uses: 0,
            })
            .await?;
        self.story.step(
            "The recruiter requests access",
            format!("request {asked}\npurpose: Recruitment: ICU nurse, St Mary's Hospital; 7 days"),
            json!({ "request": asked.to_string() }),
        );
        Ok(asked)
    }

    /// 6. She approves: the grant is created and the request closed in one transaction.
    ///
    /// She approves the terms she reads now: if the recruiter changed the request afterwards,
    /// the approval would be refused.
    async fn approve(&mut self, asked: &Pubkey) -> anyhow::Result<Approval> {
        let (sealed_degree, degree_key) = sealing::seal_document(DEGREE.as_bytes());
        let (_, read) = self
            .candidate
            .requests()
            .await?
            .into_iter()
            .find(|(address, _)| address == asked)
            .ok_or_else(|| {
                anyhow::anyhow!("the recruiter's request is not waiting for the nurse")
            })?;
        let grant = self
            .candidate
            .approve(asked, &read, 1, None, Some(&degree_key))
            .await?;
        self.story.step(
            "The nurse approves; the grant is created and the request closed",
            format!("grant {grant}\nthe degree's key is sealed to the recruiter inside the grant"),
            json!({ "grant": grant.to_string(), "request": asked.to_string() }),
        );
        Ok(Approval {
            grant,
            sealed_degree,
        })
    }

    /// 7. The recruiter verifies in one round trip, both documents shared.
    async fn verify(
        &mut self,
        credentials: &Credentials,
        approval: &Approval,
    ) -> anyhow::Result<(VerifyRequest, Report)> {
        let c = credentials;
        let shared = vec![SharedCredential {
            credential: c.degree_address,
            issuer: self.uni.issuer,
            schema: c.degree_schema,
            registry: self.admin.registry,
            document: Some(SharedDocument {
                salt: c.degree.salt,
                document: DEGREE.as_bytes().to_vec(),
            }),
        }];
        let request = VerifyRequest {
            subject: self.actors.nurse.pubkey(),
            grantee: self.actors.recruiter.pubkey(),
            grant: approval.grant,
            credentials: shared,
            cohort_credentials: vec![c.licence.clone()],
            trusted_registries: vec![self.admin.registry],
        };
        let verify_started = Instant::now();
        let report = self.recruiter.verify(&request).await?;
        let verify_ms = verify_started.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(
            report.passed_strict(),
            "the first verification should pass:\n{}",
            report_text(&report)
        );
        self.story.step(
            &format!("The recruiter verifies ({verify_ms:.1} ms)"),
            report_text(&report),
            json!({ "report": report, "verify_ms": verify_ms }),
        );
        Ok((request, report))
    }

    /// 7 (continued). He opens the sealed degree: only if the bytes match the degree's on-chain
    /// commitment with its salt.
    async fn open_degree(
        &mut self,
        credentials: &Credentials,
        approval: &Approval,
    ) -> anyhow::Result<()> {
        let degree_salt = credentials.degree.salt;
        let opened = self
            .recruiter
            .open_document(
                &approval.grant,
                &credentials.degree_address,
                &approval.sealed_degree,
                &degree_salt,
            )
            .await?;
        self.story.step(
            "The recruiter opens the sealed degree",
            String::from_utf8_lossy(&opened).into_owned(),
            json!({ "document": String::from_utf8_lossy(&opened) }),
        );
        Ok(())
    }

    /// 7 (continued). He records the access, paying the university's fee within his cap; the
    /// treasury is shown before and after.
    async fn record_access(
        &mut self,
        fee: &Fee<'a>,
        approval: &Approval,
        report: &Report,
    ) -> anyhow::Result<Sent> {
        let (dusd, recruiter) = (&fee.dusd, &self.recruiter);
        let university = self.actors.university.pubkey();
        let recruiter_key = self.actors.recruiter.pubkey();
        let treasury_before = dusd.balance(&university).await?;
        let recruiter_before = recruiter.token_balance(&dusd.mint).await?;
        let lamports_before = self.transport.balance(&recruiter_key).await?;
        // The recruiter's explicit cap: at most 15.00 of the demo stablecoin, in that mint only.
        let cap = FeeCap {
            mint: dusd.mint,
            max: 15_000_000,
        };
        let recorded = recruiter
            .record_access_within(&approval.grant, report, Some(cap))
            .await?;
        let treasury_after = dusd.balance(&university).await?;
        let recruiter_after = recruiter.token_balance(&dusd.mint).await?;
        let lamports_after = self.transport.balance(&recruiter_key).await?;
        anyhow::ensure!(
            treasury_after == treasury_before + DEGREE_FEE,
            "the university's treasury did not receive the fee"
        );
        self.story.step(
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
            json!({ "signature": recorded.signature.to_string(), "treasury_before": treasury_before, "treasury_after": treasury_after,
                    "recruiter_before": recruiter_before, "recruiter_after": recruiter_after,
                    "recruiter_lamports_spent": lamports_before.saturating_sub(lamports_after) }),
        );
        Ok(recorded)
    }

    /// 8. The nurse sees the access in her audit trail.
    async fn audit_trail(&mut self, recorded: &Sent) -> anyhow::Result<()> {
        let trail = self
            .candidate
            .audit_trail_including(&recorded.signature, std::time::Duration::from_secs(180))
            .await?
            .entries;
        anyhow::ensure!(
            trail.iter().any(|e| e.signature == recorded.signature),
            "the recorded access did not reach the cluster's transaction history within 180 s"
        );
        self.story.step(
            "The nurse's audit trail",
            trail
                .iter()
                .map(|e| {
                    format!(
                        "{} verified {} credential(s) at {}: {}",
                        e.grantee,
                        e.credentials.len(),
                        credence_sdk::time::utc(e.timestamp),
                        e.outcome
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            json!({ "accesses": trail }),
        );
        Ok(())
    }

    /// 8 (continued). The council strikes her licence off: one leaf of its cohort revoked, in one
    /// small transaction; his next verification fails on the licence, the degree still passes.
    /// Returns when the revocation was confirmed.
    async fn strike_off(
        &mut self,
        credentials: &Credentials,
        request: &VerifyRequest,
    ) -> anyhow::Result<Instant> {
        let licence = &credentials.licence;
        let sent = self
            .nmc
            .change_leaf(
                LeafChange::Revoke,
                &licence.cohort,
                licence.index,
                REASON_DISCIPLINARY,
            )
            .await?;
        let confirmed = Instant::now();
        let after = self.recruiter.verify(request).await?;
        anyhow::ensure!(
            !after.leaf_passed(&licence.cohort, licence.index)
                && after.credential_passed(&credentials.degree_address),
            "after the strike-off the licence must fail and the degree pass:\n{}",
            report_text(&after)
        );
        let reasons: Vec<String> = after.failures();
        self.story.step(
            "The council strikes the licence off; the recruiter's next verification fails on it",
            format!(
                "transaction {} revoked leaf {} (reason: disciplinary)\n{}reason: {}",
                sent.signature,
                licence.index,
                report_text(&after),
                reasons.join("; ")
            ),
            json!({ "signature": sent.signature.to_string(), "report": after, "reasons": reasons }),
        );
        Ok(confirmed)
    }

    /// 8 (continued). The hospital's watcher, subscribed since the grant, reports the licence
    /// revocation: pushed as it landed, not found by the next verification.
    async fn watcher_reports(
        &mut self,
        watcher: &mut Watch<'_>,
        credentials: &Credentials,
        struck_at: Instant,
    ) -> anyhow::Result<()> {
        let licence = &credentials.licence;
        let leaf = format!("{}#{}", licence.cohort, licence.index);
        let mut seen: Vec<WatchEvent> = Vec::new();
        let revoked = loop {
            let update =
                tokio::time::timeout(std::time::Duration::from_secs(30), watcher.next()).await;
            match update {
                Ok(Update::Events(events)) => {
                    let found = events.iter().find(|e| {
                        matches!(&e.kind, EventKind::CredentialRevoked { credential, .. } if *credential == leaf)
                    });
                    if let Some(found) = found.cloned() {
                        seen.extend(events);
                        break found;
                    }
                    seen.extend(events);
                }
                Ok(_) => {}
                Err(_) => anyhow::bail!(
                    "the hospital's watcher reported no revocation of {leaf} within 30 s"
                ),
            }
        };
        let latency_ms = struck_at.elapsed().as_millis();
        self.story.step(
            "The hospital's watcher reports the licence revocation as it lands",
            seen.iter()
                .map(ToString::to_string)
                .chain([format!(
                    "(reported within {latency_ms} ms of the revocation's confirmation, with the verification in between)"
                )])
                .collect::<Vec<_>>()
                .join("\n"),
            json!({ "event": revoked, "events": seen, "stats": watcher.stats() }),
        );
        Ok(())
    }

    /// 8 (continued). She revokes; his next verification fails with the reason.
    async fn revoke(&mut self, approval: &Approval, request: &VerifyRequest) -> anyhow::Result<()> {
        self.candidate.revoke(&approval.grant).await?;
        let after = self.recruiter.verify(request).await?;
        anyhow::ensure!(!after.passed(), "verification after revocation must fail");
        let reasons: Vec<String> = after
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| c.detail.clone())
            .collect();
        self.story.step(
            "The nurse revokes; the recruiter's next verification fails",
            format!("{}reason: {}", report_text(&after), reasons.join("; ")),
            json!({ "report": after, "reasons": reasons }),
        );
        Ok(())
    }
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
