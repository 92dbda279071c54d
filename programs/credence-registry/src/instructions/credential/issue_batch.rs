use anchor_lang::{
    prelude::*,
    system_program::{
        create_account, create_account_allow_prefund, CreateAccount, CreateAccountAllowPrefund,
    },
};

use super::{check_may_issue, IssueWindow};
use crate::{
    constants::{
        ACCOUNT_VERSION, CREDENTIAL_SEED, DELEGATE_SEED, ISSUER_SEED, MAX_ISSUE_BATCH,
        REGISTRY_SEED, SCHEMA_SEED,
    },
    emit_event,
    error::RegistryError,
    events::CredentialIssued,
    state::{Credential, CredentialStatus, Delegate, Issuer, Registry, Schema},
};

/// One credential of an `issue_credentials` batch: only what differs from its neighbours.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct BatchCredential {
    /// Caller-chosen id, part of the address: re-running the batch cannot duplicate it.
    pub credential_id: [u8; 32],
    /// The candidate's wallet key.
    pub subject: Pubkey,
    /// `SHA-256(domain tag ‖ salt ‖ document)`, not all zeroes.
    pub commitment: [u8; 32],
}

/// Arguments of `issue_credentials`: a window shared by the batch, and its credentials.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct IssueCredentialsArgs {
    /// When they start being valid (`None`: now).
    pub valid_from: Option<i64>,
    /// When they stop being valid (`None`: the schema's default validity, or never).
    pub expires_at: Option<i64>,
    /// 1 to [`MAX_ISSUE_BATCH`] credentials; their addresses follow the named accounts, in the
    /// same order (`remaining_accounts`, writable).
    pub credentials: Vec<BatchCredential>,
}

/// Accounts of `issue_credentials`: those of `issue_credential` named once for the batch, then
/// each new credential's address as a remaining account.
#[derive(Accounts)]
pub struct IssueCredentials<'info> {
    /// The issuer's authority, or a live delegate with the issue permission.
    pub authority: Signer<'info>,
    /// Pays the rent (often the same key as `authority`).
    #[account(mut)]
    pub payer: Signer<'info>,
    /// The issuer's registry; must not be paused.
    #[account(
        seeds = [REGISTRY_SEED, registry.creator.as_ref(), registry.name.as_bytes()],
        bump = registry.bump,
    )]
    pub registry: Box<Account<'info, Registry>>,
    /// The issuer; must be accredited. Read only.
    #[account(
        seeds = [ISSUER_SEED, registry.key().as_ref(), issuer.issuer_id.as_bytes()],
        bump = issuer.bump,
        has_one = registry @ RegistryError::WrongRegistry,
    )]
    pub issuer: Box<Account<'info, Issuer>>,
    /// The schema; must be the issuer's and not deprecated. Read only.
    #[account(
        seeds = [SCHEMA_SEED, issuer.key().as_ref(), schema.name.as_bytes(), &schema.schema_version.to_le_bytes()],
        bump = schema.bump,
        has_one = issuer @ RegistryError::SchemaMismatch,
    )]
    pub schema: Box<Account<'info, Schema>>,
    /// The delegate record of `authority`, when a delegate signs.
    #[account(
        seeds = [DELEGATE_SEED, issuer.key().as_ref(), authority.key().as_ref()],
        bump = delegate.bump,
    )]
    pub delegate: Option<Box<Account<'info, Delegate>>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl IssueCredentials<'_> {
    /// Checks the signer's right to issue, the registry, issuer and schema, the batch's size,
    /// each commitment, and the window; returns the window.
    pub fn validate(&self, args: &IssueCredentialsArgs, addresses: usize) -> Result<IssueWindow> {
        let now = check_may_issue(
            &self.authority.key(),
            &self.registry,
            &self.issuer,
            &self.schema,
            self.delegate.as_deref().map(|d| &**d),
        )?;
        require!(
            !args.credentials.is_empty() && args.credentials.len() <= MAX_ISSUE_BATCH,
            RegistryError::BatchSizeInvalid
        );
        require!(
            addresses == args.credentials.len(),
            RegistryError::BatchAccountsMismatch
        );
        require!(
            args.credentials.iter().all(|c| c.commitment != [0; 32]),
            RegistryError::CommitmentEmpty
        );
        IssueWindow::settle(now, &self.schema, args.valid_from, args.expires_at)
    }

    /// Issues each credential of the batch at its address, as `issue_credential` would (the
    /// same account, the same `CredentialIssued` event): all of them or, if any fails, none.
    pub fn handle<'info>(
        ctx: Context<'info, IssueCredentials<'info>>,
        args: IssueCredentialsArgs,
    ) -> Result<()> {
        let IssueWindow {
            now,
            valid_from,
            expires_at,
        } = ctx.accounts.validate(&args, ctx.remaining_accounts.len())?;
        let accounts = &ctx.accounts;
        let (issuer, schema) = (accounts.issuer.key(), accounts.schema.key());
        let issued_by = accounts.authority.key();
        let space = 8 + Credential::INIT_SPACE;
        let rent = Rent::get()?.minimum_balance(space);
        for (item, target) in args.credentials.iter().zip(ctx.remaining_accounts) {
            let (address, bump) = Pubkey::find_program_address(
                &[
                    CREDENTIAL_SEED,
                    issuer.as_ref(),
                    item.subject.as_ref(),
                    item.credential_id.as_ref(),
                ],
                ctx.program_id,
            );
            require_keys_eq!(
                target.key(),
                address,
                RegistryError::CredentialAddressMismatch
            );
            let seeds: &[&[u8]] = &[
                CREDENTIAL_SEED,
                issuer.as_ref(),
                item.subject.as_ref(),
                item.credential_id.as_ref(),
                &[bump],
            ];
            create_pda(accounts, target, rent, space, ctx.program_id, seeds)?;
            let credential = Credential {
                issuer,
                subject: item.subject,
                schema,
                credential_id: item.credential_id,
                commitment: item.commitment,
                issued_at: now,
                valid_from,
                expires_at,
                status: CredentialStatus::Active,
                revocation_reason: 0,
                version: ACCOUNT_VERSION,
                bump,
                reserved: [0; 8],
            };
            credential.invariant()?;
            let mut data = target.try_borrow_mut_data()?;
            credential.try_serialize(&mut &mut data[..])?;
            emit_event!(CredentialIssued {
                issuer,
                subject: item.subject,
                credential: address,
                schema,
                issued_by,
                expires_at,
            });
        }
        Ok(())
    }
}

/// Creates the program-owned account `target` of `space` bytes at a PDA, as Anchor's `init`
/// does: `create_account` when it holds no lamports, else (someone sent lamports there first)
/// topping it up to rent exemption, allocating and assigning it in one system instruction, so
/// a pre-funded address cannot block an issuance. `target` is the PDA the caller checked, so it
/// cannot be the payer (a key that signed): Anchor's payer-is-target guard has nothing to catch.
fn create_pda<'info>(
    accounts: &IssueCredentials<'info>,
    target: &AccountInfo<'info>,
    rent: u64,
    space: usize,
    owner: &Pubkey,
    seeds: &[&[u8]],
) -> Result<()> {
    let signer: &[&[&[u8]]] = &[seeds];
    let system = accounts.system_program.key();
    let from = accounts.payer.to_account_info();
    let current = target.lamports();
    if current == 0 {
        let cpi = CpiContext::new_with_signer(
            system,
            CreateAccount {
                from,
                to: target.clone(),
            },
            signer,
        );
        create_account(cpi, rent, space as u64, owner)
    } else {
        let cpi = CpiContext::new_with_signer(
            system,
            CreateAccountAllowPrefund {
                from,
                to: target.clone(),
            },
            signer,
        );
        create_account_allow_prefund(
            cpi,
            rent.max(1).saturating_sub(current),
            space as u64,
            owner,
        )
    }
}
