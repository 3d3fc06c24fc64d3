//! `baseline_version`: one version of a year's baseline (承接基准) — the
//! year-start snapshot (number 1) or an executed target migration.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "baseline_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub number: i32,
    /// The target migration it executed (none for the year-start snapshot).
    pub migration_id: Option<i64>,
    pub taken_by: Option<i64>,
    pub taken_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
