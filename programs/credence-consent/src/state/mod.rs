//! Account types of the consent program.

mod grant;
mod listing;
mod request;

pub use grant::*;
pub use listing::*;
pub use request::*;

/// The program error code `result` failed with, for the state types' unit tests.
#[cfg(test)]
pub(crate) fn code<T: std::fmt::Debug>(result: anchor_lang::Result<T>) -> u32 {
    match result {
        Err(anchor_lang::error::Error::AnchorError(error)) => error.error_code_number,
        other => panic!("expected an Anchor error, got {other:?}"),
    }
}
