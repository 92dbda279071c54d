//! Builders for the SPL Token and Associated Token Account instructions fees need: a fee mint,
//! token accounts, and minting (for a demo stablecoin or tests). They build instructions for the
//! real SPL programs the runtime loads; nothing here is simulated.

use anchor_lang::{
    prelude::Pubkey,
    solana_program::{instruction::Instruction, system_instruction},
};
use anchor_spl::{
    associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent,
    token::spl_token::{self, instruction as token_ix},
};

use crate::{SdkError, pda};

/// Size of an SPL Token mint account.
pub const MINT_SIZE: u64 = 82;

/// Creates the mint account `mint` (rent `rent_lamports`, paid by `payer`) and initialises it
/// with `decimals` and `authority` as mint authority. `mint` must sign.
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    rent_lamports: u64,
) -> Result<Vec<Instruction>, SdkError> {
    Ok(vec![
        system_instruction::create_account(payer, mint, rent_lamports, MINT_SIZE, &spl_token::ID),
        token_ix::initialize_mint2(&spl_token::ID, mint, authority, None, decimals).map_err(
            |e| SdkError::Instruction {
                instruction: "initialize_mint2",
                detail: e.to_string(),
            },
        )?,
    ])
}

/// Creates `owner`'s associated token account for `mint` if it does not exist (`payer` pays).
pub fn create_token_account(payer: &Pubkey, owner: &Pubkey, mint: &Pubkey) -> Instruction {
    create_associated_token_account_idempotent(payer, owner, mint, &spl_token::ID)
}

/// Mints `amount` base units of `mint` into `owner`'s associated token account; `authority`
/// (the mint authority) signs.
pub fn mint_to(
    mint: &Pubkey,
    owner: &Pubkey,
    authority: &Pubkey,
    amount: u64,
    decimals: u8,
) -> Result<Instruction, SdkError> {
    token_ix::mint_to_checked(
        &spl_token::ID,
        mint,
        &pda::token_account(owner, mint),
        authority,
        &[],
        amount,
        decimals,
    )
    .map_err(|e| SdkError::Instruction {
        instruction: "mint_to_checked",
        detail: e.to_string(),
    })
}
