//! Support for the adversarial, property and malformed-data tests (`tests/attacks.rs`,
//! `tests/properties.rs`, `tests/malformed.rs`): sending on the latest blockhash without waiting
//! for a new one, snapshots of accounts to prove a refusal changed nothing, forged accounts and
//! non-canonical program addresses.

use std::{
    collections::BTreeSet,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use anchor_lang::AccountSerialize;
use solana_account::{Account, AccountSharedData};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_rent::Rent;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

use crate::chain::{Outcome, TestChain};

/// The compute-budget program (its instructions make otherwise identical transactions unique).
pub const COMPUTE_BUDGET_ID: Pubkey = solana_sdk_ids::compute_budget::ID;
/// The sysvar program, owner of every sysvar account.
pub const SYSVAR_OWNER_ID: Pubkey = solana_sdk_ids::sysvar::ID;
/// The Clock sysvar's address.
pub const CLOCK_SYSVAR_ID: Pubkey = solana_sdk_ids::sysvar::clock::ID;

static NONCE: AtomicU32 = AtomicU32::new(0);

/// A `SetComputeUnitLimit` instruction whose limit differs from the previous call's, so that two
/// transactions with the same instructions on the same blockhash still have distinct signatures.
pub fn unique_budget_instruction() -> Instruction {
    let n = NONCE.fetch_add(1, Ordering::Relaxed);
    let limit: u32 = 1_000_000 + n % 400_000;
    let mut data = vec![2u8];
    data.extend_from_slice(&limit.to_le_bytes());
    Instruction {
        program_id: COMPUTE_BUDGET_ID,
        accounts: vec![],
        data,
    }
}

/// Like [`TestChain::send`], but on the latest blockhash without waiting for a new one (the
/// embedded chain registers one every 400 ms): a leading compute-budget instruction keeps each
/// transaction unique. The program's instructions keep their order; failing instruction indices
/// are shifted by one.
pub async fn send_fast(
    chain: &mut TestChain,
    instructions: &[Instruction],
    signers: &[&Keypair],
) -> Outcome {
    // The embedded chain very rarely answers `BlockhashNotFound` for a blockhash it has just
    // handed out (seen about once in a few thousand transactions on a loaded machine). Such a
    // transaction is refused before execution, so it is signed again on the next blockhash.
    for _ in 0..5 {
        let outcome = send_fast_once(chain, instructions, signers).await;
        if outcome.result != Err(TransactionError::BlockhashNotFound) {
            return outcome;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    send_fast_once(chain, instructions, signers).await
}

async fn send_fast_once(
    chain: &mut TestChain,
    instructions: &[Instruction],
    signers: &[&Keypair],
) -> Outcome {
    let blockhash = chain
        .ctx
        .banks_client
        .get_latest_blockhash()
        .await
        .expect("the banks server is reachable");
    let mut all: Vec<&Keypair> = vec![&chain.ctx.payer];
    for signer in signers {
        if !all.iter().any(|k| k.pubkey() == signer.pubkey()) {
            all.push(signer);
        }
    }
    let mut ixs = Vec::with_capacity(instructions.len() + 1);
    ixs.push(unique_budget_instruction());
    ixs.extend_from_slice(instructions);
    let tx =
        Transaction::new_signed_with_payer(&ixs, Some(&chain.ctx.payer.pubkey()), &all, blockhash);
    let processed = tokio::time::timeout(
        Duration::from_secs(30),
        chain.ctx.banks_client.process_transaction_with_metadata(tx),
    )
    .await
    .expect("the embedded chain answers within 30 s")
    .expect("the banks server is reachable");
    Outcome {
        result: processed.result,
        logs: processed
            .metadata
            .map(|m| m.log_messages)
            .unwrap_or_default(),
    }
}

/// [`send_fast`], panicking (with the logs) unless the transaction lands.
pub async fn send_fast_ok(
    chain: &mut TestChain,
    instructions: &[Instruction],
    signers: &[&Keypair],
) -> Outcome {
    let outcome = send_fast(chain, instructions, signers).await;
    if let Err(err) = &outcome.result {
        panic!("transaction failed: {err}\n{}", outcome.logs.join("\n"));
    }
    outcome
}

/// Funds every key in `to` with `lamports` from the chain's payer, in one transaction.
pub async fn fund_all(chain: &mut TestChain, to: &[Pubkey], lamports: u64) {
    let payer = chain.payer();
    let ixs: Vec<Instruction> = to
        .iter()
        .map(|key| anchor_lang::solana_program::system_instruction::transfer(&payer, key, lamports))
        .collect();
    send_fast_ok(chain, &ixs, &[]).await;
}

/// What a refusal must leave untouched in an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountState {
    /// Its lamports.
    pub lamports: u64,
    /// Its owner.
    pub owner: Pubkey,
    /// Its data.
    pub data: Vec<u8>,
    /// Whether it is a program.
    pub executable: bool,
}

impl From<Account> for AccountState {
    fn from(account: Account) -> Self {
        Self {
            lamports: account.lamports,
            owner: account.owner,
            data: account.data,
            executable: account.executable,
        }
    }
}

/// The state of a set of accounts at one moment (`None`: no account there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot(pub Vec<(Pubkey, Option<AccountState>)>);

/// The state of `addresses` (deduplicated; the chain's fee payer, whose balance pays every fee,
/// is left out).
pub async fn snapshot(chain: &mut TestChain, addresses: &[Pubkey]) -> Snapshot {
    let payer = chain.payer();
    let unique: BTreeSet<Pubkey> = addresses.iter().copied().filter(|a| *a != payer).collect();
    let mut states = Vec::with_capacity(unique.len());
    for address in unique {
        let state = chain.raw_account(&address).await.map(AccountState::from);
        states.push((address, state));
    }
    Snapshot(states)
}

impl Snapshot {
    /// The addresses covered.
    pub fn addresses(&self) -> Vec<Pubkey> {
        self.0.iter().map(|(address, _)| *address).collect()
    }

    /// Panics, naming the account, unless every account is exactly as it was.
    pub async fn assert_unchanged(&self, chain: &mut TestChain, context: &str) {
        let now = snapshot(chain, &self.addresses()).await;
        for ((address, before), (_, after)) in self.0.iter().zip(now.0.iter()) {
            assert_eq!(
                before, after,
                "{context}: account {address} changed although the transaction was refused"
            );
        }
    }
}

/// Every account named by `instructions`.
pub fn accounts_of(instructions: &[Instruction]) -> Vec<Pubkey> {
    instructions
        .iter()
        .flat_map(|ix| ix.accounts.iter().map(|meta| meta.pubkey))
        .collect()
}

/// Writes an account directly into the bank, as another program could have created it: `owner`
/// owns it, it holds `data` and is rent-exempt.
pub fn forge_account(chain: &mut TestChain, address: &Pubkey, owner: &Pubkey, data: Vec<u8>) {
    let lamports = Rent::default().minimum_balance(data.len());
    let account = Account {
        lamports,
        data,
        owner: *owner,
        executable: false,
        rent_epoch: 0,
    };
    chain
        .ctx
        .set_account(address, &AccountSharedData::from(account));
}

/// `value` serialised as an Anchor account (discriminator and fields), zero-padded to `space`.
pub fn anchor_bytes<T: AccountSerialize>(value: &T, space: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(space);
    value
        .try_serialize(&mut data)
        .expect("the account serialises");
    assert!(data.len() <= space, "{} bytes exceed {space}", data.len());
    data.resize(space, 0);
    data
}

/// An address derived from `seeds` with the highest bump below the canonical one that still
/// lies off the curve: a valid program address that is not the canonical one.
pub fn non_canonical_pda(seeds: &[&[u8]], program_id: &Pubkey) -> (Pubkey, u8) {
    let (_, canonical) = Pubkey::find_program_address(seeds, program_id);
    for bump in (0..canonical).rev() {
        let bump_seed = [bump];
        let mut with_bump: Vec<&[u8]> = seeds.to_vec();
        with_bump.push(&bump_seed);
        if let Ok(address) = Pubkey::create_program_address(&with_bump, program_id) {
            return (address, bump);
        }
    }
    panic!("no non-canonical bump below {canonical}");
}

/// The bytes of a Clock sysvar (bincode layout) with the given unix time, for a fake clock.
pub fn clock_bytes(unix_timestamp: i64) -> Vec<u8> {
    let mut data = Vec::with_capacity(40);
    data.extend_from_slice(&1u64.to_le_bytes()); // slot
    data.extend_from_slice(&0i64.to_le_bytes()); // epoch_start_timestamp
    data.extend_from_slice(&0u64.to_le_bytes()); // epoch
    data.extend_from_slice(&0u64.to_le_bytes()); // leader_schedule_epoch
    data.extend_from_slice(&unix_timestamp.to_le_bytes());
    data
}
