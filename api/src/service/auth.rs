//! Logging in and recognising the bearer of a token.

use crate::auth::throttle::RetryAt;
use crate::auth::{Auth, Viewer};
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use chrono::{DateTime, Utc};
use entity::user;

/// Checks the credentials and issues a token.
/// Failed attempts are throttled per account and per client address
/// ([`crate::auth::throttle`]); hashing waits for a free slot of the hasher.
pub async fn login(
    state: &AppState,
    email: &str,
    password_text: &str,
    client: Option<std::net::IpAddr>,
) -> AppResult<(String, DateTime<Utc>, user::Model)> {
    let mut p = Problems::new();
    let email = text::required(&mut p, "email", email, TextKind::Email);
    if let Some(why) = text::problem(password_text, TextKind::Password) {
        p.add("password", why);
    }
    p.check(password_text.is_empty(), "password", "is required");
    p.into_result()?;
    let email = email.as_str();
    let now = state.clock.now();
    if let Err(RetryAt(at)) = state.throttle.check(email, client, now) {
        return Err(AppError::rate_limited("too many failed logins: wait before trying again", now, at));
    }
    let found = store::users::by_email(&state.db, email).await?;
    let stored = found.as_ref().map_or_else(|| state.dummy_hash.clone(), |u| u.password_hash.clone());
    let Ok(matches) = state.hasher.verify(password_text.to_owned(), stored).await? else {
        return Err(AppError::rate_limited(
            "too many logins at once: try again in a second",
            now,
            now + chrono::Duration::seconds(1),
        ));
    };
    match found {
        Some(user) if matches && user.active => {
            state.throttle.succeeded(email);
            let (token, expires_at) = state.keys.issue(user.id, user.role, user.token_generation, state.clock.now())?;
            Ok((token, expires_at, user))
        }
        _ => {
            state.throttle.failed(email, client, now);
            Err(AppError::Unauthenticated("wrong e-mail or password".to_owned()))
        }
    }
}

/// Turns an `Authorization` header (or WebSocket payload) into an [`Auth`].
pub async fn authenticate(state: &AppState, authorization: Option<&str>) -> AppResult<Auth> {
    let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(Auth::Anonymous);
    };
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Ok(Auth::Refused("expected Authorization: Bearer <token>".to_owned())),
    };
    let claims = match state.keys.verify(token, state.clock.now()) {
        Ok(c) => c,
        Err(AppError::Unauthenticated(why)) => return Ok(Auth::Refused(why)),
        Err(other) => return Err(other),
    };
    let Ok(user_id) = claims.sub.parse::<i64>() else {
        return Ok(Auth::Refused("invalid token: bad subject".to_owned()));
    };
    let user = match store::users::by_id(&state.db, user_id).await? {
        Some(u) if u.active && u.token_generation != claims.generation => {
            return Ok(Auth::Refused("token revoked: log in again".to_owned()));
        }
        Some(u) if u.active => u,
        Some(_) => return Ok(Auth::Refused("account deactivated".to_owned())),
        None => return Ok(Auth::Refused("invalid token: unknown user".to_owned())),
    };
    let track_ids = store::users::track_ids_of(&state.db, user.id, user.role).await?;
    Ok(Auth::Viewer(Viewer {
        user_id: user.id,
        role: user.role,
        track_ids,
        token_expires_at: claims.exp,
    }))
}
