//! Database access, one module per aggregate. Scope is applied here, as a
//! WHERE clause, so that lists, counts and aggregates cannot leak.

pub mod alerts;
pub mod baseline;
pub mod board;
pub mod erp;
pub mod events;
pub mod forecast;
pub mod funnel;
pub mod funnel_alerts;
pub mod funnel_review;
pub mod health;
pub mod jobs;
pub mod locks;
pub mod meetings;
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

/// One key of a list's order: an expression over the row (columns named
/// with their table) and whether it runs descending.
#[derive(Debug, Clone)]
pub struct SortKey {
    pub expr: sea_orm::sea_query::SimpleExpr,
    pub descending: bool,
}

impl SortKey {
    pub fn asc(expr: impl Into<sea_orm::sea_query::SimpleExpr>) -> Self {
        Self {
            expr: expr.into(),
            descending: false,
        }
    }

    pub fn desc(expr: impl Into<sea_orm::sea_query::SimpleExpr>) -> Self {
        Self {
            expr: expr.into(),
            descending: true,
        }
    }
}

/// One keyset page in id order.
pub async fn keyset_page<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    id: E::Column,
    window: crate::domain::page::Window,
    with_total: bool,
) -> AppResult<crate::domain::page::Page<E::Model>>
where
    E::Model: Sync,
{
    let key = SortKey::asc(sea_orm::sea_query::Expr::col((E::default(), id)));
    sorted_page(db, query, id, &[key], window, with_total).await
}

/// One keyset page of `query` in the order of `keys`, which end with the
/// row's id (unique, so the order is total). The cursor is a row id: the
/// page starts after (or, backwards, ends before) that row's place in the
/// order, found by comparing each key with its value on the cursor row —
/// a primary-key lookup the database runs once:
/// `k1 > (SELECT k1 … WHERE id = c) OR (k1 = (…) AND k2 > (…)) OR …`.
pub async fn sorted_page<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    id: E::Column,
    keys: &[SortKey],
    window: crate::domain::page::Window,
    with_total: bool,
) -> AppResult<crate::domain::page::Page<E::Model>>
where
    E::Model: Sync,
{
    sorted_page_with(db, query, id, keys, window, with_total, |q| q.all(db)).await
}

/// [`sorted_page`], the page's statement run by `fetch` — which may join
/// the rows each one points at into the same statement.
pub async fn sorted_page_with<E, R, F, Fut>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    id: E::Column,
    keys: &[SortKey],
    window: crate::domain::page::Window,
    with_total: bool,
    fetch: F,
) -> AppResult<crate::domain::page::Page<R>>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
    F: FnOnce(sea_orm::Select<E>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<R>, sea_orm::DbErr>>,
{
    use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr, SubQueryStatement};
    use sea_orm::{Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
    let total = if with_total {
        Some(PaginatorTrait::count(query.clone(), db).await?)
    } else {
        None
    };
    let mut q = query.clone();
    if let Some(c) = window.cursor {
        // The cursor row is looked up under the list's own conditions (scope
        // and filter): a row the viewer may not see is no cursor — the page
        // is empty — so its keys (an amount, a date) cannot be probed by
        // paging from it.
        let at_cursor = |k: &SimpleExpr| -> SimpleExpr {
            SimpleExpr::SubQuery(
                None,
                Box::new(SubQueryStatement::from(
                    query
                        .clone()
                        .select_only()
                        .expr(k.clone())
                        .filter(Expr::col((E::default(), id)).eq(c))
                        .into_query(),
                )),
            )
        };
        let mut any = sea_orm::Condition::any();
        for (i, key) in keys.iter().enumerate() {
            let mut all = sea_orm::Condition::all();
            for earlier in &keys[..i] {
                all = all.add(earlier.expr.clone().eq(at_cursor(&earlier.expr)));
            }
            // Past the cursor in the direction of reading.
            let later = key.descending != window.backwards;
            let bound = at_cursor(&key.expr);
            all = all.add(if later {
                key.expr.clone().lt(bound)
            } else {
                key.expr.clone().gt(bound)
            });
            any = any.add(all);
        }
        q = q.filter(any);
    }
    for key in keys {
        let order = if key.descending != window.backwards {
            Order::Desc
        } else {
            Order::Asc
        };
        q = q.order_by(key.expr.clone(), order);
    }
    let mut rows = fetch(q.limit(window.size + 1)).await?;
    let (has_next, has_previous) = window.flags(rows.len());
    rows.truncate(usize::try_from(window.size).unwrap_or(usize::MAX));
    if window.backwards {
        rows.reverse();
    }
    Ok(crate::domain::page::Page {
        rows,
        has_next,
        has_previous,
        total,
    })
}

/// Σ of an amount in fen that cannot fail however many rows it adds:
/// exact while the total fits a BIGINT, the largest BIGINT beyond
/// (`domain::money::add`'s answer). PostgreSQL sums a bigint into a
/// numeric and caps it; SQLite's `SUM` of integers raises "integer
/// overflow", so it sums millions of yuan and their remainders apart (each
/// part fits for any number of bounded rows) and their combination, which
/// SQLite turns into a REAL when it overflows, is cast back saturated.
pub fn money_sum(backend: sea_orm::DbBackend, amount: sea_orm::sea_query::SimpleExpr) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    match backend {
        // Amounts are never negative; a group of NULLs stays NULL (LEAST would skip them).
        sea_orm::DbBackend::Postgres => Expr::cust_with_expr(
            "CAST(CASE WHEN SUM($1) > 9223372036854775807 THEN 9223372036854775807 ELSE SUM($1) END AS BIGINT)",
            amount,
        ),
        _ => Expr::cust_with_exprs(
            // Each `?` takes the next expression (SQLite's placeholder).
            "CAST(SUM((?) / 1000000) * 1000000 + SUM((?) % 1000000) AS INTEGER)",
            [amount.clone(), amount],
        ),
    }
}
