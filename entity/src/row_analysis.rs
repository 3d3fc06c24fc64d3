//! `row_analysis`: a director's cause analysis and improvement plan
//! (原因分析和改善计划) on a 未达标 row of the ranking board, one per row and period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "row_analysis")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub period_first: Date,
    pub period_last: Date,
    /// The board's dimension, 1 to 8.
    pub dimension: i32,
    pub track_id: i64,
    pub account_manager_id: Option<i64>,
    /// `T<track id>` or `A<account manager id>`.
    pub row_key: String,
    pub cause: String,
    pub plan: String,
    pub author_id: i64,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
