//! Fetching and decoding Credence accounts, and the `getProgramAccounts` listings recruiters and
//! candidates need without an indexer (memcmp on the fixed offsets of `issuer`, `subject`,
//! `grantee`, plus the account type's discriminator).

use anchor_lang::{AccountDeserialize, Discriminator, Owner};
use credence_consent::{
    constants::{
        GRANT_GRANTEE_OFFSET, GRANT_SUBJECT_OFFSET, LISTING_OCCUPATION_OFFSET,
        LISTING_REGION_OFFSET, REQUEST_REQUESTER_OFFSET, REQUEST_SUBJECT_OFFSET,
    },
    state::{AccessRequest, CredentialRef, Grant, Listing},
};
use credence_registry::{
    constants::{
        CREDENTIAL_ISSUER_OFFSET, CREDENTIAL_SUBJECT_OFFSET, ISSUER_REGISTRY_OFFSET,
        SCHEMA_ISSUER_OFFSET,
    },
    state::{CohortStatusPage, Credential, CredentialStatus, Issuer, Schema},
};
use solana_account::Account;
use solana_pubkey::Pubkey;

use crate::{
    error::SdkError,
    transport::{Memcmp, Transport},
};

/// Offset of an `Issuer`'s authority (after the discriminator and its registry): the issuers an
/// authority runs are listed with a memcmp filter there.
pub const ISSUER_AUTHORITY_OFFSET: usize = 8 + 32;

/// A credential reference as text: the credential's address, or `cohort#index` for a leaf of a
/// cohort.
pub fn reference_text(reference: &CredentialRef) -> String {
    match reference {
        CredentialRef::Account { address } => address.to_string(),
        CredentialRef::CohortLeaf { cohort, index } => format!("{cohort}#{index}"),
    }
}

/// Reads a credential reference written by [`reference_text`]: an address, or `COHORT#INDEX`.
pub fn parse_reference(text: &str) -> Result<CredentialRef, SdkError> {
    let bad = || SdkError::BadCredentialRef {
        text: text.to_string(),
    };
    match text.trim().split_once('#') {
        None => Ok(CredentialRef::Account {
            address: text.trim().parse().map_err(|_| bad())?,
        }),
        Some((cohort, index)) => Ok(CredentialRef::CohortLeaf {
            cohort: cohort.parse().map_err(|_| bad())?,
            index: index.parse().map_err(|_| bad())?,
        }),
    }
}

/// The status of leaf `index`, from its status page as read from the chain (`page`: the account
/// at [`crate::pda::cohort_status`]). A page not created yet, or an account that is not a page,
/// means nothing on it has changed: the leaf is active.
pub fn leaf_status(page: Option<&Account>, index: u32) -> CredentialStatus {
    page.and_then(|a| CohortStatusPage::from_account_data(&a.data))
        .map_or(CredentialStatus::Active, |p| p.status_of(index))
}

/// The account holding the credential `reference` names: the credential account, or a leaf's
/// cohort.
pub fn held_at(reference: &CredentialRef) -> Pubkey {
    match *reference {
        CredentialRef::Account { address } => address,
        CredentialRef::CohortLeaf { cohort, .. } => cohort,
    }
}

/// The address of the credential account `reference` names; [`SdkError::CohortNotSupported`]
/// for a leaf of a cohort, which has no account of its own.
pub fn account_address(reference: &CredentialRef) -> Result<Pubkey, SdkError> {
    match *reference {
        CredentialRef::Account { address } => Ok(address),
        CredentialRef::CohortLeaf { cohort, index } => {
            Err(SdkError::CohortNotSupported { cohort, index })
        }
    }
}

/// References to credential accounts, in order.
pub fn account_refs(addresses: &[Pubkey]) -> Vec<CredentialRef> {
    addresses
        .iter()
        .map(|&address| CredentialRef::Account { address })
        .collect()
}

/// Decodes `account` as `T`, checking its owner program and discriminator.
pub fn decode<T: AccountDeserialize + Owner>(
    address: &Pubkey,
    account: &Account,
) -> Result<T, SdkError> {
    let expected = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("Credence account");
    if account.owner != T::owner() {
        return Err(SdkError::WrongAccount {
            address: *address,
            expected,
        });
    }
    T::try_deserialize(&mut account.data.as_slice()).map_err(|_| SdkError::WrongAccount {
        address: *address,
        expected,
    })
}

/// Fetches and decodes the account at `address`; [`SdkError::AccountNotFound`] if absent.
pub async fn fetch<T: AccountDeserialize + Owner>(
    transport: &Transport,
    address: &Pubkey,
) -> Result<T, SdkError> {
    let account = transport
        .account(address)
        .await?
        .ok_or(SdkError::AccountNotFound(*address))?;
    decode(address, &account)
}

/// Fetches and decodes the account at `address`, if it exists.
pub async fn fetch_optional<T: AccountDeserialize + Owner>(
    transport: &Transport,
    address: &Pubkey,
) -> Result<Option<T>, SdkError> {
    match transport.account(address).await? {
        Some(account) => decode(address, &account).map(Some),
        None => Ok(None),
    }
}

async fn list<T: AccountDeserialize + Owner + Discriminator>(
    transport: &Transport,
    filters: Vec<Memcmp>,
) -> Result<Vec<(Pubkey, T)>, SdkError> {
    let mut all = vec![Memcmp {
        offset: 0,
        bytes: T::DISCRIMINATOR.to_vec(),
    }];
    all.extend(filters);
    transport
        .program_accounts(&T::owner(), &all)
        .await?
        .iter()
        .map(|(address, account)| Ok((*address, decode(address, account)?)))
        .collect()
}

/// A candidate's credentials.
pub async fn credentials_of_subject(
    transport: &Transport,
    subject: &Pubkey,
) -> Result<Vec<(Pubkey, Credential)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(CREDENTIAL_SUBJECT_OFFSET, subject)],
    )
    .await
}

/// An issuer's credentials.
pub async fn credentials_of_issuer(
    transport: &Transport,
    issuer: &Pubkey,
) -> Result<Vec<(Pubkey, Credential)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(CREDENTIAL_ISSUER_OFFSET, issuer)],
    )
    .await
}

/// A candidate's grants.
pub async fn grants_of_subject(
    transport: &Transport,
    subject: &Pubkey,
) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
    list(transport, vec![Memcmp::key(GRANT_SUBJECT_OFFSET, subject)]).await
}

/// The grants a recruiter holds.
pub async fn grants_to_grantee(
    transport: &Transport,
    grantee: &Pubkey,
) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
    list(transport, vec![Memcmp::key(GRANT_GRANTEE_OFFSET, grantee)]).await
}

/// A registry's issuers.
pub async fn issuers_of_registry(
    transport: &Transport,
    registry: &Pubkey,
) -> Result<Vec<(Pubkey, Issuer)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(ISSUER_REGISTRY_OFFSET, registry)],
    )
    .await
}

/// The issuers `authority` runs (in any registry).
pub async fn issuers_of_authority(
    transport: &Transport,
    authority: &Pubkey,
) -> Result<Vec<(Pubkey, Issuer)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(ISSUER_AUTHORITY_OFFSET, authority)],
    )
    .await
}

/// An issuer's schemas.
pub async fn schemas_of_issuer(
    transport: &Transport,
    issuer: &Pubkey,
) -> Result<Vec<(Pubkey, Schema)>, SdkError> {
    list(transport, vec![Memcmp::key(SCHEMA_ISSUER_OFFSET, issuer)]).await
}

/// Talent-pool listings whose occupation code starts with `occupation` and whose region code
/// starts with `region` (each `None`: any). One `getProgramAccounts` call, filtered by memcmp.
pub async fn listings(
    transport: &Transport,
    occupation: Option<&str>,
    region: Option<&str>,
) -> Result<Vec<(Pubkey, Listing)>, SdkError> {
    let mut filters = Vec::new();
    if let Some(prefix) = occupation.filter(|p| !p.is_empty()) {
        filters.push(Memcmp {
            offset: LISTING_OCCUPATION_OFFSET,
            bytes: prefix.as_bytes().to_vec(),
        });
    }
    if let Some(prefix) = region.filter(|p| !p.is_empty()) {
        filters.push(Memcmp {
            offset: LISTING_REGION_OFFSET,
            bytes: prefix.as_bytes().to_vec(),
        });
    }
    list(transport, filters).await
}

/// Access requests made to a candidate.
pub async fn requests_to_subject(
    transport: &Transport,
    subject: &Pubkey,
) -> Result<Vec<(Pubkey, AccessRequest)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(REQUEST_SUBJECT_OFFSET, subject)],
    )
    .await
}

/// Access requests a recruiter has made.
pub async fn requests_by_requester(
    transport: &Transport,
    requester: &Pubkey,
) -> Result<Vec<(Pubkey, AccessRequest)>, SdkError> {
    list(
        transport,
        vec![Memcmp::key(REQUEST_REQUESTER_OFFSET, requester)],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_back_what_reference_text_writes() {
        let address = Pubkey::new_unique();
        for reference in [
            CredentialRef::Account { address },
            CredentialRef::CohortLeaf {
                cohort: address,
                index: 1_048_575,
            },
        ] {
            assert_eq!(
                parse_reference(&reference_text(&reference)).unwrap(),
                reference
            );
        }
        for bad in ["", "nope", "x#1", &format!("{address}#-1")] {
            assert!(
                matches!(parse_reference(bad), Err(SdkError::BadCredentialRef { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            account_address(&CredentialRef::CohortLeaf {
                cohort: address,
                index: 3
            }),
            Err(SdkError::CohortNotSupported { index: 3, .. })
        ));
    }
}
