//! A candidate's cohort credential file: her leaf, its openings and its proof.

use std::{io::Write, path::Path};

use serde::{Deserialize, Serialize};
use solana_pubkey::Pubkey;

use super::{
    MAX_COHORT_LEAVES,
    tree::{CohortRow, CohortTree, LeafData, cohort_depth, subject_commitment, verify_proof},
};
use crate::{
    commitment::{IssuerSecret, Salt, commit},
    error::SdkError,
    pda,
};

/// Version of the credential file format [`CohortCredential`] writes and reads.
pub const COHORT_CREDENTIAL_VERSION: u8 = 1;

/// What the credentials of one cohort are issued under: the registry, the issuer, the schema and
/// the cohort's id, from which its address derives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortContext {
    registry: Pubkey,
    issuer: Pubkey,
    schema: Pubkey,
    cohort_id: [u8; 32],
    cohort: Pubkey,
}

impl CohortContext {
    /// The context of the cohort `cohort_id` ([`IssuerSecret::cohort_id`]) of `issuer`; its
    /// address ([`pda::cohort`]) is derived once, here.
    pub fn new(registry: Pubkey, issuer: Pubkey, schema: Pubkey, cohort_id: [u8; 32]) -> Self {
        let cohort = pda::cohort(&issuer, &cohort_id).0;
        Self {
            registry,
            issuer,
            schema,
            cohort_id,
            cohort,
        }
    }

    /// The registry the issuer is accredited in.
    pub fn registry(&self) -> Pubkey {
        self.registry
    }

    /// The issuer.
    pub fn issuer(&self) -> Pubkey {
        self.issuer
    }

    /// The schema every leaf is issued under.
    pub fn schema(&self) -> Pubkey {
        self.schema
    }

    /// The cohort's id (a seed of its address).
    pub fn cohort_id(&self) -> [u8; 32] {
        self.cohort_id
    }

    /// The cohort's address.
    pub fn cohort(&self) -> Pubkey {
        self.cohort
    }
}

/// One credential of a cohort as its candidate keeps and shares it (a JSON file: addresses in
/// base58, 32-byte values in hex). It carries her leaf's openings (the subject and document
/// salts), the document, the proof and the root the issuer anchored.
///
/// [`CohortCredential::check_offline`] checks that it hangs together; a verifier then compares
/// with the chain: the cohort account at `cohort` must hold `root`, `leaf_count`, the issuer and
/// the schema, the leaf's status page must not suspend or revoke it, its window must hold now,
/// and `subject` must be the wallet presenting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortCredential {
    /// The file format's version ([`COHORT_CREDENTIAL_VERSION`]).
    pub version: u8,
    /// The registry the issuer is accredited in.
    #[serde(with = "crate::serde_text")]
    pub registry: Pubkey,
    /// The issuer.
    #[serde(with = "crate::serde_text")]
    pub issuer: Pubkey,
    /// The schema the cohort is issued under.
    #[serde(with = "crate::serde_text")]
    pub schema: Pubkey,
    /// The cohort's address: [`pda::cohort`] of `issuer` and `cohort_id`.
    #[serde(with = "crate::serde_text")]
    pub cohort: Pubkey,
    /// The cohort's id.
    #[serde(with = "crate::serde_text::hex32")]
    pub cohort_id: [u8; 32],
    /// The leaf's position in the tree.
    pub index: u32,
    /// Leaves in the cohort (its depth follows: [`cohort_depth`]).
    pub leaf_count: u32,
    /// The candidate's wallet.
    #[serde(with = "crate::serde_text")]
    pub subject: Pubkey,
    /// The salt of the subject commitment.
    #[serde(with = "crate::serde_text")]
    pub subject_salt: Salt,
    /// The leaf's subject commitment ([`subject_commitment`] of `subject_salt` and `subject`),
    /// kept so that [`CohortCredential::check_offline`] can tell a wrong subject or salt apart
    /// from a wrong proof. [`CohortCredential::leaf`] recomputes it, never reads it.
    #[serde(with = "crate::serde_text::hex32")]
    pub subject_commitment: [u8; 32],
    /// The salt of the document commitment.
    #[serde(with = "crate::serde_text")]
    pub document_salt: Salt,
    /// The document as text (`None` when left out: the commitment still binds it).
    pub document: Option<String>,
    /// The leaf's document commitment ([`commit`] of `document_salt` and the document).
    #[serde(with = "crate::serde_text::hex32")]
    pub document_commitment: [u8; 32],
    /// When the credential starts being valid (unix seconds).
    pub valid_from: i64,
    /// When it stops being valid (unix seconds; 0: never).
    pub expires_at: i64,
    /// The leaf's proof: one sibling hash per level, bottom-up.
    #[serde(with = "hex32_vec")]
    pub proof: Vec<[u8; 32]>,
    /// The root the issuer anchored: a verifier compares it with the cohort account's.
    #[serde(with = "crate::serde_text::hex32")]
    pub root: [u8; 32],
}

/// Why a cohort credential does not hang together ([`CohortCredential::check_offline`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CohortProblem {
    /// A file format this SDK does not know.
    #[error("credential format version {0} is not supported (this SDK reads version 1)")]
    UnsupportedVersion(u8),
    /// A leaf count no cohort has (0, or over `2^20`).
    #[error("a cohort holds 1 to {MAX_COHORT_LEAVES} leaves, not {0}")]
    LeafCount(u32),
    /// The index is past the cohort's leaves.
    #[error("leaf {index} is past the cohort's {leaf_count} leaves")]
    IndexOutOfRange {
        /// The credential's index.
        index: u32,
        /// The cohort's leaf count.
        leaf_count: u32,
    },
    /// The proof does not have one sibling per level.
    #[error("the proof has {given} hashes, not the {depth} of the cohort's depth")]
    ProofLength {
        /// The depth `leaf_count` gives.
        depth: u8,
        /// The proof's length.
        given: usize,
    },
    /// The issuer and cohort id do not derive the cohort's address.
    #[error("the issuer and cohort id do not derive the cohort's address")]
    CohortAddress,
    /// The subject key and subject salt do not open the subject commitment: another wallet, or
    /// the wrong salt.
    #[error(
        "the subject and its salt do not open the subject commitment (another wallet, or the wrong salt)"
    )]
    Subject,
    /// The document and document salt do not open the document commitment: an altered document,
    /// or the wrong salt.
    #[error(
        "the document and its salt do not open the document commitment (altered, or the wrong salt)"
    )]
    Document,
    /// The leaf and the proof do not lead to the root: a proof, window, commitment or index
    /// altered, or a root from another tree.
    #[error(
        "the leaf and its proof do not lead to the root (proof, window, index or root altered)"
    )]
    NotInRoot,
}

/// Why a cohort credential file could not be read or written ([`SdkError::CohortCredentialFile`]).
#[derive(Debug, thiserror::Error)]
pub enum CohortFileProblem {
    /// The file could not be read or written (`NotFound`, `PermissionDenied`, ...).
    #[error("{0}")]
    Io(std::io::Error),
    /// The file is not a cohort credential's JSON.
    #[error("not a cohort credential: {0}")]
    Malformed(serde_json::Error),
    /// A file format this SDK does not know.
    #[error("credential format version {0} is not supported (this SDK reads version 1)")]
    UnsupportedVersion(u8),
}

impl CohortCredential {
    /// The depth of the cohort's tree, from `leaf_count` (`None` for a count no cohort has).
    pub fn depth(&self) -> Option<u8> {
        cohort_depth(self.leaf_count)
    }

    /// The leaf this credential claims, with the subject commitment recomputed from `subject` and
    /// `subject_salt` (so it names the subject the file names) and the document commitment as
    /// stored (opened by [`Self::check_offline`]).
    pub fn leaf(&self) -> LeafData {
        LeafData {
            index: self.index,
            subject_commitment: subject_commitment(&self.subject_salt, &self.subject),
            document_commitment: self.document_commitment,
            valid_from: self.valid_from,
            expires_at: self.expires_at,
        }
    }

    /// Checks, without the chain, that the credential hangs together: a known version, a leaf
    /// count and index a cohort can have, a proof of the right length, the cohort address derived
    /// from issuer and cohort id, the subject commitment opened by subject and salt, the document
    /// (if present) opening its commitment, and the leaf with its proof leading to `root`. The
    /// first failure is returned. Whether `root` is the one on-chain, the leaf's status and its
    /// window are the verifier's to check.
    pub fn check_offline(&self) -> Result<(), CohortProblem> {
        if self.version != COHORT_CREDENTIAL_VERSION {
            return Err(CohortProblem::UnsupportedVersion(self.version));
        }
        let depth = self
            .depth()
            .ok_or(CohortProblem::LeafCount(self.leaf_count))?;
        if self.index >= self.leaf_count {
            return Err(CohortProblem::IndexOutOfRange {
                index: self.index,
                leaf_count: self.leaf_count,
            });
        }
        if self.proof.len() != usize::from(depth) {
            return Err(CohortProblem::ProofLength {
                depth,
                given: self.proof.len(),
            });
        }
        if pda::cohort(&self.issuer, &self.cohort_id).0 != self.cohort {
            return Err(CohortProblem::CohortAddress);
        }
        let leaf = self.leaf();
        if leaf.subject_commitment != self.subject_commitment {
            return Err(CohortProblem::Subject);
        }
        if let Some(document) = &self.document
            && commit(&self.document_salt, document.as_bytes()) != self.document_commitment
        {
            return Err(CohortProblem::Document);
        }
        if !verify_proof(
            &self.root,
            depth,
            self.index,
            &leaf.hash(&self.cohort),
            &self.proof,
        ) {
            return Err(CohortProblem::NotInRoot);
        }
        Ok(())
    }

    /// Writes the credential to `path` as JSON, replacing any file there and creating missing
    /// parent directories. New files are owner-only (`0600` on Unix): the salts open the
    /// commitments.
    pub fn save(&self, path: &Path) -> Result<(), SdkError> {
        let file_error = |io| SdkError::CohortCredentialFile {
            path: path.to_path_buf(),
            problem: CohortFileProblem::Io(io),
        };
        let mut text = serde_json::to_string_pretty(self)
            .expect("a credential is plain fields: it serializes");
        text.push('\n');
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(file_error)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(file_error)
    }

    /// Reads a credential file written by [`Self::save`]. [`SdkError::CohortCredentialFile`] if
    /// it cannot be read, is not a credential's JSON or is of an unknown version. Reading checks
    /// nothing else: call [`Self::check_offline`].
    pub fn load(path: &Path) -> Result<Self, SdkError> {
        let file_error = |problem| SdkError::CohortCredentialFile {
            path: path.to_path_buf(),
            problem,
        };
        let text =
            std::fs::read_to_string(path).map_err(|io| file_error(CohortFileProblem::Io(io)))?;
        let credential: Self = serde_json::from_str(&text)
            .map_err(|err| file_error(CohortFileProblem::Malformed(err)))?;
        if credential.version != COHORT_CREDENTIAL_VERSION {
            return Err(file_error(CohortFileProblem::UnsupportedVersion(
                credential.version,
            )));
        }
        Ok(credential)
    }
}

impl CohortTree {
    /// The credential file of `row`, leaf `index` of this tree, for its candidate: the row's
    /// salts re-derived from `secret`, the document as text, the proof and the root.
    ///
    /// Refused when the row is not the one the tree holds at `index` (another reference, subject,
    /// document, window or secret) or `context` names another cohort
    /// ([`SdkError::CohortLeafMismatch`]), or when `index` is past the leaves or the document is
    /// not UTF-8 text ([`SdkError::OutOfRange`]).
    pub fn credential(
        &self,
        secret: &IssuerSecret,
        row: &CohortRow,
        index: u32,
        context: &CohortContext,
    ) -> Result<CohortCredential, SdkError> {
        let cohort = self.cohort();
        if context.cohort() != cohort {
            return Err(SdkError::CohortLeafMismatch {
                cohort,
                index,
                what: "the context (its issuer and cohort id derive another cohort)",
            });
        }
        let (Some(expected), Some(proof)) = (self.leaf(index), self.proof(index)) else {
            return Err(SdkError::OutOfRange {
                what: "a cohort leaf's index",
                allowed: format!("below the cohort's {} leaves", self.leaf_count()),
                given: index.to_string(),
            });
        };
        let salts = secret.cohort_salts(&cohort, &row.reference);
        let leaf = row.leaf(secret, &cohort, index);
        if leaf.hash(&cohort) != expected {
            return Err(SdkError::CohortLeafMismatch {
                cohort,
                index,
                what: "this row (its reference, subject, document or window) or this secret",
            });
        }
        let document =
            String::from_utf8(row.document.clone()).map_err(|_| SdkError::OutOfRange {
                what: "a cohort credential's document",
                allowed: "UTF-8 text".into(),
                given: format!("{} bytes that are not UTF-8", row.document.len()),
            })?;
        Ok(CohortCredential {
            version: COHORT_CREDENTIAL_VERSION,
            registry: context.registry(),
            issuer: context.issuer(),
            schema: context.schema(),
            cohort,
            cohort_id: context.cohort_id(),
            index,
            leaf_count: self.leaf_count(),
            subject: row.subject,
            subject_salt: salts.subject,
            subject_commitment: leaf.subject_commitment,
            document_salt: salts.document,
            document: Some(document),
            document_commitment: leaf.document_commitment,
            valid_from: row.valid_from,
            expires_at: row.expires_at,
            proof,
            root: self.root(),
        })
    }
}

/// A list of 32-byte values as a JSON array of hex strings.
mod hex32_vec {
    use serde::{Deserialize, Deserializer, Serializer, de::Error, ser::SerializeSeq};

    pub fn serialize<S: Serializer>(values: &[[u8; 32]], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(values.len()))?;
        for value in values {
            seq.serialize_element(&hex::encode(value))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| {
                hex::decode(text.trim())
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| D::Error::custom(format!("{text:?} is not 32 bytes of hex")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::CohortBuilder;

    struct Issued {
        secret: IssuerSecret,
        context: CohortContext,
        rows: Vec<CohortRow>,
        tree: CohortTree,
    }

    fn issue(count: usize) -> Issued {
        let secret = IssuerSecret::generate();
        let issuer = Pubkey::new_unique();
        let context = CohortContext::new(
            Pubkey::new_unique(),
            issuer,
            Pubkey::new_unique(),
            secret.cohort_id(&issuer, "UNILAG nursing 2019"),
        );
        let rows: Vec<CohortRow> = (0..count)
            .map(|i| CohortRow {
                reference: format!("UNILAG/2019/NUR/{i:04}"),
                subject: Pubkey::new_unique(),
                document: format!("Registered Nurse, PIN 19K{i:04}N").into_bytes(),
                valid_from: 1_600_000_000,
                expires_at: if i == 0 { 0 } else { 1_900_000_000 },
            })
            .collect();
        let mut builder = CohortBuilder::new(&secret, context.cohort());
        builder.push(&rows).unwrap();
        let tree = builder.finish().unwrap();
        Issued {
            secret,
            context,
            rows,
            tree,
        }
    }

    impl Issued {
        fn credential(&self, index: u32) -> CohortCredential {
            self.tree
                .credential(
                    &self.secret,
                    &self.rows[index as usize],
                    index,
                    &self.context,
                )
                .unwrap()
        }
    }

    fn temp_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "credence-cohort-test-{}-{}",
            std::process::id(),
            hex::encode(Salt::random().0)
        ))
    }

    #[test]
    fn every_credential_checks_and_matches_the_tree() {
        let issued = issue(5);
        for index in 0..5 {
            let file = issued.credential(index);
            assert_eq!(file.check_offline(), Ok(()), "leaf {index}");
            assert_eq!(
                file.leaf().hash(&file.cohort),
                issued.tree.leaf(index).unwrap()
            );
            assert_eq!(file.root, issued.tree.root());
            assert_eq!(file.depth(), Some(3));
            assert_eq!(file.subject, issued.rows[index as usize].subject);
            let salts = issued
                .secret
                .cohort_salts(&file.cohort, &issued.rows[index as usize].reference);
            assert_eq!(
                (file.subject_salt, file.document_salt),
                (salts.subject, salts.document)
            );
        }
        // A single-leaf cohort: no proof at all.
        let single = issue(1);
        let file = single.credential(0);
        assert!(file.proof.is_empty());
        assert_eq!(file.check_offline(), Ok(()));
    }

    #[test]
    fn credential_json_round_trips_in_text_forms() {
        let issued = issue(3);
        let file = issued.credential(1);
        let json = serde_json::to_string_pretty(&file).unwrap();
        assert_eq!(
            serde_json::from_str::<CohortCredential>(&json).unwrap(),
            file
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["cohort"], issued.context.cohort().to_string());
        assert_eq!(value["subject"], file.subject.to_string());
        assert_eq!(value["cohort_id"], hex::encode(issued.context.cohort_id()));
        assert_eq!(value["subject_salt"], file.subject_salt.to_hex());
        assert_eq!(value["root"], hex::encode(issued.tree.root()));
        assert_eq!(value["proof"][0], hex::encode(file.proof[0]));
        assert_eq!(value["document"], "Registered Nurse, PIN 19K0001N");
        assert_eq!(value["index"], 1);
        // A document left out still leaves a credential that checks.
        let mut value = value;
        value["document"] = serde_json::Value::Null;
        let without: CohortCredential = serde_json::from_value(value).unwrap();
        assert_eq!(without.document, None);
        assert_eq!(without.check_offline(), Ok(()));
    }

    #[test]
    fn check_offline_names_what_was_altered() {
        let issued = issue(5);
        let file = issued.credential(2);
        let check = |alter: &dyn Fn(&mut CohortCredential)| {
            let mut altered = file.clone();
            alter(&mut altered);
            altered.check_offline()
        };
        use CohortProblem::*;
        assert_eq!(
            check(&|c| c.document = Some("Registered Nurse, PIN 19K0003N".into())),
            Err(Document)
        );
        assert_eq!(check(&|c| c.document_salt = Salt::random()), Err(Document));
        assert_eq!(check(&|c| c.subject = Pubkey::new_unique()), Err(Subject));
        assert_eq!(check(&|c| c.subject_salt = Salt::random()), Err(Subject));
        // The subject and its commitment replaced together: the leaf is no longer in the tree.
        assert_eq!(
            check(&|c| {
                c.subject = Pubkey::new_unique();
                c.subject_commitment = subject_commitment(&c.subject_salt, &c.subject);
            }),
            Err(NotInRoot)
        );
        assert_eq!(check(&|c| c.proof[1][7] ^= 1), Err(NotInRoot));
        assert_eq!(check(&|c| c.proof.swap(0, 1)), Err(NotInRoot));
        assert_eq!(check(&|c| c.root[0] ^= 1), Err(NotInRoot));
        assert_eq!(check(&|c| c.index = 3), Err(NotInRoot));
        assert_eq!(check(&|c| c.expires_at = 0), Err(NotInRoot));
        assert_eq!(check(&|c| c.valid_from -= 1), Err(NotInRoot));
        assert_eq!(
            check(&|c| {
                c.document = Some("forged".into());
                c.document_commitment = commit(&c.document_salt, b"forged");
            }),
            Err(NotInRoot)
        );
        assert_eq!(
            check(&|c| c.proof.truncate(2)),
            Err(ProofLength { depth: 3, given: 2 })
        );
        assert_eq!(
            check(&|c| c.proof.push([0; 32])),
            Err(ProofLength { depth: 3, given: 4 })
        );
        assert_eq!(
            check(&|c| c.index = 5),
            Err(IndexOutOfRange {
                index: 5,
                leaf_count: 5
            })
        );
        assert_eq!(check(&|c| c.leaf_count = 0), Err(LeafCount(0)));
        assert_eq!(
            check(&|c| c.leaf_count = (1 << 20) + 1),
            Err(LeafCount((1 << 20) + 1))
        );
        assert_eq!(
            check(&|c| c.leaf_count = 9),
            Err(ProofLength { depth: 4, given: 3 })
        );
        assert_eq!(check(&|c| c.version = 2), Err(UnsupportedVersion(2)));
        assert_eq!(check(&|c| c.cohort_id[0] ^= 1), Err(CohortAddress));
        assert_eq!(
            check(&|c| c.issuer = Pubkey::new_unique()),
            Err(CohortAddress)
        );
        // The registry and the schema are the chain's to check.
        assert_eq!(check(&|c| c.schema = Pubkey::new_unique()), Ok(()));
    }

    #[test]
    fn credentials_are_made_only_for_the_tree_s_own_rows() {
        let issued = issue(4);
        let (secret, context, tree) = (&issued.secret, &issued.context, &issued.tree);
        let row = &issued.rows[1];
        let mismatch = |result: Result<CohortCredential, SdkError>| {
            matches!(result, Err(SdkError::CohortLeafMismatch { index: 1, .. }))
        };
        assert!(mismatch(tree.credential(
            secret,
            &issued.rows[2],
            1,
            context
        )));
        let mut other = row.clone();
        other.document = b"Registered Midwife".to_vec();
        assert!(mismatch(tree.credential(secret, &other, 1, context)));
        other = row.clone();
        other.subject = Pubkey::new_unique();
        assert!(mismatch(tree.credential(secret, &other, 1, context)));
        assert!(mismatch(tree.credential(
            &IssuerSecret::generate(),
            row,
            1,
            context
        )));
        let elsewhere = CohortContext::new(
            context.registry(),
            context.issuer(),
            context.schema(),
            secret.cohort_id(&context.issuer(), "another cohort"),
        );
        assert!(mismatch(tree.credential(secret, row, 1, &elsewhere)));
        assert!(matches!(
            tree.credential(secret, row, 4, context),
            Err(SdkError::OutOfRange { .. })
        ));

        // A document that is not text has no place in the file.
        let mut binary = issued.rows.clone();
        binary[0].document = vec![0xff, 0xfe, 0x00];
        let mut builder = CohortBuilder::new(secret, context.cohort());
        builder.push(&binary).unwrap();
        let tree = builder.finish().unwrap();
        let err = tree.credential(secret, &binary[0], 0, context).unwrap_err();
        assert!(matches!(err, SdkError::OutOfRange { .. }), "{err:?}");
        assert!(tree.credential(secret, &binary[1], 1, context).is_ok());
    }

    #[test]
    fn files_round_trip_and_report_what_is_wrong() {
        let dir = temp_dir();
        let issued = issue(3);
        let file = issued.credential(2);
        let path = dir.join("candidates").join("2.json");
        file.save(&path).unwrap();
        assert_eq!(CohortCredential::load(&path).unwrap(), file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Saving again replaces the file.
        issued.credential(1).save(&path).unwrap();
        assert_eq!(CohortCredential::load(&path).unwrap().index, 1);

        let missing = dir.join("missing.json");
        let err = CohortCredential::load(&missing).unwrap_err();
        assert!(
            matches!(&err, SdkError::CohortCredentialFile { path, problem: CohortFileProblem::Io(io) }
                if *path == missing && io.kind() == std::io::ErrorKind::NotFound),
            "{err:?}"
        );
        assert!(err.to_string().contains("missing.json"), "{err}");

        let malformed = dir.join("malformed.json");
        for text in [
            "not json",
            "{\"version\": 1}",
            &serde_json::to_string(&file)
                .unwrap()
                .replace(&hex::encode(file.root), "zz"),
        ] {
            std::fs::write(&malformed, text).unwrap();
            let err = CohortCredential::load(&malformed).unwrap_err();
            assert!(
                matches!(
                    &err,
                    SdkError::CohortCredentialFile {
                        problem: CohortFileProblem::Malformed(_),
                        ..
                    }
                ),
                "{text}: {err:?}"
            );
            assert!(err.to_string().contains("not a cohort credential"), "{err}");
        }

        let mut future = file.clone();
        future.version = 2;
        std::fs::write(&malformed, serde_json::to_string(&future).unwrap()).unwrap();
        let err = CohortCredential::load(&malformed).unwrap_err();
        assert!(
            matches!(
                &err,
                SdkError::CohortCredentialFile {
                    problem: CohortFileProblem::UnsupportedVersion(2),
                    ..
                }
            ),
            "{err:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
