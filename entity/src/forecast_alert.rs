//! `forecast_alert`: `FORECAST_GAP` — a track's precision forecast for a
//! month fell short of its subjective forecast when frozen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forecast_alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub track_id: i64,
    /// The first day of the month.
    pub month: Date,
    pub subjective_cents: i64,
    pub precision_cents: i64,
    pub raised_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
