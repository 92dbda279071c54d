use anchor_lang::prelude::*;

use crate::{
    constants::{ACCOUNT_VERSION, DELEGATE_SEED, ISSUER_SEED, PERMISSION_ALL},
    emit_event,
    error::RegistryError,
    events::DelegateAdded,
    state::{now, Delegate, Issuer},
};

/// Arguments of `add_delegate`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct AddDelegateArgs {
    /// The delegate's signing key.
    pub delegate: Pubkey,
    /// Permission bits (`PERMISSION_*`), non-empty.
    pub permissions: u8,
    /// When the delegation ends (unix seconds, in the future).
    pub expires_at: i64,
}

/// Accounts of `add_delegate`.
#[derive(Accounts)]
#[instruction(args: AddDelegateArgs)]
pub struct AddDelegate<'info> {
    /// The issuer's authority: signs and pays the rent.
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
    /// The new delegate record.
    #[account(
        init,
        payer = authority,
        space = 8 + Delegate::INIT_SPACE,
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), args.delegate.as_ref()],
        bump,
    )]
    pub delegate: Box<Account<'info, Delegate>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl AddDelegate<'_> {
    /// Refuses unknown or empty permissions, a past expiry and a revoked issuer.
    pub fn validate(&self, args: &AddDelegateArgs) -> Result<()> {
        require!(!self.issuer.is_revoked(), RegistryError::IssuerRevoked);
        require!(
            args.permissions != 0 && args.permissions & !PERMISSION_ALL == 0,
            RegistryError::InvalidPermissions
        );
        require!(args.expires_at > now()?, RegistryError::ExpiryInPast);
        Ok(())
    }

    /// Records the delegate.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: AddDelegateArgs) -> Result<()> {
        let issuer = &mut ctx.accounts.issuer;
        issuer.add_delegate()?;
        ctx.accounts.delegate.set_inner(Delegate {
            issuer: issuer.key(),
            delegate: args.delegate,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.delegate,
            permissions: args.permissions,
            expires_at: args.expires_at,
            created_at: now()?,
            reserved: [0; 32],
        });
        emit_event!(DelegateAdded {
            issuer: issuer.key(),
            delegate: args.delegate,
            permissions: args.permissions,
            expires_at: args.expires_at,
        });
        ctx.accounts.delegate.invariant()?;
        issuer.invariant()
    }
}
