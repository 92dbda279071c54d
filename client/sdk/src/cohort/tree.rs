//! Leaf and node hashes, the streaming builder, the tree and its proofs.

use std::{num::NonZeroUsize, sync::OnceLock, thread};

use sha2::{Digest, Sha256};
use solana_pubkey::Pubkey;

use super::{
    COHORT_LEAF_TAG, COHORT_NODE_TAG, COHORT_SUBJECT_TAG, MAX_COHORT_DEPTH, MAX_COHORT_LEAVES,
};
use crate::{
    commitment::{IssuerSecret, Salt, commit},
    error::SdkError,
};

/// An empty position of the tree (an index at or past the leaf count): 32 zero bytes. No leaf
/// hashes to it, so no proof opens an empty position.
pub const EMPTY_LEAF: [u8; 32] = [0; 32];

/// Rows one thread hashes at least (a row is about ten SHA-256 blocks: two HMACs, two
/// commitments and the leaf), so that small chunks are not spread over threads for nothing.
const ROWS_PER_THREAD: usize = 256;
/// Inner nodes one thread hashes at least when building a level.
const NODES_PER_THREAD: usize = 8_192;

/// A leaf's subject commitment: `SHA-256(COHORT_SUBJECT_TAG ‖ salt ‖ subject)`. Without the salt
/// it cannot be matched to a wallet.
pub fn subject_commitment(salt: &Salt, subject: &Pubkey) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(COHORT_SUBJECT_TAG);
    hasher.update(salt.0);
    hasher.update(subject.as_ref());
    hasher.finalize().into()
}

/// An inner node: `SHA-256(COHORT_NODE_TAG ‖ left ‖ right)`. Its tag sets it apart from the
/// leaves, so no node can pass for a leaf.
#[inline]
pub fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(COHORT_NODE_TAG);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The depth of a tree of `leaf_count` leaves: the smallest `d` with `leaf_count <= 2^d` (one
/// leaf: depth 0, the root is the leaf). `None` for 0 leaves or more than
/// [`MAX_COHORT_LEAVES`].
/// ```
/// use credence_sdk::cohort::cohort_depth;
///
/// assert_eq!(cohort_depth(1), Some(0));
/// assert_eq!(cohort_depth(5), Some(3));
/// assert_eq!(cohort_depth(1 << 20), Some(20));
/// assert_eq!(cohort_depth(0), None);
/// assert_eq!(cohort_depth((1 << 20) + 1), None);
/// ```
pub fn cohort_depth(leaf_count: u32) -> Option<u8> {
    (1..=MAX_COHORT_LEAVES)
        .contains(&leaf_count)
        .then(|| leaf_count.next_power_of_two().trailing_zeros() as u8)
}

/// `Z[k]`, the root of an empty subtree of height `k`: `Z[0]` is [`EMPTY_LEAF`] and
/// `Z[k + 1] = node(Z[k], Z[k])`.
fn empty_subtrees() -> &'static [[u8; 32]; MAX_COHORT_DEPTH as usize + 1] {
    static EMPTY: OnceLock<[[u8; 32]; MAX_COHORT_DEPTH as usize + 1]> = OnceLock::new();
    EMPTY.get_or_init(|| {
        let mut empty = [EMPTY_LEAF; MAX_COHORT_DEPTH as usize + 1];
        for k in 1..empty.len() {
            empty[k] = node(&empty[k - 1], &empty[k - 1]);
        }
        empty
    })
}

/// What a cohort leaf commits to. Its hash ([`LeafData::hash`]) is the tree's leaf; nothing in it
/// names the subject without the subject salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeafData {
    /// The leaf's position in the tree (the row's position in the issuance, from 0).
    pub index: u32,
    /// [`subject_commitment`] of the subject's key.
    pub subject_commitment: [u8; 32],
    /// [`commit`] of the document.
    pub document_commitment: [u8; 32],
    /// When the credential starts being valid (unix seconds).
    pub valid_from: i64,
    /// When it stops being valid (unix seconds; 0: never).
    pub expires_at: i64,
}

impl LeafData {
    /// The leaf: `SHA-256(COHORT_LEAF_TAG ‖ cohort ‖ index_le_u32 ‖ subject_commitment ‖
    /// document_commitment ‖ valid_from_le_i64 ‖ expires_at_le_i64)`. The cohort's address and
    /// the index are in it, so a leaf proves nothing in another cohort or at another position.
    #[inline]
    pub fn hash(&self, cohort: &Pubkey) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(COHORT_LEAF_TAG);
        hasher.update(cohort.as_ref());
        hasher.update(self.index.to_le_bytes());
        hasher.update(self.subject_commitment);
        hasher.update(self.document_commitment);
        hasher.update(self.valid_from.to_le_bytes());
        hasher.update(self.expires_at.to_le_bytes());
        hasher.finalize().into()
    }
}

/// Whether `proof` takes `leaf` at `index` up to `root` in a tree of `depth` levels: `proof` holds
/// exactly `depth` sibling hashes, bottom-up, and bit `k` of `index` says whether the node at
/// level `k` is a right child. `false` for a proof of another length, an index past `2^depth` or
/// a depth over [`MAX_COHORT_DEPTH`].
///
/// Take `depth` and `root` from the cohort account, never from the one presenting the proof:
/// a shorter proof opens an inner node as if it were a leaf of a shallower tree. Allocates
/// nothing: `depth + 1` SHA-256 runs.
/// ```
/// use credence_sdk::cohort::{node, verify_proof};
///
/// let (a, b) = ([1u8; 32], [2u8; 32]);
/// let root = node(&a, &b);
/// assert!(verify_proof(&root, 1, 0, &a, &[b]));
/// assert!(verify_proof(&root, 1, 1, &b, &[a]));
/// assert!(!verify_proof(&root, 1, 1, &a, &[b])); // wrong index
/// assert!(!verify_proof(&root, 2, 0, &a, &[b])); // proof shorter than the depth
/// ```
pub fn verify_proof(
    root: &[u8; 32],
    depth: u8,
    index: u32,
    leaf: &[u8; 32],
    proof: &[[u8; 32]],
) -> bool {
    if depth > MAX_COHORT_DEPTH
        || proof.len() != usize::from(depth)
        || u64::from(index) >= 1u64 << depth
    {
        return false;
    }
    let mut hash = *leaf;
    for (level, sibling) in proof.iter().enumerate() {
        hash = if (index >> level) & 1 == 1 {
            node(sibling, &hash)
        } else {
            node(&hash, sibling)
        };
    }
    hash == *root
}

/// One credential of a cohort, as the issuer holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortRow {
    /// The issuer's own reference for the credential (a student number, a licence PIN): its
    /// salts derive from it ([`IssuerSecret::cohort_salts`]). Never on-chain.
    pub reference: String,
    /// The candidate's wallet.
    pub subject: Pubkey,
    /// The document's bytes (its commitment goes into the leaf).
    pub document: Vec<u8>,
    /// When the credential starts being valid (unix seconds).
    pub valid_from: i64,
    /// When it stops being valid (unix seconds; 0: never). Otherwise after `valid_from`.
    pub expires_at: i64,
}

impl CohortRow {
    /// The row's leaf at position `index` of the cohort at `cohort`, with the salts `secret`
    /// derives for its reference.
    pub fn leaf(&self, secret: &IssuerSecret, cohort: &Pubkey, index: u32) -> LeafData {
        let salts = secret.cohort_salts(cohort, &self.reference);
        LeafData {
            index,
            subject_commitment: subject_commitment(&salts.subject, &self.subject),
            document_commitment: commit(&salts.document, &self.document),
            valid_from: self.valid_from,
            expires_at: self.expires_at,
        }
    }

    /// [`SdkError::CohortRowWindow`] unless the row never expires or expires after it starts.
    fn check_window(&self) -> Result<(), SdkError> {
        if self.expires_at != 0 && self.expires_at <= self.valid_from {
            return Err(SdkError::CohortRowWindow {
                reference: self.reference.clone(),
                valid_from: self.valid_from,
                expires_at: self.expires_at,
            });
        }
        Ok(())
    }
}

/// Builds a cohort's tree from its rows, streamed chunk by chunk ([`CohortBuilder::push`]): it
/// keeps each row's 32-byte leaf and the cohort's window, never the rows, and hashes each chunk
/// on every core. Row `i` in push order is leaf `i`.
///
/// Every salt derives from the issuer's secret, the cohort's address and the row's reference,
/// so the same rows in the same order give the same root: a killed issuance re-run lands on the
/// same cohort with the same tree.
/// ```
/// use credence_sdk::{cohort::{CohortBuilder, CohortRow}, commitment::IssuerSecret, Pubkey};
///
/// let (secret, cohort) = (IssuerSecret::generate(), Pubkey::new_unique());
/// let rows: Vec<CohortRow> = (0..5)
///     .map(|i| CohortRow {
///         reference: format!("RN-{i}"),
///         subject: Pubkey::new_unique(),
///         document: format!("Registered Nurse {i}").into_bytes(),
///         valid_from: 1_700_000_000,
///         expires_at: 0,
///     })
///     .collect();
/// let mut builder = CohortBuilder::new(&secret, cohort);
/// builder.push(&rows[..2])?;
/// builder.push(&rows[2..])?;
/// let tree = builder.finish()?;
/// assert_eq!((tree.leaf_count(), tree.depth(), tree.expires_at()), (5, 3, 0));
///
/// let mut again = CohortBuilder::new(&secret, cohort);
/// again.push(&rows)?;
/// assert_eq!(again.finish()?.root(), tree.root()); // chunking does not change the root
/// # Ok::<(), credence_sdk::SdkError>(())
/// ```
pub struct CohortBuilder {
    secret: IssuerSecret,
    cohort: Pubkey,
    leaves: Vec<[u8; 32]>,
    valid_from: i64,
    latest_expiry: i64,
    never_expires: bool,
}

impl CohortBuilder {
    /// A builder for the cohort at address `cohort` ([`crate::pda::cohort`] of the issuer and
    /// [`IssuerSecret::cohort_id`]), deriving salts from `secret`.
    pub fn new(secret: &IssuerSecret, cohort: Pubkey) -> Self {
        Self {
            secret: secret.clone(),
            cohort,
            leaves: Vec::new(),
            valid_from: i64::MAX,
            latest_expiry: 0,
            never_expires: false,
        }
    }

    /// The cohort's address.
    pub fn cohort(&self) -> Pubkey {
        self.cohort
    }

    /// Leaves pushed so far: the index the next row gets.
    pub fn leaf_count(&self) -> u32 {
        self.leaves.len() as u32
    }

    /// Adds `rows` as the next leaves, hashing them in parallel. Refused, with nothing added, if
    /// the cohort would exceed [`MAX_COHORT_LEAVES`] ([`SdkError::OutOfRange`]) or a row expires
    /// before it starts ([`SdkError::CohortRowWindow`]).
    pub fn push(&mut self, rows: &[CohortRow]) -> Result<(), SdkError> {
        let start = self.leaves.len();
        let total = start + rows.len();
        if total > MAX_COHORT_LEAVES as usize {
            return Err(SdkError::OutOfRange {
                what: "a cohort's leaf count",
                allowed: format!("1 to {MAX_COHORT_LEAVES}"),
                given: total.to_string(),
            });
        }
        for row in rows {
            row.check_window()?;
        }
        for row in rows {
            self.valid_from = self.valid_from.min(row.valid_from);
            if row.expires_at == 0 {
                self.never_expires = true;
            } else {
                self.latest_expiry = self.latest_expiry.max(row.expires_at);
            }
        }
        self.leaves.resize(total, EMPTY_LEAF);
        let (secret, cohort) = (&self.secret, &self.cohort);
        par_fill(&mut self.leaves[start..], ROWS_PER_THREAD, |offset, out| {
            for (i, slot) in out.iter_mut().enumerate() {
                let row = offset + i;
                // At most MAX_COHORT_LEAVES leaves: the index fits a u32.
                let index = (start + row) as u32;
                *slot = rows[row].leaf(secret, cohort, index).hash(cohort);
            }
        });
        Ok(())
    }

    /// The tree over every leaf pushed, all levels kept for proofs (64 bytes a leaf: 64 MiB for
    /// `2^20` leaves). [`SdkError::OutOfRange`] if no row was pushed.
    pub fn finish(self) -> Result<CohortTree, SdkError> {
        let Self {
            cohort,
            mut leaves,
            valid_from,
            latest_expiry,
            never_expires,
            ..
        } = self;
        let depth = cohort_depth(leaves.len() as u32).ok_or_else(|| SdkError::OutOfRange {
            what: "a cohort's leaf count",
            allowed: format!("1 to {MAX_COHORT_LEAVES}"),
            given: leaves.len().to_string(),
        })?;
        leaves.shrink_to_fit();
        let mut levels = Vec::with_capacity(usize::from(depth) + 1);
        levels.push(leaves);
        for height in 0..usize::from(depth) {
            let below = &levels[height];
            let empty = &empty_subtrees()[height];
            let mut above = vec![EMPTY_LEAF; below.len().div_ceil(2)];
            par_fill(&mut above, NODES_PER_THREAD, |offset, out| {
                for (i, slot) in out.iter_mut().enumerate() {
                    let left = 2 * (offset + i);
                    *slot = node(&below[left], below.get(left + 1).unwrap_or(empty));
                }
            });
            levels.push(above);
        }
        Ok(CohortTree {
            cohort,
            levels,
            depth,
            valid_from,
            expires_at: if never_expires { 0 } else { latest_expiry },
        })
    }
}

/// Never shows the secret or the leaves.
impl std::fmt::Debug for CohortBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CohortBuilder")
            .field("cohort", &self.cohort)
            .field("leaf_count", &self.leaves.len())
            .finish_non_exhaustive()
    }
}

/// A cohort's whole Merkle tree ([`CohortBuilder::finish`]): its root, depth, leaf count and
/// window go on-chain; its proofs go to the candidates ([`CohortTree::credential`]).
pub struct CohortTree {
    cohort: Pubkey,
    /// `levels[0]` the leaves, `levels[depth]` the root; level `k` holds the nodes over at least
    /// one leaf (positions past it are the empty subtree `Z[k]`).
    levels: Vec<Vec<[u8; 32]>>,
    depth: u8,
    valid_from: i64,
    expires_at: i64,
}

impl CohortTree {
    /// The cohort's address (every leaf hashes it).
    pub fn cohort(&self) -> Pubkey {
        self.cohort
    }

    /// The Merkle root, what the issuer anchors on-chain.
    pub fn root(&self) -> [u8; 32] {
        self.levels[usize::from(self.depth)][0]
    }

    /// Levels of the tree: every proof has this many siblings.
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// Leaves in the tree (indices `0..leaf_count`).
    pub fn leaf_count(&self) -> u32 {
        self.levels[0].len() as u32
    }

    /// When the earliest leaf starts being valid: the least `valid_from` of the rows.
    pub fn valid_from(&self) -> i64 {
        self.valid_from
    }

    /// When the last leaf stops being valid: the greatest `expires_at` of the rows, or 0 (never)
    /// if any row never expires.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// Leaf `index`'s hash (`None` past the leaf count).
    pub fn leaf(&self, index: u32) -> Option<[u8; 32]> {
        self.levels[0].get(index as usize).copied()
    }

    /// Leaf `index`'s proof for [`verify_proof`]: [`Self::depth`] sibling hashes, bottom-up
    /// (`None` past the leaf count).
    pub fn proof(&self, index: u32) -> Option<Vec<[u8; 32]>> {
        if index >= self.leaf_count() {
            return None;
        }
        let empty = empty_subtrees();
        let proof = self.levels[..usize::from(self.depth)]
            .iter()
            .enumerate()
            .map(|(height, level)| {
                let sibling = (index as usize >> height) ^ 1;
                level.get(sibling).copied().unwrap_or(empty[height])
            })
            .collect();
        Some(proof)
    }
}

/// Shows the cohort, its size and its root, not the leaves.
impl std::fmt::Debug for CohortTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CohortTree")
            .field("cohort", &self.cohort)
            .field("leaf_count", &self.leaf_count())
            .field("depth", &self.depth)
            .field("root", &hex::encode(self.root()))
            .field("valid_from", &self.valid_from)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The threads to spread work over (the cores this process may use).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// Runs `fill(offset, part)` over consecutive parts of `out` (`offset` the part's start), one
/// part per core, each of at least `min_per_thread` items; on the calling thread alone when
/// `out` is small.
pub(crate) fn par_fill<T, F>(out: &mut [T], min_per_thread: usize, fill: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    let threads = cores().min(out.len() / min_per_thread.max(1)).max(1);
    if threads == 1 {
        fill(0, out);
        return;
    }
    let part = out.len().div_ceil(threads);
    thread::scope(|scope| {
        let mut parts = out.chunks_mut(part).enumerate();
        let first = parts.next();
        for (i, chunk) in parts {
            let fill = &fill;
            scope.spawn(move || fill(i * part, chunk));
        }
        if let Some((_, chunk)) = first {
            fill(0, chunk);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(text: &str) -> [u8; 32] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    fn rows(count: usize) -> Vec<CohortRow> {
        (0..count)
            .map(|i| CohortRow {
                reference: format!("UNILAG/2019/NUR/{i:04}"),
                subject: Pubkey::new_unique(),
                document: format!("Registered Nurse, PIN 19K{i:04}N").into_bytes(),
                valid_from: 1_600_000_000 + i as i64,
                expires_at: 1_900_000_000 + i as i64,
            })
            .collect()
    }

    fn build(
        secret: &IssuerSecret,
        cohort: Pubkey,
        rows: &[CohortRow],
        chunk: usize,
    ) -> CohortTree {
        let mut builder = CohortBuilder::new(secret, cohort);
        for part in rows.chunks(chunk) {
            builder.push(part).unwrap();
        }
        builder.finish().unwrap()
    }

    /// The root by the definition: the leaves padded with empty leaves to `2^depth`, hashed pair
    /// by pair.
    fn reference_root(leaves: &[[u8; 32]]) -> [u8; 32] {
        let depth = cohort_depth(leaves.len() as u32).unwrap();
        let mut level = leaves.to_vec();
        level.resize(1 << depth, EMPTY_LEAF);
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| node(&pair[0], &pair[1]))
                .collect();
        }
        level[0]
    }

    /// A tree straight from leaf hashes, as `finish` builds it.
    fn tree_of(leaves: Vec<[u8; 32]>) -> CohortTree {
        let mut builder = CohortBuilder::new(&IssuerSecret::from_bytes([0; 32]), Pubkey::default());
        builder.leaves = leaves;
        builder.valid_from = 0;
        builder.finish().unwrap()
    }

    /// The hashes are SHA-256 with the registry's tags, laid out as documented (vectors computed
    /// independently with Python's `hashlib`).
    #[test]
    fn hashes_match_known_answers() {
        let subject = Pubkey::new_from_array(std::array::from_fn(|i| 64 + i as u8));
        let cohort = Pubkey::new_from_array(std::array::from_fn(|i| 32 + i as u8));
        let subject_c = subject_commitment(&Salt([1; 32]), &subject);
        assert_eq!(
            subject_c,
            hex32("61eeeb1710262c21751163f30073bd78298f82da9932863708fe9ed55062c334")
        );
        let document_c = commit(&Salt([2; 32]), b"Registered Nurse, PIN 19K0042N");
        assert_eq!(
            document_c,
            hex32("0c05c2787e716627049e95db1426ac25890e5af9efb5f4b44f128f3c10be6a5e")
        );
        let leaf = LeafData {
            index: 5,
            subject_commitment: subject_c,
            document_commitment: document_c,
            valid_from: 1_600_000_000,
            expires_at: -1,
        };
        assert_eq!(
            leaf.hash(&cohort),
            hex32("0c03fbc7d1938528e4d15f027509d892935932ecaded0c7fba11bc14469f1bb7")
        );
        assert_eq!(
            node(&subject_c, &document_c),
            hex32("8268d406f154c55abe59aa155b00202f0d1c759133ed416e80357cdc1f1abcd0")
        );
        let empty = empty_subtrees();
        assert_eq!(empty[0], EMPTY_LEAF);
        assert_eq!(
            empty[1],
            hex32("55477c447ec7fa0c7a4b672d053e5dc6d5800be59d59ffe06b9a32ae1a96df2f")
        );
        assert_eq!(
            empty[20],
            hex32("342647e57c4683e7e3048b909f8700a138a671acc928b87c6f4eea9ecbc5c715")
        );
        let tree = tree_of((0..3u8).map(|i| crate::commitment::sha256(&[i])).collect());
        assert_eq!(
            tree.root(),
            hex32("2c208233685a34c30a4eabefc8d8ab6bb55ba4d127d3c5c505be81acfe506b91")
        );
    }

    #[test]
    fn depth_is_the_least_that_holds_the_leaves() {
        let cases = [
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (8, 3),
            (9, 4),
            (1000, 10),
        ];
        for (count, depth) in cases {
            assert_eq!(cohort_depth(count), Some(depth), "{count} leaves");
        }
        assert_eq!(cohort_depth(MAX_COHORT_LEAVES), Some(MAX_COHORT_DEPTH));
        assert_eq!(cohort_depth(0), None);
        assert_eq!(cohort_depth(MAX_COHORT_LEAVES + 1), None);
        assert_eq!(cohort_depth(u32::MAX), None);
    }

    /// Every leaf of trees of many sizes proves against the root, which is the one the
    /// definition gives; leaf `i` is row `i`'s.
    #[test]
    fn every_leaf_proves_against_the_root() {
        let secret = IssuerSecret::generate();
        let cohort = Pubkey::new_unique();
        let all = rows(1000);
        for count in [1, 2, 3, 5, 8, 1000] {
            let rows = &all[..count];
            let tree = build(&secret, cohort, rows, 64);
            assert_eq!(tree.leaf_count() as usize, count);
            assert_eq!(Some(tree.depth()), cohort_depth(count as u32));
            let leaves: Vec<_> = (0..count as u32).map(|i| tree.leaf(i).unwrap()).collect();
            assert_eq!(tree.root(), reference_root(&leaves), "{count} leaves");
            if count == 1 {
                assert_eq!(tree.root(), leaves[0], "one leaf is its own root");
            }
            for (i, row) in rows.iter().enumerate() {
                let index = i as u32;
                let leaf = row.leaf(&secret, &cohort, index).hash(&cohort);
                assert_eq!(leaf, leaves[i]);
                let proof = tree.proof(index).unwrap();
                assert_eq!(proof.len(), usize::from(tree.depth()));
                assert!(
                    verify_proof(&tree.root(), tree.depth(), index, &leaf, &proof),
                    "leaf {i} of {count}"
                );
            }
            assert_eq!(tree.leaf(count as u32), None);
            assert_eq!(tree.proof(count as u32), None);
        }
    }

    /// Levels large enough to be hashed on several threads give the root of the definition.
    #[test]
    fn parallel_levels_match_the_definition() {
        let leaves: Vec<[u8; 32]> = (0..40_001u32)
            .map(|i| crate::commitment::sha256(&i.to_le_bytes()))
            .collect();
        let tree = tree_of(leaves.clone());
        assert_eq!(tree.depth(), 16);
        assert_eq!(tree.root(), reference_root(&leaves));
        for index in [0, 1, 16_383, 16_384, 32_767, 40_000] {
            let proof = tree.proof(index).unwrap();
            let leaf = &leaves[index as usize];
            assert!(
                verify_proof(&tree.root(), 16, index, leaf, &proof),
                "{index}"
            );
        }
    }

    #[test]
    fn altered_proofs_fail() {
        let secret = IssuerSecret::generate();
        let cohort = Pubkey::new_unique();
        let rows = rows(13);
        let tree = build(&secret, cohort, &rows, 13);
        let (root, depth) = (tree.root(), tree.depth());
        assert_eq!(depth, 4);
        for index in 0..13u32 {
            let leaf = tree.leaf(index).unwrap();
            let proof = tree.proof(index).unwrap();
            assert!(verify_proof(&root, depth, index, &leaf, &proof));
            for level in 0..proof.len() {
                let mut wrong = proof.clone();
                wrong[level][0] ^= 1;
                assert!(
                    !verify_proof(&root, depth, index, &leaf, &wrong),
                    "sibling {level}"
                );
            }
            for other in (0..16u32).filter(|&other| other != index) {
                assert!(
                    !verify_proof(&root, depth, other, &leaf, &proof),
                    "index {other}"
                );
            }
            assert!(
                !verify_proof(&root, depth, index + 16, &leaf, &proof),
                "past 2^depth"
            );
            assert!(!verify_proof(&root, depth, index | 1 << 31, &leaf, &proof));
            let mut wrong_root = root;
            wrong_root[31] ^= 0x80;
            assert!(
                !verify_proof(&wrong_root, depth, index, &leaf, &proof),
                "root"
            );
            let mut wrong_leaf = leaf;
            wrong_leaf[0] ^= 1;
            assert!(
                !verify_proof(&root, depth, index, &wrong_leaf, &proof),
                "leaf"
            );
            assert!(
                !verify_proof(&root, depth, index, &leaf, &proof[..3]),
                "truncated"
            );
            assert!(!verify_proof(&root, depth - 1, index, &leaf, &proof[..3]));
            let mut longer = proof.clone();
            longer.push(EMPTY_LEAF);
            assert!(
                !verify_proof(&root, depth, index, &leaf, &longer),
                "extended"
            );
            assert!(!verify_proof(&root, depth + 1, index, &leaf, &longer));
            // The inner node over this leaf, passed as a leaf with the full proof.
            let parent = tree.levels[1][index as usize / 2];
            assert!(
                !verify_proof(&root, depth, index, &parent, &proof),
                "node as leaf"
            );
            assert!(!verify_proof(&root, depth, index / 2, &parent, &proof));
            // The same row at another position, or in another cohort, is another leaf.
            let row = &rows[index as usize];
            let moved = row.leaf(&secret, &cohort, (index + 1) % 13).hash(&cohort);
            assert!(!verify_proof(&root, depth, index, &moved, &proof));
            let elsewhere = row
                .leaf(&secret, &cohort, index)
                .hash(&Pubkey::new_unique());
            assert!(!verify_proof(&root, depth, index, &elsewhere, &proof));
        }
        // No depth past the program's limit, whatever the proof.
        assert!(!verify_proof(&root, 21, 0, &root, &[EMPTY_LEAF; 21]));
        assert!(!verify_proof(&root, 40, 0, &root, &[EMPTY_LEAF; 40]));
    }

    /// Only a depth and root read from the chain protect against a shortened proof: a node with
    /// the rest of a proof opens a shallower tree with the same root.
    #[test]
    fn a_node_opens_only_a_shallower_tree() {
        let tree = tree_of((0..8u8).map(|i| crate::commitment::sha256(&[i])).collect());
        let proof = tree.proof(5).unwrap();
        let parent = tree.levels[1][2];
        assert!(verify_proof(&tree.root(), 2, 2, &parent, &proof[1..]));
        assert!(!verify_proof(&tree.root(), 3, 2, &parent, &proof[1..]));
    }

    #[test]
    fn root_does_not_depend_on_chunking_and_follows_the_secret() {
        let secret = IssuerSecret::generate();
        let cohort = Pubkey::new_unique();
        let rows = rows(1000);
        let root = build(&secret, cohort, &rows, 1000).root();
        for chunk in [1, 7, 300, 999] {
            assert_eq!(
                build(&secret, cohort, &rows, chunk).root(),
                root,
                "chunks of {chunk}"
            );
        }
        let again = IssuerSecret::from_bytes(*secret.as_bytes());
        assert_eq!(
            build(&again, cohort, &rows, 512).root(),
            root,
            "same secret"
        );
        assert_ne!(
            build(&IssuerSecret::generate(), cohort, &rows, 1000).root(),
            root
        );
        assert_ne!(
            build(&secret, Pubkey::new_unique(), &rows, 1000).root(),
            root
        );
        let mut swapped = rows.clone();
        swapped.swap(3, 4);
        assert_ne!(
            build(&secret, cohort, &swapped, 1000).root(),
            root,
            "order counts"
        );
    }

    #[test]
    fn window_is_the_span_of_the_rows() {
        let secret = IssuerSecret::generate();
        let mut rows = rows(5);
        rows[3].valid_from = 1_500_000_000;
        rows[1].expires_at = 2_000_000_000;
        let tree = build(&secret, Pubkey::new_unique(), &rows, 2);
        assert_eq!(tree.valid_from(), 1_500_000_000);
        assert_eq!(tree.expires_at(), 2_000_000_000);
        rows[4].expires_at = 0;
        let tree = build(&secret, Pubkey::new_unique(), &rows, 2);
        assert_eq!(
            tree.expires_at(),
            0,
            "a leaf that never expires keeps the cohort"
        );
        assert!(format!("{tree:?}").contains(&hex::encode(tree.root())));
    }

    #[test]
    fn bad_rows_and_empty_cohorts_are_refused() {
        let secret = IssuerSecret::generate();
        let mut builder = CohortBuilder::new(&secret, Pubkey::new_unique());
        let mut rows = rows(3);
        builder.push(&rows[..1]).unwrap();
        rows[2].expires_at = rows[2].valid_from;
        let err = builder.push(&rows[1..]).unwrap_err();
        assert!(
            matches!(&err, SdkError::CohortRowWindow { reference, .. } if *reference == rows[2].reference),
            "{err:?}"
        );
        assert_eq!(builder.leaf_count(), 1, "a refused chunk adds nothing");
        assert!(!format!("{builder:?}").contains(&secret.to_hex()));
        builder.push(&rows[1..2]).unwrap();
        assert_eq!(builder.finish().unwrap().leaf_count(), 2);

        let empty = CohortBuilder::new(&secret, Pubkey::new_unique());
        let err = empty.finish().unwrap_err();
        assert!(matches!(err, SdkError::OutOfRange { .. }), "{err:?}");
    }

    /// Throughput in this build: `cargo test -p credence-sdk --release --lib cohort_throughput
    /// -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement: run with --release --ignored --nocapture"]
    fn cohort_throughput() {
        let secret = IssuerSecret::generate();
        let cohort = Pubkey::new_unique();
        let count = 800_000usize;
        let rows = rows(count);
        let started = std::time::Instant::now();
        let tree = build(&secret, cohort, &rows, 50_000);
        let built = started.elapsed();
        println!(
            "built {count} leaves (depth {}) in {:.2} s on {} threads",
            tree.depth(),
            built.as_secs_f64(),
            cores()
        );
        let checks = 200_000u32;
        let data: Vec<(LeafData, Vec<[u8; 32]>)> = (0..checks)
            .map(|i| {
                let index = i * 4 % count as u32;
                let row = &rows[index as usize];
                (
                    row.leaf(&secret, &cohort, index),
                    tree.proof(index).unwrap(),
                )
            })
            .collect();
        let (root, depth) = (tree.root(), tree.depth());
        let started = std::time::Instant::now();
        let passed = data
            .iter()
            .filter(|(leaf, proof)| {
                verify_proof(&root, depth, leaf.index, &leaf.hash(&cohort), proof)
            })
            .count();
        let checked = started.elapsed();
        assert_eq!(passed, checks as usize);
        println!(
            "{checks} leaf hashes + proofs of depth {depth} in {:.3} s: {:.0} checks/s on one thread",
            checked.as_secs_f64(),
            f64::from(checks) / checked.as_secs_f64()
        );
    }
}
