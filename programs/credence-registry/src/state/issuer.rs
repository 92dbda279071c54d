use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_DISPLAY_NAME_LEN, MAX_JURISDICTION_LEN, MAX_SEED_NAME_LEN, MAX_URI_LEN},
    error::RegistryError,
};

/// Lifecycle of an issuer within a registry.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum IssuerStatus {
    /// Registered, awaiting the admin's accreditation.
    Pending,
    /// Accredited: may issue credentials.
    Accredited,
    /// Temporarily barred from issuing; its credentials do not verify.
    Suspended,
    /// Permanently removed; its credentials do not verify.
    Revoked,
}

/// An institution that issues credentials: a university, a medical council, an ID authority, an employer.
// PDA ["issuer", registry, issuer_id]
#[account]
#[derive(InitSpace, Debug)]
pub struct Issuer {
    /// The registry it belongs to.
    pub registry: Pubkey,
    /// The key that signs for the issuer; rotatable without changing the issuer's address.
    pub authority: Pubkey,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Accreditation status.
    pub status: IssuerStatus,
    /// Id within the registry (a PDA seed), for example `unilag`.
    #[max_len(MAX_SEED_NAME_LEN)]
    pub issuer_id: String,
    /// Display name, for example `University of Lagos`.
    #[max_len(MAX_DISPLAY_NAME_LEN)]
    pub name: String,
    /// Website or DID document.
    #[max_len(MAX_URI_LEN)]
    pub uri: String,
    /// Jurisdiction code (ISO 3166-1 alpha-2 or 3166-2).
    #[max_len(MAX_JURISDICTION_LEN)]
    pub jurisdiction: String,
    /// When it registered (unix seconds).
    pub registered_at: i64,
    /// When its status or metadata last changed.
    pub updated_at: i64,
    /// Frozen: what issuance counted before it stopped writing the issuer (issuances take no
    /// write lock on it, so one issuer's run in parallel). Kept so the layout of existing
    /// accounts holds; count issuances from the `CredentialIssued` and `CohortIssued` events.
    pub credentials_issued: u64,
    /// Schemas it has created.
    pub schema_count: u32,
    /// Delegates currently registered.
    pub delegate_count: u32,
    /// Space kept for future fields.
    pub reserved: [u8; 64],
}

impl Issuer {
    /// Whether the issuer may issue and its credentials verify.
    pub fn is_accredited(&self) -> bool {
        self.status == IssuerStatus::Accredited
    }

    /// Whether the admin has revoked the issuer (revocation is final): it may change nothing.
    pub fn is_revoked(&self) -> bool {
        self.status == IssuerStatus::Revoked
    }

    /// Counts one schema created. Refuses `Overflow` past `u32::MAX`.
    pub fn record_schema(&mut self) -> Result<()> {
        self.schema_count = self
            .schema_count
            .checked_add(1)
            .ok_or(RegistryError::Overflow)?;
        Ok(())
    }

    /// Counts one delegate added. Refuses `Overflow` past `u32::MAX`.
    pub fn add_delegate(&mut self) -> Result<()> {
        self.delegate_count = self
            .delegate_count
            .checked_add(1)
            .ok_or(RegistryError::Overflow)?;
        Ok(())
    }

    /// Counts one delegate removed. Refuses `Overflow` below zero.
    pub fn remove_delegate(&mut self) -> Result<()> {
        self.delegate_count = self
            .delegate_count
            .checked_sub(1)
            .ok_or(RegistryError::Overflow)?;
        Ok(())
    }

    /// The rules every instruction that writes an issuer keeps (`InvariantViolated` otherwise):
    /// an id of 1 to [`MAX_SEED_NAME_LEN`] bytes, a name of 1 to [`MAX_DISPLAY_NAME_LEN`], a URI
    /// of at most [`MAX_URI_LEN`], a jurisdiction of 1 to [`MAX_JURISDICTION_LEN`], and a last
    /// change not before registration.
    pub fn invariant(&self) -> Result<()> {
        require!(
            !self.issuer_id.is_empty() && self.issuer_id.len() <= MAX_SEED_NAME_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            !self.name.is_empty() && self.name.len() <= MAX_DISPLAY_NAME_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            self.uri.len() <= MAX_URI_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            !self.jurisdiction.is_empty() && self.jurisdiction.len() <= MAX_JURISDICTION_LEN,
            RegistryError::InvariantViolated
        );
        require!(
            self.updated_at >= self.registered_at,
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn issuer() -> Issuer {
        Issuer {
            registry: Pubkey::new_unique(),
            authority: Pubkey::new_unique(),
            version: 1,
            bump: 255,
            status: IssuerStatus::Pending,
            issuer_id: "unilag".into(),
            name: "University of Lagos".into(),
            uri: String::new(),
            jurisdiction: "NG".into(),
            registered_at: 100,
            updated_at: 100,
            credentials_issued: 0,
            schema_count: 0,
            delegate_count: 0,
            reserved: [0; 64],
        }
    }

    #[test]
    fn is_accredited_only_when_accredited() {
        let mut i = issuer();
        for (status, accredited) in [
            (IssuerStatus::Pending, false),
            (IssuerStatus::Accredited, true),
            (IssuerStatus::Suspended, false),
            (IssuerStatus::Revoked, false),
        ] {
            i.status = status;
            assert_eq!(i.is_accredited(), accredited, "{status:?}");
            assert_eq!(
                i.is_revoked(),
                status == IssuerStatus::Revoked,
                "{status:?}"
            );
        }
    }

    #[test]
    fn counters_count() {
        let mut i = issuer();
        i.record_schema().unwrap();
        i.add_delegate().unwrap();
        i.add_delegate().unwrap();
        i.remove_delegate().unwrap();
        assert_eq!((i.schema_count, i.delegate_count), (1, 1));
        i.invariant().unwrap();
    }

    #[test]
    fn counters_fail_on_overflow() {
        let overflow = u32::from(RegistryError::Overflow);
        let mut i = issuer();
        assert_eq!(code(i.remove_delegate()), overflow);
        i.schema_count = u32::MAX;
        i.delegate_count = u32::MAX;
        assert_eq!(code(i.record_schema()), overflow);
        assert_eq!(code(i.add_delegate()), overflow);
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Issuer); 8] = [
            |i| i.issuer_id.clear(),
            |i| i.issuer_id = "i".repeat(MAX_SEED_NAME_LEN + 1),
            |i| i.name.clear(),
            |i| i.name = "n".repeat(MAX_DISPLAY_NAME_LEN + 1),
            |i| i.uri = "u".repeat(MAX_URI_LEN + 1),
            |i| i.jurisdiction.clear(),
            |i| i.jurisdiction = "j".repeat(MAX_JURISDICTION_LEN + 1),
            |i| i.updated_at = 99,
        ];
        for (n, breaking) in broken.iter().enumerate() {
            let mut i = issuer();
            breaking(&mut i);
            assert_eq!(
                code(i.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {n}"
            );
        }
    }
}
