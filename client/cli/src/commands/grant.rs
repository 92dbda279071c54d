//! `credence grant ...`: a candidate's consent, and her audit trail.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use clap::Subcommand;
use credence_consent::state::{CredentialRef, Grant};
use credence_sdk::{
    accounts, pda,
    roles::{AuditOptions, AuditTrail, Candidate, GrantRequest, DEFAULT_HISTORY_LIMIT},
    sealing,
};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    args::{credential_ref, days, pubkey, DAY},
    config::{unix_now, Config},
    output::Output,
};

/// Grant commands.
#[derive(Subcommand, Debug)]
pub enum GrantCommand {
    /// Grant a recruiter access to chosen credentials, for a purpose, until an expiry.
    Create(CreateArgs),
    /// Revoke a grant at once.
    Revoke(GrantTarget),
    /// Close a grant and take its rent back.
    Close(GrantTarget),
    /// Your grants (as candidate), or the grants you hold (with --received).
    List(ListArgs),
    /// Who verified your credentials, when, and with what outcome, under every grant you made
    /// (closed ones included), with each grant's entries checked against the uses it counts.
    Audit(AuditArgs),
}

/// Arguments of `grant create`.
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// The recruiter's wallet address.
    #[arg(long, value_parser = pubkey)]
    grantee: Pubkey,
    /// A credential to cover: its address, or `COHORT#INDEX` for a cohort credential (the
    /// `cohort` and `index` of its credential file). Repeat for several, at most 16.
    #[arg(long = "credential", required = true, value_parser = credential_ref)]
    credentials: Vec<CredentialRef>,
    /// Why access is given (1 to 64 bytes).
    #[arg(long)]
    purpose: String,
    /// Days until the grant expires.
    #[arg(long, default_value_t = 7, value_parser = days)]
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
}

/// The grant a candidate's command acts on.
#[derive(clap::Args, Debug)]
pub struct GrantTarget {
    /// The grant's address.
    #[arg(long, value_parser = pubkey)]
    grant: Pubkey,
}

/// Arguments of `grant list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// List grants received as a recruiter instead.
    #[arg(long)]
    received: bool,
}

/// Arguments of `grant audit`.
#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// The most transactions to read from any one address's history (your wallet, each
    /// grant). Histories longer than this are reported as cut short.
    #[arg(long, default_value_t = DEFAULT_HISTORY_LIMIT)]
    max_signatures: usize,
}

/// The audit trail as text: one line per access, then one per grant whose uses are not all
/// accounted for, one per history cut short by the read limit, and one naming the listed
/// transactions the node could not serve yet.
fn audit_text(trail: &AuditTrail) -> String {
    let mut lines: Vec<String> = trail
        .entries
        .iter()
        .map(|e| {
            let when = if e.timestamp == 0 {
                "(time unknown)".to_string()
            } else {
                credence_sdk::time::utc(e.timestamp)
            };
            let checked = if e.credentials_known {
                format!("{} credential(s)", e.credentials.len())
            } else {
                format!(
                    "credential(s) {:#06x} of the grant's list at the time (list not in the history read)",
                    e.credentials_mask.unwrap_or(0)
                )
            };
            // No open account at the address: the grant was closed; its entries are history.
            let closed = !trail
                .grants
                .iter()
                .any(|g| g.grant == e.grant && g.uses.is_some());
            format!(
                "{when}  {} verified {checked}: {} (grant {}{}, use {})",
                e.grantee,
                e.outcome,
                e.grant,
                if closed { ", closed" } else { "" },
                if e.use_number == 0 {
                    "?".to_string()
                } else {
                    e.use_number.to_string()
                }
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push("no recorded verifications".to_string());
    }
    for g in trail.grants.iter().filter(|g| !g.complete) {
        lines.push(match g.uses {
            Some(uses) => format!(
                "WARNING: grant {} counts {uses} use(s) but {} recorded access(es) were found: {} missing",
                g.grant, g.entries, g.missing
            ),
            None => format!(
                "WARNING: closed grant {}: {} access(es) found, {} use number(s) skipped{}",
                g.grant,
                g.entries,
                g.missing,
                if g.created_in.is_none() {
                    "; its creation lies beyond the history read"
                } else {
                    ""
                }
            ),
        });
    }
    for t in &trail.truncated {
        lines.push(format!(
            "WARNING: the history of {} is longer than the {} transaction(s) read; older entries may be missing (raise --max-signatures)",
            t.address, t.read
        ));
    }
    if !trail.unreadable.is_empty() {
        lines.push(format!(
            "WARNING: {} transaction(s) listed in the history could not be read yet (the node serves them once their slot is rooted); run again shortly: {}",
            trail.unreadable.len(),
            trail
                .unreadable
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.join("\n")
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
    match command {
        GrantCommand::Create(args) => args.execute(config).await,
        GrantCommand::Revoke(target) => target.revoke(config).await,
        GrantCommand::Close(target) => target.close(config).await,
        GrantCommand::List(args) => args.execute(config).await,
        GrantCommand::Audit(args) => args.execute(config).await,
    }
}

impl CreateArgs {
    /// `grant create`: the grant, unless one with this id exists; seals the document if given.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let address = pda::grant(&keypair.pubkey(), &self.grantee, self.grant_id).0;
        if transport.account(&address).await?.is_some() {
            return Ok(Output::new(
                json!({ "grant": address.to_string(), "created": false }),
                format!("grant {address} already exists; nothing changed (use --grant-id for another grant)"),
            ));
        }
        let document_key = seal_to_file(self.seal_document.as_deref(), self.sealed_out.as_deref())?;
        // `days` keeps the product within i64; the sum may still overflow.
        let expires_at = unix_now()?
            .checked_add(self.days * DAY)
            .ok_or_else(|| anyhow!("--days is too large"))?;
        let grant = Candidate::new(&transport, &keypair)
            .grant(GrantRequest {
                grant_id: self.grant_id,
                grantee: self.grantee,
                credentials: self.credentials,
                purpose: self.purpose,
                expires_at,
                max_uses: self.max_uses,
                document_key,
            })
            .await?;
        Ok(Output::new(
            json!({ "grant": grant.to_string(), "created": true, "expires_at": expires_at }),
            format!("grant {grant} created, in force until {expires_at}"),
        ))
    }
}

impl GrantTarget {
    /// `grant revoke`: at once.
    pub async fn revoke(self, config: &Config) -> anyhow::Result<Output> {
        let grant = self.grant;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        Candidate::new(&transport, &keypair).revoke(&grant).await?;
        Ok(Output::new(
            json!({ "grant": grant.to_string(), "revoked": true }),
            format!("grant {grant} revoked"),
        ))
    }

    /// `grant close`: takes the rent back.
    pub async fn close(self, config: &Config) -> anyhow::Result<Output> {
        let grant = self.grant;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        Candidate::new(&transport, &keypair).close(&grant).await?;
        Ok(Output::new(
            json!({ "grant": grant.to_string(), "closed": true }),
            format!("grant {grant} closed; rent returned"),
        ))
    }
}

impl ListArgs {
    /// `grant list`: the grants you made, or (`--received`) those made to you.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let grants = if self.received {
            accounts::grants_to_grantee(&transport, &keypair.pubkey()).await?
        } else {
            Candidate::new(&transport, &keypair).grants().await?
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
}

impl AuditArgs {
    /// `grant audit`: your audit trail.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let trail = Candidate::new(&transport, &keypair)
            .audit_trail_with(&AuditOptions {
                max_signatures: self.max_signatures,
            })
            .await
            .context("reading the audit trail")?;
        Ok(Output::new(
            json!({
                "accesses": trail.entries,
                "grants": trail.grants,
                "truncated": trail.truncated,
                "unreadable": trail.unreadable,
                "complete": trail.complete(),
                "missing": trail.missing(),
            }),
            audit_text(&trail),
        ))
    }
}

/// A grant as JSON.
pub fn grant_json(address: &Pubkey, g: &Grant) -> serde_json::Value {
    json!({
        "grant": address.to_string(), "subject": g.subject.to_string(), "grantee": g.grantee.to_string(),
        "purpose": g.purpose, "expires_at": g.expires_at, "revoked_at": g.revoked_at, "uses": g.uses, "max_uses": g.max_uses,
        "credentials": g.credentials.iter().map(accounts::reference_text).collect::<Vec<_>>(),
    })
}

fn grant_text(address: &Pubkey, g: &Grant) -> String {
    let state = if g.revoked_at != 0 {
        "revoked".to_string()
    } else {
        format!("until {}", credence_sdk::time::utc(g.expires_at))
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
