//! Schemas: the credential types an issuer publishes.

mod create;
mod deprecate;

pub use create::*;
pub use deprecate::*;
