//! An SPL Token mint the caller controls: the demo's stablecoin, or a test's fee token. Not a
//! role: issuers and recruiters use whatever mint their fees are in; this makes one on any
//! cluster where the caller can pay for it.

use anchor_spl::token::Mint;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    accounts::fetch, error::SdkError, fees::token_balance, ix::token as tix, pda,
    transport::Transport,
};

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
