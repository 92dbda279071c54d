//! Schemas: the credential types an issuer publishes, and their verification fees.

mod clear_fee;
mod create;
mod deprecate;
mod set_fee;

pub use clear_fee::*;
pub use create::*;
pub use deprecate::*;
pub use set_fee::*;
