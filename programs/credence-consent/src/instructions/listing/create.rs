use anchor_lang::prelude::*;
use credence_registry::state::now;

use super::{check_codes, check_listed_credentials};
use crate::{
    constants::{ACCOUNT_VERSION, LISTING_SEED},
    emit_event,
    events::ListingCreated,
    state::{CredentialRef, Listing, CODE_LEN},
};

/// Arguments of `create_listing`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateListingArgs {
    /// Occupation code (upper-case ASCII, zero-padded), for example ISCO-08 `2221`.
    pub occupation: [u8; CODE_LEN],
    /// Region code (upper-case ASCII, zero-padded), for example `GB-ENG`.
    pub region: [u8; CODE_LEN],
    /// When she can start (unix seconds; may be in the past: "available now").
    pub available_from: i64,
    /// The credentials the listing vouches for (1 to 16, her own); their accounts follow as
    /// remaining accounts, in order.
    pub credentials: Vec<CredentialRef>,
}

/// Accounts of `create_listing`. Remaining accounts: the credential accounts, in order.
#[derive(Accounts)]
pub struct CreateListing<'info> {
    /// The candidate: signs and pays the rent.
    #[account(mut)]
    pub subject: Signer<'info>,
    /// The new listing (one per candidate).
    #[account(
        init,
        payer = subject,
        space = 8 + Listing::INIT_SPACE,
        seeds = [LISTING_SEED, subject.key().as_ref()],
        bump,
    )]
    pub listing: Box<Account<'info, Listing>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl<'info> CreateListing<'info> {
    /// Checks the codes and every credential listed.
    pub fn validate(
        &self,
        args: &CreateListingArgs,
        remaining: &[AccountInfo<'info>],
    ) -> Result<()> {
        check_codes(&args.occupation, &args.region)?;
        check_listed_credentials(&self.subject.key(), &args.credentials, remaining)
    }

    /// Publishes the listing in the pool.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: CreateListingArgs) -> Result<()> {
        let now = now()?;
        let subject = ctx.accounts.subject.key();
        let listing = &mut ctx.accounts.listing;
        listing.set_inner(Listing {
            subject,
            occupation: args.occupation,
            region: args.region,
            available_from: args.available_from,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.listing,
            created_at: now,
            updated_at: now,
            credentials: args.credentials,
            reserved: [0; 32],
        });
        emit_event!(ListingCreated {
            listing: listing.key(),
            subject,
            occupation: args.occupation,
            region: args.region,
            available_from: args.available_from,
            credentials: listing.credentials.len() as u8,
        });
        listing.invariant()
    }
}
