//! Test support for the Credence programs in the real Solana runtime: the programs compiled
//! natively and registered as builtins in `solana-program-test`, a small chain wrapper, a
//! scenario builder (registry → issuer → schema → credential → grant) and exact-error assertions.

pub mod chain;
pub mod scenario;

pub use chain::*;
pub use scenario::*;
