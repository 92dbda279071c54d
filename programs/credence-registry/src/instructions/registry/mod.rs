//! Registry governance: creation, two-step admin transfer, pause.

mod accept_admin;
mod create;
mod set_paused;
mod transfer_admin;

pub use accept_admin::*;
pub use create::*;
pub use set_paused::*;
pub use transfer_admin::*;
