use anchor_lang::prelude::*;

use super::now;
use crate::{
    constants::GRANT_SEED,
    emit_event,
    error::ConsentError,
    events::AccessRecorded,
    state::{AccessOutcome, CredentialRef, Grant},
};

/// Arguments of `record_access`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RecordAccessArgs {
    /// Which of the grant's credentials were checked: bit `i` is `grant.credentials[i]`.
    pub credentials_mask: u16,
    /// The verification's outcome.
    pub outcome: AccessOutcome,
}

/// Accounts of `record_access`.
#[derive(Accounts)]
pub struct RecordAccess<'info> {
    /// The grantee (recruiter).
    pub grantee: Signer<'info>,
    /// The grant.
    #[account(
        mut,
        seeds = [GRANT_SEED, grant.subject.as_ref(), grantee.key().as_ref(), &grant.grant_id.to_le_bytes()],
        bump = grant.bump,
        has_one = grantee @ ConsentError::NotGrantee,
    )]
    pub grant: Box<Account<'info, Grant>>,
}

impl RecordAccess<'_> {
    /// Refuses a grant not in force and a selection outside it; returns the time and the
    /// credentials selected.
    pub fn validate(&self, args: &RecordAccessArgs) -> Result<(i64, Vec<CredentialRef>)> {
        let now = now()?;
        let grant = &self.grant;
        grant.check_in_force(now)?;
        require!(args.credentials_mask != 0, ConsentError::EmptySelection);
        let covered = grant.credentials.len();
        require!(
            covered >= 16 || args.credentials_mask >> covered == 0,
            ConsentError::SelectionOutOfRange
        );
        let selected = grant
            .credentials
            .iter()
            .enumerate()
            .filter(|(i, _)| args.credentials_mask & (1 << i) != 0)
            .map(|(_, reference)| *reference)
            .collect();
        Ok((now, selected))
    }

    /// Counts one use and emits the audit event naming the credentials checked and the outcome.
    pub fn handle(ctx: Context<Self>, args: RecordAccessArgs) -> Result<()> {
        let (now, credentials) = ctx.accounts.validate(&args)?;
        let grant = &mut ctx.accounts.grant;
        grant.uses = grant.uses.checked_add(1).ok_or(ConsentError::Overflow)?;
        grant.last_access_at = now;
        emit_event!(AccessRecorded {
            grant: grant.key(),
            subject: grant.subject,
            grantee: grant.grantee,
            credentials,
            outcome: args.outcome,
            use_number: grant.uses,
            timestamp: now,
        });
        Ok(())
    }
}
