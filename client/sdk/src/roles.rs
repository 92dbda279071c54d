//! Role APIs: what each kind of user does, over any [`Transport`].
//!
//! Every role signs with its own keypair and pays its own fees and rent.

use credence_consent::{
    state::{CredentialRef, Grant},
    CreateGrantArgs, UpdateGrantArgs,
};
use credence_registry::{
    state::{Credential, Issuer as IssuerAccount},
    AddDelegateArgs, CreateSchemaArgs, IssueCredentialArgs, RegisterIssuerArgs,
};
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

mod audit;
mod fees;
mod pool;

pub use audit::{
    AccessEntry, AuditOptions, AuditTrail, EntrySource, GrantAudit, TruncatedHistory,
    DEFAULT_HISTORY_LIMIT,
};

pub use fees::{
    format_amount, mint_decimals, parse_amount, token_balance, FeeCap, FeeItem, FeeQuote,
    PreparedAccess, TokenMint,
};
pub use pool::{code, code_text, ListingTerms, PoolMatch, PoolQuery, RequestTerms};

/// Maps "the account already exists" (an earlier, perhaps unconfirmed, run created it) to
/// `Ok(false)`: creating something that exists changes nothing.
fn created(result: Result<Sent, SdkError>) -> Result<bool, SdkError> {
    match result {
        Ok(_) => Ok(true),
        Err(err) if err.program_error_name() == Some("AccountAlreadyInUse") => Ok(false),
        Err(err) => Err(err),
    }
}

use crate::{
    accounts::{self, fetch},
    commitment::{self, IssuerSecret, Salt},
    error::SdkError,
    ix::{
        consent as cix,
        registry::{self as rix, CredentialChange, IssuerDecision, IssuerSigner},
    },
    pda,
    sealing::{self, SealedDocument},
    transport::{transaction_size, Sent, Transport, MAX_TRANSACTION_SIZE},
    verify::{self, Report, VerifyRequest},
};

/// A registry's admin.
pub struct RegistryAdmin<'a> {
    transport: &'a Transport,
    admin: &'a Keypair,
    /// The registry's address.
    pub registry: Pubkey,
}

impl<'a> RegistryAdmin<'a> {
    /// The admin of the registry `name` created by `admin`.
    pub fn new(transport: &'a Transport, admin: &'a Keypair, name: &str) -> Self {
        let registry = pda::registry(&admin.pubkey(), name).0;
        Self {
            transport,
            admin,
            registry,
        }
    }

    /// The admin of the registry at `registry` (after an admin transfer the address no longer
    /// derives from the admin's key).
    pub fn at(transport: &'a Transport, admin: &'a Keypair, registry: Pubkey) -> Self {
        Self {
            transport,
            admin,
            registry,
        }
    }

    /// Accepts a pending admin transfer, signed by the new admin.
    pub async fn accept_admin(&self) -> Result<Sent, SdkError> {
        self.send(rix::accept_admin(&self.admin.pubkey(), &self.registry))
            .await
    }

    /// Creates the registry; `Ok(false)` if it already existed (nothing changed).
    pub async fn create(&self, name: &str) -> Result<bool, SdkError> {
        if self.transport.account(&self.registry).await?.is_some() {
            return Ok(false);
        }
        created(
            self.send(rix::create_registry(&self.admin.pubkey(), name))
                .await,
        )
    }

    /// Accredits the issuer at `issuer` if its authority is `authority`, the key the institution
    /// gave the admin out of band (`accredit_issuer_checked`): an id a front-runner registered
    /// first is refused on-chain with `IssuerAuthorityMismatch`, never accredited.
    pub async fn accredit(&self, issuer: &Pubkey, authority: &Pubkey) -> Result<Sent, SdkError> {
        self.send(rix::accredit_issuer_checked(
            &self.admin.pubkey(),
            &self.registry,
            issuer,
            authority,
        ))
        .await
    }

    /// Suspends, reinstates or revokes an issuer. `IssuerDecision::Accredit` sends the unchecked
    /// `accredit_issuer`; prefer [`Self::accredit`], which names the authority meant.
    pub async fn decide(
        &self,
        decision: IssuerDecision,
        issuer: &Pubkey,
    ) -> Result<Sent, SdkError> {
        self.send(rix::decide_issuer(
            decision,
            &self.admin.pubkey(),
            &self.registry,
            issuer,
        ))
        .await
    }

    /// Pauses or resumes issuance.
    pub async fn set_paused(&self, paused: bool) -> Result<Sent, SdkError> {
        self.send(rix::set_paused(
            &self.admin.pubkey(),
            &self.registry,
            paused,
        ))
        .await
    }

    /// Proposes a new admin.
    pub async fn transfer_admin(&self, new_admin: &Pubkey) -> Result<Sent, SdkError> {
        self.send(rix::transfer_admin(
            &self.admin.pubkey(),
            &self.registry,
            new_admin,
        ))
        .await
    }

    async fn send(&self, ix: Instruction) -> Result<Sent, SdkError> {
        self.transport.send(&[ix], self.admin, &[]).await
    }
}

/// One credential to issue.
#[derive(Clone, Debug)]
pub struct IssueRequest {
    /// The candidate's wallet.
    pub subject: Pubkey,
    /// The schema.
    pub schema: Pubkey,
    /// The issuer's stable reference for this credential (for example a licence number): the
    /// credential's id and salt derive from it and the issuer's secret, so re-issuing the same
    /// reference is a no-op. It never goes on-chain, and the id does not reveal it.
    pub reference: String,
    /// The document committed to.
    pub document: Vec<u8>,
    /// When it starts being valid (`None`: now).
    pub valid_from: Option<i64>,
    /// When it stops being valid (`None`: the schema's default).
    pub expires_at: Option<i64>,
}

/// An issued (or already existing) credential and what the candidate needs to prove it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Issued {
    /// The issuer's reference.
    pub reference: String,
    /// The credential's address.
    pub credential: String,
    /// The subject.
    pub subject: String,
    /// The commitment's salt (hex): hand it to the candidate with the document.
    pub salt: String,
    /// The commitment (hex).
    pub commitment: String,
    /// Whether it already existed (a resumed or repeated issuance). An existing credential is
    /// reported only after its on-chain commitment, schema and subject were found equal to this
    /// run's, so its salt opens it.
    pub already_existed: bool,
}

/// The result of a batch issuance.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BatchReport {
    /// Issued now.
    pub issued: usize,
    /// Already on-chain, as this run would have issued them (skipped).
    pub skipped: usize,
    /// Transactions sent.
    pub transactions: usize,
    /// Every credential of the batch, in input order.
    pub credentials: Vec<Issued>,
}

/// An issuer, acting through its authority key or a delegate.
///
/// Registering, schemas, fees, delegates and credential changes need only the signing key.
/// Issuing also needs the issuer's [`IssuerSecret`] ([`Issuer::with_secret`]): credential ids
/// and salts derive from it, not from the key that signs, so the authority, its delegates and a
/// rotated authority key issue the same reference to the same address with the same salt.
///
/// ```no_run
/// # async fn example(
/// #     transport: &credence_sdk::Transport,
/// #     council_key: &solana_keypair::Keypair,
/// #     registry: credence_sdk::Pubkey,
/// #     request: credence_sdk::roles::IssueRequest,
/// # ) -> Result<(), credence_sdk::SdkError> {
/// use credence_sdk::{commitment::IssuerSecret, roles::Issuer};
///
/// let secret = IssuerSecret::load("nmcn.secret".as_ref())?;
/// let council = Issuer::new(transport, council_key, registry, "nmcn").with_secret(&secret);
/// let issued = council.issue(&request).await?;
/// # Ok(()) }
/// ```
pub struct Issuer<'a> {
    transport: &'a Transport,
    signer: &'a Keypair,
    as_delegate: bool,
    secret: Option<&'a IssuerSecret>,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer's address.
    pub issuer: Pubkey,
}

/// One row of a batch, ready to send.
struct Prepared {
    ix: Instruction,
    address: Pubkey,
    subject: Pubkey,
    schema: Pubkey,
    commitment: [u8; 32],
    issued: Issued,
}

impl<'a> Issuer<'a> {
    /// The issuer `issuer_id` of `registry`, acting through its authority `signer`. Add the
    /// issuer's secret with [`Issuer::with_secret`] to issue.
    pub fn new(
        transport: &'a Transport,
        signer: &'a Keypair,
        registry: Pubkey,
        issuer_id: &str,
    ) -> Self {
        Self {
            transport,
            signer,
            as_delegate: false,
            secret: None,
            registry,
            issuer: pda::issuer(&registry, issuer_id).0,
        }
    }

    /// The same issuer acting through a delegate key.
    pub fn as_delegate(mut self) -> Self {
        self.as_delegate = true;
        self
    }

    /// The same issuer with its secret, which issuing needs: every machine that issues for
    /// the issuer (its authority's, its delegates') must hold a copy of the same secret.
    pub fn with_secret(mut self, secret: &'a IssuerSecret) -> Self {
        self.secret = Some(secret);
        self
    }

    fn secret(&self) -> Result<&'a IssuerSecret, SdkError> {
        self.secret.ok_or(SdkError::IssuerSecretRequired {
            issuer: self.issuer,
        })
    }

    fn issuer_signer(&self) -> IssuerSigner {
        IssuerSigner {
            authority: self.signer.pubkey(),
            as_delegate: self.as_delegate,
            registry: self.registry,
            issuer: self.issuer,
        }
    }

    async fn send(&self, ixs: &[Instruction]) -> Result<Sent, SdkError> {
        self.transport.send(ixs, self.signer, &[]).await
    }

    /// Registers the issuer (pending accreditation) with the signer as its authority.
    ///
    /// `Ok(true)` if registered now, `Ok(false)` if the signer had already registered it (nothing
    /// changed). [`SdkError::IssuerIdTaken`] if the id is registered under another authority (a
    /// front-runner, or an earlier authority that rotated its key): nothing was sent, the
    /// registry's admin must not accredit that issuer, and the institution should pick another id.
    pub async fn register(&self, args: RegisterIssuerArgs) -> Result<bool, SdkError> {
        if pda::issuer(&self.registry, &args.issuer_id).0 != self.issuer {
            return Err(SdkError::Invalid(format!(
                "the registration's issuer id {:?} is not the id this issuer {} derives from",
                args.issuer_id, self.issuer
            )));
        }
        if self.transport.account(&self.issuer).await?.is_some() {
            return self.registered_by_signer().await.map(|()| false);
        }
        let created = created(
            self.send(&[rix::register_issuer(
                &self.signer.pubkey(),
                &self.registry,
                args,
            )])
            .await,
        )?;
        if !created {
            // Registered by someone between our read and our transaction.
            self.registered_by_signer().await?;
        }
        Ok(created)
    }

    /// `Ok` if the issuer account exists with the signer as its authority, else
    /// [`SdkError::IssuerIdTaken`].
    async fn registered_by_signer(&self) -> Result<(), SdkError> {
        let account = self.account().await?;
        if account.authority == self.signer.pubkey() {
            Ok(())
        } else {
            Err(SdkError::IssuerIdTaken {
                issuer: self.issuer,
                authority: account.authority,
            })
        }
    }

    /// The issuer's account.
    pub async fn account(&self) -> Result<IssuerAccount, SdkError> {
        fetch(self.transport, &self.issuer).await
    }

    /// Publishes a schema; returns its address and whether it was created now.
    pub async fn create_schema(&self, args: CreateSchemaArgs) -> Result<(Pubkey, bool), SdkError> {
        let schema = pda::schema(&self.issuer, &args.name, args.version).0;
        if self.transport.account(&schema).await?.is_some() {
            return Ok((schema, false));
        }
        let created = created(
            self.send(&[rix::create_schema(
                &self.signer.pubkey(),
                &self.issuer,
                args,
            )])
            .await,
        )?;
        Ok((schema, created))
    }

    /// Adds a delegate.
    pub async fn add_delegate(&self, args: AddDelegateArgs) -> Result<Sent, SdkError> {
        self.send(&[rix::add_delegate(&self.signer.pubkey(), &self.issuer, args)])
            .await
    }

    /// The salt of `reference`, derived from the issuer's secret: whoever holds the secret
    /// reproduces it, whichever key signs. [`SdkError::IssuerSecretRequired`] without a secret.
    pub fn salt_for(&self, reference: &str) -> Result<Salt, SdkError> {
        Ok(self.secret()?.salt(&self.issuer, reference))
    }

    /// The keyed credential id of `reference` (see [`IssuerSecret::credential_id`]).
    /// [`SdkError::IssuerSecretRequired`] without a secret.
    pub fn credential_id(&self, reference: &str) -> Result<[u8; 32], SdkError> {
        Ok(self.secret()?.credential_id(&self.issuer, reference))
    }

    /// The address of `reference`'s credential issued to `subject`.
    /// [`SdkError::IssuerSecretRequired`] without a secret.
    pub fn credential_address(
        &self,
        subject: &Pubkey,
        reference: &str,
    ) -> Result<Pubkey, SdkError> {
        Ok(pda::credential(&self.issuer, subject, &self.credential_id(reference)?).0)
    }

    fn prepare(&self, secret: &IssuerSecret, request: &IssueRequest) -> Prepared {
        let credential_id = secret.credential_id(&self.issuer, &request.reference);
        let salt = secret.salt(&self.issuer, &request.reference);
        let commitment = commitment::commit(&salt, &request.document);
        let args = IssueCredentialArgs {
            credential_id,
            subject: request.subject,
            commitment,
            valid_from: request.valid_from,
            expires_at: request.expires_at,
        };
        let address = pda::credential(&self.issuer, &request.subject, &credential_id).0;
        let ix = rix::issue_credential(
            &self.issuer_signer(),
            &self.signer.pubkey(),
            &request.schema,
            args,
        );
        let issued = Issued {
            reference: request.reference.clone(),
            credential: address.to_string(),
            subject: request.subject.to_string(),
            salt: salt.to_hex(),
            commitment: hex::encode(commitment),
            already_existed: false,
        };
        Prepared {
            ix,
            address,
            subject: request.subject,
            schema: request.schema,
            commitment,
            issued,
        }
    }

    /// Checks that the credential already at a row's address is the one this run would issue
    /// (same commitment, so the same document and salt; same schema, subject and issuer).
    fn check_existing(&self, row: &Prepared, account: &Account) -> Result<(), SdkError> {
        let existing: Credential = accounts::decode(&row.address, account)?;
        let field = if existing.commitment != row.commitment {
            "commitment"
        } else if existing.schema != row.schema {
            "schema"
        } else if existing.subject != row.subject {
            "subject"
        } else if existing.issuer != self.issuer {
            "issuer"
        } else {
            return Ok(());
        };
        Err(SdkError::ExistingCredentialDiffers {
            reference: row.issued.reference.clone(),
            credential: row.address,
            field,
        })
    }

    /// Issues one credential (a no-op if this reference was already issued to this subject with
    /// this document). Needs the issuer's secret.
    pub async fn issue(&self, request: &IssueRequest) -> Result<Issued, SdkError> {
        let mut report = self
            .issue_batch(std::slice::from_ref(request), |_| {})
            .await?;
        Ok(report.credentials.remove(0))
    }

    /// Issues many credentials, packed into as few transactions as fit in 1,232 bytes. Needs the
    /// issuer's secret ([`Issuer::with_secret`]).
    ///
    /// Those already on-chain are skipped, so a batch stopped half-way can be re-run, by the
    /// authority, a delegate or a rotated authority key: nothing is duplicated or lost. A skipped
    /// row is checked first: if the credential on-chain is not the one this run would issue (its
    /// commitment, schema or subject differ, for example an edited document or another secret),
    /// the batch stops with [`SdkError::ExistingCredentialDiffers`] naming the row's reference,
    /// instead of handing out a salt that does not open it; when found before sending (the usual
    /// case), nothing is sent. `progress(done)` is called after each transaction and each
    /// skipped row.
    pub async fn issue_batch(
        &self,
        requests: &[IssueRequest],
        mut progress: impl FnMut(usize),
    ) -> Result<BatchReport, SdkError> {
        let secret = self.secret()?;
        let rows: Vec<Prepared> = requests.iter().map(|r| self.prepare(secret, r)).collect();
        let addresses: Vec<Pubkey> = rows.iter().map(|row| row.address).collect();
        let existing = self.transport.accounts(&addresses).await?;
        for (row, account) in rows.iter().zip(&existing) {
            if let Some(account) = account {
                self.check_existing(row, account)?;
            }
        }
        let mut report = BatchReport {
            credentials: rows.iter().map(|row| row.issued.clone()).collect(),
            ..BatchReport::default()
        };
        let mut pending: Vec<usize> = Vec::new();
        let payer = self.signer.pubkey();
        for (index, exists) in existing.iter().enumerate() {
            if exists.is_some() {
                report.credentials[index].already_existed = true;
                report.skipped += 1;
                progress(report.skipped + report.issued);
                continue;
            }
            let mut candidate: Vec<Instruction> =
                pending.iter().map(|&i| rows[i].ix.clone()).collect();
            candidate.push(rows[index].ix.clone());
            if !pending.is_empty() && transaction_size(&candidate, &payer) > MAX_TRANSACTION_SIZE {
                self.flush(&rows, &mut pending, &mut report, &mut progress)
                    .await?;
            }
            pending.push(index);
        }
        self.flush(&rows, &mut pending, &mut report, &mut progress)
            .await?;
        Ok(report)
    }

    /// Sends the rows `pending` (indices into `rows`) in one transaction.
    async fn flush(
        &self,
        rows: &[Prepared],
        pending: &mut Vec<usize>,
        report: &mut BatchReport,
        progress: &mut impl FnMut(usize),
    ) -> Result<(), SdkError> {
        if pending.is_empty() {
            return Ok(());
        }
        let ixs: Vec<Instruction> = pending.iter().map(|&i| rows[i].ix.clone()).collect();
        match self.send(&ixs).await {
            Ok(_) => {
                report.transactions += 1;
                report.issued += pending.len();
            }
            Err(err) if err.program_error_name() == Some("AccountAlreadyInUse") => {
                // Someone (an earlier run whose confirmation we missed, another delegate) issued
                // part of this chunk: fall back to one by one, checking what is already there.
                for &index in pending.iter() {
                    let row = &rows[index];
                    match self.send(std::slice::from_ref(&row.ix)).await {
                        Ok(_) => {
                            report.transactions += 1;
                            report.issued += 1;
                        }
                        Err(err) if err.program_error_name() == Some("AccountAlreadyInUse") => {
                            let account = self
                                .transport
                                .account(&row.address)
                                .await?
                                .ok_or(SdkError::AccountNotFound(row.address))?;
                            self.check_existing(row, &account)?;
                            report.credentials[index].already_existed = true;
                            report.skipped += 1;
                        }
                        Err(err) => return Err(err),
                    }
                }
            }
            Err(err) => return Err(err),
        }
        pending.clear();
        progress(report.issued + report.skipped);
        Ok(())
    }

    /// Suspends, reinstates, revokes (with a reason) or renews a credential.
    pub async fn change(
        &self,
        change: CredentialChange,
        credential: &Pubkey,
    ) -> Result<Sent, SdkError> {
        let account: Credential = fetch(self.transport, credential).await?;
        self.send(&[rix::change_credential(
            change,
            &self.issuer_signer(),
            &account.schema,
            credential,
        )])
        .await
    }

    /// Closes a revoked or expired credential, returning its rent to the signer.
    pub async fn close(&self, credential: &Pubkey) -> Result<Sent, SdkError> {
        let me = self.signer.pubkey();
        self.send(&[rix::close_credential(&me, &self.issuer, credential, &me)])
            .await
    }

    /// The issuer's credentials.
    pub async fn credentials(&self) -> Result<Vec<(Pubkey, Credential)>, SdkError> {
        accounts::credentials_of_issuer(self.transport, &self.issuer).await
    }
}

/// What a candidate grants.
#[derive(Clone, Debug)]
pub struct GrantRequest {
    /// Her id for the grant (distinguishes grants to one recruiter).
    pub grant_id: u64,
    /// The recruiter.
    pub grantee: Pubkey,
    /// The credentials covered.
    pub credentials: Vec<Pubkey>,
    /// Why.
    pub purpose: String,
    /// Until when (unix seconds).
    pub expires_at: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
    /// A document key to seal to the recruiter, if she shares a sealed document.
    pub document_key: Option<sealing::DocumentKey>,
}

/// A candidate.
pub struct Candidate<'a> {
    transport: &'a Transport,
    keypair: &'a Keypair,
}

impl<'a> Candidate<'a> {
    /// The candidate with wallet `keypair`.
    pub fn new(transport: &'a Transport, keypair: &'a Keypair) -> Self {
        Self { transport, keypair }
    }

    /// Her wallet address.
    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// Grants access; returns the grant's address.
    pub async fn grant(&self, request: GrantRequest) -> Result<Pubkey, SdkError> {
        let sealed_key = match &request.document_key {
            Some(key) => sealing::seal_key_to(&request.grantee, key)?,
            None => Vec::new(),
        };
        let args = CreateGrantArgs {
            grant_id: request.grant_id,
            grantee: request.grantee,
            credentials: accounts::account_refs(&request.credentials),
            purpose: request.purpose,
            expires_at: request.expires_at,
            max_uses: request.max_uses,
            sealed_key,
        };
        self.transport
            .send(
                &[cix::create_grant(&self.pubkey(), args)],
                self.keypair,
                &[],
            )
            .await?;
        Ok(pda::grant(&self.pubkey(), &request.grantee, request.grant_id).0)
    }

    /// Changes a grant.
    pub async fn update(&self, grant: &Pubkey, args: UpdateGrantArgs) -> Result<Sent, SdkError> {
        self.transport
            .send(
                &[cix::update_grant(&self.pubkey(), grant, args)],
                self.keypair,
                &[],
            )
            .await
    }

    /// Revokes a grant at once.
    pub async fn revoke(&self, grant: &Pubkey) -> Result<Sent, SdkError> {
        self.transport
            .send(
                &[cix::revoke_grant(&self.pubkey(), grant)],
                self.keypair,
                &[],
            )
            .await
    }

    /// Closes a grant and takes its rent back.
    pub async fn close(&self, grant: &Pubkey) -> Result<Sent, SdkError> {
        self.transport
            .send(
                &[cix::close_grant(&self.pubkey(), grant)],
                self.keypair,
                &[],
            )
            .await
    }

    /// Her grants.
    pub async fn grants(&self) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
        accounts::grants_of_subject(self.transport, &self.pubkey()).await
    }

    /// Her credentials.
    pub async fn credentials(&self) -> Result<Vec<(Pubkey, Credential)>, SdkError> {
        accounts::credentials_of_subject(self.transport, &self.pubkey()).await
    }
}

/// A recruiter.
pub struct Recruiter<'a> {
    transport: &'a Transport,
    keypair: &'a Keypair,
}

impl<'a> Recruiter<'a> {
    /// The recruiter with wallet `keypair`.
    pub fn new(transport: &'a Transport, keypair: &'a Keypair) -> Self {
        Self { transport, keypair }
    }

    /// The recruiter's wallet address.
    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// Verifies in one round trip (see [`verify::verify`]).
    pub async fn verify(&self, request: &VerifyRequest) -> Result<Report, SdkError> {
        verify::verify(self.transport, request).await
    }

    /// Opens the sealed document of `credential` with the key the candidate sealed into the
    /// grant, and returns its bytes only if they open the credential's on-chain commitment with
    /// `salt` (the salt the candidate shares with the document). Refused unless the grant is to
    /// this recruiter, in force (not revoked, not expired, uses left) and carries a key, and
    /// `credential` is the candidate's and covered by the grant
    /// ([`SdkError::CredentialNotInGrant`]); a document that does not match is refused with
    /// [`SdkError::DocumentMismatch`]. One round trip: the grant, the credential, the clock.
    pub async fn open_document(
        &self,
        grant: &Pubkey,
        credential: &Pubkey,
        sealed: &SealedDocument,
        salt: &Salt,
    ) -> Result<Vec<u8>, SdkError> {
        let fetched = self
            .transport
            .accounts(&[*grant, *credential, crate::transport::CLOCK_SYSVAR])
            .await?;
        let account = fetched[0]
            .as_ref()
            .ok_or(SdkError::AccountNotFound(*grant))?;
        let grant_account: Grant = accounts::decode(grant, account)?;
        let now = crate::transport::clock_now(fetched[2].as_ref())?;
        if grant_account.grantee != self.pubkey() {
            return Err(SdkError::Invalid(format!(
                "grant {grant} is not to {}",
                self.pubkey()
            )));
        }
        if now >= grant_account.expires_at {
            return Err(SdkError::Invalid(format!(
                "grant {grant} expired at {}: the document is no longer shared",
                crate::verify::utc(grant_account.expires_at)
            )));
        }
        if grant_account.revoked_at != 0 {
            return Err(SdkError::Invalid(format!(
                "grant {grant} was revoked: the document is no longer shared"
            )));
        }
        if grant_account.max_uses != 0 && grant_account.uses >= grant_account.max_uses {
            return Err(SdkError::Invalid(format!(
                "grant {grant}'s {} uses are used up: the document is no longer shared",
                grant_account.max_uses
            )));
        }
        if grant_account.sealed_key.is_empty() {
            return Err(SdkError::Invalid(format!(
                "grant {grant} carries no document key"
            )));
        }
        let covered = grant_account.credentials.contains(&CredentialRef::Account {
            address: *credential,
        });
        if !covered {
            return Err(SdkError::CredentialNotInGrant {
                grant: *grant,
                credential: *credential,
            });
        }
        let account = fetched[1]
            .as_ref()
            .ok_or(SdkError::AccountNotFound(*credential))?;
        let credential_account: Credential = accounts::decode(credential, account)?;
        if credential_account.subject != grant_account.subject {
            return Err(SdkError::CredentialNotInGrant {
                grant: *grant,
                credential: *credential,
            });
        }
        let key = sealing::open_sealed_key(self.keypair, &grant_account.sealed_key)?;
        let document = sealing::open_document(sealed, &key)?;
        if !commitment::matches(&credential_account.commitment, salt, &document) {
            return Err(SdkError::DocumentMismatch {
                credential: *credential,
            });
        }
        Ok(document)
    }

    /// The grants this recruiter holds.
    pub async fn grants(&self) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
        accounts::grants_to_grantee(self.transport, &self.pubkey()).await
    }
}
