use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_SEED_NAME_LEN, MAX_URI_LEN},
    error::RegistryError,
};

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
    /// Frozen, like [`Issuer::credentials_issued`](crate::state::Issuer::credentials_issued):
    /// issuance no longer writes the schema. Kept so the layout of existing accounts holds.
    pub credentials_issued: u64,
    /// When it was created.
    pub created_at: i64,
    /// The verification fee, if any: what `record_access` charges the recruiter per credential of
    /// this schema. Zeroed when there is no fee.
    pub fee: SchemaFee,
    /// Space kept for future fields.
    pub reserved: [u8; 23],
}

impl Schema {
    /// The rules every instruction that writes a schema keeps (`InvariantViolated` otherwise):
    /// a name of 1 to [`MAX_SEED_NAME_LEN`] bytes, a URI of at most [`MAX_URI_LEN`], a default
    /// validity not negative, and a fee either set or all zero.
    pub fn invariant(&self) -> Result<()> {
        require!(
            !self.name.is_empty() && self.name.len() <= MAX_SEED_NAME_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            self.uri.len() <= MAX_URI_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            self.default_validity_secs >= 0,
            RegistryError::InvariantViolated
        );
        require!(
            self.fee.is_set() || self.fee == SchemaFee::default(),
            RegistryError::InvariantViolated
        );
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn schema() -> Schema {
        Schema {
            issuer: Pubkey::new_unique(),
            version: 1,
            bump: 255,
            name: "nursing-licence".into(),
            schema_version: 1,
            uri: String::new(),
            schema_hash: [9; 32],
            default_validity_secs: 0,
            suspendable: true,
            deprecated: false,
            credentials_issued: 0,
            created_at: 100,
            fee: SchemaFee::default(),
            reserved: [0; 23],
        }
    }

    fn fee() -> SchemaFee {
        SchemaFee {
            mint: Pubkey::new_unique(),
            treasury: Pubkey::new_unique(),
            amount: 5,
            decimals: 6,
        }
    }

    #[test]
    fn invariant_holds_with_and_without_a_fee() {
        let mut s = schema();
        s.invariant().unwrap();
        s.fee = fee();
        s.invariant().unwrap();
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Schema); 5] = [
            |s| s.name.clear(),
            |s| s.name = "n".repeat(MAX_SEED_NAME_LEN + 1),
            |s| s.uri = "u".repeat(MAX_URI_LEN + 1),
            |s| s.default_validity_secs = -1,
            |s| {
                s.fee = fee();
                s.fee.amount = 0;
            },
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut s = schema();
            breaking(&mut s);
            assert_eq!(
                code(s.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
