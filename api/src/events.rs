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

pub const CHANNEL: &str = "salespulse_events";
/// The PostgreSQL channel that carries "this user's access changed" (his id).
pub const USERS_CHANNEL: &str = "salespulse_users";
/// Sent on the users channel when every user must be re-checked (the
/// listener reconnected and may have missed a change).
pub const EVERY_USER: i64 = 0;

/// Wakes subscribers with the highest event id known to exist, and tells
/// open sockets whose user changed (deactivated, new role, new tracks).
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<i64>,
    users: broadcast::Sender<i64>,
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
        }
    }

    /// Tells this process's sockets that the access of `user_id` changed.
    pub fn user_changed(&self, user_id: i64) {
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
    listener.listen_all([CHANNEL, USERS_CHANNEL]).await.map_err(AppError::internal)?;
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) if n.channel() == USERS_CHANNEL => bus.user_changed(n.payload().parse().unwrap_or(EVERY_USER)),
                Ok(Some(n)) => bus.wake(n.payload().parse().unwrap_or(i64::MAX)),
                // The connection dropped and was re-established: something may have been missed.
                Ok(None) => {
                    bus.wake(i64::MAX);
                    bus.user_changed(EVERY_USER);
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

/// The kinds of events, as stored in `event.kind`.
pub mod kinds {
    /// A scan raised an alert.
    pub const ALERT_RAISED: &str = "ALERT_RAISED";
    /// The account manager resolved an alert (copied to the director).
    pub const ALERT_RESOLVED: &str = "ALERT_RESOLVED";
    /// The director reviewed a resolution.
    pub const ALERT_REVIEWED: &str = "ALERT_REVIEWED";
    /// An alert stayed unresolved past its due time: escalated to the director.
    pub const ALERT_OVERDUE: &str = "ALERT_OVERDUE";
    /// A resolution stayed unreviewed past its review time.
    pub const REVIEW_OVERDUE: &str = "REVIEW_OVERDUE";
    /// The director raised an alert to the CEO.
    pub const ALERT_RAISED_TO_CEO: &str = "ALERT_RAISED_TO_CEO";

    /// Everything an alert subscription carries.
    pub const ALERT_EVENTS: &[&str] = &[
        ALERT_RAISED,
        ALERT_RESOLVED,
        ALERT_REVIEWED,
        ALERT_OVERDUE,
        REVIEW_OVERDUE,
        ALERT_RAISED_TO_CEO,
    ];
    /// Escalations only.
    pub const ESCALATIONS: &[&str] = &[ALERT_OVERDUE, REVIEW_OVERDUE, ALERT_RAISED_TO_CEO];
}
