//! `target`: a monthly sales or order target of a track (no account manager) or of an account manager in it.

use crate::TargetKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: TargetKind,
    pub track_id: i64,
    pub account_manager_id: Option<i64>,
    /// first day of the month
    pub month: Date,
    pub amount_cents: i64,
    pub batch_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
