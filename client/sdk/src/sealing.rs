//! Sealed documents: documents stay off-chain, encrypted; a grant can carry the document key
//! sealed to the grantee, so only that recruiter can open it, and only while shared.
//!
//! - A document is encrypted with ChaCha20-Poly1305 under a fresh random 256-bit key.
//! - The key is sealed to the grantee with a libsodium-compatible sealed box (`crypto_box`,
//!   X25519 + XSalsa20-Poly1305) to the X25519 form of the grantee's ed25519 wallet key: 80 bytes,
//!   within the grant's 128-byte `sealed_key`.

use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, KeyInit},
};
use curve25519_dalek::edwards::CompressedEdwardsY;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;

use crate::error::SdkError;

/// A 256-bit document key.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentKey(pub [u8; 32]);

impl std::fmt::Debug for DocumentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentKey(..)")
    }
}

/// An encrypted document, safe to store anywhere (hex fields for JSON files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedDocument {
    /// The 12-byte nonce, hex.
    pub nonce: String,
    /// The ciphertext with its 16-byte tag, hex.
    pub ciphertext: String,
}

/// Encrypts `document` under a fresh key; returns the sealed document and the key.
/// ```
/// use credence_sdk::sealing::{open_document, seal_document};
///
/// let (sealed, key) = seal_document(b"BSc Nursing, 2019");
/// assert_eq!(open_document(&sealed, &key).unwrap(), b"BSc Nursing, 2019");
/// ```
pub fn seal_document(document: &[u8]) -> (SealedDocument, DocumentKey) {
    let mut key = [0u8; 32];
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut key);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), document)
        .expect("ChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
    (
        SealedDocument {
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ciphertext),
        },
        DocumentKey(key),
    )
}

/// Decrypts a sealed document with its key.
pub fn open_document(sealed: &SealedDocument, key: &DocumentKey) -> Result<Vec<u8>, SdkError> {
    let nonce = hex::decode(&sealed.nonce).map_err(|e| SdkError::Crypto(format!("nonce: {e}")))?;
    let ciphertext = hex::decode(&sealed.ciphertext)
        .map_err(|e| SdkError::Crypto(format!("ciphertext: {e}")))?;
    if nonce.len() != 12 {
        return Err(SdkError::Crypto("nonce must be 12 bytes".into()));
    }
    ChaCha20Poly1305::new(Key::from_slice(&key.0))
        .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
        .map_err(|_| {
            SdkError::Crypto(
                "the document does not open with this key (wrong key or tampered)".into(),
            )
        })
}

/// The X25519 public key of an ed25519 wallet key (birational map to Montgomery form).
pub fn x25519_public(wallet: &Pubkey) -> Result<crypto_box::PublicKey, SdkError> {
    let point = CompressedEdwardsY(wallet.to_bytes())
        .decompress()
        .ok_or_else(|| {
            SdkError::Crypto(format!(
                "{wallet} is not an ed25519 public key (it may be a PDA)"
            ))
        })?;
    Ok(crypto_box::PublicKey::from(
        point.to_montgomery().to_bytes(),
    ))
}

/// The X25519 secret key of an ed25519 wallet keypair (the clamped SHA-512 of its seed, as in
/// RFC 8032; `crypto_box` clamps again, which is idempotent).
pub fn x25519_secret(wallet: &Keypair) -> crypto_box::SecretKey {
    let bytes = wallet.to_bytes();
    let hash = Sha512::digest(&bytes[..32]);
    let mut scalar = [0u8; 32];
    scalar.copy_from_slice(&hash[..32]);
    crypto_box::SecretKey::from(scalar)
}

/// Seals `key` to `grantee`'s wallet key: 80 bytes for a grant's `sealed_key`.
pub fn seal_key_to(grantee: &Pubkey, key: &DocumentKey) -> Result<Vec<u8>, SdkError> {
    x25519_public(grantee)?
        .seal(&mut rand::rngs::OsRng, &key.0)
        .map_err(|_| SdkError::Crypto("sealing the document key failed".into()))
}

/// Seals `key` to an X25519 public key (for example an access request's `recipient_key`).
pub fn seal_key_to_x25519(recipient: &[u8; 32], key: &DocumentKey) -> Result<Vec<u8>, SdkError> {
    crypto_box::PublicKey::from(*recipient)
        .seal(&mut rand::rngs::OsRng, &key.0)
        .map_err(|_| SdkError::Crypto("sealing the document key failed".into()))
}

/// Opens a key sealed to `grantee`'s wallet.
pub fn open_sealed_key(grantee: &Keypair, sealed: &[u8]) -> Result<DocumentKey, SdkError> {
    let bytes = x25519_secret(grantee).unseal(sealed).map_err(|_| {
        SdkError::Crypto(
            "the sealed key does not open with this wallet (sealed to someone else?)".into(),
        )
    })?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| SdkError::Crypto("the sealed key is not 32 bytes".into()))?;
    Ok(DocumentKey(key))
}

#[cfg(test)]
mod tests {
    use solana_signer::Signer;

    use super::*;

    #[test]
    fn only_the_grantee_opens_the_document() {
        let recruiter = Keypair::new();
        let stranger = Keypair::new();
        let (sealed, key) = seal_document(b"BSc Nursing, 2019, First Class");
        let sealed_key = seal_key_to(&recruiter.pubkey(), &key).unwrap();
        assert_eq!(sealed_key.len(), 80);
        let opened = open_sealed_key(&recruiter, &sealed_key).unwrap();
        assert_eq!(
            open_document(&sealed, &opened).unwrap(),
            b"BSc Nursing, 2019, First Class"
        );
        assert!(open_sealed_key(&stranger, &sealed_key).is_err());
        let wrong = DocumentKey([1; 32]);
        assert!(open_document(&sealed, &wrong).is_err());
    }

    #[test]
    fn tampered_document_is_refused() {
        let (mut sealed, key) = seal_document(b"licence");
        let mut bytes = hex::decode(&sealed.ciphertext).unwrap();
        bytes[0] ^= 1;
        sealed.ciphertext = hex::encode(bytes);
        assert!(open_document(&sealed, &key).is_err());
    }

    #[test]
    fn pda_cannot_receive_a_sealed_key() {
        let pda = crate::pda::registry(&Pubkey::new_unique(), "x").0;
        assert!(seal_key_to(&pda, &DocumentKey([0; 32])).is_err());
    }
}
