//! The order-health board (接单健康度三数字看板) on a hand-computed fixture:
//! the three numbers of the molding-integrated track and the company, the
//! commodity track's order achievement, the deals and ERP rows behind them,
//! and who sees what.

use crate::helpers::*;
use entity::{OpportunityStatus, Stage};
use serde_json::{Value, json};

const IMPORT: &str = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";

pub(crate) const BOARD: &str = "query($y: Int!, $t: ID) { orderHealthBoard(year: $y, trackId: $t) {
  year asOf
  company { track { id } annualTarget booked gap gapStatus weightedPipeline coverage coverageStatus rhythm rhythmStatus monthsLeft monthlyAverage hPotentialThisMonth }
  tracks { track { id } annualTarget targetToDate booked gap gapStatus weightedPipeline coverage coverageStatus rhythm rhythmStatus monthsLeft monthlyAverage bookedThisMonth hPotentialThisMonth
    pipelineDeals(first: 10) { totalCount nodes { id amount stage } }
    hPotentialDeals(first: 10) { totalCount nodes { id } }
    orders(first: 10) { totalCount nodes { externalId } } }
  commodityTracks { track { id } monthBooked monthTarget monthAchievement monthStatus yearToDateBooked yearToDateTarget yearToDateAchievement yearToDateStatus
    orders(first: 10) { totalCount } } } }";

/// 消费电子I (molding integrated): 1 M yuan of order target a month in 2026, 9 M booked.
/// 医疗器械 (commodity): 100 000 yuan of target in November and in December, 95 000 booked in December.
pub(crate) async fn fixture(app: &TestApp) -> (Vec<i64>, i64) {
    app.clock.set("2026-12-03T02:00:00Z".parse().unwrap()); // 10:00, 3 December, Shanghai
    let admin = app.login("admin@test.local").await;
    let (t1, t2) = ("消费电子I", "医疗器械");
    let mut targets: Vec<Value> = (1..=12)
        .map(|m| json!({ "month": format!("2026-{m:02}"), "track": t1, "amount": "1000000" }))
        .collect();
    targets.push(json!({ "month": "2025-12", "track": t1, "amount": "5000000" }));
    targets.push(json!({ "month": "2026-11", "track": t2, "amount": "100000" }));
    targets.push(json!({ "month": "2026-12", "track": t2, "amount": "100000" }));
    // An account manager's target is not the track's.
    targets.push(json!({ "month": "2026-12", "track": t1, "accountManager": "a1@test.local", "amount": "777" }));
    let order = |ext: &str, date: &str, track: &str, am: &str, amount: &str| json!({ "externalId": ext, "date": date, "track": track, "accountManager": am, "customer": "华为", "amount": amount });
    let orders = json!([
        order("O-1", "2026-03-10", t1, "a1@test.local", "8000000"),
        order("O-2", "2026-12-01", t1, "a2@test.local", "1000000"),
        order("O-0", "2025-12-20", t1, "a1@test.local", "5000000"), // last year's
        order("O-3", "2026-12-02", t2, "a3@test.local", "95000"),
    ]);
    for (kind, rows) in [("ORDER_TARGETS", json!(targets)), ("ORDERS", orders)] {
        app.post(Some(&admin), IMPORT, json!({ "k": kind, "rows": rows })).await.data();
    }
    // Deals of 100 000 yuan each; active = a follow-up since 19 November (15 days to 3 December).
    let recent = sh(2026, 11, 30);
    let deal = |stage: Stage, status: OpportunityStatus, last: chrono::DateTime<chrono::Utc>, track: i64| DealSpec {
        stage,
        status,
        last_activity_at: last,
        stage_entered_at: sh(2026, 11, 1),
        secured_at: (stage == Stage::Secured).then_some(sh(2026, 11, 2)),
        ..DealSpec::new(if track == org::T1 { org::A1 } else { org::A3 }, track)
    };
    let quotation = app
        .insert_deal(deal(Stage::Quotation, OpportunityStatus::Active, recent, org::T1))
        .await;
    // H Potential, its precision forecast ordering on 1 December (the helper's).
    let h = app
        .insert_deal(deal(Stage::HPotential, OpportunityStatus::Active, recent, org::T1))
        .await;
    // Out of the pool: last followed up on 18 November (the cutoff is the 19th), shelved, secured, another line's.
    app.insert_deal(deal(Stage::DeepNegotiation, OpportunityStatus::Active, sh(2026, 11, 18), org::T1))
        .await;
    app.insert_deal(deal(Stage::Quotation, OpportunityStatus::Shelved, recent, org::T1))
        .await;
    app.insert_deal(deal(Stage::Secured, OpportunityStatus::Active, recent, org::T1))
        .await;
    app.insert_deal(deal(Stage::Quotation, OpportunityStatus::Active, recent, org::T2))
        .await;
    (vec![quotation, h], h)
}

pub(crate) async fn board(app: &TestApp, who: &str, year: i64, track: Option<i64>) -> Gql {
    let token = app.login(&format!("{who}@test.local")).await;
    app.post(Some(&token), BOARD, json!({ "y": year, "t": track.map(|t| t.to_string()) }))
        .await
}

#[tokio::test]
async fn the_three_numbers_and_the_commodity_achievement_as_computed_by_hand() {
    let app = spawn_app().await;
    let (pool, h) = fixture(&app).await;
    let r = board(&app, "ceo", 2026, None).await;
    let b = &r.data()["orderHealthBoard"];
    assert_eq!(b["asOf"], "2026-12-03");
    let t1 = &b["tracks"][0];
    // 12 M target − 9 M booked = 3 M; behind the 12 M of targets so far.
    assert_eq!(t1["annualTarget"], "12000000.00");
    assert_eq!(t1["targetToDate"], "12000000.00");
    assert_eq!(t1["booked"], "9000000.00");
    assert_eq!(t1["bookedThisMonth"], "1000000.00");
    assert_eq!(t1["gap"], "3000000.00");
    assert_eq!(t1["gapStatus"], "BELOW");
    // 100 000 × 30 % + 100 000 × 80 % = 110 000; ÷ 3 M = 0.0367, below 1.5.
    assert_eq!(t1["weightedPipeline"], "110000.00");
    assert!((t1["coverage"].as_f64().unwrap() - 110_000.0 / 3_000_000.0).abs() < 1e-12);
    assert_eq!(t1["coverageStatus"], "BELOW");
    // December: one month left, all 3 M of it; the average month so far 9 M ÷ 12.
    assert_eq!(t1["monthsLeft"], 1);
    assert_eq!(t1["rhythm"], "3000000.00");
    assert_eq!(t1["monthlyAverage"], "750000.00");
    assert_eq!(t1["rhythmStatus"], "BELOW");
    assert_eq!(t1["hPotentialThisMonth"], "100000.00");
    // The company is its molding-integrated tracks: here, 消费电子I alone.
    let company = &b["company"];
    assert_eq!(company["track"], Value::Null);
    for field in [
        "annualTarget",
        "booked",
        "gap",
        "weightedPipeline",
        "coverage",
        "rhythm",
        "monthlyAverage",
        "hPotentialThisMonth",
    ] {
        assert_eq!(company[field], t1[field], "{field}");
    }
    // The deals and rows behind the figures; the pool's weighted sum is the figure.
    let nodes = t1["pipelineDeals"]["nodes"].as_array().unwrap();
    let ids: Vec<i64> = nodes.iter().map(|n| n["id"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, pool);
    let weight = |stage: &str| match stage {
        "QUOTATION" => 0.3,
        "H_POTENTIAL" => 0.8,
        other => panic!("{other} is not in the pool"),
    };
    let weighted: f64 = nodes
        .iter()
        .map(|n| n["amount"].as_str().unwrap().parse::<f64>().unwrap() * weight(n["stage"].as_str().unwrap()))
        .sum();
    assert_eq!(format!("{weighted:.2}"), t1["weightedPipeline"].as_str().unwrap());
    assert_eq!(t1["pipelineDeals"]["totalCount"], 2);
    assert_eq!(t1["hPotentialDeals"]["nodes"], json!([{ "id": h.to_string() }]));
    assert_eq!(t1["orders"]["nodes"], json!([{ "externalId": "O-2" }, { "externalId": "O-1" }]));
    // 医疗器械: December 95 000 of 100 000 (95 %, at or above the 90 % line); the year so far 95 000 of 200 000.
    let t2 = &b["commodityTracks"][0];
    assert_eq!(t2["track"]["id"], org::T2.to_string());
    assert_eq!(
        (t2["monthBooked"].as_str(), t2["monthTarget"].as_str()),
        (Some("95000.00"), Some("100000.00"))
    );
    assert_eq!(t2["monthAchievement"], 95.0);
    assert_eq!(t2["monthStatus"], "OK");
    assert_eq!(t2["yearToDateTarget"], "200000.00");
    assert_eq!(t2["yearToDateAchievement"], 47.5);
    assert_eq!(t2["yearToDateStatus"], "BELOW");
    assert_eq!(t2["orders"]["totalCount"], 1);
    // Last year's: its own target and orders, the gap final (0 here: met), nothing left to cover.
    let r = board(&app, "ceo", 2025, Some(org::T1)).await;
    let last = &r.data()["orderHealthBoard"]["tracks"][0];
    assert_eq!((last["gap"].as_str(), last["gapStatus"].as_str()), (Some("0.00"), Some("REACHED")));
    assert_eq!(last["weightedPipeline"], "0.00");
    assert_eq!(r.data()["orderHealthBoard"]["company"], Value::Null);
}

#[tokio::test]
async fn each_role_sees_its_tracks_and_an_account_manager_none() {
    let app = spawn_app().await;
    fixture(&app).await;
    let ids = |r: &Gql, list: &str| -> Vec<String> {
        r.data()["orderHealthBoard"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["track"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for who in ["ceo", "secretary", "admin"] {
        let r = board(&app, who, 2026, None).await;
        assert_eq!(ids(&r, "tracks"), vec![org::T1.to_string()], "{who}");
        assert_eq!(ids(&r, "commodityTracks"), vec![org::T2.to_string()], "{who}");
        assert!(r.data()["orderHealthBoard"]["company"].is_object(), "{who}");
    }
    // A director: his track, no company figures; another's track is not found.
    let r = board(&app, "d1", 2026, None).await;
    assert_eq!(ids(&r, "tracks"), vec![org::T1.to_string()]);
    assert!(ids(&r, "commodityTracks").is_empty());
    assert_eq!(r.data()["orderHealthBoard"]["company"], Value::Null);
    assert_eq!(board(&app, "d1", 2026, Some(org::T2)).await.code(), "NOT_FOUND");
    let r = board(&app, "d2", 2026, None).await;
    assert!(ids(&r, "tracks").is_empty());
    assert_eq!(ids(&r, "commodityTracks"), vec![org::T2.to_string()]);
    // The CEO asking for one track: that track, not the company.
    let r = board(&app, "ceo", 2026, Some(org::T1)).await;
    assert_eq!(r.data()["orderHealthBoard"]["company"], Value::Null);
    for who in ["a1", "a3"] {
        assert_eq!(board(&app, who, 2026, None).await.code(), "FORBIDDEN", "{who}");
    }
    // A year to come, a year out of range, a bad id: every problem named.
    assert_eq!(board(&app, "ceo", 2027, None).await.fields(), vec!["year"]);
    let token = app.login("ceo@test.local").await;
    let r = app.post(Some(&token), BOARD, json!({ "y": 1000, "t": "x" })).await;
    assert_eq!(r.fields(), vec!["trackId", "year"]);
}

const FUNNEL: &str = "query($t: ID, $l: BusinessLine) { funnel(trackId: $t, businessLine: $l) { asOf lines {
  businessLine track { id } accountManager { id } weightedPipeline annualTarget booked remainingTarget coverage coverageStatus coverageAlertBelow
  secured lost conversion conversionStatus conversionAlertBelow conversionTarget movedOut
  stages { stage count amount activeCount weightedAmount averageDaysInStage }
  accountManagers { accountManager { id } track { id } weightedPipeline deals activeDeals secured lost conversion movedOut }
  deals(stage: QUOTATION, first: 10) { totalCount nodes { id } } } } }";

async fn funnel(app: &TestApp, who: &str, vars: Value) -> Gql {
    let token = app.login(&format!("{who}@test.local")).await;
    app.post(Some(&token), FUNNEL, vars).await
}

#[tokio::test]
async fn the_live_funnel_per_line_as_computed_by_hand_and_scoped() {
    let app = spawn_app().await;
    let (pool, _) = fixture(&app).await;
    // One more quotation deal of 消费电子I, lost today through the API: an outcome of the window.
    let lost = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 11, 30),
            ..DealSpec::new(org::A1, org::T1)
        })
        .await;
    let a1 = app.login("a1@test.local").await;
    let r = app
        .post(
            Some(&a1),
            "mutation($id: ID!) { loseOpportunity(id: $id, version: 1, reason: \"价格\") { status } }",
            json!({ "id": lost.to_string() }),
        )
        .await;
    assert_eq!(r.data()["loseOpportunity"]["status"], "LOST");
    let r = funnel(&app, "ceo", json!({})).await;
    let lines = r.data()["funnel"]["lines"].as_array().unwrap().clone();
    assert_eq!(
        lines.iter().map(|l| l["businessLine"].as_str().unwrap()).collect::<Vec<_>>(),
        vec!["MOLDING_INTEGRATED", "COMMODITY_MOLD"]
    );
    let m = &lines[0];
    // The same pool as the order-health board: 30 000 + 80 000.
    assert_eq!(m["weightedPipeline"], "110000.00");
    assert_eq!(m["remainingTarget"], "3000000.00");
    assert_eq!(m["coverageStatus"], "BELOW");
    assert_eq!(m["coverageAlertBelow"], 1.5);
    // Secured on 2 November, lost today: 1 ÷ 2, at or above molding's 20 %.
    assert_eq!((m["secured"].as_i64(), m["lost"].as_i64()), (Some(1), Some(1)));
    assert_eq!(m["conversion"], 0.5);
    assert_eq!(m["conversionStatus"], "OK");
    assert_eq!(
        (m["conversionAlertBelow"].as_f64(), m["conversionTarget"].as_f64()),
        (Some(0.2), Some(0.5))
    );
    // Open deals by stage; each entered its stage on 1 November 00:00 Shanghai: 32 days and 10 hours ago.
    assert_eq!(
        m["stages"],
        json!([
            { "stage": "INITIAL_IDENTIFICATION", "count": 0, "amount": "0.00", "activeCount": 0, "weightedAmount": "0.00", "averageDaysInStage": null },
            { "stage": "QUOTATION", "count": 1, "amount": "100000.00", "activeCount": 1, "weightedAmount": "30000.00", "averageDaysInStage": 32.4 },
            { "stage": "DEEP_NEGOTIATION", "count": 1, "amount": "100000.00", "activeCount": 0, "weightedAmount": "0.00", "averageDaysInStage": 32.4 },
            { "stage": "H_POTENTIAL", "count": 1, "amount": "100000.00", "activeCount": 1, "weightedAmount": "80000.00", "averageDaysInStage": 32.4 },
        ])
    );
    assert_eq!(m["movedOut"], 0);
    assert_eq!(
        m["accountManagers"],
        json!([{ "accountManager": { "id": org::A1.to_string() }, "track": { "id": org::T1.to_string() }, "weightedPipeline": "110000.00",
            "deals": 3, "activeDeals": 2, "secured": 1, "lost": 1, "conversion": 0.5, "movedOut": 0 }])
    );
    assert_eq!(m["deals"]["nodes"], json!([{ "id": pool[0].to_string() }]));
    let c = &lines[1];
    assert_eq!((c["weightedPipeline"].as_str(), c["conversion"].as_f64()), (Some("30000.00"), None));
    assert_eq!(c["conversionStatus"], "NO_DATA");
    // A director: his track's line only; another's track is not found.
    let r = funnel(&app, "d2", json!({})).await;
    let lines = r.data()["funnel"]["lines"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["businessLine"], "COMMODITY_MOLD");
    assert_eq!(funnel(&app, "d1", json!({ "t": org::T2.to_string() })).await.code(), "NOT_FOUND");
    let r = funnel(&app, "ceo", json!({ "l": "COMMODITY_MOLD" })).await;
    assert_eq!(r.data()["funnel"]["lines"].as_array().unwrap().len(), 1);
    // An account manager: his own deals, targets and orders (777 yuan of target, 8 M booked).
    let r = funnel(&app, "a1", json!({})).await;
    let mine = &r.data()["funnel"]["lines"][0];
    assert_eq!(mine["accountManager"]["id"], org::A1.to_string());
    assert_eq!(
        (mine["annualTarget"].as_str(), mine["booked"].as_str()),
        (Some("777.00"), Some("8000000.00"))
    );
    assert_eq!(mine["coverageStatus"], "REACHED");
    let r = funnel(&app, "a3", json!({})).await;
    let theirs = &r.data()["funnel"]["lines"][0];
    assert_eq!(theirs["accountManagers"][0]["accountManager"]["id"], org::A3.to_string());
    assert_eq!(theirs["deals"]["totalCount"], 1);
    assert_eq!(funnel(&app, "a1", json!({ "t": org::T1.to_string() })).await.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_deal_secured_reaches_the_order_health_dashboards_in_its_scope_only() {
    use crate::websocket::{Got, next, open, send};
    let app = spawn_app().await;
    let people = ["ceo", "secretary", "admin", "d1", "d2", "a1", "a2", "a3"];
    let sub = json!({ "id": "h", "type": "subscribe", "payload": { "query":
        "subscription { orderHealthEvents(after: \"0\") { id kind kindLabel track { id } opportunity { id stage } } }" } });
    let mut sockets = Vec::new();
    for who in people {
        let token = app.login(&format!("{who}@test.local")).await;
        let mut ws = open(&app, &token).await;
        send(&mut ws, sub.clone()).await;
        sockets.push((who, ws));
    }
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "华为外壳").await;
    let moved = "mutation($id: ID!, $v: Int!, $s: Stage!, $p: PrecisionForecastInput) {
      moveOpportunityStage(id: $id, version: $v, stage: $s, precisionForecast: $p) { stage version } }";
    // A move short of SECURED tells no one.
    let r = app
        .post(Some(&a1), moved, json!({ "id": id, "v": 1, "s": "DEEP_NEGOTIATION" }))
        .await;
    assert_eq!(r.data()["moveOpportunityStage"]["version"], 2);
    let r = app
        .post(
            Some(&a1),
            moved,
            json!({ "id": id, "v": 2, "s": "SECURED", "p": { "orderDate": "2026-12-20", "amount": "100000" } }),
        )
        .await;
    assert_eq!(r.data()["moveOpportunityStage"]["stage"], "SECURED");
    for (who, ws) in &mut sockets {
        let mut got = Vec::new();
        while let Some(Got::Json(m)) = next(ws, 1).await {
            assert!(m["payload"]["errors"].is_null(), "{who}: {m}");
            got.push(m["payload"]["data"]["orderHealthEvents"].clone());
        }
        let sees = ["ceo", "secretary", "admin", "d1", "a1"].contains(who);
        assert_eq!(got.len(), usize::from(sees), "{who}: {got:?}");
        if let Some(e) = got.first() {
            assert_eq!(e["kind"], "DEAL_SECURED");
            assert_eq!(e["track"]["id"], "1");
            assert_eq!(e["opportunity"]["id"], id.as_str(), "{who}");
            assert_eq!(e["opportunity"]["stage"], "SECURED");
        }
    }
}
