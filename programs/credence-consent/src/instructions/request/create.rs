use anchor_lang::prelude::*;
use credence_registry::state::now;

use crate::{
    constants::{
        ACCOUNT_VERSION, MAX_GRANT_CREDENTIALS, MAX_REQUEST_DURATION_SECS, MAX_REQUEST_SCHEMAS,
        REQUEST_SEED,
    },
    emit_event,
    error::ConsentError,
    events::AccessRequested,
    instructions::checks::{check_credentials, check_purpose},
    state::{is_usable_x25519_key, AccessRequest, CredentialRef},
};

/// Arguments of `create_request`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateRequestArgs {
    /// Requester-chosen id, part of the address.
    pub request_id: u64,
    /// The candidate asked.
    pub subject: Pubkey,
    /// Credentials asked for by address (at most 16, hers); their accounts follow as remaining
    /// accounts, in order.
    pub credentials: Vec<CredentialRef>,
    /// Schemas asked for (at most 4).
    pub schemas: Vec<Pubkey>,
    /// Why access is asked for (1 to 64 bytes).
    pub purpose: String,
    /// How long the grant should last once approved (seconds, at most 400 days).
    pub duration_secs: i64,
    /// Most uses asked for (0: unlimited).
    pub max_uses: u32,
    /// The requester's X25519 public key, to seal the document key to; zero and small-order
    /// keys are refused (a box sealed to them opens for anyone).
    pub recipient_key: [u8; 32],
}

/// Accounts of `create_request`. Remaining accounts: the accounts of the credentials asked for.
#[derive(Accounts)]
#[instruction(args: CreateRequestArgs)]
pub struct CreateRequest<'info> {
    /// The recruiter: signs and pays the rent, which comes back when the request is answered or
    /// withdrawn.
    #[account(mut)]
    pub requester: Signer<'info>,
    /// The new request.
    #[account(
        init,
        payer = requester,
        space = 8 + AccessRequest::INIT_SPACE,
        seeds = [REQUEST_SEED, args.subject.as_ref(), requester.key().as_ref(), &args.request_id.to_le_bytes()],
        bump,
    )]
    pub request: Box<Account<'info, AccessRequest>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl<'info> CreateRequest<'info> {
    /// Checks the terms; each credential asked for must be the subject's.
    pub fn validate(
        &self,
        args: &CreateRequestArgs,
        remaining: &[AccountInfo<'info>],
    ) -> Result<()> {
        require_keys_neq!(
            args.subject,
            self.requester.key(),
            ConsentError::SelfRequest
        );
        require!(
            !args.credentials.is_empty() || !args.schemas.is_empty(),
            ConsentError::NothingRequested
        );
        require!(
            args.schemas.len() <= MAX_REQUEST_SCHEMAS,
            ConsentError::TooManySchemas
        );
        require!(
            args.credentials.len() <= MAX_GRANT_CREDENTIALS,
            ConsentError::TooManyCredentials
        );
        for (i, schema) in args.schemas.iter().enumerate() {
            require!(
                !args.schemas[..i].contains(schema),
                ConsentError::DuplicateSchema
            );
        }
        check_purpose(&args.purpose)?;
        require!(
            is_usable_x25519_key(&args.recipient_key),
            ConsentError::InvalidRecipientKey
        );
        require!(
            args.duration_secs > 0 && args.duration_secs <= MAX_REQUEST_DURATION_SECS,
            ConsentError::InvalidDuration
        );
        if args.credentials.is_empty() {
            require!(
                remaining.is_empty(),
                ConsentError::CredentialAccountsMismatch
            );
            Ok(())
        } else {
            check_credentials(&args.subject, &args.credentials, remaining)
        }
    }

    /// Files the request.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: CreateRequestArgs) -> Result<()> {
        let requester = ctx.accounts.requester.key();
        let request = &mut ctx.accounts.request;
        request.set_inner(AccessRequest {
            subject: args.subject,
            requester,
            request_id: args.request_id,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.request,
            credentials: args.credentials,
            schemas: args.schemas,
            purpose: args.purpose,
            duration_secs: args.duration_secs,
            max_uses: args.max_uses,
            recipient_key: args.recipient_key,
            created_at: now()?,
            reserved: [0; 32],
        });
        emit_event!(AccessRequested {
            request: request.key(),
            subject: args.subject,
            requester,
            credentials: request.credentials.clone(),
            schemas: request.schemas.clone(),
            duration_secs: args.duration_secs,
        });
        request.invariant()
    }
}
