//! Database access, one module per aggregate. Scope is applied here, as a
//! WHERE clause, so that lists, counts and aggregates cannot leak.

pub mod alerts;
pub mod events;
pub mod opportunities;
pub mod settings;
pub mod tracks;
pub mod users;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use migration::MigratorTrait;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::time::Duration;

/// Opens the pool. SQLite runs in WAL mode with a busy timeout so readers
/// never block the writer and concurrent writers wait instead of failing.
pub async fn connect(cfg: &Config) -> AppResult<DatabaseConnection> {
    let mut opts = ConnectOptions::new(cfg.database_url.clone());
    opts.max_connections(cfg.db_max_connections)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if cfg.is_sqlite() {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
        });
    }
    Database::connect(opts).await.map_err(AppError::internal)
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> AppResult<()> {
    migration::Migrator::up(db, None).await.map_err(AppError::internal)
}

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`): a deferred transaction that reads and then
/// writes fails instead of waiting when another writer got there first.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<sea_orm::DatabaseTransaction> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let options = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        },
        _ => TransactionOptions::default(),
    };
    Ok(db.begin_with_options(options).await?)
}
