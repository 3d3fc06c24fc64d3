//! Administering users.

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store;
use entity::{Role, user};

/// Admin only: (de)activates an account. A deactivated user's tokens stop
/// working at once and for good (reactivation needs a new login); an admin
/// cannot deactivate himself.
pub async fn set_active(state: &AppState, viewer: &Viewer, id: i64, active: bool) -> AppResult<user::Model> {
    viewer.require_role(&[Role::Admin], "activate or deactivate users")?;
    if id == viewer.user_id && !active {
        return Err(AppError::invalid("id", "you cannot deactivate your own account"));
    }
    if store::users::set_active(&state.db, id, active, state.clock.now()).await? == 0 {
        return Err(AppError::not_found("user"));
    }
    // Open sockets of the user, on every process, close within a second.
    store::events::announce_user_changed(&state.db, id).await?;
    state.bus.user_changed(id);
    store::users::by_id(&state.db, id).await?.ok_or_else(|| AppError::not_found("user"))
}

/// The logged-in user's own record.
pub async fn me(state: &AppState, viewer: &Viewer) -> AppResult<user::Model> {
    store::users::by_id(&state.db, viewer.user_id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))
}

/// The tracks in the viewer's scope: his own track, the tracks he runs, or all.
pub async fn tracks(state: &AppState, viewer: &Viewer) -> AppResult<Vec<entity::track::Model>> {
    store::tracks::list(&state.db, &viewer.scope(), &viewer.track_ids).await
}
