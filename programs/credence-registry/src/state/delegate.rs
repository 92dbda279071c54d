use anchor_lang::prelude::*;

use crate::{constants::PERMISSION_ALL, error::RegistryError};

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

    /// The rules `add_delegate` keeps (`InvariantViolated` otherwise): a non-empty combination
    /// of known permission bits, and an expiry after creation.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.permissions != 0 && self.permissions & !PERMISSION_ALL == 0,
            RegistryError::InvariantViolated
        );
        require!(
            self.expires_at > self.created_at,
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn delegate() -> Delegate {
        Delegate {
            issuer: Pubkey::new_unique(),
            delegate: Pubkey::new_unique(),
            version: 1,
            bump: 255,
            permissions: PERMISSION_ALL,
            expires_at: 1_000,
            created_at: 100,
            reserved: [0; 32],
        }
    }

    #[test]
    fn check_refuses_an_expired_delegate_and_a_missing_permission() {
        let mut d = delegate();
        d.check(PERMISSION_ALL, 999).unwrap();
        assert_eq!(
            code(d.check(1, 1_000)),
            u32::from(RegistryError::DelegateExpired)
        );
        d.permissions = 1;
        assert_eq!(
            code(d.check(0b10, 500)),
            u32::from(RegistryError::DelegateMissingPermission)
        );
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        delegate().invariant().unwrap();
        let broken: [fn(&mut Delegate); 3] = [
            |d| d.permissions = 0,
            |d| d.permissions = PERMISSION_ALL + 1,
            |d| d.expires_at = d.created_at,
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut d = delegate();
            breaking(&mut d);
            assert_eq!(
                code(d.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
