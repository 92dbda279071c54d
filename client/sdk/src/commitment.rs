//! Salted hash commitments: what goes on-chain instead of a document.
//!
//! `commitment = SHA-256(DOMAIN_TAG ‖ salt ‖ document)`, with a fresh 32-byte random salt per
//! credential, so equal documents give unrelated commitments and a commitment cannot be brute-forced
//! from a guess of the document (a date of birth, a licence number) without the salt.

use rand::RngCore;
use sha2::{Digest, Sha256};

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

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(..)")
    }
}

/// `SHA-256(DOMAIN_TAG ‖ salt ‖ document)`.
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

/// A credential id derived from a stable external reference (for example a licence number and
/// the issuer's own record id): the same input always gives the same id, so a retried or resumed
/// issuance lands on the same address. Salted with the issuer so ids do not leak across issuers.
pub fn credential_id(issuer: &anchor_lang::prelude::Pubkey, reference: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"credence:credential-id:v1");
    hasher.update(issuer.as_ref());
    hasher.update(reference.as_bytes());
    hasher.finalize().into()
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
}
