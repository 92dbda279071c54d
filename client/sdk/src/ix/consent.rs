//! Builders for every `credence_consent` instruction.

use anchor_lang::{
    InstructionData, ToAccountMetas,
    prelude::Pubkey,
    solana_program::{
        instruction::{AccountMeta, Instruction},
        system_program,
    },
};
use credence_consent::{
    ApproveRequestArgs, CreateGrantArgs, CreateListingArgs, CreateRequestArgs, RecordAccessArgs,
    UpdateGrantArgs, UpdateListingArgs, accounts as acc, instruction as data,
    state::{AccessOutcome, CredentialRef},
};

use crate::pda;

fn build(
    accounts: impl ToAccountMetas,
    data: impl InstructionData,
    credentials: &[CredentialRef],
) -> Instruction {
    let mut metas = accounts.to_account_metas(None);
    metas.extend(credentials.iter().map(|reference| match reference {
        CredentialRef::Account { address } => AccountMeta::new_readonly(*address, false),
        CredentialRef::CohortLeaf { cohort, .. } => AccountMeta::new_readonly(*cohort, false),
    }));
    Instruction {
        program_id: credence_consent::ID,
        accounts: metas,
        data: data.data(),
    }
}

/// `create_grant`: the subject signs and pays; the credential accounts follow in order.
/// ```
/// use credence_sdk::{accounts::account_refs, consent_program::CreateGrantArgs, ix, pda, Pubkey};
///
/// let (nurse, hospital, licence) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
/// let ix = ix::consent::create_grant(
///     &nurse,
///     CreateGrantArgs {
///         grant_id: 1,
///         grantee: hospital,
///         credentials: account_refs(&[licence]),
///         purpose: "Recruitment".into(),
///         expires_at: 1_800_000_000,
///         max_uses: 0,
///         sealed_key: vec![],
///     },
/// );
/// assert!(ix.accounts.iter().any(|a| a.pubkey == pda::grant(&nurse, &hospital, 1).0));
/// assert_eq!(ix.accounts.last().unwrap().pubkey, licence); // the credentials follow, in order
/// ```
pub fn create_grant(subject: &Pubkey, args: CreateGrantArgs) -> Instruction {
    let credentials = args.credentials.clone();
    build(
        acc::CreateGrant {
            subject: *subject,
            grant: pda::grant(subject, &args.grantee, args.grant_id).0,
            system_program: system_program::ID,
        },
        data::CreateGrant { args },
        &credentials,
    )
}

/// `update_grant`: the subject signs; new credential accounts follow, if the list changes.
pub fn update_grant(subject: &Pubkey, grant: &Pubkey, args: UpdateGrantArgs) -> Instruction {
    let credentials = args.credentials.clone().unwrap_or_default();
    build(
        acc::UpdateGrant {
            subject: *subject,
            grant: *grant,
        },
        data::UpdateGrant { args },
        &credentials,
    )
}

/// `revoke_grant`: the subject signs.
pub fn revoke_grant(subject: &Pubkey, grant: &Pubkey) -> Instruction {
    build(
        acc::RevokeGrant {
            subject: *subject,
            grant: *grant,
        },
        data::RevokeGrant {},
        &[],
    )
}

/// `close_grant`: the subject signs and gets the rent.
pub fn close_grant(subject: &Pubkey, grant: &Pubkey) -> Instruction {
    build(
        acc::CloseGrant {
            subject: *subject,
            grant: *grant,
        },
        data::CloseGrant {},
        &[],
    )
}

/// One credential a `record_access` covers, with the accounts the program reads for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accessed {
    /// The credential: an account, or a cohort leaf (its cohort and status page are passed).
    pub credential: CredentialRef,
    /// Its schema.
    pub schema: Pubkey,
    /// The credential's issuer: passed (before the treasury) when the schema carries a fee, so
    /// the program charges only while the issuer is accredited.
    pub issuer: Pubkey,
    /// The schema's fee treasury, when the schema carries a fee.
    pub treasury: Option<Pubkey>,
}

/// The token accounts a fee-paying `record_access` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeePayment {
    /// The grantee's token account the fees are paid from.
    pub payer: Pubkey,
    /// The fee mint.
    pub mint: Pubkey,
    /// The most the grantee will pay, in base units.
    pub max_fee: u64,
}

/// `record_access` over credentials without fees: the grantee signs; bit `i` of
/// `credentials_mask` is `grant.credentials[i]`; `accessed` lists the selected credentials in
/// grant order.
pub fn record_access(
    grantee: &Pubkey,
    grant: &Pubkey,
    credentials_mask: u16,
    outcome: AccessOutcome,
    accessed: &[Accessed],
) -> Instruction {
    record_paid_access(grantee, grant, credentials_mask, outcome, accessed, None)
}

/// `record_access`, paying the fees of the selected credentials' schemas from `payment.payer`.
pub fn record_paid_access(
    grantee: &Pubkey,
    grant: &Pubkey,
    credentials_mask: u16,
    outcome: AccessOutcome,
    accessed: &[Accessed],
    payment: Option<FeePayment>,
) -> Instruction {
    let mut ix = build(
        acc::RecordAccess {
            grantee: *grantee,
            grant: *grant,
            fee_payer: payment.map(|p| p.payer),
            fee_mint: payment.map(|p| p.mint),
            token_program: payment.map(|_| anchor_spl::token::ID),
        },
        data::RecordAccess {
            args: RecordAccessArgs {
                credentials_mask,
                outcome,
                max_fee: payment.map_or(0, |p| p.max_fee),
            },
        },
        &[],
    );
    for item in accessed {
        match item.credential {
            CredentialRef::Account { address } => {
                ix.accounts.push(AccountMeta::new_readonly(address, false));
            }
            CredentialRef::CohortLeaf { cohort, index } => {
                ix.accounts.push(AccountMeta::new_readonly(cohort, false));
                ix.accounts.push(AccountMeta::new_readonly(
                    pda::cohort_status(&cohort, index).0,
                    false,
                ));
            }
        }
        ix.accounts
            .push(AccountMeta::new_readonly(item.schema, false));
        if let Some(treasury) = item.treasury {
            ix.accounts
                .push(AccountMeta::new_readonly(item.issuer, false));
            ix.accounts.push(AccountMeta::new(treasury, false));
        }
    }
    ix
}

/// `create_listing`: the subject signs and pays; the credential accounts follow in order.
pub fn create_listing(subject: &Pubkey, args: CreateListingArgs) -> Instruction {
    let credentials = args.credentials.clone();
    build(
        acc::CreateListing {
            subject: *subject,
            listing: pda::listing(subject).0,
            system_program: system_program::ID,
        },
        data::CreateListing { args },
        &credentials,
    )
}

/// `update_listing`: the subject signs; new credential accounts follow, if the list changes.
pub fn update_listing(subject: &Pubkey, args: UpdateListingArgs) -> Instruction {
    let credentials = args.credentials.clone().unwrap_or_default();
    build(
        acc::UpdateListing {
            subject: *subject,
            listing: pda::listing(subject).0,
        },
        data::UpdateListing { args },
        &credentials,
    )
}

/// `close_listing`: the subject signs and gets the rent.
pub fn close_listing(subject: &Pubkey) -> Instruction {
    build(
        acc::CloseListing {
            subject: *subject,
            listing: pda::listing(subject).0,
        },
        data::CloseListing {},
        &[],
    )
}

/// `create_request`: the requester signs and pays; the accounts of the credentials asked for
/// follow in order.
pub fn create_request(requester: &Pubkey, args: CreateRequestArgs) -> Instruction {
    let credentials = args.credentials.clone();
    build(
        acc::CreateRequest {
            requester: *requester,
            request: pda::request(&args.subject, requester, args.request_id).0,
            system_program: system_program::ID,
        },
        data::CreateRequest { args },
        &credentials,
    )
}

/// `approve_request`: the subject signs and pays the grant; the requester gets the request's
/// rent; the credential accounts granted follow in order.
pub fn approve_request(
    subject: &Pubkey,
    requester: &Pubkey,
    request: &Pubkey,
    args: ApproveRequestArgs,
) -> Instruction {
    let credentials = args.credentials.clone();
    build(
        acc::ApproveRequest {
            subject: *subject,
            requester: *requester,
            request: *request,
            grant: pda::grant(subject, requester, args.grant_id).0,
            system_program: system_program::ID,
        },
        data::ApproveRequest { args },
        &credentials,
    )
}

/// `decline_request`: the subject signs; the requester gets the rent.
pub fn decline_request(subject: &Pubkey, requester: &Pubkey, request: &Pubkey) -> Instruction {
    build(
        acc::DeclineRequest {
            subject: *subject,
            requester: *requester,
            request: *request,
        },
        data::DeclineRequest {},
        &[],
    )
}

/// `withdraw_request`: the requester signs and gets the rent.
pub fn withdraw_request(requester: &Pubkey, request: &Pubkey) -> Instruction {
    build(
        acc::WithdrawRequest {
            requester: *requester,
            request: *request,
        },
        data::WithdrawRequest {},
        &[],
    )
}
