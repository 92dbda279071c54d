//! # Credence SDK
//!
//! Addresses ([`pda`]) and pure instruction builders ([`ix`]) for the Credence programs, built
//! from the programs' own seed constants and Anchor's generated account and argument types.
//! Builders touch no network: sign their output anywhere.

pub mod events;
pub mod ix;
pub mod pda;

pub use credence_consent as consent_program;
pub use credence_registry as registry_program;

pub use anchor_lang::prelude::Pubkey;
pub use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
