use anchor_lang::prelude::*;

use super::IssuerAdmin;
use crate::{error::RegistryError, state::IssuerStatus};

impl IssuerAdmin<'_> {
    /// Suspends an accredited issuer: it may not issue, and its credentials do not verify.
    pub fn suspend(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.transition(
            &[IssuerStatus::Accredited],
            RegistryError::IssuerNotAccredited,
            IssuerStatus::Suspended,
        )
    }
}
