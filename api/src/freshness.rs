//! When a kept answer is still good. Three generations, each moved on
//! only by a committed write of what it covers, never by a read, a login,
//! a refresh, a logout, or a refused or invalid request:
//!
//! - **deals**: an opportunity written (created, changed, moved, followed
//!   up, secured, shelved, lost, reassigned) or a funnel alert or task
//!   written — what the funnel and the order-health board show;
//! - **board**: ERP figures or targets imported, forecasts frozen, the
//!   settings saved, a person or a track changed — what every board shows;
//! - **meetings**: a meeting, a task, a decision or a row's analysis
//!   written — what an opening report shows.
//!
//! A write moves its generation on this process at once and, on
//! PostgreSQL, on every other process through `NOTIFY salespulse_fresh`
//! (`events::listen_postgres`), so a kept answer elsewhere is dropped
//! within the notification's delay. A listener that lost its connection
//! moves every generation when it is back (it may have missed some). The
//! event feed moves them too, for the events that say so
//! ([`Change::follows`]): an import by the command line on SQLite reaches
//! the server that way.

use crate::state::AppState;
use std::sync::atomic::{AtomicU64, Ordering};

/// The PostgreSQL channel that carries a [`Change`] by name.
pub use crate::store::events::FRESH_CHANNEL as CHANNEL;

/// What a committed write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Deals,
    Board,
    Meetings,
}

impl Change {
    pub const ALL: [Change; 3] = [Change::Deals, Change::Board, Change::Meetings];

    /// Its name on the notification channel.
    pub fn name(self) -> &'static str {
        match self {
            Change::Deals => "deals",
            Change::Board => "board",
            Change::Meetings => "meetings",
        }
    }

    pub fn parse(name: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether an event of the log says this changed: how a write of
    /// another process (or of `salespulse import` on SQLite, which no
    /// notification reaches) is learnt from the event feed, before the
    /// event goes out to anyone.
    pub fn follows(self, e: &entity::event::Model) -> bool {
        use entity::{EventKind, EventSubject};
        match self {
            Change::Board => e.kind == EventKind::ErpImported,
            Change::Meetings => matches!(e.subject_kind, EventSubject::Task | EventSubject::Meeting),
            Change::Deals => e.subject_kind == EventSubject::Opportunity,
        }
    }
}

/// The generations an answer was made under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generations {
    pub deals: u64,
    pub board: u64,
    pub meetings: u64,
}

/// This process's generations.
#[derive(Debug, Default)]
pub struct Freshness {
    deals: AtomicU64,
    board: AtomicU64,
    meetings: AtomicU64,
}

impl Freshness {
    /// The generations now. Read before the data an answer is made of: a
    /// write committed meanwhile moves them on, and the answer is not kept.
    pub fn now(&self) -> Generations {
        Generations {
            deals: self.deals.load(Ordering::SeqCst),
            board: self.board.load(Ordering::SeqCst),
            meetings: self.meetings.load(Ordering::SeqCst),
        }
    }

    /// Moves on what `change` covers, on this process.
    pub fn moved(&self, change: Change) {
        let counter = match change {
            Change::Deals => &self.deals,
            Change::Board => &self.board,
            Change::Meetings => &self.meetings,
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }

    /// Moves every generation on (a listener that may have missed changes).
    pub fn moved_all(&self) {
        Change::ALL.into_iter().for_each(|c| self.moved(c));
    }
}

/// A write of `change` was committed: moves it on here and tells the other
/// processes. Call it after the commit, never before (an answer made
/// between a bump and the commit would be kept under the new generation).
pub async fn changed(state: &AppState, change: Change) {
    state.bus.fresh.moved(change);
    if let Err(e) = crate::store::events::announce_fresh(&state.db, change.name()).await {
        // The other processes' kept answers then live out their minute.
        tracing::warn!(error = ?e, change = change.name(), "could not tell the other processes of a change");
    }
}

/// Values kept under the generation they were made in: a lookup under any
/// other generation misses, so a write that moved it on is never answered
/// from before. Bounded and expiring (moka), whatever the generations do.
pub struct Kept<K, V> {
    cache: moka::sync::Cache<K, (u64, std::sync::Arc<V>)>,
}

impl<K, V> Kept<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// At most `capacity` values, none older than `ttl`.
    pub fn new(capacity: u64, ttl: std::time::Duration) -> Self {
        Self {
            cache: moka::sync::Cache::builder().max_capacity(capacity).time_to_live(ttl).build(),
        }
    }

    /// The value kept for `key`, if it was made under `generation`.
    pub fn get(&self, key: &K, generation: u64) -> Option<std::sync::Arc<V>> {
        self.cache
            .get(key)
            .filter(|(made_under, _)| *made_under == generation)
            .map(|(_, v)| v)
    }

    /// Keeps `value`, made under `generation` (read before its data).
    pub fn insert(&self, key: K, generation: u64, value: std::sync::Arc<V>) {
        self.cache.insert(key, (generation, value));
    }
}
