use anchor_lang::prelude::*;

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
    /// The key that signed the issuance (the issuer authority or a delegate).
    pub issued_by: Pubkey,
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
    /// Whether the credential has expired at `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at != 0 && now >= self.expires_at
    }

    /// Whether the credential is in force at `now`: active, started and not expired. Fees are
    /// charged only for a credential in force.
    pub fn is_in_force(&self, now: i64) -> bool {
        self.status == CredentialStatus::Active && now >= self.valid_from && !self.is_expired(now)
    }
}
