//! Listings: a candidate's opt-in card in the talent pool.

mod close;
mod create;
mod update;

pub use close::*;
pub use create::*;
pub use update::*;

use anchor_lang::prelude::*;

use crate::{
    constants::MAX_LISTING_CREDENTIALS,
    error::ConsentError,
    state::{check_code, CredentialRef, CODE_LEN},
};

use super::checks::check_credentials;

/// Checks the occupation and region codes.
pub fn check_codes(occupation: &[u8; CODE_LEN], region: &[u8; CODE_LEN]) -> Result<()> {
    require!(
        check_code(occupation) && check_code(region),
        ConsentError::InvalidCode
    );
    Ok(())
}

/// Checks a listing's credentials: 1 to 16, each the subject's own (checked like a grant's,
/// against the remaining accounts).
pub fn check_listed_credentials(
    subject: &Pubkey,
    credentials: &[CredentialRef],
    accounts: &[AccountInfo],
) -> Result<()> {
    require!(
        credentials.len() <= MAX_LISTING_CREDENTIALS,
        ConsentError::TooManyCredentials
    );
    check_credentials(subject, credentials, accounts)
}
