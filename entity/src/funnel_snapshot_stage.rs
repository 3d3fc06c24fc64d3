//! `funnel_snapshot_stage`: one open stage of a month-end snapshot's
//! distribution (the monthly review's stage distribution of a closed month).

use crate::Stage;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funnel_snapshot_stage")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub snapshot_id: i64,
    pub stage: Stage,
    pub count: i64,
    pub amount_cents: i64,
    pub active_count: i64,
    pub active_amount_cents: i64,
    /// The active deals' amount × the stage's weight then.
    pub weighted_cents: i64,
    pub average_days: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
