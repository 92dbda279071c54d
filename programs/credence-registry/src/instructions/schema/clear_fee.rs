use anchor_lang::prelude::*;

use crate::{
    constants::{ISSUER_SEED, SCHEMA_SEED},
    emit_event,
    error::RegistryError,
    events::SchemaFeeCleared,
    state::{Issuer, Schema, SchemaFee},
};

/// Accounts of `clear_schema_fee`: removes a schema's verification fee.
#[derive(Accounts)]
pub struct ClearSchemaFee<'info> {
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

impl ClearSchemaFee<'_> {
    /// Refuses a schema without a fee.
    pub fn validate(&self) -> Result<()> {
        require!(self.schema.fee.is_set(), RegistryError::NoFeeSet);
        Ok(())
    }

    /// Zeroes the fee: verifications of this schema are free again.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.schema.fee = SchemaFee::default();
        emit_event!(SchemaFeeCleared {
            issuer: ctx.accounts.issuer.key(),
            schema: ctx.accounts.schema.key(),
        });
        ctx.accounts.schema.invariant()
    }
}
