//! Cohorts: a national register issued as one cohort. Measures the build (streaming, parallel
//! hashing), the issuing transactions, the rent of the cohort and of the status pages created by
//! revoking 1% of its leaves, what revoking one leaf costs, a cohort credential's verification
//! round trips and proof size, and the client-side checking rate of cohort credentials.

use std::{collections::HashMap, hint::black_box, time::Instant};

use anchor_lang::AccountDeserialize;
use anyhow::{bail, ensure, Context, Result};
use credence_sdk::{
    cohort::{CohortContext, CohortCredential, CohortRow, CohortTree},
    commitment::sha256,
    consent_program::{
        state::{CredentialRef, Grant},
        CreateGrantArgs,
    },
    ix::{consent as cix, registry::LeafChange},
    pda,
    registry_program::{
        constants::{COHORT_LEAVES_PER_PAGE, REASON_DISCIPLINARY},
        state::{Cohort, CohortStatusPage, CredentialStatus},
    },
    transport::{clock_unix_timestamp, CLOCK_SYSVAR},
    verify::{self, VerifyRequest},
    Pubkey,
};
use serde_json::{json, Value};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::{
    issuance::round,
    verification::{serialized, synthetic_key, EVALUATE_REPETITIONS},
    world::World,
};

/// Rows hashed per chunk, as `credence cohort issue` streams a register.
const CHUNK: u32 = 10_000;
/// Leaves of one synthetic candidate in the checking-rate run (one grant covers them).
const GROUP: u32 = 10;

/// The benchmark's register: row `i`'s subject is `subjects[i]` when given (real keys that
/// sign), else a deterministic synthetic key shared by each [`GROUP`] of rows.
fn row(i: u32, real_subject: Option<Pubkey>, expires_at: i64) -> CohortRow {
    CohortRow {
        reference: format!("RN-{i:07}"),
        subject: real_subject.unwrap_or_else(|| subject_of_group(i / GROUP)),
        document: format!(r#"{{"type":"Registered Nurse","pin":"{i:07}"}}"#).into_bytes(),
        valid_from: expires_at - 365 * 86_400,
        expires_at,
    }
}

fn subject_of_group(group: u32) -> Pubkey {
    Pubkey::new_from_array(sha256(
        &[b"bench-subject".as_slice(), &group.to_le_bytes()].concat(),
    ))
}

/// The leaves revoked: `count` distinct indices spread over the cohort by a multiplicative hash,
/// as disciplinary strike-offs fall across a register; in index order. Leaf 0, the candidate
/// the phase verifies, is never among them.
fn revoked_leaves(leaves: u32, count: u32) -> Vec<u32> {
    let mut chosen = std::collections::BTreeSet::new();
    let mut i: u64 = 1;
    while chosen.len() < count.min(leaves - 1) as usize {
        // Knuth's multiplicative hash constant: consecutive i land far apart.
        let index = (i.wrapping_mul(2_654_435_761) % u64::from(leaves)) as u32;
        if index != 0 {
            chosen.insert(index);
        }
        i += 1;
    }
    chosen.into_iter().collect()
}

/// The cohort phase: `leaves` credentials, 1% of them revoked (`revocations` overrides).
pub async fn run(world: &World, leaves: u32, revocations: Option<u32>) -> Result<Value> {
    let transport = &world.transport;
    let issuer = world.issuer_api();
    let now = transport.now().await?;
    let expires_at = now + 365 * 86_400;
    // The candidate who will grant and be verified holds row 0.
    let candidate = Keypair::new();
    transport
        .airdrop(&candidate.pubkey(), 1_000_000_000)
        .await?;
    let context = issuer.cohort_context(world.schema, &format!("bench-{leaves}-{now}"))?;

    // Build: streaming chunks of rows, each hashed on every core; only the pushes are timed.
    let mut builder = issuer.cohort_builder(&context)?;
    let mut build_seconds = 0.0;
    let mut start = 0;
    while start < leaves {
        let end = (start + CHUNK).min(leaves);
        let rows: Vec<CohortRow> = (start..end)
            .map(|i| row(i, (i == 0).then(|| candidate.pubkey()), expires_at))
            .collect();
        let pushed = Instant::now();
        builder.push(&rows)?;
        build_seconds += pushed.elapsed().as_secs_f64();
        start = end;
    }
    let finished = Instant::now();
    let tree = builder.finish()?;
    build_seconds += finished.elapsed().as_secs_f64();
    crate::say!(
        "  built a tree of {leaves} leaves (depth {}) in {build_seconds:.2} s",
        tree.depth()
    );

    // Issue: one transaction.
    let issued = issuer.issue_cohort(&context, &tree).await?;
    let transactions = u32::from(issued.signature.is_some());
    crate::say!(
        "  issued in {transactions} transaction: cohort rent {} lamports (as {leaves} credential accounts: {} lamports)",
        issued.rent_lamports,
        issued.single_credentials_rent_lamports
    );

    // Revoke: the first revocation on a page, then one on a page that exists.
    let payer = world.issuer_key.pubkey();
    let to_revoke = revoked_leaves(
        leaves,
        revocations.unwrap_or(leaves / 100).max(2).min(leaves),
    );
    let cost = |before: u64, after: u64| before.saturating_sub(after);
    let before = transport.balance(&payer).await?;
    issuer
        .change_leaf(
            LeafChange::Revoke,
            &context.cohort(),
            to_revoke[0],
            REASON_DISCIPLINARY,
        )
        .await?;
    let first_cost = cost(before, transport.balance(&payer).await?);
    let same_page = to_revoke
        .iter()
        .copied()
        .find(|i| {
            *i != to_revoke[0] && pda::cohort_page_of(*i) == pda::cohort_page_of(to_revoke[0])
        })
        .unwrap_or(to_revoke[0] ^ 1)
        .clamp(1, leaves - 1);
    let before = transport.balance(&payer).await?;
    issuer
        .change_leaf(
            LeafChange::Revoke,
            &context.cohort(),
            same_page,
            REASON_DISCIPLINARY,
        )
        .await?;
    let existing_cost = cost(before, transport.balance(&payer).await?);
    let revoking = Instant::now();
    let mut revoked = 2;
    for &index in &to_revoke[1..] {
        if index == same_page {
            continue;
        }
        issuer
            .change_leaf(
                LeafChange::Revoke,
                &context.cohort(),
                index,
                REASON_DISCIPLINARY,
            )
            .await?;
        revoked += 1;
    }
    let revoke_seconds = revoking.elapsed().as_secs_f64();
    let cohort: Cohort = credence_sdk::accounts::fetch(transport, &context.cohort()).await?;
    ensure!(
        cohort.revoked_leaves == revoked,
        "{} leaves revoked, the cohort counts {}",
        revoked,
        cohort.revoked_leaves
    );
    let pages: Vec<Pubkey> = (0..leaves.div_ceil(COHORT_LEAVES_PER_PAGE))
        .map(|page| pda::cohort_status(&context.cohort(), page * COHORT_LEAVES_PER_PAGE).0)
        .collect();
    let mut page_rent = 0u64;
    let mut pages_created = 0u32;
    for chunk in pages.chunks(100) {
        for account in transport.accounts(chunk).await?.into_iter().flatten() {
            page_rent += account.lamports;
            pages_created += 1;
        }
    }
    ensure!(
        u32::from(cohort.status_pages) == pages_created,
        "status pages: the cohort counts {}, the chain holds {pages_created}",
        cohort.status_pages
    );
    let cohort_rent = issued.rent_lamports;
    let rent_total = cohort_rent + page_rent;
    crate::say!(
        "  revoked {revoked} leaves ({:.2}%) in {revoke_seconds:.1} s: {pages_created} status pages, {page_rent} lamports; total rent {rent_total} lamports = {:.0} per credential",
        f64::from(revoked) * 100.0 / f64::from(leaves),
        rent_total as f64 / f64::from(leaves)
    );

    // Verify a cohort credential under a grant: the round trips of the SDK's verify.
    let recruiter = Keypair::new();
    let file = tree.credential(
        &world.issuer_secret,
        &row(0, Some(candidate.pubkey()), expires_at),
        0,
        &context,
    )?;
    let leaf = CredentialRef::CohortLeaf {
        cohort: context.cohort(),
        index: 0,
    };
    let grant_ix = cix::create_grant(
        &candidate.pubkey(),
        CreateGrantArgs {
            grant_id: 1,
            grantee: recruiter.pubkey(),
            credentials: vec![leaf],
            purpose: "bench".into(),
            expires_at: now + 86_400,
            max_uses: 0,
            sealed_key: vec![],
        },
    );
    transport.send(&[grant_ix], &candidate, &[]).await?;
    let grant = pda::grant(&candidate.pubkey(), &recruiter.pubkey(), 1).0;
    let request = VerifyRequest {
        subject: candidate.pubkey(),
        grantee: recruiter.pubkey(),
        grant,
        credentials: vec![],
        cohort_credentials: vec![file.clone()],
        trusted_registries: vec![world.registry],
    };
    let report = verify::verify(transport, &request).await?;
    ensure!(
        report.leaf_passed(&context.cohort(), 0),
        "the cohort credential did not verify: {:?}",
        report.failures()
    );
    let proof_bytes = file.proof.len() * 32;
    crate::say!(
        "  a cohort credential verifies in {} round trip; its proof is {proof_bytes} bytes",
        report.round_trips
    );

    // Client-side checking rate: verify::evaluate over cohort credentials, proof included.
    let rate = checking_rate(
        world,
        &tree,
        &context,
        &grant,
        &recruiter.pubkey(),
        expires_at,
        leaves,
    )
    .await?;
    crate::say!(
        "  client-side: {:.0} cohort credentials checked per second (evaluate, proof and both commitments included; {} credentials, median of {EVALUATE_REPETITIONS})",
        rate.1,
        rate.0
    );
    let single_rent = issued.single_credentials_rent_lamports / u64::from(leaves);
    Ok(json!({
        "leaves": leaves,
        "depth": tree.depth(),
        "transactions": transactions,
        "build_seconds": round(build_seconds, 3),
        "build_leaves_per_second": round(f64::from(leaves) / build_seconds, 0),
        "rent_lamports_cohort": cohort_rent,
        "revoked_leaves": revoked,
        "revoked_fraction": round(f64::from(revoked) / f64::from(leaves), 4),
        "status_pages": pages_created,
        "rent_lamports_status_pages": page_rent,
        "rent_lamports_total": rent_total,
        "rent_lamports_per_leaf": round(rent_total as f64 / f64::from(leaves), 1),
        "single_credential_rent_lamports": single_rent,
        "rent_ratio_single_to_cohort": round(single_rent as f64 * f64::from(leaves) / rent_total as f64, 1),
        "revoke_one_lamports": first_cost,
        "revoke_one_lamports_page_exists": existing_cost,
        "revoke_one_transactions": 1,
        "revoke_one_pages_created_at_most": 1,
        "revoke_seconds": round(revoke_seconds, 2),
        "verify_round_trips": report.round_trips,
        "proof_bytes": proof_bytes,
        "client_checks_per_second": round(rate.1, 0),
        "client_checks_credentials": rate.0,
        "method": "build: CohortBuilder::push over streamed chunks of 10,000 rows (row generation not timed) and finish; rent: lamports held by the cohort and every status page after the revocations, read from the chain; revoke_one: the payer's balance before and after its transaction (the fee and any page's rent); client checks: verify::evaluate over requests of 10 cohort credentials and one grant each, against one map of real accounts (cohort, pages, issuer, schema, registry) and grants re-serialized from the real one, median of 5 runs",
    }))
}

/// `(credentials, per second)`: [`verify::evaluate`] over cohort credentials of `tree`, in
/// requests of [`GROUP`] leaves of one synthetic candidate under one synthetic grant.
async fn checking_rate(
    world: &World,
    tree: &CohortTree,
    context: &CohortContext,
    real_grant: &Pubkey,
    grantee: &Pubkey,
    expires_at: i64,
    leaves: u32,
) -> Result<(usize, f64)> {
    let transport = &world.transport;
    let count = (leaves - GROUP).min(10_000) / GROUP * GROUP;
    let mut keys = vec![
        CLOCK_SYSVAR,
        *real_grant,
        context.cohort(),
        world.issuer,
        world.schema,
        world.registry,
    ];
    keys.extend(
        (0..leaves.div_ceil(COHORT_LEAVES_PER_PAGE))
            .map(|p| pda::cohort_status(&context.cohort(), p * COHORT_LEAVES_PER_PAGE).0),
    );
    let mut fetched: HashMap<Pubkey, Account> = HashMap::new();
    transport.accounts_into(&keys, &mut fetched).await?;
    let now = clock_unix_timestamp(&fetched[&CLOCK_SYSVAR].data).context("unreadable Clock")?;
    let grant_account = fetched[real_grant].clone();
    let base = Grant::try_deserialize(&mut grant_account.data.as_slice())?;
    let mut requests = Vec::new();
    // Groups start at 10 (group 0 holds the real candidate's row 0); revoked leaves are skipped.
    let revoked: std::collections::HashSet<u32> = {
        let mut set = std::collections::HashSet::new();
        for account in fetched.values() {
            if let Some(page) = CohortStatusPage::from_account_data(&account.data) {
                for offset in 0..COHORT_LEAVES_PER_PAGE {
                    let index = u32::from(page.page) * COHORT_LEAVES_PER_PAGE + offset;
                    if page.status_of(index) != CredentialStatus::Active {
                        set.insert(index);
                    }
                }
            }
        }
        set
    };
    let mut group = 1;
    let mut counted = 0;
    while counted < count as usize && group * GROUP < leaves {
        let indices: Vec<u32> = (group * GROUP..(group + 1) * GROUP)
            .filter(|i| *i < leaves && !revoked.contains(i))
            .collect();
        let subject = subject_of_group(group);
        let grant_key = synthetic_key(9, group as usize);
        let files = indices
            .iter()
            .map(|&i| tree.credential(&world.issuer_secret, &row(i, None, expires_at), i, context))
            .collect::<Result<Vec<CohortCredential>, _>>()?;
        let grant = Grant {
            subject,
            grantee: *grantee,
            credentials: indices
                .iter()
                .map(|&index| CredentialRef::CohortLeaf {
                    cohort: context.cohort(),
                    index,
                })
                .collect(),
            ..base.clone()
        };
        fetched.insert(grant_key, serialized(&grant, &grant_account)?);
        counted += files.len();
        requests.push(VerifyRequest {
            subject,
            grantee: *grantee,
            grant: grant_key,
            credentials: vec![],
            cohort_credentials: files,
            trusted_registries: vec![world.registry],
        });
        group += 1;
    }
    let mut timings = Vec::with_capacity(EVALUATE_REPETITIONS);
    for _ in 0..EVALUATE_REPETITIONS {
        let started = Instant::now();
        let mut failed = 0;
        for request in &requests {
            let report = black_box(verify::evaluate(black_box(request), &fetched, now));
            failed += usize::from(!report.passed());
        }
        timings.push(started.elapsed().as_secs_f64());
        if failed > 0 {
            bail!("{failed} cohort verifications failed");
        }
    }
    timings.sort_by(f64::total_cmp);
    let median = timings[timings.len() / 2];
    Ok((counted, counted as f64 / median))
}
