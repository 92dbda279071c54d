//! Account types of the consent program.

mod grant;
mod listing;
mod request;

pub use grant::*;
pub use listing::*;
pub use request::*;
