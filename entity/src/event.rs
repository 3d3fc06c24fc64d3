//! `event`: the durable event log. Rows first, published second; the
//! audience columns say who may receive an event.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub payload: Json,
    /// the account manager it concerns (sees it), if any
    pub audience_user_id: Option<i64>,
    /// the track it concerns (its directors see it), if any
    pub audience_track_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
