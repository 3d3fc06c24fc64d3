//! Reading and changing the configuration.

use crate::auth::Viewer;
use crate::domain::settings::Settings;
use crate::error::{AppError, AppResult, FieldError};
use crate::graphql::types::SettingsInput;
use crate::state::AppState;
use crate::store;
use entity::Role;

/// Admin only: applies the given fields, validates the whole, saves it.
pub async fn update(state: &AppState, viewer: &Viewer, input: SettingsInput) -> AppResult<Settings> {
    viewer.require_role(&[Role::Admin], "change the configuration")?;
    let txn = store::begin_write(&state.db).await?;
    let current = store::settings::load(&txn).await?;
    let (next, tz_error) = input.apply(&current);
    let mut fields = match next.validate() {
        Ok(()) => Vec::new(),
        Err(AppError::Validation(f)) => f,
        Err(other) => return Err(other),
    };
    if let Some(msg) = tz_error {
        fields.insert(0, FieldError::new("input.timezone", msg));
    }
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    store::settings::save(&txn, &next, Some(viewer.user_id), state.clock.now()).await?;
    txn.commit().await?;
    Ok(next)
}
