//! The attack pass replayed: every request below once crashed the server,
//! ran for seconds, grew its memory, raced, or answered `INTERNAL`. Each
//! must now be refused cleanly (or hold), with the server still serving.

use crate::helpers::*;
use crate::websocket::{Got, closed_with, connect, next, next_json, open, open_url, send};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs `query` accepting graphql-response+json: (status, body bytes, JSON).
async fn raw_post(app: &TestApp, token: Option<&str>, body: Value) -> (u16, usize, Value) {
    let mut req = app.client.post(app.url("/graphql")).header("accept", GRAPHQL_RESPONSE).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (status, bytes.len(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

async fn still_serving(app: &TestApp) {
    let token = app.login("a1@test.local").await;
    let r = app.post(Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(r.data()["me"]["email"], "a1@test.local");
}

/// Refused before execution: 400, the limit's code, a small answer, fast.
async fn refused(app: &TestApp, token: Option<&str>, query: String, variables: Value, limit: &str) {
    // How fast is measured in release (README), not asserted here.
    let (status, size, v) = raw_post(app, token, json!({ "query": query, "variables": variables })).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(code(&v), "QUERY_LIMIT", "{v}");
    assert_eq!(v["errors"][0]["extensions"]["limit"], limit, "{v}");
    assert!(v.get("data").is_none(), "{v}");
    assert!(size < 2048, "answer of {size} bytes");
}

#[tokio::test]
async fn a_literal_nested_ten_thousand_deep_is_refused_over_post_get_and_websocket() {
    let app = spawn_app().await;
    let deep = format!("{{ opportunity(id: {}1{}) {{ id }} }}", "[".repeat(10_000), "]".repeat(10_000));
    refused(&app, None, deep.clone(), json!({}), "nesting").await;

    let resp = app
        .client
        .get(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .query(&[("query", deep.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), "QUERY_LIMIT");

    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let sub = format!(
        "subscription {{ alertEvents(after: {}\"0\"{}) {{ id }} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    send(&mut ws, json!({ "id": "x", "type": "subscribe", "payload": { "query": sub } })).await;
    let m = next_json(&mut ws).await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "QUERY_LIMIT");
    // The socket and the server go on.
    send(
        &mut ws,
        json!({ "id": "y", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    assert_eq!(next_json(&mut ws).await["payload"]["data"]["me"]["email"], "a1@test.local");
    still_serving(&app).await;
}

#[tokio::test]
async fn a_fragment_fan_out_is_counted_not_run() {
    let app = spawn_app().await;
    let mut doc = String::from("query { ...F0 }\n");
    for i in 0..22 {
        doc.push_str(&format!("fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}\n", n = i + 1));
    }
    doc.push_str("fragment F22 on QueryRoot { __typename }\n");
    assert!(doc.len() < 1_000);
    refused(&app, None, doc, json!({}), "fields").await;
    still_serving(&app).await;
}

#[tokio::test]
async fn aliases_operations_variables_and_tokens_are_bounded() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    // 1,000 aliases of a COUNT.
    let counts: String = (0..1_000).map(|i| format!("c{i}: opportunities {{ totalCount }} ")).collect();
    refused(&app, Some(&a1), format!("{{ {counts} }}"), json!({}), "tokens").await;
    let counts: String = (0..31).map(|i| format!("c{i}: opportunities {{ totalCount }} ")).collect();
    refused(&app, Some(&a1), format!("{{ {counts} }}"), json!({}), "aliases").await;
    // Operations.
    let ops: String = (0..5_000).map(|i| format!("query q{i} {{ me {{ id }} }} ")).collect();
    refused(&app, Some(&a1), ops, json!({}), "tokens").await;
    let ops: String = (0..21).map(|i| format!("query q{i} {{ me {{ id }} }} ")).collect();
    refused(&app, Some(&a1), ops, json!({}), "operations").await;
    // Unused variables.
    let vars: Vec<String> = (0..51).map(|i| format!("$v{i}: Int")).collect();
    refused(
        &app,
        Some(&a1),
        format!("query({}) {{ me {{ id }} }}", vars.join(", ")),
        json!({}),
        "variables",
    )
    .await;
    let sent: serde_json::Map<String, Value> = (0..51).map(|i| (format!("v{i}"), json!(1))).collect();
    refused(&app, Some(&a1), "{ me { id } }".to_owned(), Value::Object(sent), "variables").await;
    // A document within every limit still runs.
    let fine: String = (0..30)
        .map(|i| format!("c{i}: opportunities(first: 1) {{ totalCount }} "))
        .collect();
    let r = app.post(Some(&a1), &format!("{{ {fine} }}"), json!({})).await;
    assert_eq!(r.data()["c29"]["totalCount"], 0);
    // A heavy list nested in a list is refused by its counted cost.
    let heavy =
        "{ opportunities(first: 100) { nodes { activities(first: 200) { nodes { note actor { email } } } history { nodes { to } } } } }";
    let (status, _, v) = raw_post(&app, Some(&a1), json!({ "query": heavy })).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(code(&v), "QUERY_LIMIT", "{v}");
    still_serving(&app).await;
}

#[tokio::test]
async fn graphiql_introspection_passes_the_limits() {
    let app = spawn_app().await;
    // The introspection query GraphiQL sends (the standard one, with descriptions and deprecations).
    let q = include_str!("introspection/graphiql.graphql");
    let r = app.post(None, q, json!({})).await;
    assert!(r.0["data"]["__schema"]["types"].as_array().is_some_and(|t| t.len() > 20), "{}", r.0);
}

#[tokio::test]
async fn errors_are_capped_and_every_error_has_a_code() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    // 30 aliased bad fields: 30 validation errors, 20 answered.
    let bad: String = (0..30).map(|i| format!("b{i}: nope{i} ")).collect();
    let (status, size, v) = raw_post(&app, Some(&a1), json!({ "query": format!("{{ {bad} }}") })).await;
    assert_eq!(status, 400);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 20, "{v}");
    assert!(errors.iter().all(|e| e["extensions"]["code"].is_string()), "{v}");
    assert!(errors[19]["message"].as_str().unwrap().contains("11 more"), "{v}");
    assert!(size < 8192);
}

#[tokio::test]
async fn two_logins_in_one_document_are_refused() {
    let app = spawn_app().await;
    let q = r#"mutation { a: login(email: "a1@test.local", password: "x") { token } b: login(email: "a1@test.local", password: "y") { token } }"#;
    refused(&app, None, q.to_owned(), json!({}), "logins").await;
}

async fn try_login(app: &TestApp, email: &str, password: &str) -> Gql {
    app.post(
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    )
    .await
}

#[tokio::test]
async fn failed_logins_back_off_then_lock_and_the_lock_ends() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(try_login(&app, "a1@test.local", "wrong").await.code(), "UNAUTHENTICATED");
    }
    // The sixth right away must wait a second, even with the right password.
    let r = try_login(&app, "a1@test.local", PASSWORD).await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.0);
    assert_eq!(r.0["errors"][0]["extensions"]["retryAfterSeconds"], 1);
    // Another account from the same client is not slowed down.
    assert!(try_login(&app, "a2@test.local", PASSWORD).await.0["data"]["login"]["token"].is_string());
    // Keep guessing, waiting out each backoff: the tenth failure locks for 15 minutes.
    for _ in 5..10 {
        let wait = loop {
            let r = try_login(&app, "a1@test.local", "wrong").await;
            match r.code() {
                "RATE_LIMITED" => app.clock.advance(chrono::Duration::seconds(
                    r.0["errors"][0]["extensions"]["retryAfterSeconds"].as_i64().unwrap(),
                )),
                other => break other.to_owned(),
            }
        };
        assert_eq!(wait, "UNAUTHENTICATED");
    }
    let r = try_login(&app, "a1@test.local", PASSWORD).await;
    assert_eq!(r.code(), "RATE_LIMITED");
    assert_eq!(r.0["errors"][0]["extensions"]["retryAfterSeconds"], 900);
    app.clock.advance(chrono::Duration::minutes(15));
    assert!(try_login(&app, "a1@test.local", PASSWORD).await.0["data"]["login"]["token"].is_string());
}

#[tokio::test]
async fn a_user_reactivated_and_logged_in_within_the_same_second_is_let_in() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let set = "mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { active } }";
    let old = app.login("a1@test.local").await;
    app.post(Some(&admin), set, json!({ "id": org::A1.to_string(), "a": false }))
        .await
        .data();
    app.post(Some(&admin), set, json!({ "id": org::A1.to_string(), "a": true }))
        .await
        .data();
    // The clock has not moved: the same second as the deactivation.
    let new = app.login("a1@test.local").await;
    assert_eq!(
        app.post(Some(&new), "{ me { email } }", json!({})).await.data()["me"]["email"],
        "a1@test.local"
    );
    assert_eq!(app.post(Some(&old), "{ me { email } }", json!({})).await.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn deactivation_closes_the_users_open_sockets_with_4403() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let a1 = app.login("a1@test.local").await;
    let a2 = app.login("a2@test.local").await;
    let mut mine = open(&app, &a1).await;
    let mut other = open(&app, &a2).await;
    let started = Instant::now();
    deactivate_a1(&app, &admin).await;
    assert_eq!(closed_with(&mut mine).await, 4403);
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    // Somebody else's socket stays.
    send(
        &mut other,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    assert_eq!(next_json(&mut other).await["payload"]["data"]["me"]["email"], "a2@test.local");
}

async fn deactivate_a1(app: &TestApp, admin: &str) {
    app.post(
        Some(admin),
        "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }",
        json!({ "id": org::A1.to_string() }),
    )
    .await
    .data();
}

#[tokio::test]
#[cfg_attr(not(salespulse_pg), ignore = "PostgreSQL only: SQLite runs as one node")]
async fn deactivation_closes_the_users_sockets_on_another_process_too() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let a1 = app.login("a1@test.local").await;
    // A second server process on the same database.
    let mut config = app.state.config.clone();
    config.bind = "127.0.0.1:0".parse().unwrap();
    let second = api::App::build(config, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let url = format!("ws://{}/graphql", second.address());
    let http = format!("http://{}/graphql", second.address());
    tokio::spawn(second.serve());
    // The second process has verified a1 (its viewer cache is warm).
    let me = json!({ "query": "{ me { email } }" });
    let ask = || app.client.post(&http).bearer_auth(&a1).json(&me).send();
    let r: serde_json::Value = ask().await.unwrap().json().await.unwrap();
    assert_eq!(r["data"]["me"]["email"], "a1@test.local");
    let mut remote = open_url(&url, &a1).await;
    deactivate_a1(&app, &admin).await;
    assert_eq!(closed_with(&mut remote).await, 4403);
    // The socket closing shows the notification arrived; the cache forgot him too.
    let r: serde_json::Value = ask().await.unwrap().json().await.unwrap();
    assert_eq!(r["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{r}");
}

#[tokio::test]
async fn a_user_holds_at_most_the_configured_number_of_sockets() {
    let app = spawn_app_with(|c| c.max_sockets_per_user = 2).await;
    let a1 = app.login("a1@test.local").await;
    let _one = open(&app, &a1).await;
    let mut two = open(&app, &a1).await;
    let mut three = connect(&app).await;
    send(
        &mut three,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {a1}") } }),
    )
    .await;
    assert_eq!(closed_with(&mut three).await, 4429);
    // Closing one frees its place.
    two.close(None).await.unwrap();
    // Wait for the server to count the closed socket out, not for a fixed time.
    let freed = async {
        while app.state.sockets_per_user.of(org::A1) >= 2 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), freed)
        .await
        .expect("the closed socket is counted out");
    let _again = open(&app, &a1).await;
}

/// An alert of a1's, resolved, ready for review.
async fn resolved_alert(app: &TestApp) -> String {
    use org::*;
    app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let r = app.post(Some(&a1), "{ alerts { nodes { id } } }", json!({})).await;
    let id = r.data()["alerts"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let q = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { status } }";
    app.post(Some(&a1), q, json!({ "id": id })).await.data();
    id
}

/// Fires `n` identical calls at once; returns (successes, codes of the failures).
async fn race(app: &TestApp, token: &str, n: usize, query: &str, vars: Value) -> (usize, Vec<String>) {
    let calls = (0..n).map(|_| {
        let (client, url, body, token) = (
            app.client.clone(),
            app.url("/graphql"),
            json!({ "query": query, "variables": vars }),
            token.to_owned(),
        );
        tokio::spawn(async move {
            let v: Value = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        })
    });
    let results: Vec<Value> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let ok = results.iter().filter(|v| v.get("errors").is_none()).count();
    let codes = results
        .iter()
        .filter_map(|v| v["errors"][0]["extensions"]["code"].as_str().map(str::to_owned))
        .collect();
    (ok, codes)
}

async fn events_of_kind(app: &TestApp, kind: &str) -> i64 {
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &app.db,
        sea_orm::Statement::from_sql_and_values(
            sea_orm::ConnectionTrait::get_database_backend(&app.db),
            match sea_orm::ConnectionTrait::get_database_backend(&app.db) {
                sea_orm::DbBackend::Postgres => "SELECT COUNT(*) AS n FROM event WHERE kind = $1",
                _ => "SELECT COUNT(*) AS n FROM event WHERE kind = ?",
            },
            [kind.into()],
        ),
    )
    .await
    .unwrap()
    .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn fifty_concurrent_reviews_or_raises_of_one_alert_make_one_change_and_one_event() {
    let app = spawn_app().await;
    let id = resolved_alert(&app).await;
    let d1 = app.login("d1@test.local").await;
    let review = "mutation($id: ID!) { reviewAlert(id: $id, input: { action: ACKNOWLEDGE, comment: \"ok\" }) { status } }";
    let (ok, codes) = race(&app, &d1, 50, review, json!({ "id": id })).await;
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT" || c == "VALIDATION"), "{codes:?}");
    assert_eq!(events_of_kind(&app, "ALERT_REVIEWED").await, 1);
    let raise = "mutation($id: ID!) { raiseAlertToCeo(id: $id, comment: \"help\") { raisedToCeoAt } }";
    let (ok, codes) = race(&app, &d1, 50, raise, json!({ "id": id })).await;
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT" || c == "VALIDATION"), "{codes:?}");
    assert_eq!(events_of_kind(&app, "ALERT_RAISED_TO_CEO").await, 1);
}

#[tokio::test]
async fn fifty_concurrent_resolutions_and_stage_moves_have_one_winner() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let r = app.post(Some(&a1), "{ alerts { nodes { id opportunityId } } }", json!({})).await;
    let id = r.data()["alerts"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let resolve = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { status } }";
    let (ok, codes) = race(&app, &a1, 50, resolve, json!({ "id": id })).await;
    assert_eq!(ok, 1, "{codes:?}");
    assert_eq!(events_of_kind(&app, "ALERT_RESOLVED").await, 1);

    let deal = app.quick_deal(&a1, "raced").await;
    let move_stage = "mutation($id: ID!) { moveOpportunityStage(id: $id, version: 1, stage: DEEP_NEGOTIATION) { version } }";
    let (ok, codes) = race(&app, &a1, 50, move_stage, json!({ "id": deal })).await;
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    let shelve = "mutation($id: ID!) { shelveOpportunity(id: $id, version: 2, input: { reason: OUR_NO_CAPACITY, restartDate: \"2027-03-01\" }) { version } }";
    let (ok, codes) = race(&app, &a1, 50, shelve, json!({ "id": deal })).await;
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
}

#[tokio::test]
async fn thirty_concurrent_creations_naming_one_new_customer_all_succeed() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let create = "mutation { createOpportunity(input: { name: \"n\", customerName: \"同一个新客户\", kind: OTHER, amount: \"1.0\" }) { customer { id } } }";
    let (ok, codes) = race(&app, &a1, 30, create, json!({})).await;
    assert_eq!(ok, 30, "{codes:?}");
    assert_eq!(app.count_rows("customer").await, 1);
}

#[tokio::test]
async fn hostile_text_and_dates_are_validation_errors_not_internal() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let admin = app.login("admin@test.local").await;
    let r = try_login(&app, "a1\u{0}@test.local", "x").await;
    assert_eq!(r.fields(), ["email"]);
    let r = app
        .post(
            Some(&a1),
            "query($s: String!) { customers(search: $s) { name } }",
            json!({ "s": "x".repeat(50_000) }),
        )
        .await;
    assert_eq!(r.fields(), ["search"]);
    let r = app
        .post(
            Some(&a1),
            "query($s: String!) { customers(search: $s) { name } }",
            json!({ "s": "a\u{0}b" }),
        )
        .await;
    assert_eq!(r.fields(), ["search"]);
    let r = app
        .post(
            Some(&a1),
            "mutation($n: String!) { createOpportunity(input: { name: $n, customerName: \"c\", kind: OTHER, amount: \"1.0\" }) { id } }",
            json!({ "n": "nul\u{0}name" }),
        )
        .await;
    assert_eq!(r.fields(), ["input.name"]);
    // Resolution texts have their limit too.
    let id = {
        use org::*;
        app.deal_with_alert(A1, T1).await;
        let r = app.post(Some(&a1), "{ alerts { nodes { id } } }", json!({})).await;
        r.data()["alerts"]["nodes"][0]["id"].as_str().unwrap().to_owned()
    };
    let q = "mutation($id: ID!, $t: String) { resolveAlert(id: $id, input: { attribution: CUSTOMER_OTHER, attributionText: $t, decision: LOSE, lossReason: $t }) { status } }";
    let mut f = app
        .post(Some(&a1), q, json!({ "id": id, "t": "长".repeat(20 * 1024) }))
        .await
        .fields();
    f.sort();
    assert_eq!(f, ["input.attributionText", "input.lossReason"]);
    // Dates: strict ISO form, years 2000–2100.
    let deal = app.quick_deal(&a1, "dates").await;
    let shelve = "mutation($id: ID!, $d: Date!) { shelveOpportunity(id: $id, version: 1, input: { reason: OUR_NO_CAPACITY, restartDate: $d }) { id } }";
    for bad in ["+10000-01-01", "2026-1-1", "2101-01-01"] {
        let r = app.post(Some(&a1), shelve, json!({ "id": deal, "d": bad })).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{bad}: {}", r.0);
    }
    let r = app
        .post(
            Some(&a1),
            "mutation($id: ID!) { updateOpportunity(id: $id, version: 1, input: { rollingForecast: { expectedOrderMonth: \"0000-01\", amount: \"1.0\" } }) { id } }",
            json!({ "id": deal }),
        )
        .await;
    assert_eq!(r.fields(), ["input.rollingForecast.expectedOrderMonth"]);
    let r = app
        .post(
            Some(&a1),
            "mutation($id: ID!) { logActivity(opportunityId: $id, input: { kind: CALL, note: \"n\", occurredAt: \"0001-01-01T00:00:00Z\" }) { id } }",
            json!({ "id": deal }),
        )
        .await;
    assert_eq!(r.fields(), ["input.occurredAt"]);
    let r = app
        .post(
            Some(&admin),
            "mutation { runScan(asOf: \"2029-01-01T00:00:00Z\") { overdue } }",
            json!({}),
        )
        .await;
    assert_eq!(r.fields(), ["asOf"]);
    still_serving(&app).await;
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_closes_sockets_with_1001() {
    let (url, _guard) = fresh_database().await;
    let config = api::config::Config {
        database_url: url,
        bind: "127.0.0.1:0".parse().unwrap(),
        jwt_secret: Some(TEST_SECRET.to_owned()),
        seed_demo: true,
        scheduler: false,
        ..api::config::Config::default()
    };
    let app = api::App::build(config, std::sync::Arc::new(api::clock::SettableClock::new(t0())))
        .await
        .unwrap();
    let base = format!("http://{}", app.address());
    let ws_url = format!("ws://{}/graphql", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let login = json!({ "query": "mutation { login(email: \"ceo@demo.local\", password: \"demo-password\") { token } }" });
    let v: Value = client
        .post(format!("{base}/graphql"))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = v["data"]["login"]["token"].as_str().unwrap().to_owned();
    let mut ws = open_url(&ws_url, &token).await;
    // A request in flight (a login hashes a password) when the signal comes.
    let in_flight = {
        let (client, url, login) = (client.clone(), format!("{base}/graphql"), login.clone());
        tokio::spawn(async move { client.post(url).json(&login).send().await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    stop.send(()).unwrap();
    match next(&mut ws, 5).await {
        Some(Got::Closed(code)) => assert_eq!(code, 1001),
        other => panic!("expected a 1001 close, got {other:?}"),
    }
    let resp = in_flight.await.unwrap().expect("the in-flight request is answered");
    let v: Value = resp.json().await.unwrap();
    assert!(v["data"]["login"]["token"].is_string(), "{v}");
    tokio::time::timeout(Duration::from_secs(12), server)
        .await
        .expect("serve returns")
        .unwrap()
        .unwrap();
    assert!(client.get(format!("{base}/healthz")).send().await.is_err(), "no longer accepting");
}

#[tokio::test]
async fn half_sent_requests_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut conns = Vec::new();
    for i in 0..100 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        if i % 2 == 0 {
            // Half a request head.
            s.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        } else {
            // A whole head, half a body.
            s.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":")
                .await
                .unwrap();
        }
        conns.push(s);
    }
    for mut s in conns {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "a half-sent request was held open");
    }
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    still_serving(&app).await;
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_one_readable_line() {
    let config = api::config::Config {
        database_url: "postgres://sales:s3cret@127.0.0.1:1/nowhere".to_owned(),
        db_connect_timeout_seconds: 1,
        ..api::config::Config::default()
    };
    let started = Instant::now();
    let Err(err) = api::store::connect(&config).await else {
        panic!("connected to nothing")
    };
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let api::error::AppError::Internal(line) = err else {
        panic!("{err:?}")
    };
    assert!(
        line.starts_with("cannot reach the database at postgres://sales:***@127.0.0.1:1/nowhere: "),
        "{line}"
    );
    assert!(!line.contains("s3cret") && !line.contains('\n'), "{line}");
    assert!(line.contains("check that PostgreSQL runs"), "{line}");
}

#[tokio::test]
async fn idle_subscriptions_cost_no_query_when_an_event_does_not_concern_them() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let statements = Arc::new(AtomicUsize::new(0));
    let app = spawn_app_counting(statements.clone()).await;
    let a1 = app.login("a1@test.local").await;
    let a3 = app.login("a3@test.local").await;
    let admin = app.login("admin@test.local").await;
    app.quick_deal(&a1, "noise").await;
    // A scan that writes events of track 1 only, and what it costs in statements.
    let scan = |days: i64| {
        let (app, admin, statements) = (&app, admin.clone(), statements.clone());
        async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            statements.store(0, Ordering::SeqCst);
            let r = app
                .post(
                    Some(&admin),
                    "mutation($at: DateTime) { runScan(asOf: $at) { overdue rules { raised } } }",
                    json!({ "at": t0() + chrono::Duration::days(days) }),
                )
                .await;
            r.data();
            tokio::time::sleep(Duration::from_millis(500)).await;
            statements.load(Ordering::SeqCst)
        }
    };
    let alone = scan(40).await;
    assert!(events_of_kind(&app, "ALERT_RAISED").await > 0);
    // 200 idle subscriptions of an account manager of track 2.
    let mut sockets = Vec::new();
    for _ in 0..10 {
        let mut ws = open(&app, &a3).await;
        for i in 0..20 {
            send(
                &mut ws,
                json!({ "id": i.to_string(), "type": "subscribe", "payload": { "query": "subscription { alertEvents { id alert { id } } }" } }),
            )
            .await;
        }
        sockets.push(ws);
    }
    let watched = scan(80).await;
    assert!(events_of_kind(&app, "ALERT_OVERDUE").await > 0);
    // The same scan statements, one feed read; 200 re-queries would show.
    assert!(
        watched <= alone + 3,
        "statements alone {alone}, with 200 idle subscriptions {watched}"
    );
    for ws in &mut sockets {
        assert!(
            next(ws, 0).await.is_none_or(|g| !matches!(g, Got::Json(_))),
            "an event outside the scope was sent"
        );
    }
}

#[tokio::test]
async fn direction_overrides_and_zero_width_characters_are_refused_in_names_ids_and_free_text() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let create = "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }";
    let r = app
        .post(
            Some(&a1),
            create,
            json!({ "i": { "name": "报价\u{200B}", "customerName": "华为\u{202E}exe.pdf", "kind": "OTHER", "amount": "1" } }),
        )
        .await;
    assert_eq!(r.fields(), vec!["input.name", "input.customerName"], "{}", r.0);
    assert_eq!(app.count_rows("opportunity").await, 0);
    let admin = app.login("admin@test.local").await;
    let import = "mutation($rows: [ErpRowInput!]!) { importErpBatch(kind: ORDERS, rows: $rows) { inserted } }";
    let row = json!({ "externalId": "SO\u{2066}-1", "date": "2026-11-02", "track": "消费电子I", "accountManager": "a1@test.local", "customer": "=cmd|' /C calc'!A0\u{FEFF}", "amount": "1" });
    let r = app.post(Some(&admin), import, json!({ "rows": [row] })).await;
    assert_eq!(r.fields(), vec!["rows.0.externalId", "rows.0.customer"], "{}", r.0);
    // A file's name is told to every user on erpEvents: what hides or turns text is taken out of it.
    let m = "mutation($f: Upload!) { importErpFile(kind: ORDERS, file: $f) { batchId } }";
    let csv = "externalId,date,track,accountManager,customer,amount\nSO-1,2026-11-02,消费电子I,a1@test.local,x,1\n";
    let (_, v) = app
        .post_files(Some(&admin), m, json!({}), &[("f", "gpj\u{202E}.exe\u{200B}.csv", csv.as_bytes())])
        .await;
    assert!(v["data"]["importErpFile"]["batchId"].is_string(), "{v}");
    let logged = <entity::erp_batch::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged[0].file_name.as_deref(), Some("gpj.exe.csv"));
}

#[tokio::test]
async fn a_websocket_message_over_64_kib_is_closed_with_1009() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let query = format!("subscription {{ alertEvents {{ kind }} }} # {}", "x".repeat(70 * 1024));
    send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } })).await;
    assert_eq!(closed_with(&mut ws).await, 1009);
    still_serving(&app).await;
}
