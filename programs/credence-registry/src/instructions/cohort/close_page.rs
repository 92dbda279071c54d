use anchor_lang::prelude::*;

use crate::{
    constants::{COHORT_SEED, COHORT_STATUS_SEED, ISSUER_SEED},
    emit_event,
    error::RegistryError,
    events::CohortStatusPageClosed,
    state::{now, Cohort, CohortStatusPage, Issuer},
};

/// Accounts of `close_cohort_status_page`.
#[derive(Accounts)]
pub struct CloseCohortStatusPage<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The cohort; must have expired.
    #[account(
        mut,
        seeds = [COHORT_SEED, issuer.key().as_ref(), cohort.cohort_id.as_ref()],
        bump = cohort.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub cohort: Box<Account<'info, Cohort>>,
    /// The status page, closed.
    #[account(
        mut,
        close = receiver,
        seeds = [COHORT_STATUS_SEED, cohort.key().as_ref(), &status_page.load()?.page.to_le_bytes()],
        bump = status_page.load()?.bump,
        constraint = status_page.load()?.cohort == cohort.key() @ RegistryError::WrongCohort,
    )]
    pub status_page: AccountLoader<'info, CohortStatusPage>,
    /// Receives the rent.
    /// CHECK: any account may receive lamports; the authority chooses it.
    #[account(mut)]
    pub receiver: UncheckedAccount<'info>,
}

impl CloseCohortStatusPage<'_> {
    /// Refuses a cohort that has not expired: its leaves' statuses are still needed.
    pub fn validate(&self) -> Result<()> {
        require!(
            self.cohort.is_expired(now()?),
            RegistryError::CohortNotClosable
        );
        Ok(())
    }

    /// Closes the page, returns its rent to `receiver` and counts it off the cohort.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let page = ctx.accounts.status_page.load()?.page;
        let cohort = &mut ctx.accounts.cohort;
        cohort.record_page_closed()?;
        emit_event!(CohortStatusPageClosed {
            cohort: cohort.key(),
            page,
            receiver: ctx.accounts.receiver.key(),
        });
        cohort.invariant()
    }
}
