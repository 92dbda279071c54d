//! The issuer's cohorts: up to `2^20` credentials issued as one Merkle root in one transaction,
//! each leaf's status changed on its own.

use anchor_lang::Space;
use credence_registry::{
    IssueCohortArgs,
    state::{Cohort, Credential},
};
use serde::{Deserialize, Serialize};
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_signer::Signer;

use super::Issuer;
use crate::{
    accounts::{decode, fetch},
    cohort::{CohortBuilder, CohortContext, CohortTree},
    error::SdkError,
    ix::registry::{self as rix, LeafChange},
    transport::Sent,
};

/// What [`Issuer::issue_cohort`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortIssued {
    /// The cohort's address.
    #[serde(with = "crate::serde_text")]
    pub cohort: Pubkey,
    /// Credentials in it.
    pub leaf_count: u32,
    /// The Merkle root anchored.
    #[serde(with = "crate::serde_text::hex32")]
    pub root: [u8; 32],
    /// The issuing transaction; `None` when the same cohort was already on-chain (a re-run).
    #[serde(with = "crate::serde_text::option")]
    pub signature: Option<Signature>,
    /// The cohort account's rent, in lamports: what all its credentials cost together (status
    /// pages come later, one per 4,096 leaves and only where a status changes).
    pub rent_lamports: u64,
    /// What the same credentials would lock in rent as one credential account each.
    pub single_credentials_rent_lamports: u64,
}

impl Issuer<'_> {
    /// The context of the cohort named `cohort_name` (the issuer's own name for it, such as
    /// `register-2026`) under `schema`: its id is keyed by the issuer's secret, so the same name
    /// always gives the same address and a re-run cannot issue it twice.
    pub fn cohort_context(
        &self,
        schema: Pubkey,
        cohort_name: &str,
    ) -> Result<CohortContext, SdkError> {
        let id = self.secret()?.cohort_id(&self.issuer, cohort_name);
        Ok(CohortContext::new(self.registry, self.issuer, schema, id))
    }

    /// A builder for the cohort of `context`: push its rows chunk by chunk, then
    /// [`CohortBuilder::finish`] and [`Self::issue_cohort`].
    pub fn cohort_builder(&self, context: &CohortContext) -> Result<CohortBuilder, SdkError> {
        Ok(CohortBuilder::new(self.secret()?, context.cohort()))
    }

    /// Anchors `tree` as the cohort of `context` in one transaction. Idempotent: if the cohort
    /// is already on-chain with this root and size (a re-run after a crash), nothing is sent; if
    /// it is on-chain with another root, [`SdkError::ExistingCohortDiffers`] says so and nothing
    /// is sent.
    pub async fn issue_cohort(
        &self,
        context: &CohortContext,
        tree: &CohortTree,
    ) -> Result<CohortIssued, SdkError> {
        let cohort = context.cohort();
        let single = self
            .transport
            .minimum_balance(8 + Credential::INIT_SPACE)
            .await?
            .saturating_mul(u64::from(tree.leaf_count()));
        let issued = |signature, rent_lamports| CohortIssued {
            cohort,
            leaf_count: tree.leaf_count(),
            root: tree.root(),
            signature,
            rent_lamports,
            single_credentials_rent_lamports: single,
        };
        // One read: the cohort, if a previous run issued it, and the lamports it holds.
        if let Some(account) = self.transport.account(&cohort).await? {
            let existing: Cohort = decode(&cohort, &account)?;
            let field = if existing.merkle_root != tree.root() {
                Some("merkle root")
            } else if existing.leaf_count != tree.leaf_count() {
                Some("leaf count")
            } else if existing.schema != context.schema() {
                Some("schema")
            } else {
                None
            };
            if let Some(field) = field {
                return Err(SdkError::ExistingCohortDiffers { cohort, field });
            }
            return Ok(issued(None, account.lamports));
        }
        let args = IssueCohortArgs {
            cohort_id: context.cohort_id(),
            merkle_root: tree.root(),
            leaf_count: tree.leaf_count(),
            depth: tree.depth(),
            valid_from: tree.valid_from(),
            expires_at: tree.expires_at(),
        };
        let ix = rix::issue_cohort(
            &self.issuer_signer(),
            &self.signer.pubkey(),
            &context.schema(),
            args,
        );
        let sent = self.send(&[ix]).await?;
        Ok(issued(
            Some(sent.signature),
            self.cohort_rent(&cohort).await?,
        ))
    }

    /// The lamports held by `cohort` (its rent), 0 if absent.
    async fn cohort_rent(&self, cohort: &Pubkey) -> Result<u64, SdkError> {
        Ok(self
            .transport
            .account(cohort)
            .await?
            .map_or(0, |account| account.lamports))
    }

    /// Suspends, reinstates or revokes leaf `index` of `cohort` with `reason` (`REASON_*`;
    /// required to revoke). The signer pays the leaf's status page if this is the first change
    /// on it.
    pub async fn change_leaf(
        &self,
        change: LeafChange,
        cohort: &Pubkey,
        index: u32,
        reason: u16,
    ) -> Result<Sent, SdkError> {
        let account: Cohort = fetch(self.transport, cohort).await?;
        self.send(&[rix::change_cohort_leaf(
            change,
            &self.issuer_signer(),
            &self.signer.pubkey(),
            &account.schema,
            cohort,
            index,
            reason,
        )])
        .await
    }
}
