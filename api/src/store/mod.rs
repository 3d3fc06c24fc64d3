//! Database access, one module per aggregate. Scope is applied here, as a
//! WHERE clause, so that lists, counts and aggregates cannot leak.

pub mod alerts;
pub mod events;
pub mod jobs;
pub mod locks;
pub mod opportunities;
pub mod sessions;
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
    let timeout = Duration::from_secs(cfg.db_connect_timeout_seconds);
    let mut opts = ConnectOptions::new(cfg.database_url.clone());
    opts.max_connections(cfg.db_max_connections)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false);
    if cfg.is_sqlite() {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
        });
    }
    match tokio::time::timeout(timeout + Duration::from_secs(1), Database::connect(opts)).await {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(unreachable(cfg, &root_cause(&e))),
        Err(_) => Err(unreachable(cfg, &format!("no answer within {} s", timeout.as_secs()))),
    }
}

/// The innermost cause of a connection error, in one line.
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string().replace('\n', " ")
}

/// One readable line: where, why, what to check.
pub fn unreachable(cfg: &Config, cause: &str) -> AppError {
    let hint = if cfg.is_sqlite() {
        "check that the directory exists and is writable"
    } else {
        "check that PostgreSQL runs and accepts connections there, the database exists, and the user may log in"
    };
    let line = format!(
        "cannot reach the database at {}: {cause}; {hint} (SALESPULSE_DATABASE_URL, SALESPULSE_DB_CONNECT_TIMEOUT_SECONDS)",
        cfg.database_url_for_display()
    );
    tracing::error!("{line}");
    AppError::Internal(line)
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

/// The WHERE clause of a scope on any table that names an owner (the
/// account manager) and a track.
pub fn scope_on<C: sea_orm::ColumnTrait>(scope: &crate::auth::Scope, owner: C, track: C) -> sea_orm::Condition {
    use crate::auth::Scope;
    match scope {
        Scope::All => sea_orm::Condition::all(),
        Scope::Tracks(ids) => sea_orm::Condition::all().add(track.is_in(ids.iter().copied())),
        Scope::Owner(id) => sea_orm::Condition::all().add(owner.eq(*id)),
    }
}

/// A LIKE pattern (escaped with `\\`) matching texts that contain `text`,
/// lower-cased: `%`, `_` and `\\` match themselves.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One keyset page in id order (`id > after`), and whether more follow.
pub async fn keyset_page<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    id: E::Column,
    after: Option<i64>,
    first: u64,
    with_total: bool,
) -> AppResult<crate::domain::page::Page<E::Model>>
where
    E::Model: Sync,
{
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let total = if with_total {
        Some(PaginatorTrait::count(query.clone(), db).await?)
    } else {
        None
    };
    let mut q = query.order_by_asc(id).limit(first + 1);
    if let Some(a) = after {
        q = q.filter(id.gt(a));
    }
    let mut rows = q.all(db).await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok(crate::domain::page::Page { rows, has_next, total })
}
