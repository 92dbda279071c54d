//! The SDK's errors, each a variant a caller can match.
//!
//! A program's refusal is [`SdkError::Program`]: the program's address and the error code are the
//! identity, matched with [`SdkError::is`] against the programs' own error enums (never by
//! comparing names); the name and message, read from the programs' IDLs (committed under `idl/`
//! and checked against the code in CI), are for display.
//!
//! ```
//! use credence_sdk::{consent_program::error::ConsentError, SdkError};
//! use solana_instruction::error::InstructionError;
//! use solana_transaction_error::TransactionError;
//!
//! // What a transport returns when the consent program refuses instruction 0 of a transaction:
//! let err = SdkError::from_transaction_error(
//!     TransactionError::InstructionError(
//!         0,
//!         InstructionError::Custom(ConsentError::GrantRevoked.into()),
//!     ),
//!     &[credence_sdk::consent_program::ID],
//! );
//! assert!(err.is(ConsentError::GrantRevoked));
//! assert!(!err.is(ConsentError::GrantExpired));
//! assert_eq!(err.program_error_name(), Some("GrantRevoked")); // for display
//! ```

use std::{collections::HashMap, sync::OnceLock};

use credence_consent::error::ConsentError;
use credence_registry::error::RegistryError;
use solana_instruction::error::InstructionError;
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_transaction_error::TransactionError;

/// The name of a Credence program, for display.
pub fn program_name(program: &Pubkey) -> String {
    if *program == credence_registry::ID {
        "credence_registry".into()
    } else if *program == credence_consent::ID {
        "credence_consent".into()
    } else {
        program.to_string()
    }
}

/// The most credentials one instruction of each kind names within Solana's 1,232-byte
/// transaction limit, as `(instruction, credentials)`. `tests/tests/programs/sizes.rs` asserts
/// each count against real transactions, so this table and the message built from it cannot
/// drift from what fits.
pub const CREDENTIALS_PER_TRANSACTION: [(&str, usize); 5] = [
    ("create_grant (with a sealed document key)", 12),
    ("create_listing", 14),
    ("create_request", 12),
    ("approve_request (with a sealed document key)", 12),
    ("record_access (paid, distinct schemas)", 8),
];

fn fits_text() -> String {
    CREDENTIALS_PER_TRANSACTION
        .iter()
        .map(|(instruction, n)| format!("{n} fit {instruction}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything that can go wrong in the SDK, each saying what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// A Credence program refused the transaction. Match it with [`SdkError::is`] or
    /// [`SdkError::is_already_in_use`]; `name` and `message` are for display.
    #[error("{} refused the transaction: {name} ({code}): {message}", program_name(.program))]
    Program {
        /// The program that refused.
        program: Pubkey,
        /// The error code it returned.
        code: u32,
        /// The error's name from the program's IDL, for example `IssuerNotAccredited`.
        name: String,
        /// The error's message from the program's IDL.
        message: String,
    },
    /// The runtime refused the transaction for a reason other than a program error.
    #[error("transaction refused: {0}")]
    Transaction(TransactionError),
    /// The RPC endpoint could not be reached.
    #[error(
        "cannot reach the RPC endpoint {url}: {detail}. Check --url (localhost, devnet, mainnet-beta or a URL), or start a local validator with `credence localnet`"
    )]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What the HTTP client said.
        detail: String,
    },
    /// The RPC endpoint answered with an error.
    #[error("RPC error: {0}")]
    Rpc(String),
    /// A transaction was sent but not confirmed in time; it may still land. Re-running the same
    /// command is safe: issuance and grants are idempotent by address.
    #[error(
        "transaction {signature} was not confirmed within {seconds} s; it may still land. Re-run the command: it will not duplicate anything"
    )]
    ConfirmationTimeout {
        /// The signature sent.
        signature: Signature,
        /// How long we waited.
        seconds: u64,
    },
    /// The transaction would not fit one packet; nothing was sent. Both transports refuse it the
    /// way a cluster would (the embedded runtime alone would accept it).
    #[error(
        "the transaction takes {bytes} bytes, over Solana's {limit}-byte limit; nothing was sent. Name fewer credentials in one instruction: {}",
        fits_text()
    )]
    TransactionTooLarge {
        /// Its serialized size.
        bytes: usize,
        /// The limit (`PACKET_DATA_SIZE`).
        limit: usize,
    },
    /// An account that should exist does not.
    #[error("account {0} not found")]
    AccountNotFound(Pubkey),
    /// An account exists but is not of the expected type or program.
    #[error("account {address} is not a {expected}")]
    WrongAccount {
        /// The address.
        address: Pubkey,
        /// The expected type.
        expected: &'static str,
    },
    /// An access request's recipient key is not its requester's own X25519 key: a document key
    /// sealed to it could be opened by someone else. Nothing was approved.
    #[error(
        "request {request}'s recipient key is not the X25519 key of its requester {requester}: a sealed document key would go to someone else. Decline it, or ask the requester to file it again"
    )]
    RecipientKeyNotRequesters {
        /// The request.
        request: Pubkey,
        /// Its requester.
        requester: Pubkey,
    },
    /// None of the credentials a report names under a grant passed every check, so there is
    /// nothing to record; nothing was sent and nothing paid. A credential that failed (above all
    /// an untrusted registry or an issuer not accredited) is never recorded or paid for.
    #[error(
        "none of the credentials the report names under grant {grant} passed every check: nothing was recorded and nothing paid"
    )]
    NothingVerified {
        /// The grant.
        grant: Pubkey,
    },
    /// Fees are due and the recruiter named no cap: nothing was sent. Show `quote` to the
    /// person paying and retry with a [`FeeCap`](crate::roles::FeeCap) in its mint.
    #[error(
        "recording this access costs {total} base units of mint {mint}: name the most you will pay in that mint (a FeeCap; in the CLI --max-fee with --fee-mint). Nothing was sent"
    )]
    FeeCapRequired {
        /// The fee mint.
        mint: Pubkey,
        /// The total due, in the mint's base units.
        total: u64,
        /// The fees due, item by item.
        quote: Box<crate::roles::FeeQuote>,
    },
    /// The fees due are in another mint than the recruiter's cap names: nothing was sent.
    #[error(
        "the fees due are in mint {quoted}, not in {cap} that your cap names: refused, nothing was sent"
    )]
    FeeMintMismatch {
        /// The mint the recruiter's cap names.
        cap: Pubkey,
        /// The mint the fees are quoted in.
        quoted: Pubkey,
    },
    /// The fees due exceed the recruiter's cap: nothing was sent.
    #[error(
        "the fees due, {total} base units of mint {mint}, exceed your cap of {max}: refused, nothing was sent"
    )]
    FeeAboveCap {
        /// The fee mint.
        mint: Pubkey,
        /// The total due, in base units.
        total: u64,
        /// The recruiter's cap, in base units.
        max: u64,
    },
    /// A verified-only pool search named no trusted registry: anyone can create a registry and
    /// accredit an issuer of their own, so "verified" means nothing without one.
    #[error(
        "a verified-only pool search needs at least one trusted registry (--trust): without one, anyone's self-made registry would count as verified"
    )]
    TrustedRegistriesRequired,
    /// A credential is not one the grant covers.
    #[error("grant {grant} does not cover credential {credential}")]
    CredentialNotInGrant {
        /// The grant.
        grant: Pubkey,
        /// The credential.
        credential: Pubkey,
    },
    /// An opened document does not match its credential's on-chain commitment with the salt
    /// given: it was altered, or the salt is wrong. The bytes are not returned.
    #[error(
        "the document does not match credential {credential}'s commitment (altered, or the wrong salt): refused"
    )]
    DocumentMismatch {
        /// The credential.
        credential: Pubkey,
    },
    /// A cryptographic operation failed.
    #[error("crypto: {0}")]
    Crypto(String),
    /// The cluster has no transaction with this signature (not landed, not yet indexed at the
    /// commitment asked for, or pruned from this node's history).
    #[error(
        "transaction {0} not found in the cluster's history; it may not have landed or not be indexed yet, or this node no longer keeps it"
    )]
    TransactionNotFound(Signature),
    /// A `--url` that is neither a cluster moniker nor an http(s) URL.
    #[error(
        "`{0}` is not a cluster: use localhost, devnet, testnet, mainnet-beta or an http(s) URL"
    )]
    BadUrl(String),
    /// A keypair file that does not exist, cannot be read, or does not hold a keypair.
    #[error("keypair file {} {problem}", .path.display())]
    KeypairFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong and what to do.
        problem: String,
    },
    /// An issuer secret that is not 64 hex digits (32 bytes).
    #[error("an issuer secret must be 64 hex digits (32 bytes)")]
    MalformedIssuerSecret,
    /// An amount that is not a decimal number with at most `decimals` decimal places, or that
    /// overflows a `u64` of base units.
    #[error(
        "amount {text:?} is not a number with at most {decimals} decimal places that fits in u64 base units"
    )]
    BadAmount {
        /// The text given.
        text: String,
        /// The decimals of the mint it is read with.
        decimals: u8,
    },
    /// A date that is neither `YYYY-MM-DD` nor unix seconds.
    #[error("`{text}` is not a date (expected YYYY-MM-DD or unix seconds)")]
    BadDate {
        /// The text given.
        text: String,
    },
    /// An occupation or region code that is not 1 to 8 letters, digits or `-`.
    #[error("code {text:?} must be 1 to 8 characters, each a letter, a digit or '-'")]
    BadCode {
        /// The text given.
        text: String,
    },
    /// A credential reference that is neither an address nor `cohort#index`.
    #[error("{text:?} is not a credential reference: expected a base58 address or COHORT#INDEX")]
    BadCredentialRef {
        /// The text given.
        text: String,
    },
    /// An issuer registration whose id does not derive the issuer's address.
    #[error("the registration's issuer id {issuer_id:?} does not derive issuer {issuer}")]
    IssuerIdMismatch {
        /// The id in the registration.
        issuer_id: String,
        /// The issuer this API acts for.
        issuer: Pubkey,
    },
    /// A credential of a cohort (a Merkle batch) where only credential accounts are supported.
    #[error(
        "credential {cohort}#{index} is a cohort leaf: cohort credentials are not supported here yet"
    )]
    CohortNotSupported {
        /// The cohort.
        cohort: Pubkey,
        /// The leaf index.
        index: u32,
    },
    /// The selected credentials charge fees in more than one mint: one access pays in one mint.
    #[error(
        "the selected credentials charge fees in mints {first} and {second}: record them one mint at a time"
    )]
    MixedFeeMints {
        /// A mint one of them charges in.
        first: Pubkey,
        /// Another mint another charges in.
        second: Pubkey,
    },
    /// The fees due add up to more than a `u64` of base units.
    #[error("the fees due overflow u64 base units")]
    FeeOverflow,
    /// A report that names none of a grant's credentials: nothing to record.
    #[error("the report names none of grant {grant}'s credentials: nothing to record")]
    ReportNamesNoCredential {
        /// The grant.
        grant: Pubkey,
    },
    /// A request that names schemas only, approved without choosing credentials.
    #[error("request {request} names schemas only: choose the credentials to grant")]
    CredentialsRequired {
        /// The request.
        request: Pubkey,
    },
    /// A grant to another recruiter than the one acting.
    #[error("grant {grant} is to {grantee}, not to {caller}")]
    NotGrantee {
        /// The grant.
        grant: Pubkey,
        /// Whom it is to.
        grantee: Pubkey,
        /// Who asked.
        caller: Pubkey,
    },
    /// A grant that is not in force (by the consent program's own rule,
    /// `Grant::check_in_force`): the document is no longer shared, and the program would refuse
    /// to record an access under it.
    #[error("grant {grant} is not in force: {why}")]
    GrantNotInForce {
        /// The grant.
        grant: Pubkey,
        /// Why: revoked, expired or used up.
        why: crate::verify::GrantProblem,
    },
    /// A grant that carries no sealed document key.
    #[error(
        "grant {grant} carries no document key: the candidate shared no sealed document under it"
    )]
    NoDocumentKey {
        /// The grant.
        grant: Pubkey,
    },
    /// An argument outside what the API accepts (a page size, a read limit, a time step).
    #[error("{what} must be {allowed}, not {given}")]
    OutOfRange {
        /// The argument.
        what: &'static str,
        /// What is allowed.
        allowed: String,
        /// What was given.
        given: String,
    },
    /// A transaction could not be signed: a signer it needs is missing.
    #[error("cannot sign the transaction: {0} (a required signer is missing?)")]
    Signing(String),
    /// An instruction could not be built (an SPL Token builder refused its arguments).
    #[error("cannot build instruction {instruction}: {detail}")]
    Instruction {
        /// The instruction.
        instruction: &'static str,
        /// What the builder said.
        detail: String,
    },
    /// The issuer id is already registered in this registry by another authority (for example a
    /// front-runner that registered it first). Nothing was sent. The registry's admin must not
    /// accredit that issuer; choose another id.
    #[error(
        "issuer id taken: issuer {issuer} is already registered by authority {authority}, not by your key. Do not let the registry's admin accredit it; register under another id"
    )]
    IssuerIdTaken {
        /// The issuer's address.
        issuer: Pubkey,
        /// The authority that holds it.
        authority: Pubkey,
    },
    /// Issuing needs the issuer's secret, the key of credential ids and salts.
    #[error(
        "issuing as issuer {issuer} needs the issuer's secret (credential ids and salts derive from it): give it with Issuer::with_secret"
    )]
    IssuerSecretRequired {
        /// The issuer's address.
        issuer: Pubkey,
    },
    /// An issuer secret file could not be read or written.
    #[error("issuer secret file {}: {io}", .path.display())]
    IssuerSecretFile {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong (`NotFound`, `AlreadyExists`, `InvalidData` for a malformed file, ...).
        io: std::io::Error,
    },
    /// A re-run found the credential of a row already on-chain, but not as this run would issue
    /// it (another document, schema or subject, or a salt from another secret): the salt this run
    /// derives would not open it, so none is handed out. The batch stopped; found before sending,
    /// nothing was sent.
    #[error(
        "credential {credential} of reference {reference:?} is already on-chain but its {field} differs from this run's, so this run's salt would not open it. The batch stopped: check the row's document and schema, and that this is the issuer's own secret"
    )]
    ExistingCredentialDiffers {
        /// The row's reference.
        reference: String,
        /// The existing credential's address.
        credential: Pubkey,
        /// What differs: `commitment`, `schema`, `subject` or `issuer`.
        field: &'static str,
    },
    /// The cohort is already on-chain with another root, size or schema than this run's tree: a
    /// cohort name reused for other rows, or another secret. Nothing was sent.
    #[error(
        "cohort {cohort} is already on-chain but its {field} differs from this run's: the rows, their order or the secret changed since it was issued. Nothing was sent: issue the new rows under another cohort name"
    )]
    ExistingCohortDiffers {
        /// The cohort's address.
        cohort: Pubkey,
        /// What differs: `merkle root`, `leaf count` or `schema`.
        field: &'static str,
    },
    /// A cohort row that expires before it starts. Nothing was added to the cohort.
    #[error(
        "cohort row {reference:?} expires at {expires_at}, not after it starts ({valid_from}): give 0 for never, or a later expiry"
    )]
    CohortRowWindow {
        /// The row's reference.
        reference: String,
        /// When the row starts being valid.
        valid_from: i64,
        /// When it expires.
        expires_at: i64,
    },
    /// A cohort credential was asked of a tree for a row, or under a context, that the tree was
    /// not built from: the credential would not verify, so none was made.
    #[error("leaf {index} of cohort {cohort} was not built from {what}: no credential made")]
    CohortLeafMismatch {
        /// The tree's cohort.
        cohort: Pubkey,
        /// The leaf index asked for.
        index: u32,
        /// What differs.
        what: &'static str,
    },
    /// A cohort credential file could not be read or written, or does not hold a cohort
    /// credential.
    /// A watcher's saved state cannot be used.
    #[error("watch state: {problem}")]
    WatchState {
        /// What is wrong with it, and what to do.
        problem: String,
    },
    /// The WebSocket PubSub endpoint cannot be reached or refused a subscription.
    #[error(
        "cannot subscribe at {url}: {detail}. Check --ws (by default the RPC URL with ws:// and the next port), or that the validator serves PubSub"
    )]
    PubsubUnreachable {
        /// The WebSocket URL.
        url: String,
        /// What went wrong.
        detail: String,
    },
    #[error("cohort credential file {}: {problem}", .path.display())]
    CohortCredentialFile {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong: an I/O error (`NotFound`, ...), malformed JSON or an unknown version.
        problem: crate::cohort::CohortFileProblem,
    },
}

/// A program error a caller can match: which program returned it, and its code. Built from the
/// programs' error enums ([`RegistryError`], [`ConsentError`]) and from Anchor's own
/// [`ErrorCode`](anchor_lang::error::ErrorCode), which any Credence program may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramErrorCode {
    /// The program (`None`: any Credence program, for Anchor's own errors).
    pub program: Option<Pubkey>,
    /// The error code.
    pub code: u32,
}

impl ProgramErrorCode {
    /// `error` as returned by `program` only: for Anchor's own errors, which
    /// [`From<ErrorCode>`](anchor_lang::error::ErrorCode) matches from either program.
    ///
    /// ```
    /// use anchor_lang::error::ErrorCode;
    /// use credence_sdk::{consent_program, error::ProgramErrorCode};
    ///
    /// let code = ProgramErrorCode::from_program(consent_program::ID, ErrorCode::AccountNotInitialized);
    /// assert_eq!(code.program, Some(consent_program::ID));
    /// ```
    pub fn from_program(program: Pubkey, error: impl Into<u32>) -> Self {
        Self {
            program: Some(program),
            code: error.into(),
        }
    }
}

impl From<RegistryError> for ProgramErrorCode {
    fn from(error: RegistryError) -> Self {
        Self {
            program: Some(credence_registry::ID),
            code: error.into(),
        }
    }
}

impl From<ConsentError> for ProgramErrorCode {
    fn from(error: ConsentError) -> Self {
        Self {
            program: Some(credence_consent::ID),
            code: error.into(),
        }
    }
}

impl From<anchor_lang::error::ErrorCode> for ProgramErrorCode {
    fn from(error: anchor_lang::error::ErrorCode) -> Self {
        Self {
            program: None,
            code: error.into(),
        }
    }
}

/// The system program's `AccountAlreadyInUse`, as an Anchor `init` surfaces it from the Credence
/// program that ran it.
const ALREADY_IN_USE: u32 = 0;

impl SdkError {
    /// Whether this is the program error `error`: the same code from the same program (for
    /// Anchor's own errors, from either Credence program).
    ///
    /// ```
    /// # use credence_sdk::{registry_program::error::RegistryError, SdkError};
    /// # fn handle(err: SdkError) {
    /// if err.is(RegistryError::IssuerNotAccredited) {
    ///     // ask the registry's admin to accredit the issuer
    /// }
    /// # }
    /// ```
    pub fn is(&self, error: impl Into<ProgramErrorCode>) -> bool {
        let wanted = error.into();
        match self {
            Self::Program { program, code, .. } => {
                *code == wanted.code && wanted.program.is_none_or(|p| p == *program)
            }
            _ => false,
        }
    }

    /// Whether a Credence program refused because an account it was to create already exists
    /// (an earlier run, perhaps unconfirmed, created it): creating it again changes nothing.
    pub fn is_already_in_use(&self) -> bool {
        matches!(
            self,
            Self::Program { program, code: ALREADY_IN_USE, .. }
                if *program == credence_registry::ID || *program == credence_consent::ID
        )
    }

    /// The program error's name from the IDL, for display (match with [`Self::is`]).
    pub fn program_error_name(&self) -> Option<&str> {
        match self {
            Self::Program { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Turns a runtime error into a named program error where possible. `programs[i]` is the
    /// program id of instruction `i` of the transaction.
    pub fn from_transaction_error(err: TransactionError, programs: &[Pubkey]) -> Self {
        let TransactionError::InstructionError(index, InstructionError::Custom(code)) = &err else {
            return Self::Transaction(err);
        };
        let program = programs.get(*index as usize).copied().unwrap_or_default();
        match describe(&program, *code) {
            Some((name, message)) => Self::Program {
                program,
                code: *code,
                name,
                message,
            },
            None => Self::Transaction(err),
        }
    }
}

type ErrorTable = HashMap<u32, (String, String)>;

fn idl_errors(idl: &str) -> ErrorTable {
    let value: serde_json::Value = serde_json::from_str(idl).expect("the committed IDL is JSON");
    value["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    Some((
                        e["code"].as_u64()? as u32,
                        (
                            e["name"].as_str()?.to_string(),
                            e["msg"].as_str().unwrap_or_default().to_string(),
                        ),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn registry_errors() -> &'static ErrorTable {
    static TABLE: OnceLock<ErrorTable> = OnceLock::new();
    TABLE.get_or_init(|| idl_errors(include_str!("../../../idl/credence_registry.json")))
}

fn consent_errors() -> &'static ErrorTable {
    static TABLE: OnceLock<ErrorTable> = OnceLock::new();
    TABLE.get_or_init(|| idl_errors(include_str!("../../../idl/credence_consent.json")))
}

/// Anchor's own errors that Credence instructions can return.
const ANCHOR_ERRORS: &[(u32, &str, &str)] = &[
    (2000, "ConstraintMut", "A mut constraint was violated"),
    (
        2001,
        "ConstraintHasOne",
        "A has one constraint was violated",
    ),
    (2002, "ConstraintSigner", "A signer constraint was violated"),
    (
        2006,
        "ConstraintSeeds",
        "A seeds constraint was violated (an account at the wrong address, or the wrong signer for it)",
    ),
    (
        2012,
        "ConstraintAddress",
        "An address constraint was violated",
    ),
    (
        3001,
        "AccountDiscriminatorNotFound",
        "No discriminator was found on the account",
    ),
    (
        3002,
        "AccountDiscriminatorMismatch",
        "The account is of another type",
    ),
    (
        3003,
        "AccountDidNotDeserialize",
        "Failed to deserialize the account",
    ),
    (
        3007,
        "AccountOwnedByWrongProgram",
        "The account is owned by another program",
    ),
    (3010, "AccountNotSigner", "The given account did not sign"),
    (
        3012,
        "AccountNotInitialized",
        "The account does not exist (closed or never created)",
    ),
    (
        101,
        "InstructionFallbackNotFound",
        "Fallback functions are not supported",
    ),
    (
        102,
        "InstructionDidNotDeserialize",
        "The instruction data could not be decoded",
    ),
];

/// `(error name, message)` for `code` returned by `program` (a Credence program; `None` for any
/// other program, or a code none of its tables names). The program's own name is
/// [`program_name`].
pub fn describe(program: &Pubkey, code: u32) -> Option<(String, String)> {
    let table = if *program == credence_registry::ID {
        registry_errors()
    } else if *program == credence_consent::ID {
        consent_errors()
    } else {
        return None;
    };
    if let Some((error, message)) = table.get(&code) {
        return Some((error.clone(), message.clone()));
    }
    if let Some((_, error, message)) = ANCHOR_ERRORS.iter().find(|(c, _, _)| *c == code) {
        return Some((error.to_string(), message.to_string()));
    }
    // The system program's AccountAlreadyInUse, surfaced through an Anchor `init`.
    (code == ALREADY_IN_USE).then(|| {
        (
            "AccountAlreadyInUse".into(),
            "The account already exists".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use credence_registry::error::RegistryError;

    use super::*;

    #[test]
    fn program_errors_are_named_from_the_idl() {
        let code: u32 = RegistryError::IssuerNotAccredited.into();
        let err = SdkError::from_transaction_error(
            TransactionError::InstructionError(0, InstructionError::Custom(code)),
            &[credence_registry::ID],
        );
        assert_eq!(err.program_error_name(), Some("IssuerNotAccredited"));
        assert!(err.is(RegistryError::IssuerNotAccredited));
        assert!(!err.is(RegistryError::NotAdmin));
        // The same code from the other program is another error.
        let consent_code = u32::from(RegistryError::IssuerNotAccredited);
        let other = SdkError::from_transaction_error(
            TransactionError::InstructionError(1, InstructionError::Custom(consent_code)),
            &[credence_registry::ID, credence_consent::ID],
        );
        assert!(!other.is(RegistryError::IssuerNotAccredited));
        let in_use = SdkError::from_transaction_error(
            TransactionError::InstructionError(0, InstructionError::Custom(0)),
            &[credence_consent::ID],
        );
        assert!(in_use.is_already_in_use() && !err.is_already_in_use());
        let seeds = SdkError::from_transaction_error(
            TransactionError::InstructionError(
                0,
                InstructionError::Custom(anchor_lang::error::ErrorCode::ConstraintSeeds.into()),
            ),
            &[credence_registry::ID],
        );
        assert!(seeds.is(anchor_lang::error::ErrorCode::ConstraintSeeds));
        assert!(
            err.to_string().contains("Issuer is not accredited"),
            "{err}"
        );
        let code: u32 = credence_consent::error::ConsentError::GrantRevoked.into();
        let (name, _) = describe(&credence_consent::ID, code).unwrap();
        assert_eq!(name, "GrantRevoked");
    }
}
