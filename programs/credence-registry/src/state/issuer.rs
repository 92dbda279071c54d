use anchor_lang::prelude::*;

use crate::constants::{
    MAX_DISPLAY_NAME_LEN, MAX_JURISDICTION_LEN, MAX_SEED_NAME_LEN, MAX_URI_LEN,
};

/// Lifecycle of an issuer within a registry.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum IssuerStatus {
    /// Registered, awaiting the admin's accreditation.
    Pending,
    /// Accredited: may issue credentials.
    Accredited,
    /// Temporarily barred from issuing; its credentials do not verify.
    Suspended,
    /// Permanently removed; its credentials do not verify.
    Revoked,
}

/// An institution that issues credentials: a university, a medical council, an ID authority, an employer.
// PDA ["issuer", registry, issuer_id]
#[account]
#[derive(InitSpace, Debug)]
pub struct Issuer {
    /// The registry it belongs to.
    pub registry: Pubkey,
    /// The key that signs for the issuer; rotatable without changing the issuer's address.
    pub authority: Pubkey,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Accreditation status.
    pub status: IssuerStatus,
    /// Id within the registry (a PDA seed), for example `unilag`.
    #[max_len(MAX_SEED_NAME_LEN)]
    pub issuer_id: String,
    /// Display name, for example `University of Lagos`.
    #[max_len(MAX_DISPLAY_NAME_LEN)]
    pub name: String,
    /// Website or DID document.
    #[max_len(MAX_URI_LEN)]
    pub uri: String,
    /// Jurisdiction code (ISO 3166-1 alpha-2 or 3166-2).
    #[max_len(MAX_JURISDICTION_LEN)]
    pub jurisdiction: String,
    /// When it registered (unix seconds).
    pub registered_at: i64,
    /// When its status or metadata last changed.
    pub updated_at: i64,
    /// Credentials it has issued.
    pub credentials_issued: u64,
    /// Schemas it has created.
    pub schema_count: u32,
    /// Delegates currently registered.
    pub delegate_count: u32,
    /// Space kept for future fields.
    pub reserved: [u8; 64],
}

impl Issuer {
    /// Whether the issuer may issue and its credentials verify.
    pub fn is_accredited(&self) -> bool {
        self.status == IssuerStatus::Accredited
    }
}
