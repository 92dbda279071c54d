#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod audit;
pub mod cluster;
pub mod cohort;
pub mod commitment;
pub mod error;
pub mod events;
pub mod fees;
pub mod ix;
pub mod pda;
pub mod pool;
pub mod roles;
pub mod sealing;
pub mod serde_text;
pub mod time;
pub mod token;
pub mod transport;
pub mod verify;
pub mod watch;

pub use credence_consent as consent_program;
pub use credence_registry as registry_program;

pub use anchor_lang::prelude::Pubkey;
pub use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
pub use error::SdkError;
pub use solana_signature::Signature;
pub use transport::Transport;
