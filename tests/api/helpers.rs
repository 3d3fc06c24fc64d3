//! Spawning the app and speaking GraphQL to it.

use api::clock::SettableClock;
use api::config::Config;
use chrono::{DateTime, Utc};
use entity::*;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Set};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "demo-password";

/// 09:00 on Monday 23 November 2026 in Shanghai.
pub fn t0() -> DateTime<Utc> {
    "2026-11-23T01:00:00Z".parse().unwrap()
}

/// Drops the per-test PostgreSQL database when the test ends, pass or fail.
pub struct DbGuard {
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        let Some(admin) = self.admin_url.clone() else { return };
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(db) = Database::connect(admin).await {
                    let _ = db
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database URL for one test.
pub async fn fresh_database() -> (String, DbGuard) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("sp_test_{}_{}_{}", std::process::id(), n, rand_suffix());
    match std::env::var("SALESPULSE_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(admin) => {
            let db = Database::connect(admin.clone())
                .await
                .expect("connect to SALESPULSE_TEST_DATABASE_URL");
            db.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
            let (base, _) = admin.rsplit_once('/').expect("a postgres URL with a database name");
            (
                format!("{base}/{name}"),
                DbGuard {
                    admin_url: Some(admin),
                    name,
                    _dir: None,
                },
            )
        }
        None => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (
                url,
                DbGuard {
                    admin_url: None,
                    name,
                    _dir: Some(dir),
                },
            )
        }
    }
}

fn rand_suffix() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    t.subsec_nanos() % 100_000
}

/// The ids of the small test organisation.
pub mod org {
    pub const CEO: i64 = 1;
    pub const SECRETARY: i64 = 2;
    pub const ADMIN: i64 = 3;
    pub const D1: i64 = 11;
    pub const D2: i64 = 12;
    pub const A1: i64 = 101;
    pub const A2: i64 = 102;
    pub const A3: i64 = 103;
    pub const T1: i64 = 1;
    pub const T2: i64 = 2;
}

pub struct TestApp {
    pub base: String,
    pub ws_url: String,
    pub client: reqwest::Client,
    pub clock: SettableClock,
    pub db: DatabaseConnection,
    pub state: Arc<api::state::AppState>,
    _guard: DbGuard,
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| api::auth::password::hash(PASSWORD).unwrap())
}

/// Starts the app on an empty database, with the test organisation:
/// track 1 (molding integrated: director d1, account managers a1 and a2),
/// track 2 (commodity mold: director d2, account manager a3), and the CEO,
/// the secretary and the admin.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let app = spawn_bare(tweak).await;
    seed_org(&app.db).await;
    app
}

/// Starts the app on an empty database without any user.
pub async fn spawn_bare(tweak: impl FnOnce(&mut Config)) -> TestApp {
    spawn_inner(tweak, None).await
}

/// Starts the app with the test organisation, counting every SQL statement
/// the server sends into `statements`.
pub async fn spawn_app_counting(statements: Arc<std::sync::atomic::AtomicUsize>) -> TestApp {
    let app = spawn_inner(|_| {}, Some(statements)).await;
    seed_org(&app.db).await;
    app
}

async fn spawn_inner(tweak: impl FnOnce(&mut Config), statements: Option<Arc<std::sync::atomic::AtomicUsize>>) -> TestApp {
    let (url, guard) = fresh_database().await;
    let mut config = Config {
        database_url: url,
        bind: "127.0.0.1:0".parse().unwrap(),
        jwt_secret: Some(TEST_SECRET.to_owned()),
        seed_demo: false,
        scheduler: false,
        db_max_connections: 5,
        // Tests move the clock by days; a token lives as long as a login.
        token_ttl_minutes: 60 * 24 * 30,
        ..Config::default()
    };
    tweak(&mut config);
    let clock = SettableClock::new(t0());
    let mut db = api::store::connect(&config).await.expect("database connects");
    if let Some(counter) = statements {
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
    }
    let app = api::App::build_on(config, Arc::new(clock.clone()), db).await.expect("app builds");
    let addr = app.address();
    let state = app.state();
    let db = state.db.clone();
    tokio::spawn(app.serve());
    TestApp {
        base: format!("http://{addr}"),
        ws_url: format!("ws://{addr}/graphql"),
        client: reqwest::Client::new(),
        clock,
        db,
        state,
        _guard: guard,
    }
}

async fn seed_org(db: &DatabaseConnection) {
    use org::*;
    let person = |id: i64, email: &str, role: Role| user::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        name: Set(email.split('@').next().unwrap().to_owned()),
        password_hash: Set(password_hash().to_owned()),
        role: Set(role),
        active: Set(true),
        tokens_revoked_at: Set(None),
        token_generation: Set(0),
        must_change_password: Set(false),
        created_at: Set(t0()),
    };
    user::Entity::insert_many([
        person(CEO, "ceo@test.local", Role::Ceo),
        person(SECRETARY, "secretary@test.local", Role::Secretary),
        person(ADMIN, "admin@test.local", Role::Admin),
        person(D1, "d1@test.local", Role::TrackDirector),
        person(D2, "d2@test.local", Role::TrackDirector),
        person(A1, "a1@test.local", Role::AccountManager),
        person(A2, "a2@test.local", Role::AccountManager),
        person(A3, "a3@test.local", Role::AccountManager),
    ])
    .exec(db)
    .await
    .unwrap();
    track::Entity::insert_many([
        track::ActiveModel {
            id: Set(T1),
            name: Set("消费电子I".into()),
            business_line: Set(BusinessLine::MoldingIntegrated),
        },
        track::ActiveModel {
            id: Set(T2),
            name: Set("医疗器械".into()),
            business_line: Set(BusinessLine::CommodityMold),
        },
    ])
    .exec(db)
    .await
    .unwrap();
    track_director::Entity::insert_many([
        track_director::ActiveModel {
            track_id: Set(T1),
            user_id: Set(D1),
        },
        track_director::ActiveModel {
            track_id: Set(T2),
            user_id: Set(D2),
        },
    ])
    .exec(db)
    .await
    .unwrap();
    track_member::Entity::insert_many([
        track_member::ActiveModel {
            user_id: Set(A1),
            track_id: Set(T1),
        },
        track_member::ActiveModel {
            user_id: Set(A2),
            track_id: Set(T1),
        },
        track_member::ActiveModel {
            user_id: Set(A3),
            track_id: Set(T2),
        },
    ])
    .exec(db)
    .await
    .unwrap();
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for table in ["user", "track"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            ))
            .await
            .unwrap();
        }
    }
}

/// A GraphQL answer.
#[derive(Debug)]
pub struct Gql(pub Value);

impl Gql {
    pub fn data(&self) -> &Value {
        assert!(self.0.get("errors").is_none(), "unexpected errors: {}", self.0);
        &self.0["data"]
    }
    /// The `extensions.code` of the first error.
    pub fn code(&self) -> &str {
        self.0["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.0))
    }
    /// The fields of a VALIDATION error.
    pub fn fields(&self) -> Vec<String> {
        assert_eq!(self.code(), "VALIDATION", "{}", self.0);
        self.0["errors"][0]["extensions"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        self.post_in(None, token, query, variables).await
    }

    /// Like [`TestApp::post`], with an `Accept-Language` header.
    pub async fn post_in(&self, language: Option<&str>, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(l) = language {
            req = req.header("accept-language", l);
        }
        let resp = req.send().await.unwrap();
        Gql(resp.json().await.unwrap())
    }

    /// A GraphQL multipart request (the spec's `operations`, `map` and one
    /// part per file) as a browser's form sends it: each `(variable, file
    /// name, bytes)` fills the variable of that name. Returns the status and
    /// the body (JSON, or the text when it is not JSON).
    pub async fn post_files(
        &self,
        token: Option<&str>,
        query: &str,
        mut variables: Value,
        files: &[(&str, &str, &[u8])],
    ) -> (reqwest::StatusCode, Value) {
        let boundary = "----salespulse-test-boundary";
        let mut map = serde_json::Map::new();
        for (i, (var, _, _)) in files.iter().enumerate() {
            variables[*var] = Value::Null;
            map.insert(i.to_string(), json!([format!("variables.{var}")]));
        }
        let operations = json!({ "query": query, "variables": variables });
        let mut body = Vec::new();
        for (name, value) in [("operations", operations.to_string()), ("map", Value::Object(map).to_string())] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for (i, (_, file_name, bytes)) in files.iter().enumerate() {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{i}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn login(&self, email: &str) -> String {
        let r = self
            .post(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": PASSWORD }),
            )
            .await;
        r.data()["login"]["token"].as_str().unwrap().to_owned()
    }

    /// Creates an opportunity as `token` and returns its id.
    pub async fn create_opportunity(&self, token: &str, input: Value) -> String {
        let r = self
            .post(
                Some(token),
                "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }",
                json!({ "i": input }),
            )
            .await;
        r.data()["createOpportunity"]["id"].as_str().unwrap().to_owned()
    }

    /// A plain quotation-stage deal for the viewer (an account manager).
    pub async fn quick_deal(&self, token: &str, name: &str) -> String {
        self.create_opportunity(token, json!({ "name": name, "customerName": format!("{name} 客户"), "kind": "MOLD_DEVELOPMENT", "amount": "100000", "stage": "QUOTATION" }))
            .await
    }

    pub async fn version_of(&self, token: &str, id: &str) -> i64 {
        let r = self
            .post(
                Some(token),
                "query($id: ID!) { opportunity(id: $id) { version } }",
                json!({ "id": id }),
            )
            .await;
        r.data()["opportunity"]["version"].as_i64().unwrap()
    }

    pub async fn count_rows(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM \"{table}\""),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// The newest event's id (0 before any).
    pub async fn max_event_id(&self) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                "SELECT COALESCE(MAX(id), 0) AS m FROM event",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "m").unwrap()
    }
}

/// An opportunity written straight into the database, dated as a test needs.
#[derive(Clone)]
pub struct DealSpec {
    pub owner: i64,
    pub track: i64,
    pub stage: Stage,
    pub status: OpportunityStatus,
    pub last_activity_at: DateTime<Utc>,
    pub stage_entered_at: DateTime<Utc>,
    pub secured_at: Option<DateTime<Utc>>,
    pub mold_number: Option<String>,
    pub restart_date: Option<chrono::NaiveDate>,
    pub expected_order_month: Option<chrono::NaiveDate>,
}

impl DealSpec {
    pub fn new(owner: i64, track: i64) -> Self {
        Self {
            owner,
            track,
            stage: Stage::Quotation,
            status: OpportunityStatus::Active,
            last_activity_at: t0(),
            stage_entered_at: t0(),
            secured_at: None,
            mold_number: None,
            restart_date: None,
            expected_order_month: None,
        }
    }
}

/// The first instant of a Shanghai calendar date.
pub fn sh(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    api::domain::calendar::start_of_day(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(), chrono_tz::Asia::Shanghai)
}

impl TestApp {
    pub async fn insert_deal(&self, d: DealSpec) -> i64 {
        use sea_orm::ActiveModelTrait;
        let line = if d.track == org::T1 {
            BusinessLine::MoldingIntegrated
        } else {
            BusinessLine::CommodityMold
        };
        let customer = customer::ActiveModel {
            name: Set(format!("customer-{}", COUNTER.fetch_add(1, Ordering::SeqCst))),
            created_at: Set(t0()),
            ..Default::default()
        };
        let customer = customer.insert(&self.db).await.unwrap();
        let precise = d.stage >= Stage::HPotential;
        let row = opportunity::ActiveModel {
            name: Set("seeded".into()),
            customer_id: Set(customer.id),
            track_id: Set(d.track),
            owner_id: Set(d.owner),
            business_line: Set(line),
            kind: Set(OpportunityKind::Other),
            amount_cents: Set(10_000_000),
            stage: Set(d.stage),
            stage_entered_at: Set(d.stage_entered_at),
            status: Set(d.status),
            last_activity_at: Set(d.last_activity_at),
            secured_at: Set(d.secured_at),
            mold_number: Set(d.mold_number),
            shelve_reason: Set(d.restart_date.map(|_| ShelveReason::OurNoCapacity)),
            shelve_reason_text: Set(None),
            restart_date: Set(d.restart_date),
            loss_reason: Set(None),
            expected_order_month: Set(d.expected_order_month),
            forecast_amount_cents: Set(d.expected_order_month.map(|_| 10_000_000)),
            precision_order_date: Set(precise.then(|| chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())),
            precision_amount_cents: Set(precise.then_some(10_000_000)),
            version: Set(1),
            created_at: Set(d.stage_entered_at.min(d.last_activity_at)),
            updated_at: Set(t0()),
            ..Default::default()
        };
        row.insert(&self.db).await.unwrap().id
    }

    /// A deal of `owner` without a follow-up since 1 October, scanned at
    /// [`t0`]: it carries one open `NO_FOLLOW_UP` alert. Returns the deal's id.
    pub async fn deal_with_alert(&self, owner: i64, track: i64) -> i64 {
        let id = self
            .insert_deal(DealSpec {
                last_activity_at: sh(2026, 10, 1),
                ..DealSpec::new(owner, track)
            })
            .await;
        self.scan(t0()).await;
        id
    }

    /// Runs the scan as the admin as of `as_of`; returns the report.
    pub async fn scan(&self, as_of: DateTime<Utc>) -> Value {
        let admin = self.login("admin@test.local").await;
        let r = self
            .post(
                Some(&admin),
                "mutation($at: DateTime) { runScan(asOf: $at) { asOf overdue reviewOverdue rules { rule raised alreadyOpen } } }",
                json!({ "at": as_of }),
            )
            .await;
        r.data()["runScan"].clone()
    }

    /// (opportunity id, rule) of every alert, as the admin sees them.
    pub async fn alert_pairs(&self) -> Vec<(i64, String, String)> {
        let admin = self.login("admin@test.local").await;
        let r = self
            .post(
                Some(&admin),
                "{ alerts(first: 100) { nodes { id opportunityId rule status } } }",
                json!({}),
            )
            .await;
        let mut out: Vec<(i64, String, String)> = r.data()["alerts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["opportunityId"].as_str().unwrap().parse().unwrap(),
                    n["rule"].as_str().unwrap().to_owned(),
                    n["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }
}

/// The number raised for `rule` in a scan report.
pub fn raised(report: &Value, rule: &str) -> i64 {
    report["rules"].as_array().unwrap().iter().find(|r| r["rule"] == rule).unwrap()["raised"]
        .as_i64()
        .unwrap()
}
