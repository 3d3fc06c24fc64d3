//! `baseline_entry`: an opportunity's expected order month and amount in a
//! year's baseline, from `valid_from` until a later version replaced it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "baseline_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub opportunity_id: i64,
    pub track_id: i64,
    pub owner_id: i64,
    pub expected_order_month: Option<Date>,
    pub amount_cents: i64,
    /// The baseline version that wrote it.
    pub version_from: i32,
    pub valid_from: DateTimeUtc,
    /// When a later version replaced it (none while current).
    pub valid_to: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
