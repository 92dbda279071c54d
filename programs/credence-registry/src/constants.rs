//! Seeds, limits and codes shared by the program, its IDL, the SDK and the tests.
//!
//! Every PDA seed is defined here once; the SDK derives addresses from these same constants.

use anchor_lang::prelude::*;

/// Seed prefix of a [`crate::state::Registry`]: `["registry", creator, name]`.
#[constant]
pub const REGISTRY_SEED: &[u8] = b"registry";
/// Seed prefix of an [`crate::state::Issuer`]: `["issuer", registry, issuer_id]`.
#[constant]
pub const ISSUER_SEED: &[u8] = b"issuer";
/// Seed prefix of a [`crate::state::Delegate`]: `["delegate", issuer, delegate_key]`.
#[constant]
pub const DELEGATE_SEED: &[u8] = b"delegate";
/// Seed prefix of a [`crate::state::Schema`]: `["schema", issuer, name, version_le_bytes]`.
#[constant]
pub const SCHEMA_SEED: &[u8] = b"schema";
/// Seed prefix of a [`crate::state::Credential`]: `["credential", issuer, subject, credential_id]`.
#[constant]
pub const CREDENTIAL_SEED: &[u8] = b"credential";

/// Most credentials one `issue_credentials` batch creates (a bounded loop; what fits a 1,232-byte
/// transaction is fewer).
pub const MAX_ISSUE_BATCH: usize = 16;

/// Longest registry name, issuer id or schema name in bytes (each is a PDA seed, at most 32 bytes).
pub const MAX_SEED_NAME_LEN: usize = 32;
/// Longest issuer display name in bytes.
pub const MAX_DISPLAY_NAME_LEN: usize = 64;
/// Longest URI (issuer website or DID document, schema JSON) in bytes.
pub const MAX_URI_LEN: usize = 128;
/// Longest jurisdiction code in bytes (ISO 3166-1 alpha-2 or an ISO 3166-2 subdivision such as `GB-SCT`).
pub const MAX_JURISDICTION_LEN: usize = 8;

/// Current layout version written into every account's `version` byte.
#[constant]
pub const ACCOUNT_VERSION: u8 = 1;

/// Delegate permission: may issue credentials.
#[constant]
pub const PERMISSION_ISSUE: u8 = 1;
/// Delegate permission: may suspend and reinstate credentials.
#[constant]
pub const PERMISSION_SUSPEND: u8 = 1 << 1;
/// Delegate permission: may revoke credentials.
#[constant]
pub const PERMISSION_REVOKE: u8 = 1 << 2;
/// Delegate permission: may renew (extend) credentials.
#[constant]
pub const PERMISSION_RENEW: u8 = 1 << 3;
/// Every permission bit a delegate may hold.
#[constant]
pub const PERMISSION_ALL: u8 =
    PERMISSION_ISSUE | PERMISSION_SUSPEND | PERMISSION_REVOKE | PERMISSION_RENEW;

/// Revocation reason: unspecified (refused: a revocation must give a reason).
pub const REASON_UNSPECIFIED: u16 = 0;
/// Revocation reason: superseded by a newer credential.
#[constant]
pub const REASON_SUPERSEDED: u16 = 1;
/// Revocation reason: issued in error.
#[constant]
pub const REASON_ISSUED_IN_ERROR: u16 = 2;
/// Revocation reason: the holder's licence was withdrawn (disciplinary action).
#[constant]
pub const REASON_DISCIPLINARY: u16 = 3;
/// Revocation reason: the document was found to be fraudulent.
#[constant]
pub const REASON_FRAUD: u16 = 4;
/// Revocation reason: the signing key was compromised.
#[constant]
pub const REASON_KEY_COMPROMISE: u16 = 5;

/// Byte offset of `Credential::issuer` (right after the 8-byte discriminator), for memcmp filters.
pub const CREDENTIAL_ISSUER_OFFSET: usize = 8;
/// Byte offset of `Credential::subject`, for memcmp filters.
pub const CREDENTIAL_SUBJECT_OFFSET: usize = 40;
/// Byte offset of `Issuer::registry`, for memcmp filters.
pub const ISSUER_REGISTRY_OFFSET: usize = 8;
/// Byte offset of `Schema::issuer`, for memcmp filters.
pub const SCHEMA_ISSUER_OFFSET: usize = 8;
/// Byte offset of `Delegate::issuer`, for memcmp filters.
pub const DELEGATE_ISSUER_OFFSET: usize = 8;

/// Seed prefix of a [`crate::state::Cohort`]: `["cohort", issuer, cohort_id]`.
#[constant]
pub const COHORT_SEED: &[u8] = b"cohort";
/// Seed prefix of a [`crate::state::CohortStatusPage`]: `["cohort_status", cohort, page_le_bytes]`
/// (`page` a `u16`: leaf `i` lives on page `i / COHORT_LEAVES_PER_PAGE`).
#[constant]
pub const COHORT_STATUS_SEED: &[u8] = b"cohort_status";
/// Most levels of a cohort's Merkle tree: a cohort holds at most `2^20` (1,048,576) leaves.
#[constant]
pub const MAX_COHORT_DEPTH: u8 = 20;
/// Most leaves one cohort holds: `2^MAX_COHORT_DEPTH`.
#[constant]
pub const MAX_COHORT_LEAVES: u32 = 1 << 20;
/// Leaves whose status one status page holds (two bits each: suspended, revoked). A page costs
/// rent only once a leaf on it changes; `2^20` leaves need at most 256 pages.
#[constant]
pub const COHORT_LEAVES_PER_PAGE: u32 = 1 << COHORT_PAGE_SHIFT;
/// `log2(COHORT_LEAVES_PER_PAGE)`: leaf `i` lives on page `i >> COHORT_PAGE_SHIFT`.
pub const COHORT_PAGE_SHIFT: u32 = 12;
/// Bytes of one status bitmap of a page (one bit per leaf).
pub const COHORT_PAGE_BITMAP_BYTES: usize = 512;
/// Byte offset of `Cohort::issuer`, for memcmp filters.
pub const COHORT_ISSUER_OFFSET: usize = 8;

/// Domain tag of a cohort leaf: `SHA-256(tag ‖ cohort ‖ index_le_u32 ‖ subject commitment ‖
/// document commitment ‖ valid_from_le_i64 ‖ expires_at_le_i64)`. The program never hashes a
/// leaf; verifiers do, with this tag.
pub const COHORT_LEAF_TAG: &[u8] = b"credence:cohort-leaf:v1";
/// Domain tag of an inner node of a cohort's Merkle tree: `SHA-256(tag ‖ left ‖ right)`. A tag
/// apart from the leaves' means no node can pass for a leaf (second preimages).
pub const COHORT_NODE_TAG: &[u8] = b"credence:cohort-node:v1";
/// Domain tag of a leaf's subject commitment: `SHA-256(tag ‖ salt ‖ subject key)`. The salt is the
/// candidate's: without it the commitment cannot be matched to a wallet.
pub const COHORT_SUBJECT_TAG: &[u8] = b"credence:cohort-subject:v1";
