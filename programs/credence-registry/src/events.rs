//! Events: one per state change, so indexers and the candidate's audit view need no extra reads.
//!
//! Events are emitted through [`crate::emit_event!`], which is Anchor's `emit!` on the SBF target
//! (a `Program data: <base64>` log line) and, for programs compiled natively and run as builtins,
//! a `Program log: data: <base64>` line through the runtime's log collector (Anchor's native
//! `sol_log_data` is a no-op). The SDK's event parser reads both forms.

use anchor_lang::prelude::*;

use crate::state::{CredentialStatus, IssuerStatus};

/// Prefix of an event line written by a natively compiled program, after the runtime's own
/// `Program log: `: the full line is `Program log: data: <base64 of discriminator ‖ Borsh>`.
/// Parsers of the native form (the SDK's event reader) build their prefix from this constant.
pub const NATIVE_EVENT_PREFIX: &str = "data: ";

/// The `base64` crate, for [`crate::emit_event!`]'s expansion in other crates (the consent
/// program) without their own dependency. Not part of the API.
#[doc(hidden)]
pub use base64 as __base64;

/// Emits an Anchor event so that it reaches the transaction's log messages on every target.
#[macro_export]
macro_rules! emit_event {
    ($event:expr) => {{
        #[cfg(target_os = "solana")]
        {
            ::anchor_lang::prelude::emit!($event);
        }
        #[cfg(not(target_os = "solana"))]
        {
            use $crate::events::__base64::Engine as _;
            let data = ::anchor_lang::Event::data(&$event);
            ::anchor_lang::compat::solana_sysvar::program_stubs::sol_log(&::std::format!(
                "{}{}",
                $crate::events::NATIVE_EVENT_PREFIX,
                $crate::events::__base64::engine::general_purpose::STANDARD.encode(data)
            ));
        }
    }};
}

/// A registry was created.
#[event]
pub struct RegistryCreated {
    /// The registry's address.
    pub registry: Pubkey,
    /// Its admin (and creator).
    pub admin: Pubkey,
    /// Its name.
    pub name: String,
}

/// The admin proposed a new admin; it takes effect when the new admin accepts.
#[event]
pub struct AdminTransferProposed {
    /// The registry.
    pub registry: Pubkey,
    /// The current admin.
    pub admin: Pubkey,
    /// The proposed admin.
    pub pending_admin: Pubkey,
}

/// The pending admin accepted and is now the admin.
#[event]
pub struct AdminTransferred {
    /// The registry.
    pub registry: Pubkey,
    /// The former admin.
    pub previous_admin: Pubkey,
    /// The new admin.
    pub admin: Pubkey,
}

/// The registry was paused or unpaused.
#[event]
pub struct RegistryPauseChanged {
    /// The registry.
    pub registry: Pubkey,
    /// Whether it is now paused.
    pub paused: bool,
}

/// An issuer registered itself, pending accreditation.
#[event]
pub struct IssuerRegistered {
    /// The registry.
    pub registry: Pubkey,
    /// The issuer's address.
    pub issuer: Pubkey,
    /// The issuer's authority key.
    pub authority: Pubkey,
    /// The issuer's id within the registry.
    pub issuer_id: String,
}

/// The admin changed an issuer's status (accredit, suspend, reinstate, revoke).
#[event]
pub struct IssuerStatusChanged {
    /// The registry.
    pub registry: Pubkey,
    /// The issuer.
    pub issuer: Pubkey,
    /// Status before.
    pub previous: IssuerStatus,
    /// Status after.
    pub status: IssuerStatus,
}

/// The issuer changed its display name, URI or jurisdiction.
#[event]
pub struct IssuerUpdated {
    /// The issuer.
    pub issuer: Pubkey,
}

/// The issuer's authority key was rotated.
#[event]
pub struct IssuerAuthorityRotated {
    /// The issuer.
    pub issuer: Pubkey,
    /// The former authority.
    pub previous_authority: Pubkey,
    /// The new authority.
    pub authority: Pubkey,
}

/// A delegate was added to an issuer.
#[event]
pub struct DelegateAdded {
    /// The issuer.
    pub issuer: Pubkey,
    /// The delegate key.
    pub delegate: Pubkey,
    /// Its permission bits.
    pub permissions: u8,
    /// When it expires (unix seconds).
    pub expires_at: i64,
}

/// A delegate was removed from an issuer.
#[event]
pub struct DelegateRemoved {
    /// The issuer.
    pub issuer: Pubkey,
    /// The delegate key.
    pub delegate: Pubkey,
}

/// A schema was created.
#[event]
pub struct SchemaCreated {
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema's address.
    pub schema: Pubkey,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: u16,
}

/// A schema was deprecated: no new credentials can be issued under it.
#[event]
pub struct SchemaDeprecated {
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema.
    pub schema: Pubkey,
}

/// An issuer set or changed a schema's verification fee.
#[event]
pub struct SchemaFeeSet {
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema.
    pub schema: Pubkey,
    /// The SPL Token mint of the fee.
    pub mint: Pubkey,
    /// The issuer's treasury token account.
    pub treasury: Pubkey,
    /// The fee per credential, in base units.
    pub amount: u64,
    /// The mint's decimals.
    pub decimals: u8,
}

/// An issuer removed a schema's verification fee.
#[event]
pub struct SchemaFeeCleared {
    /// The issuer.
    pub issuer: Pubkey,
    /// The schema.
    pub schema: Pubkey,
}

/// A credential was issued.
#[event]
pub struct CredentialIssued {
    /// The issuer.
    pub issuer: Pubkey,
    /// The subject (candidate).
    pub subject: Pubkey,
    /// The credential's address.
    pub credential: Pubkey,
    /// Its schema.
    pub schema: Pubkey,
    /// The key that signed the issuance (authority or delegate).
    pub issued_by: Pubkey,
    /// When it expires (0: never).
    pub expires_at: i64,
}

/// A credential was suspended, reinstated or revoked.
#[event]
pub struct CredentialStatusChanged {
    /// The issuer.
    pub issuer: Pubkey,
    /// The credential.
    pub credential: Pubkey,
    /// Status before.
    pub previous: CredentialStatus,
    /// Status after.
    pub status: CredentialStatus,
    /// Revocation reason code (0 unless revoked).
    pub reason: u16,
    /// The key that signed the change.
    pub changed_by: Pubkey,
}

/// A credential's expiry was extended.
#[event]
pub struct CredentialRenewed {
    /// The credential.
    pub credential: Pubkey,
    /// Expiry before.
    pub previous_expires_at: i64,
    /// Expiry after.
    pub expires_at: i64,
}

/// A revoked or expired credential was closed and its rent returned.
#[event]
pub struct CredentialClosed {
    /// The issuer.
    pub issuer: Pubkey,
    /// The credential.
    pub credential: Pubkey,
    /// Who received the rent.
    pub receiver: Pubkey,
}

/// A cohort was issued: `leaf_count` credentials under one Merkle root. Names no subject.
#[event]
pub struct CohortIssued {
    /// The issuer.
    pub issuer: Pubkey,
    /// The cohort's address.
    pub cohort: Pubkey,
    /// Its schema.
    pub schema: Pubkey,
    /// The Merkle root over its leaves.
    pub merkle_root: [u8; 32],
    /// Credentials in it.
    pub leaf_count: u32,
    /// The key that signed the issuance (authority or delegate).
    pub issued_by: Pubkey,
    /// When its last leaf expires (0: never).
    pub expires_at: i64,
}

/// One leaf of a cohort was suspended, reinstated or revoked. Names the leaf by index only.
#[event]
pub struct CohortLeafStatusChanged {
    /// The issuer.
    pub issuer: Pubkey,
    /// The cohort.
    pub cohort: Pubkey,
    /// The leaf.
    pub index: u32,
    /// Status before.
    pub previous: CredentialStatus,
    /// Status after.
    pub status: CredentialStatus,
    /// Reason code (`REASON_*`; non-zero for a revocation, 0 when none was given).
    pub reason: u16,
    /// The key that signed the change.
    pub changed_by: Pubkey,
    /// Whether this change created the leaf's status page (and paid its rent).
    pub page_created: bool,
}

/// A cohort's status page was closed and its rent returned.
#[event]
pub struct CohortStatusPageClosed {
    /// The cohort.
    pub cohort: Pubkey,
    /// The page number.
    pub page: u16,
    /// Who received the rent.
    pub receiver: Pubkey,
}

/// An expired cohort was closed and its rent returned.
#[event]
pub struct CohortClosed {
    /// The issuer.
    pub issuer: Pubkey,
    /// The cohort.
    pub cohort: Pubkey,
    /// Who received the rent.
    pub receiver: Pubkey,
}
