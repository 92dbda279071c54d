//! `watch` on the embedded chain: the recruiter's and the candidate's watchers are told of each
//! change as it lands; a watcher stopped and resumed from its saved state reports what changed
//! meanwhile, once, and nothing it had already reported; a watcher resumed from a state saved
//! before it handed its events on reports them again under the same ids; expiry comes from the
//! chain's clock; when the grant ends, the recruiter stops watching and is told so.

use std::time::Duration;

use credence_sdk::watch::{
    EventKind, Role, Update, Watch, WatchConfig, WatchEvent, WatchOptions, WatchState,
};

use super::*;

fn config() -> WatchConfig {
    WatchConfig {
        // Expiry comes from the chain's clock, which the test moves: the move itself is pushed.
        clock_every: Duration::from_secs(3600),
        ..WatchConfig::default()
    }
}

/// The next events, skipping connection news; fails after 10 s.
async fn events(watch: &mut Watch<'_>) -> Vec<WatchEvent> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), watch.next())
            .await
            .expect("an update within 10 s")
        {
            Update::Events(events) => return events,
            Update::Connected { .. } => {}
            Update::Lost { error, .. } => panic!("the embedded chain never drops: {error}"),
        }
    }
}

/// Connects and reads the baseline: the first update is `Connected`, with nothing to report.
async fn connected(watch: &mut Watch<'_>) -> usize {
    match watch.next().await {
        Update::Connected {
            subscriptions,
            watched,
            ..
        } => {
            assert_eq!(
                subscriptions, 0,
                "the embedded chain pushes without subscriptions"
            );
            watched
        }
        other => panic!("expected Connected first, got {other:?}"),
    }
}

fn kinds(events: &[WatchEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.tag()).collect()
}

#[tokio::test]
async fn watchers_are_told_each_change_as_it_lands_and_resume_without_missing_or_repeating() {
    let w = World::accredited().await;
    let licence = address(&w.issue_licence(&w.nurse.pubkey(), "PIN-19A1234N").await);
    let now = w.now().await;
    let grant = w
        .candidate()
        .grant(GrantRequest {
            grant_id: 1,
            grantee: w.recruiter_key.pubkey(),
            credentials: accounts::account_refs(&[licence]),
            purpose: PURPOSE.into(),
            expires_at: now + 60 * DAY,
            max_uses: 0,
            document_key: None,
        })
        .await
        .unwrap();

    let hospital = Role::Recruiter(w.recruiter_key.pubkey());
    let options = WatchOptions {
        expiring_within: Some(30 * DAY),
        ..WatchOptions::default()
    };
    let mut recruiter = Watch::new(
        &w.transport,
        hospital.clone(),
        options.clone(),
        config(),
        None,
    )
    .unwrap();
    // The grant, the licence, the council and the registry.
    assert_eq!(connected(&mut recruiter).await, 4);
    let mut nurse = Watch::new(
        &w.transport,
        Role::Candidate(w.nurse.pubkey()),
        WatchOptions::default(),
        config(),
        None,
    )
    .unwrap();
    assert_eq!(connected(&mut nurse).await, 4);

    // The recruiter's verification is the candidate's audit trail, live (and the recruiter's
    // own record).
    let report = w
        .recruiter()
        .verify(&VerifyRequest {
            subject: w.nurse.pubkey(),
            grantee: w.recruiter_key.pubkey(),
            grant,
            credentials: vec![SharedCredential {
                credential: licence,
                issuer: w.council,
                schema: w.licence_schema,
                registry: w.registry,
                document: None,
            }],
            cohort_credentials: vec![],
            trusted_registries: vec![w.registry],
        })
        .await
        .unwrap();
    w.recruiter().record_access(&grant, &report).await.unwrap();
    let audit = events(&mut nurse).await;
    assert_eq!(kinds(&audit), ["access_recorded"]);
    assert!(matches!(
        audit[0].kind,
        EventKind::AccessRecorded { uses: 1, grantee, .. } if grantee == w.recruiter_key.pubkey()
    ));
    assert_eq!(kinds(&events(&mut recruiter).await), ["access_recorded"]);

    // A suspension reaches both watchers, with the slot and an id.
    w.council()
        .change(CredentialChange::Suspend, &licence)
        .await
        .unwrap();
    let suspended = events(&mut recruiter).await;
    assert_eq!(kinds(&suspended), ["credential_suspended"]);
    assert_eq!(suspended[0].account, licence);
    assert_eq!(
        suspended[0].kind,
        EventKind::CredentialSuspended {
            credential: licence.to_string()
        }
    );
    assert_eq!(kinds(&events(&mut nurse).await), ["credential_suspended"]);

    // Reinstated: a new event with a new id.
    w.council()
        .change(CredentialChange::Reinstate, &licence)
        .await
        .unwrap();
    let reinstated = events(&mut recruiter).await;
    assert_eq!(kinds(&reinstated), ["credential_reinstated"]);
    assert_ne!(reinstated[0].id, suspended[0].id);
    assert_eq!(kinds(&events(&mut nurse).await), ["credential_reinstated"]);

    // Suspended again: not the first suspension's id.
    w.council()
        .change(CredentialChange::Suspend, &licence)
        .await
        .unwrap();
    let again = events(&mut recruiter).await;
    assert_eq!(kinds(&again), ["credential_suspended"]);
    assert_ne!(again[0].id, suspended[0].id);
    let _ = events(&mut nurse).await;

    // The recruiter's watcher stops, keeping its state. Meanwhile the council revokes.
    let saved: WatchState = recruiter.state();
    drop(recruiter);
    w.council()
        .change(
            CredentialChange::Revoke {
                reason: REASON_DISCIPLINARY,
            },
            &licence,
        )
        .await
        .unwrap();
    let mut resumed = Watch::new(
        &w.transport,
        hospital.clone(),
        options.clone(),
        config(),
        Some(saved.clone()),
    )
    .unwrap();
    let revoked = events(&mut resumed).await;
    assert_eq!(kinds(&revoked), ["credential_revoked"]);
    assert_eq!(
        revoked[0].kind,
        EventKind::CredentialRevoked {
            credential: licence.to_string(),
            reason_code: REASON_DISCIPLINARY,
            reason: Some("disciplinary action".into()),
        }
    );
    // A second watcher resumed from the same (older) state reports the same change under the
    // same id: a consumer that got it once drops it.
    let mut twin = Watch::new(
        &w.transport,
        hospital.clone(),
        options.clone(),
        config(),
        Some(saved),
    )
    .unwrap();
    assert_eq!(events(&mut twin).await, revoked);
    // Resumed from the state saved after it: nothing to repeat.
    let after = resumed.state();
    let mut third = Watch::new(
        &w.transport,
        hospital.clone(),
        options.clone(),
        config(),
        Some(after),
    )
    .unwrap();
    assert!(matches!(third.next().await, Update::Connected { .. }));
    w.advance_time(DAY).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(500), third.next())
            .await
            .is_err(),
        "a revoked credential has nothing more to report, and nothing is repeated"
    );

    // A state of another watcher is refused.
    assert!(matches!(
        Watch::new(
            &w.transport,
            Role::Candidate(w.nurse.pubkey()),
            WatchOptions::default(),
            config(),
            Some(resumed.state()),
        ),
        Err(SdkError::WatchState { .. })
    ));
}

#[tokio::test]
async fn expiry_comes_from_the_chain_clock_and_the_recruiter_stops_watching_when_the_grant_ends() {
    let w = World::accredited().await;
    let now = w.now().await;
    let licence = address(
        &w.council()
            .issue(&IssueRequest {
                subject: w.nurse.pubkey(),
                schema: w.licence_schema,
                reference: "PIN-EXPIRING".into(),
                document: LICENCE_DOCUMENT.to_vec(),
                valid_from: None,
                expires_at: Some(now + 40 * DAY),
            })
            .await
            .unwrap(),
    );
    let grant = w
        .candidate()
        .grant(GrantRequest {
            grant_id: 7,
            grantee: w.recruiter_key.pubkey(),
            credentials: accounts::account_refs(&[licence]),
            purpose: PURPOSE.into(),
            expires_at: now + 20 * DAY,
            max_uses: 0,
            document_key: None,
        })
        .await
        .unwrap();
    let mut recruiter = Watch::new(
        &w.transport,
        Role::Recruiter(w.recruiter_key.pubkey()),
        WatchOptions {
            expiring_within: Some(30 * DAY),
            grant: Some(grant),
            ..WatchOptions::default()
        },
        config(),
        None,
    )
    .unwrap();
    assert_eq!(connected(&mut recruiter).await, 4);

    // 11 days on, the licence expires within 30 days (29 left, by the chain's clock).
    w.advance_time(11 * DAY).await;
    let expiring = events(&mut recruiter).await;
    assert_eq!(kinds(&expiring), ["credential_expiring"]);
    assert!(matches!(
        expiring[0].kind,
        EventKind::CredentialExpiring { days_left: 29, .. }
    ));
    // Reported once: another move of the clock within the window says nothing new.
    w.advance_time(DAY).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(500), recruiter.next())
            .await
            .is_err()
    );

    // Renewed: reported, and the warning is re-armed for the new expiry.
    let renewed_until = now + 400 * DAY;
    w.council()
        .change(
            CredentialChange::Renew {
                expires_at: renewed_until,
            },
            &licence,
        )
        .await
        .unwrap();
    assert_eq!(
        events(&mut recruiter).await[0].kind,
        EventKind::CredentialRenewed {
            credential: licence.to_string(),
            expires_at: renewed_until,
        }
    );

    // The grant expires (day 20): the recruiter is told, and stops watching the licence.
    w.advance_time(9 * DAY).await;
    let ended = events(&mut recruiter).await;
    assert_eq!(kinds(&ended), ["grant_expired", "watch_stopped"]);
    assert_eq!(
        ended[1].kind,
        EventKind::WatchStopped {
            grant,
            credentials: vec![licence.to_string()],
        }
    );
    // Consent is the scope: a suspension now is not the recruiter's to know.
    w.council()
        .change(CredentialChange::Suspend, &licence)
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(500), recruiter.next())
            .await
            .is_err()
    );
    assert!(!recruiter.engine().is_watched(&licence));
}

#[tokio::test]
async fn an_issuers_authority_is_told_of_its_suspension_and_of_the_registry_pausing() {
    let w = World::accredited().await;
    let mut council = Watch::new(
        &w.transport,
        Role::Issuer(w.council_key.pubkey()),
        WatchOptions::default(),
        config(),
        None,
    )
    .unwrap();
    // The council, its schema and its registry.
    assert_eq!(connected(&mut council).await, 3);
    w.admin()
        .decide(IssuerDecision::Suspend, &w.council)
        .await
        .unwrap();
    let suspended = events(&mut council).await;
    assert_eq!(kinds(&suspended), ["issuer_suspended"]);
    w.admin().set_paused(true).await.unwrap();
    assert_eq!(kinds(&events(&mut council).await), ["registry_paused"]);
    w.admin().set_paused(false).await.unwrap();
    assert_eq!(kinds(&events(&mut council).await), ["registry_unpaused"]);
    w.admin()
        .decide(IssuerDecision::Reinstate, &w.council)
        .await
        .unwrap();
    assert_eq!(kinds(&events(&mut council).await), ["issuer_reinstated"]);
}
