//! Issuers: self-registration, the admin's accreditation decisions, metadata and key rotation.

mod accredit;
mod accredit_checked;
mod admin;
mod register;
mod reinstate;
mod revoke;
mod rotate_authority;
mod suspend;
mod update;

pub use accredit_checked::*;
pub use admin::*;
pub use register::*;
pub use rotate_authority::*;
pub use update::*;
