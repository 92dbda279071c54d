use anchor_lang::prelude::*;
use anchor_spl::token::{transfer_checked, Mint, Token, TokenAccount, TransferChecked};
use credence_registry::state::{now, CredentialStatus, Issuer, Schema, SchemaFee};

use crate::{
    constants::GRANT_SEED,
    emit_event,
    error::ConsentError,
    events::{AccessRecorded, FeePaid},
    instructions::checks::{
        read_cohort_leaf, read_credential, read_leaf_status, read_registry_account,
    },
    state::{AccessOutcome, CredentialRef, Grant},
};

/// Arguments of `record_access`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RecordAccessArgs {
    /// Which of the grant's credentials were checked: bit `i` is `grant.credentials[i]`.
    pub credentials_mask: u16,
    /// The verification's outcome.
    pub outcome: AccessOutcome,
    /// The most the grantee will pay in fees for this access, in the fee mint's base units. A
    /// fee raised after the grantee looked is refused rather than charged.
    pub max_fee: u64,
}

/// Accounts of `record_access`.
///
/// Remaining accounts, for each selected credential in grant order: the credential (for a cohort
/// leaf: the cohort, then the leaf's status page, created or not), its schema, and, when the
/// schema carries a fee, the credential's issuer and the schema's treasury token account. A fee is charged only while the issuer is accredited and the credential in force.
#[derive(Accounts)]
pub struct RecordAccess<'info> {
    /// The grantee (recruiter); pays any fee.
    pub grantee: Signer<'info>,
    /// The grant.
    #[account(
        mut,
        seeds = [GRANT_SEED, grant.subject.as_ref(), grantee.key().as_ref(), &grant.grant_id.to_le_bytes()],
        bump = grant.bump,
        has_one = grantee @ ConsentError::NotGrantee,
    )]
    pub grant: Box<Account<'info, Grant>>,
    /// The grantee's token account the fees are paid from (only when a fee is due).
    #[account(mut)]
    pub fee_payer: Option<Box<Account<'info, TokenAccount>>>,
    /// The fee mint (only when a fee is due).
    pub fee_mint: Option<Box<Account<'info, Mint>>>,
    /// The SPL Token program (only when a fee is due).
    pub token_program: Option<Program<'info, Token>>,
}

/// One fee due: how much, into which treasury, for which credential.
struct FeeDue<'info> {
    credential: Pubkey,
    treasury: AccountInfo<'info>,
    fee: SchemaFee,
}

/// What `record_access` needs of one selected credential, single or cohort leaf.
struct Held {
    /// The credential's address, or a leaf's cohort (named in `FeePaid`).
    key: Pubkey,
    /// Its schema.
    schema: Pubkey,
    /// Its issuer.
    issuer: Pubkey,
    /// Whether it is in force now (for a leaf: the cohort's window and the leaf's status; the
    /// leaf's own window is in the leaf, checked by the verifier).
    in_force: bool,
}

/// What [`RecordAccess::validate`] found: the time of the access and the credentials it covers.
#[derive(Clone, Debug)]
pub struct SelectedAccess {
    /// The current unix timestamp.
    pub now: i64,
    /// The grant's credentials the mask selects, in grant order.
    pub credentials: Vec<CredentialRef>,
}

impl<'info> RecordAccess<'info> {
    /// Refuses a grant not in force and a selection outside it ([`Grant::selected`]); returns
    /// the time and the credentials selected.
    pub fn validate(&self, args: &RecordAccessArgs) -> Result<SelectedAccess> {
        let now = now()?;
        self.grant.check_in_force(now)?;
        let credentials = self.grant.selected(args.credentials_mask)?;
        Ok(SelectedAccess { now, credentials })
    }

    /// Walks the remaining accounts for the selected credentials and returns the fees due. Each
    /// credential must be the one the grant names (for a cohort leaf: its cohort, then the leaf's
    /// status page), its schema the credential's, and, when the schema carries a fee, its issuer
    /// the credential's and its treasury the one the fee names. A fee is due only while the
    /// issuer is accredited and the credential is in force: nothing flows to a revoked or
    /// suspended issuer, or for a revoked, suspended or expired credential or leaf.
    fn fees_due(
        selected: &[CredentialRef],
        remaining: &'info [AccountInfo<'info>],
        now: i64,
    ) -> Result<Vec<FeeDue<'info>>> {
        let mut accounts = remaining.iter();
        let mut next = || {
            accounts
                .next()
                .ok_or_else(|| error!(ConsentError::CredentialAccountsMismatch))
        };
        let mut due = Vec::new();
        for reference in selected {
            let held = match reference {
                CredentialRef::Account { address } => {
                    let info = next()?;
                    require_keys_eq!(
                        *address,
                        info.key(),
                        ConsentError::CredentialAccountsMismatch
                    );
                    let credential = read_credential(info)?;
                    Held {
                        key: *address,
                        schema: credential.schema,
                        issuer: credential.issuer,
                        in_force: credential.is_in_force(now),
                    }
                }
                CredentialRef::CohortLeaf { cohort, index } => {
                    let info = next()?;
                    require_keys_eq!(
                        *cohort,
                        info.key(),
                        ConsentError::CredentialAccountsMismatch
                    );
                    let account = read_cohort_leaf(info, *index)?;
                    let status = read_leaf_status(next()?, cohort, *index)?;
                    Held {
                        key: *cohort,
                        schema: account.schema,
                        issuer: account.issuer,
                        in_force: account.is_in_window(now) && status == CredentialStatus::Active,
                    }
                }
            };
            let schema_info = next()?;
            require_keys_eq!(held.schema, schema_info.key(), ConsentError::SchemaMismatch);
            let schema: Schema = read_registry_account(
                schema_info,
                ConsentError::NotASchema,
                ConsentError::NotASchema,
            )?;
            if schema.fee.is_set() {
                let issuer_info = next()?;
                require_keys_eq!(held.issuer, issuer_info.key(), ConsentError::IssuerMismatch);
                let issuer: Issuer = read_registry_account(
                    issuer_info,
                    ConsentError::NotAnIssuer,
                    ConsentError::NotAnIssuer,
                )?;
                let treasury = next()?;
                require_keys_eq!(
                    treasury.key(),
                    schema.fee.treasury,
                    ConsentError::TreasuryMismatch
                );
                if issuer.is_accredited() && held.in_force {
                    due.push(FeeDue {
                        credential: held.key,
                        treasury: treasury.clone(),
                        fee: schema.fee,
                    });
                }
            }
        }
        require!(
            accounts.next().is_none(),
            ConsentError::CredentialAccountsMismatch
        );
        Ok(due)
    }

    /// Checks that the grantee can and will pay `due`: one mint, the one the grantee named in
    /// `fee_mint` (so the signed intent is a mint and an amount), within `max_fee`, from its own
    /// account holding enough. Returns the total.
    fn check_payment(&self, due: &[FeeDue<'info>], max_fee: u64) -> Result<u64> {
        let Some(first) = due.first() else {
            return Ok(0);
        };
        let mint = first.fee.mint;
        let mut total: u64 = 0;
        for item in due {
            require_keys_eq!(item.fee.mint, mint, ConsentError::MixedFeeMints);
            total = total
                .checked_add(item.fee.amount)
                .ok_or(ConsentError::Overflow)?;
        }
        let (Some(payer), Some(fee_mint), Some(_)) =
            (&self.fee_payer, &self.fee_mint, &self.token_program)
        else {
            return err!(ConsentError::FeeAccountsMissing);
        };
        require_keys_eq!(fee_mint.key(), mint, ConsentError::WrongFeeMint);
        require_keys_eq!(payer.mint, mint, ConsentError::WrongFeeMint);
        require_keys_eq!(
            payer.owner,
            self.grantee.key(),
            ConsentError::FeePayerNotGrantee
        );
        require!(total <= max_fee, ConsentError::FeeAboveMaximum);
        require!(payer.amount >= total, ConsentError::InsufficientFeeBalance);
        Ok(total)
    }

    /// Pays each fee of `due` (checked by [`Self::check_payment`]) by CPI into SPL Token's
    /// `transfer_checked`, emitting `FeePaid` for each.
    fn pay(&self, due: &[FeeDue<'info>]) -> Result<()> {
        let (Some(payer), Some(fee_mint), Some(token_program)) =
            (&self.fee_payer, &self.fee_mint, &self.token_program)
        else {
            return if due.is_empty() {
                Ok(())
            } else {
                err!(ConsentError::FeeAccountsMissing)
            };
        };
        let grant = &self.grant;
        for item in due {
            transfer_checked(
                CpiContext::new(
                    token_program.key(),
                    TransferChecked {
                        from: payer.to_account_info(),
                        mint: fee_mint.to_account_info(),
                        to: item.treasury.clone(),
                        authority: self.grantee.to_account_info(),
                    },
                ),
                item.fee.amount,
                fee_mint.decimals,
            )?;
            emit_event!(FeePaid {
                grant: grant.key(),
                credential: item.credential,
                treasury: item.treasury.key(),
                amount: item.fee.amount,
            });
        }
        Ok(())
    }

    /// Counts one use, emits the audit event (first, so that no volume of fee logs can push it
    /// past the 10 KB log limit), then pays the fees due.
    pub fn handle(ctx: Context<'info, Self>, args: RecordAccessArgs) -> Result<()> {
        let SelectedAccess { now, credentials } = ctx.accounts.validate(&args)?;
        let due = Self::fees_due(&credentials, ctx.remaining_accounts, now)?;
        let fees_paid = ctx.accounts.check_payment(&due, args.max_fee)?;
        let grant = &mut ctx.accounts.grant;
        grant.record_use(now)?;
        emit_event!(AccessRecorded {
            grant: grant.key(),
            subject: grant.subject,
            grantee: grant.grantee,
            credentials,
            outcome: args.outcome,
            use_number: grant.uses,
            timestamp: now,
            fees_paid,
            fee_mint: due
                .first()
                .map_or_else(Pubkey::default, |item| item.fee.mint),
        });
        ctx.accounts.pay(&due)?;
        ctx.accounts.grant.invariant()
    }
}
