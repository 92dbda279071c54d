use anchor_lang::prelude::*;

use crate::{
    constants::GRANT_SEED, emit_event, error::ConsentError, events::GrantClosed, state::Grant,
};

/// Accounts of `close_grant`.
#[derive(Accounts)]
pub struct CloseGrant<'info> {
    /// The candidate; receives the rent.
    #[account(mut)]
    pub subject: Signer<'info>,
    /// The grant, closed.
    #[account(
        mut,
        close = subject,
        seeds = [GRANT_SEED, subject.key().as_ref(), grant.grantee.as_ref(), &grant.grant_id.to_le_bytes()],
        bump = grant.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub grant: Box<Account<'info, Grant>>,
}

impl CloseGrant<'_> {
    /// Closes the grant (in force or not) and returns the rent to the subject. Past accesses stay
    /// in the transaction history as `AccessRecorded` events.
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(GrantClosed {
            grant: ctx.accounts.grant.key(),
            subject: ctx.accounts.subject.key(),
        });
        Ok(())
    }
}
