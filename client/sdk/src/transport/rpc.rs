//! JSON-RPC transport over `solana-client`'s nonblocking `RpcClient`: sending with blockhash
//! refresh, bounded retries and confirmation; reading single, multiple and filtered accounts.

use std::time::{Duration, Instant};

use solana_account::Account;
use solana_account_decoder_client_types::{UiAccountData, UiAccountEncoding};
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

/// A JSON-RPC endpoint.
pub struct RpcTransport {
    client: RpcClient,
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

    /// Many accounts, in chunks of [`MAX_MULTIPLE_ACCOUNTS`] (one round trip up to that size).
    pub async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, SdkError> {
        let mut out = Vec::with_capacity(addresses.len());
        for chunk in addresses.chunks(MAX_MULTIPLE_ACCOUNTS) {
            out.extend(
                self.client
                    .get_multiple_accounts(chunk)
                    .await
                    .map_err(|e| self.map(e))?,
            );
        }
        Ok(out)
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
                let data = match &ui.data {
                    UiAccountData::Binary(b64, UiAccountEncoding::Base64) => {
                        use anchor_lang::__private::base64::Engine;
                        anchor_lang::__private::base64::engine::general_purpose::STANDARD
                            .decode(b64)
                            .map_err(|e| {
                                SdkError::Rpc(format!("account {address}: bad base64: {e}"))
                            })?
                    }
                    _ => {
                        return Err(SdkError::Rpc(format!(
                            "account {address}: unexpected encoding"
                        )));
                    }
                };
                let owner: Pubkey = ui
                    .owner
                    .parse()
                    .map_err(|_| SdkError::Rpc("bad owner".into()))?;
                Ok((
                    address,
                    Account {
                        lamports: ui.lamports,
                        data,
                        owner,
                        executable: ui.executable,
                        rent_epoch: ui.rent_epoch,
                    },
                ))
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
