//! `credence_registry`: every instruction's success path and each way it must refuse, one file
//! per group of `programs/credence-registry/src/instructions/`.

use solana_pubkey::Pubkey;

mod batch;
mod cohort;
mod credential;
mod delegate;
mod issuer;
// Mirrors `instructions/registry/`: the registry's own governance instructions.
#[allow(clippy::module_inception)]
mod registry;
mod schema;

/// The registry program's id.
const REGISTRY: Pubkey = credence_registry::ID;

/// The system program's "account already in use" (`SystemError::AccountAlreadyInUse`).
const ACCOUNT_ALREADY_IN_USE: u32 = 0;
