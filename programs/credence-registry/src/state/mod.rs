//! Account types of the registry program. Each layout starts with the keys that clients filter on.

mod cohort;
mod credential;
mod delegate;
mod issuer;
mod registry;
mod schema;

pub use cohort::*;
pub use credential::*;
pub use delegate::*;
pub use issuer::*;
pub use registry::*;
pub use schema::*;

use anchor_lang::prelude::*;

use crate::{constants::*, error::RegistryError};

/// Checks a seed-sized name: non-empty and at most [`MAX_SEED_NAME_LEN`] bytes.
pub fn validate_seed_name(name: &str) -> Result<()> {
    require!(!name.is_empty(), RegistryError::NameEmpty);
    require!(name.len() <= MAX_SEED_NAME_LEN, RegistryError::NameTooLong);
    Ok(())
}

/// Checks a display name: non-empty and at most [`MAX_DISPLAY_NAME_LEN`] bytes.
pub fn validate_display_name(name: &str) -> Result<()> {
    require!(!name.is_empty(), RegistryError::NameEmpty);
    require!(
        name.len() <= MAX_DISPLAY_NAME_LEN,
        RegistryError::NameTooLong
    );
    Ok(())
}

/// Checks a URI: at most [`MAX_URI_LEN`] bytes (may be empty).
pub fn validate_uri(uri: &str) -> Result<()> {
    require!(uri.len() <= MAX_URI_LEN, RegistryError::UriTooLong);
    Ok(())
}

/// Checks a jurisdiction code: 1 to [`MAX_JURISDICTION_LEN`] bytes.
pub fn validate_jurisdiction(code: &str) -> Result<()> {
    require!(
        !code.is_empty() && code.len() <= MAX_JURISDICTION_LEN,
        RegistryError::JurisdictionInvalid
    );
    Ok(())
}

/// The current unix timestamp from the Clock sysvar.
pub fn now() -> Result<i64> {
    Ok(Clock::get()?.unix_timestamp)
}

/// The program error code `result` failed with, for the state types' unit tests.
#[cfg(test)]
pub(crate) fn code<T: std::fmt::Debug>(result: Result<T>) -> u32 {
    match result {
        Err(Error::AnchorError(error)) => error.error_code_number,
        other => panic!("expected an Anchor error, got {other:?}"),
    }
}
