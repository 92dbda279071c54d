use anchor_lang::prelude::*;

use super::CredentialAuthority;
use crate::{
    constants::PERMISSION_RENEW, emit_event, error::RegistryError, events::CredentialRenewed,
};

/// Arguments of `renew_credential`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RenewCredentialArgs {
    /// The new expiry (unix seconds): later than the current one and in the future.
    pub expires_at: i64,
}

impl CredentialAuthority<'_> {
    /// Extends a credential's expiry (a renewed licence). Not for revoked credentials; the issuer
    /// must be accredited and the registry running.
    pub fn renew(ctx: Context<Self>, args: RenewCredentialArgs) -> Result<()> {
        let accounts = ctx.accounts;
        let now = accounts.authorize(PERMISSION_RENEW)?;
        accounts.require_issuer_in_good_standing()?;
        let credential = &mut accounts.credential;
        require!(!credential.is_revoked(), RegistryError::CredentialRevoked);
        let previous_expires_at = credential.expires_at;
        require!(
            previous_expires_at != 0 && args.expires_at > previous_expires_at,
            RegistryError::ExpiryNotExtended
        );
        require!(args.expires_at > now, RegistryError::ExpiryInPast);
        credential.expires_at = args.expires_at;
        emit_event!(CredentialRenewed {
            credential: credential.key(),
            previous_expires_at,
            expires_at: args.expires_at,
        });
        credential.invariant()
    }
}
