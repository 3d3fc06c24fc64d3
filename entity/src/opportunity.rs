//! `opportunity`: 商机. Amounts are in fen (1/100 yuan).

use crate::{BusinessLine, OpportunityKind, OpportunityStatus, ShelveReason, Stage};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub customer_id: i64,
    pub track_id: i64,
    pub owner_id: i64,
    pub business_line: BusinessLine,
    pub kind: OpportunityKind,
    pub amount_cents: i64,
    pub stage: Stage,
    pub stage_entered_at: DateTimeUtc,
    pub status: OpportunityStatus,
    pub last_activity_at: DateTimeUtc,
    pub secured_at: Option<DateTimeUtc>,
    pub mold_number: Option<String>,
    pub shelve_reason: Option<ShelveReason>,
    pub shelve_reason_text: Option<String>,
    pub restart_date: Option<Date>,
    pub loss_reason: Option<String>,
    /// first day of the expected order month (rolling, subjective forecast)
    pub expected_order_month: Option<Date>,
    pub forecast_amount_cents: Option<i64>,
    /// precision forecast (精度版): order date and amount
    pub precision_order_date: Option<Date>,
    pub precision_amount_cents: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The rows an opportunity points at, so that a page can fetch them in
/// the same statement (a join) instead of one query per relation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::OwnerId", to = "super::user::Column::Id")]
    Owner,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
    #[sea_orm(belongs_to = "super::track::Entity", from = "Column::TrackId", to = "super::track::Column::Id")]
    Track,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::track::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Track.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
