//! Grants: a candidate's consent, and the grantee's record of each access.

mod close;
mod create;
mod record_access;
mod revoke;
mod update;

pub use close::*;
pub use create::*;
pub use record_access::*;
pub use revoke::*;
pub use update::*;
