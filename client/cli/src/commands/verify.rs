//! `credence verify`: a recruiter verifies a candidate's credentials under a grant.

use std::path::PathBuf;

use anyhow::{anyhow, bail};
use clap::Args;
use credence_sdk::{
    commitment::Salt,
    roles::Recruiter,
    verify::{share_from_grant, CheckStatus, Report, SharedDocument, VerifyRequest},
};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_pubkey, parse_pubkeys, Config},
    output::Output,
};

/// Arguments of `credence verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The candidate's wallet address.
    #[arg(long)]
    subject: String,
    /// The candidate's grant to you.
    #[arg(long)]
    grant: String,
    /// A registry you trust (repeat for several).
    #[arg(long = "trust", required = true)]
    trusted: Vec<String>,
    /// A shared document to check against its commitment: CREDENTIAL=SALT_HEX:FILE (repeatable).
    #[arg(long = "document")]
    documents: Vec<String>,
    /// Record the verification on-chain, so the candidate sees it in her audit trail.
    #[arg(long)]
    record: bool,
    /// With --record: the most you will pay in verification fees, in the fee token's units
    /// (default: the fees quoted just before sending; a fee raised in between is refused).
    #[arg(long, requires = "record")]
    max_fee: Option<String>,
}

/// Verifies and prints the report; exit code 3 when a check fails.
pub async fn run(config: &Config, args: VerifyArgs) -> anyhow::Result<Output> {
    let subject = parse_pubkey("--subject", &args.subject)?;
    let grant = parse_pubkey("--grant", &args.grant)?;
    let trusted = parse_pubkeys("--trust", &args.trusted)?;
    let mut documents = Vec::new();
    for spec in &args.documents {
        let (credential, rest) = spec
            .split_once('=')
            .ok_or_else(|| anyhow!("--document `{spec}`: expected CREDENTIAL=SALT_HEX:FILE"))?;
        let (salt, file) = rest
            .split_once(':')
            .ok_or_else(|| anyhow!("--document `{spec}`: expected CREDENTIAL=SALT_HEX:FILE"))?;
        let credential = parse_pubkey("--document credential", credential)?;
        let salt = Salt::from_hex(salt).map_err(|e| anyhow!("--document `{spec}`: {e}"))?;
        let document =
            std::fs::read(PathBuf::from(file)).map_err(|e| anyhow!("cannot read {file}: {e}"))?;
        documents.push((credential, SharedDocument { salt, document }));
    }
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    let mut shared = share_from_grant(&transport, &grant).await?;
    for (credential, document) in documents {
        match shared.iter_mut().find(|s| s.credential == credential) {
            Some(s) => s.document = Some(document),
            None => bail!("--document names {credential}, which the grant does not cover"),
        }
    }
    let recruiter = Recruiter::new(&transport, &keypair);
    let request = VerifyRequest {
        subject,
        grantee: keypair.pubkey(),
        grant,
        credentials: shared,
        trusted_registries: trusted,
    };
    let report = recruiter.verify(&request).await?;
    let mut text = report_text(&report);
    let mut recorded = None;
    if args.record {
        // One set of reads serves the fee quote (and the mint's decimals for --max-fee) and
        // the instruction.
        let prepared = recruiter.prepare_access(&grant, &report).await?;
        let max_fee = args
            .max_fee
            .as_deref()
            .map(|text| credence_sdk::roles::parse_amount(text, prepared.quote.decimals))
            .transpose()?;
        let sent = recruiter.send_access(&prepared, max_fee).await?;
        text.push_str(&format!("\naccess recorded: {}", sent.signature));
        recorded = Some(sent.signature);
    }
    let code = if report.passed() { 0 } else { 3 };
    Ok(Output::new(
        json!({ "passed": report.passed(), "report": report, "recorded": recorded }),
        text,
    )
    .with_code(code))
}

/// A report as text: one line per check.
pub fn report_text(report: &Report) -> String {
    let mut text = format!(
        "verification at {} ({} round trip{}): {}\n",
        credence_sdk::verify::utc(report.checked_at),
        report.round_trips,
        if report.round_trips == 1 { "" } else { "s" },
        if report.passed() { "PASSED" } else { "FAILED" }
    );
    for check in &report.checks {
        let mark = match check.status {
            CheckStatus::Pass => "ok  ",
            CheckStatus::Fail => "FAIL",
            CheckStatus::NotChecked => "--  ",
        };
        let who = check
            .credential
            .as_deref()
            .map(|c| format!("{}…", &c[..8]))
            .unwrap_or_else(|| "grant    ".into());
        text.push_str(&format!(
            "  [{mark}] {who} {:<18} {}\n",
            format!("{:?}", check.kind),
            check.detail
        ));
    }
    text
}
