//! The funnel reviews (`DOMAIN.md` section 2): `monthlyFunnelReview` of a
//! track — the stage distribution (from the month-end snapshot, or live for
//! the month under way), the coverage trend, the change in active deals,
//! the month's anomaly alerts per rule with their outcomes, the shelved
//! deals due to restart and whether they were handled on time, the month's
//! add / reactivate tasks — and `quarterlyReview`: who keeps triggering the
//! follow-up and stall rules, and the shelve reasons by side. Counts in
//! `store::funnel_review`, rules in `domain::funnel_review`.

use super::funnel_alerts::sees_alert;
use crate::auth::{Scope, Viewer};
use crate::domain::board::Period;
use crate::domain::calendar;
use crate::domain::funnel::StageRow;
use crate::domain::funnel_review::{self as rules, Repeats, RestartHandling, RuleOutcomes, ShelveSplit};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::funnel_review::{self as repo, Span};
use crate::store::{self, funnel_alerts as alerts_repo};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{AlertDecision, funnel_alert, funnel_snapshot, funnel_task, track};

/// A shelved deal due to restart in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartDue {
    pub opportunity_id: i64,
    pub restart_date: NaiveDate,
    /// Its restart-due alert, if one was raised.
    pub alert_id: Option<i64>,
    /// When it had to be answered: the alert's due time, or the end of the restart day.
    pub due_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub decision: Option<AlertDecision>,
    pub handling: RestartHandling,
}

/// `monthlyFunnelReview(trackId, month)`.
#[derive(Debug, Clone)]
pub struct MonthlyReview {
    pub track: track::Model,
    pub month: NaiveDate,
    /// The month-end snapshot, once the month's last day was checked.
    pub snapshot: Option<funnel_snapshot::Model>,
    /// The month under way, not snapshotted yet: the live funnel of the track.
    pub live: Option<super::funnel::LineFunnel>,
    /// The stage distribution of the snapshot, or live.
    pub stages: Vec<StageRow>,
    pub active_count: Option<i64>,
    /// The month before's month-end active count.
    pub active_count_before: Option<i64>,
    pub active_change: Option<i64>,
    /// The month-end snapshots of the 12 months to this one, oldest first.
    pub trend: Vec<funnel_snapshot::Model>,
    /// The month's funnel alert, if the check raised one.
    pub alert: Option<funnel_alert::Model>,
    pub by_rule: Vec<RuleOutcomes>,
    /// By restart date, at most `LIST_ROWS`.
    pub restarts: Vec<RestartDue>,
    pub restarts_total: usize,
    /// Of all of them, handled on time.
    pub restarts_on_time: usize,
    /// The add / reactivate tasks given in the month, oldest first, at most `LIST_ROWS`.
    pub tasks: Vec<funnel_task::Model>,
}

fn parse_track(p: &mut Problems, track_id: &str) -> Option<i64> {
    super::id_field(p, Some(track_id), "trackId")
}

/// For the CEO, the secretary, the admin and the track's directors; an
/// account manager's funnel is his own deals', live (`FORBIDDEN`).
async fn reviewed_track(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<track::Model> {
    if matches!(viewer.scope(), Scope::Owner(_)) {
        return Err(AppError::forbidden("an account manager's funnel is his own deals'"));
    }
    match store::tracks::by_id(&state.db, id).await? {
        Some(t) if sees_alert(viewer, t.id) => Ok(t),
        _ => Err(AppError::not_found("track")),
    }
}

fn stage_of(s: &entity::funnel_snapshot_stage::Model) -> StageRow {
    StageRow {
        stage: s.stage,
        counts: crate::domain::funnel::kept_counts(s.count, s.amount_cents, s.active_count, s.active_amount_cents, s.average_days),
        weighted: s.weighted_cents,
        average_days: s.average_days,
    }
}

pub async fn monthly(state: &AppState, viewer: &Viewer, track_id: &str, month: &str) -> AppResult<MonthlyReview> {
    let mut p = Problems::new();
    let id = parse_track(&mut p, track_id);
    let month = match calendar::parse_year_month(month) {
        Some(m) if calendar::in_window(m) => Some(m),
        _ => {
            p.add("month", "must be a month as YYYY-MM");
            None
        }
    };
    let settings = store::settings::load(&state.db).await?;
    let now = state.clock.now();
    let this_month = calendar::month_start(calendar::local_date(now, settings.timezone));
    if month.is_some_and(|m| m > this_month) {
        p.add("month", "must not lie in a month to come");
    }
    p.into_result()?;
    let (Some(id), Some(month)) = (id, month) else {
        return Err(AppError::invalid("month", "must be a month as YYYY-MM"));
    };
    let track = reviewed_track(state, viewer, id).await?;
    let tz = settings.timezone;
    let next = calendar::add_months(month, 1);
    let last_day = next - Duration::days(1);
    let span = Span {
        from: calendar::start_of_day(month, tz),
        to: calendar::start_of_day(next, tz),
    };
    let trend = alerts_repo::snapshots(&state.db, id, calendar::sub_months(month, 11), month).await?;
    let snapshot = trend.iter().find(|s| s.month == month).cloned();
    let before = trend.iter().find(|s| s.month == calendar::sub_months(month, 1));
    let mut live = None;
    let stages = match &snapshot {
        Some(s) => {
            let mut rows: Vec<StageRow> = repo::snapshot_stages(&state.db, s.id).await?.iter().map(stage_of).collect();
            rows.sort_by_key(|r| crate::domain::health::PIPELINE_STAGES.iter().position(|s| *s == r.stage));
            rows
        }
        None if month == this_month => {
            let ask = super::funnel::FunnelAsk {
                track_id: Some(id.to_string()),
                business_line: None,
                as_of: None,
            };
            let f = super::funnel::funnel(state, viewer, ask).await?;
            live = f.lines.into_iter().next();
            live.as_ref().map(|l| l.stages.clone()).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let active_count = match (&snapshot, &live) {
        (Some(s), _) => Some(s.active_count),
        (None, Some(l)) => Some(l.stages.iter().map(|s| s.counts.active_count).sum()),
        _ => None,
    };
    let active_count_before = before.map(|s| s.active_count);
    let alert = crate::store::funnel_alerts::alert_of(&state.db, id, month).await?;
    let by_rule = rules::outcomes_by_rule(&repo::outcomes(&state.db, id, span).await?);
    let restarts = restarts_due(state, id, month, last_day, now, tz).await?;
    let tasks = repo::tasks_given(&state.db, id, span, rules::LIST_ROWS as u64).await?;
    Ok(MonthlyReview {
        track,
        month,
        active_change: rules::active_change(active_count, active_count_before),
        snapshot,
        live,
        stages,
        active_count,
        active_count_before,
        trend,
        alert,
        by_rule,
        restarts_total: restarts.len(),
        restarts_on_time: restarts.iter().filter(|r| r.handling == RestartHandling::OnTime).count(),
        restarts: restarts.into_iter().take(rules::LIST_ROWS).collect(),
        tasks,
    })
}

/// The month's restart-due alerts and the deals shelved now whose restart
/// date lies in it without one (not alerted yet), by date.
async fn restarts_due(
    state: &AppState,
    track_id: i64,
    first: NaiveDate,
    last: NaiveDate,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> AppResult<Vec<RestartDue>> {
    // Enough of each to tell the total up to ten pages.
    let cap = (rules::LIST_ROWS * 10) as u64;
    let alerted = repo::restart_alerts(&state.db, track_id, first, last, cap).await?;
    // A deal taken off the shelf by any path (reactivated or lost directly) was handled then.
    let since = alerted.iter().map(|a| a.raised_at).min().unwrap_or(now);
    let ids: Vec<i64> = alerted.iter().map(|a| a.opportunity_id).collect();
    let left = repo::left_shelf(&state.db, &ids, since).await?;
    let handled_at = |a: &repo::RestartAlert| {
        a.resolved_at.or_else(|| {
            left.iter()
                .find(|(o, at)| *o == a.opportunity_id && *at >= a.raised_at)
                .map(|(_, at)| *at)
        })
    };
    let shelved = repo::shelved_due(&state.db, track_id, first, last, cap).await?;
    let mut out: Vec<RestartDue> = alerted
        .iter()
        .map(|a| {
            let resolved_at = handled_at(a);
            RestartDue {
                opportunity_id: a.opportunity_id,
                restart_date: a.restart_date,
                alert_id: Some(a.alert_id),
                due_at: a.due_at,
                resolved_at,
                decision: a.decision,
                handling: rules::restart_handling(resolved_at, a.due_at, now),
            }
        })
        .collect();
    for (o, date) in shelved {
        if alerted.iter().any(|a| a.opportunity_id == o && a.restart_date == date) {
            continue;
        }
        let due_at = calendar::start_of_day(date + Duration::days(1), tz);
        out.push(RestartDue {
            opportunity_id: o,
            restart_date: date,
            alert_id: None,
            due_at,
            resolved_at: None,
            decision: None,
            handling: rules::restart_handling(None, due_at, now),
        });
    }
    out.sort_by_key(|r| (r.restart_date, r.opportunity_id, r.alert_id));
    Ok(out)
}

/// `quarterlyReview(year, quarter, trackId)`.
#[derive(Debug, Clone)]
pub struct QuarterlyReview {
    pub period: Period,
    pub track_id: Option<i64>,
    /// The first days of the quarter's three months.
    pub months: [NaiveDate; 3],
    /// Who keeps triggering the follow-up and stall rules, most alerts first, at most `LIST_ROWS`.
    pub repeaters: Vec<Repeats>,
    pub shelving: ShelveSplit,
}

/// The quarter's review over the viewer's tracks (the company's for the
/// CEO, the secretary and the admin), or one of them.
pub async fn quarterly(state: &AppState, viewer: &Viewer, year: i32, quarter: i32, track_id: Option<&str>) -> AppResult<QuarterlyReview> {
    let mut p = Problems::new();
    let period = Period::quarter(year, u32::try_from(quarter).unwrap_or(0)).map_err(|why| {
        let field = if why.contains("year") { "year" } else { "quarter" };
        p.add(field, why);
    });
    let track = super::id_field(&mut p, track_id, "trackId");
    p.into_result()?;
    let Ok(period) = period else {
        return Err(AppError::invalid("quarter", "is not a quarter"));
    };
    let tracks: Option<Vec<i64>> = match (viewer.scope(), track) {
        (Scope::Owner(_), _) => return Err(AppError::forbidden("an account manager's funnel is his own deals'")),
        (_, Some(t)) => Some(vec![reviewed_track(state, viewer, t).await?.id]),
        (Scope::All, None) => None,
        (Scope::Tracks(ids), None) => Some(ids),
    };
    let tz = store::settings::load(&state.db).await?.timezone;
    let months = [
        period.first,
        calendar::add_months(period.first, 1),
        calendar::add_months(period.first, 2),
    ];
    let bounds = [
        calendar::start_of_day(months[0], tz),
        calendar::start_of_day(months[1], tz),
        calendar::start_of_day(months[2], tz),
        calendar::start_of_day(calendar::add_months(period.first, 3), tz),
    ];
    let counts = repo::repeat_counts(&state.db, tracks.as_deref(), &rules::REPEAT_RULES, bounds).await?;
    let mut repeaters = rules::repeaters(&counts);
    repeaters.truncate(rules::LIST_ROWS);
    let span = Span {
        from: bounds[0],
        to: bounds[3],
    };
    let shelving = rules::shelve_split(&repo::shelvings(&state.db, tracks.as_deref(), span).await?);
    Ok(QuarterlyReview {
        period,
        track_id: track,
        months,
        repeaters,
        shelving,
    })
}
