//! The embedded chain: the real Solana runtime in-process (`solana-program-test`), with both
//! Credence programs compiled natively and registered as builtins.
//!
//! Banks (the runtime's in-process client) has no `getProgramAccounts` and no transaction
//! history. The chain keeps both for what it processed: every account a transaction named is
//! indexed, and every transaction's logs are kept by signature and by account, like an RPC node
//! with history enabled. Genesis accounts that no transaction touched are not indexed; none of
//! them is a Credence account.
//!
//! A `getProgramAccounts` scan serves from a mirror of the indexed accounts, the way an RPC node
//! serves from its accounts index: an account changes only in a transaction that names it, so
//! each transaction marks the accounts it named as stale, and a scan first re-reads from the
//! bank only those (one banks request each, [`ACCOUNTS_IN_FLIGHT`] at a time), then filters the
//! mirror in memory. Repeated scans (pool searches, listings by subject) read nothing from the
//! bank, and reads of accounts the mirror holds fresh (the credentials a pool search verifies)
//! are served from it too. Sysvar accounts, which change without a transaction, are never
//! mirrored.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::Mutex,
    time::Duration,
};

use solana_account::Account;
use solana_clock::Clock;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_program_test::{
    BanksClient, ProgramTest, ProgramTestBanksClientExt, ProgramTestContext, processor,
};
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

use super::{
    Memcmp, Sent,
    runtime::{consent_entry, install_stub_forwarders, registry_entry},
};
use crate::error::SdkError;

/// How long one transaction may take on the embedded chain before we call it stuck.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct History {
    transactions: HashMap<Signature, super::TransactionRecord>,
    /// Per address, its transactions oldest first, with each signature's position in that list.
    by_address: HashMap<Pubkey, AddressLog>,
    index: BTreeSet<Pubkey>,
    /// The indexed accounts as last read from the bank (absent: closed or never existed).
    mirror: HashMap<Pubkey, Account>,
    /// Accounts named by a transaction since the mirror last read them.
    stale: HashSet<Pubkey>,
    /// Whether log messages are left out of the history (see
    /// [`EmbeddedChain::set_history_logs`]).
    without_logs: bool,
}

#[derive(Default)]
struct AddressLog {
    signatures: Vec<Signature>,
    position: HashMap<Signature, usize>,
}

/// How long the embedded chain signs on one blockhash before fetching a newer one (it stays
/// valid for 150 slots, about a minute; a transaction identical to one already processed on it
/// is signed again on a newer one).
const BLOCKHASH_REUSE: Duration = Duration::from_secs(5);

/// Account reads the embedded chain keeps in flight at once (see [`EmbeddedChain::accounts`]).
pub const ACCOUNTS_IN_FLIGHT: usize = 32;

/// What the chain tells its watchers ([`EmbeddedChain::subscribe`]).
#[derive(Clone, Debug)]
pub enum Landed {
    /// A transaction landed; these are the accounts it named.
    Transaction(Vec<Pubkey>),
    /// The chain's clock was moved.
    Clock,
}

/// Notices a slow watcher may fall behind by before it is told to read everything again.
const LANDED_BACKLOG: usize = 65_536;

/// The real runtime in-process, with both programs.
pub struct EmbeddedChain {
    /// Watchers of landed transactions.
    landed: tokio::sync::broadcast::Sender<Landed>,
    context: tokio::sync::Mutex<ProgramTestContext>,
    banks: BanksClient,
    /// The blockhash transactions are signed on, and when it was fetched.
    blockhash: Mutex<Option<(solana_hash::Hash, std::time::Instant)>>,
    faucet: Keypair,
    history: Mutex<History>,
}

/// A [`ProgramTest`] with both Credence programs registered as native builtins.
pub fn program_test() -> ProgramTest {
    let mut program_test = ProgramTest::default();
    program_test.prefer_bpf(false);
    program_test.add_program(
        "credence_registry",
        credence_registry::ID,
        processor!(registry_entry),
    );
    program_test.add_program(
        "credence_consent",
        credence_consent::ID,
        processor!(consent_entry),
    );
    program_test
}

impl EmbeddedChain {
    /// Starts a fresh chain.
    pub async fn start() -> Self {
        Self::from_program_test(program_test()).await
    }

    /// Starts a chain from a prepared [`ProgramTest`] (for example with extra accounts).
    pub async fn from_program_test(program_test: ProgramTest) -> Self {
        let context = program_test.start_with_context().await;
        install_stub_forwarders();
        Self {
            landed: tokio::sync::broadcast::channel(LANDED_BACKLOG).0,
            banks: context.banks_client.clone(),
            blockhash: Mutex::new(None),
            faucet: context.payer.insecure_clone(),
            context: tokio::sync::Mutex::new(context),
            history: Mutex::new(History::default()),
        }
    }

    /// Signs and processes a transaction; records its logs and indexes its accounts.
    pub async fn send(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, SdkError> {
        let mut banks = self.banks.clone();
        let cached = *self.blockhash.lock().expect("blockhash lock");
        let mut blockhash = match cached {
            Some((hash, at)) if at.elapsed() < BLOCKHASH_REUSE => hash,
            _ => {
                let hash = banks
                    .get_latest_blockhash()
                    .await
                    .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))?;
                *self.blockhash.lock().expect("blockhash lock") =
                    Some((hash, std::time::Instant::now()));
                hash
            }
        };
        let mut fresh_blockhash_taken = false;
        let (signature, keys, processed) = loop {
            let tx = super::sign(instructions, payer, signers, blockhash)?;
            let signature = tx.signatures[0];
            let keys = tx.message.account_keys.clone();
            let processed =
                tokio::time::timeout(PROCESS_TIMEOUT, banks.process_transaction_with_metadata(tx))
                    .await
                    .map_err(|_| SdkError::ConfirmationTimeout {
                        signature,
                        seconds: PROCESS_TIMEOUT.as_secs(),
                    })?
                    .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))?;
            // The same instructions sent again within one blockhash sign to the very same
            // transaction (for example suspend, reinstate, suspend): the runtime takes it for a
            // replay. This is a new request, so sign it again on the next blockhash.
            // A kept blockhash may also have left the bank's queue (the chain's clock or slot
            // was moved on): sign again on the latest.
            let expired = matches!(processed.result, Err(TransactionError::BlockhashNotFound));
            if (expired || matches!(processed.result, Err(TransactionError::AlreadyProcessed)))
                && !fresh_blockhash_taken
            {
                fresh_blockhash_taken = true;
                blockhash = if expired {
                    banks
                        .get_latest_blockhash()
                        .await
                        .map_err(|e| e.to_string())
                } else {
                    banks
                        .get_new_latest_blockhash(&blockhash)
                        .await
                        .map_err(|e| e.to_string())
                }
                .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))?;
                *self.blockhash.lock().expect("blockhash lock") =
                    Some((blockhash, std::time::Instant::now()));
                continue;
            }
            break (signature, keys, processed);
        };
        let logs = processed
            .metadata
            .map(|m| m.log_messages)
            .unwrap_or_default();
        let mut history = self.history.lock().expect("history lock");
        // Even a refused transaction charged its fee payer.
        history.stale.extend(keys.iter().copied());
        if let Err(err) = processed.result {
            drop(history);
            let programs: Vec<Pubkey> = instructions.iter().map(|ix| ix.program_id).collect();
            return Err(SdkError::from_transaction_error(err, &programs));
        }
        for key in &keys {
            history.index.insert(*key);
            let log = history.by_address.entry(*key).or_default();
            log.position.insert(signature, log.signatures.len());
            log.signatures.push(signature);
        }
        let kept_logs = if history.without_logs {
            Vec::new()
        } else {
            logs.clone()
        };
        history.transactions.insert(
            signature,
            super::TransactionRecord {
                logs: kept_logs,
                instructions: instructions.to_vec(),
                block_time: None,
            },
        );
        drop(history);
        // No watcher is not an error.
        let _ = self.landed.send(Landed::Transaction(keys));
        Ok(Sent {
            signature,
            logs: Some(logs),
        })
    }

    /// Many accounts, in order, as the bank holds them now. One the mirror holds and no
    /// transaction named since it was read is served from the mirror (see the module's
    /// documentation); the others are read from the bank, one banks request each, up to
    /// [`ACCOUNTS_IN_FLIGHT`] in flight at once.
    pub async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, SdkError> {
        let mut out: Vec<Option<Account>> = vec![None; addresses.len()];
        let mut from_bank: Vec<usize> = Vec::new();
        {
            let history = self.history.lock().expect("history lock");
            for (i, address) in addresses.iter().enumerate() {
                match history.mirror.get(address) {
                    Some(account) if !history.stale.contains(address) => {
                        out[i] = Some(account.clone());
                    }
                    _ => from_bank.push(i),
                }
            }
        }
        let wanted: Vec<Pubkey> = from_bank.iter().map(|&i| addresses[i]).collect();
        for (i, account) in from_bank
            .into_iter()
            .zip(self.bank_accounts(&wanted).await?)
        {
            out[i] = account;
        }
        Ok(out)
    }

    /// Many accounts, in order, each read from the bank (one banks request each, up to
    /// [`ACCOUNTS_IN_FLIGHT`] in flight at once).
    async fn bank_accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, SdkError> {
        let mut out: Vec<Option<Account>> = vec![None; addresses.len()];
        let mut tasks = tokio::task::JoinSet::new();
        let mut next = 0;
        loop {
            while tasks.len() < ACCOUNTS_IN_FLIGHT && next < addresses.len() {
                let (index, address, banks) = (next, addresses[next], self.banks.clone());
                tasks.spawn(async move { (index, banks.get_account(address).await) });
                next += 1;
            }
            let Some(done) = tasks.join_next().await else {
                break;
            };
            let (index, account) =
                done.map_err(|e| SdkError::Rpc(format!("embedded chain: a read failed: {e}")))?;
            out[index] = account.map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))?;
        }
        Ok(out)
    }

    /// Many accounts, in order, with the slot of the bank they were read from (read before and
    /// after: a transaction landing meanwhile makes the read again, at most three times).
    pub async fn accounts_at(&self, addresses: &[Pubkey]) -> Result<super::AccountsAt, SdkError> {
        let slot = || async {
            self.banks
                .clone()
                .get_root_slot()
                .await
                .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let before = slot().await?;
            let accounts = self.accounts(addresses).await?;
            if slot().await? == before || attempts == 3 {
                return Ok(super::AccountsAt {
                    slot: before,
                    // One read of the chain, as one batch request would be over JSON-RPC.
                    round_trips: u32::from(!addresses.is_empty()),
                    accounts,
                });
            }
        }
    }

    /// Every indexed account of `program` matching `filters`, as the bank holds it now: the
    /// accounts named by a transaction since the last scan are read again from the bank, the
    /// rest come from the mirror (see the module's documentation).
    pub async fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, SdkError> {
        let stale: Vec<Pubkey> = {
            let mut history = self.history.lock().expect("history lock");
            let stale = std::mem::take(&mut history.stale);
            // Out of the mirror until read again, so that `accounts` meanwhile reads them from
            // the bank rather than serving what a landed transaction changed.
            for address in &stale {
                history.mirror.remove(address);
            }
            stale
                .into_iter()
                .filter(|k| history.index.contains(k))
                .collect()
        };
        let fresh = match self.bank_accounts(&stale).await {
            Ok(fresh) => fresh,
            Err(err) => {
                // Nothing read is lost: those accounts stay stale for the next scan.
                self.history
                    .lock()
                    .expect("history lock")
                    .stale
                    .extend(stale);
                return Err(err);
            }
        };
        let mut history = self.history.lock().expect("history lock");
        for (address, account) in stale.into_iter().zip(fresh) {
            match account {
                Some(account) if account.owner != solana_sdk_ids::sysvar::ID => {
                    history.mirror.insert(address, account);
                }
                _ => {
                    history.mirror.remove(&address);
                }
            }
        }
        let mut matching: Vec<(Pubkey, Account)> = history
            .mirror
            .iter()
            .filter(|(_, account)| {
                account.owner == *program && filters.iter().all(|f| f.matches(&account.data))
            })
            .map(|(address, account)| (*address, account.clone()))
            .collect();
        // In address order, as the index lists them.
        matching.sort_unstable_by_key(|(address, _)| *address);
        Ok(matching)
    }

    /// One page of the transactions that named `address`, newest first, the way
    /// `getSignaturesForAddress` pages: up to `limit` transactions older than `before` (the
    /// newest when `None`). The chain keeps every transaction, but hands them out only in pages,
    /// so callers page here exactly as they must over RPC. Only landed (successful) transactions
    /// are kept: a refused one comes back to its sender as an error.
    pub fn signatures_page(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        limit: usize,
    ) -> Result<Vec<super::SignatureInfo>, SdkError> {
        let limit = limit.min(super::MAX_SIGNATURES_PAGE);
        let history = self.history.lock().expect("history lock");
        let Some(log) = history.by_address.get(address) else {
            return match before {
                Some(before) if !history.transactions.contains_key(before) => {
                    Err(SdkError::TransactionNotFound(*before))
                }
                _ => Ok(Vec::new()),
            };
        };
        let end = match before {
            None => log.signatures.len(),
            Some(before) => match log.position.get(before) {
                Some(&position) => position,
                None => return Err(SdkError::TransactionNotFound(*before)),
            },
        };
        Ok(log.signatures[end.saturating_sub(limit)..end]
            .iter()
            .rev()
            .map(|signature| super::SignatureInfo {
                signature: *signature,
                succeeded: true,
                block_time: None,
            })
            .collect())
    }

    /// A processed transaction.
    pub fn transaction(&self, signature: &Signature) -> Result<super::TransactionRecord, SdkError> {
        self.history
            .lock()
            .expect("history lock")
            .transactions
            .get(signature)
            .cloned()
            .ok_or(SdkError::TransactionNotFound(*signature))
    }

    /// Whether the history keeps each transaction's log messages (it does by default). With
    /// `false`, transactions processed from now on are kept without their logs, the way
    /// Agave's test validator keeps the transactions its own leader produced
    /// (`getTransaction` returns `logMessages: null`): readers of the history must then decode
    /// the instructions. The sender still gets the logs in [`Sent::logs`].
    pub fn set_history_logs(&self, keep: bool) {
        self.history.lock().expect("history lock").without_logs = !keep;
    }

    /// A stream of what lands from now on: each landed transaction's accounts, and each move
    /// of the clock. A receiver more than 65,536 notices behind is told it lagged.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Landed> {
        self.landed.subscribe()
    }

    /// Funds `to` from the chain's faucet.
    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), SdkError> {
        let ix = anchor_lang::solana_program::system_instruction::transfer(
            &self.faucet.pubkey(),
            to,
            lamports,
        );
        self.send(&[ix], &self.faucet, &[]).await.map(|_| ())
    }

    /// The lamports an account of `size` bytes needs to be rent-exempt.
    pub async fn minimum_balance(&self, size: usize) -> Result<u64, SdkError> {
        let rent = self
            .banks
            .clone()
            .get_rent()
            .await
            .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))?;
        Ok(rent.minimum_balance(size))
    }

    /// The chain's clock.
    pub async fn clock(&self) -> Result<Clock, SdkError> {
        self.banks
            .clone()
            .get_sysvar::<Clock>()
            .await
            .map_err(|e| SdkError::Rpc(format!("embedded chain: {e}")))
    }

    /// Moves the chain's clock forward by `seconds` (for demos and tests of expiry).
    pub async fn advance_time(&self, seconds: i64) -> Result<(), SdkError> {
        let mut clock = self.clock().await?;
        clock.unix_timestamp =
            clock
                .unix_timestamp
                .checked_add(seconds)
                .ok_or_else(|| SdkError::OutOfRange {
                    what: "the time step",
                    allowed: "one that keeps the clock within i64 seconds".into(),
                    given: seconds.to_string(),
                })?;
        self.context.lock().await.set_sysvar(&clock);
        let _ = self.landed.send(Landed::Clock);
        Ok(())
    }
}
