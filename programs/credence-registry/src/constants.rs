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
