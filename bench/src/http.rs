//! `salespulse-bench http`: the read path under load, beside its raw SQL.
//! Generates the benchmark company into an empty database (or reuses the
//! one there), starts the real server in this process, and drives it from
//! `concurrency` keep-alive HTTP/1.1 clients for `seconds` — the list page
//! of 50 opportunities with owner, customer, track and last 5 follow-ups,
//! and one opportunity by id — then the same reads as hand-written,
//! prepared SQL on the same pool with the same concurrency. A benchmark,
//! not a test: the table goes to the README.

use crate::scan::{Size, generate, statement};
use api::clock::SharedClock;
use api::config::Config;
use api::error::{AppError, AppResult};
use bytes::Bytes;
use entity::{Role, opportunity, user};
use http_body_util::{BodyExt, Full};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const LIST: &str = "{ opportunities(first: 50) { nodes { id name amount stage owner { name } customer { name } \
    track { name } activities(first: 5) { nodes { kind note occurredAt } } } } }";
pub const ONE: &str = "query($id: ID!) { opportunity(id: $id) { id name amount stage owner { name } customer { name } track { name } } }";

/// What one run measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

fn figures(mut lat: Vec<Duration>, elapsed: Duration) -> Figures {
    lat.sort_unstable();
    let at = |q: f64| {
        lat.get(((lat.len() as f64 * q) as usize).min(lat.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        requests: lat.len() as u64,
        per_second: lat.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// Runs `work` from `concurrency` tasks for a warm-up second, then for
/// `seconds`, and returns the latencies of the measured part.
pub(crate) async fn drive<F, Fut>(concurrency: usize, seconds: u64, work: F) -> AppResult<Figures>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = AppResult<()>> + Send,
{
    let work = Arc::new(work);
    let warm = Instant::now() + Duration::from_secs(1);
    let end = warm + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let work = work.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = t as u64;
            loop {
                let start = Instant::now();
                if start >= end {
                    break;
                }
                work(i).await?;
                if start >= warm {
                    lat.push(start.elapsed());
                }
                i += concurrency as u64;
            }
            Ok::<_, AppError>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(AppError::internal)??);
    }
    Ok(figures(all, Duration::from_secs(seconds)))
}

pub(crate) type Client = hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub(crate) async fn post(client: &Client, url: &str, token: &str, body: Bytes) -> AppResult<()> {
    let req = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(body))
        .map_err(AppError::internal)?;
    let resp = client.request(req).await.map_err(AppError::internal)?;
    let ok = resp.status().is_success();
    let bytes = resp.into_body().collect().await.map_err(AppError::internal)?.to_bytes();
    if !ok || bytes.windows(9).any(|w| w == b"\"errors\":") {
        return Err(AppError::internal(format!(
            "the server answered {}",
            String::from_utf8_lossy(&bytes)
        )));
    }
    Ok(())
}

/// The list page as raw SQL: the page with its owner, customer and track
/// joined, then the newest 5 follow-ups of those 50 (a window).
async fn raw_list(db: &DatabaseConnection, owner: i64) -> AppResult<()> {
    let backend = db.get_database_backend();
    let page = db
        .query_all_raw(statement(
            backend,
            "SELECT o.id, o.name, o.amount_cents, o.stage, u.name, c.name, t.name FROM opportunity o \
             JOIN \"user\" u ON u.id = o.owner_id JOIN customer c ON c.id = o.customer_id JOIN track t ON t.id = o.track_id \
             WHERE o.owner_id = ? ORDER BY o.id LIMIT 51",
            vec![owner.into()],
        ))
        .await?;
    let ids: Vec<i64> = page.iter().filter_map(|r| r.try_get_by_index::<i64>(0).ok()).take(50).collect();
    let marks = vec!["?"; ids.len().max(1)].join(", ");
    let sql = format!(
        "SELECT * FROM (SELECT a.opportunity_id, a.kind, a.note, a.occurred_at, ROW_NUMBER() OVER \
         (PARTITION BY a.opportunity_id ORDER BY a.occurred_at DESC, a.id DESC) AS rk FROM activity a \
         WHERE a.opportunity_id IN ({marks})) x WHERE rk <= 5"
    );
    let values = if ids.is_empty() {
        vec![0i64.into()]
    } else {
        ids.into_iter().map(Into::into).collect()
    };
    db.query_all_raw(statement(backend, &sql, values)).await?;
    Ok(())
}

/// One opportunity as raw SQL: one statement with its joins.
async fn raw_one(db: &DatabaseConnection, id: i64, owner: i64) -> AppResult<()> {
    let backend = db.get_database_backend();
    db.query_one_raw(statement(
        backend,
        "SELECT o.id, o.name, o.amount_cents, o.stage, u.name, c.name, t.name FROM opportunity o \
         JOIN \"user\" u ON u.id = o.owner_id JOIN customer c ON c.id = o.customer_id JOIN track t ON t.id = o.track_id \
         WHERE o.id = ? AND o.owner_id = ?",
        vec![id.into(), owner.into()],
    ))
    .await?
    .ok_or_else(|| AppError::internal("the raw SQL found no opportunity"))?;
    Ok(())
}

/// Runs the benchmark and prints a Markdown table.
pub async fn run(mut config: Config, clock: SharedClock, size: Size, concurrency: usize, seconds: u64) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    if user::Entity::find().count(&db).await? == 0 {
        let t = Instant::now();
        generate(&db, size, clock.now()).await?;
        println!(
            "generated {} opportunities and {} activities in {:.1} s",
            size.opportunities,
            size.activities,
            t.elapsed().as_secs_f64()
        );
    }
    let opps = opportunity::Entity::find().count(&db).await?;
    let acts = entity::activity::Entity::find().count(&db).await?;
    // The account manager with the most opportunities reads his own.
    let owner = user::Entity::find()
        .filter(user::Column::Role.eq(Role::AccountManager))
        .order_by_asc(user::Column::Id)
        .one(&db)
        .await?
        .ok_or_else(|| AppError::internal("no account manager in the benchmark company"))?;
    let mine: Vec<i64> = opportunity::Entity::find()
        .filter(opportunity::Column::OwnerId.eq(owner.id))
        .all(&db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if mine.is_empty() {
        return Err(AppError::internal("the account manager owns no opportunity"));
    }
    config.bind = "127.0.0.1:0".parse().map_err(AppError::internal)?;
    config.scheduler = false;
    config.graphiql = false;
    config.seed_demo = false;
    let app = api::App::build_on(config, clock.clone(), db.clone()).await?;
    let state = app.state();
    let url = format!("http://{}/graphql", app.address());
    tokio::spawn(app.serve());
    let now = clock.now();
    let session = api::store::sessions::create(&state.db, owner.id, now, now + chrono::Duration::days(1)).await?;
    let (token, _) = state.keys.issue(owner.id, owner.role, owner.token_generation, session.id, now)?;
    let client: Client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let list_body = Bytes::from(serde_json::json!({ "query": LIST }).to_string());
    let bodies: Arc<Vec<Bytes>> = Arc::new(
        mine.iter()
            .map(|id| Bytes::from(serde_json::json!({ "query": ONE, "variables": { "id": id.to_string() } }).to_string()))
            .collect(),
    );

    // Memory under load and after: this process holds the server and its
    // clients (the raw SQL runs on the server's pool).
    let rss = || crate::ws::usage(std::process::id()).0;
    let rss_idle = rss();
    let (c, u, t) = (client.clone(), url.clone(), token.clone());
    let list = drive(concurrency, seconds, move |_| {
        let (c, u, t, b) = (c.clone(), u.clone(), t.clone(), list_body.clone());
        async move { post(&c, &u, &t, b).await }
    })
    .await?;
    let d = db.clone();
    let owner_id = owner.id;
    let list_sql = drive(concurrency, seconds, move |_| {
        let d = d.clone();
        async move { raw_list(&d, owner_id).await }
    })
    .await?;
    let (c, u, t, b) = (client.clone(), url.clone(), token.clone(), bodies.clone());
    let one = drive(concurrency, seconds, move |i| {
        let (c, u, t) = (c.clone(), u.clone(), t.clone());
        let body = b[usize::try_from(i).unwrap_or(0) % b.len()].clone();
        async move { post(&c, &u, &t, body).await }
    })
    .await?;
    let d = db.clone();
    let ids = Arc::new(mine);
    let one_sql = drive(concurrency, seconds, move |i| {
        let d = d.clone();
        let id = ids[usize::try_from(i).unwrap_or(0) % ids.len()];
        async move { raw_one(&d, id, owner_id).await }
    })
    .await?;

    let rss_loaded = rss();
    // The load is over: its clients hang up (as phones and dashboards do),
    // and the server keeps what it keeps between requests.
    drop(client);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let rss_minute = rss();

    let backend = if db.get_database_backend() == DbBackend::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!();
    println!(
        "| {backend}, {opps} opportunities, {acts} activities, concurrency {concurrency}, {seconds} s | req/s | p50 | p99 | raw SQL req/s | raw SQL p99 | API / SQL |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, api, sql) in [
        ("page of 50 with relations and last 5 follow-ups", list, list_sql),
        ("one opportunity by id", one, one_sql),
    ] {
        println!(
            "| {name} | {:.0} | {:.1} ms | {:.1} ms | {:.0} | {:.1} ms | {:.2}× |",
            api.per_second,
            api.p50_ms,
            api.p99_ms,
            sql.per_second,
            sql.p99_ms,
            api.per_second / sql.per_second.max(f64::MIN_POSITIVE)
        );
    }
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!();
    println!(
        "RSS of the process (server and clients): idle {:.0} MiB → after the load {:.0} MiB → a minute later {:.0} MiB ({:+.0} % of idle)",
        mib(rss_idle),
        mib(rss_loaded),
        mib(rss_minute),
        (rss_minute as f64 / rss_idle.max(1) as f64 - 1.0) * 100.0
    );
    Ok(())
}
