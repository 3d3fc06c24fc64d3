//! `funnel_alert`: 漏斗健康度告警, one per track and month at most: the
//! month-end check found the track's coverage or conversion below its line.

use crate::{BusinessLine, FunnelAttribution};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funnel_alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub track_id: i64,
    pub business_line: BusinessLine,
    /// The first day of the month checked.
    pub month: Date,
    /// The figures when checked: weighted pipeline, remaining order target (fen), coverage, conversion.
    pub weighted_pipeline_cents: i64,
    pub remaining_target_cents: Option<i64>,
    pub coverage: Option<f64>,
    pub coverage_below: bool,
    pub coverage_line: f64,
    pub conversion: Option<f64>,
    pub conversion_below: bool,
    pub conversion_line: f64,
    pub raised_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub overdue_at: Option<DateTimeUtc>,
    pub attribution: Option<FunnelAttribution>,
    pub attribution_text: Option<String>,
    pub attributed_by: Option<i64>,
    pub attributed_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
