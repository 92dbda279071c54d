//! # Credence SDK
//!
//! Everything an issuer, a candidate or a recruiter needs to use Credence from Rust:
//!
//! - [`pda`]: every address, from the programs' own seed constants;
//! - [`ix`]: pure instruction builders (no network: sign anywhere);
//! - [`transport`]: one seam over the embedded chain (the real runtime in-process) and any
//!   JSON-RPC endpoint;
//! - [`accounts`]: fetching and decoding, including `getProgramAccounts` filters;
//! - [`roles`]: the [`roles::RegistryAdmin`], [`roles::Issuer`], [`roles::Candidate`] and
//!   [`roles::Recruiter`] APIs;
//! - [`verify`]: one-round-trip verification with a report line per check;
//! - [`commitment`] and [`sealing`]: salted commitments and sealed documents;
//! - [`events`]: Credence events read from transaction logs;
//! - [`error`]: typed errors with program errors named;
//! - [`cluster`]: `--url` monikers and keypair files, as the Solana CLI has them.

pub mod accounts;
pub mod cluster;
pub mod commitment;
pub mod error;
pub mod events;
pub mod ix;
pub mod pda;
pub mod roles;
pub mod sealing;
pub mod transport;
pub mod verify;

pub use credence_consent as consent_program;
pub use credence_registry as registry_program;

pub use anchor_lang::prelude::Pubkey;
pub use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
pub use error::SdkError;
pub use transport::Transport;
