//! One instruction per file.

pub mod grant;

pub use grant::*;
