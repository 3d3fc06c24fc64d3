//! `erp_batch`: one accepted import of ERP facts or targets.

use crate::{BatchSource, ErpKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erp_batch")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: ErpKind,
    pub source: BatchSource,
    pub file_name: Option<String>,
    pub actor_id: Option<i64>,
    pub row_count: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub first_month: Option<Date>,
    pub last_month: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
