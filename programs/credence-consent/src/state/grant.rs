use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_SEALED_KEY_LEN},
    error::ConsentError,
};

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
    require!(mask != 0, ConsentError::EmptySelection);
    // `checked_shr` is `None` for a shift of 16 or more: a list of 16 credentials covers every
    // bit.
    let beyond = u32::try_from(credentials.len())
        .ok()
        .and_then(|covered| mask.checked_shr(covered))
        .unwrap_or(0);
    require!(beyond == 0, ConsentError::SelectionOutOfRange);
    Ok(credentials
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & selection_bit(*i) != 0)
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

    /// Whether the grant is in force at `now`: not revoked, not expired, uses left.
    pub fn check_in_force(&self, now: i64) -> Result<()> {
        require!(!self.is_revoked(), ConsentError::GrantRevoked);
        require!(now < self.expires_at, ConsentError::GrantExpired);
        require!(
            self.max_uses == 0 || self.uses < self.max_uses,
            ConsentError::GrantUsedUp
        );
        Ok(())
    }

    /// Whether the subject has revoked the grant (revocation is final).
    pub fn is_revoked(&self) -> bool {
        self.revoked_at != 0
    }

    /// [`Self::check_in_force`] as a yes or no.
    pub fn in_force(&self, now: i64) -> bool {
        self.check_in_force(now).is_ok()
    }

    /// The credentials a selection `mask` names, in grant order: bit `i` selects
    /// `credentials[i]`. Refuses an empty mask (`EmptySelection`) and a bit at or beyond the
    /// number of credentials covered (`SelectionOutOfRange`).
    pub fn selected(&self, mask: u16) -> Result<Vec<CredentialRef>> {
        select_credentials(&self.credentials, mask)
    }

    /// The selection mask naming exactly the credential accounts in `chosen` (in any order,
    /// repeats allowed): `None` if `chosen` is empty or names an address the grant does not
    /// cover as a [`CredentialRef::Account`].
    pub fn mask_of(&self, chosen: &[Pubkey]) -> Option<u16> {
        if chosen.is_empty() {
            return None;
        }
        chosen.iter().try_fold(0u16, |mask, wanted| {
            let position = self.credentials.iter().position(|reference| {
                matches!(reference, CredentialRef::Account { address } if address == wanted)
            })?;
            Some(mask | selection_bit(position))
        })
    }

    /// Counts one recorded access at `now`. Refuses `Overflow` past `u32::MAX` uses.
    pub fn record_use(&mut self, now: i64) -> Result<()> {
        self.uses = self.uses.checked_add(1).ok_or(ConsentError::Overflow)?;
        self.last_access_at = now;
        Ok(())
    }

    /// The rules every instruction that writes a grant keeps (`InvariantViolated` otherwise):
    /// 1 to [`MAX_GRANT_CREDENTIALS`] credentials; a purpose of 1 to [`MAX_PURPOSE_LEN`] bytes; a
    /// sealed key of at most [`MAX_SEALED_KEY_LEN`] bytes; an expiry after creation; uses within
    /// the maximum (when there is one); a revocation, if any, not before creation.
    pub fn invariant(&self) -> Result<()> {
        require!(
            !self.credentials.is_empty() && self.credentials.len() <= MAX_GRANT_CREDENTIALS,
            ConsentError::InvariantViolated
        );
        require!(
            !self.purpose.is_empty() && self.purpose.len() <= MAX_PURPOSE_LEN,
            ConsentError::InvariantViolated
        );
        require!(
            self.sealed_key.len() <= MAX_SEALED_KEY_LEN,
            ConsentError::InvariantViolated
        );
        require!(
            self.expires_at > self.created_at,
            ConsentError::InvariantViolated
        );
        require!(
            self.max_uses == 0 || self.uses <= self.max_uses,
            ConsentError::InvariantViolated
        );
        require!(
            self.revoked_at == 0 || self.revoked_at >= self.created_at,
            ConsentError::InvariantViolated
        );
        Ok(())
    }
}

// A selection mask is a `u16`: one bit per credential a grant may cover.
const _: () = assert!(MAX_GRANT_CREDENTIALS <= u16::BITS as usize);

/// The mask bit selecting `credentials[position]` (0 past the mask's width, which the assertion
/// above keeps out of reach).
fn selection_bit(position: usize) -> u16 {
    u32::try_from(position)
        .ok()
        .and_then(|shift| 1u16.checked_shl(shift))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn address(n: u8) -> Pubkey {
        Pubkey::new_from_array([n; 32])
    }

    fn reference(n: u8) -> CredentialRef {
        CredentialRef::Account {
            address: address(n),
        }
    }

    /// A grant over credentials `1..=count`, created at 100, expiring at 1,000.
    fn grant(count: u8) -> Grant {
        Grant::open(
            address(200),
            address(201),
            7,
            255,
            GrantTerms {
                credentials: (1..=count).map(reference).collect(),
                purpose: "Recruitment".into(),
                expires_at: 1_000,
                max_uses: 0,
                sealed_key: vec![],
            },
            100,
        )
    }

    #[test]
    fn selected_returns_the_masked_credentials_in_grant_order() {
        let g = grant(3);
        assert_eq!(g.selected(0b101).unwrap(), vec![reference(1), reference(3)]);
        assert_eq!(g.selected(0b010).unwrap(), vec![reference(2)]);
        assert_eq!(g.selected(0b111).unwrap(), g.credentials);
    }

    #[test]
    fn selected_covers_every_bit_of_a_full_grant() {
        let g = grant(16);
        assert_eq!(g.selected(u16::MAX).unwrap().len(), 16);
        assert_eq!(g.selected(1 << 15).unwrap(), vec![reference(16)]);
    }

    #[test]
    fn selected_fails_on_an_empty_mask() {
        assert_eq!(
            code(grant(3).selected(0)),
            u32::from(ConsentError::EmptySelection)
        );
    }

    #[test]
    fn selected_fails_on_a_bit_beyond_the_credentials() {
        let g = grant(3);
        assert_eq!(
            code(g.selected(0b1000)),
            u32::from(ConsentError::SelectionOutOfRange)
        );
        assert_eq!(
            code(g.selected(0b1001)),
            u32::from(ConsentError::SelectionOutOfRange)
        );
        assert_eq!(
            code(grant(15).selected(1 << 15)),
            u32::from(ConsentError::SelectionOutOfRange)
        );
    }

    #[test]
    fn mask_of_selects_the_chosen_accounts() {
        let g = grant(4);
        assert_eq!(g.mask_of(&[address(1)]), Some(0b0001));
        assert_eq!(g.mask_of(&[address(4), address(2)]), Some(0b1010));
        assert_eq!(g.mask_of(&[address(2), address(2)]), Some(0b0010));
        let all = g.mask_of(&[address(1), address(2), address(3), address(4)]);
        assert_eq!(all, Some(0b1111));
        assert_eq!(g.selected(all.unwrap()).unwrap(), g.credentials);
    }

    #[test]
    fn mask_of_reaches_the_last_bit_of_a_full_grant() {
        assert_eq!(grant(16).mask_of(&[address(16)]), Some(1 << 15));
    }

    #[test]
    fn mask_of_is_none_for_an_uncovered_or_empty_choice() {
        let mut g = grant(2);
        assert_eq!(g.mask_of(&[]), None);
        assert_eq!(g.mask_of(&[address(3)]), None);
        assert_eq!(g.mask_of(&[address(1), address(3)]), None);
        // A cohort leaf is not a credential account.
        g.credentials.push(CredentialRef::CohortLeaf {
            cohort: address(9),
            index: 0,
        });
        assert_eq!(g.mask_of(&[address(9)]), None);
    }

    #[test]
    fn in_force_follows_check_in_force() {
        let mut g = grant(1);
        assert!(g.in_force(999));
        assert!(g.check_in_force(999).is_ok());
        assert!(!g.in_force(1_000));
        assert_eq!(
            code(g.check_in_force(1_000)),
            u32::from(ConsentError::GrantExpired)
        );
        g.max_uses = 2;
        g.uses = 2;
        assert!(!g.in_force(500));
        assert_eq!(
            code(g.check_in_force(500)),
            u32::from(ConsentError::GrantUsedUp)
        );
        g.revoked_at = 200;
        assert!(g.is_revoked());
        assert!(!g.in_force(500));
        assert_eq!(
            code(g.check_in_force(500)),
            u32::from(ConsentError::GrantRevoked)
        );
    }

    #[test]
    fn record_use_counts_and_stamps() {
        let mut g = grant(1);
        g.record_use(500).unwrap();
        assert_eq!((g.uses, g.last_access_at), (1, 500));
        g.invariant().unwrap();
    }

    #[test]
    fn record_use_fails_on_overflow() {
        let mut g = grant(1);
        g.uses = u32::MAX;
        assert_eq!(code(g.record_use(500)), u32::from(ConsentError::Overflow));
        assert_eq!(g.uses, u32::MAX);
    }

    #[test]
    fn invariant_holds_for_an_opened_grant() {
        grant(1).invariant().unwrap();
        grant(16).invariant().unwrap();
        let mut g = grant(1);
        g.max_uses = 3;
        g.uses = 3;
        g.revoked_at = 100;
        g.invariant().unwrap();
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Grant); 8] = [
            |g| g.credentials.clear(),
            |g| g.credentials = (0..=16).map(reference).collect(),
            |g| g.purpose.clear(),
            |g| g.purpose = "p".repeat(MAX_PURPOSE_LEN + 1),
            |g| g.sealed_key = vec![0; MAX_SEALED_KEY_LEN + 1],
            |g| g.expires_at = g.created_at,
            |g| {
                g.max_uses = 2;
                g.uses = 3;
            },
            |g| g.revoked_at = g.created_at - 1,
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut g = grant(2);
            breaking(&mut g);
            assert_eq!(
                code(g.invariant()),
                u32::from(ConsentError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
