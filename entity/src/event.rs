//! `event`: the durable event log. Rows first, published second; the
//! audience columns say who may receive an event.

use crate::{AlertRule, EventKind, EventSubject};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: EventKind,
    /// what the event is about
    pub subject_kind: EventSubject,
    pub subject_id: i64,
    /// the opportunity concerned, if any
    pub opportunity_id: Option<i64>,
    /// the alert rule concerned, if any
    pub rule: Option<AlertRule>,
    /// the account manager it concerns (sees it), if any
    pub audience_user_id: Option<i64>,
    /// the track it concerns (its directors see it), if any
    pub audience_track_id: Option<i64>,
    /// Who acted; empty for the system (the scan).
    pub actor_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
