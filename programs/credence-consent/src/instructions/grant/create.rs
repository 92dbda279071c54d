use anchor_lang::prelude::*;
use credence_registry::state::now;

use crate::{
    constants::GRANT_SEED,
    emit_event,
    error::ConsentError,
    instructions::checks::{check_credentials, check_purpose, check_sealed_key},
    state::{CredentialRef, Grant, GrantTerms},
};

/// Arguments of `create_grant`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateGrantArgs {
    /// Subject-chosen id, part of the address.
    pub grant_id: u64,
    /// The recruiter who may verify.
    pub grantee: Pubkey,
    /// The credentials covered (1 to 16); their accounts follow as remaining accounts, in order.
    pub credentials: Vec<CredentialRef>,
    /// Why access is given (1 to 64 bytes).
    pub purpose: String,
    /// When the grant stops being in force (unix seconds, in the future).
    pub expires_at: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
    /// The document key sealed to the grantee (at most 128 bytes; empty: none).
    pub sealed_key: Vec<u8>,
}

/// Accounts of `create_grant`. Remaining accounts: the credential accounts, in the listed order.
#[derive(Accounts)]
#[instruction(args: CreateGrantArgs)]
pub struct CreateGrant<'info> {
    /// The candidate: signs and pays the rent.
    #[account(mut)]
    pub subject: Signer<'info>,
    /// The new grant.
    #[account(
        init,
        payer = subject,
        space = 8 + Grant::INIT_SPACE,
        seeds = [GRANT_SEED, subject.key().as_ref(), args.grantee.as_ref(), &args.grant_id.to_le_bytes()],
        bump,
    )]
    pub grant: Box<Account<'info, Grant>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl<'info> CreateGrant<'info> {
    /// Checks the arguments and every listed credential.
    pub fn validate(&self, args: &CreateGrantArgs, remaining: &[AccountInfo<'info>]) -> Result<()> {
        require_keys_neq!(args.grantee, self.subject.key(), ConsentError::SelfGrant);
        check_purpose(&args.purpose)?;
        check_sealed_key(&args.sealed_key)?;
        require!(args.expires_at > now()?, ConsentError::ExpiryInPast);
        check_credentials(&self.subject.key(), &args.credentials, remaining)
    }

    /// Creates the grant.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: CreateGrantArgs) -> Result<()> {
        let subject = ctx.accounts.subject.key();
        let terms = GrantTerms {
            credentials: args.credentials,
            purpose: args.purpose,
            expires_at: args.expires_at,
            max_uses: args.max_uses,
            sealed_key: args.sealed_key,
        };
        let grant = &mut ctx.accounts.grant;
        grant.set_inner(Grant::open(
            subject,
            args.grantee,
            args.grant_id,
            ctx.bumps.grant,
            terms,
            now()?,
        ));
        emit_event!(grant.created_event(grant.key()));
        grant.invariant()
    }
}
