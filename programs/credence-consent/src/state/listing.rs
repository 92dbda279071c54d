use anchor_lang::prelude::*;

use crate::{constants::MAX_LISTING_CREDENTIALS, error::ConsentError, state::CredentialRef};

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

impl Listing {
    /// The rules every instruction that writes a listing keeps (`InvariantViolated` otherwise):
    /// 1 to [`MAX_LISTING_CREDENTIALS`] credentials, valid codes ([`check_code`]), and a last
    /// change not before creation.
    pub fn invariant(&self) -> Result<()> {
        require!(
            !self.credentials.is_empty() && self.credentials.len() <= MAX_LISTING_CREDENTIALS,
            ConsentError::InvariantViolated
        );
        require!(
            check_code(&self.occupation) && check_code(&self.region),
            ConsentError::InvariantViolated
        );
        require!(
            self.updated_at >= self.created_at,
            ConsentError::InvariantViolated
        );
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn listing() -> Listing {
        Listing {
            subject: Pubkey::new_unique(),
            occupation: *b"2221\0\0\0\0",
            region: *b"GB-ENG\0\0",
            available_from: 0,
            version: 1,
            bump: 255,
            created_at: 100,
            updated_at: 100,
            credentials: vec![CredentialRef::Account {
                address: Pubkey::new_unique(),
            }],
            reserved: [0; 32],
        }
    }

    #[test]
    fn invariant_holds_for_a_valid_listing() {
        listing().invariant().unwrap();
        let mut l = listing();
        l.updated_at = 200;
        l.credentials = vec![l.credentials[0]; MAX_LISTING_CREDENTIALS];
        l.invariant().unwrap();
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Listing); 5] = [
            |l| l.credentials.clear(),
            |l| l.credentials = vec![l.credentials[0]; MAX_LISTING_CREDENTIALS + 1],
            |l| l.occupation = [0; CODE_LEN],
            |l| l.region = *b"gb\0\0\0\0\0\0",
            |l| l.updated_at = l.created_at - 1,
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut l = listing();
            breaking(&mut l);
            assert_eq!(
                code(l.invariant()),
                u32::from(ConsentError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
