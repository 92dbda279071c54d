//! The watcher's state machine: what a role watches, the last state it saw of each account, and
//! the events a newer state of an account (or a later cluster time) makes. It does no I/O: the
//! driver ([`super::Watch`]) feeds it accounts as read or as pushed, each with its slot.

use std::collections::{BTreeMap, BTreeSet};

use anchor_lang::{AccountDeserialize, Discriminator};
use credence_consent::state::{CredentialRef, Grant};
use credence_registry::state::{
    Cohort, CohortStatusPage, Credential, CredentialStatus, Issuer, IssuerStatus, Registry, Schema,
    cohort_page_of,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use solana_account::Account;
use solana_pubkey::Pubkey;

use super::{EventKind, Role, Status, WatchEvent, WatchOptions};
use crate::{
    accounts::{held_at, parse_reference, reference_text},
    pda,
    verify::reason_name,
};

/// Layout version of [`WatchState`] (a state file of another version is refused).
pub const STATE_VERSION: u32 = 1;

/// What the watcher last saw of one account, and at which slot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The slot the state was read or pushed at: an older one is never applied over it.
    pub slot: u64,
    /// The state.
    pub seen: Seen,
    /// Changes reported of this account that carry no marker of their own (a suspension, a
    /// reinstatement, a pause): the count is their marker, so the n-th one has the same id
    /// however often it is delivered.
    #[serde(default)]
    pub changes: u32,
}

/// The parts of an account a watcher reports changes of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Seen {
    /// A credential account.
    Credential {
        /// Its issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
        /// Its holder.
        #[serde(with = "crate::serde_text")]
        subject: Pubkey,
        /// Status.
        status: Status,
        /// Revocation reason code (0 unless revoked).
        reason: u16,
        /// Expiry (0: never).
        expires_at: i64,
        /// Expiry events already reported for this expiry (see [`Reported`]).
        #[serde(default)]
        reported: Reported,
    },
    /// A cohort (the validity of its leaves).
    Cohort {
        /// Its issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
        /// Expiry (0: never).
        expires_at: i64,
        /// Per watched leaf, the expiry events already reported.
        #[serde(default)]
        reported: BTreeMap<u32, Reported>,
    },
    /// A cohort's status page, as far as the watched leaves go (a page not created yet: all
    /// active).
    StatusPage {
        /// The cohort.
        #[serde(with = "crate::serde_text")]
        cohort: Pubkey,
        /// The watched leaves' statuses.
        leaves: BTreeMap<u32, Status>,
    },
    /// A grant.
    Grant {
        /// The candidate.
        #[serde(with = "crate::serde_text")]
        subject: Pubkey,
        /// The recruiter.
        #[serde(with = "crate::serde_text")]
        grantee: Pubkey,
        /// The credentials covered, as references (`address` or `cohort#index`).
        credentials: Vec<String>,
        /// Expiry.
        expires_at: i64,
        /// When revoked (0: not).
        revoked_at: i64,
        /// Most uses (0: unlimited).
        max_uses: u32,
        /// Uses recorded.
        uses: u32,
        /// A digest of its terms (credentials, purpose, expiry, uses, sealed key): an update
        /// changes it.
        terms: String,
        /// Whether its expiry has been reported.
        #[serde(default)]
        reported_expired: bool,
    },
    /// An issuer.
    Issuer {
        /// Its registry.
        #[serde(with = "crate::serde_text")]
        registry: Pubkey,
        /// Its authority.
        #[serde(with = "crate::serde_text")]
        authority: Pubkey,
        /// Its status.
        status: IssuerState,
        /// When the issuer account last changed (cluster time).
        updated_at: i64,
    },
    /// A registry.
    Registry {
        /// Whether it is paused.
        paused: bool,
    },
    /// A schema.
    Schema {
        /// Its issuer.
        #[serde(with = "crate::serde_text")]
        issuer: Pubkey,
        /// Whether it is deprecated.
        deprecated: bool,
    },
    /// No account there (closed, or never created).
    Absent,
}

/// Which expiry events have been reported for one expiry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    /// The expiry they were reported for.
    pub expires_at: i64,
    /// "Expiring within N days" was reported.
    pub expiring: bool,
    /// "Expired" was reported.
    pub expired: bool,
}

/// An issuer's status, as watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerState {
    /// Awaiting accreditation.
    Pending,
    /// Accredited.
    Accredited,
    /// Suspended.
    Suspended,
    /// Revoked.
    Revoked,
}

impl From<IssuerStatus> for IssuerState {
    fn from(status: IssuerStatus) -> Self {
        match status {
            IssuerStatus::Pending => Self::Pending,
            IssuerStatus::Accredited => Self::Accredited,
            IssuerStatus::Suspended => Self::Suspended,
            IssuerStatus::Revoked => Self::Revoked,
        }
    }
}

impl From<CredentialStatus> for Status {
    fn from(status: CredentialStatus) -> Self {
        match status {
            CredentialStatus::Active => Self::Active,
            CredentialStatus::Suspended => Self::Suspended,
            CredentialStatus::Revoked => Self::Revoked,
        }
    }
}

/// Everything a watcher must keep to resume where it stopped: the role it watches for, whether
/// its first read is done, and the last state it saw of every account it watches. Saved as JSON
/// by the CLI's `--state` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchState {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// The role and key watched for (`recruiter:KEY`): a state file is for one watcher only.
    pub role: String,
    /// Whether the first full read is done (before it, what is found is the baseline, not news).
    pub synced: bool,
    /// The newest slot read.
    pub slot: u64,
    /// The cluster's unix time as last read.
    pub now: i64,
    /// Per address, the last state seen.
    pub seen: BTreeMap<String, Entry>,
}

impl WatchState {
    /// A fresh state for `role`.
    pub fn new(role: &Role) -> Self {
        Self {
            version: STATE_VERSION,
            role: role.to_string(),
            synced: false,
            slot: 0,
            now: 0,
            seen: BTreeMap::new(),
        }
    }
}

/// The engine: a role, its options and its state.
pub struct Engine {
    role: Role,
    options: WatchOptions,
    /// The state but for `seen`, which [`Self::state`] fills in.
    state: WatchState,
    /// Per address, the last state seen.
    seen: BTreeMap<Pubkey, Entry>,
    /// What the role watches now ([`Self::wanted`]), kept until the scope may have changed.
    scope: BTreeSet<Pubkey>,
    /// Whether `scope` must be computed again (a root, a grant, an issuer or the clock
    /// changed).
    dirty: bool,
}

fn event_id(address: &Pubkey, tag: &str, marker: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"credence-watch-v1");
    hash.update(address.as_ref());
    hash.update((tag.len() as u64).to_le_bytes());
    hash.update(tag.as_bytes());
    hash.update(marker);
    hex::encode(&hash.finalize()[..16])
}

fn decode<T: AccountDeserialize + Discriminator>(account: &Account) -> Option<T> {
    if !account.data.starts_with(T::DISCRIMINATOR) {
        return None;
    }
    T::try_deserialize(&mut account.data.as_slice()).ok()
}

fn terms_digest(grant: &Grant) -> String {
    let mut hash = Sha256::new();
    for reference in &grant.credentials {
        hash.update(reference_text(reference).as_bytes());
        hash.update([0]);
    }
    hash.update(grant.purpose.as_bytes());
    hash.update([0]);
    hash.update(grant.expires_at.to_le_bytes());
    hash.update(grant.max_uses.to_le_bytes());
    hash.update(&grant.sealed_key);
    hex::encode(&hash.finalize()[..16])
}

impl Engine {
    /// An engine for `role`, resuming `state` (a fresh one when `None`). A state saved for
    /// another role or key, or by another layout version, is refused.
    pub fn new(
        role: Role,
        options: WatchOptions,
        state: Option<WatchState>,
    ) -> Result<Self, String> {
        let state = match state {
            None => WatchState::new(&role),
            Some(state) if state.version != STATE_VERSION => {
                return Err(format!(
                    "the state was written by watch state version {}, this is version {STATE_VERSION}: start a new state file",
                    state.version
                ));
            }
            Some(state) if state.role != role.to_string() => {
                return Err(format!(
                    "the state is for {}, not {role}: use the state file of this watcher",
                    state.role
                ));
            }
            Some(state) => state,
        };
        let mut state = state;
        let mut seen = BTreeMap::new();
        for (address, entry) in std::mem::take(&mut state.seen) {
            let address: Pubkey = address
                .parse()
                .map_err(|_| format!("the state names a bad address {address:?}"))?;
            seen.insert(address, entry);
        }
        Ok(Self {
            role,
            options,
            state,
            seen,
            scope: BTreeSet::new(),
            dirty: true,
        })
    }

    /// The state to save: everything needed to resume.
    pub fn state(&self) -> WatchState {
        WatchState {
            seen: self
                .seen
                .iter()
                .map(|(address, entry)| (address.to_string(), entry.clone()))
                .collect(),
            ..self.state.clone()
        }
    }

    /// Every address seen so far (watched now, or a recruiter's ended grant).
    pub fn seen_addresses(&self) -> impl Iterator<Item = &Pubkey> {
        self.seen.keys()
    }

    /// The one grant a recruiter watches, if it watches one only.
    pub fn grant(&self) -> Option<Pubkey> {
        self.options.grant
    }

    /// The role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// Number of accounts watched.
    pub fn watched(&self) -> usize {
        self.seen.len()
    }

    /// Whether `address` is watched now.
    pub fn is_watched(&self, address: &Pubkey) -> bool {
        self.seen.contains_key(address)
    }

    fn is_root(&self, seen: &Seen) -> bool {
        match (&self.role, seen) {
            (Role::Recruiter(me), Seen::Grant { grantee, .. }) => grantee == me,
            (Role::Candidate(me), Seen::Grant { subject, .. }) => subject == me,
            (Role::Candidate(me), Seen::Credential { subject, .. }) => subject == me,
            (Role::Issuer(me), Seen::Issuer { authority, .. }) => authority == me,
            _ => false,
        }
    }

    /// Whether an account not watched yet is one this role must start watching (a grant to the
    /// recruiter, a credential or grant of the candidate, an issuer the authority runs, a schema
    /// of one). What a root leads to (credentials, issuers, registries) is added by
    /// [`Self::missing`].
    pub fn wants_new(&self, address: &Pubkey, account: &Account) -> bool {
        if account.owner == credence_consent::ID {
            return decode::<Grant>(account).is_some_and(|grant| match &self.role {
                Role::Recruiter(me) => {
                    grant.grantee == *me && self.options.grant.is_none_or(|g| g == *address)
                }
                Role::Candidate(me) => grant.subject == *me,
                Role::Issuer(_) => false,
            });
        }
        if account.owner != credence_registry::ID {
            return false;
        }
        match &self.role {
            Role::Candidate(me) => {
                decode::<Credential>(account).is_some_and(|credential| credential.subject == *me)
            }
            Role::Issuer(me) => {
                if let Some(issuer) = decode::<Issuer>(account) {
                    return issuer.authority == *me;
                }
                decode::<Schema>(account).is_some_and(|schema| {
                    self.seen.get(&schema.issuer).is_some_and(|entry| {
                        matches!(entry.seen, Seen::Issuer { authority, .. } if authority == *me)
                    })
                })
            }
            Role::Recruiter(_) => false,
        }
    }

    fn live_grants(&self) -> impl Iterator<Item = (&Pubkey, &Seen)> {
        let now = self.state.now;
        self.seen.iter().filter_map(move |(address, entry)| {
            let live = match &entry.seen {
                Seen::Grant {
                    expires_at,
                    revoked_at,
                    max_uses,
                    uses,
                    ..
                } => *revoked_at == 0 && now < *expires_at && (*max_uses == 0 || uses < max_uses),
                _ => false,
            };
            (live && self.is_root(&entry.seen)).then_some((address, &entry.seen))
        })
    }

    /// The credentials this role watches: for a recruiter, those its live grants cover (the
    /// one named by [`WatchOptions::grant`] only, if set); for a candidate, her credential
    /// accounts, every credential her grants name, and [`WatchOptions::leaves`].
    pub fn credentials(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        match &self.role {
            Role::Recruiter(_) => {
                for (address, seen) in self.live_grants() {
                    if self.options.grant.is_some_and(|g| g != *address) {
                        continue;
                    }
                    if let Seen::Grant { credentials, .. } = seen {
                        out.extend(credentials.iter().cloned());
                    }
                }
            }
            Role::Candidate(_) => {
                for (address, entry) in &self.seen {
                    match &entry.seen {
                        Seen::Credential { .. } if self.is_root(&entry.seen) => {
                            out.insert(address.to_string());
                        }
                        Seen::Grant { credentials, .. } if self.is_root(&entry.seen) => {
                            out.extend(credentials.iter().cloned());
                        }
                        _ => {}
                    }
                }
                out.extend(self.options.leaves.iter().map(reference_text));
            }
            Role::Issuer(_) => {}
        }
        out
    }

    /// Every address the role watches now: its roots and what they lead to.
    pub fn wanted(&mut self) -> &BTreeSet<Pubkey> {
        if self.dirty {
            self.scope = self.compute_wanted();
            self.dirty = false;
        }
        &self.scope
    }

    fn compute_wanted(&self) -> BTreeSet<Pubkey> {
        let mut out: BTreeSet<Pubkey> = self
            .seen
            .iter()
            .filter(|(_, entry)| self.is_root(&entry.seen))
            .filter(|(address, entry)| {
                // A recruiter watching one grant watches only that one.
                !matches!(self.role, Role::Recruiter(_))
                    || !matches!(entry.seen, Seen::Grant { .. })
                    || self.options.grant.is_none_or(|g| g == **address)
            })
            .map(|(address, _)| *address)
            .collect();
        for text in self.credentials() {
            match parse_reference(&text) {
                Ok(CredentialRef::Account { address }) => {
                    out.insert(address);
                }
                Ok(CredentialRef::CohortLeaf { cohort, index }) => {
                    out.insert(cohort);
                    out.insert(pda::cohort_status(&cohort, index).0);
                }
                Err(_) => {}
            }
        }
        // Issuers of watched credentials and cohorts; registries of watched issuers; schemas
        // an issuer's authority watches.
        let mut issuers = BTreeSet::new();
        for address in &out {
            if let Some(Seen::Credential { issuer, .. } | Seen::Cohort { issuer, .. }) =
                self.seen.get(address).map(|e| &e.seen)
            {
                issuers.insert(*issuer);
            }
        }
        if let Role::Issuer(_) = self.role {
            for (address, entry) in &self.seen {
                if let Seen::Schema { issuer, .. } = entry.seen
                    && out.contains(&issuer)
                {
                    issuers.insert(*address);
                }
            }
        }
        out.extend(issuers);
        let registries: Vec<Pubkey> = out
            .iter()
            .filter_map(|address| match self.seen.get(address).map(|e| &e.seen) {
                Some(Seen::Issuer { registry, .. }) => Some(*registry),
                _ => None,
            })
            .collect();
        out.extend(registries);
        out
    }

    /// Addresses watched but never read yet: the driver reads them (a baseline, no events).
    pub fn missing(&mut self) -> Vec<Pubkey> {
        self.wanted();
        self.scope
            .iter()
            .filter(|address| !self.seen.contains_key(address))
            .copied()
            .collect()
    }

    /// The watched leaves of `cohort`, by index.
    fn leaves_of(&self, cohort: &Pubkey) -> Vec<u32> {
        self.credentials()
            .iter()
            .filter_map(|text| match parse_reference(text) {
                Ok(CredentialRef::CohortLeaf { cohort: c, index }) if c == *cohort => Some(index),
                _ => None,
            })
            .collect()
    }

    fn snapshot(&self, account: Option<&Account>) -> Option<Seen> {
        let Some(account) = account.filter(|a| a.lamports > 0) else {
            return Some(Seen::Absent);
        };
        if account.owner == credence_consent::ID {
            return decode::<Grant>(account).map(|grant| Seen::Grant {
                subject: grant.subject,
                grantee: grant.grantee,
                credentials: grant.credentials.iter().map(reference_text).collect(),
                expires_at: grant.expires_at,
                revoked_at: grant.revoked_at,
                max_uses: grant.max_uses,
                uses: grant.uses,
                terms: terms_digest(&grant),
                reported_expired: false,
            });
        }
        if let Some(page) = CohortStatusPage::from_account_data(&account.data)
            .filter(|_| account.owner == credence_registry::ID)
        {
            // The page names its cohort and number: no address to derive per leaf.
            let leaves = self
                .leaves_of(&page.cohort)
                .into_iter()
                .filter(|index| cohort_page_of(*index) == page.page)
                .map(|index| (index, page.status_of(index).into()))
                .collect();
            return Some(Seen::StatusPage {
                cohort: page.cohort,
                leaves,
            });
        }
        if account.owner != credence_registry::ID {
            return None;
        }
        if let Some(c) = decode::<Credential>(account) {
            return Some(Seen::Credential {
                issuer: c.issuer,
                subject: c.subject,
                status: c.status.into(),
                reason: c.revocation_reason,
                expires_at: c.expires_at,
                reported: Reported::default(),
            });
        }
        if let Some(c) = decode::<Cohort>(account) {
            return Some(Seen::Cohort {
                issuer: c.issuer,
                expires_at: c.expires_at,
                reported: BTreeMap::new(),
            });
        }
        if let Some(i) = decode::<Issuer>(account) {
            return Some(Seen::Issuer {
                registry: i.registry,
                authority: i.authority,
                status: i.status.into(),
                updated_at: i.updated_at,
            });
        }
        if let Some(r) = decode::<Registry>(account) {
            return Some(Seen::Registry { paused: r.paused });
        }
        decode::<Schema>(account).map(|s| Seen::Schema {
            issuer: s.issuer,
            deprecated: s.deprecated,
        })
    }

    /// Applies accounts read or pushed at `slot` (`None`: no account there), and the cluster's
    /// time if it was read at that slot. An account neither watched nor wanted is ignored; a
    /// state older than the one kept is ignored. Returns the events, in order.
    pub fn apply(
        &mut self,
        slot: u64,
        now: Option<i64>,
        accounts: &[(Pubkey, Option<Account>)],
    ) -> Vec<WatchEvent> {
        let clock_moved = now.is_some_and(|now| now > self.state.now);
        if let Some(now) = now {
            self.state.now = self.state.now.max(now);
        }
        if clock_moved {
            // Grants may have expired.
            self.dirty = true;
        }
        self.state.slot = self.state.slot.max(slot);
        // Whether what is watched may change with this batch (checked again after it).
        let mut scope_may_change = self.dirty;
        let mut events = Vec::new();
        // Two passes: an account a root leads to (a schema of an issuer read in the same
        // batch) is wanted only once the root is in.
        let mut pending: Vec<&(Pubkey, Option<Account>)> = accounts.iter().collect();
        let mut applied = Vec::with_capacity(accounts.len());
        for _ in 0..2 {
            self.wanted();
            let scope = std::mem::take(&mut self.scope);
            let mut skipped = Vec::new();
            for item in pending {
                if self.apply_one(slot, item, &scope, &mut events) {
                    applied.push(item.0);
                } else {
                    skipped.push(item);
                }
            }
            scope_may_change |= self.dirty;
            if !self.dirty {
                self.scope = scope;
            }
            if skipped.is_empty() {
                break;
            }
            pending = skipped;
        }
        events.extend(self.conditions(slot, (!clock_moved).then_some(applied.as_slice())));
        if scope_may_change || self.dirty {
            self.prune(slot, &mut events);
        }
        events
    }

    /// Applies one account; `false` if it is neither watched nor wanted (nothing done).
    fn apply_one(
        &mut self,
        slot: u64,
        (address, account): &(Pubkey, Option<Account>),
        wanted: &BTreeSet<Pubkey>,
        events: &mut Vec<WatchEvent>,
    ) -> bool {
        let known = self.seen.get(address).cloned();
        if known.as_ref().is_some_and(|entry| entry.slot > slot) {
            return true;
        }
        let new_root = known.is_none()
            && !wanted.contains(address)
            && account.as_ref().is_some_and(|a| self.wants_new(address, a));
        if known.is_none() && !wanted.contains(address) && !new_root {
            return false;
        }
        let Some(mut seen) = self.snapshot(account.as_ref()) else {
            return true;
        };
        let mut changes = known.as_ref().map_or(0, |entry| entry.changes);
        let scope_may_change = match &known {
            None => true,
            Some(old) => {
                std::mem::discriminant(&old.seen) != std::mem::discriminant(&seen)
                    || matches!(
                        seen,
                        Seen::Grant { .. } | Seen::Issuer { .. } | Seen::Schema { .. }
                    ) && old.seen != seen
            }
        };
        self.dirty |= scope_may_change;
        match &known {
            Some(old) => {
                carry_reported(&old.seen, &mut seen);
                self.diff(slot, address, &old.seen, &seen, &mut changes, events);
            }
            None if self.state.synced => self.first_seen(slot, address, &seen, events),
            None => {}
        }
        self.seen.insert(
            *address,
            Entry {
                slot,
                seen,
                changes,
            },
        );
        true
    }

    /// Marks the first full read done: from now on, a new root is news.
    pub fn mark_synced(&mut self) {
        self.state.synced = true;
    }

    fn event(&self, slot: u64, address: &Pubkey, marker: &[u8], kind: EventKind) -> WatchEvent {
        WatchEvent {
            id: event_id(address, kind.tag(), marker),
            slot,
            account: *address,
            kind,
        }
    }

    fn first_seen(&self, slot: u64, address: &Pubkey, seen: &Seen, out: &mut Vec<WatchEvent>) {
        match seen {
            Seen::Grant {
                subject,
                credentials,
                expires_at,
                ..
            } if self.is_root(seen) => out.push(self.event(
                slot,
                address,
                &[],
                EventKind::GrantCreated {
                    grant: *address,
                    subject: *subject,
                    credentials: credentials.clone(),
                    expires_at: *expires_at,
                },
            )),
            Seen::Credential { .. } if self.is_root(seen) => out.push(self.event(
                slot,
                address,
                &[],
                EventKind::CredentialIssued {
                    credential: address.to_string(),
                },
            )),
            _ => {}
        }
    }

    fn diff(
        &self,
        slot: u64,
        address: &Pubkey,
        old: &Seen,
        new: &Seen,
        changes: &mut u32,
        out: &mut Vec<WatchEvent>,
    ) {
        let credential = address.to_string();
        match (old, new) {
            (
                Seen::Credential {
                    status: was,
                    expires_at: old_expiry,
                    ..
                },
                Seen::Credential {
                    status,
                    reason,
                    expires_at,
                    ..
                },
            ) => {
                status_events(
                    self,
                    slot,
                    address,
                    &credential,
                    *was,
                    *status,
                    *reason,
                    changes,
                    out,
                );
                if expires_at != old_expiry && *status != Status::Revoked {
                    out.push(self.event(
                        slot,
                        address,
                        &expires_at.to_le_bytes(),
                        EventKind::CredentialRenewed {
                            credential,
                            expires_at: *expires_at,
                        },
                    ));
                }
            }
            (Seen::StatusPage { leaves: was, .. }, Seen::StatusPage { cohort, leaves }) => {
                for (index, status) in leaves {
                    let before = was.get(index).copied().unwrap_or(Status::Active);
                    let leaf = format!("{cohort}#{index}");
                    status_events(self, slot, address, &leaf, before, *status, 0, changes, out);
                }
            }
            (Seen::Absent, Seen::StatusPage { cohort, leaves }) => {
                for (index, status) in leaves {
                    let leaf = format!("{cohort}#{index}");
                    status_events(
                        self,
                        slot,
                        address,
                        &leaf,
                        Status::Active,
                        *status,
                        0,
                        changes,
                        out,
                    );
                }
            }
            (
                Seen::Cohort {
                    expires_at: old_expiry,
                    ..
                },
                Seen::Cohort { expires_at, .. },
            ) if expires_at != old_expiry => {
                for index in self.leaves_of(address) {
                    out.push(self.event(
                        slot,
                        address,
                        &[&expires_at.to_le_bytes()[..], &index.to_le_bytes()].concat(),
                        EventKind::CredentialRenewed {
                            credential: format!("{address}#{index}"),
                            expires_at: *expires_at,
                        },
                    ));
                }
            }
            (
                Seen::Grant {
                    revoked_at: was_revoked,
                    uses: old_uses,
                    terms: old_terms,
                    ..
                },
                Seen::Grant {
                    subject,
                    grantee,
                    credentials,
                    expires_at,
                    revoked_at,
                    max_uses,
                    uses,
                    terms,
                    ..
                },
            ) => {
                let grant = *address;
                if terms != old_terms {
                    out.push(self.event(
                        slot,
                        address,
                        terms.as_bytes(),
                        EventKind::GrantUpdated {
                            grant,
                            credentials: credentials.clone(),
                            expires_at: *expires_at,
                            max_uses: *max_uses,
                        },
                    ));
                }
                if uses > old_uses {
                    out.push(self.event(
                        slot,
                        address,
                        &uses.to_le_bytes(),
                        EventKind::AccessRecorded {
                            grant,
                            grantee: *grantee,
                            subject: *subject,
                            uses: *uses,
                        },
                    ));
                    if *max_uses != 0 && uses >= max_uses {
                        out.push(self.event(
                            slot,
                            address,
                            &uses.to_le_bytes(),
                            EventKind::GrantUsedUp { grant, uses: *uses },
                        ));
                    }
                }
                if *was_revoked == 0 && *revoked_at != 0 {
                    out.push(self.event(
                        slot,
                        address,
                        &revoked_at.to_le_bytes(),
                        EventKind::GrantRevoked {
                            grant,
                            revoked_at: *revoked_at,
                        },
                    ));
                }
            }
            (Seen::Grant { .. }, Seen::Absent) => {
                out.push(self.event(
                    slot,
                    address,
                    &[],
                    EventKind::GrantClosed { grant: *address },
                ));
            }
            (Seen::Credential { .. }, Seen::Absent) => {
                out.push(self.event(
                    slot,
                    address,
                    &[],
                    EventKind::CredentialClosed { credential },
                ));
            }
            (
                Seen::Issuer { status: was, .. },
                Seen::Issuer {
                    status, updated_at, ..
                },
            ) if was != status => {
                let issuer = *address;
                let kind = match (was, status) {
                    (_, IssuerState::Suspended) => EventKind::IssuerSuspended { issuer },
                    (_, IssuerState::Revoked) => EventKind::IssuerRevoked { issuer },
                    (IssuerState::Pending, IssuerState::Accredited) => {
                        EventKind::IssuerAccredited { issuer }
                    }
                    _ => EventKind::IssuerReinstated { issuer },
                };
                out.push(self.event(slot, address, &updated_at.to_le_bytes(), kind));
            }
            (Seen::Registry { paused: was }, Seen::Registry { paused }) if was != paused => {
                let registry = *address;
                let kind = if *paused {
                    EventKind::RegistryPaused { registry }
                } else {
                    EventKind::RegistryUnpaused { registry }
                };
                *changes += 1;
                out.push(self.event(slot, address, &changes.to_le_bytes(), kind));
            }
            (
                Seen::Schema {
                    deprecated: false, ..
                },
                Seen::Schema {
                    deprecated: true, ..
                },
            ) => {
                out.push(self.event(
                    slot,
                    address,
                    &[],
                    EventKind::SchemaDeprecated { schema: *address },
                ));
            }
            _ => {}
        }
    }

    /// Expiry of credentials, leaves and grants at the cluster's time, each reported once per
    /// expiry; a recruiter's grant that stopped being in force stops the watch of what it
    /// covered.
    /// `only`: the accounts just applied (the clock did not move); `None`: every account.
    fn conditions(&mut self, slot: u64, only: Option<&[Pubkey]>) -> Vec<WatchEvent> {
        let now = self.state.now;
        if now == 0 {
            return Vec::new();
        }
        let window = self.options.expiring_within;
        let mut events = Vec::new();
        let addresses: Vec<Pubkey> = match only {
            Some(only) => only.to_vec(),
            None => self.seen.keys().copied().collect(),
        };
        for address in addresses {
            let Some(entry) = self.seen.get(&address).cloned() else {
                continue;
            };
            match entry.seen {
                Seen::Credential {
                    status,
                    expires_at,
                    mut reported,
                    issuer,
                    subject,
                    reason,
                } if expires_at != 0 && status != Status::Revoked => {
                    let text = address.to_string();
                    self.expiry_events(
                        slot,
                        &address,
                        &text,
                        expires_at,
                        now,
                        window,
                        &mut reported,
                        &mut events,
                    );
                    self.seen.insert(
                        address,
                        Entry {
                            slot: entry.slot,
                            changes: entry.changes,
                            seen: Seen::Credential {
                                issuer,
                                subject,
                                status,
                                reason,
                                expires_at,
                                reported,
                            },
                        },
                    );
                }
                Seen::Cohort {
                    issuer,
                    expires_at,
                    mut reported,
                } if expires_at != 0 => {
                    for index in self.leaves_of(&address) {
                        let mut leaf_reported = reported.get(&index).copied().unwrap_or_default();
                        self.expiry_events(
                            slot,
                            &address,
                            &format!("{address}#{index}"),
                            expires_at,
                            now,
                            window,
                            &mut leaf_reported,
                            &mut events,
                        );
                        reported.insert(index, leaf_reported);
                    }
                    self.seen.insert(
                        address,
                        Entry {
                            slot: entry.slot,
                            changes: entry.changes,
                            seen: Seen::Cohort {
                                issuer,
                                expires_at,
                                reported,
                            },
                        },
                    );
                }
                Seen::Grant {
                    expires_at,
                    revoked_at,
                    reported_expired: false,
                    ..
                } if revoked_at == 0 && now >= expires_at && self.is_root(&entry.seen) => {
                    events.push(self.event(
                        slot,
                        &address,
                        &expires_at.to_le_bytes(),
                        EventKind::GrantExpired {
                            grant: address,
                            expires_at,
                        },
                    ));
                    if let Some(Entry {
                        seen:
                            Seen::Grant {
                                reported_expired, ..
                            },
                        ..
                    }) = self.seen.get_mut(&address)
                    {
                        *reported_expired = true;
                    }
                }
                _ => {}
            }
        }
        events
    }

    #[allow(clippy::too_many_arguments)]
    fn expiry_events(
        &self,
        slot: u64,
        address: &Pubkey,
        credential: &str,
        expires_at: i64,
        now: i64,
        window: Option<i64>,
        reported: &mut Reported,
        out: &mut Vec<WatchEvent>,
    ) {
        if reported.expires_at != expires_at {
            *reported = Reported {
                expires_at,
                ..Reported::default()
            };
        }
        let marker = [credential.as_bytes(), &expires_at.to_le_bytes()].concat();
        if now >= expires_at {
            if !reported.expired {
                reported.expired = true;
                out.push(self.event(
                    slot,
                    address,
                    &marker,
                    EventKind::CredentialExpired {
                        credential: credential.to_string(),
                        expires_at,
                    },
                ));
            }
        } else if let Some(window) = window
            && !reported.expiring
            && !reported.expired
            && expires_at - now <= window
        {
            reported.expiring = true;
            // Positive here: `now < expires_at`.
            let days_left = (expires_at - now + 86_399) / 86_400;
            out.push(self.event(
                slot,
                address,
                &[&marker[..], &window.to_le_bytes()].concat(),
                EventKind::CredentialExpiring {
                    credential: credential.to_string(),
                    expires_at,
                    days_left,
                },
            ));
        }
    }

    /// Stops watching what no root leads to any more. A recruiter is told, per grant that
    /// stopped being in force, which credentials it no longer watches.
    fn prune(&mut self, slot: u64, events: &mut Vec<WatchEvent>) {
        let wanted = self.wanted().clone();
        let dropped: Vec<Pubkey> = self
            .seen
            .keys()
            .filter(|address| !wanted.contains(address))
            .copied()
            .collect();
        if dropped.is_empty() {
            return;
        }
        if let Role::Recruiter(me) = self.role {
            // Grants that ended: the grant stays in the state (so that its end is not reported
            // twice); what it alone covered is no longer watched.
            let live: BTreeSet<Pubkey> = self.live_grants().map(|(a, _)| *a).collect();
            let dropped_set: BTreeSet<Pubkey> = dropped.iter().copied().collect();
            let ended: Vec<(Pubkey, Vec<String>)> = self
                .seen
                .iter()
                .filter_map(|(address, entry)| match &entry.seen {
                    Seen::Grant {
                        grantee,
                        credentials,
                        ..
                    } if *grantee == me && !live.contains(address) => {
                        Some((*address, credentials.clone()))
                    }
                    _ => None,
                })
                .collect();
            for (grant, credentials) in ended {
                let stopped: Vec<String> = credentials
                    .into_iter()
                    .filter(|c| {
                        parse_reference(c).is_ok_and(|r| dropped_set.contains(&held_at(&r)))
                    })
                    .collect();
                if !stopped.is_empty() {
                    let marker: Vec<u8> = stopped.iter().flat_map(|c| c.bytes()).collect();
                    events.push(self.event(
                        slot,
                        &grant,
                        &marker,
                        EventKind::WatchStopped {
                            grant,
                            credentials: stopped,
                        },
                    ));
                }
            }
        }
        for address in dropped {
            let keep = matches!(
                self.seen.get(&address).map(|e| &e.seen),
                Some(Seen::Grant { .. })
            ) && self.is_root(&self.seen[&address].seen);
            if !keep {
                self.seen.remove(&address);
            }
        }
    }
}

fn carry_reported(old: &Seen, new: &mut Seen) {
    match (old, new) {
        (Seen::Credential { reported: r, .. }, Seen::Credential { reported, .. }) => *reported = *r,
        (Seen::Cohort { reported: r, .. }, Seen::Cohort { reported, .. }) => {
            reported.clone_from(r);
        }
        (
            Seen::Grant {
                reported_expired: r,
                expires_at: old_expiry,
                ..
            },
            Seen::Grant {
                reported_expired,
                expires_at,
                ..
            },
        ) => *reported_expired = *r && old_expiry == expires_at,
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn status_events(
    engine: &Engine,
    slot: u64,
    address: &Pubkey,
    credential: &str,
    was: Status,
    status: Status,
    reason: u16,
    changes: &mut u32,
    out: &mut Vec<WatchEvent>,
) {
    if was == status {
        return;
    }
    *changes += 1;
    let credential = credential.to_string();
    let marker = [credential.as_bytes(), &changes.to_le_bytes()].concat();
    let (kind, marker) = match status {
        Status::Suspended => (EventKind::CredentialSuspended { credential }, marker),
        Status::Active => (EventKind::CredentialReinstated { credential }, marker),
        Status::Revoked => (
            EventKind::CredentialRevoked {
                credential: credential.clone(),
                reason_code: reason,
                reason: (reason != 0).then(|| reason_name(reason).to_string()),
            },
            // Revocation is final: one per credential.
            credential.into_bytes(),
        ),
    };
    out.push(engine.event(slot, address, &marker, kind));
}

#[cfg(test)]
mod tests {
    use anchor_lang::AccountSerialize;
    use credence_registry::state::{Credential, CredentialStatus};

    use super::*;

    fn credential(issuer: Pubkey, subject: Pubkey, status: CredentialStatus) -> Account {
        let credential = Credential {
            issuer,
            subject,
            schema: Pubkey::new_unique(),
            credential_id: [7; 32],
            commitment: [9; 32],
            issued_at: 1,
            valid_from: 1,
            expires_at: 0,
            status,
            revocation_reason: 0,
            version: 1,
            bump: 255,
            reserved: [0; 8],
        };
        let mut data = Vec::new();
        credential.try_serialize(&mut data).unwrap();
        Account {
            lamports: 1,
            data,
            owner: credence_registry::ID,
            executable: false,
            rent_epoch: 0,
        }
    }

    #[test]
    fn an_older_state_is_never_applied_over_a_newer_one_and_ids_repeat_only_for_one_change() {
        let me = Pubkey::new_unique();
        let (address, issuer) = (Pubkey::new_unique(), Pubkey::new_unique());
        let mut engine = Engine::new(Role::Candidate(me), WatchOptions::default(), None).unwrap();
        let active = credential(issuer, me, CredentialStatus::Active);
        let suspended = credential(issuer, me, CredentialStatus::Suspended);
        assert!(
            engine
                .apply(10, Some(100), &[(address, Some(active.clone()))])
                .is_empty()
        );
        engine.mark_synced();
        let saved = engine.state();
        let first = engine.apply(12, None, &[(address, Some(suspended.clone()))]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].kind.tag(), "credential_suspended");
        // A push from an older slot (read before the change) changes nothing and says nothing.
        assert!(
            engine
                .apply(11, None, &[(address, Some(active.clone()))])
                .is_empty()
        );
        // The same change seen again from the saved state has the same id.
        let mut again =
            Engine::new(Role::Candidate(me), WatchOptions::default(), Some(saved)).unwrap();
        assert_eq!(
            again.apply(13, None, &[(address, Some(suspended.clone()))]),
            [WatchEvent {
                slot: 13,
                ..first[0].clone()
            }]
        );
        // The next suspension is another change, with another id.
        engine.apply(14, None, &[(address, Some(active))]);
        let second = engine.apply(15, None, &[(address, Some(suspended))]);
        assert_eq!(second[0].kind.tag(), "credential_suspended");
        assert_ne!(second[0].id, first[0].id);
    }

    #[test]
    fn a_state_survives_json_and_is_refused_by_another_watcher() {
        let me = Pubkey::new_unique();
        let address = Pubkey::new_unique();
        let mut engine = Engine::new(Role::Candidate(me), WatchOptions::default(), None).unwrap();
        engine.apply(
            3,
            Some(100),
            &[(
                address,
                Some(credential(
                    Pubkey::new_unique(),
                    me,
                    CredentialStatus::Active,
                )),
            )],
        );
        let json = serde_json::to_string(&engine.state()).unwrap();
        let state: WatchState = serde_json::from_str(&json).unwrap();
        assert_eq!(state, engine.state());
        assert!(
            Engine::new(
                Role::Candidate(me),
                WatchOptions::default(),
                Some(state.clone())
            )
            .unwrap()
            .is_watched(&address)
        );
        let other = Engine::new(
            Role::Recruiter(me),
            WatchOptions::default(),
            Some(state.clone()),
        );
        assert!(other.is_err_and(|e| e.contains("is for candidate:")));
        let old = WatchState {
            version: STATE_VERSION + 1,
            ..state
        };
        assert!(Engine::new(Role::Candidate(me), WatchOptions::default(), Some(old)).is_err());
    }
}
