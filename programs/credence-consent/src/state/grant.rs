use anchor_lang::prelude::*;

use crate::constants::{MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_SEALED_KEY_LEN};

/// A reference to one credential. Tagged so that a credential inside a cohort (a Merkle batch,
/// planned) can be named later without changing the grant's layout.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum CredentialRef {
    /// A credential account of the registry program.
    Account {
        /// The credential's address.
        address: Pubkey,
    },
    /// Leaf `index` of a cohort account (reserved; refused until cohorts ship).
    CohortLeaf {
        /// The cohort's address.
        cohort: Pubkey,
        /// The leaf index.
        index: u32,
    },
}

/// The credentials of `credentials` (a grant's list) that `mask` selects (bit `i`:
/// `credentials[i]`), in order: the one decoding of a `record_access` mask, used by the program,
/// the SDK's audit trail and the tests. Refuses an empty mask (`EmptySelection`) and a bit at or
/// beyond the list's length (`SelectionOutOfRange`).
pub fn select_credentials(credentials: &[CredentialRef], mask: u16) -> Result<Vec<CredentialRef>> {
    require!(mask != 0, crate::error::ConsentError::EmptySelection);
    let covered = credentials.len();
    require!(
        covered >= u16::BITS as usize || mask >> covered == 0,
        crate::error::ConsentError::SelectionOutOfRange
    );
    Ok(credentials
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, reference)| *reference)
        .collect())
}

/// The outcome of a verification, as the grantee reports it with `record_access`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum AccessOutcome {
    /// Every check passed.
    Verified,
    /// At least one check failed.
    Failed,
}

/// A candidate's consent: one grantee may see chosen credentials, for a purpose, until an expiry.
///
/// `subject` and `grantee` sit at fixed offsets 8 and 40 for memcmp filters.
// PDA ["grant", subject, grantee, grant_id.to_le_bytes()]
#[account]
#[derive(InitSpace, Debug)]
pub struct Grant {
    /// The candidate who grants access.
    pub subject: Pubkey,
    /// The recruiter who may verify.
    pub grantee: Pubkey,
    /// Subject-chosen id, part of the address (several grants to one grantee).
    pub grant_id: u64,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// The credentials covered.
    #[max_len(MAX_GRANT_CREDENTIALS)]
    pub credentials: Vec<CredentialRef>,
    /// Why access is given.
    #[max_len(MAX_PURPOSE_LEN)]
    pub purpose: String,
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// When it stops being in force.
    pub expires_at: i64,
    /// When it was revoked (0: not revoked).
    pub revoked_at: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
    /// Uses so far.
    pub uses: u32,
    /// Last recorded access (0: never).
    pub last_access_at: i64,
    /// The document key sealed to the grantee's X25519 key (empty: none).
    #[max_len(MAX_SEALED_KEY_LEN)]
    pub sealed_key: Vec<u8>,
    /// Space kept for future fields.
    pub reserved: [u8; 64],
}

/// What a new grant allows: the part of a grant its subject chooses (or approves).
#[derive(Clone, Debug)]
pub struct GrantTerms {
    /// The credentials covered.
    pub credentials: Vec<CredentialRef>,
    /// Why access is given.
    pub purpose: String,
    /// When it stops being in force.
    pub expires_at: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
    /// The document key sealed to the grantee (empty: none).
    pub sealed_key: Vec<u8>,
}

impl Grant {
    /// A new grant from `subject` to `grantee` on `terms`, created at `now`.
    pub fn open(
        subject: Pubkey,
        grantee: Pubkey,
        grant_id: u64,
        bump: u8,
        terms: GrantTerms,
        now: i64,
    ) -> Self {
        Self {
            subject,
            grantee,
            grant_id,
            version: crate::constants::ACCOUNT_VERSION,
            bump,
            credentials: terms.credentials,
            purpose: terms.purpose,
            created_at: now,
            expires_at: terms.expires_at,
            revoked_at: 0,
            max_uses: terms.max_uses,
            uses: 0,
            last_access_at: 0,
            sealed_key: terms.sealed_key,
            reserved: [0; 64],
        }
    }

    /// The `GrantCreated` event of this grant at `address`.
    pub fn created_event(&self, address: Pubkey) -> crate::events::GrantCreated {
        crate::events::GrantCreated {
            grant: address,
            subject: self.subject,
            grantee: self.grantee,
            credentials: self.credentials.clone(),
            expires_at: self.expires_at,
            max_uses: self.max_uses,
        }
    }

    /// The credentials `mask` selects (bit `i`: `credentials[i]`), in grant order. Refuses an
    /// empty mask (`EmptySelection`) and a bit at or beyond the credentials covered
    /// (`SelectionOutOfRange`).
    pub fn selected(&self, mask: u16) -> Result<Vec<CredentialRef>> {
        select_credentials(&self.credentials, mask)
    }

    /// The mask selecting the credential accounts `chosen` (`None` if `chosen` is empty or
    /// names one the grant does not cover).
    pub fn mask_of(&self, chosen: &[Pubkey]) -> Option<u16> {
        let mut mask = 0u16;
        for address in chosen {
            let position = self
                .credentials
                .iter()
                .position(|r| *r == CredentialRef::Account { address: *address })?;
            mask |= 1u16.checked_shl(u32::try_from(position).ok()?)?;
        }
        (mask != 0).then_some(mask)
    }

    /// Whether the grant is in force at `now` ([`Self::check_in_force`] without the reason).
    pub fn in_force(&self, now: i64) -> bool {
        self.check_in_force(now).is_ok()
    }

    /// Whether the grant is in force at `now`: not revoked, not expired, uses left.
    pub fn check_in_force(&self, now: i64) -> Result<()> {
        require!(
            self.revoked_at == 0,
            crate::error::ConsentError::GrantRevoked
        );
        require!(
            now < self.expires_at,
            crate::error::ConsentError::GrantExpired
        );
        require!(
            self.max_uses == 0 || self.uses < self.max_uses,
            crate::error::ConsentError::GrantUsedUp
        );
        Ok(())
    }
}
