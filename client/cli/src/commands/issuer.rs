//! `credence issuer ...`: an issuer registers and reads its record, and keeps its secret.
//!
//! The issuer's secret is the key of its credential ids and salts
//! ([`IssuerSecret`]): `issuer register` creates it once, on the authority's machine, in
//! `~/.config/credence/issuers/<registry>-<issuer id>.secret` (owner-only, never overwritten),
//! and every issuing command reads it from there or from `--issuer-secret FILE`. A machine that
//! issues for the issuer (a delegate's, or after a key rotation) needs a copy of the same file.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use clap::Subcommand;
use credence_registry::{state::Issuer as IssuerAccount, RegisterIssuerArgs};
use credence_sdk::{accounts::fetch, commitment::IssuerSecret, pda, roles::Issuer, SdkError};
use serde_json::json;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{args::pubkey, config::Config, output::Output};

/// Issuer commands.
#[derive(Subcommand, Debug)]
pub enum IssuerCommand {
    /// Register the keypair as an issuer in a registry, pending accreditation (idempotent), and
    /// create the issuer's secret if this machine has none.
    Register(RegisterArgs),
    /// Show an issuer.
    Show(ShowArgs),
}

/// Arguments of `issuer register`.
#[derive(clap::Args, Debug)]
pub struct RegisterArgs {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The issuer's id within the registry (1 to 32 bytes), for example `unilag`.
    #[arg(long)]
    id: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// Website or DID document.
    #[arg(long, default_value = "")]
    uri: String,
    /// Jurisdiction code (ISO 3166), for example `NG` or `GB-SCT`.
    #[arg(long)]
    jurisdiction: String,
    /// Where the issuer's secret is kept (created if absent, never overwritten; default
    /// `~/.config/credence/issuers/<registry>-<id>.secret`).
    #[arg(long, env = "CREDENCE_ISSUER_SECRET")]
    issuer_secret: Option<PathBuf>,
}

/// Arguments of `issuer show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The registry's address.
    #[arg(long, value_parser = pubkey)]
    registry: Pubkey,
    /// The issuer's id.
    #[arg(long)]
    id: String,
}

/// The default secret file of issuer `issuer_id` in `registry`:
/// `~/.config/credence/issuers/<registry>-<issuer id>.secret`. An id that is not a plain file
/// name (letters, digits, `.`, `_`, `-`, not starting with `.`) is hex-encoded.
pub fn default_secret_path(registry: &Pubkey, issuer_id: &str) -> PathBuf {
    let plain = !issuer_id.is_empty()
        && !issuer_id.starts_with('.')
        && issuer_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let id = if plain {
        issuer_id.to_string()
    } else {
        format!("hex-{}", hex::encode(issuer_id))
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".config/credence/issuers")
        .join(format!("{registry}-{id}.secret"))
}

/// Reads the issuer's secret for an issuing command: `given` (`--issuer-secret`), else the
/// default file. A missing file is an error saying where it was looked for and that it must be
/// copied from the issuer authority's machine: issuing never creates a secret.
pub fn load_secret(
    given: Option<&Path>,
    registry: &Pubkey,
    issuer_id: &str,
) -> anyhow::Result<IssuerSecret> {
    let (path, origin) = match given {
        Some(path) => (path.to_path_buf(), "given with --issuer-secret"),
        None => (
            default_secret_path(registry, issuer_id),
            "the default for this registry and issuer id",
        ),
    };
    match IssuerSecret::load(&path) {
        Ok(secret) => Ok(secret),
        Err(SdkError::IssuerSecretFile { io, .. })
            if io.kind() == std::io::ErrorKind::NotFound =>
        {
            Err(anyhow!(
                "no issuer secret at {} ({origin}). Credential ids and salts derive from issuer `{issuer_id}`'s secret, which `credence issuer register` created on the issuer authority's machine: copy that file here (keep it private: chmod 600) or pass --issuer-secret FILE. Issuing never creates a new secret: it would give references already issued other ids and salts",
                path.display()
            ))
        }
        Err(err) => Err(err.into()),
    }
}

/// What `issuer register` did about the secret.
struct SecretOutcome {
    path: PathBuf,
    created: bool,
    fingerprint: String,
}

/// Keeps the secret at `path` if there is one, else creates it, unless the issuer already has
/// schemas: it may have issued under them, with ids and salts from a secret elsewhere, which
/// must be copied. (Issuance writes no issuer field, so schemas are what the account shows.)
fn ensure_secret(path: &Path, issuer_id: &str, schemas: u32) -> anyhow::Result<SecretOutcome> {
    match IssuerSecret::load(path) {
        Ok(secret) => {
            return Ok(SecretOutcome {
                path: path.to_path_buf(),
                created: false,
                fingerprint: secret.fingerprint(),
            })
        }
        Err(SdkError::IssuerSecretFile { io, .. }) if io.kind() == std::io::ErrorKind::NotFound => {
        }
        Err(err) => return Err(err.into()),
    }
    if schemas > 0 {
        return Err(anyhow!(
            "issuer `{issuer_id}` is registered to your key and has {schemas} schema(s), so it may have issued credentials, but this machine has no issuer secret at {}. Copy the secret file from the machine that issued them (keep it private: chmod 600), or pass --issuer-secret FILE. A new secret would give references already issued other ids and salts, so none was created",
            path.display()
        ));
    }
    let secret = IssuerSecret::generate();
    secret.save_new(path)?;
    Ok(SecretOutcome {
        path: path.to_path_buf(),
        created: true,
        fingerprint: secret.fingerprint(),
    })
}

/// Runs an issuer command.
pub async fn run(config: &Config, command: IssuerCommand) -> anyhow::Result<Output> {
    match command {
        IssuerCommand::Register(args) => args.execute(config).await,
        IssuerCommand::Show(args) => args.execute(config).await,
    }
}

impl RegisterArgs {
    /// `issuer register`: registers the keypair's issuer and keeps or creates its secret.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self {
            registry,
            id,
            name,
            uri,
            jurisdiction,
            issuer_secret,
        } = self;
        let secret_path = issuer_secret.unwrap_or_else(|| default_secret_path(&registry, &id));
        let authority = config.keypair()?;
        let transport = config.transport().await?;
        let issuer = Issuer::new(&transport, &authority, registry, &id);
        let registered = issuer
            .register(RegisterIssuerArgs {
                issuer_id: id.clone(),
                name,
                uri,
                jurisdiction,
            })
            .await;
        let created = match registered {
                Ok(created) => created,
                Err(SdkError::IssuerIdTaken {
                    issuer: address,
                    authority: holder,
                }) => {
                    return Err(anyhow!(
                        "issuer id `{id}` is already taken in registry {registry}: issuer {address} is registered by authority {holder}, not by your key {}. It is not yours: the registry's admin must not accredit it. Register under another id (and tell the admin which one, with your key). No issuer secret was created",
                        authority.pubkey()
                    ))
                }
                Err(err) => return Err(err.into()),
            };
        let account = issuer.account().await.context("reading the issuer")?;
        let secret = ensure_secret(&secret_path, &id, account.schema_count)?;
        let state = if created {
            "registered, pending accreditation"
        } else {
            "already registered by your key; nothing changed"
        };
        let secret_state = match (secret.created, created) {
                (true, true) => "created",
                (true, false) => "created (if another machine already holds this issuer's secret, use that copy instead and delete this one)",
                (false, _) => "kept (already present)",
            };
        Ok(Output::new(
                json!({
                    "issuer": issuer.issuer.to_string(), "id": id, "authority": account.authority.to_string(),
                    "status": format!("{:?}", account.status), "created": created,
                    "issuer_secret": secret.path.display().to_string(), "secret_created": secret.created,
                    "secret_fingerprint": secret.fingerprint,
                }),
                format!(
                    "issuer {} ({id}) {state}\n  authority: {} (give it to the registry's admin, who accredits this issuer for this key)\n  issuer secret: {} {secret_state}; fingerprint {}\n  Back it up and copy it to every machine that issues for this issuer: credential ids and salts derive from it",
                    issuer.issuer,
                    account.authority,
                    secret.path.display(),
                    secret.fingerprint,
                ),
            ))
    }
}

impl ShowArgs {
    /// `issuer show`: the issuer's record.
    pub async fn execute(self, config: &Config) -> anyhow::Result<Output> {
        let Self { registry, id } = self;
        let transport = config.transport().await?;
        let address = pda::issuer(&registry, &id).0;
        let account: IssuerAccount = fetch(&transport, &address)
            .await
            .context("reading the issuer")?;
        Ok(Output::new(
                json!({
                    "issuer": address.to_string(), "id": account.issuer_id, "name": account.name, "uri": account.uri,
                    "jurisdiction": account.jurisdiction, "status": format!("{:?}", account.status),
                    "authority": account.authority.to_string(), "schemas": account.schema_count,
                }),
                format!(
                    "issuer {}\n  id: {}\n  name: {}\n  jurisdiction: {}\n  status: {:?}\n  authority: {}\n  schemas: {}",
                    address, account.issuer_id, account.name, account.jurisdiction, account.status, account.authority, account.schema_count
                ),
            ))
    }
}
