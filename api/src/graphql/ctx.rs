//! What a resolver reads from the context: the application state, the
//! viewer, the loaders, and the request's settings.

use super::loaders::Loaders;
use crate::auth::{Auth, Viewer};
use crate::domain::settings::Settings;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use async_graphql::Context;
use std::sync::Arc;

pub fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a Arc<AppState>> {
    ctx.data::<Arc<AppState>>()
        .map_err(|_| AppError::internal("application state missing"))
}

/// The fields a user whose password an admin set may use before he has
/// chosen his own.
const BEFORE_PASSWORD_CHANGE: &[&str] = &["changePassword", "logout", "me"];

/// The viewer, for any field below a root field he may use now.
pub fn viewer<'a>(ctx: &Context<'a>) -> AppResult<&'a Viewer> {
    let viewer = match ctx.data::<Auth>() {
        Ok(auth) => auth.viewer(),
        Err(_) => Auth::Anonymous.viewer(),
    }?;
    if viewer.must_change_password && !BEFORE_PASSWORD_CHANGE.contains(&root_field(ctx)) {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(viewer)
}

/// The root field the resolver runs under: a root resolver's own field
/// name (an alias changes nothing), below it the root's key in the answer
/// (every root field that needs a viewer was checked by its name first).
fn root_field<'a>(ctx: &Context<'a>) -> &'a str {
    let mut node = ctx.path_node;
    if node.is_none_or(|n| n.parent.is_none()) {
        return ctx.item.node.name.node.as_str();
    }
    let mut root = "";
    while let Some(n) = node {
        if let async_graphql::QueryPathSegment::Name(name) = n.segment {
            root = name;
        }
        node = n.parent.copied();
    }
    root
}

pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    // A request's own loaders, or those a subscription group shares.
    ctx.data_opt::<Loaders>()
        .or_else(|| ctx.data_opt::<Arc<Loaders>>().map(Arc::as_ref))
        .ok_or_else(|| AppError::internal("loaders missing"))
}

/// Per-request cache of the configuration, read at most once per request.
#[derive(Default)]
pub struct RequestSettings(tokio::sync::OnceCell<Settings>);

pub async fn settings<'a>(ctx: &Context<'a>) -> AppResult<&'a Settings> {
    let cell = ctx
        .data::<RequestSettings>()
        .map_err(|_| AppError::internal("settings cache missing"))?;
    let st = state(ctx)?;
    cell.0.get_or_try_init(|| crate::service::settings::current(st)).await
}

/// The client's IP address (from the accept loop), for the login throttle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

/// The language of this request's answers (its `Accept-Language`, else the
/// configured default).
pub fn locale(ctx: &Context<'_>) -> crate::locale::Locale {
    match ctx.data_opt::<crate::locale::Locale>() {
        Some(l) => *l,
        None => state(ctx).map(|s| s.config.default_locale).unwrap_or_default(),
    }
}
