//! `credence credential ...`: issuance (single and CSV batch) and the issuer side's changes.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use clap::Subcommand;
use credence_registry::state::Credential;
use credence_sdk::{
    accounts, audit,
    commitment::IssuerSecret,
    ix::registry::CredentialChange,
    roles::{IssueRequest, Issuer},
    verify::reason_name,
    SdkError,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use solana_pubkey::Pubkey;

use crate::{
    args::pubkey,
    commands::issuer::load_secret,
    config::Config,
    output::{Output, OutputFormat},
};

/// Which issuer acts.
#[derive(clap::Args, Debug)]
pub struct IssuerRef {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    pub registry: Pubkey,
    /// The issuer's id.
    #[arg(long)]
    pub issuer_id: String,
    /// Sign as a delegate of the issuer (the keypair is the delegate's).
    #[arg(long)]
    pub delegate: bool,
}

/// Credential commands.
#[derive(Subcommand, Debug)]
pub enum CredentialCommand {
    /// Issue one credential (idempotent per subject and reference).
    Issue(IssueArgs),
    /// Issue a CSV batch (`subject,reference,document_file[,expires_at]`), packed into as few
    /// transactions as fit. Safe to kill and re-run: nothing is duplicated or lost.
    IssueBatch(IssueBatchArgs),
    /// Suspend an active credential.
    Suspend(CredentialTarget),
    /// Reinstate a suspended credential.
    Reinstate(CredentialTarget),
    /// Revoke a credential for good.
    Revoke(RevokeArgs),
    /// Extend a credential's expiry.
    Renew(RenewArgs),
    /// Close a revoked or expired credential and take its rent back.
    Close(CredentialTarget),
    /// Show a credential.
    Show(ShowArgs),
    /// List credentials of a subject or of an issuer.
    List(ListArgs),
}

/// Arguments of `credential issue`.
#[derive(clap::Args, Debug)]
pub struct IssueArgs {
    #[command(flatten)]
    issuer: IssuerRef,
    /// The schema's address.
    #[arg(long, value_parser = pubkey)]
    schema: Pubkey,
    /// The candidate's wallet address.
    #[arg(long, value_parser = pubkey)]
    subject: Pubkey,
    /// The issuer's stable reference (for example the licence number).
    #[arg(long)]
    reference: String,
    /// The document file committed to (it never goes on-chain).
    #[arg(long)]
    document: PathBuf,
    /// Expiry (unix seconds); default: the schema's validity.
    #[arg(long)]
    expires_at: Option<i64>,
    /// The issuer's secret file (default
    /// `~/.config/credence/issuers/<registry>-<issuer id>.secret`, made by `issuer register`).
    #[arg(long, env = "CREDENCE_ISSUER_SECRET")]
    issuer_secret: Option<PathBuf>,
}

/// Arguments of `credential issue-batch`.
#[derive(clap::Args, Debug)]
pub struct IssueBatchArgs {
    #[command(flatten)]
    issuer: IssuerRef,
    /// The schema's address.
    #[arg(long, value_parser = pubkey)]
    schema: Pubkey,
    /// The CSV file (document paths are relative to it).
    #[arg(long)]
    csv: PathBuf,
    /// Where to write every credential's address and salt (JSON) for the candidates.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The issuer's secret file (default
    /// `~/.config/credence/issuers/<registry>-<issuer id>.secret`, made by `issuer register`).
    #[arg(long, env = "CREDENCE_ISSUER_SECRET")]
    issuer_secret: Option<PathBuf>,
    /// Transactions kept unconfirmed at once over JSON-RPC (1: each waits for the last).
    #[arg(long, default_value_t = credence_sdk::roles::DEFAULT_IN_FLIGHT, value_parser = clap::value_parser!(usize))]
    in_flight: usize,
}

/// The credential an issuer's command acts on.
#[derive(clap::Args, Debug)]
pub struct CredentialTarget {
    #[command(flatten)]
    issuer: IssuerRef,
    /// The credential's address.
    #[arg(long, value_parser = pubkey)]
    credential: Pubkey,
}

/// Arguments of `credential revoke`.
#[derive(clap::Args, Debug)]
pub struct RevokeArgs {
    #[command(flatten)]
    target: CredentialTarget,
    /// Reason code: 1 superseded, 2 issued in error, 3 disciplinary, 4 fraud, 5 key compromise.
    #[arg(long)]
    reason: u16,
}

/// Arguments of `credential renew`.
#[derive(clap::Args, Debug)]
pub struct RenewArgs {
    #[command(flatten)]
    target: CredentialTarget,
    /// The new expiry (unix seconds).
    #[arg(long)]
    expires_at: i64,
}

/// Arguments of `credential show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The credential's address.
    #[arg(long, value_parser = pubkey)]
    credential: Pubkey,
}

/// Arguments of `credential list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// The candidate's wallet.
    #[arg(long, conflicts_with = "issuer", value_parser = pubkey)]
    subject: Option<Pubkey>,
    /// The issuer's address.
    #[arg(long, value_parser = pubkey)]
    issuer: Option<Pubkey>,
}

/// Reads a batch CSV (`subject,reference,document_file[,expires_at]`, document paths relative
/// to it) into issue requests under `schema`; every bad row is named, and any makes it an error.
fn read_csv(path: &Path, schema: Pubkey) -> anyhow::Result<Vec<IssueRequest>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| anyhow!("cannot read CSV {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut requests = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2; // the header is line 1
        let row = record
            .map_err(|e| e.to_string())
            .and_then(|record| read_row(&record, base, schema));
        match row {
            Ok(request) => requests.push(request),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} bad row(s) in {}; nothing was sent:\n  {}",
            problems.len(),
            path.display(),
            problems.join("\n  ")
        );
    }
    Ok(requests)
}

/// One CSV row as an issue request, or what is wrong with it.
fn read_row(
    record: &csv::StringRecord,
    base: &Path,
    schema: Pubkey,
) -> Result<IssueRequest, String> {
    if record.len() < 3 {
        return Err(format!(
            "expected subject,reference,document_file[,expires_at], got {} fields",
            record.len()
        ));
    }
    let subject = pubkey(&record[0]).map_err(|e| format!("subject `{}` is {e}", &record[0]))?;
    let reference = record[1].to_string();
    if reference.is_empty() {
        return Err("empty reference".into());
    }
    let document_path = base.join(&record[2]);
    let document = std::fs::read(&document_path)
        .map_err(|e| format!("cannot read document {}: {e}", document_path.display()))?;
    let expires_at = match record.get(3).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| format!("expires_at `{text}` is not a unix timestamp"))?,
        ),
    };
    Ok(IssueRequest {
        subject,
        schema,
        reference,
        document,
        valid_from: None,
        expires_at,
    })
}

/// Runs a credential command.
pub async fn run(config: &Config, command: CredentialCommand) -> anyhow::Result<Output> {
    match command {
        CredentialCommand::Issue(args) => args.execute(config).await,
        CredentialCommand::IssueBatch(args) => args.execute(config).await,
        CredentialCommand::Suspend(target) => {
            target
                .change(config, CredentialChange::Suspend, "suspended")
                .await
        }
        CredentialCommand::Reinstate(target) => {
            target
                .change(config, CredentialChange::Reinstate, "reinstated")
                .await
        }
        CredentialCommand::Revoke(args) => args.execute(config).await,
        CredentialCommand::Renew(args) => args.execute(config).await,
        CredentialCommand::Close(target) => target.close(config).await,
        CredentialCommand::Show(args) => args.execute(config).await,
        CredentialCommand::List(args) => args.execute(config).await,
    }
}

impl ShowArgs {
    /// `credential show`: one credential.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let address = self.credential;
        let transport = config.transport().await?;
        let c: Credential = accounts::fetch(&transport, &address)
            .await
            .context("reading the credential")?;
        // The account does not keep who signed the issuance; its history does.
        let issued_by = audit::issued_by(&transport, &address, audit::DEFAULT_HISTORY_LIMIT)
            .await
            .context("reading the credential's history for who issued it")?;
        let mut json = credential_json(&address, &c);
        json["issued_by"] = issued_by.map_or(serde_json::Value::Null, |k| k.to_string().into());
        let by = issued_by.map_or_else(|| "not in the history read".to_string(), |k| k.to_string());
        Ok(Output::new(
            json,
            format!("{}\n  issued by: {by}", credential_text(&address, &c)),
        ))
    }
}

impl ListArgs {
    /// `credential list`: a subject's or an issuer's credentials.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let transport = config.transport().await?;
        let list = match (self.subject, self.issuer) {
            (Some(subject), _) => accounts::credentials_of_subject(&transport, &subject).await?,
            (None, Some(issuer)) => accounts::credentials_of_issuer(&transport, &issuer).await?,
            (None, None) => bail!("give --subject or --issuer"),
        };
        let text = list
            .iter()
            .map(|(a, c)| credential_text(a, c))
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Output::new(
            json!({ "credentials": list.iter().map(|(a, c)| credential_json(a, c)).collect::<Vec<_>>() }),
            if text.is_empty() {
                "no credentials".to_string()
            } else {
                text
            },
        ))
    }
}

impl IssueArgs {
    /// `credential issue`: one credential, unless it was already issued.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self {
            issuer,
            schema,
            subject,
            reference,
            document,
            expires_at,
            issuer_secret,
        } = self;
        let document = std::fs::read(&document)
            .map_err(|e| anyhow!("cannot read document {}: {e}", document.display()))?;
        let secret = secret_of(&issuer, issuer_secret.as_deref())?;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let role = issuer_role(&transport, &keypair, &issuer).with_secret(&secret);
        let issued = role
            .issue(&IssueRequest {
                subject,
                schema,
                reference,
                document,
                valid_from: None,
                expires_at,
            })
            .await?;
        let state = if issued.already_existed {
            "already issued; nothing changed"
        } else {
            "issued"
        };
        Ok(Output::new(
            serde_json::to_value(&issued)?,
            format!(
                "credential {} {state}\n  salt (give it to the candidate with the document): {}",
                issued.credential, issued.salt
            ),
        ))
    }
}

impl IssueBatchArgs {
    /// `credential issue-batch`: every row of the CSV, resuming where a previous run stopped.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self {
            issuer,
            schema,
            csv,
            out,
            issuer_secret,
            in_flight,
        } = self;
        if in_flight == 0 {
            bail!("--in-flight must be at least 1 (1 sends each transaction after the last is confirmed)");
        }
        let requests = read_csv(&csv, schema)?;
        let secret = secret_of(&issuer, issuer_secret.as_deref())?;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let role = issuer_role(&transport, &keypair, &issuer)
            .with_secret(&secret)
            .with_in_flight(in_flight);
        let bar = if config.output == OutputFormat::Display {
            ProgressBar::new(requests.len() as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} credentials {msg}")
                .expect("a valid progress template"),
        );
        let result = role
            .issue_batch(&requests, |done| bar.set_position(done as u64))
            .await;
        bar.finish_and_clear();
        let report = match result {
            Ok(report) => report,
            // A row that differs from what is on-chain: re-running as is would stop again.
            Err(err @ SdkError::ExistingCredentialDiffers { .. }) => return Err(err.into()),
            Err(err) => Err(err).context(
                "the batch stopped; re-run the same command to finish it (nothing is duplicated)",
            )?,
        };
        if let Some(out) = &out {
            std::fs::write(out, serde_json::to_string_pretty(&report.credentials)?)
                .map_err(|e| anyhow!("cannot write {}: {e}", out.display()))?;
        }
        Ok(Output::new(
            serde_json::to_value(&report)?,
            format!(
                "{} issued, {} already on-chain (skipped), in {} transaction(s){}",
                report.issued,
                report.skipped,
                report.transactions,
                out.map(|p| format!("; salts written to {}", p.display()))
                    .unwrap_or_default()
            ),
        ))
    }
}

impl RevokeArgs {
    /// `credential revoke`: for good, with a reason code.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let reason = self.reason;
        self.target
            .change(config, CredentialChange::Revoke { reason }, "revoked")
            .await
    }
}

impl RenewArgs {
    /// `credential renew`: a new expiry.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let expires_at = self.expires_at;
        self.target
            .change(config, CredentialChange::Renew { expires_at }, "renewed")
            .await
    }
}

impl CredentialTarget {
    /// `credential suspend`, `reinstate` (and the sending part of `revoke` and `renew`):
    /// applies `change` and reports it as `done`.
    pub async fn change(
        self,
        config: &Config,
        change: CredentialChange,
        done: &str,
    ) -> anyhow::Result<Output> {
        let credential = self.credential;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let sent = issuer_role(&transport, &keypair, &self.issuer)
            .change(change, &credential)
            .await?;
        Ok(Output::new(
            json!({ "credential": credential.to_string(), "action": done, "signature": sent.signature.to_string() }),
            format!("credential {credential} {done}"),
        ))
    }

    /// `credential close`: takes the rent of a revoked or expired credential back.
    pub async fn close(self, config: &Config) -> anyhow::Result<Output> {
        let credential = self.credential;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        issuer_role(&transport, &keypair, &self.issuer)
            .close(&credential)
            .await?;
        Ok(Output::new(
            json!({ "credential": credential.to_string(), "closed": true }),
            format!("credential {credential} closed; rent returned"),
        ))
    }
}

pub(crate) fn issuer_role<'a>(
    transport: &'a credence_sdk::Transport,
    keypair: &'a solana_keypair::Keypair,
    issuer: &IssuerRef,
) -> Issuer<'a> {
    let role = Issuer::new(transport, keypair, issuer.registry, &issuer.issuer_id);
    if issuer.delegate {
        role.as_delegate()
    } else {
        role
    }
}

/// The issuer's secret for an issuing command (see [`load_secret`]).
pub(crate) fn secret_of(issuer: &IssuerRef, given: Option<&Path>) -> anyhow::Result<IssuerSecret> {
    load_secret(given, &issuer.registry, &issuer.issuer_id)
}

fn credential_json(address: &Pubkey, c: &Credential) -> serde_json::Value {
    json!({
        "credential": address.to_string(), "issuer": c.issuer.to_string(), "subject": c.subject.to_string(),
        "schema": c.schema.to_string(), "status": format!("{:?}", c.status).to_lowercase(),
        "revocation_reason": c.revocation_reason, "valid_from": c.valid_from, "expires_at": c.expires_at,
        "commitment": hex::encode(c.commitment),
    })
}

fn credential_text(address: &Pubkey, c: &Credential) -> String {
    let reason = if c.revocation_reason != 0 {
        format!(" ({})", reason_name(c.revocation_reason))
    } else {
        String::new()
    };
    format!(
        "credential {address}\n  issuer: {}\n  subject: {}\n  schema: {}\n  status: {:?}{reason}\n  valid: {} .. {}",
        c.issuer,
        c.subject,
        c.schema,
        c.status,
        c.valid_from,
        if c.expires_at == 0 { "no expiry".to_string() } else { c.expires_at.to_string() }
    )
}
