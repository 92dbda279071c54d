//! The candidate's audit trail under attack and over time: spam naming her grants, grants she
//! closed, one transaction recording accesses under two of her grants, a node that keeps no logs,
//! and a history longer than the read limit. Each entry must appear exactly once and each
//! grant's entries must add up to the uses it counts.

use std::collections::BTreeSet;

use credence_sdk::{
    consent_program::{state::AccessOutcome, UpdateGrantArgs},
    ix::consent::{self as cix, Accessed},
    roles::{AccessEntry, AuditOptions, AuditTrail, EntrySource, GrantAudit},
    transport::MAX_SIGNATURES_PAGE,
    AccountMeta, Instruction,
};

use super::*;

/// Spam instructions per spam transaction (each names the grants it is given).
const SPAM_PER_TRANSACTION: usize = 4;

/// A credential of the story, with the accounts `record_access` reads for it (no fee).
fn accessed(credential: Pubkey, schema: Pubkey, issuer: Pubkey) -> Accessed {
    Accessed {
        credential: credence_consent::state::CredentialRef::Account {
            address: credential,
        },
        schema,
        issuer,
        treasury: None,
    }
}

/// The nurse's degree and licence in a world, and what the recruiter and a spammer do there.
struct Actors<'w> {
    w: &'w World,
    degree: Pubkey,
    licence: Pubkey,
}

impl Actors<'_> {
    fn degree_accessed(&self) -> Accessed {
        accessed(self.degree, self.w.degree_schema, self.w.university)
    }

    fn licence_accessed(&self) -> Accessed {
        accessed(self.licence, self.w.licence_schema, self.w.council)
    }

    /// A further grant from the nurse to the recruiter over `credentials`.
    async fn another_grant(&self, grant_id: u64, credentials: Vec<Pubkey>) -> Pubkey {
        self.w
            .candidate()
            .grant(GrantRequest {
                grant_id,
                grantee: self.w.recruiter_key.pubkey(),
                credentials: credence_sdk::accounts::account_refs(&credentials),
                purpose: PURPOSE.into(),
                expires_at: self.w.now().await + WEEK,
                max_uses: 0,
                document_key: None,
            })
            .await
            .unwrap()
    }

    /// The recruiter records, in one transaction, each `(grant, mask, credentials)` as verified.
    async fn record(&self, accesses: &[(Pubkey, u16, Vec<Accessed>)]) -> Signature {
        let ixs: Vec<Instruction> = accesses
            .iter()
            .map(|(grant, mask, accessed)| {
                cix::record_access(
                    &self.w.recruiter_key.pubkey(),
                    grant,
                    *mask,
                    AccessOutcome::Verified,
                    accessed,
                )
            })
            .collect();
        self.send_as_recruiter(&ixs).await
    }

    async fn send_as_recruiter(&self, ixs: &[Instruction]) -> Signature {
        self.w
            .transport
            .send(ixs, &self.w.recruiter_key, &[])
            .await
            .unwrap()
            .signature
    }

    /// `transactions` cheap, successful transactions from a stranger, each of
    /// [`SPAM_PER_TRANSACTION`] system transfers (all but the first of 0 lamports) to `sink`
    /// with every address of `named` appended read-only. `nonce` keeps every batch distinct.
    async fn spam(&self, sink: &Pubkey, named: &[Pubkey], transactions: usize, nonce: u64) {
        let spammer = &self.w.stranger;
        for i in 0..transactions {
            let ixs: Vec<Instruction> = (0..SPAM_PER_TRANSACTION)
                .map(|j| {
                    let lamports = if j == 0 { nonce + i as u64 + 1 } else { 0 };
                    let mut ix = anchor_lang::solana_program::system_instruction::transfer(
                        &spammer.pubkey(),
                        sink,
                        lamports,
                    );
                    ix.accounts
                        .extend(named.iter().map(|k| AccountMeta::new_readonly(*k, false)));
                    ix
                })
                .collect();
            self.w.transport.send(&ixs, spammer, &[]).await.unwrap();
        }
    }
}

/// The entries as a set of (signature, grant), asserting no pair appears twice.
#[track_caller]
fn entry_keys(trail: &AuditTrail) -> BTreeSet<(Signature, Pubkey)> {
    let keys: BTreeSet<(Signature, Pubkey)> = trail
        .entries
        .iter()
        .map(|e| (e.signature, e.grant))
        .collect();
    assert_eq!(
        keys.len(),
        trail.entries.len(),
        "an entry twice: {trail:#?}"
    );
    keys
}

#[track_caller]
fn grant_audit<'t>(trail: &'t AuditTrail, grant: &Pubkey) -> &'t GrantAudit {
    let found: Vec<&GrantAudit> = trail.grants.iter().filter(|g| g.grant == *grant).collect();
    assert_eq!(found.len(), 1, "one grant audit for {grant}: {trail:#?}");
    found[0]
}

#[track_caller]
fn entry<'t>(trail: &'t AuditTrail, signature: &Signature, grant: &Pubkey) -> &'t AccessEntry {
    trail
        .entries
        .iter()
        .find(|e| e.signature == *signature && e.grant == *grant)
        .unwrap_or_else(|| panic!("no entry for {signature} under {grant}: {trail:#?}"))
}

#[tokio::test]
async fn audit_trail_survives_spam_and_closed_grants() {
    let story = Story::new().await;
    let s = Actors {
        w: &story.w,
        degree: story.degree,
        licence: story.licence,
    };
    let (a, nurse) = (story.grant, s.w.nurse.pubkey());
    let b = s.another_grant(2, vec![s.licence]).await;
    let c = s.another_grant(3, vec![s.degree]).await;

    // Use 1 of A, over both credentials, through the recruiter's own API.
    let report = story.verify(&story.request()).await;
    let first =
        s.w.recruiter()
            .record_access(&a, &report)
            .await
            .unwrap()
            .signature;
    // C is used once, then closed by the nurse: its account is gone.
    let on_c = s.record(&[(c, 0b1, vec![s.degree_accessed()])]).await;
    s.w.candidate().close(&c).await.unwrap();
    assert!(s.w.transport.account(&c).await.unwrap().is_none());
    // One transaction records use 2 of A (the degree) and use 1 of B (the licence).
    let both = s
        .record(&[
            (a, 0b01, vec![s.degree_accessed()]),
            (b, 0b1, vec![s.licence_accessed()]),
        ])
        .await;

    // Over 1,000 cheap transactions name both open grants and her wallet; use 3 of A lands in
    // the middle, so the real entries sit on both sides of a page boundary.
    let sink = Pubkey::new_unique();
    fund(&s.w.transport, &sink).await;
    let named = [a, b, nurse];
    s.spam(&sink, &named, 600, 0).await;
    let last = s.record(&[(a, 0b10, vec![s.licence_accessed()])]).await;
    s.spam(&sink, &named, 600, 600).await;
    for grant in [a, b] {
        let page =
            s.w.transport
                .signatures_page(&grant, None, MAX_SIGNATURES_PAGE)
                .await
                .unwrap();
        assert_eq!(
            page.len(),
            MAX_SIGNATURES_PAGE,
            "a full first page of history"
        );
        assert!(!page
            .iter()
            .any(|p| p.signature == first || p.signature == both));
    }

    let trail = s.w.candidate().audit_trail().await.unwrap();
    assert!(trail.truncated.is_empty(), "{:?}", trail.truncated);
    // Every real entry exactly once, nothing from the spam, the closed grant's entry kept.
    let expected: BTreeSet<(Signature, Pubkey)> =
        [(first, a), (on_c, c), (both, a), (both, b), (last, a)]
            .into_iter()
            .collect();
    assert_eq!(entry_keys(&trail), expected, "{trail:#?}");
    let summary = |sig: &Signature, grant: &Pubkey| {
        let e = entry(&trail, sig, grant);
        assert_eq!(e.source, EntrySource::Event);
        assert!(e.credentials_known);
        assert_eq!(e.grantee, s.w.recruiter_key.pubkey());
        (e.use_number, e.credentials.clone())
    };
    let (degree, licence) = (s.degree, s.licence);
    assert_eq!(
        summary(&first, &a),
        (1, accounts::account_refs(&[degree, licence]))
    );
    assert_eq!(summary(&both, &a), (2, accounts::account_refs(&[degree])));
    assert_eq!(summary(&last, &a), (3, accounts::account_refs(&[licence])));
    assert_eq!(summary(&both, &b), (1, accounts::account_refs(&[licence])));
    assert_eq!(summary(&on_c, &c), (1, accounts::account_refs(&[degree])));
    // Newest first.
    assert_eq!(trail.entries[0].signature, last);

    // Each open grant's entries add up to its uses; the closed one is complete from history.
    for (grant, uses) in [(a, 3), (b, 1)] {
        assert_eq!(s.w.grant_account(&grant).await.uses, uses);
        let audit = grant_audit(&trail, &grant);
        assert_eq!(
            (
                audit.uses,
                audit.entries,
                audit.missing,
                audit.complete,
                audit.closed
            ),
            (Some(uses), uses, 0, true, false),
            "{audit:#?}"
        );
    }
    let closed = grant_audit(&trail, &c);
    assert_eq!(
        (
            closed.uses,
            closed.entries,
            closed.missing,
            closed.complete,
            closed.closed
        ),
        (None, 1, 0, true, true),
        "{closed:#?}"
    );
    assert!(closed.created_in.is_some());
    assert_eq!(trail.grants.len(), 3, "{:#?}", trail.grants);
    assert!(trail.complete());
    assert_eq!(trail.missing(), 0);

    // A read limit below the spam is reported, and the uses it leaves unaccounted for are too.
    let short =
        s.w.candidate()
            .audit_trail_with(&AuditOptions {
                max_signatures: 500,
            })
            .await
            .unwrap();
    let cut: BTreeSet<Pubkey> = short.truncated.iter().map(|t| t.address).collect();
    let expected_cut: BTreeSet<Pubkey> = named.iter().copied().collect();
    assert_eq!(cut, expected_cut, "{:?}", short.truncated);
    assert!(short.truncated.iter().all(|t| t.read == 500));
    assert!(!short.complete());
    let a_short = grant_audit(&short, &a);
    assert_eq!(
        (a_short.entries, a_short.missing, a_short.complete),
        (0, 3, false)
    );
    assert_eq!(short.missing(), 4, "3 uses of A and 1 of B unaccounted for");
}

#[tokio::test]
async fn audit_trail_without_logs_names_the_credentials_of_each_access_time() {
    // A node that keeps no logs (Agave's test validator, for its own leader's transactions):
    // every entry comes from the decoded `record_access` instruction.
    let w = World::accredited().await;
    w.transport.as_embedded().unwrap().set_history_logs(false);
    let nurse = w.nurse.pubkey();
    let degree = address(&w.issue_degree(&nurse, "UNILAG/2019/NUR/0042").await);
    let licence = address(&w.issue_licence(&nurse, "19A1234N").await);
    let expires_at = w.now().await + WEEK;
    let grant = |grant_id, credentials: Vec<Pubkey>| GrantRequest {
        grant_id,
        grantee: w.recruiter_key.pubkey(),
        credentials: credence_sdk::accounts::account_refs(&credentials),
        purpose: PURPOSE.into(),
        expires_at,
        max_uses: 0,
        document_key: None,
    };
    let a = w
        .candidate()
        .grant(grant(1, vec![degree, licence]))
        .await
        .unwrap();
    let c = w.candidate().grant(grant(2, vec![licence])).await.unwrap();
    let s = Actors {
        w: &w,
        degree,
        licence,
    };

    // Use 1 of A: bit 1, the licence while the list is [degree, licence].
    let first = s.record(&[(a, 0b10, vec![s.licence_accessed()])]).await;
    // She reorders A's list to [licence, degree]: bit 1 now means the degree.
    s.w.candidate()
        .update(
            &a,
            UpdateGrantArgs {
                expires_at: None,
                max_uses: None,
                purpose: None,
                credentials: Some(accounts::account_refs(&[licence, degree])),
                sealed_key: None,
            },
        )
        .await
        .unwrap();
    // Use 2 of A: bit 1 again, now the degree. The recruiter appends bytes to the instruction
    // data (the program ignores trailing bytes): the entry must still be read.
    let mut ix = cix::record_access(
        &s.w.recruiter_key.pubkey(),
        &a,
        0b10,
        AccessOutcome::Failed,
        &[s.degree_accessed()],
    );
    ix.data.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let second = s.send_as_recruiter(&[ix]).await;
    // C is used once and closed.
    let on_c = s.record(&[(c, 0b1, vec![s.licence_accessed()])]).await;
    s.w.candidate().close(&c).await.unwrap();
    assert!(
        s.w.transport
            .transaction(&first)
            .await
            .unwrap()
            .logs
            .is_empty(),
        "the history keeps no logs"
    );

    let trail = s.w.candidate().audit_trail().await.unwrap();
    assert_eq!(entry_keys(&trail).len(), 3, "{trail:#?}");
    for e in &trail.entries {
        assert_eq!(e.source, EntrySource::Instruction, "{e:?}");
        assert!(e.credentials_known, "{e:?}");
        assert!(e.credentials_mask.is_some(), "{e:?}");
    }
    let view = |sig: &Signature, grant: &Pubkey| {
        let e = entry(&trail, sig, grant);
        (e.use_number, e.outcome, e.credentials.clone())
    };
    assert_eq!(
        view(&first, &a),
        (1, Outcome::Verified, accounts::account_refs(&[licence])),
        "the licence, as the list stood then (not the degree, as it stands now)"
    );
    assert_eq!(
        view(&second, &a),
        (2, Outcome::Failed, accounts::account_refs(&[degree]))
    );
    assert_eq!(
        view(&on_c, &c),
        (1, Outcome::Verified, accounts::account_refs(&[licence]))
    );
    let open = grant_audit(&trail, &a);
    assert_eq!((open.uses, open.missing, open.complete), (Some(2), 0, true));
    let closed = grant_audit(&trail, &c);
    assert_eq!(
        (closed.closed, closed.entries, closed.complete),
        (true, 1, true)
    );
    assert!(trail.complete());
}
