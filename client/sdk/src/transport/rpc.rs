//! JSON-RPC transport over `solana-client`'s nonblocking `RpcClient`: sending with blockhash
//! refresh, bounded retries and confirmation; reading single, multiple and filtered accounts.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use solana_account::Account;
use solana_account_decoder_client_types::{UiAccount, UiAccountData, UiAccountEncoding};
use solana_client::{
    client_error::{ClientError, ClientErrorKind},
    nonblocking::rpc_client::RpcClient,
    rpc_client::GetConfirmedSignaturesForAddress2Config,
    rpc_config::{
        RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig,
        RpcTransactionConfig,
    },
    rpc_filter::{Memcmp as RpcMemcmp, RpcFilterType},
    rpc_request::RpcRequest,
};
use solana_commitment_config::CommitmentConfig;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, UiTransactionEncoding,
    option_serializer::OptionSerializer,
};

use super::{Memcmp, Sent};
use crate::error::SdkError;

/// An account as JSON-RPC gives it (base64) decoded.
pub(crate) fn decode_ui_account(ui: &UiAccount) -> Result<Account, SdkError> {
    let data = match &ui.data {
        UiAccountData::Binary(_, UiAccountEncoding::Base64) => ui
            .data
            .decode()
            .ok_or_else(|| SdkError::Rpc("bad base64 in an account's data".into()))?,
        _ => {
            return Err(SdkError::Rpc(
                "an account came in another encoding than base64".into(),
            ));
        }
    };
    let owner: Pubkey = ui
        .owner
        .parse()
        .map_err(|_| SdkError::Rpc(format!("bad owner {:?}", ui.owner)))?;
    Ok(Account {
        lamports: ui.lamports,
        data,
        owner,
        executable: ui.executable,
        rent_epoch: ui.rent_epoch,
    })
}

/// Most accounts one `getMultipleAccounts` call may ask for.
pub const MAX_MULTIPLE_ACCOUNTS: usize = 100;

/// Sending policy.
#[derive(Clone, Debug)]
pub struct SendPolicy {
    /// Attempts with a fresh blockhash before giving up.
    pub attempts: u32,
    /// How long to wait for confirmation of one attempt.
    pub confirm_timeout: Duration,
    /// How often to poll the signature status.
    pub poll_interval: Duration,
}

impl Default for SendPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            confirm_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
        }
    }
}

/// How often [`RpcTransport::send_many`] broadcasts again a transaction that has not landed.
pub const REBROADCAST_EVERY: Duration = Duration::from_secs(2);
/// How long [`RpcTransport::send_many`] signs on the same blockhash before asking for a newer one.
pub const BLOCKHASH_REUSE: Duration = Duration::from_secs(10);
/// `getMultipleAccounts` chunks in one JSON-RPC batch POST: 8 chunks of 100 addresses take
/// about 40 KB, under Agave's 50 KiB request body limit (`MAX_REQUEST_BODY_SIZE`).
pub const CHUNKS_PER_POST: usize = 8;

/// Most signatures one `getSignatureStatuses` call may ask for.
pub const MAX_SIGNATURE_STATUSES: usize = 256;

/// How many times a read of more than [`MAX_MULTIPLE_ACCOUNTS`] accounts is asked again when
/// its chunks come back from different slots (see [`RpcTransport::accounts_at`]).
pub const SLOT_ALIGN_ATTEMPTS: u32 = 3;

/// A JSON-RPC endpoint.
pub struct RpcTransport {
    client: RpcClient,
    /// For JSON-RPC batch requests, which `RpcClient` does not send.
    http: reqwest::Client,
    url: String,
    policy: SendPolicy,
}

impl RpcTransport {
    /// A transport to `url` at `confirmed` commitment with the default sending policy.
    pub fn new(url: &str) -> Self {
        Self::with_policy(url, SendPolicy::default())
    }

    /// A transport to `url` with a sending policy.
    pub fn with_policy(url: &str, policy: SendPolicy) -> Self {
        let client = RpcClient::new_with_timeout_and_commitment(
            url.to_string(),
            Duration::from_secs(30),
            CommitmentConfig::confirmed(),
        );
        Self {
            client,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a reqwest client with rustls builds"),
            url: url.to_string(),
            policy,
        }
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The underlying client, for calls the SDK does not wrap.
    pub fn client(&self) -> &RpcClient {
        &self.client
    }

    fn map(&self, err: ClientError) -> SdkError {
        match err.kind() {
            ClientErrorKind::Reqwest(e) if e.is_connect() || e.is_timeout() => {
                SdkError::Unreachable {
                    url: self.url.clone(),
                    detail: e.to_string(),
                }
            }
            ClientErrorKind::Io(e) => SdkError::Unreachable {
                url: self.url.clone(),
                detail: e.to_string(),
            },
            _ => SdkError::Rpc(err.to_string()),
        }
    }

    /// Checks that the endpoint answers (`getVersion`).
    pub async fn ping(&self) -> Result<String, SdkError> {
        self.client
            .get_version()
            .await
            .map(|v| v.solana_core)
            .map_err(|e| self.map(e))
    }

    /// Signs, sends and confirms, refreshing the blockhash between bounded attempts.
    pub async fn send(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, SdkError> {
        let programs: Vec<Pubkey> = instructions.iter().map(|ix| ix.program_id).collect();
        let mut last_signature = None;
        for _attempt in 0..self.policy.attempts.max(1) {
            // A previous attempt may have landed after all: never send twice what already landed.
            if let Some(signature) = &last_signature
                && let Some(result) = self.status(signature).await?
            {
                return finish(result, signature, &programs);
            }
            let blockhash = self
                .client
                .get_latest_blockhash()
                .await
                .map_err(|e| self.map(e))?;
            let tx = super::sign(instructions, payer, signers, blockhash)?;
            let config = RpcSendTransactionConfig {
                preflight_commitment: Some(CommitmentConfig::confirmed().commitment),
                ..RpcSendTransactionConfig::default()
            };
            let signature = match self.client.send_transaction_with_config(&tx, config).await {
                Ok(signature) => signature,
                Err(err) => {
                    if let Some(tx_err) = err.get_transaction_error() {
                        if tx_err == solana_transaction_error::TransactionError::AlreadyProcessed {
                            // An identical transaction (same instructions, same blockhash)
                            // landed moments ago: sign again on the next blockhash.
                            tokio::time::sleep(Duration::from_millis(450)).await;
                            continue;
                        }
                        return Err(SdkError::from_transaction_error(tx_err, &programs));
                    }
                    let text = err.to_string();
                    if text.contains("Blockhash not found") {
                        continue;
                    }
                    return Err(self.map(err));
                }
            };
            last_signature = Some(signature);
            let started = Instant::now();
            while started.elapsed() < self.policy.confirm_timeout {
                if let Some(result) = self.status(&signature).await? {
                    return finish(result, &signature, &programs);
                }
                let valid = self
                    .client
                    .is_blockhash_valid(&blockhash, CommitmentConfig::processed())
                    .await
                    .map_err(|e| self.map(e))?;
                if !valid {
                    break; // expired without landing: retry with a fresh blockhash
                }
                tokio::time::sleep(self.policy.poll_interval).await;
            }
        }
        if let Some(signature) = last_signature {
            if let Some(result) = self.status(&signature).await? {
                return finish(result, &signature, &programs);
            }
            return Err(SdkError::ConfirmationTimeout {
                signature,
                seconds: self.policy.confirm_timeout.as_secs()
                    * u64::from(self.policy.attempts.max(1)),
            });
        }
        Err(SdkError::Rpc(
            "the endpoint kept refusing the blockhash".into(),
        ))
    }

    /// Sends independent transactions keeping up to `in_flight` unconfirmed at once: each is
    /// signed on a recent blockhash and sent without waiting; the statuses of all in flight are
    /// polled together (one `getSignatureStatuses` per poll) until each is confirmed. One that
    /// has not landed is broadcast again every [`REBROADCAST_EVERY`]; once its blockhash has
    /// expired without it landing (so it never can), it is signed again on a fresh one, up to
    /// the policy's attempts. `landed(i)` is called as transaction `i` is confirmed; the result
    /// of each comes back in order.
    ///
    /// Nothing lands twice: a transaction lands once under its signature, and a re-signed one
    /// is sent only after the earlier signature's blockhash expired without landing.
    pub async fn send_many(
        &self,
        transactions: &[Vec<Instruction>],
        payer: &Keypair,
        signers: &[&Keypair],
        in_flight: usize,
        mut landed: impl FnMut(usize),
    ) -> Vec<Result<Sent, SdkError>> {
        struct Flying {
            index: usize,
            tx: solana_transaction::Transaction,
            blockhash: solana_hash::Hash,
            attempt: u32,
            broadcast_at: Instant,
        }
        let mut results: Vec<Option<Result<Sent, SdkError>>> =
            (0..transactions.len()).map(|_| None).collect();
        let mut waiting: std::collections::VecDeque<(usize, u32)> =
            (0..transactions.len()).map(|i| (i, 0)).collect();
        let mut flying: Vec<Flying> = Vec::new();
        let mut recent: Option<(solana_hash::Hash, Instant)> = None;
        let quiet = RpcSendTransactionConfig {
            skip_preflight: true,
            ..RpcSendTransactionConfig::default()
        };
        let checked = RpcSendTransactionConfig {
            preflight_commitment: Some(CommitmentConfig::confirmed().commitment),
            ..RpcSendTransactionConfig::default()
        };
        let programs_of =
            |i: usize| -> Vec<Pubkey> { transactions[i].iter().map(|ix| ix.program_id).collect() };
        while !waiting.is_empty() || !flying.is_empty() {
            // Fill the window.
            while flying.len() < in_flight.max(1) {
                let Some((index, attempt)) = waiting.pop_front() else {
                    break;
                };
                let blockhash = match recent {
                    Some((hash, at)) if at.elapsed() < BLOCKHASH_REUSE => hash,
                    _ => match self.client.get_latest_blockhash().await {
                        Ok(hash) => {
                            recent = Some((hash, Instant::now()));
                            hash
                        }
                        Err(err) => {
                            results[index] = Some(Err(self.map(err)));
                            continue;
                        }
                    },
                };
                let tx = match super::sign(&transactions[index], payer, signers, blockhash) {
                    Ok(tx) => tx,
                    Err(err) => {
                        results[index] = Some(Err(err));
                        continue;
                    }
                };
                // The first send is simulated (a refusal comes back at once, named); a re-signed
                // one is not, since its earlier signature may have been refused for the same
                // reason already reported.
                let config = if attempt == 0 { checked } else { quiet };
                match self.client.send_transaction_with_config(&tx, config).await {
                    Ok(_) => flying.push(Flying {
                        index,
                        tx,
                        blockhash,
                        attempt,
                        broadcast_at: Instant::now(),
                    }),
                    Err(err) => {
                        results[index] = Some(Err(match err.get_transaction_error() {
                            Some(tx_err) => {
                                SdkError::from_transaction_error(tx_err, &programs_of(index))
                            }
                            None => self.map(err),
                        }));
                    }
                }
            }
            if flying.is_empty() {
                continue;
            }
            tokio::time::sleep(self.policy.poll_interval).await;
            let signatures: Vec<Signature> = flying.iter().map(|f| f.tx.signatures[0]).collect();
            let mut statuses = Vec::with_capacity(signatures.len());
            for chunk in signatures.chunks(MAX_SIGNATURE_STATUSES) {
                match self.client.get_signature_statuses(chunk).await {
                    Ok(response) => statuses.extend(response.value),
                    Err(err) => {
                        // The node is unreachable: what is in flight may still land; report it
                        // for every unfinished transaction (a re-run skips what landed).
                        let err = self.map(err);
                        let each = || match &err {
                            SdkError::Unreachable { url, detail } => SdkError::Unreachable {
                                url: url.clone(),
                                detail: detail.clone(),
                            },
                            other => SdkError::Rpc(other.to_string()),
                        };
                        for f in flying.drain(..) {
                            results[f.index] = Some(Err(each()));
                        }
                        for (index, _) in waiting.drain(..) {
                            results[index] = Some(Err(each()));
                        }
                        break;
                    }
                }
            }
            if flying.is_empty() {
                break;
            }
            let mut expired: HashMap<solana_hash::Hash, bool> = HashMap::new();
            let mut still = Vec::with_capacity(flying.len());
            for (f, status) in flying.drain(..).zip(statuses) {
                if let Some(status) =
                    status.filter(|s| s.satisfies_commitment(CommitmentConfig::confirmed()))
                {
                    let signature = f.tx.signatures[0];
                    let result = finish(status.status, &signature, &programs_of(f.index));
                    if result.is_ok() {
                        landed(f.index);
                    }
                    results[f.index] = Some(result);
                    continue;
                }
                let gone = match expired.get(&f.blockhash) {
                    Some(gone) => *gone,
                    None => {
                        let valid = self
                            .client
                            .is_blockhash_valid(&f.blockhash, CommitmentConfig::processed())
                            .await
                            .unwrap_or(true);
                        expired.insert(f.blockhash, !valid);
                        !valid
                    }
                };
                if gone {
                    if f.attempt + 1 >= self.policy.attempts.max(1) {
                        results[f.index] = Some(Err(SdkError::ConfirmationTimeout {
                            signature: f.tx.signatures[0],
                            seconds: self.policy.confirm_timeout.as_secs(),
                        }));
                    } else {
                        // Its blockhash expired without it landing: it never will; sign again.
                        waiting.push_front((f.index, f.attempt + 1));
                    }
                    continue;
                }
                let mut f = f;
                if f.broadcast_at.elapsed() >= REBROADCAST_EVERY {
                    let _ = self.client.send_transaction_with_config(&f.tx, quiet).await;
                    f.broadcast_at = Instant::now();
                }
                still.push(f);
            }
            flying = still;
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(SdkError::Rpc("the transaction was not sent".into()))))
            .collect()
    }

    async fn status(
        &self,
        signature: &Signature,
    ) -> Result<Option<Result<(), solana_transaction_error::TransactionError>>, SdkError> {
        let statuses = self
            .client
            .get_signature_statuses(&[*signature])
            .await
            .map_err(|e| self.map(e))?;
        Ok(statuses
            .value
            .into_iter()
            .next()
            .flatten()
            .filter(|s| s.satisfies_commitment(CommitmentConfig::confirmed()))
            .map(|s| s.status))
    }

    /// The lamports an account of `size` bytes needs to be rent-exempt.
    pub async fn minimum_balance(&self, size: usize) -> Result<u64, SdkError> {
        self.client
            .get_minimum_balance_for_rent_exemption(size)
            .await
            .map_err(|e| self.map(e))
    }

    /// Many accounts, in order (see [`RpcTransport::accounts_at`]).
    pub async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, SdkError> {
        Ok(self.accounts_at(addresses).await?.accounts)
    }

    /// Many accounts, in order, with the slot they were read at: `getMultipleAccounts` at
    /// `confirmed`, in chunks of [`MAX_MULTIPLE_ACCOUNTS`], sent as JSON-RPC batch requests of
    /// up to [`CHUNKS_PER_POST`] chunks: one HTTP round trip up to 800 addresses; more go as
    /// that many POSTs at once, each under the node's 50 KiB request limit. The node answers each
    /// chunk from the bank it has at hand, so chunks may come from different slots when one lands
    /// meanwhile: the read is then asked again with `minContextSlot` at the newest (at most [`SLOT_ALIGN_ATTEMPTS`] times),
    /// and [`AccountsAt::slot`](super::AccountsAt::slot) is the newest slot read.
    pub async fn accounts_at(&self, addresses: &[Pubkey]) -> Result<super::AccountsAt, SdkError> {
        if addresses.is_empty() {
            return Ok(super::AccountsAt::default());
        }
        let mut min_slot = None;
        let mut round_trips = 0;
        let mut attempts = 0;
        loop {
            let posts = addresses.chunks(MAX_MULTIPLE_ACCOUNTS * CHUNKS_PER_POST);
            round_trips += posts.len() as u32;
            attempts += 1;
            let chunks: Vec<(u64, Vec<Option<Account>>)> = futures_util::future::try_join_all(
                posts.map(|post| self.multiple_accounts_batch(post, min_slot)),
            )
            .await?
            .into_iter()
            .flatten()
            .collect();
            let newest = chunks.iter().map(|(slot, _)| *slot).max().unwrap_or(0);
            let aligned = chunks.iter().all(|(slot, _)| *slot == newest);
            if aligned || attempts >= SLOT_ALIGN_ATTEMPTS {
                return Ok(super::AccountsAt {
                    slot: newest,
                    round_trips,
                    accounts: chunks.into_iter().flat_map(|(_, chunk)| chunk).collect(),
                });
            }
            min_slot = Some(newest);
        }
    }

    /// One HTTP POST holding a `getMultipleAccounts` request per chunk of `addresses`; returns
    /// each chunk's slot and accounts, in order.
    async fn multiple_accounts_batch(
        &self,
        addresses: &[Pubkey],
        min_context_slot: Option<u64>,
    ) -> Result<Vec<(u64, Vec<Option<Account>>)>, SdkError> {
        use solana_rpc_client_api::response::Response;
        let config = RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            min_context_slot,
            ..RpcAccountInfoConfig::default()
        };
        let chunks: Vec<&[Pubkey]> = addresses.chunks(MAX_MULTIPLE_ACCOUNTS).collect();
        let body: Vec<serde_json::Value> = chunks
            .iter()
            .enumerate()
            .map(|(id, chunk)| {
                let keys: Vec<String> = chunk.iter().map(Pubkey::to_string).collect();
                RpcRequest::GetMultipleAccounts
                    .build_request_json(id as u64, serde_json::json!([keys, config]))
            })
            .collect();
        let unreachable = |e: reqwest::Error| SdkError::Unreachable {
            url: self.url.clone(),
            detail: e.to_string(),
        };
        let response = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(SdkError::Rpc(format!(
                "{} answered a getMultipleAccounts batch with HTTP {status}",
                self.url
            )));
        }
        let answer: serde_json::Value = response.json().await.map_err(unreachable)?;
        let Some(items) = answer.as_array() else {
            return Err(SdkError::Rpc(format!(
                "{} did not answer a JSON-RPC batch request with a batch (it may not support batches): {answer}",
                self.url
            )));
        };
        let mut out: Vec<Option<(u64, Vec<Option<Account>>)>> = vec![None; chunks.len()];
        for item in items {
            let id = item["id"].as_u64().map(|id| id as usize);
            let Some(slot) = id.and_then(|id| out.get_mut(id)) else {
                return Err(SdkError::Rpc(format!("unexpected batch answer: {item}")));
            };
            if !item["error"].is_null() {
                return Err(SdkError::Rpc(format!(
                    "getMultipleAccounts: {}",
                    item["error"]
                )));
            }
            let response: Response<Vec<Option<UiAccount>>> =
                serde_json::from_value(item["result"].clone()).map_err(|e| {
                    SdkError::Rpc(format!("unreadable getMultipleAccounts answer: {e}"))
                })?;
            let accounts = response
                .value
                .iter()
                .map(|ui| ui.as_ref().map(decode_ui_account).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            *slot = Some((response.context.slot, accounts));
        }
        out.into_iter()
            .enumerate()
            .map(|(id, chunk)| {
                chunk.ok_or_else(|| SdkError::Rpc(format!("the batch answer lacks chunk {id}")))
            })
            .collect()
    }

    /// `getProgramAccounts` with memcmp filters, base64-encoded.
    pub async fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, SdkError> {
        let config = RpcProgramAccountsConfig {
            filters: Some(
                filters
                    .iter()
                    .map(|f| {
                        RpcFilterType::Memcmp(RpcMemcmp::new_raw_bytes(f.offset, f.bytes.clone()))
                    })
                    .collect(),
            ),
            account_config: RpcAccountInfoConfig {
                encoding: Some(UiAccountEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                ..RpcAccountInfoConfig::default()
            },
            with_context: None,
            sort_results: Some(true),
        };
        let accounts = self
            .client
            .get_program_ui_accounts_with_config(program, config)
            .await
            .map_err(|e| self.map(e))?;
        accounts
            .into_iter()
            .map(|(address, ui)| {
                decode_ui_account(&ui)
                    .map(|account| (address, account))
                    .map_err(|e| SdkError::Rpc(format!("account {address}: {e}")))
            })
            .collect()
    }

    /// One page of `getSignaturesForAddress` at `confirmed`: up to `limit` (at most 1,000)
    /// transactions that touched `address`, newest first, older than `before` (the newest when
    /// `None`). Failed transactions are listed with `succeeded: false`.
    pub async fn signatures_page(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        limit: usize,
    ) -> Result<Vec<super::SignatureInfo>, SdkError> {
        let config = GetConfirmedSignaturesForAddress2Config {
            before: before.copied(),
            until: None,
            limit: Some(limit.min(super::MAX_SIGNATURES_PAGE)),
            commitment: Some(CommitmentConfig::confirmed()),
        };
        let signatures = self
            .client
            .get_signatures_for_address_with_config(address, config)
            .await
            .map_err(|e| self.map(e))?;
        signatures
            .into_iter()
            .map(|s| {
                Ok(super::SignatureInfo {
                    succeeded: s.err.is_none(),
                    block_time: s.block_time,
                    signature: s.signature.parse().map_err(|_| {
                        SdkError::Rpc(format!("the node listed {:?} as a signature", s.signature))
                    })?,
                })
            })
            .collect()
    }

    /// A confirmed transaction: logs (where the node records them), instructions, block time.
    /// Accounts loaded from address lookup tables are resolved, so every instruction names its
    /// accounts in order; an instruction whose accounts cannot all be resolved is left out
    /// rather than shifted. [`SdkError::TransactionNotFound`] when the node has no such
    /// transaction.
    pub async fn transaction(
        &self,
        signature: &Signature,
    ) -> Result<super::TransactionRecord, SdkError> {
        let signature = *signature;
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let confirmed: Option<EncodedConfirmedTransactionWithStatusMeta> = self
            .client
            .send(
                RpcRequest::GetTransaction,
                serde_json::json!([signature.to_string(), config]),
            )
            .await
            .map_err(|e| self.map(e))?;
        let confirmed = confirmed.ok_or(SdkError::TransactionNotFound(signature))?;
        let meta = confirmed.transaction.meta.as_ref();
        let logs = match meta.map(|m| &m.log_messages) {
            Some(OptionSerializer::Some(logs)) => logs.clone(),
            _ => Vec::new(),
        };
        let versioned = confirmed
            .transaction
            .transaction
            .decode()
            .ok_or_else(|| SdkError::Rpc(format!("transaction {signature} did not decode")))?;
        // Static keys, then the lookup tables' writable and read-only addresses, in that order.
        let mut keys: Vec<Pubkey> = versioned.message.static_account_keys().to_vec();
        if let Some(OptionSerializer::Some(loaded)) = meta.map(|m| &m.loaded_addresses) {
            for address in loaded.writable.iter().chain(&loaded.readonly) {
                keys.push(address.parse().map_err(|_| {
                    SdkError::Rpc(format!(
                        "transaction {signature}: bad loaded address {address}"
                    ))
                })?);
            }
        }
        let instructions = versioned
            .message
            .instructions()
            .iter()
            .filter_map(|ix| {
                Some(Instruction {
                    program_id: *keys.get(usize::from(ix.program_id_index))?,
                    accounts: ix
                        .accounts
                        .iter()
                        .map(|&i| {
                            keys.get(usize::from(i))
                                .map(|k| solana_instruction::AccountMeta::new_readonly(*k, false))
                        })
                        .collect::<Option<Vec<_>>>()?,
                    data: ix.data.clone(),
                })
            })
            .collect();
        Ok(super::TransactionRecord {
            logs,
            instructions,
            block_time: confirmed.block_time,
        })
    }

    /// Requests an airdrop and waits until it lands.
    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), SdkError> {
        let signature = self
            .client
            .request_airdrop(to, lamports)
            .await
            .map_err(|e| self.map(e))?;
        let started = Instant::now();
        while started.elapsed() < self.policy.confirm_timeout {
            if let Some(result) = self.status(&signature).await? {
                return result.map_err(SdkError::Transaction);
            }
            tokio::time::sleep(self.policy.poll_interval).await;
        }
        Err(SdkError::ConfirmationTimeout {
            signature,
            seconds: self.policy.confirm_timeout.as_secs(),
        })
    }
}

fn finish(
    result: Result<(), solana_transaction_error::TransactionError>,
    signature: &Signature,
    programs: &[Pubkey],
) -> Result<Sent, SdkError> {
    result
        .map(|()| Sent {
            signature: *signature,
            logs: None,
        })
        .map_err(|err| SdkError::from_transaction_error(err, programs))
}
