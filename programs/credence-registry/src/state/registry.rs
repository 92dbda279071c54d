use anchor_lang::prelude::*;

use crate::constants::MAX_SEED_NAME_LEN;

/// A trust framework (for example a national regulator's list of accredited issuers), governed by
/// its admin. Recruiters choose which registries they trust.
// PDA ["registry", creator, name]
#[account]
#[derive(InitSpace, Debug)]
pub struct Registry {
    /// The key that created the registry; part of its address, never changes.
    pub creator: Pubkey,
    /// The current admin: accredits issuers, pauses the registry.
    pub admin: Pubkey,
    /// Proposed admin of a two-step transfer, if any.
    pub pending_admin: Option<Pubkey>,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Whether issuance, renewal and reinstatement are halted.
    pub paused: bool,
    /// Name, unique per creator (a PDA seed).
    #[max_len(MAX_SEED_NAME_LEN)]
    pub name: String,
    /// Issuers ever registered.
    pub issuer_count: u32,
    /// Issuers currently accredited.
    pub accredited_count: u32,
    /// When the registry was created (unix seconds).
    pub created_at: i64,
    /// Space kept for future fields.
    pub reserved: [u8; 64],
}
