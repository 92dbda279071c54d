//! Builders for every `credence_consent` instruction.

use anchor_lang::{
    prelude::Pubkey,
    solana_program::{
        instruction::{AccountMeta, Instruction},
        system_program,
    },
    InstructionData, ToAccountMetas,
};
use credence_consent::{
    accounts as acc, instruction as data,
    state::{AccessOutcome, CredentialRef},
    CreateGrantArgs, RecordAccessArgs, UpdateGrantArgs,
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

/// `record_access`: the grantee signs; bit `i` of `credentials_mask` is `grant.credentials[i]`.
pub fn record_access(
    grantee: &Pubkey,
    grant: &Pubkey,
    credentials_mask: u16,
    outcome: AccessOutcome,
) -> Instruction {
    build(
        acc::RecordAccess {
            grantee: *grantee,
            grant: *grant,
        },
        data::RecordAccess {
            args: RecordAccessArgs {
                credentials_mask,
                outcome,
            },
        },
        &[],
    )
}
