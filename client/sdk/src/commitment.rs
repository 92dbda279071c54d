//! Salted hash commitments: what goes on-chain instead of a document.
//!
//! `commitment = SHA-256(DOMAIN_TAG ‖ salt ‖ document)`, with a fresh 32-byte random salt per
//! credential, so equal documents give unrelated commitments and a commitment cannot be brute-forced
//! from a guess of the document (a date of birth, a licence number) without the salt.
//!
//! An issuer derives each credential's salt and its on-chain id from its [`IssuerSecret`] and its
//! own reference for the credential, so re-running an issuance reproduces both, and the public id
//! cannot be traced back to the reference without the secret.

use std::{io::Write, path::Path};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use solana_pubkey::Pubkey;

use crate::error::SdkError;

/// Domain separation tag of Credence document commitments (version 1).
pub const DOMAIN_TAG: &[u8] = b"credence:commitment:v1";

/// A commitment's secret salt, held by the candidate and shared with whoever should verify.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt(pub [u8; 32]);

impl Salt {
    /// A fresh salt from the operating system's random source.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Hex form, for files and `--output json`.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses the hex form.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim()).map_err(|e| format!("salt is not hex: {e}"))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "salt must be 32 bytes (64 hex digits)".to_string())?;
        Ok(Self(bytes))
    }
}

/// The hex form ([`Salt::to_hex`]): what a candidate is handed with her document.
impl std::fmt::Display for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Reads the hex form ([`Salt::from_hex`]).
impl std::str::FromStr for Salt {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_hex(text)
    }
}

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(..)")
    }
}

/// `SHA-256(DOMAIN_TAG ‖ salt ‖ document)`.
/// ```
/// use credence_sdk::commitment::{commit, matches, Salt};
///
/// let salt = Salt::random();
/// let commitment = commit(&salt, b"Registered Nurse, PIN 19K0042N");
/// assert!(matches(&commitment, &salt, b"Registered Nurse, PIN 19K0042N"));
/// assert!(!matches(&commitment, &salt, b"Registered Nurse, PIN 19K0042M"));
/// assert!(!matches(&commitment, &Salt::random(), b"Registered Nurse, PIN 19K0042N"));
/// ```
pub fn commit(salt: &Salt, document: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN_TAG);
    hasher.update(salt.0);
    hasher.update(document);
    hasher.finalize().into()
}

/// Plain SHA-256, for schema documents.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Whether `document` with `salt` opens `commitment` (compared in constant time).
pub fn matches(commitment: &[u8; 32], salt: &Salt, document: &[u8]) -> bool {
    let computed = commit(salt, document);
    computed
        .iter()
        .zip(commitment)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// Domain tag of keyed credential ids (version 2; version 1 hashed public inputs only).
pub const CREDENTIAL_ID_TAG: &[u8] = b"credence:credential-id:v2";

/// Domain tag of salts derived from an issuer's secret (version 2; version 1 keyed them on the
/// signing key).
pub const SALT_TAG: &[u8] = b"credence:salt:v2";

/// Domain tag of keyed cohort ids: `HMAC-SHA256(secret, COHORT_ID_TAG ‖ issuer ‖ cohort name)`
/// (version 1). The id is a PDA seed of the cohort, so re-running an issuance lands on the same
/// address.
pub const COHORT_ID_TAG: &[u8] = b"credence:cohort-id:v1";

/// Domain tag of the salt of a cohort leaf's subject commitment:
/// `HMAC-SHA256(secret, COHORT_SUBJECT_SALT_TAG ‖ cohort ‖ reference)` (version 1).
pub const COHORT_SUBJECT_SALT_TAG: &[u8] = b"credence:cohort-subject-salt:v1";

/// Domain tag of the salt of a cohort leaf's document commitment:
/// `HMAC-SHA256(secret, COHORT_DOCUMENT_SALT_TAG ‖ cohort ‖ reference)` (version 1).
pub const COHORT_DOCUMENT_SALT_TAG: &[u8] = b"credence:cohort-document-salt:v1";

/// Domain tag of an issuer secret's public fingerprint.
const FINGERPRINT_TAG: &[u8] = b"credence:issuer-secret-fingerprint:v1";

type HmacSha256 = Hmac<Sha256>;

/// The two salts of one row of a cohort ([`IssuerSecret::cohort_salts`]): both go to the
/// candidate with her credential file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CohortSalts {
    /// Salt of the leaf's subject commitment (it hides which wallet the leaf names).
    pub subject: Salt,
    /// Salt of the leaf's document commitment ([`commit`]).
    pub document: Salt,
}

/// An issuer's secret: the key of its credential ids and salts.
///
/// Every credential's id is `HMAC-SHA256(secret, CREDENTIAL_ID_TAG ‖ issuer ‖ reference)` and its
/// salt `HMAC-SHA256(secret, SALT_TAG ‖ issuer ‖ reference)`. The id is public (a PDA seed, stored
/// in the credential), but without the secret nobody can test a guessed reference (a student
/// number, a licence PIN) against it, so ids do not link wallets to people. The secret is not a
/// signing key: the issuer's authority, its delegates and a rotated authority key all derive the
/// same ids and salts from it, so a batch re-run by any of them is idempotent. Lose it and earlier
/// references can no longer be re-derived (re-issuing them would create new credentials); leak it
/// and ids become as guessable as they were without a key. Keep it as you keep the authority's
/// keypair, and copy it (never regenerate it) to every machine that issues.
///
/// `Debug` never prints it, and it is overwritten with zeros when dropped.
#[derive(Clone)]
pub struct IssuerSecret([u8; 32]);

impl IssuerSecret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The secret with these bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses the hex form (64 hex digits; surrounding whitespace is ignored).
    pub fn from_hex(text: &str) -> Result<Self, SdkError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SdkError::MalformedIssuerSecret)?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| SdkError::MalformedIssuerSecret)?;
        Ok(Self(bytes))
    }

    /// The hex form: the secret itself, in clear.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads a secret file written by [`IssuerSecret::save_new`] (its hex form).
    pub fn load(path: &Path) -> Result<Self, SdkError> {
        let file_error = |io| SdkError::IssuerSecretFile {
            path: path.to_path_buf(),
            io,
        };
        let text = std::fs::read_to_string(path).map_err(file_error)?;
        Self::from_hex(&text).map_err(|err| {
            file_error(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                err.to_string(),
            ))
        })
    }

    /// Writes the secret to a new file at `path` (hex, owner-only permissions `0600` on Unix),
    /// creating missing parent directories (`0700`). Never overwrites: an existing file is an
    /// [`SdkError::IssuerSecretFile`] error of kind [`std::io::ErrorKind::AlreadyExists`].
    pub fn save_new(&self, path: &Path) -> Result<(), SdkError> {
        let file_error = |io| SdkError::IssuerSecretFile {
            path: path.to_path_buf(),
            io,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let mut dirs = std::fs::DirBuilder::new();
            dirs.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
            dirs.create(parent).map_err(file_error)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(file_error)?;
        let mut text = self.to_hex();
        text.push('\n');
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all());
        // SAFETY: zeroing the bytes of an ASCII string leaves it valid UTF-8.
        unsafe { wipe(text.as_bytes_mut()) };
        written.map_err(file_error)
    }

    /// The keyed credential id of `reference` at `issuer`: the same secret, issuer and reference
    /// always give the same id, so a retried or resumed issuance lands on the same address.
    pub fn credential_id(&self, issuer: &Pubkey, reference: &str) -> [u8; 32] {
        self.derive(CREDENTIAL_ID_TAG, issuer, reference)
    }

    /// The commitment salt of `reference` at `issuer`, reproducible by whoever holds the secret.
    /// ```
    /// use credence_sdk::{commitment::IssuerSecret, Pubkey};
    ///
    /// let (secret, issuer) = (IssuerSecret::generate(), Pubkey::new_unique());
    /// // Whoever holds the secret (the authority, a delegate, a rotated key) derives the same salt.
    /// assert_eq!(secret.salt(&issuer, "RN-1"), secret.salt(&issuer, "RN-1"));
    /// assert_ne!(secret.salt(&issuer, "RN-1"), secret.salt(&issuer, "RN-2"));
    /// ```
    pub fn salt(&self, issuer: &Pubkey, reference: &str) -> Salt {
        Salt(self.derive(SALT_TAG, issuer, reference))
    }

    /// The keyed id of the cohort `cohort_name` at `issuer`, the seed of its address
    /// ([`crate::pda::cohort`]): a killed issuance re-run under the same name lands on the same
    /// cohort.
    /// ```
    /// use credence_sdk::{commitment::IssuerSecret, Pubkey};
    ///
    /// let (secret, issuer) = (IssuerSecret::generate(), Pubkey::new_unique());
    /// let id = secret.cohort_id(&issuer, "UNILAG nursing 2019");
    /// assert_eq!(id, secret.cohort_id(&issuer, "UNILAG nursing 2019"));
    /// assert_ne!(id, secret.cohort_id(&issuer, "UNILAG nursing 2020"));
    /// ```
    pub fn cohort_id(&self, issuer: &Pubkey, cohort_name: &str) -> [u8; 32] {
        self.derive(COHORT_ID_TAG, issuer, cohort_name)
    }

    /// The salts of the row `reference` of the cohort at address `cohort`: the same secret, cohort
    /// and reference always give the same salts, so a re-run reproduces the same leaves and root;
    /// the same reference in another cohort gets unrelated salts.
    /// ```
    /// use credence_sdk::{commitment::IssuerSecret, Pubkey};
    ///
    /// let (secret, cohort) = (IssuerSecret::generate(), Pubkey::new_unique());
    /// let salts = secret.cohort_salts(&cohort, "RN-1");
    /// assert_eq!(salts, secret.cohort_salts(&cohort, "RN-1"));
    /// assert_ne!(salts.subject, salts.document);
    /// assert_ne!(salts, secret.cohort_salts(&Pubkey::new_unique(), "RN-1"));
    /// ```
    pub fn cohort_salts(&self, cohort: &Pubkey, reference: &str) -> CohortSalts {
        CohortSalts {
            subject: Salt(self.derive(COHORT_SUBJECT_SALT_TAG, cohort, reference)),
            document: Salt(self.derive(COHORT_DOCUMENT_SALT_TAG, cohort, reference)),
        }
    }

    /// A short public fingerprint (16 hex digits) telling two copies of the secret apart without
    /// revealing it: compare it across the machines that issue.
    pub fn fingerprint(&self) -> String {
        let mut mac = self.mac();
        mac.update(FINGERPRINT_TAG);
        hex::encode(&mac.finalize().into_bytes()[..8])
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }

    fn derive(&self, tag: &[u8], issuer: &Pubkey, reference: &str) -> [u8; 32] {
        // The tag and the issuer (or cohort) have fixed lengths and no tag is a prefix of another,
        // so the message parses one way only.
        let mut mac = self.mac();
        mac.update(tag);
        mac.update(issuer.as_ref());
        mac.update(reference.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl PartialEq for IssuerSecret {
    /// Compares in constant time.
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(&other.0)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for IssuerSecret {}

impl std::fmt::Debug for IssuerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuerSecret(..)")
    }
}

impl Drop for IssuerSecret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser keeps.
fn wipe(bytes: &mut [u8]) {
    for byte in bytes.iter_mut() {
        // SAFETY: `byte` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(byte, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_opens_only_with_its_salt_and_document() {
        let salt = Salt::random();
        let c = commit(&salt, b"RN licence 12345");
        assert!(matches(&c, &salt, b"RN licence 12345"));
        assert!(!matches(&c, &salt, b"RN licence 12346"));
        assert!(!matches(&c, &Salt::random(), b"RN licence 12345"));
    }

    #[test]
    fn commitment_is_domain_separated() {
        let salt = Salt([0; 32]);
        let plain: [u8; 32] = Sha256::digest([&[0u8; 32][..], b"doc"].concat()).into();
        assert_ne!(commit(&salt, b"doc"), plain);
    }

    #[test]
    fn salt_hex_round_trip_and_errors() {
        let salt = Salt::random();
        assert_eq!(Salt::from_hex(&salt.to_hex()).unwrap(), salt);
        assert!(Salt::from_hex("zz").unwrap_err().contains("not hex"));
        assert!(Salt::from_hex("abcd").unwrap_err().contains("32 bytes"));
    }

    /// The derivations are HMAC-SHA256 with the documented tags (vectors computed independently
    /// with Python's `hmac`), so other implementations can reproduce them.
    #[test]
    fn issuer_secret_derivations_match_known_answers() {
        let secret = IssuerSecret::from_bytes([7; 32]);
        let issuer = Pubkey::new_from_array(std::array::from_fn(|i| i as u8));
        let reference = "UNILAG/2019/NUR/0042";
        assert_eq!(
            hex::encode(secret.credential_id(&issuer, reference)),
            "e0a33a97f6ae359e719943c811fd7e2b9b87d06374e8e97b47378074214679ed"
        );
        assert_eq!(
            secret.salt(&issuer, reference).to_hex(),
            "fe7d6ecc43af8d20a3a5a4f35f143d0e4365a1daccf563847a1c5192514d97bd"
        );
        assert_eq!(secret.fingerprint(), "5290aae472c19eec");
    }

    /// Cohort ids and salts: HMAC-SHA256 with their documented tags (vectors computed
    /// independently with Python's `hmac`).
    #[test]
    fn cohort_derivations_match_known_answers() {
        let secret = IssuerSecret::from_bytes([7; 32]);
        let issuer = Pubkey::new_from_array(std::array::from_fn(|i| i as u8));
        let cohort = Pubkey::new_from_array(std::array::from_fn(|i| 32 + i as u8));
        assert_eq!(
            hex::encode(secret.cohort_id(&issuer, "UNILAG nursing 2019")),
            "02c97da95538fbc75c848ec10135689b5619530f3b5b34454c65ea637f685784"
        );
        let salts = secret.cohort_salts(&cohort, "UNILAG/2019/NUR/0042");
        assert_eq!(
            salts.subject.to_hex(),
            "345a3e3ae8672c77eeff35b5993ccec7933ba47f8e2141bac31518e46295d328"
        );
        assert_eq!(
            salts.document.to_hex(),
            "17e318c22fbe70265ee29728f289288bb79743864a7659c6820c67a3311d929e"
        );
    }

    #[test]
    fn cohort_derivations_depend_on_secret_key_and_name_and_are_separated() {
        let secret = IssuerSecret::generate();
        let (issuer, cohort) = (Pubkey::new_unique(), Pubkey::new_unique());
        let id = secret.cohort_id(&issuer, "2019");
        assert_eq!(id, secret.cohort_id(&issuer, "2019"));
        assert_eq!(id, secret.clone().cohort_id(&issuer, "2019"));
        assert_ne!(id, secret.cohort_id(&issuer, "2020"));
        assert_ne!(id, secret.cohort_id(&Pubkey::new_unique(), "2019"));
        assert_ne!(id, IssuerSecret::generate().cohort_id(&issuer, "2019"));
        assert_ne!(
            id,
            secret.credential_id(&issuer, "2019"),
            "tags separate them"
        );
        let salts = secret.cohort_salts(&cohort, "RN-1");
        assert_eq!(salts, secret.cohort_salts(&cohort, "RN-1"));
        assert_ne!(salts.subject, salts.document);
        assert_ne!(salts, secret.cohort_salts(&cohort, "RN-2"));
        assert_ne!(salts, secret.cohort_salts(&issuer, "RN-1"));
        assert_ne!(
            salts,
            IssuerSecret::generate().cohort_salts(&cohort, "RN-1")
        );
        assert_ne!(salts.subject, secret.salt(&cohort, "RN-1"));
        assert_ne!(salts.document, secret.salt(&cohort, "RN-1"));
    }

    /// Every message under the secret is `tag ‖ 32 bytes ‖ text`: no tag may be a prefix of
    /// another, or two derivations could share an input.
    #[test]
    fn derivation_tags_are_prefix_free() {
        let tags = [
            CREDENTIAL_ID_TAG,
            SALT_TAG,
            FINGERPRINT_TAG,
            COHORT_ID_TAG,
            COHORT_SUBJECT_SALT_TAG,
            COHORT_DOCUMENT_SALT_TAG,
        ];
        for (i, a) in tags.iter().enumerate() {
            for (j, b) in tags.iter().enumerate() {
                assert!(i == j || !b.starts_with(a), "{a:?} is a prefix of {b:?}");
            }
        }
    }

    #[test]
    fn issuer_secret_derivations_depend_on_secret_issuer_and_reference() {
        let secret = IssuerSecret::generate();
        let issuer = Pubkey::new_unique();
        let id = secret.credential_id(&issuer, "19A1234N");
        assert_eq!(id, secret.credential_id(&issuer, "19A1234N"));
        assert_ne!(id, secret.credential_id(&issuer, "19A1235N"));
        assert_ne!(id, secret.credential_id(&Pubkey::new_unique(), "19A1234N"));
        assert_ne!(
            id,
            IssuerSecret::generate().credential_id(&issuer, "19A1234N")
        );
        assert_ne!(
            id,
            secret.salt(&issuer, "19A1234N").0,
            "ids and salts are separated"
        );
        assert_ne!(secret, IssuerSecret::generate());
        assert_eq!(secret, secret.clone());
    }

    #[test]
    fn issuer_secret_hex_round_trip_errors_and_debug() {
        let secret = IssuerSecret::generate();
        assert_eq!(IssuerSecret::from_hex(&secret.to_hex()).unwrap(), secret);
        assert_eq!(
            IssuerSecret::from_hex(&format!("  {}\n", secret.to_hex())).unwrap(),
            secret
        );
        for bad in ["zz", "abcd", ""] {
            assert!(matches!(
                IssuerSecret::from_hex(bad),
                Err(SdkError::MalformedIssuerSecret)
            ));
        }
        let debug = format!("{secret:?}");
        assert_eq!(debug, "IssuerSecret(..)");
        assert!(!debug.contains(&secret.to_hex()[..8]));
    }

    #[test]
    fn issuer_secret_file_is_private_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!(
            "credence-secret-test-{}-{}",
            std::process::id(),
            hex::encode(Salt::random().0)
        ));
        let path = dir.join("issuers").join("registry-issuer.secret");
        let secret = IssuerSecret::generate();
        secret.save_new(&path).unwrap();
        assert_eq!(IssuerSecret::load(&path).unwrap(), secret);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let err = IssuerSecret::generate().save_new(&path).unwrap_err();
        assert!(
            matches!(&err, SdkError::IssuerSecretFile { io, .. } if io.kind() == std::io::ErrorKind::AlreadyExists),
            "{err:?}"
        );
        assert_eq!(
            IssuerSecret::load(&path).unwrap(),
            secret,
            "not overwritten"
        );
        let missing = IssuerSecret::load(&dir.join("missing.secret")).unwrap_err();
        assert!(
            matches!(&missing, SdkError::IssuerSecretFile { io, .. } if io.kind() == std::io::ErrorKind::NotFound),
            "{missing:?}"
        );
        assert!(missing.to_string().contains("missing.secret"), "{missing}");
        std::fs::write(dir.join("bad.secret"), "not hex").unwrap();
        let bad = IssuerSecret::load(&dir.join("bad.secret")).unwrap_err();
        assert!(bad.to_string().contains("64 hex digits"), "{bad}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
