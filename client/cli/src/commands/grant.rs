//! `credence grant ...`: a candidate's consent, and her audit trail.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use clap::Subcommand;
use credence_consent::state::Grant;
use credence_sdk::{
    accounts, pda,
    roles::{Candidate, GrantRequest},
    sealing,
};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    config::{parse_pubkey, parse_pubkeys, unix_now, Config},
    output::Output,
};

/// Grant commands.
#[derive(Subcommand, Debug)]
pub enum GrantCommand {
    /// Grant a recruiter access to chosen credentials, for a purpose, until an expiry.
    Create {
        /// The recruiter's wallet address.
        #[arg(long)]
        grantee: String,
        /// A credential to cover (repeat for several, at most 16).
        #[arg(long = "credential", required = true)]
        credentials: Vec<String>,
        /// Why access is given (1 to 64 bytes).
        #[arg(long)]
        purpose: String,
        /// Days until the grant expires.
        #[arg(long, default_value_t = 7)]
        days: i64,
        /// Most verifications (0: unlimited).
        #[arg(long, default_value_t = 0)]
        max_uses: u32,
        /// Your id for this grant (several grants to one recruiter need distinct ids).
        #[arg(long, default_value_t = 1)]
        grant_id: u64,
        /// A document to share sealed: its key is sealed to the recruiter inside the grant.
        #[arg(long, requires = "sealed_out")]
        seal_document: Option<PathBuf>,
        /// Where to write the sealed document (send this file to the recruiter).
        #[arg(long)]
        sealed_out: Option<PathBuf>,
    },
    /// Revoke a grant at once.
    Revoke {
        /// The grant's address.
        #[arg(long)]
        grant: String,
    },
    /// Close a grant and take its rent back.
    Close {
        /// The grant's address.
        #[arg(long)]
        grant: String,
    },
    /// Your grants (as candidate), or the grants you hold (with --received).
    List {
        /// List grants received as a recruiter instead.
        #[arg(long)]
        received: bool,
    },
    /// Who verified your credentials, when, and with what outcome.
    Audit,
}

/// Seals `document` (when given) with a fresh key, writes the sealed document to `sealed_out`
/// for the recruiter, and returns the key to seal into a grant.
pub fn seal_to_file(
    document: Option<&std::path::Path>,
    sealed_out: Option<&std::path::Path>,
) -> anyhow::Result<Option<sealing::DocumentKey>> {
    let (Some(doc), Some(out)) = (document, sealed_out) else {
        return Ok(None);
    };
    let bytes = std::fs::read(doc).map_err(|e| anyhow!("cannot read {}: {e}", doc.display()))?;
    let (sealed, key) = sealing::seal_document(&bytes);
    std::fs::write(out, serde_json::to_string_pretty(&sealed)?)
        .map_err(|e| anyhow!("cannot write {}: {e}", out.display()))?;
    Ok(Some(key))
}

/// Runs a grant command.
pub async fn run(config: &Config, command: GrantCommand) -> anyhow::Result<Output> {
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    let candidate = Candidate::new(&transport, &keypair);
    match command {
        GrantCommand::Create {
            grantee,
            credentials,
            purpose,
            days,
            max_uses,
            grant_id,
            seal_document,
            sealed_out,
        } => {
            let grantee = parse_pubkey("--grantee", &grantee)?;
            let credentials = parse_pubkeys("--credential", &credentials)?;
            let address = pda::grant(&keypair.pubkey(), &grantee, grant_id).0;
            if transport.account(&address).await?.is_some() {
                return Ok(Output::new(
                    json!({ "grant": address.to_string(), "created": false }),
                    format!("grant {address} already exists; nothing changed (use --grant-id for another grant)"),
                ));
            }
            let document_key = seal_to_file(seal_document.as_deref(), sealed_out.as_deref())?;
            let expires_at = unix_now()?
                + days
                    .checked_mul(86_400)
                    .ok_or_else(|| anyhow!("--days is too large"))?;
            let grant = candidate
                .grant(GrantRequest {
                    grant_id,
                    grantee,
                    credentials,
                    purpose,
                    expires_at,
                    max_uses,
                    document_key,
                })
                .await?;
            Ok(Output::new(
                json!({ "grant": grant.to_string(), "created": true, "expires_at": expires_at }),
                format!("grant {grant} created, in force until {expires_at}"),
            ))
        }
        GrantCommand::Revoke { grant } => {
            let grant = parse_pubkey("--grant", &grant)?;
            candidate.revoke(&grant).await?;
            Ok(Output::new(
                json!({ "grant": grant.to_string(), "revoked": true }),
                format!("grant {grant} revoked"),
            ))
        }
        GrantCommand::Close { grant } => {
            let grant = parse_pubkey("--grant", &grant)?;
            candidate.close(&grant).await?;
            Ok(Output::new(
                json!({ "grant": grant.to_string(), "closed": true }),
                format!("grant {grant} closed; rent returned"),
            ))
        }
        GrantCommand::List { received } => {
            let grants = if received {
                accounts::grants_to_grantee(&transport, &keypair.pubkey()).await?
            } else {
                candidate.grants().await?
            };
            let text = grants
                .iter()
                .map(|(a, g)| grant_text(a, g))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::new(
                json!({ "grants": grants.iter().map(|(a, g)| grant_json(a, g)).collect::<Vec<_>>() }),
                if text.is_empty() {
                    "no grants".to_string()
                } else {
                    text
                },
            ))
        }
        GrantCommand::Audit => {
            let entries = candidate
                .audit_trail()
                .await
                .context("reading the audit trail")?;
            let text = entries
                .iter()
                .map(|e| {
                    format!(
                        "{}  {} verified {} credential(s): {} (use {})",
                        credence_sdk::verify::utc(e.timestamp),
                        e.grantee,
                        e.credentials.len(),
                        e.outcome,
                        e.use_number
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::new(
                json!({ "accesses": entries }),
                if text.is_empty() {
                    "no recorded verifications".to_string()
                } else {
                    text
                },
            ))
        }
    }
}

/// A grant as JSON.
pub fn grant_json(address: &solana_pubkey::Pubkey, g: &Grant) -> serde_json::Value {
    json!({
        "grant": address.to_string(), "subject": g.subject.to_string(), "grantee": g.grantee.to_string(),
        "purpose": g.purpose, "expires_at": g.expires_at, "revoked_at": g.revoked_at, "uses": g.uses, "max_uses": g.max_uses,
        "credentials": g.credentials.iter().map(accounts::reference_text).collect::<Vec<_>>(),
    })
}

fn grant_text(address: &solana_pubkey::Pubkey, g: &Grant) -> String {
    let state = if g.revoked_at != 0 {
        "revoked".to_string()
    } else {
        format!("until {}", credence_sdk::verify::utc(g.expires_at))
    };
    format!(
        "grant {address}\n  to: {}\n  purpose: {}\n  credentials: {}\n  {state}, {} use(s){}",
        g.grantee,
        g.purpose,
        g.credentials.len(),
        g.uses,
        if g.max_uses == 0 {
            String::new()
        } else {
            format!(" of {}", g.max_uses)
        }
    )
}
