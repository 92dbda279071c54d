use anchor_lang::prelude::*;

use super::{CohortLeafArgs, CohortLeafAuthority};
use crate::{constants::PERMISSION_SUSPEND, error::RegistryError, state::CredentialStatus};

impl CohortLeafAuthority<'_> {
    /// Suspends an active leaf of a suspendable schema, as `suspend_credential` does a
    /// credential. Allowed even while the registry is paused or the issuer suspended:
    /// withdrawing trust must never be blocked.
    pub fn suspend(ctx: Context<Self>, args: CohortLeafArgs) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_SUSPEND, &args)?;
        require!(
            accounts.schema.suspendable,
            RegistryError::SchemaNotSuspendable
        );
        require!(
            accounts.leaf_status(args.index)? == CredentialStatus::Active,
            RegistryError::CredentialNotActive
        );
        accounts.set_leaf_status(ctx.bumps.status_page, &args, CredentialStatus::Suspended)
    }
}
