//! Serde adapters that write typed values as their text form, so JSON shows an address or a
//! signature as base58 (the derived form would be an array of numbers) while Rust callers get
//! [`Pubkey`](solana_pubkey::Pubkey) and [`Signature`](solana_signature::Signature) values.
//!
//! Use with `#[serde(with = "credence_sdk::serde_text")]` on a field of any type that is
//! `Display + FromStr`, or the [`option`], [`vec`](mod@vec), [`hex32`] and [`credential_refs`] variants.
//!
//! ```
//! use credence_sdk::Pubkey;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Row {
//!     #[serde(with = "credence_sdk::serde_text")]
//!     address: Pubkey,
//! }
//!
//! let row = Row { address: Pubkey::new_unique() };
//! let json = serde_json::to_string(&row).unwrap();
//! assert_eq!(json, format!("{{\"address\":\"{}\"}}", row.address));
//! assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), row);
//! ```

use std::{fmt::Display, str::FromStr};

use serde::{Deserialize, Deserializer, Serializer, de::Error};

/// Writes `value` as its `Display` text.
pub fn serialize<T: Display, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Reads a value from its text with `FromStr`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: FromStr,
    T::Err: Display,
    D: Deserializer<'de>,
{
    String::deserialize(deserializer)?
        .parse()
        .map_err(D::Error::custom)
}

/// The same for an optional value (`null` when absent).
pub mod option {
    use super::*;

    /// Writes `Some(value)` as text, `None` as `null`.
    pub fn serialize<T: Display, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    /// Reads text as `Some(value)`, `null` as `None`.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        Option::<String>::deserialize(deserializer)?
            .map(|text| text.parse().map_err(D::Error::custom))
            .transpose()
    }
}

/// The same for a list of values (a JSON array of strings).
pub mod vec {
    use serde::ser::SerializeSeq;

    use super::*;

    /// Writes each value as text.
    pub fn serialize<T: Display, S: Serializer>(
        values: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(values.len()))?;
        for value in values {
            seq.serialize_element(&value.to_string())?;
        }
        seq.end()
    }

    /// Reads each value from its text.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| text.parse().map_err(D::Error::custom))
            .collect()
    }
}

/// Credential references ([`CredentialRef`](credence_consent::state::CredentialRef)) as text:
/// a credential account's address, or `cohort#index` for a leaf of a cohort (see
/// [`crate::accounts::reference_text`] and [`crate::accounts::parse_reference`]).
pub mod credential_refs {
    use credence_consent::state::CredentialRef;
    use serde::ser::SerializeSeq;

    use super::*;
    use crate::accounts::{parse_reference, reference_text};

    /// Writes each reference as text.
    pub fn serialize<S: Serializer>(
        references: &[CredentialRef],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(references.len()))?;
        for reference in references {
            seq.serialize_element(&reference_text(reference))?;
        }
        seq.end()
    }

    /// Reads each reference from its text.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<CredentialRef>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| parse_reference(text).map_err(D::Error::custom))
            .collect()
    }
}

/// 32 bytes (a commitment, a hash) as 64 hex digits.
pub mod hex32 {
    use super::*;

    /// Writes the bytes as hex.
    pub fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    /// Reads 64 hex digits.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| D::Error::custom(format!("{text:?} is not 32 bytes of hex")))
    }
}
