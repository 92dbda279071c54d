use anchor_lang::prelude::*;

use crate::{
    constants::REGISTRY_SEED, emit_event, error::RegistryError, events::AdminTransferProposed,
    state::Registry,
};

/// Arguments of `transfer_admin`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TransferAdminArgs {
    /// The proposed admin; it must accept with `accept_admin`.
    pub new_admin: Pubkey,
}

/// Accounts of `transfer_admin`.
#[derive(Accounts)]
pub struct TransferAdmin<'info> {
    /// The current admin.
    pub admin: Signer<'info>,
    /// The registry.
    #[account(
        mut,
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
        has_one = admin @ RegistryError::NotAdmin,
    )]
    pub registry: Box<Account<'info, Registry>>,
}

impl TransferAdmin<'_> {
    /// Records the proposed admin; the current admin stays in charge until it accepts.
    pub fn handle(ctx: Context<Self>, args: TransferAdminArgs) -> Result<()> {
        let registry = &mut ctx.accounts.registry;
        registry.pending_admin = Some(args.new_admin);
        emit_event!(AdminTransferProposed {
            registry: registry.key(),
            admin: registry.admin,
            pending_admin: args.new_admin,
        });
        registry.invariant()
    }
}
