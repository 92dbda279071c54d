//! The talent pool: candidates list themselves and answer access requests; recruiters search
//! the pool and ask for access, learning who a candidate is only when she approves.

use std::collections::{HashMap, HashSet};

use credence_consent::{
    state::{check_code, AccessRequest, CredentialRef, Listing, CODE_LEN},
    ApproveRequestArgs, CreateListingArgs, CreateRequestArgs, UpdateListingArgs,
};
use credence_registry::state::{Credential, Issuer as IssuerAccount};
use serde::{Deserialize, Serialize};
use solana_pubkey::Pubkey;

use super::{Candidate, Recruiter};
use crate::{
    accounts,
    error::SdkError,
    ix::consent as cix,
    pda,
    sealing::{self, DocumentKey},
    transport::{clock_now, Sent, CLOCK_SYSVAR},
    verify::{self, CheckKind, CheckStatus, SharedCredential, VerifyRequest},
};

/// Encodes an occupation or region code for a listing: upper-case ASCII letters, digits or
/// `-`, 1 to 8 of them, zero-padded.
pub fn code(text: &str) -> Result<[u8; CODE_LEN], SdkError> {
    let upper = text.trim().to_ascii_uppercase();
    let mut out = [0u8; CODE_LEN];
    if upper.is_empty() || upper.len() > CODE_LEN {
        return Err(SdkError::Invalid(format!(
            "code {text:?} must be 1 to {CODE_LEN} characters"
        )));
    }
    out[..upper.len()].copy_from_slice(upper.as_bytes());
    if !check_code(&out) {
        return Err(SdkError::Invalid(format!(
            "code {text:?} may hold only letters, digits and '-'"
        )));
    }
    Ok(out)
}

/// A code as text (the zero padding dropped).
pub fn code_text(code: &[u8; CODE_LEN]) -> String {
    let len = code.iter().position(|b| *b == 0).unwrap_or(CODE_LEN);
    String::from_utf8_lossy(&code[..len]).into_owned()
}

/// What a candidate puts in the pool.
#[derive(Clone, Debug)]
pub struct ListingTerms {
    /// Occupation code, for example `2221` (ISCO-08 nursing professionals).
    pub occupation: String,
    /// Region code, for example `GB-ENG`.
    pub region: String,
    /// When she can start (unix seconds).
    pub available_from: i64,
    /// Her credentials the listing vouches for (1 to 16).
    pub credentials: Vec<Pubkey>,
}

/// What a recruiter looks for in the pool.
#[derive(Clone, Debug, Default)]
pub struct PoolQuery {
    /// Occupation code prefix (`None`: any), for example `222` for nurses and midwives.
    pub occupation: Option<String>,
    /// Region code prefix (`None`: any), for example `GB`.
    pub region: Option<String>,
    /// Only candidates available by this date (unix seconds).
    pub available_by: Option<i64>,
    /// Only listings whose every credential verifies now: issued to the candidate, active,
    /// inside its validity window, by an accredited issuer of one of
    /// [`Self::trusted_registries`] (which must then name at least one).
    pub verified_only: bool,
    /// Registries the recruiter trusts. Required with [`Self::verified_only`]
    /// ([`SdkError::TrustedRegistriesRequired`] if empty): anyone can create a registry and
    /// accredit an issuer of their own, so accreditation alone proves nothing.
    pub trusted_registries: Vec<Pubkey>,
}

/// A listing found in the pool: a pseudonymous wallet address, never a name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PoolMatch {
    /// The listing's address.
    pub listing: String,
    /// The candidate's wallet (a pseudonym).
    pub subject: String,
    /// Occupation code.
    pub occupation: String,
    /// Region code.
    pub region: String,
    /// Available from (unix seconds).
    pub available_from: i64,
    /// The credentials it vouches for.
    pub credentials: Vec<String>,
    /// Whether every credential verified (see [`PoolQuery::verified_only`]).
    pub verified: bool,
    /// Why not, one line per failed check.
    pub failures: Vec<String>,
}

/// What a recruiter asks a candidate for.
#[derive(Clone, Debug)]
pub struct RequestTerms {
    /// The recruiter's id for the request.
    pub request_id: u64,
    /// The candidate.
    pub subject: Pubkey,
    /// Credentials asked for (for example from her listing).
    pub credentials: Vec<Pubkey>,
    /// Schemas asked for.
    pub schemas: Vec<Pubkey>,
    /// Why.
    pub purpose: String,
    /// How long the grant should last (seconds).
    pub duration_secs: i64,
    /// Most uses (0: unlimited).
    pub max_uses: u32,
}

impl Candidate<'_> {
    /// Puts her listing in the pool; returns its address.
    pub async fn list(&self, terms: ListingTerms) -> Result<Pubkey, SdkError> {
        let args = CreateListingArgs {
            occupation: code(&terms.occupation)?,
            region: code(&terms.region)?,
            available_from: terms.available_from,
            credentials: accounts::account_refs(&terms.credentials),
        };
        self.transport
            .send(
                &[cix::create_listing(&self.pubkey(), args)],
                self.keypair,
                &[],
            )
            .await?;
        Ok(pda::listing(&self.pubkey()).0)
    }

    /// Changes her listing; each `None` is kept.
    pub async fn update_listing(
        &self,
        occupation: Option<&str>,
        region: Option<&str>,
        available_from: Option<i64>,
        credentials: Option<Vec<Pubkey>>,
    ) -> Result<Sent, SdkError> {
        let args = UpdateListingArgs {
            occupation: occupation.map(code).transpose()?,
            region: region.map(code).transpose()?,
            available_from,
            credentials: credentials.as_deref().map(accounts::account_refs),
        };
        self.transport
            .send(
                &[cix::update_listing(&self.pubkey(), args)],
                self.keypair,
                &[],
            )
            .await
    }

    /// Takes her listing out of the pool (the rent comes back).
    pub async fn unlist(&self) -> Result<Sent, SdkError> {
        self.transport
            .send(&[cix::close_listing(&self.pubkey())], self.keypair, &[])
            .await
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
    pub async fn approve(
        &self,
        request: &Pubkey,
        asked: &AccessRequest,
        grant_id: u64,
        credentials: Option<Vec<Pubkey>>,
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
            Some(credentials) => accounts::account_refs(&credentials),
            None if asked.credentials.is_empty() => {
                return Err(SdkError::Invalid(
                    "the request names schemas only: choose the credentials to grant".into(),
                ))
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
        self.transport
            .send(
                &[cix::approve_request(
                    &self.pubkey(),
                    &asked.requester,
                    request,
                    args,
                )],
                self.keypair,
                &[],
            )
            .await?;
        Ok(pda::grant(&self.pubkey(), &asked.requester, grant_id).0)
    }

    /// Declines a request (its rent goes back to the requester).
    pub async fn decline(&self, request: &Pubkey) -> Result<Sent, SdkError> {
        let asked: AccessRequest = accounts::fetch(self.transport, request).await?;
        self.transport
            .send(
                &[cix::decline_request(
                    &self.pubkey(),
                    &asked.requester,
                    request,
                )],
                self.keypair,
                &[],
            )
            .await
    }
}

impl Recruiter<'_> {
    /// Searches the pool: one `getProgramAccounts` call filtered by occupation and region
    /// prefixes, then, with `verified_only`, one batch of `getMultipleAccounts` for every listed
    /// credential and one for their issuers, schemas and the trusted registries.
    /// [`SdkError::TrustedRegistriesRequired`] (nothing is read) for `verified_only` without a
    /// trusted registry.
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
                listing: address.to_string(),
                subject: listing.subject.to_string(),
                occupation: code_text(&listing.occupation),
                region: code_text(&listing.region),
                available_from: listing.available_from,
                credentials: listing
                    .credentials
                    .iter()
                    .map(accounts::reference_text)
                    .collect(),
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
                if let CredentialRef::Account { address } = reference {
                    wanted.push(*address);
                }
            }
        }
        let mut fetched: HashMap<Pubkey, solana_account::Account> = HashMap::new();
        self.transport.accounts_into(&wanted, &mut fetched).await?;
        let now = clock_now(fetched.get(&CLOCK_SYSVAR))?;
        let mut second: HashSet<Pubkey> = trusted.iter().copied().collect();
        for address in &wanted[1..] {
            if let Some(c) = fetched
                .get(address)
                .and_then(|a| accounts::decode::<Credential>(address, a).ok())
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
    pub async fn request_access(&self, terms: RequestTerms) -> Result<Pubkey, SdkError> {
        let recipient_key = sealing::x25519_public(&self.pubkey())?;
        let args = CreateRequestArgs {
            request_id: terms.request_id,
            subject: terms.subject,
            credentials: accounts::account_refs(&terms.credentials),
            schemas: terms.schemas,
            purpose: terms.purpose,
            duration_secs: terms.duration_secs,
            max_uses: terms.max_uses,
            recipient_key: *recipient_key.as_bytes(),
        };
        self.transport
            .send(
                &[cix::create_request(&self.pubkey(), args)],
                self.keypair,
                &[],
            )
            .await?;
        Ok(pda::request(&terms.subject, &self.pubkey(), terms.request_id).0)
    }

    /// Withdraws a request not yet answered (the rent comes back).
    pub async fn withdraw(&self, request: &Pubkey) -> Result<Sent, SdkError> {
        self.transport
            .send(
                &[cix::withdraw_request(&self.pubkey(), request)],
                self.keypair,
                &[],
            )
            .await
    }

    /// The requests this recruiter has open.
    pub async fn requests(&self) -> Result<Vec<(Pubkey, AccessRequest)>, SdkError> {
        accounts::requests_by_requester(self.transport, &self.pubkey()).await
    }
}

/// The failed checks of one listing's credentials, evaluated like a verification report with
/// the grant lines left out, trusting exactly the registries in `trusted`.
fn listing_failures(
    listing: &Listing,
    fetched: &HashMap<Pubkey, solana_account::Account>,
    trusted: &[Pubkey],
    now: i64,
) -> Vec<String> {
    let mut shared = Vec::new();
    for reference in &listing.credentials {
        let CredentialRef::Account { address } = reference else {
            continue;
        };
        let credential = fetched
            .get(address)
            .and_then(|a| accounts::decode::<Credential>(address, a).ok());
        let (issuer, schema) = credential.map_or((Pubkey::default(), Pubkey::default()), |c| {
            (c.issuer, c.schema)
        });
        let registry = fetched
            .get(&issuer)
            .and_then(|a| accounts::decode::<IssuerAccount>(&issuer, a).ok())
            .map_or(Pubkey::default(), |i| i.registry);
        shared.push(SharedCredential {
            credential: *address,
            issuer,
            schema,
            registry,
            document: None,
        });
    }
    let request = VerifyRequest {
        subject: listing.subject,
        grantee: Pubkey::default(),
        grant: Pubkey::default(),
        credentials: shared,
        trusted_registries: trusted.to_vec(),
    };
    verify::evaluate(&request, fetched, now)
        .checks
        .into_iter()
        .filter(|c| {
            c.status == CheckStatus::Fail
                && !matches!(c.kind, CheckKind::GrantInForce | CheckKind::GrantCovers)
        })
        .map(|c| match c.credential {
            Some(k) => format!("{k}: {}", c.detail),
            None => c.detail,
        })
        .collect()
}
