use anchor_lang::prelude::*;

use crate::{
    constants::{ACCOUNT_VERSION, ISSUER_SEED, REGISTRY_SEED},
    emit_event,
    events::IssuerRegistered,
    state::{
        now, validate_display_name, validate_jurisdiction, validate_seed_name, validate_uri,
        Issuer, IssuerStatus, Registry,
    },
};

/// Arguments of `register_issuer`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RegisterIssuerArgs {
    /// Id within the registry (1 to 32 bytes), part of the issuer's address.
    pub issuer_id: String,
    /// Display name (1 to 64 bytes).
    pub name: String,
    /// Website or DID document (at most 128 bytes).
    pub uri: String,
    /// Jurisdiction code (1 to 8 bytes).
    pub jurisdiction: String,
}

/// Accounts of `register_issuer`.
#[derive(Accounts)]
#[instruction(args: RegisterIssuerArgs)]
pub struct RegisterIssuer<'info> {
    /// The issuer's authority key: signs and pays the rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The registry to join.
    #[account(
        mut,
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The new issuer, pending accreditation.
    #[account(
        init,
        payer = authority,
        space = 8 + Issuer::INIT_SPACE,
        seeds = [ISSUER_SEED, registry.key().as_ref(), args.issuer_id.as_bytes()],
        bump,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl RegisterIssuer<'_> {
    /// Validates the arguments.
    pub fn validate(&self, args: &RegisterIssuerArgs) -> Result<()> {
        validate_seed_name(&args.issuer_id)?;
        validate_display_name(&args.name)?;
        validate_uri(&args.uri)?;
        validate_jurisdiction(&args.jurisdiction)
    }

    /// Creates the issuer in `Pending` status.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: RegisterIssuerArgs) -> Result<()> {
        let timestamp = now()?;
        let registry = &mut ctx.accounts.registry;
        registry.record_issuer()?;
        let issuer = &mut ctx.accounts.issuer;
        issuer.set_inner(Issuer {
            registry: registry.key(),
            authority: ctx.accounts.authority.key(),
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.issuer,
            status: IssuerStatus::Pending,
            issuer_id: args.issuer_id.clone(),
            name: args.name,
            uri: args.uri,
            jurisdiction: args.jurisdiction,
            registered_at: timestamp,
            updated_at: timestamp,
            credentials_issued: 0,
            schema_count: 0,
            delegate_count: 0,
            reserved: [0; 64],
        });
        emit_event!(IssuerRegistered {
            registry: registry.key(),
            issuer: issuer.key(),
            authority: issuer.authority,
            issuer_id: args.issuer_id,
        });
        issuer.invariant()?;
        registry.invariant()
    }
}
