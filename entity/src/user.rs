//! `user`: a person who logs in.

use crate::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    /// Tokens issued at or before this instant are refused (set on deactivation).
    pub tokens_revoked_at: Option<DateTimeUtc>,
    /// Every token carries the generation it was issued under; only the
    /// current one is accepted. Moved on by deactivation.
    pub token_generation: i32,
    /// Set when an admin resets the password: the client asks for a new one.
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
