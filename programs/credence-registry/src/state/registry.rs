use anchor_lang::prelude::*;

use crate::{constants::MAX_SEED_NAME_LEN, error::RegistryError, state::IssuerStatus};

/// A trust framework (for example a national regulator's list of accredited issuers), governed by
/// its admin. Recruiters choose which registries they trust.
// PDA ["registry", creator, name]
#[account]
#[derive(InitSpace, Debug)]
pub struct Registry {
    /// The key that created the registry; part of its address, never changes.
    pub creator: Pubkey,
    /// The current admin: accredits issuers, pauses the registry.
    pub admin: Pubkey,
    /// Proposed admin of a two-step transfer, if any.
    pub pending_admin: Option<Pubkey>,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Whether issuance, renewal and reinstatement are halted.
    pub paused: bool,
    /// Name, unique per creator (a PDA seed).
    #[max_len(MAX_SEED_NAME_LEN)]
    pub name: String,
    /// Issuers ever registered.
    pub issuer_count: u32,
    /// Issuers currently accredited.
    pub accredited_count: u32,
    /// When the registry was created (unix seconds).
    pub created_at: i64,
    /// Space kept for future fields.
    pub reserved: [u8; 64],
}

impl Registry {
    /// Counts a newly registered issuer. Refuses `Overflow` past `u32::MAX` issuers.
    pub fn record_issuer(&mut self) -> Result<()> {
        self.issuer_count = self
            .issuer_count
            .checked_add(1)
            .ok_or(RegistryError::Overflow)?;
        Ok(())
    }

    /// Keeps `accredited_count` as an issuer moves from `previous` to `to`: one fewer when it
    /// leaves `Accredited`, one more when it enters it. Refuses `Overflow` on a count that would
    /// leave `u32`.
    pub fn on_issuer_status_change(
        &mut self,
        previous: IssuerStatus,
        to: IssuerStatus,
    ) -> Result<()> {
        if previous == IssuerStatus::Accredited {
            self.accredited_count = self
                .accredited_count
                .checked_sub(1)
                .ok_or(RegistryError::Overflow)?;
        }
        if to == IssuerStatus::Accredited {
            self.accredited_count = self
                .accredited_count
                .checked_add(1)
                .ok_or(RegistryError::Overflow)?;
        }
        Ok(())
    }

    /// The rules every instruction that writes a registry keeps (`InvariantViolated`
    /// otherwise): a name of 1 to [`MAX_SEED_NAME_LEN`] bytes, and no more issuers accredited
    /// than ever registered.
    pub fn invariant(&self) -> Result<()> {
        require!(
            !self.name.is_empty() && self.name.len() <= MAX_SEED_NAME_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            self.accredited_count <= self.issuer_count,
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn registry() -> Registry {
        Registry {
            creator: Pubkey::new_unique(),
            admin: Pubkey::new_unique(),
            pending_admin: None,
            version: 1,
            bump: 255,
            paused: false,
            name: "nmc".into(),
            issuer_count: 0,
            accredited_count: 0,
            created_at: 100,
            reserved: [0; 64],
        }
    }

    #[test]
    fn record_issuer_counts() {
        let mut r = registry();
        r.record_issuer().unwrap();
        r.record_issuer().unwrap();
        assert_eq!(r.issuer_count, 2);
        r.invariant().unwrap();
    }

    #[test]
    fn record_issuer_fails_on_overflow() {
        let mut r = registry();
        r.issuer_count = u32::MAX;
        assert_eq!(code(r.record_issuer()), u32::from(RegistryError::Overflow));
    }

    #[test]
    fn on_issuer_status_change_keeps_the_accredited_count() {
        use IssuerStatus::*;
        let mut r = registry();
        r.issuer_count = 1;
        r.on_issuer_status_change(Pending, Accredited).unwrap();
        assert_eq!(r.accredited_count, 1);
        r.on_issuer_status_change(Accredited, Suspended).unwrap();
        assert_eq!(r.accredited_count, 0);
        r.on_issuer_status_change(Suspended, Accredited).unwrap();
        assert_eq!(r.accredited_count, 1);
        r.on_issuer_status_change(Accredited, Revoked).unwrap();
        assert_eq!(r.accredited_count, 0);
        r.on_issuer_status_change(Suspended, Revoked).unwrap();
        assert_eq!(r.accredited_count, 0);
        r.invariant().unwrap();
    }

    #[test]
    fn on_issuer_status_change_fails_on_overflow() {
        use IssuerStatus::*;
        let mut r = registry();
        assert_eq!(
            code(r.on_issuer_status_change(Accredited, Suspended)),
            u32::from(RegistryError::Overflow)
        );
        r.accredited_count = u32::MAX;
        assert_eq!(
            code(r.on_issuer_status_change(Pending, Accredited)),
            u32::from(RegistryError::Overflow)
        );
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Registry); 3] = [
            |r| r.name.clear(),
            |r| r.name = "n".repeat(MAX_SEED_NAME_LEN + 1),
            |r| {
                r.issuer_count = 1;
                r.accredited_count = 2;
            },
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut r = registry();
            breaking(&mut r);
            assert_eq!(
                code(r.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
