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
    /// Total fees paid for this access, in the fee mint's base units (0: none due).
    pub fees_paid: u64,
    /// The mint the fees were paid in (the default key when none was due).
    pub fee_mint: Pubkey,
}

/// A grantee paid a schema's verification fee to its issuer's treasury. Kept small: one is
/// logged per paid credential, up to 16 in one transaction under Solana's 10 KB log limit; the
/// grantee, the mint and the total are in the same transaction's `AccessRecorded`, and the
/// schema is the credential's.
#[event]
pub struct FeePaid {
    /// The grant the access was recorded under.
    pub grant: Pubkey,
    /// The credential verified (for a cohort leaf, its cohort: `AccessRecorded`, emitted just
    /// before, names the leaf).
    pub credential: Pubkey,
    /// The treasury paid.
    pub treasury: Pubkey,
    /// The amount, in the fee mint's base units.
    pub amount: u64,
}

/// A candidate put a listing in the talent pool.
#[event]
pub struct ListingCreated {
    /// The listing.
    pub listing: Pubkey,
    /// The candidate.
    pub subject: Pubkey,
    /// Occupation code.
    pub occupation: [u8; 8],
    /// Region code.
    pub region: [u8; 8],
    /// Available from (unix seconds).
    pub available_from: i64,
    /// How many credentials it vouches for.
    pub credentials: u8,
}

/// A candidate changed her listing.
#[event]
pub struct ListingUpdated {
    /// The listing.
    pub listing: Pubkey,
    /// Occupation code after the change.
    pub occupation: [u8; 8],
    /// Region code after the change.
    pub region: [u8; 8],
    /// Available from after the change.
    pub available_from: i64,
    /// How many credentials it vouches for after the change.
    pub credentials: u8,
}

/// A candidate took her listing out of the pool.
#[event]
pub struct ListingClosed {
    /// The listing.
    pub listing: Pubkey,
    /// The candidate.
    pub subject: Pubkey,
}

/// A recruiter asked a candidate for access.
#[event]
pub struct AccessRequested {
    /// The request.
    pub request: Pubkey,
    /// The candidate asked.
    pub subject: Pubkey,
    /// The recruiter asking.
    pub requester: Pubkey,
    /// Credentials asked for.
    pub credentials: Vec<CredentialRef>,
    /// Schemas asked for.
    pub schemas: Vec<Pubkey>,
    /// Grant duration asked for (seconds).
    pub duration_secs: i64,
}

/// The candidate approved a request: the grant was created and the request closed.
#[event]
pub struct RequestApproved {
    /// The request (now closed).
    pub request: Pubkey,
    /// The candidate.
    pub subject: Pubkey,
    /// The recruiter, now the grantee.
    pub requester: Pubkey,
    /// The new grant.
    pub grant: Pubkey,
}

/// The candidate declined a request.
#[event]
pub struct RequestDeclined {
    /// The request (now closed).
    pub request: Pubkey,
    /// The candidate.
    pub subject: Pubkey,
    /// The recruiter.
    pub requester: Pubkey,
}

/// The recruiter withdrew a request.
#[event]
pub struct RequestWithdrawn {
    /// The request (now closed).
    pub request: Pubkey,
    /// The candidate.
    pub subject: Pubkey,
    /// The recruiter.
    pub requester: Pubkey,
}
