use anchor_lang::prelude::*;

use crate::{
    constants::{ISSUER_SEED, REGISTRY_SEED},
    emit_event,
    error::RegistryError,
    events::IssuerStatusChanged,
    state::{now, Issuer, IssuerStatus, Registry},
};

/// Accounts of the admin's decisions on an issuer: `accredit_issuer`, `suspend_issuer`,
/// `reinstate_issuer` and `revoke_issuer` (each in its own file).
#[derive(Accounts)]
pub struct IssuerAdmin<'info> {
    /// The registry admin.
    pub admin: Signer<'info>,
    /// The registry.
    #[account(
        mut,
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
        has_one = admin @ RegistryError::NotAdmin,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The issuer decided on.
    #[account(
        mut,
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
}

impl IssuerAdmin<'_> {
    /// Moves the issuer from any status of `allowed_from` to `to` (refused with `refusal`
    /// otherwise), keeping the accredited count and emitting the change.
    pub(crate) fn transition(
        &mut self,
        allowed_from: &[IssuerStatus],
        refusal: RegistryError,
        to: IssuerStatus,
    ) -> Result<()> {
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        let previous = self.issuer.status;
        if !allowed_from.contains(&previous) {
            return Err(refusal.into());
        }
        self.registry.on_issuer_status_change(previous, to)?;
        self.issuer.status = to;
        self.issuer.updated_at = now()?;
        emit_event!(IssuerStatusChanged {
            registry: self.registry.key(),
            issuer: self.issuer.key(),
            previous,
            status: to,
        });
        self.issuer.invariant()?;
        self.registry.invariant()
    }
}
