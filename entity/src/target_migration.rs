//! `target_migration` (目标迁移申请): move part of a slipping opportunity's
//! baseline target to a replacement opportunity.

use crate::MigrationStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "target_migration")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub track_id: i64,
    pub from_opportunity_id: i64,
    pub to_opportunity_id: i64,
    pub amount_cents: i64,
    pub reason: String,
    pub status: MigrationStatus,
    pub requested_by: i64,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_comment: Option<String>,
    /// Approved: to be executed by then (2 days).
    pub execute_due_at: Option<DateTimeUtc>,
    /// When it passed that time unexecuted (escalated).
    pub overdue_at: Option<DateTimeUtc>,
    pub executed_by: Option<i64>,
    pub executed_at: Option<DateTimeUtc>,
    /// The baseline version its execution wrote.
    pub baseline_version: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
