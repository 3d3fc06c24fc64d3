//! The branches of the rules that no other test walked: date-bound
//! re-firing, the status guards of the rules, answers to a shelved deal's
//! alert, the audience of an overdue review, the evidence an account
//! manager sees, an admin's own account, readiness without a database.

use crate::helpers::*;
use crate::websocket::{Got, next, next_json, open, send};
use chrono::Duration;
use entity::{OpportunityStatus, Stage};
use serde_json::{Value, json};

const RESOLVE: &str = "mutation($id: ID!, $i: ResolveAlertInput!) { resolveAlert(id: $id, input: $i) {
    status opportunity { status lastActivityAt restartDate history { nodes { field from to } } } } }";

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The open alerts of `rule` the token's user sees: (alert id, opportunity id).
async fn open_alerts(app: &TestApp, token: &str, rule: &str) -> Vec<(String, String)> {
    let r = app
        .post(
            Some(token),
            "query($r: AlertRule) { alerts(filter: { rule: $r, status: OPEN }) { nodes { id opportunityId } } }",
            json!({ "r": rule }),
        )
        .await;
    r.data()["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                n["opportunityId"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_date_bound_rule_fires_again_for_a_new_restart_date_and_next_months_25th() {
    use org::*;
    let app = spawn_app().await;
    // Shelved until 25 Nov: due from 22 Nov (three days ahead).
    app.insert_deal(DealSpec {
        status: OpportunityStatus::Shelved,
        restart_date: Some(date(2026, 11, 25)),
        last_activity_at: t0(),
        ..DealSpec::new(A1, T1)
    })
    .await;
    // Order expected in November, still in quotation (a track-1 deal: molding integrated).
    let expecting = app
        .insert_deal(DealSpec {
            expected_order_month: Some(date(2026, 11, 1)),
            last_activity_at: t0(),
            ..DealSpec::new(A2, T1)
        })
        .await;
    assert_eq!(raised(&app.scan(t0()).await, "SHELVE_RESTART_DUE"), 1);
    let a1 = app.login("a1@test.local").await;
    let (alert, _) = open_alerts(&app, &a1, "SHELVE_RESTART_DUE").await.remove(0);
    // Shelved again, until 20 December.
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": alert, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "SHELVE",
                "shelveReason": "CUSTOMER_AWAITING_APPROVAL_OR_BUDGET", "restartDate": "2026-12-20" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["opportunity"]["restartDate"], "2026-12-20");
    // The old date's cycle is done; the new one is not due before 17 December.
    assert_eq!(raised(&app.scan(t0() + Duration::days(1)).await, "SHELVE_RESTART_DUE"), 0);
    assert_eq!(
        raised(&app.scan(sh(2026, 12, 16) + Duration::hours(9)).await, "SHELVE_RESTART_DUE"),
        0
    );
    assert_eq!(
        raised(&app.scan(sh(2026, 12, 17) + Duration::hours(9)).await, "SHELVE_RESTART_DUE"),
        1
    );

    // The 25th: once for November.
    let nov_25 = sh(2026, 11, 25) + Duration::hours(1);
    assert_eq!(raised(&app.scan(nov_25).await, "ORDER_EXPECTED_NOT_H_POTENTIAL"), 1);
    let a2 = app.login("a2@test.local").await;
    let (alert, _) = open_alerts(&app, &a2, "ORDER_EXPECTED_NOT_H_POTENTIAL").await.remove(0);
    app.post(
        Some(&a2),
        RESOLVE,
        json!({ "id": alert, "i": { "attribution": "CUSTOMER_DESIGN_NOT_FINAL", "decision": "KEEP" } }),
    )
    .await
    .data();
    assert_eq!(
        raised(&app.scan(nov_25 + Duration::hours(5)).await, "ORDER_EXPECTED_NOT_H_POTENTIAL"),
        0
    );
    // The owner moves the expected month to December: the 25th of December fires anew, once.
    let version = app.version_of(&a2, &expecting.to_string()).await;
    app.post(
        Some(&a2),
        "mutation($id: ID!, $v: Int!) { updateOpportunity(id: $id, version: $v, input: { rollingForecast: { expectedOrderMonth: \"2026-12\", amount: \"100000\" } }) { id } }",
        json!({ "id": expecting.to_string(), "v": version }),
    )
    .await
    .data();
    let dec_25 = sh(2026, 12, 25) + Duration::hours(1);
    assert_eq!(raised(&app.scan(dec_25).await, "ORDER_EXPECTED_NOT_H_POTENTIAL"), 1);
    assert_eq!(
        raised(&app.scan(dec_25 + Duration::hours(2)).await, "ORDER_EXPECTED_NOT_H_POTENTIAL"),
        0
    );
}

#[tokio::test]
async fn follow_up_and_stall_rules_watch_active_deals_only() {
    use org::*;
    let app = spawn_app().await;
    let long_ago = sh(2026, 6, 1);
    // Quiet and stalled for months, in every status and stage that must not fire.
    for (stage, status) in [
        (Stage::Secured, OpportunityStatus::Active),
        (Stage::Quotation, OpportunityStatus::Shelved),
        (Stage::Quotation, OpportunityStatus::Lost),
        (Stage::InitialIdentification, OpportunityStatus::Shelved),
        (Stage::InitialIdentification, OpportunityStatus::Lost),
        (Stage::DeepNegotiation, OpportunityStatus::Shelved),
        (Stage::DeepNegotiation, OpportunityStatus::Lost),
    ] {
        app.insert_deal(DealSpec {
            stage,
            status,
            last_activity_at: long_ago,
            stage_entered_at: long_ago,
            secured_at: (stage == Stage::Secured).then_some(t0()),
            // Far off, so the restart rule stays out of it.
            restart_date: (status == OpportunityStatus::Shelved).then(|| date(2027, 6, 1)),
            ..DealSpec::new(A1, T1)
        })
        .await;
    }
    let report = app.scan(t0()).await;
    for rule in ["NO_FOLLOW_UP", "STALLED_INITIAL", "STALLED_QUOTATION", "STALLED_NEGOTIATION"] {
        assert_eq!(raised(&report, rule), 0, "{rule} fired on a deal that is not active: {report}");
    }
    // The same facts on an active deal fire both kinds.
    app.insert_deal(DealSpec {
        stage: Stage::Quotation,
        last_activity_at: long_ago,
        stage_entered_at: long_ago,
        ..DealSpec::new(A1, T1)
    })
    .await;
    let report = app.scan(t0()).await;
    assert_eq!(raised(&report, "NO_FOLLOW_UP"), 1);
    assert_eq!(raised(&report, "STALLED_QUOTATION"), 1);
}

/// A shelved deal of a1's whose restart is due, and its alert.
async fn shelved_with_due_restart(app: &TestApp) -> (String, String) {
    use org::*;
    app.insert_deal(DealSpec {
        status: OpportunityStatus::Shelved,
        restart_date: Some(date(2026, 11, 24)),
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.scan(t0()).await;
    let a1 = app.login("a1@test.local").await;
    open_alerts(app, &a1, "SHELVE_RESTART_DUE").await.remove(0)
}

#[tokio::test]
async fn a_shelved_deal_is_reactivated_through_its_alert_but_not_kept() {
    let app = spawn_app().await;
    let (alert, _) = shelved_with_due_restart(&app).await;
    let a1 = app.login("a1@test.local").await;
    let keep = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": alert, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "KEEP" } }),
        )
        .await;
    assert_eq!(keep.code(), "VALIDATION");
    assert_eq!(keep.fields(), ["input.decision"]);
    let still = app
        .post(Some(&a1), "query($id: ID!) { alert(id: $id) { status } }", json!({ "id": alert }))
        .await;
    assert_eq!(still.data()["alert"]["status"], "OPEN");
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": alert, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "REACTIVATE" } }),
        )
        .await;
    let a = &r.data()["resolveAlert"];
    assert_eq!(a["status"], "RESOLVED");
    assert_eq!(a["opportunity"]["status"], "ACTIVE");
    // Counts as a follow-up, and the history says who took it up again.
    assert_eq!(a["opportunity"]["lastActivityAt"], "2026-11-23T01:00:00+00:00");
    let history = a["opportunity"]["history"]["nodes"].as_array().unwrap();
    assert!(
        history.contains(&json!({ "field": "STATUS", "from": "SHELVED", "to": "ACTIVE" })),
        "{history:?}"
    );
}

#[tokio::test]
async fn an_overdue_review_goes_to_the_track_director_and_the_ceo_not_to_the_account_manager() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let (alert, _) = open_alerts(&app, &a1, "NO_FOLLOW_UP").await.remove(0);
    app.post(
        Some(&a1),
        RESOLVE,
        json!({ "id": alert, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "KEEP" } }),
    )
    .await
    .data();
    let q = "subscription { escalationEvents(after: \"0\") { kind alertId } }";
    let mut subscribers = Vec::new();
    for email in ["a1@test.local", "d1@test.local", "d2@test.local", "ceo@test.local"] {
        let token = app.login(email).await;
        let mut ws = open(&app, &token).await;
        send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": q } })).await;
        subscribers.push((email, ws));
    }
    // Resolved on 23 Nov, review due two days later: unreviewed on the 26th.
    let report = app.scan(t0() + Duration::days(3)).await;
    assert_eq!(report["reviewOverdue"], 1);
    for (email, ws) in &mut subscribers {
        let expected = matches!(*email, "d1@test.local" | "ceo@test.local");
        match next(ws, 2).await {
            Some(Got::Json(m)) if expected => {
                assert_eq!(m["payload"]["data"]["escalationEvents"]["kind"], "REVIEW_OVERDUE", "{email}: {m}");
                assert_eq!(m["payload"]["data"]["escalationEvents"]["alertId"], json!(alert));
            }
            None if !expected => {}
            other => panic!(
                "{email}: expected {}, got {other:?}",
                if expected { "the event" } else { "nothing" }
            ),
        }
    }
}

#[tokio::test]
async fn an_account_managers_alert_says_why_it_fired() {
    use org::*;
    let app = spawn_app().await;
    // Last follow-up on 6 Nov; the scan on 23 Nov sees 17 days (limit 15).
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 11, 6) + Duration::hours(15),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 9, 10),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.scan(t0()).await;
    let a1 = app.login("a1@test.local").await;
    let r = app
        .post_in(
            Some("en"),
            Some(&a1),
            "{ alerts { nodes { rule evidence { summary since elapsed threshold unit stage asOf } } } }",
            json!({}),
        )
        .await;
    let nodes = r.data()["alerts"]["nodes"].as_array().unwrap().clone();
    let of = |rule: &str| -> Value { nodes.iter().find(|n| n["rule"] == rule).unwrap()["evidence"].clone() };
    assert_eq!(
        of("NO_FOLLOW_UP"),
        json!({
            "summary": "no follow-up for 17 days since 2026-11-06 (limit 15)",
            "since": "2026-11-06T07:00:00+00:00",
            "elapsed": 17,
            "threshold": 15,
            "unit": "DAYS",
            "stage": "QUOTATION",
            "asOf": "2026-11-23T01:00:00+00:00",
        })
    );
    let stalled = of("STALLED_NEGOTIATION");
    assert_eq!(stalled["summary"], "in deep negotiation for 2 months since 2026-09-10 (limit 1)");
    assert_eq!(stalled["unit"], "MONTHS");
    // A phone in Chinese (the company's default) reads the company's words.
    let zh = app
        .post(
            Some(&a1),
            "{ alerts(filter: { rule: NO_FOLLOW_UP }) { nodes { ruleLabel evidence { summary } } } }",
            json!({}),
        )
        .await;
    let node = &zh.data()["alerts"]["nodes"][0];
    assert_eq!(node["ruleLabel"], "15日无跟进");
    assert_eq!(node["evidence"]["summary"], "15日无跟进 · 已17天（上限15天）");
    // The settings change later; the evidence keeps the threshold the rule crossed.
    let admin = app.login("admin@test.local").await;
    app.post(
        Some(&admin),
        "mutation { updateSettings(input: { noFollowUpDays: 20 }) { noFollowUpDays } }",
        json!({}),
    )
    .await
    .data();
    let again = app
        .post(
            Some(&a1),
            "{ alerts(filter: { rule: NO_FOLLOW_UP }) { nodes { evidence { threshold } } } }",
            json!({}),
        )
        .await;
    assert_eq!(again.data()["alerts"]["nodes"][0]["evidence"]["threshold"], 15);
}

#[tokio::test]
async fn an_admin_cannot_deactivate_himself() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let r = app
        .post(
            Some(&admin),
            "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }",
            json!({ "id": org::ADMIN.to_string() }),
        )
        .await;
    assert_eq!(r.code(), "VALIDATION");
    assert_eq!(r.fields(), ["id"]);
    // Still active: he can go on.
    assert_eq!(
        app.post(Some(&admin), "{ me { active } }", json!({})).await.data()["me"]["active"],
        true
    );
}

#[tokio::test]
async fn readiness_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    app.state.db.close_by_ref().await.unwrap();
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 503);
    // Liveness is the process, not the database.
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_subscription_with_a_bad_cursor_is_told_which_field_is_wrong() {
    // The event stream's entry: an event id that cannot exist is a field error (an execution result).
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { alertEvents(after: \"-5\") { id } }" } }),
    )
    .await;
    let m = next_json(&mut ws).await;
    assert_eq!(m["type"], "next", "{m}");
    assert_eq!(m["payload"]["errors"][0]["extensions"]["code"], "VALIDATION", "{m}");
    assert_eq!(m["payload"]["errors"][0]["extensions"]["fields"][0]["field"], "after", "{m}");
    assert_eq!(next_json(&mut ws).await["type"], "complete");
}
