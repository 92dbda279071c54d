use anchor_lang::prelude::*;

use crate::{
    constants::ISSUER_SEED,
    emit_event,
    error::RegistryError,
    events::IssuerUpdated,
    state::{now, validate_display_name, validate_jurisdiction, validate_uri, Issuer},
};

/// Arguments of `update_issuer`: each field left `None` is kept.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateIssuerArgs {
    /// New display name.
    pub name: Option<String>,
    /// New website or DID document.
    pub uri: Option<String>,
    /// New jurisdiction code.
    pub jurisdiction: Option<String>,
}

/// Accounts of `update_issuer`.
#[derive(Accounts)]
pub struct UpdateIssuer<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        mut,
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
}

impl UpdateIssuer<'_> {
    /// Validates the new values; refuses an empty update and a revoked issuer.
    pub fn validate(&self, args: &UpdateIssuerArgs) -> Result<()> {
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        require!(
            args.name.is_some() || args.uri.is_some() || args.jurisdiction.is_some(),
            RegistryError::NothingToUpdate
        );
        if let Some(name) = &args.name {
            validate_display_name(name)?;
        }
        if let Some(uri) = &args.uri {
            validate_uri(uri)?;
        }
        if let Some(code) = &args.jurisdiction {
            validate_jurisdiction(code)?;
        }
        Ok(())
    }

    /// Updates the issuer's metadata.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: UpdateIssuerArgs) -> Result<()> {
        let issuer = &mut ctx.accounts.issuer;
        if let Some(name) = args.name {
            issuer.name = name;
        }
        if let Some(uri) = args.uri {
            issuer.uri = uri;
        }
        if let Some(code) = args.jurisdiction {
            issuer.jurisdiction = code;
        }
        issuer.updated_at = now()?;
        emit_event!(IssuerUpdated {
            issuer: issuer.key()
        });
        issuer.invariant()
    }
}
