//! `credence request ...`: recruiters ask candidates for access; candidates approve or decline.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Subcommand;
use credence_consent::state::AccessRequest;
use credence_consent::state::CredentialRef;
use credence_sdk::{
    accounts::reference_text,
    roles::{Candidate, Recruiter, RequestTerms},
};
use serde_json::json;
use solana_pubkey::Pubkey;

use crate::{
    args::{credential_ref, days_at_least_one, pubkey, TermsPrefix, DAY, TERMS_SHOWN},
    config::Config,
    output::Output,
};

/// Request commands.
#[derive(Subcommand, Debug)]
pub enum RequestCommand {
    /// Ask a candidate for access to credentials (by address) or schemas.
    Create(CreateArgs),
    /// Requests waiting for your answer (as candidate), or those you made (with --sent).
    List(ListArgs),
    /// Approve a request: the grant is created and the request closed in one transaction, on the
    /// terms `request list` showed you (`--terms`); if the requester changed them since, nothing
    /// is granted.
    Approve(ApproveArgs),
    /// Decline a request (its rent goes back to the requester).
    Decline(RequestTarget),
    /// Withdraw a request you made (its rent comes back).
    Withdraw(RequestTarget),
}

/// Arguments of `request create`.
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// The candidate's wallet address (from a pool listing).
    #[arg(long, value_parser = pubkey)]
    subject: Pubkey,
    /// A credential asked for (repeat, at most 16).
    #[arg(long = "credential", value_parser = credential_ref)]
    credentials: Vec<CredentialRef>,
    /// A schema asked for (repeat, at most 4).
    #[arg(long = "schema", value_parser = pubkey)]
    schemas: Vec<Pubkey>,
    /// Why (1 to 64 bytes).
    #[arg(long)]
    purpose: String,
    /// Days the grant should last once approved.
    #[arg(long, default_value_t = 7, value_parser = days_at_least_one)]
    days: i64,
    /// Most verifications (0: unlimited).
    #[arg(long, default_value_t = 0)]
    max_uses: u32,
    /// Your id for this request (several requests to one candidate need distinct ids).
    #[arg(long, default_value_t = 1)]
    request_id: u64,
}

/// Arguments of `request list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// List the requests you made as a recruiter instead.
    #[arg(long)]
    sent: bool,
}

/// Arguments of `request approve`.
#[derive(clap::Args, Debug)]
pub struct ApproveArgs {
    /// The request's address.
    #[arg(long, value_parser = pubkey)]
    request: Pubkey,
    /// The request's terms hash as `request list` shows it (at least its first 16 hex
    /// digits): the approval binds to exactly those terms.
    #[arg(long)]
    terms: TermsPrefix,
    /// Your id for the new grant.
    #[arg(long, default_value_t = 1)]
    grant_id: u64,
    /// A credential to grant (repeat; default: those the request names).
    #[arg(long = "credential", value_parser = credential_ref)]
    credentials: Vec<CredentialRef>,
    /// A document to share sealed to the requester.
    #[arg(long, requires = "sealed_out")]
    seal_document: Option<PathBuf>,
    /// Where to write the sealed document (send this file to the recruiter).
    #[arg(long)]
    sealed_out: Option<PathBuf>,
}

/// The request a command acts on.
#[derive(clap::Args, Debug)]
pub struct RequestTarget {
    /// The request's address.
    #[arg(long, value_parser = pubkey)]
    request: Pubkey,
}

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
    match command {
        RequestCommand::Create(args) => args.execute(config).await,
        RequestCommand::List(args) => args.execute(config).await,
        RequestCommand::Approve(args) => args.execute(config).await,
        RequestCommand::Decline(target) => target.decline(config).await,
        RequestCommand::Withdraw(target) => target.withdraw(config).await,
    }
}

impl CreateArgs {
    /// `request create`: asks the candidate.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        if self.credentials.is_empty() && self.schemas.is_empty() {
            return Err(anyhow!("ask for something: give --credential or --schema"));
        }
        let subject = self.subject;
        let request = Recruiter::new(&transport, &keypair)
            .request_access(RequestTerms {
                request_id: self.request_id,
                subject,
                credentials: self.credentials,
                schemas: self.schemas,
                purpose: self.purpose,
                // `days_at_least_one` keeps the product within i64.
                duration_secs: self.days * DAY,
                max_uses: self.max_uses,
            })
            .await?;
        Ok(Output::new(
            json!({ "request": request.to_string(), "created": true }),
            format!("request {request} sent to {subject}"),
        ))
    }
}

impl ListArgs {
    /// `request list`: the requests waiting for you, or (`--sent`) those you made.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let requests = if self.sent {
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
}

impl ApproveArgs {
    /// `request approve`: the grant, only if the request still holds the terms reviewed.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let (request, terms) = (self.request, &self.terms);
        let asked: AccessRequest = credence_sdk::accounts::fetch(&transport, &request).await?;
        if !terms.matches(&hex::encode(asked.terms_hash())) {
            return Err(anyhow!(
                "request {request} no longer holds the terms you reviewed (terms {terms}); it \
                 now reads:\n{}\nNothing was approved. Review it and approve again with its \
                 new --terms, or decline it",
                request_text(&request, &asked)
            ));
        }
        let credentials = (!self.credentials.is_empty()).then_some(self.credentials);
        let document_key =
            super::grant::seal_to_file(self.seal_document.as_deref(), self.sealed_out.as_deref())?;
        let grant = Candidate::new(&transport, &keypair)
            .approve(
                &request,
                &asked,
                self.grant_id,
                credentials,
                document_key.as_ref(),
            )
            .await?;
        Ok(Output::new(
            json!({ "request": request.to_string(), "grant": grant.to_string(), "approved": true }),
            format!("request {request} approved: grant {grant}"),
        ))
    }
}

impl RequestTarget {
    /// `request decline`, by the candidate.
    pub async fn decline(self, config: &Config) -> anyhow::Result<Output> {
        let request = self.request;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        Candidate::new(&transport, &keypair)
            .decline(&request)
            .await?;
        Ok(Output::new(
            json!({ "request": request.to_string(), "declined": true }),
            format!("request {request} declined"),
        ))
    }

    /// `request withdraw`, by the requester.
    pub async fn withdraw(self, config: &Config) -> anyhow::Result<Output> {
        let request = self.request;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        Recruiter::new(&transport, &keypair)
            .withdraw(&request)
            .await?;
        Ok(Output::new(
            json!({ "request": request.to_string(), "withdrawn": true }),
            format!("request {request} withdrawn"),
        ))
    }
}
