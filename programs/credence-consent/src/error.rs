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
    /// No longer returned: cohort references are accepted since cohorts shipped. Kept so that
    /// the codes after it keep their numbers.
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
    /// An occupation or region code is empty, not upper-case ASCII letters, digits or `-`, or
    /// not left-aligned and zero-padded.
    #[msg(
        "Occupation and region codes must be 1 to 8 upper-case letters, digits or '-', zero-padded"
    )]
    InvalidCode,
    /// A request must ask for at least one credential or schema.
    #[msg("A request must ask for at least one credential or schema")]
    NothingRequested,
    /// A request names more than 4 schemas.
    #[msg("Too many schemas (at most 4)")]
    TooManySchemas,
    /// A requested duration is not positive or exceeds 400 days.
    #[msg("Requested duration must be more than zero and at most 400 days")]
    InvalidDuration,
    /// A recruiter cannot request access from herself.
    #[msg("A requester cannot ask herself for access")]
    SelfRequest,
    /// The signer is not the request's requester.
    #[msg("Signer is not the request's requester")]
    NotRequester,
    /// The account passed as the requester is not the request's requester.
    #[msg("Account is not the request's requester")]
    RequesterMismatch,
    /// The approval grants a credential the request did not ask for.
    #[msg("Credential was not requested (neither listed nor of a requested schema)")]
    NotRequested,
    /// The schema account is not the credential's schema.
    #[msg("Schema account is not the credential's schema")]
    SchemaMismatch,
    /// The account passed as a schema is not a registry schema.
    #[msg("Account is not a registry schema")]
    NotASchema,
    /// The treasury account is not the one the schema's fee names.
    #[msg("Treasury is not the schema's fee treasury")]
    TreasuryMismatch,
    /// The mint or the payer's token account is not of the fee's mint.
    #[msg("Token mint is not the fee's mint")]
    WrongFeeMint,
    /// Fees of one access must all be in one mint.
    #[msg("Fees of one access are in different mints: record them separately")]
    MixedFeeMints,
    /// A fee is due but the fee payer, mint or token program account is missing.
    #[msg("A fee is due: pass the payer token account, the mint and the token program")]
    FeeAccountsMissing,
    /// The payer token account does not belong to the grantee.
    #[msg("Fee payer token account does not belong to the grantee")]
    FeePayerNotGrantee,
    /// The fees due exceed the most the grantee said it will pay.
    #[msg("Fees due exceed the maximum the grantee will pay")]
    FeeAboveMaximum,
    /// The grantee's token account holds less than the fees due.
    #[msg("Not enough tokens to pay the fees")]
    InsufficientFeeBalance,
    /// The same schema is listed twice.
    #[msg("A schema is listed twice")]
    DuplicateSchema,
    /// The request's terms are not the ones the subject approved: it was changed (withdrawn and
    /// filed again) after she read it.
    #[msg("Request terms changed since they were read: read the request again before approving")]
    RequestTermsChanged,
    /// The recipient key is not a usable X25519 public key (zero or of small order).
    #[msg("Recipient key is not a valid X25519 public key")]
    InvalidRecipientKey,
    /// The account passed as a credential's issuer is not that credential's issuer.
    #[msg("Issuer account is not the credential's issuer")]
    IssuerMismatch,
    /// The account passed as an issuer is not a registry issuer.
    #[msg("Account is not a registry issuer")]
    NotAnIssuer,
    /// An account would be left breaking a rule its type keeps (its `invariant()`): a bug in the
    /// program, refused rather than written.
    #[msg("Account would break its invariant")]
    InvariantViolated,
    /// A referenced cohort is not owned by the registry program.
    #[msg("Cohort account is not owned by the registry program")]
    CohortNotOwnedByRegistry,
    /// A referenced account is not a cohort.
    #[msg("Account is not a cohort")]
    NotACohort,
    /// A cohort leaf's index is at or beyond the cohort's leaf count.
    #[msg("Leaf index is beyond the cohort's leaves")]
    CohortLeafOutOfRange,
    /// The account passed as a leaf's status page is not that leaf's page address, or holds
    /// something other than a status page.
    #[msg("Account is not the leaf's status page")]
    StatusPageMismatch,
}
