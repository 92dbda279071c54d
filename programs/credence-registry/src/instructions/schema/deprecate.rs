use anchor_lang::prelude::*;

use crate::{
    constants::{ISSUER_SEED, SCHEMA_SEED},
    emit_event,
    error::RegistryError,
    events::SchemaDeprecated,
    state::{Issuer, Schema},
};

/// Accounts of `deprecate_schema`.
#[derive(Accounts)]
pub struct DeprecateSchema<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The schema.
    #[account(
        mut,
        seeds = [SCHEMA_SEED, issuer.key().as_ref(), schema.name.as_bytes(), &schema.schema_version.to_le_bytes()],
        bump = schema.bump,
        has_one = issuer @ RegistryError::SchemaMismatch,
    )]
    pub schema: Box<Account<'info, Schema>>,
}

impl DeprecateSchema<'_> {
    /// Refuses a schema that is already deprecated.
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.schema.deprecated,
            RegistryError::SchemaAlreadyDeprecated
        );
        Ok(())
    }

    /// Marks the schema deprecated; existing credentials keep verifying.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.schema.deprecated = true;
        emit_event!(SchemaDeprecated {
            issuer: ctx.accounts.issuer.key(),
            schema: ctx.accounts.schema.key(),
        });
        ctx.accounts.schema.invariant()
    }
}
