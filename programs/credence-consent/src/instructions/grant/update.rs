use anchor_lang::prelude::*;
use credence_registry::state::now;

use crate::{
    constants::GRANT_SEED,
    emit_event,
    error::ConsentError,
    events::GrantUpdated,
    instructions::checks::{check_credentials, check_purpose, check_sealed_key},
    state::{CredentialRef, Grant},
};

/// Arguments of `update_grant`: each field left `None` is kept.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateGrantArgs {
    /// New expiry (in the future): extends or shortens the grant.
    pub expires_at: Option<i64>,
    /// New maximum uses (0: unlimited; otherwise not below the uses already made).
    pub max_uses: Option<u32>,
    /// New purpose.
    pub purpose: Option<String>,
    /// New credential list; its accounts follow as remaining accounts, in order.
    pub credentials: Option<Vec<CredentialRef>>,
    /// New sealed document key (empty: remove it).
    pub sealed_key: Option<Vec<u8>>,
}

/// Accounts of `update_grant`. Remaining accounts: the new credential accounts, if any.
#[derive(Accounts)]
pub struct UpdateGrant<'info> {
    /// The candidate.
    pub subject: Signer<'info>,
    /// The grant.
    #[account(
        mut,
        seeds = [GRANT_SEED, subject.key().as_ref(), grant.grantee.as_ref(), &grant.grant_id.to_le_bytes()],
        bump = grant.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub grant: Box<Account<'info, Grant>>,
}

impl<'info> UpdateGrant<'info> {
    /// Refuses a revoked grant, an empty update, and invalid new values.
    pub fn validate(&self, args: &UpdateGrantArgs, remaining: &[AccountInfo<'info>]) -> Result<()> {
        let grant = &self.grant;
        require!(!grant.is_revoked(), ConsentError::GrantRevoked);
        require!(
            args.expires_at.is_some()
                || args.max_uses.is_some()
                || args.purpose.is_some()
                || args.credentials.is_some()
                || args.sealed_key.is_some(),
            ConsentError::NothingToUpdate
        );
        if let Some(expires_at) = args.expires_at {
            require!(expires_at > now()?, ConsentError::ExpiryInPast);
        }
        if let Some(max_uses) = args.max_uses {
            require!(
                max_uses == 0 || max_uses >= grant.uses,
                ConsentError::MaxUsesBelowUses
            );
        }
        if let Some(purpose) = &args.purpose {
            check_purpose(purpose)?;
        }
        if let Some(key) = &args.sealed_key {
            check_sealed_key(key)?;
        }
        if let Some(credentials) = &args.credentials {
            check_credentials(&self.subject.key(), credentials, remaining)?;
        }
        Ok(())
    }

    /// Applies the update.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: UpdateGrantArgs) -> Result<()> {
        let grant = &mut ctx.accounts.grant;
        if let Some(expires_at) = args.expires_at {
            grant.expires_at = expires_at;
        }
        if let Some(max_uses) = args.max_uses {
            grant.max_uses = max_uses;
        }
        if let Some(purpose) = args.purpose {
            grant.purpose = purpose;
        }
        if let Some(credentials) = args.credentials {
            grant.credentials = credentials;
        }
        if let Some(key) = args.sealed_key {
            grant.sealed_key = key;
        }
        emit_event!(GrantUpdated {
            grant: grant.key(),
            expires_at: grant.expires_at,
            max_uses: grant.max_uses,
            credentials: grant.credentials.clone(),
        });
        grant.invariant()
    }
}
