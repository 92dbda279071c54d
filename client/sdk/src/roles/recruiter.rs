//! The recruiter: searches the talent pool and asks for access, verifies a candidate's
//! credentials in one round trip, opens the documents she sealed to him, and records verified
//! accesses, paying issuers' fees within a cap it names.

use std::collections::{HashMap, HashSet};

use credence_consent::{
    CreateRequestArgs,
    state::{AccessOutcome, AccessRequest, CredentialRef, Grant, Listing},
};
use credence_registry::state::{Cohort, Credential, Schema};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

use crate::{
    accounts::{self, fetch},
    commitment::{self, Salt},
    error::SdkError,
    fees::{FeeCap, FeeItem, FeeQuote, PreparedAccess, token_balance},
    ix::consent::{self as cix, Accessed, FeePayment},
    pda,
    pool::{PoolMatch, PoolQuery, RequestTerms, code, code_text, listing_failures},
    sealing::{self, SealedDocument},
    transport::{CLOCK_SYSVAR, Sent, Transport, clock_now},
    verify::{self, GrantProblem, Report, VerifyRequest},
};

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
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// # let nurse = credence_sdk::Pubkey::new_unique();
    /// use credence_sdk::verify::{share_from_grant, VerifyRequest};
    ///
    /// let report = hospital
    ///     .verify(&VerifyRequest {
    ///         subject: nurse,
    ///         grantee: hospital.pubkey(),
    ///         grant,
    ///         credentials: share_from_grant(transport, &grant).await?,
    ///         cohort_credentials: vec![],
    ///         trusted_registries: vec![trusted_registry],
    ///     })
    ///     .await?;
    /// for line in &report.checks {
    ///     println!("{:?} {:?}: {}", line.status, line.kind, line.detail);
    /// }
    /// # Ok(()) }
    /// ```
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
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// # let (credential, sealed, salt): (credence_sdk::Pubkey, credence_sdk::sealing::SealedDocument, credence_sdk::commitment::Salt) = unimplemented!();
    /// // Returned only if the bytes open the credential's on-chain commitment.
    /// let document = hospital.open_document(&grant, &credential, &sealed, &salt).await?;
    /// # let _ = document;
    /// # Ok(()) }
    /// ```
    pub async fn open_document(
        &self,
        grant: &Pubkey,
        credential: &Pubkey,
        sealed: &SealedDocument,
        salt: &Salt,
    ) -> Result<Vec<u8>, SdkError> {
        let fetched = self
            .transport
            .accounts(&[*grant, *credential, CLOCK_SYSVAR])
            .await?;
        let account = fetched[0]
            .as_ref()
            .ok_or(SdkError::AccountNotFound(*grant))?;
        let grant_account: Grant = accounts::decode(grant, account)?;
        let now = clock_now(fetched[2].as_ref())?;
        if grant_account.grantee != self.pubkey() {
            return Err(SdkError::NotGrantee {
                grant: *grant,
                grantee: grant_account.grantee,
                caller: self.pubkey(),
            });
        }
        if let Some(why) = GrantProblem::of(&grant_account, now) {
            return Err(SdkError::GrantNotInForce { grant: *grant, why });
        }
        if grant_account.sealed_key.is_empty() {
            return Err(SdkError::NoDocumentKey { grant: *grant });
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

    /// What recording an access over the grant's credentials in `mask` costs now, with the
    /// accounts the instruction needs. Two round trips: the credentials, then their schemas.
    pub async fn quote(&self, grant: &Grant, mask: u16) -> Result<FeeQuote, SdkError> {
        let selected: Vec<CredentialRef> =
            grant.selected(mask).map_err(|_| SdkError::OutOfRange {
                what: "the credential mask",
                allowed: format!(
                    "non-zero, within the grant's {} credentials",
                    grant.credentials.len()
                ),
                given: format!("{mask:#06x}"),
            })?;
        let addresses: Vec<Pubkey> = selected.iter().map(accounts::held_at).collect();
        let fetched = self.transport.accounts(&addresses).await?;
        let mut credentials = Vec::with_capacity(selected.len());
        for ((reference, address), account) in selected.iter().zip(&addresses).zip(&fetched) {
            let account = account
                .as_ref()
                .ok_or(SdkError::AccountNotFound(*address))?;
            let (schema, issuer) = match reference {
                CredentialRef::Account { .. } => {
                    let credential: Credential = accounts::decode(address, account)?;
                    (credential.schema, credential.issuer)
                }
                CredentialRef::CohortLeaf { .. } => {
                    let cohort: Cohort = accounts::decode(address, account)?;
                    (cohort.schema, cohort.issuer)
                }
            };
            credentials.push((*reference, schema, issuer));
        }
        let schema_keys: Vec<Pubkey> = credentials.iter().map(|(_, schema, _)| *schema).collect();
        let schemas = self.transport.accounts(&schema_keys).await?;
        let mut quote = FeeQuote::default();
        let mut mint: Option<Pubkey> = None;
        for ((credential, schema_key, issuer), account) in credentials.iter().zip(&schemas) {
            let account = account
                .as_ref()
                .ok_or(SdkError::AccountNotFound(*schema_key))?;
            let schema: Schema = accounts::decode(schema_key, account)?;
            let fee = schema.fee;
            let treasury = fee.is_set().then_some(fee.treasury);
            if fee.is_set() {
                if let Some(first) = mint.filter(|m| *m != fee.mint) {
                    return Err(SdkError::MixedFeeMints {
                        first,
                        second: fee.mint,
                    });
                }
                mint = Some(fee.mint);
                quote.decimals = fee.decimals;
                quote.total = quote
                    .total
                    .checked_add(fee.amount)
                    .ok_or(SdkError::FeeOverflow)?;
                quote.items.push(FeeItem {
                    credential: accounts::held_at(credential),
                    schema: *schema_key,
                    treasury: fee.treasury,
                    amount: fee.amount,
                });
            }
            quote.accessed.push(Accessed {
                credential: *credential,
                schema: *schema_key,
                issuer: *issuer,
                treasury,
            });
        }
        quote.mint = mint;
        Ok(quote)
    }

    /// Records a verification under a grant when no fee is due: the candidate sees it in her
    /// audit trail. Only the credentials of `report` that the grant covers and that passed every
    /// check are recorded ([`Self::prepare_access`]). If any of them carries a fee, nothing is
    /// sent: [`SdkError::FeeCapRequired`] carries the quote, and
    /// [`Self::record_access_within`] pays it within a cap the recruiter names.
    pub async fn record_access(&self, grant: &Pubkey, report: &Report) -> Result<Sent, SdkError> {
        self.record_access_within(grant, report, None).await
    }

    /// [`Self::record_access`], paying the fees due within `cap` (`None`: only when nothing is
    /// due) from the recruiter's associated token account for the cap's mint. Nothing is sent
    /// when fees are due without a cap ([`SdkError::FeeCapRequired`]), in another mint than the
    /// cap's ([`SdkError::FeeMintMismatch`]) or above it ([`SdkError::FeeAboveCap`]). The
    /// instruction names the cap's mint and, as its maximum, the total quoted just before
    /// sending, so a fee raised in between is refused by the program, not charged.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// # let report: credence_sdk::verify::Report = unimplemented!();
    /// # let usdc = credence_sdk::Pubkey::new_unique();
    /// use credence_sdk::{roles::FeeCap, SdkError};
    ///
    /// // At most 5.00 of USDC (6 decimals); a fee in any other mint is refused before sending.
    /// let cap = FeeCap { mint: usdc, max: 5_000_000 };
    /// match hospital.record_access_within(&grant, &report, Some(cap)).await {
    ///     Ok(sent) => println!("recorded in {}", sent.signature),
    ///     Err(SdkError::FeeAboveCap { total, .. }) => println!("the fees ({total}) exceed the cap"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn record_access_within(
        &self,
        grant: &Pubkey,
        report: &Report,
        cap: Option<FeeCap>,
    ) -> Result<Sent, SdkError> {
        let prepared = self.prepare_access(grant, report).await?;
        self.send_access(&prepared, cap).await
    }

    /// Reads what recording `report` under `grant` involves, sending nothing (three reads: the
    /// grant, the credentials, their schemas):
    ///
    /// - the credentials recorded: those of the grant that the report names and that passed
    ///   every check ([`Report::credential_passed`]); one that failed any check, above all
    ///   [`CheckKind::RegistryTrusted`](crate::verify::CheckKind) or `IssuerAccredited`, is
    ///   left out, so its schema's fee is never quoted or paid;
    /// - the outcome: [`AccessOutcome::Verified`] only when the report passed strictly
    ///   ([`Report::passed_strict`]), otherwise [`AccessOutcome::Failed`];
    /// - the fees due now for the recorded credentials.
    ///
    /// [`SdkError::NothingVerified`] when the report names some of the grant's credentials but
    /// none passed.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// # let report: credence_sdk::verify::Report = unimplemented!();
    /// // Read the quote first, show it, then send within a cap.
    /// let prepared = hospital.prepare_access(&grant, &report).await?;
    /// println!("{} base units due, {} credential(s) left out", prepared.quote.total, prepared.left_out.len());
    /// # Ok(()) }
    /// ```
    pub async fn prepare_access(
        &self,
        grant: &Pubkey,
        report: &Report,
    ) -> Result<PreparedAccess, SdkError> {
        let grant_account: Grant = fetch(self.transport, grant).await?;
        let mut mask = 0u16;
        let mut left_out = Vec::new();
        for (i, reference) in grant_account.credentials.iter().enumerate() {
            let (named, passed) = match reference {
                CredentialRef::Account { address } => {
                    (report.names(address), report.credential_passed(address))
                }
                CredentialRef::CohortLeaf { cohort, index } => (
                    report.names_leaf(cohort, *index),
                    report.leaf_passed(cohort, *index),
                ),
            };
            if !named {
                continue;
            }
            if passed {
                mask |= 1 << i;
            } else {
                left_out.push(accounts::held_at(reference));
            }
        }
        if mask == 0 {
            return Err(if left_out.is_empty() {
                SdkError::ReportNamesNoCredential { grant: *grant }
            } else {
                SdkError::NothingVerified { grant: *grant }
            });
        }
        let outcome = if report.passed_strict() {
            AccessOutcome::Verified
        } else {
            AccessOutcome::Failed
        };
        let quote = self.quote(&grant_account, mask).await?;
        Ok(PreparedAccess {
            grant: *grant,
            mask,
            left_out,
            outcome,
            quote,
        })
    }

    /// Sends a prepared `record_access`, paying the fees quoted in `prepared` within `cap`
    /// (`None`: only when nothing is due). Refused before sending as
    /// [`Self::record_access_within`] says ([`FeeQuote::check_cap`]).
    pub async fn send_access(
        &self,
        prepared: &PreparedAccess,
        cap: Option<FeeCap>,
    ) -> Result<Sent, SdkError> {
        let quote = &prepared.quote;
        quote.check_cap(cap.as_ref())?;
        let payment = match (quote.mint, cap) {
            (Some(_), Some(cap)) => Some(FeePayment {
                payer: pda::token_account(&self.pubkey(), &cap.mint),
                // The recruiter's mint: the program requires every fee to be in it.
                mint: cap.mint,
                // At most what was just quoted (itself within the cap).
                max_fee: quote.total,
            }),
            _ => None,
        };
        self.transport
            .send(
                &[cix::record_paid_access(
                    &self.pubkey(),
                    &prepared.grant,
                    prepared.mask,
                    prepared.outcome,
                    &quote.accessed,
                    payment,
                )],
                self.keypair,
                &[],
            )
            .await
    }

    /// The recruiter's balance of `mint`, in base units (its associated token account).
    pub async fn token_balance(&self, mint: &Pubkey) -> Result<u64, SdkError> {
        token_balance(self.transport, &pda::token_account(&self.pubkey(), mint)).await
    }

    /// Searches the pool: one `getProgramAccounts` call filtered by occupation and region
    /// prefixes, then, with `verified_only`, one batch of `getMultipleAccounts` for every listed
    /// credential and one for their issuers, schemas and the trusted registries.
    /// [`SdkError::TrustedRegistriesRequired`] (nothing is read) for `verified_only` without a
    /// trusted registry.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// use credence_sdk::roles::PoolQuery;
    ///
    /// let found = hospital
    ///     .search(&PoolQuery {
    ///         occupation: Some("222".into()), // nurses and midwives
    ///         region: Some("GB".into()),
    ///         verified_only: true,
    ///         trusted_registries: vec![trusted_registry],
    ///         ..PoolQuery::default()
    ///     })
    ///     .await?;
    /// for m in &found {
    ///     println!("{} ({} credentials) from {}", m.subject, m.credentials.len(), m.available_from);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn search(&self, query: &PoolQuery) -> Result<Vec<PoolMatch>, SdkError> {
        if query.verified_only && query.trusted_registries.is_empty() {
            return Err(SdkError::TrustedRegistriesRequired);
        }
        let occupation = query.occupation.as_deref().map(code).transpose()?;
        let region = query.region.as_deref().map(code).transpose()?;
        let found = accounts::listings(
            self.transport,
            occupation.as_ref().map(code_text).as_deref(),
            region.as_ref().map(code_text).as_deref(),
        )
        .await?;
        let mut found: Vec<(Pubkey, Listing)> = found
            .into_iter()
            .filter(|(_, l)| query.available_by.is_none_or(|by| l.available_from <= by))
            .collect();
        found.sort_by_key(|(address, l)| (l.available_from, *address));
        let verdicts = if query.verified_only {
            Some(
                self.verify_listings(&found, &query.trusted_registries)
                    .await?,
            )
        } else {
            None
        };
        let mut out = Vec::with_capacity(found.len());
        for (i, (address, listing)) in found.iter().enumerate() {
            let failures = verdicts.as_ref().map(|v| v[i].clone()).unwrap_or_default();
            if query.verified_only && !failures.is_empty() {
                continue;
            }
            out.push(PoolMatch {
                listing: *address,
                subject: listing.subject,
                occupation: code_text(&listing.occupation),
                region: code_text(&listing.region),
                available_from: listing.available_from,
                credentials: listing.credentials.clone(),
                verified: verdicts.is_some() && failures.is_empty(),
                failures,
            });
        }
        Ok(out)
    }

    /// For each listing, the failed checks of its credentials (empty: all verify), by the same
    /// rules as a grant's verification without the grant. `trusted` is not empty (see
    /// [`Self::search`]): an issuer's own registry is never trusted for being its registry.
    async fn verify_listings(
        &self,
        listings: &[(Pubkey, Listing)],
        trusted: &[Pubkey],
    ) -> Result<Vec<Vec<String>>, SdkError> {
        let mut wanted: Vec<Pubkey> = vec![CLOCK_SYSVAR];
        for (_, listing) in listings {
            for reference in &listing.credentials {
                match reference {
                    CredentialRef::Account { address } => wanted.push(*address),
                    CredentialRef::CohortLeaf { cohort, index } => {
                        wanted.push(*cohort);
                        wanted.push(pda::cohort_status(cohort, *index).0);
                    }
                }
            }
        }
        let mut fetched: HashMap<Pubkey, solana_account::Account> = HashMap::new();
        self.transport.accounts_into(&wanted, &mut fetched).await?;
        let now = clock_now(fetched.get(&CLOCK_SYSVAR))?;
        let mut second: HashSet<Pubkey> = trusted.iter().copied().collect();
        for address in &wanted[1..] {
            let account = fetched.get(address);
            if let Some(c) = account.and_then(|a| accounts::decode::<Credential>(address, a).ok()) {
                second.insert(c.issuer);
                second.insert(c.schema);
            } else if let Some(c) =
                account.and_then(|a| accounts::decode::<Cohort>(address, a).ok())
            {
                second.insert(c.issuer);
                second.insert(c.schema);
            }
        }
        let second: Vec<Pubkey> = second.into_iter().collect();
        self.transport.accounts_into(&second, &mut fetched).await?;
        Ok(listings
            .iter()
            .map(|(_, listing)| listing_failures(listing, &fetched, trusted, now))
            .collect())
    }

    /// Asks a candidate for access; returns the request's address. The document key will be
    /// sealed to this recruiter's wallet (its X25519 form), so `open_document` works as for a
    /// direct grant.
    /// ```no_run
    /// # async fn example(
    /// #     transport: &credence_sdk::Transport,
    /// #     hospital_key: &solana_keypair::Keypair,
    /// #     grant: credence_sdk::Pubkey,
    /// #     trusted_registry: credence_sdk::Pubkey,
    /// # ) -> Result<(), credence_sdk::SdkError> {
    /// use credence_sdk::roles::Recruiter;
    /// let hospital = Recruiter::new(transport, hospital_key);
    /// # let nurse = credence_sdk::Pubkey::new_unique();
    /// # let licence = credence_sdk::Pubkey::new_unique();
    /// use credence_sdk::roles::RequestTerms;
    ///
    /// let request = hospital
    ///     .request_access(RequestTerms {
    ///         request_id: 1,
    ///         subject: nurse,
    ///         credentials: credence_sdk::accounts::account_refs(&[licence]),
    ///         schemas: vec![],
    ///         purpose: "Recruitment: ICU nurse".into(),
    ///         duration_secs: 7 * 86_400,
    ///         max_uses: 0,
    ///     })
    ///     .await?;
    /// # let _ = request;
    /// # Ok(()) }
    /// ```
    pub async fn request_access(&self, terms: RequestTerms) -> Result<Pubkey, SdkError> {
        let recipient_key = sealing::x25519_public(&self.pubkey())?;
        let args = CreateRequestArgs {
            request_id: terms.request_id,
            subject: terms.subject,
            credentials: terms.credentials,
            schemas: terms.schemas,
            purpose: terms.purpose,
            duration_secs: terms.duration_secs,
            max_uses: terms.max_uses,
            recipient_key: *recipient_key.as_bytes(),
        };
        self.send(cix::create_request(&self.pubkey(), args)).await?;
        Ok(pda::request(&terms.subject, &self.pubkey(), terms.request_id).0)
    }

    /// Withdraws a request not yet answered (the rent comes back).
    pub async fn withdraw(&self, request: &Pubkey) -> Result<Sent, SdkError> {
        self.send(cix::withdraw_request(&self.pubkey(), request))
            .await
    }

    /// The requests this recruiter has open.
    pub async fn requests(&self) -> Result<Vec<(Pubkey, AccessRequest)>, SdkError> {
        accounts::requests_by_requester(self.transport, &self.pubkey()).await
    }

    async fn send(&self, ix: Instruction) -> Result<Sent, SdkError> {
        self.transport.send(&[ix], self.keypair, &[]).await
    }
}
