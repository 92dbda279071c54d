use anchor_lang::prelude::*;

use crate::{
    constants::REGISTRY_SEED, emit_event, error::RegistryError, events::RegistryPauseChanged,
    state::Registry,
};

/// Arguments of `set_paused`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetPausedArgs {
    /// `true` to pause, `false` to resume.
    pub paused: bool,
}

/// Accounts of `set_paused`.
#[derive(Accounts)]
pub struct SetPaused<'info> {
    /// The admin.
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

impl SetPaused<'_> {
    /// Refuses a call that would not change the pause state.
    pub fn validate(&self, args: &SetPausedArgs) -> Result<()> {
        require!(
            self.registry.paused != args.paused,
            RegistryError::PauseUnchanged
        );
        Ok(())
    }

    /// Pauses or resumes the registry.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: SetPausedArgs) -> Result<()> {
        let registry = &mut ctx.accounts.registry;
        registry.paused = args.paused;
        emit_event!(RegistryPauseChanged {
            registry: registry.key(),
            paused: args.paused,
        });
        registry.invariant()
    }
}
