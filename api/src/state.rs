//! What every request shares: the database, the clock, the token keys.

use crate::auth::jwt::Keys;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::events::EventBus;
use sea_orm::DatabaseConnection;

pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub keys: Keys,
    pub config: Config,
    /// Wakes subscribers when events are committed.
    pub bus: EventBus,
    /// A real Argon2 hash to verify against when a login names no user, so
    /// that an unknown e-mail costs as long as a wrong password.
    pub dummy_hash: String,
}
