//! Verification fees in an SPL token: what a quote, a cap and a prepared access hold, amounts
//! read and shown with a mint's decimals, and token balances. Issuers set fees with
//! [`Issuer::set_fee`](crate::roles::Issuer::set_fee); recruiters pay them with
//! [`Recruiter::record_access_within`](crate::roles::Recruiter::record_access_within).

use anchor_spl::token::{Mint, TokenAccount};
use credence_consent::state::AccessOutcome;
use serde::{Deserialize, Serialize};
use solana_pubkey::Pubkey;

use crate::{
    accounts::{fetch, fetch_optional},
    error::SdkError,
    ix::consent::Accessed,
    transport::Transport,
};

/// One fee due for a credential, as its schema states it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    /// The credential.
    #[serde(with = "crate::serde_text")]
    pub credential: Pubkey,
    /// Its schema, which sets the fee.
    #[serde(with = "crate::serde_text")]
    pub schema: Pubkey,
    /// The token account the fee is paid into.
    #[serde(with = "crate::serde_text")]
    pub treasury: Pubkey,
    /// The fee, in the mint's base units.
    pub amount: u64,
}

/// What recording an access over some credentials will cost, read from their schemas now.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FeeQuote {
    /// The fee mint, when any fee is due.
    #[serde(with = "crate::serde_text::option")]
    pub mint: Option<Pubkey>,
    /// The total due, in the mint's base units.
    pub total: u64,
    /// The decimals the schemas state for the mint (0 when no fee is due). For display only:
    /// read amounts a person types with the mint account's own decimals ([`mint_decimals`]).
    pub decimals: u8,
    /// Each fee due.
    pub items: Vec<FeeItem>,
    /// The accounts `record_access` needs, in order.
    #[serde(skip)]
    pub accessed: Vec<Accessed>,
}

/// The most a recruiter will pay in fees for one recorded access: an amount of one named mint.
/// Fees quoted in any other mint are refused ([`SdkError::FeeMintMismatch`]), so a schema that
/// names a more valuable token the recruiter also holds cannot turn "15" into 15 of that token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeCap {
    /// The mint the recruiter pays in.
    #[serde(with = "crate::serde_text")]
    pub mint: Pubkey,
    /// The most it pays, in that mint's base units.
    pub max: u64,
}

impl FeeQuote {
    /// Whether the recruiter may pay this quote within `cap`: always when nothing is due;
    /// otherwise only with a cap ([`SdkError::FeeCapRequired`]) in the quote's mint
    /// ([`SdkError::FeeMintMismatch`]) of at least the total ([`SdkError::FeeAboveCap`]).
    /// ```
    /// use credence_sdk::{fees::{FeeCap, FeeQuote}, Pubkey, SdkError};
    ///
    /// let (usdc, other) = (Pubkey::new_unique(), Pubkey::new_unique());
    /// let quote = FeeQuote { mint: Some(usdc), total: 2_500_000, ..FeeQuote::default() };
    /// assert!(quote.check_cap(Some(&FeeCap { mint: usdc, max: 3_000_000 })).is_ok());
    /// assert!(matches!(quote.check_cap(None), Err(SdkError::FeeCapRequired { .. })));
    /// assert!(matches!(
    ///     quote.check_cap(Some(&FeeCap { mint: other, max: u64::MAX })),
    ///     Err(SdkError::FeeMintMismatch { .. })
    /// ));
    /// ```
    pub fn check_cap(&self, cap: Option<&FeeCap>) -> Result<(), SdkError> {
        let Some(quoted) = self.mint else {
            return Ok(());
        };
        let Some(cap) = cap else {
            return Err(SdkError::FeeCapRequired {
                mint: quoted,
                total: self.total,
                quote: Box::new(self.clone()),
            });
        };
        if cap.mint != quoted {
            return Err(SdkError::FeeMintMismatch {
                cap: cap.mint,
                quoted,
            });
        }
        if self.total > cap.max {
            return Err(SdkError::FeeAboveCap {
                mint: quoted,
                total: self.total,
                max: cap.max,
            });
        }
        Ok(())
    }
}

/// A `record_access` read and ready to send (see [`Recruiter::prepare_access`](crate::roles::Recruiter::prepare_access)).
#[derive(Clone, Debug)]
pub struct PreparedAccess {
    /// The grant.
    pub grant: Pubkey,
    /// The credentials recorded (bit `i`: `grant.credentials[i]`): those the report names that
    /// passed every check
    /// ([`Report::credential_passed`](crate::verify::Report::credential_passed)). Only these
    /// are quoted and paid for.
    pub mask: u16,
    /// The credentials the report names under the grant that failed a check: left out of the
    /// record, never paid for.
    pub left_out: Vec<Pubkey>,
    /// The outcome recorded: [`AccessOutcome::Verified`] only when the report passed strictly
    /// ([`Report::passed_strict`](crate::verify::Report::passed_strict): every check passed,
    /// every document checked).
    pub outcome: AccessOutcome,
    /// The fees due now for the recorded credentials, with the accounts the instruction needs.
    pub quote: FeeQuote,
}

/// Shows `amount` base units with `decimals`, for example `2500000` with 6 as `2.500000`.
pub fn format_amount(amount: u64, decimals: u8) -> String {
    if decimals == 0 {
        return amount.to_string();
    }
    let scale = 10u64.pow(u32::from(decimals));
    format!(
        "{}.{:0width$}",
        amount / scale,
        amount % scale,
        width = usize::from(decimals)
    )
}

/// Reads an amount written with up to `decimals` decimal places, for example `12.5` with 6 as
/// `12500000` base units.
/// ```
/// use credence_sdk::{fees::{format_amount, parse_amount}, SdkError};
///
/// assert_eq!(parse_amount("12.5", 6).unwrap(), 12_500_000);
/// assert_eq!(format_amount(12_500_000, 6), "12.500000");
/// assert!(matches!(parse_amount("12.5000001", 6), Err(SdkError::BadAmount { decimals: 6, .. })));
/// ```
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64, SdkError> {
    let bad = || SdkError::BadAmount {
        text: text.to_string(),
        decimals,
    };
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if (whole.is_empty() && fraction.is_empty())
        || fraction.len() > usize::from(decimals)
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let scale = 10u64.pow(u32::from(decimals));
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let padded = format!("{fraction:0<width$}", width = usize::from(decimals));
    let fraction: u64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)
}

/// The decimals of the SPL Token mint at `mint`, read from the mint account itself (not from a
/// schema's statement of them): what an amount a person types is read with.
pub async fn mint_decimals(transport: &Transport, mint: &Pubkey) -> Result<u8, SdkError> {
    let account: Mint = fetch(transport, mint).await?;
    Ok(account.decimals)
}

/// The tokens held by the token account `address` (0 if it does not exist).
pub async fn token_balance(transport: &Transport, address: &Pubkey) -> Result<u64, SdkError> {
    Ok(fetch_optional::<TokenAccount>(transport, address)
        .await?
        .map_or(0, |account| account.amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_and_print_with_the_mint_decimals() {
        assert_eq!(parse_amount("12.5", 6).unwrap(), 12_500_000);
        assert_eq!(parse_amount("3", 6).unwrap(), 3_000_000);
        assert_eq!(parse_amount(".25", 2).unwrap(), 25);
        assert_eq!(parse_amount("7", 0).unwrap(), 7);
        for bad in [
            "",
            ".",
            "1.2345678",
            "-1",
            "1e3",
            "x",
            "18446744073709551616",
        ] {
            assert!(parse_amount(bad, 6).is_err(), "{bad}");
        }
        assert_eq!(format_amount(12_500_000, 6), "12.500000");
        assert_eq!(format_amount(7, 0), "7");
    }

    fn quote(mint: Option<Pubkey>, total: u64) -> FeeQuote {
        FeeQuote {
            mint,
            total,
            decimals: 6,
            items: mint
                .map(|_| FeeItem {
                    credential: Pubkey::new_unique(),
                    schema: Pubkey::new_unique(),
                    treasury: Pubkey::new_unique(),
                    amount: total,
                })
                .into_iter()
                .collect(),
            accessed: Vec::new(),
        }
    }

    #[test]
    fn a_cap_names_the_mint_and_the_most_paid() {
        let usdc = Pubkey::new_unique();
        let other = Pubkey::new_unique();
        let cap = |mint, max| FeeCap { mint, max };
        // Nothing due: no cap needed, any cap accepted.
        assert!(quote(None, 0).check_cap(None).is_ok());
        assert!(quote(None, 0).check_cap(Some(&cap(other, 0))).is_ok());
        // A fee due needs a cap, in its mint, at least the total.
        let due = quote(Some(usdc), 2_500_000);
        assert!(matches!(
            due.check_cap(None),
            Err(SdkError::FeeCapRequired { mint, total: 2_500_000, quote })
                if mint == usdc && quote.items.len() == 1
        ));
        assert!(matches!(
            due.check_cap(Some(&cap(other, u64::MAX))),
            Err(SdkError::FeeMintMismatch { cap, quoted }) if cap == other && quoted == usdc
        ));
        assert!(matches!(
            due.check_cap(Some(&cap(usdc, 2_499_999))),
            Err(SdkError::FeeAboveCap {
                total: 2_500_000,
                max: 2_499_999,
                ..
            })
        ));
        assert!(due.check_cap(Some(&cap(usdc, 2_500_000))).is_ok());
    }

    #[test]
    fn quotes_show_addresses_as_base58_in_json() {
        let usdc = Pubkey::new_unique();
        let due = quote(Some(usdc), 7);
        let json = serde_json::to_value(&due).unwrap();
        assert_eq!(json["mint"], usdc.to_string());
        assert_eq!(
            json["items"][0]["treasury"],
            due.items[0].treasury.to_string()
        );
        let back: FeeQuote = serde_json::from_value(json).unwrap();
        assert_eq!((back.mint, back.items), (due.mint, due.items));
        assert_eq!(
            serde_json::to_value(quote(None, 0)).unwrap()["mint"],
            serde_json::Value::Null
        );
    }
}
