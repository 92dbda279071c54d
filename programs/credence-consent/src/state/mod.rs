//! Account types of the consent program.

mod grant;

pub use grant::*;
