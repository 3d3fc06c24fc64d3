//! The one registry of PostgreSQL advisory-lock keys. Every lock the
//! service takes is a variant here, so two features cannot pick the same
//! key by accident. SQLite has one writer at a time and needs none.

use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Every advisory lock of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Held for its session by the process that runs the scheduled jobs.
    JobLeader,
    /// Keeps two anomaly scans from running at once.
    Scan,
    /// Orders the writers of the event log, so ids commit in id order.
    EventAppend,
    /// One ERP or target import at a time: a second batch sees the first's rows.
    ErpImport,
    /// One writer of the meeting schedule and its tasks' due dates at a time
    /// (schedule, move, cancel, record a task, open a meeting).
    Meetings,
    /// One writer of the organisation at a time: the first admin from the
    /// command line, tracks and who runs and works in them.
    Organisation,
}

impl Lock {
    pub const ALL: [Lock; 6] = [
        Lock::JobLeader,
        Lock::Scan,
        Lock::EventAppend,
        Lock::ErpImport,
        Lock::Meetings,
        Lock::Organisation,
    ];

    /// The key, unique among the service's locks.
    pub const fn key(self) -> i64 {
        match self {
            Lock::JobLeader => 0x5a1e_0001,
            Lock::Scan => 0x5ca4_0001,
            Lock::EventAppend => 0x5a1e_5e7e,
            Lock::ErpImport => 0x5a1e_e4b0,
            Lock::Meetings => 0x5a1e_3ee7,
            Lock::Organisation => 0x5a1e_0e9a,
        }
    }
}

/// Takes `lock` until the end of the transaction (PostgreSQL; nothing on SQLite).
pub async fn hold_for_transaction(txn: &impl ConnectionTrait, lock: Lock) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [lock.key().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Tries to take `lock` for the life of a dedicated PostgreSQL connection
/// (a session lock: it goes when the connection does).
pub async fn try_hold_for_session(conn: &mut sea_orm::sqlx::PgConnection, lock: Lock) -> bool {
    let got: Result<bool, _> = sea_orm::sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(lock.key())
        .fetch_one(conn)
        .await;
    got.is_ok_and(|g| g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<i64> = Lock::ALL.iter().map(|l| l.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Lock::ALL.len());
    }
}
