//! Issuers: self-registration, the admin's accreditation decisions, metadata and key rotation.

mod accredit;
mod admin;
mod register;
mod reinstate;
mod revoke;
mod rotate_authority;
mod suspend;
mod update;

pub use admin::*;
pub use register::*;
pub use rotate_authority::*;
pub use update::*;
