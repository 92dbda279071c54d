//! `credence localnet`: runs the `credence-localnet` binary (Agave's test validator in-process
//! with both programs). It is a separate binary so the CLI does not carry the validator and
//! RocksDB; build it with `cargo build --release -p credence-localnet`.

use std::process::Command;

use anyhow::{anyhow, bail};
use clap::Args;

use crate::output::Output;

/// Arguments passed through to `credence-localnet` (see `credence-localnet --help`).
#[derive(Args, Debug)]
pub struct LocalnetArgs {
    /// Arguments for credence-localnet, for example `--rpc-port 8899 --fund ~/.config/solana/id.json`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Finds `credence-localnet` beside this executable, else on PATH, and runs it in the foreground.
pub fn run(args: LocalnetArgs) -> anyhow::Result<Output> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("credence-localnet")))
        .filter(|path| path.exists());
    let program = beside
        .map(|p| p.into_os_string())
        .unwrap_or_else(|| "credence-localnet".into());
    let status = Command::new(&program).args(&args.args).status().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow!(
            "credence-localnet is not built: run `cargo build --release -p credence-localnet` (it needs libclang-dev: scripts/install-deps.sh)"
        ),
        _ => anyhow!("cannot run credence-localnet: {e}"),
    })?;
    if !status.success() {
        bail!("credence-localnet exited with {status}");
    }
    Ok(Output::new(
        serde_json::json!({ "stopped": true }),
        "credence localnet stopped",
    ))
}
