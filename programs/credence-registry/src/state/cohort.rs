use anchor_lang::{prelude::*, Discriminator};

use crate::{
    constants::{
        COHORT_LEAVES_PER_PAGE, COHORT_PAGE_BITMAP_BYTES, COHORT_PAGE_SHIFT, MAX_COHORT_DEPTH,
        MAX_COHORT_LEAVES,
    },
    error::RegistryError,
    state::CredentialStatus,
};

/// A cohort: up to `2^20` credentials of one schema issued in one transaction, as the root of a
/// Merkle tree over their leaves.
///
/// A leaf commits to its index, a salted commitment to the subject's key, the document
/// commitment and the leaf's validity window (see `COHORT_LEAF_TAG`): nothing here, in a status
/// page or in an event names a subject. Each leaf keeps its own status in
/// [`CohortStatusPage`]s, created only where a status changes.
///
/// `issuer` sits at offset 8 for memcmp filters.
// PDA ["cohort", issuer, cohort_id]
#[account]
#[derive(InitSpace, Debug)]
pub struct Cohort {
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema every leaf is issued under.
    pub schema: Pubkey,
    /// Caller-chosen 32-byte id (a PDA seed): a retried issuance lands on the same address.
    pub cohort_id: [u8; 32],
    /// Root of the Merkle tree over the leaves (`COHORT_NODE_TAG` for inner nodes).
    pub merkle_root: [u8; 32],
    /// Leaves in the tree: indices `0..leaf_count` are credentials.
    pub leaf_count: u32,
    /// Levels of the tree: a proof has `depth` siblings, and `leaf_count <= 2^depth`.
    pub depth: u8,
    /// When it was issued (unix seconds).
    pub issued_at: i64,
    /// When the earliest leaf starts being valid: every leaf's window lies within the cohort's.
    pub valid_from: i64,
    /// When the last leaf stops being valid (0: never). Once passed, the cohort can be closed.
    pub expires_at: i64,
    /// Leaves suspended now.
    pub suspended_leaves: u32,
    /// Leaves revoked (final).
    pub revoked_leaves: u32,
    /// Status pages created so far and not closed: the cohort closes only once they are.
    pub status_pages: u16,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Space kept for future fields.
    pub reserved: [u8; 16],
}

impl Cohort {
    /// Whether the cohort has expired at `now` (every leaf with it).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at != 0 && now >= self.expires_at
    }

    /// Whether the cohort's window holds `now`: started and not expired. A leaf is in force when,
    /// also, its own window holds `now` (checked off-chain, from the leaf) and its status is
    /// active.
    pub fn is_in_window(&self, now: i64) -> bool {
        now >= self.valid_from && !self.is_expired(now)
    }

    /// Refuses an index outside the tree (`CohortLeafOutOfRange`).
    pub fn check_index(&self, index: u32) -> Result<()> {
        require!(index < self.leaf_count, RegistryError::CohortLeafOutOfRange);
        Ok(())
    }

    /// Counts a leaf's status change from `previous` to `status`.
    pub fn record_leaf_change(
        &mut self,
        previous: CredentialStatus,
        status: CredentialStatus,
    ) -> Result<()> {
        self.suspended_leaves = count(
            self.suspended_leaves,
            previous,
            status,
            CredentialStatus::Suspended,
        )?;
        self.revoked_leaves = count(
            self.revoked_leaves,
            previous,
            status,
            CredentialStatus::Revoked,
        )?;
        Ok(())
    }

    /// Counts a status page created.
    pub fn record_page_created(&mut self) -> Result<()> {
        self.status_pages = self
            .status_pages
            .checked_add(1)
            .ok_or(RegistryError::Overflow)?;
        Ok(())
    }

    /// Counts a status page closed.
    pub fn record_page_closed(&mut self) -> Result<()> {
        self.status_pages = self
            .status_pages
            .checked_sub(1)
            .ok_or(RegistryError::InvariantViolated)?;
        Ok(())
    }

    /// The rules every instruction that writes a cohort keeps (`InvariantViolated` otherwise):
    /// a tree of 1 to `2^20` leaves that fits its depth; an expiry, if any, after `valid_from`;
    /// no more leaves suspended or revoked than it holds; no more pages than its leaves need.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.leaf_count >= 1
                && self.leaf_count <= MAX_COHORT_LEAVES
                && self.depth <= MAX_COHORT_DEPTH
                && 1u64
                    .checked_shl(u32::from(self.depth))
                    .is_some_and(|capacity| u64::from(self.leaf_count) <= capacity),
            RegistryError::InvariantViolated
        );
        require!(
            self.expires_at == 0 || self.expires_at > self.valid_from,
            RegistryError::InvariantViolated
        );
        let changed = u64::from(self.suspended_leaves).saturating_add(self.revoked_leaves.into());
        require!(
            changed <= u64::from(self.leaf_count),
            RegistryError::InvariantViolated
        );
        require!(
            u32::from(self.status_pages) <= self.leaf_count.div_ceil(COHORT_LEAVES_PER_PAGE),
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

/// `counter` after a leaf moved from `previous` to `status`, for the counter of `kind`.
fn count(
    counter: u32,
    previous: CredentialStatus,
    status: CredentialStatus,
    kind: CredentialStatus,
) -> Result<u32> {
    match (previous == kind, status == kind) {
        (false, true) => counter.checked_add(1).ok_or(RegistryError::Overflow.into()),
        (true, false) => counter
            .checked_sub(1)
            .ok_or(RegistryError::InvariantViolated.into()),
        _ => Ok(counter),
    }
}

/// The status of `COHORT_LEAVES_PER_PAGE` consecutive leaves of a cohort, created the first time
/// one of them changes: two bitmaps, one bit per leaf (`suspended`, `revoked`). A leaf on no page,
/// or with neither bit set, is active. Zero-copy: the 1 KB of bitmaps is never copied to the
/// stack.
// PDA ["cohort_status", cohort, page.to_le_bytes()]
#[account(zero_copy)]
#[derive(Debug)]
#[repr(C)]
pub struct CohortStatusPage {
    /// The cohort.
    pub cohort: Pubkey,
    /// Bit `i % 8` of byte `i / 8`: leaf `page * COHORT_LEAVES_PER_PAGE + i` is suspended.
    pub suspended: [u8; COHORT_PAGE_BITMAP_BYTES],
    /// Bit `i % 8` of byte `i / 8`: leaf `page * COHORT_LEAVES_PER_PAGE + i` is revoked.
    pub revoked: [u8; COHORT_PAGE_BITMAP_BYTES],
    /// The page number: leaves `page * COHORT_LEAVES_PER_PAGE ..` of the cohort.
    pub page: u16,
    /// Leaves of this page suspended now.
    pub suspended_count: u16,
    /// Leaves of this page revoked.
    pub revoked_count: u16,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
}

/// The status page number of leaf `index`: `index / COHORT_LEAVES_PER_PAGE` (a `u16`, since a
/// cohort has at most `2^20` leaves).
pub fn cohort_page_of(index: u32) -> u16 {
    u16::try_from(index >> COHORT_PAGE_SHIFT).unwrap_or(u16::MAX)
}

/// Where leaf `index` sits on its page: the byte and the bit mask.
fn position(index: u32) -> (usize, u8) {
    let offset = index & (COHORT_LEAVES_PER_PAGE - 1);
    ((offset >> 3) as usize, 1u8 << (offset & 7))
}

impl CohortStatusPage {
    /// Space of the account: the discriminator and the page.
    pub const SPACE: usize = 8 + std::mem::size_of::<Self>();

    /// The page in an account's data (discriminator first), or `None` if the data is not a
    /// status page. For readers outside the program: the consent program and the SDK.
    pub fn from_account_data(data: &[u8]) -> Option<&Self> {
        let body = data.strip_prefix(Self::DISCRIMINATOR)?;
        bytemuck::try_from_bytes(body.get(..std::mem::size_of::<Self>())?).ok()
    }

    /// The status of leaf `index` (of the cohort; the page is the one holding it).
    pub fn status_of(&self, index: u32) -> CredentialStatus {
        let (byte, bit) = position(index);
        if self.revoked[byte] & bit != 0 {
            CredentialStatus::Revoked
        } else if self.suspended[byte] & bit != 0 {
            CredentialStatus::Suspended
        } else {
            CredentialStatus::Active
        }
    }

    /// Sets leaf `index`'s status and keeps the page's counts. Returns the previous status.
    pub fn set_status(&mut self, index: u32, status: CredentialStatus) -> Result<CredentialStatus> {
        let previous = self.status_of(index);
        let (byte, bit) = position(index);
        let set = |bits: &mut [u8; COHORT_PAGE_BITMAP_BYTES], on: bool| {
            if on {
                bits[byte] |= bit;
            } else {
                bits[byte] &= !bit;
            }
        };
        set(&mut self.suspended, status == CredentialStatus::Suspended);
        set(&mut self.revoked, status == CredentialStatus::Revoked);
        self.suspended_count = count(
            u32::from(self.suspended_count),
            previous,
            status,
            CredentialStatus::Suspended,
        )?
        .try_into()
        .map_err(|_| RegistryError::Overflow)?;
        self.revoked_count = count(
            u32::from(self.revoked_count),
            previous,
            status,
            CredentialStatus::Revoked,
        )?
        .try_into()
        .map_err(|_| RegistryError::Overflow)?;
        Ok(previous)
    }

    /// The rules every instruction that writes a page keeps (`InvariantViolated` otherwise): no
    /// leaf both suspended and revoked, and the counts match the bitmaps.
    pub fn invariant(&self) -> Result<()> {
        let mut suspended: u32 = 0;
        let mut revoked: u32 = 0;
        for (s, r) in self.suspended.iter().zip(self.revoked.iter()) {
            require!(s & r == 0, RegistryError::InvariantViolated);
            suspended = suspended.saturating_add(s.count_ones());
            revoked = revoked.saturating_add(r.count_ones());
        }
        require!(
            suspended == u32::from(self.suspended_count)
                && revoked == u32::from(self.revoked_count),
            RegistryError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn cohort(leaf_count: u32, depth: u8) -> Cohort {
        Cohort {
            issuer: Pubkey::new_unique(),
            schema: Pubkey::new_unique(),
            cohort_id: [1; 32],
            merkle_root: [2; 32],
            leaf_count,
            depth,
            issued_at: 100,
            valid_from: 100,
            expires_at: 1_000,
            suspended_leaves: 0,
            revoked_leaves: 0,
            status_pages: 0,
            version: 1,
            bump: 255,
            reserved: [0; 16],
        }
    }

    fn page() -> CohortStatusPage {
        bytemuck::Zeroable::zeroed()
    }

    #[test]
    fn pages_hold_4096_leaves_each() {
        assert_eq!(cohort_page_of(0), 0);
        assert_eq!(cohort_page_of(4_095), 0);
        assert_eq!(cohort_page_of(4_096), 1);
        assert_eq!(cohort_page_of(MAX_COHORT_LEAVES - 1), 255);
        assert_eq!(CohortStatusPage::SPACE, 8 + 32 + 2 * 512 + 8);
    }

    #[test]
    fn a_page_sets_each_status_and_keeps_its_counts() {
        let mut p = page();
        // Leaf 4,097 is the second leaf of page 1: the same bit as leaf 1 of page 0.
        assert_eq!(p.status_of(4_097), CredentialStatus::Active);
        assert_eq!(
            p.set_status(4_097, CredentialStatus::Suspended).unwrap(),
            CredentialStatus::Active
        );
        assert_eq!(p.status_of(4_097), CredentialStatus::Suspended);
        assert_eq!(p.status_of(4_096), CredentialStatus::Active);
        assert_eq!((p.suspended_count, p.revoked_count), (1, 0));
        p.set_status(4_097, CredentialStatus::Revoked).unwrap();
        assert_eq!(p.status_of(4_097), CredentialStatus::Revoked);
        assert_eq!((p.suspended_count, p.revoked_count), (0, 1));
        p.set_status(8_191, CredentialStatus::Suspended).unwrap();
        p.invariant().unwrap();
        p.set_status(8_191, CredentialStatus::Active).unwrap();
        assert_eq!((p.suspended_count, p.revoked_count), (0, 1));
        p.invariant().unwrap();
    }

    #[test]
    fn a_page_invariant_fails_on_a_leaf_both_suspended_and_revoked_or_a_wrong_count() {
        let mut both = page();
        both.suspended[0] = 1;
        both.revoked[0] = 1;
        both.suspended_count = 1;
        both.revoked_count = 1;
        assert_eq!(
            code(both.invariant()),
            u32::from(RegistryError::InvariantViolated)
        );
        let mut miscounted = page();
        miscounted.revoked[3] = 0b1000;
        assert_eq!(
            code(miscounted.invariant()),
            u32::from(RegistryError::InvariantViolated)
        );
    }

    #[test]
    fn a_cohort_counts_leaf_changes_and_pages() {
        let mut c = cohort(5, 3);
        c.invariant().unwrap();
        c.record_leaf_change(CredentialStatus::Active, CredentialStatus::Suspended)
            .unwrap();
        c.record_leaf_change(CredentialStatus::Suspended, CredentialStatus::Revoked)
            .unwrap();
        c.record_page_created().unwrap();
        assert_eq!(
            (c.suspended_leaves, c.revoked_leaves, c.status_pages),
            (0, 1, 1)
        );
        c.invariant().unwrap();
        c.record_page_closed().unwrap();
        assert_eq!(
            code(c.record_page_closed()),
            u32::from(RegistryError::InvariantViolated)
        );
        assert_eq!(
            code(c.check_index(5)),
            u32::from(RegistryError::CohortLeafOutOfRange)
        );
        c.check_index(4).unwrap();
    }

    #[test]
    fn a_cohort_invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut Cohort); 6] = [
            |c| c.leaf_count = 0,
            |c| c.leaf_count = 9,
            |c| c.depth = MAX_COHORT_DEPTH + 1,
            |c| c.expires_at = c.valid_from,
            |c| c.revoked_leaves = 6,
            |c| c.status_pages = 2,
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut c = cohort(5, 3);
            breaking(&mut c);
            assert_eq!(
                code(c.invariant()),
                u32::from(RegistryError::InvariantViolated),
                "rule {i}"
            );
        }
    }

    #[test]
    fn window_and_expiry() {
        let mut c = cohort(1, 0);
        assert!(!c.is_in_window(99));
        assert!(c.is_in_window(100));
        assert!(c.is_expired(1_000) && !c.is_in_window(1_000));
        c.expires_at = 0;
        assert!(!c.is_expired(i64::MAX) && c.is_in_window(i64::MAX));
    }
}
