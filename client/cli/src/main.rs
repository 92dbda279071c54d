//! `credence`: the command line for Credence issuers, candidates and recruiters.
//!
//! Solana CLI conventions: `--url` takes `localhost`, `devnet`, `testnet`, `mainnet-beta` or a URL;
//! `--keypair` defaults to the keypair in `~/.config/solana/cli/config.yml` (else
//! `~/.config/solana/id.json`); keypair files are the JSON arrays `solana-keygen` writes.
//! `--output json` prints one JSON document on stdout for scripts.

mod args;
mod commands;
mod config;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{config::Config, output::OutputFormat};

/// Credence: professional credentials issued once, verified in seconds, shared by consent.
#[derive(Parser, Debug)]
#[command(name = "credence", version, about)]
pub struct Cli {
    /// Cluster: localhost, devnet, testnet, mainnet-beta or an RPC URL (default: the Solana CLI
    /// config's json_rpc_url, else localhost). `demo` runs on the embedded chain unless given.
    #[arg(long, short = 'u', global = true, env = "CREDENCE_URL")]
    url: Option<String>,
    /// Keypair file that signs and pays (default: the Solana CLI config's keypair).
    #[arg(long, short = 'k', global = true, env = "CREDENCE_KEYPAIR")]
    keypair: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Display)]
    output: OutputFormat,
    /// The command.
    #[command(subcommand)]
    command: Command,
}

/// Every command.
#[derive(Subcommand, Debug)]
enum Command {
    /// The whole story on the embedded chain (or on --url): issue, list, search, request,
    /// approve, verify and pay the issuer's fee, revoke.
    Demo(commands::demo::DemoArgs),
    /// Registry admin: create a registry, accredit, suspend or revoke issuers, pause.
    #[command(subcommand)]
    Registry(commands::registry::RegistryCommand),
    /// Issuers: register, show.
    #[command(subcommand)]
    Issuer(commands::issuer::IssuerCommand),
    /// Schemas: create, deprecate, and their verification fees.
    #[command(subcommand)]
    Schema(commands::schema::SchemaCommand),
    /// Credentials: issue, issue a CSV batch, suspend, reinstate, revoke, renew, close, list.
    #[command(subcommand)]
    Credential(commands::credential::CredentialCommand),
    /// Cohorts: a register issued as one cohort with a credential file per candidate; suspend,
    /// reinstate or revoke one leaf; show.
    #[command(subcommand)]
    Cohort(commands::cohort::CohortCommand),
    /// Candidates' grants: create, revoke, close, list; and the audit trail.
    #[command(subcommand)]
    Grant(commands::grant::GrantCommand),
    /// The talent pool: list yourself (candidates) or search it (recruiters).
    #[command(subcommand)]
    Pool(commands::pool::PoolCommand),
    /// Access requests: create and withdraw (recruiters), approve and decline (candidates).
    #[command(subcommand)]
    Request(commands::request::RequestCommand),
    /// Recruiters: verify a candidate's credentials under a grant, optionally recording access.
    Verify(commands::verify::VerifyArgs),
    /// Status changes pushed as they land (recruiters, candidates, issuers): one line per
    /// event, optionally POSTed to a webhook, resumable from a state file.
    Watch(commands::watch::WatchArgs),
    /// Request an airdrop to the keypair (local validator, devnet).
    Airdrop(commands::airdrop::AirdropArgs),
    /// Start a local validator serving both programs over JSON-RPC (runs credence-localnet).
    Localnet(commands::localnet::LocalnetArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("RUST_LOG").is_none() {
        // The embedded runtime logs every instruction at debug level unless told otherwise.
        // SAFETY (edition 2021: safe fn): single-threaded at this point.
        std::env::set_var("RUST_LOG", "error");
    }
    output::reserve_stdout();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let format = cli.output;
    let result = runtime.block_on(run(cli));
    match result {
        Ok(out) => {
            out.print(format);
            ExitCode::from(out.code)
        }
        Err(err) => {
            output::print_error(&err, format);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<output::Output> {
    let config = Config::new(cli.url, cli.keypair, cli.output);
    match cli.command {
        Command::Demo(args) => commands::demo::run(&config, args).await,
        Command::Registry(cmd) => commands::registry::run(&config, cmd).await,
        Command::Issuer(cmd) => commands::issuer::run(&config, cmd).await,
        Command::Schema(cmd) => commands::schema::run(&config, cmd).await,
        Command::Credential(cmd) => commands::credential::run(&config, cmd).await,
        Command::Cohort(cmd) => commands::cohort::run(&config, cmd).await,
        Command::Grant(cmd) => commands::grant::run(&config, cmd).await,
        Command::Pool(cmd) => commands::pool::run(&config, cmd).await,
        Command::Request(cmd) => commands::request::run(&config, cmd).await,
        Command::Verify(args) => commands::verify::run(&config, args).await,
        Command::Watch(args) => commands::watch::run(&config, args).await,
        Command::Airdrop(args) => commands::airdrop::run(&config, args).await,
        Command::Localnet(args) => commands::localnet::run(args),
    }
}
