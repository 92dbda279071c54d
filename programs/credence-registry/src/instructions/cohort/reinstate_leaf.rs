use anchor_lang::prelude::*;

use super::{CohortLeafArgs, CohortLeafAuthority};
use crate::{constants::PERMISSION_SUSPEND, error::RegistryError, state::CredentialStatus};

impl CohortLeafAuthority<'_> {
    /// Reinstates a suspended leaf, as `reinstate_credential` does a credential. The issuer must
    /// be accredited and the registry running.
    pub fn reinstate(ctx: Context<Self>, args: CohortLeafArgs) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_SUSPEND, &args)?;
        accounts.require_issuer_in_good_standing()?;
        require!(
            accounts.leaf_status(args.index)? == CredentialStatus::Suspended,
            RegistryError::CredentialNotSuspended
        );
        accounts.set_leaf_status(ctx.bumps.status_page, &args, CredentialStatus::Active)
    }
}
