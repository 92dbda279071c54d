use anchor_lang::prelude::*;

use crate::{
    constants::{ACCOUNT_VERSION, ISSUER_SEED, SCHEMA_SEED},
    emit_event,
    error::RegistryError,
    events::SchemaCreated,
    state::{now, validate_seed_name, validate_uri, Issuer, Schema, SchemaFee},
};

/// Arguments of `create_schema`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateSchemaArgs {
    /// Schema name (1 to 32 bytes), part of the address.
    pub name: String,
    /// Schema version, part of the address.
    pub version: u16,
    /// Where the JSON schema is published (at most 128 bytes).
    pub uri: String,
    /// SHA-256 of the JSON schema document.
    pub schema_hash: [u8; 32],
    /// Validity applied when an issuance gives no expiry, in seconds (0: none).
    pub default_validity_secs: i64,
    /// Whether credentials of this schema can be suspended.
    pub suspendable: bool,
}

/// Accounts of `create_schema`.
#[derive(Accounts)]
#[instruction(args: CreateSchemaArgs)]
pub struct CreateSchema<'info> {
    /// The issuer's authority: signs and pays the rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        mut,
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The new schema.
    #[account(
        init,
        payer = authority,
        space = 8 + Schema::INIT_SPACE,
        seeds = [SCHEMA_SEED, issuer.key().as_ref(), args.name.as_bytes(), &args.version.to_le_bytes()],
        bump,
    )]
    pub schema: Box<Account<'info, Schema>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl CreateSchema<'_> {
    /// Validates the arguments; a revoked issuer cannot publish schemas.
    pub fn validate(&self, args: &CreateSchemaArgs) -> Result<()> {
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        validate_seed_name(&args.name)?;
        validate_uri(&args.uri)?;
        require!(
            args.default_validity_secs >= 0,
            RegistryError::InvalidValidityPeriod
        );
        Ok(())
    }

    /// Publishes the schema.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: CreateSchemaArgs) -> Result<()> {
        let issuer = &mut ctx.accounts.issuer;
        issuer.record_schema()?;
        let schema = &mut ctx.accounts.schema;
        schema.set_inner(Schema {
            issuer: issuer.key(),
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.schema,
            name: args.name.clone(),
            schema_version: args.version,
            uri: args.uri,
            schema_hash: args.schema_hash,
            default_validity_secs: args.default_validity_secs,
            suspendable: args.suspendable,
            deprecated: false,
            credentials_issued: 0,
            created_at: now()?,
            fee: SchemaFee::default(),
            reserved: [0; 23],
        });
        emit_event!(SchemaCreated {
            issuer: issuer.key(),
            schema: schema.key(),
            name: args.name,
            version: args.version,
        });
        schema.invariant()?;
        issuer.invariant()
    }
}
