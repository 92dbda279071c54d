//! One instruction per file.

pub mod checks;
pub mod grant;
pub mod listing;
pub mod request;

pub use grant::*;
pub use listing::*;
pub use request::*;
