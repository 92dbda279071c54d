use anchor_lang::prelude::*;

use super::IssuerAdmin;
use crate::{error::RegistryError, state::IssuerStatus};

impl IssuerAdmin<'_> {
    /// Revokes an issuer for good; its credentials stop verifying.
    pub fn revoke(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.transition(
            &[
                IssuerStatus::Pending,
                IssuerStatus::Accredited,
                IssuerStatus::Suspended,
            ],
            RegistryError::IssuerRevoked,
            IssuerStatus::Revoked,
        )
    }
}
