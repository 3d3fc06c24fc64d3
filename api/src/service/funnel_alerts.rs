//! Funnel alerts (漏斗健康度告警): the month-end check, the director's
//! attribution, and the add / reactivate tasks he dispatches to his
//! account managers, tracked to done. Rules in `domain::funnel_alerts`,
//! figures the live funnel's (`service::funnel::every_track`).

use crate::auth::{Scope, Viewer};
use crate::domain::calendar;
use crate::domain::funnel_alerts as rules;
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::{self, funnel_alerts as repo, locks};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    EventKind, EventSubject, FunnelAttribution, FunnelTaskKind, Role, TaskStatus, funnel_alert, funnel_snapshot, funnel_snapshot_stage,
    funnel_task,
};
use sea_orm::{NotSet, Set};

pub const FUNNEL_CHECK: &str = "funnel_check";

/// What a month-end check did.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// The month checked (its first day).
    pub month: NaiveDate,
    pub tracks_checked: usize,
    /// Alerts raised by this check.
    pub raised: Vec<funnel_alert::Model>,
    /// Tracks below a line already alerted for the month.
    pub already_alerted: usize,
    /// Month-end snapshots written (every track's figures, once a month).
    pub snapshots_taken: u64,
}

/// The month-end check for the month of `month_end`, on the funnel as it
/// stands now read as of that month's end at the latest (a check caught up
/// in January is about December's year and window): one alert per track
/// below its coverage or conversion line, unless the track already has one
/// for that month (a second run raises nothing).
///
/// `snapshot`: whether the run stores the month's snapshots — the scheduled
/// check at the month's end does, an admin's run (mid-month, or of a month
/// gone by, on today's deals) does not, so a trend's points are month-ends.
pub async fn run_check(state: &AppState, month_end: NaiveDate, snapshot: bool) -> AppResult<CheckReport> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, locks::Lock::Scan).await?;
    store::events::lock_for_append(&txn).await?;
    let (report, told) = check_in(&txn, month_end, now, snapshot).await?;
    txn.commit().await?;
    if report.snapshots_taken > 0 {
        // A past funnel reads the month-end snapshots.
        crate::freshness::changed(state, crate::freshness::Change::Deals).await;
    }
    wake(state, told);
    Ok(report)
}

/// [`run_check`]'s work inside the caller's transaction (which holds the
/// scan lock and the event append lock): the report and the last event id
/// told, if any. The demo company's seed runs it for last month.
pub async fn check_in(
    txn: &sea_orm::DatabaseTransaction,
    month_end: NaiveDate,
    now: DateTime<Utc>,
    snapshot: bool,
) -> AppResult<(CheckReport, Option<i64>)> {
    let month = rules::month_of(month_end);
    let settings = store::settings::load(txn).await?;
    let as_of = rules::figures_at(now, month_end, settings.timezone);
    let funnels = super::funnel::every_track(txn, &settings, as_of).await?;
    let before = repo::alerted_tracks(txn, month).await?;
    let due_at = crate::domain::alerts::due_at(now, &settings);
    let snapshots = if snapshot {
        snapshot_rows(&funnels, month, now)
    } else {
        Vec::new()
    };
    let snapshots_taken = repo::insert_snapshots(txn, snapshots, month).await?;
    let mut rows = Vec::new();
    let mut already = 0;
    for (t, f) in &funnels {
        if !rules::alerts(f.numbers.coverage_health, f.conversion_health) {
            continue;
        }
        if before.contains(&t.id) {
            already += 1;
            continue;
        }
        rows.push(funnel_alert::ActiveModel {
            id: NotSet,
            track_id: Set(t.id),
            business_line: Set(t.business_line),
            month: Set(month),
            weighted_pipeline_cents: Set(f.sums.weighted_pipeline),
            remaining_target_cents: Set(f.numbers.gap),
            coverage: Set(f.numbers.coverage),
            coverage_below: Set(f.numbers.coverage_health == crate::domain::health::Health::Below),
            coverage_line: Set(f.settings.coverage_alert_below),
            conversion: Set(f.conversion),
            conversion_below: Set(f.conversion_health == crate::domain::health::Health::Below),
            conversion_line: Set(f.settings.conversion_alert_below),
            raised_at: Set(now),
            due_at: Set(due_at),
            overdue_at: Set(None),
            attribution: Set(None),
            attribution_text: Set(None),
            attributed_by: Set(None),
            attributed_at: Set(None),
            version: Set(1),
        });
    }
    let raised = repo::insert_alerts(txn, rows, month, &before).await?;
    let events: Vec<_> = raised
        .iter()
        .map(|a| (EventKind::FunnelAlertRaised, a.id, None, Some(a.track_id)))
        .collect();
    let told = tell(txn, EventSubject::FunnelAlert, &events, None, now).await?;
    let report = CheckReport {
        month,
        tracks_checked: funnels.len(),
        raised,
        already_alerted: already,
        snapshots_taken,
    };
    Ok((report, told))
}

/// The month-end snapshot rows of every track's funnel (with its stages), for [`repo::insert_snapshots`].
fn snapshot_rows(
    funnels: &[(entity::track::Model, super::funnel::LineFunnel)],
    month: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<(i64, funnel_snapshot::ActiveModel, Vec<funnel_snapshot_stage::ActiveModel>)> {
    funnels
        .iter()
        .map(|(t, f)| {
            let open = f.stages.iter().fold((0, 0, 0), |(n, amount, active), s| {
                (
                    n + s.counts.count,
                    crate::domain::money::add(amount, s.counts.amount),
                    active + s.counts.active_count,
                )
            });
            let stages = f
                .stages
                .iter()
                .map(|s| funnel_snapshot_stage::ActiveModel {
                    id: NotSet,
                    snapshot_id: NotSet,
                    stage: Set(s.stage),
                    count: Set(s.counts.count),
                    amount_cents: Set(s.counts.amount),
                    active_count: Set(s.counts.active_count),
                    active_amount_cents: Set(s.counts.active_amount),
                    weighted_cents: Set(s.weighted),
                    average_days: Set(s.average_days),
                })
                .collect();
            let row = funnel_snapshot::ActiveModel {
                id: NotSet,
                track_id: Set(t.id),
                business_line: Set(t.business_line),
                month: Set(month),
                weighted_pipeline_cents: Set(f.sums.weighted_pipeline),
                remaining_target_cents: Set(f.numbers.gap),
                coverage: Set(f.numbers.coverage),
                coverage_line: Set(f.settings.coverage_alert_below),
                conversion: Set(f.conversion),
                conversion_line: Set(f.settings.conversion_alert_below),
                secured: Set(f.secured),
                lost: Set(f.lost),
                open_count: Set(open.0),
                open_amount_cents: Set(open.1),
                active_count: Set(open.2),
                moved_out: Set(f.moved_out),
                taken_at: Set(now),
            };
            (t.id, row, stages)
        })
        .collect()
}

/// The demo company's past month-ends, snapshotted as the check would have
/// (its deals as they stand, read as of each month's last instant), so its
/// trends have points: `month_ends` oldest first. No alert is raised.
pub async fn backfill_snapshots(txn: &sea_orm::DatabaseTransaction, month_ends: &[NaiveDate], now: DateTime<Utc>) -> AppResult<u64> {
    let settings = store::settings::load(txn).await?;
    let mut written = 0;
    for month_end in month_ends {
        let month = rules::month_of(*month_end);
        let as_of = rules::figures_at(now, *month_end, settings.timezone);
        let funnels = super::funnel::every_track(txn, &settings, as_of).await?;
        written += repo::insert_snapshots(txn, snapshot_rows(&funnels, month, as_of), month).await?;
    }
    Ok(written)
}

/// `runFunnelCheck(asOf)`: the admin runs the check for the month of `as_of`
/// (a date; today by default), within a year of today.
pub async fn run_check_for(state: &AppState, viewer: &Viewer, as_of: Option<NaiveDate>) -> AppResult<CheckReport> {
    viewer.require_role(&[Role::Admin], "run the funnel check")?;
    let settings = store::settings::load(&state.db).await?;
    let today = calendar::local_date(state.clock.now(), settings.timezone);
    let as_of = as_of.unwrap_or(today);
    // A month to come is not checked ahead of its end: its real check would find it alerted.
    if calendar::month_start(as_of) > calendar::month_start(today) {
        return Err(AppError::invalid("asOf", "must not lie in a month to come"));
    }
    if (today - as_of).num_days() > 366 {
        return Err(AppError::invalid("asOf", "must lie within a year of today"));
    }
    run_check(state, rules::month_end(as_of), false).await
}

/// Funnel alerts unattributed past their due time become overdue, told to the track's directors.
pub async fn mark_overdue(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, locks::Lock::Scan).await?;
    store::events::lock_for_append(&txn).await?;
    let overdue = repo::stamp_overdue(&txn, now).await?;
    let events: Vec<_> = overdue
        .iter()
        .map(|a| (EventKind::FunnelAlertOverdue, a.id, None, Some(a.track_id)))
        .collect();
    let told = tell(&txn, EventSubject::FunnelAlert, &events, None, now).await?;
    txn.commit().await?;
    wake(state, told);
    Ok(overdue.len())
}

/// The scheduler's part: the check when a month-end is due (caught up
/// after downtime, once), then the overdue alerts.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> AppResult<Option<CheckReport>> {
    let settings = store::settings::load(&state.db).await?;
    let last = store::jobs::last_date(&state.db, FUNNEL_CHECK).await?;
    let mut report = None;
    if let Some(month_end) = rules::check_due_at(now, settings.timezone, settings.daily_scan_hour, last) {
        let r = run_check(state, month_end, true).await?;
        store::jobs::record(&state.db, FUNNEL_CHECK, month_end, now).await?;
        tracing::info!(month = %r.month, raised = r.raised.len(), "funnel check ran");
        report = Some(r);
    }
    mark_overdue(state, now).await?;
    Ok(report)
}

async fn tell(
    txn: &sea_orm::DatabaseTransaction,
    subject: EventSubject,
    rows: &[(EventKind, i64, Option<i64>, Option<i64>)],
    actor: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    if rows.is_empty() {
        return Ok(None);
    }
    store::events::append_for(txn, subject, rows, actor, now).await?;
    Ok(Some(store::events::announce(txn).await?))
}

/// After a committed write: the events told go out. Funnel alerts and
/// tasks are in no kept answer; a month-end snapshot is (`funnel(asOf)`),
/// and `run_check` says so itself.
fn wake(state: &AppState, told: Option<i64>) {
    if let Some(max) = told {
        state.bus.wake(max);
    }
}

/// `funnelTrend(trackId, months)`: the track's month-end snapshots of the
/// last `months` months (this one included; 1–36, default 12), oldest
/// first. For whoever sees the track's funnel alerts; an account manager's
/// funnel is his own deals', live.
pub async fn trend(state: &AppState, viewer: &Viewer, track_id: &str, months: Option<i64>) -> AppResult<Vec<funnel_snapshot::Model>> {
    let mut p = Problems::new();
    let track = super::id_field(&mut p, Some(track_id), "trackId");
    let months = months.unwrap_or(12);
    p.check(!(1..=36).contains(&months), "months", "must be between 1 and 36 months");
    p.into_result()?;
    let Some(track) = track else {
        return Err(AppError::invalid("trackId", "is not an id"));
    };
    if matches!(viewer.scope(), Scope::Owner(_)) {
        return Err(AppError::forbidden("an account manager's funnel is his own deals'"));
    }
    if !sees_alert(viewer, track) {
        return Err(AppError::not_found("track"));
    }
    let settings = store::settings::load(&state.db).await?;
    let this_month = calendar::month_start(calendar::local_date(state.clock.now(), settings.timezone));
    let from = calendar::sub_months(this_month, u32::try_from(months - 1).unwrap_or(0));
    repo::snapshots(&state.db, track, from, this_month).await
}

/// Whether the viewer sees a track's funnel alerts: every track for the CEO,
/// the secretary and the admin; his own for a director; none for an account manager.
pub fn sees_alert(viewer: &Viewer, track_id: i64) -> bool {
    match viewer.scope() {
        Scope::All => true,
        Scope::Tracks(ids) => ids.contains(&track_id),
        Scope::Owner(_) => false,
    }
}

/// A funnel alert in the viewer's scope, or `NOT_FOUND`.
pub async fn get_alert(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<funnel_alert::Model> {
    match repo::alert_by_id(&state.db, id).await? {
        Some(a) if sees_alert(viewer, a.track_id) => Ok(a),
        _ => Err(AppError::not_found("funnel alert")),
    }
}

/// `funnelAlerts(trackId, open, first)`: newest month first.
pub async fn list_alerts(
    state: &AppState,
    viewer: &Viewer,
    track_id: Option<&str>,
    open: Option<bool>,
    first: Option<i64>,
) -> AppResult<Vec<funnel_alert::Model>> {
    let mut p = Problems::new();
    let track_id = super::id_field(&mut p, track_id, "trackId");
    let limit = super::first_of(&mut p, first);
    p.into_result()?;
    repo::alerts(&state.db, &viewer.scope(), track_id, open, limit).await
}

/// What a director answers a funnel alert with.
#[derive(Debug, Clone)]
pub struct AttributionAsk {
    pub alert_id: String,
    pub attribution: FunnelAttribution,
    pub text: Option<String>,
    pub version: i64,
}

/// `attributeFunnelAlert`: by a director of the alert's track, once (a
/// conditional write: one of concurrent callers wins).
pub async fn attribute(state: &AppState, viewer: &Viewer, ask: AttributionAsk) -> AppResult<funnel_alert::Model> {
    let mut p = Problems::new();
    let id = super::id_field(&mut p, Some(&ask.alert_id), "alertId");
    let note = text::optional(&mut p, "text", ask.text.as_deref(), TextKind::Reason);
    p.check(
        rules::text_required(ask.attribution) && ask.text.as_deref().is_none_or(|t| t.trim().is_empty()),
        "text",
        "is required when the attribution is OTHER",
    );
    p.into_result()?;
    let Some(id) = id else {
        return Err(AppError::invalid("alertId", "is not an id"));
    };
    let a = get_alert(state, viewer, id).await?;
    if !(viewer.role == Role::TrackDirector && viewer.track_ids.contains(&a.track_id)) {
        return Err(AppError::forbidden("only a director of the track attributes its funnel alert"));
    }
    if a.attributed_at.is_some() {
        return Err(AppError::invalid("alertId", "the funnel alert is attributed already"));
    }
    if i64::from(a.version) != ask.version {
        return Err(AppError::conflict("the funnel alert was changed meanwhile: read it again"));
    }
    let change = funnel_alert::ActiveModel {
        attribution: Set(Some(ask.attribution)),
        attribution_text: Set(note),
        attributed_by: Set(Some(viewer.user_id)),
        attributed_at: Set(Some(state.clock.now())),
        ..Default::default()
    };
    let done = repo::attribute_if(&state.db, &a, change)
        .await?
        .ok_or_else(|| AppError::conflict("the funnel alert was changed meanwhile: read it again"))?;
    Ok(done)
}

/// A funnel task as a director dispatches it.
#[derive(Debug, Clone)]
pub struct TaskAsk {
    pub alert_id: Option<String>,
    pub track_id: Option<String>,
    pub kind: FunnelTaskKind,
    pub owner_id: String,
    pub count: Option<i64>,
    pub opportunity_id: Option<String>,
    pub description: String,
    pub due_at: Option<DateTime<Utc>>,
}

/// `dispatchFunnelTask`: a director gives one of his track's account
/// managers an add task (a number of new opportunities) or a reactivation
/// (a named shelved or inactive deal of the track), for an alert of the
/// track or not. Every problem is told at once.
pub async fn dispatch(state: &AppState, viewer: &Viewer, ask: TaskAsk) -> AppResult<funnel_task::Model> {
    if viewer.role != Role::TrackDirector {
        return Err(AppError::forbidden("only a track's director dispatches funnel tasks"));
    }
    let now = state.clock.now();
    let mut p = Problems::new();
    let alert_id = super::id_field(&mut p, ask.alert_id.as_deref(), "alertId");
    let mut track_id = super::id_field(&mut p, ask.track_id.as_deref(), "trackId");
    let owner_id = super::id_field(&mut p, Some(&ask.owner_id), "ownerId");
    let opportunity_id = super::id_field(&mut p, ask.opportunity_id.as_deref(), "opportunityId");
    let description = text::required(&mut p, "description", &ask.description, TextKind::Comment);
    if let Some(due) = ask.due_at {
        p.check(due <= now, "dueAt", "must lie in the future");
        p.check(!calendar::instant_in_window(due), "dueAt", "is too far away");
    }
    let mut count = None;
    match ask.kind {
        FunnelTaskKind::AddOpportunities => {
            match ask.count {
                Some(n) if (1..=i64::from(rules::MAX_ADD_COUNT)).contains(&n) => count = i32::try_from(n).ok(),
                Some(_) => p.add("count", "must be between 1 and 100"),
                None => p.add("count", "is required to add opportunities"),
            }
            p.check(ask.opportunity_id.is_some(), "opportunityId", "is only for a reactivation");
        }
        FunnelTaskKind::Reactivate => {
            p.check(
                ask.opportunity_id.is_none(),
                "opportunityId",
                "is required to reactivate an opportunity",
            );
            p.check(ask.count.is_some(), "count", "is only for adding opportunities");
        }
    }
    // The alert names the track.
    let mut alert = None;
    if let Some(id) = alert_id {
        match repo::alert_by_id(&state.db, id).await? {
            Some(a) if sees_alert(viewer, a.track_id) => {
                if track_id.is_some_and(|t| t != a.track_id) {
                    p.add("trackId", "is not the alert's track");
                }
                track_id = Some(a.track_id);
                alert = Some(a);
            }
            _ => p.add("alertId", "is not a funnel alert of your tracks"),
        }
    }
    match track_id {
        Some(t) if viewer.track_ids.contains(&t) => {}
        Some(_) => p.add("trackId", "is not one of your tracks"),
        None if ask.alert_id.is_none() => p.add("trackId", "is required without an alert"),
        None => {}
    }
    // Nothing of another track is looked up: its members and deals stay unknown to him.
    let track_id = track_id.filter(|t| viewer.track_ids.contains(t));
    if let (Some(t), Some(owner)) = (track_id, owner_id) {
        let members = store::tracks::members_of(&state.db, &[t]).await?;
        if !members.get(&t).is_some_and(|m| m.contains(&owner)) {
            p.add("ownerId", "is not an account manager of the track");
        }
    }
    let reactivation = (ask.kind == FunnelTaskKind::Reactivate).then_some(opportunity_id).flatten();
    if let (Some(t), Some(o)) = (track_id, reactivation) {
        match store::opportunities::by_id(&state.db, o).await? {
            Some(deal) if deal.track_id == t => {
                // Its owner follows it up: a deal of another account manager is not his to reactivate.
                p.check(
                    owner_id.is_some_and(|owner| owner != deal.owner_id),
                    "opportunityId",
                    "is not a deal of the task's owner",
                );
                let settings = store::settings::load(&state.db).await?;
                let active_since = calendar::recent_cutoff(now, settings.active_window_days, settings.timezone);
                p.check(
                    !rules::reactivatable(deal.status, deal.last_activity_at, active_since),
                    "opportunityId",
                    "is neither shelved nor inactive",
                );
            }
            _ => p.add("opportunityId", "is not an opportunity of the track"),
        }
    }
    p.into_result()?;
    let (Some(track_id), Some(owner_id)) = (track_id, owner_id) else {
        return Err(AppError::invalid("ownerId", "is not an id"));
    };
    let txn = store::begin_write(&state.db).await?;
    store::events::lock_for_append(&txn).await?;
    // Counted under the append lock (every dispatch takes it): concurrent dispatches cannot pass 20.
    if let Some(a) = &alert
        && repo::tasks_of_alert(&txn, a.id).await? >= u64::from(rules::MAX_TASKS_PER_ALERT.unsigned_abs())
    {
        return Err(AppError::invalid("alertId", "has 20 tasks already"));
    }
    let created = funnel_task::ActiveModel {
        id: NotSet,
        alert_id: Set(alert.map(|a| a.id)),
        track_id: Set(track_id),
        kind: Set(ask.kind),
        count: Set(count),
        opportunity_id: Set(opportunity_id),
        description: Set(description),
        owner_id: Set(owner_id),
        created_by: Set(viewer.user_id),
        created_at: Set(now),
        due_at: Set(ask.due_at),
        status: Set(TaskStatus::Pending),
        done_at: Set(None),
        done_note: Set(None),
        version: Set(1),
    };
    let created = sea_orm::ActiveModelTrait::insert(created, &txn).await?;
    let told = tell(
        &txn,
        EventSubject::FunnelTask,
        &[(EventKind::FunnelTaskAssigned, created.id, Some(owner_id), Some(track_id))],
        Some(viewer.user_id),
        now,
    )
    .await?;
    txn.commit().await?;
    wake(state, told);
    Ok(created)
}

/// Whether the viewer sees a funnel task: its owner, the track's directors, the CEO, the secretary, the admin.
pub fn sees_task(viewer: &Viewer, t: &funnel_task::Model) -> bool {
    t.owner_id == viewer.user_id || sees_alert(viewer, t.track_id)
}

/// A funnel task in the viewer's scope, or `NOT_FOUND`.
pub async fn get_task(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<funnel_task::Model> {
    match repo::task_by_id(&state.db, id).await? {
        Some(t) if sees_task(viewer, &t) => Ok(t),
        _ => Err(AppError::not_found("funnel task")),
    }
}

/// How far a task has come: new deals added of the count asked, or whether
/// the deal is open and followed up again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub added: Option<i64>,
    pub reactivated: Option<bool>,
    pub done_enough: bool,
}

pub async fn progress(state: &AppState, t: &funnel_task::Model) -> AppResult<Progress> {
    let mut found = progress_of(&state.db, std::slice::from_ref(t)).await?;
    Ok(found.remove(&t.id).unwrap_or(Progress {
        added: None,
        reactivated: None,
        done_enough: false,
    }))
}

/// [`progress`] of many tasks at once: the deals added by one grouped
/// query, the deals to reactivate by one read.
pub async fn progress_of(
    db: &impl sea_orm::ConnectionTrait,
    tasks: &[funnel_task::Model],
) -> AppResult<std::collections::HashMap<i64, Progress>> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let added = repo::added_for(db, &ids).await?;
    let deal_ids: Vec<i64> = tasks.iter().filter_map(|t| t.opportunity_id).collect();
    let deals = if deal_ids.is_empty() {
        Default::default()
    } else {
        store::opportunities::by_ids(db, &deal_ids).await?
    };
    Ok(tasks
        .iter()
        .map(|t| {
            let p = match t.kind {
                FunnelTaskKind::AddOpportunities => {
                    let n = added.get(&t.id).copied().unwrap_or(0);
                    Progress {
                        added: Some(n),
                        reactivated: None,
                        done_enough: n >= i64::from(t.count.unwrap_or(1)),
                    }
                }
                FunnelTaskKind::Reactivate => {
                    let back = t
                        .opportunity_id
                        .and_then(|o| deals.get(&o))
                        .is_some_and(|d| rules::reactivated(d.status, d.last_activity_at, t.created_at));
                    Progress {
                        added: None,
                        reactivated: Some(back),
                        done_enough: back,
                    }
                }
            };
            (t.id, p)
        })
        .collect())
}

/// `completeFunnelTask`: the owner marks it done, with a note, once the
/// work shows (the deals added, the deal open and followed up again).
pub async fn complete(state: &AppState, viewer: &Viewer, id: &str, note: &str) -> AppResult<funnel_task::Model> {
    let mut p = Problems::new();
    let id = super::id_field(&mut p, Some(id), "id");
    let note = text::required(&mut p, "note", note, TextKind::Comment);
    p.into_result()?;
    let Some(id) = id else {
        return Err(AppError::invalid("id", "is not an id"));
    };
    let t = get_task(state, viewer, id).await?;
    if t.owner_id != viewer.user_id {
        return Err(AppError::forbidden("only the task's owner marks it done"));
    }
    if t.status != TaskStatus::Pending {
        return Err(AppError::invalid("id", "the task is not pending"));
    }
    let done = progress(state, &t).await?;
    if !done.done_enough {
        return Err(match t.kind {
            FunnelTaskKind::AddOpportunities => AppError::invalid("id", "fewer new opportunities were added than the task asks"),
            FunnelTaskKind::Reactivate => AppError::invalid("id", "the opportunity is not active and followed up since the task was given"),
        });
    }
    let change = funnel_task::ActiveModel {
        status: Set(TaskStatus::Done),
        done_at: Set(Some(state.clock.now())),
        done_note: Set(Some(note)),
        ..Default::default()
    };
    let done = repo::update_task_if(&state.db, &t, change)
        .await?
        .ok_or_else(|| AppError::conflict("the task was changed meanwhile: read it again"))?;
    Ok(done)
}

/// `funnelTasks(filter, first)`: newest first, in the viewer's scope.
pub async fn list_tasks(
    state: &AppState,
    viewer: &Viewer,
    alert_id: Option<&str>,
    track_id: Option<&str>,
    owner_id: Option<&str>,
    status: Option<TaskStatus>,
    first: Option<i64>,
) -> AppResult<Vec<funnel_task::Model>> {
    let mut p = Problems::new();
    let f = repo::TaskFilter {
        alert_id: super::id_field(&mut p, alert_id, "filter.alertId"),
        track_id: super::id_field(&mut p, track_id, "filter.trackId"),
        owner_id: super::id_field(&mut p, owner_id, "filter.ownerId"),
        status,
    };
    let limit = super::first_of(&mut p, first);
    p.into_result()?;
    repo::tasks(&state.db, &viewer.scope(), viewer.user_id, &f, limit).await
}
