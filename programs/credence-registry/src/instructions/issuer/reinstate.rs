use anchor_lang::prelude::*;

use super::IssuerAdmin;
use crate::{error::RegistryError, state::IssuerStatus};

impl IssuerAdmin<'_> {
    /// Reinstates a suspended issuer.
    pub fn reinstate(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.transition(
            &[IssuerStatus::Suspended],
            RegistryError::IssuerNotSuspended,
            IssuerStatus::Accredited,
        )
    }
}
