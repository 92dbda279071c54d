//! The consent program's errors. Append new variants at the end only: codes are part of the ABI.

use anchor_lang::prelude::*;

/// Every way the consent program refuses an instruction.
#[error_code]
pub enum ConsentError {
    /// A grant must cover at least one credential.
    #[msg("A grant must cover at least one credential")]
    NoCredentials,
    /// A grant covers at most 16 credentials.
    #[msg("Too many credentials (at most 16)")]
    TooManyCredentials,
    /// The same credential is listed twice.
    #[msg("A credential is listed twice")]
    DuplicateCredential,
    /// The accounts passed do not match the credentials listed, one for one and in order.
    #[msg("Credential accounts do not match the listed credentials")]
    CredentialAccountsMismatch,
    /// A listed credential is not owned by the registry program.
    #[msg("Credential account is not owned by the registry program")]
    CredentialNotOwnedByRegistry,
    /// A listed account is not a credential.
    #[msg("Account is not a credential")]
    NotACredential,
    /// A listed credential belongs to another subject.
    #[msg("Credential belongs to another subject")]
    CredentialOfAnotherSubject,
    /// Cohort references are reserved for a later version.
    #[msg("Cohort credential references are not supported yet")]
    CohortNotSupported,
    /// The purpose is empty or longer than 64 bytes.
    #[msg("Purpose must be 1 to 64 bytes")]
    PurposeInvalid,
    /// The sealed key is longer than 128 bytes.
    #[msg("Sealed key is too long (at most 128 bytes)")]
    SealedKeyTooLong,
    /// The expiry is not in the future.
    #[msg("Expiry must be in the future")]
    ExpiryInPast,
    /// The signer is not the grant's subject.
    #[msg("Signer is not the grant's subject")]
    NotSubject,
    /// The signer is not the grant's grantee.
    #[msg("Signer is not the grant's grantee")]
    NotGrantee,
    /// The grant has been revoked.
    #[msg("Grant has been revoked")]
    GrantRevoked,
    /// The grant has expired.
    #[msg("Grant has expired")]
    GrantExpired,
    /// The grant's uses are exhausted.
    #[msg("Grant has no uses left")]
    GrantUsedUp,
    /// The selection of credentials checked is empty.
    #[msg("Select at least one credential")]
    EmptySelection,
    /// The selection names a credential the grant does not cover.
    #[msg("Selection names a credential the grant does not cover")]
    SelectionOutOfRange,
    /// Arithmetic overflowed.
    #[msg("Arithmetic overflow")]
    Overflow,
    /// The update changes nothing.
    #[msg("Nothing to update")]
    NothingToUpdate,
    /// The maximum uses would fall below the uses already made.
    #[msg("Maximum uses cannot be below the uses already made")]
    MaxUsesBelowUses,
    /// The grantee cannot be the subject.
    #[msg("A subject cannot grant access to herself")]
    SelfGrant,
}
