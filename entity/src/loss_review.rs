//! `loss_review`: 输单复盘, opened when an opportunity is lost.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loss_review")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opportunity_id: i64,
    /// The alert whose LOSE decision opened it, if any.
    pub alert_id: Option<i64>,
    pub owner_id: i64,
    pub track_id: i64,
    pub reason: String,
    pub opened_at: DateTimeUtc,
    pub opened_by: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
