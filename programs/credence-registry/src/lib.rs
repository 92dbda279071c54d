//! # Credence registry
//!
//! Registries of accredited issuers, their delegates and schemas, and the credentials they issue.
//! A credential holds a salted hash commitment to a document, never the document or personal data.
//!
//! Who may do what: the registry admin governs the registry and accredits issuers; an issuer's
//! authority (or a live delegate with the permission) issues and changes its credentials.

// Anchor's generated code returns large `Result`s.
#![allow(clippy::result_large_err)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use constants::*;
pub use instructions::*;

declare_id!("9rAxNL2LgshkoWkEcfWAbBDKcXC7qFgAx8EjX6hQgzWm");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Credence Registry",
    project_url: "https://github.com/credence/credence",
    contacts: "email:security@credence.example",
    policy: "https://github.com/credence/credence/blob/main/SECURITY.md",
    source_code: "https://github.com/credence/credence"
}

/// The registry program.
#[program]
pub mod credence_registry {
    use super::*;

    /// Creates a registry named `args.name`. Signer: the admin, who pays. Creates: the registry PDA.
    pub fn create_registry(ctx: Context<CreateRegistry>, args: CreateRegistryArgs) -> Result<()> {
        CreateRegistry::handle(ctx, args)
    }

    /// Proposes a new admin. Signer: the admin. Changes: `registry.pending_admin`.
    pub fn transfer_admin(ctx: Context<TransferAdmin>, args: TransferAdminArgs) -> Result<()> {
        TransferAdmin::handle(ctx, args)
    }

    /// Accepts a pending admin transfer. Signer: the pending admin. Changes: `registry.admin`.
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        AcceptAdmin::handle(ctx)
    }

    /// Pauses or resumes issuance. Signer: the admin. Changes: `registry.paused`.
    pub fn set_paused(ctx: Context<SetPaused>, args: SetPausedArgs) -> Result<()> {
        SetPaused::handle(ctx, args)
    }

    /// Registers an issuer, pending accreditation. Signer: the issuer's authority, who pays.
    /// Creates: the issuer PDA. Changes: `registry.issuer_count`.
    pub fn register_issuer(ctx: Context<RegisterIssuer>, args: RegisterIssuerArgs) -> Result<()> {
        RegisterIssuer::handle(ctx, args)
    }

    /// Accredits a pending issuer. Signer: the admin. Changes: issuer status, accredited count.
    /// Prefer `accredit_issuer_checked`, which also names the authority meant: issuer ids are
    /// public and first come, first served.
    pub fn accredit_issuer(ctx: Context<IssuerAdmin>) -> Result<()> {
        IssuerAdmin::accredit(ctx)
    }

    /// Accredits a pending issuer if its authority is `args.authority`, the key the admin means;
    /// an id registered first by anyone else is refused (`IssuerAuthorityMismatch`). Signer: the
    /// admin. Changes: issuer status, accredited count.
    pub fn accredit_issuer_checked(
        ctx: Context<IssuerAdmin>,
        args: AccreditIssuerCheckedArgs,
    ) -> Result<()> {
        IssuerAdmin::accredit_checked(ctx, args)
    }

    /// Suspends an accredited issuer. Signer: the admin. Changes: issuer status, accredited count.
    pub fn suspend_issuer(ctx: Context<IssuerAdmin>) -> Result<()> {
        IssuerAdmin::suspend(ctx)
    }

    /// Reinstates a suspended issuer. Signer: the admin. Changes: issuer status, accredited count.
    pub fn reinstate_issuer(ctx: Context<IssuerAdmin>) -> Result<()> {
        IssuerAdmin::reinstate(ctx)
    }

    /// Revokes an issuer for good. Signer: the admin. Changes: issuer status, accredited count.
    pub fn revoke_issuer(ctx: Context<IssuerAdmin>) -> Result<()> {
        IssuerAdmin::revoke(ctx)
    }

    /// Updates an issuer's display name, URI or jurisdiction. Signer: the issuer's authority.
    pub fn update_issuer(ctx: Context<UpdateIssuer>, args: UpdateIssuerArgs) -> Result<()> {
        UpdateIssuer::handle(ctx, args)
    }

    /// Rotates an issuer's authority key; the issuer's address stays. Signers: the current and the
    /// new authority. Changes: `issuer.authority`.
    pub fn rotate_issuer_authority(ctx: Context<RotateIssuerAuthority>) -> Result<()> {
        RotateIssuerAuthority::handle(ctx)
    }

    /// Adds a delegate with permissions and an expiry. Signer: the issuer's authority, who pays.
    /// Creates: the delegate PDA.
    pub fn add_delegate(ctx: Context<AddDelegate>, args: AddDelegateArgs) -> Result<()> {
        AddDelegate::handle(ctx, args)
    }

    /// Removes a delegate. Signer: the issuer's authority, who gets the rent back.
    /// Closes: the delegate PDA.
    pub fn remove_delegate(ctx: Context<RemoveDelegate>) -> Result<()> {
        RemoveDelegate::handle(ctx)
    }

    /// Publishes a schema. Signer: the issuer's authority, who pays. Creates: the schema PDA.
    pub fn create_schema(ctx: Context<CreateSchema>, args: CreateSchemaArgs) -> Result<()> {
        CreateSchema::handle(ctx, args)
    }

    /// Deprecates a schema: no new credentials under it. Signer: the issuer's authority.
    pub fn deprecate_schema(ctx: Context<DeprecateSchema>) -> Result<()> {
        DeprecateSchema::handle(ctx)
    }

    /// Sets or changes a schema's verification fee: `args.amount` of `mint` per credential,
    /// paid into `treasury` by the recruiter's `record_access`. Signer: the issuer's authority.
    pub fn set_schema_fee(ctx: Context<SetSchemaFee>, args: SetSchemaFeeArgs) -> Result<()> {
        SetSchemaFee::handle(ctx, args)
    }

    /// Removes a schema's verification fee. Signer: the issuer's authority.
    pub fn clear_schema_fee(ctx: Context<ClearSchemaFee>) -> Result<()> {
        ClearSchemaFee::handle(ctx)
    }

    /// Issues a credential to `args.subject`. Signers: the issuer's authority or a delegate with
    /// the issue permission, and the payer. Creates: the credential PDA. Reads, without writing:
    /// the registry, issuer and schema (one issuer's issuances share no write lock).
    pub fn issue_credential(
        ctx: Context<IssueCredential>,
        args: IssueCredentialArgs,
    ) -> Result<()> {
        IssueCredential::handle(ctx, args)
    }

    /// Issues 1 to `MAX_ISSUE_BATCH` credentials sharing a schema and a window: the shared
    /// accounts named once, each credential's address a remaining account in order. Signers and
    /// rules: those of `issue_credential`. Creates: the credential PDAs (all or none).
    pub fn issue_credentials<'info>(
        ctx: Context<'info, IssueCredentials<'info>>,
        args: IssueCredentialsArgs,
    ) -> Result<()> {
        IssueCredentials::handle(ctx, args)
    }

    /// Suspends an active credential. Signer: the issuer's authority or a delegate with the
    /// suspend permission. Changes: credential status.
    pub fn suspend_credential(ctx: Context<CredentialAuthority>) -> Result<()> {
        CredentialAuthority::suspend(ctx)
    }

    /// Reinstates a suspended credential. Signer: the issuer's authority or a delegate with the
    /// suspend permission. Changes: credential status.
    pub fn reinstate_credential(ctx: Context<CredentialAuthority>) -> Result<()> {
        CredentialAuthority::reinstate(ctx)
    }

    /// Revokes a credential for good with a reason code. Signer: the issuer's authority or a
    /// delegate with the revoke permission. Changes: credential status and reason.
    pub fn revoke_credential(
        ctx: Context<CredentialAuthority>,
        args: RevokeCredentialArgs,
    ) -> Result<()> {
        CredentialAuthority::revoke(ctx, args)
    }

    /// Extends a credential's expiry. Signer: the issuer's authority or a delegate with the renew
    /// permission. Changes: `credential.expires_at`.
    pub fn renew_credential(
        ctx: Context<CredentialAuthority>,
        args: RenewCredentialArgs,
    ) -> Result<()> {
        CredentialAuthority::renew(ctx, args)
    }

    /// Closes a revoked or expired credential. Signer: the issuer's authority. Closes: the
    /// credential PDA, rent to `receiver`.
    pub fn close_credential(ctx: Context<CloseCredential>) -> Result<()> {
        CloseCredential::handle(ctx)
    }

    /// Issues a cohort: `args.leaf_count` credentials of one schema as the root of a Merkle tree,
    /// under a single credential's rules. Signers: the issuer's authority or a delegate with the
    /// issue permission, and the payer. Creates: the cohort PDA. Changes: issuer and schema
    /// counters.
    pub fn issue_cohort(ctx: Context<IssueCohort>, args: IssueCohortArgs) -> Result<()> {
        IssueCohort::handle(ctx, args)
    }

    /// Suspends an active leaf of a cohort. Signer: the issuer's authority or a delegate with the
    /// suspend permission, and the payer of the leaf's status page if this creates it. Changes:
    /// the leaf's status bits, the cohort's counts.
    pub fn suspend_cohort_leaf(
        ctx: Context<CohortLeafAuthority>,
        args: CohortLeafArgs,
    ) -> Result<()> {
        CohortLeafAuthority::suspend(ctx, args)
    }

    /// Reinstates a suspended leaf of a cohort. Signer: the issuer's authority or a delegate with
    /// the suspend permission, and the payer. Changes: the leaf's status bits, the cohort's
    /// counts.
    pub fn reinstate_cohort_leaf(
        ctx: Context<CohortLeafAuthority>,
        args: CohortLeafArgs,
    ) -> Result<()> {
        CohortLeafAuthority::reinstate(ctx, args)
    }

    /// Revokes a leaf of a cohort for good with a reason code. Signer: the issuer's authority or
    /// a delegate with the revoke permission, and the payer of the leaf's status page if this
    /// creates it. Changes: the leaf's status bits, the cohort's counts.
    pub fn revoke_cohort_leaf(
        ctx: Context<CohortLeafAuthority>,
        args: CohortLeafArgs,
    ) -> Result<()> {
        CohortLeafAuthority::revoke(ctx, args)
    }

    /// Closes a status page of an expired cohort. Signer: the issuer's authority. Closes: the
    /// page, rent to `receiver`. Changes: the cohort's page count.
    pub fn close_cohort_status_page(ctx: Context<CloseCohortStatusPage>) -> Result<()> {
        CloseCohortStatusPage::handle(ctx)
    }

    /// Closes an expired cohort whose status pages are closed. Signer: the issuer's authority.
    /// Closes: the cohort PDA, rent to `receiver`.
    pub fn close_cohort(ctx: Context<CloseCohort>) -> Result<()> {
        CloseCohort::handle(ctx)
    }
}
