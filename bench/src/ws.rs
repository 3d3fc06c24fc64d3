//! `salespulse-bench ws`: subscriptions fanned out to many sockets. Seeds
//! the demo company into an empty database (or reuses the one there),
//! starts one or two real servers as child processes (so that the clients'
//! sockets and the servers' count against separate open-file limits),
//! connects `subscribers` graphql-transport-ws clients spread over the
//! company's 39 logins (so every scope is there: CEO, secretary, admin,
//! six directors, thirty account managers), each subscribed to
//! `alertEvents`, and then:
//!
//! 1. **one alert**: one deal is made to go quiet and a scan raises its
//!    alert — the latency from the scan's request to each entitled socket;
//! 2. **a burst**: a scan some days ahead raises hundreds of alerts — the
//!    time until the last delivery, and each delivery's latency.
//!
//! Every client's deliveries are checked against the event table read with
//! the store's own scope SQL for its user: lost, duplicated, out of scope,
//! out of order, and subscriptions that ended. The servers' RSS and CPU
//! time give the cost per idle socket and per delivery. A benchmark, not a
//! test: the table goes to the README.

use api::auth::Scope;
use api::clock::SharedClock;
use api::config::Config;
use api::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{Role, user};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryOrder, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

const SUBSCRIPTION: &str = "subscription($after: ID) { alertEvents(after: $after) { id } }";

/// What one client saw: (event id, when) of each delivery, how often it
/// was told to resume (`SLOW_CONSUMER`, then subscribed again with `after`
/// as a phone would), and whether its subscription ended otherwise (an
/// `error`, `complete` or a closed socket).
#[derive(Default)]
struct Seen {
    events: Vec<(i64, Instant)>,
    resumed: usize,
    ended: Option<String>,
}

/// A `next` message, as far as the benchmark reads it.
#[derive(serde::Deserialize)]
struct NextMessage {
    #[serde(rename = "type")]
    _next: NextType,
    payload: NextPayload,
}
#[derive(serde::Deserialize)]
enum NextType {
    #[serde(rename = "next")]
    Next,
}
#[derive(serde::Deserialize)]
struct NextPayload {
    data: NextData,
}
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct NextData {
    alert_events: NextEvent,
}
#[derive(serde::Deserialize)]
struct NextEvent {
    id: String,
}

fn subscribe_message(id: usize, after: Option<&str>) -> Message {
    let sub = serde_json::json!({ "id": id.to_string(), "type": "subscribe",
        "payload": { "query": SUBSCRIPTION, "variables": { "after": after } } });
    Message::Text(sub.to_string().into())
}

/// A child server process, killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

fn free_port() -> AppResult<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(AppError::internal)?;
    Ok(l.local_addr().map_err(AppError::internal)?.port())
}

/// The server's binary, `salespulse`, built beside this one
/// (`cargo build --release` builds both into the same folder).
fn server_binary() -> AppResult<std::path::PathBuf> {
    let me = std::env::current_exe().map_err(AppError::internal)?;
    let server = me.with_file_name(format!("salespulse{}", std::env::consts::EXE_SUFFIX));
    if server.is_file() {
        Ok(server)
    } else {
        Err(AppError::Internal(format!(
            "{} is missing: build the server too (cargo build --release)",
            server.display()
        )))
    }
}

async fn start_server(config: &Config, secret: &str, sockets_per_user: usize) -> AppResult<Server> {
    let port = free_port()?;
    let exe = server_binary()?;
    let child = std::process::Command::new(exe)
        .arg("serve")
        .env("SALESPULSE_DATABASE_URL", &config.database_url)
        .env("SALESPULSE_BIND", format!("127.0.0.1:{port}"))
        .env("SALESPULSE_JWT_SECRET", secret)
        .env("SALESPULSE_SCHEDULER", "false")
        .env("SALESPULSE_SEED_DEMO", "false")
        .env("SALESPULSE_GRAPHIQL", "false")
        .env("SALESPULSE_MAX_SOCKETS_PER_USER", sockets_per_user.to_string())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(AppError::internal)?;
    let server = Server {
        child,
        url: format!("127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while tokio::net::TcpStream::connect(&server.url).await.is_err() {
        if Instant::now() > deadline {
            return Err(AppError::internal("the benchmark server did not start"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(server)
}

/// Resident memory (KiB) and CPU time (user + system) of a process.
pub(crate) fn usage(pid: u32) -> (u64, Duration) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0);
    let cpu = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(Duration::from_millis(ticks * 10))
        })
        .unwrap_or_default();
    (rss, cpu)
}

async fn graphql(
    http: &reqwest_like::Client,
    server: &str,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> AppResult<serde_json::Value> {
    http.post(server, token, &serde_json::json!({ "query": query, "variables": variables }))
        .await
}

/// A small HTTP/1.1 JSON client on hyper (the crate's own dependencies).
mod reqwest_like {
    use api::error::{AppError, AppResult};
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};

    #[derive(Clone)]
    pub struct Client(hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>);

    impl Client {
        pub fn new() -> Self {
            Self(hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http())
        }

        pub async fn post(&self, server: &str, token: Option<&str>, body: &serde_json::Value) -> AppResult<serde_json::Value> {
            let mut req = hyper::Request::post(format!("http://{server}/graphql")).header("content-type", "application/json");
            if let Some(t) = token {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            let req = req.body(Full::new(Bytes::from(body.to_string()))).map_err(AppError::internal)?;
            let resp = self.0.request(req).await.map_err(AppError::internal)?;
            let bytes = resp.into_body().collect().await.map_err(AppError::internal)?.to_bytes();
            let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(AppError::internal)?;
            if let Some(errors) = value.get("errors") {
                return Err(AppError::internal(format!("the server refused: {errors}")));
            }
            Ok(value["data"].clone())
        }
    }
}

/// One subscribed client: connects, logs in with `token`, subscribes, and
/// records every delivery until `stop`.
async fn client(
    server: String,
    token: String,
    permit: tokio::sync::OwnedSemaphorePermit,
    ready: Arc<AtomicUsize>,
    delivered: Arc<AtomicUsize>,
    stop: tokio_util::sync::CancellationToken,
) -> AppResult<Seen> {
    let mut req = format!("ws://{server}/graphql").into_client_request().map_err(AppError::internal)?;
    req.headers_mut().insert(
        "sec-websocket-protocol",
        tokio_tungstenite::tungstenite::http::HeaderValue::from_static(api::ws::PROTOCOL),
    );
    // Small buffers, as a phone's client has: tungstenite's default read
    // buffer (128 KiB) is zeroed on every read, which made this client the
    // larger part of the machine's CPU.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true)
        .await
        .map_err(AppError::internal)?;
    let init = serde_json::json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    ws.send(Message::Text(init.to_string().into())).await.map_err(AppError::internal)?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.contains("connection_ack") => break,
            Some(Ok(_)) => {}
            other => return Err(AppError::internal(format!("no ack: {other:?}"))),
        }
    }
    ws.send(subscribe_message(1, None)).await.map_err(AppError::internal)?;
    ready.fetch_add(1, Ordering::SeqCst);
    drop(permit);
    let mut seen = Seen::default();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    let now = Instant::now();
                    // The client's own cost kept small (a typed read of the
                    // one field it needs), so the figures are the server's.
                    if let Ok(next) = serde_json::from_str::<NextMessage>(&t).map(|m| m.payload.data.alert_events.id) {
                        seen.events.push((next.parse().unwrap_or(-1), now));
                        delivered.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let v: serde_json::Value = serde_json::from_str(&t).map_err(AppError::internal)?;
                    if v["type"] == "error" && v["payload"][0]["extensions"]["code"] == "SLOW_CONSUMER" {
                        seen.resumed += 1;
                        let after = v["payload"][0]["extensions"]["resumeAfter"].as_str().map(str::to_owned);
                        ws.send(subscribe_message(seen.resumed + 1, after.as_deref())).await.map_err(AppError::internal)?;
                    } else if v["type"] == "ping" {
                        let _ = ws.send(Message::Text(r#"{"type":"pong"}"#.into())).await;
                    } else {
                        seen.ended = Some(t.to_string());
                        break;
                    }
                }
                Some(Ok(Message::Close(c))) => { seen.ended = Some(format!("closed {c:?}")); break; }
                Some(Ok(_)) => {}
                Some(Err(e)) => { seen.ended = Some(e.to_string()); break; }
                None => { seen.ended = Some("socket ended".into()); break; }
            }
        }
    }
    Ok(seen)
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn max_event_id(db: &DatabaseConnection) -> AppResult<i64> {
    api::store::events::max_id(db).await
}

/// Makes one active deal without an open alert go quiet for 30 days, so
/// that the next scan raises exactly its alert(s).
async fn one_deal_goes_quiet(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<()> {
    let backend = db.get_database_backend();
    let quiet_since = now - chrono::Duration::days(30);
    let sql = "UPDATE opportunity SET last_activity_at = $1 WHERE id = (SELECT o.id FROM opportunity o \
        WHERE o.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id) ORDER BY o.id LIMIT 1)";
    let sql = if backend == DbBackend::Sqlite {
        sql.replace("$1", "?")
    } else {
        sql.to_owned()
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [quiet_since.into()]))
        .await?;
    Ok(())
}

pub struct Options {
    pub subscribers: usize,
    pub processes: usize,
    pub burst_days: i64,
    pub all_see_all: bool,
}

pub async fn run(config: Config, clock: SharedClock, options: Options) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    if api::seed::is_empty(&db).await? {
        api::seed::demo_company(&db, clock.now()).await?;
        println!("seeded the demo company");
    }
    if options.processes > 1 && db.get_database_backend() == DbBackend::Sqlite {
        return Err(AppError::internal("two processes share a database on PostgreSQL only"));
    }
    let users = user::Entity::find().order_by_asc(user::Column::Id).all(&db).await?;
    let logins: Vec<&user::Model> = users
        .iter()
        .filter(|u| u.active && (!options.all_see_all || matches!(u.role, Role::Ceo | Role::Secretary | Role::Admin)))
        .collect();
    let per_user = options.subscribers.div_ceil(logins.len().max(1)) + 1;
    let secret: String = {
        use rand::Rng;
        rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(48)
            .map(char::from)
            .collect()
    };
    let mut servers = Vec::new();
    for _ in 0..options.processes.max(1) {
        servers.push(start_server(&config, &secret, per_user).await?);
    }
    let http = reqwest_like::Client::new();
    // Memory that comes back after a login burst: every login at once
    // (real logins over HTTP, each an Argon2 verification), then a minute.
    let before_logins: u64 = servers.iter().map(|s| usage(s.pid()).0).sum();
    let logins_at = Instant::now();
    let answers = futures_util::future::join_all(logins.iter().map(|u| {
        let (http, server) = (http.clone(), servers[0].url.clone());
        async move {
            graphql(
                &http,
                &server,
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                serde_json::json!({ "e": u.email, "p": api::seed::DEMO_PASSWORD }),
            )
            .await
        }
    }))
    .await;
    let logins_took = logins_at.elapsed();
    let after_logins: u64 = servers.iter().map(|s| usage(s.pid()).0).sum();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let logins_minute_later: u64 = servers.iter().map(|s| usage(s.pid()).0).sum();
    // Every login's token, and its scope for the check.
    let mut tokens = Vec::new();
    for (u, data) in logins.iter().zip(answers) {
        let token = data?["login"]["token"].as_str().unwrap_or_default().to_owned();
        let tracks = api::store::users::track_ids_of(&db, u.id, u.role).await?;
        let scope = match u.role {
            Role::Ceo | Role::Secretary | Role::Admin => Scope::All,
            Role::TrackDirector => Scope::Tracks(tracks.clone()),
            Role::AccountManager => Scope::Owner(u.id),
        };
        let listener = api::store::events::Listener {
            scope,
            user_id: u.id,
            role: u.role,
            track_ids: tracks,
        };
        tokens.push((u.id, token, listener));
    }
    let admin = tokens
        .iter()
        .zip(&logins)
        .find(|(_, u)| u.role == Role::Admin)
        .map(|(t, _)| t.1.clone())
        .ok_or_else(|| AppError::internal("no admin"))?;
    let scan = "mutation($at: DateTime) { runScan(asOf: $at) { asOf } }";
    // Whatever is due now is raised before anyone listens.
    graphql(&http, &servers[0].url, Some(&admin), scan, serde_json::json!({ "at": clock.now() })).await?;

    let idle: Vec<(u64, Duration)> = servers.iter().map(|s| usage(s.pid())).collect();
    let ready = Arc::new(AtomicUsize::new(0));
    let delivered_count = Arc::new(AtomicUsize::new(0));
    let stop = tokio_util::sync::CancellationToken::new();
    let connecting = Instant::now();
    let mut clients = Vec::with_capacity(options.subscribers);
    let gate = Arc::new(tokio::sync::Semaphore::new(256));
    for i in 0..options.subscribers {
        let (user_id, token, _) = &tokens[i % tokens.len()];
        let server = servers[i % servers.len()].url.clone();
        let (token, ready, delivered, stop, gate) = (token.clone(), ready.clone(), delivered_count.clone(), stop.clone(), gate.clone());
        let user_id = *user_id;
        clients.push(tokio::spawn(async move {
            // At most 256 handshakes at once; the permit goes when subscribed.
            let result = match gate.acquire_owned().await {
                Ok(permit) => client(server, token, permit, ready, delivered, stop).await,
                Err(e) => Err(AppError::internal(e)),
            };
            (user_id, result)
        }));
    }
    while ready.load(Ordering::SeqCst) < options.subscribers {
        if connecting.elapsed() > Duration::from_secs(600) {
            return Err(AppError::internal(format!(
                "only {} of {} clients subscribed",
                ready.load(Ordering::SeqCst),
                options.subscribers
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{} clients subscribed in {:.1} s",
        options.subscribers,
        connecting.elapsed().as_secs_f64()
    );
    // Settled: the last subscriptions' first reads done, memory measured at rest.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let connected: Vec<(u64, Duration)> = servers.iter().map(|s| usage(s.pid())).collect();
    let client_cpu_connected = usage(std::process::id()).1;

    // 1. One alert.
    let start_one = max_event_id(&db).await?;
    one_deal_goes_quiet(&db, clock.now()).await?;
    let t_one = Instant::now();
    graphql(&http, &servers[0].url, Some(&admin), scan, serde_json::json!({ "at": clock.now() })).await?;
    let scan_answered = t_one.elapsed();
    let end_one = max_event_id(&db).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let cpu_before_burst: Vec<Duration> = servers.iter().map(|s| usage(s.pid()).1).collect();
    let client_cpu_one = usage(std::process::id()).1.saturating_sub(client_cpu_connected);
    let server_cpu_one: Duration = cpu_before_burst.iter().zip(&connected).map(|(a, b)| a.saturating_sub(b.1)).sum();

    // 2. A burst.
    let t_burst = Instant::now();
    if options.burst_days > 0 {
        let at = clock.now() + chrono::Duration::days(options.burst_days);
        graphql(&http, &servers[0].url, Some(&admin), scan, serde_json::json!({ "at": at })).await?;
    }
    let end_burst = max_event_id(&db).await?;
    // The expected deliveries per user, by the store's scope SQL.
    let kinds = api::domain::events::ALERT_EVENTS;
    let mut expected: HashMap<i64, Vec<i64>> = HashMap::new();
    for (user_id, _, scope) in &tokens {
        let rows = api::store::events::after(&db, scope, kinds, start_one, 1_000_000).await?;
        expected.insert(*user_id, rows.into_iter().map(|r| r.id).filter(|id| *id <= end_burst).collect());
    }
    let total_expected: usize = (0..options.subscribers).map(|i| expected[&tokens[i % tokens.len()].0].len()).sum();
    // Wait until every client has its share (or a minute passes), then a
    // moment more for anything that should not come.
    let deadline = Instant::now() + Duration::from_secs(60);
    while delivered_count.load(Ordering::SeqCst) < total_expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_burst: Vec<(u64, Duration)> = servers.iter().map(|s| usage(s.pid())).collect();
    // Memory that comes back: the same sockets, a minute after the burst.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let minute_later: u64 = servers.iter().map(|s| usage(s.pid()).0).sum();
    stop.cancel();
    let mut lat_one = Vec::new();
    let mut lat_burst = Vec::new();
    let (mut lost, mut duplicated, mut out_of_scope, mut unordered, mut ended, mut failed, mut resumed) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut delivered = 0usize;
    let mut last_delivery = t_burst;
    for c in clients {
        let (user_id, result) = c.await.map_err(AppError::internal)?;
        let Ok(seen) = result else {
            failed += 1;
            continue;
        };
        if seen.ended.is_some() {
            ended += 1;
        }
        resumed += seen.resumed;
        let want = &expected[&user_id];
        let got: Vec<i64> = seen.events.iter().map(|(id, _)| *id).collect();
        let want_set: std::collections::HashSet<i64> = want.iter().copied().collect();
        let got_set: std::collections::HashSet<i64> = got.iter().copied().collect();
        lost += want_set.difference(&got_set).count();
        out_of_scope += got_set.difference(&want_set).count();
        duplicated += got.len() - got_set.len();
        unordered += got.windows(2).filter(|w| w[0] >= w[1]).count();
        delivered += got.len();
        for (id, when) in seen.events {
            if id <= end_one {
                lat_one.push(when.saturating_duration_since(t_one));
            } else {
                lat_burst.push(when.saturating_duration_since(t_burst));
                last_delivery = last_delivery.max(when);
            }
        }
    }
    lat_one.sort_unstable();
    lat_burst.sort_unstable();
    let backend = if db.get_database_backend() == DbBackend::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let mib = |v: u64| v as f64 / 1024.0;
    let rss_idle: u64 = idle.iter().map(|u| u.0).sum();
    let rss_connected: u64 = connected.iter().map(|u| u.0).sum();
    let rss_burst: u64 = after_burst.iter().map(|u| u.0).sum();
    let cpu_burst: Duration = after_burst.iter().zip(&cpu_before_burst).map(|(a, b)| a.1.saturating_sub(*b)).sum();
    let burst_deliveries = lat_burst.len();
    println!();
    println!(
        "| {backend}, {} subscribers on {} process(es), {} logins | value |",
        options.subscribers,
        servers.len(),
        tokens.len()
    );
    println!("|---|---|");
    println!(
        "| one alert ({} event(s)): deliveries, p50 / p99 / max from the scan's request (whose answer came after {:.0} ms) | {} · {:.0} / {:.0} / {:.0} ms |",
        end_one - start_one,
        scan_answered.as_secs_f64() * 1000.0,
        lat_one.len(),
        percentile(&lat_one, 0.5),
        percentile(&lat_one, 0.99),
        percentile(&lat_one, 1.0)
    );
    println!(
        "| one alert: CPU of the server(s) / of this benchmark's clients (same 2 cores) | {:.0} ms / {:.0} ms |",
        server_cpu_one.as_secs_f64() * 1000.0,
        client_cpu_one.as_secs_f64() * 1000.0
    );
    println!(
        "| burst ({} events): deliveries, last one after, p50 / p99 | {} · {:.2} s · {:.0} / {:.0} ms |",
        end_burst - end_one,
        burst_deliveries,
        last_delivery.saturating_duration_since(t_burst).as_secs_f64(),
        percentile(&lat_burst, 0.5),
        percentile(&lat_burst, 0.99)
    );
    println!(
        "| expected / delivered / lost / duplicated / out of scope / out of order | {total_expected} / {delivered} / {lost} / {duplicated} / {out_of_scope} / {unordered} |"
    );
    println!(
        "| subscriptions ended / clients failed / told to resume (SLOW_CONSUMER, resumed with `after`) | {ended} / {failed} / {resumed} |"
    );
    println!(
        "| server RSS idle → {} sockets → after the burst → a minute later | {:.0} → {:.0} → {:.0} → {:.0} MiB ({:+.0} % of the connected level) |",
        options.subscribers,
        mib(rss_idle),
        mib(rss_connected),
        mib(rss_burst),
        mib(minute_later),
        (minute_later as f64 / rss_connected.max(1) as f64 - 1.0) * 100.0
    );
    println!(
        "| login burst ({} logins at once, {:.1} s): server RSS before → after → a minute later | {:.0} → {:.0} → {:.0} MiB ({:+.0} % of before) |",
        tokens.len(),
        logins_took.as_secs_f64(),
        mib(before_logins),
        mib(after_logins),
        mib(logins_minute_later),
        (logins_minute_later as f64 / before_logins.max(1) as f64 - 1.0) * 100.0
    );
    println!(
        "| RSS per idle subscribed socket | {:.1} KiB |",
        rss_connected.saturating_sub(rss_idle) as f64 / options.subscribers.max(1) as f64
    );
    println!(
        "| server CPU for the burst, per delivery | {:.2} s · {:.1} µs |",
        cpu_burst.as_secs_f64(),
        cpu_burst.as_secs_f64() * 1e6 / burst_deliveries.max(1) as f64
    );
    Ok(())
}
