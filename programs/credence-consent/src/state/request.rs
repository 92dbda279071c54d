use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_REQUEST_SCHEMAS},
    state::CredentialRef,
};

/// A recruiter's request for access to a candidate's credentials. The candidate approves it
/// (the grant is created and the request closed in one transaction), declines it, or the
/// recruiter withdraws it; the rent always goes back to the recruiter, who paid it.
///
/// `subject` and `requester` sit at fixed offsets 8 and 40 for memcmp filters.
// PDA ["request", subject, requester, request_id.to_le_bytes()]
#[account]
#[derive(InitSpace, Debug)]
pub struct AccessRequest {
    /// The candidate asked.
    pub subject: Pubkey,
    /// The recruiter asking; pays the rent and becomes the grantee on approval.
    pub requester: Pubkey,
    /// Requester-chosen id, part of the address.
    pub request_id: u64,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Credentials asked for by address (for example from her listing).
    #[max_len(MAX_GRANT_CREDENTIALS)]
    pub credentials: Vec<CredentialRef>,
    /// Schemas asked for: any credential of hers under one of them may be granted.
    #[max_len(MAX_REQUEST_SCHEMAS)]
    pub schemas: Vec<Pubkey>,
    /// Why access is asked for.
    #[max_len(MAX_PURPOSE_LEN)]
    pub purpose: String,
    /// How long the grant should last once approved (seconds).
    pub duration_secs: i64,
    /// Most uses asked for (0: unlimited).
    pub max_uses: u32,
    /// The requester's X25519 public key, to seal the document key to.
    pub recipient_key: [u8; 32],
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// Space kept for future fields.
    pub reserved: [u8; 32],
}

impl AccessRequest {
    /// Whether the request asks for `reference`, directly or through its schema.
    pub fn asks_for(&self, reference: &CredentialRef, schema: &Pubkey) -> bool {
        self.credentials.contains(reference) || self.schemas.contains(schema)
    }
}
