use anchor_lang::prelude::*;

use super::CredentialAuthority;
use crate::{constants::PERMISSION_SUSPEND, error::RegistryError, state::CredentialStatus};

impl CredentialAuthority<'_> {
    /// Reinstates a suspended credential. The issuer must be accredited and the registry running.
    pub fn reinstate(ctx: Context<Self>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_SUSPEND)?;
        accounts.require_issuer_in_good_standing()?;
        require!(
            accounts.credential.status == CredentialStatus::Suspended,
            RegistryError::CredentialNotSuspended
        );
        accounts.set_status(CredentialStatus::Active, 0)
    }
}
