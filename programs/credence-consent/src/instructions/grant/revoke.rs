use anchor_lang::prelude::*;
use credence_registry::state::now;

use crate::{
    constants::GRANT_SEED, emit_event, error::ConsentError, events::GrantRevoked, state::Grant,
};

/// Accounts of `revoke_grant`.
#[derive(Accounts)]
pub struct RevokeGrant<'info> {
    /// The candidate.
    pub subject: Signer<'info>,
    /// The grant.
    #[account(
        mut,
        seeds = [GRANT_SEED, subject.key().as_ref(), grant.grantee.as_ref(), &grant.grant_id.to_le_bytes()],
        bump = grant.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub grant: Box<Account<'info, Grant>>,
}

impl RevokeGrant<'_> {
    /// Refuses a grant that is already revoked.
    pub fn validate(&self) -> Result<()> {
        require!(!self.grant.is_revoked(), ConsentError::GrantRevoked);
        Ok(())
    }

    /// Revokes the grant at once; the grantee can no longer record access under it.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let grant = &mut ctx.accounts.grant;
        grant.revoked_at = now()?;
        emit_event!(GrantRevoked {
            grant: grant.key(),
            subject: grant.subject,
            grantee: grant.grantee,
            revoked_at: grant.revoked_at,
        });
        grant.invariant()
    }
}
