//! The month-end funnel check: run once per month end (claimed), snapshots
//! of each track's funnel, the backfill, and the overdue tasks marked.

use super::*;

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
    store::events::hold_append_lock(&txn).await?;
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
) -> AppResult<(CheckReport, Told)> {
    let month = rules::month_of(month_end);
    let settings = store::settings::load(txn).await?;
    let as_of = rules::figures_at(now, month_end, settings.timezone);
    let funnels = crate::service::funnel::every_track(txn, &settings, as_of).await?;
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
pub(super) fn snapshot_rows(
    funnels: &[(entity::track::Model, crate::service::funnel::LineFunnel)],
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
        let funnels = crate::service::funnel::every_track(txn, &settings, as_of).await?;
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
    store::events::hold_append_lock(&txn).await?;
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
