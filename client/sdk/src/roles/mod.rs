//! Role APIs: what each kind of user does, over any [`Transport`](crate::Transport), one module
//! per role:
//!
//! - [`admin`]: [`RegistryAdmin`] creates a registry, accredits and governs its issuers;
//! - [`issuer`]: [`Issuer`] registers, publishes schemas and their fees, issues and changes
//!   credentials;
//! - [`candidate`]: [`Candidate`] grants and revokes consent, lists herself in the talent pool,
//!   answers access requests and reads her audit trail;
//! - [`recruiter`]: [`Recruiter`] searches the pool, asks for access, verifies, opens shared
//!   documents and records (and pays for) verified accesses.
//!
//! Every role signs with its own keypair and pays its own fees and rent. The types the role
//! methods take and return live with their subject ([`crate::fees`], [`crate::pool`],
//! [`crate::audit`], [`crate::verify`]) and are re-exported here.

pub mod admin;
pub mod candidate;
pub mod issuer;
pub mod recruiter;

pub use admin::RegistryAdmin;
pub use candidate::{Candidate, GrantRequest};
pub use issuer::{
    BatchReport, CohortIssued, DEFAULT_IN_FLIGHT, IssueRequest, Issued, Issuer, SchemaCreated,
    Treasury,
};
pub use recruiter::Recruiter;

pub use crate::audit::{
    AccessEntry, AuditOptions, AuditTrail, DEFAULT_HISTORY_LIMIT, EntrySource, GrantAudit, Outcome,
    TruncatedHistory,
};
pub use crate::fees::{
    FeeCap, FeeItem, FeeQuote, PreparedAccess, format_amount, mint_decimals, parse_amount,
    token_balance,
};
pub use crate::pool::{ListingTerms, PoolMatch, PoolQuery, RequestTerms, code, code_text};

use crate::{error::SdkError, transport::Sent};

/// Maps "the account already exists" (an earlier, perhaps unconfirmed, run created it) to
/// `Ok(false)`: creating something that exists changes nothing.
fn created(result: Result<Sent, SdkError>) -> Result<bool, SdkError> {
    match result {
        Ok(_) => Ok(true),
        Err(err) if err.is_already_in_use() => Ok(false),
        Err(err) => Err(err),
    }
}
