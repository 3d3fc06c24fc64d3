//! `meeting`: one occurrence of the monthly supervision meeting or of a
//! track's weekly meeting.

use crate::{MeetingKind, MeetingStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: MeetingKind,
    /// `MONTHLY_SUPERVISION` or `TRACK_WEEKLY:<track id>`.
    pub series: String,
    /// The track of a weekly meeting.
    pub track_id: Option<i64>,
    pub starts_at: DateTimeUtc,
    pub status: MeetingStatus,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// When the scheduler handled its start (the escalation), once.
    pub opened_at: Option<DateTimeUtc>,
    /// When the scheduler announced its opening report, once.
    pub report_ready_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
