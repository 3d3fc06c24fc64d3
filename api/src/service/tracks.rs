//! Tracks (赛道), kept by the admin: created with their business line,
//! renamed, moved to the other line. Who runs and works in a track is a
//! user's (`service::users`). Every change moves the boards' and the
//! funnels' generations on, so no kept answer shows the old name.

use crate::auth::Viewer;
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use entity::{BusinessLine, Role, track};

/// A track as the admin gives it.
#[derive(Debug, Clone)]
pub struct TrackInput {
    pub name: String,
    pub business_line: BusinessLine,
}

const NAME_TAKEN: &str = "is already the name of another track";

fn checked_name(p: &mut Problems, name: &str) -> String {
    text::required(p, "input.name", name, TextKind::Name)
}

/// After a committed change of a track: every board and funnel shows it.
async fn changed(state: &AppState) {
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
    crate::freshness::changed(state, crate::freshness::Change::Deals).await;
}

/// Admin: a new track in a business line. Its name is unique.
pub async fn create(state: &AppState, viewer: &Viewer, input: TrackInput) -> AppResult<track::Model> {
    viewer.require_role(&[Role::Admin], "manage tracks")?;
    let mut p = Problems::new();
    let name = checked_name(&mut p, &input.name);
    p.into_result()?;
    let txn = store::begin_write(&state.db).await?;
    store::locks::hold_for_transaction(&txn, store::locks::Lock::Organisation).await?;
    let Some(created) = store::tracks::create(&txn, &name, input.business_line).await? else {
        return Err(AppError::invalid("input.name", NAME_TAKEN));
    };
    txn.commit().await?;
    changed(state).await;
    Ok(created)
}

/// Admin: renames a track or moves it to the other business line: its
/// deals go with it; the month-end funnel alerts and snapshots already
/// taken stay as they were taken (history).
pub async fn update(state: &AppState, viewer: &Viewer, id: i64, input: TrackInput) -> AppResult<track::Model> {
    viewer.require_role(&[Role::Admin], "manage tracks")?;
    let mut p = Problems::new();
    let name = checked_name(&mut p, &input.name);
    p.into_result()?;
    let txn = store::begin_write(&state.db).await?;
    store::locks::hold_for_transaction(&txn, store::locks::Lock::Organisation).await?;
    let updated = match store::tracks::update(&txn, id, &name, input.business_line).await? {
        store::tracks::Renamed::Done(t) => t,
        store::tracks::Renamed::NoSuchTrack => return Err(AppError::not_found("track")),
        store::tracks::Renamed::NameTaken => return Err(AppError::invalid("input.name", NAME_TAKEN)),
    };
    txn.commit().await?;
    changed(state).await;
    Ok(updated)
}
