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

/// Wakes subscribers with the highest event id known to exist.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<i64>,
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
        }
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
pub async fn listen_postgres(url: String, bus: EventBus) -> AppResult<()> {
    use sea_orm::sqlx::postgres::PgListener;
    let mut listener = PgListener::connect(&url).await.map_err(AppError::internal)?;
    listener.listen(CHANNEL).await.map_err(AppError::internal)?;
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => bus.wake(n.payload().parse().unwrap_or(i64::MAX)),
                // The connection dropped and was re-established: something may have been missed.
                Ok(None) => bus.wake(i64::MAX),
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
