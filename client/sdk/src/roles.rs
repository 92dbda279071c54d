//! Role APIs: what each kind of user does, over any [`Transport`].
//!
//! Every role signs with its own keypair and pays its own fees and rent.

use anchor_lang::{AnchorDeserialize, Discriminator};
use credence_consent::{
    events::AccessRecorded,
    state::{AccessOutcome, CredentialRef, Grant},
    CreateGrantArgs, UpdateGrantArgs,
};
use credence_registry::{
    state::{Credential, Issuer as IssuerAccount},
    AddDelegateArgs, CreateSchemaArgs, IssueCredentialArgs, RegisterIssuerArgs,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

mod fees;
mod pool;

pub use fees::{format_amount, parse_amount, token_balance, FeeQuote, PreparedAccess, TokenMint};
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
    commitment::{self, Salt},
    error::SdkError,
    events,
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

    /// Accredits, suspends, reinstates or revokes an issuer.
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
    /// credential's id and salt derive from it, so re-issuing the same reference is a no-op.
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
    /// Whether it already existed (a resumed or repeated issuance).
    pub already_existed: bool,
}

/// The result of a batch issuance.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BatchReport {
    /// Issued now.
    pub issued: usize,
    /// Already on-chain (skipped).
    pub skipped: usize,
    /// Transactions sent.
    pub transactions: usize,
    /// Every credential of the batch, in input order.
    pub credentials: Vec<Issued>,
}

/// An issuer, acting through its authority key or a delegate.
pub struct Issuer<'a> {
    transport: &'a Transport,
    signer: &'a Keypair,
    as_delegate: bool,
    /// The registry.
    pub registry: Pubkey,
    /// The issuer's address.
    pub issuer: Pubkey,
}

impl<'a> Issuer<'a> {
    /// The issuer `issuer_id` of `registry`, acting through its authority `signer`.
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
            registry,
            issuer: pda::issuer(&registry, issuer_id).0,
        }
    }

    /// The same issuer acting through a delegate key.
    pub fn as_delegate(mut self) -> Self {
        self.as_delegate = true;
        self
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

    /// Registers the issuer (pending accreditation); `Ok(false)` if it already exists.
    pub async fn register(&self, args: RegisterIssuerArgs) -> Result<bool, SdkError> {
        if self.transport.account(&self.issuer).await?.is_some() {
            return Ok(false);
        }
        created(
            self.send(&[rix::register_issuer(
                &self.signer.pubkey(),
                &self.registry,
                args,
            )])
            .await,
        )
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

    /// The salt of `reference`: derived from the issuer's signing key, so a re-run reproduces it
    /// (and nobody without the key can).
    pub fn salt_for(&self, reference: &str) -> Salt {
        let mut hasher = Sha256::new();
        hasher.update(b"credence:salt:v1");
        hasher.update(&self.signer.to_bytes()[..32]);
        hasher.update(self.issuer.as_ref());
        hasher.update(reference.as_bytes());
        Salt(hasher.finalize().into())
    }

    fn prepare(&self, request: &IssueRequest) -> (Instruction, Issued) {
        let credential_id = commitment::credential_id(&self.issuer, &request.reference);
        let salt = self.salt_for(&request.reference);
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
        (ix, issued)
    }

    /// Issues one credential (a no-op if this reference was already issued to this subject).
    pub async fn issue(&self, request: &IssueRequest) -> Result<Issued, SdkError> {
        let mut report = self
            .issue_batch(std::slice::from_ref(request), |_| {})
            .await?;
        Ok(report.credentials.remove(0))
    }

    /// Issues many credentials, packed into as few transactions as fit in 1,232 bytes. Those
    /// already on-chain are skipped, so a batch stopped half-way can be re-run: nothing is
    /// duplicated or lost. `progress(done)` is called after each transaction.
    pub async fn issue_batch(
        &self,
        requests: &[IssueRequest],
        mut progress: impl FnMut(usize),
    ) -> Result<BatchReport, SdkError> {
        let prepared: Vec<(Instruction, Issued)> =
            requests.iter().map(|r| self.prepare(r)).collect();
        let addresses: Vec<Pubkey> = prepared
            .iter()
            .map(|(_, i)| i.credential.parse().expect("an address we derived"))
            .collect();
        let existing = self.transport.accounts(&addresses).await?;
        let mut report = BatchReport::default();
        let mut pending: Vec<Instruction> = Vec::new();
        let payer = self.signer.pubkey();
        for ((ix, mut issued), exists) in prepared.into_iter().zip(existing) {
            if exists.is_some() {
                issued.already_existed = true;
                report.skipped += 1;
                progress(report.skipped + report.issued);
            } else {
                let mut candidate = pending.clone();
                candidate.push(ix.clone());
                if !pending.is_empty()
                    && transaction_size(&candidate, &payer) > MAX_TRANSACTION_SIZE
                {
                    self.flush(&mut pending, &mut report, &mut progress).await?;
                }
                pending.push(ix);
            }
            report.credentials.push(issued);
        }
        self.flush(&mut pending, &mut report, &mut progress).await?;
        Ok(report)
    }

    async fn flush(
        &self,
        pending: &mut Vec<Instruction>,
        report: &mut BatchReport,
        progress: &mut impl FnMut(usize),
    ) -> Result<(), SdkError> {
        if pending.is_empty() {
            return Ok(());
        }
        match self.send(pending).await {
            Ok(_) => {
                report.transactions += 1;
                report.issued += pending.len();
            }
            Err(err) if err.program_error_name() == Some("AccountAlreadyInUse") => {
                // Someone (an earlier run whose confirmation we missed) issued part of this
                // chunk: fall back to one by one, treating "already exists" as done.
                for ix in pending.iter() {
                    match self.send(std::slice::from_ref(ix)).await {
                        Ok(_) => {
                            report.transactions += 1;
                            report.issued += 1;
                        }
                        Err(err) if err.program_error_name() == Some("AccountAlreadyInUse") => {
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

/// One entry of a candidate's audit trail: a recorded verification.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessEntry {
    /// The grant it was recorded under.
    pub grant: String,
    /// The recruiter.
    pub grantee: String,
    /// The credentials checked.
    pub credentials: Vec<String>,
    /// `verified` or `failed`.
    pub outcome: String,
    /// Which use of the grant.
    pub use_number: u32,
    /// When (unix seconds).
    pub timestamp: i64,
    /// The transaction.
    pub signature: String,
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

    /// Who verified what and when: the accesses recorded under her grants, newest first.
    ///
    /// Read from the `AccessRecorded` events in the transactions' logs; where a node does not keep
    /// logs (Agave's test validator records none for transactions its own leader produced), the
    /// `record_access` instructions themselves are decoded instead, with the grant's credential
    /// list and the block time.
    pub async fn audit_trail(&self) -> Result<Vec<AccessEntry>, SdkError> {
        let mut entries = Vec::new();
        for (grant_address, grant) in self.grants().await? {
            let signatures = self.transport.signatures_for(&grant_address).await?;
            let mut decoded = Vec::new();
            for signature in signatures.iter().rev() {
                let record = self.transport.transaction(signature).await?;
                let events = events::events::<AccessRecorded>(&credence_consent::ID, &record.logs);
                if !events.is_empty() {
                    for event in events.into_iter().filter(|e| e.subject == self.pubkey()) {
                        entries.push(entry(
                            &event.grant,
                            &event.grantee,
                            &event.credentials,
                            event.outcome,
                            event.use_number,
                            event.timestamp,
                            signature,
                        ));
                    }
                    continue;
                }
                for ix in &record.instructions {
                    let is_access = ix.program_id == credence_consent::ID
                        && ix.data.starts_with(
                            credence_consent::instruction::RecordAccess::DISCRIMINATOR,
                        )
                        && ix.accounts.get(1).map(|a| a.pubkey) == Some(grant_address);
                    if !is_access {
                        continue;
                    }
                    let Ok(call) =
                        credence_consent::instruction::RecordAccess::try_from_slice(&ix.data[8..])
                    else {
                        continue;
                    };
                    let credentials: Vec<CredentialRef> = grant
                        .credentials
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| call.args.credentials_mask & (1 << i) != 0)
                        .map(|(_, r)| *r)
                        .collect();
                    decoded.push((
                        ix.accounts[0].pubkey,
                        credentials,
                        call.args.outcome,
                        record.block_time.unwrap_or(0),
                        signature.clone(),
                    ));
                }
            }
            for (i, (grantee, credentials, outcome, timestamp, signature)) in
                decoded.into_iter().enumerate()
            {
                let use_number = u32::try_from(i + 1).unwrap_or(u32::MAX);
                entries.push(entry(
                    &grant_address,
                    &grantee,
                    &credentials,
                    outcome,
                    use_number,
                    timestamp,
                    &signature,
                ));
            }
        }
        entries.sort_by(|a, b| {
            b.timestamp
                .cmp(&a.timestamp)
                .then(b.use_number.cmp(&a.use_number))
        });
        Ok(entries)
    }
}

impl Candidate<'_> {
    /// The audit trail once it includes the transaction `signature`, waiting up to `timeout`: a
    /// node indexes transactions by address once their slot is rooted (seconds after
    /// confirmation), and the embedded chain at once.
    pub async fn audit_trail_including(
        &self,
        signature: &str,
        timeout: std::time::Duration,
    ) -> Result<Vec<AccessEntry>, SdkError> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let trail = self.audit_trail().await?;
            if trail.iter().any(|e| e.signature == signature)
                || std::time::Instant::now() >= deadline
            {
                return Ok(trail);
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
}

fn entry(
    grant: &Pubkey,
    grantee: &Pubkey,
    credentials: &[CredentialRef],
    outcome: AccessOutcome,
    use_number: u32,
    timestamp: i64,
    signature: &str,
) -> AccessEntry {
    AccessEntry {
        grant: grant.to_string(),
        grantee: grantee.to_string(),
        credentials: credentials.iter().map(accounts::reference_text).collect(),
        outcome: match outcome {
            AccessOutcome::Verified => "verified".into(),
            AccessOutcome::Failed => "failed".into(),
        },
        use_number,
        timestamp,
        signature: signature.to_string(),
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

    /// Opens a sealed document with the key the candidate sealed into the grant. Refused unless
    /// the grant is to this recruiter, in force (not revoked, not expired) and carries a key.
    pub async fn open_document(
        &self,
        grant: &Pubkey,
        sealed: &SealedDocument,
    ) -> Result<Vec<u8>, SdkError> {
        // The grant and the cluster's clock in one round trip.
        let fetched = self
            .transport
            .accounts(&[*grant, crate::transport::CLOCK_SYSVAR])
            .await?;
        let account = fetched[0]
            .as_ref()
            .ok_or(SdkError::AccountNotFound(*grant))?;
        let grant_account: Grant = accounts::decode(grant, account)?;
        let now = crate::transport::clock_now(fetched[1].as_ref())?;
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
        if grant_account.sealed_key.is_empty() {
            return Err(SdkError::Invalid(format!(
                "grant {grant} carries no document key"
            )));
        }
        let key = sealing::open_sealed_key(self.keypair, &grant_account.sealed_key)?;
        sealing::open_document(sealed, &key)
    }

    /// The grants this recruiter holds.
    pub async fn grants(&self) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
        accounts::grants_to_grantee(self.transport, &self.pubkey()).await
    }
}
