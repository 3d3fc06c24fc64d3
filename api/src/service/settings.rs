//! Reading and changing the configuration.

use crate::auth::Viewer;
use crate::domain::settings::{Settings, SettingsPatch};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store;
use entity::Role;

/// The configuration now in force (every role may read it).
pub async fn current(state: &AppState) -> AppResult<Settings> {
    store::settings::load(&state.db).await
}

/// Admin only: applies the given fields, validates the whole, saves it.
pub async fn update(state: &AppState, viewer: &Viewer, patch: SettingsPatch) -> AppResult<Settings> {
    viewer.require_role(&[Role::Admin], "change the configuration")?;
    let txn = store::begin_write(&state.db).await?;
    let current = store::settings::load(&txn).await?;
    let next = patch.apply(&current)?;
    store::settings::save(&txn, &next, Some(viewer.user_id), state.clock.now()).await?;
    txn.commit().await?;
    // The board's target lines and the company's calendar are settings.
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
    Ok(next)
}
