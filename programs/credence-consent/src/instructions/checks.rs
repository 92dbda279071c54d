//! Checks shared by the grant, listing and request instructions: credential lists against their
//! accounts, registry accounts read across programs, purposes and sealed keys.

use anchor_lang::{prelude::*, Discriminator};
use credence_registry::{
    constants::COHORT_STATUS_SEED,
    state::{cohort_page_of, Cohort, CohortStatusPage, Credential, CredentialStatus},
};

use crate::{
    constants::{MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_SEALED_KEY_LEN},
    error::ConsentError,
    state::CredentialRef,
};

/// Checks a credential list against the accounts passed for it, one for one and in order; none
/// repeats. A credential account must be owned by the registry program, be a `Credential` and
/// belong to `subject`. A cohort leaf's account must be its cohort (owned by the registry program,
/// a `Cohort`) and the index within it; that the leaf is `subject`'s is for the verifier to check
/// against the leaf's salted subject commitment, which names no one on-chain.
pub fn check_credentials(
    subject: &Pubkey,
    credentials: &[CredentialRef],
    accounts: &[AccountInfo],
) -> Result<()> {
    check_credentials_with(subject, credentials, accounts, |_, _| Ok(()))
}

/// [`check_credentials`], then `also` on each reference and its schema (for example to check that
/// a request asked for it).
pub fn check_credentials_with(
    subject: &Pubkey,
    credentials: &[CredentialRef],
    accounts: &[AccountInfo],
    mut also: impl FnMut(&CredentialRef, &Pubkey) -> Result<()>,
) -> Result<()> {
    require!(!credentials.is_empty(), ConsentError::NoCredentials);
    require!(
        credentials.len() <= MAX_GRANT_CREDENTIALS,
        ConsentError::TooManyCredentials
    );
    require!(
        accounts.len() == credentials.len(),
        ConsentError::CredentialAccountsMismatch
    );
    for (i, (reference, info)) in credentials.iter().zip(accounts).enumerate() {
        require!(
            !credentials[..i].contains(reference),
            ConsentError::DuplicateCredential
        );
        let schema = match reference {
            CredentialRef::Account { address } => {
                require_keys_eq!(
                    *address,
                    info.key(),
                    ConsentError::CredentialAccountsMismatch
                );
                let credential = read_credential(info)?;
                require_keys_eq!(
                    credential.subject,
                    *subject,
                    ConsentError::CredentialOfAnotherSubject
                );
                credential.schema
            }
            CredentialRef::CohortLeaf { cohort, index } => {
                require_keys_eq!(
                    *cohort,
                    info.key(),
                    ConsentError::CredentialAccountsMismatch
                );
                read_cohort_leaf(info, *index)?.schema
            }
        };
        also(reference, &schema)?;
    }
    Ok(())
}

/// Decodes a registry `Cohort` after checking the account's owner and discriminator, and that
/// leaf `index` is within it.
pub fn read_cohort_leaf(info: &AccountInfo, index: u32) -> Result<Cohort> {
    let cohort: Cohort = read_registry_account(
        info,
        ConsentError::CohortNotOwnedByRegistry,
        ConsentError::NotACohort,
    )?;
    require!(
        index < cohort.leaf_count,
        ConsentError::CohortLeafOutOfRange
    );
    Ok(cohort)
}

/// The status of leaf `index` of `cohort`, read from `page`, which must be the leaf's status page
/// address (`StatusPageMismatch` otherwise). A page not created yet means nothing on it has
/// changed: the leaf is active.
pub fn read_leaf_status(
    page: &AccountInfo,
    cohort: &Pubkey,
    index: u32,
) -> Result<CredentialStatus> {
    let (expected, _) = Pubkey::find_program_address(
        &[
            COHORT_STATUS_SEED,
            cohort.as_ref(),
            &cohort_page_of(index).to_le_bytes(),
        ],
        &credence_registry::ID,
    );
    require_keys_eq!(page.key(), expected, ConsentError::StatusPageMismatch);
    if *page.owner != credence_registry::ID {
        // Only the registry program can create an account at its address: not created yet.
        return Ok(CredentialStatus::Active);
    }
    let data = page.try_borrow_data()?;
    let status = CohortStatusPage::from_account_data(&data)
        .filter(|p| p.cohort == *cohort)
        .map(|p| p.status_of(index))
        .ok_or(ConsentError::StatusPageMismatch)?;
    Ok(status)
}

/// Decodes a registry `Credential` after checking the account's owner and discriminator.
pub fn read_credential(info: &AccountInfo) -> Result<Credential> {
    read_registry_account(
        info,
        ConsentError::CredentialNotOwnedByRegistry,
        ConsentError::NotACredential,
    )
}

/// Decodes a registry account of type `T`: refused with `not_owned` unless the registry program
/// owns it, and with `wrong_type` unless it carries `T`'s discriminator and decodes.
pub fn read_registry_account<T: AccountDeserialize + Discriminator>(
    info: &AccountInfo,
    not_owned: ConsentError,
    wrong_type: ConsentError,
) -> Result<T> {
    require_keys_eq!(*info.owner, credence_registry::ID, not_owned);
    let data = info.try_borrow_data()?;
    if !data.starts_with(T::DISCRIMINATOR) {
        return Err(error!(wrong_type));
    }
    T::try_deserialize(&mut &data[..]).map_err(|_| error!(wrong_type))
}

/// Checks a purpose: 1 to [`MAX_PURPOSE_LEN`] bytes.
pub fn check_purpose(purpose: &str) -> Result<()> {
    require!(
        !purpose.is_empty() && purpose.len() <= MAX_PURPOSE_LEN,
        ConsentError::PurposeInvalid
    );
    Ok(())
}

/// Checks a sealed key: at most [`MAX_SEALED_KEY_LEN`] bytes.
pub fn check_sealed_key(key: &[u8]) -> Result<()> {
    require!(
        key.len() <= MAX_SEALED_KEY_LEN,
        ConsentError::SealedKeyTooLong
    );
    Ok(())
}
