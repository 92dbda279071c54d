//! `credence verify`: a recruiter verifies a candidate's credentials under a grant.

use anyhow::{anyhow, bail};
use clap::Args;
use credence_sdk::{
    consent_program::state::AccessOutcome,
    roles::{format_amount, mint_decimals, FeeCap, FeeQuote, Recruiter},
    verify::{share_from_grant, CheckStatus, Report, VerifyRequest},
    Pubkey, SdkError,
};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    args::{pubkey, Amount, DocumentSpec},
    config::Config,
    output::Output,
};

/// Arguments of `credence verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The candidate's wallet address.
    #[arg(long, value_parser = pubkey)]
    subject: Pubkey,
    /// The candidate's grant to you.
    #[arg(long, value_parser = pubkey)]
    grant: Pubkey,
    /// A registry you trust (repeat for several).
    #[arg(long = "trust", required = true, value_parser = pubkey)]
    trusted: Vec<Pubkey>,
    /// A shared document to check against its commitment: CREDENTIAL=SALT_HEX:FILE (repeatable).
    #[arg(long = "document")]
    documents: Vec<DocumentSpec>,
    /// Record the verification on-chain, so the candidate sees it in her audit trail. Only the
    /// credentials that passed every check are recorded and paid for; the outcome is "verified"
    /// only when every check passed, documents included.
    #[arg(long)]
    record: bool,
    /// With --record, when a fee is due: the most you will pay, in --fee-mint's units (read with
    /// the decimals of that mint's account on chain). Without it a fee due is shown and nothing
    /// is recorded (exit code 4).
    #[arg(long, requires_all = ["record", "fee_mint"])]
    max_fee: Option<Amount>,
    /// With --max-fee: the token mint you pay in. Fees quoted in any other mint are refused.
    #[arg(long, requires = "max_fee", value_parser = pubkey)]
    fee_mint: Option<Pubkey>,
}

/// Exit code when the verification did not pass strictly (a check failed, or a document was
/// not checked).
const NOT_PASSED: u8 = 3;
/// Exit code when `--record` was refused because of its fees: due without `--max-fee` and
/// `--fee-mint`, quoted in another mint, or above the cap. Nothing was sent.
const NOT_RECORDED: u8 = 4;

/// Verifies and prints the report. Exit code 0 only when every check passed, documents
/// included ([`Report::passed_strict`]); 3 otherwise; 4 when `--record` was refused for its
/// fees.
pub async fn run(config: &Config, args: VerifyArgs) -> anyhow::Result<Output> {
    let mut documents = Vec::new();
    for spec in &args.documents {
        documents.push((spec.credential, spec.read()?));
    }
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    let mut shared = share_from_grant(&transport, &args.grant).await?;
    for (credential, document) in documents {
        match shared.iter_mut().find(|s| s.credential == credential) {
            Some(s) => s.document = Some(document),
            None => bail!("--document names {credential}, which the grant does not cover"),
        }
    }
    let recruiter = Recruiter::new(&transport, &keypair);
    let request = VerifyRequest {
        subject: args.subject,
        grantee: keypair.pubkey(),
        grant: args.grant,
        credentials: shared,
        trusted_registries: args.trusted,
    };
    let report = recruiter.verify(&request).await?;
    let passed = report.passed_strict();
    let mut text = report_text(&report);
    if !passed {
        text.push_str(&why_not_passed(&report));
    }
    let mut code = if passed { 0 } else { NOT_PASSED };
    let mut recorded = None;
    let mut not_recorded: Option<String> = None;
    let mut quote = None;
    let mut left_out = Vec::new();
    if args.record {
        // The cap, in the recruiter's mint, read with that mint's own decimals.
        let (cap, cap_decimals) = match (&args.max_fee, args.fee_mint) {
            (Some(amount), Some(mint)) => {
                let decimals = mint_decimals(&transport, &mint)
                    .await
                    .map_err(|e| anyhow!("--fee-mint {mint}: {e}"))?;
                let max = amount
                    .base_units(decimals)
                    .map_err(|e| anyhow!("--max-fee: {e}"))?;
                (Some(FeeCap { mint, max }), Some(decimals))
            }
            _ => (None, None),
        };
        // One set of reads serves the fee quote and the instruction.
        match recruiter.prepare_access(&args.grant, &report).await {
            Err(SdkError::NothingVerified { .. }) => {
                let reason = "no credential passed every check: nothing recorded, nothing paid";
                text.push_str(&format!("\nnot recorded: {reason}"));
                not_recorded = Some(reason.to_string());
            }
            Err(err) => return Err(err.into()),
            Ok(prepared) => {
                for credential in &prepared.left_out {
                    text.push_str(&format!(
                        "\nleft out of the record (failed a check, not paid for): {credential}"
                    ));
                }
                left_out = prepared.left_out.iter().map(Pubkey::to_string).collect();
                // Amounts shown with the decimals of the mint the recruiter named; without one,
                // with those the schemas state for the quoted mint.
                let decimals = cap_decimals.unwrap_or(prepared.quote.decimals);
                text.push_str(&quote_text(&prepared.quote, decimals));
                quote = Some(prepared.quote.clone());
                match recruiter.send_access(&prepared, cap).await {
                    Ok(sent) => {
                        text.push_str(&format!(
                            "\naccess recorded ({}): {}",
                            outcome_name(prepared.outcome),
                            sent.signature
                        ));
                        recorded = Some(sent.signature);
                    }
                    Err(
                        err @ (SdkError::FeeCapRequired { .. }
                        | SdkError::FeeMintMismatch { .. }
                        | SdkError::FeeAboveCap { .. }),
                    ) => {
                        text.push_str(&format!("\nnot recorded: {err}"));
                        not_recorded = Some(err.to_string());
                        code = NOT_RECORDED;
                    }
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    Ok(Output::new(
        json!({
            "passed": passed,
            "no_check_failed": report.passed(),
            "failures": report.failures(),
            "not_checked": report.not_checked(),
            "report": report,
            "fees": quote,
            "left_out": left_out,
            "recorded": recorded,
            "not_recorded": not_recorded,
        }),
        text,
    )
    .with_code(code))
}

/// Why a report did not pass strictly, one line per failed or unchecked line.
fn why_not_passed(report: &Report) -> String {
    let mut text = String::from("\nnot passed:");
    for failure in report.failures() {
        text.push_str(&format!("\n  failed: {failure}"));
    }
    for unchecked in report.not_checked() {
        text.push_str(&format!(
            "\n  not checked: {unchecked} (share it with --document CREDENTIAL=SALT_HEX:FILE)"
        ));
    }
    text
}

/// The fees a record would pay, item by item.
fn quote_text(quote: &FeeQuote, decimals: u8) -> String {
    let Some(mint) = quote.mint else {
        return "\nfees due: none".into();
    };
    let mut text = format!(
        "\nfees due: {} in mint {mint}",
        format_amount(quote.total, decimals)
    );
    for item in &quote.items {
        text.push_str(&format!(
            "\n  credential {} schema {} treasury {} amount {} mint {mint}",
            item.credential,
            item.schema,
            item.treasury,
            format_amount(item.amount, decimals)
        ));
    }
    text
}

fn outcome_name(outcome: AccessOutcome) -> &'static str {
    match outcome {
        AccessOutcome::Verified => "verified",
        AccessOutcome::Failed => "failed",
    }
}

/// A report as text: one line per check, under a headline that is PASSED only when every
/// check passed, documents included.
pub fn report_text(report: &Report) -> String {
    let headline = if report.passed_strict() {
        "PASSED".to_string()
    } else if report.passed() {
        format!(
            "NOT PROVEN (no check failed, {} not checked)",
            report.not_checked().len()
        )
    } else {
        "FAILED".to_string()
    };
    let mut text = format!(
        "verification at {} ({} round trip{}): {headline}\n",
        credence_sdk::verify::utc(report.checked_at),
        report.round_trips,
        if report.round_trips == 1 { "" } else { "s" },
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
