//! `business_line`: 业务, the two business lines (rows written by the migration).

use crate::BusinessLine;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "business_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: BusinessLine,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
