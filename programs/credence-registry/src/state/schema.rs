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
    /// The verification fee, if any: what `record_access` charges the recruiter per credential of
    /// this schema. Zeroed when there is no fee.
    pub fee: SchemaFee,
    /// Space kept for future fields.
    pub reserved: [u8; 23],
}

/// A schema's verification fee in an SPL token, paid by the recruiter to the issuer's treasury.
/// Occupies the space the first layout reserved, so schemas created before fees existed read as
/// "no fee" (all zero).
#[derive(
    AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace,
)]
pub struct SchemaFee {
    /// The SPL Token mint the fee is paid in.
    pub mint: Pubkey,
    /// The issuer's token account that receives the fee.
    pub treasury: Pubkey,
    /// The fee per credential, in the mint's base units (0: no fee).
    pub amount: u64,
    /// The mint's decimals, recorded so clients can show the amount without fetching the mint.
    pub decimals: u8,
}

impl SchemaFee {
    /// Whether the schema charges a fee.
    pub fn is_set(&self) -> bool {
        self.amount != 0
    }
}
