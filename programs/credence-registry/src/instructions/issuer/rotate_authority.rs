use anchor_lang::prelude::*;

use crate::{
    constants::ISSUER_SEED,
    emit_event,
    error::RegistryError,
    events::IssuerAuthorityRotated,
    state::{now, Issuer},
};

/// Accounts of `rotate_issuer_authority`.
#[derive(Accounts)]
pub struct RotateIssuerAuthority<'info> {
    /// The current authority.
    pub authority: Signer<'info>,
    /// The new authority: signs too, proving the issuer holds the new key.
    pub new_authority: Signer<'info>,
    /// The issuer; its address does not change.
    #[account(
        mut,
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
}

impl RotateIssuerAuthority<'_> {
    /// Refuses a no-op rotation and a revoked issuer.
    pub fn validate(&self) -> Result<()> {
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        require_keys_neq!(
            self.authority.key(),
            self.new_authority.key(),
            RegistryError::AuthorityUnchanged
        );
        Ok(())
    }

    /// Replaces the issuer's authority key.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let issuer = &mut ctx.accounts.issuer;
        let previous_authority = issuer.authority;
        issuer.authority = ctx.accounts.new_authority.key();
        issuer.updated_at = now()?;
        emit_event!(IssuerAuthorityRotated {
            issuer: issuer.key(),
            previous_authority,
            authority: issuer.authority,
        });
        issuer.invariant()
    }
}
