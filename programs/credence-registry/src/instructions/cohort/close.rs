use anchor_lang::prelude::*;

use crate::{
    constants::{COHORT_SEED, ISSUER_SEED},
    emit_event,
    error::RegistryError,
    events::CohortClosed,
    state::{now, Cohort, Issuer},
};

/// Accounts of `close_cohort`.
#[derive(Accounts)]
pub struct CloseCohort<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The cohort, closed.
    #[account(
        mut,
        close = receiver,
        seeds = [COHORT_SEED, issuer.key().as_ref(), cohort.cohort_id.as_ref()],
        bump = cohort.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub cohort: Box<Account<'info, Cohort>>,
    /// Receives the rent.
    /// CHECK: any account may receive lamports; the authority chooses it.
    #[account(mut)]
    pub receiver: UncheckedAccount<'info>,
}

impl CloseCohort<'_> {
    /// Refuses a cohort that has not expired, and one whose status pages are still open (their
    /// rent would be stranded).
    pub fn validate(&self) -> Result<()> {
        let cohort = &self.cohort;
        require!(cohort.is_expired(now()?), RegistryError::CohortNotClosable);
        require!(
            cohort.status_pages == 0,
            RegistryError::CohortHasStatusPages
        );
        Ok(())
    }

    /// Closes the cohort and returns its rent to `receiver`.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(CohortClosed {
            issuer: ctx.accounts.issuer.key(),
            cohort: ctx.accounts.cohort.key(),
            receiver: ctx.accounts.receiver.key(),
        });
        Ok(())
    }
}
