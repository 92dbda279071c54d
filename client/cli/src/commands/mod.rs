//! One file per command group.

pub mod airdrop;
pub mod cohort;
pub mod credential;
pub mod demo;
pub mod grant;
pub mod issuer;
pub mod localnet;
pub mod pool;
pub mod registry;
pub mod request;
pub mod schema;
pub mod verify;
pub mod watch;
