//! The registry program's errors. Append new variants at the end only: codes are part of the ABI.

use anchor_lang::prelude::*;

/// Every way the registry program refuses an instruction.
#[error_code]
pub enum RegistryError {
    /// A name, id or schema name is empty.
    #[msg("Name must not be empty")]
    NameEmpty,
    /// A name, id or schema name is longer than its limit.
    #[msg("Name is too long")]
    NameTooLong,
    /// A URI is longer than 128 bytes.
    #[msg("URI is too long (at most 128 bytes)")]
    UriTooLong,
    /// A jurisdiction code is empty or longer than 8 bytes.
    #[msg("Jurisdiction code must be 1 to 8 bytes")]
    JurisdictionInvalid,
    /// The signer is not the registry admin.
    #[msg("Signer is not the registry admin")]
    NotAdmin,
    /// The signer is not the pending admin of the registry.
    #[msg("Signer is not the pending admin")]
    NotPendingAdmin,
    /// No admin transfer is pending.
    #[msg("No admin transfer is pending")]
    NoPendingAdmin,
    /// The registry is paused: issuance, renewal and reinstatement are refused.
    #[msg("Registry is paused")]
    RegistryPaused,
    /// The registry is already in the requested pause state.
    #[msg("Registry is already in that pause state")]
    PauseUnchanged,
    /// The issuer does not belong to the registry passed.
    #[msg("Issuer does not belong to this registry")]
    WrongRegistry,
    /// The issuer is not pending accreditation.
    #[msg("Issuer is not pending accreditation")]
    IssuerNotPending,
    /// The issuer is not accredited.
    #[msg("Issuer is not accredited")]
    IssuerNotAccredited,
    /// The issuer is not suspended.
    #[msg("Issuer is not suspended")]
    IssuerNotSuspended,
    /// The issuer has been revoked; revocation is final.
    #[msg("Issuer has been revoked")]
    IssuerRevoked,
    /// The signer is not the issuer's authority.
    #[msg("Signer is not the issuer authority")]
    NotIssuerAuthority,
    /// The new authority equals the current one.
    #[msg("New authority equals the current authority")]
    AuthorityUnchanged,
    /// The signer is neither the issuer authority nor a delegate of the issuer.
    #[msg("Signer is neither the issuer authority nor one of its delegates")]
    NotAuthorized,
    /// The delegate has expired.
    #[msg("Delegate has expired")]
    DelegateExpired,
    /// The delegate lacks the permission this instruction needs.
    #[msg("Delegate lacks the required permission")]
    DelegateMissingPermission,
    /// Permissions are empty or contain unknown bits.
    #[msg("Permissions must be a non-empty combination of known bits")]
    InvalidPermissions,
    /// A timestamp that must lie in the future does not.
    #[msg("Expiry must be in the future")]
    ExpiryInPast,
    /// The schema is deprecated and cannot be used for new credentials.
    #[msg("Schema is deprecated")]
    SchemaDeprecated,
    /// The schema does not belong to the issuer, or is not the credential's schema.
    #[msg("Schema does not match the issuer or credential")]
    SchemaMismatch,
    /// The schema does not allow suspension.
    #[msg("Credentials of this schema cannot be suspended")]
    SchemaNotSuspendable,
    /// A validity period is negative.
    #[msg("Validity period must not be negative")]
    InvalidValidityPeriod,
    /// The credential does not belong to the issuer passed.
    #[msg("Credential does not belong to this issuer")]
    WrongIssuer,
    /// The credential is not active.
    #[msg("Credential is not active")]
    CredentialNotActive,
    /// The credential is not suspended.
    #[msg("Credential is not suspended")]
    CredentialNotSuspended,
    /// The credential has been revoked; revocation is final.
    #[msg("Credential has been revoked")]
    CredentialRevoked,
    /// Only a revoked or expired credential can be closed.
    #[msg("Credential is neither revoked nor expired")]
    CredentialNotClosable,
    /// The validity window is empty or inverted.
    #[msg("Validity window is invalid (expiry must follow valid-from)")]
    InvalidValidityWindow,
    /// A renewal must move the expiry later.
    #[msg("Renewal must extend the expiry")]
    ExpiryNotExtended,
    /// A revocation must carry a non-zero reason code.
    #[msg("A revocation reason code is required")]
    ReasonRequired,
    /// The commitment is all zeroes.
    #[msg("Commitment must not be all zeroes")]
    CommitmentEmpty,
    /// Arithmetic overflowed.
    #[msg("Arithmetic overflow")]
    Overflow,
    /// The schema is already deprecated.
    #[msg("Schema is already deprecated")]
    SchemaAlreadyDeprecated,
    /// The update changes nothing.
    #[msg("Nothing to update")]
    NothingToUpdate,
    /// A fee must be more than zero; `clear_schema_fee` removes a fee.
    #[msg("Fee amount must be more than zero (use clear_schema_fee to remove a fee)")]
    FeeAmountZero,
    /// The treasury is not a token account of the fee's mint.
    #[msg("Treasury token account is not of the fee's mint")]
    TreasuryMintMismatch,
    /// The schema has no fee to clear.
    #[msg("Schema has no fee")]
    NoFeeSet,
    /// The issuer's authority is not the one the admin named: someone else registered this id.
    #[msg("Issuer's authority is not the one named: the id was registered by another key")]
    IssuerAuthorityMismatch,
    /// An account would be left breaking a rule its type keeps (its `invariant()`): a bug in the
    /// program, refused rather than written.
    #[msg("Account would break its invariant")]
    InvariantViolated,
    /// A cohort must hold 1 to `2^20` leaves, within what its tree's depth can hold.
    #[msg("Cohort must hold 1 to 2^20 leaves, at most 2^depth")]
    CohortSizeInvalid,
    /// The leaf index is not in the cohort (at or beyond its leaf count).
    #[msg("Leaf index is beyond the cohort's leaves")]
    CohortLeafOutOfRange,
    /// Only an expired cohort can be closed, and only once its status pages are closed.
    #[msg("Cohort has not expired")]
    CohortNotClosable,
    /// The cohort's status pages must be closed before the cohort.
    #[msg("Close the cohort's status pages first")]
    CohortHasStatusPages,
    /// The status page is not the cohort's.
    #[msg("Status page does not belong to this cohort")]
    WrongCohort,
    /// The status page number is not the leaf's (`index / COHORT_LEAVES_PER_PAGE`).
    #[msg("Status page number is not the leaf's")]
    WrongStatusPage,
    /// An `issue_credentials` batch must hold 1 to `MAX_ISSUE_BATCH` credentials.
    #[msg("Batch must hold 1 to 16 credentials")]
    BatchSizeInvalid,
    /// An `issue_credentials` batch must name one address per credential, in order.
    #[msg("Batch names a different number of addresses than credentials")]
    BatchAccountsMismatch,
    /// The account named for a credential of the batch is not its address.
    #[msg("Account is not the credential's address")]
    CredentialAddressMismatch,
}
