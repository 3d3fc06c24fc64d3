//! Baselines (承接基准) and target migrations (目标迁移申请): the year's
//! snapshot once, readable as of any instant; a migration asked for by the
//! account manager, decided by the track's director, executed once by the
//! admin as a new version, overdue after 2 days; locked and foreign deals
//! refused with every bad field; who sees and hears what.

use crate::helpers::*;
use chrono::{DateTime, Duration, Utc};
use entity::{OpportunityStatus, Stage};
use serde_json::{Value, json};

const TAKE: &str = "mutation { takeBaseline { year alreadyTaken entries } }";

const BASELINE: &str = "query($y: Int!, $at: DateTime, $t: ID) { baseline(year: $y, asOf: $at, trackId: $t, first: 100) {
  year version { number } entries { opportunityId amount expectedOrderMonth version } } }";

const REQUEST: &str = "mutation($i: RequestTargetMigrationInput!) { requestTargetMigration(input: $i) {
  id status statusLabel version amount track { id } requestedBy { email } } }";

const DECIDE: &str =
    "mutation($id: ID!, $a: Boolean!, $c: String, $v: Int!) { decideTargetMigration(id: $id, approve: $a, comment: $c, version: $v) {
  id status version executeDueAt decidedBy { email } } }";

const EXECUTE: &str = "mutation($id: ID!, $v: Int!) { executeTargetMigration(id: $id, version: $v) { id status baselineVersion version } }";

const LIST: &str = "{ targetMigrations(first: 50) { totalCount nodes { id status } } }";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn amounts(r: &Value) -> Vec<(String, String)> {
    r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["opportunityId"].as_str().unwrap().to_owned(),
                e["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_target_moves_to_a_replacement_once_as_a_new_baseline_version() {
    use crate::websocket::{Got, next, subscribed};
    let app = spawn_app().await;
    app.clock.set(at("2026-12-01T02:00:00Z"));
    let month = chrono::NaiveDate::from_ymd_opt(2027, 2, 1);
    // a1's slipping deal (100,000 forecast for February) and its replacement (no forecast yet).
    let slipping = app
        .insert_deal(DealSpec {
            expected_order_month: month,
            ..DealSpec::new(org::A1, org::T1)
        })
        .await;
    let replacement = app.insert_deal(DealSpec::new(org::A1, org::T1)).await;
    let other = app.insert_deal(DealSpec::new(org::A2, org::T1)).await;
    let commodity = app
        .insert_deal(DealSpec {
            expected_order_month: month,
            ..DealSpec::new(org::A3, org::T2)
        })
        .await;
    // Lost and secured deals are not in the baseline.
    app.insert_deal(DealSpec {
        status: OpportunityStatus::Lost,
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    app.insert_deal(DealSpec {
        stage: Stage::Secured,
        secured_at: Some(sh(2026, 11, 1)),
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    let a1 = app.login("a1@test.local").await;
    let locked = app
        .create_opportunity(
            &a1,
            json!({ "name": "模具开发", "customerName": "华为", "kind": "MOLD_DEVELOPMENT", "amount": "50000",
                     "rollingForecast": { "expectedOrderMonth": "2027-03", "amount": "50000" } }),
        )
        .await;
    // Before the snapshot, each sees the open deals still missing a forecast: his own, his tracks'.
    let unfilled = "{ opportunities(first: 100, filter: { forecastMissing: true, statuses: [ACTIVE, SHELVED], stages: [INITIAL_IDENTIFICATION, QUOTATION, DEEP_NEGOTIATION, H_POTENTIAL] }) { nodes { id } } }";
    let ids = |r: &Value| -> Vec<String> {
        r["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mine = app.post(Some(&a1), unfilled, json!({})).await;
    assert_eq!(ids(mine.data()), vec![replacement.to_string()]);
    let d1 = app.login("d1@test.local").await;
    let theirs = app.post(Some(&d1), unfilled, json!({})).await;
    assert_eq!(ids(theirs.data()), vec![replacement.to_string(), other.to_string()]);

    let admin = app.login("admin@test.local").await;
    assert_eq!(app.post(Some(&d1), TAKE, json!({})).await.code(), "FORBIDDEN");
    let taken = app.post(Some(&admin), TAKE, json!({})).await;
    assert_eq!(
        taken.data()["takeBaseline"],
        json!({ "year": 2026, "alreadyTaken": false, "entries": 5 })
    );
    let again = app.post(Some(&admin), TAKE, json!({})).await;
    assert_eq!(again.data()["takeBaseline"]["alreadyTaken"], true);
    assert_eq!(app.count_rows("baseline_entry").await, 5);
    let snapshot_time = app.state.clock.now();

    let mut sockets = subscribed(
        &app,
        &["ceo", "admin", "d1", "d2", "a1", "a2"],
        "subscription { funnelEvents(after: \"0\") { kind targetMigration { id status } } }",
    )
    .await;

    // Bad requests: every bad field, nothing written.
    let ask = |from: &str, to: &str, amount: &str, reason: &str| json!({ "i": { "fromOpportunityId": from, "toOpportunityId": to, "amount": amount, "reason": reason } });
    let (s, r) = (slipping.to_string(), replacement.to_string());
    for (token, vars, fields) in [
        (&a1, ask(&s, &r, "0", " "), vec!["amount", "reason"]),
        (&a1, ask(&s, &r, "100000.01", "客户项目延期"), vec!["amount"]),
        (&a1, ask(&locked, &r, "100", "客户项目延期"), vec!["fromOpportunityId"]),
        (&a1, ask(&s, &other.to_string(), "100", "客户项目延期"), vec!["toOpportunityId"]),
        (&a1, ask(&s, &commodity.to_string(), "100", "客户项目延期"), vec!["toOpportunityId"]),
        (&a1, ask(&s, &s, "100", "客户项目延期"), vec!["toOpportunityId"]),
        (
            &a1,
            ask("x", &r, "1.001", &"长".repeat(1001)),
            vec!["amount", "fromOpportunityId", "reason"],
        ),
    ] {
        let got = app.post(Some(token), REQUEST, vars.clone()).await;
        let mut f = got.fields();
        f.sort();
        f.dedup();
        assert_eq!(f, fields, "{vars}");
    }
    let a3 = app.login("a3@test.local").await;
    let c = commodity.to_string();
    let refused = app.post(Some(&a3), REQUEST, ask(&c, &c, "100", "x")).await;
    assert!(refused.fields().contains(&"fromOpportunityId".to_owned()));
    let locked_msg = app.post(Some(&a1), REQUEST, ask(&locked, &r, "100", "延期")).await;
    assert!(
        locked_msg.0["errors"][0]["extensions"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("锁定"),
        "{:?}",
        locked_msg.0
    );
    assert_eq!(app.post(Some(&d1), REQUEST, ask(&s, &r, "100", "x")).await.code(), "FORBIDDEN");
    assert_eq!(app.count_rows("target_migration").await, 0);

    let made = app
        .post(Some(&a1), REQUEST, ask(&s, &r, "40000", "客户项目延期，转移至替代商机"))
        .await;
    let m = made.data()["requestTargetMigration"].clone();
    assert_eq!(
        (m["status"].as_str(), m["statusLabel"].as_str()),
        (Some("REQUESTED"), Some("待审批"))
    );
    let id = m["id"].as_str().unwrap().to_owned();
    // Deciding: the track's director only; a rejection needs a comment.
    let d2 = app.login("d2@test.local").await;
    assert_eq!(
        app.post(Some(&d2), DECIDE, json!({ "id": id, "a": true, "v": 1 })).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.post(Some(&a1), DECIDE, json!({ "id": id, "a": true, "v": 1 })).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(Some(&d1), DECIDE, json!({ "id": id, "a": false, "v": 1 })).await.fields(),
        vec!["comment"]
    );
    assert_eq!(
        app.post(Some(&d1), DECIDE, json!({ "id": id, "a": true, "v": 9 })).await.code(),
        "CONFLICT"
    );
    app.clock.set(at("2026-12-02T02:00:00Z"));
    let ok = app
        .post(Some(&d1), DECIDE, json!({ "id": id, "a": true, "c": "同意", "v": 1 }))
        .await;
    let ok = &ok.data()["decideTargetMigration"];
    assert_eq!(ok["status"], "APPROVED");
    assert_eq!(ok["executeDueAt"], "2026-12-04T02:00:00+00:00");
    let before_execution = app.state.clock.now();
    // Executing: the admin's, exactly once among concurrent callers.
    assert_eq!(app.post(Some(&d1), EXECUTE, json!({ "id": id, "v": 2 })).await.code(), "FORBIDDEN");
    app.clock.set(at("2026-12-03T02:00:00Z"));
    let calls = (0..8).map(|_| app.post(Some(&admin), EXECUTE, json!({ "id": id, "v": 2 })));
    let results = futures_util::future::join_all(calls).await;
    let won: Vec<_> = results.iter().filter(|r| r.0["errors"].is_null()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(won[0].data()["executeTargetMigration"]["baselineVersion"], 2);
    for r in results.iter().filter(|r| !r.0["errors"].is_null()) {
        assert!(["CONFLICT", "VALIDATION"].contains(&r.code()), "{:?}", r.0);
    }
    assert_eq!(app.count_rows("baseline_version").await, 2);

    // The baseline as of any instant: before, the snapshot; now, the moved amounts.
    let read = |when: DateTime<Utc>| {
        let (app, token) = (&app, admin.clone());
        async move {
            let r = app.post(Some(&token), BASELINE, json!({ "y": 2026, "at": when, "t": "1" })).await;
            r.data()["baseline"].clone()
        }
    };
    let then = read(before_execution).await;
    assert_eq!(then["version"]["number"], 1);
    let now = read(app.state.clock.now()).await;
    assert_eq!(now["version"]["number"], 2);
    let find = |b: &Value, id: i64| amounts(b).into_iter().find(|(o, _)| *o == id.to_string()).map(|(_, a)| a);
    assert_eq!(find(&then, slipping).as_deref(), Some("100000.00"));
    assert_eq!(find(&then, replacement).as_deref(), Some("100000.00"));
    assert_eq!(find(&now, slipping).as_deref(), Some("60000.00"));
    assert_eq!(find(&now, replacement).as_deref(), Some("140000.00"));
    let early = read(snapshot_time - Duration::seconds(1)).await;
    assert_eq!((early["version"].clone(), early["entries"].clone()), (Value::Null, json!([])));
    // An account manager reads his own lines only; a director his tracks'.
    let own = app.post(Some(&a1), BASELINE, json!({ "y": 2026 })).await;
    assert!(amounts(&own.data()["baseline"]).iter().all(|(o, _)| *o != other.to_string()));
    let d2_lines = app.post(Some(&d2), BASELINE, json!({ "y": 2026 })).await;
    assert_eq!(
        amounts(&d2_lines.data()["baseline"]),
        vec![(commodity.to_string(), "100000.00".to_owned())]
    );

    // The versions: the snapshot for everyone, an execution for those who see its migration.
    let versions = "{ baselineVersions(year: 2026) { number migration { id } } }";
    let all_versions = app.post(Some(&admin), versions, json!({})).await;
    assert_eq!(all_versions.data()["baselineVersions"].as_array().unwrap().len(), 2);
    let d2_versions = app.post(Some(&d2), versions, json!({})).await;
    assert_eq!(d2_versions.data()["baselineVersions"], json!([{ "number": 1, "migration": null }]));
    // The baseline he reads stands at the version he may list, not at another track's.
    assert_eq!(d2_lines.data()["baseline"]["version"]["number"], 1);
    assert_eq!(
        app.post(Some(&admin), BASELINE, json!({ "y": 2026 })).await.data()["baseline"]["version"]["number"],
        2
    );
    // A second approval left unexecuted past its 2 days: overdue, escalated once.
    let second = app.post(Some(&a1), REQUEST, ask(&s, &r, "1000", "再次延期")).await;
    let second = second.data()["requestTargetMigration"]["id"].as_str().unwrap().to_owned();
    app.post(Some(&d1), DECIDE, json!({ "id": second, "a": true, "v": 1 })).await.data();
    app.clock.set(at("2026-12-05T03:00:00Z"));
    api::service::baseline::mark_overdue(&app.state, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        api::service::baseline::mark_overdue(&app.state, app.state.clock.now())
            .await
            .unwrap(),
        0
    );

    // Who sees the requests, and who heard what.
    for (who, n) in [("ceo", 2), ("admin", 2), ("d1", 2), ("d2", 0), ("a1", 2), ("a2", 0)] {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&token), LIST, json!({})).await;
        assert_eq!(r.data()["targetMigrations"]["nodes"].as_array().unwrap().len(), n, "{who}");
        assert_eq!(r.data()["targetMigrations"]["totalCount"], n, "{who}");
    }
    let mut heard = std::collections::HashMap::new();
    for (who, ws) in &mut sockets {
        let mut kinds = Vec::new();
        while let Some(Got::Json(m)) = next(ws, 1).await {
            assert!(m["payload"]["errors"].is_null(), "{who}: {m}");
            kinds.push(m["payload"]["data"]["funnelEvents"]["kind"].as_str().unwrap().to_owned());
        }
        heard.insert(*who, kinds);
    }
    let all = vec![
        "TARGET_MIGRATION_REQUESTED",
        "TARGET_MIGRATION_DECIDED",
        "TARGET_MIGRATION_EXECUTED",
        "TARGET_MIGRATION_REQUESTED",
        "TARGET_MIGRATION_DECIDED",
        "TARGET_MIGRATION_OVERDUE",
    ];
    for who in ["ceo", "admin", "d1"] {
        assert_eq!(heard[who], all, "{who}");
    }
    assert_eq!(
        heard["a1"],
        vec!["TARGET_MIGRATION_DECIDED", "TARGET_MIGRATION_EXECUTED", "TARGET_MIGRATION_DECIDED"]
    );
    assert!(heard["d2"].is_empty() && heard["a2"].is_empty(), "{heard:?}");
}
