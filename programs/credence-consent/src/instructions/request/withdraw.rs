use anchor_lang::prelude::*;

use crate::{
    constants::REQUEST_SEED, emit_event, error::ConsentError, events::RequestWithdrawn,
    state::AccessRequest,
};

/// Accounts of `withdraw_request`.
#[derive(Accounts)]
pub struct WithdrawRequest<'info> {
    /// The recruiter who made the request; receives the rent back.
    #[account(mut)]
    pub requester: Signer<'info>,
    /// The request, closed.
    #[account(
        mut,
        close = requester,
        seeds = [REQUEST_SEED, request.subject.as_ref(), request.requester.as_ref(), &request.request_id.to_le_bytes()],
        bump = request.bump,
        has_one = requester @ ConsentError::NotRequester,
    )]
    pub request: Box<Account<'info, AccessRequest>>,
}

impl WithdrawRequest<'_> {
    /// Closes the request before the candidate answers.
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(RequestWithdrawn {
            request: ctx.accounts.request.key(),
            subject: ctx.accounts.request.subject,
            requester: ctx.accounts.requester.key(),
        });
        Ok(())
    }
}
