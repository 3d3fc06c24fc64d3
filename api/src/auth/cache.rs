//! Verified viewers, so that authenticating a request costs no database
//! round trip on the hot path. An entry is keyed by what the token carries
//! (user, session, token generation) and holds what the database said of
//! them (role, tracks). Every change of a user's access — deactivation, new
//! role or tracks, a login ended, a password changed or reset — goes
//! through [`crate::events::EventBus::user_changed`] (on every process: on
//! PostgreSQL by `NOTIFY`), which forgets his entries before anyone is told.
//! A reader that loaded a user while a change was being made cannot put the
//! stale answer back: each user has an epoch, moved on by every change, and
//! an answer is kept only if the epoch did not move while it was read.
//! Bounded and expiring (moka): the least used users go first, and what
//! the database said is asked again every ten minutes in any case.

use entity::Role;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// At most this many users are kept, the least used going first.
const MAX_USERS: u64 = 50_000;
/// What the database said is asked again at least this often.
const KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// (session id, token generation) within one user.
type TokenKey = (Option<i64>, i32);

/// What the database said of a token's user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub role: Role,
    pub track_ids: Vec<i64>,
    pub must_change_password: bool,
}

/// The epochs a reader saw before going to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen(u64, u64);

/// Each user's verified tokens (moka: bounded, expiring), and the epochs a
/// change moves on. Reads take no lock; a keep and a change take `epochs`,
/// so that no keep lands between a change and its forgetting.
pub struct ViewerCache {
    users: moka::sync::Cache<i64, Arc<HashMap<TokenKey, Verified>>>,
    /// Each changed user's epoch (a user with none is at 0), and the global
    /// epoch moved on when everything is forgotten. Bounded like the users:
    /// a user's epoch that is dropped goes back to 0, so the global epoch
    /// moves on then too, and no reader of before keeps his answer.
    epochs: Mutex<(HashMap<i64, u64>, u64)>,
}

impl Default for ViewerCache {
    fn default() -> Self {
        Self {
            users: moka::sync::Cache::builder().max_capacity(MAX_USERS).time_to_live(KEPT_FOR).build(),
            epochs: Mutex::default(),
        }
    }
}

impl ViewerCache {
    fn epochs(&self) -> std::sync::MutexGuard<'_, (HashMap<i64, u64>, u64)> {
        self.epochs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, user: i64, session: Option<i64>, generation: i32) -> Option<Verified> {
        self.users.get(&user)?.get(&(session, generation)).cloned()
    }

    /// The epochs to hand back to [`ViewerCache::put`].
    pub fn seen(&self, user: i64) -> Seen {
        let (users, global) = &*self.epochs();
        Seen(*global, users.get(&user).copied().unwrap_or(0))
    }

    /// Keeps what was read, unless a change came in since `seen`.
    pub fn put(&self, user: i64, session: Option<i64>, generation: i32, verified: Verified, seen: Seen) {
        let epochs = self.epochs();
        if Seen(epochs.1, epochs.0.get(&user).copied().unwrap_or(0)) != seen {
            return;
        }
        let mut tokens = self.users.get(&user).map(|t| (*t).clone()).unwrap_or_default();
        tokens.insert((session, generation), verified);
        self.users.insert(user, Arc::new(tokens));
    }

    /// The user's access changed: forget what is known of him.
    pub fn forget(&self, user: i64) {
        let mut epochs = self.epochs();
        if epochs.0.len() as u64 >= MAX_USERS && !epochs.0.contains_key(&user) {
            epochs.0.clear();
            epochs.1 += 1;
        }
        *epochs.0.entry(user).or_insert(0) += 1;
        self.users.invalidate(&user);
    }

    /// Anything may have changed (a missed notification): forget everything.
    pub fn forget_all(&self) {
        let mut epochs = self.epochs();
        epochs.1 += 1;
        self.users.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Verified {
        Verified {
            role: Role::AccountManager,
            track_ids: vec![1],
            must_change_password: false,
        }
    }

    #[test]
    fn a_change_during_a_read_keeps_the_stale_answer_out() {
        let c = ViewerCache::default();
        let seen = c.seen(7);
        c.put(7, Some(1), 0, v(), seen);
        assert_eq!(c.get(7, Some(1), 0), Some(v()));
        assert_eq!(c.get(7, Some(2), 0), None, "another session is another key");
        // A reader starts, the user changes, the reader finishes: not kept.
        let seen = c.seen(7);
        c.forget(7);
        assert_eq!(c.get(7, Some(1), 0), None);
        c.put(7, Some(1), 0, v(), seen);
        assert_eq!(c.get(7, Some(1), 0), None);
        // The same after forgetting everything.
        let seen = c.seen(8);
        c.forget_all();
        c.put(8, None, 0, v(), seen);
        assert_eq!(c.get(8, None, 0), None);
        // Another user's change does not matter.
        let seen = c.seen(9);
        c.forget(7);
        c.put(9, None, 0, v(), seen);
        assert_eq!(c.get(9, None, 0), Some(v()));
    }
}
