//! `task_decision`: the chair's decision on an unfinished task at a meeting's
//! opening (延期 / 重新派发 / 调整任务内容 / 关闭), with the reason given.

use crate::TaskDecisionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_decision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// The meeting at whose opening it was decided.
    pub meeting_id: i64,
    pub kind: TaskDecisionKind,
    pub reason: String,
    pub from_due_at: Option<DateTimeUtc>,
    pub to_due_at: Option<DateTimeUtc>,
    pub from_owner_id: Option<i64>,
    pub to_owner_id: Option<i64>,
    pub from_description: Option<String>,
    pub to_description: Option<String>,
    pub decided_by: i64,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
