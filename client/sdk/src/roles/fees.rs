//! Verification fees in an SPL token: issuers set them on schemas, recruiters pay them when they
//! record an access, and [`TokenMint`] makes a fee mint (a demo stablecoin) on any cluster.

use anchor_spl::token::{Mint, TokenAccount};
use credence_consent::state::{AccessOutcome, CredentialRef, Grant};
use credence_registry::state::{Credential, Schema};
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::{Issuer, Recruiter};
use crate::{
    accounts::{self, fetch, fetch_optional},
    error::SdkError,
    ix::{
        consent::{self as cix, Accessed, FeePayment},
        registry as rix, token as tix,
    },
    pda,
    transport::{Sent, Transport},
    verify::Report,
};

/// Addresses as base58 text in JSON (the derived form would be 32 numbers).
mod address_text {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use solana_pubkey::Pubkey;

    pub fn serialize<S: Serializer>(key: &Pubkey, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(key)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Pubkey, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(D::Error::custom)
    }

    /// The same for an optional address (`null` when absent).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            key: &Option<Pubkey>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match key {
                Some(key) => serializer.collect_str(key),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Pubkey>, D::Error> {
            Option::<String>::deserialize(deserializer)?
                .map(|text| text.parse().map_err(D::Error::custom))
                .transpose()
        }
    }
}

/// One fee due for a credential, as its schema states it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    /// The credential.
    #[serde(with = "address_text")]
    pub credential: Pubkey,
    /// Its schema, which sets the fee.
    #[serde(with = "address_text")]
    pub schema: Pubkey,
    /// The token account the fee is paid into.
    #[serde(with = "address_text")]
    pub treasury: Pubkey,
    /// The fee, in the mint's base units.
    pub amount: u64,
}

/// What recording an access over some credentials will cost, read from their schemas now.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FeeQuote {
    /// The fee mint, when any fee is due.
    #[serde(with = "address_text::option")]
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
    #[serde(with = "address_text")]
    pub mint: Pubkey,
    /// The most it pays, in that mint's base units.
    pub max: u64,
}

impl FeeQuote {
    /// Whether the recruiter may pay this quote within `cap`: always when nothing is due;
    /// otherwise only with a cap ([`SdkError::FeeCapRequired`]) in the quote's mint
    /// ([`SdkError::FeeMintMismatch`]) of at least the total ([`SdkError::FeeAboveCap`]).
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

/// A `record_access` read and ready to send (see [`Recruiter::prepare_access`]).
#[derive(Clone, Debug)]
pub struct PreparedAccess {
    /// The grant.
    pub grant: Pubkey,
    /// The credentials recorded (bit `i`: `grant.credentials[i]`): those the report names that
    /// passed every check ([`Report::credential_passed`]). Only these are quoted and paid for.
    pub mask: u16,
    /// The credentials the report names under the grant that failed a check: left out of the
    /// record, never paid for.
    pub left_out: Vec<Pubkey>,
    /// The outcome recorded: [`AccessOutcome::Verified`] only when the report passed strictly
    /// ([`Report::passed_strict`]: every check passed, every document checked).
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
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64, SdkError> {
    let bad = || {
        SdkError::Invalid(format!(
            "amount {text:?} is not a number with at most {decimals} decimal places"
        ))
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

impl Issuer<'_> {
    /// Sets or changes `schema`'s fee to `amount` base units of `mint`, paid into `treasury`
    /// (`None`: the authority's associated token account, created if missing). Returns the
    /// treasury.
    pub async fn set_fee(
        &self,
        schema: &Pubkey,
        mint: &Pubkey,
        treasury: Option<Pubkey>,
        amount: u64,
    ) -> Result<Pubkey, SdkError> {
        let authority = self.signer.pubkey();
        let mut ixs = Vec::new();
        let treasury = match treasury {
            Some(treasury) => treasury,
            None => {
                ixs.push(tix::create_token_account(&authority, &authority, mint));
                pda::token_account(&authority, mint)
            }
        };
        ixs.push(rix::set_schema_fee(
            &authority,
            &self.issuer,
            schema,
            mint,
            &treasury,
            amount,
        ));
        self.send(&ixs).await?;
        Ok(treasury)
    }

    /// Removes `schema`'s fee.
    pub async fn clear_fee(&self, schema: &Pubkey) -> Result<Sent, SdkError> {
        self.send(&[rix::clear_schema_fee(
            &self.signer.pubkey(),
            &self.issuer,
            schema,
        )])
        .await
    }

    /// The treasury of `schema`'s fee and the tokens it holds (`None`: the schema has no fee).
    pub async fn treasury(&self, schema: &Pubkey) -> Result<Option<(Pubkey, u64)>, SdkError> {
        let schema: Schema = fetch(self.transport, schema).await?;
        if !schema.fee.is_set() {
            return Ok(None);
        }
        let balance = token_balance(self.transport, &schema.fee.treasury).await?;
        Ok(Some((schema.fee.treasury, balance)))
    }
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

impl Recruiter<'_> {
    /// What recording an access over the grant's credentials in `mask` costs now, with the
    /// accounts the instruction needs. Two round trips: the credentials, then their schemas.
    pub async fn quote(&self, grant: &Grant, mask: u16) -> Result<FeeQuote, SdkError> {
        let selected: Vec<Pubkey> = grant
            .credentials
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, reference)| match reference {
                CredentialRef::Account { address } => Ok(*address),
                CredentialRef::CohortLeaf { .. } => Err(SdkError::Invalid(
                    "cohort credentials are not supported yet".into(),
                )),
            })
            .collect::<Result<_, _>>()?;
        let fetched = self.transport.accounts(&selected).await?;
        let mut credentials = Vec::with_capacity(selected.len());
        for (address, account) in selected.iter().zip(&fetched) {
            let account = account
                .as_ref()
                .ok_or(SdkError::AccountNotFound(*address))?;
            let credential: Credential = accounts::decode(address, account)?;
            credentials.push((*address, credential.schema, credential.issuer));
        }
        let schema_keys: Vec<Pubkey> = credentials.iter().map(|(_, schema, _)| *schema).collect();
        let schemas = self.transport.accounts(&schema_keys).await?;
        let mut quote = FeeQuote::default();
        let mut mint: Option<Pubkey> = None;
        for ((credential, schema_key, issuer), account) in credentials.iter().zip(&schemas) {
            let account = account
                .as_ref()
                .ok_or(SdkError::AccountNotFound(*schema_key))?;
            let schema: Schema = accounts::decode(schema_key, account)?;
            let fee = schema.fee;
            let treasury = fee.is_set().then_some(fee.treasury);
            if fee.is_set() {
                if mint.is_some_and(|m| m != fee.mint) {
                    return Err(SdkError::Invalid(
                        "the selected credentials charge fees in different mints: record them \
                         one mint at a time"
                            .into(),
                    ));
                }
                mint = Some(fee.mint);
                quote.decimals = fee.decimals;
                quote.total = quote
                    .total
                    .checked_add(fee.amount)
                    .ok_or_else(|| SdkError::Invalid("fees overflow u64".into()))?;
                quote.items.push(FeeItem {
                    credential: *credential,
                    schema: *schema_key,
                    treasury: fee.treasury,
                    amount: fee.amount,
                });
            }
            quote.accessed.push(Accessed {
                credential: *credential,
                schema: *schema_key,
                issuer: *issuer,
                treasury,
            });
        }
        quote.mint = mint;
        Ok(quote)
    }

    /// Records a verification under a grant when no fee is due: the candidate sees it in her
    /// audit trail. Only the credentials of `report` that the grant covers and that passed every
    /// check are recorded ([`Self::prepare_access`]). If any of them carries a fee, nothing is
    /// sent: [`SdkError::FeeCapRequired`] carries the quote, and
    /// [`Self::record_access_within`] pays it within a cap the recruiter names.
    pub async fn record_access(&self, grant: &Pubkey, report: &Report) -> Result<Sent, SdkError> {
        self.record_access_within(grant, report, None).await
    }

    /// [`Self::record_access`], paying the fees due within `cap` (`None`: only when nothing is
    /// due) from the recruiter's associated token account for the cap's mint. Nothing is sent
    /// when fees are due without a cap ([`SdkError::FeeCapRequired`]), in another mint than the
    /// cap's ([`SdkError::FeeMintMismatch`]) or above it ([`SdkError::FeeAboveCap`]). The
    /// instruction names the cap's mint and, as its maximum, the total quoted just before
    /// sending, so a fee raised in between is refused by the program, not charged.
    pub async fn record_access_within(
        &self,
        grant: &Pubkey,
        report: &Report,
        cap: Option<FeeCap>,
    ) -> Result<Sent, SdkError> {
        let prepared = self.prepare_access(grant, report).await?;
        self.send_access(&prepared, cap).await
    }

    /// Reads what recording `report` under `grant` involves, sending nothing (three reads: the
    /// grant, the credentials, their schemas):
    ///
    /// - the credentials recorded: those of the grant that the report names and that passed
    ///   every check ([`Report::credential_passed`]); one that failed any check, above all
    ///   [`CheckKind::RegistryTrusted`](crate::verify::CheckKind) or `IssuerAccredited`, is
    ///   left out, so its schema's fee is never quoted or paid;
    /// - the outcome: [`AccessOutcome::Verified`] only when the report passed strictly
    ///   ([`Report::passed_strict`]), otherwise [`AccessOutcome::Failed`];
    /// - the fees due now for the recorded credentials.
    ///
    /// [`SdkError::NothingVerified`] when the report names some of the grant's credentials but
    /// none passed.
    pub async fn prepare_access(
        &self,
        grant: &Pubkey,
        report: &Report,
    ) -> Result<PreparedAccess, SdkError> {
        let grant_account: Grant = fetch(self.transport, grant).await?;
        let mut mask = 0u16;
        let mut left_out = Vec::new();
        for (i, reference) in grant_account.credentials.iter().enumerate() {
            let CredentialRef::Account { address } = reference else {
                continue;
            };
            let key = address.to_string();
            let named = report
                .checks
                .iter()
                .any(|c| c.credential.as_deref() == Some(key.as_str()));
            if !named {
                continue;
            }
            if report.credential_passed(address) {
                mask |= 1 << i;
            } else {
                left_out.push(*address);
            }
        }
        if mask == 0 {
            return Err(if left_out.is_empty() {
                SdkError::Invalid("the report names none of the grant's credentials".into())
            } else {
                SdkError::NothingVerified { grant: *grant }
            });
        }
        let outcome = if report.passed_strict() {
            AccessOutcome::Verified
        } else {
            AccessOutcome::Failed
        };
        let quote = self.quote(&grant_account, mask).await?;
        Ok(PreparedAccess {
            grant: *grant,
            mask,
            left_out,
            outcome,
            quote,
        })
    }

    /// Sends a prepared `record_access`, paying the fees quoted in `prepared` within `cap`
    /// (`None`: only when nothing is due). Refused before sending as
    /// [`Self::record_access_within`] says ([`FeeQuote::check_cap`]).
    pub async fn send_access(
        &self,
        prepared: &PreparedAccess,
        cap: Option<FeeCap>,
    ) -> Result<Sent, SdkError> {
        let quote = &prepared.quote;
        quote.check_cap(cap.as_ref())?;
        let payment = match (quote.mint, cap) {
            (Some(_), Some(cap)) => Some(FeePayment {
                payer: pda::token_account(&self.pubkey(), &cap.mint),
                // The recruiter's mint: the program requires every fee to be in it.
                mint: cap.mint,
                // At most what was just quoted (itself within the cap).
                max_fee: quote.total,
            }),
            _ => None,
        };
        self.transport
            .send(
                &[cix::record_paid_access(
                    &self.pubkey(),
                    &prepared.grant,
                    prepared.mask,
                    prepared.outcome,
                    &quote.accessed,
                    payment,
                )],
                self.keypair,
                &[],
            )
            .await
    }

    /// The recruiter's balance of `mint`, in base units (its associated token account).
    pub async fn token_balance(&self, mint: &Pubkey) -> Result<u64, SdkError> {
        token_balance(self.transport, &pda::token_account(&self.pubkey(), mint)).await
    }
}

/// An SPL Token mint the caller controls: a demo stablecoin, or a test's fee token.
pub struct TokenMint<'a> {
    transport: &'a Transport,
    authority: &'a Keypair,
    /// The mint's address.
    pub mint: Pubkey,
    /// Its decimals.
    pub decimals: u8,
}

impl<'a> TokenMint<'a> {
    /// Creates a mint at `mint`'s address with `authority` as mint authority (who pays).
    pub async fn create(
        transport: &'a Transport,
        authority: &'a Keypair,
        mint: &Keypair,
        decimals: u8,
    ) -> Result<TokenMint<'a>, SdkError> {
        let rent = transport.minimum_balance(tix::MINT_SIZE as usize).await?;
        let ixs = tix::create_mint(
            &authority.pubkey(),
            &mint.pubkey(),
            &authority.pubkey(),
            decimals,
            rent,
        )?;
        transport.send(&ixs, authority, &[mint]).await?;
        Ok(Self::at(transport, authority, mint.pubkey(), decimals))
    }

    /// An existing mint whose authority is `authority`.
    pub fn at(
        transport: &'a Transport,
        authority: &'a Keypair,
        mint: Pubkey,
        decimals: u8,
    ) -> Self {
        Self {
            transport,
            authority,
            mint,
            decimals,
        }
    }

    /// Reads an existing mint's decimals.
    pub async fn open(
        transport: &'a Transport,
        authority: &'a Keypair,
        mint: Pubkey,
    ) -> Result<TokenMint<'a>, SdkError> {
        let account: Mint = fetch(transport, &mint).await?;
        Ok(Self::at(transport, authority, mint, account.decimals))
    }

    /// Mints `amount` base units to `owner`'s associated token account, creating it if missing.
    /// Returns that token account.
    pub async fn mint_to(&self, owner: &Pubkey, amount: u64) -> Result<Pubkey, SdkError> {
        let payer = self.authority.pubkey();
        let ixs = [
            tix::create_token_account(&payer, owner, &self.mint),
            tix::mint_to(&self.mint, owner, &payer, amount, self.decimals)?,
        ];
        self.transport.send(&ixs, self.authority, &[]).await?;
        Ok(pda::token_account(owner, &self.mint))
    }

    /// Creates `owner`'s associated token account for the mint if missing (the authority pays).
    pub async fn open_account(&self, owner: &Pubkey) -> Result<Pubkey, SdkError> {
        self.transport
            .send(
                &[tix::create_token_account(
                    &self.authority.pubkey(),
                    owner,
                    &self.mint,
                )],
                self.authority,
                &[],
            )
            .await?;
        Ok(pda::token_account(owner, &self.mint))
    }

    /// `owner`'s balance, in base units.
    pub async fn balance(&self, owner: &Pubkey) -> Result<u64, SdkError> {
        token_balance(self.transport, &pda::token_account(owner, &self.mint)).await
    }
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
