//! `task`: a task recorded in a meeting from a board row (督导任务).

use crate::{MeetingKind, TaskStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_kind: MeetingKind,
    /// The board's dimension, 1 to 8.
    pub dimension: i32,
    pub track_id: i64,
    /// The account manager of an account-manager row.
    pub account_manager_id: Option<i64>,
    /// The board period the row was taken from (first days of its months).
    pub period_first: Date,
    pub period_last: Date,
    /// The row's value and standing when the task was recorded.
    pub value_then: Option<f64>,
    pub standing_then: String,
    pub description: String,
    pub owner_id: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    /// The start of the next meeting of the same series; none while there is none.
    pub due_at: Option<DateTimeUtc>,
    /// A due date the chair set (延期): a move of the next meeting leaves it.
    pub due_extended: bool,
    pub status: TaskStatus,
    pub done_at: Option<DateTimeUtc>,
    pub done_note: Option<String>,
    pub escalated_at: Option<DateTimeUtc>,
    /// When its owner was told it is due within a day.
    pub due_soon_told_at: Option<DateTimeUtc>,
    /// When its owner was told it is overdue.
    pub overdue_told_at: Option<DateTimeUtc>,
    /// The running PDCA item it follows (an anomaly alert).
    pub alert_id: Option<i64>,
    pub version: i32,
    /// The funnel task (补充 / 激活) it follows.
    pub funnel_task_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
