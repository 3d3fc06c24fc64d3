//! Supervision meetings (`DOMAIN.md` section 3): scheduling with a
//! recurrence, moving and cancelling one occurrence, tasks recorded from a
//! board row, their completion and reopening, and the lists.

use crate::auth::Viewer;
use crate::domain::board::{Dimension, Period, PeriodKind, StandingKind};
use crate::domain::calendar;
use crate::domain::meetings::{self as rules, Recurrence, RecurrenceKind, RowOf};
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::service::board::{self as board_service, PeriodRequest};
use crate::service::{Page, PageRequest};
use crate::state::AppState;
use crate::store::events::{Told, tell};
use crate::store::{self, meetings as repo};
use chrono::{DateTime, Datelike, Utc};
use entity::{
    EventKind, EventSubject, MeetingChangeKind, MeetingKind, MeetingStatus, Role, TaskDecisionKind, TaskStatus, meeting, meeting_change,
    row_analysis, task, task_decision,
};
use sea_orm::Set;

mod schedule;
pub use schedule::*;
mod tasks;
pub use tasks::*;
mod decisions;
pub use decisions::*;
mod analyses;
pub use analyses::*;
mod report;
pub use report::*;

/// After a committed write that changed what an opening report shows: the
/// kept reports are old, and the events told go out.
async fn changed_and_told(state: &AppState, told: Told) {
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    told_only(state, told);
}

/// After a committed write that only stamped who was told what (a
/// reminder, a report announced): the events go out, no report changed.
fn told_only(state: &AppState, told: Told) {
    state.bus.told(told);
}

/// An instant as the company reads it: `MM-DD HH:MM` in its time zone.
pub async fn local_time(state: &AppState, at: DateTime<Utc>) -> AppResult<String> {
    let tz = store::settings::load(&state.db).await?.timezone;
    Ok(at.with_timezone(&tz).format("%m-%d %H:%M").to_string())
}
