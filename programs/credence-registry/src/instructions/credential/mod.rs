//! Credentials: issuance and the issuer side's status changes.

mod authority;
mod close;
mod issue;
mod issue_batch;
mod reinstate;
mod renew;
mod revoke;
mod suspend;

pub use authority::*;
pub use close::*;
pub use issue::*;
pub use issue_batch::*;
pub use renew::*;
pub use revoke::*;
