//! Tracks (赛道) with their directors and account managers.

use crate::auth::Scope;
use crate::error::AppResult;
use entity::{track, track_director, track_member};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The tracks a scope covers, by name.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope, own_tracks: &[i64]) -> AppResult<Vec<track::Model>> {
    let mut q = track::Entity::find().order_by_asc(track::Column::Id);
    match scope {
        Scope::All => {}
        Scope::Tracks(_) | Scope::Owner(_) => q = q.filter(track::Column::Id.is_in(own_tracks.iter().copied())),
    }
    Ok(q.all(db).await?)
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, track::Model>> {
    let rows = track::Entity::find()
        .filter(track::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}

/// Writes a new track, or `None` when its name is taken.
pub async fn create(db: &impl ConnectionTrait, name: &str, line: entity::BusinessLine) -> AppResult<Option<track::Model>> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, NotSet};
    let new = track::ActiveModel {
        id: NotSet,
        name: Set(name.to_owned()),
        business_line: Set(line),
    };
    match new.insert(db).await {
        Ok(t) => Ok(Some(t)),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What renaming a track came to.
pub enum Renamed {
    Done(track::Model),
    NoSuchTrack,
    NameTaken,
}

/// Renames a track and sets its business line; its deals follow the line.
pub async fn update(db: &impl ConnectionTrait, id: i64, name: &str, line: entity::BusinessLine) -> AppResult<Renamed> {
    use sea_orm::sea_query::Expr;
    let done = track::Entity::update_many()
        .col_expr(track::Column::Name, Expr::value(name))
        .col_expr(track::Column::BusinessLine, Expr::value(line))
        .filter(track::Column::Id.eq(id))
        .exec(db)
        .await;
    match done {
        Ok(r) if r.rows_affected == 0 => Ok(Renamed::NoSuchTrack),
        Ok(_) => {
            // Its deals are in the line their track is in (the alert rules, the
            // list's filter, the baselines read the deal's own copy).
            entity::opportunity::Entity::update_many()
                .col_expr(entity::opportunity::Column::BusinessLine, Expr::value(line))
                .filter(entity::opportunity::Column::TrackId.eq(id))
                .exec(db)
                .await?;
            Ok(by_id(db, id).await?.map_or(Renamed::NoSuchTrack, Renamed::Done))
        }
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(Renamed::NameTaken),
        Err(e) => Err(e.into()),
    }
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<track::Model>> {
    Ok(track::Entity::find_by_id(id).one(db).await?)
}

/// Directors of each track, in one query.
pub async fn directors_of(db: &impl ConnectionTrait, track_ids: &[i64]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = track_director::Entity::find()
        .select_only()
        .columns([track_director::Column::TrackId, track_director::Column::UserId])
        .filter(track_director::Column::TrackId.is_in(track_ids.iter().copied()))
        .order_by_asc(track_director::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(group(rows))
}

/// Account managers of each track, in one query.
pub async fn members_of(db: &impl ConnectionTrait, track_ids: &[i64]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = track_member::Entity::find()
        .select_only()
        .columns([track_member::Column::TrackId, track_member::Column::UserId])
        .filter(track_member::Column::TrackId.is_in(track_ids.iter().copied()))
        .order_by_asc(track_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(group(rows))
}

/// The track an account manager belongs to.
pub async fn track_of_member(db: &impl ConnectionTrait, user_id: i64) -> AppResult<Option<i64>> {
    Ok(track_member::Entity::find_by_id(user_id).one(db).await?.map(|m| m.track_id))
}

fn group(rows: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    out
}
