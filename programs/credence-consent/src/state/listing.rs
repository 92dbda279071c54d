use anchor_lang::prelude::*;

use crate::{constants::MAX_LISTING_CREDENTIALS, state::CredentialRef};

/// Length in bytes of a listing's occupation and region codes.
pub const CODE_LEN: usize = 8;

/// A candidate's opt-in card in the talent pool: what she does, where, from when, and which of
/// her credentials vouch for it. Nothing personal: no name, no contact, no document.
///
/// `subject`, `occupation` and `region` sit at fixed offsets 8, 40 and 48, so recruiters filter
/// the pool with `getProgramAccounts` memcmp. Codes are upper-case ASCII, left-aligned and
/// zero-padded, so a memcmp on a prefix matches a whole group: `"222"` finds ISCO-08 2221
/// (nursing professionals) and 2222 (midwifery professionals); `"GB"` finds `"GB-ENG"`.
// PDA ["listing", subject]
#[account]
#[derive(InitSpace, Debug)]
pub struct Listing {
    /// The candidate (a wallet address, a pseudonym until she answers a request).
    pub subject: Pubkey,
    /// Occupation code, for example ISCO-08 `2221` (nursing professionals).
    pub occupation: [u8; CODE_LEN],
    /// Region code, for example ISO 3166 `GB` or `GB-ENG`.
    pub region: [u8; CODE_LEN],
    /// When she can start (unix seconds).
    pub available_from: i64,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// When it last changed (unix seconds).
    pub updated_at: i64,
    /// The credentials the listing vouches for (her own; 1 to 16).
    #[max_len(MAX_LISTING_CREDENTIALS)]
    pub credentials: Vec<CredentialRef>,
    /// Space kept for future fields.
    pub reserved: [u8; 32],
}

/// Checks an occupation or region code: upper-case ASCII letters, digits or `-`, at least one,
/// left-aligned and zero-padded.
pub fn check_code(code: &[u8; CODE_LEN]) -> bool {
    let len = code.iter().position(|b| *b == 0).unwrap_or(CODE_LEN);
    len > 0
        && code[..len]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-')
        && code[len..].iter().all(|b| *b == 0)
}
