//! What every request shares: the database, the clock, the token keys,
//! the login throttle, the hasher, the live sockets and the shutdown signal.

use crate::auth::jwt::Keys;
use crate::auth::password::Hasher;
use crate::auth::throttle::LoginThrottle;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::events::EventBus;
use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub keys: Keys,
    pub config: Config,
    /// Wakes subscribers when events are committed; tells sockets when a user changed.
    pub bus: EventBus,
    /// A real Argon2 hash to verify against when a login names no user, so
    /// that an unknown e-mail costs as long as a wrong password.
    pub dummy_hash: String,
    /// Failed logins per account and per client address.
    pub throttle: LoginThrottle,
    /// Password hashing with bounded concurrency.
    pub hasher: Hasher,
    /// The open WebSockets (to wait for them on shutdown) and how many each user holds.
    pub sockets: TaskTracker,
    pub sockets_per_user: SocketCounts,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
    /// New events, read once per process and shared by every subscription.
    pub feed: crate::events::EventFeed,
}

impl AppState {
    /// The state of one process; the throttle, the hasher and the socket
    /// bookkeeping start empty.
    pub fn new(db: DatabaseConnection, clock: SharedClock, keys: Keys, config: Config, dummy_hash: String, bus: EventBus) -> Self {
        let hasher = Hasher::new(config.hash_concurrency, HASH_QUEUE);
        Self {
            db,
            clock,
            keys,
            config,
            bus,
            dummy_hash,
            throttle: LoginThrottle::default(),
            hasher,
            sockets: TaskTracker::new(),
            sockets_per_user: SocketCounts::default(),
            shutdown: CancellationToken::new(),
            feed: crate::events::EventFeed::default(),
        }
    }
}

/// Logins that may wait for the hasher at once; more are told to retry.
pub const HASH_QUEUE: usize = 64;

/// How many sockets each user holds on this process (`ws` counts them).
#[derive(Default)]
pub struct SocketCounts(pub(crate) std::sync::Mutex<std::collections::HashMap<i64, usize>>);

impl SocketCounts {
    /// The sockets `user_id` holds on this process now.
    pub fn of(&self, user_id: i64) -> usize {
        let counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        counts.get(&user_id).copied().unwrap_or(0)
    }
}
