//! `funnel_snapshot`: a track's funnel figures at a month's end, as the
//! month-end check read them (one per track and month).

use crate::BusinessLine;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funnel_snapshot")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub track_id: i64,
    pub business_line: BusinessLine,
    /// The first day of the month.
    pub month: Date,
    pub weighted_pipeline_cents: i64,
    pub remaining_target_cents: Option<i64>,
    pub coverage: Option<f64>,
    pub coverage_line: f64,
    pub conversion: Option<f64>,
    pub conversion_line: f64,
    pub secured: i64,
    pub lost: i64,
    /// Open deals of the four open stages, their amount (fen), the active ones of them.
    pub open_count: i64,
    pub open_amount_cents: i64,
    pub active_count: i64,
    pub moved_out: i64,
    pub taken_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
