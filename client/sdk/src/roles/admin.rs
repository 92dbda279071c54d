//! The registry admin: creates a registry, accredits issuers by the authority the institution
//! named, suspends, reinstates or revokes them, pauses issuance and hands the registry over.

use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use super::created;
use crate::{
    error::SdkError,
    ix::registry::{self as rix, IssuerDecision},
    pda,
    transport::{Sent, Transport},
};

/// A registry's admin.
pub struct RegistryAdmin<'a> {
    transport: &'a Transport,
    admin: &'a Keypair,
    /// The registry's address.
    pub registry: Pubkey,
}

impl<'a> RegistryAdmin<'a> {
    /// The admin of the registry `name` created by `admin`.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     admin_key: &solana_keypair::Keypair,
    /// #     issuer: credence_sdk::Pubkey,
    /// #     council_authority: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::RegistryAdmin;
    ///
    /// let admin = RegistryAdmin::new(transport, admin_key, "gb-health");
    /// admin.create("gb-health").await?; // Ok(false) when it already exists
    /// # Ok(()) }
    /// ```
    pub fn new(transport: &'a Transport, admin: &'a Keypair, name: &str) -> Self {
        let registry = pda::registry(&admin.pubkey(), name).0;
        Self {
            transport,
            admin,
            registry,
        }
    }

    /// The admin of the registry at `registry` (after an admin transfer the address no longer
    /// derives from the admin's key).
    pub fn at(transport: &'a Transport, admin: &'a Keypair, registry: Pubkey) -> Self {
        Self {
            transport,
            admin,
            registry,
        }
    }

    /// Accepts a pending admin transfer, signed by the new admin.
    pub async fn accept_admin(&self) -> Result<Sent, SdkError> {
        self.send(rix::accept_admin(&self.admin.pubkey(), &self.registry))
            .await
    }

    /// Creates the registry; `Ok(false)` if it already existed (nothing changed).
    pub async fn create(&self, name: &str) -> Result<bool, SdkError> {
        if self.transport.account(&self.registry).await?.is_some() {
            return Ok(false);
        }
        created(
            self.send(rix::create_registry(&self.admin.pubkey(), name))
                .await,
        )
    }

    /// Accredits the issuer at `issuer` if its authority is `authority`, the key the institution
    /// gave the admin out of band (`accredit_issuer_checked`): an id a front-runner registered
    /// first is refused on-chain with `IssuerAuthorityMismatch`, never accredited.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     admin_key: &solana_keypair::Keypair,
    /// #     issuer: credence_sdk::Pubkey,
    /// #     council_authority: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::{registry_program::error::RegistryError, roles::RegistryAdmin};
    ///
    /// let admin = RegistryAdmin::new(transport, admin_key, "gb-health");
    /// match admin.accredit(&issuer, &council_authority).await {
    ///     Ok(_) => println!("accredited"),
    ///     Err(err) if err.is(RegistryError::IssuerAuthorityMismatch) => {
    ///         println!("someone else registered this id first: do not accredit it")
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn accredit(&self, issuer: &Pubkey, authority: &Pubkey) -> Result<Sent, SdkError> {
        self.send(rix::accredit_issuer_checked(
            &self.admin.pubkey(),
            &self.registry,
            issuer,
            authority,
        ))
        .await
    }

    /// Suspends, reinstates or revokes an issuer. `IssuerDecision::Accredit` sends the unchecked
    /// `accredit_issuer`; prefer [`Self::accredit`], which names the authority meant.
    pub async fn decide(
        &self,
        decision: IssuerDecision,
        issuer: &Pubkey,
    ) -> Result<Sent, SdkError> {
        self.send(rix::decide_issuer(
            decision,
            &self.admin.pubkey(),
            &self.registry,
            issuer,
        ))
        .await
    }

    /// Pauses or resumes issuance.
    pub async fn set_paused(&self, paused: bool) -> Result<Sent, SdkError> {
        self.send(rix::set_paused(
            &self.admin.pubkey(),
            &self.registry,
            paused,
        ))
        .await
    }

    /// Proposes a new admin.
    pub async fn transfer_admin(&self, new_admin: &Pubkey) -> Result<Sent, SdkError> {
        self.send(rix::transfer_admin(
            &self.admin.pubkey(),
            &self.registry,
            new_admin,
        ))
        .await
    }

    async fn send(&self, ix: Instruction) -> Result<Sent, SdkError> {
        self.transport.send(&[ix], self.admin, &[]).await
    }
}
