//! Users and what they are attached to.

use crate::auth::Scope;
use crate::error::AppResult;
use entity::{Role, track_director, track_member, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

pub async fn by_email(db: &impl ConnectionTrait, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, user::Model>> {
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u)).collect())
}

/// The tracks a user is attached to: an account manager's one track, the
/// tracks a director runs; nobody else has any.
pub async fn track_ids_of(db: &impl ConnectionTrait, user_id: i64, role: Role) -> AppResult<Vec<i64>> {
    Ok(match role {
        Role::AccountManager => {
            track_member::Entity::find()
                .select_only()
                .column(track_member::Column::TrackId)
                .filter(track_member::Column::UserId.eq(user_id))
                .into_tuple()
                .all(db)
                .await?
        }
        Role::TrackDirector => {
            track_director::Entity::find()
                .select_only()
                .column(track_director::Column::TrackId)
                .filter(track_director::Column::UserId.eq(user_id))
                .order_by_asc(track_director::Column::TrackId)
                .into_tuple()
                .all(db)
                .await?
        }
        Role::Ceo | Role::Secretary | Role::Admin => Vec::new(),
    })
}

/// Track ids for many users at once (account managers and directors).
pub async fn track_ids_of_many(db: &impl ConnectionTrait, user_ids: &[i64]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    let members: Vec<(i64, i64)> = track_member::Entity::find()
        .select_only()
        .columns([track_member::Column::UserId, track_member::Column::TrackId])
        .filter(track_member::Column::UserId.is_in(user_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let directors: Vec<(i64, i64)> = track_director::Entity::find()
        .select_only()
        .columns([track_director::Column::UserId, track_director::Column::TrackId])
        .filter(track_director::Column::UserId.is_in(user_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for (user, track) in members.into_iter().chain(directors) {
        out.entry(user).or_default().push(track);
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    Ok(out)
}

/// Whether a user is visible to a scope: everyone in the viewer's tracks,
/// and the viewer himself.
pub fn user_in_scope(scope: &Scope, viewer_id: i64, user_id: i64, user_tracks: &[i64]) -> bool {
    match scope {
        Scope::All => true,
        Scope::Tracks(ids) => user_id == viewer_id || user_tracks.iter().any(|t| ids.contains(t)),
        Scope::Owner(id) => user_id == *id,
    }
}

/// (De)activates a user; deactivation also revokes every token issued so far.
pub async fn set_active(db: &impl ConnectionTrait, id: i64, active: bool, now: chrono::DateTime<chrono::Utc>) -> AppResult<u64> {
    let mut update = user::Entity::update_many().col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(active));
    if !active {
        update = update
            .col_expr(user::Column::TokensRevokedAt, sea_orm::sea_query::Expr::value(now))
            .col_expr(
                user::Column::TokenGeneration,
                sea_orm::sea_query::ExprTrait::add(sea_orm::sea_query::Expr::col(user::Column::TokenGeneration), 1),
            );
    }
    let res = update.filter(user::Column::Id.eq(id)).exec(db).await?;
    Ok(res.rows_affected)
}
