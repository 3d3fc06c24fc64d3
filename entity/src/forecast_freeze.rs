//! `forecast_freeze`: a track's account manager's two forecasts for a month,
//! as they stood at the month's start.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forecast_freeze")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The first day of the month.
    pub month: Date,
    pub track_id: i64,
    pub owner_id: i64,
    /// 主观版: Σ the forecast amounts of his open deals expected to order in the month (fen).
    pub subjective_cents: i64,
    pub subjective_deals: i64,
    /// 精准版: Σ the precise amounts of his deals at `H_POTENTIAL` or later due in the month (fen).
    pub precision_cents: i64,
    pub precision_deals: i64,
    pub frozen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
