//! The candidate's audit trail: who verified what, and when, under each of her grants, including
//! grants she has since closed, read from the cluster's transaction history and cross-checked
//! against each open grant's use counter.
//!
//! Where the trail comes from, and why it resists tampering:
//! - her grants are enumerated from two sources: the grant accounts that exist now, and her
//!   wallet's history (every `create_grant`, `approve_request`, `update_grant`, `revoke_grant`
//!   and `close_grant` she signed, and the `GrantCreated`, `RequestApproved` and `GrantClosed`
//!   events naming her). So closing a grant does not erase its accesses;
//! - each grant's history is read page by page with `before` until it is exhausted, up to a
//!   read limit ([`AuditOptions::max_signatures`]) that is reported when reached
//!   ([`AuditTrail::truncated`]), never silently; a transaction the history lists but the node
//!   cannot serve yet is reported too ([`AuditTrail::unreadable`]);
//! - an entry counts only if it is an `AccessRecorded` event the consent program itself logged
//!   (the parser follows the invoke stack) for that very grant, or a `record_access`
//!   instruction of the consent program on that grant in a successful transaction. Anything
//!   else naming the grant (a 0-lamport transfer with the grant appended, say) is ignored, so
//!   spam cannot forge or push out entries, only make the read longer;
//! - events are filtered by grant, and each transaction is read once per grant: a transaction
//!   recording accesses under two of her grants gives one entry under each;
//! - where a node keeps no logs, the `record_access` instruction is decoded and its mask
//!   applied to the grant's credential list as it stood at that access, rebuilt from the
//!   grant's own history (its creation and later updates). When that list cannot be rebuilt
//!   the entry says so ([`AccessEntry::credentials_known`]) instead of guessing;
//! - for each grant still open, the entries found are compared with the account's `uses`
//!   ([`GrantAudit::missing`]); for a closed grant, with the use numbers the events carry.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use anchor_lang::{AnchorDeserialize, Discriminator};
use credence_consent::{
    events::{AccessRecorded, GrantClosed, GrantCreated, GrantUpdated, RequestApproved},
    instruction as cins,
    state::{AccessOutcome, CredentialRef, Grant, select_credentials},
};
use serde::{Deserialize, Serialize};
use solana_instruction::Instruction;
use solana_pubkey::Pubkey;
use solana_signature::Signature;

use crate::{
    accounts,
    error::SdkError,
    events,
    transport::{AddressHistory, TransactionRecord, Transport},
};

/// The most signatures read from one address's history by default: ten pages of
/// `getSignaturesForAddress`. Reaching it is reported in [`AuditTrail::truncated`].
pub const DEFAULT_HISTORY_LIMIT: usize = 10_000;

/// How much history an audit reads.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The most signatures read from any one address's history (her wallet, each grant),
    /// failed transactions included. Each signature read may cost one `getTransaction`.
    pub max_signatures: usize,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            max_signatures: DEFAULT_HISTORY_LIMIT,
        }
    }
}

/// Where an [`AccessEntry`] was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntrySource {
    /// The `AccessRecorded` event the consent program logged.
    Event,
    /// The `record_access` instruction, decoded because the node kept no logs for it.
    Instruction,
}

/// The outcome a recruiter recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed.
    Verified,
    /// At least one check failed.
    Failed,
}

impl From<AccessOutcome> for Outcome {
    fn from(outcome: AccessOutcome) -> Self {
        match outcome {
            AccessOutcome::Verified => Self::Verified,
            AccessOutcome::Failed => Self::Failed,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Verified => "verified",
            Self::Failed => "failed",
        })
    }
}

/// One entry of a candidate's audit trail: a recorded verification. In JSON, addresses and the
/// signature are base58.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessEntry {
    /// The grant it was recorded under.
    #[serde(with = "crate::serde_text")]
    pub grant: Pubkey,
    /// The recruiter.
    #[serde(with = "crate::serde_text")]
    pub grantee: Pubkey,
    /// The credentials checked (empty when `credentials_known` is false).
    #[serde(with = "crate::serde_text::credential_refs")]
    pub credentials: Vec<CredentialRef>,
    /// Whether `credentials` is known. False only for an entry decoded from its instruction
    /// whose grant's credential list at that moment could not be rebuilt from history (its
    /// creation lies beyond the history read); `credentials_mask` then says which positions of
    /// that list were checked.
    pub credentials_known: bool,
    /// For an entry decoded from its instruction: the mask as sent (bit `i`: the grant's
    /// `i`-th credential at the time).
    pub credentials_mask: Option<u16>,
    /// What the recruiter recorded.
    pub outcome: Outcome,
    /// Which use of the grant (1 for the first; 0 when it cannot be told: an entry decoded
    /// from its instruction whose grant's creation lies beyond the history read).
    pub use_number: u32,
    /// When (unix seconds; 0 when the node does not say).
    pub timestamp: i64,
    /// The transaction.
    #[serde(with = "crate::serde_text")]
    pub signature: Signature,
    /// Where the entry was read.
    pub source: EntrySource,
}

/// The cross-check of one grant: the entries found against the uses it counted.
///
/// A grant address can be used again after its grant is closed (same recruiter, same grant id):
/// each grant created there is audited on its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GrantAudit {
    /// The grant's address.
    #[serde(with = "crate::serde_text")]
    pub grant: Pubkey,
    /// The recruiter, if known.
    #[serde(with = "crate::serde_text::option")]
    pub grantee: Option<Pubkey>,
    /// The transaction that created it, if its history was read back that far.
    #[serde(with = "crate::serde_text::option")]
    pub created_in: Option<Signature>,
    /// Whether it was closed (its account is gone; its entries come from history alone).
    pub closed: bool,
    /// Entries found.
    pub entries: u32,
    /// The uses its account counts (`None` once closed).
    pub uses: Option<u32>,
    /// Uses with no entry found: `uses` minus the entries for an open grant; for a closed
    /// grant, the use numbers skipped below the highest one found.
    pub missing: u32,
    /// Whether every use is accounted for: for an open grant, entries equal `uses`; for a
    /// closed one, its history was read from creation to closing with no use number skipped.
    pub complete: bool,
}

/// An address whose history was longer than the read limit: its older transactions were not
/// read, so entries (or grants) older than those read may be missing.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TruncatedHistory {
    /// The address (her wallet or a grant).
    #[serde(with = "crate::serde_text")]
    pub address: Pubkey,
    /// Signatures read before stopping.
    pub read: usize,
}

/// A candidate's audit trail.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditTrail {
    /// Every recorded access found, each once, newest first.
    pub entries: Vec<AccessEntry>,
    /// The cross-check of each grant found, open or closed.
    pub grants: Vec<GrantAudit>,
    /// Histories cut short by the read limit (empty: every history was read to its start).
    pub truncated: Vec<TruncatedHistory>,
    /// Transactions an address's history lists but the node did not return (yet): a node lists
    /// a confirmed transaction before it can serve it (Agave's test validator, until its slot is
    /// rooted). Whatever they hold is not in this trail; reading again later finds it.
    #[serde(with = "crate::serde_text::vec")]
    pub unreadable: Vec<Signature>,
}

impl AuditTrail {
    /// Whether the trail is known to be complete: every history read to its start, every
    /// transaction listed read, and every grant's uses accounted for.
    pub fn complete(&self) -> bool {
        self.truncated.is_empty()
            && self.unreadable.is_empty()
            && self.grants.iter().all(|g| g.complete)
    }

    /// Uses counted on-chain (or implied by use numbers) with no entry found, over all grants.
    pub fn missing(&self) -> u32 {
        self.grants
            .iter()
            .fold(0u32, |sum, g| sum.saturating_add(g.missing))
    }
}

/// The audit trail of `subject`'s grants (see the [module documentation](self));
/// [`Candidate::audit_trail_with`](crate::roles::Candidate::audit_trail_with) is the API.
pub(crate) async fn read_trail(
    transport: &Transport,
    subject: &Pubkey,
    options: &AuditOptions,
) -> Result<AuditTrail, SdkError> {
    let me = *subject;
    let mut reader = Reader {
        transport,
        max: options.max_signatures,
        records: HashMap::new(),
        truncated: Vec::new(),
        unreadable: BTreeSet::new(),
    };

    // Her grants: those open now, and every one her wallet's history names.
    let open: HashMap<Pubkey, Grant> = accounts::grants_of_subject(transport, subject)
        .await?
        .into_iter()
        .collect();
    let mut addresses: BTreeSet<Pubkey> = open.keys().copied().collect();
    let wallet = reader.history(&me).await?;
    for signature in wallet.signatures.iter().rev() {
        if let Some(record) = reader.record(&signature.signature).await? {
            addresses.extend(grants_named(&me, &record));
        }
    }

    let mut trail = AuditTrail {
        entries: Vec::new(),
        grants: Vec::new(),
        truncated: Vec::new(),
        unreadable: Vec::new(),
    };
    for address in addresses {
        let history = reader.history(&address).await?;
        let mut seen = HashSet::new();
        let mut transactions = Vec::new();
        for info in history.signatures.iter().rev() {
            if seen.insert(info.signature)
                && let Some(record) = reader.record(&info.signature).await?
            {
                let time = record.block_time.or(info.block_time);
                transactions.push((info.signature, time, record));
            }
        }
        let audited = audit_grant(&address, &transactions, open.get(&address));
        trail.entries.extend(audited.entries);
        trail.grants.extend(audited.grants);
    }
    trail.truncated = reader.truncated;
    trail.unreadable = reader.unreadable.into_iter().collect();

    // Newest first: by time, then use number; ties keep history order, newest first.
    let mut keyed: Vec<(usize, AccessEntry)> = trail.entries.into_iter().enumerate().collect();
    keyed.sort_by(|(ia, a), (ib, b)| {
        b.timestamp
            .cmp(&a.timestamp)
            .then(b.use_number.cmp(&a.use_number))
            .then(ib.cmp(ia))
    });
    trail.entries = keyed.into_iter().map(|(_, e)| e).collect();
    Ok(trail)
}

/// Reads histories and transactions, each transaction once.
struct Reader<'t> {
    transport: &'t Transport,
    max: usize,
    records: HashMap<Signature, TransactionRecord>,
    truncated: Vec<TruncatedHistory>,
    unreadable: BTreeSet<Signature>,
}

impl Reader<'_> {
    async fn history(&mut self, address: &Pubkey) -> Result<AddressHistory, SdkError> {
        let history = self.transport.signatures_for(address, self.max).await?;
        if !history.exhausted {
            self.truncated.push(TruncatedHistory {
                address: *address,
                read: history.read,
            });
        }
        Ok(history)
    }

    /// A listed transaction; `None` (noted in `unreadable`) when the node does not return it.
    async fn record(
        &mut self,
        signature: &Signature,
    ) -> Result<Option<TransactionRecord>, SdkError> {
        if let Some(record) = self.records.get(signature) {
            return Ok(Some(record.clone()));
        }
        if self.unreadable.contains(signature) {
            return Ok(None);
        }
        match self.transport.transaction(signature).await {
            Ok(record) => {
                self.records.insert(*signature, record.clone());
                Ok(Some(record))
            }
            Err(SdkError::TransactionNotFound(_)) => {
                self.unreadable.insert(*signature);
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }
}

// ------------------------------------------------------------------ reading one transaction

/// The position of account `account` in instruction `instruction` of the consent program, from
/// its committed IDL (so a reordered or extended account list is followed, not misread).
fn account_index(instruction: &str, account: &str) -> Option<usize> {
    static TABLE: OnceLock<HashMap<(String, String), usize>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let idl: serde_json::Value =
            serde_json::from_str(include_str!("../../../idl/credence_consent.json"))
                .unwrap_or_default();
        let mut table = HashMap::new();
        for ix in idl["instructions"].as_array().into_iter().flatten() {
            let Some(name) = ix["name"].as_str() else {
                continue;
            };
            for (i, acc) in ix["accounts"].as_array().into_iter().flatten().enumerate() {
                if let Some(acc) = acc["name"].as_str() {
                    table.insert((name.to_string(), acc.to_string()), i);
                }
            }
        }
        table
    });
    table
        .get(&(instruction.to_string(), account.to_string()))
        .copied()
}

fn account_of(ix: &Instruction, instruction: &str, account: &str) -> Option<Pubkey> {
    ix.accounts
        .get(account_index(instruction, account)?)
        .map(|meta| meta.pubkey)
}

/// Decodes instruction arguments (or an event) the way the program does: the body after the
/// discriminator, trailing bytes ignored (the program ignores them too, so a caller appending
/// bytes cannot make an instruction unreadable here).
fn decode<T: AnchorDeserialize + Discriminator>(data: &[u8]) -> Option<T> {
    let mut body = data.strip_prefix(T::DISCRIMINATOR)?;
    T::deserialize(&mut body).ok()
}

/// The consent program's top-level instructions in `record`.
fn consent_instructions(record: &TransactionRecord) -> impl Iterator<Item = &Instruction> {
    record
        .instructions
        .iter()
        .filter(|ix| ix.program_id == credence_consent::ID)
}

/// Grants of `subject` that a transaction of her wallet's history names: instructions she
/// signed as subject, and events naming her as subject.
fn grants_named(subject: &Pubkey, record: &TransactionRecord) -> Vec<Pubkey> {
    let mut grants = Vec::new();
    for ix in consent_instructions(record) {
        for name in [
            "create_grant",
            "approve_request",
            "update_grant",
            "revoke_grant",
            "close_grant",
        ] {
            if instruction_is(ix, name) && account_of(ix, name, "subject") == Some(*subject) {
                grants.extend(account_of(ix, name, "grant"));
            }
        }
    }
    for bytes in events::raw_events(&credence_consent::ID, &record.logs) {
        if let Some(e) = decode::<GrantCreated>(&bytes) {
            if e.subject == *subject {
                grants.push(e.grant);
            }
        } else if let Some(e) = decode::<RequestApproved>(&bytes) {
            if e.subject == *subject {
                grants.push(e.grant);
            }
        } else if let Some(e) = decode::<GrantClosed>(&bytes)
            && e.subject == *subject
        {
            grants.push(e.grant);
        }
    }
    grants
}

fn instruction_is(ix: &Instruction, name: &str) -> bool {
    let discriminator: &[u8] = match name {
        "create_grant" => cins::CreateGrant::DISCRIMINATOR,
        "approve_request" => cins::ApproveRequest::DISCRIMINATOR,
        "update_grant" => cins::UpdateGrant::DISCRIMINATOR,
        "revoke_grant" => cins::RevokeGrant::DISCRIMINATOR,
        "close_grant" => cins::CloseGrant::DISCRIMINATOR,
        "record_access" => cins::RecordAccess::DISCRIMINATOR,
        _ => return false,
    };
    ix.data.starts_with(discriminator)
}

/// A change of a grant's credential list.
#[derive(Clone, Debug)]
enum ListChange {
    Kept,
    Set(Vec<CredentialRef>),
    Unknown,
}

/// What one transaction did to one grant, in program order.
#[derive(Clone, Debug)]
enum Action {
    Created {
        grantee: Option<Pubkey>,
        credentials: Option<Vec<CredentialRef>>,
    },
    Updated(ListChange),
    Closed,
    Access {
        grantee: Pubkey,
        checked: Checked,
        outcome: AccessOutcome,
        use_number: Option<u32>,
        timestamp: Option<i64>,
    },
}

#[derive(Clone, Debug)]
enum Checked {
    /// Named by the event.
    Listed(Vec<CredentialRef>),
    /// A mask over the grant's list at the time (decoded instruction).
    Mask(u16),
}

/// What the consent program's events in `record` say happened to `grant`.
fn actions_from_events(grant: &Pubkey, record: &TransactionRecord) -> Vec<Action> {
    let mut actions = Vec::new();
    for bytes in events::raw_events(&credence_consent::ID, &record.logs) {
        if let Some(e) = decode::<AccessRecorded>(&bytes) {
            if e.grant == *grant {
                actions.push(Action::Access {
                    grantee: e.grantee,
                    checked: Checked::Listed(e.credentials),
                    outcome: e.outcome,
                    use_number: Some(e.use_number),
                    timestamp: Some(e.timestamp),
                });
            }
        } else if let Some(e) = decode::<GrantCreated>(&bytes) {
            if e.grant == *grant {
                actions.push(Action::Created {
                    grantee: Some(e.grantee),
                    credentials: Some(e.credentials),
                });
            }
        } else if let Some(e) = decode::<GrantUpdated>(&bytes) {
            if e.grant == *grant {
                actions.push(Action::Updated(ListChange::Set(e.credentials)));
            }
        } else if let Some(e) = decode::<GrantClosed>(&bytes)
            && e.grant == *grant
        {
            actions.push(Action::Closed);
        }
    }
    actions
}

/// What the consent program's top-level instructions in `record` did to `grant` (the
/// transaction landed, so each of them succeeded).
fn actions_from_instructions(grant: &Pubkey, record: &TransactionRecord) -> Vec<Action> {
    let mut actions = Vec::new();
    for ix in consent_instructions(record) {
        let on =
            |name: &str| instruction_is(ix, name) && account_of(ix, name, "grant") == Some(*grant);
        if on("record_access") {
            let (Some(call), Some(grantee)) = (
                decode::<cins::RecordAccess>(&ix.data),
                account_of(ix, "record_access", "grantee"),
            ) else {
                continue;
            };
            actions.push(Action::Access {
                grantee,
                checked: Checked::Mask(call.args.credentials_mask),
                outcome: call.args.outcome,
                use_number: None,
                timestamp: record.block_time,
            });
        } else if on("create_grant") {
            let call = decode::<cins::CreateGrant>(&ix.data);
            actions.push(Action::Created {
                grantee: call.as_ref().map(|c| c.args.grantee),
                credentials: call.map(|c| c.args.credentials),
            });
        } else if on("approve_request") {
            actions.push(Action::Created {
                grantee: account_of(ix, "approve_request", "requester"),
                credentials: decode::<cins::ApproveRequest>(&ix.data).map(|c| c.args.credentials),
            });
        } else if on("update_grant") {
            actions.push(Action::Updated(
                match decode::<cins::UpdateGrant>(&ix.data) {
                    Some(call) => match call.args.credentials {
                        Some(list) => ListChange::Set(list),
                        None => ListChange::Kept,
                    },
                    None => ListChange::Unknown,
                },
            ));
        } else if on("close_grant") {
            actions.push(Action::Closed);
        }
    }
    actions
}

/// What `record` did to `grant`: read from the events when the node kept the logs and they hold
/// at least as many accesses as the instructions show (they also show accesses recorded through
/// another program); otherwise (no logs, or logs cut short) from the instructions.
fn actions(grant: &Pubkey, record: &TransactionRecord) -> (Vec<Action>, EntrySource) {
    let accesses = |actions: &[Action]| {
        actions
            .iter()
            .filter(|a| matches!(a, Action::Access { .. }))
            .count()
    };
    let from_events = actions_from_events(grant, record);
    let from_instructions = actions_from_instructions(grant, record);
    if !record.logs.is_empty() && accesses(&from_events) >= accesses(&from_instructions) {
        (from_events, EntrySource::Event)
    } else {
        (from_instructions, EntrySource::Instruction)
    }
}

// ------------------------------------------------------------------ one grant's history

/// One grant created at an address, from its creation (if read) to its closing (if any).
struct Segment {
    created_in: Option<Signature>,
    grantee: Option<Pubkey>,
    closed: bool,
    /// Entries, and credential-list changes between them, in history order.
    items: Vec<Item>,
}

enum Item {
    Entry(Pending),
    ListChanged,
}

struct Pending {
    entry: AccessEntry,
    mask: Option<u16>,
}

struct Audited {
    entries: Vec<AccessEntry>,
    grants: Vec<GrantAudit>,
}

/// The credentials `mask` selected from the grant's list as it stood, by the program's own
/// rule ([`select_credentials`]); `None` for a mask the program would have refused.
fn selected(list: &[CredentialRef], mask: u16) -> Option<Vec<CredentialRef>> {
    select_credentials(list, mask).ok()
}

/// Audits one grant address from its transactions, oldest first, and its account if open.
fn audit_grant(
    address: &Pubkey,
    transactions: &[(Signature, Option<i64>, TransactionRecord)],
    open: Option<&Grant>,
) -> Audited {
    let mut segments: Vec<Segment> = Vec::new();
    // The credential list and use counter of the current segment, as far as known.
    let mut list: Option<Vec<CredentialRef>> = None;
    let mut counter: Option<u32> = None;
    for (signature, time, record) in transactions {
        let (actions, source) = actions(address, record);
        for action in actions {
            if !matches!(action, Action::Created { .. }) && segments.last().is_none_or(|s| s.closed)
            {
                // History before the first creation read (or after a closing whose
                // re-creation was not read): a segment whose start is unknown.
                segments.push(Segment {
                    created_in: None,
                    grantee: None,
                    closed: false,
                    items: Vec::new(),
                });
                list = None;
                counter = None;
            }
            match action {
                Action::Created {
                    grantee,
                    credentials,
                } => {
                    segments.push(Segment {
                        created_in: Some(*signature),
                        grantee,
                        closed: false,
                        items: Vec::new(),
                    });
                    list = credentials;
                    counter = Some(0);
                }
                Action::Updated(change) => {
                    let segment = segments.last_mut().expect("a segment is open");
                    match change {
                        ListChange::Kept => {}
                        ListChange::Set(new) => {
                            list = Some(new);
                            segment.items.push(Item::ListChanged);
                        }
                        ListChange::Unknown => {
                            list = None;
                            segment.items.push(Item::ListChanged);
                        }
                    }
                }
                Action::Closed => {
                    segments.last_mut().expect("a segment is open").closed = true;
                }
                Action::Access {
                    grantee,
                    checked,
                    outcome,
                    use_number,
                    timestamp,
                } => {
                    let segment = segments.last_mut().expect("a segment is open");
                    segment.grantee.get_or_insert(grantee);
                    let use_number = use_number.or(counter.map(|c| c.saturating_add(1)));
                    counter = use_number;
                    let (credentials, mask) = match checked {
                        Checked::Listed(credentials) => (Some(credentials), None),
                        Checked::Mask(mask) => {
                            (list.as_deref().and_then(|l| selected(l, mask)), Some(mask))
                        }
                    };
                    segment.items.push(Item::Entry(Pending {
                        entry: AccessEntry {
                            grant: *address,
                            grantee,
                            credentials_known: credentials.is_some(),
                            credentials: credentials.unwrap_or_default(),
                            credentials_mask: mask,
                            outcome: outcome.into(),
                            use_number: use_number.unwrap_or(0),
                            timestamp: timestamp.or(*time).unwrap_or(0),
                            signature: *signature,
                            source,
                        },
                        mask,
                    }));
                }
            }
        }
    }

    // The open account is the latest grant at this address.
    if let Some(grant) = open {
        if segments.last().is_none_or(|s| s.closed) {
            segments.push(Segment {
                created_in: None,
                grantee: Some(grant.grantee),
                closed: false,
                items: Vec::new(),
            });
        }
        // Entries whose list was not rebuilt forwards: the account's list holds back to the
        // latest change of it.
        let segment = segments.last_mut().expect("just ensured");
        let mut list = Some(grant.credentials.as_slice());
        for item in segment.items.iter_mut().rev() {
            match item {
                Item::ListChanged => list = None,
                Item::Entry(pending) => {
                    if let (false, Some(mask), Some(list)) =
                        (pending.entry.credentials_known, pending.mask, list)
                        && let Some(credentials) = selected(list, mask)
                    {
                        pending.entry.credentials = credentials;
                        pending.entry.credentials_known = true;
                    }
                }
            }
        }
    }

    let last = segments.len().saturating_sub(1);
    let mut audited = Audited {
        entries: Vec::new(),
        grants: Vec::new(),
    };
    for (i, segment) in segments.into_iter().enumerate() {
        let entries: Vec<AccessEntry> = segment
            .items
            .into_iter()
            .filter_map(|item| match item {
                Item::Entry(pending) => Some(pending.entry),
                Item::ListChanged => None,
            })
            .collect();
        let found = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        let account = open.filter(|_| i == last && !segment.closed);
        let (uses, missing, complete) = match account {
            Some(grant) => (
                Some(grant.uses),
                grant.uses.saturating_sub(found),
                found == grant.uses,
            ),
            None => {
                let numbers: BTreeSet<u32> = entries.iter().map(|e| e.use_number).collect();
                let numbered = !numbers.contains(&0);
                let highest = numbers.last().copied().unwrap_or(0);
                let missing = if numbered {
                    highest.saturating_sub(u32::try_from(numbers.len()).unwrap_or(u32::MAX))
                } else {
                    0
                };
                let complete = segment.created_in.is_some()
                    && segment.closed
                    && numbered
                    && missing == 0
                    && numbers.len() == entries.len();
                (None, missing, complete)
            }
        };
        audited.grants.push(GrantAudit {
            grant: *address,
            grantee: segment.grantee,
            created_in: segment.created_in,
            closed: segment.closed,
            entries: found,
            uses,
            missing,
            complete,
        });
        audited.entries.extend(entries);
    }
    audited
}

/// Who signed the issuance of `credential` (its issuer's authority or a delegate), from the
/// credential's history: the newest `CredentialIssued` event the registry logged for it (an
/// address closed and issued again names its latest issuance), or, where the node keeps no
/// logs, the signer named by the `issue_credential` instruction. The account does not keep this
/// key: only history needs it. `None` when the history read (at most `max_signatures`) holds no
/// issuance of it.
pub async fn issued_by(
    transport: &Transport,
    credential: &Pubkey,
    max_signatures: usize,
) -> Result<Option<Pubkey>, SdkError> {
    use credence_registry::{events::CredentialIssued, instruction as rins};
    let registry = credence_registry::ID;
    let history = transport.signatures_for(credential, max_signatures).await?;
    for signature in &history.signatures {
        let record = transport.transaction(&signature.signature).await?;
        let by_event = events::events::<CredentialIssued>(&registry, &record.logs)
            .into_iter()
            .rev()
            .find(|e| e.credential == *credential)
            .map(|e| e.issued_by);
        // Accounts of `issue_credential`: authority, payer, registry, issuer, schema, delegate,
        // credential, system program.
        let by_instruction = || {
            record.instructions.iter().rev().find_map(|ix| {
                (ix.program_id == registry
                    && ix.data.starts_with(rins::IssueCredential::DISCRIMINATOR)
                    && ix.accounts.get(6).map(|m| m.pubkey) == Some(*credential))
                .then(|| ix.accounts[0].pubkey)
            })
        };
        if let Some(signer) = by_event.or_else(by_instruction) {
            return Ok(Some(signer));
        }
    }
    Ok(None)
}
