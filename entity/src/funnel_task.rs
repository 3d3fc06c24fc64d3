//! `funnel_task`: an add / reactivate task (补充新商机 / 激活存量不活跃商机) a
//! director dispatched to an account manager of his track, for a funnel
//! alert or from the monthly review.

use crate::{FunnelTaskKind, TaskStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funnel_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alert_id: Option<i64>,
    pub track_id: i64,
    pub kind: FunnelTaskKind,
    /// How many new opportunities (`ADD_OPPORTUNITIES`).
    pub count: Option<i32>,
    /// The opportunity to bring back (`REACTIVATE`).
    pub opportunity_id: Option<i64>,
    pub description: String,
    pub owner_id: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub due_at: Option<DateTimeUtc>,
    pub status: TaskStatus,
    pub done_at: Option<DateTimeUtc>,
    pub done_note: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
