use anchor_lang::prelude::*;

use crate::constants::{MAX_SEED_NAME_LEN, MAX_URI_LEN};

/// A credential type published by an issuer: a name, a version and the JSON schema documents follow.
// PDA ["schema", issuer, name, version.to_le_bytes()]
#[account]
#[derive(InitSpace, Debug)]
pub struct Schema {
    /// The issuer that owns the schema.
    pub issuer: Pubkey,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Schema name (a PDA seed), for example `nursing-licence`.
    #[max_len(MAX_SEED_NAME_LEN)]
    pub name: String,
    /// Schema version (a PDA seed).
    pub schema_version: u16,
    /// Where the JSON schema is published.
    #[max_len(MAX_URI_LEN)]
    pub uri: String,
    /// SHA-256 of the JSON schema document.
    pub schema_hash: [u8; 32],
    /// Validity applied when an issuance gives no expiry, in seconds (0: no expiry).
    pub default_validity_secs: i64,
    /// Whether credentials of this schema can be suspended (a licence can; a degree usually not).
    pub suspendable: bool,
    /// Whether the schema is deprecated (no new credentials).
    pub deprecated: bool,
    /// Credentials issued under this schema.
    pub credentials_issued: u64,
    /// When it was created.
    pub created_at: i64,
    /// Space kept for future fields (a verification fee: mint, amount, treasury).
    pub reserved: [u8; 96],
}
