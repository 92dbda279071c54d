use anchor_lang::prelude::*;
use credence_registry::state::now;

use super::{check_codes, check_listed_credentials};
use crate::{
    constants::LISTING_SEED,
    emit_event,
    error::ConsentError,
    events::ListingUpdated,
    state::{CredentialRef, Listing, CODE_LEN},
};

/// Arguments of `update_listing`: each field left `None` is kept.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateListingArgs {
    /// New occupation code.
    pub occupation: Option<[u8; CODE_LEN]>,
    /// New region code.
    pub region: Option<[u8; CODE_LEN]>,
    /// New available-from date (unix seconds).
    pub available_from: Option<i64>,
    /// New credential list; its accounts follow as remaining accounts, in order.
    pub credentials: Option<Vec<CredentialRef>>,
}

/// Accounts of `update_listing`. Remaining accounts: the new credential accounts, if the list
/// changes.
#[derive(Accounts)]
pub struct UpdateListing<'info> {
    /// The candidate.
    pub subject: Signer<'info>,
    /// Her listing.
    #[account(
        mut,
        seeds = [LISTING_SEED, subject.key().as_ref()],
        bump = listing.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub listing: Box<Account<'info, Listing>>,
}

impl<'info> UpdateListing<'info> {
    /// Refuses an empty update and checks the listing as it will be after the change. When the
    /// credential list is kept, it is not re-checked.
    pub fn validate(
        &self,
        args: &UpdateListingArgs,
        remaining: &[AccountInfo<'info>],
    ) -> Result<()> {
        require!(
            args.occupation.is_some()
                || args.region.is_some()
                || args.available_from.is_some()
                || args.credentials.is_some(),
            ConsentError::NothingToUpdate
        );
        let listing = &self.listing;
        check_codes(
            &args.occupation.unwrap_or(listing.occupation),
            &args.region.unwrap_or(listing.region),
        )?;
        match &args.credentials {
            Some(credentials) => check_listed_credentials(&listing.subject, credentials, remaining),
            None => Ok(()),
        }
    }

    /// Applies the change.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: UpdateListingArgs) -> Result<()> {
        let listing = &mut ctx.accounts.listing;
        if let Some(occupation) = args.occupation {
            listing.occupation = occupation;
        }
        if let Some(region) = args.region {
            listing.region = region;
        }
        if let Some(available_from) = args.available_from {
            listing.available_from = available_from;
        }
        if let Some(credentials) = args.credentials {
            listing.credentials = credentials;
        }
        listing.updated_at = now()?;
        emit_event!(ListingUpdated {
            listing: listing.key(),
            occupation: listing.occupation,
            region: listing.region,
            available_from: listing.available_from,
            credentials: listing.credentials.len() as u8,
        });
        listing.invariant()
    }
}
