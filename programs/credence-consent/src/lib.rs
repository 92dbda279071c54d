//! # Credence consent
//!
//! Candidates' consent grants: a subject lets one grantee verify chosen credentials, for a purpose,
//! until an expiry, and can revoke at any time. Each verification the grantee records becomes an
//! `AccessRecorded` event: the candidate's audit trail.
//!
//! Only the subject creates, changes, revokes or closes a grant; only the grantee records access,
//! paying any verification fee the credentials' schemas carry in an SPL token.
//!
//! Discovery: a candidate may put an opt-in listing in the talent pool (codes and credentials,
//! nothing personal); recruiters reach her through access requests she approves or declines.

// Anchor's generated code returns large `Result`s.
#![allow(clippy::result_large_err)]

use anchor_lang::prelude::*;
pub use credence_registry::emit_event;

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use constants::*;
pub use instructions::*;

declare_id!("J5bKgC4o41e7ySb18zy6PkxVzFRepUg5coUfBpArjSHR");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Credence Consent",
    project_url: "https://github.com/credence/credence",
    contacts: "email:security@credence.example",
    policy: "https://github.com/credence/credence/blob/main/SECURITY.md",
    source_code: "https://github.com/credence/credence"
}

/// The consent program.
#[program]
pub mod credence_consent {
    use super::*;

    /// Grants `args.grantee` access to the listed credentials. Signer: the subject, who pays.
    /// Remaining accounts: the credential accounts, in order. Creates: the grant PDA.
    pub fn create_grant<'info>(
        ctx: Context<'info, CreateGrant<'info>>,
        args: CreateGrantArgs,
    ) -> Result<()> {
        CreateGrant::handle(ctx, args)
    }

    /// Changes a grant's expiry, uses, purpose, credentials or sealed key. Signer: the subject.
    /// Remaining accounts: the new credential accounts, if the list changes.
    pub fn update_grant<'info>(
        ctx: Context<'info, UpdateGrant<'info>>,
        args: UpdateGrantArgs,
    ) -> Result<()> {
        UpdateGrant::handle(ctx, args)
    }

    /// Revokes a grant at once. Signer: the subject. Changes: `grant.revoked_at`.
    pub fn revoke_grant(ctx: Context<RevokeGrant>) -> Result<()> {
        RevokeGrant::handle(ctx)
    }

    /// Closes a grant. Signer: the subject, who gets the rent back. Closes: the grant PDA.
    pub fn close_grant(ctx: Context<CloseGrant>) -> Result<()> {
        CloseGrant::handle(ctx)
    }

    /// Records one verification under a grant in force. Signer: the grantee. Changes: `uses`,
    /// `last_access_at`. Emits `AccessRecorded`, the candidate's audit record.
    ///
    /// Remaining accounts, for each selected credential in grant order: the credential, its
    /// schema, and, when the schema carries a fee, the credential's issuer and the schema's
    /// treasury. A fee is charged only while the issuer is accredited and the credential in force. Fees move from `fee_payer` (the
    /// grantee's token account) to each treasury through SPL Token's `transfer_checked`; the
    /// subject never pays. Emits `FeePaid` for each fee.
    pub fn record_access<'info>(
        ctx: Context<'info, RecordAccess<'info>>,
        args: RecordAccessArgs,
    ) -> Result<()> {
        RecordAccess::handle(ctx, args)
    }

    /// Puts the subject's listing in the talent pool. Signer: the subject, who pays.
    /// Remaining accounts: the credential accounts, in order. Creates: the listing PDA.
    pub fn create_listing<'info>(
        ctx: Context<'info, CreateListing<'info>>,
        args: CreateListingArgs,
    ) -> Result<()> {
        CreateListing::handle(ctx, args)
    }

    /// Changes a listing's codes, date or credentials. Signer: the subject. Remaining accounts:
    /// the new credential accounts, if the list changes.
    pub fn update_listing<'info>(
        ctx: Context<'info, UpdateListing<'info>>,
        args: UpdateListingArgs,
    ) -> Result<()> {
        UpdateListing::handle(ctx, args)
    }

    /// Takes a listing out of the pool. Signer: the subject, who gets the rent back.
    pub fn close_listing(ctx: Context<CloseListing>) -> Result<()> {
        CloseListing::handle(ctx)
    }

    /// Asks `args.subject` for access. Signer: the requester, who pays. Remaining accounts: the
    /// accounts of the credentials asked for. Creates: the request PDA.
    pub fn create_request<'info>(
        ctx: Context<'info, CreateRequest<'info>>,
        args: CreateRequestArgs,
    ) -> Result<()> {
        CreateRequest::handle(ctx, args)
    }

    /// Approves a request: creates the grant on its terms and closes it, rent to the requester.
    /// Signer: the subject, who pays the grant. Remaining accounts: the credentials granted.
    pub fn approve_request<'info>(
        ctx: Context<'info, ApproveRequest<'info>>,
        args: ApproveRequestArgs,
    ) -> Result<()> {
        ApproveRequest::handle(ctx, args)
    }

    /// Declines a request and closes it, rent to the requester. Signer: the subject.
    pub fn decline_request(ctx: Context<DeclineRequest>) -> Result<()> {
        DeclineRequest::handle(ctx)
    }

    /// Withdraws a request and closes it. Signer: the requester, who gets the rent back.
    pub fn withdraw_request(ctx: Context<WithdrawRequest>) -> Result<()> {
        WithdrawRequest::handle(ctx)
    }
}
