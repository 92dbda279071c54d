use anchor_lang::prelude::*;

use crate::{
    constants::{
        ACCOUNT_VERSION, COHORT_SEED, DELEGATE_SEED, ISSUER_SEED, MAX_COHORT_DEPTH,
        MAX_COHORT_LEAVES, REGISTRY_SEED, SCHEMA_SEED,
    },
    emit_event,
    error::RegistryError,
    events::CohortIssued,
    instructions::check_may_issue,
    state::{Cohort, Delegate, Issuer, Registry, Schema},
};

/// Arguments of `issue_cohort`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct IssueCohortArgs {
    /// Caller-chosen id, part of the address: retrying the same issuance cannot duplicate it.
    pub cohort_id: [u8; 32],
    /// Root of the Merkle tree over the leaves, not all zeroes.
    pub merkle_root: [u8; 32],
    /// Leaves in the tree (1 to `2^20`).
    pub leaf_count: u32,
    /// Levels of the tree: the smallest `depth` with `leaf_count <= 2^depth`.
    pub depth: u8,
    /// When the earliest leaf starts being valid.
    pub valid_from: i64,
    /// When the last leaf stops being valid (0: never).
    pub expires_at: i64,
}

/// Accounts of `issue_cohort`.
#[derive(Accounts)]
#[instruction(args: IssueCohortArgs)]
pub struct IssueCohort<'info> {
    /// The issuer's authority, or a live delegate with the issue permission.
    pub authority: Signer<'info>,
    /// Pays the rent (often the same key as `authority`).
    #[account(mut)]
    pub payer: Signer<'info>,
    /// The issuer's registry; must not be paused.
    #[account(
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The issuer; must be accredited. Read only (counts come from `CohortIssued` events).
    #[account(
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The schema; must be the issuer's and not deprecated. Read only.
    #[account(
        seeds = [SCHEMA_SEED, issuer.key().as_ref(), schema.name.as_bytes(), &schema.schema_version.to_le_bytes()],
        bump = schema.bump,
        has_one = issuer @ RegistryError::SchemaMismatch,
    )]
    pub schema: Box<Account<'info, Schema>>,
    /// The delegate record of `authority`, when a delegate signs.
    #[account(
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), authority.key().as_ref()],
        bump = delegate.bump,
    )]
    pub delegate: Option<Box<Account<'info, Delegate>>>,
    /// The new cohort.
    #[account(
        init,
        payer = payer,
        space = 8 + Cohort::INIT_SPACE,
        seeds = [COHORT_SEED, issuer.key().as_ref(), args.cohort_id.as_ref()],
        bump,
    )]
    pub cohort: Box<Account<'info, Cohort>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl IssueCohort<'_> {
    /// Checks the signer's right to issue, the registry, issuer and schema (the rules of a single
    /// credential), the tree's size and depth, and the validity window; returns the time.
    pub fn validate(&self, args: &IssueCohortArgs) -> Result<i64> {
        let now = check_may_issue(
            &self.authority.key(),
            &self.registry,
            &self.issuer,
            &self.schema,
            self.delegate.as_deref().map(|d| &**d),
        )?;
        require!(args.merkle_root != [0; 32], RegistryError::CommitmentEmpty);
        require!(
            args.leaf_count >= 1
                && args.leaf_count <= MAX_COHORT_LEAVES
                && args.depth <= MAX_COHORT_DEPTH
                && minimal_depth(args.leaf_count) == u32::from(args.depth),
            RegistryError::CohortSizeInvalid
        );
        if args.expires_at != 0 {
            require!(
                args.expires_at > args.valid_from,
                RegistryError::InvalidValidityWindow
            );
            require!(args.expires_at > now, RegistryError::ExpiryInPast);
        }
        Ok(now)
    }

    /// Issues the cohort: one account for all its leaves.
    pub fn handle(ctx: Context<Self>, args: IssueCohortArgs) -> Result<()> {
        let now = ctx.accounts.validate(&args)?;
        let issuer = ctx.accounts.issuer.key();
        let schema = ctx.accounts.schema.key();
        let issued_by = ctx.accounts.authority.key();
        let cohort = &mut ctx.accounts.cohort;
        cohort.set_inner(Cohort {
            issuer,
            schema,
            cohort_id: args.cohort_id,
            merkle_root: args.merkle_root,
            leaf_count: args.leaf_count,
            depth: args.depth,
            issued_at: now,
            valid_from: args.valid_from,
            expires_at: args.expires_at,
            suspended_leaves: 0,
            revoked_leaves: 0,
            status_pages: 0,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.cohort,
            reserved: [0; 16],
        });
        emit_event!(CohortIssued {
            issuer,
            cohort: cohort.key(),
            schema,
            merkle_root: args.merkle_root,
            leaf_count: args.leaf_count,
            issued_by,
            expires_at: args.expires_at,
        });
        cohort.invariant()
    }
}

/// The smallest depth whose tree holds `leaf_count` leaves (`leaf_count >= 1`): 0 for one leaf.
pub fn minimal_depth(leaf_count: u32) -> u32 {
    leaf_count
        .checked_next_power_of_two()
        .map_or(32, u32::trailing_zeros)
}

#[cfg(test)]
mod tests {
    use super::minimal_depth;

    #[test]
    fn minimal_depth_is_the_smallest_tree_that_holds_the_leaves() {
        let cases = [
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (800_000, 20),
            (1 << 20, 20),
        ];
        for (leaves, depth) in cases {
            assert_eq!(minimal_depth(leaves), depth, "{leaves} leaves");
        }
    }
}
