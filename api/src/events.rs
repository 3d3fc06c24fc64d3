//! The live side of the event log. Events are rows first (see
//! `store::events`); this bus only wakes subscribers, who then read the rows
//! they have not seen yet. A subscriber that lags behind the channel simply
//! reads more rows: nothing is lost, nothing is sent twice.
//!
//! On PostgreSQL every writer also sends `NOTIFY salespulse_events` in its
//! transaction, and each process LISTENs and wakes its own subscribers, so
//! several server processes on one database all deliver every event.

use crate::error::{AppError, AppResult};
use tokio::sync::broadcast;

/// The PostgreSQL channels, named where the notifications are sent (`store::events`).
pub use crate::store::events::{CHANNEL, USERS_CHANNEL};
/// Sent on the users channel when every user must be re-checked (the
/// listener reconnected and may have missed a change).
pub const EVERY_USER: i64 = 0;

/// The figures of recent boards, by period and by whose account-manager
/// rows they hold (`None`: everyone's), each under the board's generation
/// it was read in: an import, the settings, a person or a track moves it on
/// and the figures are read again. At most a minute old in any case.
pub type BoardFigures = crate::freshness::Kept<(crate::domain::board::Period, Option<Vec<i64>>), crate::store::board::PeriodFigures>;

/// Wakes subscribers with the highest event id known to exist, and tells
/// open sockets whose user changed (deactivated, new role, new tracks).
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<i64>,
    users: broadcast::Sender<i64>,
    /// Verified viewers, forgotten here when a user changes.
    pub viewers: std::sync::Arc<crate::auth::cache::ViewerCache>,
    /// The ranking board's figures, kept under the board's generation.
    pub boards: std::sync::Arc<BoardFigures>,
    /// What kept answers stand on (`freshness`).
    pub fresh: std::sync::Arc<crate::freshness::Freshness>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(256).0,
            users: broadcast::channel(256).0,
            viewers: std::sync::Arc::default(),
            boards: std::sync::Arc::new(BoardFigures::new(64, std::time::Duration::from_secs(60))),
            fresh: std::sync::Arc::default(),
        }
    }

    /// After the commit of a write that [`Told`] something: wakes the
    /// subscribers with its highest event id.
    ///
    /// [`Told`]: crate::store::events::Told
    pub fn told(&self, told: crate::store::events::Told) {
        if let Some(max) = told.0 {
            self.wake(max);
        }
    }

    /// Tells this process's sockets that the access of `user_id` changed
    /// (a login ended, a password, a role, tracks): what was verified of
    /// him is forgotten. What he sees on a board moves with the board's
    /// generation (`freshness::Change::Board`), told apart.
    pub fn user_changed(&self, user_id: i64) {
        // Forgotten first: no request after this may pass on what was known.
        if user_id == EVERY_USER {
            self.viewers.forget_all();
        } else {
            self.viewers.forget(user_id);
        }
        let _ = self.users.send(user_id);
    }

    pub fn watch_users(&self) -> broadcast::Receiver<i64> {
        self.users.subscribe()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// Tells subscribers that events up to `max_id` are committed.
    pub fn wake(&self, max_id: i64) {
        // No receiver is not an error: nobody listens right now.
        let _ = self.tx.send(max_id);
    }
}

/// Forwards PostgreSQL notifications to the local bus until the process ends;
/// reconnects after a lost connection (and wakes everyone, who then re-read).
pub async fn listen_postgres(config: &crate::config::Config, bus: EventBus) -> AppResult<()> {
    use sea_orm::sqlx::postgres::PgListener;
    let timeout = std::time::Duration::from_secs(config.db_connect_timeout_seconds);
    let mut listener = match tokio::time::timeout(timeout, PgListener::connect(&config.database_url)).await {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => return Err(crate::store::unreachable(config, &e.to_string())),
        Err(_) => return Err(crate::store::unreachable(config, "no answer to LISTEN")),
    };
    listener
        .listen_all([CHANNEL, USERS_CHANNEL, crate::freshness::CHANNEL])
        .await
        .map_err(AppError::internal)?;
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) if n.channel() == USERS_CHANNEL => bus.user_changed(n.payload().parse().unwrap_or(EVERY_USER)),
                Ok(Some(n)) if n.channel() == crate::freshness::CHANNEL => match crate::freshness::Change::parse(n.payload()) {
                    Some(change) => bus.fresh.moved(change),
                    None => bus.fresh.moved_all(),
                },
                Ok(Some(n)) => bus.wake(n.payload().parse().unwrap_or(i64::MAX)),
                // The connection dropped and was re-established: something may have been missed.
                Ok(None) => {
                    bus.wake(i64::MAX);
                    bus.user_changed(EVERY_USER);
                    bus.fresh.moved_all();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "event listener failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

/// The per-process reader of the event log: each new range of rows is read
/// once, here, and handed to every subscription of this process, which
/// matches kind and audience in memory. An idle subscription therefore
/// costs no query when an event does not concern it, however many there
/// are. Errors never end the reader: it waits and reads the range again.
#[derive(Clone)]
pub struct EventFeed {
    tx: broadcast::Sender<Batch>,
    /// The newest id the reader has read (and handed out, or is handing
    /// out now); [`UNKNOWN`] until its first read. A subscription from
    /// "now" starts here instead of asking the database.
    position: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// What is done with each range before it goes out (the subscriptions'
    /// answers resolved once per group, `graphql::live`), set by the first
    /// subscription.
    prepare: std::sync::Arc<std::sync::OnceLock<Preparer>>,
}

/// Work on a range of the log before the feed hands it out.
pub type Preparer = std::sync::Arc<dyn Fn(Batch) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

/// The longest the feed waits for its [`Preparer`] before it hands a range
/// out anyway (each subscription then resolves what is not ready).
const PREPARE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// The feed's position before its first read.
const UNKNOWN: i64 = i64::MIN;

/// A range of the log as the feed hands it out: shared, and each row
/// shared, so that a subscription holds a pointer to an event, not a copy.
pub type Batch = std::sync::Arc<Vec<std::sync::Arc<entity::event::Model>>>;

impl Default for EventFeed {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
            position: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(UNKNOWN)),
            prepare: std::sync::Arc::default(),
        }
    }
}

/// Rows the feed reads per statement.
const FEED_BATCH: u64 = 500;

impl EventFeed {
    pub fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.tx.subscribe()
    }

    /// Sets the work done on each range before it goes out; the first one
    /// set stays.
    pub fn prepare_with(&self, preparer: Preparer) {
        if self.prepare.get().is_none() {
            let _ = self.prepare.set(preparer);
        }
    }

    /// The newest id read so far, once the reader has read.
    pub fn position(&self) -> Option<i64> {
        Some(self.position.load(std::sync::atomic::Ordering::SeqCst)).filter(|p| *p != UNKNOWN)
    }

    /// Starts the reader for `state`; it stops when the state is dropped or
    /// the server shuts down.
    pub fn spawn(state: &std::sync::Arc<crate::state::AppState>) {
        let weak = std::sync::Arc::downgrade(state);
        let mut wake = state.bus.subscribe();
        let shutdown = state.shutdown.clone();
        tokio::spawn(async move {
            let mut last: Option<i64> = None;
            loop {
                let Some(state) = weak.upgrade() else { return };
                let position = match last {
                    Some(l) => Ok(l),
                    None => crate::store::events::max_id(&state.db).await,
                };
                match position {
                    Ok(mut at) => {
                        last = Some(at);
                        state.feed.position.fetch_max(at, std::sync::atomic::Ordering::SeqCst);
                        loop {
                            match crate::store::events::all_after(&state.db, at, FEED_BATCH).await {
                                Ok(rows) if rows.is_empty() => break,
                                Ok(rows) => {
                                    let full = rows.len() as u64 == FEED_BATCH;
                                    at = rows.last().map_or(at, |r| r.id);
                                    last = Some(at);
                                    // Moved before the rows go out: a subscriber
                                    // who starts from here either receives them
                                    // or started after them.
                                    state.feed.position.fetch_max(at, std::sync::atomic::Ordering::SeqCst);
                                    // What another process or the command line wrote (a
                                    // SQLite import has no other way here), moved on
                                    // before anyone hears of it: new ERP figures, a task
                                    // or a meeting, a deal secured.
                                    for change in crate::freshness::Change::ALL {
                                        if rows.iter().any(|r| change.follows(r)) {
                                            state.bus.fresh.moved(change);
                                        }
                                    }
                                    let batch: Batch = std::sync::Arc::new(rows.into_iter().map(std::sync::Arc::new).collect());
                                    if let Some(prepare) = state.feed.prepare.get().cloned() {
                                        let _ = tokio::time::timeout(PREPARE_PATIENCE, prepare(batch.clone())).await;
                                    }
                                    let _ = state.feed.tx.send(batch);
                                    if !full {
                                        break;
                                    }
                                }
                                Err(_) => {
                                    retry_pause().await;
                                    break;
                                }
                            }
                        }
                    }
                    Err(_) => retry_pause().await,
                }
                drop(state);
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    woke = wake.recv() => {
                        if let Err(broadcast::error::RecvError::Closed) = woke { return }
                    }
                    // A safety net: a lost wake-up costs at most this delay.
                    () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                }
            }
        });
    }
}

/// The pause before reading again after a database error.
pub async fn retry_pause() {
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
}

/// The events of `kinds` in `scope` after `after` (or, without it, from
/// the newest on — where this process's feed has read to, or the log's
/// newest id before the feed's first read): first replayed from the log, then live from this
/// process's [`EventFeed`], matched in memory. Never ends on a database
/// error: it waits and resumes from the last id it delivered. A
/// subscriber that falls behind the feed re-reads the log from there.
/// Each row comes with `true` when it was read from the log (a replay or a
/// catch-up, which may go at the reader's pace) rather than live.
pub fn stream(
    state: std::sync::Arc<crate::state::AppState>,
    listener: crate::store::events::Listener,
    kinds: &'static [entity::EventKind],
    after: Option<i64>,
) -> impl futures_util::Stream<Item = (std::sync::Arc<entity::event::Model>, bool)> {
    use crate::store::events as log;
    async_stream::stream! {
        // Subscribed before reading the log, so nothing falls between the two.
        let mut live = state.feed.subscribe();
        let mut last = match after.or_else(|| state.feed.position()) {
            Some(a) => a,
            None => loop {
                // Boxed: a query's future is large and would otherwise sit in
                // every idle subscription's state.
                match Box::pin(log::max_id(&state.db)).await {
                    Ok(m) => break m,
                    Err(_) => retry_pause().await,
                }
            },
        };
        const BATCH: u64 = 200;
        let mut catch_up = after.is_some();
        loop {
            while catch_up {
                match Box::pin(log::after(&state.db, &listener, kinds, last, BATCH)).await {
                    Ok(rows) => {
                        catch_up = rows.len() as u64 == BATCH;
                        for row in rows {
                            last = row.id;
                            yield (std::sync::Arc::new(row), true);
                        }
                    }
                    Err(_) => retry_pause().await,
                }
            }
            match live.recv().await {
                Ok(batch) => {
                    let seen = last;
                    for row in batch.iter().filter(|r| r.id > seen) {
                        last = row.id;
                        if kinds.contains(&row.kind) && log::admits(&listener, row) {
                            yield (row.clone(), false);
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => catch_up = true,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
