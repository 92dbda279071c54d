//! A thin wrapper over `solana-program-test` with both Credence programs registered natively.

use std::time::Duration;

use anchor_lang::{AccountDeserialize, AnchorDeserialize, Discriminator};
use solana_clock::Clock;
use solana_instruction::{error::InstructionError, Instruction};
use solana_keypair::Keypair;
use solana_program_test::{ProgramTest, ProgramTestContext};
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

use credence_sdk::transport::runtime::install_stub_forwarders;

/// Lamports every test actor starts with.
pub const ACTOR_LAMPORTS: u64 = 10_000_000_000;

/// What a landed or refused transaction left behind.
#[derive(Debug)]
pub struct Outcome {
    /// `Ok` or the runtime's error.
    pub result: Result<(), TransactionError>,
    /// The log messages.
    pub logs: Vec<String>,
}

impl Outcome {
    /// Panics with the logs unless the transaction landed.
    #[track_caller]
    pub fn expect_ok(self) -> Vec<String> {
        self.assert_ok();
        self.logs
    }

    /// Panics with the logs unless the transaction landed; keeps the outcome.
    #[track_caller]
    pub fn assert_ok(&self) {
        if let Err(err) = &self.result {
            panic!("transaction failed: {err}\n{}", self.logs.join("\n"));
        }
    }

    /// Every event of type `E` logged by `program_id`.
    pub fn events<E: AnchorDeserialize + Discriminator>(&self, program_id: &Pubkey) -> Vec<E> {
        credence_sdk::events::events(program_id, &self.logs)
    }
}

/// The program error code carried by `outcome`, if it failed with a custom program error.
pub fn custom_code(outcome: &Outcome) -> Option<u32> {
    match &outcome.result {
        Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) => Some(*code),
        _ => None,
    }
}

/// Asserts that `outcome` failed with exactly the program error `expected` (an Anchor error
/// enum such as `RegistryError::NotAdmin` or `anchor_lang::error::ErrorCode::ConstraintSeeds`).
#[track_caller]
pub fn assert_error(outcome: &Outcome, expected: impl Into<u32> + std::fmt::Debug + Copy) {
    let code: u32 = expected.into();
    assert_eq!(
        custom_code(outcome),
        Some(code),
        "expected {expected:?} ({code}), got {:?}\n{}",
        outcome.result,
        outcome.logs.join("\n")
    );
}

/// Asserts that `outcome` failed with exactly the runtime instruction error `expected`.
#[track_caller]
pub fn assert_instruction_error(outcome: &Outcome, expected: InstructionError) {
    match &outcome.result {
        Err(TransactionError::InstructionError(_, err)) if *err == expected => {}
        other => panic!(
            "expected {expected:?}, got {other:?}\n{}",
            outcome.logs.join("\n")
        ),
    }
}

/// The embedded chain: the real runtime with both programs.
pub struct TestChain {
    /// The program-test context (banks client, payer).
    pub ctx: ProgramTestContext,
}

impl TestChain {
    /// Starts a fresh chain with both programs registered as builtins.
    pub async fn start() -> Self {
        Self::start_with(credence_sdk::transport::embedded::program_test()).await
    }

    /// Starts the chain `program_test` describes: [`credence_sdk::transport::embedded::program_test`]
    /// with more accounts added (for example a fixture written by an earlier program version).
    pub async fn start_with(program_test: ProgramTest) -> Self {
        let ctx = program_test.start_with_context().await;
        install_stub_forwarders();
        Self { ctx }
    }

    /// The fee payer of every transaction.
    pub fn payer(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    /// Signs `instructions` with the payer and `signers` on a fresh blockhash and processes them.
    pub async fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Outcome {
        let blockhash = self
            .ctx
            .get_new_latest_blockhash()
            .await
            .expect("a new blockhash");
        let mut all: Vec<&Keypair> = vec![&self.ctx.payer];
        for signer in signers {
            if !all.iter().any(|k| k.pubkey() == signer.pubkey()) {
                all.push(signer);
            }
        }
        let tx = Transaction::new_signed_with_payer(
            instructions,
            Some(&self.ctx.payer.pubkey()),
            &all,
            blockhash,
        );
        let processed = tokio::time::timeout(
            Duration::from_secs(30),
            self.ctx.banks_client.process_transaction_with_metadata(tx),
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

    /// Sends and panics (with logs) unless the transaction lands.
    pub async fn send_ok(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Outcome {
        let outcome = self.send(instructions, signers).await;
        outcome.assert_ok();
        outcome
    }

    /// A new keypair holding [`ACTOR_LAMPORTS`].
    pub async fn actor(&mut self) -> Keypair {
        let keypair = Keypair::new();
        self.fund(&keypair.pubkey(), ACTOR_LAMPORTS).await;
        keypair
    }

    /// Transfers `lamports` from the payer to `to`.
    pub async fn fund(&mut self, to: &Pubkey, lamports: u64) {
        let ix =
            anchor_lang::solana_program::system_instruction::transfer(&self.payer(), to, lamports);
        self.send_ok(&[ix], &[]).await;
    }

    /// The raw account at `address`, if any.
    pub async fn raw_account(&mut self, address: &Pubkey) -> Option<solana_account::Account> {
        self.ctx
            .banks_client
            .get_account(*address)
            .await
            .expect("the banks server is reachable")
    }

    /// The lamports at `address` (0 if none).
    pub async fn balance(&mut self, address: &Pubkey) -> u64 {
        self.raw_account(address).await.map_or(0, |a| a.lamports)
    }

    /// The account at `address`, decoded as `T` (discriminator checked), if it exists.
    pub async fn account<T: AccountDeserialize>(&mut self, address: &Pubkey) -> Option<T> {
        let account = self.raw_account(address).await?;
        Some(T::try_deserialize(&mut account.data.as_slice()).expect("account decodes"))
    }

    /// The chain's rent parameters.
    pub async fn rent(&mut self) -> solana_rent::Rent {
        self.ctx
            .banks_client
            .get_rent()
            .await
            .expect("the Rent sysvar")
    }

    /// The chain's clock.
    pub async fn clock(&mut self) -> Clock {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("the clock sysvar")
    }

    /// The chain's current unix time.
    pub async fn now(&mut self) -> i64 {
        self.clock().await.unix_timestamp
    }

    /// Moves the chain's clock forward by `seconds`.
    pub async fn advance_time(&mut self, seconds: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp += seconds;
        self.ctx.set_sysvar(&clock);
    }
}
