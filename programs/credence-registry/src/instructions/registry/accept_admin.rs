use anchor_lang::prelude::*;

use crate::{
    constants::REGISTRY_SEED, emit_event, error::RegistryError, events::AdminTransferred,
    state::Registry,
};

/// Accounts of `accept_admin`.
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    /// The pending admin.
    pub new_admin: Signer<'info>,
    /// The registry.
    #[account(
        mut,
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
}

impl AcceptAdmin<'_> {
    /// Refuses unless a transfer is pending to the signer.
    pub fn validate(&self) -> Result<()> {
        let pending = self
            .registry
            .pending_admin
            .ok_or(RegistryError::NoPendingAdmin)?;
        require_keys_eq!(
            pending,
            self.new_admin.key(),
            RegistryError::NotPendingAdmin
        );
        Ok(())
    }

    /// Makes the pending admin the admin.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let registry = &mut ctx.accounts.registry;
        let previous_admin = registry.admin;
        registry.admin = ctx.accounts.new_admin.key();
        registry.pending_admin = None;
        emit_event!(AdminTransferred {
            registry: registry.key(),
            previous_admin,
            admin: registry.admin,
        });
        registry.invariant()
    }
}
