//! A secured deal whose project never started (项目未正式启动) is closed
//! through its `SECURED_NO_MOLD` alert, and only that way.

use crate::helpers::*;
use crate::websocket::{next_json, open, send};
use entity::Stage;
use serde_json::{Value, json};

const RESOLVE: &str = "mutation($id: ID!, $i: ResolveAlertInput!) { resolveAlert(id: $id, input: $i) {
    status resolution { decision decisionLabel } opportunity { status stage securedAt } } }";

/// The open alert of `rule` on opportunity `opp`, as `token` lists them.
async fn alert_of(app: &TestApp, token: &str, opp: i64, rule: &str) -> String {
    let r = app
        .post(Some(token), "{ alerts(first: 100) { nodes { id rule opportunityId } } }", json!({}))
        .await;
    r.data()["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == rule && a["opportunityId"].as_str() == Some(opp.to_string().as_str()))
        .unwrap_or_else(|| panic!("no {rule} alert on {opp}: {r:?}", r = r.0))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn message(r: &Gql) -> String {
    r.0["errors"][0]["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_secured_deal_is_lost_through_its_secured_no_mold_alert_and_no_other_way() {
    use org::*;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let secured = |owner| DealSpec {
        stage: Stage::Secured,
        secured_at: Some(sh(2026, 9, 1)),
        stage_entered_at: sh(2026, 9, 1),
        ..DealSpec::new(owner, T1)
    };
    let never_started = app.insert_deal(secured(A1)).await;
    let other_secured = app.insert_deal(secured(A1)).await;
    // Stalled in negotiation (an alert of another rule), won while the alert is open.
    let won_later = app
        .insert_deal(DealSpec {
            stage: Stage::DeepNegotiation,
            stage_entered_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    app.scan(t0()).await;
    entity::opportunity::ActiveModel {
        id: Set(won_later),
        stage: Set(Stage::Secured),
        secured_at: Set(Some(sh(2026, 11, 20))),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();

    let a1 = app.login("a1@test.local").await;
    // The director and a director of another track watch the alert events.
    let after = app.max_event_id().await.to_string();
    let mut watch = Vec::new();
    for email in ["d1@test.local", "d2@test.local"] {
        let token = app.login(email).await;
        let mut ws = open(&app, &token).await;
        send(
            &mut ws,
            json!({ "id": "1", "type": "subscribe", "payload": {
                "query": "subscription($after: ID) { alertEvents(after: $after) { kind alertId opportunityId } }",
                "variables": { "after": after } } }),
        )
        .await;
        watch.push(ws);
    }

    // Neither the direct mutations nor another alert close a secured deal; each says how.
    let lose = "mutation($id: ID!) { loseOpportunity(id: $id, version: 1, reason: \"项目未正式启动\") { status } }";
    let shelve = "mutation($id: ID!) { shelveOpportunity(id: $id, version: 1, input: { reason: OUR_NO_CAPACITY, restartDate: \"2027-03-01\" }) { status } }";
    for q in [lose, shelve] {
        let r = app.post(Some(&a1), q, json!({ "id": other_secured.to_string() })).await;
        assert_eq!((r.code(), r.fields()), ("VALIDATION", vec!["id".to_owned()]), "{:?}", r.0);
        assert!(message(&r).contains("项目未正式启动"), "{}", message(&r));
        let en = app
            .post_in(Some("en"), Some(&a1), q, json!({ "id": other_secured.to_string() }))
            .await;
        assert!(message(&en).contains("SECURED_NO_MOLD"), "{}", message(&en));
    }
    let stalled = alert_of(&app, &a1, won_later, "STALLED_NEGOTIATION").await;
    let through_other = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": stalled, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "LOSE", "lossReason": "项目未正式启动" } }),
        )
        .await;
    assert_eq!(through_other.fields(), ["input.decision"]);
    assert!(message(&through_other).contains("项目未正式启动"));
    assert_eq!(app.count_rows("loss_review").await, 0);

    // Through its own alert: lost, with its loss review, and the secured date kept.
    let alert = alert_of(&app, &a1, never_started, "SECURED_NO_MOLD").await;
    let labels = app
        .post(
            Some(&a1),
            "query($id: ID!) { alert(id: $id) { lose: decisionLabel(decision: LOSE) keep: decisionLabel(decision: KEEP) } }",
            json!({ "id": alert }),
        )
        .await;
    assert_eq!(
        labels.data()["alert"],
        json!({ "lose": "项目未正式启动，输单关闭", "keep": "保持跟进" })
    );
    let plain = app
        .post(
            Some(&a1),
            "query($id: ID!) { alert(id: $id) { decisionLabel(decision: LOSE) } }",
            json!({ "id": stalled }),
        )
        .await;
    assert_eq!(plain.data()["alert"]["decisionLabel"], "输单");
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": alert, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "LOSE", "lossReason": "project never started" } }),
        )
        .await;
    assert_eq!(
        r.data()["resolveAlert"],
        json!({ "status": "RESOLVED", "resolution": { "decision": "LOSE", "decisionLabel": "项目未正式启动，输单关闭" },
                "opportunity": { "status": "LOST", "stage": "SECURED", "securedAt": "2026-08-31T16:00:00+00:00" } })
    );
    let q = "query($id: ID!) { opportunity(id: $id) { lossReason history(first: 20) { nodes { field to } } } }";
    let o = app.post(Some(&a1), q, json!({ "id": never_started.to_string() })).await;
    assert_eq!(o.data()["opportunity"]["lossReason"], "project never started");
    let history: Vec<Value> = o.data()["opportunity"]["history"]["nodes"].as_array().unwrap().clone();
    assert!(history.contains(&json!({ "field": "STATUS", "to": "LOST" })), "{history:?}");
    let reviews = app.post(Some(&a1), "{ lossReviews { nodes { reason alertId } } }", json!({})).await;
    assert_eq!(
        reviews.data()["lossReviews"]["nodes"],
        json!([{ "reason": "project never started", "alertId": alert }])
    );

    // The director sees it live; the other track's director does not.
    let got = next_json(&mut watch[0]).await;
    assert_eq!(got["type"], "next", "{got}");
    assert_eq!(
        got["payload"]["data"]["alertEvents"],
        json!({ "kind": "ALERT_RESOLVED", "alertId": alert, "opportunityId": never_started.to_string() })
    );
    assert!(crate::websocket::next(&mut watch[1], 1).await.is_none());

    // Lost is final: the same answer again, or a new scan, changes nothing.
    let again = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": alert, "i": { "attribution": "CUSTOMER_PROJECT_ON_HOLD", "decision": "LOSE", "lossReason": "x" } }),
        )
        .await;
    assert_eq!(again.code(), "VALIDATION");
    let report = app.scan(t0() + chrono::Duration::days(40)).await;
    assert_eq!(raised(&report, "SECURED_NO_MOLD"), 0, "{report}");
    assert_eq!(app.count_rows("loss_review").await, 1);
}
