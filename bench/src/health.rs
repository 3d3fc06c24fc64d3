//! `salespulse-bench health`: the order-health board (三数字看板) and the
//! live funnel at #8's scale. On the database `salespulse-bench board`
//! filled (50 tracks, 1,000 account managers, 24 months of ERP figures and
//! targets), it writes 100,000 opportunities over 1,000 customers (once:
//! a second run reuses them), serves the real server in this process and
//! drives over HTTP, as the CEO, at `concurrency`: the company's board,
//! each track's board, the company's funnel and each track's funnel; then
//! the same figures as hand-written SQL straight on the database, side by
//! side. A benchmark, not a test: the table goes to the README.

use crate::http::{Figures, drive, post};
use crate::scan::statement;
use api::clock::SharedClock;
use api::config::Config;
use api::error::{AppError, AppResult};
use bytes::Bytes;
use chrono::{Datelike, Duration, NaiveDate};
use entity::{BusinessLine, OpportunityKind, OpportunityStatus, Role, Stage, customer, opportunity, track, user};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Set};
use std::sync::Arc;

const TRACKS: i64 = 50;
const MANAGERS: i64 = 1_000;
const OPPORTUNITIES: i64 = 100_000;
const CUSTOMERS: i64 = 1_000;

/// The board as the CEO's screen shows it: every number and status.
pub const BOARD: &str = "query($y: Int!, $t: ID) { orderHealthBoard(year: $y, trackId: $t) { year asOf
  company { annualTarget booked gap gapStatus weightedPipeline coverage coverageStatus rhythm rhythmStatus monthsLeft monthlyAverage bookedThisMonth hPotentialThisMonth }
  tracks { track { id name } gap gapStatus coverage coverageStatus rhythm rhythmStatus monthlyAverage hPotentialThisMonth }
  commodityTracks { track { name } monthAchievement monthStatus yearToDateAchievement yearToDateStatus } } }";
/// A funnel with its stages and account managers.
/// A track's monthly review as a director's dashboard asks for it.
pub const REVIEW: &str = "query($t: ID!, $m: String!) { monthlyFunnelReview(trackId: $t, month: $m) { month closed activeCount
  activeCountChange stages { stage count amount activeCount weightedAmount averageDaysInStage } coverageTrend { month coverage }
  alertsByRule { rule raised open kept shelved lost reactivated } restartsDue { restartDate handling decision }
  restartsDueCount restartsOnTime tasks { id kind status } } }";

/// The company's quarterly review.
pub const QUARTERLY: &str = "query($y: Int!, $q: Int!) { quarterlyReview(year: $y, quarter: $q) { label
  repeatTriggers { accountManager { id } alerts monthsWithAlerts } shelving { customerSide ourSide byReason { reason count } } } }";

pub const FUNNEL: &str = "query($t: ID) { funnel(trackId: $t) { asOf lines { businessLine weightedPipeline annualTarget booked
  remainingTarget coverage coverageStatus secured lost conversion conversionStatus movedOut
  stages { stage count amount activeCount weightedAmount averageDaysInStage }
  accountManagers { accountManager { id name } weightedPipeline deals activeDeals conversion movedOut } } } }";

fn line(name: &str, f: Figures) {
    println!("| {name} | {:.0} | {:.1} ms | {:.1} ms |", f.per_second, f.p50_ms, f.p99_ms);
}

/// 100,000 deals: four in five open (`ACTIVE`), over the five stages, one
/// in ten without a follow-up for weeks; the secured ones within the year.
async fn deals(db: &DatabaseConnection, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    let mut rng = StdRng::seed_from_u64(12);
    let txn = api::store::begin_write(db).await?;
    if customer::Entity::find().count(&txn).await? == 0 {
        let customers: Vec<customer::ActiveModel> = (1..=CUSTOMERS)
            .map(|c| customer::ActiveModel {
                id: Set(c),
                name: Set(format!("客户{c:04}")),
                created_at: Set(now),
            })
            .collect();
        for chunk in customers.chunks(500) {
            customer::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
    }
    let this_month = api::domain::calendar::month_start(now.date_naive());
    let stages = [
        Stage::InitialIdentification,
        Stage::Quotation,
        Stage::DeepNegotiation,
        Stage::HPotential,
        Stage::Secured,
    ];
    let mut batch = Vec::with_capacity(1000);
    for id in 1..=OPPORTUNITIES {
        let a = rng.random_range(1..=MANAGERS);
        let track = (a - 1) % TRACKS + 1;
        let stage = stages[rng.random_range(0..stages.len())];
        let status = match rng.random_range(0..100) {
            0..=79 => OpportunityStatus::Active,
            80..=89 => OpportunityStatus::Shelved,
            _ => OpportunityStatus::Lost,
        };
        let last_age = if rng.random_range(0..10) == 0 {
            rng.random_range(15..90)
        } else {
            rng.random_range(0..14)
        };
        let entered = now - Duration::days(rng.random_range(0..200));
        let amount = rng.random_range(1_000..10_000) * 100_000;
        batch.push(opportunity::ActiveModel {
            id: Set(id),
            name: Set(format!("商机{id}")),
            customer_id: Set(rng.random_range(1..=CUSTOMERS)),
            track_id: Set(track),
            owner_id: Set(1000 + a),
            business_line: Set(BusinessLine::MoldingIntegrated),
            kind: Set(OpportunityKind::Other),
            amount_cents: Set(amount),
            stage: Set(stage),
            stage_entered_at: Set(entered),
            status: Set(status),
            last_activity_at: Set(now - Duration::days(last_age)),
            secured_at: Set((stage == Stage::Secured).then_some(entered)),
            mold_number: Set(None),
            shelve_reason: Set((status == OpportunityStatus::Shelved).then_some(entity::ShelveReason::OurNoCapacity)),
            shelve_reason_text: Set(None),
            restart_date: Set((status == OpportunityStatus::Shelved).then(|| now.date_naive() + Duration::days(30))),
            loss_reason: Set((status == OpportunityStatus::Lost).then(|| "价格".to_owned())),
            expected_order_month: Set(Some(api::domain::calendar::add_months(
                this_month - chrono::Months::new(2),
                rng.random_range(0..8),
            ))),
            forecast_amount_cents: Set(None),
            precision_order_date: Set((stage == Stage::HPotential).then(|| this_month + Duration::days(rng.random_range(0..60)))),
            precision_amount_cents: Set((stage == Stage::HPotential).then_some(amount)),
            version: Set(1),
            created_at: Set(entered),
            updated_at: Set(now),
        });
        if batch.len() == 1000 {
            opportunity::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if !batch.is_empty() {
        opportunity::Entity::insert_many(batch).exec_without_returning(&txn).await?;
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ["opportunity", "customer"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

const PIPELINE_STAGES: &str = "('INITIAL_IDENTIFICATION', 'QUOTATION', 'DEEP_NEGOTIATION', 'H_POTENTIAL')";

/// The board's figures as hand-written SQL: targets and orders by track
/// and month, the active pipeline by track and stage, this month's H
/// Potential by track.
async fn raw_board(
    db: &DatabaseConnection,
    year: (NaiveDate, NaiveDate),
    month: NaiveDate,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let b = db.get_database_backend();
    let month_end = api::domain::calendar::add_months(month, 1).pred_opt().unwrap_or(month);
    db.query_all_raw(statement(
        b,
        "SELECT track_id, month, SUM(amount_cents) FROM target WHERE kind = 'ORDERS' AND account_manager_id IS NULL \
         AND month BETWEEN ? AND ? GROUP BY track_id, month",
        vec![year.0.into(), year.1.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        "SELECT track_id, month, SUM(orders_cents) FROM erp_month WHERE month BETWEEN ? AND ? AND order_rows > 0 GROUP BY track_id, month",
        vec![year.0.into(), month.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        &format!(
            "SELECT track_id, stage, SUM(amount_cents) FROM opportunity WHERE status = 'ACTIVE' AND last_activity_at >= ? \
             AND stage IN {PIPELINE_STAGES} GROUP BY track_id, stage"
        ),
        vec![cutoff.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        "SELECT track_id, SUM(precision_amount_cents) FROM opportunity WHERE status = 'ACTIVE' AND stage = 'H_POTENTIAL' \
         AND precision_order_date BETWEEN ? AND ? GROUP BY track_id",
        vec![month.into(), month_end.into()],
    ))
    .await?;
    Ok(())
}

/// The funnel's counts as hand-written SQL: by track, account manager and
/// stage (count, amount, active count and amount, days in stage); the
/// secured of the window; the moved out; with the targets and orders of
/// the board.
async fn raw_funnel(
    db: &DatabaseConnection,
    year: (NaiveDate, NaiveDate),
    month: NaiveDate,
    cutoff: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let b = db.get_database_backend();
    let days = if b == DbBackend::Postgres {
        "SUM(EXTRACT(EPOCH FROM (CAST(? AS TIMESTAMPTZ) - stage_entered_at)) / 86400.0)"
    } else {
        "SUM(julianday(?) - julianday(stage_entered_at))"
    };
    let at = now.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string();
    db.query_all_raw(statement(
        b,
        &format!(
            "SELECT track_id, owner_id, stage, COUNT(*), SUM(amount_cents), SUM(CASE WHEN last_activity_at >= ? THEN 1 ELSE 0 END), \
             SUM(CASE WHEN last_activity_at >= ? THEN amount_cents ELSE 0 END), {days} FROM opportunity \
             WHERE status = 'ACTIVE' AND stage IN {PIPELINE_STAGES} GROUP BY track_id, owner_id, stage"
        ),
        vec![cutoff.into(), cutoff.into(), at.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        "SELECT track_id, owner_id, COUNT(*) FROM opportunity WHERE stage = 'SECURED' AND status <> 'LOST' \
         AND secured_at BETWEEN ? AND ? GROUP BY track_id, owner_id",
        vec![(now - Duration::days(365)).into(), now.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        &format!(
            "SELECT track_id, owner_id, COUNT(*) FROM opportunity WHERE status = 'ACTIVE' AND stage IN {PIPELINE_STAGES} \
             AND expected_order_month < ? GROUP BY track_id, owner_id"
        ),
        vec![month.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        "SELECT track_id, month, SUM(amount_cents) FROM target WHERE kind = 'ORDERS' AND account_manager_id IS NULL \
         AND month BETWEEN ? AND ? GROUP BY track_id, month",
        vec![year.0.into(), year.1.into()],
    ))
    .await?;
    db.query_all_raw(statement(
        b,
        "SELECT track_id, month, SUM(orders_cents) FROM erp_month WHERE month BETWEEN ? AND ? AND order_rows > 0 GROUP BY track_id, month",
        vec![year.0.into(), month.into()],
    ))
    .await?;
    Ok(())
}

/// Runs the benchmark and prints a Markdown table.
pub async fn run(mut config: Config, clock: SharedClock, concurrency: usize, seconds: u64) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    let is_bench = user::Entity::find()
        .filter(user::Column::Email.eq("ceo@bench.local"))
        .count(&db)
        .await?
        == 1
        && track::Entity::find().count(&db).await? == TRACKS as u64;
    if !is_bench {
        return Err(AppError::Internal(
            "run `salespulse-bench board` on this database first: this benchmark adds its deals to the board's company".into(),
        ));
    }
    let now = clock.now();
    match opportunity::Entity::find().count(&db).await? {
        0 => deals(&db, now).await?,
        n if n == OPPORTUNITIES as u64 => {}
        n => {
            return Err(AppError::Internal(format!(
                "this database holds {n} opportunities: the benchmark writes its {OPPORTUNITIES} into a board database without any"
            )));
        }
    }
    config.bind = "127.0.0.1:0".parse().map_err(AppError::internal)?;
    if config.jwt_secret.is_none() {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        config.jwt_secret = Some(bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
    config.scheduler = false;
    config.graphiql = false;
    config.seed_demo = false;
    let cached = config.board_cache;
    let settings = api::store::settings::load(&db).await?;
    let today = api::domain::calendar::local_date(now, settings.timezone);
    let month = api::domain::calendar::month_start(today);
    let year = (
        NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month),
        NaiveDate::from_ymd_opt(today.year(), 12, 1).unwrap_or(month),
    );
    let cutoff = api::domain::calendar::recent_cutoff(now, settings.active_window_days, settings.timezone);

    let app = api::App::build_on(config, clock.clone(), db.clone()).await?;
    let state = app.state();
    let url = format!("http://{}/graphql", app.address());
    tokio::spawn(app.serve());
    let session = api::store::sessions::create(&state.db, 1, now, now + Duration::days(1)).await?;
    let (token, _) = state.keys.issue(1, Role::Ceo, 0, session.id, now)?;
    let client: crate::http::Client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let body = |q: &str, vars: serde_json::Value| Bytes::from(serde_json::json!({ "query": q, "variables": vars }).to_string());
    let load = |b: Arc<Vec<Bytes>>| {
        let (c, t, u) = (client.clone(), token.clone(), url.clone());
        move |i: u64| {
            let (c, t, u) = (c.clone(), t.clone(), u.clone());
            let body = b[usize::try_from(i).unwrap_or(0) % b.len()].clone();
            async move { post(&c, &u, &t, body).await }
        }
    };
    let y = today.year();
    let company_board = Arc::new(vec![body(BOARD, serde_json::json!({ "y": y }))]);
    let track_boards = Arc::new(
        (1..=TRACKS)
            .map(|t| body(BOARD, serde_json::json!({ "y": y, "t": t.to_string() })))
            .collect(),
    );
    let company_funnel = Arc::new(vec![body(FUNNEL, serde_json::json!({}))]);
    let track_funnels = Arc::new(
        (1..=TRACKS)
            .map(|t| body(FUNNEL, serde_json::json!({ "t": t.to_string() })))
            .collect(),
    );
    let board = drive(concurrency, seconds, load(company_board)).await?;
    let boards = drive(concurrency, seconds, load(track_boards)).await?;
    let funnel = drive(concurrency, seconds, load(company_funnel)).await?;
    let funnels = drive(concurrency, seconds, load(track_funnels)).await?;
    let raw = |f: bool| {
        let db = db.clone();
        move |_: u64| {
            let db = db.clone();
            async move {
                if f {
                    raw_funnel(&db, year, month, cutoff, now).await
                } else {
                    raw_board(&db, year, month, cutoff).await
                }
            }
        }
    };
    let raw_b = drive(concurrency, seconds, raw(false)).await?;
    let raw_f = drive(concurrency, seconds, raw(true)).await?;

    let backend = if db.get_database_backend() == DbBackend::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let answers = if cached {
        "kept answers"
    } else {
        "computed every time (`SALESPULSE_BOARD_CACHE=false`)"
    };
    println!();
    println!(
        "| {backend}: the board's company, {OPPORTUNITIES} opportunities; {answers}; concurrency {concurrency}, {seconds} s | req/s | p50 | p99 |"
    );
    println!("|---|---|---|---|");
    line("`orderHealthBoard` (the company and its 50 tracks)", board);
    line("`orderHealthBoard(trackId)` (one track, 50 in turn)", boards);
    line("its figures as raw SQL (targets, orders, pipeline, H Potential)", raw_b);
    line("`funnel` (the company: stages, 1,000 account managers)", funnel);
    line("`funnel(trackId)` (one track, 50 in turn)", funnels);
    line(
        "its figures as raw SQL (stages by track and manager, secured, moved out, targets, orders)",
        raw_f,
    );

    // Last month's month-end check of every track (snapshots and alerts), three times, each on a
    // clean month; what it wrote is removed after.
    let last_end = month.pred_opt().unwrap_or(month);
    let last_month = api::domain::calendar::month_start(last_end);
    let clear = || async {
        use entity::{funnel_alert, funnel_snapshot, funnel_snapshot_stage};
        use sea_orm::QuerySelect;
        let taken: Vec<i64> = funnel_snapshot::Entity::find()
            .select_only()
            .column(funnel_snapshot::Column::Id)
            .filter(funnel_snapshot::Column::Month.eq(last_month))
            .into_tuple()
            .all(&db)
            .await?;
        funnel_snapshot_stage::Entity::delete_many()
            .filter(funnel_snapshot_stage::Column::SnapshotId.is_in(taken))
            .exec(&db)
            .await?;
        funnel_snapshot::Entity::delete_many()
            .filter(funnel_snapshot::Column::Month.eq(last_month))
            .exec(&db)
            .await?;
        funnel_alert::Entity::delete_many()
            .filter(funnel_alert::Column::Month.eq(last_month))
            .exec(&db)
            .await?;
        AppResult::Ok(())
    };
    let mut runs = Vec::new();
    for _ in 0..3 {
        clear().await?;
        let started = std::time::Instant::now();
        let r = api::service::funnel_alerts::run_check(&state, last_end, true).await?;
        runs.push((started.elapsed(), r.snapshots_taken, r.raised.len()));
    }
    // With last month checked: its review per track, and the quarter's review of the company.
    let last_label = api::domain::calendar::format_year_month(last_month);
    let reviews = Arc::new(
        (1..=TRACKS)
            .map(|t| body(REVIEW, serde_json::json!({ "t": t.to_string(), "m": last_label })))
            .collect(),
    );
    let quarter = i32::try_from(today.month0() / 3 + 1).unwrap_or(1);
    let quarterly = Arc::new(vec![body(QUARTERLY, serde_json::json!({ "y": y, "q": quarter }))]);
    let review = drive(concurrency, seconds, load(reviews)).await?;
    let quarter_review = drive(concurrency, seconds, load(quarterly)).await?;
    clear().await?;
    println!();
    line("`monthlyFunnelReview(trackId, month)` (last month, 50 tracks in turn)", review);
    line("`quarterlyReview(year, quarter)` (the company)", quarter_review);
    println!();
    for (took, snapshots, alerts) in runs {
        println!(
            "month-end funnel check of {TRACKS} tracks: {:.0} ms ({snapshots} snapshots, {alerts} alerts)",
            took.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
