//! `credence verify`: a recruiter verifies a candidate's credentials under a grant.

use std::path::PathBuf;

use anyhow::{anyhow, bail};
use clap::Args;
use credence_sdk::{
    cohort::CohortCredential,
    consent_program::state::AccessOutcome,
    roles::{format_amount, mint_decimals, FeeCap, FeeQuote, Recruiter},
    transport::rpc::MAX_MULTIPLE_ACCOUNTS,
    verify::{share_from_grant, CheckStatus, Report, VerifyRequest},
    Pubkey, SdkError, Transport,
};
use serde::Serialize;
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
    /// A cohort credential file the candidate shared (repeatable): her leaf, its proof, salts
    /// and document, verified in the same round trip as the grant's other credentials.
    #[arg(long = "credential-file")]
    credential_files: Vec<PathBuf>,
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

/// The round trips `credence verify` made up to and including the verification, by purpose.
/// Recording (`--record`) reads the mint, the grant and the fee schedule and sends a
/// transaction; those are not counted here.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RoundTrips {
    /// Checking that the endpoint answers (`getVersion`).
    pub endpoint: u32,
    /// Reading the grant, then its credentials, then their issuers ([`share_from_grant`]).
    pub grant: u32,
    /// The verification fetch ([`Report::round_trips`]).
    pub verification: u32,
    /// All of the above.
    pub total: u32,
}

impl RoundTrips {
    /// The round trips of a verification of the `credentials` of a grant read with
    /// [`share_from_grant`] (one for the grant, then its credentials and their issuers, each in
    /// chunks of [`MAX_MULTIPLE_ACCOUNTS`]), whose fetch took `verification`
    /// ([`Report::round_trips`]).
    pub fn new(credentials: usize, verification: u32) -> Self {
        let chunks = credentials.div_ceil(MAX_MULTIPLE_ACCOUNTS) as u32;
        let (endpoint, grant) = (1, 1 + 2 * chunks);
        Self {
            endpoint,
            grant,
            verification,
            total: endpoint + grant + verification,
        }
    }

    /// For the report's headline, for example `5 round trips: 1 to check the endpoint, 3 to
    /// read the grant, its credentials and their issuers, 1 to verify`.
    pub fn describe(&self, recording: bool) -> String {
        format!(
            "{} round trip{}: {} to check the endpoint, {} to read the grant, its credentials \
             and their issuers, {} to verify{}",
            self.total,
            plural(self.total),
            self.endpoint,
            self.grant,
            self.verification,
            if recording {
                "; recording's are not counted"
            } else {
                ""
            }
        )
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// What `--record` did: the fees quoted, the credentials left out, and the signature or the
/// reason nothing was recorded.
#[derive(Default)]
struct Recording {
    /// Lines for the text output.
    text: String,
    /// The exit code to use instead of the verification's ([`NOT_RECORDED`]).
    code: Option<u8>,
    recorded: Option<String>,
    not_recorded: Option<String>,
    quote: Option<FeeQuote>,
    left_out: Vec<String>,
}

/// Verifies and prints the report. Exit code 0 only when every check passed, documents
/// included ([`Report::passed_strict`]); 3 otherwise; 4 when `--record` was refused for its
/// fees.
pub async fn run(config: &Config, args: VerifyArgs) -> anyhow::Result<Output> {
    let mut documents = Vec::new();
    for spec in &args.documents {
        documents.push((spec.credential, spec.read()?));
    }
    let cohort_credentials = args
        .credential_files
        .iter()
        .map(|path| CohortCredential::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    let mut shared = share_from_grant(&transport, &args.grant).await?;
    for (credential, document) in documents {
        match shared.iter_mut().find(|s| s.credential == credential) {
            Some(s) => s.document = Some(document),
            None => bail!("--document names {credential}, which the grant does not cover"),
        }
    }
    let credentials = shared.len();
    let recruiter = Recruiter::new(&transport, &keypair);
    let request = VerifyRequest {
        subject: args.subject,
        grantee: keypair.pubkey(),
        grant: args.grant,
        credentials: shared,
        cohort_credentials,
        trusted_registries: args.trusted.clone(),
    };
    let report = recruiter.verify(&request).await?;
    let round_trips = RoundTrips::new(credentials, report.round_trips);
    let passed = report.passed_strict();
    let mut text = report_text_with(&report, &round_trips.describe(args.record));
    if !passed {
        text.push_str(&why_not_passed(&report));
    }
    let recording = if args.record {
        record(&transport, &recruiter, &args, &report).await?
    } else {
        Recording::default()
    };
    text.push_str(&recording.text);
    let code = recording
        .code
        .unwrap_or(if passed { 0 } else { NOT_PASSED });
    Ok(Output::new(
        json!({
            "passed": passed,
            "no_check_failed": report.passed(),
            "failures": report.failures(),
            "not_checked": report.not_checked(),
            "report": report,
            "round_trips": round_trips,
            "fees": recording.quote,
            "left_out": recording.left_out,
            "recorded": recording.recorded,
            "not_recorded": recording.not_recorded,
        }),
        text,
    )
    .with_code(code))
}

/// `--record`: records the credentials that passed, paying their fees within `--max-fee` in
/// `--fee-mint`; a refusal for fees is part of the result ([`NOT_RECORDED`]), not an error.
async fn record(
    transport: &Transport,
    recruiter: &Recruiter<'_>,
    args: &VerifyArgs,
    report: &Report,
) -> anyhow::Result<Recording> {
    let mut recording = Recording::default();
    // The cap, in the recruiter's mint, read with that mint's own decimals.
    let (cap, cap_decimals) = match (&args.max_fee, args.fee_mint) {
        (Some(amount), Some(mint)) => {
            let decimals = mint_decimals(transport, &mint)
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
    let prepared = match recruiter.prepare_access(&args.grant, report).await {
        Err(SdkError::NothingVerified { .. }) => {
            let reason = "no credential passed every check: nothing recorded, nothing paid";
            recording.text = format!("\nnot recorded: {reason}");
            recording.not_recorded = Some(reason.to_string());
            return Ok(recording);
        }
        Err(err) => return Err(err.into()),
        Ok(prepared) => prepared,
    };
    for credential in &prepared.left_out {
        recording.text.push_str(&format!(
            "\nleft out of the record (failed a check, not paid for): {credential}"
        ));
    }
    recording.left_out = prepared.left_out.iter().map(Pubkey::to_string).collect();
    // Amounts shown with the decimals of the mint the recruiter named; without one, with those
    // the schemas state for the quoted mint.
    let decimals = cap_decimals.unwrap_or(prepared.quote.decimals);
    recording
        .text
        .push_str(&quote_text(&prepared.quote, decimals));
    recording.quote = Some(prepared.quote.clone());
    match recruiter.send_access(&prepared, cap).await {
        Ok(sent) => {
            recording.text.push_str(&format!(
                "\naccess recorded ({}): {}",
                outcome_name(prepared.outcome),
                sent.signature
            ));
            recording.recorded = Some(sent.signature.to_string());
        }
        Err(
            err @ (SdkError::FeeCapRequired { .. }
            | SdkError::FeeMintMismatch { .. }
            | SdkError::FeeAboveCap { .. }),
        ) => {
            recording.text.push_str(&format!("\nnot recorded: {err}"));
            recording.not_recorded = Some(err.to_string());
            recording.code = Some(NOT_RECORDED);
        }
        Err(err) => return Err(err.into()),
    }
    Ok(recording)
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
/// check passed, documents included, and that gives the report's own round trips (the
/// verification fetch).
pub fn report_text(report: &Report) -> String {
    let round_trips = format!(
        "{} round trip{}",
        report.round_trips,
        plural(report.round_trips)
    );
    report_text_with(report, &round_trips)
}

/// [`report_text`] with `round_trips` in the headline's parentheses instead.
pub fn report_text_with(report: &Report, round_trips: &str) -> String {
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
        "verification at {}, slot {} ({round_trips}): {headline}\n",
        credence_sdk::time::utc(report.checked_at),
        report.slot,
    );
    for check in &report.checks {
        let mark = match check.status {
            CheckStatus::Pass => "ok  ",
            CheckStatus::Fail => "FAIL",
            CheckStatus::NotChecked => "--  ",
        };
        let who = match (check.credential, check.leaf) {
            (Some(c), Some(leaf)) => format!("{}…#{leaf}", &c.to_string()[..8]),
            (Some(c), None) => format!("{}…", &c.to_string()[..8]),
            (None, _) => "grant    ".into(),
        };
        text.push_str(&format!(
            "  [{mark}] {who} {:<18} {}\n",
            format!("{:?}", check.kind),
            check.detail
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_count_the_endpoint_the_grant_reads_and_the_verification() {
        let trips = RoundTrips::new(2, 1);
        assert_eq!(
            (trips.endpoint, trips.grant, trips.verification, trips.total),
            (1, 3, 1, 5)
        );
        assert_eq!(
            trips.describe(false),
            "5 round trips: 1 to check the endpoint, 3 to read the grant, its credentials and \
             their issuers, 1 to verify"
        );
        assert!(trips
            .describe(true)
            .ends_with("1 to verify; recording's are not counted"));
        // An empty grant reads no credentials or issuers.
        assert_eq!(RoundTrips::new(0, 1).grant, 1);
    }

    #[test]
    fn the_headline_names_the_round_trips_it_counts() {
        let report = Report {
            checked_at: 0,
            checks: Vec::new(),
            round_trips: 1,
            slot: 0,
        };
        // The report's own count (the demo's verification: one fetch, no grant read).
        assert!(report_text(&report).contains("(1 round trip): "));
        // The command's count, labelled by purpose.
        let text = report_text_with(&report, &RoundTrips::new(2, 1).describe(false));
        assert!(
            text.contains("(5 round trips: 1 to check the endpoint, 3 to read the grant"),
            "{text}"
        );
    }
}
