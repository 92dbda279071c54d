use anchor_lang::prelude::*;

use crate::{
    constants::{
        ACCOUNT_VERSION, COHORT_SEED, COHORT_STATUS_SEED, DELEGATE_SEED, ISSUER_SEED, REGISTRY_SEED,
    },
    emit_event,
    error::RegistryError,
    events::CohortLeafStatusChanged,
    instructions::{authorize, require_in_good_standing},
    state::{
        cohort_page_of, now, Cohort, CohortStatusPage, CredentialStatus, Delegate, Issuer,
        Registry, Schema,
    },
};

/// Arguments of `suspend_cohort_leaf`, `reinstate_cohort_leaf` and `revoke_cohort_leaf`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CohortLeafArgs {
    /// The leaf.
    pub index: u32,
    /// The leaf's status page, `index / COHORT_LEAVES_PER_PAGE` (`WrongStatusPage` otherwise):
    /// named so the page's address derives from an argument, as clients and the IDL see it.
    pub page: u16,
    /// Why (`REASON_*`): required for a revocation, optional (0) otherwise. Kept in the event.
    pub reason: u16,
}

/// Accounts of the issuer side's changes to one leaf of a cohort: `suspend_cohort_leaf`,
/// `reinstate_cohort_leaf` and `revoke_cohort_leaf` (each in its own file). The leaf's status
/// page is created on the first change on it, at `payer`'s expense.
#[derive(Accounts)]
#[instruction(args: CohortLeafArgs)]
pub struct CohortLeafAuthority<'info> {
    /// The issuer's authority, or a delegate with the permission the change needs.
    pub authority: Signer<'info>,
    /// Pays the status page's rent when this change creates it.
    #[account(mut)]
    pub payer: Signer<'info>,
    /// The issuer's registry.
    #[account(
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The cohort's schema.
    #[account(address = cohort.schema @ RegistryError::SchemaMismatch)]
    pub schema: Box<Account<'info, Schema>>,
    /// The delegate record of `authority`, when a delegate signs.
    #[account(
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), authority.key().as_ref()],
        bump = delegate.bump,
    )]
    pub delegate: Option<Box<Account<'info, Delegate>>>,
    /// The cohort; keeps the count of suspended and revoked leaves.
    #[account(
        mut,
        seeds = [COHORT_SEED, issuer.key().as_ref(), cohort.cohort_id.as_ref()],
        bump = cohort.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub cohort: Box<Account<'info, Cohort>>,
    /// The status page holding the leaf, created if this is the first change on it.
    #[account(
        init_if_needed,
        payer = payer,
        space = CohortStatusPage::SPACE,
        seeds = [COHORT_STATUS_SEED, cohort.key().as_ref(), &args.page.to_le_bytes()],
        bump,
    )]
    pub status_page: AccountLoader<'info, CohortStatusPage>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl CohortLeafAuthority<'_> {
    /// Refuses unless the signer may make a change needing `permission` and the leaf is in the
    /// cohort; returns the time.
    pub(crate) fn authorize(&self, permission: u8, args: &CohortLeafArgs) -> Result<i64> {
        Self::check_page(args)?;
        let index = args.index;
        let now = now()?;
        authorize(
            &self.authority.key(),
            &self.issuer,
            self.delegate.as_deref().map(|d| &**d),
            permission,
            now,
        )?;
        self.cohort.check_index(index)?;
        Ok(now)
    }

    /// Refuses a page number that is not leaf `args.index`'s.
    pub(crate) fn check_page(args: &CohortLeafArgs) -> Result<()> {
        require!(
            args.page == cohort_page_of(args.index),
            RegistryError::WrongStatusPage
        );
        Ok(())
    }

    /// Refuses when the registry is paused or the issuer is not accredited.
    pub(crate) fn require_issuer_in_good_standing(&self) -> Result<()> {
        require_in_good_standing(&self.registry, &self.issuer)
    }

    /// The leaf's status now (active when its page is new).
    pub(crate) fn leaf_status(&self, index: u32) -> Result<CredentialStatus> {
        if self.page_is_new()? {
            return Ok(CredentialStatus::Active);
        }
        Ok(self.status_page.load()?.status_of(index))
    }

    /// Whether the status page was created by this instruction (its discriminator not yet set).
    fn page_is_new(&self) -> Result<bool> {
        let info = self.status_page.as_ref();
        let data = info.try_borrow_data()?;
        Ok(data.get(..8).is_none_or(|d| d.iter().all(|b| *b == 0)))
    }

    /// Sets leaf `args.index`'s status, creating its page if new; keeps the page's and the
    /// cohort's counts and emits the change.
    pub(crate) fn set_leaf_status(
        &mut self,
        bump: u8,
        args: &CohortLeafArgs,
        status: CredentialStatus,
    ) -> Result<()> {
        let page_created = self.page_is_new()?;
        let cohort_key = self.cohort.key();
        let previous = {
            let mut page = if page_created {
                let mut page = self.status_page.load_init()?;
                page.cohort = cohort_key;
                page.page = cohort_page_of(args.index);
                page.version = ACCOUNT_VERSION;
                page.bump = bump;
                page
            } else {
                let page = self.status_page.load_mut()?;
                require_keys_eq!(page.cohort, cohort_key, RegistryError::WrongCohort);
                page
            };
            let previous = page.set_status(args.index, status)?;
            page.invariant()?;
            previous
        };
        let cohort = &mut self.cohort;
        if page_created {
            cohort.record_page_created()?;
        }
        cohort.record_leaf_change(previous, status)?;
        emit_event!(CohortLeafStatusChanged {
            issuer: cohort.issuer,
            cohort: cohort_key,
            index: args.index,
            previous,
            status,
            reason: args.reason,
            changed_by: self.authority.key(),
            page_created,
        });
        cohort.invariant()
    }
}
