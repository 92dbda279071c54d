use anchor_lang::prelude::*;

use super::IssuerAdmin;
use crate::{error::RegistryError, state::IssuerStatus};

/// Arguments of `accredit_issuer_checked`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct AccreditIssuerCheckedArgs {
    /// The authority the admin means to accredit: the key the institution gave the admin out of
    /// band. An issuer id registered first by anyone else is refused instead of accredited.
    pub authority: Pubkey,
}

impl IssuerAdmin<'_> {
    /// Accredits a pending issuer only if its authority is the one the admin names: the guard
    /// against a front-runner that registered the institution's public issuer id first.
    pub fn accredit_checked(ctx: Context<Self>, args: AccreditIssuerCheckedArgs) -> Result<()> {
        require_keys_eq!(
            ctx.accounts.issuer.authority,
            args.authority,
            RegistryError::IssuerAuthorityMismatch
        );
        ctx.accounts.transition(
            &[IssuerStatus::Pending],
            RegistryError::IssuerNotPending,
            IssuerStatus::Accredited,
        )
    }
}
