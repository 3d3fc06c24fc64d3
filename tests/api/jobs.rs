//! The scheduler runs the daily scan once a day at its hour, company time;
//! on PostgreSQL several server processes share the work and the events.

use crate::helpers::*;
use crate::websocket::{next_json, open, send};
use chrono::Duration;
use serde_json::json;

#[tokio::test]
async fn the_daily_scan_runs_once_a_day_from_one_oclock_company_time() {
    use org::*;
    let app = spawn_app().await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    // 00:59 on 24 Nov in Shanghai: not yet.
    app.clock.set(sh(2026, 11, 24) + Duration::minutes(59));
    assert!(api::jobs::run_due_jobs(&app.state).await.unwrap().is_none());
    app.clock.set(sh(2026, 11, 24) + Duration::hours(1));
    let report = api::jobs::run_due_jobs(&app.state).await.unwrap().expect("the scan runs at 01:00");
    assert_eq!(report.rules.iter().map(|r| r.raised).sum::<u64>(), 1);
    // Once a day.
    app.clock.set(sh(2026, 11, 24) + Duration::hours(23));
    assert!(api::jobs::run_due_jobs(&app.state).await.unwrap().is_none());
    // The next day, again.
    app.clock.set(sh(2026, 11, 25) + Duration::hours(2));
    assert!(api::jobs::run_due_jobs(&app.state).await.unwrap().is_some());
    // The hour is configuration.
    let admin = app.login("admin@test.local").await;
    app.post(
        Some(&admin),
        "mutation { updateSettings(input: { dailyScanHour: 6 }) { dailyScanHour } }",
        json!({}),
    )
    .await
    .data();
    app.clock.set(sh(2026, 11, 26) + Duration::hours(5));
    assert!(api::jobs::run_due_jobs(&app.state).await.unwrap().is_none());
    app.clock.set(sh(2026, 11, 26) + Duration::hours(6));
    assert!(api::jobs::run_due_jobs(&app.state).await.unwrap().is_some());
}

#[tokio::test]
#[cfg_attr(not(salespulse_pg), ignore = "PostgreSQL only: SQLite runs as one node")]
async fn two_server_processes_on_one_postgresql_both_deliver_every_event() {
    use org::*;
    let first = spawn_app().await;
    // A second server on the same database.
    let url = first.state.config.database_url.clone();
    let clock = first.clock.clone();
    let mut config = first.state.config.clone();
    config.database_url = url;
    config.bind = "127.0.0.1:0".parse().unwrap();
    let second = api::App::build(config, std::sync::Arc::new(clock)).await.unwrap();
    let second_ws = format!("ws://{}/graphql", second.address());
    tokio::spawn(second.serve());

    let token = first.login("d1@test.local").await;
    let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { alertEvents(after: \"0\") { kind opportunityId } }" } });
    let mut on_first = open(&first, &token).await;
    send(&mut on_first, sub.clone()).await;
    let mut on_second = {
        let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(second_ws.as_str()).unwrap();
        req.headers_mut()
            .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        send(
            &mut ws,
            json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
        )
        .await;
        assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
        send(&mut ws, sub).await;
        ws
    };
    // Let both subscriptions reach the live phase, then raise an alert through the first server.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let deal = first
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    first.scan(t0()).await;
    for ws in [&mut on_first, &mut on_second] {
        let m = next_json(ws).await;
        assert_eq!(
            m["payload"]["data"]["alertEvents"],
            json!({ "kind": "ALERT_RAISED", "opportunityId": deal.to_string() })
        );
    }
}
