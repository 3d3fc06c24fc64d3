//! `meeting_change`: a move or a cancellation of a meeting, recorded.

use crate::MeetingChangeKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub kind: MeetingChangeKind,
    pub from_starts_at: DateTimeUtc,
    pub to_starts_at: Option<DateTimeUtc>,
    pub reason: Option<String>,
    pub actor_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
