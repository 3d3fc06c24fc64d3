//! Users and what they are attached to.

use crate::auth::Scope;
use crate::error::AppResult;
use entity::{Role, track_director, track_member, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
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

/// Moves the user's token generation on: every token issued before stops working.
pub async fn revoke_tokens(db: &impl ConnectionTrait, id: i64, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::TokensRevokedAt, Expr::value(now))
        .col_expr(user::Column::TokenGeneration, Expr::col(user::Column::TokenGeneration).add(1))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a new password hash; `must_change` asks the user for his own.
pub async fn set_password(db: &impl ConnectionTrait, id: i64, hash: &str, must_change: bool) -> AppResult<u64> {
    let res = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// How many users there are.
pub async fn count(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(user::Entity::find().count(db).await?)
}

/// Whether an active admin exists.
pub async fn any_admin(db: &impl ConnectionTrait) -> AppResult<bool> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let found = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(entity::Role::Admin))
        .filter(user::Column::Active.eq(true))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// A new user; `None` when the e-mail is taken (the unique index decides,
/// so two admins creating the same address at once get one user).
pub async fn create(db: &impl ConnectionTrait, new: user::ActiveModel) -> AppResult<Option<user::Model>> {
    match new.insert(db).await {
        Ok(u) => Ok(Some(u)),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Replaces the user's role, name and tracks (memberships of the role).
pub async fn set_role_and_tracks(db: &impl ConnectionTrait, id: i64, name: &str, role: Role, tracks: &[i64]) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::Name, Expr::value(name))
        .col_expr(user::Column::Role, Expr::value(role))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    track_member::Entity::delete_many()
        .filter(track_member::Column::UserId.eq(id))
        .exec(db)
        .await?;
    track_director::Entity::delete_many()
        .filter(track_director::Column::UserId.eq(id))
        .exec(db)
        .await?;
    match role {
        Role::AccountManager => {
            if let Some(&track_id) = tracks.first() {
                track_member::ActiveModel {
                    user_id: Set(id),
                    track_id: Set(track_id),
                }
                .insert(db)
                .await?;
            }
        }
        Role::TrackDirector if !tracks.is_empty() => {
            track_director::Entity::insert_many(tracks.iter().map(|&t| track_director::ActiveModel {
                track_id: Set(t),
                user_id: Set(id),
            }))
            .exec(db)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Narrowing of the user list an admin searches.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the name or the e-mail (case-insensitive for ASCII).
    pub search: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Members or directors of this track.
    pub track_id: Option<i64>,
}

/// One page of users in id order.
pub async fn page(
    db: &impl ConnectionTrait,
    f: &Filter,
    window: crate::domain::page::Window,
    with_total: bool,
) -> AppResult<crate::domain::page::Page<user::Model>> {
    use sea_orm::sea_query::Query;
    let mut q = user::Entity::find();
    if let Some(s) = &f.search {
        let pattern = super::contains_pattern(s);
        q = q.filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(LikeExpr::new(pattern.clone()).escape('\\')))
                .add(Expr::col(user::Column::Email).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    if let Some(r) = f.role {
        q = q.filter(user::Column::Role.eq(r));
    }
    if let Some(a) = f.active {
        q = q.filter(user::Column::Active.eq(a));
    }
    if let Some(t) = f.track_id {
        q = q.filter(
            sea_orm::Condition::any()
                .add(
                    user::Column::Id.in_subquery(
                        Query::select()
                            .column(track_member::Column::UserId)
                            .from(track_member::Entity)
                            .and_where(track_member::Column::TrackId.eq(t))
                            .to_owned(),
                    ),
                )
                .add(
                    user::Column::Id.in_subquery(
                        Query::select()
                            .column(track_director::Column::UserId)
                            .from(track_director::Entity)
                            .and_where(track_director::Column::TrackId.eq(t))
                            .to_owned(),
                    ),
                ),
        );
    }
    super::keyset_page(db, q, user::Column::Id, window, with_total).await
}
