//! Seeds and limits shared by the program, its IDL, the SDK and the tests.

use anchor_lang::prelude::*;

/// Seed prefix of a [`crate::state::Grant`]: `["grant", subject, grantee, grant_id_le_bytes]`.
#[constant]
pub const GRANT_SEED: &[u8] = b"grant";

/// Seed prefix of a [`crate::state::Listing`]: `["listing", subject]`.
#[constant]
pub const LISTING_SEED: &[u8] = b"listing";

/// Seed prefix of a [`crate::state::AccessRequest`]:
/// `["request", subject, requester, request_id_le_bytes]`.
#[constant]
pub const REQUEST_SEED: &[u8] = b"request";

/// Most credentials one listing vouches for.
pub const MAX_LISTING_CREDENTIALS: usize = 16;
/// Most schemas one access request names.
pub const MAX_REQUEST_SCHEMAS: usize = 4;
/// Longest duration an access request may ask for: 400 days, in seconds.
#[constant]
pub const MAX_REQUEST_DURATION_SECS: i64 = 400 * 24 * 60 * 60;

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

/// Byte offset of `Listing::subject`, for memcmp filters.
pub const LISTING_SUBJECT_OFFSET: usize = 8;
/// Byte offset of `Listing::occupation`, for memcmp filters (prefix matches a group of codes).
pub const LISTING_OCCUPATION_OFFSET: usize = 40;
/// Byte offset of `Listing::region`, for memcmp filters (prefix matches a group of codes).
pub const LISTING_REGION_OFFSET: usize = 48;
/// Byte offset of `AccessRequest::subject`, for memcmp filters.
pub const REQUEST_SUBJECT_OFFSET: usize = 8;
/// Byte offset of `AccessRequest::requester`, for memcmp filters.
pub const REQUEST_REQUESTER_OFFSET: usize = 40;
