use anchor_lang::prelude::*;

use crate::{
    constants::{
        MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_REQUEST_DURATION_SECS, MAX_REQUEST_SCHEMAS,
    },
    error::ConsentError,
    state::CredentialRef,
};

/// A recruiter's request for access to a candidate's credentials. The candidate approves it
/// (the grant is created and the request closed in one transaction), declines it, or the
/// recruiter withdraws it; the rent always goes back to the recruiter, who paid it.
///
/// `subject` and `requester` sit at fixed offsets 8 and 40 for memcmp filters.
// PDA ["request", subject, requester, request_id.to_le_bytes()]
#[account]
#[derive(InitSpace, Debug)]
pub struct AccessRequest {
    /// The candidate asked.
    pub subject: Pubkey,
    /// The recruiter asking; pays the rent and becomes the grantee on approval.
    pub requester: Pubkey,
    /// Requester-chosen id, part of the address.
    pub request_id: u64,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Credentials asked for by address (for example from her listing).
    #[max_len(MAX_GRANT_CREDENTIALS)]
    pub credentials: Vec<CredentialRef>,
    /// Schemas asked for: any credential of hers under one of them may be granted.
    #[max_len(MAX_REQUEST_SCHEMAS)]
    pub schemas: Vec<Pubkey>,
    /// Why access is asked for.
    #[max_len(MAX_PURPOSE_LEN)]
    pub purpose: String,
    /// How long the grant should last once approved (seconds).
    pub duration_secs: i64,
    /// Most uses asked for (0: unlimited).
    pub max_uses: u32,
    /// The requester's X25519 public key, to seal the document key to.
    pub recipient_key: [u8; 32],
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// Space kept for future fields.
    pub reserved: [u8; 32],
}

/// Domain tag of [`AccessRequest::terms_hash`].
pub const REQUEST_TERMS_DOMAIN: &[u8] = b"credence:request-terms:v1";

/// The X25519 public keys of small order (libsodium's list; the top bit is ignored): a box
/// sealed to one of them can be opened by anyone.
const SMALL_ORDER_X25519: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether `key` can be sealed to: not one of the X25519 points of small order, in any of their
/// encodings (the top bit, which X25519 ignores, is ignored here too).
pub fn is_usable_x25519_key(key: &[u8; 32]) -> bool {
    let mut masked = *key;
    masked[31] &= 0x7f;
    !SMALL_ORDER_X25519.contains(&masked)
}

impl AccessRequest {
    /// Whether the request asks for `reference`, directly or through its schema.
    pub fn asks_for(&self, reference: &CredentialRef, schema: &Pubkey) -> bool {
        self.credentials.contains(reference) || self.schemas.contains(schema)
    }

    /// SHA-256 over every term of the request (domain-separated Borsh of its parties, id,
    /// credentials, schemas, purpose, duration, uses, recipient key and creation time). An
    /// approval carries the hash of the request its subject read, so terms changed under her
    /// (the request withdrawn and filed again at the same address) are refused.
    pub fn terms_hash(&self) -> [u8; 32] {
        let mut terms = Vec::with_capacity(Self::INIT_SPACE);
        // Writing into a Vec cannot fail.
        let _ = self.write_terms(&mut terms);
        solana_sha256_hasher::hashv(&[REQUEST_TERMS_DOMAIN, &terms]).to_bytes()
    }

    /// The rules `create_request` keeps (`InvariantViolated` otherwise): at most
    /// [`MAX_GRANT_CREDENTIALS`] credentials and [`MAX_REQUEST_SCHEMAS`] schemas, not both empty;
    /// a purpose of 1 to [`MAX_PURPOSE_LEN`] bytes; a duration of more than zero and at most
    /// [`MAX_REQUEST_DURATION_SECS`]; a usable recipient key.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.credentials.len() <= MAX_GRANT_CREDENTIALS
                && self.schemas.len() <= MAX_REQUEST_SCHEMAS
                && !(self.credentials.is_empty() && self.schemas.is_empty()),
            ConsentError::InvariantViolated
        );
        require!(
            !self.purpose.is_empty() && self.purpose.len() <= MAX_PURPOSE_LEN,
            ConsentError::InvariantViolated
        );
        require!(
            self.duration_secs > 0 && self.duration_secs <= MAX_REQUEST_DURATION_SECS,
            ConsentError::InvariantViolated
        );
        require!(
            is_usable_x25519_key(&self.recipient_key),
            ConsentError::InvariantViolated
        );
        Ok(())
    }

    fn write_terms(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        self.subject.serialize(out)?;
        self.requester.serialize(out)?;
        self.request_id.serialize(out)?;
        self.credentials.serialize(out)?;
        self.schemas.serialize(out)?;
        self.purpose.serialize(out)?;
        self.duration_secs.serialize(out)?;
        self.max_uses.serialize(out)?;
        self.recipient_key.serialize(out)?;
        self.created_at.serialize(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::code;

    fn request() -> AccessRequest {
        AccessRequest {
            subject: Pubkey::new_unique(),
            requester: Pubkey::new_unique(),
            request_id: 1,
            version: 1,
            bump: 255,
            credentials: vec![],
            schemas: vec![Pubkey::new_unique()],
            purpose: "Recruitment".into(),
            duration_secs: 3_600,
            max_uses: 0,
            recipient_key: [7; 32],
            created_at: 100,
            reserved: [0; 32],
        }
    }

    #[test]
    fn invariant_holds_for_a_valid_request() {
        request().invariant().unwrap();
        let mut r = request();
        r.schemas.clear();
        r.credentials = vec![
            CredentialRef::Account {
                address: Pubkey::new_unique()
            };
            MAX_GRANT_CREDENTIALS
        ];
        r.duration_secs = MAX_REQUEST_DURATION_SECS;
        r.invariant().unwrap();
    }

    #[test]
    fn invariant_fails_on_each_broken_rule() {
        let broken: [fn(&mut AccessRequest); 8] = [
            |r| r.schemas.clear(),
            |r| r.schemas = vec![Pubkey::default(); MAX_REQUEST_SCHEMAS + 1],
            |r| {
                r.credentials = vec![
                    CredentialRef::Account {
                        address: Pubkey::default()
                    };
                    MAX_GRANT_CREDENTIALS + 1
                ]
            },
            |r| r.purpose.clear(),
            |r| r.purpose = "p".repeat(MAX_PURPOSE_LEN + 1),
            |r| r.duration_secs = 0,
            |r| r.duration_secs = MAX_REQUEST_DURATION_SECS + 1,
            |r| r.recipient_key = [0; 32],
        ];
        for (i, breaking) in broken.iter().enumerate() {
            let mut r = request();
            breaking(&mut r);
            assert_eq!(
                code(r.invariant()),
                u32::from(ConsentError::InvariantViolated),
                "rule {i}"
            );
        }
    }
}
