//! Baselines (承接基准) and target migrations (目标迁移申请): the year-start
//! snapshot (scheduled from the year's first day, caught up within the year,
//! or taken by the admin), the baseline as of any instant, the open deals
//! still missing their forecast, and a migration's life: asked for by the
//! account manager, decided by a director of the track, executed by the
//! admin within 2 days of the approval (overdue ones escalated), each
//! execution a new version. Rules in `domain::baseline`.

use crate::auth::{Scope, Viewer};
use crate::domain::baseline as rules;
use crate::domain::text::{self, TextKind};
use crate::domain::{calendar, money};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::{self, baseline as repo, locks};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{EventKind, EventSubject, MigrationStatus, Role, baseline_entry, baseline_version, opportunity, target_migration};
use sea_orm::{NotSet, Set};

pub const BASELINE_SNAPSHOT: &str = "baseline_snapshot";

/// What a snapshot did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotReport {
    pub year: i32,
    /// The year had its baseline already: nothing was written.
    pub already_taken: bool,
    pub entries: u64,
}

/// Takes `year`'s baseline (version 1) unless it exists.
pub async fn snapshot(state: &AppState, year: i32, by: Option<i64>) -> AppResult<SnapshotReport> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, locks::Lock::Scan).await?;
    store::events::hold_append_lock(&txn).await?;
    let report = snapshot_in(&txn, year, by, now).await?;
    txn.commit().await?;
    Ok(report)
}

/// [`snapshot`]'s work in the caller's transaction (holding the append lock); the demo seed runs it.
pub async fn snapshot_in(txn: &sea_orm::DatabaseTransaction, year: i32, by: Option<i64>, now: DateTime<Utc>) -> AppResult<SnapshotReport> {
    if !repo::versions(txn, year).await?.is_empty() {
        return Ok(SnapshotReport {
            year,
            already_taken: true,
            entries: 0,
        });
    }
    let entries = repo::snapshot(txn, year, by, now).await?;
    Ok(SnapshotReport {
        year,
        already_taken: false,
        entries,
    })
}

/// The scheduler's part: this year's baseline from its first day's scan
/// hour (caught up within the year), then approved migrations overdue.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> AppResult<Option<SnapshotReport>> {
    let settings = store::settings::load(&state.db).await?;
    let last = store::jobs::last_date(&state.db, BASELINE_SNAPSHOT).await?.map(|d| d.year());
    let mut report = None;
    if let Some(year) = rules::snapshot_due_at(now, settings.timezone, settings.daily_scan_hour, last) {
        let r = snapshot(state, year, None).await?;
        let first_day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        store::jobs::record(&state.db, BASELINE_SNAPSHOT, first_day, now).await?;
        tracing::info!(year, entries = r.entries, "baseline taken");
        report = Some(r);
    }
    mark_overdue(state, now).await?;
    Ok(report)
}

/// `takeBaseline`: the admin takes this year's baseline now, if it is not taken yet.
pub async fn take_for(state: &AppState, viewer: &Viewer) -> AppResult<SnapshotReport> {
    viewer.require_role(&[Role::Admin], "take the baseline")?;
    let tz = store::settings::load(&state.db).await?.timezone;
    let year = calendar::local_date(state.clock.now(), tz).year();
    snapshot(state, year, Some(viewer.user_id)).await
}

/// The baseline of a year as of an instant.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub year: i32,
    pub as_of: DateTime<Utc>,
    /// The version in force then (none before the year's snapshot).
    pub version: Option<baseline_version::Model>,
    pub entries: Vec<baseline_entry::Model>,
}

/// What a baseline read asks for.
#[derive(Debug, Clone, Default)]
pub struct BaselineAsk {
    pub year: i32,
    pub as_of: Option<DateTime<Utc>>,
    pub track_id: Option<String>,
    pub first: Option<i64>,
    pub after: Option<String>,
}

/// The most versions of a year read to find the one in force (a version a
/// migration executed: far more than a company makes).
const MAX_VERSIONS_A_YEAR: u64 = 10_000;

/// `baseline(year, asOf, trackId, first, after)`: the entries in force at
/// `asOf` (now by default) in the viewer's scope, by opportunity.
pub async fn baseline(state: &AppState, viewer: &Viewer, ask: BaselineAsk) -> AppResult<Baseline> {
    let mut p = Problems::new();
    p.check(!(2001..=2100).contains(&ask.year), "year", "must be between 2001 and 2100");
    let track = super::id_field(&mut p, ask.track_id.as_deref(), "trackId");
    let after = super::id_field(&mut p, ask.after.as_deref(), "after");
    let limit = super::first_of(&mut p, ask.first);
    if let Some(at) = ask.as_of {
        p.check(!calendar::instant_in_window(at), "asOf", "is too far away");
    }
    p.into_result()?;
    let as_of = ask.as_of.unwrap_or_else(|| state.clock.now());
    // The version and its lines read in one transaction: an execution between them cannot mix two.
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    // The version his lines stand at: the newest of those he may list
    // (the snapshot, the executions of the migrations he sees). A version
    // written for another track's migration left his lines as they were,
    // and its number is not his to learn.
    let version = repo::versions_after(&txn, &viewer.scope(), ask.year, 0, MAX_VERSIONS_A_YEAR)
        .await?
        .into_iter()
        .rfind(|v| v.taken_at <= as_of);
    let entries = repo::entries(&txn, &viewer.scope(), ask.year, as_of, track, after, limit).await?;
    txn.commit().await?;
    Ok(Baseline {
        year: ask.year,
        as_of,
        version,
        entries,
    })
}

/// `baselineVersions(year, first, after)`: the year's versions after number
/// `after`, oldest first: the snapshot, and the executions of the migrations
/// the viewer sees.
pub async fn versions(
    state: &AppState,
    viewer: &Viewer,
    year: i32,
    first: Option<i64>,
    after: Option<i32>,
) -> AppResult<Vec<baseline_version::Model>> {
    let mut p = Problems::new();
    p.check(!(2001..=2100).contains(&year), "year", "must be between 2001 and 2100");
    let limit = super::first_of(&mut p, first);
    p.into_result()?;
    repo::versions_after(&state.db, &viewer.scope(), year, after.unwrap_or(0), limit).await
}

/// Whether the viewer sees a migration: the requester, the track's directors, the CEO, the secretary, the admin.
pub fn sees_migration(viewer: &Viewer, m: &target_migration::Model) -> bool {
    match viewer.scope() {
        Scope::All => true,
        Scope::Tracks(ids) => ids.contains(&m.track_id) || m.requested_by == viewer.user_id,
        Scope::Owner(id) => m.requested_by == id,
    }
}

pub async fn get_migration(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<target_migration::Model> {
    match repo::migration_by_id(&state.db, id).await? {
        Some(m) if sees_migration(viewer, &m) => Ok(m),
        _ => Err(AppError::not_found("target migration")),
    }
}

/// `targetMigrations(status, trackId, first, after, last, before)`: oldest first, in the scope.
pub async fn migrations(
    state: &AppState,
    viewer: &Viewer,
    status: Option<MigrationStatus>,
    track_id: Option<&str>,
    page: super::PageRequest,
) -> AppResult<super::Page<target_migration::Model>> {
    let mut p = Problems::new();
    let track = super::id_field(&mut p, track_id, "trackId");
    let window = super::page_args(&mut p, &page);
    p.into_result()?;
    repo::migrations(&state.db, &viewer.scope(), status, track, window, page.with_total).await
}

/// A migration as an account manager asks for it.
#[derive(Debug, Clone)]
pub struct MigrationAsk {
    pub from_opportunity_id: String,
    pub to_opportunity_id: String,
    pub amount: String,
    pub reason: String,
}

/// Checks one side of a migration: his own deal, molding integrated, not
/// locked, open; the deal when it passes.
fn check_side(p: &mut Problems, field: &str, viewer: &Viewer, deal: Option<&opportunity::Model>) -> bool {
    let Some(d) = deal.filter(|d| d.owner_id == viewer.user_id) else {
        p.add(field, "is not an opportunity of yours");
        return false;
    };
    let before = p.len();
    p.check(
        !rules::migrates(d.business_line),
        field,
        "is not molding integrated: only molding-integrated targets migrate",
    );
    p.check(
        rules::locked(d.kind),
        field,
        "has a locked baseline: mold development and mass production targets cannot migrate",
    );
    p.check(!rules::in_baseline(d.status, d.stage), field, "is no longer open");
    p.len() == before
}

/// `requestTargetMigration`: the account manager of both deals asks to move
/// `amount` of the first's baseline target to the second (same track).
pub async fn request(state: &AppState, viewer: &Viewer, ask: MigrationAsk) -> AppResult<target_migration::Model> {
    if viewer.role != Role::AccountManager {
        return Err(AppError::forbidden("only an account manager asks for a target migration"));
    }
    let now = state.clock.now();
    let mut p = Problems::new();
    let from = super::id_field(&mut p, Some(&ask.from_opportunity_id), "fromOpportunityId");
    let to = super::id_field(&mut p, Some(&ask.to_opportunity_id), "toOpportunityId");
    let amount = match money::parse_yuan(&ask.amount) {
        Ok(n) if n > 0 => Some(n),
        Ok(_) => {
            p.add("amount", "must be more than zero");
            None
        }
        Err(why) => {
            p.add("amount", why);
            None
        }
    };
    let reason = text::required(&mut p, "reason", &ask.reason, TextKind::Reason);
    p.check(from.is_some() && from == to, "toOpportunityId", "must be another opportunity");
    let deals = store::opportunities::by_ids(&state.db, &[from.unwrap_or(0), to.unwrap_or(0)]).await?;
    let from_deal = from.and_then(|i| deals.get(&i));
    let to_deal = to.and_then(|i| deals.get(&i));
    let from_ok = from.is_some() && check_side(&mut p, "fromOpportunityId", viewer, from_deal);
    let to_ok = to.is_some() && check_side(&mut p, "toOpportunityId", viewer, to_deal);
    let tz = store::settings::load(&state.db).await?.timezone;
    let year = calendar::local_date(now, tz).year();
    if let (true, true, Some(f), Some(t)) = (from_ok, to_ok, from_deal, to_deal) {
        p.check(f.track_id != t.track_id, "toOpportunityId", "is not in the same track");
        let held = repo::current(&state.db, year, &[f.id]).await?;
        match held.first() {
            None => p.add("fromOpportunityId", "has no baseline this year"),
            Some(e) => p.check(
                amount.is_some_and(|a| rules::moved(e.amount_cents, 0, a).is_none()),
                "amount",
                "is more than the opportunity's baseline",
            ),
        }
    }
    p.into_result()?;
    let (Some(f), Some(t), Some(amount)) = (from_deal, to_deal, amount) else {
        return Err(AppError::invalid("fromOpportunityId", "is not an opportunity of yours"));
    };
    let txn = store::begin_write(&state.db).await?;
    store::events::hold_append_lock(&txn).await?;
    let created = repo::insert_migration(&txn, requested(year, f.track_id, (f.id, t.id, amount), reason, viewer.user_id, now)).await?;
    let told = tell(&txn, EventKind::TargetMigrationRequested, &created, viewer.user_id, now).await?;
    txn.commit().await?;
    state.bus.told(told);
    Ok(created)
}

/// A new request's row: `(from, to, amount)` asked for by `by` at `at`.
fn requested(
    year: i32,
    track_id: i64,
    (from, to, amount): (i64, i64, i64),
    reason: String,
    by: i64,
    at: DateTime<Utc>,
) -> target_migration::ActiveModel {
    target_migration::ActiveModel {
        id: NotSet,
        year: Set(year),
        track_id: Set(track_id),
        from_opportunity_id: Set(from),
        to_opportunity_id: Set(to),
        amount_cents: Set(amount),
        reason: Set(reason),
        status: Set(MigrationStatus::Requested),
        requested_by: Set(by),
        requested_at: Set(at),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_comment: Set(None),
        execute_due_at: Set(None),
        overdue_at: Set(None),
        executed_by: Set(None),
        executed_at: Set(None),
        baseline_version: Set(None),
        version: Set(1),
    }
}

/// A decision's change: approved (due for execution within 2 days) or rejected.
fn decision(by: i64, at: DateTime<Utc>, approve: bool, comment: Option<String>) -> target_migration::ActiveModel {
    target_migration::ActiveModel {
        status: Set(if approve {
            MigrationStatus::Approved
        } else {
            MigrationStatus::Rejected
        }),
        decided_by: Set(Some(by)),
        decided_at: Set(Some(at)),
        decision_comment: Set(comment),
        execute_due_at: Set(approve.then(|| rules::execute_due(at))),
        ..Default::default()
    }
}

async fn tell(
    txn: &sea_orm::DatabaseTransaction,
    kind: EventKind,
    m: &target_migration::Model,
    actor: i64,
    now: DateTime<Utc>,
) -> AppResult<store::events::Told> {
    // The requester is named only where the kind's audience includes him.
    let to = (crate::domain::events::audience(kind) == crate::domain::events::Audience::OwnerAndTrack).then_some(m.requested_by);
    store::events::tell(
        txn,
        EventSubject::TargetMigration,
        &[(kind, m.id, to, Some(m.track_id))],
        Some(actor),
        now,
    )
    .await
}

fn changed_meanwhile() -> AppError {
    AppError::conflict("the target migration was changed meanwhile: read it again")
}

/// `decideTargetMigration`: a director of the track approves (the admin
/// then has 2 days) or rejects, once, at the version read.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    approve: bool,
    comment: Option<&str>,
    version: i64,
) -> AppResult<target_migration::Model> {
    let mut p = Problems::new();
    let id = super::id_field(&mut p, Some(id), "id");
    let comment = text::optional(&mut p, "comment", comment, TextKind::Comment);
    p.check(
        !approve && comment.as_deref().is_none_or(|c| c.trim().is_empty()),
        "comment",
        "is required to reject",
    );
    p.into_result()?;
    let Some(id) = id else {
        return Err(AppError::invalid("id", "is not an id"));
    };
    let m = get_migration(state, viewer, id).await?;
    if !(viewer.role == Role::TrackDirector && viewer.track_ids.contains(&m.track_id)) {
        return Err(AppError::forbidden("only a director of the track decides a target migration"));
    }
    if m.status != MigrationStatus::Requested {
        return Err(AppError::invalid("id", "the target migration is decided already"));
    }
    if i64::from(m.version) != version {
        return Err(changed_meanwhile());
    }
    let now = state.clock.now();
    let change = decision(viewer.user_id, now, approve, comment);
    let txn = store::begin_write(&state.db).await?;
    store::events::hold_append_lock(&txn).await?;
    let done = repo::transition(&txn, &m, MigrationStatus::Requested, change)
        .await?
        .ok_or_else(changed_meanwhile)?;
    let told = tell(&txn, EventKind::TargetMigrationDecided, &done, viewer.user_id, now).await?;
    txn.commit().await?;
    state.bus.told(told);
    Ok(done)
}

/// `executeTargetMigration`: the admin moves the amount from the first
/// deal's baseline to the second's, as a new baseline version, once.
pub async fn execute(state: &AppState, viewer: &Viewer, id: &str, version: i64) -> AppResult<target_migration::Model> {
    viewer.require_role(&[Role::Admin], "execute a target migration")?;
    let mut p = Problems::new();
    let id = super::id_field(&mut p, Some(id), "id");
    p.into_result()?;
    let Some(id) = id else {
        return Err(AppError::invalid("id", "is not an id"));
    };
    let m = get_migration(state, viewer, id).await?;
    if m.status != MigrationStatus::Approved {
        return Err(AppError::invalid("id", "the target migration is not approved"));
    }
    if i64::from(m.version) != version {
        return Err(changed_meanwhile());
    }
    let txn = store::begin_write(&state.db).await?;
    // Versions are numbered under the append lock: two executions cannot take one number; the
    // instant is read under it too, so a later version never starts before an earlier one.
    store::events::hold_append_lock(&txn).await?;
    let now = state.clock.now();
    let (done, told) = execute_in(&txn, &m, viewer.user_id, now).await?;
    txn.commit().await?;
    state.bus.told(told);
    Ok(done)
}

/// [`execute`]'s work inside the caller's transaction, which holds the
/// event append lock: the year and the deals re-checked, the new baseline
/// version written, the migration moved from `APPROVED`, the event told.
pub async fn execute_in(
    txn: &sea_orm::DatabaseTransaction,
    m: &target_migration::Model,
    actor: i64,
    now: DateTime<Utc>,
) -> AppResult<(target_migration::Model, store::events::Told)> {
    let tz = store::settings::load(txn).await?.timezone;
    if calendar::local_date(now, tz).year() != m.year {
        return Err(AppError::invalid("id", "the year of its baseline is over"));
    }
    // The deals as they are now: a kind changed to a locked one, or a deal no longer open, stops it.
    let deals = store::opportunities::by_ids(txn, &[m.from_opportunity_id, m.to_opportunity_id]).await?;
    let (Some(from_deal), Some(to_deal)) = (deals.get(&m.from_opportunity_id), deals.get(&m.to_opportunity_id)) else {
        return Err(AppError::not_found("opportunity"));
    };
    for d in [from_deal, to_deal] {
        if rules::locked(d.kind) || !rules::migrates(d.business_line) || !rules::in_baseline(d.status, d.stage) {
            return Err(AppError::invalid("id", "an opportunity of it may no longer migrate its target"));
        }
    }
    let held = repo::current(txn, m.year, &[m.from_opportunity_id, m.to_opportunity_id]).await?;
    let from = held.iter().find(|e| e.opportunity_id == m.from_opportunity_id);
    let to = held.iter().find(|e| e.opportunity_id == m.to_opportunity_id);
    let Some(from) = from else {
        return Err(AppError::invalid("id", "the first opportunity has no baseline this year"));
    };
    let Some((left, moved)) = rules::moved(from.amount_cents, to.map_or(0, |e| e.amount_cents), m.amount_cents) else {
        return Err(AppError::invalid(
            "id",
            "the first opportunity's baseline no longer covers the amount",
        ));
    };
    // The successors belong to the deals' owners now; the second keeps its baseline month, or takes its forecast's.
    let target = (
        to_deal.track_id,
        to_deal.owner_id,
        to.map_or(to_deal.expected_order_month, |e| e.expected_order_month),
    );
    let successor =
        |opportunity_id: i64, (track_id, owner_id, month): (i64, i64, Option<NaiveDate>), amount: i64| baseline_entry::ActiveModel {
            id: NotSet,
            year: Set(m.year),
            opportunity_id: Set(opportunity_id),
            track_id: Set(track_id),
            owner_id: Set(owner_id),
            expected_order_month: Set(month),
            amount_cents: Set(amount),
            version_from: NotSet,
            valid_from: NotSet,
            valid_to: NotSet,
        };
    let replaced: Vec<i64> = held.iter().map(|e| e.id).collect();
    let successors = vec![
        successor(
            m.from_opportunity_id,
            (from_deal.track_id, from_deal.owner_id, from.expected_order_month),
            left,
        ),
        successor(m.to_opportunity_id, target, moved),
    ];
    let number = repo::write_version(txn, m.year, m.id, actor, &replaced, successors, now).await?;
    let change = target_migration::ActiveModel {
        status: Set(MigrationStatus::Executed),
        executed_by: Set(Some(actor)),
        executed_at: Set(Some(now)),
        baseline_version: Set(Some(number)),
        ..Default::default()
    };
    let done = repo::transition(txn, m, MigrationStatus::Approved, change)
        .await?
        .ok_or_else(changed_meanwhile)?;
    let told = tell(txn, EventKind::TargetMigrationExecuted, &done, actor, now).await?;
    Ok((done, told))
}

/// A target migration as the flow leaves it (the demo company's): asked
/// for, then decided and executed as far as given, each step at its instant.
#[derive(Debug, Clone)]
pub struct Replay {
    pub from_opportunity_id: i64,
    pub to_opportunity_id: i64,
    pub amount_cents: i64,
    pub reason: String,
    pub requested_by: i64,
    pub requested_at: DateTime<Utc>,
    /// The director, when, approved, the comment.
    pub decision: Option<(i64, DateTime<Utc>, bool, Option<String>)>,
    /// The admin, when (after the decision, an approval).
    pub execution: Option<(i64, DateTime<Utc>)>,
}

/// Writes a [`Replay`] inside the caller's transaction (which holds the
/// event append lock) through the flow's own writes: the request row, the
/// conditional decision, [`execute_in`]; each step told.
pub async fn replay_in(txn: &sea_orm::DatabaseTransaction, year: i32, r: Replay) -> AppResult<target_migration::Model> {
    let deals = store::opportunities::by_ids(txn, &[r.from_opportunity_id]).await?;
    let track_id = deals
        .get(&r.from_opportunity_id)
        .map(|d| d.track_id)
        .ok_or_else(|| AppError::not_found("opportunity"))?;
    let moves = (r.from_opportunity_id, r.to_opportunity_id, r.amount_cents);
    let mut m = repo::insert_migration(txn, requested(year, track_id, moves, r.reason, r.requested_by, r.requested_at)).await?;
    // A replay is the demo company's history: told to no one, nobody subscribes yet.
    let _ = tell(txn, EventKind::TargetMigrationRequested, &m, r.requested_by, r.requested_at).await?;
    if let Some((by, at, approve, comment)) = r.decision {
        m = repo::transition(txn, &m, MigrationStatus::Requested, decision(by, at, approve, comment))
            .await?
            .ok_or_else(changed_meanwhile)?;
        let _ = tell(txn, EventKind::TargetMigrationDecided, &m, by, at).await?;
    }
    if let Some((by, at)) = r.execution {
        m = execute_in(txn, &m, by, at).await?.0;
    }
    Ok(m)
}

/// Approved migrations not executed within their 2 days: stamped overdue
/// and told to the track's directors (and the CEO and the admin), once.
pub async fn mark_overdue(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let txn = store::begin_write(&state.db).await?;
    store::events::hold_append_lock(&txn).await?;
    let overdue = repo::stamp_overdue(&txn, now).await?;
    let rows: Vec<_> = overdue
        .iter()
        .map(|m| (EventKind::TargetMigrationOverdue, m.id, None, Some(m.track_id)))
        .collect();
    let told = store::events::tell(&txn, EventSubject::TargetMigration, &rows, None, now).await?;
    txn.commit().await?;
    state.bus.told(told);
    Ok(overdue.len())
}
