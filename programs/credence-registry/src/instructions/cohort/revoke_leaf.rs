use anchor_lang::prelude::*;

use super::{CohortLeafArgs, CohortLeafAuthority};
use crate::{
    constants::{PERMISSION_REVOKE, REASON_UNSPECIFIED},
    error::RegistryError,
    state::CredentialStatus,
};

impl CohortLeafAuthority<'_> {
    /// Revokes a leaf for good, with a reason code, as `revoke_credential` does a credential.
    /// Allowed even while the registry is paused or the issuer suspended.
    pub fn revoke(ctx: Context<Self>, args: CohortLeafArgs) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_REVOKE, &args)?;
        require!(
            args.reason != REASON_UNSPECIFIED,
            RegistryError::ReasonRequired
        );
        require!(
            accounts.leaf_status(args.index)? != CredentialStatus::Revoked,
            RegistryError::CredentialRevoked
        );
        accounts.set_leaf_status(ctx.bumps.status_page, &args, CredentialStatus::Revoked)
    }
}
