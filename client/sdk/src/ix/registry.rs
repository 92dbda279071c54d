//! Builders for every `credence_registry` instruction.

use anchor_lang::{
    InstructionData, ToAccountMetas,
    prelude::Pubkey,
    solana_program::{instruction::Instruction, system_program},
};
use credence_registry::{
    AccreditIssuerCheckedArgs, AddDelegateArgs, BatchCredential, CohortLeafArgs,
    CreateRegistryArgs, CreateSchemaArgs, IssueCohortArgs, IssueCredentialArgs,
    IssueCredentialsArgs, RegisterIssuerArgs, RenewCredentialArgs, RevokeCredentialArgs,
    SetPausedArgs, SetSchemaFeeArgs, TransferAdminArgs, UpdateIssuerArgs, accounts as acc,
    instruction as data,
};

use crate::pda;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: credence_registry::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// `create_registry`: `admin` signs and pays; the registry is `pda::registry(admin, name)`.
/// ```
/// use credence_sdk::{ix, pda, Pubkey};
///
/// let admin = Pubkey::new_unique();
/// let ix = ix::registry::create_registry(&admin, "gb-health");
/// assert_eq!(ix.program_id, credence_sdk::registry_program::ID);
/// assert!(ix.accounts.iter().any(|a| a.pubkey == pda::registry(&admin, "gb-health").0));
/// ```
pub fn create_registry(admin: &Pubkey, name: &str) -> Instruction {
    build(
        acc::CreateRegistry {
            admin: *admin,
            registry: pda::registry(admin, name).0,
            system_program: system_program::ID,
        },
        data::CreateRegistry {
            args: CreateRegistryArgs {
                name: name.to_owned(),
            },
        },
    )
}

/// `transfer_admin`: the admin proposes `new_admin`.
pub fn transfer_admin(admin: &Pubkey, registry: &Pubkey, new_admin: &Pubkey) -> Instruction {
    build(
        acc::TransferAdmin {
            admin: *admin,
            registry: *registry,
        },
        data::TransferAdmin {
            args: TransferAdminArgs {
                new_admin: *new_admin,
            },
        },
    )
}

/// `accept_admin`: the pending admin accepts.
pub fn accept_admin(new_admin: &Pubkey, registry: &Pubkey) -> Instruction {
    build(
        acc::AcceptAdmin {
            new_admin: *new_admin,
            registry: *registry,
        },
        data::AcceptAdmin {},
    )
}

/// `set_paused`: the admin pauses (`true`) or resumes (`false`) issuance.
pub fn set_paused(admin: &Pubkey, registry: &Pubkey, paused: bool) -> Instruction {
    build(
        acc::SetPaused {
            admin: *admin,
            registry: *registry,
        },
        data::SetPaused {
            args: SetPausedArgs { paused },
        },
    )
}

/// `register_issuer`: `authority` signs and pays; the issuer is `pda::issuer(registry, id)`.
pub fn register_issuer(
    authority: &Pubkey,
    registry: &Pubkey,
    args: RegisterIssuerArgs,
) -> Instruction {
    build(
        acc::RegisterIssuer {
            authority: *authority,
            registry: *registry,
            issuer: pda::issuer(registry, &args.issuer_id).0,
            system_program: system_program::ID,
        },
        data::RegisterIssuer { args },
    )
}

/// The admin's decision on an issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuerDecision {
    /// `accredit_issuer`.
    Accredit,
    /// `suspend_issuer`.
    Suspend,
    /// `reinstate_issuer`.
    Reinstate,
    /// `revoke_issuer`.
    Revoke,
}

/// `accredit_issuer`, `suspend_issuer`, `reinstate_issuer` or `revoke_issuer`: the admin signs.
pub fn decide_issuer(
    decision: IssuerDecision,
    admin: &Pubkey,
    registry: &Pubkey,
    issuer: &Pubkey,
) -> Instruction {
    let accounts = acc::IssuerAdmin {
        admin: *admin,
        registry: *registry,
        issuer: *issuer,
    };
    match decision {
        IssuerDecision::Accredit => build(accounts, data::AccreditIssuer {}),
        IssuerDecision::Suspend => build(accounts, data::SuspendIssuer {}),
        IssuerDecision::Reinstate => build(accounts, data::ReinstateIssuer {}),
        IssuerDecision::Revoke => build(accounts, data::RevokeIssuer {}),
    }
}

/// `accredit_issuer_checked`: the admin signs, naming the `authority` it means to accredit; an
/// issuer id registered first by another key is refused instead of accredited.
pub fn accredit_issuer_checked(
    admin: &Pubkey,
    registry: &Pubkey,
    issuer: &Pubkey,
    authority: &Pubkey,
) -> Instruction {
    build(
        acc::IssuerAdmin {
            admin: *admin,
            registry: *registry,
            issuer: *issuer,
        },
        data::AccreditIssuerChecked {
            args: AccreditIssuerCheckedArgs {
                authority: *authority,
            },
        },
    )
}

/// `update_issuer`: the issuer's authority signs.
pub fn update_issuer(authority: &Pubkey, issuer: &Pubkey, args: UpdateIssuerArgs) -> Instruction {
    build(
        acc::UpdateIssuer {
            authority: *authority,
            issuer: *issuer,
        },
        data::UpdateIssuer { args },
    )
}

/// `rotate_issuer_authority`: the current and the new authority both sign.
pub fn rotate_issuer_authority(
    authority: &Pubkey,
    new_authority: &Pubkey,
    issuer: &Pubkey,
) -> Instruction {
    build(
        acc::RotateIssuerAuthority {
            authority: *authority,
            new_authority: *new_authority,
            issuer: *issuer,
        },
        data::RotateIssuerAuthority {},
    )
}

/// `add_delegate`: the issuer's authority signs and pays.
pub fn add_delegate(authority: &Pubkey, issuer: &Pubkey, args: AddDelegateArgs) -> Instruction {
    build(
        acc::AddDelegate {
            authority: *authority,
            issuer: *issuer,
            delegate: pda::delegate(issuer, &args.delegate).0,
            system_program: system_program::ID,
        },
        data::AddDelegate { args },
    )
}

/// `remove_delegate`: the issuer's authority signs and gets the rent.
pub fn remove_delegate(authority: &Pubkey, issuer: &Pubkey, delegate_key: &Pubkey) -> Instruction {
    build(
        acc::RemoveDelegate {
            authority: *authority,
            issuer: *issuer,
            delegate: pda::delegate(issuer, delegate_key).0,
        },
        data::RemoveDelegate {},
    )
}

/// `create_schema`: the issuer's authority signs and pays.
pub fn create_schema(authority: &Pubkey, issuer: &Pubkey, args: CreateSchemaArgs) -> Instruction {
    build(
        acc::CreateSchema {
            authority: *authority,
            issuer: *issuer,
            schema: pda::schema(issuer, &args.name, args.version).0,
            system_program: system_program::ID,
        },
        data::CreateSchema { args },
    )
}

/// `deprecate_schema`: the issuer's authority signs.
pub fn deprecate_schema(authority: &Pubkey, issuer: &Pubkey, schema: &Pubkey) -> Instruction {
    build(
        acc::DeprecateSchema {
            authority: *authority,
            issuer: *issuer,
            schema: *schema,
        },
        data::DeprecateSchema {},
    )
}

/// `set_schema_fee`: the issuer's authority sets or changes the schema's fee to `amount` of
/// `mint`, paid into `treasury` (a token account of `mint`).
pub fn set_schema_fee(
    authority: &Pubkey,
    issuer: &Pubkey,
    schema: &Pubkey,
    mint: &Pubkey,
    treasury: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        acc::SetSchemaFee {
            authority: *authority,
            issuer: *issuer,
            schema: *schema,
            mint: *mint,
            treasury: *treasury,
        },
        data::SetSchemaFee {
            args: SetSchemaFeeArgs { amount },
        },
    )
}

/// `clear_schema_fee`: the issuer's authority removes the schema's fee.
pub fn clear_schema_fee(authority: &Pubkey, issuer: &Pubkey, schema: &Pubkey) -> Instruction {
    build(
        acc::ClearSchemaFee {
            authority: *authority,
            issuer: *issuer,
            schema: *schema,
        },
        data::ClearSchemaFee {},
    )
}

/// Who signs a change to a credential, and under which issuer, registry and schema.
#[derive(Clone, Copy, Debug)]
pub struct IssuerSigner {
    /// The signing key: the issuer's authority or a delegate.
    pub authority: Pubkey,
    /// Whether `authority` signs as a delegate (its delegate record is then passed).
    pub as_delegate: bool,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer.
    pub issuer: Pubkey,
}

impl IssuerSigner {
    fn delegate_record(&self) -> Option<Pubkey> {
        self.as_delegate
            .then(|| pda::delegate(&self.issuer, &self.authority).0)
    }
}

/// `issue_credential`: `signer.authority` and `payer` sign; the credential is
/// `pda::credential(issuer, args.subject, args.credential_id)`.
pub fn issue_credential(
    signer: &IssuerSigner,
    payer: &Pubkey,
    schema: &Pubkey,
    args: IssueCredentialArgs,
) -> Instruction {
    build(
        acc::IssueCredential {
            authority: signer.authority,
            payer: *payer,
            registry: signer.registry,
            issuer: signer.issuer,
            schema: *schema,
            delegate: signer.delegate_record(),
            credential: pda::credential(&signer.issuer, &args.subject, &args.credential_id).0,
            system_program: system_program::ID,
        },
        data::IssueCredential { args },
    )
}

/// `issue_credentials`: one batch under `schema`, the shared accounts named once and each
/// credential's address appended (writable) in the order of `args.credentials`.
/// ```
/// use credence_sdk::{ix::registry::{issue_credentials, IssuerSigner}, pda, Pubkey};
/// use credence_sdk::registry_program::{BatchCredential, IssueCredentialsArgs};
///
/// let (authority, registry, schema) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
/// let signer = IssuerSigner { authority, as_delegate: false, registry, issuer: Pubkey::new_unique() };
/// let item = BatchCredential { credential_id: [1; 32], subject: Pubkey::new_unique(), commitment: [2; 32] };
/// let args = IssueCredentialsArgs { valid_from: None, expires_at: None, credentials: vec![item.clone()] };
/// let ix = issue_credentials(&signer, &authority, &schema, args);
/// let address = pda::credential(&signer.issuer, &item.subject, &item.credential_id).0;
/// assert_eq!(ix.accounts.last().map(|m| (m.pubkey, m.is_writable)), Some((address, true)));
/// ```
pub fn issue_credentials(
    signer: &IssuerSigner,
    payer: &Pubkey,
    schema: &Pubkey,
    args: IssueCredentialsArgs,
) -> Instruction {
    let addresses: Vec<Pubkey> = args
        .credentials
        .iter()
        .map(|c: &BatchCredential| pda::credential(&signer.issuer, &c.subject, &c.credential_id).0)
        .collect();
    issue_credentials_at(signer, payer, schema, args, &addresses)
}

/// [`issue_credentials`] with each credential's address already derived (`addresses[i]` is
/// `pda::credential(issuer, subject, credential_id)` of `args.credentials[i]`): a derivation is
/// a curve check, worth doing once per row of a large batch. The program re-derives and compares
/// each (`CredentialAddressMismatch`).
pub fn issue_credentials_at(
    signer: &IssuerSigner,
    payer: &Pubkey,
    schema: &Pubkey,
    args: IssueCredentialsArgs,
    addresses: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        acc::IssueCredentials {
            authority: signer.authority,
            payer: *payer,
            registry: signer.registry,
            issuer: signer.issuer,
            schema: *schema,
            delegate: signer.delegate_record(),
            system_program: system_program::ID,
        },
        data::IssueCredentials { args },
    );
    ix.accounts.extend(addresses.iter().map(|address| {
        anchor_lang::solana_program::instruction::AccountMeta::new(*address, false)
    }));
    ix
}

/// A change to an existing credential by the issuer side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialChange {
    /// `suspend_credential`.
    Suspend,
    /// `reinstate_credential`.
    Reinstate,
    /// `revoke_credential` with a reason code.
    Revoke {
        /// `REASON_*`.
        reason: u16,
    },
    /// `renew_credential` to a new expiry.
    Renew {
        /// The new expiry (unix seconds).
        expires_at: i64,
    },
}

/// `suspend_credential`, `reinstate_credential`, `revoke_credential` or `renew_credential`.
pub fn change_credential(
    change: CredentialChange,
    signer: &IssuerSigner,
    schema: &Pubkey,
    credential: &Pubkey,
) -> Instruction {
    let accounts = acc::CredentialAuthority {
        authority: signer.authority,
        registry: signer.registry,
        issuer: signer.issuer,
        schema: *schema,
        delegate: signer.delegate_record(),
        credential: *credential,
    };
    match change {
        CredentialChange::Suspend => build(accounts, data::SuspendCredential {}),
        CredentialChange::Reinstate => build(accounts, data::ReinstateCredential {}),
        CredentialChange::Revoke { reason } => build(
            accounts,
            data::RevokeCredential {
                args: RevokeCredentialArgs { reason },
            },
        ),
        CredentialChange::Renew { expires_at } => build(
            accounts,
            data::RenewCredential {
                args: RenewCredentialArgs { expires_at },
            },
        ),
    }
}

/// `close_credential`: the issuer's authority signs; the rent goes to `receiver`.
pub fn close_credential(
    authority: &Pubkey,
    issuer: &Pubkey,
    credential: &Pubkey,
    receiver: &Pubkey,
) -> Instruction {
    build(
        acc::CloseCredential {
            authority: *authority,
            issuer: *issuer,
            credential: *credential,
            receiver: *receiver,
        },
        data::CloseCredential {},
    )
}

/// `issue_cohort`: `signer.authority` and `payer` sign; the cohort is
/// `pda::cohort(issuer, args.cohort_id)`.
pub fn issue_cohort(
    signer: &IssuerSigner,
    payer: &Pubkey,
    schema: &Pubkey,
    args: IssueCohortArgs,
) -> Instruction {
    build(
        acc::IssueCohort {
            authority: signer.authority,
            payer: *payer,
            registry: signer.registry,
            issuer: signer.issuer,
            schema: *schema,
            delegate: signer.delegate_record(),
            cohort: pda::cohort(&signer.issuer, &args.cohort_id).0,
            system_program: system_program::ID,
        },
        data::IssueCohort { args },
    )
}

/// A change to one leaf of a cohort by the issuer side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafChange {
    /// `suspend_cohort_leaf`.
    Suspend,
    /// `reinstate_cohort_leaf`.
    Reinstate,
    /// `revoke_cohort_leaf`.
    Revoke,
}

/// `suspend_cohort_leaf`, `reinstate_cohort_leaf` or `revoke_cohort_leaf` of leaf `index` with
/// `reason` (`REASON_*`; required to revoke): `signer.authority` and `payer` sign; `payer` pays
/// the leaf's status page if this is the first change on it.
/// ```
/// use credence_sdk::{ix::registry::{self as rix, IssuerSigner, LeafChange}, pda, Pubkey};
///
/// let (registry, issuer, schema) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
/// let authority = Pubkey::new_unique();
/// let signer = IssuerSigner { authority, as_delegate: false, registry, issuer };
/// let cohort = pda::cohort(&issuer, &[1; 32]).0;
/// let ix = rix::change_cohort_leaf(LeafChange::Revoke, &signer, &authority, &schema, &cohort, 5_000, 3);
/// // Leaf 5,000 is on the cohort's second status page.
/// assert!(ix.accounts.iter().any(|a| a.pubkey == pda::cohort_status(&cohort, 4_096).0 && a.is_writable));
/// ```
pub fn change_cohort_leaf(
    change: LeafChange,
    signer: &IssuerSigner,
    payer: &Pubkey,
    schema: &Pubkey,
    cohort: &Pubkey,
    index: u32,
    reason: u16,
) -> Instruction {
    let accounts = acc::CohortLeafAuthority {
        authority: signer.authority,
        payer: *payer,
        registry: signer.registry,
        issuer: signer.issuer,
        schema: *schema,
        delegate: signer.delegate_record(),
        cohort: *cohort,
        status_page: pda::cohort_status(cohort, index).0,
        system_program: system_program::ID,
    };
    let args = CohortLeafArgs {
        index,
        page: pda::cohort_page_of(index),
        reason,
    };
    match change {
        LeafChange::Suspend => build(accounts, data::SuspendCohortLeaf { args }),
        LeafChange::Reinstate => build(accounts, data::ReinstateCohortLeaf { args }),
        LeafChange::Revoke => build(accounts, data::RevokeCohortLeaf { args }),
    }
}

/// `close_cohort_status_page` of the page holding leaf `index`: the issuer's authority signs;
/// the rent goes to `receiver`.
pub fn close_cohort_status_page(
    authority: &Pubkey,
    issuer: &Pubkey,
    cohort: &Pubkey,
    index: u32,
    receiver: &Pubkey,
) -> Instruction {
    build(
        acc::CloseCohortStatusPage {
            authority: *authority,
            issuer: *issuer,
            cohort: *cohort,
            status_page: pda::cohort_status(cohort, index).0,
            receiver: *receiver,
        },
        data::CloseCohortStatusPage {},
    )
}

/// `close_cohort`: the issuer's authority signs; the rent goes to `receiver`.
pub fn close_cohort(
    authority: &Pubkey,
    issuer: &Pubkey,
    cohort: &Pubkey,
    receiver: &Pubkey,
) -> Instruction {
    build(
        acc::CloseCohort {
            authority: *authority,
            issuer: *issuer,
            cohort: *cohort,
            receiver: *receiver,
        },
        data::CloseCohort {},
    )
}
