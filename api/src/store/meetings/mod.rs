//! Meetings and their tasks: the schedule, the recorded changes, the task
//! lists, the conditional writes of their transitions, and the one
//! statement that keeps every task's due date equal to the next meeting of
//! its series.

use crate::auth::Viewer;
use crate::domain::page::{Page, Window};
use crate::error::AppResult;
use crate::store::SortKey;
use chrono::{DateTime, Utc};
use entity::{MeetingKind, MeetingStatus, Role, TaskStatus, meeting, meeting_change, row_analysis, task, task_decision};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SubQueryStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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

/// The meetings a viewer sees: everyone's for the CEO, the secretary and the
/// admin; the monthly ones and his tracks' weekly ones for a director; his
/// track's weekly ones for an account manager.
pub fn meeting_scope(viewer: &Viewer) -> Condition {
    let weekly_of_tracks = Condition::all()
        .add(meeting::Column::Kind.eq(MeetingKind::TrackWeekly))
        .add(meeting::Column::TrackId.is_in(viewer.track_ids.iter().copied()));
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => Condition::all(),
        Role::TrackDirector => Condition::any()
            .add(meeting::Column::Kind.eq(MeetingKind::MonthlySupervision))
            .add(weekly_of_tracks),
        Role::AccountManager => weekly_of_tracks,
    }
}

/// The tasks a viewer sees: all for the CEO, the secretary and the admin;
/// his tracks' (and his own) for a director; his own for an account manager.
pub fn task_scope(viewer: &Viewer) -> Condition {
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => Condition::all(),
        Role::TrackDirector => Condition::any()
            .add(task::Column::TrackId.is_in(viewer.track_ids.iter().copied()))
            .add(task::Column::OwnerId.eq(viewer.user_id)),
        Role::AccountManager => Condition::all().add(task::Column::OwnerId.eq(viewer.user_id)),
    }
}

/// Overdue as `domain::meetings::overdue` says: pending, due at or before `now`.
pub fn overdue_condition(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(task::Column::Status.eq(TaskStatus::Pending))
        .add(task::Column::DueAt.is_not_null())
        .add(task::Column::DueAt.lte(now))
}
