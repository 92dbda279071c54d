use anchor_lang::prelude::*;

use super::CredentialAuthority;
use crate::{constants::PERMISSION_SUSPEND, error::RegistryError, state::CredentialStatus};

impl CredentialAuthority<'_> {
    /// Suspends an active credential of a suspendable schema. Allowed even while the registry is
    /// paused or the issuer suspended: withdrawing trust must never be blocked.
    pub fn suspend(ctx: Context<Self>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_SUSPEND)?;
        require!(
            accounts.schema.suspendable,
            RegistryError::SchemaNotSuspendable
        );
        require!(
            accounts.credential.status == CredentialStatus::Active,
            RegistryError::CredentialNotActive
        );
        accounts.set_status(CredentialStatus::Suspended, 0)
    }
}
