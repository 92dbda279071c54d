//! Cohorts: up to `2^20` credentials issued as one Merkle root, each leaf's status changed on its
//! own, and the cohort closed once expired.

mod close;
mod close_page;
mod issue;
mod leaf;
mod reinstate_leaf;
mod revoke_leaf;
mod suspend_leaf;

pub use close::*;
pub use close_page::*;
pub use issue::*;
pub use leaf::*;
