use anchor_lang::prelude::*;

use super::check_may_issue;
use crate::{
    constants::{
        ACCOUNT_VERSION, CREDENTIAL_SEED, DELEGATE_SEED, ISSUER_SEED, REGISTRY_SEED, SCHEMA_SEED,
    },
    emit_event,
    error::RegistryError,
    events::CredentialIssued,
    state::{Credential, CredentialStatus, Delegate, Issuer, Registry, Schema},
};

/// Arguments of `issue_credential`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct IssueCredentialArgs {
    /// Caller-chosen id, part of the address: retrying the same issuance cannot duplicate it.
    pub credential_id: [u8; 32],
    /// The candidate's wallet key.
    pub subject: Pubkey,
    /// `SHA-256(domain tag ‖ salt ‖ document)`, not all zeroes.
    pub commitment: [u8; 32],
    /// When it starts being valid (`None`: now). May lie in the past (a degree awarded years ago).
    pub valid_from: Option<i64>,
    /// When it stops being valid (`None`: the schema's default validity from `valid_from`, or never).
    pub expires_at: Option<i64>,
}

/// Accounts of `issue_credential`.
#[derive(Accounts)]
#[instruction(args: IssueCredentialArgs)]
pub struct IssueCredential<'info> {
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
    /// The issuer; must be accredited. Read only: one issuer's issuances take no write lock in
    /// common, so they run in parallel (counts come from `CredentialIssued` events).
    #[account(
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The schema; must be the issuer's and not deprecated. Read only, like the issuer.
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
    /// The new credential.
    #[account(
        init,
        payer = payer,
        space = 8 + Credential::INIT_SPACE,
        seeds = [CREDENTIAL_SEED, issuer.key().as_ref(), args.subject.as_ref(), args.credential_id.as_ref()],
        bump,
    )]
    pub credential: Box<Account<'info, Credential>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

/// The times of an issuance, as [`IssueCredential::validate`] settles them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssueWindow {
    /// The current unix timestamp: the credential's `issued_at`.
    pub now: i64,
    /// When the credential starts being valid.
    pub valid_from: i64,
    /// When it stops being valid (0: never).
    pub expires_at: i64,
}

impl IssueWindow {
    /// Settles an issuance's window at `now`: `valid_from` defaults to now, `expires_at` to the
    /// schema's default validity from `valid_from` (or never). Refuses a window that ends before
    /// it starts (`InvalidValidityWindow`) or has already ended (`ExpiryInPast`).
    pub fn settle(
        now: i64,
        schema: &Schema,
        valid_from: Option<i64>,
        expires_at: Option<i64>,
    ) -> Result<Self> {
        let given_expiry = expires_at.is_some();
        let valid_from = valid_from.unwrap_or(now);
        let expires_at = match expires_at {
            Some(expires_at) => expires_at,
            None if schema.default_validity_secs == 0 => 0,
            None => valid_from
                .checked_add(schema.default_validity_secs)
                .ok_or(RegistryError::Overflow)?,
        };
        if expires_at != 0 || given_expiry {
            require!(
                expires_at > valid_from,
                RegistryError::InvalidValidityWindow
            );
            require!(expires_at > now, RegistryError::ExpiryInPast);
        }
        Ok(Self {
            now,
            valid_from,
            expires_at,
        })
    }
}

impl IssueCredential<'_> {
    /// Checks the signer's right to issue, the registry, issuer and schema, and the validity
    /// window; returns the window.
    pub fn validate(&self, args: &IssueCredentialArgs) -> Result<IssueWindow> {
        let now = check_may_issue(
            &self.authority.key(),
            &self.registry,
            &self.issuer,
            &self.schema,
            self.delegate.as_deref().map(|d| &**d),
        )?;
        require!(args.commitment != [0; 32], RegistryError::CommitmentEmpty);
        IssueWindow::settle(now, &self.schema, args.valid_from, args.expires_at)
    }

    /// Issues the credential to `args.subject`.
    pub fn handle(ctx: Context<Self>, args: IssueCredentialArgs) -> Result<()> {
        let IssueWindow {
            now,
            valid_from,
            expires_at,
        } = ctx.accounts.validate(&args)?;
        let issuer = ctx.accounts.issuer.key();
        let schema = ctx.accounts.schema.key();
        let issued_by = ctx.accounts.authority.key();
        let credential = &mut ctx.accounts.credential;
        credential.set_inner(Credential {
            issuer,
            subject: args.subject,
            schema,
            credential_id: args.credential_id,
            commitment: args.commitment,
            issued_at: now,
            valid_from,
            expires_at,
            status: CredentialStatus::Active,
            revocation_reason: 0,
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.credential,
            reserved: [0; 8],
        });
        emit_event!(CredentialIssued {
            issuer,
            subject: args.subject,
            credential: credential.key(),
            schema,
            issued_by,
            expires_at,
        });
        credential.invariant()
    }
}
