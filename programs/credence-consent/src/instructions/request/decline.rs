use anchor_lang::prelude::*;

use crate::{
    constants::REQUEST_SEED, emit_event, error::ConsentError, events::RequestDeclined,
    state::AccessRequest,
};

/// Accounts of `decline_request`.
#[derive(Accounts)]
pub struct DeclineRequest<'info> {
    /// The candidate.
    pub subject: Signer<'info>,
    /// The requester: receives the request's rent back.
    /// CHECK: only lamports are credited; the address must be the request's requester.
    #[account(mut, address = request.requester @ ConsentError::RequesterMismatch)]
    pub requester: UncheckedAccount<'info>,
    /// The request, closed.
    #[account(
        mut,
        close = requester,
        seeds = [REQUEST_SEED, request.subject.as_ref(), request.requester.as_ref(), &request.request_id.to_le_bytes()],
        bump = request.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub request: Box<Account<'info, AccessRequest>>,
}

impl DeclineRequest<'_> {
    /// Closes the request without a grant; the requester learns only that she declined.
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(RequestDeclined {
            request: ctx.accounts.request.key(),
            subject: ctx.accounts.subject.key(),
            requester: ctx.accounts.requester.key(),
        });
        Ok(())
    }
}
