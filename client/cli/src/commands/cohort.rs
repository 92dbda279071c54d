//! `credence cohort ...`: a register issued as one cohort (one transaction, one account, up to
//! 2^20 credentials), each candidate's credential file, and the issuer side's changes to a leaf.

use std::{
    collections::HashSet,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Context};
use clap::Subcommand;
use credence_registry::{constants::REASON_UNSPECIFIED, state::Cohort};
use credence_sdk::{
    accounts,
    cohort::{CohortBuilder, CohortContext, CohortRow, CohortTree},
    commitment::IssuerSecret,
    ix::registry::LeafChange,
    pda,
    roles::{format_amount, CohortIssued},
    time::parse_date,
    SdkError,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use solana_pubkey::Pubkey;

use crate::{
    args::pubkey,
    commands::credential::{issuer_role, secret_of, IssuerRef},
    config::Config,
    output::{Output, OutputFormat},
};

/// Rows hashed per chunk: the builder hashes each chunk on every core and keeps only leaf hashes.
const CHUNK: usize = 10_000;

/// Cohort commands.
#[derive(Subcommand, Debug)]
pub enum CohortCommand {
    /// Issue a CSV register (`subject,reference,document,valid_from[,expires_at]`, dates as
    /// YYYY-MM-DD or unix seconds, an empty expiry for never) as one cohort, and write each
    /// candidate's credential file into --out-dir. Safe to kill and re-run: the same rows give the
    /// same cohort, which is issued once.
    Issue(IssueArgs),
    /// Suspend one leaf (a licence under investigation).
    Suspend(LeafArgs),
    /// Reinstate a suspended leaf.
    Reinstate(LeafArgs),
    /// Revoke one leaf for good, with a reason code.
    Revoke(LeafArgs),
    /// Show a cohort, and a leaf's status with --index.
    Show(ShowArgs),
}

/// Arguments of `cohort issue`.
#[derive(clap::Args, Debug)]
pub struct IssueArgs {
    #[command(flatten)]
    issuer: IssuerRef,
    /// The schema's address.
    #[arg(long, value_parser = pubkey)]
    schema: Pubkey,
    /// The issuer's name for this cohort (for example `register-2026`): with the issuer's secret
    /// it fixes the cohort's address, so a re-run lands on the same cohort.
    #[arg(long)]
    name: String,
    /// The register, as CSV with a header row.
    #[arg(long)]
    csv: PathBuf,
    /// Where to write each candidate's credential file (`<index>-<reference>.json`) and the
    /// cohort's summary (`cohort.json`).
    #[arg(long)]
    out_dir: PathBuf,
    /// The issuer's secret file (default
    /// `~/.config/credence/issuers/<registry>-<issuer id>.secret`, made by `issuer register`).
    #[arg(long, env = "CREDENCE_ISSUER_SECRET")]
    issuer_secret: Option<PathBuf>,
}

/// Arguments of `cohort suspend|reinstate|revoke`.
#[derive(clap::Args, Debug)]
pub struct LeafArgs {
    #[command(flatten)]
    issuer: IssuerRef,
    /// The cohort's address.
    #[arg(long, value_parser = pubkey)]
    cohort: Pubkey,
    /// The leaf (the `index` in the candidate's credential file).
    #[arg(long)]
    index: u32,
    /// Reason code: 1 superseded, 2 issued in error, 3 disciplinary, 4 fraud, 5 key compromise
    /// (required to revoke).
    #[arg(long, default_value_t = REASON_UNSPECIFIED)]
    reason: u16,
}

/// Arguments of `cohort show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The cohort's address.
    #[arg(long, value_parser = pubkey)]
    cohort: Pubkey,
    /// A leaf whose status to show.
    #[arg(long)]
    index: Option<u32>,
}

/// Runs a cohort command.
pub async fn run(config: &Config, command: CohortCommand) -> anyhow::Result<Output> {
    match command {
        CohortCommand::Issue(args) => args.execute(config).await,
        CohortCommand::Suspend(args) => args.change(config, LeafChange::Suspend, "suspended").await,
        CohortCommand::Reinstate(args) => {
            args.change(config, LeafChange::Reinstate, "reinstated")
                .await
        }
        CohortCommand::Revoke(args) => args.change(config, LeafChange::Revoke, "revoked").await,
        CohortCommand::Show(args) => args.execute(config).await,
    }
}

/// A register's rows, read in chunks; bad rows are collected, not sent.
struct Register {
    reader: csv::Reader<std::fs::File>,
    line: usize,
    references: HashSet<String>,
    problems: Vec<String>,
}

impl Register {
    fn open(path: &Path) -> anyhow::Result<Self> {
        let reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_path(path)
            .map_err(|e| anyhow!("cannot read CSV {}: {e}", path.display()))?;
        Ok(Self {
            reader,
            line: 1,
            references: HashSet::new(),
            problems: Vec::new(),
        })
    }

    /// The next at most `max` rows (empty at the end).
    fn next_chunk(&mut self, max: usize) -> Vec<CohortRow> {
        let mut rows = Vec::with_capacity(max);
        let mut record = csv::StringRecord::new();
        while rows.len() < max {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    self.line += 1;
                    match read_row(&record) {
                        Ok(row) if !self.references.insert(row.reference.clone()) => {
                            self.problems.push(format!(
                                "line {}: reference {:?} repeats",
                                self.line, row.reference
                            ))
                        }
                        Ok(row) => rows.push(row),
                        Err(problem) => {
                            self.problems.push(format!("line {}: {problem}", self.line))
                        }
                    }
                }
                Err(e) => {
                    self.line += 1;
                    self.problems.push(format!("line {}: {e}", self.line));
                }
            }
        }
        rows
    }
}

/// One register row, or what is wrong with it.
fn read_row(record: &csv::StringRecord) -> Result<CohortRow, String> {
    if record.len() < 4 {
        return Err(format!(
            "expected subject,reference,document,valid_from[,expires_at], got {} fields",
            record.len()
        ));
    }
    let subject = pubkey(&record[0]).map_err(|e| format!("subject `{}` is {e}", &record[0]))?;
    let reference = record[1].to_string();
    if reference.is_empty() {
        return Err("empty reference".into());
    }
    if record[2].is_empty() {
        return Err("empty document".into());
    }
    let valid_from = parse_date(&record[3]).map_err(|e| format!("valid_from: {e}"))?;
    let expires_at = match record.get(4).filter(|s| !s.is_empty()) {
        None => 0,
        Some(text) => parse_date(text).map_err(|e| format!("expires_at: {e}"))?,
    };
    if expires_at != 0 && expires_at <= valid_from {
        return Err("expires_at must follow valid_from".into());
    }
    Ok(CohortRow {
        reference,
        subject,
        document: record[2].as_bytes().to_vec(),
        valid_from,
        expires_at,
    })
}

/// A progress bar for `len` rows doing `what`, hidden unless the output is for people.
fn bar(config: &Config, len: u64, what: &str) -> ProgressBar {
    let bar = if config.output == OutputFormat::Display {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what}"))
            .expect("a valid progress template"),
    );
    bar
}

/// The file name of leaf `index`'s credential: its index and its reference, made safe.
fn file_name(index: u32, reference: &str) -> String {
    let safe: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{index:07}-{safe}.json")
}

impl IssueArgs {
    /// `cohort issue`: hash the register (streaming), anchor its root (once), write the files.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let secret = secret_of(&self.issuer, self.issuer_secret.as_deref())?;
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let role = issuer_role(&transport, &keypair, &self.issuer).with_secret(&secret);
        let context = role.cohort_context(self.schema, &self.name)?;
        let tree = self.hash(config, role.cohort_builder(&context)?)?;
        let issued = role.issue_cohort(&context, &tree).await.context(
            "the cohort was not issued; re-run the same command (it is issued at most once)",
        )?;
        let written = self.write_files(config, &secret, &context, &tree)?;
        let summary = json!({
            "cohort": issued,
            "registry": context.registry().to_string(),
            "issuer": context.issuer().to_string(),
            "schema": context.schema().to_string(),
            "files": written,
            "out_dir": self.out_dir.display().to_string(),
        });
        write_atomically(
            &self.out_dir.join("cohort.json"),
            serde_json::to_string_pretty(&summary)?.as_bytes(),
        )?;
        Ok(Output::new(
            summary,
            issued_text(&issued, written, &self.out_dir),
        ))
    }

    /// First pass: every row hashed into the tree, chunk by chunk.
    fn hash(&self, config: &Config, mut builder: CohortBuilder) -> anyhow::Result<CohortTree> {
        // Sized in bytes of the register, so the file is read once here, not counted first.
        let size = std::fs::metadata(&self.csv).map_or(0, |m| m.len());
        let bar = bar(config, size, "bytes of the register hashed");
        let mut register = Register::open(&self.csv)?;
        loop {
            let rows = register.next_chunk(CHUNK);
            if rows.is_empty() {
                break;
            }
            if register.problems.is_empty() {
                builder.push(&rows)?;
            }
            bar.set_position(register.reader.position().byte());
        }
        bar.finish_and_clear();
        if !register.problems.is_empty() {
            bail!(
                "{} bad row(s) in {}; nothing was sent:\n  {}",
                register.problems.len(),
                self.csv.display(),
                register.problems.join("\n  ")
            );
        }
        Ok(builder.finish()?)
    }

    /// Second pass: each candidate's credential file, written whole or not at all.
    fn write_files(
        &self,
        config: &Config,
        secret: &IssuerSecret,
        context: &CohortContext,
        tree: &CohortTree,
    ) -> anyhow::Result<u32> {
        std::fs::create_dir_all(&self.out_dir)
            .map_err(|e| anyhow!("cannot create {}: {e}", self.out_dir.display()))?;
        let bar = bar(config, u64::from(tree.leaf_count()), "credential files");
        let mut register = Register::open(&self.csv)?;
        let mut index: u32 = 0;
        loop {
            let rows = register.next_chunk(CHUNK);
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let credential = tree.credential(secret, row, index, context)?;
                credential.save(&self.out_dir.join(file_name(index, &row.reference)))?;
                index += 1;
            }
            bar.inc(rows.len() as u64);
        }
        bar.finish_and_clear();
        Ok(index)
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename: a kill leaves the old file
/// or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file =
        std::fs::File::create(&tmp).map_err(|e| anyhow!("cannot write {}: {e}", tmp.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| anyhow!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

fn issued_text(issued: &CohortIssued, written: u32, out_dir: &Path) -> String {
    // Lamports in SOL: the SDK's token-amount formatting, at SOL's 9 decimals.
    let sol = |lamports| format!("{} SOL", format_amount(lamports, 9));
    let per_leaf = issued.rent_lamports / u64::from(issued.leaf_count.max(1));
    format!(
        "cohort {} {}: {} credentials in 1 account\n  rent: {} ({} lamports a credential); as single credential accounts: {}\n  {} credential files in {}",
        issued.cohort,
        if issued.signature.is_some() { "issued" } else { "already on-chain (nothing sent)" },
        issued.leaf_count,
        sol(issued.rent_lamports),
        per_leaf,
        sol(issued.single_credentials_rent_lamports),
        written,
        out_dir.display()
    )
}

impl LeafArgs {
    /// `cohort suspend|reinstate|revoke`: applies `change` to the leaf and reports it as `done`.
    async fn change(
        self,
        config: &Config,
        change: LeafChange,
        done: &str,
    ) -> anyhow::Result<Output> {
        if change == LeafChange::Revoke && self.reason == REASON_UNSPECIFIED {
            bail!("a revocation needs --reason (1 superseded, 2 issued in error, 3 disciplinary, 4 fraud, 5 key compromise)");
        }
        let keypair = config.keypair()?;
        let transport = config.transport().await?;
        let sent = issuer_role(&transport, &keypair, &self.issuer)
            .change_leaf(change, &self.cohort, self.index, self.reason)
            .await?;
        Ok(Output::new(
            json!({ "cohort": self.cohort.to_string(), "index": self.index, "action": done, "reason": self.reason, "signature": sent.signature.to_string() }),
            format!("leaf {} of cohort {} {done}", self.index, self.cohort),
        ))
    }
}

impl ShowArgs {
    /// `cohort show`: the cohort, and a leaf's status.
    async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let transport = config.transport().await?;
        let c: Cohort = accounts::fetch(&transport, &self.cohort)
            .await
            .context("reading the cohort")?;
        let leaf = match self.index {
            None => None,
            Some(index) => {
                if index >= c.leaf_count {
                    return Err(SdkError::OutOfRange {
                        what: "the leaf index",
                        allowed: format!("below the cohort's {} leaves", c.leaf_count),
                        given: index.to_string(),
                    }
                    .into());
                }
                let page = transport
                    .account(&pda::cohort_status(&self.cohort, index).0)
                    .await?;
                Some((index, accounts::leaf_status(page.as_ref(), index)))
            }
        };
        let status = leaf.map(|(_, s)| format!("{s:?}").to_lowercase());
        Ok(Output::new(
            json!({
                "cohort": self.cohort.to_string(), "issuer": c.issuer.to_string(), "schema": c.schema.to_string(),
                "merkle_root": hex::encode(c.merkle_root), "leaf_count": c.leaf_count, "depth": c.depth,
                "valid_from": c.valid_from, "expires_at": c.expires_at,
                "suspended_leaves": c.suspended_leaves, "revoked_leaves": c.revoked_leaves, "status_pages": c.status_pages,
                "leaf": leaf.map(|(index, _)| index), "leaf_status": status,
            }),
            format!(
                "cohort {}\n  issuer: {}\n  schema: {}\n  leaves: {} ({} suspended, {} revoked, {} status pages)\n  root: {}{}",
                self.cohort,
                c.issuer,
                c.schema,
                c.leaf_count,
                c.suspended_leaves,
                c.revoked_leaves,
                c.status_pages,
                hex::encode(c.merkle_root),
                leaf.map(|(i, s)| format!("\n  leaf {i}: {s:?}")).unwrap_or_default()
            ),
        ))
    }
}
