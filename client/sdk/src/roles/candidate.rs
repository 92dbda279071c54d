//! The candidate: grants and revokes consent, lists herself in the talent pool, answers access
//! requests (an approval binds to the terms she read), and reads her audit trail.

use credence_consent::{
    ApproveRequestArgs, CreateGrantArgs, CreateListingArgs, UpdateGrantArgs, UpdateListingArgs,
    state::{AccessRequest, CredentialRef, Grant, Listing},
};
use credence_registry::state::Credential;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_signer::Signer;

use crate::{
    accounts,
    audit::{self, AuditOptions, AuditTrail},
    error::SdkError,
    ix::consent as cix,
    pda,
    pool::{ListingTerms, code},
    sealing::{self, DocumentKey},
    transport::{Sent, Transport},
};

/// What a candidate grants.
#[derive(Clone, Debug)]
pub struct GrantRequest {
    /// Her id for the grant (distinguishes grants to one recruiter).
    pub grant_id: u64,
    /// The recruiter.
    pub grantee: Pubkey,
    /// The credentials covered: credential accounts ([`accounts::account_refs`]) and cohort
    /// leaves.
    pub credentials: Vec<CredentialRef>,
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
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     nurse_key: &solana_keypair::Keypair,
    /// #     hospital: credence_sdk::Pubkey,
    /// #     licence: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Candidate;
    /// let nurse = Candidate::new(transport, nurse_key);
    /// use credence_sdk::roles::GrantRequest;
    ///
    /// let now = transport.now().await?;
    /// let grant = nurse
    ///     .grant(GrantRequest {
    ///         grant_id: 1,
    ///         grantee: hospital,
    ///         credentials: credence_sdk::accounts::account_refs(&[licence]),
    ///         purpose: "Recruitment: ward nurse".into(),
    ///         expires_at: now + 7 * 86_400,
    ///         max_uses: 3,
    ///         document_key: None,
    ///     })
    ///     .await?;
    /// nurse.revoke(&grant).await?; // at once; the next verification fails with the reason
    /// # Ok(()) }
    /// ```
    pub async fn grant(&self, request: GrantRequest) -> Result<Pubkey, SdkError> {
        let sealed_key = match &request.document_key {
            Some(key) => sealing::seal_key_to(&request.grantee, key)?,
            None => Vec::new(),
        };
        let args = CreateGrantArgs {
            grant_id: request.grant_id,
            grantee: request.grantee,
            credentials: request.credentials,
            purpose: request.purpose,
            expires_at: request.expires_at,
            max_uses: request.max_uses,
            sealed_key,
        };
        self.send(cix::create_grant(&self.pubkey(), args)).await?;
        Ok(pda::grant(&self.pubkey(), &request.grantee, request.grant_id).0)
    }

    /// Changes a grant.
    pub async fn update(&self, grant: &Pubkey, args: UpdateGrantArgs) -> Result<Sent, SdkError> {
        self.send(cix::update_grant(&self.pubkey(), grant, args))
            .await
    }

    /// Revokes a grant at once.
    pub async fn revoke(&self, grant: &Pubkey) -> Result<Sent, SdkError> {
        self.send(cix::revoke_grant(&self.pubkey(), grant)).await
    }

    /// Closes a grant and takes its rent back.
    pub async fn close(&self, grant: &Pubkey) -> Result<Sent, SdkError> {
        self.send(cix::close_grant(&self.pubkey(), grant)).await
    }

    /// Her grants.
    pub async fn grants(&self) -> Result<Vec<(Pubkey, Grant)>, SdkError> {
        accounts::grants_of_subject(self.transport, &self.pubkey()).await
    }

    /// Her credentials.
    pub async fn credentials(&self) -> Result<Vec<(Pubkey, Credential)>, SdkError> {
        accounts::credentials_of_subject(self.transport, &self.pubkey()).await
    }

    /// Puts her listing in the pool; returns its address.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     nurse_key: &solana_keypair::Keypair,
    /// #     hospital: credence_sdk::Pubkey,
    /// #     licence: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Candidate;
    /// let nurse = Candidate::new(transport, nurse_key);
    /// use credence_sdk::roles::ListingTerms;
    ///
    /// // Codes and credentials only: no name, no contact.
    /// let listing = nurse
    ///     .list(ListingTerms {
    ///         occupation: "2221".into(), // ISCO-08 nursing professionals
    ///         region: "GB-ENG".into(),
    ///         available_from: transport.now().await? + 30 * 86_400,
    ///         credentials: credence_sdk::accounts::account_refs(&[licence]),
    ///     })
    ///     .await?;
    /// # let _ = listing;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, terms: ListingTerms) -> Result<Pubkey, SdkError> {
        let args = CreateListingArgs {
            occupation: code(&terms.occupation)?,
            region: code(&terms.region)?,
            available_from: terms.available_from,
            credentials: terms.credentials,
        };
        self.send(cix::create_listing(&self.pubkey(), args)).await?;
        Ok(pda::listing(&self.pubkey()).0)
    }

    /// Changes her listing; each `None` is kept.
    pub async fn update_listing(
        &self,
        occupation: Option<&str>,
        region: Option<&str>,
        available_from: Option<i64>,
        credentials: Option<Vec<CredentialRef>>,
    ) -> Result<Sent, SdkError> {
        let args = UpdateListingArgs {
            occupation: occupation.map(code).transpose()?,
            region: region.map(code).transpose()?,
            available_from,
            credentials,
        };
        self.send(cix::update_listing(&self.pubkey(), args)).await
    }

    /// Takes her listing out of the pool (the rent comes back).
    pub async fn unlist(&self) -> Result<Sent, SdkError> {
        self.send(cix::close_listing(&self.pubkey())).await
    }

    /// Her listing, if she has one.
    pub async fn listing(&self) -> Result<Option<Listing>, SdkError> {
        accounts::fetch_optional(self.transport, &pda::listing(&self.pubkey()).0).await
    }

    /// The access requests waiting for her answer.
    pub async fn requests(&self) -> Result<Vec<(Pubkey, AccessRequest)>, SdkError> {
        accounts::requests_to_subject(self.transport, &self.pubkey()).await
    }

    /// Approves the request at `request` on the terms she read (`asked`, for example from
    /// [`Self::requests`]): the grant (id `grant_id`) is created on those terms and the request
    /// closed, in one transaction. The approval carries [`AccessRequest::terms_hash`] of `asked`,
    /// so if the requester changed the request since (withdrawn and filed again at the same
    /// address) the program refuses it with `RequestTermsChanged` and nothing is granted.
    /// `credentials` are those she grants (`None`: those the request names); `document_key` is
    /// sealed to the request's recipient key, which must be the requester's own
    /// ([`SdkError::RecipientKeyNotRequesters`] otherwise). Returns the grant's address.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     nurse_key: &solana_keypair::Keypair,
    /// #     hospital: credence_sdk::Pubkey,
    /// #     licence: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Candidate;
    /// let nurse = Candidate::new(transport, nurse_key);
    /// // Approve each request on the terms she read: if the requester swapped them since, the program
    /// // refuses with `RequestTermsChanged` and nothing is granted.
    /// for (address, asked) in nurse.requests().await? {
    ///     let grant = nurse.approve(&address, &asked, 7, None, None).await?;
    ///     println!("granted {grant} for {:?}", asked.purpose);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn approve(
        &self,
        request: &Pubkey,
        asked: &AccessRequest,
        grant_id: u64,
        credentials: Option<Vec<CredentialRef>>,
        document_key: Option<&DocumentKey>,
    ) -> Result<Pubkey, SdkError> {
        let requester_key = sealing::x25519_public(&asked.requester)?;
        if asked.recipient_key != *requester_key.as_bytes() {
            return Err(SdkError::RecipientKeyNotRequesters {
                request: *request,
                requester: asked.requester,
            });
        }
        let credentials = match credentials {
            Some(credentials) => credentials,
            None if asked.credentials.is_empty() => {
                return Err(SdkError::CredentialsRequired { request: *request });
            }
            None => asked.credentials.clone(),
        };
        let sealed_key = match document_key {
            Some(key) => sealing::seal_key_to_x25519(&asked.recipient_key, key)?,
            None => Vec::new(),
        };
        let args = ApproveRequestArgs {
            grant_id,
            credentials,
            sealed_key,
            terms_hash: asked.terms_hash(),
        };
        self.send(cix::approve_request(
            &self.pubkey(),
            &asked.requester,
            request,
            args,
        ))
        .await?;
        Ok(pda::grant(&self.pubkey(), &asked.requester, grant_id).0)
    }

    /// Declines a request (its rent goes back to the requester).
    pub async fn decline(&self, request: &Pubkey) -> Result<Sent, SdkError> {
        let asked: AccessRequest = accounts::fetch(self.transport, request).await?;
        self.send(cix::decline_request(
            &self.pubkey(),
            &asked.requester,
            request,
        ))
        .await
    }

    /// Who verified what and when: the accesses recorded under her grants, open or closed,
    /// newest first, with each grant's cross-check. Reads at most
    /// [`DEFAULT_HISTORY_LIMIT`](crate::audit::DEFAULT_HISTORY_LIMIT) signatures per address;
    /// see [`Candidate::audit_trail_with`].
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     nurse_key: &solana_keypair::Keypair,
    /// #     hospital: credence_sdk::Pubkey,
    /// #     licence: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Candidate;
    /// let nurse = Candidate::new(transport, nurse_key);
    /// let trail = nurse.audit_trail().await?;
    /// for entry in &trail.entries {
    ///     println!(
    ///         "{} checked {} credential(s) at {}: {}",
    ///         entry.grantee,
    ///         entry.credentials.len(),
    ///         credence_sdk::time::utc(entry.timestamp),
    ///         entry.outcome
    ///     );
    /// }
    /// if !trail.complete() {
    ///     println!("{} use(s) with no entry found yet", trail.missing());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn audit_trail(&self) -> Result<AuditTrail, SdkError> {
        self.audit_trail_with(&AuditOptions::default()).await
    }

    /// The audit trail, reading as much history as `options` allows (see [`crate::audit`] for
    /// what counts as an entry).
    ///
    /// Read from the `AccessRecorded` events in the transactions' logs; where a node does not
    /// keep logs (Agave's test validator records none for transactions its own leader
    /// produced), the `record_access` instructions themselves are decoded instead, with the
    /// grant's credential list as of that access and the block time.
    pub async fn audit_trail_with(&self, options: &AuditOptions) -> Result<AuditTrail, SdkError> {
        audit::read_trail(self.transport, &self.pubkey(), options).await
    }

    /// The audit trail once it includes the transaction `signature` and every transaction its
    /// histories list could be read, waiting up to `timeout`: a node indexes transactions by
    /// address, and serves them, once their slot is rooted (seconds after confirmation), the
    /// embedded chain at once. After the timeout the trail is returned as it is (the caller
    /// checks whether the signature is in it).
    pub async fn audit_trail_including(
        &self,
        signature: &Signature,
        timeout: std::time::Duration,
    ) -> Result<AuditTrail, SdkError> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let trail = self.audit_trail().await?;
            if (trail.unreadable.is_empty()
                && trail.entries.iter().any(|e| e.signature == *signature))
                || std::time::Instant::now() >= deadline
            {
                return Ok(trail);
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }

    async fn send(&self, ix: Instruction) -> Result<Sent, SdkError> {
        self.transport.send(&[ix], self.keypair, &[]).await
    }
}
