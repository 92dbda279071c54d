//! # Credence consent
//!
//! Candidates' consent grants: a subject lets one grantee verify chosen credentials, for a purpose,
//! until an expiry, and can revoke at any time. Each verification the grantee records becomes an
//! `AccessRecorded` event: the candidate's audit trail.
//!
//! Only the subject creates, changes, revokes or closes a grant; only the grantee records access.

#![allow(unexpected_cfgs)]
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
    pub fn record_access(ctx: Context<RecordAccess>, args: RecordAccessArgs) -> Result<()> {
        RecordAccess::handle(ctx, args)
    }
}
