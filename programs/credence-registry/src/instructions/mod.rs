//! One instruction per file, grouped by domain.

pub mod cohort;
pub mod credential;
pub mod delegate;
pub mod issuer;
pub mod registry;
pub mod schema;

pub use cohort::*;
pub use credential::*;
pub use delegate::*;
pub use issuer::*;
pub use registry::*;
pub use schema::*;
