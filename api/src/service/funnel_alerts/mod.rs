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
use crate::store::events::{Told, tell};
use crate::store::{self, funnel_alerts as repo, locks};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    EventKind, EventSubject, FunnelAttribution, FunnelTaskKind, Role, TaskStatus, funnel_alert, funnel_snapshot, funnel_snapshot_stage,
    funnel_task,
};
use sea_orm::{NotSet, Set};

mod check;
pub use check::*;
mod tasks;
pub use tasks::*;

/// After a committed write: the events told go out. Funnel alerts and
/// tasks are in no kept answer; a month-end snapshot is (`funnel(asOf)`),
/// and `run_check` says so itself.
fn wake(state: &AppState, told: Told) {
    state.bus.told(told);
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
