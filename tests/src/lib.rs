//! Test support for the Credence programs in the real Solana runtime: the programs compiled
//! natively and registered as builtins in `solana-program-test`, a small chain wrapper, a
//! scenario builder (registry → issuer → schema → credential → grant) and exact-error assertions.
//! [`security`] adds what the adversarial, property and malformed-data tests need.

pub mod chain;
pub mod cohort_privacy;
pub mod fees;
pub mod fixtures;
pub mod scenario;
pub mod security;

pub use chain::*;
pub use fees::*;
pub use scenario::*;
