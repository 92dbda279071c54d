use anchor_lang::prelude::*;
use credence_registry::state::now;

use crate::{
    constants::{GRANT_SEED, REQUEST_SEED},
    emit_event,
    error::ConsentError,
    events::RequestApproved,
    instructions::checks::{check_credentials_with, check_sealed_key},
    state::{AccessRequest, CredentialRef, Grant, GrantTerms},
};

/// Arguments of `approve_request`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ApproveRequestArgs {
    /// Subject-chosen id of the new grant, part of its address.
    pub grant_id: u64,
    /// The credentials granted (1 to 16, hers, each asked for by the request directly or through
    /// its schema); their accounts follow as remaining accounts, in order.
    pub credentials: Vec<CredentialRef>,
    /// The document key sealed to the request's recipient key (at most 128 bytes; empty: none).
    pub sealed_key: Vec<u8>,
    /// [`AccessRequest::terms_hash`] of the request as the subject read it: the approval is
    /// refused (`RequestTermsChanged`) if the request now holds other terms.
    pub terms_hash: [u8; 32],
}

/// Accounts of `approve_request`. Remaining accounts: the credential accounts granted, in order.
#[derive(Accounts)]
#[instruction(args: ApproveRequestArgs)]
pub struct ApproveRequest<'info> {
    /// The candidate: signs and pays the grant's rent.
    #[account(mut)]
    pub subject: Signer<'info>,
    /// The requester: receives the request's rent back.
    /// CHECK: only lamports are credited; the address must be the request's requester.
    #[account(mut, address = request.requester @ ConsentError::RequesterMismatch)]
    pub requester: UncheckedAccount<'info>,
    /// The request, closed.
    #[account(
        mut,
        close = requester,
        seeds = [REQUEST_SEED, request.subject.as_ref(), request.requester.as_ref(), &request.request_id.to_le_bytes()],
        bump = request.bump,
        has_one = subject @ ConsentError::NotSubject,
    )]
    pub request: Box<Account<'info, AccessRequest>>,
    /// The new grant to the requester.
    #[account(
        init,
        payer = subject,
        space = 8 + Grant::INIT_SPACE,
        seeds = [GRANT_SEED, subject.key().as_ref(), request.requester.as_ref(), &args.grant_id.to_le_bytes()],
        bump,
    )]
    pub grant: Box<Account<'info, Grant>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl<'info> ApproveRequest<'info> {
    /// Checks that the request holds the terms she read, then each credential granted: hers,
    /// and asked for.
    pub fn validate(
        &self,
        args: &ApproveRequestArgs,
        remaining: &[AccountInfo<'info>],
    ) -> Result<()> {
        check_sealed_key(&args.sealed_key)?;
        let request = &self.request;
        require!(
            args.terms_hash == request.terms_hash(),
            ConsentError::RequestTermsChanged
        );
        check_credentials_with(
            &self.subject.key(),
            &args.credentials,
            remaining,
            |reference, schema| {
                require!(
                    request.asks_for(reference, schema),
                    ConsentError::NotRequested
                );
                Ok(())
            },
        )
    }

    /// Creates the grant on the request's terms and closes the request.
    #[access_control(ctx.accounts.validate(&args, ctx.remaining_accounts))]
    pub fn handle(ctx: Context<'info, Self>, args: ApproveRequestArgs) -> Result<()> {
        let now = now()?;
        let request = &ctx.accounts.request;
        let terms = GrantTerms {
            credentials: args.credentials,
            purpose: request.purpose.clone(),
            expires_at: now
                .checked_add(request.duration_secs)
                .ok_or(ConsentError::Overflow)?,
            max_uses: request.max_uses,
            sealed_key: args.sealed_key,
        };
        let (subject, requester) = (request.subject, request.requester);
        let request_key = request.key();
        let grant = &mut ctx.accounts.grant;
        grant.set_inner(Grant::open(
            subject,
            requester,
            args.grant_id,
            ctx.bumps.grant,
            terms,
            now,
        ));
        emit_event!(grant.created_event(grant.key()));
        emit_event!(RequestApproved {
            request: request_key,
            subject,
            requester,
            grant: grant.key(),
        });
        grant.invariant()
    }
}
