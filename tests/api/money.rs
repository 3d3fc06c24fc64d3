//! Money that cannot break a board: every amount entered is bounded at
//! 10 billion yuan, and every sum is taken in SQL and in Rust so that no
//! number of rows can overflow it (exact while it fits 64 bits, the
//! largest sum beyond). The worst case is written straight into the
//! database: every query of the schema, the month-end check, the freeze and
//! the baseline still answer.

use crate::helpers::*;
use crate::scope_matrix::{Schema, every_answer};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// The largest sum: `i64::MAX` fen.
const CEILING: &str = "92233720368547758.07";

#[tokio::test]
async fn amounts_above_ten_billion_yuan_are_refused_everywhere_they_are_entered() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let create = "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }";
    let ok = app
        .post(
            Some(&a1),
            create,
            json!({ "i": { "name": "n", "customerName": "c", "kind": "OTHER", "amount": "10000000000" } }),
        )
        .await;
    ok.data();
    for amount in ["10000000000.01", "1000000000000", "99999999999999999999"] {
        let r = app
            .post(
                Some(&a1),
                create,
                json!({ "i": { "name": "n", "customerName": "c", "kind": "OTHER", "amount": amount } }),
            )
            .await;
        assert_eq!(r.fields(), vec!["input.amount"], "{amount}: {}", r.0);
        assert!(r.0.to_string().contains("超过100亿元"), "{}", r.0);
    }
    // Targets and ERP records: the same bound, the same words.
    let admin = app.login("admin@test.local").await;
    let import = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";
    let r = app
        .post(
            Some(&admin),
            import,
            json!({ "k": "ORDER_TARGETS", "rows": [{ "month": "2026-12", "track": "消费电子I", "amount": "10000000000.01" }] }),
        )
        .await;
    assert_eq!(r.code(), "VALIDATION", "{}", r.0);
    assert!(r.0.to_string().contains("超过100亿元"), "{}", r.0);
    assert_eq!(app.count_rows("target").await, 0);
}

#[tokio::test]
async fn sums_beyond_64_bits_leave_every_board_funnel_review_and_check_answering() {
    let app = spawn_app().await;
    crate::health::fixture(&app).await;
    // The worst case: every amount near a quarter of what 64 bits hold, so
    // that any two of them overflow a BIGINT.
    let huge = i64::MAX / 4;
    for sql in [
        format!("UPDATE opportunity SET amount_cents = {huge}, forecast_amount_cents = {huge}, precision_amount_cents = {huge}"),
        format!("UPDATE target SET amount_cents = {huge}"),
        format!("UPDATE erp_order SET amount_cents = {huge}"),
        format!("UPDATE erp_month SET orders_cents = {huge}, revenue_cents = {huge}, cost_cents = {huge}"),
    ] {
        app.db.execute_unprepared(&sql).await.unwrap();
    }
    for i in 0..4 {
        app.insert_deal(DealSpec {
            stage: entity::Stage::HPotential,
            last_activity_at: sh(2026, 12, 1),
            expected_order_month: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            ..DealSpec::new(if i % 2 == 0 { org::A1 } else { org::A2 }, org::T1)
        })
        .await;
    }
    app.db
        .execute_unprepared(&format!(
            "UPDATE opportunity SET amount_cents = {huge}, forecast_amount_cents = {huge}, precision_amount_cents = {huge}"
        ))
        .await
        .unwrap();

    // The admin's runs: the freeze, the baseline, the funnel check, the scheduled month end.
    let admin = app.login("admin@test.local").await;
    for m in [
        "mutation { runForecastFreeze { __typename } }",
        "mutation { takeBaseline { __typename } }",
        "mutation { runFunnelCheck { month } }",
    ] {
        let r = app.post(Some(&admin), m, json!({})).await;
        assert!(r.0.get("errors").is_none() || r.code() != "INTERNAL", "{m}: {}", r.0);
    }

    // The company's figures mid-December: the ceiling, not an error.
    let r = crate::health::board(&app, "ceo", 2026, None).await;
    let company = &r.data()["orderHealthBoard"]["company"];
    assert_eq!(company["annualTarget"], CEILING, "{company}");
    // Two orders of the line this year: exact, as it still fits.
    assert_eq!(company["booked"], "46116860184273879.02", "{company}");
    assert_eq!(company["hPotentialThisMonth"], CEILING, "{company}");
    assert!(
        company["weightedPipeline"].is_string() && company["coverage"].is_number(),
        "{company}"
    );
    assert!(company["rhythm"].is_string(), "{company}");

    // Every query of the schema, for every role: nothing answers INTERNAL.
    let schema = Schema::read(&app).await;
    let deal = app
        .post(Some(&admin), "{ opportunities(first: 1) { nodes { id } } }", json!({}))
        .await
        .data()["opportunities"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let every_role_answers = async || {
        for who in ["ceo", "secretary", "admin", "d1", "d2", "a1", "a2", "a3"] {
            for (name, answer) in every_answer(&app, &schema, who, &deal).await {
                let internal = answer["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["extensions"]["code"] == "INTERNAL"));
                assert!(!internal, "{who} {name}: {answer}");
            }
        }
    };
    every_role_answers().await;
    // The scheduled month-end (its check, its snapshots), then the year over.
    app.clock.set("2026-12-31T15:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    every_role_answers().await;
}
