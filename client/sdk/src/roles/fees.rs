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

/// What recording an access over some credentials will cost, read from their schemas now.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FeeQuote {
    /// The fee mint, when any fee is due.
    pub mint: Option<String>,
    /// The total due, in the mint's base units.
    pub total: u64,
    /// The mint's decimals (0 when no fee is due).
    pub decimals: u8,
    /// Each fee due: (credential, schema, treasury, amount).
    pub items: Vec<(String, String, String, u64)>,
    /// The accounts `record_access` needs, in order.
    #[serde(skip)]
    pub accessed: Vec<Accessed>,
}

/// A `record_access` read and ready to send (see [`Recruiter::prepare_access`]).
#[derive(Clone, Debug)]
pub struct PreparedAccess {
    /// The grant.
    pub grant: Pubkey,
    /// Which of the grant's credentials the report names (bit `i`: `grant.credentials[i]`).
    pub mask: u16,
    /// The report's outcome.
    pub outcome: AccessOutcome,
    /// The fees due now, with the accounts the instruction needs.
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
            credentials.push((*address, credential.schema));
        }
        let schema_keys: Vec<Pubkey> = credentials.iter().map(|(_, schema)| *schema).collect();
        let schemas = self.transport.accounts(&schema_keys).await?;
        let mut quote = FeeQuote::default();
        let mut mint: Option<Pubkey> = None;
        for ((credential, schema_key), account) in credentials.iter().zip(&schemas) {
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
                quote.items.push((
                    credential.to_string(),
                    schema_key.to_string(),
                    fee.treasury.to_string(),
                    fee.amount,
                ));
            }
            quote.accessed.push(Accessed {
                credential: *credential,
                schema: *schema_key,
                treasury,
            });
        }
        quote.mint = mint.map(|m| m.to_string());
        Ok(quote)
    }

    /// Records a verification under a grant: the candidate sees it in her audit trail. The
    /// credentials named are those of `report` that the grant covers; the outcome is the
    /// report's. Any fee due is paid at most as quoted just before sending, so a fee raised in
    /// between is refused, not charged.
    pub async fn record_access(&self, grant: &Pubkey, report: &Report) -> Result<Sent, SdkError> {
        self.record_access_within(grant, report, None).await
    }

    /// [`Self::record_access`] with the most the recruiter will pay in fees (`None`: the fees
    /// quoted now). Fees come from the recruiter's associated token account for the fee mint.
    pub async fn record_access_within(
        &self,
        grant: &Pubkey,
        report: &Report,
        max_fee: Option<u64>,
    ) -> Result<Sent, SdkError> {
        let prepared = self.prepare_access(grant, report).await?;
        self.send_access(&prepared, max_fee).await
    }

    /// Reads what recording `report` under `grant` involves: which of the grant's credentials
    /// the report names, its outcome, and the fees due now (three reads: the grant, the
    /// credentials, their schemas). Nothing is sent.
    pub async fn prepare_access(
        &self,
        grant: &Pubkey,
        report: &Report,
    ) -> Result<PreparedAccess, SdkError> {
        let grant_account: Grant = fetch(self.transport, grant).await?;
        let mut mask = 0u16;
        for (i, reference) in grant_account.credentials.iter().enumerate() {
            if let CredentialRef::Account { address } = reference {
                let key = address.to_string();
                if report
                    .checks
                    .iter()
                    .any(|c| c.credential.as_deref() == Some(key.as_str()))
                {
                    mask |= 1 << i;
                }
            }
        }
        if mask == 0 {
            return Err(SdkError::Invalid(
                "the report names none of the grant's credentials".into(),
            ));
        }
        let outcome = if report.passed() {
            AccessOutcome::Verified
        } else {
            AccessOutcome::Failed
        };
        let quote = self.quote(&grant_account, mask).await?;
        Ok(PreparedAccess {
            grant: *grant,
            mask,
            outcome,
            quote,
        })
    }

    /// Sends a prepared `record_access`, paying at most `max_fee` (`None`: the fees quoted in
    /// `prepared`).
    pub async fn send_access(
        &self,
        prepared: &PreparedAccess,
        max_fee: Option<u64>,
    ) -> Result<Sent, SdkError> {
        let quote = &prepared.quote;
        let payment = match &quote.mint {
            None => None,
            Some(mint) => {
                let mint: Pubkey = mint
                    .parse()
                    .map_err(|_| SdkError::Invalid("bad mint in quote".into()))?;
                Some(FeePayment {
                    payer: pda::token_account(&self.pubkey(), &mint),
                    mint,
                    max_fee: max_fee.unwrap_or(quote.total),
                })
            }
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
}
