use anchor_lang::prelude::*;

use super::IssuerAdmin;
use crate::{error::RegistryError, state::IssuerStatus};

impl IssuerAdmin<'_> {
    /// Accredits a pending issuer: it may now issue credentials.
    pub fn accredit(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.transition(
            &[IssuerStatus::Pending],
            RegistryError::IssuerNotPending,
            IssuerStatus::Accredited,
        )
    }
}
