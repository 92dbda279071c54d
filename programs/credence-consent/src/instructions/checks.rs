//! Checks shared by the grant, listing and request instructions: credential lists against their
//! accounts, registry accounts read across programs, purposes and sealed keys.

use anchor_lang::{prelude::*, Discriminator};
use credence_registry::state::Credential;

use crate::{
    constants::{MAX_GRANT_CREDENTIALS, MAX_PURPOSE_LEN, MAX_SEALED_KEY_LEN},
    error::ConsentError,
    state::CredentialRef,
};

/// Checks a credential list against the accounts passed for it, one for one and in order: each
/// is owned by the registry program, is a `Credential`, and belongs to `subject`; none repeats.
pub fn check_credentials(
    subject: &Pubkey,
    credentials: &[CredentialRef],
    accounts: &[AccountInfo],
) -> Result<()> {
    check_credentials_with(subject, credentials, accounts, |_, _| Ok(()))
}

/// [`check_credentials`], then `also` on each reference and its decoded credential (for example
/// to check that a request asked for it).
pub fn check_credentials_with(
    subject: &Pubkey,
    credentials: &[CredentialRef],
    accounts: &[AccountInfo],
    mut also: impl FnMut(&CredentialRef, &Credential) -> Result<()>,
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
        let address = match reference {
            CredentialRef::Account { address } => address,
            CredentialRef::CohortLeaf { .. } => return err!(ConsentError::CohortNotSupported),
        };
        require!(
            !credentials[..i].contains(reference),
            ConsentError::DuplicateCredential
        );
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
        also(reference, &credential)?;
    }
    Ok(())
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
