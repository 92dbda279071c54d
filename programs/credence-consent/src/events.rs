//! Events: one per state change. [`AccessRecorded`] is the candidate's audit trail.

use anchor_lang::prelude::*;

use crate::state::{AccessOutcome, CredentialRef};

/// A subject granted a grantee access to credentials.
#[event]
pub struct GrantCreated {
    /// The grant.
    pub grant: Pubkey,
    /// The subject (candidate).
    pub subject: Pubkey,
    /// The grantee (recruiter).
    pub grantee: Pubkey,
    /// The credentials covered.
    pub credentials: Vec<CredentialRef>,
    /// When it expires.
    pub expires_at: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
}

/// The subject changed a grant's expiry, uses, purpose, credentials or sealed key.
#[event]
pub struct GrantUpdated {
    /// The grant.
    pub grant: Pubkey,
    /// Expiry after the change.
    pub expires_at: i64,
    /// Most uses after the change.
    pub max_uses: u32,
    /// Credentials covered after the change.
    pub credentials: Vec<CredentialRef>,
}

/// The subject revoked a grant.
#[event]
pub struct GrantRevoked {
    /// The grant.
    pub grant: Pubkey,
    /// The subject.
    pub subject: Pubkey,
    /// The grantee.
    pub grantee: Pubkey,
    /// When (unix seconds).
    pub revoked_at: i64,
}

/// The subject closed a grant and took its rent back.
#[event]
pub struct GrantClosed {
    /// The grant.
    pub grant: Pubkey,
    /// The subject.
    pub subject: Pubkey,
}

/// A grantee verified credentials under a grant: the candidate's audit record.
#[event]
pub struct AccessRecorded {
    /// The grant.
    pub grant: Pubkey,
    /// The subject.
    pub subject: Pubkey,
    /// The grantee who verified.
    pub grantee: Pubkey,
    /// The credentials checked.
    pub credentials: Vec<CredentialRef>,
    /// The verification's outcome, as the grantee reports it.
    pub outcome: AccessOutcome,
    /// Which use this was (1 for the first).
    pub use_number: u32,
    /// When (unix seconds).
    pub timestamp: i64,
}
