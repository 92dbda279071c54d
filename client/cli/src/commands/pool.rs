//! `credence pool ...`: candidates list themselves in the talent pool; recruiters search it.

use anyhow::anyhow;
use clap::Subcommand;
use credence_consent::state::CredentialRef;
use credence_sdk::{
    pda,
    roles::{code_text, Candidate, ListingTerms, PoolMatch, PoolQuery, Recruiter},
    time::utc,
};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    args::{code, credential_ref, date, pubkey},
    config::{unix_now, Config},
    output::Output,
};

/// Pool commands.
#[derive(Subcommand, Debug)]
pub enum PoolCommand {
    /// Put your listing in the pool: codes and credentials only, nothing personal.
    List(ListArgs),
    /// Change your listing.
    Update(UpdateArgs),
    /// Take your listing out of the pool (the rent comes back).
    Unlist,
    /// Search the pool by occupation and region prefixes; --verified --trust REGISTRY keeps only
    /// listings whose every credential verifies now under the registries you trust.
    Search(SearchArgs),
}

/// Arguments of `pool list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Occupation code, for example ISCO-08 `2221` (nursing professionals).
    #[arg(long, value_parser = code)]
    occupation: String,
    /// Region code, for example `GB-ENG`.
    #[arg(long, value_parser = code)]
    region: String,
    /// When you can start: YYYY-MM-DD or unix seconds (default: now).
    #[arg(long, value_parser = date)]
    available_from: Option<i64>,
    /// One of your credentials the listing vouches for (repeat, at most 16).
    #[arg(long = "credential", required = true, value_parser = credential_ref)]
    credentials: Vec<CredentialRef>,
}

/// Arguments of `pool update`.
#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// New occupation code.
    #[arg(long, value_parser = code)]
    occupation: Option<String>,
    /// New region code.
    #[arg(long, value_parser = code)]
    region: Option<String>,
    /// New available-from date.
    #[arg(long, value_parser = date)]
    available_from: Option<i64>,
    /// New credential list (repeat).
    #[arg(long = "credential", value_parser = credential_ref)]
    credentials: Vec<CredentialRef>,
}

/// Arguments of `pool search`.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// Occupation code prefix, for example `222` (nurses and midwives).
    #[arg(long)]
    occupation: Option<String>,
    /// Region code prefix, for example `GB`.
    #[arg(long)]
    region: Option<String>,
    /// Only candidates available by this date (YYYY-MM-DD or unix seconds).
    #[arg(long, value_parser = date)]
    available_by: Option<i64>,
    /// Only listings whose credentials all verify, by accredited issuers of the registries
    /// you name with --trust (required: anyone can make a registry and accredit itself).
    #[arg(long, requires = "trusted")]
    verified: bool,
    /// A registry you trust (repeat); required with --verified.
    #[arg(long = "trust", value_parser = pubkey)]
    trusted: Vec<Pubkey>,
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
    match command {
        PoolCommand::List(args) => args.execute(config).await,
        PoolCommand::Update(args) => args.execute(config).await,
        PoolCommand::Unlist => unlist(config).await,
        PoolCommand::Search(args) => args.execute(config).await,
    }
}

impl ListArgs {
    /// `pool list`: your listing, unless you are listed already.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let available_from = match self.available_from {
            Some(date) => date,
            None => unix_now()?,
        };
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
                occupation: self.occupation,
                region: self.region,
                available_from,
                credentials: self.credentials,
            })
            .await?;
        Ok(Output::new(
            json!({ "listing": listing.to_string(), "created": true }),
            format!("listed: {listing}"),
        ))
    }
}

impl UpdateArgs {
    /// `pool update`: changes what is given, keeps the rest.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let credentials = (!self.credentials.is_empty()).then_some(self.credentials);
        if self.occupation.is_none()
            && self.region.is_none()
            && self.available_from.is_none()
            && credentials.is_none()
        {
            return Err(anyhow!(
                "nothing to update: give --occupation, --region, --available-from or --credential"
            ));
        }
        Candidate::new(&transport, &keypair)
            .update_listing(
                self.occupation.as_deref(),
                self.region.as_deref(),
                self.available_from,
                credentials,
            )
            .await?;
        let listing = pda::listing(&keypair.pubkey()).0;
        Ok(Output::new(
            json!({ "listing": listing.to_string(), "updated": true }),
            format!("listing {listing} updated"),
        ))
    }
}

/// `pool unlist`: takes your listing out of the pool.
async fn unlist(config: &Config) -> anyhow::Result<Output> {
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    Candidate::new(&transport, &keypair).unlist().await?;
    let listing = pda::listing(&keypair.pubkey()).0;
    Ok(Output::new(
        json!({ "listing": listing.to_string(), "closed": true }),
        format!("listing {listing} closed; rent returned"),
    ))
}

impl SearchArgs {
    /// `pool search`: the matching listings, timed.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let query = PoolQuery {
            occupation: self.occupation,
            region: self.region,
            available_by: self.available_by,
            verified_only: self.verified,
            trusted_registries: self.trusted,
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
