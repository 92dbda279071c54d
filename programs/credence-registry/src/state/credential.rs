use anchor_lang::prelude::*;

use crate::error::RegistryError;

/// Status of a credential. Expiry is not a status: it follows from `expires_at` and the clock.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum CredentialStatus {
    /// In force.
    Active,
    /// Temporarily not in force (for example a licence under investigation).
    Suspended,
    /// Permanently withdrawn; `revocation_reason` says why.
    Revoked,
}

/// A credential: a salted hash commitment to a document, never the document or any personal data.
///
/// `issuer` and `subject` sit at fixed offsets 8 and 40, so `getProgramAccounts` with a memcmp
/// filter lists an issuer's or a candidate's credentials without an indexer.
///
/// It holds what a verifier reads and nothing only history needs: 205 bytes with its
/// discriminator, no larger than the Solana Attestation Service's attestation of a bare 32-byte
/// hash (which carries no status, validity start or reason). The key that signed the issuance is
/// in the `CredentialIssued` event.
// PDA ["credential", issuer, subject, credential_id]
#[account]
#[derive(InitSpace, Debug)]
pub struct Credential {
    /// The issuer.
    pub issuer: Pubkey,
    /// The subject: the candidate's wallet key.
    pub subject: Pubkey,
    /// The schema it was issued under.
    pub schema: Pubkey,
    /// Caller-chosen 32-byte id (a PDA seed): a retried issuance lands on the same address.
    pub credential_id: [u8; 32],
    /// `SHA-256(domain tag ‖ salt ‖ document)`.
    pub commitment: [u8; 32],
    /// When it was issued (unix seconds).
    pub issued_at: i64,
    /// When it starts being valid.
    pub valid_from: i64,
    /// When it stops being valid (0: never).
    pub expires_at: i64,
    /// Status.
    pub status: CredentialStatus,
    /// Revocation reason code (`REASON_*`), 0 unless revoked.
    pub revocation_reason: u16,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Space kept for future fields.
    pub reserved: [u8; 8],
}

impl Credential {
    /// Whether the issuer has revoked the credential (revocation is final).
    pub fn is_revoked(&self) -> bool {
        self.status == CredentialStatus::Revoked
    }

    /// Whether the credential has expired at `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at != 0 && now >= self.expires_at
    }

    /// Whether the credential is in force at `now`: active, started and not expired. Fees are
    /// charged only for a credential in force.
    pub fn is_in_force(&self, now: i64) -> bool {
        self.status == CredentialStatus::Active && now >= self.valid_from && !self.is_expired(now)
    }

    /// The rules every instruction that writes a credential keeps (`InvariantViolated`
    /// otherwise): an expiry, if any, after `valid_from`; a revocation reason exactly when
    /// revoked.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.expires_at == 0 || self.expires_at > self.valid_from,
            RegistryError::InvariantViolated
        );
        require!(
            (self.status == CredentialStatus::Revoked) == (self.revocation_reason != 0),
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn credential() -> Credential {
        Credential {
            issuer: Pubkey::new_unique(),
            subject: Pubkey::new_unique(),
            schema: Pubkey::new_unique(),
            credential_id: [1; 32],
            commitment: [2; 32],
            issued_at: 100,
            valid_from: 100,
            expires_at: 1_000,
            status: CredentialStatus::Active,
            revocation_reason: 0,
            version: 1,
            bump: 255,
            reserved: [0; 8],
        }
    }

    #[test]
    fn is_expired_and_is_in_force() {
        let mut c = credential();
        assert!(!c.is_in_force(99));
        assert!(c.is_in_force(100));
        assert!(!c.is_expired(999));
        assert!(c.is_expired(1_000));
        assert!(!c.is_in_force(1_000));
        c.status = CredentialStatus::Suspended;
        assert!(!c.is_in_force(500));
        assert!(!c.is_revoked());
        c.status = CredentialStatus::Revoked;
        assert!(c.is_revoked());
        assert!(!c.is_in_force(500));
        c.status = CredentialStatus::Active;
        c.expires_at = 0;
        assert!(!c.is_expired(i64::MAX));
        assert!(c.is_in_force(i64::MAX));
    }

    #[test]
    fn invariant_holds_for_issued_and_revoked_credentials() {
        let mut c = credential();
        c.invariant().unwrap();
        c.expires_at = 0;
        c.invariant().unwrap();
        c.status = CredentialStatus::Revoked;
        c.revocation_reason = 4;
        c.invariant().unwrap();
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Credential); 3] = [
            |c| c.expires_at = c.valid_from,
            |c| c.status = CredentialStatus::Revoked,
            |c| c.revocation_reason = 1,
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut c = credential();
            breaking(&mut c);
            assert_eq!(
                code(c.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
