use anchor_lang::prelude::*;

use crate::{
    constants::{ACCOUNT_VERSION, REGISTRY_SEED},
    emit_event,
    events::RegistryCreated,
    state::{now, validate_seed_name, Registry},
};

/// Arguments of `create_registry`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateRegistryArgs {
    /// Registry name, unique per admin (1 to 32 bytes).
    pub name: String,
}

/// Accounts of `create_registry`.
#[derive(Accounts)]
#[instruction(args: CreateRegistryArgs)]
pub struct CreateRegistry<'info> {
    /// The admin: signs, pays the rent, and is part of the address (no one else can take the name).
    #[account(mut)]
    pub admin: Signer<'info>,
    /// The new registry.
    #[account(
        init,
        payer = admin,
        space = 8 + Registry::INIT_SPACE,
        seeds = [REGISTRY_SEED, admin.key().as_ref(), args.name.as_bytes()],
        bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl CreateRegistry<'_> {
    /// Validates the arguments before any account changes.
    pub fn validate(&self, args: &CreateRegistryArgs) -> Result<()> {
        validate_seed_name(&args.name)
    }

    /// Creates the registry with the signer as admin.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: CreateRegistryArgs) -> Result<()> {
        let registry = &mut ctx.accounts.registry;
        let admin = ctx.accounts.admin.key();
        registry.set_inner(Registry {
            creator: admin,
            admin,
            pending_admin: None,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.registry,
            paused: false,
            name: args.name.clone(),
            issuer_count: 0,
            accredited_count: 0,
            created_at: now()?,
            reserved: [0; 64],
        });
        emit_event!(RegistryCreated {
            registry: registry.key(),
            admin,
            name: args.name,
        });
        registry.invariant()
    }
}
