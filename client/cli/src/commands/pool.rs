//! `credence pool ...`: candidates list themselves in the talent pool; recruiters search it.

use anyhow::anyhow;
use clap::Subcommand;
use credence_sdk::{
    pda,
    roles::{code_text, Candidate, ListingTerms, PoolMatch, PoolQuery, Recruiter},
    verify::utc,
};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_date, parse_pubkeys, unix_now, Config},
    output::Output,
};

/// Pool commands.
#[derive(Subcommand, Debug)]
pub enum PoolCommand {
    /// Put your listing in the pool: codes and credentials only, nothing personal.
    List {
        /// Occupation code, for example ISCO-08 `2221` (nursing professionals).
        #[arg(long)]
        occupation: String,
        /// Region code, for example `GB-ENG`.
        #[arg(long)]
        region: String,
        /// When you can start: YYYY-MM-DD or unix seconds (default: now).
        #[arg(long)]
        available_from: Option<String>,
        /// One of your credentials the listing vouches for (repeat, at most 16).
        #[arg(long = "credential", required = true)]
        credentials: Vec<String>,
    },
    /// Change your listing.
    Update {
        /// New occupation code.
        #[arg(long)]
        occupation: Option<String>,
        /// New region code.
        #[arg(long)]
        region: Option<String>,
        /// New available-from date.
        #[arg(long)]
        available_from: Option<String>,
        /// New credential list (repeat).
        #[arg(long = "credential")]
        credentials: Vec<String>,
    },
    /// Take your listing out of the pool (the rent comes back).
    Unlist,
    /// Search the pool by occupation and region prefixes; --verified --trust REGISTRY keeps only
    /// listings whose every credential verifies now under the registries you trust.
    Search {
        /// Occupation code prefix, for example `222` (nurses and midwives).
        #[arg(long)]
        occupation: Option<String>,
        /// Region code prefix, for example `GB`.
        #[arg(long)]
        region: Option<String>,
        /// Only candidates available by this date (YYYY-MM-DD or unix seconds).
        #[arg(long)]
        available_by: Option<String>,
        /// Only listings whose credentials all verify, by accredited issuers of the registries
        /// you name with --trust (required: anyone can make a registry and accredit itself).
        #[arg(long, requires = "trusted")]
        verified: bool,
        /// A registry you trust (repeat); required with --verified.
        #[arg(long = "trust")]
        trusted: Vec<String>,
    },
}

/// A pool match as one line.
pub fn match_text(m: &PoolMatch) -> String {
    let status = if m.verified {
        "verified"
    } else if m.failures.is_empty() {
        "not checked"
    } else {
        "does not verify"
    };
    format!(
        "{} occupation {} region {} available {} credentials {} ({status}) listing {}",
        m.subject,
        m.occupation,
        m.region,
        utc(m.available_from),
        m.credentials.len(),
        m.listing
    )
}

/// Runs a pool command.
pub async fn run(config: &Config, command: PoolCommand) -> anyhow::Result<Output> {
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    match command {
        PoolCommand::List {
            occupation,
            region,
            available_from,
            credentials,
        } => {
            let available_from = match available_from {
                Some(text) => parse_date("--available-from", &text)?,
                None => unix_now()?,
            };
            let credentials = parse_pubkeys("--credential", &credentials)?;
            let candidate = Candidate::new(&transport, &keypair);
            if let Some(existing) = candidate.listing().await? {
                return Ok(Output::new(
                    json!({ "listing": pda::listing(&keypair.pubkey()).0.to_string(), "created": false }),
                    format!(
                        "you are already listed ({} in {}); use `credence pool update`",
                        code_text(&existing.occupation),
                        code_text(&existing.region)
                    ),
                ));
            }
            let listing = candidate
                .list(ListingTerms {
                    occupation,
                    region,
                    available_from,
                    credentials,
                })
                .await?;
            Ok(Output::new(
                json!({ "listing": listing.to_string(), "created": true }),
                format!("listed: {listing}"),
            ))
        }
        PoolCommand::Update {
            occupation,
            region,
            available_from,
            credentials,
        } => {
            let available_from = available_from
                .map(|t| parse_date("--available-from", &t))
                .transpose()?;
            let credentials = if credentials.is_empty() {
                None
            } else {
                Some(parse_pubkeys("--credential", &credentials)?)
            };
            if occupation.is_none()
                && region.is_none()
                && available_from.is_none()
                && credentials.is_none()
            {
                return Err(anyhow!(
                    "nothing to update: give --occupation, --region, --available-from or --credential"
                ));
            }
            let candidate = Candidate::new(&transport, &keypair);
            candidate
                .update_listing(
                    occupation.as_deref(),
                    region.as_deref(),
                    available_from,
                    credentials,
                )
                .await?;
            let listing = pda::listing(&keypair.pubkey()).0;
            Ok(Output::new(
                json!({ "listing": listing.to_string(), "updated": true }),
                format!("listing {listing} updated"),
            ))
        }
        PoolCommand::Unlist => {
            Candidate::new(&transport, &keypair).unlist().await?;
            let listing = pda::listing(&keypair.pubkey()).0;
            Ok(Output::new(
                json!({ "listing": listing.to_string(), "closed": true }),
                format!("listing {listing} closed; rent returned"),
            ))
        }
        PoolCommand::Search {
            occupation,
            region,
            available_by,
            verified,
            trusted,
        } => {
            let query = PoolQuery {
                occupation,
                region,
                available_by: available_by
                    .map(|t| parse_date("--available-by", &t))
                    .transpose()?,
                verified_only: verified,
                trusted_registries: parse_pubkeys("--trust", &trusted)?,
            };
            let started = std::time::Instant::now();
            let found = Recruiter::new(&transport, &keypair).search(&query).await?;
            let ms = started.elapsed().as_secs_f64() * 1e3;
            let mut text = format!("{} listing(s) in {ms:.1} ms", found.len());
            for m in &found {
                text.push('\n');
                text.push_str(&match_text(m));
            }
            Ok(Output::new(
                json!({ "matches": found, "search_ms": ms }),
                text,
            ))
        }
    }
}
