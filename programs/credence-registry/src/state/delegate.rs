use anchor_lang::prelude::*;

use crate::error::RegistryError;

/// An issuing agent of an issuer (a registrar's staff key, an HR system) with permissions and an expiry.
// PDA ["delegate", issuer, delegate_key]
#[account]
#[derive(InitSpace, Debug)]
pub struct Delegate {
    /// The issuer it acts for.
    pub issuer: Pubkey,
    /// The delegate's signing key.
    pub delegate: Pubkey,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Permission bits (`PERMISSION_*`).
    pub permissions: u8,
    /// When it stops being valid (unix seconds).
    pub expires_at: i64,
    /// When it was added.
    pub created_at: i64,
    /// Space kept for future fields.
    pub reserved: [u8; 32],
}

impl Delegate {
    /// Refuses unless the delegate is live at `now` and holds every bit of `permission`.
    pub fn check(&self, permission: u8, now: i64) -> Result<()> {
        require!(now < self.expires_at, RegistryError::DelegateExpired);
        require!(
            self.permissions & permission == permission,
            RegistryError::DelegateMissingPermission
        );
        Ok(())
    }
}
