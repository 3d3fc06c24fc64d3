//! `salespulse-bench board`: the ranking board at scale. Into an empty
//! database it writes a company of 50 tracks and 1,000 account managers and
//! imports 24 months of ERP figures (2,016,000 sales and orders) through
//! the real import service in batches of 100,000 rows, timing each; then it
//! serves the real server in this process and drives `rankingBoard` and a
//! `boardDrill` page over HTTP at `concurrency`, beside the raw SQL of the
//! same aggregates on the same pool. A benchmark, not a test: the table
//! goes to the README.

use crate::http::{Figures, drive, post};
use crate::scan::statement;
use api::clock::SharedClock;
use api::config::Config;
use api::domain::calendar;
use api::domain::erp::{Column, RawRow};
use api::error::{AppError, AppResult};
use api::service::erp::{ImportCommand, RowNames};
use bytes::Bytes;
use chrono::{Datelike, NaiveDate};
use entity::{BatchSource, BusinessLine, ErpKind, Role, track, track_member, user};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, Set};
use std::sync::Arc;
use std::time::Instant;

const TRACKS: i64 = 50;
const MANAGERS: i64 = 1_000;
const MONTHS: u32 = 24;
/// Sales and orders each account manager books a month.
const SALES_PER_MONTH: i64 = 60;
const ORDERS_PER_MONTH: i64 = 24;
/// Rows per import batch.
const BATCH: usize = 100_000;

/// The whole board: every row of every dimension.
pub const FULL: &str = "query($p: BoardPeriodInput!) { rankingBoard(period: $p) { period { label } dimensions { number rows { rank name value numerator denominator target change standing } } } }";
/// A dashboard's board: every track row, the top 20 account managers.
pub const DASHBOARD: &str = "query($p: BoardPeriodInput!) { rankingBoard(period: $p) { period { label } dimensions { number totalRows rows(first: 20) { rank name value numerator denominator target change standing } } } }";
/// A drill-down page: a track's row, its account managers, 12 months, 50 records.
pub const DRILL: &str = "query($p: BoardPeriodInput!, $t: ID!) { boardDrill(dimension: TRACK_SALES_ACHIEVEMENT, period: $p, trackId: $t) {
  row { rank value } accountManagers { rank name value } trend { month value }
  facts(first: 50) { nodes { externalId date amount cost } pageInfo { hasNextPage endCursor } } } }";

fn track_name(t: i64) -> String {
    format!("赛道{t:02}")
}

fn email(am: i64) -> String {
    format!("am{am}@bench.local")
}

/// The people: a CEO (1), an admin (2), 1,000 account managers (1001–2000), 20 per track.
async fn people(db: &DatabaseConnection, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    let txn = api::store::begin_write(db).await?;
    let tracks: Vec<track::ActiveModel> = (1..=TRACKS)
        .map(|t| track::ActiveModel {
            id: Set(t),
            name: Set(track_name(t)),
            business_line: Set(BusinessLine::MoldingIntegrated),
        })
        .collect();
    track::Entity::insert_many(tracks).exec(&txn).await?;
    let person = |id: i64, email: String, role: Role| user::ActiveModel {
        id: Set(id),
        email: Set(email),
        name: Set(format!("用户{id}")),
        password_hash: Set("!".into()),
        role: Set(role),
        active: Set(true),
        tokens_revoked_at: Set(None),
        token_generation: Set(0),
        must_change_password: Set(false),
        created_at: Set(now),
    };
    let mut users = vec![
        person(1, "ceo@bench.local".into(), Role::Ceo),
        person(2, "admin@bench.local".into(), Role::Admin),
    ];
    users.extend((1..=MANAGERS).map(|a| person(1000 + a, email(a), Role::AccountManager)));
    for chunk in users.chunks(500) {
        user::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    let members: Vec<track_member::ActiveModel> = (1..=MANAGERS)
        .map(|a| track_member::ActiveModel {
            user_id: Set(1000 + a),
            track_id: Set((a - 1) % TRACKS + 1),
        })
        .collect();
    for chunk in members.chunks(500) {
        track_member::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ["user", "track"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

fn row(cells: &[(Column, String)]) -> RawRow {
    RawRow::of(cells.iter().map(|(c, v)| (*c, v.as_str())))
}

fn yuan(cents: i64) -> String {
    api::domain::money::format_yuan(cents)
}

/// Every row of one kind of these months (the `offset`-th of the 24 first).
fn rows_of(kind: ErpKind, months: &[NaiveDate], offset: usize, today: NaiveDate) -> Vec<RawRow> {
    let mut out = Vec::new();
    for (j, &month) in months.iter().enumerate() {
        let i = offset + j;
        let ym = format!("{}-{:02}", month.year(), month.month());
        let last_day = if calendar::month_start(today) == month {
            today.day()
        } else {
            (calendar::add_months(month, 1) - month).num_days() as u32
        };
        for a in 1..=MANAGERS {
            let t = (a - 1) % TRACKS + 1;
            let base = 50_000 + (a * 7919 + i as i64 * 104_729) % 200_000;
            match kind {
                ErpKind::Sales => {
                    for n in 0..SALES_PER_MONTH {
                        let day = (n as u32 % last_day) + 1;
                        let revenue = base + n * 1_013;
                        out.push(row(&[
                            (Column::ExternalId, format!("XS{ym}-{a}-{n}")),
                            (Column::Date, format!("{ym}-{day:02}")),
                            (Column::Track, track_name(t)),
                            (Column::AccountManager, email(a)),
                            (Column::Revenue, yuan(revenue)),
                            (Column::Cost, yuan(revenue * (60 + t % 30) / 100)),
                        ]));
                    }
                }
                ErpKind::Orders => {
                    for n in 0..ORDERS_PER_MONTH {
                        let day = (n as u32 % last_day) + 1;
                        out.push(row(&[
                            (Column::ExternalId, format!("DD{ym}-{a}-{n}")),
                            (Column::Date, format!("{ym}-{day:02}")),
                            (Column::Track, track_name(t)),
                            (Column::AccountManager, email(a)),
                            (Column::Customer, format!("客户{}", (a + n) % 500)),
                            (Column::Amount, yuan(base * 2 + n * 997)),
                        ]));
                    }
                }
                ErpKind::SalesTargets | ErpKind::OrderTargets => {
                    out.push(row(&[
                        (Column::Month, ym.clone()),
                        (Column::Track, track_name(t)),
                        (Column::AccountManager, email(a)),
                        (Column::Amount, yuan(base * SALES_PER_MONTH)),
                    ]));
                }
                ErpKind::Expenses | ErpKind::Receivables => {}
            }
        }
        if matches!(
            kind,
            ErpKind::Expenses | ErpKind::Receivables | ErpKind::SalesTargets | ErpKind::OrderTargets
        ) {
            for t in 1..=TRACKS {
                let amount = 20 * 60 * 100_000 + t * 1_000_003 + i as i64 * 10_007;
                let mut cells = vec![(Column::Month, ym.clone()), (Column::Track, track_name(t))];
                match kind {
                    ErpKind::Expenses => {
                        cells.push((Column::ExternalId, format!("FY{ym}-{t}")));
                        cells.push((Column::Amount, yuan(amount / 30)));
                    }
                    ErpKind::Receivables => {
                        cells.push((Column::ExternalId, format!("YS{ym}-{t}")));
                        cells.push((Column::Balance, yuan(amount * 2)));
                    }
                    _ => cells.push((Column::Amount, yuan(amount))),
                }
                out.push(row(&cells));
            }
        }
    }
    out
}

/// The same aggregates as `store::board::sums`, as hand-written SQL: per
/// track and per account manager from the rollup, the targets, the
/// expenses and the month-end balances of the months `first..=last`.
const RAW_SUMS: [&str; 6] = [
    "SELECT track_id, CAST(SUM(revenue_cents) AS BIGINT), CAST(SUM(cost_cents) AS BIGINT), CAST(SUM(orders_cents) AS BIGINT), CAST(SUM(sale_rows) AS BIGINT), CAST(SUM(order_rows) AS BIGINT) FROM erp_month WHERE month BETWEEN ? AND ? GROUP BY track_id",
    "SELECT account_manager_id, CAST(SUM(revenue_cents) AS BIGINT), CAST(SUM(cost_cents) AS BIGINT), CAST(SUM(orders_cents) AS BIGINT), CAST(SUM(sale_rows) AS BIGINT), CAST(SUM(order_rows) AS BIGINT) FROM erp_month WHERE month BETWEEN ? AND ? GROUP BY account_manager_id",
    "SELECT kind, track_id, CAST(SUM(amount_cents) AS BIGINT) FROM target WHERE month BETWEEN ? AND ? AND account_manager_id IS NULL GROUP BY kind, track_id",
    "SELECT kind, account_manager_id, CAST(SUM(amount_cents) AS BIGINT) FROM target WHERE month BETWEEN ? AND ? AND account_manager_id IS NOT NULL GROUP BY kind, account_manager_id",
    "SELECT track_id, CAST(SUM(amount_cents) AS BIGINT) FROM erp_expense WHERE month BETWEEN ? AND ? GROUP BY track_id",
    "SELECT track_id, month, CAST(SUM(balance_cents) AS BIGINT) FROM erp_receivable WHERE month BETWEEN ? AND ? GROUP BY track_id, month ORDER BY month",
];

async fn raw_board(db: &DatabaseConnection, periods: [(NaiveDate, NaiveDate); 2]) -> AppResult<()> {
    let backend = db.get_database_backend();
    for (first, last) in periods {
        for sql in RAW_SUMS {
            db.query_all_raw(statement(backend, sql, vec![first.into(), last.into()])).await?;
        }
    }
    Ok(())
}

/// The drill page as hand-written SQL: the page of the track's sales, and
/// its months from the rollup, the targets, the expenses and the balances.
async fn raw_drill(db: &DatabaseConnection, track: i64, period: (NaiveDate, NaiveDate), trend: (NaiveDate, NaiveDate)) -> AppResult<()> {
    let backend = db.get_database_backend();
    db.query_all_raw(statement(
        backend,
        "SELECT id, external_id, sale_date, revenue_cents, cost_cents FROM erp_sale WHERE track_id = ? AND month BETWEEN ? AND ? ORDER BY sale_date DESC, id DESC LIMIT 51",
        vec![track.into(), period.0.into(), period.1.into()],
    ))
    .await?;
    for sql in [
        "SELECT month, CAST(SUM(revenue_cents) AS BIGINT), CAST(SUM(cost_cents) AS BIGINT), CAST(SUM(orders_cents) AS BIGINT), CAST(SUM(sale_rows) AS BIGINT), CAST(SUM(order_rows) AS BIGINT) FROM erp_month WHERE track_id = ? AND month BETWEEN ? AND ? GROUP BY month",
        "SELECT month, kind, CAST(SUM(amount_cents) AS BIGINT) FROM target WHERE track_id = ? AND account_manager_id IS NULL AND month BETWEEN ? AND ? GROUP BY month, kind",
        "SELECT month, CAST(SUM(amount_cents) AS BIGINT) FROM erp_expense WHERE track_id = ? AND month BETWEEN ? AND ? GROUP BY month",
        "SELECT month, CAST(SUM(balance_cents) AS BIGINT) FROM erp_receivable WHERE track_id = ? AND month BETWEEN ? AND ? GROUP BY month",
    ] {
        db.query_all_raw(statement(backend, sql, vec![track.into(), trend.0.into(), trend.1.into()]))
            .await?;
    }
    Ok(())
}

fn line(name: &str, f: Figures) {
    println!("| {name} | {:.0} | {:.1} ms | {:.1} ms |", f.per_second, f.p50_ms, f.p99_ms);
}

/// Runs the benchmark and prints Markdown tables.
pub async fn run(mut config: Config, clock: SharedClock, concurrency: usize, seconds: u64) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    let now = clock.now();
    let tz = api::store::settings::load(&db).await?.timezone;
    let today = calendar::local_date(now, tz);
    let this_month = calendar::month_start(today);
    let months: Vec<NaiveDate> = (0..MONTHS).rev().map(|b| calendar::sub_months(this_month, b)).collect();
    config.bind = "127.0.0.1:0".parse().map_err(AppError::internal)?;
    if config.jwt_secret.is_none() {
        // Both servers verify the tokens of this process.
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        config.jwt_secret = Some(bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
    config.scheduler = false;
    config.graphiql = false;
    config.seed_demo = false;
    let mut imports: Vec<(ErpKind, usize, f64)> = Vec::new();
    if user::Entity::find().count(&db).await? == 0 {
        people(&db, now).await?;
        let state = api::App::state_on(config.clone(), clock.clone(), db.clone()).await?;
        let admin = api::auth::Viewer {
            user_id: 2,
            role: Role::Admin,
            track_ids: Vec::new(),
            token_expires_at: i64::MAX,
            session_id: None,
            must_change_password: false,
        };
        for kind in [
            ErpKind::SalesTargets,
            ErpKind::OrderTargets,
            ErpKind::Expenses,
            ErpKind::Receivables,
            ErpKind::Orders,
            ErpKind::Sales,
        ] {
            // Month by month into batches of exactly BATCH rows (the last one smaller).
            let mut pending: Vec<RawRow> = Vec::new();
            for (i, month) in months.iter().enumerate() {
                pending.extend(rows_of(kind, std::slice::from_ref(month), i, today));
                let last = i + 1 == months.len();
                while pending.len() >= BATCH || (last && !pending.is_empty()) {
                    let rest = pending.split_off(pending.len().min(BATCH));
                    let chunk = std::mem::replace(&mut pending, rest);
                    let n = chunk.len();
                    let cmd = ImportCommand {
                        kind,
                        source: BatchSource::Cli,
                        file_name: Some("bench".into()),
                        max_rows: api::domain::limits::ERP_FILE_ROWS,
                        rows: chunk,
                    };
                    let t = Instant::now();
                    let report = api::service::erp::import(&state, &admin, cmd, &RowNames::Index).await?;
                    let secs = t.elapsed().as_secs_f64();
                    eprintln!("{kind:?}: {} rows inserted in {secs:.2} s", report.inserted);
                    imports.push((kind, n, secs));
                }
            }
        }
    }
    let facts = entity::erp_sale::Entity::find().count(&db).await? + entity::erp_order::Entity::find().count(&db).await?;

    // Two servers on one pool: the board kept between requests (as served), and summed for every request.
    let mut cold_config = config.clone();
    cold_config.board_cache = false;
    let warm = api::App::build_on(config, clock.clone(), db.clone()).await?;
    let cold = api::App::build_on(cold_config, clock.clone(), db.clone()).await?;
    let state = warm.state();
    let (warm_url, cold_url) = (
        format!("http://{}/graphql", warm.address()),
        format!("http://{}/graphql", cold.address()),
    );
    tokio::spawn(warm.serve());
    tokio::spawn(cold.serve());
    let session = api::store::sessions::create(&state.db, 1, now, now + chrono::Duration::days(1)).await?;
    let (token, _) = state.keys.issue(1, Role::Ceo, 0, session.id, now)?;
    let client: crate::http::Client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let quarter = (this_month.month0() / 3 + 1) as i64;
    let period = serde_json::json!({ "kind": "QUARTER", "year": this_month.year(), "quarter": quarter });
    let body = |q: &str| Bytes::from(serde_json::json!({ "query": q, "variables": { "p": period } }).to_string());
    let http = |url: String, b: Bytes| {
        let (c, t) = (client.clone(), token.clone());
        move |_| {
            let (c, t, u, b) = (c.clone(), t.clone(), url.clone(), b.clone());
            async move { post(&c, &u, &t, b).await }
        }
    };
    let full = drive(concurrency, seconds, http(warm_url.clone(), body(FULL))).await?;
    let dashboard = drive(concurrency, seconds, http(warm_url.clone(), body(DASHBOARD))).await?;
    let dashboard_cold = drive(concurrency, seconds, http(cold_url, body(DASHBOARD))).await?;
    let periods = {
        let p = api::domain::board::Period::quarter(this_month.year(), quarter as u32)
            .and_then(|p| p.so_far(today))
            .map_err(AppError::internal)?;
        let b = p.previous();
        [(p.first, p.last), (b.first, b.last)]
    };
    let d = db.clone();
    let sql = drive(concurrency, seconds, move |_| {
        let d = d.clone();
        async move { raw_board(&d, periods).await }
    })
    .await?;
    let drills: Arc<Vec<Bytes>> = Arc::new(
        (1..=TRACKS)
            .map(|t| Bytes::from(serde_json::json!({ "query": DRILL, "variables": { "p": period, "t": t.to_string() } }).to_string()))
            .collect(),
    );
    let (c, t, u, b) = (client.clone(), token.clone(), warm_url, drills.clone());
    let drill = drive(concurrency, seconds, move |i| {
        let (c, t, u) = (c.clone(), t.clone(), u.clone());
        let body = b[usize::try_from(i).unwrap_or(0) % b.len()].clone();
        async move { post(&c, &u, &t, body).await }
    })
    .await?;
    let d = db.clone();
    let trend = (calendar::sub_months(periods[0].1, 11), periods[0].1);
    let drill_sql = drive(concurrency, seconds, move |i| {
        let d = d.clone();
        let track = (i as i64) % TRACKS + 1;
        async move { raw_drill(&d, track, periods[0], trend).await }
    })
    .await?;

    let backend = if db.get_database_backend() == DbBackend::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!();
    println!(
        "| {backend}: {TRACKS} tracks, {MANAGERS} account managers, {MONTHS} months, {facts} sales and orders; concurrency {concurrency}, {seconds} s | req/s | p50 | p99 |"
    );
    println!("|---|---|---|---|");
    line(
        "`rankingBoard`, the whole board (6 × 50 track rows + 2 × 1,000 account-manager rows)",
        full,
    );
    line(
        "`rankingBoard`, a dashboard's board (every track row, the top 20 account managers)",
        dashboard,
    );
    line(
        "the same, `SALESPULSE_BOARD_CACHE=false` (summed for every request)",
        dashboard_cold,
    );
    line("raw SQL of the same aggregates (12 GROUP BYs, two periods)", sql);
    line(
        "`boardDrill` page (a track's row, its 20 account managers, 12 months, 50 records)",
        drill,
    );
    line(
        "raw SQL of the drill page (the records' page and the 4 monthly GROUP BYs)",
        drill_sql,
    );
    println!(
        "\nAPI / raw SQL, the board summed for every request: {:.2}× the SQL's req/s; kept between imports: {:.2}×",
        dashboard_cold.per_second / sql.per_second.max(f64::MIN_POSITIVE),
        dashboard.per_second / sql.per_second.max(f64::MIN_POSITIVE)
    );
    if !imports.is_empty() {
        let mut full_batches: Vec<f64> = imports.iter().filter(|(_, n, _)| *n == BATCH).map(|(_, _, s)| *s).collect();
        full_batches.sort_by(f64::total_cmp);
        let total: usize = imports.iter().map(|(_, n, _)| n).sum();
        let secs: f64 = imports.iter().map(|(_, _, s)| s).sum();
        if let (Some(min), Some(max)) = (full_batches.first(), full_batches.last()) {
            println!(
                "\nImport through the service: {total} rows in {} batches, {secs:.1} s in all; a batch of {BATCH} rows: min {min:.2} s, median {:.2} s, max {max:.2} s",
                imports.len(),
                full_batches[full_batches.len() / 2]
            );
        }
    }
    Ok(())
}
