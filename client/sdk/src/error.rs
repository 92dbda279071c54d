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
    #[error("the transaction takes {bytes} bytes, over Solana's {limit}-byte limit; nothing was sent. Name fewer credentials in one instruction: up to 13 fit a grant, 14 a listing, 12 a request or an approval, 9 a paid access whose credentials have distinct schemas")]
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
    /// Bad input from the caller.
    #[error("{0}")]
    Invalid(String),
    /// A cryptographic operation failed.
    #[error("crypto: {0}")]
    Crypto(String),
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
