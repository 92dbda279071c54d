use anchor_lang::prelude::*;

use crate::{
    constants::{CREDENTIAL_SEED, ISSUER_SEED},
    emit_event,
    error::RegistryError,
    events::CredentialClosed,
    state::{now, Credential, Issuer},
};

/// Accounts of `close_credential`.
#[derive(Accounts)]
pub struct CloseCredential<'info> {
    /// The issuer's authority.
    pub authority: Signer<'info>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, issuer.registry.as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = authority @ RegistryError::NotIssuerAuthority,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The credential, closed.
    #[account(
        mut,
        close = receiver,
        seeds = [CREDENTIAL_SEED, issuer.key().as_ref(), credential.subject.as_ref(), credential.credential_id.as_ref()],
        bump = credential.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub credential: Box<Account<'info, Credential>>,
    /// Receives the rent.
    /// CHECK: any account may receive lamports; the authority chooses it.
    #[account(mut)]
    pub receiver: UncheckedAccount<'info>,
}

impl CloseCredential<'_> {
    /// Refuses a credential that is still in force (neither revoked nor expired).
    pub fn validate(&self) -> Result<()> {
        let credential = &self.credential;
        require!(
            credential.is_revoked() || credential.is_expired(now()?),
            RegistryError::CredentialNotClosable
        );
        Ok(())
    }

    /// Closes the credential and returns its rent to `receiver`.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        emit_event!(CredentialClosed {
            issuer: ctx.accounts.issuer.key(),
            credential: ctx.accounts.credential.key(),
            receiver: ctx.accounts.receiver.key(),
        });
        Ok(())
    }
}
