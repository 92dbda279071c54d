use anchor_lang::prelude::*;

use crate::{
    constants::{DELEGATE_SEED, ISSUER_SEED},
    emit_event,
    error::RegistryError,
    events::DelegateRemoved,
    state::{Delegate, Issuer},
};

/// Accounts of `remove_delegate`.
#[derive(Accounts)]
pub struct RemoveDelegate<'info> {
    /// The issuer's authority; receives the rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        mut,
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The delegate record, closed.
    #[account(
        mut,
        close = authority,
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), delegate.delegate.as_ref()],
        bump = delegate.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub delegate: Box<Account<'info, Delegate>>,
}

impl RemoveDelegate<'_> {
    /// Closes the delegate record; its key can no longer act for the issuer.
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let issuer = &mut ctx.accounts.issuer;
        issuer.remove_delegate()?;
        emit_event!(DelegateRemoved {
            issuer: issuer.key(),
            delegate: ctx.accounts.delegate.delegate,
        });
        issuer.invariant()
    }
}
