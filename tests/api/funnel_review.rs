//! The funnel reviews: `monthlyFunnelReview` of a track (the month-end
//! snapshot's stages or the live ones, alerts per rule with their outcomes,
//! restarts due and whether handled on time, the month's tasks) and
//! `quarterlyReview` (who keeps triggering the follow-up and stall rules,
//! shelve reasons by side) — figures, scope and bad input.

use crate::helpers::*;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{OpportunityStatus, Stage};
use serde_json::{Value, json};

const REVIEW: &str = "query($t: ID!, $m: String!) { monthlyFunnelReview(trackId: $t, month: $m) {
  track { id } month closed activeCount activeCountBefore activeCountChange
  snapshot { month activeCount } liveFunnel { weightedPipeline }
  stages { stage count amount activeCount weightedAmount averageDaysInStage }
  coverageTrend { month coverage }
  funnelAlert { id month }
  alertsByRule { rule ruleLabel raised open kept shelved lost reactivated }
  restartsDue { opportunity { id } restartDate alert { id } handling handlingLabel decision }
  restartsDueCount restartsOnTime
  tasks { id kind owner { email } } } }";

const RESOLVE: &str = "mutation($id: ID!, $i: ResolveAlertInput!) { resolveAlert(id: $id, input: $i) { status } }";

const QUARTERLY: &str = "query($y: Int!, $q: Int!, $t: ID) { quarterlyReview(year: $y, quarter: $q, trackId: $t) {
  year quarter label track { id }
  repeatTriggers { accountManager { email } alerts monthsWithAlerts byMonth { month count } byRule { rule count } }
  shelving { customerSide ourSide customerShare byReason { reason reasonLabel customerSide count } } } }";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn alert_of(app: &TestApp, token: &str, deal: i64, rule: &str) -> String {
    let r = app
        .post(Some(token), "{ alerts(first: 100) { nodes { id opportunityId rule } } }", json!({}))
        .await;
    r.data()["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["opportunityId"].as_str() == Some(deal.to_string().as_str()) && n["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} alert on {deal}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn rule<'a>(review: &'a Value, name: &str) -> &'a Value {
    review["alertsByRule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == name)
        .unwrap()
}

#[tokio::test]
async fn a_closed_month_is_reviewed_from_its_snapshot_with_alerts_restarts_and_tasks() {
    let app = spawn_app().await;
    app.clock.set(at("2026-11-03T02:00:00Z"));
    // A quiet deal of a1 (no follow-up since 1 October) and two shelved ones due in November.
    let quiet = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            stage_entered_at: sh(2026, 10, 1),
            ..DealSpec::new(org::A1, org::T1)
        })
        .await;
    let shelved = |restart| DealSpec {
        status: OpportunityStatus::Shelved,
        restart_date: Some(restart),
        last_activity_at: sh(2026, 9, 1),
        stage_entered_at: sh(2026, 9, 1),
        ..DealSpec::new(org::A1, org::T1)
    };
    let early = app.insert_deal(shelved(day(2026, 11, 5))).await;
    let late = app.insert_deal(shelved(day(2026, 11, 20))).await;
    // Another track's restart in November is not track 1's.
    let other = app
        .insert_deal(DealSpec {
            owner: org::A3,
            track: org::T2,
            ..shelved(day(2026, 11, 10))
        })
        .await;
    let open = app
        .insert_deal(DealSpec {
            stage: Stage::DeepNegotiation,
            last_activity_at: sh(2026, 11, 2),
            stage_entered_at: sh(2026, 11, 1),
            ..DealSpec::new(org::A2, org::T1)
        })
        .await;
    let report = app.scan(at("2026-11-03T02:00:00Z")).await;
    assert_eq!(raised(&report, "NO_FOLLOW_UP"), 1, "{report}");
    assert_eq!(raised(&report, "SHELVE_RESTART_DUE"), 1, "{report}");
    // a1 keeps the quiet deal and reactivates the early one the next day: on time.
    app.clock.set(at("2026-11-04T02:00:00Z"));
    let a1 = app.login("a1@test.local").await;
    let kept = alert_of(&app, &a1, quiet, "NO_FOLLOW_UP").await;
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": kept, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "KEEP" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["status"], "RESOLVED");
    let restart = alert_of(&app, &a1, early, "SHELVE_RESTART_DUE").await;
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": restart, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "REACTIVATE" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["status"], "RESOLVED");
    // The director gives a1 an add task in November, without a funnel alert.
    app.clock.set(at("2026-11-10T02:00:00Z"));
    let d1 = app.login("d1@test.local").await;
    let dispatch = "mutation($i: DispatchFunnelTaskInput!) { dispatchFunnelTask(input: $i) { id } }";
    let task = app
        .post(
            Some(&d1),
            dispatch,
            json!({ "i": { "trackId": "1", "kind": "ADD_OPPORTUNITIES", "ownerId": "101", "count": 2, "description": "补充两个新商机" } }),
        )
        .await;
    let task = task.data()["dispatchFunnelTask"]["id"].clone();

    // The month-end check keeps the stages the live funnel shows at that moment.
    let month_end = at("2026-11-30T15:59:00Z");
    app.clock.set(month_end);
    let live = app
        .post(
            Some(&d1),
            "query { funnel(trackId: \"1\") { lines { stages { stage count amount activeCount weightedAmount averageDaysInStage } } } }",
            json!({}),
        )
        .await;
    let live_stages = live.data()["funnel"]["lines"][0]["stages"].clone();
    // Before the check, November under way is reviewed live.
    let before = app.post(Some(&d1), REVIEW, json!({ "t": "1", "m": "2026-11" })).await;
    let before = &before.data()["monthlyFunnelReview"];
    assert_eq!(before["closed"], false);
    assert!(before["liveFunnel"].is_object());
    assert_eq!(before["stages"], live_stages);
    api::service::funnel_alerts::run_due(&app.state, month_end).await.unwrap().unwrap();

    app.clock.set(at("2026-12-01T02:00:00Z"));
    let r = app.post(Some(&d1), REVIEW, json!({ "t": "1", "m": "2026-11" })).await;
    let review = &r.data()["monthlyFunnelReview"];
    assert_eq!(review["month"], "2026-11");
    assert_eq!(review["closed"], true);
    assert_eq!(review["liveFunnel"], Value::Null);
    assert_eq!(
        review["stages"], live_stages,
        "the snapshot's stages are the live ones of its moment"
    );
    let total: i64 = review["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .sum();
    // The quiet deal, the reactivated one and a2's negotiation: three open deals.
    assert_eq!(total, 3);
    assert_eq!(review["snapshot"]["activeCount"], review["activeCount"]);
    assert_eq!(review["activeCountBefore"], Value::Null, "no October snapshot");
    assert_eq!(review["activeCountChange"], Value::Null);
    assert_eq!(review["coverageTrend"].as_array().unwrap().len(), 1);
    let nf = rule(review, "NO_FOLLOW_UP");
    assert_eq!(
        (nf["raised"].as_i64(), nf["kept"].as_i64(), nf["open"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    let rd = rule(review, "SHELVE_RESTART_DUE");
    assert_eq!((rd["raised"].as_i64(), rd["reactivated"].as_i64()), (Some(1), Some(1)));
    assert_eq!(rule(review, "STALLED_NEGOTIATION")["raised"], 0);
    assert_eq!(review["alertsByRule"].as_array().unwrap().len(), 7);
    // The early restart answered on time; the late one never alerted (no scan ran) and missed.
    let restarts = review["restartsDue"].as_array().unwrap();
    let ids: Vec<String> = restarts
        .iter()
        .map(|r| r["opportunity"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec![early.to_string(), late.to_string()], "track 1's only, by date");
    assert!(!ids.contains(&other.to_string()));
    assert_eq!(restarts[0]["handling"], "ON_TIME");
    assert_eq!(restarts[0]["handlingLabel"], "按时处理");
    assert_eq!(restarts[0]["decision"], "REACTIVATE");
    assert_eq!(restarts[0]["alert"]["id"], restart.as_str());
    assert_eq!(restarts[1]["handling"], "MISSED");
    assert_eq!(restarts[1]["alert"], Value::Null);
    assert_eq!(
        (review["restartsDueCount"].as_i64(), review["restartsOnTime"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(review["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(review["tasks"][0]["id"], task);
    // The funnel alert of the month, when the check raised one (no target here: none).
    assert_eq!(review["funnelAlert"], Value::Null);

    // December, under way: live, with November's active count as the one before.
    let dec = app.post(Some(&d1), REVIEW, json!({ "t": "1", "m": "2026-12" })).await;
    let dec = &dec.data()["monthlyFunnelReview"];
    assert_eq!(dec["closed"], false);
    assert_eq!(dec["activeCountBefore"], review["activeCount"]);
    let change = dec["activeCount"].as_i64().unwrap() - review["activeCount"].as_i64().unwrap();
    assert_eq!(dec["activeCountChange"].as_i64(), Some(change));
    assert_eq!(dec["restartsDue"], json!([]));
    assert_eq!(dec["tasks"], json!([]));
    let _ = open;

    // Who may read it: the CEO, the secretary, the admin and the track's directors.
    for who in ["ceo", "secretary", "admin"] {
        let t = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&t), REVIEW, json!({ "t": "1", "m": "2026-11" })).await;
        assert_eq!(r.data()["monthlyFunnelReview"]["restartsDueCount"], 2, "{who}");
    }
    let d2 = app.login("d2@test.local").await;
    assert_eq!(
        app.post(Some(&d2), REVIEW, json!({ "t": "1", "m": "2026-11" })).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.post(Some(&a1), REVIEW, json!({ "t": "1", "m": "2026-11" })).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(Some(&d1), REVIEW, json!({ "t": "999", "m": "2026-11" })).await.code(),
        "NOT_FOUND"
    );
    // Bad input: every bad field at once.
    for (t, m, fields) in [
        ("x", "2026-13", vec!["month", "trackId"]),
        ("1", "2027-01", vec!["month"]),
        ("1", "november", vec!["month"]),
        ("1", &"9".repeat(5000), vec!["month"]),
    ] {
        let r = app.post(Some(&d1), REVIEW, json!({ "t": t, "m": m })).await;
        let mut got = r.fields();
        got.sort();
        assert_eq!(got, fields, "{t} {m}");
    }
}

#[tokio::test]
async fn the_quarter_names_who_keeps_triggering_and_splits_the_shelve_reasons() {
    let app = spawn_app().await;
    // a1: one deal quiet in October, another in November: two months of the quarter.
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 9, 20),
        stage_entered_at: sh(2026, 9, 20),
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 20),
        stage_entered_at: sh(2026, 10, 20),
        ..DealSpec::new(org::A1, org::T1)
    })
    .await;
    // a3 (track 2): two quiet deals, both alerted in October only.
    for _ in 0..2 {
        app.insert_deal(DealSpec {
            last_activity_at: sh(2026, 9, 20),
            stage_entered_at: sh(2026, 9, 20),
            ..DealSpec::new(org::A3, org::T2)
        })
        .await;
    }
    // A stall of a2 in the previous quarter only.
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        last_activity_at: sh(2026, 9, 25),
        stage_entered_at: sh(2026, 7, 1),
        ..DealSpec::new(org::A2, org::T1)
    })
    .await;
    app.clock.set(at("2026-09-28T02:00:00Z"));
    app.scan(at("2026-09-28T02:00:00Z")).await;
    app.clock.set(at("2026-10-20T02:00:00Z"));
    let oct = app.scan(at("2026-10-20T02:00:00Z")).await;
    // a1's, a3's two, and a2's stalled deal (quiet since 25 September).
    assert_eq!(raised(&oct, "NO_FOLLOW_UP"), 4, "{oct}");
    app.clock.set(at("2026-11-10T02:00:00Z"));
    let nov = app.scan(at("2026-11-10T02:00:00Z")).await;
    assert_eq!(raised(&nov, "NO_FOLLOW_UP"), 1, "{nov}");
    // Shelved in the quarter: one for the customer's design (track 1), one for our capacity (track 2).
    let shelve = "mutation($id: ID!, $v: Int!, $i: ShelveInput!) { shelveOpportunity(id: $id, version: $v, input: $i) { status } }";
    let a1 = app.login("a1@test.local").await;
    let a3 = app.login("a3@test.local").await;
    for (token, reason) in [(&a1, "CUSTOMER_DESIGN_NOT_FINAL"), (&a3, "OUR_NO_CAPACITY")] {
        let id = app.quick_deal(token, "待搁置").await;
        let v = app.version_of(token, &id).await;
        let r = app
            .post(
                Some(token),
                shelve,
                json!({ "id": id, "v": v, "i": { "reason": reason, "restartDate": "2027-03-01" } }),
            )
            .await;
        assert_eq!(r.data()["shelveOpportunity"]["status"], "SHELVED");
    }
    app.clock.set(at("2026-12-01T02:00:00Z"));
    let ceo = app.login("ceo@test.local").await;
    let r = app.post(Some(&ceo), QUARTERLY, json!({ "y": 2026, "q": 4 })).await;
    let q = &r.data()["quarterlyReview"];
    assert_eq!(q["label"], "2026-Q4");
    let repeaters = q["repeatTriggers"].as_array().unwrap();
    assert_eq!(repeaters.len(), 1, "a3's two alerts fell in one month: {repeaters:?}");
    let r1 = &repeaters[0];
    assert_eq!(r1["accountManager"]["email"], "a1@test.local");
    assert_eq!((r1["alerts"].as_i64(), r1["monthsWithAlerts"].as_i64()), (Some(2), Some(2)));
    assert_eq!(
        r1["byMonth"],
        json!([{ "month": "2026-10", "count": 1 }, { "month": "2026-11", "count": 1 }, { "month": "2026-12", "count": 0 }])
    );
    assert_eq!(r1["byRule"][0], json!({ "rule": "NO_FOLLOW_UP", "count": 2 }));
    let s = &q["shelving"];
    assert_eq!((s["customerSide"].as_i64(), s["ourSide"].as_i64()), (Some(1), Some(1)));
    assert_eq!(s["customerShare"], 0.5);
    let design = s["byReason"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "CUSTOMER_DESIGN_NOT_FINAL")
        .unwrap();
    assert_eq!((design["count"].as_i64(), design["customerSide"].as_bool()), (Some(1), Some(true)));
    // The quarter before: a2's stall and the September alerts are there, not here.
    let q3 = app.post(Some(&ceo), QUARTERLY, json!({ "y": 2026, "q": 3 })).await;
    assert_eq!(q3.data()["quarterlyReview"]["repeatTriggers"], json!([]));
    assert_eq!(q3.data()["quarterlyReview"]["shelving"]["customerSide"], 0);

    // A director sees his tracks' only; another track of his asked for is not found.
    let d1 = app.login("d1@test.local").await;
    let mine = app.post(Some(&d1), QUARTERLY, json!({ "y": 2026, "q": 4 })).await;
    let mine = &mine.data()["quarterlyReview"];
    assert_eq!(mine["repeatTriggers"].as_array().unwrap().len(), 1);
    assert_eq!(
        (mine["shelving"]["customerSide"].as_i64(), mine["shelving"]["ourSide"].as_i64()),
        (Some(1), Some(0))
    );
    let d2 = app.login("d2@test.local").await;
    let theirs = app.post(Some(&d2), QUARTERLY, json!({ "y": 2026, "q": 4 })).await;
    assert_eq!(theirs.data()["quarterlyReview"]["repeatTriggers"], json!([]));
    assert_eq!(theirs.data()["quarterlyReview"]["shelving"]["ourSide"], 1);
    assert_eq!(
        app.post(Some(&d1), QUARTERLY, json!({ "y": 2026, "q": 4, "t": "2" })).await.code(),
        "NOT_FOUND"
    );
    let one = app.post(Some(&ceo), QUARTERLY, json!({ "y": 2026, "q": 4, "t": "2" })).await;
    assert_eq!(one.data()["quarterlyReview"]["track"]["id"], "2");
    assert_eq!(one.data()["quarterlyReview"]["repeatTriggers"], json!([]));
    assert_eq!(
        app.post(Some(&a1), QUARTERLY, json!({ "y": 2026, "q": 4 })).await.code(),
        "FORBIDDEN"
    );
    for (y, q, t, fields) in [
        (2026, 5, None, vec!["quarter"]),
        (1999, 1, None, vec!["year"]),
        (2026, 0, Some("x"), vec!["quarter", "trackId"]),
    ] {
        let r = app.post(Some(&ceo), QUARTERLY, json!({ "y": y, "q": q, "t": t })).await;
        let mut got = r.fields();
        got.sort();
        assert_eq!(got, fields, "{y} {q} {t:?}");
    }
}
