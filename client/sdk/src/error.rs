//! The SDK's errors. Program errors carry their name and message, read from the programs' IDLs
//! (committed under `idl/` and checked against the code in CI).

use std::{collections::HashMap, sync::OnceLock};

use solana_instruction::error::InstructionError;
use solana_pubkey::Pubkey;
use solana_transaction_error::TransactionError;

/// Everything that can go wrong in the SDK, each saying what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// A Credence program refused the transaction.
    #[error("{program} refused the transaction: {name} ({code}): {message}")]
    Program {
        /// Which program (`credence_registry`, `credence_consent`, `system`, `anchor`).
        program: String,
        /// The error code.
        code: u32,
        /// The error's name, for example `IssuerNotAccredited`.
        name: String,
        /// The error's message.
        message: String,
    },
    /// The runtime refused the transaction for a reason other than a program error.
    #[error("transaction refused: {0}")]
    Transaction(TransactionError),
    /// The RPC endpoint could not be reached.
    #[error("cannot reach the RPC endpoint {url}: {detail}. Check --url (localhost, devnet, mainnet-beta or a URL), or start a local validator with `credence localnet`")]
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
    #[error("transaction {signature} was not confirmed within {seconds} s; it may still land. Re-run the command: it will not duplicate anything")]
    ConfirmationTimeout {
        /// The signature sent.
        signature: String,
        /// How long we waited.
        seconds: u64,
    },
    /// The transaction would not fit one packet; nothing was sent. Both transports refuse it the
    /// way a cluster would (the embedded runtime alone would accept it).
    #[error("the transaction takes {bytes} bytes, over Solana's {limit}-byte limit; nothing was sent. Name fewer credentials in one instruction: up to 13 fit a grant, 14 a listing, 12 a request or an approval, 8 a paid access whose credentials have distinct schemas")]
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
    #[error("request {request}'s recipient key is not the X25519 key of its requester {requester}: a sealed document key would go to someone else. Decline it, or ask the requester to file it again")]
    RecipientKeyNotRequesters {
        /// The request.
        request: Pubkey,
        /// Its requester.
        requester: Pubkey,
    },
    /// None of the credentials a report names under a grant passed every check, so there is
    /// nothing to record; nothing was sent and nothing paid. A credential that failed (above all
    /// an untrusted registry or an issuer not accredited) is never recorded or paid for.
    #[error("none of the credentials the report names under grant {grant} passed every check: nothing was recorded and nothing paid")]
    NothingVerified {
        /// The grant.
        grant: Pubkey,
    },
    /// Fees are due and the recruiter named no cap: nothing was sent. Show `quote` to the
    /// person paying and retry with a [`FeeCap`](crate::roles::FeeCap) in its mint.
    #[error("recording this access costs {total} base units of mint {mint}: name the most you will pay in that mint (a FeeCap; in the CLI --max-fee with --fee-mint). Nothing was sent")]
    FeeCapRequired {
        /// The fee mint.
        mint: Pubkey,
        /// The total due, in the mint's base units.
        total: u64,
        /// The fees due, item by item.
        quote: Box<crate::roles::FeeQuote>,
    },
    /// The fees due are in another mint than the recruiter's cap names: nothing was sent.
    #[error("the fees due are in mint {quoted}, not in {cap} that your cap names: refused, nothing was sent")]
    FeeMintMismatch {
        /// The mint the recruiter's cap names.
        cap: Pubkey,
        /// The mint the fees are quoted in.
        quoted: Pubkey,
    },
    /// The fees due exceed the recruiter's cap: nothing was sent.
    #[error("the fees due, {total} base units of mint {mint}, exceed your cap of {max}: refused, nothing was sent")]
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
    #[error("a verified-only pool search needs at least one trusted registry (--trust): without one, anyone's self-made registry would count as verified")]
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
    #[error("the document does not match credential {credential}'s commitment (altered, or the wrong salt): refused")]
    DocumentMismatch {
        /// The credential.
        credential: Pubkey,
    },
    /// Bad input from the caller.
    #[error("{0}")]
    Invalid(String),
    /// A cryptographic operation failed.
    #[error("crypto: {0}")]
    Crypto(String),
    /// The cluster has no transaction with this signature (not landed, not yet indexed at the
    /// commitment asked for, or pruned from this node's history).
    #[error("transaction {0} not found in the cluster's history; it may not have landed or not be indexed yet, or this node no longer keeps it")]
    TransactionNotFound(String),
    /// The issuer id is already registered in this registry by another authority (for example a
    /// front-runner that registered it first). Nothing was sent. The registry's admin must not
    /// accredit that issuer; choose another id.
    #[error("issuer id taken: issuer {issuer} is already registered by authority {authority}, not by your key. Do not let the registry's admin accredit it; register under another id")]
    IssuerIdTaken {
        /// The issuer's address.
        issuer: Pubkey,
        /// The authority that holds it.
        authority: Pubkey,
    },
    /// Issuing needs the issuer's secret, the key of credential ids and salts.
    #[error("issuing as issuer {issuer} needs the issuer's secret (credential ids and salts derive from it): give it with Issuer::with_secret")]
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
    #[error("credential {credential} of reference {reference:?} is already on-chain but its {field} differs from this run's, so this run's salt would not open it. The batch stopped: check the row's document and schema, and that this is the issuer's own secret")]
    ExistingCredentialDiffers {
        /// The row's reference.
        reference: String,
        /// The existing credential's address.
        credential: Pubkey,
        /// What differs: `commitment`, `schema`, `subject` or `issuer`.
        field: &'static str,
    },
}

impl SdkError {
    /// The program error's name, if this is a program error.
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
            Some((program, name, message)) => Self::Program {
                program: program.to_string(),
                code: *code,
                name: name.to_string(),
                message: message.to_string(),
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
    (2001, "ConstraintHasOne", "A has one constraint was violated"),
    (2002, "ConstraintSigner", "A signer constraint was violated"),
    (2006, "ConstraintSeeds", "A seeds constraint was violated (an account at the wrong address, or the wrong signer for it)"),
    (2012, "ConstraintAddress", "An address constraint was violated"),
    (3001, "AccountDiscriminatorNotFound", "No discriminator was found on the account"),
    (3002, "AccountDiscriminatorMismatch", "The account is of another type"),
    (3003, "AccountDidNotDeserialize", "Failed to deserialize the account"),
    (3007, "AccountOwnedByWrongProgram", "The account is owned by another program"),
    (3010, "AccountNotSigner", "The given account did not sign"),
    (3012, "AccountNotInitialized", "The account does not exist (closed or never created)"),
    (101, "InstructionFallbackNotFound", "Fallback functions are not supported"),
    (102, "InstructionDidNotDeserialize", "The instruction data could not be decoded"),
];

/// `(program name, error name, message)` for `code` returned by `program`.
pub fn describe(program: &Pubkey, code: u32) -> Option<(&'static str, String, String)> {
    let table = if *program == credence_registry::ID {
        Some(("credence_registry", registry_errors()))
    } else if *program == credence_consent::ID {
        Some(("credence_consent", consent_errors()))
    } else {
        None
    };
    if let Some((name, table)) = table {
        if let Some((error, message)) = table.get(&code) {
            return Some((name, error.clone(), message.clone()));
        }
        if let Some((_, error, message)) = ANCHOR_ERRORS.iter().find(|(c, _, _)| *c == code) {
            return Some((name, error.to_string(), message.to_string()));
        }
        if code == 0 {
            // The system program's AccountAlreadyInUse, surfaced through an Anchor `init`.
            return Some((
                name,
                "AccountAlreadyInUse".into(),
                "The account already exists".into(),
            ));
        }
    }
    None
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
        assert!(
            err.to_string().contains("Issuer is not accredited"),
            "{err}"
        );
        let code: u32 = credence_consent::error::ConsentError::GrantRevoked.into();
        let (_, name, _) = describe(&credence_consent::ID, code).unwrap();
        assert_eq!(name, "GrantRevoked");
    }
}
