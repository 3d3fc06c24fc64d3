//! Logins (sessions) and their refresh tokens, kept by digest.

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{refresh_token, session};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Opens a session for `user_id`, ending at `expires_at` unless refreshed.
pub async fn create(db: &impl ConnectionTrait, user_id: i64, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> AppResult<session::Model> {
    Ok(session::ActiveModel {
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<session::Model>> {
    Ok(session::Entity::find_by_id(id).one(db).await?)
}

/// Records a refresh token of the session by its digest.
pub async fn add_refresh(db: &impl ConnectionTrait, session_id: i64, digest: String, now: DateTime<Utc>) -> AppResult<()> {
    refresh_token::ActiveModel {
        session_id: Set(session_id),
        token_hash: Set(digest),
        issued_at: Set(now),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn refresh_by_digest(db: &impl ConnectionTrait, digest: &str) -> AppResult<Option<refresh_token::Model>> {
    Ok(refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(digest))
        .one(db)
        .await?)
}

/// Marks a refresh token used; false when it already was (exactly one of
/// concurrent exchanges wins).
pub async fn use_refresh(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let res = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Moves the session's end on after a refresh.
pub async fn touch(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends one session; 0 when it had ended already.
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<u64> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Ends every session of a user but `keep`.
pub async fn revoke_all_of(db: &impl ConnectionTrait, user_id: i64, keep: Option<i64>, now: DateTime<Utc>) -> AppResult<u64> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(id) = keep {
        update = update.filter(session::Column::Id.ne(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}
