//! Seeds and limits shared by the program, its IDL, the SDK and the tests.

use anchor_lang::prelude::*;

/// Seed prefix of a [`crate::state::Grant`]: `["grant", subject, grantee, grant_id_le_bytes]`.
#[constant]
pub const GRANT_SEED: &[u8] = b"grant";

/// Most credentials one grant covers.
pub const MAX_GRANT_CREDENTIALS: usize = 16;
/// Longest purpose text in bytes (for example `Recruitment: ICU nurse, St Mary's`).
pub const MAX_PURPOSE_LEN: usize = 64;
/// Longest sealed document key in bytes.
pub const MAX_SEALED_KEY_LEN: usize = 128;
/// Current layout version written into every account's `version` byte.
#[constant]
pub const ACCOUNT_VERSION: u8 = 1;

/// Byte offset of `Grant::subject` (right after the discriminator), for memcmp filters.
pub const GRANT_SUBJECT_OFFSET: usize = 8;
/// Byte offset of `Grant::grantee`, for memcmp filters.
pub const GRANT_GRANTEE_OFFSET: usize = 40;
