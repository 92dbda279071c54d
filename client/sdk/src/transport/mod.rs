//! The one transport seam: the same role APIs run on the embedded chain (the real runtime
//! in-process) and on any JSON-RPC endpoint (a local validator, devnet, mainnet).

#[cfg(feature = "embedded")]
pub mod embedded;
pub mod rpc;
#[cfg(feature = "embedded")]
pub mod runtime;

use solana_account::Account;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signature::Signature;

use crate::error::SdkError;

/// A `getProgramAccounts` filter: `bytes` at `offset` of the account data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memcmp {
    /// Byte offset in the account data.
    pub offset: usize,
    /// The bytes expected there.
    pub bytes: Vec<u8>,
}

impl Memcmp {
    /// A filter on a public key at `offset`.
    pub fn key(offset: usize, key: &Pubkey) -> Self {
        Self {
            offset,
            bytes: key.to_bytes().to_vec(),
        }
    }

    /// Whether `data` matches.
    pub fn matches(&self, data: &[u8]) -> bool {
        data.get(self.offset..self.offset + self.bytes.len()) == Some(self.bytes.as_slice())
    }
}

/// Accounts read together, with the slot they were read at.
#[derive(Clone, Debug, Default)]
pub struct AccountsAt {
    /// The slot of the bank they were read from (`context.slot`; the newest, should chunks
    /// have come from different ones: see [`rpc::RpcTransport::accounts_at`]).
    pub slot: u64,
    /// Round trips: HTTP requests over JSON-RPC (one up to 800 addresses, unless chunks had to
    /// be aligned on one slot; more addresses are sent as several POSTs at once); one on the
    /// embedded chain, however many banks requests it made in-process.
    pub round_trips: u32,
    /// The accounts, in the order asked.
    pub accounts: Vec<Option<Account>>,
}

/// A landed transaction.
#[derive(Clone, Debug)]
pub struct Sent {
    /// Its signature.
    pub signature: Signature,
    /// Its log messages, when the transport has them at hand (the embedded chain always does;
    /// over RPC, read them with [`Transport::transaction_logs`]).
    pub logs: Option<Vec<String>>,
}

/// Most signatures one `getSignaturesForAddress` page may hold.
pub const MAX_SIGNATURES_PAGE: usize = 1000;

/// One transaction of an address's history, as `getSignaturesForAddress` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The transaction's signature.
    pub signature: Signature,
    /// Whether it succeeded (a failed transaction changed nothing but its fee payer's balance).
    pub succeeded: bool,
    /// When its block was produced (unix seconds), if known.
    pub block_time: Option<i64>,
}

/// An address's successful transactions, newest first, and whether they are all of them.
#[derive(Clone, Debug)]
pub struct AddressHistory {
    /// The address.
    pub address: Pubkey,
    /// Its successful transactions, newest first.
    pub signatures: Vec<SignatureInfo>,
    /// Signatures read, failed ones included.
    pub read: usize,
    /// Pages requested.
    pub pages: usize,
    /// Whether the history was read to its oldest transaction; false when the read limit cut
    /// it short (older transactions were not read).
    pub exhausted: bool,
}

/// A landed transaction as the cluster's history gives it.
#[derive(Clone, Debug, Default)]
pub struct TransactionRecord {
    /// Its log messages (empty where the node does not record them).
    pub logs: Vec<String>,
    /// Its instructions, with account addresses (signer and writable flags are not kept).
    pub instructions: Vec<Instruction>,
    /// When its block was produced (unix seconds), if known.
    pub block_time: Option<i64>,
}

/// Where transactions go and accounts come from.
pub enum Transport {
    /// The real Solana runtime in-process, with both programs.
    #[cfg(feature = "embedded")]
    Embedded(Box<embedded::EmbeddedChain>),
    /// A JSON-RPC endpoint.
    Rpc(rpc::RpcTransport),
}

impl Transport {
    /// A fresh embedded chain with both programs.
    #[cfg(feature = "embedded")]
    pub async fn embedded() -> Self {
        Self::Embedded(Box::new(embedded::EmbeddedChain::start().await))
    }

    /// A JSON-RPC endpoint at `url` with the default sending policy.
    pub fn rpc(url: &str) -> Self {
        Self::Rpc(rpc::RpcTransport::new(url))
    }

    /// The embedded chain, if this is one.
    #[cfg(feature = "embedded")]
    pub fn as_embedded(&self) -> Option<&embedded::EmbeddedChain> {
        match self {
            Self::Embedded(chain) => Some(chain),
            Self::Rpc(_) => None,
        }
    }

    /// A short description: `embedded chain` or the RPC URL.
    pub fn describe(&self) -> String {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(_) => "embedded chain (solana-program-test, in-process)".into(),
            Self::Rpc(rpc) => rpc.url().to_string(),
        }
    }

    /// Signs `instructions` with `payer` (fee payer) and `signers` on a fresh blockhash, sends
    /// them, and waits for confirmation. A refusal comes back as a named [`SdkError::Program`];
    /// a transaction over 1,232 bytes is refused before sending ([`SdkError::TransactionTooLarge`]).
    pub async fn send(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, SdkError> {
        use solana_signer::Signer;
        let bytes = transaction_size(instructions, &payer.pubkey());
        if bytes > MAX_TRANSACTION_SIZE {
            return Err(SdkError::TransactionTooLarge {
                bytes,
                limit: MAX_TRANSACTION_SIZE,
            });
        }
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.send(instructions, payer, signers).await,
            Self::Rpc(rpc) => rpc.send(instructions, payer, signers).await,
        }
    }

    /// Signs and sends independent transactions (none depends on another landing first), each
    /// paid by `payer` and signed by `signers`, and waits for all: over JSON-RPC up to
    /// `in_flight` are kept unconfirmed at once ([`rpc::RpcTransport::send_many`]); the embedded
    /// chain processes them one after the other (it answers at once, and transactions of one fee
    /// payer processed at the same time would contend for its lock). `landed(i)` is called as
    /// transaction `i` lands. Each result comes back in order; one over 1,232 bytes is refused
    /// before anything is sent ([`SdkError::TransactionTooLarge`]).
    pub async fn send_many(
        &self,
        transactions: &[Vec<Instruction>],
        payer: &Keypair,
        signers: &[&Keypair],
        in_flight: usize,
        mut landed: impl FnMut(usize),
    ) -> Vec<Result<Sent, SdkError>> {
        use solana_signer::Signer;
        if let Some(bytes) = transactions
            .iter()
            .map(|ixs| transaction_size(ixs, &payer.pubkey()))
            .find(|&bytes| bytes > MAX_TRANSACTION_SIZE)
        {
            return transactions
                .iter()
                .map(|_| {
                    Err(SdkError::TransactionTooLarge {
                        bytes,
                        limit: MAX_TRANSACTION_SIZE,
                    })
                })
                .collect();
        }
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => {
                let mut results = Vec::with_capacity(transactions.len());
                for (i, ixs) in transactions.iter().enumerate() {
                    let result = chain.send(ixs, payer, signers).await;
                    if result.is_ok() {
                        landed(i);
                    }
                    results.push(result);
                }
                results
            }
            Self::Rpc(rpc) => {
                rpc.send_many(transactions, payer, signers, in_flight, landed)
                    .await
            }
        }
    }

    /// One account, if it exists.
    pub async fn account(&self, address: &Pubkey) -> Result<Option<Account>, SdkError> {
        Ok(self.accounts(&[*address]).await?.pop().flatten())
    }

    /// Many accounts in one round trip (`getMultipleAccounts`), in order.
    pub async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.accounts(addresses).await,
            Self::Rpc(rpc) => rpc.accounts(addresses).await,
        }
    }

    /// Many accounts in one round trip, in order, with the slot they were read at: over
    /// JSON-RPC one batch request of `getMultipleAccounts` chunks, however many addresses
    /// ([`rpc::RpcTransport::accounts_at`]); on the embedded chain, the bank's slot.
    pub async fn accounts_at(&self, addresses: &[Pubkey]) -> Result<AccountsAt, SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.accounts_at(addresses).await,
            Self::Rpc(rpc) => rpc.accounts_at(addresses).await,
        }
    }

    /// Every account of `program` matching all `filters` (`getProgramAccounts`).
    pub async fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.program_accounts(program, filters).await,
            Self::Rpc(rpc) => rpc.program_accounts(program, filters).await,
        }
    }

    /// One page of `address`'s history, newest first (`getSignaturesForAddress`): up to `limit`
    /// transactions (1 to [`MAX_SIGNATURES_PAGE`]) older than `before`, or the newest when
    /// `before` is `None`. Failed transactions are listed too ([`SignatureInfo::succeeded`]).
    /// An empty page means the history is exhausted.
    pub async fn signatures_page(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        limit: usize,
    ) -> Result<Vec<SignatureInfo>, SdkError> {
        if limit == 0 || limit > MAX_SIGNATURES_PAGE {
            return Err(SdkError::OutOfRange {
                what: "a history page",
                allowed: format!("1 to {MAX_SIGNATURES_PAGE} signatures"),
                given: limit.to_string(),
            });
        }
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.signatures_page(address, before, limit),
            Self::Rpc(rpc) => rpc.signatures_page(address, before, limit).await,
        }
    }

    /// The successful transactions that touched `address`, newest first, read page by page
    /// (each page older than the last) until the history is exhausted or `max` signatures
    /// (failed ones included) have been read. A history cut short by `max` says so
    /// ([`AddressHistory::exhausted`] is false): nothing is dropped silently.
    pub async fn signatures_for(
        &self,
        address: &Pubkey,
        max: usize,
    ) -> Result<AddressHistory, SdkError> {
        if max == 0 {
            return Err(SdkError::OutOfRange {
                what: "the history read limit",
                allowed: "at least 1 signature".into(),
                given: max.to_string(),
            });
        }
        let mut history = AddressHistory {
            address: *address,
            signatures: Vec::new(),
            read: 0,
            pages: 0,
            exhausted: false,
        };
        let mut before: Option<Signature> = None;
        while history.read < max {
            let limit = (max - history.read).min(MAX_SIGNATURES_PAGE);
            let page = self
                .signatures_page(address, before.as_ref(), limit)
                .await?;
            history.pages += 1;
            let Some(last) = page.last() else {
                history.exhausted = true;
                break;
            };
            before = Some(last.signature);
            let full = page.len() == limit;
            history.read += page.len();
            history
                .signatures
                .extend(page.into_iter().filter(|s| s.succeeded));
            if !full {
                // A short page is the oldest one: nothing older remains.
                history.exhausted = true;
                break;
            }
        }
        if let (false, Some(before)) = (history.exhausted, &before) {
            // Exactly `max` read: look one further to tell "exhausted" from "cut short".
            history.exhausted = self
                .signatures_page(address, Some(before), 1)
                .await?
                .is_empty();
        }
        Ok(history)
    }

    /// The log messages of a landed transaction.
    pub async fn transaction_logs(&self, signature: &Signature) -> Result<Vec<String>, SdkError> {
        Ok(self.transaction(signature).await?.logs)
    }

    /// A landed transaction: logs, instructions and block time.
    pub async fn transaction(&self, signature: &Signature) -> Result<TransactionRecord, SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.transaction(signature),
            Self::Rpc(rpc) => rpc.transaction(signature).await,
        }
    }

    /// Sends `lamports` to `to` from the cluster's faucet (embedded chain, local validator,
    /// devnet's airdrop).
    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.airdrop(to, lamports).await,
            Self::Rpc(rpc) => rpc.airdrop(to, lamports).await,
        }
    }

    /// Fetches `addresses` (`getMultipleAccounts`, chunked) and adds each that exists to `into`.
    pub async fn accounts_into(
        &self,
        addresses: &[Pubkey],
        into: &mut std::collections::HashMap<Pubkey, Account>,
    ) -> Result<(), SdkError> {
        let fetched = self.accounts(addresses).await?;
        into.extend(
            addresses
                .iter()
                .zip(fetched)
                .filter_map(|(address, account)| account.map(|a| (*address, a))),
        );
        Ok(())
    }

    /// The cluster's unix time, read from its Clock sysvar (one round trip).
    pub async fn now(&self) -> Result<i64, SdkError> {
        clock_now(self.account(&CLOCK_SYSVAR).await?.as_ref())
    }

    /// The lamports an account of `size` bytes needs to be rent-exempt.
    pub async fn minimum_balance(&self, size: usize) -> Result<u64, SdkError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(chain) => chain.minimum_balance(size).await,
            Self::Rpc(rpc) => rpc.minimum_balance(size).await,
        }
    }

    /// The lamports held by `address` (0 if none).
    pub async fn balance(&self, address: &Pubkey) -> Result<u64, SdkError> {
        Ok(self.account(address).await?.map_or(0, |a| a.lamports))
    }
}

/// Builds and signs a transaction: `payer` pays the fee; every distinct key of `signers` signs.
pub fn sign(
    instructions: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
    blockhash: solana_hash::Hash,
) -> Result<solana_transaction::Transaction, SdkError> {
    use solana_signer::Signer;
    let mut all: Vec<&Keypair> = vec![payer];
    for signer in signers {
        if !all.iter().any(|k| k.pubkey() == signer.pubkey()) {
            all.push(signer);
        }
    }
    let message = solana_message::Message::new(instructions, Some(&payer.pubkey()));
    let mut tx = solana_transaction::Transaction::new_unsigned(message);
    tx.try_sign(&all, blockhash)
        .map_err(|e| SdkError::Signing(e.to_string()))?;
    Ok(tx)
}

/// Most bytes a serialized transaction may take (`PACKET_DATA_SIZE`).
pub const MAX_TRANSACTION_SIZE: usize = 1232;

fn compact_len(n: usize) -> usize {
    match n {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        _ => 3,
    }
}

/// The serialized size of a legacy transaction of `instructions` paid by `payer`.
pub fn transaction_size(instructions: &[Instruction], payer: &Pubkey) -> usize {
    let message = solana_message::Message::new(instructions, Some(payer));
    let signatures = usize::from(message.header.num_required_signatures);
    let keys = message.account_keys.len();
    let mut size =
        compact_len(signatures) + 64 * signatures + 3 + compact_len(keys) + 32 * keys + 32;
    size += compact_len(message.instructions.len());
    for ix in &message.instructions {
        size += 1
            + compact_len(ix.accounts.len())
            + ix.accounts.len()
            + compact_len(ix.data.len())
            + ix.data.len();
    }
    size
}

/// The cluster's unix time from a fetched Clock sysvar account; an error if the cluster returned
/// none (or an unreadable one).
pub fn clock_now(clock: Option<&Account>) -> Result<i64, SdkError> {
    clock
        .and_then(|clock| clock_unix_timestamp(&clock.data))
        .ok_or_else(|| SdkError::Rpc("the cluster returned no Clock sysvar".into()))
}

/// The unix timestamp in a Clock sysvar account's data.
pub fn clock_unix_timestamp(data: &[u8]) -> Option<i64> {
    // Clock = slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64,
    // unix_timestamp i64 (bincode, little endian).
    data.get(32..40)
        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// The Clock sysvar's address (from `solana-sdk-ids`, its single source).
pub const CLOCK_SYSVAR: Pubkey = solana_sdk_ids::sysvar::clock::ID;
