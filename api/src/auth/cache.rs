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

use entity::Role;
use std::collections::HashMap;
use std::sync::Mutex;

/// At most this many users are kept; past it the cache starts afresh.
const MAX_USERS: usize = 50_000;

/// (session id, token generation) within one user.
type TokenKey = (Option<i64>, i32);

/// What the database said of a token's user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub role: Role,
    pub track_ids: Vec<i64>,
    pub must_change_password: bool,
}

#[derive(Default)]
struct Inner {
    users: HashMap<i64, HashMap<TokenKey, Verified>>,
    epochs: HashMap<i64, u64>,
    /// Moved on when everything is forgotten.
    global: u64,
}

/// The epochs a reader saw before going to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen(u64, u64);

#[derive(Default)]
pub struct ViewerCache(Mutex<Inner>);

impl ViewerCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, user: i64, session: Option<i64>, generation: i32) -> Option<Verified> {
        self.lock().users.get(&user)?.get(&(session, generation)).cloned()
    }

    /// The epochs to hand back to [`ViewerCache::put`].
    pub fn seen(&self, user: i64) -> Seen {
        let inner = self.lock();
        Seen(inner.global, inner.epochs.get(&user).copied().unwrap_or(0))
    }

    /// Keeps what was read, unless a change came in since `seen`.
    pub fn put(&self, user: i64, session: Option<i64>, generation: i32, verified: Verified, seen: Seen) {
        let mut inner = self.lock();
        if Seen(inner.global, inner.epochs.get(&user).copied().unwrap_or(0)) != seen {
            return;
        }
        if inner.users.len() >= MAX_USERS && !inner.users.contains_key(&user) {
            inner.users.clear();
        }
        inner.users.entry(user).or_default().insert((session, generation), verified);
    }

    /// The user's access changed: forget what is known of him.
    pub fn forget(&self, user: i64) {
        let mut inner = self.lock();
        inner.users.remove(&user);
        *inner.epochs.entry(user).or_insert(0) += 1;
    }

    /// Anything may have changed (a missed notification): forget everything.
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        inner.users.clear();
        inner.global += 1;
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
