//! Access requests: a recruiter asks, the candidate approves or declines, the recruiter may
//! withdraw.

mod approve;
mod create;
mod decline;
mod withdraw;

pub use approve::*;
pub use create::*;
pub use decline::*;
pub use withdraw::*;
