use anchor_lang::prelude::*;

use super::CredentialAuthority;
use crate::{
    constants::{PERMISSION_REVOKE, REASON_UNSPECIFIED},
    error::RegistryError,
    state::CredentialStatus,
};

/// Arguments of `revoke_credential`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RevokeCredentialArgs {
    /// Why (`REASON_*`, non-zero).
    pub reason: u16,
}

impl CredentialAuthority<'_> {
    /// Revokes a credential for good, with a reason code. Allowed even while the registry is
    /// paused or the issuer suspended.
    pub fn revoke(ctx: Context<Self>, args: RevokeCredentialArgs) -> Result<()> {
        let accounts = ctx.accounts;
        accounts.authorize(PERMISSION_REVOKE)?;
        require!(
            args.reason != REASON_UNSPECIFIED,
            RegistryError::ReasonRequired
        );
        require!(
            !accounts.credential.is_revoked(),
            RegistryError::CredentialRevoked
        );
        accounts.set_status(CredentialStatus::Revoked, args.reason)
    }
}
