//! The two-version forecast frozen at each month's start: every track's
//! account managers' subjective and precision forecasts for the month,
//! once (caught up within the month after downtime), and a `FORECAST_GAP`
//! alert to the directors of each track whose precision forecast falls
//! short of its subjective one. The frozen subjective forecast is what the
//! ranking board's forecast accuracy measures against (`service::board`).
//! Rules in `domain::forecast`, sums in `store::forecast`.

use crate::auth::{Scope, Viewer};
use crate::domain::calendar;
use crate::domain::forecast as rules;
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::{self, forecast as repo, locks};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{EventKind, EventSubject, Role, forecast_alert, forecast_freeze};
use sea_orm::{NotSet, Set};
use std::collections::BTreeMap;

pub const FORECAST_FREEZE: &str = "forecast_freeze";

/// What a freeze did.
#[derive(Debug, Clone, PartialEq)]
pub struct FreezeReport {
    /// The month frozen (its first day).
    pub month: NaiveDate,
    /// The month had been frozen before: nothing was written.
    pub already_frozen: bool,
    /// Rows written, one per track and account manager with a forecast.
    pub rows: u64,
    /// `FORECAST_GAP` alerts raised.
    pub gaps: Vec<forecast_alert::Model>,
}

/// Freezes `month` (this one) as the deals stand at `now`, unless it was
/// frozen already, and raises a `FORECAST_GAP` for each track whose
/// precision forecast is below its subjective one.
pub async fn freeze(state: &AppState, month: NaiveDate) -> AppResult<FreezeReport> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, locks::Lock::Scan).await?;
    store::events::hold_append_lock(&txn).await?;
    let (report, told) = freeze_in(&txn, month, now).await?;
    txn.commit().await?;
    if !report.already_frozen {
        // A frozen month, even an empty one, counts in the board's forecast accuracy.
        crate::freshness::changed(state, crate::freshness::Change::Board).await;
    }
    state.bus.told(told);
    Ok(report)
}

/// [`freeze`]'s work inside the caller's transaction (holding the scan and
/// the event append locks): the report and the last event id told. The
/// demo company's seed runs it for this month.
pub async fn freeze_in(
    txn: &sea_orm::DatabaseTransaction,
    month: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<(FreezeReport, store::events::Told)> {
    if !repo::mark_frozen(txn, month, now).await? {
        return Ok((
            FreezeReport {
                month,
                already_frozen: true,
                rows: 0,
                gaps: Vec::new(),
            },
            store::events::Told::default(),
        ));
    }
    let last = calendar::add_months(month, 1) - Duration::days(1);
    let figures = repo::figures(txn, month, last).await?;
    let mut by_track: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let rows: Vec<forecast_freeze::ActiveModel> = figures
        .iter()
        .map(|((track, owner), f)| {
            let t = by_track.entry(*track).or_default();
            t.0 = t.0.saturating_add(f.subjective_cents);
            t.1 = t.1.saturating_add(f.precision_cents);
            forecast_freeze::ActiveModel {
                id: NotSet,
                month: Set(month),
                track_id: Set(*track),
                owner_id: Set(*owner),
                subjective_cents: Set(f.subjective_cents),
                subjective_deals: Set(f.subjective_deals),
                precision_cents: Set(f.precision_cents),
                precision_deals: Set(f.precision_deals),
                frozen_at: Set(now),
            }
        })
        .collect();
    let written = repo::insert_freezes(txn, rows).await?;
    let alerts: Vec<forecast_alert::ActiveModel> = by_track
        .iter()
        .filter(|(_, (subjective, precision))| rules::gap(*subjective, *precision))
        .map(|(track, (subjective, precision))| forecast_alert::ActiveModel {
            id: NotSet,
            track_id: Set(*track),
            month: Set(month),
            subjective_cents: Set(*subjective),
            precision_cents: Set(*precision),
            raised_at: Set(now),
        })
        .collect();
    let gaps = repo::insert_alerts(txn, alerts, month).await?;
    let events: Vec<_> = gaps
        .iter()
        .map(|a| (EventKind::ForecastGap, a.id, None, Some(a.track_id)))
        .collect();
    let told = store::events::tell(txn, EventSubject::ForecastAlert, &events, None, now).await?;
    Ok((
        FreezeReport {
            month,
            already_frozen: false,
            rows: written,
            gaps,
        },
        told,
    ))
}

/// The scheduler's part: this month's freeze from its first day's scan
/// hour, once (caught up later in the month when no process ran then).
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> AppResult<Option<FreezeReport>> {
    let settings = store::settings::load(&state.db).await?;
    let last = store::jobs::last_date(&state.db, FORECAST_FREEZE).await?;
    let Some(month) = rules::freeze_due_at(now, settings.timezone, settings.daily_scan_hour, last) else {
        return Ok(None);
    };
    let report = freeze(state, month).await?;
    store::jobs::record(&state.db, FORECAST_FREEZE, month, now).await?;
    tracing::info!(month = %report.month, rows = report.rows, gaps = report.gaps.len(), "forecast frozen");
    Ok(Some(report))
}

/// `runForecastFreeze`: the admin freezes this month now, if it is not frozen yet.
pub async fn run_freeze_for(state: &AppState, viewer: &Viewer) -> AppResult<FreezeReport> {
    viewer.require_role(&[Role::Admin], "freeze the forecast")?;
    let tz = store::settings::load(&state.db).await?.timezone;
    let month = calendar::month_start(calendar::local_date(state.clock.now(), tz));
    freeze(state, month).await
}

/// What a list of frozen forecasts asks for.
#[derive(Debug, Clone, Default)]
pub struct FreezeAsk {
    pub month: String,
    pub track_id: Option<String>,
    pub first: Option<i64>,
    pub after: Option<String>,
}

/// `forecastFreezes(month, trackId, first, after)`: the month's frozen
/// forecasts in the scope (an account manager: his own rows), by track and
/// account manager (the order they were written in, so by id).
pub async fn freezes(state: &AppState, viewer: &Viewer, ask: FreezeAsk) -> AppResult<Vec<forecast_freeze::Model>> {
    let mut p = Problems::new();
    let month = match calendar::parse_year_month(&ask.month) {
        Some(m) if calendar::in_window(m) => Some(m),
        _ => {
            p.add("month", "must be a month as YYYY-MM");
            None
        }
    };
    let track = super::id_field(&mut p, ask.track_id.as_deref(), "trackId");
    let after = super::id_field(&mut p, ask.after.as_deref(), "after");
    let limit = super::first_of(&mut p, ask.first);
    p.into_result()?;
    let Some(month) = month else {
        return Err(AppError::invalid("month", "must be a month as YYYY-MM"));
    };
    repo::freezes(&state.db, &viewer.scope(), month, track, after, limit).await
}

/// `forecastAlerts(trackId, first)`: newest month first, in the scope.
pub async fn alerts(
    state: &AppState,
    viewer: &Viewer,
    track_id: Option<&str>,
    first: Option<i64>,
) -> AppResult<Vec<forecast_alert::Model>> {
    let mut p = Problems::new();
    let track = super::id_field(&mut p, track_id, "trackId");
    let limit = super::first_of(&mut p, first);
    p.into_result()?;
    let tracks = match viewer.scope() {
        Scope::All => None,
        Scope::Tracks(ids) => Some(ids),
        Scope::Owner(_) => return Ok(Vec::new()),
    };
    repo::alerts(&state.db, tracks.as_deref(), track, limit).await
}

/// A forecast alert in the viewer's scope, or `NOT_FOUND`.
pub async fn get_alert(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<forecast_alert::Model> {
    match repo::alert_by_id(&state.db, id).await? {
        // Seen as the track's funnel alerts are: every track, a director's own, none for an account manager.
        Some(a) if super::funnel_alerts::sees_alert(viewer, a.track_id) => Ok(a),
        _ => Err(AppError::not_found("forecast alert")),
    }
}
