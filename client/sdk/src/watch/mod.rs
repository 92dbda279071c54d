//! Continuous monitoring: one stream of typed events about what a role relies on, pushed as the
//! changes land.
//!
//! - A **recruiter** watches the credentials its live grants cover, their issuers and registries,
//!   and the grants themselves. Consent is the scope: when a grant stops being in force, the
//!   credentials it covered stop being watched and a [`EventKind::WatchStopped`] says so.
//! - A **candidate** watches her credentials, the cohort leaves her grants name (and any she
//!   adds), and her grants: every recorded access is an event (her audit trail, live).
//! - An **issuer's authority** watches its issuers, their registries and their schemas.
//!
//! Over JSON-RPC the changes come from the cluster's WebSocket PubSub (`programSubscribe` on the
//! registry program, and on the consent program filtered to the role's key: two subscriptions
//! however many credentials are watched). On the embedded chain they come from the chain itself
//! as each transaction lands. Either way, on connect and on every reconnect the watcher reads
//! every watched account again at one slot and reports what changed while it was away, so a
//! dropped WebSocket or a restarted watcher (resumed from its [`WatchState`]) misses nothing.
//! Expiry is judged by the cluster's clock (its Clock sysvar), never the watcher's.
//!
//! Each event carries the slot it was seen at and an id: a hash of the account, the kind of
//! change and the account's own marker of it (the expiry, the revocation time, the use count,
//! the grant's terms; where the account keeps none, as for a suspension, the number of such
//! changes reported of that account so far). A watcher that saves its state before it hands
//! events on never reports one change under two ids, so a consumer de-duplicates on the id.
//!
//! What the state-by-state reading cannot see: changes that cancel out while the watcher is
//! away (a suspension lifted before it reconnects) leave the account as it was and are not
//! reported; the account's history ([`crate::audit`]) has them.

pub mod engine;
pub mod webhook;

use std::{
    collections::{HashSet, VecDeque},
    fmt,
    time::Duration,
};

use credence_consent::{
    constants::{GRANT_GRANTEE_OFFSET, GRANT_SUBJECT_OFFSET},
    state::{CredentialRef, Grant},
};
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_pubkey::Pubkey;
use tokio::{sync::mpsc, task::JoinHandle, time::Instant};

pub use engine::{Engine, WatchState};

use crate::{
    accounts,
    error::SdkError,
    transport::{CLOCK_SYSVAR, Memcmp, Transport, clock_unix_timestamp},
};

/// Whom a watcher watches for, and the key that identifies them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A recruiter (the grantee's key).
    Recruiter(Pubkey),
    /// A candidate (her wallet key).
    Candidate(Pubkey),
    /// An issuer's authority (the key that runs one or more issuers).
    Issuer(Pubkey),
}

impl Role {
    /// The key.
    pub fn key(&self) -> Pubkey {
        match self {
            Self::Recruiter(key) | Self::Candidate(key) | Self::Issuer(key) => *key,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Recruiter(key) => write!(f, "recruiter:{key}"),
            Self::Candidate(key) => write!(f, "candidate:{key}"),
            Self::Issuer(key) => write!(f, "issuer:{key}"),
        }
    }
}

/// A credential's (or a cohort leaf's) status, as watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In force.
    Active,
    /// Suspended.
    Suspended,
    /// Revoked.
    Revoked,
}

/// What to watch besides the role's own accounts, and when to warn.
#[derive(Clone, Debug, Default)]
pub struct WatchOptions {
    /// Warn this many seconds before a credential expires ([`EventKind::CredentialExpiring`]);
    /// `None`: only report the expiry.
    pub expiring_within: Option<i64>,
    /// A recruiter watching one grant only.
    pub grant: Option<Pubkey>,
    /// Cohort leaves a candidate holds besides those her grants name (a leaf names no one
    /// on-chain, so the chain cannot list them for her: they come from her credential files).
    pub leaves: Vec<CredentialRef>,
}

/// How the watcher connects and how often it reads the clock.
#[derive(Clone, Debug)]
pub struct WatchConfig {
    /// The WebSocket PubSub URL; `None`: derived from the RPC URL
    /// ([`crate::cluster::websocket_url`]).
    pub websocket_url: Option<String>,
    /// How often the cluster's clock is read to report expiries.
    pub clock_every: Duration,
    /// How often every watched account is read again even with the connection up (a closed
    /// account is not pushed by `programSubscribe`).
    pub resync_every: Duration,
    /// First wait before reconnecting; doubled after each failure up to `max_backoff`.
    pub backoff: Duration,
    /// Longest wait between reconnection attempts.
    pub max_backoff: Duration,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            websocket_url: None,
            clock_every: Duration::from_secs(10),
            resync_every: Duration::from_secs(300),
            backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// One change a watcher reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    /// Stable id: the same change has the same id however often it is delivered.
    pub id: String,
    /// The slot the change was seen at.
    pub slot: u64,
    /// The account that changed.
    #[serde(with = "crate::serde_text")]
    pub account: Pubkey,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Credentials are named as references: an address, or `cohort#index` for a
/// leaf of a cohort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A new credential of the candidate's.
    CredentialIssued {
        /// The credential.
        credential: String,
    },
    /// A credential was suspended.
    CredentialSuspended {
        /// The credential.
        credential: String,
    },
    /// A suspended credential is in force again.
    CredentialReinstated {
        /// The credential.
        credential: String,
    },
    /// A credential was revoked (final).
    CredentialRevoked {
        /// The credential.
        credential: String,
        /// The reason code (`REASON_*`; 0 for a cohort leaf, whose reason is in its event).
        reason_code: u16,
        /// The reason, in words.
        reason: Option<String>,
    },
    /// A credential's expiry changed.
    CredentialRenewed {
        /// The credential.
        credential: String,
        /// The new expiry (unix seconds; 0: never).
        expires_at: i64,
    },
    /// A credential expires within the window asked for.
    CredentialExpiring {
        /// The credential.
        credential: String,
        /// Its expiry (unix seconds).
        expires_at: i64,
        /// Days left, rounded up, by the cluster's clock.
        days_left: i64,
    },
    /// A credential expired, by the cluster's clock.
    CredentialExpired {
        /// The credential.
        credential: String,
        /// Its expiry (unix seconds).
        expires_at: i64,
    },
    /// A credential account was closed.
    CredentialClosed {
        /// The credential.
        credential: String,
    },
    /// An issuer was accredited.
    IssuerAccredited {
        /// The issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
    },
    /// An issuer was suspended: its credentials do not verify.
    IssuerSuspended {
        /// The issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
    },
    /// An issuer was revoked: its credentials never verify again.
    IssuerRevoked {
        /// The issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
    },
    /// A suspended issuer is accredited again.
    IssuerReinstated {
        /// The issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
    },
    /// A registry was paused: nothing is issued under it.
    RegistryPaused {
        /// The registry.
        #[serde(with = "crate::serde_text")]
        registry: Pubkey,
    },
    /// A registry was unpaused.
    RegistryUnpaused {
        /// The registry.
        #[serde(with = "crate::serde_text")]
        registry: Pubkey,
    },
    /// A schema was deprecated.
    SchemaDeprecated {
        /// The schema.
        #[serde(with = "crate::serde_text")]
        schema: Pubkey,
    },
    /// A grant to the recruiter (or by the candidate) appeared.
    GrantCreated {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// The candidate.
        #[serde(with = "crate::serde_text")]
        subject: Pubkey,
        /// The credentials it covers.
        credentials: Vec<String>,
        /// Its expiry.
        expires_at: i64,
    },
    /// A grant's terms changed.
    GrantUpdated {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// The credentials it covers now.
        credentials: Vec<String>,
        /// Its expiry now.
        expires_at: i64,
        /// Its most uses now (0: unlimited).
        max_uses: u32,
    },
    /// The candidate revoked a grant.
    GrantRevoked {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// When (cluster time).
        revoked_at: i64,
    },
    /// A grant expired, by the cluster's clock.
    GrantExpired {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// Its expiry.
        expires_at: i64,
    },
    /// A grant's last use was recorded.
    GrantUsedUp {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// Uses recorded.
        uses: u32,
    },
    /// A grant was closed.
    GrantClosed {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
    },
    /// The recruiter recorded a verification under a grant (the candidate's audit trail).
    AccessRecorded {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// Who verified.
        #[serde(with = "crate::serde_text")]
        grantee: Pubkey,
        /// Whose credentials.
        #[serde(with = "crate::serde_text")]
        subject: Pubkey,
        /// Uses recorded so far.
        uses: u32,
    },
    /// A recruiter's grant stopped being in force: these credentials are no longer watched.
    WatchStopped {
        /// The grant.
        #[serde(with = "crate::serde_text")]
        grant: Pubkey,
        /// The credentials no longer watched.
        credentials: Vec<String>,
    },
}

impl EventKind {
    /// The event's name, as in its JSON (`credential_revoked`).
    pub fn tag(&self) -> &'static str {
        match self {
            Self::CredentialIssued { .. } => "credential_issued",
            Self::CredentialSuspended { .. } => "credential_suspended",
            Self::CredentialReinstated { .. } => "credential_reinstated",
            Self::CredentialRevoked { .. } => "credential_revoked",
            Self::CredentialRenewed { .. } => "credential_renewed",
            Self::CredentialExpiring { .. } => "credential_expiring",
            Self::CredentialExpired { .. } => "credential_expired",
            Self::CredentialClosed { .. } => "credential_closed",
            Self::IssuerAccredited { .. } => "issuer_accredited",
            Self::IssuerSuspended { .. } => "issuer_suspended",
            Self::IssuerRevoked { .. } => "issuer_revoked",
            Self::IssuerReinstated { .. } => "issuer_reinstated",
            Self::RegistryPaused { .. } => "registry_paused",
            Self::RegistryUnpaused { .. } => "registry_unpaused",
            Self::SchemaDeprecated { .. } => "schema_deprecated",
            Self::GrantCreated { .. } => "grant_created",
            Self::GrantUpdated { .. } => "grant_updated",
            Self::GrantRevoked { .. } => "grant_revoked",
            Self::GrantExpired { .. } => "grant_expired",
            Self::GrantUsedUp { .. } => "grant_used_up",
            Self::GrantClosed { .. } => "grant_closed",
            Self::AccessRecorded { .. } => "access_recorded",
            Self::WatchStopped { .. } => "watch_stopped",
        }
    }
}

impl fmt::Display for WatchEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::time::utc;
        write!(f, "slot {}  ", self.slot)?;
        match &self.kind {
            EventKind::CredentialIssued { credential } => {
                write!(f, "credential {credential} issued")
            }
            EventKind::CredentialSuspended { credential } => {
                write!(f, "credential {credential} SUSPENDED")
            }
            EventKind::CredentialReinstated { credential } => {
                write!(f, "credential {credential} reinstated")
            }
            EventKind::CredentialRevoked {
                credential, reason, ..
            } => write!(
                f,
                "credential {credential} REVOKED ({})",
                reason
                    .as_deref()
                    .unwrap_or("reason in the revocation event")
            ),
            EventKind::CredentialRenewed {
                credential,
                expires_at,
            } => write!(
                f,
                "credential {credential} renewed until {}",
                utc(*expires_at)
            ),
            EventKind::CredentialExpiring {
                credential,
                expires_at,
                days_left,
            } => write!(
                f,
                "credential {credential} expires {} ({days_left} days left)",
                utc(*expires_at)
            ),
            EventKind::CredentialExpired {
                credential,
                expires_at,
            } => write!(f, "credential {credential} EXPIRED at {}", utc(*expires_at)),
            EventKind::CredentialClosed { credential } => {
                write!(f, "credential {credential} closed")
            }
            EventKind::IssuerAccredited { issuer } => write!(f, "issuer {issuer} accredited"),
            EventKind::IssuerSuspended { issuer } => write!(f, "issuer {issuer} SUSPENDED"),
            EventKind::IssuerRevoked { issuer } => write!(f, "issuer {issuer} REVOKED"),
            EventKind::IssuerReinstated { issuer } => write!(f, "issuer {issuer} reinstated"),
            EventKind::RegistryPaused { registry } => write!(f, "registry {registry} PAUSED"),
            EventKind::RegistryUnpaused { registry } => {
                write!(f, "registry {registry} unpaused")
            }
            EventKind::SchemaDeprecated { schema } => write!(f, "schema {schema} deprecated"),
            EventKind::GrantCreated {
                grant,
                subject,
                credentials,
                expires_at,
            } => write!(
                f,
                "grant {grant} from {subject}: {} credential(s) until {}",
                credentials.len(),
                utc(*expires_at)
            ),
            EventKind::GrantUpdated { grant, .. } => write!(f, "grant {grant} updated"),
            EventKind::GrantRevoked { grant, .. } => write!(f, "grant {grant} REVOKED"),
            EventKind::GrantExpired { grant, .. } => write!(f, "grant {grant} expired"),
            EventKind::GrantUsedUp { grant, uses } => {
                write!(f, "grant {grant} used up ({uses} uses)")
            }
            EventKind::GrantClosed { grant } => write!(f, "grant {grant} closed"),
            EventKind::AccessRecorded {
                grant,
                grantee,
                uses,
                ..
            } => write!(f, "{grantee} verified under grant {grant} (use {uses})"),
            EventKind::WatchStopped { grant, credentials } => write!(
                f,
                "grant {grant} no longer in force: stopped watching {}",
                credentials.join(", ")
            ),
        }?;
        write!(f, "  [{}]", self.id)
    }
}

/// What [`Watch::next`] has to say.
#[derive(Clone, Debug)]
pub enum Update {
    /// Events, in order (never empty).
    Events(Vec<WatchEvent>),
    /// Connected (or reconnected) and read every watched account at `slot`.
    Connected {
        /// Subscriptions held (0 on the embedded chain, which pushes without them).
        subscriptions: usize,
        /// Accounts watched.
        watched: usize,
        /// The slot of the read.
        slot: u64,
    },
    /// The connection was lost or could not be made; the watcher tries again after `retry_in`.
    Lost {
        /// What went wrong.
        error: String,
        /// The wait before the next attempt.
        retry_in: Duration,
    },
}

/// Counters of what a watcher used.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct WatchStats {
    /// Subscriptions held now.
    pub subscriptions: usize,
    /// Connections made (the first and each reconnection).
    pub connections: u32,
    /// HTTP requests made to read (over JSON-RPC: a listing, or one POST of up to 800 accounts
    /// with the clock; on the embedded chain, one per read).
    pub requests: u64,
    /// Account changes pushed to the watcher.
    pub pushed: u64,
    /// Events reported.
    pub events: u64,
}

enum FeedItem {
    /// An account as pushed, at its slot.
    Account {
        slot: u64,
        address: Pubkey,
        account: Account,
    },
    /// Accounts a landed transaction named (embedded chain).
    Touched(Vec<Pubkey>),
    /// The chain's clock was moved (embedded chain).
    Clock,
    /// The connection ended.
    Closed(String),
}

enum Feed {
    #[cfg(feature = "embedded")]
    Embedded(tokio::sync::broadcast::Receiver<crate::transport::embedded::Landed>),
    Rpc {
        items: mpsc::Receiver<FeedItem>,
        task: JoinHandle<()>,
    },
}

impl Drop for Feed {
    fn drop(&mut self) {
        if let Self::Rpc { task, .. } = self {
            task.abort();
        }
    }
}

impl Feed {
    async fn recv(&mut self) -> FeedItem {
        match self {
            #[cfg(feature = "embedded")]
            Self::Embedded(receiver) => {
                use crate::transport::embedded::Landed;
                use tokio::sync::broadcast::error::RecvError;
                match receiver.recv().await {
                    Ok(Landed::Transaction(keys)) => FeedItem::Touched(keys),
                    Ok(Landed::Clock) => FeedItem::Clock,
                    Err(RecvError::Lagged(n)) => {
                        FeedItem::Closed(format!("fell {n} transactions behind the chain"))
                    }
                    Err(RecvError::Closed) => FeedItem::Closed("the chain stopped".into()),
                }
            }
            Self::Rpc { items, .. } => items
                .recv()
                .await
                .unwrap_or_else(|| FeedItem::Closed("the subscription task ended".into())),
        }
    }
}

/// The `programSubscribe` subscriptions a role needs: the registry program (every credential,
/// cohort page, issuer and registry change; the watcher keeps those it watches) and, for a
/// recruiter or a candidate, the consent program's grants naming the role's key.
pub fn subscriptions(role: &Role) -> Vec<(Pubkey, Vec<Memcmp>)> {
    let grant = Memcmp {
        offset: 0,
        bytes: <Grant as anchor_lang::Discriminator>::DISCRIMINATOR.to_vec(),
    };
    let mut out = vec![(credence_registry::ID, Vec::new())];
    match role {
        Role::Recruiter(key) => out.push((
            credence_consent::ID,
            vec![grant, Memcmp::key(GRANT_GRANTEE_OFFSET, key)],
        )),
        Role::Candidate(key) => out.push((
            credence_consent::ID,
            vec![grant, Memcmp::key(GRANT_SUBJECT_OFFSET, key)],
        )),
        Role::Issuer(_) => {}
    }
    out
}

async fn connect_rpc(
    websocket_url: &str,
    subscriptions: Vec<(Pubkey, Vec<Memcmp>)>,
) -> Result<(Feed, usize), SdkError> {
    use futures_util::StreamExt;
    use solana_account_decoder_client_types::UiAccountEncoding;
    use solana_client::{
        nonblocking::pubsub_client::PubsubClient,
        rpc_config::{RpcAccountInfoConfig, RpcProgramAccountsConfig},
        rpc_filter::{Memcmp as RpcMemcmp, RpcFilterType},
    };
    use solana_commitment_config::CommitmentConfig;

    let unreachable = |detail: String| SdkError::PubsubUnreachable {
        url: websocket_url.to_string(),
        detail,
    };
    let client = tokio::time::timeout(Duration::from_secs(10), PubsubClient::new(websocket_url))
        .await
        .map_err(|_| unreachable("no answer within 10 s".into()))?
        .map_err(|e| unreachable(e.to_string()))?;
    let (sender, items) = mpsc::channel(4096);
    let (ready, subscribed) = tokio::sync::oneshot::channel::<Result<usize, String>>();
    let count = subscriptions.len();
    let task = tokio::spawn(async move {
        let mut streams = Vec::new();
        for (program, filters) in &subscriptions {
            let config = RpcProgramAccountsConfig {
                filters: (!filters.is_empty()).then(|| {
                    filters
                        .iter()
                        .map(|f| {
                            RpcFilterType::Memcmp(RpcMemcmp::new_raw_bytes(
                                f.offset,
                                f.bytes.clone(),
                            ))
                        })
                        .collect()
                }),
                account_config: RpcAccountInfoConfig {
                    encoding: Some(UiAccountEncoding::Base64),
                    commitment: Some(CommitmentConfig::confirmed()),
                    ..RpcAccountInfoConfig::default()
                },
                with_context: Some(true),
                sort_results: None,
            };
            match client.program_subscribe(program, Some(config)).await {
                Ok((stream, _unsubscribe)) => streams.push(stream),
                Err(e) => {
                    let _ = ready.send(Err(format!("programSubscribe {program}: {e}")));
                    return;
                }
            }
        }
        let _ = ready.send(Ok(streams.len()));
        let mut merged = futures_util::stream::select_all(streams);
        while let Some(response) = merged.next().await {
            let slot = response.context.slot;
            let keyed = response.value;
            let item = match (
                keyed.pubkey.parse::<Pubkey>(),
                crate::transport::rpc::decode_ui_account(&keyed.account),
            ) {
                (Ok(address), Ok(account)) => FeedItem::Account {
                    slot,
                    address,
                    account,
                },
                _ => continue,
            };
            if sender.send(item).await.is_err() {
                return;
            }
        }
        let _ = sender
            .send(FeedItem::Closed("the WebSocket connection closed".into()))
            .await;
    });
    let feed = Feed::Rpc { items, task };
    match tokio::time::timeout(Duration::from_secs(10), subscribed).await {
        Ok(Ok(Ok(n))) => Ok((feed, n)),
        Ok(Ok(Err(e))) => Err(unreachable(e)),
        Ok(Err(_)) => Err(unreachable(
            "the connection closed while subscribing".into(),
        )),
        Err(_) => Err(unreachable(format!(
            "{count} subscriptions not confirmed within 10 s"
        ))),
    }
}

/// A watcher: connect, read, then report changes as they land, reconnecting whenever the
/// connection drops. Pull events with [`Watch::next`]; save [`Watch::state`] before handing
/// them on to resume without repeats.
pub struct Watch<'a> {
    transport: &'a Transport,
    engine: Engine,
    config: WatchConfig,
    feed: Option<Feed>,
    ready: VecDeque<Update>,
    retry_in: Duration,
    /// A wait owed before the next connection attempt.
    wait: Option<Duration>,
    next_clock: Instant,
    next_resync: Instant,
    /// Keys the embedded feed named that can never become a watched account (programs,
    /// sysvars, accounts of other programs).
    ignored: HashSet<Pubkey>,
    stats: WatchStats,
}

impl<'a> Watch<'a> {
    /// A watcher for `role` on `transport`, starting fresh (`state: None`: what it finds first
    /// is the baseline) or resuming a saved state.
    pub fn new(
        transport: &'a Transport,
        role: Role,
        options: WatchOptions,
        config: WatchConfig,
        state: Option<WatchState>,
    ) -> Result<Self, SdkError> {
        let engine = Engine::new(role, options, state)
            .map_err(|problem| SdkError::WatchState { problem })?;
        let now = Instant::now();
        Ok(Self {
            transport,
            engine,
            retry_in: config.backoff,
            wait: None,
            config,
            feed: None,
            ready: VecDeque::new(),
            next_clock: now,
            next_resync: now,
            ignored: HashSet::new(),
            stats: WatchStats::default(),
        })
    }

    /// The state to save (it already counts the events reported so far): save it before
    /// handing them on.
    pub fn state(&self) -> WatchState {
        self.engine.state()
    }

    /// The engine (what is watched).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// What the watcher used so far.
    pub fn stats(&self) -> WatchStats {
        self.stats
    }

    /// Drops the connection, as a network fault would: the next [`Self::next`] reconnects and
    /// reads everything again.
    pub fn disconnect(&mut self) {
        self.feed = None;
        self.stats.subscriptions = 0;
    }

    /// The next update: events, or news of the connection. Waits until there is one. Faults of
    /// the connection are not errors: they come back as [`Update::Lost`] and the watcher
    /// reconnects on the next call.
    pub async fn next(&mut self) -> Update {
        loop {
            if let Some(update) = self.ready.pop_front() {
                if let Update::Events(events) = &update {
                    self.stats.events += events.len() as u64;
                }
                return update;
            }
            if self.feed.is_none() {
                if let Some(wait) = self.wait.take() {
                    tokio::time::sleep(wait).await;
                }
                if let Err(error) = self.connect().await {
                    self.disconnect();
                    let retry_in = self.retry_in;
                    self.retry_in = (self.retry_in * 2).min(self.config.max_backoff);
                    self.wait = Some(retry_in);
                    return Update::Lost {
                        error: error.to_string(),
                        retry_in,
                    };
                }
                self.retry_in = self.config.backoff;
                continue;
            }
            let result = self.step().await;
            if let Err(error) = result {
                self.disconnect();
                self.ready.push_back(Update::Lost {
                    error: error.to_string(),
                    retry_in: Duration::ZERO,
                });
            }
        }
    }

    fn push_events(&mut self, events: Vec<WatchEvent>) {
        if !events.is_empty() {
            self.ready.push_back(Update::Events(events));
        }
    }

    async fn connect(&mut self) -> Result<(), SdkError> {
        let (feed, subscriptions) = match self.transport {
            #[cfg(feature = "embedded")]
            Transport::Embedded(chain) => (Feed::Embedded(chain.subscribe()), 0),
            Transport::Rpc(rpc) => {
                let url = match &self.config.websocket_url {
                    Some(url) => url.clone(),
                    None => crate::cluster::websocket_url(rpc.url())?,
                };
                connect_rpc(&url, subscriptions(self.engine.role())).await?
            }
        };
        // Subscribed first, then read: a change landing in between is both read and pushed,
        // and the older of the two is never applied over the newer.
        self.feed = Some(feed);
        self.stats.subscriptions = subscriptions;
        self.stats.connections += 1;
        let slot = self.resync().await?;
        self.ready.push_back(Update::Connected {
            subscriptions,
            watched: self.engine.watched(),
            slot,
        });
        Ok(())
    }

    /// Lists the role's roots, reads every watched account at one slot with the clock, reports
    /// what changed since the state was last saved, and reads what the roots lead to.
    async fn resync(&mut self) -> Result<u64, SdkError> {
        let mut addresses: Vec<Pubkey> = self.discover().await?;
        addresses.extend(self.engine.wanted().iter().copied());
        addresses.extend(self.engine.seen_addresses().copied());
        addresses.sort();
        addresses.dedup();
        let slot = self.read(addresses, true).await?;
        self.read_missing().await?;
        self.engine.mark_synced();
        self.next_resync = Instant::now() + self.config.resync_every;
        self.next_clock = Instant::now() + self.config.clock_every;
        Ok(slot)
    }

    async fn discover(&mut self) -> Result<Vec<Pubkey>, SdkError> {
        let transport = self.transport;
        let mut out = Vec::new();
        match self.engine.role().clone() {
            Role::Recruiter(me) => match self.engine.grant() {
                Some(grant) => out.push(grant),
                None => {
                    self.stats.requests += 1;
                    out.extend(
                        accounts::grants_to_grantee(transport, &me)
                            .await?
                            .into_iter()
                            .map(|(a, _)| a),
                    );
                }
            },
            Role::Candidate(me) => {
                self.stats.requests += 2;
                out.extend(
                    accounts::credentials_of_subject(transport, &me)
                        .await?
                        .into_iter()
                        .map(|(a, _)| a),
                );
                out.extend(
                    accounts::grants_of_subject(transport, &me)
                        .await?
                        .into_iter()
                        .map(|(a, _)| a),
                );
            }
            Role::Issuer(me) => {
                self.stats.requests += 1;
                let issuers = accounts::issuers_of_authority(transport, &me).await?;
                for (issuer, _) in &issuers {
                    self.stats.requests += 1;
                    out.extend(
                        accounts::schemas_of_issuer(transport, issuer)
                            .await?
                            .into_iter()
                            .map(|(a, _)| a),
                    );
                }
                out.extend(issuers.into_iter().map(|(a, _)| a));
            }
        }
        Ok(out)
    }

    /// Reads `addresses` and the clock at one slot and applies them.
    async fn read(&mut self, addresses: Vec<Pubkey>, with_clock: bool) -> Result<u64, SdkError> {
        let mut all = addresses;
        if with_clock {
            all.push(CLOCK_SYSVAR);
        }
        let read = self.transport.accounts_at(&all).await?;
        self.stats.requests += u64::from(read.round_trips.max(1));
        let mut accounts: Vec<(Pubkey, Option<Account>)> =
            all.into_iter().zip(read.accounts).collect();
        let now = if with_clock {
            accounts
                .pop()
                .and_then(|(_, clock)| clock)
                .and_then(|clock| clock_unix_timestamp(&clock.data))
        } else {
            None
        };
        let events = self.engine.apply(read.slot, now, &accounts);
        self.push_events(events);
        Ok(read.slot)
    }

    /// Reads what the watched accounts lead to and was never read (a new grant's credentials,
    /// a credential's issuer and registry), until nothing is missing.
    async fn read_missing(&mut self) -> Result<(), SdkError> {
        for _ in 0..4 {
            let missing = self.engine.missing();
            if missing.is_empty() {
                break;
            }
            self.read(missing, false).await?;
        }
        Ok(())
    }

    async fn step(&mut self) -> Result<(), SdkError> {
        let deadline = self.next_clock.min(self.next_resync);
        let item = {
            let feed = self.feed.as_mut().expect("connected");
            tokio::select! {
                item = feed.recv() => Some(item),
                () = tokio::time::sleep_until(deadline) => None,
            }
        };
        match item {
            None => {
                if Instant::now() >= self.next_resync {
                    self.resync().await?;
                } else {
                    self.read(Vec::new(), true).await?;
                    self.next_clock = Instant::now() + self.config.clock_every;
                }
            }
            Some(FeedItem::Account {
                slot,
                address,
                account,
            }) => {
                self.stats.pushed += 1;
                if self.engine.is_watched(&address) || self.engine.wants_new(&address, &account) {
                    let events = self.engine.apply(slot, None, &[(address, Some(account))]);
                    self.push_events(events);
                    self.read_missing().await?;
                }
            }
            Some(FeedItem::Touched(keys)) => {
                self.stats.pushed += 1;
                let keys: Vec<Pubkey> = keys
                    .into_iter()
                    .filter(|k| !self.ignored.contains(k))
                    .collect();
                if !keys.is_empty() {
                    let read = self.transport.accounts_at(&keys).await?;
                    self.stats.requests += u64::from(read.round_trips.max(1));
                    let mut changed = Vec::new();
                    for (key, account) in keys.into_iter().zip(read.accounts) {
                        match &account {
                            Some(a)
                                if a.executable
                                    || (a.owner != credence_registry::ID
                                        && a.owner != credence_consent::ID
                                        && a.owner != solana_sdk_ids::system_program::ID) =>
                            {
                                self.ignored.insert(key);
                            }
                            _ => changed.push((key, account)),
                        }
                    }
                    let events = self.engine.apply(read.slot, None, &changed);
                    self.push_events(events);
                    self.read_missing().await?;
                }
            }
            Some(FeedItem::Clock) => {
                self.read(Vec::new(), true).await?;
            }
            Some(FeedItem::Closed(problem)) => {
                return Err(SdkError::Rpc(problem));
            }
        }
        Ok(())
    }
}
