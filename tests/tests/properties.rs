//! Property tests: random sequences of registry and consent operations by random actors, each
//! checked against a plain-Rust model of who may do what and of where every fee token goes.
//!
//! Nine actors take part in every sequence: the registry admin, the authorities of two issuers,
//! a would-be delegate, two candidates, two recruiters and a stranger. Each operation is sent by
//! the actor its role calls for or by a random one; the model predicts the exact outcome (success
//! or the exact error code) and the resulting state. The operations cover the admin's issuer
//! decisions (also `accredit_issuer_checked`, naming the right or a wrong authority), pause, the
//! admin transfer, key rotation, delegates, issuance, the four credential changes,
//! `close_credential`, schema fees (`set_schema_fee`, `clear_schema_fee`) in two real SPL Token
//! mints, grants, accesses paying fees through the real SPL Token program, listings, and access
//! requests, including a swap: the requester withdraws a request and files other terms at the
//! same address, in one transaction, between the candidate's read and her approval.
//!
//! After every operation the on-chain state (registry, issuers, schemas and their fees, delegate
//! records, credentials, grants, listings, requests, and the token balances of the recruiters'
//! payer accounts and of the issuers' treasuries) must equal the model's, and these invariants
//! are checked against the chain on their own:
//!
//! - only the subject changes a grant (the grantee's recorded use aside, which only counts);
//! - only the subject changes her listing; only the requester files, re-files or withdraws a
//!   request, and only the requester or the subject closes one;
//! - a request is only ever approved on the terms hashed: the approval carries the hash of the
//!   request as the subject read it, the request was unchanged since, and the grant carries its
//!   terms (grantee, purpose, duration, uses, and only credentials it asked for);
//! - only the issuer side (its authority or a delegate record of that issuer) issues a credential
//!   or changes its status, and only its authority closes one;
//! - a revoked credential never becomes active again (while its account lives: a closed address
//!   may be issued anew, which SECURITY.md lists as limitation 2);
//! - a grant or a listing never covers another subject's credential;
//! - tokens are conserved: per mint, the recruiters' payer balances plus the treasuries stay what
//!   the sequence's setup minted;
//! - a treasury only ever grows, by exactly the fees of the selected credentials whose issuer is
//!   accredited and which are in force, and only in a landed access whose grantee pays from its
//!   own payer account;
//! - counters never overflow or drift: issuance writes neither the issuer nor the schema (their
//!   retired issuance counters stay 0, so one issuer's issuances share no write lock), the
//!   registry's accredited count equals the accredited issuers, each issuer's delegate count equals its delegate records, and a grant's
//!   uses never pass its maximum.
//!
//! One chain serves a whole run: every sequence gets fresh actors, hence its own registry,
//! issuers, grants and token accounts (the two mints are the run's).
//! `quick_sequences_match_the_model` runs in CI; the long run is behind `--ignored`:
//! `cargo test -p credence-tests --test properties -- --ignored --nocapture`
//! (`CREDENCE_PROPTEST_CASES` sets its number of sequences, 10,000 by default, and
//! `CREDENCE_PROPTEST_MAX_OPS` the most operations per sequence, 40 by default; it prints its
//! progress every 500 sequences).

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
    time::Instant,
};

use anchor_lang::{error::ErrorCode as AnchorError, AccountDeserialize};
use anchor_spl::token::TokenAccount;
use credence_consent::{
    constants::MAX_REQUEST_DURATION_SECS,
    error::ConsentError,
    state::{AccessOutcome, AccessRequest, CredentialRef, Grant, Listing, CODE_LEN},
    ApproveRequestArgs, CreateGrantArgs, CreateListingArgs, CreateRequestArgs, UpdateGrantArgs,
    UpdateListingArgs,
};
use credence_registry::{
    constants::{
        PERMISSION_ALL, PERMISSION_ISSUE, PERMISSION_RENEW, PERMISSION_REVOKE, PERMISSION_SUSPEND,
        REASON_FRAUD,
    },
    error::RegistryError,
    state::{
        Credential, CredentialStatus, Delegate, Issuer, IssuerStatus, Registry, Schema, SchemaFee,
    },
    AddDelegateArgs, IssueCredentialArgs,
};
use credence_sdk::{
    ix::{
        consent::{self as cix, Accessed, FeePayment},
        registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner},
        token as tix,
    },
    pda,
};
use credence_tests::{
    issuer_args, schema_args,
    security::{fund_all, send_fast, send_fast_ok},
    FeeToken, TestChain, DECIMALS, WEEK, YEAR,
};
use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use solana_account::Account;
use solana_instruction::{error::InstructionError, Instruction};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

// ---------------------------------------------------------------- actors and operations

const ADMIN: usize = 0;
const DELEGATE: usize = 3;
const CANDIDATES: [usize; 2] = [4, 5];
const RECRUITERS: [usize; 2] = [6, 7];
const STRANGER: usize = 8;
const ACTORS: usize = 9;
const NAMES: [&str; ACTORS] = [
    "admin",
    "issuer-a",
    "issuer-b",
    "delegate",
    "candidate-1",
    "candidate-2",
    "recruiter-1",
    "recruiter-2",
    "stranger",
];
const ISSUER_IDS: [&str; 2] = ["issuer-a", "issuer-b"];
const SCHEMA: &str = "licence";
/// Credentials: `issuer * 4 + candidate * 2 + slot`.
const CREDENTIALS: usize = 8;
/// Lamports each actor starts a sequence with.
const LAMPORTS: u64 = 500_000_000;
/// Fee mints of a run.
const MINTS: usize = 2;
/// Tokens (base units, 6 decimals) each recruiter's payer account starts a sequence with, per
/// mint: `PAYER_TOKENS[recruiter][mint]`. Small enough that paid accesses run some dry.
const PAYER_TOKENS: [[u64; MINTS]; 2] = [[6_000_000, 2_000_000], [3_000_000, 6_000_000]];
/// A `max_fee` far above any fee.
const AMPLE_FEE: u64 = 1_000_000_000;
/// The requesters' X25519 recipient key (any point not of small order).
const RECIPIENT_KEY: [u8; 32] = [9; 32];
/// The recipient key of a request filed again under an approval.
const SWAPPED_KEY: [u8; 32] = [7; 32];
const PURPOSE: &str = "Property test request";
const SWAPPED_PURPOSE: &str = "Swapped: every schema, no use limit";
const OCCUPATION: &str = "2221";
const NEW_OCCUPATION: &str = "2222";
const REGION: &str = "GB-ENG";
const NEW_REGION: &str = "GB";
const AVAILABLE_FROM: i64 = 1_800_000_000;
const NEW_AVAILABLE_FROM: i64 = 1_900_000_000;

/// Who sends an operation: the actor its role calls for, or any actor.
#[derive(Clone, Copy, Debug)]
enum Who {
    Proper,
    Actor(usize),
}

#[derive(Clone, Copy, Debug)]
enum Decision {
    Accredit,
    /// `accredit_issuer_checked` naming the issuer's current authority (`None`) or an actor.
    AccreditChecked {
        named: Option<usize>,
    },
    Suspend,
    Reinstate,
    Revoke,
}

#[derive(Clone, Copy, Debug)]
enum Change {
    Suspend,
    Reinstate,
    Revoke,
    Renew,
}

/// A selection of credentials: some of one candidate's four (bit `issuer * 2 + slot`), plus
/// optionally one of the other candidate's. With `issued_only`, the selection is narrowed to
/// credentials issued so far (switching to the other candidate if this one has none yet), so
/// that most grants can land.
#[derive(Clone, Copy, Debug)]
struct Selection {
    candidate: usize,
    own: u8,
    foreign: bool,
    issued_only: bool,
}

impl Selection {
    /// The candidate whose credentials are selected.
    fn candidate(&self, model: &Model) -> usize {
        let has_issued = |c: usize| (0..4).any(|bit| model.credentials[key_of(c, bit)].is_some());
        if self.issued_only && !has_issued(self.candidate) && has_issued(1 - self.candidate) {
            1 - self.candidate
        } else {
            self.candidate
        }
    }

    fn keys(&self, model: &Model) -> Vec<usize> {
        self.keys_for(model, self.candidate(model))
    }

    /// The selection among `candidate`'s credentials (no switching to the other candidate).
    fn keys_for(&self, model: &Model, candidate: usize) -> Vec<usize> {
        let mut keys: Vec<usize> = (0..4)
            .filter(|bit| self.own & (1 << bit) != 0)
            .map(|bit| key_of(candidate, bit))
            .collect();
        if self.issued_only {
            let issued: Vec<usize> = (0..4)
                .map(|bit| key_of(candidate, bit))
                .filter(|k| model.credentials[*k].is_some())
                .collect();
            let narrowed: Vec<usize> = keys
                .iter()
                .copied()
                .filter(|k| issued.contains(k))
                .collect();
            if !narrowed.is_empty() {
                keys = narrowed;
            } else if let Some(first) = issued.first() {
                keys = vec![*first];
            }
        }
        if self.foreign {
            keys.push((1 - candidate) * 2);
        }
        keys
    }
}

/// Credential key of `candidate`'s bit `issuer * 2 + slot`.
fn key_of(candidate: usize, bit: usize) -> usize {
    (bit / 2) * 4 + candidate * 2 + bit % 2
}

/// The index of `actor` among the candidates.
fn candidate_index(actor: usize) -> Option<usize> {
    CANDIDATES.iter().position(|c| *c == actor)
}

/// The recipient key a request carries.
#[derive(Clone, Copy, Debug)]
enum KeyChoice {
    Usable,
    /// Zero (0) or one (1): points of small order, refused.
    SmallOrder(u8),
}

/// The terms a `create_request` asks for, before they are resolved against the model.
#[derive(Clone, Copy, Debug)]
struct RequestSpec {
    /// Some of the subject's credentials by address (own bits, plus one of another candidate's).
    credentials: Option<(u8, bool)>,
    /// Bit `i`: issuer `i`'s schema.
    schemas: u8,
    duplicate_schema: bool,
    empty_purpose: bool,
    duration: i64,
    max_uses: u32,
    key: KeyChoice,
}

/// Whose token account pays an access.
#[derive(Clone, Copy, Debug)]
enum PayerChoice {
    /// The grantee's own (recruiter-1's when the grantee is no recruiter).
    Own,
    /// The other recruiter's.
    Other,
}

/// Which mint the payment names.
#[derive(Clone, Copy, Debug)]
enum MintChoice {
    /// The quoted one (the mint of the first fee due): mint account and payer account.
    Quoted,
    /// The other mint, for both.
    Other,
    /// The quoted mint, but the payer account of the other mint.
    PayerOther,
}

/// The `max_fee` a payment states.
#[derive(Clone, Copy, Debug)]
enum MaxChoice {
    /// Exactly the total quoted.
    Exact,
    /// One base unit below it.
    Below,
    Ample,
    Zero,
}

/// The payment accounts and cap of a `record_access`.
#[derive(Clone, Copy, Debug)]
struct Pay {
    payer: PayerChoice,
    mint: MintChoice,
    max: MaxChoice,
}

#[derive(Clone, Debug)]
enum Op {
    Decide {
        who: Who,
        issuer: usize,
        decision: Decision,
    },
    SetPaused {
        who: Who,
        paused: bool,
    },
    TransferAdmin {
        who: Who,
        to: usize,
    },
    AcceptAdmin {
        who: Who,
    },
    Rotate {
        who: Who,
        issuer: usize,
        to: usize,
    },
    AddDelegate {
        who: Who,
        issuer: usize,
        permissions: u8,
        hours: i64,
    },
    RemoveDelegate {
        who: Who,
        issuer: usize,
    },
    Issue {
        who: Who,
        via_delegate: bool,
        issuer: usize,
        candidate: usize,
        slot: usize,
    },
    Change {
        who: Who,
        via_delegate: bool,
        cross_issuer: bool,
        /// Picks among the credentials issued so far (mostly), or any of the eight.
        target: usize,
        change: Change,
    },
    CloseCredential {
        who: Who,
        cross_issuer: bool,
        target: usize,
    },
    SetFee {
        who: Who,
        issuer: usize,
        mint: usize,
        amount: u64,
        /// The treasury passed is the issuer's token account of the other mint.
        treasury_of_other_mint: bool,
    },
    ClearFee {
        who: Who,
        issuer: usize,
    },
    CreateGrant {
        who: Who,
        grantee: usize,
        slot: u64,
        selection: Selection,
        max_uses: u32,
    },
    UpdateGrant {
        who: Who,
        target: usize,
        max_uses: Option<u32>,
        extend: bool,
        selection: Option<(u8, bool, bool)>,
    },
    RevokeGrant {
        who: Who,
        target: usize,
    },
    CloseGrant {
        who: Who,
        target: usize,
    },
    RecordAccess {
        who: Who,
        target: usize,
        mask: u16,
        /// The mask is narrowed to the credentials the grant covers (else it may reach past).
        fit: bool,
        /// `None`: no payment accounts.
        pay: Option<Pay>,
        /// The issuer and treasury accounts of fee-charging schemas are left out.
        omit_treasury: bool,
    },
    CreateListing {
        who: Who,
        selection: Selection,
        codes_valid: bool,
    },
    UpdateListing {
        who: Who,
        /// Whose listing is passed.
        candidate: usize,
        /// `Some(valid)`: a new code, valid or not.
        occupation: Option<bool>,
        region: Option<bool>,
        available_from: bool,
        selection: Option<(u8, bool, bool)>,
    },
    CloseListing {
        who: Who,
        candidate: usize,
    },
    CreateRequest {
        who: Who,
        requester: usize,
        subject: usize,
        id: u64,
        spec: RequestSpec,
    },
    ApproveRequest {
        who: Who,
        target: usize,
        grant_id: u64,
        /// Own bits, one foreign credential, narrowed to what the request asks for.
        pick: (u8, bool, bool),
        wrong_requester: bool,
        long_sealed_key: bool,
        /// The requester swaps the request's terms between her read and her approval.
        swap: bool,
    },
    DeclineRequest {
        who: Who,
        target: usize,
        wrong_requester: bool,
    },
    WithdrawRequest {
        who: Who,
        target: usize,
    },
    /// Not generated on its own: the requester's withdraw-and-file-again transaction that an
    /// `ApproveRequest { swap: true, .. }` runs between the read and the approval.
    SwapRequest {
        target: usize,
    },
    Advance {
        hours: i64,
    },
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![4 => Just(Who::Proper), 1 => (0..ACTORS).prop_map(Who::Actor)]
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        2 => Just(Decision::Accredit),
        2 => prop_oneof![3 => Just(None), 1 => (0..ACTORS).prop_map(Some)]
            .prop_map(|named| Decision::AccreditChecked { named }),
        2 => Just(Decision::Suspend),
        2 => Just(Decision::Reinstate),
        1 => Just(Decision::Revoke)
    ]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Suspend),
        Just(Change::Reinstate),
        Just(Change::Revoke),
        Just(Change::Renew)
    ]
}

/// Some of a candidate's four credentials, most often one.
fn own_credentials() -> impl Strategy<Value = u8> {
    prop_oneof![3 => (0..4u8).prop_map(|bit| 1 << bit), 1 => 1u8..16]
}

fn grantee() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => prop_oneof![Just(RECRUITERS[0]), Just(RECRUITERS[1])],
        1 => 0..ACTORS,
    ]
}

/// A grant's or listing's selection: several credentials more often than `own_credentials`, so
/// that accesses cover both issuers' fees (and their mints) in one go.
fn selection() -> impl Strategy<Value = Selection> {
    (
        0..2usize,
        prop_oneof![3 => (0..4u8).prop_map(|bit| 1 << bit), 2 => 1u8..16],
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(candidate, own, foreign, issued_only)| Selection {
            candidate,
            own,
            foreign,
            issued_only,
        })
}

fn fee_amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        1 => Just(0u64),
        3 => Just(1_000_000u64),
        3 => Just(2_500_000u64),
        2 => Just(4_000_000u64)
    ]
}

fn pay() -> impl Strategy<Value = Option<Pay>> {
    prop::option::weighted(
        0.8,
        (
            prop_oneof![9 => Just(PayerChoice::Own), 1 => Just(PayerChoice::Other)],
            prop_oneof![
                8 => Just(MintChoice::Quoted),
                1 => Just(MintChoice::Other),
                1 => Just(MintChoice::PayerOther)
            ],
            prop_oneof![
                6 => Just(MaxChoice::Exact),
                1 => Just(MaxChoice::Below),
                3 => Just(MaxChoice::Ample),
                1 => Just(MaxChoice::Zero)
            ],
        )
            .prop_map(|(payer, mint, max)| Pay { payer, mint, max }),
    )
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        prop::option::weighted(0.6, (own_credentials(), prop::bool::weighted(0.1))),
        0u8..4,
        prop::bool::weighted(0.03),
        prop::bool::weighted(0.03),
        prop_oneof![
            20 => 3600i64..=30 * 24 * 3600,
            1 => Just(0i64),
            1 => Just(MAX_REQUEST_DURATION_SECS + 1)
        ],
        0u32..4,
        prop_oneof![
            20 => Just(KeyChoice::Usable),
            1 => (0u8..2).prop_map(KeyChoice::SmallOrder)
        ],
    )
        .prop_map(
            |(credentials, schemas, duplicate_schema, empty_purpose, duration, max_uses, key)| {
                RequestSpec {
                    credentials,
                    schemas,
                    duplicate_schema,
                    empty_purpose,
                    duration,
                    max_uses,
                    key,
                }
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (who(), 0..2usize, decision())
            .prop_map(|(who, issuer, decision)| Op::Decide { who, issuer, decision }),
        1 => (who(), any::<bool>()).prop_map(|(who, paused)| Op::SetPaused { who, paused }),
        1 => (who(), 0..ACTORS).prop_map(|(who, to)| Op::TransferAdmin { who, to }),
        1 => who().prop_map(|who| Op::AcceptAdmin { who }),
        1 => (who(), 0..2usize, 0..ACTORS)
            .prop_map(|(who, issuer, to)| Op::Rotate { who, issuer, to }),
        2 => (who(), 0..2usize, 0u8..=17, 1i64..=120).prop_map(|(who, issuer, permissions, hours)| {
            Op::AddDelegate { who, issuer, permissions, hours }
        }),
        1 => (who(), 0..2usize).prop_map(|(who, issuer)| Op::RemoveDelegate { who, issuer }),
        6 => (who(), prop::bool::weighted(0.3), 0..2usize, 0..2usize, 0..2usize).prop_map(
            |(who, via_delegate, issuer, candidate, slot)| Op::Issue {
                who,
                via_delegate,
                issuer,
                candidate,
                slot,
            }
        ),
        7 => (
            who(),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.1),
            0..64usize,
            change()
        )
            .prop_map(|(who, via_delegate, cross_issuer, target, change)| Op::Change {
                who,
                via_delegate,
                cross_issuer,
                target,
                change,
            }),
        2 => (who(), prop::bool::weighted(0.1), 0..64usize).prop_map(
            |(who, cross_issuer, target)| Op::CloseCredential { who, cross_issuer, target }
        ),
        3 => (
            who(),
            0..2usize,
            0..MINTS,
            fee_amount(),
            prop::bool::weighted(0.05)
        )
            .prop_map(|(who, issuer, mint, amount, treasury_of_other_mint)| Op::SetFee {
                who,
                issuer,
                mint,
                amount,
                treasury_of_other_mint,
            }),
        1 => (who(), 0..2usize).prop_map(|(who, issuer)| Op::ClearFee { who, issuer }),
        5 => (who(), grantee(), 0..2u64, selection(), 0u32..4).prop_map(
            |(who, grantee, slot, selection, max_uses)| Op::CreateGrant {
                who,
                grantee,
                slot,
                selection,
                max_uses,
            }
        ),
        2 => (
            who(),
            0..64usize,
            prop::option::weighted(0.5, 0u32..5),
            prop::bool::weighted(0.3),
            prop::option::weighted(
                0.3,
                (own_credentials(), prop::bool::weighted(0.2), prop::bool::weighted(0.8))
            )
        )
            .prop_map(|(who, target, max_uses, extend, selection)| Op::UpdateGrant {
                who,
                target,
                max_uses,
                extend,
                selection,
            }),
        2 => (who(), 0..64usize).prop_map(|(who, target)| Op::RevokeGrant { who, target }),
        1 => (who(), 0..64usize).prop_map(|(who, target)| Op::CloseGrant { who, target }),
        6 => (
            who(),
            0..64usize,
            (
                prop_oneof![2 => Just(1u16), 2 => Just(0b111), 2 => 1u16..=7],
                prop::bool::weighted(0.85)
            ),
            pay(),
            prop::bool::weighted(0.06)
        )
            .prop_map(|(who, target, (mask, fit), pay, omit_treasury)| Op::RecordAccess {
                who,
                target,
                mask,
                fit,
                pay,
                omit_treasury,
            }),
        2 => (who(), selection(), prop::bool::weighted(0.9)).prop_map(
            |(who, selection, codes_valid)| Op::CreateListing { who, selection, codes_valid }
        ),
        1 => (
            who(),
            0..2usize,
            prop::option::weighted(0.4, prop::bool::weighted(0.9)),
            prop::option::weighted(0.2, prop::bool::weighted(0.9)),
            prop::bool::weighted(0.4),
            prop::option::weighted(
                0.4,
                (own_credentials(), prop::bool::weighted(0.15), prop::bool::weighted(0.8))
            )
        )
            .prop_map(|(who, candidate, occupation, region, available_from, selection)| {
                Op::UpdateListing { who, candidate, occupation, region, available_from, selection }
            }),
        1 => (who(), 0..2usize).prop_map(|(who, candidate)| Op::CloseListing { who, candidate }),
        4 => (
            who(),
            grantee(),
            prop_oneof![5 => prop_oneof![Just(CANDIDATES[0]), Just(CANDIDATES[1])], 1 => 0..ACTORS],
            0..2u64,
            request_spec()
        )
            .prop_map(|(who, requester, subject, id, spec)| Op::CreateRequest {
                who,
                requester,
                subject,
                id,
                spec,
            }),
        3 => (
            who(),
            0..64usize,
            0..2u64,
            (own_credentials(), prop::bool::weighted(0.1), prop::bool::weighted(0.85)),
            (
                prop::bool::weighted(0.04),
                prop::bool::weighted(0.03),
                prop::bool::weighted(0.3)
            )
        )
            .prop_map(
                |(who, target, grant_id, pick, (wrong_requester, long_sealed_key, swap))| {
                    Op::ApproveRequest {
                        who,
                        target,
                        grant_id,
                        pick,
                        wrong_requester,
                        long_sealed_key,
                        swap,
                    }
                }
            ),
        1 => (who(), 0..64usize, prop::bool::weighted(0.05)).prop_map(
            |(who, target, wrong_requester)| Op::DeclineRequest { who, target, wrong_requester }
        ),
        1 => (who(), 0..64usize).prop_map(|(who, target)| Op::WithdrawRequest { who, target }),
        2 => prop_oneof![4 => 1i64..=72, 1 => 100i64..=200].prop_map(|hours| Op::Advance { hours }),
    ]
}

/// One sequence: whether issuer B starts pending (not yet accredited), and its operations.
fn sequence(ops: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = (bool, Vec<Op>)> {
    (prop::bool::weighted(0.3), prop::collection::vec(op(), ops))
}

// ---------------------------------------------------------------- the model

#[derive(Clone, Debug)]
struct DelegateModel {
    permissions: u8,
    expires_at: i64,
}

#[derive(Clone, Debug)]
struct IssuerModel {
    status: IssuerStatus,
    authority: usize,
    delegate: Option<DelegateModel>,
}

#[derive(Clone, Debug)]
struct CredentialModel {
    status: CredentialStatus,
    expires_at: i64,
    reason: u16,
}

impl CredentialModel {
    /// Active and not expired (every credential here is valid from its issuance).
    fn in_force(&self, now: i64) -> bool {
        self.status == CredentialStatus::Active && !self.expired(now)
    }

    fn expired(&self, now: i64) -> bool {
        self.expires_at != 0 && now >= self.expires_at
    }
}

/// `(subject, grantee, grant id)`.
type GrantKey = (usize, usize, u64);

#[derive(Clone, Debug)]
struct GrantModel {
    credentials: Vec<usize>,
    revoked: bool,
    uses: u32,
    max_uses: u32,
    expires_at: i64,
}

/// A schema's fee: `amount` of mint `mint`, into the issuer's treasury of that mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FeeModel {
    mint: usize,
    amount: u64,
}

#[derive(Clone, Debug)]
struct ListingModel {
    occupation: [u8; CODE_LEN],
    region: [u8; CODE_LEN],
    available_from: i64,
    credentials: Vec<usize>,
    created_at: i64,
    updated_at: i64,
}

/// `(subject, requester, request id)`.
type RequestKey = (usize, usize, u64);

/// A request's terms, everything its terms hash covers besides the parties and the id.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RequestModel {
    credentials: Vec<usize>,
    /// Issuer indices: issuer `i`'s schema.
    schemas: Vec<usize>,
    purpose: &'static str,
    duration: i64,
    max_uses: u32,
    recipient_key: [u8; 32],
    created_at: i64,
}

impl RequestModel {
    fn asks_for(&self, credential: usize) -> bool {
        self.credentials.contains(&credential)
            || self.schemas.contains(&credential_issuer(credential))
    }
}

/// The terms the requester files when it swaps a request under an approval: every schema, no
/// use limit, the longest duration, its own recipient key.
fn swapped_terms(now: i64) -> RequestModel {
    RequestModel {
        credentials: vec![],
        schemas: vec![0, 1],
        purpose: SWAPPED_PURPOSE,
        duration: MAX_REQUEST_DURATION_SECS,
        max_uses: 0,
        recipient_key: SWAPPED_KEY,
        created_at: now,
    }
}

fn small_order_key(which: u8) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = which;
    key
}

/// Who may do what, in plain Rust.
#[derive(Clone, Debug)]
struct Model {
    admin: usize,
    pending_admin: Option<usize>,
    paused: bool,
    issuers: [IssuerModel; 2],
    credentials: [Option<CredentialModel>; CREDENTIALS],
    /// Every grant ever created (`None` once closed).
    grants: BTreeMap<GrantKey, Option<GrantModel>>,
    /// The keys of `grants`, in creation order (operations pick their target among them).
    grant_keys: Vec<GrantKey>,
    /// Each issuer's schema fee.
    fees: [Option<FeeModel>; 2],
    /// `payers[recruiter][mint]`: the recruiters' payer token balances.
    payers: [[u64; MINTS]; 2],
    /// `treasuries[issuer][mint]`: the issuers' treasury token balances.
    treasuries: [[u64; MINTS]; 2],
    /// Listings by subject.
    listings: BTreeMap<usize, ListingModel>,
    /// Every request ever filed (`None` once closed).
    requests: BTreeMap<RequestKey, Option<RequestModel>>,
    /// The keys of `requests`, in filing order.
    request_keys: Vec<RequestKey>,
    /// The request as the subject read it before her approval (set by the runner).
    read: Option<RequestModel>,
}

/// The system program's `AccountAlreadyInUse`, from `init` over an existing account.
const IN_USE: u32 = 0;

fn credential_issuer(key: usize) -> usize {
    key / 4
}
fn credential_subject(key: usize) -> usize {
    CANDIDATES[(key / 2) % 2]
}
fn credential_id(key: usize) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[0] = key as u8 + 1;
    id
}

/// The credential keys of `credentials` that `mask` selects.
fn selected(credentials: &[usize], mask: u16) -> Vec<usize> {
    credentials
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 16 && mask & (1 << i) != 0)
        .map(|(_, c)| *c)
        .collect()
}

/// A code, left-aligned and zero-padded.
fn code(text: &str) -> [u8; CODE_LEN] {
    let mut out = [0u8; CODE_LEN];
    out[..text.len()].copy_from_slice(text.as_bytes());
    out
}

/// A payment resolved: the recruiter whose account pays, its account's mint, the mint named and
/// the cap.
struct Payment {
    payer: usize,
    payer_mint: usize,
    fee_mint: usize,
    max_fee: u64,
}

/// Resolves `pay` for `signer` against the quote `(mint, total)`.
fn payment(pay: &Pay, signer: usize, (mint, total): (usize, u64)) -> Payment {
    let own = RECRUITERS.iter().position(|r| *r == signer);
    let payer = match pay.payer {
        PayerChoice::Own => own.unwrap_or(0),
        PayerChoice::Other => own.map_or(1, |o| 1 - o),
    };
    let (fee_mint, payer_mint) = match pay.mint {
        MintChoice::Quoted => (mint, mint),
        MintChoice::Other => (1 - mint, 1 - mint),
        MintChoice::PayerOther => (mint, 1 - mint),
    };
    let max_fee = match pay.max {
        MaxChoice::Exact => total,
        MaxChoice::Below => total.saturating_sub(1),
        MaxChoice::Ample => AMPLE_FEE,
        MaxChoice::Zero => 0,
    };
    Payment {
        payer,
        payer_mint,
        fee_mint,
        max_fee,
    }
}

impl Model {
    fn new(issuer_b_pending: bool) -> Self {
        // Both issuers are registered with one schema each before the sequence; issuer A is
        // accredited, and issuer B too unless the sequence starts it pending.
        let issuer = |authority, status| IssuerModel {
            status,
            authority,
            delegate: None,
        };
        let b_status = if issuer_b_pending {
            IssuerStatus::Pending
        } else {
            IssuerStatus::Accredited
        };
        Self {
            admin: ADMIN,
            pending_admin: None,
            paused: false,
            issuers: [issuer(1, IssuerStatus::Accredited), issuer(2, b_status)],
            credentials: Default::default(),
            grants: BTreeMap::new(),
            grant_keys: Vec::new(),
            fees: [None, None],
            payers: PAYER_TOKENS,
            treasuries: [[0; MINTS]; 2],
            listings: BTreeMap::new(),
            requests: BTreeMap::new(),
            request_keys: Vec::new(),
            read: None,
        }
    }

    fn grant_target(&self, target: usize) -> GrantKey {
        if self.grant_keys.is_empty() {
            (CANDIDATES[0], RECRUITERS[0], 0)
        } else {
            self.grant_keys[target % self.grant_keys.len()]
        }
    }

    fn grant(&self, key: &GrantKey) -> Option<&GrantModel> {
        self.grants.get(key).and_then(Option::as_ref)
    }

    fn request_target(&self, target: usize) -> RequestKey {
        if self.request_keys.is_empty() {
            (CANDIDATES[0], RECRUITERS[0], 0)
        } else {
            self.request_keys[target % self.request_keys.len()]
        }
    }

    fn request(&self, key: &RequestKey) -> Option<&RequestModel> {
        self.requests.get(key).and_then(Option::as_ref)
    }

    /// The credential a change targets: one issued so far for most targets, else any.
    fn credential_target(&self, target: usize) -> usize {
        let issued: Vec<usize> = (0..CREDENTIALS)
            .filter(|k| self.credentials[*k].is_some())
            .collect();
        if target < 56 && !issued.is_empty() {
            issued[target % issued.len()]
        } else {
            target % CREDENTIALS
        }
    }

    /// The credential a close targets: a revoked one (closable) for most targets, if any; else
    /// as for a change.
    fn close_target(&self, target: usize) -> usize {
        let revoked: Vec<usize> = (0..CREDENTIALS)
            .filter(|k| {
                self.credentials[*k]
                    .as_ref()
                    .is_some_and(|c| c.status == CredentialStatus::Revoked)
            })
            .collect();
        if target < 40 && !revoked.is_empty() {
            revoked[target % revoked.len()]
        } else {
            self.credential_target(target)
        }
    }

    /// The mask an access sends: with `fit`, narrowed to the credentials the grant covers (the
    /// first one if nothing is left).
    fn access_mask(&self, key: &GrantKey, mask: u16, fit: bool) -> u16 {
        match self.grant(key) {
            Some(grant) if fit && grant.credentials.len() < 16 => {
                let fitted = mask & ((1u16 << grant.credentials.len()) - 1);
                if fitted == 0 {
                    1
                } else {
                    fitted
                }
            }
            _ => mask,
        }
    }

    /// Whether a delegate record exists for `signer` under `issuer`.
    fn has_record(&self, issuer: usize, signer: usize) -> bool {
        signer == DELEGATE && self.issuers[issuer].delegate.is_some()
    }

    /// Whether `issuer`'s fee is charged for `credential` at `now`.
    fn charges(&self, issuer: usize, credential: &CredentialModel, now: i64) -> bool {
        self.issuers[issuer].status == IssuerStatus::Accredited && credential.in_force(now)
    }

    /// The grantee's quote for an access over `mask` of grant `key`: the mint of the first fee
    /// due (0 if none) and the total due.
    fn quote(&self, key: &GrantKey, mask: u16, now: i64) -> (usize, u64) {
        let Some(grant) = self.grant(key) else {
            return (0, 0);
        };
        let mut mint = None;
        let mut total = 0u64;
        for c in selected(&grant.credentials, mask) {
            let Some(credential) = &self.credentials[c] else {
                continue;
            };
            let issuer = credential_issuer(c);
            if let Some(fee) = self.fees[issuer] {
                if self.charges(issuer, credential, now) {
                    mint.get_or_insert(fee.mint);
                    total = total.saturating_add(fee.amount);
                }
            }
        }
        (mint.unwrap_or(0), total)
    }

    /// The terms `spec` resolves to for `subject` at `now`.
    fn request_terms(&self, spec: &RequestSpec, subject: usize, now: i64) -> RequestModel {
        let candidate = candidate_index(subject).unwrap_or(0);
        let credentials = spec
            .credentials
            .map(|(own, foreign)| {
                Selection {
                    candidate,
                    own,
                    foreign,
                    issued_only: true,
                }
                .keys_for(self, candidate)
            })
            .unwrap_or_default();
        let mut schemas: Vec<usize> = (0..2).filter(|i| spec.schemas & (1 << i) != 0).collect();
        if spec.duplicate_schema {
            let first = schemas.first().copied().unwrap_or(0);
            if schemas.is_empty() {
                schemas.push(first);
            }
            schemas.push(first);
        }
        RequestModel {
            credentials,
            schemas,
            purpose: if spec.empty_purpose { "" } else { PURPOSE },
            duration: spec.duration,
            max_uses: spec.max_uses,
            recipient_key: match spec.key {
                KeyChoice::Usable => RECIPIENT_KEY,
                KeyChoice::SmallOrder(which) => small_order_key(which),
            },
            created_at: now,
        }
    }

    /// The credentials an approval of the request `key` grants: some of its subject's (the
    /// first candidate's when the subject is no candidate), narrowed to those the request as
    /// read asks for and that exist, plus optionally one of the other candidate's.
    fn approve_keys(
        &self,
        key: &RequestKey,
        (own, foreign, asked_only): (u8, bool, bool),
    ) -> Vec<usize> {
        let candidate = candidate_index(key.0).unwrap_or(0);
        let mut keys: Vec<usize> = (0..4)
            .filter(|bit| own & (1 << bit) != 0)
            .map(|bit| key_of(candidate, bit))
            .collect();
        if asked_only {
            let grantable = |k: &usize| {
                self.credentials[*k].is_some() && self.read.as_ref().is_some_and(|r| r.asks_for(*k))
            };
            let narrowed: Vec<usize> = keys.iter().copied().filter(grantable).collect();
            if !narrowed.is_empty() {
                keys = narrowed;
            } else if let Some(first) = (0..4).map(|bit| key_of(candidate, bit)).find(grantable) {
                keys = vec![first];
            }
        }
        if foreign {
            keys.push((1 - candidate) * 2);
        }
        keys
    }

    /// The actor who sends `op`.
    fn signer(&self, op: &Op) -> usize {
        let proper = match op {
            Op::Decide { .. } | Op::SetPaused { .. } | Op::TransferAdmin { .. } => self.admin,
            Op::AcceptAdmin { .. } => self.pending_admin.unwrap_or(self.admin),
            Op::Rotate { issuer, .. }
            | Op::AddDelegate { issuer, .. }
            | Op::RemoveDelegate { issuer, .. }
            | Op::SetFee { issuer, .. }
            | Op::ClearFee { issuer, .. } => self.issuers[*issuer].authority,
            Op::Issue {
                via_delegate,
                issuer,
                ..
            } => {
                if *via_delegate {
                    DELEGATE
                } else {
                    self.issuers[*issuer].authority
                }
            }
            Op::Change {
                via_delegate,
                target,
                ..
            } => {
                if *via_delegate {
                    DELEGATE
                } else {
                    self.issuers[credential_issuer(self.credential_target(*target))].authority
                }
            }
            Op::CloseCredential { target, .. } => {
                self.issuers[credential_issuer(self.close_target(*target))].authority
            }
            Op::CreateGrant { selection, .. } | Op::CreateListing { selection, .. } => {
                CANDIDATES[selection.candidate(self)]
            }
            Op::UpdateGrant { target, .. }
            | Op::RevokeGrant { target, .. }
            | Op::CloseGrant { target, .. } => self.grant_target(*target).0,
            Op::RecordAccess { target, .. } => self.grant_target(*target).1,
            Op::UpdateListing { candidate, .. } | Op::CloseListing { candidate, .. } => {
                CANDIDATES[*candidate]
            }
            Op::CreateRequest { requester, .. } => *requester,
            Op::ApproveRequest { target, .. } | Op::DeclineRequest { target, .. } => {
                self.request_target(*target).0
            }
            Op::WithdrawRequest { target, .. } | Op::SwapRequest { target } => {
                self.request_target(*target).1
            }
            Op::Advance { .. } => ADMIN,
        };
        let who = match op {
            Op::Decide { who, .. }
            | Op::SetPaused { who, .. }
            | Op::TransferAdmin { who, .. }
            | Op::AcceptAdmin { who }
            | Op::Rotate { who, .. }
            | Op::AddDelegate { who, .. }
            | Op::RemoveDelegate { who, .. }
            | Op::Issue { who, .. }
            | Op::Change { who, .. }
            | Op::CloseCredential { who, .. }
            | Op::SetFee { who, .. }
            | Op::ClearFee { who, .. }
            | Op::CreateGrant { who, .. }
            | Op::UpdateGrant { who, .. }
            | Op::RevokeGrant { who, .. }
            | Op::CloseGrant { who, .. }
            | Op::RecordAccess { who, .. }
            | Op::CreateListing { who, .. }
            | Op::UpdateListing { who, .. }
            | Op::CloseListing { who, .. }
            | Op::CreateRequest { who, .. }
            | Op::ApproveRequest { who, .. }
            | Op::DeclineRequest { who, .. }
            | Op::WithdrawRequest { who, .. } => *who,
            Op::SwapRequest { .. } | Op::Advance { .. } => Who::Proper,
        };
        match who {
            Who::Proper => proper,
            Who::Actor(actor) => actor,
        }
    }

    /// The issuer side's right to act: the authority, or a live delegate record with `bit`.
    fn authorize(
        &self,
        issuer: usize,
        signer: usize,
        via_delegate: bool,
        bit: u8,
        now: i64,
    ) -> Result<(), u32> {
        if signer == self.issuers[issuer].authority {
            return Ok(());
        }
        match (&self.issuers[issuer].delegate, via_delegate) {
            (Some(record), true) => {
                if now >= record.expires_at {
                    Err(u32::from(RegistryError::DelegateExpired))
                } else if record.permissions & bit != bit {
                    Err(u32::from(RegistryError::DelegateMissingPermission))
                } else {
                    Ok(())
                }
            }
            _ => Err(u32::from(RegistryError::NotAuthorized)),
        }
    }

    fn good_standing(&self, issuer: usize) -> Result<(), u32> {
        if self.paused {
            return Err(u32::from(RegistryError::RegistryPaused));
        }
        if self.issuers[issuer].status != IssuerStatus::Accredited {
            return Err(u32::from(RegistryError::IssuerNotAccredited));
        }
        Ok(())
    }

    /// The consent program's check of a credential list for `subject`.
    fn check_credentials(&self, subject: usize, keys: &[usize]) -> Result<(), u32> {
        if keys.is_empty() {
            return Err(u32::from(ConsentError::NoCredentials));
        }
        for key in keys {
            if self.credentials[*key].is_none() {
                return Err(u32::from(ConsentError::CredentialNotOwnedByRegistry));
            }
            if credential_subject(*key) != subject {
                return Err(u32::from(ConsentError::CredentialOfAnotherSubject));
            }
        }
        Ok(())
    }

    /// The new expiry a renewal asks for.
    fn renewal(&self, credential: usize, now: i64) -> i64 {
        self.credentials[credential]
            .as_ref()
            .map_or(now + YEAR, |c| c.expires_at + YEAR)
    }

    /// `create_request` by `key.1` to `key.0` on `terms`.
    fn file_request(&mut self, key: RequestKey, terms: RequestModel) -> Result<(), u32> {
        if self.request(&key).is_some() {
            return Err(IN_USE);
        }
        if key.0 == key.1 {
            return Err(u32::from(ConsentError::SelfRequest));
        }
        if terms.credentials.is_empty() && terms.schemas.is_empty() {
            return Err(u32::from(ConsentError::NothingRequested));
        }
        for (i, schema) in terms.schemas.iter().enumerate() {
            if terms.schemas[..i].contains(schema) {
                return Err(u32::from(ConsentError::DuplicateSchema));
            }
        }
        if terms.purpose.is_empty() {
            return Err(u32::from(ConsentError::PurposeInvalid));
        }
        if terms.recipient_key == small_order_key(0) || terms.recipient_key == small_order_key(1) {
            return Err(u32::from(ConsentError::InvalidRecipientKey));
        }
        if terms.duration <= 0 || terms.duration > MAX_REQUEST_DURATION_SECS {
            return Err(u32::from(ConsentError::InvalidDuration));
        }
        if !terms.credentials.is_empty() {
            self.check_credentials(key.0, &terms.credentials)?;
        }
        if !self.requests.contains_key(&key) {
            self.request_keys.push(key);
        }
        self.requests.insert(key, Some(terms));
        Ok(())
    }

    /// `withdraw_request` of `key` by `signer`.
    fn withdraw_request(&mut self, key: RequestKey, signer: usize) -> Result<(), u32> {
        if self.request(&key).is_none() {
            return Err(u32::from(AnchorError::AccountNotInitialized));
        }
        if signer != key.1 {
            return Err(u32::from(ConsentError::NotRequester));
        }
        self.requests.insert(key, None);
        Ok(())
    }

    /// Predicts `op` sent by `signer` at `now`: on success the model moves on; on refusal it
    /// stays and the exact error code is returned.
    fn step(&mut self, op: &Op, signer: usize, now: i64) -> Result<(), u32> {
        match op {
            Op::Decide {
                issuer, decision, ..
            } => {
                if signer != self.admin {
                    return Err(u32::from(RegistryError::NotAdmin));
                }
                if let Decision::AccreditChecked { named } = decision {
                    let authority = self.issuers[*issuer].authority;
                    if named.unwrap_or(authority) != authority {
                        return Err(u32::from(RegistryError::IssuerAuthorityMismatch));
                    }
                }
                let status = self.issuers[*issuer].status;
                if status == IssuerStatus::Revoked {
                    return Err(u32::from(RegistryError::IssuerRevoked));
                }
                let (from, refusal, to) = match decision {
                    Decision::Accredit | Decision::AccreditChecked { .. } => (
                        status == IssuerStatus::Pending,
                        RegistryError::IssuerNotPending,
                        IssuerStatus::Accredited,
                    ),
                    Decision::Suspend => (
                        status == IssuerStatus::Accredited,
                        RegistryError::IssuerNotAccredited,
                        IssuerStatus::Suspended,
                    ),
                    Decision::Reinstate => (
                        status == IssuerStatus::Suspended,
                        RegistryError::IssuerNotSuspended,
                        IssuerStatus::Accredited,
                    ),
                    Decision::Revoke => (true, RegistryError::IssuerRevoked, IssuerStatus::Revoked),
                };
                if !from {
                    return Err(u32::from(refusal));
                }
                self.issuers[*issuer].status = to;
            }
            Op::SetPaused { paused, .. } => {
                if signer != self.admin {
                    return Err(u32::from(RegistryError::NotAdmin));
                }
                if *paused == self.paused {
                    return Err(u32::from(RegistryError::PauseUnchanged));
                }
                self.paused = *paused;
            }
            Op::TransferAdmin { to, .. } => {
                if signer != self.admin {
                    return Err(u32::from(RegistryError::NotAdmin));
                }
                self.pending_admin = Some(*to);
            }
            Op::AcceptAdmin { .. } => match self.pending_admin {
                None => return Err(u32::from(RegistryError::NoPendingAdmin)),
                Some(pending) if pending != signer => {
                    return Err(u32::from(RegistryError::NotPendingAdmin))
                }
                Some(_) => {
                    self.admin = signer;
                    self.pending_admin = None;
                }
            },
            Op::Rotate { issuer, to, .. } => {
                let state = &mut self.issuers[*issuer];
                if signer != state.authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                if state.status == IssuerStatus::Revoked {
                    return Err(u32::from(RegistryError::IssuerRevoked));
                }
                if *to == signer {
                    return Err(u32::from(RegistryError::AuthorityUnchanged));
                }
                state.authority = *to;
            }
            Op::AddDelegate {
                issuer,
                permissions,
                hours,
                ..
            } => {
                let state = &mut self.issuers[*issuer];
                if state.delegate.is_some() {
                    return Err(IN_USE);
                }
                if signer != state.authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                if state.status == IssuerStatus::Revoked {
                    return Err(u32::from(RegistryError::IssuerRevoked));
                }
                if *permissions == 0 || permissions & !PERMISSION_ALL != 0 {
                    return Err(u32::from(RegistryError::InvalidPermissions));
                }
                state.delegate = Some(DelegateModel {
                    permissions: *permissions,
                    expires_at: now + hours * 3600,
                });
            }
            Op::RemoveDelegate { issuer, .. } => {
                let state = &mut self.issuers[*issuer];
                if state.delegate.is_none() {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if signer != state.authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                state.delegate = None;
            }
            Op::Issue {
                via_delegate,
                issuer,
                candidate,
                slot,
                ..
            } => {
                let key = issuer * 4 + candidate * 2 + slot;
                if *via_delegate && !self.has_record(*issuer, signer) {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if self.credentials[key].is_some() {
                    return Err(IN_USE);
                }
                self.authorize(*issuer, signer, *via_delegate, PERMISSION_ISSUE, now)?;
                self.good_standing(*issuer)?;
                self.credentials[key] = Some(CredentialModel {
                    status: CredentialStatus::Active,
                    expires_at: now + YEAR,
                    reason: 0,
                });
            }
            Op::Change {
                via_delegate,
                cross_issuer,
                target,
                change,
                ..
            } => {
                let credential = &self.credential_target(*target);
                let issuer = credential_issuer(*credential);
                let passed = if *cross_issuer { 1 - issuer } else { issuer };
                if *via_delegate && !self.has_record(passed, signer) {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                let Some(current) = self.credentials[*credential].clone() else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                if *cross_issuer {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                let bit = match change {
                    Change::Suspend | Change::Reinstate => PERMISSION_SUSPEND,
                    Change::Revoke => PERMISSION_REVOKE,
                    Change::Renew => PERMISSION_RENEW,
                };
                self.authorize(issuer, signer, *via_delegate, bit, now)?;
                let mut next = current.clone();
                match change {
                    Change::Suspend => {
                        if current.status != CredentialStatus::Active {
                            return Err(u32::from(RegistryError::CredentialNotActive));
                        }
                        next.status = CredentialStatus::Suspended;
                    }
                    Change::Reinstate => {
                        self.good_standing(issuer)?;
                        if current.status != CredentialStatus::Suspended {
                            return Err(u32::from(RegistryError::CredentialNotSuspended));
                        }
                        next.status = CredentialStatus::Active;
                    }
                    Change::Revoke => {
                        if current.status == CredentialStatus::Revoked {
                            return Err(u32::from(RegistryError::CredentialRevoked));
                        }
                        next.status = CredentialStatus::Revoked;
                        next.reason = REASON_FRAUD;
                    }
                    Change::Renew => {
                        self.good_standing(issuer)?;
                        if current.status == CredentialStatus::Revoked {
                            return Err(u32::from(RegistryError::CredentialRevoked));
                        }
                        let expires_at = self.renewal(*credential, now);
                        if current.expires_at == 0 || expires_at <= current.expires_at {
                            return Err(u32::from(RegistryError::ExpiryNotExtended));
                        }
                        if expires_at <= now {
                            return Err(u32::from(RegistryError::ExpiryInPast));
                        }
                        next.expires_at = expires_at;
                    }
                }
                self.credentials[*credential] = Some(next);
            }
            Op::CloseCredential {
                cross_issuer,
                target,
                ..
            } => {
                let credential = self.close_target(*target);
                let issuer = credential_issuer(credential);
                let passed = if *cross_issuer { 1 - issuer } else { issuer };
                let Some(current) = &self.credentials[credential] else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                if signer != self.issuers[passed].authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                if *cross_issuer {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                if current.status != CredentialStatus::Revoked && !current.expired(now) {
                    return Err(u32::from(RegistryError::CredentialNotClosable));
                }
                // The issuance counters keep counting it: they count issuances, not accounts.
                self.credentials[credential] = None;
            }
            Op::SetFee {
                issuer,
                mint,
                amount,
                treasury_of_other_mint,
                ..
            } => {
                if signer != self.issuers[*issuer].authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                if *treasury_of_other_mint {
                    return Err(u32::from(RegistryError::TreasuryMintMismatch));
                }
                if *amount == 0 {
                    return Err(u32::from(RegistryError::FeeAmountZero));
                }
                if self.issuers[*issuer].status == IssuerStatus::Revoked {
                    return Err(u32::from(RegistryError::IssuerRevoked));
                }
                let fee = FeeModel {
                    mint: *mint,
                    amount: *amount,
                };
                if self.fees[*issuer] == Some(fee) {
                    return Err(u32::from(RegistryError::NothingToUpdate));
                }
                self.fees[*issuer] = Some(fee);
            }
            Op::ClearFee { issuer, .. } => {
                if signer != self.issuers[*issuer].authority {
                    return Err(u32::from(RegistryError::NotIssuerAuthority));
                }
                if self.fees[*issuer].is_none() {
                    return Err(u32::from(RegistryError::NoFeeSet));
                }
                self.fees[*issuer] = None;
            }
            Op::CreateGrant {
                grantee,
                slot,
                selection,
                max_uses,
                ..
            } => {
                let key = (signer, *grantee, *slot);
                if self.grant(&key).is_some() {
                    return Err(IN_USE);
                }
                if *grantee == signer {
                    return Err(u32::from(ConsentError::SelfGrant));
                }
                let credentials = selection.keys(self);
                self.check_credentials(signer, &credentials)?;
                if !self.grants.contains_key(&key) {
                    self.grant_keys.push(key);
                }
                self.grants.insert(
                    key,
                    Some(GrantModel {
                        credentials,
                        revoked: false,
                        uses: 0,
                        max_uses: *max_uses,
                        expires_at: now + WEEK,
                    }),
                );
            }
            Op::UpdateGrant {
                target,
                max_uses,
                extend,
                selection,
                ..
            } => {
                let key = self.grant_target(*target);
                let Some(grant) = self.grant(&key) else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                if signer != key.0 {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                if grant.revoked {
                    return Err(u32::from(ConsentError::GrantRevoked));
                }
                if max_uses.is_none() && !extend && selection.is_none() {
                    return Err(u32::from(ConsentError::NothingToUpdate));
                }
                if let Some(m) = max_uses {
                    if *m != 0 && *m < grant.uses {
                        return Err(u32::from(ConsentError::MaxUsesBelowUses));
                    }
                }
                let credentials = selection.map(|s| update_selection(key.0, s).keys(self));
                if let Some(credentials) = &credentials {
                    self.check_credentials(signer, credentials)?;
                }
                let grant = self
                    .grants
                    .get_mut(&key)
                    .and_then(Option::as_mut)
                    .expect("checked above");
                if let Some(m) = max_uses {
                    grant.max_uses = *m;
                }
                if *extend {
                    grant.expires_at = now + 2 * WEEK;
                }
                if let Some(credentials) = credentials {
                    grant.credentials = credentials;
                }
            }
            Op::RevokeGrant { target, .. } => {
                let key = self.grant_target(*target);
                let Some(grant) = self.grant(&key) else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                if signer != key.0 {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                if grant.revoked {
                    return Err(u32::from(ConsentError::GrantRevoked));
                }
                self.grants
                    .get_mut(&key)
                    .and_then(Option::as_mut)
                    .expect("checked above")
                    .revoked = true;
            }
            Op::CloseGrant { target, .. } => {
                let key = self.grant_target(*target);
                if self.grant(&key).is_none() {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if signer != key.0 {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                self.grants.insert(key, None);
            }
            Op::RecordAccess {
                target,
                mask,
                fit,
                pay,
                omit_treasury,
                ..
            } => {
                let key = self.grant_target(*target);
                let mask = self.access_mask(&key, *mask, *fit);
                let quote = self.quote(&key, mask, now);
                let Some(grant) = self.grant(&key) else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                if signer != key.1 {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                if grant.revoked {
                    return Err(u32::from(ConsentError::GrantRevoked));
                }
                if now >= grant.expires_at {
                    return Err(u32::from(ConsentError::GrantExpired));
                }
                if grant.max_uses != 0 && grant.uses >= grant.max_uses {
                    return Err(u32::from(ConsentError::GrantUsedUp));
                }
                if mask == 0 {
                    return Err(u32::from(ConsentError::EmptySelection));
                }
                if mask >> grant.credentials.len() != 0 {
                    return Err(u32::from(ConsentError::SelectionOutOfRange));
                }
                // The fees due, walking the selected credentials' accounts in grant order.
                let chosen = selected(&grant.credentials, mask);
                let mut due: Vec<(usize, FeeModel)> = Vec::new();
                for (position, c) in chosen.iter().enumerate() {
                    let Some(credential) = &self.credentials[*c] else {
                        return Err(u32::from(ConsentError::CredentialNotOwnedByRegistry));
                    };
                    let issuer = credential_issuer(*c);
                    if let Some(fee) = self.fees[issuer] {
                        if *omit_treasury {
                            // The next credential's account is read as the issuer; after the
                            // last one, the accounts run out.
                            return Err(u32::from(if position + 1 == chosen.len() {
                                ConsentError::CredentialAccountsMismatch
                            } else {
                                ConsentError::IssuerMismatch
                            }));
                        }
                        if self.charges(issuer, credential, now) {
                            due.push((issuer, fee));
                        }
                    }
                }
                // Whether the grantee can and will pay them.
                let mut paid = None;
                if let Some((_, first)) = due.first() {
                    let mint = first.mint;
                    if due.iter().any(|(_, fee)| fee.mint != mint) {
                        return Err(u32::from(ConsentError::MixedFeeMints));
                    }
                    let total: u64 = due.iter().map(|(_, fee)| fee.amount).sum();
                    let Some(pay) = pay else {
                        return Err(u32::from(ConsentError::FeeAccountsMissing));
                    };
                    let p = payment(pay, signer, quote);
                    if p.fee_mint != mint || p.payer_mint != mint {
                        return Err(u32::from(ConsentError::WrongFeeMint));
                    }
                    if RECRUITERS[p.payer] != signer {
                        return Err(u32::from(ConsentError::FeePayerNotGrantee));
                    }
                    if total > p.max_fee {
                        return Err(u32::from(ConsentError::FeeAboveMaximum));
                    }
                    if self.payers[p.payer][mint] < total {
                        return Err(u32::from(ConsentError::InsufficientFeeBalance));
                    }
                    paid = Some((p.payer, mint, total));
                }
                let grant = self
                    .grants
                    .get_mut(&key)
                    .and_then(Option::as_mut)
                    .expect("checked above");
                grant.uses = grant.uses.checked_add(1).expect("uses stay small");
                if let Some((payer, mint, total)) = paid {
                    self.payers[payer][mint] -= total;
                    for (issuer, fee) in &due {
                        self.treasuries[*issuer][fee.mint] += fee.amount;
                    }
                }
            }
            Op::CreateListing {
                selection,
                codes_valid,
                ..
            } => {
                if self.listings.contains_key(&signer) {
                    return Err(IN_USE);
                }
                if !codes_valid {
                    return Err(u32::from(ConsentError::InvalidCode));
                }
                let credentials = selection.keys(self);
                self.check_credentials(signer, &credentials)?;
                self.listings.insert(
                    signer,
                    ListingModel {
                        occupation: code(OCCUPATION),
                        region: code(REGION),
                        available_from: AVAILABLE_FROM,
                        credentials,
                        created_at: now,
                        updated_at: now,
                    },
                );
            }
            Op::UpdateListing {
                candidate,
                occupation,
                region,
                available_from,
                selection,
                ..
            } => {
                let owner = CANDIDATES[*candidate];
                if !self.listings.contains_key(&owner) {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if signer != owner {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                if occupation.is_none()
                    && region.is_none()
                    && !available_from
                    && selection.is_none()
                {
                    return Err(u32::from(ConsentError::NothingToUpdate));
                }
                if *occupation == Some(false) || *region == Some(false) {
                    return Err(u32::from(ConsentError::InvalidCode));
                }
                let credentials = selection.map(|s| update_selection(owner, s).keys(self));
                if let Some(credentials) = &credentials {
                    self.check_credentials(owner, credentials)?;
                }
                let listing = self.listings.get_mut(&owner).expect("checked above");
                if occupation.is_some() {
                    listing.occupation = code(NEW_OCCUPATION);
                }
                if region.is_some() {
                    listing.region = code(NEW_REGION);
                }
                if *available_from {
                    listing.available_from = NEW_AVAILABLE_FROM;
                }
                if let Some(credentials) = credentials {
                    listing.credentials = credentials;
                }
                listing.updated_at = now;
            }
            Op::CloseListing { candidate, .. } => {
                let owner = CANDIDATES[*candidate];
                if !self.listings.contains_key(&owner) {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if signer != owner {
                    return Err(u32::from(AnchorError::ConstraintSeeds));
                }
                self.listings.remove(&owner);
            }
            Op::CreateRequest {
                subject, id, spec, ..
            } => {
                let terms = self.request_terms(spec, *subject, now);
                self.file_request((*subject, signer, *id), terms)?;
            }
            Op::SwapRequest { target } => {
                // One transaction: withdraw, then file other terms at the same address.
                let key = self.request_target(*target);
                let mut next = self.clone();
                next.withdraw_request(key, signer)?;
                next.file_request((key.0, signer, key.2), swapped_terms(now))?;
                *self = next;
            }
            Op::ApproveRequest {
                target,
                grant_id,
                pick,
                wrong_requester,
                long_sealed_key,
                ..
            } => {
                let key = self.request_target(*target);
                let Some(current) = self.request(&key).cloned() else {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                };
                // Anchor creates the grant before it checks the other accounts.
                let grant_key = (signer, key.1, *grant_id);
                if self.grant(&grant_key).is_some() {
                    return Err(IN_USE);
                }
                if *wrong_requester {
                    return Err(u32::from(ConsentError::RequesterMismatch));
                }
                if signer != key.0 {
                    return Err(u32::from(ConsentError::NotSubject));
                }
                if *long_sealed_key {
                    return Err(u32::from(ConsentError::SealedKeyTooLong));
                }
                if self.read.as_ref() != Some(&current) {
                    return Err(u32::from(ConsentError::RequestTermsChanged));
                }
                let credentials = self.approve_keys(&key, *pick);
                if credentials.is_empty() {
                    return Err(u32::from(ConsentError::NoCredentials));
                }
                for c in &credentials {
                    if self.credentials[*c].is_none() {
                        return Err(u32::from(ConsentError::CredentialNotOwnedByRegistry));
                    }
                    if credential_subject(*c) != signer {
                        return Err(u32::from(ConsentError::CredentialOfAnotherSubject));
                    }
                    if !current.asks_for(*c) {
                        return Err(u32::from(ConsentError::NotRequested));
                    }
                }
                if !self.grants.contains_key(&grant_key) {
                    self.grant_keys.push(grant_key);
                }
                self.grants.insert(
                    grant_key,
                    Some(GrantModel {
                        credentials,
                        revoked: false,
                        uses: 0,
                        max_uses: current.max_uses,
                        expires_at: now + current.duration,
                    }),
                );
                self.requests.insert(key, None);
            }
            Op::DeclineRequest {
                target,
                wrong_requester,
                ..
            } => {
                let key = self.request_target(*target);
                if self.request(&key).is_none() {
                    return Err(u32::from(AnchorError::AccountNotInitialized));
                }
                if *wrong_requester {
                    return Err(u32::from(ConsentError::RequesterMismatch));
                }
                if signer != key.0 {
                    return Err(u32::from(ConsentError::NotSubject));
                }
                self.requests.insert(key, None);
            }
            Op::WithdrawRequest { target, .. } => {
                let key = self.request_target(*target);
                self.withdraw_request(key, signer)?;
            }
            Op::Advance { .. } => {}
        }
        Ok(())
    }
}

/// The credentials a grant or listing update selects: some of the subject's own (a candidate's;
/// the first candidate's when the subject is no candidate), plus optionally one of another's.
fn update_selection(subject: usize, (own, foreign, issued_only): (u8, bool, bool)) -> Selection {
    Selection {
        candidate: candidate_index(subject).unwrap_or(0),
        own,
        foreign,
        issued_only,
    }
}

// ---------------------------------------------------------------- one sequence on the chain

/// One sequence's actors and addresses.
struct World {
    actors: Vec<Keypair>,
    registry: Pubkey,
    issuers: [Pubkey; 2],
    schemas: [Pubkey; 2],
    /// The run's fee mints.
    mints: [Pubkey; MINTS],
    /// `payers[recruiter][mint]`: each recruiter's token account.
    payers: [[Pubkey; MINTS]; 2],
    /// `treasuries[issuer][mint]`: a token account of each issuer's first authority.
    treasuries: [[Pubkey; MINTS]; 2],
    /// The credentials' addresses, and each actor's listing's.
    credentials: [Pubkey; CREDENTIALS],
    listings: [Pubkey; ACTORS],
    delegate_records: [Pubkey; 2],
    /// Grant (`false`) and request (`true`) addresses derived so far: a debug build derives
    /// program addresses slowly, and every step reads and compares them all.
    derived: RefCell<BTreeMap<(bool, GrantKey), Pubkey>>,
}

impl World {
    fn key(&self, actor: usize) -> Pubkey {
        self.actors[actor].pubkey()
    }
    fn credential(&self, key: usize) -> Pubkey {
        self.credentials[key]
    }
    fn grant(&self, key: &GrantKey) -> Pubkey {
        *self
            .derived
            .borrow_mut()
            .entry((false, *key))
            .or_insert_with(|| pda::grant(&self.key(key.0), &self.key(key.1), key.2).0)
    }
    fn request(&self, key: &RequestKey) -> Pubkey {
        *self
            .derived
            .borrow_mut()
            .entry((true, *key))
            .or_insert_with(|| pda::request(&self.key(key.0), &self.key(key.1), key.2).0)
    }
    fn listing(&self, actor: usize) -> Pubkey {
        self.listings[actor]
    }
    fn signer(&self, issuer: usize, signer: usize, via_delegate: bool) -> IssuerSigner {
        IssuerSigner {
            authority: self.key(signer),
            as_delegate: via_delegate,
            registry: self.registry,
            issuer: self.issuers[issuer],
        }
    }
    fn refs(&self, keys: &[usize]) -> Vec<CredentialRef> {
        keys.iter()
            .map(|key| CredentialRef::Account {
                address: self.credential(*key),
            })
            .collect()
    }
    /// The credential key of `address`, if it is one of the eight.
    fn credential_key(&self, address: &Pubkey) -> Option<usize> {
        (0..CREDENTIALS).find(|k| self.credential(*k) == *address)
    }
    fn request_args(&self, key: &RequestKey, terms: &RequestModel) -> CreateRequestArgs {
        CreateRequestArgs {
            request_id: key.2,
            subject: self.key(key.0),
            credentials: self.refs(&terms.credentials),
            schemas: terms.schemas.iter().map(|i| self.schemas[*i]).collect(),
            purpose: terms.purpose.into(),
            duration_secs: terms.duration,
            max_uses: terms.max_uses,
            recipient_key: terms.recipient_key,
        }
    }
}

/// Counts over a run.
#[derive(Default, Debug)]
struct Stats {
    sequences: u64,
    operations: u64,
    accepted: u64,
    refused: u64,
    /// Landed accesses that paid at least one fee, and the tokens they moved.
    paid_accesses: u64,
    tokens_paid: u64,
    /// Landed accesses that selected a fee-charging credential whose fee was skipped (issuer
    /// not accredited or credential not in force).
    fees_skipped: u64,
    /// Per kind of operation: (accepted, refused).
    by_kind: BTreeMap<&'static str, (u64, u64)>,
    /// Per kind of operation and refusal code: how often.
    refusals: BTreeMap<(&'static str, u32), u64>,
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Decide {
                decision: Decision::AccreditChecked { .. },
                ..
            } => "accredit_issuer_checked",
            Op::Decide { .. } => "decide_issuer",
            Op::SetPaused { .. } => "set_paused",
            Op::TransferAdmin { .. } => "transfer_admin",
            Op::AcceptAdmin { .. } => "accept_admin",
            Op::Rotate { .. } => "rotate_issuer_authority",
            Op::AddDelegate { .. } => "add_delegate",
            Op::RemoveDelegate { .. } => "remove_delegate",
            Op::Issue { .. } => "issue_credential",
            Op::Change { .. } => "change_credential",
            Op::CloseCredential { .. } => "close_credential",
            Op::SetFee { .. } => "set_schema_fee",
            Op::ClearFee { .. } => "clear_schema_fee",
            Op::CreateGrant { .. } => "create_grant",
            Op::UpdateGrant { .. } => "update_grant",
            Op::RevokeGrant { .. } => "revoke_grant",
            Op::CloseGrant { .. } => "close_grant",
            Op::RecordAccess { .. } => "record_access",
            Op::CreateListing { .. } => "create_listing",
            Op::UpdateListing { .. } => "update_listing",
            Op::CloseListing { .. } => "close_listing",
            Op::CreateRequest { .. } => "create_request",
            Op::ApproveRequest { .. } => "approve_request",
            Op::DeclineRequest { .. } => "decline_request",
            Op::WithdrawRequest { .. } => "withdraw_request",
            Op::SwapRequest { .. } => "swap_request (withdraw + create)",
            Op::Advance { .. } => "advance_clock",
        }
    }
}

async fn setup(chain: &mut TestChain, tokens: &[FeeToken; MINTS], issuer_b_pending: bool) -> World {
    let actors: Vec<Keypair> = (0..ACTORS).map(|_| Keypair::new()).collect();
    let keys: Vec<Pubkey> = actors.iter().map(Signer::pubkey).collect();
    fund_all(chain, &keys, LAMPORTS).await;
    let registry = pda::registry(&keys[ADMIN], "props").0;
    let issuers = [0, 1].map(|i| pda::issuer(&registry, ISSUER_IDS[i]).0);
    let schemas = [0, 1].map(|i| pda::schema(&issuers[i], SCHEMA, 1).0);
    let ixs = [
        rix::create_registry(&keys[ADMIN], "props"),
        rix::register_issuer(&keys[1], &registry, issuer_args(ISSUER_IDS[0])),
        rix::register_issuer(&keys[2], &registry, issuer_args(ISSUER_IDS[1])),
    ];
    send_fast_ok(chain, &ixs, &[&actors[0], &actors[1], &actors[2]]).await;
    let ixs = [
        rix::create_schema(&keys[1], &issuers[0], schema_args(SCHEMA, 1)),
        rix::create_schema(&keys[2], &issuers[1], schema_args(SCHEMA, 1)),
    ];
    send_fast_ok(chain, &ixs, &[&actors[1], &actors[2]]).await;
    let accredited = if issuer_b_pending { 1 } else { 2 };
    let ixs: Vec<Instruction> = (0..accredited)
        .map(|i| rix::accredit_issuer_checked(&keys[ADMIN], &registry, &issuers[i], &keys[1 + i]))
        .collect();
    send_fast_ok(chain, &ixs, &[&actors[ADMIN]]).await;
    // Token accounts in both mints: each recruiter's payer account, funded, and each issuer's
    // treasury (its first authority's account), empty.
    let payer = chain.payer();
    let mut payers = [[Pubkey::default(); MINTS]; 2];
    let mut treasuries = [[Pubkey::default(); MINTS]; 2];
    for (m, token) in tokens.iter().enumerate() {
        let mut ixs = Vec::new();
        for (r, recruiter) in RECRUITERS.iter().enumerate() {
            ixs.push(tix::create_token_account(
                &payer,
                &keys[*recruiter],
                &token.mint,
            ));
            ixs.push(
                tix::mint_to(
                    &token.mint,
                    &keys[*recruiter],
                    &token.authority.pubkey(),
                    PAYER_TOKENS[r][m],
                    DECIMALS,
                )
                .expect("mint_to"),
            );
            payers[r][m] = pda::token_account(&keys[*recruiter], &token.mint);
        }
        for (i, treasury) in treasuries.iter_mut().enumerate() {
            ixs.push(tix::create_token_account(&payer, &keys[1 + i], &token.mint));
            treasury[m] = pda::token_account(&keys[1 + i], &token.mint);
        }
        send_fast_ok(chain, &ixs, &[&token.authority]).await;
    }
    let credentials: [Pubkey; CREDENTIALS] = std::array::from_fn(|key| {
        pda::credential(
            &issuers[credential_issuer(key)],
            &keys[credential_subject(key)],
            &credential_id(key),
        )
        .0
    });
    World {
        credentials,
        listings: std::array::from_fn(|actor| pda::listing(&keys[actor]).0),
        delegate_records: issuers.map(|issuer| pda::delegate(&issuer, &keys[DELEGATE]).0),
        derived: RefCell::new(BTreeMap::new()),
        actors,
        registry,
        issuers,
        schemas,
        mints: [tokens[0].mint, tokens[1].mint],
        payers,
        treasuries,
    }
}

/// The instructions for `op` sent by `signer` (one transaction), and who signs them. `read` is
/// the request as the subject read it, for an approval.
fn instructions(
    w: &World,
    model: &Model,
    op: &Op,
    signer: usize,
    now: i64,
    read: Option<&AccessRequest>,
) -> (Vec<Instruction>, Vec<usize>) {
    let s = w.key(signer);
    let ix = match op {
        Op::Decide {
            issuer, decision, ..
        } => {
            let decision = match decision {
                Decision::AccreditChecked { named } => {
                    let named = named.unwrap_or(model.issuers[*issuer].authority);
                    let ix = rix::accredit_issuer_checked(
                        &s,
                        &w.registry,
                        &w.issuers[*issuer],
                        &w.key(named),
                    );
                    return (vec![ix], vec![signer]);
                }
                Decision::Accredit => IssuerDecision::Accredit,
                Decision::Suspend => IssuerDecision::Suspend,
                Decision::Reinstate => IssuerDecision::Reinstate,
                Decision::Revoke => IssuerDecision::Revoke,
            };
            rix::decide_issuer(decision, &s, &w.registry, &w.issuers[*issuer])
        }
        Op::SetPaused { paused, .. } => rix::set_paused(&s, &w.registry, *paused),
        Op::TransferAdmin { to, .. } => rix::transfer_admin(&s, &w.registry, &w.key(*to)),
        Op::AcceptAdmin { .. } => rix::accept_admin(&s, &w.registry),
        Op::Rotate { issuer, to, .. } => {
            let ix = rix::rotate_issuer_authority(&s, &w.key(*to), &w.issuers[*issuer]);
            return (vec![ix], vec![signer, *to]);
        }
        Op::AddDelegate {
            issuer,
            permissions,
            hours,
            ..
        } => rix::add_delegate(
            &s,
            &w.issuers[*issuer],
            AddDelegateArgs {
                delegate: w.key(DELEGATE),
                permissions: *permissions,
                expires_at: now + hours * 3600,
            },
        ),
        Op::RemoveDelegate { issuer, .. } => {
            rix::remove_delegate(&s, &w.issuers[*issuer], &w.key(DELEGATE))
        }
        Op::Issue {
            via_delegate,
            issuer,
            candidate,
            slot,
            ..
        } => {
            let key = issuer * 4 + candidate * 2 + slot;
            rix::issue_credential(
                &w.signer(*issuer, signer, *via_delegate),
                &s,
                &w.schemas[*issuer],
                IssueCredentialArgs {
                    credential_id: credential_id(key),
                    subject: w.key(CANDIDATES[*candidate]),
                    commitment: [7; 32],
                    valid_from: None,
                    expires_at: None,
                },
            )
        }
        Op::Change {
            via_delegate,
            cross_issuer,
            target,
            change,
            ..
        } => {
            let credential = &model.credential_target(*target);
            let issuer = credential_issuer(*credential);
            let passed = if *cross_issuer { 1 - issuer } else { issuer };
            let change = match change {
                Change::Suspend => CredentialChange::Suspend,
                Change::Reinstate => CredentialChange::Reinstate,
                Change::Revoke => CredentialChange::Revoke {
                    reason: REASON_FRAUD,
                },
                Change::Renew => CredentialChange::Renew {
                    expires_at: model.renewal(*credential, now),
                },
            };
            rix::change_credential(
                change,
                &w.signer(passed, signer, *via_delegate),
                &w.schemas[issuer],
                &w.credential(*credential),
            )
        }
        Op::CloseCredential {
            cross_issuer,
            target,
            ..
        } => {
            let credential = model.close_target(*target);
            let issuer = credential_issuer(credential);
            let passed = if *cross_issuer { 1 - issuer } else { issuer };
            rix::close_credential(&s, &w.issuers[passed], &w.credential(credential), &s)
        }
        Op::SetFee {
            issuer,
            mint,
            amount,
            treasury_of_other_mint,
            ..
        } => {
            let treasury_mint = if *treasury_of_other_mint {
                1 - mint
            } else {
                *mint
            };
            rix::set_schema_fee(
                &s,
                &w.issuers[*issuer],
                &w.schemas[*issuer],
                &w.mints[*mint],
                &w.treasuries[*issuer][treasury_mint],
                *amount,
            )
        }
        Op::ClearFee { issuer, .. } => {
            rix::clear_schema_fee(&s, &w.issuers[*issuer], &w.schemas[*issuer])
        }
        Op::CreateGrant {
            grantee,
            slot,
            selection,
            max_uses,
            ..
        } => cix::create_grant(
            &s,
            CreateGrantArgs {
                grant_id: *slot,
                grantee: w.key(*grantee),
                credentials: w.refs(&selection.keys(model)),
                purpose: "Property test".into(),
                expires_at: now + WEEK,
                max_uses: *max_uses,
                sealed_key: vec![],
            },
        ),
        Op::UpdateGrant {
            target,
            max_uses,
            extend,
            selection,
            ..
        } => {
            let key = model.grant_target(*target);
            cix::update_grant(
                &s,
                &w.grant(&key),
                UpdateGrantArgs {
                    expires_at: extend.then_some(now + 2 * WEEK),
                    max_uses: *max_uses,
                    purpose: None,
                    credentials: selection
                        .map(|sel| w.refs(&update_selection(key.0, sel).keys(model))),
                    sealed_key: None,
                },
            )
        }
        Op::RevokeGrant { target, .. } => {
            cix::revoke_grant(&s, &w.grant(&model.grant_target(*target)))
        }
        Op::CloseGrant { target, .. } => {
            cix::close_grant(&s, &w.grant(&model.grant_target(*target)))
        }
        Op::RecordAccess {
            target,
            mask,
            fit,
            pay,
            omit_treasury,
            ..
        } => {
            let key = model.grant_target(*target);
            let mask = model.access_mask(&key, *mask, *fit);
            // The accounts the program reads: each selected credential and its schema, and for
            // a schema with a fee (as the grantee reads it) the issuer and the treasury.
            let accessed: Vec<Accessed> = model
                .grant(&key)
                .map(|g| {
                    selected(&g.credentials, mask)
                        .into_iter()
                        .map(|c| {
                            let issuer = credential_issuer(c);
                            Accessed {
                                credential: CredentialRef::Account {
                                    address: w.credential(c),
                                },
                                schema: w.schemas[issuer],
                                issuer: w.issuers[issuer],
                                treasury: model.fees[issuer]
                                    .filter(|_| !omit_treasury)
                                    .map(|fee| w.treasuries[issuer][fee.mint]),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let payment = pay.map(|pay| {
                let p = payment(&pay, signer, model.quote(&key, mask, now));
                FeePayment {
                    payer: w.payers[p.payer][p.payer_mint],
                    mint: w.mints[p.fee_mint],
                    max_fee: p.max_fee,
                }
            });
            cix::record_paid_access(
                &s,
                &w.grant(&key),
                mask,
                AccessOutcome::Verified,
                &accessed,
                payment,
            )
        }
        Op::CreateListing {
            selection,
            codes_valid,
            ..
        } => cix::create_listing(
            &s,
            CreateListingArgs {
                occupation: code(if *codes_valid { OCCUPATION } else { "nurse" }),
                region: code(REGION),
                available_from: AVAILABLE_FROM,
                credentials: w.refs(&selection.keys(model)),
            },
        ),
        Op::UpdateListing {
            candidate,
            occupation,
            region,
            available_from,
            selection,
            ..
        } => {
            let owner = CANDIDATES[*candidate];
            let pick = |valid: &bool, good: &str, bad: &str| code(if *valid { good } else { bad });
            let mut ix = cix::update_listing(
                &s,
                UpdateListingArgs {
                    occupation: occupation
                        .as_ref()
                        .map(|v| pick(v, NEW_OCCUPATION, "nurse")),
                    region: region.as_ref().map(|v| pick(v, NEW_REGION, "gb")),
                    available_from: available_from.then_some(NEW_AVAILABLE_FROM),
                    credentials: selection
                        .map(|sel| w.refs(&update_selection(owner, sel).keys(model))),
                },
            );
            // The listing passed is the targeted candidate's, whoever signs.
            ix.accounts[1].pubkey = w.listing(owner);
            ix
        }
        Op::CloseListing { candidate, .. } => {
            let mut ix = cix::close_listing(&s);
            ix.accounts[1].pubkey = w.listing(CANDIDATES[*candidate]);
            ix
        }
        Op::CreateRequest {
            subject, id, spec, ..
        } => {
            let terms = model.request_terms(spec, *subject, now);
            cix::create_request(&s, w.request_args(&(*subject, signer, *id), &terms))
        }
        Op::SwapRequest { target } => {
            let key = model.request_target(*target);
            let swapped = (key.0, signer, key.2);
            let ixs = vec![
                cix::withdraw_request(&s, &w.request(&key)),
                cix::create_request(&s, w.request_args(&swapped, &swapped_terms(now))),
            ];
            return (ixs, vec![signer]);
        }
        Op::ApproveRequest {
            target,
            grant_id,
            pick,
            wrong_requester,
            long_sealed_key,
            ..
        } => {
            let key = model.request_target(*target);
            let mut ix = cix::approve_request(
                &s,
                &w.key(key.1),
                &w.request(&key),
                ApproveRequestArgs {
                    grant_id: *grant_id,
                    credentials: w.refs(&model.approve_keys(&key, *pick)),
                    sealed_key: if *long_sealed_key {
                        vec![1; 129]
                    } else {
                        vec![]
                    },
                    // The hash of the request as she read it (zeros when there was none).
                    terms_hash: read.map_or([0; 32], AccessRequest::terms_hash),
                },
            );
            if *wrong_requester {
                ix.accounts[1].pubkey = w.key(if key.1 == STRANGER { ADMIN } else { STRANGER });
            }
            ix
        }
        Op::DeclineRequest {
            target,
            wrong_requester,
            ..
        } => {
            let key = model.request_target(*target);
            let requester = if !wrong_requester {
                key.1
            } else if key.1 == STRANGER {
                ADMIN
            } else {
                STRANGER
            };
            cix::decline_request(&s, &w.key(requester), &w.request(&key))
        }
        Op::WithdrawRequest { target, .. } => {
            cix::withdraw_request(&s, &w.request(&model.request_target(*target)))
        }
        Op::Advance { .. } => unreachable!("no instruction"),
    };
    (vec![ix], vec![signer])
}

/// What the chain holds for the accounts a sequence touches.
struct ChainState {
    registry: Registry,
    issuers: Vec<Issuer>,
    schemas: Vec<Schema>,
    delegates: Vec<Option<Delegate>>,
    credentials: Vec<Option<Credential>>,
    grants: BTreeMap<GrantKey, Option<Grant>>,
    /// The candidates' listings, and any other the model knows.
    listings: BTreeMap<usize, Option<Listing>>,
    requests: BTreeMap<RequestKey, Option<AccessRequest>>,
    payers: [[u64; MINTS]; 2],
    treasuries: [[u64; MINTS]; 2],
}

impl ChainState {
    /// The tokens of `mint` in the payer accounts and treasuries.
    fn tokens(&self, mint: usize) -> u64 {
        (0..2)
            .map(|i| self.payers[i][mint] + self.treasuries[i][mint])
            .sum()
    }
}

/// The raw accounts at `addresses`, read concurrently: each read is a round trip to the
/// embedded bank, and every step reads every account a sequence touches.
async fn fetch(chain: &TestChain, addresses: &[Pubkey]) -> Vec<Option<Account>> {
    let mut reads = tokio::task::JoinSet::new();
    for (i, address) in addresses.iter().copied().enumerate() {
        let client = chain.ctx.banks_client.clone();
        reads.spawn(async move {
            let account = client
                .get_account(address)
                .await
                .expect("the banks server is reachable");
            (i, account)
        });
    }
    let mut accounts = vec![None; addresses.len()];
    while let Some(read) = reads.join_next().await {
        let (i, account) = read.expect("the read completes");
        accounts[i] = account;
    }
    accounts
}

/// `account` decoded as `T` (discriminator and owner's layout checked), if it exists.
fn decode<T: AccountDeserialize>(account: Option<Account>) -> Option<T> {
    account.map(|a| T::try_deserialize(&mut a.data.as_slice()).expect("account decodes"))
}

async fn read_state(chain: &mut TestChain, w: &World, model: &Model) -> ChainState {
    let grant_keys: Vec<GrantKey> = model.grants.keys().copied().collect();
    let owners: Vec<usize> = CANDIDATES
        .iter()
        .chain(model.listings.keys())
        .copied()
        .collect::<BTreeSet<usize>>()
        .into_iter()
        .collect();
    let request_keys: Vec<RequestKey> = model.requests.keys().copied().collect();
    let mut addresses = vec![w.registry];
    addresses.extend(w.issuers);
    addresses.extend(w.schemas);
    addresses.extend(w.delegate_records);
    addresses.extend(w.credentials);
    addresses.extend(grant_keys.iter().map(|key| w.grant(key)));
    addresses.extend(owners.iter().map(|owner| w.listing(*owner)));
    addresses.extend(request_keys.iter().map(|key| w.request(key)));
    addresses.extend(w.payers.iter().flatten());
    addresses.extend(w.treasuries.iter().flatten());
    let mut accounts = fetch(chain, &addresses).await.into_iter();
    let mut next = move || accounts.next().expect("one account per address");
    let registry = decode(next()).expect("the registry");
    let issuers = (0..2)
        .map(|_| decode(next()).expect("the issuer"))
        .collect();
    let schemas = (0..2)
        .map(|_| decode(next()).expect("the schema"))
        .collect();
    let delegates = (0..2).map(|_| decode(next())).collect();
    let credentials = (0..CREDENTIALS).map(|_| decode(next())).collect();
    let grants = grant_keys
        .into_iter()
        .map(|key| (key, decode(next())))
        .collect();
    let listings = owners
        .into_iter()
        .map(|owner| (owner, decode(next())))
        .collect();
    let requests = request_keys
        .into_iter()
        .map(|key| (key, decode(next())))
        .collect();
    let mut balance = || decode::<TokenAccount>(next()).map_or(0, |account| account.amount);
    let mut payers = [[0; MINTS]; 2];
    for payer in payers.iter_mut().flatten() {
        *payer = balance();
    }
    let mut treasuries = [[0; MINTS]; 2];
    for treasury in treasuries.iter_mut().flatten() {
        *treasury = balance();
    }
    ChainState {
        registry,
        issuers,
        schemas,
        delegates,
        credentials,
        grants,
        listings,
        requests,
        payers,
        treasuries,
    }
}

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}

/// The chain equals the model.
fn compare(w: &World, model: &Model, state: &ChainState) -> Result<(), String> {
    let r = &state.registry;
    ensure(r.admin == w.key(model.admin), || {
        format!("admin {} ≠ model {}", r.admin, NAMES[model.admin])
    })?;
    ensure(
        r.pending_admin == model.pending_admin.map(|a| w.key(a)),
        || {
            format!(
                "pending admin {:?} ≠ model {:?}",
                r.pending_admin, model.pending_admin
            )
        },
    )?;
    ensure(r.paused == model.paused, || {
        format!("paused {} ≠ model", r.paused)
    })?;
    ensure(r.issuer_count == 2, || {
        format!("issuer count {}", r.issuer_count)
    })?;
    for i in 0..2 {
        let (chain, m) = (&state.issuers[i], &model.issuers[i]);
        ensure(chain.status == m.status, || {
            format!(
                "issuer {i} status {:?} ≠ model {:?}",
                chain.status, m.status
            )
        })?;
        ensure(chain.authority == w.key(m.authority), || {
            format!("issuer {i} authority ≠ model {}", NAMES[m.authority])
        })?;
        ensure(chain.credentials_issued == 0, || {
            format!(
                "issuer {i} counts {} issuances: issuance must not write the issuer",
                chain.credentials_issued
            )
        })?;
        match (&state.delegates[i], &m.delegate) {
            (None, None) => {}
            (Some(d), Some(md)) => ensure(
                d.permissions == md.permissions
                    && d.expires_at == md.expires_at
                    && d.delegate == w.key(DELEGATE),
                || format!("issuer {i} delegate {d:?} ≠ model {md:?}"),
            )?,
            (d, md) => return Err(format!("issuer {i} delegate {d:?} ≠ model {md:?}")),
        }
        let fee = model.fees[i].map_or(SchemaFee::default(), |fee| SchemaFee {
            mint: w.mints[fee.mint],
            treasury: w.treasuries[i][fee.mint],
            amount: fee.amount,
            decimals: DECIMALS,
        });
        ensure(state.schemas[i].fee == fee, || {
            format!(
                "schema {i} fee {:?} ≠ model {:?}",
                state.schemas[i].fee, model.fees[i]
            )
        })?;
    }
    for key in 0..CREDENTIALS {
        match (&state.credentials[key], &model.credentials[key]) {
            (None, None) => {}
            (Some(c), Some(m)) => ensure(
                c.status == m.status
                    && c.expires_at == m.expires_at
                    && c.revocation_reason == m.reason
                    && c.subject == w.key(credential_subject(key))
                    && c.issuer == w.issuers[credential_issuer(key)],
                || format!("credential {key}: {c:?} ≠ model {m:?}"),
            )?,
            (c, m) => return Err(format!("credential {key}: {c:?} ≠ model {m:?}")),
        }
    }
    for (key, m) in &model.grants {
        match (state.grants.get(key).and_then(Option::as_ref), m) {
            (None, None) => {}
            (Some(g), Some(m)) => ensure(
                g.subject == w.key(key.0)
                    && g.grantee == w.key(key.1)
                    && g.grant_id == key.2
                    && g.is_revoked() == m.revoked
                    && g.uses == m.uses
                    && g.max_uses == m.max_uses
                    && g.expires_at == m.expires_at
                    && g.credentials == w.refs(&m.credentials),
                || format!("grant {key:?}: {g:?} ≠ model {m:?}"),
            )?,
            (g, m) => return Err(format!("grant {key:?}: {g:?} ≠ model {m:?}")),
        }
    }
    for (owner, listing) in &state.listings {
        match (listing, model.listings.get(owner)) {
            (None, None) => {}
            (Some(l), Some(m)) => ensure(
                l.subject == w.key(*owner)
                    && l.occupation == m.occupation
                    && l.region == m.region
                    && l.available_from == m.available_from
                    && l.credentials == w.refs(&m.credentials)
                    && l.created_at == m.created_at
                    && l.updated_at == m.updated_at,
                || format!("listing of {}: {l:?} ≠ model {m:?}", NAMES[*owner]),
            )?,
            (l, m) => return Err(format!("listing of {}: {l:?} ≠ model {m:?}", NAMES[*owner])),
        }
    }
    for (key, m) in &model.requests {
        match (state.requests.get(key).and_then(Option::as_ref), m) {
            (None, None) => {}
            (Some(r), Some(m)) => ensure(
                r.subject == w.key(key.0)
                    && r.requester == w.key(key.1)
                    && r.request_id == key.2
                    && r.credentials == w.refs(&m.credentials)
                    && r.schemas == m.schemas.iter().map(|i| w.schemas[*i]).collect::<Vec<_>>()
                    && r.purpose == m.purpose
                    && r.duration_secs == m.duration
                    && r.max_uses == m.max_uses
                    && r.recipient_key == m.recipient_key
                    && r.created_at == m.created_at,
                || format!("request {key:?}: {r:?} ≠ model {m:?}"),
            )?,
            (r, m) => return Err(format!("request {key:?}: {r:?} ≠ model {m:?}")),
        }
    }
    ensure(
        state.payers == model.payers && state.treasuries == model.treasuries,
        || {
            format!(
                "tokens: payers {:?} treasuries {:?} ≠ model payers {:?} treasuries {:?}",
                state.payers, state.treasuries, model.payers, model.treasuries
            )
        },
    )?;
    Ok(())
}

/// What the invariants know of one step besides the chain: the operation, who sent it, whether
/// it landed, when, and what it targeted.
struct StepFacts<'a> {
    op: &'a Op,
    signer: usize,
    landed: bool,
    now: i64,
    /// The credential a change or close targets.
    changed_credential: Option<usize>,
    /// The grant an access targets, and the mask it sends.
    access: Option<(GrantKey, u16)>,
    /// The request an approval targets, and the request as the subject read it.
    approval: Option<(RequestKey, Option<&'a AccessRequest>)>,
}

/// What a sequence's invariants carry from step to step, observed on the chain.
struct Tracker {
    /// Credentials revoked while their account lives.
    ever_revoked: BTreeSet<usize>,
    /// Tokens per mint in the payer accounts and treasuries, after the setup minted them.
    tokens: [u64; MINTS],
}

/// The invariants, from the chain alone (and the facts of the step). Returns, for a landed
/// access, how many tokens it paid and how many fee-charging credentials it selected whose fee
/// was skipped.
// The treasury and payer checks index the before, after and due tables together by issuer or
// recruiter and mint, and name both indices in their messages.
#[allow(clippy::needless_range_loop)]
fn invariants(
    w: &World,
    facts: &StepFacts,
    before: &ChainState,
    after: &ChainState,
    track: &mut Tracker,
) -> Result<(u64, u64), String> {
    let (op, signer) = (facts.op, facts.signer);
    // Only the subject changes a grant; the grantee's recorded use only counts. An approval
    // creates one for the subject who signs it.
    for (key, after_grant) in &after.grants {
        let before_grant = before.grants.get(key).and_then(Option::as_ref);
        let after_grant = after_grant.as_ref();
        let changed = match (before_grant, after_grant) {
            (None, None) => false,
            (Some(b), Some(a)) => format!("{b:?}") != format!("{a:?}"),
            _ => true,
        };
        if !changed || signer == key.0 {
            continue;
        }
        let (Some(b), Some(a)) = (before_grant, after_grant) else {
            return Err(format!(
                "{} created or closed grant {key:?} of {}",
                NAMES[signer], NAMES[key.0]
            ));
        };
        let only_counted =
            matches!(op, Op::RecordAccess { .. }) && signer == key.1 && a.uses == b.uses + 1 && {
                let mut b = b.clone();
                b.uses = a.uses;
                b.last_access_at = a.last_access_at;
                format!("{b:?}") == format!("{a:?}")
            };
        ensure(only_counted, || {
            format!(
                "{} changed grant {key:?} of {}: {b:?} → {a:?}",
                NAMES[signer], NAMES[key.0]
            )
        })?;
    }
    // Only the subject changes her listing.
    for (owner, after_listing) in &after.listings {
        let before_listing = before.listings.get(owner).and_then(Option::as_ref);
        if format!("{before_listing:?}") != format!("{:?}", after_listing.as_ref()) {
            ensure(signer == *owner, || {
                format!("{} changed the listing of {}", NAMES[signer], NAMES[*owner])
            })?;
        }
    }
    // Only the requester files, re-files or withdraws a request; the subject may also close it
    // (approving or declining).
    for (key, after_request) in &after.requests {
        let before_request = before.requests.get(key).and_then(Option::as_ref);
        let after_request = after_request.as_ref();
        match (before_request, after_request) {
            (None, None) => {}
            (Some(b), Some(a)) if format!("{b:?}") == format!("{a:?}") => {}
            (Some(_), None) => ensure(signer == key.0 || signer == key.1, || {
                format!("{} closed request {key:?}", NAMES[signer])
            })?,
            _ => ensure(signer == key.1, || {
                format!("{} filed or changed request {key:?}", NAMES[signer])
            })?,
        }
    }
    // A request is only ever approved on the terms hashed: the one the subject read, unchanged
    // since, and the grant carries its terms.
    if let (Op::ApproveRequest { grant_id, .. }, Some((key, read))) = (op, facts.approval) {
        let grant_key = (signer, key.1, *grant_id);
        let created = before
            .grants
            .get(&grant_key)
            .and_then(Option::as_ref)
            .is_none()
            && after
                .grants
                .get(&grant_key)
                .and_then(Option::as_ref)
                .is_some();
        if created {
            let grant = after.grants[&grant_key].as_ref().expect("created");
            let Some(read) = read else {
                return Err(format!("request {key:?} approved without being read"));
            };
            let on_chain = before.requests.get(&key).and_then(Option::as_ref);
            ensure(
                on_chain.map(AccessRequest::terms_hash) == Some(read.terms_hash()),
                || format!("request {key:?} approved although its terms changed since read"),
            )?;
            ensure(
                after.requests.get(&key).and_then(Option::as_ref).is_none(),
                || format!("approved request {key:?} still open"),
            )?;
            ensure(
                grant.subject == read.subject
                    && grant.grantee == read.requester
                    && grant.purpose == read.purpose
                    && grant.max_uses == read.max_uses
                    && grant.expires_at == facts.now + read.duration_secs,
                || format!("grant {grant:?} is not on the terms read {read:?}"),
            )?;
            for reference in &grant.credentials {
                let CredentialRef::Account { address } = reference else {
                    return Err(format!("grant holds a cohort reference {reference:?}"));
                };
                let schema = w
                    .credential_key(address)
                    .and_then(|k| before.credentials[k].as_ref())
                    .map(|c| c.schema);
                ensure(
                    read.credentials.contains(reference)
                        || schema.is_some_and(|s| read.schemas.contains(&s)),
                    || format!("grant {grant_key:?} covers {address}, not asked for"),
                )?;
            }
        }
    }
    // Only the issuer side issues a credential or changes its status, and only its authority
    // closes one; a revoked one stays revoked while its account lives.
    for key in 0..CREDENTIALS {
        let issuer = credential_issuer(key);
        let authority = before.issuers[issuer].authority;
        let is_delegate = signer == DELEGATE && before.delegates[issuer].is_some();
        let issuer_side = w.key(signer) == authority || is_delegate;
        let status = |s: &ChainState| s.credentials[key].as_ref().map(|c| c.status);
        match (status(before), status(after)) {
            (None, Some(_)) => {
                let issued = matches!(op, Op::Issue { issuer: i, candidate, slot, .. }
                    if i * 4 + candidate * 2 + slot == key);
                ensure(issued && issuer_side, || {
                    format!("{} created credential {key}", NAMES[signer])
                })?;
            }
            (Some(_), None) => {
                ensure(
                    matches!(op, Op::CloseCredential { .. })
                        && facts.changed_credential == Some(key)
                        && w.key(signer) == authority,
                    || format!("{} closed credential {key}", NAMES[signer]),
                )?;
                track.ever_revoked.remove(&key);
            }
            (Some(b), Some(a)) if a != b => {
                ensure(facts.changed_credential == Some(key) && issuer_side, || {
                    format!("{} changed the status of credential {key}", NAMES[signer])
                })?
            }
            _ => {}
        }
        if status(after) == Some(CredentialStatus::Revoked) {
            track.ever_revoked.insert(key);
        }
        if track.ever_revoked.contains(&key) {
            ensure(status(after) == Some(CredentialStatus::Revoked), || {
                format!("revoked credential {key} is now {:?}", status(after))
            })?;
        }
    }
    // A grant or a listing never covers another subject's credential (a credential closed since
    // is gone; its address can only be issued again to the same subject).
    let covers = |subject: &Pubkey, references: &[CredentialRef]| -> Result<(), String> {
        for reference in references {
            let CredentialRef::Account { address } = reference else {
                return Err(format!("cohort reference {reference:?}"));
            };
            let Some(key) = w.credential_key(address) else {
                return Err(format!("{subject} covers an unknown credential {address}"));
            };
            if let Some(credential) = &after.credentials[key] {
                ensure(credential.subject == *subject, || {
                    format!("{subject} covers a credential of {}", credential.subject)
                })?;
            }
        }
        Ok(())
    };
    for grant in after.grants.values().flatten() {
        covers(&grant.subject, &grant.credentials)?;
        ensure(grant.max_uses == 0 || grant.uses <= grant.max_uses, || {
            format!("grant used {} of {}", grant.uses, grant.max_uses)
        })?;
    }
    for listing in after.listings.values().flatten() {
        covers(&listing.subject, &listing.credentials)?;
    }
    // Tokens are conserved.
    for m in 0..MINTS {
        ensure(after.tokens(m) == track.tokens[m], || {
            format!(
                "mint {m}: {} tokens in payers and treasuries, {} minted",
                after.tokens(m),
                track.tokens[m]
            )
        })?;
    }
    // A treasury grows only by the fees of the selected credentials of accredited issuers that
    // are in force, in a landed access whose grantee pays from its own account.
    let mut due = [[0u64; MINTS]; 2];
    let mut skipped = 0;
    if let (Some((key, mask)), true) = (facts.access, facts.landed) {
        let grant = before.grants.get(&key).and_then(Option::as_ref);
        let grant = grant.ok_or_else(|| format!("access under missing grant {key:?} landed"))?;
        let selected = grant
            .selected(mask)
            .map_err(|e| format!("access with mask {mask:#b} landed though refused: {e}"))?;
        for reference in &selected {
            let CredentialRef::Account { address } = reference else {
                return Err(format!("grant holds a cohort reference {reference:?}"));
            };
            let credential = w
                .credential_key(address)
                .and_then(|k| before.credentials[k].as_ref())
                .ok_or_else(|| format!("access over missing credential {address} landed"))?;
            let issuer = w.issuers.iter().position(|a| *a == credential.issuer);
            let schema = w.schemas.iter().position(|a| *a == credential.schema);
            let (Some(issuer), Some(schema)) = (issuer, schema) else {
                return Err(format!(
                    "credential {address} of an unknown issuer or schema"
                ));
            };
            let fee = before.schemas[schema].fee;
            if !fee.is_set() {
                continue;
            }
            if before.issuers[issuer].is_accredited() && credential.is_in_force(facts.now) {
                let treasury = (0..2)
                    .flat_map(|i| (0..MINTS).map(move |m| (i, m)))
                    .find(|(i, m)| w.treasuries[*i][*m] == fee.treasury)
                    .ok_or_else(|| format!("fee paid into unknown treasury {}", fee.treasury))?;
                due[treasury.0][treasury.1] += fee.amount;
            } else {
                skipped += 1;
            }
        }
    }
    let mut paid = 0;
    for i in 0..2 {
        for m in 0..MINTS {
            ensure(
                after.treasuries[i][m] == before.treasuries[i][m] + due[i][m],
                || {
                    format!(
                        "treasury {i} of mint {m}: {} → {}, fees due {}",
                        before.treasuries[i][m], after.treasuries[i][m], due[i][m]
                    )
                },
            )?;
            paid += due[i][m];
        }
    }
    for r in 0..2 {
        for m in 0..MINTS {
            let (b, a) = (before.payers[r][m], after.payers[r][m]);
            if a == b {
                continue;
            }
            let fees: u64 = (0..2).map(|i| due[i][m]).sum();
            ensure(signer == RECRUITERS[r] && a < b && b - a == fees, || {
                format!(
                    "payer of {} in mint {m}: {b} → {a} in a step by {} paying {fees}",
                    NAMES[RECRUITERS[r]], NAMES[signer]
                )
            })?;
        }
    }
    // Counters equal what exists; issuance counts nowhere on-chain.
    let accredited = after
        .issuers
        .iter()
        .filter(|i| i.status == IssuerStatus::Accredited)
        .count() as u32;
    ensure(after.registry.accredited_count == accredited, || {
        format!(
            "accredited count {} ≠ {accredited} accredited issuers",
            after.registry.accredited_count
        )
    })?;
    for i in 0..2 {
        ensure(after.schemas[i].credentials_issued == 0, || {
            format!(
                "schema {i} counts {} issuances: issuance must not write the schema",
                after.schemas[i].credentials_issued
            )
        })?;
        ensure(after.issuers[i].schema_count == 1, || {
            format!("issuer {i} schema count")
        })?;
        let records = u32::from(after.delegates[i].is_some());
        ensure(after.issuers[i].delegate_count == records, || {
            format!(
                "issuer {i} counts {} delegates, {records} exist",
                after.issuers[i].delegate_count
            )
        })?;
    }
    Ok((paid, skipped))
}

/// The operations every sequence starts with. Unless issuer B starts pending, candidate-1 also
/// holds one of B's credentials, and her grant covers both issuers' (so that one access can
/// meet two fees, possibly in two mints).
fn fixture(issuer_b_pending: bool) -> Vec<Op> {
    let issue = |issuer, candidate| Op::Issue {
        who: Who::Proper,
        via_delegate: false,
        issuer,
        candidate,
        slot: 0,
    };
    let grant = |candidate: usize, own| Op::CreateGrant {
        who: Who::Proper,
        grantee: RECRUITERS[candidate],
        slot: 0,
        selection: Selection {
            candidate,
            own,
            foreign: false,
            issued_only: false,
        },
        max_uses: 0,
    };
    let fee = Op::SetFee {
        who: Who::Proper,
        issuer: 0,
        mint: 0,
        amount: 1_000_000,
        treasury_of_other_mint: false,
    };
    let request = Op::CreateRequest {
        who: Who::Proper,
        requester: RECRUITERS[0],
        subject: CANDIDATES[1],
        id: 0,
        spec: RequestSpec {
            credentials: Some((1, false)),
            schemas: 0b10,
            duplicate_schema: false,
            empty_purpose: false,
            duration: WEEK,
            max_uses: 2,
            key: KeyChoice::Usable,
        },
    };
    let listing = Op::CreateListing {
        who: Who::Proper,
        selection: Selection {
            candidate: 0,
            own: 1,
            foreign: false,
            issued_only: false,
        },
        codes_valid: true,
    };
    let mut ops = vec![issue(0, 0), issue(0, 1)];
    if issuer_b_pending {
        ops.push(grant(0, 1));
    } else {
        // Bits 0 and 2: issuer A's and issuer B's slot 0.
        ops.extend([issue(1, 0), grant(0, 0b101)]);
    }
    ops.extend([grant(1, 1), fee, request, listing]);
    ops
}

/// One step: `op` sent on the chain and predicted by the model, then the state compared and
/// the invariants checked.
#[allow(clippy::too_many_arguments)]
async fn run_step(
    chain: &mut TestChain,
    w: &World,
    model: &mut Model,
    op: &Op,
    index: usize,
    in_fixture: bool,
    read: Option<&AccessRequest>,
    stats: &mut Stats,
    before: &mut ChainState,
    track: &mut Tracker,
) -> Result<(), String> {
    let now = chain.now().await;
    let signer = model.signer(op);
    let changed_credential = match op {
        Op::Change { target, .. } => Some(model.credential_target(*target)),
        Op::CloseCredential { target, .. } => Some(model.close_target(*target)),
        _ => None,
    };
    let access = match op {
        Op::RecordAccess {
            target, mask, fit, ..
        } => {
            let key = model.grant_target(*target);
            Some((key, model.access_mask(&key, *mask, *fit)))
        }
        _ => None,
    };
    let approval = match op {
        Op::ApproveRequest { target, .. } => Some((model.request_target(*target), read)),
        _ => None,
    };
    let (ixs, signer_ids) = instructions(w, model, op, signer, now, read);
    let expected = model.step(op, signer, now);
    let signers: Vec<&Keypair> = signer_ids.iter().map(|i| &w.actors[*i]).collect();
    let outcome = send_fast(chain, &ixs, &signers).await;
    let actual = match &outcome.result {
        Ok(()) => Ok(()),
        Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) => Err(*code),
        Err(other) => {
            return Err(format!(
                "step {index} {op:?} by {}: not a program error: {other:?}\n{}",
                NAMES[signer],
                outcome.logs.join("\n")
            ))
        }
    };
    if in_fixture {
        ensure(actual.is_ok(), || {
            format!(
                "fixture step {index} {op:?}: {actual:?}\n{}",
                outcome.logs.join("\n")
            )
        })?;
    } else {
        stats.operations += 1;
        let kind = stats.by_kind.entry(op.kind()).or_default();
        match actual {
            Ok(()) => {
                stats.accepted += 1;
                kind.0 += 1;
            }
            Err(code) => {
                stats.refused += 1;
                kind.1 += 1;
                *stats.refusals.entry((op.kind(), code)).or_default() += 1;
            }
        }
    }
    ensure(actual == expected, || {
        format!(
            "step {index} {op:?} by {}: chain {actual:?}, model {expected:?}\n{}",
            NAMES[signer],
            outcome.logs.join("\n")
        )
    })?;
    let after = read_state(chain, w, model).await;
    compare(w, model, &after)
        .map_err(|e| format!("step {index} {op:?} by {}: {e}", NAMES[signer]))?;
    let facts = StepFacts {
        op,
        signer,
        landed: actual.is_ok(),
        now,
        changed_credential,
        access,
        approval,
    };
    let (paid, skipped) = invariants(w, &facts, before, &after, track).map_err(|e| {
        format!(
            "step {index} {op:?} by {}: invariant broken: {e}",
            NAMES[signer]
        )
    })?;
    if !in_fixture && actual.is_ok() {
        if paid > 0 {
            stats.paid_accesses += 1;
            stats.tokens_paid += paid;
        }
        stats.fees_skipped += skipped;
    }
    *before = after;
    Ok(())
}

/// Runs one sequence on `chain` with fresh actors.
async fn run_sequence(
    chain: &mut TestChain,
    tokens: &[FeeToken; MINTS],
    (issuer_b_pending, ops): &(bool, Vec<Op>),
    stats: &mut Stats,
) -> Result<(), String> {
    let w = setup(chain, tokens, *issuer_b_pending).await;
    let mut model = Model::new(*issuer_b_pending);
    let mut before = read_state(chain, &w, &model).await;
    compare(&w, &model, &before)?;
    let mut track = Tracker {
        ever_revoked: BTreeSet::new(),
        tokens: [0, 1].map(|m| before.tokens(m)),
    };
    // A fixture every sequence starts from, through the same checks: one credential of issuer A
    // to each candidate (and one of issuer B to candidate-1 when B is accredited), a grant from
    // each candidate to a recruiter over them, a fee on issuer A's schema, a request from
    // recruiter-1 to candidate-2, and candidate-1's listing.
    let fixture = fixture(*issuer_b_pending);
    let steps = fixture
        .iter()
        .map(|op| (true, op))
        .chain(ops.iter().map(|op| (false, op)));
    for (index, (in_fixture, op)) in steps.enumerate() {
        if let Op::Advance { hours } = op {
            chain.advance_time(hours * 3600).await;
            stats.operations += 1;
            continue;
        }
        // An approval: the subject reads the request first; with `swap`, the requester then
        // withdraws it and files other terms at the same address, in one transaction.
        let mut read = None;
        if let Op::ApproveRequest { target, swap, .. } = op {
            let key = model.request_target(*target);
            model.read = model.request(&key).cloned();
            read = chain.account::<AccessRequest>(&w.request(&key)).await;
            if *swap {
                let swap = Op::SwapRequest { target: *target };
                run_step(
                    chain,
                    &w,
                    &mut model,
                    &swap,
                    index,
                    in_fixture,
                    None,
                    stats,
                    &mut before,
                    &mut track,
                )
                .await?;
            }
        }
        run_step(
            chain,
            &w,
            &mut model,
            op,
            index,
            in_fixture,
            read.as_ref(),
            stats,
            &mut before,
            &mut track,
        )
        .await?;
    }
    stats.sequences += 1;
    Ok(())
}

/// Runs `cases` sequences of `ops` operations each on one chain; returns the counts. With
/// `progress`, prints the sequences done every 500 to stderr.
fn run(cases: u32, ops: std::ops::RangeInclusive<usize>, progress: bool) -> Stats {
    let started = Instant::now();
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut started_chain = rt.block_on(TestChain::start());
    let tokens: [FeeToken; MINTS] = rt.block_on(async {
        let first = FeeToken::create(&mut started_chain).await;
        let second = FeeToken::create(&mut started_chain).await;
        [first, second]
    });
    let chain = RefCell::new(started_chain);
    let stats = RefCell::new(Stats::default());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&sequence(ops), |sequence| {
        let mut chain = chain.borrow_mut();
        let mut stats = stats.borrow_mut();
        let result = rt
            .block_on(run_sequence(&mut chain, &tokens, &sequence, &mut stats))
            .map_err(TestCaseError::fail);
        if progress && stats.sequences % 500 == 0 {
            eprintln!(
                "  {} sequences, {} operations, {:.0} s",
                stats.sequences,
                stats.operations,
                started.elapsed().as_secs_f64()
            );
        }
        result
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    stats.into_inner()
}

fn report(name: &str, stats: &Stats, started: Instant) {
    println!(
        "{name}: {} sequences, {} operations ({} accepted, {} refused, the rest clock moves), \
         0 invariant breaks, {:.1} s",
        stats.sequences,
        stats.operations,
        stats.accepted,
        stats.refused,
        started.elapsed().as_secs_f64()
    );
    println!(
        "  fees: {} paid accesses moved {} base units; {} fees skipped (issuer not accredited \
         or credential not in force)",
        stats.paid_accesses, stats.tokens_paid, stats.fees_skipped
    );
    for (kind, (accepted, refused)) in &stats.by_kind {
        let codes: Vec<String> = stats
            .refusals
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|((_, code), n)| format!("{code}×{n}"))
            .collect();
        println!(
            "  {kind:<32} {accepted:>8} accepted {refused:>8} refused ({})",
            codes.join(" ")
        );
    }
}

#[test]
fn quick_sequences_match_the_model() {
    let started = Instant::now();
    let stats = run(16, 20..=28, false);
    assert!(stats.sequences >= 16);
    report("quick run", &stats, started);
}

#[test]
#[ignore = "long run: 10,000 sequences (CREDENCE_PROPTEST_CASES), about 50 minutes in debug"]
fn long_sequences_match_the_model() {
    let cases = std::env::var("CREDENCE_PROPTEST_CASES")
        .ok()
        .map(|v| v.parse().expect("CREDENCE_PROPTEST_CASES is a number"))
        .unwrap_or(10_000);
    // The most operations per sequence (at least 20), 40 by default.
    let most = std::env::var("CREDENCE_PROPTEST_MAX_OPS")
        .ok()
        .map(|v| v.parse().expect("CREDENCE_PROPTEST_MAX_OPS is a number"))
        .unwrap_or(40usize)
        .max(20);
    let started = Instant::now();
    let stats = run(cases, 20..=most, true);
    assert!(stats.sequences >= u64::from(cases));
    report("long run", &stats, started);
}
