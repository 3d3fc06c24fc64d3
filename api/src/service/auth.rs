//! Logging in and recognising the bearer of a token.

use crate::auth::refresh;
use crate::auth::throttle::RetryAt;
use crate::auth::{Auth, Viewer};
use crate::domain::text::{self, TextKind};
use crate::domain::{accounts, limits};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use chrono::{DateTime, Utc};
use entity::user;

/// What a login or a refresh hands out: a short access token for the
/// `Authorization` header, and a refresh token to get the next one.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    /// The login ends then unless refreshed before.
    pub refresh_expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// The answer when the hasher's queue is full.
fn busy(now: DateTime<Utc>) -> AppError {
    AppError::rate_limited(
        "too many logins at once: try again in a second",
        now,
        now + chrono::Duration::seconds(1),
    )
}

/// Checks the credentials and opens a session (one per device).
/// Failed attempts are throttled per account and per client address
/// ([`crate::auth::throttle`]); hashing waits for a free slot of the hasher.
pub async fn login(state: &AppState, email: &str, password_text: &str, client: Option<std::net::IpAddr>) -> AppResult<Tokens> {
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
        return Err(busy(now));
    };
    match found {
        Some(user) if matches && user.active => {
            state.throttle.succeeded(email);
            let txn = store::begin_write(&state.db).await?;
            let now = state.clock.now();
            let session = store::sessions::create(&txn, user.id, now, refresh_end(state, now)).await?;
            let tokens = issue(state, &txn, session.id, user, now).await?;
            txn.commit().await?;
            Ok(tokens)
        }
        _ => {
            state.throttle.failed(email, client, now);
            Err(AppError::Unauthenticated("wrong e-mail or password".to_owned()))
        }
    }
}

/// Hashes a new password when the hasher has room; when its queue is
/// full, `RATE_LIMITED` for a second.
pub(crate) async fn hash_password(state: &AppState, password: &str) -> AppResult<String> {
    match state.hasher.hash(password.to_owned()).await? {
        Ok(hash) => Ok(hash),
        Err(_) => {
            let now = state.clock.now();
            Err(AppError::rate_limited(
                "the server is busy: try again in a second",
                now,
                now + chrono::Duration::seconds(1),
            ))
        }
    }
}

fn refresh_end(state: &AppState, now: DateTime<Utc>) -> DateTime<Utc> {
    now + chrono::Duration::days(state.config.refresh_ttl_days)
}

/// A new access token and refresh token in the session.
async fn issue(
    state: &AppState,
    txn: &sea_orm::DatabaseTransaction,
    session_id: i64,
    user: user::Model,
    now: DateTime<Utc>,
) -> AppResult<Tokens> {
    let (refresh_token, digest) = refresh::new_token();
    store::sessions::add_refresh(txn, session_id, digest, now).await?;
    let (access_token, access_expires_at) = state.keys.issue(user.id, user.role, user.token_generation, session_id, now)?;
    Ok(Tokens {
        access_token,
        access_expires_at,
        refresh_token,
        refresh_expires_at: refresh_end(state, now),
        user,
    })
}

/// Exchanges a refresh token for new tokens; the old one is spent. A token
/// presented a second time (a copy someone kept, or two exchanges at once)
/// ends its session: every token of that login stops working and its
/// sockets close, so a stolen token is worth one use at most.
pub async fn refresh(state: &AppState, token: &str) -> AppResult<Tokens> {
    let token = token.trim();
    if token.chars().nth(limits::REFRESH_TOKEN_CHARS).is_some() || !refresh::well_formed(token) {
        return Err(AppError::invalid("refreshToken", "is not a refresh token"));
    }
    let ended = || AppError::Unauthenticated("the login has ended: log in again".to_owned());
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let Some(row) = store::sessions::refresh_by_digest(&txn, &refresh::digest(token)).await? else {
        return Err(AppError::Unauthenticated("unknown refresh token: log in again".to_owned()));
    };
    let session = store::sessions::by_id(&txn, row.session_id).await?.ok_or_else(ended)?;
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Err(ended());
    }
    if row.used_at.is_some() || !store::sessions::use_refresh(&txn, row.id, now).await? {
        store::sessions::revoke(&txn, session.id, now).await?;
        store::events::announce_user_changed(&txn, session.user_id).await?;
        txn.commit().await?;
        state.bus.user_changed(session.user_id);
        tracing::warn!(session = session.id, user = session.user_id, "refresh token reused: session ended");
        return Err(AppError::Unauthenticated(
            "this refresh token was already used: the login is ended for safety; log in again".to_owned(),
        ));
    }
    let user = match store::users::by_id(&txn, session.user_id).await? {
        Some(u) if u.active => u,
        _ => return Err(AppError::Unauthenticated("account deactivated".to_owned())),
    };
    store::sessions::touch(&txn, session.id, now, refresh_end(state, now)).await?;
    let tokens = issue(state, &txn, session.id, user, now).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Ends the viewer's login (this device); with `everywhere`, every login
/// of his. Tokens of an ended login stop working at once and its open
/// sockets close.
pub async fn logout(state: &AppState, viewer: &Viewer, everywhere: bool) -> AppResult<u64> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let ended = match (everywhere, viewer.session_id) {
        (false, Some(sid)) => store::sessions::revoke(&txn, sid, now).await?,
        _ => {
            // Tokens without a session, too: the generation moves on.
            store::users::revoke_tokens(&txn, viewer.user_id, now).await?;
            store::sessions::revoke_all_of(&txn, viewer.user_id, None, now).await?
        }
    };
    store::events::announce_user_changed(&txn, viewer.user_id).await?;
    txn.commit().await?;
    state.bus.user_changed(viewer.user_id);
    Ok(ended)
}

/// The user changes his own password: the current one is checked (wrong
/// guesses count as failed logins), the new one follows
/// [`accounts::new_password_problem`]. Every other login of his ends; this
/// one goes on.
pub async fn change_password(
    state: &AppState,
    viewer: &Viewer,
    current: &str,
    new: &str,
    client: Option<std::net::IpAddr>,
) -> AppResult<user::Model> {
    let me = store::users::by_id(&state.db, viewer.user_id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    let mut p = Problems::new();
    p.check(current.is_empty(), "currentPassword", "is required");
    if let Some(why) = text::problem(current, TextKind::Password) {
        p.add("currentPassword", why);
    }
    if let Some(why) = accounts::new_password_problem(new, &me.email) {
        p.add("newPassword", why);
    }
    p.check(
        !current.is_empty() && new == current,
        "newPassword",
        "must differ from the current password",
    );
    p.into_result()?;
    let now = state.clock.now();
    if let Err(RetryAt(at)) = state.throttle.check(&me.email, client, now) {
        return Err(AppError::rate_limited(
            "too many failed attempts: wait before trying again",
            now,
            at,
        ));
    }
    let Ok(matches) = state.hasher.verify(current.to_owned(), me.password_hash.clone()).await? else {
        return Err(busy(now));
    };
    if !matches {
        state.throttle.failed(&me.email, client, now);
        return Err(AppError::invalid("currentPassword", "is not your current password"));
    }
    let hash = hash_password(state, new).await?;
    let txn = store::begin_write(&state.db).await?;
    store::users::set_password(&txn, me.id, &hash, false).await?;
    store::sessions::revoke_all_of(&txn, me.id, viewer.session_id, now).await?;
    store::events::announce_user_changed(&txn, me.id).await?;
    txn.commit().await?;
    state.bus.user_changed(me.id);
    store::users::by_id(&state.db, me.id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))
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
    // The hot path: this token's user verified before and unchanged since.
    let cache = &state.bus.viewers;
    if let Some(v) = cache.get(user_id, claims.sid, claims.generation) {
        return Ok(Auth::Viewer(Viewer {
            user_id,
            role: v.role,
            track_ids: v.track_ids,
            token_expires_at: crate::auth::jwt::refused_from(claims.exp),
            session_id: claims.sid,
            must_change_password: v.must_change_password,
        }));
    }
    let seen = cache.seen(user_id);
    let (user, session) = match claims.sid {
        Some(sid) => tokio::try_join!(store::users::by_id(&state.db, user_id), store::sessions::by_id(&state.db, sid))?,
        None => (store::users::by_id(&state.db, user_id).await?, None),
    };
    if claims.sid.is_some() && !session.is_some_and(|s| s.user_id == user_id && s.revoked_at.is_none()) {
        return Ok(Auth::Refused("the login has ended: log in again".to_owned()));
    }
    let user = match user {
        Some(u) if u.active && u.token_generation != claims.generation => {
            return Ok(Auth::Refused("token revoked: log in again".to_owned()));
        }
        Some(u) if u.active => u,
        Some(_) => return Ok(Auth::Refused("account deactivated".to_owned())),
        None => return Ok(Auth::Refused("invalid token: unknown user".to_owned())),
    };
    let track_ids = store::users::track_ids_of(&state.db, user.id, user.role).await?;
    let verified = crate::auth::cache::Verified {
        role: user.role,
        track_ids: track_ids.clone(),
        must_change_password: user.must_change_password,
    };
    cache.put(user.id, claims.sid, claims.generation, verified, seen);
    Ok(Auth::Viewer(Viewer {
        user_id: user.id,
        role: user.role,
        track_ids,
        token_expires_at: crate::auth::jwt::refused_from(claims.exp),
        session_id: claims.sid,
        must_change_password: user.must_change_password,
    }))
}
