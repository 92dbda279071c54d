//! # credence-localnet
//!
//! Agave's own test validator, in-process, with its real JSON-RPC service on 127.0.0.1, serving
//! both Credence programs. The programs are compiled natively (there is no SBF toolchain here) and
//! registered as builtins of the running bank, so `solana` CLI-style tools, `solana-client` and
//! the `credence` CLI see an ordinary cluster.
//!
//! How a native program joins a running validator (verified; see README "credence localnet"):
//! 1. at genesis, an account at the program id owned by the native loader, executable, whose data
//!    is the program's name, so the program exists from the first bank;
//! 2. after start, `Bank::add_builtin` on the working bank; because the account already exists this
//!    changes no frozen bank, and banks created afterwards carry the builtin;
//! 3. until preflight runs on such a bank (2 to 3 s), transactions are refused with "Unsupported
//!    program id", so [`Localnet::start`] waits for readiness by simulating a harmless instruction;
//! 4. the syscall stubs and their forwarder (CPI, sysvars, logs) are installed in the process by
//!    starting the SDK's embedded chain once.

use std::{
    net::{Ipv4Addr, SocketAddr, TcpListener},
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context};
use credence_sdk::transport::{embedded::EmbeddedChain, runtime};
use solana_account::{Account, AccountSharedData};
use solana_faucet::faucet::{run_faucet, Faucet};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_net_utils::SocketAddrSpace;
use solana_program_runtime::program_cache_entry::ProgramCacheEntry;
use solana_program_test::processor;
use solana_pubkey::Pubkey;
use solana_rpc::rpc::JsonRpcConfig;
use solana_signer::Signer;
use solana_test_validator::{TestValidator, TestValidatorGenesis};

/// The Credence programs: `(name, id)`.
pub const PROGRAMS: [(&str, Pubkey); 2] = [
    ("credence_registry", credence_registry::ID),
    ("credence_consent", credence_consent::ID),
];

/// How to start the validator.
#[derive(Clone, Debug)]
pub struct LocalnetConfig {
    /// JSON-RPC port on 127.0.0.1 (the pubsub service takes the next one).
    pub rpc_port: u16,
    /// Faucet port on 127.0.0.1 (for `requestAirdrop`); 0 picks a free one.
    pub faucet_port: u16,
    /// Ledger directory; `None` uses a temporary directory removed on shutdown.
    pub ledger: Option<PathBuf>,
    /// Accounts funded at genesis: `(address, lamports)`.
    pub fund: Vec<(Pubkey, u64)>,
    /// How long to wait for the programs to be served.
    pub ready_timeout: Duration,
}

impl Default for LocalnetConfig {
    fn default() -> Self {
        Self {
            rpc_port: 8899,
            faucet_port: 9900,
            ledger: None,
            fund: Vec::new(),
            ready_timeout: Duration::from_secs(60),
        }
    }
}

/// A running validator. Dropping it shuts the validator down.
pub struct Localnet {
    validator: TestValidator,
    /// The JSON-RPC URL.
    pub rpc_url: String,
    /// The faucet's address.
    pub faucet: SocketAddr,
    /// The genesis mint keypair (funds the faucet).
    pub mint: Keypair,
    /// How long the start took, until the programs were served.
    pub startup: Duration,
    _ledger: Option<tempfile::TempDir>,
}

/// A free TCP port on 127.0.0.1 (and, for the validator's pubsub service, the one after it).
pub fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("the loopback interface has free ports");
        if port < u16::MAX && TcpListener::bind((Ipv4Addr::LOCALHOST, port + 1)).is_ok() {
            return port;
        }
    }
}

/// Width of the port window the validator's own services (gossip, TPU, repair...) bind in.
pub const VALIDATOR_PORT_WIDTH: u16 = 32;

/// A window of `width` consecutive ports on 127.0.0.1 free for both TCP and UDP, so several
/// validators (a developer's and a test's) can run on one machine.
pub fn free_port_range(width: u16) -> (u16, u16) {
    let free = |port: u16| {
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
            && std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
    };
    let seed = (std::process::id() as u16).wrapping_mul(97) % 400;
    for block in 0..400u16 {
        let start = 20_000 + ((seed + block) % 400) * 64;
        if (start..start + width).all(free) {
            return (start, start + width);
        }
    }
    panic!("no {width} consecutive free ports between 20000 and 45600 on 127.0.0.1");
}

fn start_faucet(mint: &Keypair, port: u16) -> anyhow::Result<SocketAddr> {
    let (sender, receiver) = crossbeam_channel::bounded(1);
    let faucet = Arc::new(Mutex::new(Faucet::new(
        mint.insecure_clone(),
        None,
        None,
        None,
    )));
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    std::thread::Builder::new()
        .name("credence-faucet".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread runtime for the faucet");
            runtime.block_on(run_faucet(faucet, address, Some(sender)));
        })
        .context("cannot start the faucet thread")?;
    receiver
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| anyhow!("the faucet did not start within 10 s"))?
        .map_err(|e| anyhow!(e))
}

impl Localnet {
    /// Starts the validator, registers both programs and waits until they are served.
    pub async fn start(config: LocalnetConfig) -> anyhow::Result<Self> {
        let started = Instant::now();
        if TcpListener::bind((Ipv4Addr::LOCALHOST, config.rpc_port)).is_err() {
            bail!(
                "port {} on 127.0.0.1 is taken: is another validator running? Use --rpc-port",
                config.rpc_port
            );
        }
        // Installs the runtime's syscall stubs and the forwarder for natively compiled programs.
        drop(EmbeddedChain::start().await);

        let mint = Keypair::new();
        let faucet = start_faucet(&mint, config.faucet_port)?;
        let (ledger_path, ledger_dir) = match &config.ledger {
            Some(path) => (path.clone(), None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("credence-ledger-")
                    .tempdir()?;
                (dir.path().to_path_buf(), Some(dir))
            }
        };
        let ports = free_port_range(VALIDATOR_PORT_WIDTH);
        let mut genesis = TestValidatorGenesis::default();
        // Transaction history on: candidates read their audit trail (getSignaturesForAddress,
        // getTransaction) from it. Extended metadata keeps each transaction's log messages (and
        // so its events) in that history, as RPC nodes that serve history do: without it Agave
        // drops them from `getTransaction`.
        genesis
            .rpc_config(JsonRpcConfig {
                enable_rpc_transaction_history: true,
                enable_extended_tx_metadata_storage: true,
                ..JsonRpcConfig::default_for_test()
            })
            .rpc_port(config.rpc_port)
            .gossip_port(ports.0)
            .port_range(ports)
            .faucet_addr(Some(faucet))
            .ledger_path(&ledger_path);
        for (name, id) in PROGRAMS {
            genesis.add_account(
                id,
                AccountSharedData::from(Account {
                    lamports: 1,
                    data: name.as_bytes().to_vec(),
                    owner: solana_sdk_ids::native_loader::ID,
                    executable: true,
                    rent_epoch: 0,
                }),
            );
        }
        for (address, lamports) in &config.fund {
            genesis.add_account(
                *address,
                AccountSharedData::new(*lamports, 0, &solana_sdk_ids::system_program::ID),
            );
        }
        let validator = genesis
            .start_async_with_mint_address(&mint, SocketAddrSpace::new(true))
            .await
            .map_err(|e| anyhow!("the validator did not start: {e}"))?;
        {
            let bank_forks = validator.bank_forks();
            let bank = bank_forks
                .read()
                .map_err(|_| anyhow!("bank forks lock poisoned"))?
                .working_bank();
            bank.add_builtin(
                credence_registry::ID,
                PROGRAMS[0].0,
                ProgramCacheEntry::new_builtin(
                    0,
                    0,
                    processor!(runtime::registry_entry).expect("a builtin entry"),
                ),
            );
            bank.add_builtin(
                credence_consent::ID,
                PROGRAMS[1].0,
                ProgramCacheEntry::new_builtin(
                    0,
                    0,
                    processor!(runtime::consent_entry).expect("a builtin entry"),
                ),
            );
        }
        let rpc_url = validator.rpc_url();
        let localnet = Self {
            validator,
            rpc_url,
            faucet,
            mint,
            startup: Duration::ZERO,
            _ledger: ledger_dir,
        };
        localnet.wait_until_served(config.ready_timeout).await?;
        Ok(Self {
            startup: started.elapsed(),
            ..localnet
        })
    }

    /// Waits until a transaction to each program reaches the program (it answers "unknown
    /// instruction" instead of "Unsupported program id").
    async fn wait_until_served(&self, timeout: Duration) -> anyhow::Result<()> {
        let client = self.validator.get_async_rpc_client();
        let deadline = Instant::now() + timeout;
        for (name, id) in PROGRAMS {
            loop {
                let probe = Instruction {
                    program_id: id,
                    accounts: vec![],
                    data: vec![0xff; 8],
                };
                let blockhash = client.get_latest_blockhash().await?;
                let tx = solana_transaction::Transaction::new_signed_with_payer(
                    &[probe],
                    Some(&self.mint.pubkey()),
                    &[&self.mint],
                    blockhash,
                );
                let result = client.simulate_transaction(&tx).await?;
                let served = result.value.logs.as_ref().is_some_and(|logs| {
                    logs.iter()
                        .any(|l| l.contains(&format!("Program {id} invoke")))
                });
                if served {
                    break;
                }
                if Instant::now() > deadline {
                    bail!("{name} was not served within {} s", timeout.as_secs());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Ok(())
    }

    /// The validator, for direct access.
    pub fn validator(&self) -> &TestValidator {
        &self.validator
    }
}
