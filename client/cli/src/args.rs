//! Argument types and parsers for clap: addresses, amounts, dates, day counts, codes, terms
//! hashes and shared documents are checked while the command line is parsed, so a malformed
//! value is a usage error (exit code 2) naming its flag, before anything is read or sent.
//!
//! Each parser returns its complaint as a `String`; clap prints it as
//! `invalid value 'VALUE' for '--flag <FLAG>': COMPLAINT`.

use std::{path::PathBuf, str::FromStr};

use anyhow::anyhow;
use credence_sdk::{commitment::Salt, roles::parse_amount, verify::SharedDocument};
use solana_pubkey::Pubkey;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The most days a day count may hold: any more overflows unix seconds.
pub const MAX_DAYS: i64 = i64::MAX / DAY;

/// An address (base58 public key).
pub fn pubkey(text: &str) -> Result<Pubkey, String> {
    text.trim()
        .parse()
        .map_err(|_| "not a valid public key (expected base58, 32 to 44 characters)".to_string())
}

/// A credential reference: an address, or `COHORT#INDEX` for a cohort credential.
pub fn credential_ref(text: &str) -> Result<credence_consent::state::CredentialRef, String> {
    credence_sdk::accounts::parse_reference(text).map_err(|e| e.to_string())
}

/// A date: `YYYY-MM-DD` (midnight UTC) or unix seconds, as unix seconds.
pub fn date(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    let bad = || "not a date (expected YYYY-MM-DD or unix seconds)".to_string();
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (y, m, d): (i64, i64, i64) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    if !(0..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * DAY)
}

/// A number of days from 0 to [`MAX_DAYS`] (so that `days * DAY` cannot overflow).
pub fn days(text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (0..=MAX_DAYS).contains(d))
        .ok_or_else(|| format!("expected a whole number of days from 0 to {MAX_DAYS}"))
}

/// A number of days from 1 to [`MAX_DAYS`].
pub fn days_at_least_one(text: &str) -> Result<i64, String> {
    days(text)
        .ok()
        .filter(|d| *d >= 1)
        .ok_or_else(|| format!("expected a whole number of days from 1 to {MAX_DAYS}"))
}

/// The most SOL a SOL amount may hold: any more overflows lamports.
pub const MAX_SOL: f64 = 1e9;

/// An amount of SOL: a finite number above 0 and at most [`MAX_SOL`].
pub fn sol(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|sol| sol.is_finite() && *sol > 0.0 && *sol <= MAX_SOL)
        .ok_or_else(|| format!("expected an amount of SOL above 0 and at most {MAX_SOL}"))
}

/// An occupation or region code (1 to 8 letters, digits or `-`), kept as written; the SDK
/// stores it upper-cased.
pub fn code(text: &str) -> Result<String, String> {
    credence_sdk::roles::code(text)
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

/// An amount of tokens as written, for example `12.50`: digits with at most one `.`. How many
/// base units it is depends on the decimals of its mint, read on chain later
/// ([`Amount::base_units`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount(String);

impl FromStr for Amount {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits {
            return Err(
                "not an amount (expected digits with at most one '.', for example 12.50)"
                    .to_string(),
            );
        }
        Ok(Self(text.to_string()))
    }
}

impl Amount {
    /// The amount in base units of a mint with `decimals` decimals; an error when it has more
    /// decimal places than the mint allows, or does not fit a `u64`.
    pub fn base_units(&self, decimals: u8) -> anyhow::Result<u64> {
        Ok(parse_amount(&self.0, decimals)?)
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hex digits of a terms hash that `request list` shows, and the least `--terms` accepts.
pub const TERMS_SHOWN: usize = 16;

/// The start (at least [`TERMS_SHOWN`] hex digits, lower-cased) of a request's terms hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermsPrefix(String);

impl FromStr for TermsPrefix {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let terms = text.trim().to_ascii_lowercase();
        if terms.len() < TERMS_SHOWN || !terms.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "expected at least the first {TERMS_SHOWN} hex digits of the terms hash that \
                 `credence request list` shows for this request"
            ));
        }
        Ok(Self(terms))
    }
}

impl TermsPrefix {
    /// Whether the full hex hash `terms` starts with this prefix.
    pub fn matches(&self, terms: &str) -> bool {
        terms.starts_with(&self.0)
    }
}

impl std::fmt::Display for TermsPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A document shared for verification, `CREDENTIAL=SALT_HEX:FILE`: the credential's address,
/// the salt of its commitment, and the file holding the document (read by [`Self::read`]).
#[derive(Clone, Debug)]
pub struct DocumentSpec {
    /// The credential the document belongs to.
    pub credential: Pubkey,
    /// The commitment's salt.
    pub salt: Salt,
    /// The document's file.
    pub file: PathBuf,
}

impl FromStr for DocumentSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let expected = "expected CREDENTIAL=SALT_HEX:FILE";
        let (credential, rest) = spec.split_once('=').ok_or(expected)?;
        let (salt, file) = rest.split_once(':').ok_or(expected)?;
        let credential = pubkey(credential).map_err(|e| format!("credential {e}"))?;
        let salt = Salt::from_hex(salt)?;
        if file.is_empty() {
            return Err(format!("no file: {expected}"));
        }
        Ok(Self {
            credential,
            salt,
            file: PathBuf::from(file),
        })
    }
}

impl DocumentSpec {
    /// Reads the file: the shared document, with its salt.
    pub fn read(&self) -> anyhow::Result<SharedDocument> {
        let document = std::fs::read(&self.file)
            .map_err(|e| anyhow!("cannot read {}: {e}", self.file.display()))?;
        Ok(SharedDocument {
            salt: self.salt,
            document,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_utc_midnight_or_unix_seconds() {
        assert_eq!(date("1970-01-01"), Ok(0));
        assert_eq!(date("2024-03-01"), Ok(1_709_251_200));
        assert_eq!(date(" 1700000000 "), Ok(1_700_000_000));
        for bad in ["", "2024-13-01", "2024-02-32", "tomorrow", "2024-02"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_counts_fit_unix_seconds() {
        assert_eq!(days("7"), Ok(7));
        assert_eq!(days("0"), Ok(0));
        assert!(days("-1").is_err());
        assert!(days(&(MAX_DAYS + 1).to_string()).is_err());
        assert!(MAX_DAYS.checked_mul(DAY).is_some());
        assert!(days_at_least_one("0").is_err());
        assert_eq!(days_at_least_one("1"), Ok(1));
    }

    #[test]
    fn sol_amounts_are_positive_and_fit_lamports() {
        assert_eq!(sol("2"), Ok(2.0));
        assert_eq!(sol("0.5"), Ok(0.5));
        for bad in ["0", "-1", "NaN", "inf", "1e10", "two"] {
            assert!(sol(bad).is_err(), "{bad}");
        }
        assert!(MAX_SOL * 1e9 < u64::MAX as f64);
    }

    #[test]
    fn amounts_are_digits_with_at_most_one_point() {
        for good in ["12", "12.50", "0.5", ".5", "12."] {
            assert!(good.parse::<Amount>().is_ok(), "{good}");
        }
        for bad in ["", ".", "1.2.3", "-1", "12,50", "1e3", "twelve"] {
            assert!(bad.parse::<Amount>().is_err(), "{bad}");
        }
        let amount: Amount = "12.5".parse().unwrap();
        assert_eq!(amount.base_units(6).unwrap(), 12_500_000);
        assert!(
            amount.base_units(0).is_err(),
            "more places than the mint has"
        );
    }

    #[test]
    fn terms_prefix_needs_sixteen_hex_digits() {
        let prefix: TermsPrefix = "0123456789ABCDEF".parse().unwrap();
        assert!(prefix.matches("0123456789abcdef00"));
        assert!(!prefix.matches("1123456789abcdef00"));
        assert!("0123456789abcde".parse::<TermsPrefix>().is_err());
        assert!("0123456789abcdeg".parse::<TermsPrefix>().is_err());
    }

    #[test]
    fn document_spec_names_credential_salt_and_file() {
        let credential = Pubkey::new_unique();
        let salt = "ab".repeat(32);
        let spec: DocumentSpec = format!("{credential}={salt}:/tmp/a:b.pdf").parse().unwrap();
        assert_eq!(spec.credential, credential);
        assert_eq!(spec.salt.to_hex(), salt);
        assert_eq!(spec.file, PathBuf::from("/tmp/a:b.pdf"));
        for bad in [
            format!("{credential}"),
            format!("{credential}={salt}"),
            format!("not-a-key={salt}:f"),
            format!("{credential}=zz:f"),
            format!("{credential}={salt}:"),
        ] {
            assert!(bad.parse::<DocumentSpec>().is_err(), "{bad}");
        }
        let missing = DocumentSpec {
            file: PathBuf::from("/nonexistent/doc.pdf"),
            ..spec
        };
        let err = missing.read().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/doc.pdf"), "{err}");
    }
}
