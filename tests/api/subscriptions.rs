//! Alert and escalation events over live sockets: each viewer receives
//! exactly his scope; a reconnect with `after` misses nothing and repeats
//! nothing.

use crate::helpers::*;
use crate::websocket::{Got, Socket, next, next_json, open, send};
use serde_json::{Value, json};

const ALERT_EVENTS: &str =
    "subscription($after: ID) { alertEvents(after: $after) { id kind rule alertId opportunityId alert { owner { email } } } }";
const ESCALATIONS: &str = "subscription($after: ID) { escalationEvents(after: $after) { id kind alertId } }";

async fn subscribe(app: &TestApp, email: &str, query: &str, after: &str) -> Socket {
    let token = app.login(email).await;
    let mut ws = open(app, &token).await;
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": { "after": after } } }),
    )
    .await;
    ws
}

/// The next event delivered on subscription "1".
async fn event(ws: &mut Socket) -> Value {
    let m = next_json(ws).await;
    assert_eq!(m["type"], "next", "{m}");
    assert!(m["payload"].get("errors").is_none(), "{m}");
    m["payload"]["data"].as_object().unwrap().values().next().unwrap().clone()
}

/// Nothing more arrives for a while.
async fn quiet(ws: &mut Socket) {
    if let Some(got) = next(ws, 1).await {
        match got {
            Got::Json(m) => panic!("unexpected message {m}"),
            Got::Closed(c) => panic!("closed with {c}"),
        }
    }
}

#[tokio::test]
async fn each_viewer_receives_exactly_the_events_of_his_scope() {
    use org::*;
    let app = spawn_app().await;
    let mut a1 = subscribe(&app, "a1@test.local", ALERT_EVENTS, "0").await;
    let mut a3 = subscribe(&app, "a3@test.local", ALERT_EVENTS, "0").await;
    let mut d1 = subscribe(&app, "d1@test.local", ALERT_EVENTS, "0").await;
    let mut ceo = subscribe(&app, "ceo@test.local", ALERT_EVENTS, "0").await;
    let deal1 = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    let deal3 = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A3, T2)
        })
        .await;
    app.scan(t0()).await;
    let e1 = event(&mut a1).await;
    assert_eq!(
        (e1["kind"].as_str(), e1["rule"].as_str()),
        (Some("ALERT_RAISED"), Some("NO_FOLLOW_UP"))
    );
    assert_eq!(e1["opportunityId"], deal1.to_string());
    assert_eq!(e1["alert"]["owner"]["email"], "a1@test.local");
    assert_eq!(event(&mut a3).await["opportunityId"], deal3.to_string());
    assert_eq!(event(&mut d1).await["opportunityId"], deal1.to_string());
    let mut seen = vec![
        event(&mut ceo).await["opportunityId"].clone(),
        event(&mut ceo).await["opportunityId"].clone(),
    ];
    seen.sort_by_key(|v| v.as_str().unwrap().to_owned());
    assert_eq!(seen, [json!(deal1.to_string()), json!(deal3.to_string())]);
    for ws in [&mut a1, &mut a3, &mut d1, &mut ceo] {
        quiet(ws).await;
    }
    // The resolution is copied to the director, and to nobody outside the scope.
    let token = app.login("a1@test.local").await;
    let q = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: OUR_CAPACITY, decision: KEEP }) { id } }";
    app.post(Some(&token), q, json!({ "id": e1["alertId"] })).await.data();
    assert_eq!(event(&mut a1).await["kind"], "ALERT_RESOLVED");
    assert_eq!(event(&mut d1).await["kind"], "ALERT_RESOLVED");
    assert_eq!(event(&mut ceo).await["kind"], "ALERT_RESOLVED");
    quiet(&mut a3).await;
}

#[tokio::test]
async fn a_reconnecting_phone_gets_what_it_missed_then_live_events_without_duplicates() {
    use org::*;
    let app = spawn_app().await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    let mut phone = subscribe(&app, "a1@test.local", ALERT_EVENTS, "0").await;
    app.scan(t0()).await;
    let first = event(&mut phone).await;
    let last_seen = first["id"].as_str().unwrap().to_owned();
    drop(phone);

    // While the phone is away: a resolution, a review, a new alert.
    let a1 = app.login("a1@test.local").await;
    let resolve = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { id } }";
    app.post(Some(&a1), resolve, json!({ "id": first["alertId"] })).await.data();
    let d1 = app.login("d1@test.local").await;
    let review = "mutation($id: ID!) { reviewAlert(id: $id, input: { action: ACKNOWLEDGE, comment: \"好\" }) { id } }";
    app.post(Some(&d1), review, json!({ "id": first["alertId"] })).await.data();
    app.insert_deal(DealSpec {
        stage: entity::Stage::InitialIdentification,
        stage_entered_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.scan(t0() + chrono::Duration::hours(1)).await;

    let mut phone = subscribe(&app, "a1@test.local", ALERT_EVENTS, &last_seen).await;
    let kinds: Vec<String> = [event(&mut phone).await, event(&mut phone).await, event(&mut phone).await]
        .iter()
        .map(|e| {
            assert!(e["id"].as_str().unwrap().parse::<i64>().unwrap() > last_seen.parse::<i64>().unwrap());
            e["kind"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(kinds, ["ALERT_RESOLVED", "ALERT_REVIEWED", "ALERT_RAISED"]);
    quiet(&mut phone).await;
    // Then live.
    app.insert_deal(DealSpec {
        stage: entity::Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 9, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.scan(t0() + chrono::Duration::hours(2)).await;
    let live = event(&mut phone).await;
    assert_eq!(
        (live["kind"].as_str(), live["rule"].as_str()),
        (Some("ALERT_RAISED"), Some("STALLED_NEGOTIATION"))
    );
    quiet(&mut phone).await;
}

#[tokio::test]
async fn escalations_reach_the_director_and_the_ceo_but_not_other_tracks() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let mut ceo = subscribe(&app, "ceo@test.local", ESCALATIONS, "0").await;
    let mut d1 = subscribe(&app, "d1@test.local", ESCALATIONS, "0").await;
    let mut d2 = subscribe(&app, "d2@test.local", ESCALATIONS, "0").await;
    let mut a1 = subscribe(&app, "a1@test.local", ESCALATIONS, "0").await;
    // Unresolved after 3 days: overdue, to the account manager's director (and the AM).
    app.scan(t0() + chrono::Duration::days(3) + chrono::Duration::seconds(1)).await;
    assert_eq!(event(&mut d1).await["kind"], "ALERT_OVERDUE");
    assert_eq!(event(&mut a1).await["kind"], "ALERT_OVERDUE");
    let overdue = event(&mut ceo).await;
    assert_eq!(overdue["kind"], "ALERT_OVERDUE");
    // The director raises it to the CEO.
    let token = app.login("d1@test.local").await;
    let q = "mutation($id: ID!) { raiseAlertToCeo(id: $id, comment: \"客户流失风险\") { raisedToCeoAt ceoComment } }";
    let r = app.post(Some(&token), q, json!({ "id": overdue["alertId"] })).await;
    assert_eq!(r.data()["raiseAlertToCeo"]["ceoComment"], "客户流失风险");
    assert_eq!(event(&mut ceo).await["kind"], "ALERT_RAISED_TO_CEO");
    assert_eq!(event(&mut d1).await["kind"], "ALERT_RAISED_TO_CEO");
    quiet(&mut d2).await;
    let twice = app.post(Some(&token), q, json!({ "id": overdue["alertId"] })).await;
    assert_eq!(twice.fields(), ["id"]);
    let a1_token = app.login("a1@test.local").await;
    assert_eq!(
        app.post(Some(&a1_token), q, json!({ "id": overdue["alertId"] })).await.code(),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_subscriber_behind_a_large_scan_receives_every_event_in_order() {
    use org::*;
    let app = spawn_app().await;
    let mut phone = subscribe(&app, "a1@test.local", ALERT_EVENTS, "0").await;
    // More events than one read batch, in one transaction.
    let n = 450;
    for _ in 0..n {
        app.insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    }
    app.scan(t0()).await;
    let mut last = 0i64;
    for _ in 0..n {
        let id: i64 = event(&mut phone).await["id"].as_str().unwrap().parse().unwrap();
        assert!(id > last, "in order, no duplicate");
        last = id;
    }
    quiet(&mut phone).await;
}

#[tokio::test]
#[cfg_attr(
    not(salespulse_pg),
    ignore = "PostgreSQL only: the database's connections are cut from the server side"
)]
async fn a_subscription_survives_the_database_dropping_every_connection() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    // Subscribed from now on (no replay), so the event comes through the live path.
    let mut ws = subscribe(&app, "a1@test.local", ALERT_EVENTS, "0").await;
    quiet(&mut ws).await;
    // The database cuts every connection of this test's database but the one asking:
    // the pool's, the event reader's, the LISTEN connection.
    let cut = sea_orm::Statement::from_string(
        app.db.get_database_backend(),
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    let row = app.db.query_one_raw(cut).await.unwrap().unwrap();
    let killed: i64 = row.try_get("", "n").unwrap();
    // At least the event reader's LISTEN connection and one pooled connection.
    assert!(killed >= 2, "{killed} connections cut");
    // An alert raised afterwards still reaches the phone, once.
    let deal = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(org::A1, org::T1)
        })
        .await;
    let admin = loop {
        // The first request may meet a cut connection; the pool replaces it.
        let r = app
            .post(
                None,
                "mutation { login(email: \"admin@test.local\", password: \"demo-password\") { token } }",
                json!({}),
            )
            .await;
        if let Some(t) = r.0["data"]["login"]["token"].as_str() {
            break t.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let scan = "mutation($at: DateTime) { runScan(asOf: $at) { asOf } }";
    let r = app.post(Some(&admin), scan, json!({ "at": t0() })).await;
    assert!(r.0.get("errors").is_none(), "{}", r.0);
    let e = event(&mut ws).await;
    assert_eq!(e["kind"], "ALERT_RAISED");
    assert_eq!(e["opportunityId"], json!(deal.to_string()));
    quiet(&mut ws).await;
}

/// Copies event `of` `n` times in one statement (as a burst of the scan
/// would write them) and wakes this process's feed; returns the new ids.
async fn burst(app: &TestApp, of: i64, n: usize) -> Vec<i64> {
    use sea_orm::ConnectionTrait;
    let before: i64 = app.max_event_id().await;
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO event (kind, subject_kind, subject_id, opportunity_id, rule, audience_user_id, audience_track_id, actor_id, created_at) \
         SELECT e.kind, e.subject_kind, e.subject_id, e.opportunity_id, e.rule, e.audience_user_id, e.audience_track_id, e.actor_id, e.created_at \
         FROM event e, n WHERE e.id = {of} ORDER BY n.i"
    );
    app.db.execute_unprepared(&sql).await.unwrap();
    let after = app.max_event_id().await;
    app.state.bus.wake(after);
    ((before + 1)..=after).collect()
}

/// The ids of the next `n` events of subscription `sub`, or fewer when an
/// `error` ends it (returned too).
async fn take_ids(ws: &mut Socket, sub: &str, n: usize) -> (Vec<i64>, Option<Value>) {
    let mut ids = Vec::new();
    while ids.len() < n {
        let m = next_json(ws).await;
        assert_eq!(m["id"], sub, "{m}");
        match m["type"].as_str() {
            Some("next") => {
                assert!(m["payload"].get("errors").is_none(), "{m}");
                ids.push(m["payload"]["data"]["alertEvents"]["id"].as_str().unwrap().parse().unwrap());
            }
            Some("error") => return (ids, Some(m)),
            _ => panic!("unexpected {m}"),
        }
    }
    (ids, None)
}

#[tokio::test]
async fn a_slow_socket_is_told_where_to_resume_and_holds_up_nobody() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let first = app.max_event_id().await;
    // Large answers (25 notification lines each), so that the kernel's
    // buffers fill long before the burst ends.
    let lines: String = (0..25).map(|i| format!("n{i}: notification ")).collect();
    let query = format!("subscription($after: ID) {{ alertEvents(after: $after) {{ id {lines} }} }}");
    let mut slow = subscribe(&app, "a1@test.local", &query, &first.to_string()).await;
    let mut quick = subscribe(&app, "a1@test.local", &query, &first.to_string()).await;
    let n = 6000;
    let ids = burst(&app, first, n).await;
    // The quick phone receives everything, in order, while the slow one reads nothing.
    let started = std::time::Instant::now();
    let (got, end) = take_ids(&mut quick, "1", n).await;
    assert!(end.is_none(), "the quick socket was not cut: {end:?}");
    assert_eq!(got, ids);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    // The slow one got a prefix, then was told where to resume.
    let (prefix, end) = take_ids(&mut slow, "1", n).await;
    let end = end.expect("the slow socket's subscription ends with an error");
    assert_eq!(end["payload"][0]["extensions"]["code"], "SLOW_CONSUMER", "{end}");
    let resume: i64 = end["payload"][0]["extensions"]["resumeAfter"].as_str().unwrap().parse().unwrap();
    assert!(prefix.len() < n, "it did fall behind");
    assert_eq!(prefix, ids[..prefix.len()].to_vec(), "what it got is an unbroken prefix");
    assert_eq!(
        resume,
        prefix.last().copied().unwrap_or(first),
        "it resumes right after what it got"
    );
    // Subscribing again with that `after` brings exactly the rest.
    send(
        &mut slow,
        json!({ "id": "2", "type": "subscribe", "payload": { "query": query, "variables": { "after": resume.to_string() } } }),
    )
    .await;
    let (rest, end) = take_ids(&mut slow, "2", n - prefix.len()).await;
    assert!(end.is_none(), "{end:?}");
    assert_eq!([prefix, rest].concat(), ids, "every event once, in order");
    quiet(&mut slow).await;
}

#[tokio::test]
async fn shared_answers_never_cross_viewers_and_one_viewer_costs_one_resolution() {
    use org::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let statements = std::sync::Arc::new(AtomicUsize::new(0));
    let app = spawn_app_counting(statements.clone()).await;
    app.deal_with_alert(A1, T1).await;
    let first = app.max_event_id().await;
    // One document for everyone; its answer depends on who asks.
    let query = "subscription($after: ID) { alertEvents(after: $after) { id alert { viewerCanResolve owner { email } } } }";
    let mut a1 = subscribe(&app, "a1@test.local", query, &first.to_string()).await;
    let mut a2 = subscribe(&app, "a2@test.local", query, &first.to_string()).await;
    let mut d1 = subscribe(&app, "d1@test.local", query, &first.to_string()).await;
    let mut ceo = subscribe(&app, "ceo@test.local", query, &first.to_string()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // One event, one socket of a1: what it costs.
    statements.store(0, Ordering::SeqCst);
    let one = burst(&app, first, 1).await;
    let got = event(&mut a1).await;
    assert_eq!(got["alert"]["viewerCanResolve"], true, "{got}");
    for ws in [&mut d1, &mut ceo] {
        let got = event(ws).await;
        assert_eq!(got["id"], one[0].to_string());
        assert_eq!(got["alert"]["viewerCanResolve"], false, "another viewer's answer is his own: {got}");
        assert_eq!(got["alert"]["owner"]["email"], "a1@test.local");
    }
    quiet(&mut a2).await;
    let alone = statements.load(Ordering::SeqCst);
    // Five more sockets of a1 with the same document: the event is resolved once for all six.
    let mut more = Vec::new();
    for _ in 0..5 {
        more.push(subscribe(&app, "a1@test.local", query, &one[0].to_string()).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    statements.store(0, Ordering::SeqCst);
    let two = burst(&app, first, 1).await;
    for ws in std::iter::once(&mut a1).chain(more.iter_mut()) {
        let got = event(ws).await;
        assert_eq!(got["id"], two[0].to_string());
        assert_eq!(got["alert"]["viewerCanResolve"], true);
    }
    for ws in [&mut d1, &mut ceo] {
        assert_eq!(event(ws).await["alert"]["viewerCanResolve"], false);
    }
    quiet(&mut a2).await;
    let six = statements.load(Ordering::SeqCst);
    assert!(six <= alone + 1, "six alike sockets cost {six} statements, one cost {alone}");
}

#[tokio::test]
async fn a_phone_may_subscribe_with_the_hash_of_a_document_sent_before() {
    use org::*;
    use sha2::Digest;
    let app = spawn_app().await;
    let hash: String = sha2::Sha256::digest(ALERT_EVENTS.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    // Unknown on this process: refused for that id, the socket stays.
    let token = app.login("a3@test.local").await;
    let mut early = open(&app, &token).await;
    send(
        &mut early,
        json!({ "id": "1", "type": "subscribe", "payload": { "variables": { "after": "0" }, "extensions": persisted } }),
    )
    .await;
    let refused = next_json(&mut early).await;
    assert_eq!(refused["id"], "1", "{refused}");
    assert!(refused.to_string().contains("PERSISTED_QUERY_NOT_FOUND"), "{refused}");

    // a1 sends the text with its hash; a3 then sends the hash alone, and
    // each receives his own scope.
    let a1_token = app.login("a1@test.local").await;
    let mut a1 = open(&app, &a1_token).await;
    send(
        &mut a1,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": ALERT_EVENTS, "variables": { "after": "0" }, "extensions": persisted } }),
    )
    .await;
    send(
        &mut early,
        json!({ "id": "2", "type": "subscribe", "payload": { "variables": { "after": "0" }, "extensions": persisted } }),
    )
    .await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A3, T2)
    })
    .await;
    app.scan(t0()).await;
    let got = event(&mut a1).await;
    assert_eq!(got["alert"]["owner"]["email"], "a1@test.local");
    let m = next_json(&mut early).await;
    assert_eq!(m["id"], "2", "{m}");
    assert_eq!(
        m["payload"]["data"]["alertEvents"]["alert"]["owner"]["email"], "a3@test.local",
        "{m}"
    );
    quiet(&mut a1).await;
    quiet(&mut early).await;
}

#[tokio::test]
async fn a_named_subscription_delivers_with_or_without_its_operation_name() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let subscribe = |id: &str, query: &str, name: Option<&str>| {
        let mut payload = json!({ "query": query });
        if let Some(n) = name {
            payload["operationName"] = json!(n);
        }
        json!({ "id": id, "type": "subscribe", "payload": payload })
    };
    send(&mut ws, subscribe("anonymous", "subscription { alertEvents { kind } }", None)).await;
    send(&mut ws, subscribe("named", "subscription Feed { alertEvents { kind } }", None)).await;
    send(
        &mut ws,
        subscribe("named-given", "subscription Feed { alertEvents { kind } }", Some("Feed")),
    )
    .await;
    // Two operations and no name: a clear error, not a silent end.
    send(
        &mut ws,
        subscribe(
            "two",
            "subscription A { alertEvents { kind } } subscription B { alertEvents { kind } }",
            None,
        ),
    )
    .await;
    let m = next_json(&mut ws).await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some("two"), Some("error")), "{m}");
    assert!(m["payload"].to_string().to_lowercase().contains("operation"), "{m}");
    // An idle deal of a1's: the scan raises its alert, and each of the three hears it.
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    app.scan(t0()).await;
    let mut heard = std::collections::BTreeSet::new();
    while let Some(Got::Json(m)) = next(&mut ws, 2).await {
        assert_eq!(m["type"], "next", "{m}");
        assert_eq!(m["payload"]["data"]["alertEvents"]["kind"], "ALERT_RAISED", "{m}");
        heard.insert(m["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(heard.into_iter().collect::<Vec<_>>(), vec!["anonymous", "named", "named-given"]);
}

/// Every event type shares `Event`'s fields: a client selects them once,
/// in a fragment on the interface, whatever subscription it listens to.
#[tokio::test]
async fn the_fields_every_event_shares_are_selected_once_on_event() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let query = "subscription { alertEvents { ...Shared } } fragment Shared on Event { id kind kindLabel at }";
    send(&mut ws, json!({ "id": "e", "type": "subscribe", "payload": { "query": query } })).await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    app.scan(t0()).await;
    let m = next_json(&mut ws).await;
    let e = &m["payload"]["data"]["alertEvents"];
    assert_eq!(e["kind"], "ALERT_RAISED", "{m}");
    assert!(e["id"].as_str().is_some_and(|id| id.parse::<i64>().is_ok()), "{m}");
    assert!(e["kindLabel"].as_str().is_some_and(|l| !l.is_empty()), "{m}");
    assert!(e["at"].as_str().is_some(), "{m}");
    // The interface is in the schema, with every event type implementing it.
    let r = app
        .post(
            Some(&token),
            "{ __type(name: \"Event\") { kind possibleTypes { name } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = r.data()["__type"]["possibleTypes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for t in ["AlertEvent", "MeetingEvent", "FunnelEvent", "ErpEvent", "OrderHealthEvent"] {
        assert!(names.contains(&t), "{t} in {names:?}");
    }
}
