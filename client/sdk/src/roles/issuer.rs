//! The issuer: registers in a registry, publishes schemas and their verification fees, adds
//! delegates, issues credentials (one, or a resumable batch packed into as few transactions as
//! fit) and suspends, reinstates, revokes, renews or closes them.

use std::collections::HashMap;

use credence_registry::{
    AddDelegateArgs, BatchCredential, CreateSchemaArgs, IssueCredentialArgs, IssueCredentialsArgs,
    MAX_ISSUE_BATCH, RegisterIssuerArgs,
    state::{Credential, Issuer as IssuerAccount, Schema},
};
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

mod cohort;

pub use cohort::CohortIssued;

use super::created;
use crate::{
    accounts::{self, fetch},
    commitment::{self, IssuerSecret, Salt},
    error::SdkError,
    fees::token_balance,
    ix::{
        registry::{self as rix, CredentialChange, IssuerSigner},
        token as tix,
    },
    pda,
    transport::{MAX_TRANSACTION_SIZE, Sent, Transport, transaction_size},
};

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

/// An issued (or already existing) credential and what the candidate needs to prove it. In JSON,
/// addresses are base58 and the salt and commitment hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// The issuer's reference.
    pub reference: String,
    /// The credential's address.
    #[serde(with = "crate::serde_text")]
    pub credential: Pubkey,
    /// The subject.
    #[serde(with = "crate::serde_text")]
    pub subject: Pubkey,
    /// The commitment's salt: hand it to the candidate with the document.
    #[serde(with = "crate::serde_text")]
    pub salt: Salt,
    /// The commitment.
    #[serde(with = "crate::serde_text::hex32")]
    pub commitment: [u8; 32],
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
    in_flight: usize,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer's address.
    pub issuer: Pubkey,
}

/// Batch transactions an issuer keeps unconfirmed at once over JSON-RPC by default (see
/// [`Issuer::with_in_flight`]).
pub const DEFAULT_IN_FLIGHT: usize = 32;

/// One row of a batch, ready to send.
struct Prepared {
    /// Its entry in an `issue_credentials` batch: id, subject and commitment.
    item: BatchCredential,
    /// What rows must share to go in one batch: schema and window.
    group: (Pubkey, Option<i64>, Option<i64>),
    /// What the caller gets back; `issued.credential` is the row's address.
    issued: Issued,
}

impl Prepared {
    fn address(&self) -> Pubkey {
        self.issued.credential
    }

    fn schema(&self) -> Pubkey {
        self.group.0
    }

    /// Its own `issue_credential` arguments, for the one-by-one fallback.
    fn args(&self) -> IssueCredentialArgs {
        let (_, valid_from, expires_at) = self.group;
        IssueCredentialArgs {
            credential_id: self.item.credential_id,
            subject: self.item.subject,
            commitment: self.item.commitment,
            valid_from,
            expires_at,
        }
    }
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
            in_flight: DEFAULT_IN_FLIGHT,
            registry,
            issuer: pda::issuer(&registry, issuer_id).0,
        }
    }

    /// The same issuer keeping up to `transactions` batch transactions unconfirmed at once over
    /// JSON-RPC ([`DEFAULT_IN_FLIGHT`] unless set; 1 sends each after the last is confirmed).
    pub fn with_in_flight(mut self, transactions: usize) -> Self {
        self.in_flight = transactions.max(1);
        self
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
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     council_key: &solana_keypair::Keypair,
    /// #     registry: credence_sdk::Pubkey,
    /// #     schema: credence_sdk::Pubkey,
    /// #     nurse: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// # let secret = credence_sdk::commitment::IssuerSecret::generate();
    /// # let council = credence_sdk::roles::Issuer::new(transport, council_key, registry, "nmc").with_secret(&secret);
    /// use credence_sdk::{registry_program::RegisterIssuerArgs, SdkError};
    ///
    /// match council
    ///     .register(RegisterIssuerArgs {
    ///         issuer_id: "nmc".into(),
    ///         name: "Nursing and Midwifery Council".into(),
    ///         uri: "https://nmc.example".into(),
    ///         jurisdiction: "GB".into(),
    ///     })
    ///     .await
    /// {
    ///     Ok(_) => println!("registered {}: ask the admin to accredit it", council.issuer),
    ///     Err(SdkError::IssuerIdTaken { authority, .. }) => println!("id taken by {authority}"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn register(&self, args: RegisterIssuerArgs) -> Result<bool, SdkError> {
        if pda::issuer(&self.registry, &args.issuer_id).0 != self.issuer {
            return Err(SdkError::IssuerIdMismatch {
                issuer_id: args.issuer_id,
                issuer: self.issuer,
            });
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

    /// Publishes a schema; returns its address and whether it was created now (a schema that
    /// already exists is left as it is).
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     council_key: &solana_keypair::Keypair,
    /// #     registry: credence_sdk::Pubkey,
    /// #     schema: credence_sdk::Pubkey,
    /// #     nurse: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// # let secret = credence_sdk::commitment::IssuerSecret::generate();
    /// # let council = credence_sdk::roles::Issuer::new(transport, council_key, registry, "nmc").with_secret(&secret);
    /// use credence_sdk::registry_program::CreateSchemaArgs;
    ///
    /// let licence = council
    ///     .create_schema(CreateSchemaArgs {
    ///         name: "rn-licence".into(),
    ///         version: 1,
    ///         uri: "https://nmc.example/schemas/rn-v1.json".into(),
    ///         schema_hash: [0; 32],
    ///         default_validity_secs: 365 * 86_400,
    ///         suspendable: true,
    ///     })
    ///     .await?;
    /// println!("schema {} (created now: {})", licence.schema, licence.created);
    /// # Ok(()) }
    /// ```
    pub async fn create_schema(&self, args: CreateSchemaArgs) -> Result<SchemaCreated, SdkError> {
        let schema = pda::schema(&self.issuer, &args.name, args.version).0;
        if self.transport.account(&schema).await?.is_some() {
            return Ok(SchemaCreated {
                schema,
                created: false,
            });
        }
        let created = created(
            self.send(&[rix::create_schema(
                &self.signer.pubkey(),
                &self.issuer,
                args,
            )])
            .await,
        )?;
        Ok(SchemaCreated { schema, created })
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

    /// Every row prepared (ids, salts, commitments and addresses: an address derivation is a
    /// curve check), on every core for a large batch, in order.
    fn prepare_all(&self, secret: &IssuerSecret, requests: &[IssueRequest]) -> Vec<Prepared> {
        let issuer = self.issuer;
        let mut rows: Vec<Option<Prepared>> = requests.iter().map(|_| None).collect();
        crate::cohort::par_fill(&mut rows, 256, |offset, part| {
            for (slot, request) in part.iter_mut().zip(&requests[offset..]) {
                *slot = Some(Self::prepare(&issuer, secret, request));
            }
        });
        rows.into_iter()
            .map(|row| row.expect("every row is prepared"))
            .collect()
    }

    fn prepare(issuer: &Pubkey, secret: &IssuerSecret, request: &IssueRequest) -> Prepared {
        let credential_id = secret.credential_id(issuer, &request.reference);
        let salt = secret.salt(issuer, &request.reference);
        let commitment = commitment::commit(&salt, &request.document);
        let item = BatchCredential {
            credential_id,
            subject: request.subject,
            commitment,
        };
        let group = (request.schema, request.valid_from, request.expires_at);
        let issued = Issued {
            reference: request.reference.clone(),
            credential: pda::credential(issuer, &request.subject, &credential_id).0,
            subject: request.subject,
            salt,
            commitment,
            already_existed: false,
        };
        Prepared {
            item,
            group,
            issued,
        }
    }

    /// Checks that the credential already at a row's address is the one this run would issue
    /// (same commitment, so the same document and salt; same schema, subject and issuer).
    fn check_existing(&self, row: &Prepared, account: &Account) -> Result<(), SdkError> {
        let existing: Credential = accounts::decode(&row.address(), account)?;
        let field = if existing.commitment != row.item.commitment {
            "commitment"
        } else if existing.schema != row.schema() {
            "schema"
        } else if existing.subject != row.item.subject {
            "subject"
        } else if existing.issuer != self.issuer {
            "issuer"
        } else {
            return Ok(());
        };
        Err(SdkError::ExistingCredentialDiffers {
            reference: row.issued.reference.clone(),
            credential: row.address(),
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
    /// Consecutive rows sharing a schema and a window go into one `issue_credentials` batch
    /// (the shared accounts named once: 7 a legacy transaction). Over JSON-RPC up to
    /// [`Issuer::with_in_flight`] transactions are kept unconfirmed at once
    /// ([`Transport::send_many`]); the issuer and schema are only read, so they do not
    /// contend for locks. If a transaction fails, the others still land and the first error is
    /// returned: a re-run skips what landed.
    ///
    /// Those already on-chain are skipped, so a batch stopped half-way can be re-run, by the
    /// authority, a delegate or a rotated authority key: nothing is duplicated or lost. A skipped
    /// row is checked first: if the credential on-chain is not the one this run would issue (its
    /// commitment, schema or subject differ, for example an edited document or another secret),
    /// the batch stops with [`SdkError::ExistingCredentialDiffers`] naming the row's reference,
    /// instead of handing out a salt that does not open it; when found before sending (the usual
    /// case), nothing is sent. `progress(done)` is called after each transaction and each
    /// skipped row.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     council_key: &solana_keypair::Keypair,
    /// #     registry: credence_sdk::Pubkey,
    /// #     schema: credence_sdk::Pubkey,
    /// #     nurse: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// # let secret = credence_sdk::commitment::IssuerSecret::generate();
    /// # let council = credence_sdk::roles::Issuer::new(transport, council_key, registry, "nmc").with_secret(&secret);
    /// use credence_sdk::roles::IssueRequest;
    ///
    /// let rows: Vec<IssueRequest> = (0..300)
    ///     .map(|i| IssueRequest {
    ///         subject: nurse,
    ///         schema,
    ///         reference: format!("RN-{i:05}"),
    ///         document: format!("licence {i}").into_bytes(),
    ///         valid_from: None,
    ///         expires_at: None,
    ///     })
    ///     .collect();
    /// let report = council.issue_batch(&rows, |done| eprint!("\r{done}/300")).await?;
    /// // Run it again after a crash: what landed is checked and skipped, nothing is issued twice.
    /// println!("{} issued, {} skipped, {} transactions", report.issued, report.skipped, report.transactions);
    /// # Ok(()) }
    /// ```
    pub async fn issue_batch(
        &self,
        requests: &[IssueRequest],
        mut progress: impl FnMut(usize),
    ) -> Result<BatchReport, SdkError> {
        let secret = self.secret()?;
        let rows = self.prepare_all(secret, requests);
        let addresses: Vec<Pubkey> = rows.iter().map(Prepared::address).collect();
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
        // Pack the rows not on-chain into `issue_credentials` batches: consecutive rows sharing
        // a schema and a window, as many as fit one transaction.
        let mut capacity: HashMap<(Pubkey, Option<i64>, Option<i64>), usize> = HashMap::new();
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        for (index, exists) in existing.iter().enumerate() {
            if exists.is_some() {
                report.credentials[index].already_existed = true;
                report.skipped += 1;
                progress(report.skipped);
                continue;
            }
            let group = rows[index].group;
            let fits = match capacity.get(&group) {
                Some(&fits) => fits,
                None => {
                    let fits = self.batch_capacity(group);
                    capacity.insert(group, fits);
                    fits
                }
            };
            if let Some(&first) = pending.first()
                && (rows[first].group != group || pending.len() >= fits)
            {
                chunks.push(std::mem::take(&mut pending));
            }
            pending.push(index);
        }
        if !pending.is_empty() {
            chunks.push(pending);
        }
        let transactions: Vec<Vec<Instruction>> = chunks
            .iter()
            .map(|chunk| vec![self.batch_ix(&rows, chunk)])
            .collect();
        let mut done = report.skipped;
        let results = self
            .transport
            .send_many(&transactions, self.signer, &[], self.in_flight, |i| {
                done += chunks[i].len();
                progress(done);
            })
            .await;
        let mut first_error = None;
        for (chunk, result) in chunks.iter().zip(results) {
            match result {
                Ok(_) => {
                    report.transactions += 1;
                    report.issued += chunk.len();
                }
                Err(err) if err.is_already_in_use() => {
                    // Someone (an earlier run whose confirmation we missed, another delegate)
                    // issued part of this batch: fall back to one by one, checking what is
                    // already there.
                    self.one_by_one(&rows, chunk, &mut report).await?;
                    progress(report.issued + report.skipped);
                }
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
        match first_error {
            // What landed is on-chain; a re-run skips it and sends the rest.
            Some(err) => Err(err),
            None => Ok(report),
        }
    }

    /// How many rows of `group` one `issue_credentials` transaction holds: as many as fit 1,232
    /// bytes (a batch's size depends only on its count and whether its window is given), at
    /// most `MAX_ISSUE_BATCH`.
    fn batch_capacity(
        &self,
        (schema, valid_from, expires_at): (Pubkey, Option<i64>, Option<i64>),
    ) -> usize {
        let payer = self.signer.pubkey();
        let items = |n: usize| -> Vec<BatchCredential> {
            (0..n)
                .map(|i| BatchCredential {
                    credential_id: [i as u8; 32],
                    subject: Pubkey::new_unique(),
                    commitment: [1; 32],
                })
                .collect()
        };
        (1..=MAX_ISSUE_BATCH)
            .take_while(|&n| {
                // Any distinct keys size the batch as its real addresses do: none is derived.
                let addresses: Vec<Pubkey> = (0..n).map(|_| Pubkey::new_unique()).collect();
                let ix = rix::issue_credentials_at(
                    &self.issuer_signer(),
                    &payer,
                    &schema,
                    IssueCredentialsArgs {
                        valid_from,
                        expires_at,
                        credentials: items(n),
                    },
                    &addresses,
                );
                transaction_size(&[ix], &payer) <= MAX_TRANSACTION_SIZE
            })
            .last()
            .unwrap_or(1)
    }

    /// The `issue_credentials` instruction of the rows `chunk` (indices into `rows`, one group).
    fn batch_ix(&self, rows: &[Prepared], chunk: &[usize]) -> Instruction {
        let (schema, valid_from, expires_at) = rows[chunk[0]].group;
        let addresses: Vec<Pubkey> = chunk.iter().map(|&i| rows[i].address()).collect();
        rix::issue_credentials_at(
            &self.issuer_signer(),
            &self.signer.pubkey(),
            &schema,
            IssueCredentialsArgs {
                valid_from,
                expires_at,
                credentials: chunk.iter().map(|&i| rows[i].item.clone()).collect(),
            },
            &addresses,
        )
    }

    /// Sends the rows `chunk` one by one, skipping (after checking) those already on-chain.
    async fn one_by_one(
        &self,
        rows: &[Prepared],
        chunk: &[usize],
        report: &mut BatchReport,
    ) -> Result<(), SdkError> {
        for &index in chunk {
            let row = &rows[index];
            let ix = rix::issue_credential(
                &self.issuer_signer(),
                &self.signer.pubkey(),
                &row.schema(),
                row.args(),
            );
            match self.send(&[ix]).await {
                Ok(_) => {
                    report.transactions += 1;
                    report.issued += 1;
                }
                Err(err) if err.is_already_in_use() => {
                    let account = self
                        .transport
                        .account(&row.address())
                        .await?
                        .ok_or(SdkError::AccountNotFound(row.address()))?;
                    self.check_existing(row, &account)?;
                    report.credentials[index].already_existed = true;
                    report.skipped += 1;
                }
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Suspends, reinstates, revokes (with a reason) or renews a credential.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     council_key: &solana_keypair::Keypair,
    /// #     registry: credence_sdk::Pubkey,
    /// #     schema: credence_sdk::Pubkey,
    /// #     nurse: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// # let secret = credence_sdk::commitment::IssuerSecret::generate();
    /// # let council = credence_sdk::roles::Issuer::new(transport, council_key, registry, "nmc").with_secret(&secret);
    /// # let credential = credence_sdk::Pubkey::new_unique();
    /// use credence_sdk::{ix::registry::CredentialChange, registry_program::constants::REASON_DISCIPLINARY};
    ///
    /// council.change(CredentialChange::Suspend, &credential).await?;
    /// council
    ///     .change(CredentialChange::Revoke { reason: REASON_DISCIPLINARY }, &credential)
    ///     .await?;
    /// # Ok(()) }
    /// ```
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

    /// Sets or changes `schema`'s fee to `amount` base units of `mint`, paid into `treasury`
    /// (`None`: the authority's associated token account, created if missing). Returns the
    /// treasury.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     council_key: &solana_keypair::Keypair,
    /// #     registry: credence_sdk::Pubkey,
    /// #     schema: credence_sdk::Pubkey,
    /// #     nurse: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// # let secret = credence_sdk::commitment::IssuerSecret::generate();
    /// # let council = credence_sdk::roles::Issuer::new(transport, council_key, registry, "nmc").with_secret(&secret);
    /// # let usdc = credence_sdk::Pubkey::new_unique();
    /// // 2.50 of a 6-decimal stablecoin per verified licence, into the council's token account.
    /// let treasury = council.set_fee(&schema, &usdc, None, 2_500_000).await?;
    /// # let _ = treasury;
    /// # Ok(()) }
    /// ```
    pub async fn set_fee(
        &self,
        schema: &Pubkey,
        mint: &Pubkey,
        treasury: Option<Pubkey>,
        amount: u64,
    ) -> Result<Pubkey, SdkError> {
        let authority = self.signer.pubkey();
        let mut ixs = Vec::new();
        let treasury = match treasury {
            Some(treasury) => treasury,
            None => {
                ixs.push(tix::create_token_account(&authority, &authority, mint));
                pda::token_account(&authority, mint)
            }
        };
        ixs.push(rix::set_schema_fee(
            &authority,
            &self.issuer,
            schema,
            mint,
            &treasury,
            amount,
        ));
        self.send(&ixs).await?;
        Ok(treasury)
    }

    /// Removes `schema`'s fee.
    pub async fn clear_fee(&self, schema: &Pubkey) -> Result<Sent, SdkError> {
        self.send(&[rix::clear_schema_fee(
            &self.signer.pubkey(),
            &self.issuer,
            schema,
        )])
        .await
    }

    /// The treasury of `schema`'s fee and the tokens it holds (`None`: the schema has no fee).
    pub async fn treasury(&self, schema: &Pubkey) -> Result<Option<Treasury>, SdkError> {
        let schema: Schema = fetch(self.transport, schema).await?;
        if !schema.fee.is_set() {
            return Ok(None);
        }
        let balance = token_balance(self.transport, &schema.fee.treasury).await?;
        Ok(Some(Treasury {
            address: schema.fee.treasury,
            balance,
        }))
    }
}

/// A schema published by [`Issuer::create_schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaCreated {
    /// The schema's address.
    #[serde(with = "crate::serde_text")]
    pub schema: Pubkey,
    /// Whether it was created now (`false`: it already existed and was left as it is).
    pub created: bool,
}

/// A fee's treasury and what it holds ([`Issuer::treasury`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Treasury {
    /// The token account fees are paid into.
    #[serde(with = "crate::serde_text")]
    pub address: Pubkey,
    /// Its balance, in the mint's base units.
    pub balance: u64,
}
