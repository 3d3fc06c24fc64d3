//! The only place that reads the wall clock. Everything else asks a [`Clock`].
//!
//! Instants are truncated to whole seconds: SQLite stores timestamps as
//! RFC 3339 text, and a fixed width keeps text comparison equal to time order.

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::{Arc, RwLock};

/// A source of "now".
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock, used in production.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(0)
    }
}

/// A clock that tests and benchmarks set by hand.
#[derive(Debug, Clone)]
pub struct SettableClock(Arc<RwLock<DateTime<Utc>>>);

impl SettableClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(at.trunc_subsecs(0))))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        let mut guard = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = at.trunc_subsecs(0);
    }

    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Normalises an instant that came from outside (a client, an import) the
/// same way the clock does.
pub fn normalize(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(0)
}

pub type SharedClock = Arc<dyn Clock>;
