//! Delegates: issuing agents of an issuer with permissions and an expiry.

mod add;
mod remove;

pub use add::*;
pub use remove::*;
