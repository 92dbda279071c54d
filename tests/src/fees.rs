//! A fee token on the test chain: a real SPL Token mint, token accounts and balances, and a
//! scenario whose schema charges a fee.

use anchor_lang::AccountDeserialize;
use anchor_spl::token::TokenAccount;
use credence_sdk::{
    ix::{registry as rix, token as tix},
    pda,
};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{chain::TestChain, scenario::Scenario};

/// Decimals of the test stablecoin.
pub const DECIMALS: u8 = 6;
/// The fee the scenario's schema charges: 2.50 tokens.
pub const FEE: u64 = 2_500_000;

/// An SPL Token mint made on the test chain, with its authority.
pub struct FeeToken {
    /// The mint.
    pub mint: Pubkey,
    /// Its mint authority.
    pub authority: Keypair,
}

impl FeeToken {
    /// Creates a mint with [`DECIMALS`] through the real SPL Token program.
    pub async fn create(chain: &mut TestChain) -> Self {
        let authority = chain.actor().await;
        let mint = Keypair::new();
        let rent = chain.rent().await.minimum_balance(tix::MINT_SIZE as usize);
        let ixs = tix::create_mint(
            &authority.pubkey(),
            &mint.pubkey(),
            &authority.pubkey(),
            DECIMALS,
            rent,
        )
        .expect("mint instructions");
        chain.send_ok(&ixs, &[&authority, &mint]).await;
        Self {
            mint: mint.pubkey(),
            authority,
        }
    }

    /// `owner`'s associated token account, created if missing, holding `amount` more tokens.
    pub async fn fund(&self, chain: &mut TestChain, owner: &Pubkey, amount: u64) -> Pubkey {
        let mut ixs = vec![tix::create_token_account(
            &self.authority.pubkey(),
            owner,
            &self.mint,
        )];
        if amount > 0 {
            ixs.push(
                tix::mint_to(
                    &self.mint,
                    owner,
                    &self.authority.pubkey(),
                    amount,
                    DECIMALS,
                )
                .expect("mint_to"),
            );
        }
        chain.send_ok(&ixs, &[&self.authority]).await;
        pda::token_account(owner, &self.mint)
    }
}

/// The tokens in the token account `address` (0 if it does not exist).
pub async fn token_balance(chain: &mut TestChain, address: &Pubkey) -> u64 {
    match chain.raw_account(address).await {
        Some(account) => {
            TokenAccount::try_deserialize(&mut account.data.as_slice())
                .expect("a token account")
                .amount
        }
        None => 0,
    }
}

/// A scenario whose schema charges [`FEE`] into the issuer authority's treasury, with the
/// recruiter holding `recruiter_tokens`.
pub struct FeeSetup {
    /// The fee token.
    pub token: FeeToken,
    /// The issuer's treasury (a token account of the mint).
    pub treasury: Pubkey,
    /// The recruiter's token account.
    pub payer: Pubkey,
}

impl Scenario {
    /// Sets [`FEE`] on the scenario's schema and funds the recruiter with `recruiter_tokens`.
    pub async fn with_fee(&mut self, recruiter_tokens: u64) -> FeeSetup {
        let token = FeeToken::create(&mut self.chain).await;
        let authority = self.issuer_authority.pubkey();
        let treasury = token.fund(&mut self.chain, &authority, 0).await;
        let recruiter = self.recruiter.pubkey();
        let payer = token
            .fund(&mut self.chain, &recruiter, recruiter_tokens)
            .await;
        let ix = rix::set_schema_fee(
            &authority,
            &self.issuer,
            &self.schema,
            &token.mint,
            &treasury,
            FEE,
        );
        let signer = self.issuer_authority.insecure_clone();
        self.chain.send_ok(&[ix], &[&signer]).await;
        FeeSetup {
            token,
            treasury,
            payer,
        }
    }
}
