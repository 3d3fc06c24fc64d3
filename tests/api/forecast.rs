//! The two-version forecast frozen at each month's start: once, from the
//! first day's scan hour; a `FORECAST_GAP` to the directors of a track
//! whose precision forecast is below its subjective one; who sees which
//! rows; and the accuracy it gives the ranking board's sixth dimension.

use crate::helpers::*;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{OpportunityStatus, Stage};
use serde_json::{Value, json};

const FREEZES: &str = "query($m: String!, $t: ID, $f: Int, $a: ID) { forecastFreezes(month: $m, trackId: $t, first: $f, after: $a) {
  id month track { id } accountManager { email } subjectiveForecast subjectiveDeals precisionForecast precisionDeals frozenAt } }";

const ALERTS: &str = "query($t: ID, $f: Int) { forecastAlerts(trackId: $t, first: $f) {
  id month track { id } subjectiveForecast precisionForecast shortfall } }";

const RUN: &str = "mutation { runForecastFreeze { month alreadyFrozen rowsWritten gaps { id track { id } } } }";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn december() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 12, 1)
}

/// Track 1: a quotation and an H Potential deal of a1 expected in December (200,000 yuan
/// subjective, 100,000 precise: a gap). Track 2: one H Potential deal of a3 (100,000 both
/// ways: no gap). Deals lost, shelved or expected later count for nothing.
async fn fixture(app: &TestApp) {
    for (owner, track, stage) in [
        (org::A1, org::T1, Stage::Quotation),
        (org::A1, org::T1, Stage::HPotential),
        (org::A3, org::T2, Stage::HPotential),
    ] {
        app.insert_deal(DealSpec {
            stage,
            expected_order_month: december(),
            last_activity_at: sh(2026, 11, 20),
            stage_entered_at: sh(2026, 11, 1),
            ..DealSpec::new(owner, track)
        })
        .await;
    }
    for status in [OpportunityStatus::Lost, OpportunityStatus::Shelved] {
        app.insert_deal(DealSpec {
            status,
            restart_date: (status == OpportunityStatus::Shelved).then(|| NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()),
            expected_order_month: december(),
            ..DealSpec::new(org::A2, org::T1)
        })
        .await;
    }
    app.insert_deal(DealSpec {
        expected_order_month: NaiveDate::from_ymd_opt(2027, 1, 1),
        ..DealSpec::new(org::A2, org::T1)
    })
    .await;
}

async fn ceo_token(app: &TestApp) -> String {
    app.login("ceo@test.local").await
}

#[tokio::test]
async fn the_month_is_frozen_once_from_its_first_day_and_a_gap_goes_to_the_tracks_directors() {
    use crate::websocket::{Got, next, subscribed};
    let app = spawn_app().await;
    fixture(&app).await;
    // November was frozen; the next is December's, from 01:00 on 1 December in Shanghai.
    app.clock.set(at("2026-11-01T02:00:00Z"));
    let nov = api::service::forecast::run_due(&app.state, app.state.clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(nov.month.to_string(), "2026-11-01");
    assert_eq!((nov.rows, nov.gaps.len()), (0, 0), "nothing expected in November");
    let mut sockets = subscribed(
        &app,
        &["ceo", "secretary", "admin", "d1", "d2", "a1", "a2", "a3"],
        "subscription { funnelEvents(after: \"0\") { kind notification forecastAlert { id track { id } shortfall } } }",
    )
    .await;
    app.clock.set(at("2026-11-30T16:30:00Z"));
    assert!(
        api::service::forecast::run_due(&app.state, app.state.clock.now())
            .await
            .unwrap()
            .is_none()
    );
    app.clock.set(at("2026-11-30T17:00:00Z"));
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    assert!(
        api::service::forecast::run_due(&app.state, app.state.clock.now())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(app.count_rows("forecast_freeze").await, 2);
    assert_eq!(app.count_rows("forecast_alert").await, 1);
    // The admin's run finds it frozen: the first freeze stays, even after the deals change.
    app.insert_deal(DealSpec {
        expected_order_month: december(),
        ..DealSpec::new(org::A3, org::T2)
    })
    .await;
    let admin = app.login("admin@test.local").await;
    let again = app.post(Some(&admin), RUN, json!({})).await;
    assert_eq!(
        again.data()["runForecastFreeze"],
        json!({ "month": "2026-12", "alreadyFrozen": true, "rowsWritten": 0, "gaps": [] })
    );
    let d1 = app.login("d1@test.local").await;
    assert_eq!(app.post(Some(&d1), RUN, json!({})).await.code(), "FORBIDDEN");

    // Rows: every one for the CEO, the secretary and the admin; a director's tracks'; his own.
    let rows = |who: &'static str| {
        let app = &app;
        async move {
            let token = app.login(&format!("{who}@test.local")).await;
            let r = app.post(Some(&token), FREEZES, json!({ "m": "2026-12" })).await;
            r.data()["forecastFreezes"].as_array().unwrap().clone()
        }
    };
    let all = rows("ceo").await;
    assert_eq!(all.len(), 2);
    let t1 = &all[0];
    assert_eq!(
        (t1["track"]["id"].as_str(), t1["accountManager"]["email"].as_str()),
        (Some("1"), Some("a1@test.local"))
    );
    assert_eq!(
        (t1["subjectiveForecast"].as_str(), t1["subjectiveDeals"].as_i64()),
        (Some("200000.00"), Some(2))
    );
    assert_eq!(
        (t1["precisionForecast"].as_str(), t1["precisionDeals"].as_i64()),
        (Some("100000.00"), Some(1))
    );
    assert_eq!(all[1]["subjectiveForecast"], "100000.00", "frozen before a3's new deal");
    for (who, n) in [
        ("secretary", 2),
        ("admin", 2),
        ("d1", 1),
        ("d2", 1),
        ("a1", 1),
        ("a3", 1),
        ("a2", 0),
    ] {
        let got = rows(who).await;
        assert_eq!(got.len(), n, "{who}");
        if ["a1", "a3"].contains(&who) {
            assert_eq!(got[0]["accountManager"]["email"], format!("{who}@test.local"));
        }
    }
    // Read a row at a time: the next after the last one read.
    let first = app
        .post(Some(&ceo_token(&app).await), FREEZES, json!({ "m": "2026-12", "f": 1 }))
        .await;
    let first = first.data()["forecastFreezes"].clone();
    assert_eq!(first.as_array().unwrap().len(), 1);
    let next_rows = app
        .post(
            Some(&ceo_token(&app).await),
            FREEZES,
            json!({ "m": "2026-12", "f": 1, "a": first[0]["id"] }),
        )
        .await;
    assert_eq!(next_rows.data()["forecastFreezes"][0]["id"], all[1]["id"]);
    // The gap: track 1's precision (100,000) short of its subjective (200,000).
    let ceo = app.login("ceo@test.local").await;
    let gaps = app.post(Some(&ceo), ALERTS, json!({})).await;
    let gap = gaps.data()["forecastAlerts"][0].clone();
    assert_eq!(
        (gap["track"]["id"].as_str(), gap["month"].as_str(), gap["shortfall"].as_str()),
        (Some("1"), Some("2026-12"), Some("100000.00"))
    );
    for (who, n) in [("d1", 1), ("d2", 0), ("a1", 0)] {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&token), ALERTS, json!({})).await;
        assert_eq!(r.data()["forecastAlerts"].as_array().unwrap().len(), n, "{who}");
    }
    let one = "query($id: ID!) { forecastAlert(id: $id) { id } }";
    let d2 = app.login("d2@test.local").await;
    assert_eq!(app.post(Some(&d2), one, json!({ "id": gap["id"] })).await.code(), "NOT_FOUND");
    assert_eq!(
        app.post(Some(&d1), one, json!({ "id": gap["id"] })).await.data()["forecastAlert"]["id"],
        gap["id"]
    );

    // Told on funnelEvents to the track's directors and those who see every track, never further.
    let mut got = std::collections::HashMap::new();
    for (who, ws) in &mut sockets {
        let mut seen = Vec::new();
        while let Some(Got::Json(m)) = next(ws, 1).await {
            assert!(m["payload"]["errors"].is_null(), "{who}: {m}");
            let e = &m["payload"]["data"]["funnelEvents"];
            assert_eq!(e["kind"], "FORECAST_GAP");
            assert_eq!(e["notification"], "双版本差异告警：消费电子I 2026-12", "{who}");
            seen.push(e["forecastAlert"]["track"]["id"].as_str().unwrap().to_owned());
        }
        got.insert(*who, seen);
    }
    for who in ["ceo", "secretary", "admin", "d1"] {
        assert_eq!(got[who], vec!["1"], "{who}: {got:?}");
    }
    for who in ["d2", "a1", "a2", "a3"] {
        assert!(got[who].is_empty(), "{who}: {got:?}");
    }

    // Bad input: every field told.
    let bad = app
        .post(Some(&ceo), FREEZES, json!({ "m": "2026-13", "t": "x", "f": 101, "a": "y" }))
        .await;
    let mut fields = bad.fields();
    fields.sort();
    assert_eq!(fields, vec!["after", "first", "month", "trackId"]);
    assert_eq!(app.post(Some(&ceo), ALERTS, json!({ "f": 0 })).await.fields(), vec!["first"]);
}

#[tokio::test]
async fn the_frozen_forecast_is_what_the_boards_accuracy_measures_the_orders_against() {
    let app = spawn_app().await;
    fixture(&app).await;
    app.clock.set(at("2026-11-30T17:00:00Z"));
    api::service::forecast::run_due(&app.state, app.state.clock.now())
        .await
        .unwrap()
        .unwrap();
    // December's orders: 150,000 for track 1 (forecast 200,000), none for track 2 (forecast 100,000).
    app.clock.set(at("2026-12-20T02:00:00Z"));
    let admin = app.login("admin@test.local").await;
    let import = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";
    let orders = json!([{ "externalId": "O-9", "date": "2026-12-18", "track": "消费电子I", "accountManager": "a1@test.local", "customer": "华为", "amount": "150000" }]);
    app.post(Some(&admin), import, json!({ "k": "ORDERS", "rows": orders }))
        .await
        .data();
    let board = "query($p: BoardPeriodInput!) { rankingBoard(period: $p) { dimensions { dimension available
      rows { rank standing name value numerator denominator } } } }";
    let ceo = app.login("ceo@test.local").await;
    let r = app
        .post(Some(&ceo), board, json!({ "p": { "kind": "MONTH", "year": 2026, "month": 12 } }))
        .await;
    let d6: Value = r.data()["rankingBoard"]["dimensions"][5].clone();
    assert_eq!(
        (d6["dimension"].as_str(), d6["available"].as_bool()),
        (Some("TRACK_FORECAST_ACCURACY"), Some(true))
    );
    let rows = d6["rows"].as_array().unwrap();
    let t1 = rows.iter().find(|r| r["name"] == "消费电子I").unwrap();
    // 1 − |150,000 − 200,000| ÷ 150,000 = 66.67 %.
    assert_eq!((t1["rank"].as_i64(), t1["standing"].as_str()), (Some(1), Some("RANKED")));
    assert!((t1["value"].as_f64().unwrap() - 200.0 / 3.0).abs() < 0.01, "{t1}");
    assert_eq!(
        (t1["numerator"].as_str(), t1["denominator"].as_str()),
        (Some("200000.00"), Some("150000.00"))
    );
    // Nothing booked against a forecast: 0 %.
    let t2 = rows.iter().find(|r| r["name"] == "医疗器械").unwrap();
    assert_eq!((t2["rank"].as_i64(), t2["value"].as_f64()), (Some(2), Some(0.0)));
    // November was never frozen: no figure.
    let r = app
        .post(Some(&ceo), board, json!({ "p": { "kind": "MONTH", "year": 2026, "month": 11 } }))
        .await;
    let nov = r.data()["rankingBoard"]["dimensions"][5]["rows"].as_array().unwrap().clone();
    assert!(nov.iter().all(|r| r["standing"] == "NO_DATA"), "{nov:?}");
}

#[tokio::test]
async fn every_change_of_either_forecast_is_kept_with_who_and_when() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app
        .create_opportunity(
            &a1,
            json!({ "name": "注塑件", "customerName": "华为", "trackId": "1", "kind": "OTHER", "amount": "300000",
                     "rollingForecast": { "expectedOrderMonth": "2027-02", "amount": "250000" } }),
        )
        .await;
    let update =
        "mutation($id: ID!, $v: Int!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, version: $v, input: $i) { version } }";
    let v = app.version_of(&a1, &id).await;
    // The same forecast again is no change; a new month and amount is one.
    let same = json!({ "rollingForecast": { "expectedOrderMonth": "2027-02", "amount": "250000" } });
    app.post(Some(&a1), update, json!({ "id": id, "v": v, "i": same })).await.data();
    let v = app.version_of(&a1, &id).await;
    let later = json!({ "rollingForecast": { "expectedOrderMonth": "2027-03", "amount": "200000" }, "name": "注塑件二期" });
    app.post(Some(&a1), update, json!({ "id": id, "v": v, "i": later })).await.data();
    let v = app.version_of(&a1, &id).await;
    let precise = json!({ "precisionForecast": { "orderDate": "2027-03-15", "amount": "190000" } });
    app.post(Some(&a1), update, json!({ "id": id, "v": v, "i": precise })).await.data();
    // A name change alone writes no forecast history.
    let v = app.version_of(&a1, &id).await;
    app.post(Some(&a1), update, json!({ "id": id, "v": v, "i": { "name": "注塑件三期" } }))
        .await
        .data();
    let q = "query($id: ID!) { opportunity(id: $id) { history(first: 50) { nodes { field from to actor { email } } } } }";
    let r = app.post(Some(&a1), q, json!({ "id": id })).await;
    let forecasts: Vec<(String, Value, String)> = r.data()["opportunity"]["history"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["field"].as_str().unwrap().ends_with("_FORECAST"))
        .map(|n| {
            assert_eq!(n["actor"]["email"], "a1@test.local");
            (
                n["field"].as_str().unwrap().to_owned(),
                n["from"].clone(),
                n["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        forecasts,
        vec![
            ("ROLLING_FORECAST".into(), Value::Null, "2027-02|250000.00".into()),
            ("ROLLING_FORECAST".into(), json!("2027-02|250000.00"), "2027-03|200000.00".into()),
            ("PRECISION_FORECAST".into(), Value::Null, "2027-03-15|190000.00".into()),
        ]
    );
}
