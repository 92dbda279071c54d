use anchor_lang::prelude::*;

use crate::{
    constants::{CREDENTIAL_SEED, DELEGATE_SEED, ISSUER_SEED, PERMISSION_ISSUE, REGISTRY_SEED},
    emit_event,
    error::RegistryError,
    events::CredentialStatusChanged,
    state::{now, Credential, CredentialStatus, Delegate, Issuer, Registry, Schema},
};

/// Refuses unless `signer` is the issuer's authority, or a live delegate of the issuer holding
/// `permission` (the delegate account's address already ties it to `signer` and the issuer).
pub fn authorize(
    signer: &Pubkey,
    issuer: &Issuer,
    delegate: Option<&Delegate>,
    permission: u8,
    now: i64,
) -> Result<()> {
    if *signer == issuer.authority {
        return Ok(());
    }
    match delegate {
        Some(delegate) => delegate.check(permission, now),
        None => err!(RegistryError::NotAuthorized),
    }
}

/// Refuses an issuance (a credential or a cohort) unless `signer` may issue for `issuer` (its
/// authority, or a live delegate with the issue permission), the registry is not paused, the
/// issuer is accredited and the schema is not deprecated; returns the time.
pub fn check_may_issue(
    signer: &Pubkey,
    registry: &Registry,
    issuer: &Issuer,
    schema: &Schema,
    delegate: Option<&Delegate>,
) -> Result<i64> {
    let now = now()?;
    authorize(signer, issuer, delegate, PERMISSION_ISSUE, now)?;
    require_in_good_standing(registry, issuer)?;
    require!(!schema.deprecated, RegistryError::SchemaDeprecated);
    Ok(now)
}

/// Refuses when the registry is paused or the issuer is not accredited: the standing that
/// issuing, reinstating and renewing need (withdrawing trust needs none).
pub fn require_in_good_standing(registry: &Registry, issuer: &Issuer) -> Result<()> {
    require!(!registry.paused, RegistryError::RegistryPaused);
    require!(issuer.is_accredited(), RegistryError::IssuerNotAccredited);
    Ok(())
}

/// Accounts of the issuer side's changes to an existing credential: `suspend_credential`,
/// `reinstate_credential`, `revoke_credential` and `renew_credential` (each in its own file).
#[derive(Accounts)]
pub struct CredentialAuthority<'info> {
    /// The issuer's authority, or a delegate with the permission the change needs.
    pub authority: Signer<'info>,
    /// The issuer's registry.
    #[account(
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The issuer.
    #[account(
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The credential's schema.
    #[account(address = credential.schema @ RegistryError::SchemaMismatch)]
    pub schema: Box<Account<'info, Schema>>,
    /// The delegate record of `authority`, when a delegate signs.
    #[account(
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), authority.key().as_ref()],
        bump = delegate.bump,
    )]
    pub delegate: Option<Box<Account<'info, Delegate>>>,
    /// The credential changed.
    #[account(
        mut,
        seeds = [CREDENTIAL_SEED, issuer.key().as_ref(), credential.subject.as_ref(), credential.credential_id.as_ref()],
        bump = credential.bump,
        has_one = issuer @ RegistryError::WrongIssuer,
    )]
    pub credential: Box<Account<'info, Credential>>,
}

impl CredentialAuthority<'_> {
    /// Refuses unless the signer may make a change needing `permission`; returns the time.
    pub(crate) fn authorize(&self, permission: u8) -> Result<i64> {
        let now = now()?;
        authorize(
            &self.authority.key(),
            &self.issuer,
            self.delegate.as_deref().map(|d| &**d),
            permission,
            now,
        )?;
        Ok(now)
    }

    /// Refuses when the registry is paused or the issuer is not accredited.
    pub(crate) fn require_issuer_in_good_standing(&self) -> Result<()> {
        require_in_good_standing(&self.registry, &self.issuer)
    }

    /// Sets the credential's status and emits the change.
    pub(crate) fn set_status(&mut self, status: CredentialStatus, reason: u16) -> Result<()> {
        let credential = &mut self.credential;
        let previous = credential.status;
        credential.status = status;
        credential.revocation_reason = reason;
        emit_event!(CredentialStatusChanged {
            issuer: credential.issuer,
            credential: credential.key(),
            previous,
            status,
            reason,
            changed_by: self.authority.key(),
        });
        credential.invariant()
    }
}
