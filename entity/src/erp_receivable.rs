//! `erp_receivable`: receivables of a track at a month's end, as the ERP wrote them back.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erp_receivable")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// the ERP's id of the record, unique within its kind
    pub external_id: String,
    /// first day of the month it counts in
    pub month: Date,
    pub track_id: i64,
    /// the import that wrote its present values
    pub batch_id: i64,
    pub balance_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
