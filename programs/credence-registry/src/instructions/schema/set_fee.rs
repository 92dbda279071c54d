use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, TokenAccount};

use crate::{
    constants::{ISSUER_SEED, SCHEMA_SEED},
    emit_event,
    error::RegistryError,
    events::SchemaFeeSet,
    state::{Issuer, Schema, SchemaFee},
};

/// Arguments of `set_schema_fee`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetSchemaFeeArgs {
    /// The fee per verified credential, in the mint's base units (more than zero; use
    /// `clear_schema_fee` to remove a fee).
    pub amount: u64,
}

/// Accounts of `set_schema_fee`: sets or changes a schema's verification fee.
#[derive(Accounts)]
pub struct SetSchemaFee<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The schema that will charge the fee.
    #[account(
        mut,
        seeds = [SCHEMA_SEED, issuer.key().as_ref(), schema.name.as_bytes(), &schema.schema_version.to_le_bytes()],
        bump = schema.bump,
        has_one = issuer @ RegistryError::SchemaMismatch,
    )]
    pub schema: Box<Account<'info, Schema>>,
    /// The SPL Token mint the fee is paid in (owned by the SPL Token program).
    pub mint: Box<Account<'info, Mint>>,
    /// The issuer's treasury: a token account of `mint` that receives the fees.
    #[account(constraint = treasury.mint == mint.key() @ RegistryError::TreasuryMintMismatch)]
    pub treasury: Box<Account<'info, TokenAccount>>,
}

impl SetSchemaFee<'_> {
    /// Refuses a zero amount (that is `clear_schema_fee`), a revoked issuer and a fee identical
    /// to the current one.
    pub fn validate(&self, args: &SetSchemaFeeArgs) -> Result<SchemaFee> {
        require!(args.amount > 0, RegistryError::FeeAmountZero);
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        let fee = SchemaFee {
            mint: self.mint.key(),
            treasury: self.treasury.key(),
            amount: args.amount,
            decimals: self.mint.decimals,
        };
        require!(fee != self.schema.fee, RegistryError::NothingToUpdate);
        Ok(fee)
    }

    /// Records the fee; recruiters pay it from the next `record_access` on.
    pub fn handle(ctx: Context<Self>, args: SetSchemaFeeArgs) -> Result<()> {
        let fee = ctx.accounts.validate(&args)?;
        ctx.accounts.schema.fee = fee;
        emit_event!(SchemaFeeSet {
            issuer: ctx.accounts.issuer.key(),
            schema: ctx.accounts.schema.key(),
            mint: fee.mint,
            treasury: fee.treasury,
            amount: fee.amount,
            decimals: fee.decimals,
        });
        ctx.accounts.schema.invariant()
    }
}
