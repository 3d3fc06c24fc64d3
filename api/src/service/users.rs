//! Administering users.

use super::{Page, PageRequest};
use crate::auth::Viewer;
use crate::domain::text::{self, TextKind};
use crate::domain::{accounts, limits};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use entity::{Role, user};
use sea_orm::ActiveValue::Set;

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
    // His row, his name or his tracks on the boards.
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
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

/// What an admin gives to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Track ids, as the client typed them.
    pub track_ids: Vec<String>,
    /// The first password; the user is asked to choose his own at login.
    pub password: String,
}

/// What an admin changes of a user; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub track_ids: Option<Vec<String>>,
}

/// Checks the tracks given to `role`: each exists, none twice, as many as
/// the role holds ([`accounts::tracks_problem`]).
async fn checked_tracks(state: &AppState, p: &mut Problems, role: Role, ids: &[String], field: &str) -> AppResult<Vec<i64>> {
    if ids.len() > limits::DIRECTOR_TRACKS {
        p.add(field, format!("at most {} tracks", limits::DIRECTOR_TRACKS));
        return Ok(Vec::new());
    }
    // (position in the input, id)
    let mut given: Vec<(usize, i64)> = Vec::new();
    for (i, raw) in ids.iter().enumerate() {
        if let Some(id) = super::id_field(p, Some(raw), &format!("{field}.{i}")) {
            if given.iter().any(|&(_, g)| g == id) {
                p.add(format!("{field}.{i}"), "is given twice");
            } else {
                given.push((i, id));
            }
        }
    }
    let out: Vec<i64> = given.iter().map(|&(_, id)| id).collect();
    let found = store::tracks::by_ids(&state.db, &out).await?;
    for (i, id) in &given {
        p.check(!found.contains_key(id), &format!("{field}.{i}"), "is not a track");
    }
    if let Some(why) = accounts::tracks_problem(role, ids.len()) {
        p.add(field, why);
    }
    Ok(out)
}

/// Admin: creates a user with a role, his tracks and a first password
/// (which he is asked to replace). The e-mail is stored lower-case and is
/// unique.
pub async fn create(state: &AppState, viewer: &Viewer, new: NewUser) -> AppResult<user::Model> {
    viewer.require_role(&[Role::Admin], "create users")?;
    let mut p = Problems::new();
    let email = text::required(&mut p, "input.email", &new.email, TextKind::Email).to_lowercase();
    if let Some(why) = Some(&email).filter(|e| !e.is_empty()).and_then(|e| accounts::email_problem(e)) {
        p.add("input.email", why);
    }
    let name = text::required(&mut p, "input.name", &new.name, TextKind::PersonName);
    if let Some(why) = accounts::new_password_problem(&new.password, &email) {
        p.add("input.password", why);
    }
    let tracks = checked_tracks(state, &mut p, new.role, &new.track_ids, "input.trackIds").await?;
    p.into_result()?;
    let hash = super::auth::hash_password(state, &new.password).await?;
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let Some(created) = store::users::create(
        &txn,
        user::ActiveModel {
            email: Set(email),
            name: Set(name),
            password_hash: Set(hash),
            role: Set(new.role),
            active: Set(true),
            tokens_revoked_at: Set(None),
            token_generation: Set(0),
            must_change_password: Set(true),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?
    else {
        return Err(AppError::invalid("input.email", "is already used by another user"));
    };
    store::users::set_role_and_tracks(&txn, created.id, &created.name, created.role, &tracks).await?;
    txn.commit().await?;
    // A new account manager has a row on the board.
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
    Ok(created)
}

/// An admin created from the command line (`salespulse admin create`).
#[derive(Debug, Clone)]
pub struct CommandLineAdmin {
    pub email: String,
    pub name: String,
    /// Typed at the terminal (or piped in): never an argument.
    pub password: String,
    /// Create him even though an active admin exists.
    pub another: bool,
}

/// The first admin of a company that starts empty, created on the server's
/// machine by whoever holds its database: there is no viewer, since nobody
/// can log in yet. Refused when an active admin exists, unless `another`
/// says so (one check and one insert under the organisation's lock: of two
/// at once, one wins). The password is his own, checked as
/// `changePassword` checks one, so he is not asked to replace it.
pub async fn create_admin(state: &AppState, new: CommandLineAdmin) -> AppResult<user::Model> {
    let mut p = Problems::new();
    let email = text::required(&mut p, "email", &new.email, TextKind::Email).to_lowercase();
    if let Some(why) = Some(&email).filter(|e| !e.is_empty()).and_then(|e| accounts::email_problem(e)) {
        p.add("email", why);
    }
    let name = text::required(&mut p, "name", &new.name, TextKind::PersonName);
    if let Some(why) = accounts::new_password_problem(&new.password, &email) {
        p.add("password", why);
    }
    p.into_result()?;
    let hash = super::auth::hash_password(state, &new.password).await?;
    let txn = store::begin_write(&state.db).await?;
    store::locks::hold_for_transaction(&txn, store::locks::Lock::Organisation).await?;
    if !new.another && store::users::any_admin(&txn).await? {
        return Err(AppError::conflict(
            "an admin exists already: log in as that admin, or pass --another to add one",
        ));
    }
    let Some(created) = store::users::create(
        &txn,
        user::ActiveModel {
            email: Set(email),
            name: Set(name),
            password_hash: Set(hash),
            role: Set(Role::Admin),
            active: Set(true),
            tokens_revoked_at: Set(None),
            token_generation: Set(0),
            must_change_password: Set(false),
            created_at: Set(state.clock.now()),
            ..Default::default()
        },
    )
    .await?
    else {
        return Err(AppError::invalid("email", "is already used by another user"));
    };
    txn.commit().await?;
    Ok(created)
}

/// Admin: changes a user's name, role or tracks. A change of role or tracks
/// takes effect at once: his open sockets close (on every process) and his
/// next request runs with the new scope.
pub async fn update(state: &AppState, viewer: &Viewer, id: i64, c: UserChanges) -> AppResult<user::Model> {
    viewer.require_role(&[Role::Admin], "change users")?;
    let current = store::users::by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    let mut p = Problems::new();
    let name = match c.name.as_deref() {
        Some(n) => text::required(&mut p, "input.name", n, TextKind::PersonName),
        None => current.name.clone(),
    };
    let role = c.role.unwrap_or(current.role);
    p.check(
        id == viewer.user_id && role != Role::Admin,
        "input.role",
        "you cannot take the admin role from yourself",
    );
    let tracks = match &c.track_ids {
        Some(ids) => checked_tracks(state, &mut p, role, ids, "input.trackIds").await?,
        // A role that holds no track drops them; otherwise they are kept
        // and must suit the new role.
        None if accounts::tracks_problem(role, 0).is_none() => Vec::new(),
        None => {
            let kept = store::users::track_ids_of(&state.db, id, current.role).await?;
            if let Some(why) = accounts::tracks_problem(role, kept.len()) {
                p.add("input.trackIds", format!("{why}: give the tracks with the new role"));
            }
            kept
        }
    };
    p.into_result()?;
    let txn = store::begin_write(&state.db).await?;
    store::users::set_role_and_tracks(&txn, id, &name, role, &tracks).await?;
    store::events::announce_user_changed(&txn, id).await?;
    txn.commit().await?;
    state.bus.user_changed(id);
    // His row, his name or his tracks on the boards.
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
    store::users::by_id(&state.db, id).await?.ok_or_else(|| AppError::not_found("user"))
}

/// Admin: gives a user a new password (he forgot his). Every login of his
/// ends at once; he is asked to choose his own at the next login.
pub async fn reset_password(state: &AppState, viewer: &Viewer, id: i64, password: &str) -> AppResult<user::Model> {
    viewer.require_role(&[Role::Admin], "reset passwords")?;
    let target = store::users::by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if let Some(why) = accounts::new_password_problem(password, &target.email) {
        return Err(AppError::invalid("newPassword", why));
    }
    let hash = super::auth::hash_password(state, password).await?;
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    store::users::set_password(&txn, id, &hash, true).await?;
    store::users::revoke_tokens(&txn, id, now).await?;
    store::sessions::revoke_all_of(&txn, id, None, now).await?;
    store::events::announce_user_changed(&txn, id).await?;
    txn.commit().await?;
    state.bus.user_changed(id);
    store::users::by_id(&state.db, id).await?.ok_or_else(|| AppError::not_found("user"))
}

/// Narrowing of the admin's user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the name or e-mail.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub track_id: Option<String>,
}

/// Admin: one page of users, in id order.
pub async fn list(state: &AppState, viewer: &Viewer, f: UserFilter, page: PageRequest) -> AppResult<Page<user::Model>> {
    viewer.require_role(&[Role::Admin], "list users")?;
    let mut p = Problems::new();
    let window = super::page_args(&mut p, &page);
    let search = text::optional(&mut p, "filter.search", f.search.as_deref(), TextKind::Search);
    let track_id = super::id_field(&mut p, f.track_id.as_deref(), "filter.trackId");
    p.into_result()?;
    let filter = store::users::Filter {
        search,
        role: f.role,
        active: f.active,
        track_id,
    };
    store::users::page(&state.db, &filter, window, page.with_total).await
}
