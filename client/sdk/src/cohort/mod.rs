//! Cohort credentials, the client side: up to `2^20` credentials issued at once as one on-chain
//! `Cohort` account that holds the root of a Merkle tree over them.
//!
//! The issuer streams its rows ([`CohortRow`]) into a [`CohortBuilder`], anchors the resulting
//! [`CohortTree`]'s root, depth, leaf count and window on-chain, then hands each candidate her
//! [`CohortCredential`] file: her leaf's salts, her document, her proof and the root. Whoever she
//! shares it with checks it with [`CohortCredential::check_offline`] and against the chain.
//!
//! Hashes (SHA-256, integers little-endian; the tags are the registry program's):
//!
//! - subject commitment: `SHA-256(COHORT_SUBJECT_TAG ‖ subject_salt ‖ subject)`
//! - document commitment: [`commit`](crate::commitment::commit)`(document_salt, document)`
//! - leaf: `SHA-256(COHORT_LEAF_TAG ‖ cohort ‖ index_u32 ‖ subject commitment ‖ document
//!   commitment ‖ valid_from_i64 ‖ expires_at_i64)`
//! - inner node: `SHA-256(COHORT_NODE_TAG ‖ left ‖ right)`
//!
//! The tree has the least depth `d` with `leaf_count <= 2^d`; positions past the leaf count are
//! empty ([`EMPTY_LEAF`], and an empty subtree of height `k + 1` is the node of two of height
//! `k`). A proof is `d` sibling hashes, bottom-up; bit `k` of the index says whether the node at
//! level `k` is a right child.
//!
//! Salts and the cohort's id derive from the issuer's secret
//! ([`IssuerSecret::cohort_id`](crate::commitment::IssuerSecret::cohort_id),
//! [`IssuerSecret::cohort_salts`](crate::commitment::IssuerSecret::cohort_salts)), so a killed
//! issuance re-run reproduces the same address and root.
//!
//! ```
//! use credence_sdk::{
//!     cohort::{verify_proof, CohortBuilder, CohortContext, CohortCredential, CohortRow},
//!     commitment::IssuerSecret,
//!     pda, Pubkey,
//! };
//!
//! let secret = IssuerSecret::generate();
//! let (registry, issuer, schema) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
//! let context = CohortContext::new(registry, issuer, schema, secret.cohort_id(&issuer, "RN 2024"));
//! assert_eq!(context.cohort(), pda::cohort(&issuer, &context.cohort_id()).0);
//!
//! let rows: Vec<CohortRow> = (0..3)
//!     .map(|i| CohortRow {
//!         reference: format!("RN-{i}"),
//!         subject: Pubkey::new_unique(),
//!         document: format!("Registered Nurse, PIN 24K00{i}N").into_bytes(),
//!         valid_from: 1_700_000_000,
//!         expires_at: 1_900_000_000,
//!     })
//!     .collect();
//! let mut builder = CohortBuilder::new(&secret, context.cohort());
//! builder.push(&rows)?; // chunk by chunk for a large cohort
//! let tree = builder.finish()?;
//! // The issuer anchors tree.root(), tree.depth(), tree.leaf_count(), tree.valid_from() and
//! // tree.expires_at() on-chain, then writes each candidate's file:
//! let file: CohortCredential = tree.credential(&secret, &rows[2], 2, &context)?;
//! assert_eq!(file.check_offline(), Ok(()));
//! let json = serde_json::to_string(&file).unwrap();
//! let shared: CohortCredential = serde_json::from_str(&json).unwrap();
//!
//! // A verifier, with the root and depth read from the cohort account:
//! let leaf = shared.leaf().hash(&shared.cohort);
//! assert!(verify_proof(&tree.root(), tree.depth(), shared.index, &leaf, &shared.proof));
//! # Ok::<(), credence_sdk::SdkError>(())
//! ```

mod credential;
mod tree;

pub(crate) use tree::par_fill;

pub use credence_registry::constants::{
    COHORT_LEAF_TAG, COHORT_NODE_TAG, COHORT_SUBJECT_TAG, MAX_COHORT_DEPTH, MAX_COHORT_LEAVES,
};
pub use credential::{
    COHORT_CREDENTIAL_VERSION, CohortContext, CohortCredential, CohortFileProblem, CohortProblem,
};
pub use tree::{
    CohortBuilder, CohortRow, CohortTree, EMPTY_LEAF, LeafData, cohort_depth, node,
    subject_commitment, verify_proof,
};
