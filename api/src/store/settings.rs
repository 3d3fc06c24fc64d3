//! The configuration rows: one JSON value per top-level settings field,
//! merged over the defaults when read.

use crate::domain::settings::Settings;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::setting;
use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};

pub async fn load(db: &impl ConnectionTrait) -> AppResult<Settings> {
    let rows = setting::Entity::find().all(db).await?;
    let mut merged = serde_json::to_value(Settings::default()).map_err(AppError::internal)?;
    if let Some(obj) = merged.as_object_mut() {
        for row in rows {
            if obj.contains_key(&row.key) {
                obj.insert(row.key, row.value);
            }
        }
    }
    serde_json::from_value(merged).map_err(AppError::internal)
}

/// Writes every field of `settings` (upsert by key).
pub async fn save(db: &impl ConnectionTrait, settings: &Settings, by: Option<i64>, now: DateTime<Utc>) -> AppResult<()> {
    let value = serde_json::to_value(settings).map_err(AppError::internal)?;
    let Some(obj) = value.as_object() else {
        return Err(AppError::internal("settings are not an object"));
    };
    let rows: Vec<setting::ActiveModel> = obj
        .iter()
        .map(|(k, v)| setting::ActiveModel {
            key: Set(k.clone()),
            value: Set(v.clone()),
            updated_at: Set(now),
            updated_by: Set(by),
        })
        .collect();
    setting::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt, setting::Column::UpdatedBy])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// True when no configuration row exists yet (a new database).
pub async fn is_empty(db: &impl ConnectionTrait) -> AppResult<bool> {
    use sea_orm::PaginatorTrait;
    Ok(setting::Entity::find().count(db).await? == 0)
}
