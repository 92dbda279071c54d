//! `credence request ...`: recruiters ask candidates for access; candidates approve or decline.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Subcommand;
use credence_consent::state::AccessRequest;
use credence_sdk::{
    accounts::reference_text,
    roles::{Candidate, Recruiter, RequestTerms},
};
use serde_json::json;
use solana_pubkey::Pubkey;

use crate::{
    config::{parse_pubkey, parse_pubkeys, Config},
    output::Output,
};

/// Request commands.
#[derive(Subcommand, Debug)]
pub enum RequestCommand {
    /// Ask a candidate for access to credentials (by address) or schemas.
    Create {
        /// The candidate's wallet address (from a pool listing).
        #[arg(long)]
        subject: String,
        /// A credential asked for (repeat, at most 16).
        #[arg(long = "credential")]
        credentials: Vec<String>,
        /// A schema asked for (repeat, at most 4).
        #[arg(long = "schema")]
        schemas: Vec<String>,
        /// Why (1 to 64 bytes).
        #[arg(long)]
        purpose: String,
        /// Days the grant should last once approved.
        #[arg(long, default_value_t = 7)]
        days: i64,
        /// Most verifications (0: unlimited).
        #[arg(long, default_value_t = 0)]
        max_uses: u32,
        /// Your id for this request (several requests to one candidate need distinct ids).
        #[arg(long, default_value_t = 1)]
        request_id: u64,
    },
    /// Requests waiting for your answer (as candidate), or those you made (with --sent).
    List {
        /// List the requests you made as a recruiter instead.
        #[arg(long)]
        sent: bool,
    },
    /// Approve a request: the grant is created and the request closed in one transaction, on the
    /// terms `request list` showed you (`--terms`); if the requester changed them since, nothing
    /// is granted.
    Approve {
        /// The request's address.
        #[arg(long)]
        request: String,
        /// The request's terms hash as `request list` shows it (at least its first 16 hex
        /// digits): the approval binds to exactly those terms.
        #[arg(long)]
        terms: String,
        /// Your id for the new grant.
        #[arg(long, default_value_t = 1)]
        grant_id: u64,
        /// A credential to grant (repeat; default: those the request names).
        #[arg(long = "credential")]
        credentials: Vec<String>,
        /// A document to share sealed to the requester.
        #[arg(long, requires = "sealed_out")]
        seal_document: Option<PathBuf>,
        /// Where to write the sealed document (send this file to the recruiter).
        #[arg(long)]
        sealed_out: Option<PathBuf>,
    },
    /// Decline a request (its rent goes back to the requester).
    Decline {
        /// The request's address.
        #[arg(long)]
        request: String,
    },
    /// Withdraw a request you made (its rent comes back).
    Withdraw {
        /// The request's address.
        #[arg(long)]
        request: String,
    },
}

/// Hex digits of the terms hash shown in text output (and the least `--terms` accepts).
const TERMS_SHOWN: usize = 16;

fn request_text(address: &Pubkey, r: &AccessRequest) -> String {
    let credentials: Vec<String> = r.credentials.iter().map(reference_text).collect();
    format!(
        "{address} (terms {}): {} asks {} for [{}]{} for {} day(s), {} use(s): \"{}\"",
        &hex::encode(r.terms_hash())[..TERMS_SHOWN],
        r.requester,
        r.subject,
        credentials.join(", "),
        if r.schemas.is_empty() {
            String::new()
        } else {
            format!(
                " or schemas [{}]",
                r.schemas
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        r.duration_secs / 86_400,
        if r.max_uses == 0 {
            "unlimited".to_string()
        } else {
            r.max_uses.to_string()
        },
        r.purpose
    )
}

/// Runs a request command.
pub async fn run(config: &Config, command: RequestCommand) -> anyhow::Result<Output> {
    let keypair = config.keypair()?;
    let transport = config.transport().await?;
    match command {
        RequestCommand::Create {
            subject,
            credentials,
            schemas,
            purpose,
            days,
            max_uses,
            request_id,
        } => {
            let subject = parse_pubkey("--subject", &subject)?;
            let credentials = parse_pubkeys("--credential", &credentials)?;
            let schemas = parse_pubkeys("--schema", &schemas)?;
            if credentials.is_empty() && schemas.is_empty() {
                return Err(anyhow!("ask for something: give --credential or --schema"));
            }
            let duration_secs = days
                .checked_mul(86_400)
                .filter(|d| *d > 0)
                .ok_or_else(|| anyhow!("--days must be at least 1"))?;
            let request = Recruiter::new(&transport, &keypair)
                .request_access(RequestTerms {
                    request_id,
                    subject,
                    credentials,
                    schemas,
                    purpose,
                    duration_secs,
                    max_uses,
                })
                .await?;
            Ok(Output::new(
                json!({ "request": request.to_string(), "created": true }),
                format!("request {request} sent to {subject}"),
            ))
        }
        RequestCommand::List { sent } => {
            let requests = if sent {
                Recruiter::new(&transport, &keypair).requests().await?
            } else {
                Candidate::new(&transport, &keypair).requests().await?
            };
            let text = if requests.is_empty() {
                "no requests".to_string()
            } else {
                requests
                    .iter()
                    .map(|(a, r)| request_text(a, r))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let json: Vec<_> = requests
                .iter()
                .map(|(a, r)| {
                    json!({ "request": a.to_string(), "requester": r.requester.to_string(),
                            "subject": r.subject.to_string(), "purpose": r.purpose,
                            "terms": hex::encode(r.terms_hash()),
                            "duration_secs": r.duration_secs, "max_uses": r.max_uses,
                            "credentials": r.credentials.iter().map(reference_text).collect::<Vec<_>>(),
                            "schemas": r.schemas.iter().map(|s| s.to_string()).collect::<Vec<_>>() })
                })
                .collect();
            Ok(Output::new(json!({ "requests": json }), text))
        }
        RequestCommand::Approve {
            request,
            terms,
            grant_id,
            credentials,
            seal_document,
            sealed_out,
        } => {
            let request = parse_pubkey("--request", &request)?;
            let terms = terms.trim().to_ascii_lowercase();
            if terms.len() < TERMS_SHOWN || !terms.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(anyhow!(
                    "--terms must be at least the first {TERMS_SHOWN} hex digits of the terms hash \
                     that `credence request list` shows for this request"
                ));
            }
            let asked: AccessRequest = credence_sdk::accounts::fetch(&transport, &request).await?;
            if !hex::encode(asked.terms_hash()).starts_with(&terms) {
                return Err(anyhow!(
                    "request {request} no longer holds the terms you reviewed (terms {terms}); it \
                     now reads:\n{}\nNothing was approved. Review it and approve again with its \
                     new --terms, or decline it",
                    request_text(&request, &asked)
                ));
            }
            let credentials = if credentials.is_empty() {
                None
            } else {
                Some(parse_pubkeys("--credential", &credentials)?)
            };
            let document_key =
                super::grant::seal_to_file(seal_document.as_deref(), sealed_out.as_deref())?;
            let grant = Candidate::new(&transport, &keypair)
                .approve(
                    &request,
                    &asked,
                    grant_id,
                    credentials,
                    document_key.as_ref(),
                )
                .await?;
            Ok(Output::new(
                json!({ "request": request.to_string(), "grant": grant.to_string(), "approved": true }),
                format!("request {request} approved: grant {grant}"),
            ))
        }
        RequestCommand::Decline { request } => {
            let request = parse_pubkey("--request", &request)?;
            Candidate::new(&transport, &keypair)
                .decline(&request)
                .await?;
            Ok(Output::new(
                json!({ "request": request.to_string(), "declined": true }),
                format!("request {request} declined"),
            ))
        }
        RequestCommand::Withdraw { request } => {
            let request = parse_pubkey("--request", &request)?;
            Recruiter::new(&transport, &keypair)
                .withdraw(&request)
                .await?;
            Ok(Output::new(
                json!({ "request": request.to_string(), "withdrawn": true }),
                format!("request {request} withdrawn"),
            ))
        }
    }
}
