//! The scheduler: the daily anomaly scan at its hour (01:00 company time by
//! default; on the 25th it includes the order-expectation rule), and at
//! every tick the start of each meeting that has begun (escalation). It runs
//! in one process only: on PostgreSQL the process holding a session
//! advisory lock is the leader; SQLite is a single node anyway.
//!
//! A day's scan runs once: the date it ran for is kept in `job_run`, so a
//! restart or a second node does not run it again, and a process that was
//! down at 01:00 catches up when it starts.

use crate::error::{AppError, AppResult};
use crate::service::alerts::{ScanReport, run_scan};
use crate::state::AppState;
use crate::store;
use chrono::Timelike;
use std::sync::Arc;
use std::time::Duration;

pub const DAILY_SCAN: &str = "daily_scan";
const TICK: Duration = Duration::from_secs(30);

/// Runs the jobs that are due now; returns the scan report when the scan ran.
pub async fn run_due_jobs(state: &AppState) -> AppResult<Option<ScanReport>> {
    let now = state.clock.now();
    // Meetings that have started (also while no process ran): their series' pending tasks escalate.
    let opened = crate::service::meetings::open_started(state, now).await?;
    if opened.meetings > 0 {
        tracing::info!(meetings = opened.meetings, escalated = opened.escalated, "meetings opened");
    }
    // Reports ready a day before their meeting; owners told of tasks due tomorrow and overdue.
    crate::service::meetings::announce_reports(state, now).await?;
    crate::service::meetings::remind(state, now).await?;
    // The month-end funnel check (caught up once after downtime), then funnel alerts overdue.
    // Its failure is logged, not the end of this tick: the anomaly scan still runs.
    if let Err(e) = crate::service::funnel_alerts::run_due(state, now).await {
        tracing::error!(error = ?e, "funnel check failed");
    }
    // The year's baseline from its first day's scan hour (caught up within the year), then
    // approved target migrations left unexecuted past their 2 days.
    if let Err(e) = crate::service::baseline::run_due(state, now).await {
        tracing::error!(error = ?e, "baseline job failed");
    }
    // The month's forecasts frozen from its first day's scan hour (caught up within the month).
    if let Err(e) = crate::service::forecast::run_due(state, now).await {
        tracing::error!(error = ?e, "forecast freeze failed");
    }
    let settings = store::settings::load(&state.db).await?;
    let local = now.with_timezone(&settings.timezone);
    // An hour past 23 (saved before it was validated) would never come: run at 23.
    if local.hour() < settings.daily_scan_hour.min(23) {
        return Ok(None);
    }
    let today = local.date_naive();
    if store::jobs::last_date(&state.db, DAILY_SCAN).await?.is_some_and(|d| d >= today) {
        return Ok(None);
    }
    let report = run_scan(state, now).await?;
    store::jobs::record(&state.db, DAILY_SCAN, today, now).await?;
    tracing::info!(date = %today, "daily scan ran");
    Ok(Some(report))
}

/// Holds PostgreSQL leadership on a connection of its own.
struct Leadership {
    url: Option<String>,
    conn: Option<sea_orm::sqlx::PgConnection>,
}

impl Leadership {
    async fn is_leader(&mut self) -> bool {
        use sea_orm::sqlx::Connection;
        let Some(url) = &self.url else { return true };
        if self.conn.is_none() {
            match sea_orm::sqlx::PgConnection::connect(url).await {
                Ok(mut c) => {
                    if store::locks::try_hold_for_session(&mut c, store::locks::Lock::JobLeader).await {
                        tracing::info!("this process runs the scheduled jobs");
                        self.conn = Some(c);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "scheduler cannot reach the database"),
            }
            return self.conn.is_some();
        }
        // Still connected (so still holding the lock)?
        let alive = match self.conn.as_mut() {
            Some(c) => sea_orm::sqlx::query("SELECT 1").execute(c).await.is_ok(),
            None => false,
        };
        if !alive {
            self.conn = None;
        }
        alive
    }
}

/// Starts the scheduler loop.
pub fn spawn(state: Arc<AppState>) {
    let url = (!state.config.is_sqlite()).then(|| state.config.database_url.clone());
    tokio::spawn(async move {
        let mut leadership = Leadership { url, conn: None };
        let mut tick = tokio::time::interval(TICK);
        loop {
            tick.tick().await;
            if !leadership.is_leader().await {
                continue;
            }
            if let Err(e) = run_due_jobs(&state).await {
                let detail = match e {
                    AppError::Internal(d) => d,
                    other => other.message(),
                };
                tracing::error!(error = %detail, "scheduled job failed");
            }
        }
    });
}
