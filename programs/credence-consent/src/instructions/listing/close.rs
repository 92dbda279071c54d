use anchor_lang::prelude::*;

use crate::{
    constants::LISTING_SEED, emit_event, error::ConsentError, events::ListingClosed, state::Listing,
};

/// Accounts of `close_listing`.
#[derive(Accounts)]
pub struct CloseListing<'info> {
    /// The candidate; receives the rent.
    #[account(mut)]
    pub subject: Signer<'info>,
    /// Her listing, closed.
    #[account(
        mut,
        close = subject,
        seeds = [LISTING_SEED, subject.key().as_ref()],
        bump = listing.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub listing: Box<Account<'info, Listing>>,
}

impl CloseListing<'_> {
    /// Takes the listing out of the pool and returns the rent. Requests already made stay open
    /// until she answers them or the requester withdraws.
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(ListingClosed {
            listing: ctx.accounts.listing.key(),
            subject: ctx.accounts.subject.key(),
        });
        Ok(())
    }
}
