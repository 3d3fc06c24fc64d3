//! GraphQL over HTTP: media types, status codes, GET, limits, GraphiQL.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const GQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_raw(app: &TestApp, accept: Option<&str>, body: String) -> (StatusCode, String, Value) {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = resp.text().await.unwrap();
    (status, ct, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    let (s, ct, v) = post_raw(&app, Some(&format!("{GQL_RESPONSE}, application/json;q=0.9")), body.clone()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, GQL_RESPONSE));
    assert_eq!(v["data"]["__typename"], "QueryRoot");
    let (s, ct, _) = post_raw(&app, Some("application/json"), body.clone()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/json"));
    let (_, ct, _) = post_raw(&app, None, body.clone()).await;
    assert_eq!(ct, "application/json");
    let (s, _, _) = post_raw(&app, Some("text/html"), body).await;
    assert_eq!(s, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn a_request_that_does_not_parse_or_validate_is_a_4xx_under_graphql_response_json() {
    let app = spawn_app().await;
    for query in ["{ me { ", "{ noSuchField }", "query($x: Int!) { __typename }"] {
        let body = json!({ "query": query }).to_string();
        let (s, ct, v) = post_raw(&app, Some(GQL_RESPONSE), body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(ct, GQL_RESPONSE);
        assert!(v["errors"].as_array().is_some_and(|e| !e.is_empty()));
        // The legacy media type keeps 200, as the GraphQL-over-HTTP spec says.
        let (s, _, _) = post_raw(&app, Some("application/json"), body).await;
        assert_eq!(s, StatusCode::OK, "{query}");
    }
    let (s, _, _) = post_raw(&app, Some(GQL_RESPONSE), "not json".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A field error is not a request error: the status stays 200.
    let (s, _, v) = post_raw(&app, Some(GQL_RESPONSE), json!({ "query": "{ me { email } }" }).to_string()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn queries_run_over_get_but_mutations_are_refused_with_405() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ me { email } }")])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap()["data"]["me"]["email"], "a1@test.local");
    let m = "mutation { login(email: \"a1@test.local\", password: \"demo-password\") { token } }";
    let resp = app.client.get(app.url("/graphql")).query(&[("query", m)]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "POST");
    let named = "query Q { __typename } mutation M { setUserActive(id: \"1\", active: true) { id } }";
    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", named), ("operationName", "M")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", named), ("operationName", "Q")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_256_kib_is_413_and_a_wrong_content_type_415() {
    let app = spawn_app().await;
    let big = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(300 * 1024)) }).to_string();
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ __typename }")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn too_deep_queries_are_refused() {
    let app = spawn_app().await;
    let deep = format!("{{ me {} }}", "{ tracks { directors ".repeat(8) + "{ id }" + &" } }".repeat(8));
    let (s, _, v) = post_raw(&app, Some(GQL_RESPONSE), json!({ "query": deep }).to_string()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{v}"
    );
    let ext = &v["errors"][0]["extensions"];
    assert_eq!(
        (&ext["code"], &ext["limit"], &ext["max"]),
        (&json!("QUERY_LIMIT"), &json!("depth"), &json!(16)),
        "{v}"
    );
}

#[tokio::test]
async fn a_query_costing_more_than_the_limit_is_told_its_limit_like_the_others() {
    let app = spawn_app().await;
    // 100 deals × 100 follow-ups each, and more: far over 10,000.
    let costly = "{ opportunities(first: 100) { nodes { activities(first: 100) { nodes { id note } } } } }";
    let (s, _, v) = post_raw(&app, Some(GQL_RESPONSE), json!({ "query": costly }).to_string()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let ext = &v["errors"][0]["extensions"];
    assert_eq!(
        (&ext["code"], &ext["limit"], &ext["max"]),
        (&json!("QUERY_LIMIT"), &json!("complexity"), &json!(10_000)),
        "{v}"
    );
}

#[tokio::test]
async fn introspection_and_graphiql_can_be_switched_off() {
    let on = spawn_app().await;
    let page = on.client.get(on.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"));
    assert!(html.contains("new URL('/graphql'"), "GraphiQL asks and subscribes over /graphql");
    // Its files come from the public CDN by default; with a directory, from salespulse.
    assert!(html.contains("https://unpkg.com/graphiql@"));
    let dir = std::env::temp_dir().join(format!("giql-http-{}", std::process::id()));
    for f in api::graphiql::files() {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "/* asset */").unwrap();
    }
    let local = spawn_app_with(|c| c.graphiql_assets = api::graphiql::Assets::parse(dir.to_str().unwrap()).unwrap()).await;
    let html = local.client.get(local.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("unpkg") && html.contains("/graphiql-assets/graphiql@"));
    let file = &api::graphiql::files()[2];
    let served = local
        .client
        .get(local.url(&format!("/graphiql-assets/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.text().await.unwrap(), "/* asset */");
    let escape = local.client.get(local.url("/graphiql-assets/../Cargo.toml")).send().await.unwrap();
    assert_eq!(escape.status(), StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(dir).unwrap();
    let (_, _, v) = post_raw(&on, None, json!({ "query": "{ __schema { queryType { name } } }" }).to_string()).await;
    assert_eq!(v["data"]["__schema"]["queryType"]["name"], "QueryRoot");

    let off = spawn_app_with(|c| {
        c.graphiql = false;
        c.introspection = false;
    })
    .await;
    assert_eq!(off.client.get(off.url("/")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let (_, _, v) = post_raw(&off, None, json!({ "query": "{ __schema { queryType { name } } }" }).to_string()).await;
    assert!(v["data"]["__schema"].is_null(), "introspection must answer nothing: {v}");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn internal_errors_carry_no_detail() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    // Break the database under the running server: the client learns nothing of it.
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DROP TABLE activity")
        .await
        .unwrap();
    let r = app
        .post(
            Some(&token),
            "{ opportunities { nodes { activities { nodes { id } } } } }",
            json!({}),
        )
        .await;
    let _ = r;
    let id = app.quick_deal(&token, "deal").await;
    let r = app
        .post(
            Some(&token),
            "query($id: ID!) { opportunity(id: $id) { activities { nodes { id } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.code(), "INTERNAL");
    let msg = r.0["errors"][0]["message"].as_str().unwrap();
    // In the default language (zh-CN), without a word of the cause.
    assert_eq!(msg, "服务器内部错误");
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn a_client_may_send_the_hash_of_a_document_it_sent_before_instead_of_the_text() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let a2 = app.login("a2@test.local").await;
    let me = "query Me { me { email } }";
    let hash = sha256(me);
    let post = async |token: &str, body: Value| -> Value {
        let sent = app.client.post(app.url("/graphql")).bearer_auth(token).json(&body).send();
        sent.await.unwrap().json().await.unwrap()
    };

    let get_persisted = |hash: &str| {
        app.client
            .get(app.url("/graphql"))
            .query(&[("extensions", persisted(hash).to_string())])
            .bearer_auth(&a2)
            .send()
    };

    // Unknown hash: the code Apollo's clients answer by sending the text.
    let v = post(&a1, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{v}");
    assert_eq!(v["errors"][0]["message"], "PersistedQueryNotFound");
    assert!(v.get("data").is_none() || v["data"].is_null());

    // A text that does not match its hash is refused and not registered.
    let wrong = sha256("{ __typename }");
    let v = post(&a1, json!({ "query": me, "extensions": persisted(&wrong) })).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
    let v = post(&a1, json!({ "extensions": persisted(&wrong) })).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{v}");

    // Text and hash: answered and registered; then the hash alone will do,
    // over POST and GET, for anyone — the document is shared, the answer is
    // each viewer's own.
    let v = post(&a1, json!({ "query": me, "extensions": persisted(&hash) })).await;
    assert_eq!(v["data"]["me"]["email"], "a1@test.local", "{v}");
    let v = post(&a2, json!({ "extensions": persisted(&hash.to_uppercase()) })).await;
    assert_eq!(v["data"]["me"]["email"], "a2@test.local", "{v}");
    let resp = get_persisted(&hash).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap()["data"]["me"]["email"], "a2@test.local");

    // A persisted mutation is still refused over GET.
    let m = r#"mutation M { login(email: "nobody@test.local", password: "wrong-password") { token } }"#;
    let mhash = sha256(m);
    post(&a1, json!({ "query": m, "extensions": persisted(&mhash) })).await;
    let resp = get_persisted(&mhash).await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Another version of the protocol, or a malformed hash.
    let v = post(
        &a1,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
    )
    .await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_SUPPORTED", "{v}");
    let v = post(&a1, json!({ "extensions": persisted("not a hash") })).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
}

#[tokio::test]
async fn a_cached_document_still_has_its_variables_checked_every_time() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let q = "query Q($x: Boolean = true) { me @include(if: $x) { email } }";
    assert_eq!(
        app.post(Some(&a1), q, json!({ "x": true })).await.data()["me"]["email"],
        "a1@test.local"
    );
    let many: serde_json::Map<String, Value> = (0..60).map(|i| (format!("v{i}"), json!(i))).collect();
    let refused = app.post(Some(&a1), q, Value::Object(many)).await;
    assert_eq!(refused.code(), "QUERY_LIMIT", "{:?}", refused.0);
    assert_eq!(refused.0["errors"][0]["extensions"]["limit"], "variables");
    // And a document refused by the guard is refused again, not cached.
    let deep = format!("{{ {}__typename{} }}", "me { ".repeat(45), " }".repeat(45));
    assert_eq!(app.post(Some(&a1), &deep, json!({})).await.code(), "QUERY_LIMIT");
    assert_eq!(app.post(Some(&a1), &deep, json!({})).await.code(), "QUERY_LIMIT");
}
