//! Who is asking, and what he may see.

use crate::error::{AppError, AppResult};
use entity::Role;

/// The authenticated user a request is answered for, resolved once per
/// request (or per WebSocket connection) from the token and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
    /// The account manager's one track, or the tracks a director runs.
    pub track_ids: Vec<i64>,
    /// When the token stops being accepted (Unix seconds: its `exp` and
    /// the clock-skew leeway, `jwt::refused_from`): a socket closes then.
    pub token_expires_at: i64,
    /// The login (session) the token belongs to.
    pub session_id: Option<i64>,
    /// An admin set his password: he chooses his own before anything else.
    pub must_change_password: bool,
}

/// What a viewer's scope covers. Applied as a WHERE clause in `store`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// CEO, secretary, admin.
    All,
    /// A director: the opportunities of these tracks.
    Tracks(Vec<i64>),
    /// An account manager: his own opportunities.
    Owner(i64),
}

impl Viewer {
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Ceo | Role::Secretary | Role::Admin => Scope::All,
            Role::TrackDirector => Scope::Tracks(self.track_ids.clone()),
            Role::AccountManager => Scope::Owner(self.user_id),
        }
    }

    /// True when the record (its owner and track) is inside the scope.
    pub fn can_see(&self, owner_id: i64, track_id: i64) -> bool {
        match self.scope() {
            Scope::All => true,
            Scope::Tracks(ids) => ids.contains(&track_id),
            Scope::Owner(id) => id == owner_id,
        }
    }

    pub fn require_role(&self, roles: &[Role], what: &str) -> AppResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!("your role may not {what}")))
        }
    }
}

/// The authentication state of one request.
#[derive(Debug, Clone)]
pub enum Auth {
    Anonymous,
    Refused(String),
    Viewer(Viewer),
}

impl Auth {
    pub fn viewer(&self) -> AppResult<&Viewer> {
        match self {
            Self::Viewer(v) => Ok(v),
            Self::Anonymous => Err(AppError::Unauthenticated(
                "log in first: send Authorization: Bearer <token>".to_owned(),
            )),
            Self::Refused(why) => Err(AppError::Unauthenticated(why.clone())),
        }
    }
}
