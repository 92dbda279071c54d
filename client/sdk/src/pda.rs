//! Program-derived addresses, from the programs' own seed constants.

use anchor_lang::prelude::Pubkey;
use credence_consent::constants::{GRANT_SEED, LISTING_SEED, REQUEST_SEED};
use credence_registry::constants::{
    COHORT_SEED, COHORT_STATUS_SEED, CREDENTIAL_SEED, DELEGATE_SEED, ISSUER_SEED, REGISTRY_SEED,
    SCHEMA_SEED,
};
pub use credence_registry::state::cohort_page_of;

/// `["registry", creator, name]`.
/// ```
/// use credence_sdk::{pda, Pubkey};
///
/// let admin = Pubkey::new_unique();
/// let (registry, _bump) = pda::registry(&admin, "gb-health");
/// let (issuer, _) = pda::issuer(&registry, "nmc");
/// assert_eq!(pda::issuer(&registry, "nmc").0, issuer); // deterministic
/// assert_ne!(pda::issuer(&registry, "unilag").0, issuer);
/// ```
pub fn registry(creator: &Pubkey, name: &str) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[REGISTRY_SEED, creator.as_ref(), name.as_bytes()],
        &credence_registry::ID,
    )
}

/// `["issuer", registry, issuer_id]`.
pub fn issuer(registry: &Pubkey, issuer_id: &str) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[ISSUER_SEED, registry.as_ref(), issuer_id.as_bytes()],
        &credence_registry::ID,
    )
}

/// `["delegate", issuer, delegate_key]`.
pub fn delegate(issuer: &Pubkey, delegate_key: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[DELEGATE_SEED, issuer.as_ref(), delegate_key.as_ref()],
        &credence_registry::ID,
    )
}

/// `["schema", issuer, name, version_le]`.
pub fn schema(issuer: &Pubkey, name: &str, version: u16) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            SCHEMA_SEED,
            issuer.as_ref(),
            name.as_bytes(),
            &version.to_le_bytes(),
        ],
        &credence_registry::ID,
    )
}

/// `["credential", issuer, subject, credential_id]`.
/// ```
/// use credence_sdk::{commitment::IssuerSecret, pda, Pubkey};
///
/// // The id is keyed by the issuer's secret: the address does not reveal the licence number.
/// let (issuer, nurse, secret) = (Pubkey::new_unique(), Pubkey::new_unique(), IssuerSecret::generate());
/// let id = secret.credential_id(&issuer, "19K0042N");
/// let (credential, _) = pda::credential(&issuer, &nurse, &id);
/// assert_eq!(credential, pda::credential(&issuer, &nurse, &id).0);
/// ```
pub fn credential(issuer: &Pubkey, subject: &Pubkey, credential_id: &[u8; 32]) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            CREDENTIAL_SEED,
            issuer.as_ref(),
            subject.as_ref(),
            credential_id,
        ],
        &credence_registry::ID,
    )
}

/// `["cohort", issuer, cohort_id]`.
pub fn cohort(issuer: &Pubkey, cohort_id: &[u8; 32]) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[COHORT_SEED, issuer.as_ref(), cohort_id],
        &credence_registry::ID,
    )
}

/// The status page holding leaf `index` of `cohort`: `["cohort_status", cohort, page_le]` with
/// `page = index / COHORT_LEAVES_PER_PAGE` ([`cohort_page_of`]).
/// ```
/// use credence_sdk::{pda, Pubkey};
///
/// let cohort = Pubkey::new_unique();
/// // Leaves 0 to 4,095 share a page; 4,096 starts the next.
/// assert_eq!(pda::cohort_status(&cohort, 0).0, pda::cohort_status(&cohort, 4_095).0);
/// assert_ne!(pda::cohort_status(&cohort, 0).0, pda::cohort_status(&cohort, 4_096).0);
/// ```
pub fn cohort_status(cohort: &Pubkey, index: u32) -> (Pubkey, u8) {
    let key = (*cohort, cohort_page_of(index));
    STATUS_PAGES.with(|memo| {
        if let Some(found) = memo.borrow().get(&key) {
            return *found;
        }
        let derived = Pubkey::find_program_address(
            &[COHORT_STATUS_SEED, cohort.as_ref(), &key.1.to_le_bytes()],
            &credence_registry::ID,
        );
        let mut memo = memo.borrow_mut();
        if memo.len() >= STATUS_PAGE_MEMO {
            memo.clear();
        }
        memo.insert(key, derived);
        derived
    })
}

/// Status page addresses remembered per thread before the memo starts over (a register of
/// 2^20 leaves has 256 pages).
const STATUS_PAGE_MEMO: usize = 65_536;

thread_local! {
    /// [`cohort_status`]'s derivations: a derivation costs a curve check (tens of microseconds),
    /// and a verifier checking many credentials of one register asks for the same few pages
    /// again and again.
    static STATUS_PAGES: std::cell::RefCell<std::collections::HashMap<(Pubkey, u16), (Pubkey, u8)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `["grant", subject, grantee, grant_id_le]`.
/// ```
/// use credence_sdk::{pda, Pubkey};
///
/// let (nurse, hospital) = (Pubkey::new_unique(), Pubkey::new_unique());
/// // Several grants to one recruiter differ by the id the candidate chooses.
/// assert_ne!(pda::grant(&nurse, &hospital, 1).0, pda::grant(&nurse, &hospital, 2).0);
/// ```
pub fn grant(subject: &Pubkey, grantee: &Pubkey, grant_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            GRANT_SEED,
            subject.as_ref(),
            grantee.as_ref(),
            &grant_id.to_le_bytes(),
        ],
        &credence_consent::ID,
    )
}

/// `["listing", subject]`: a candidate's one listing in the talent pool.
pub fn listing(subject: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[LISTING_SEED, subject.as_ref()], &credence_consent::ID)
}

/// `["request", subject, requester, request_id_le]`.
pub fn request(subject: &Pubkey, requester: &Pubkey, request_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            REQUEST_SEED,
            subject.as_ref(),
            requester.as_ref(),
            &request_id.to_le_bytes(),
        ],
        &credence_consent::ID,
    )
}

/// The associated token account of `owner` for `mint` (SPL Token), where the SDK keeps a
/// recruiter's fee tokens and an issuer's treasury by default.
pub fn token_account(owner: &Pubkey, mint: &Pubkey) -> Pubkey {
    anchor_spl::associated_token::get_associated_token_address(owner, mint)
}
