//! The anomaly PDCA end to end: scan, dedupe, re-fire, resolve, review,
//! escalate, and the scope of every list.

use crate::helpers::*;
use chrono::Duration;
use entity::{OpportunityStatus, Stage};
use serde_json::json;

fn d(m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

#[tokio::test]
async fn each_rule_raises_exactly_at_its_boundary() {
    use org::*;
    let app = spawn_app().await;
    let one_s = Duration::seconds(1);
    let mut expect = Vec::new();
    let deal = |spec: DealSpec, rule: Option<&'static str>| (spec, rule);
    let specs = vec![
        // 15 natural days without follow-up (9 Nov is 14 days before 23 Nov).
        deal(
            DealSpec {
                last_activity_at: sh(2026, 11, 9),
                ..DealSpec::new(A1, T1)
            },
            None,
        ),
        deal(
            DealSpec {
                last_activity_at: sh(2026, 11, 9) - one_s,
                ..DealSpec::new(A1, T1)
            },
            Some("NO_FOLLOW_UP"),
        ),
        // More than 14 days in initial identification.
        deal(
            DealSpec {
                stage: Stage::InitialIdentification,
                stage_entered_at: sh(2026, 11, 9),
                ..DealSpec::new(A1, T1)
            },
            None,
        ),
        deal(
            DealSpec {
                stage: Stage::InitialIdentification,
                stage_entered_at: sh(2026, 11, 9) - one_s,
                ..DealSpec::new(A1, T1)
            },
            Some("STALLED_INITIAL"),
        ),
        // More than 2 calendar months in quotation: 23 Sep + 2 months = 23 Nov is not yet more.
        deal(
            DealSpec {
                stage_entered_at: sh(2026, 9, 23),
                ..DealSpec::new(A2, T1)
            },
            None,
        ),
        deal(
            DealSpec {
                stage_entered_at: sh(2026, 9, 23) - one_s,
                ..DealSpec::new(A2, T1)
            },
            Some("STALLED_QUOTATION"),
        ),
        // More than 1 calendar month in negotiation.
        deal(
            DealSpec {
                stage: Stage::DeepNegotiation,
                stage_entered_at: sh(2026, 10, 23),
                ..DealSpec::new(A2, T1)
            },
            None,
        ),
        deal(
            DealSpec {
                stage: Stage::DeepNegotiation,
                stage_entered_at: sh(2026, 10, 23) - one_s,
                ..DealSpec::new(A2, T1)
            },
            Some("STALLED_NEGOTIATION"),
        ),
        // Secured more than 2 months ago without a mold number.
        deal(
            DealSpec {
                stage: Stage::Secured,
                secured_at: Some(sh(2026, 9, 23)),
                stage_entered_at: sh(2026, 9, 23),
                ..DealSpec::new(A3, T2)
            },
            None,
        ),
        deal(
            DealSpec {
                stage: Stage::Secured,
                secured_at: Some(sh(2026, 9, 23) - one_s),
                stage_entered_at: sh(2026, 9, 1),
                ..DealSpec::new(A3, T2)
            },
            Some("SECURED_NO_MOLD"),
        ),
        deal(
            DealSpec {
                stage: Stage::Secured,
                secured_at: Some(sh(2026, 9, 1)),
                stage_entered_at: sh(2026, 9, 1),
                mold_number: Some("M1".into()),
                ..DealSpec::new(A3, T2)
            },
            None,
        ),
        // Shelved, restart date exactly 3 days ahead vs 4.
        deal(
            DealSpec {
                status: OpportunityStatus::Shelved,
                restart_date: Some(d(11, 26)),
                ..DealSpec::new(A3, T2)
            },
            Some("SHELVE_RESTART_DUE"),
        ),
        deal(
            DealSpec {
                status: OpportunityStatus::Shelved,
                restart_date: Some(d(11, 27)),
                ..DealSpec::new(A3, T2)
            },
            None,
        ),
        // Not the 25th: the order-expectation rule does not run.
        deal(
            DealSpec {
                stage: Stage::DeepNegotiation,
                expected_order_month: Some(d(11, 1)),
                ..DealSpec::new(A1, T1)
            },
            None,
        ),
    ];
    for (spec, rule) in specs {
        let id = app.insert_deal(spec).await;
        if let Some(r) = rule {
            expect.push((id, r.to_owned(), "OPEN".to_owned()));
        }
    }
    let report = app.scan(t0()).await;
    assert_eq!(report["asOf"], "2026-11-23T01:00:00+00:00");
    for rule in [
        "NO_FOLLOW_UP",
        "STALLED_INITIAL",
        "STALLED_QUOTATION",
        "STALLED_NEGOTIATION",
        "SECURED_NO_MOLD",
        "SHELVE_RESTART_DUE",
    ] {
        assert_eq!(raised(&report, rule), 1, "{rule}: {report}");
    }
    assert_eq!(raised(&report, "ORDER_EXPECTED_NOT_H_POTENTIAL"), 0);
    expect.sort();
    assert_eq!(app.alert_pairs().await, expect);
}

#[tokio::test]
async fn the_25th_rule_runs_on_the_25th_in_the_company_time_zone() {
    use org::*;
    let app = spawn_app().await;
    let mi = app
        .insert_deal(DealSpec {
            stage: Stage::DeepNegotiation,
            expected_order_month: Some(d(11, 1)),
            ..DealSpec::new(A1, T1)
        })
        .await;
    app.insert_deal(DealSpec {
        stage: Stage::HPotential,
        expected_order_month: Some(d(11, 1)),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        expected_order_month: Some(d(12, 1)),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        expected_order_month: Some(d(11, 1)),
        ..DealSpec::new(A3, T2)
    })
    .await;
    // 23:59 on the 24th in Shanghai: nothing.
    let r = app.scan("2026-11-24T15:59:00Z".parse().unwrap()).await;
    assert_eq!(raised(&r, "ORDER_EXPECTED_NOT_H_POTENTIAL"), 0);
    // 00:00 on the 25th: the molding-integrated deal expected this month, before H Potential.
    let r = app.scan("2026-11-24T16:00:00Z".parse().unwrap()).await;
    assert_eq!(raised(&r, "ORDER_EXPECTED_NOT_H_POTENTIAL"), 1);
    assert!(
        app.alert_pairs()
            .await
            .contains(&(mi, "ORDER_EXPECTED_NOT_H_POTENTIAL".into(), "OPEN".into()))
    );
}

#[tokio::test]
async fn calendar_months_clamp_31_january_to_28_february() {
    use org::*;
    let app = spawn_app().await;
    let entered = sh(2027, 1, 31) + Duration::hours(10);
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        stage_entered_at: entered,
        last_activity_at: "2027-02-27T01:00:00Z".parse().unwrap(),
        ..DealSpec::new(A1, T1)
    })
    .await;
    let r = app.scan("2027-02-28T01:00:00Z".parse().unwrap()).await;
    assert_eq!(raised(&r, "STALLED_NEGOTIATION"), 0);
    let r = app.scan("2027-03-01T01:00:00Z".parse().unwrap()).await;
    assert_eq!(raised(&r, "STALLED_NEGOTIATION"), 1);
}

#[tokio::test]
async fn scanning_twice_raises_nothing_new() {
    use org::*;
    let app = spawn_app().await;
    for _ in 0..3 {
        app.insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    }
    let first = app.scan(t0()).await;
    assert_eq!(raised(&first, "NO_FOLLOW_UP"), 3);
    let second = app.scan(t0() + Duration::hours(1)).await;
    assert_eq!(raised(&second, "NO_FOLLOW_UP"), 0);
    let rule = second["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "NO_FOLLOW_UP")
        .unwrap()
        .clone();
    assert_eq!(rule["alreadyOpen"], 3);
    assert_eq!(app.count_rows("alert").await, 3);
    assert_eq!(app.post(None, "{ __typename }", json!({})).await.data()["__typename"], "QueryRoot");
}

const RESOLVE: &str = "mutation($id: ID!, $i: ResolveAlertInput!) { resolveAlert(id: $id, input: $i) {
    status resolution { attribution decision restartDate resolvedAt reviewDueAt } opportunity { status lastActivityAt version } } }";

async fn first_alert(app: &TestApp, token: &str) -> String {
    let r = app.post(Some(token), "{ alerts { nodes { id } } }", json!({})).await;
    r.data()["alerts"]["nodes"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_rule_fires_again_only_after_its_threshold_has_passed_since_the_resolution() {
    use org::*;
    let app = spawn_app().await;
    app.insert_deal(DealSpec {
        stage: Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 8, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    assert_eq!(raised(&app.scan(t0()).await, "STALLED_NEGOTIATION"), 1);
    let a1 = app.login("a1@test.local").await;
    let id = first_alert(&app, &a1).await;
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "CUSTOMER_DESIGN_NOT_FINAL", "decision": "KEEP" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["status"], "RESOLVED");
    // Still in negotiation, but a month must pass from the resolution (23 Nov).
    assert_eq!(raised(&app.scan(t0() + Duration::days(1)).await, "STALLED_NEGOTIATION"), 0);
    assert_eq!(
        raised(&app.scan(sh(2026, 12, 23) + Duration::hours(9)).await, "STALLED_NEGOTIATION"),
        0
    );
    assert_eq!(
        raised(&app.scan(sh(2026, 12, 24) + Duration::hours(9)).await, "STALLED_NEGOTIATION"),
        1
    );
}

#[tokio::test]
async fn resolving_with_shelve_needs_a_reason_and_a_future_restart_date_and_a_refusal_writes_nothing() {
    use org::*;
    let app = spawn_app().await;
    let opp = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    app.scan(t0()).await;
    let a1 = app.login("a1@test.local").await;
    let id = first_alert(&app, &a1).await;
    let activities = app.count_rows("activity").await;
    let bad = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "OUR_OTHER", "decision": "SHELVE" } }),
        )
        .await;
    assert_eq!(bad.fields(), ["input.attributionText", "input.shelveReason", "input.restartDate"]);
    let past = app
        .post(Some(&a1), RESOLVE, json!({ "id": id, "i": { "attribution": "CUSTOMER_ASKED_TO_PAUSE", "decision": "SHELVE", "shelveReason": "CUSTOMER_OTHER", "restartDate": "2026-11-23" } }))
        .await;
    assert_eq!(past.fields(), ["input.shelveReasonText", "input.restartDate"]);
    let reactivate = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "REACTIVATE" } }),
        )
        .await;
    assert_eq!(reactivate.fields(), ["input.decision"]);
    // Nothing was written.
    assert_eq!(app.count_rows("activity").await, activities);
    let check = app
        .post(
            Some(&a1),
            "query($id: ID!) { alert(id: $id) { status resolution { decision } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(check.data()["alert"], json!({ "status": "OPEN", "resolution": null }));
    assert_eq!(app.version_of(&a1, &opp.to_string()).await, 1);
    // Done right, the opportunity is shelved and the answer counts as a follow-up.
    let ok = app
        .post(Some(&a1), RESOLVE, json!({ "id": id, "i": { "attribution": "CUSTOMER_ASKED_TO_PAUSE", "decision": "SHELVE", "shelveReason": "CUSTOMER_BUDGET_CUT_OR_FROZEN", "restartDate": "2027-01-10" } }))
        .await;
    let a = &ok.data()["resolveAlert"];
    assert_eq!(a["resolution"]["decision"], "SHELVE");
    assert_eq!(a["resolution"]["reviewDueAt"], "2026-11-25T01:00:00+00:00");
    assert_eq!(
        a["opportunity"],
        json!({ "status": "SHELVED", "lastActivityAt": "2026-11-23T01:00:00+00:00", "version": 2 })
    );
    assert_eq!(app.count_rows("activity").await, activities + 1);
    let again = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "KEEP" } }),
        )
        .await;
    assert_eq!(again.fields(), ["id", "input.decision"]);
}

#[tokio::test]
async fn losing_through_an_alert_opens_a_loss_review_in_scope() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let id = first_alert(&app, &a1).await;
    let no_reason = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "LOSE" } }),
        )
        .await;
    assert_eq!(no_reason.fields(), ["input.lossReason"]);
    let r = app
        .post(
            Some(&a1),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "CUSTOMER_NO_RESPONSE", "decision": "LOSE", "lossReason": "竞争对手价格更低" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["opportunity"]["status"], "LOST");
    let q = "{ lossReviews { nodes { reason alertId owner { email } opportunity { status } } } }";
    let mine = app.post(Some(&a1), q, json!({})).await;
    assert_eq!(mine.data()["lossReviews"]["nodes"][0]["reason"], "竞争对手价格更低");
    assert_eq!(mine.data()["lossReviews"]["nodes"][0]["alertId"], json!(id));
    let d1 = app.login("d1@test.local").await;
    assert_eq!(
        app.post(Some(&d1), q, json!({})).await.data()["lossReviews"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for other in ["a2@test.local", "a3@test.local", "d2@test.local"] {
        let t = app.login(other).await;
        assert_eq!(
            app.post(Some(&t), q, json!({})).await.data()["lossReviews"]["nodes"],
            json!([]),
            "{other}"
        );
    }
}

#[tokio::test]
async fn only_the_owner_resolves_and_only_the_tracks_director_reviews() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let (a1, a2, d1, d2, ceo) = (
        app.login("a1@test.local").await,
        app.login("a2@test.local").await,
        app.login("d1@test.local").await,
        app.login("d2@test.local").await,
        app.login("ceo@test.local").await,
    );
    let id = first_alert(&app, &a1).await;
    let keep = json!({ "id": id, "i": { "attribution": "OUR_CAPACITY", "decision": "KEEP" } });
    assert_eq!(app.post(Some(&a2), RESOLVE, keep.clone()).await.code(), "NOT_FOUND");
    assert_eq!(app.post(Some(&d2), RESOLVE, keep.clone()).await.code(), "NOT_FOUND");
    assert_eq!(app.post(Some(&d1), RESOLVE, keep.clone()).await.code(), "FORBIDDEN");
    assert_eq!(app.post(Some(&ceo), RESOLVE, keep.clone()).await.code(), "FORBIDDEN");
    let review = "mutation($id: ID!, $i: ReviewAlertInput!) { reviewAlert(id: $id, input: $i) { status review { action comment reviewer { email } reassignedTo { email } } } }";
    let early = app
        .post(
            Some(&d1),
            review,
            json!({ "id": id, "i": { "action": "ACKNOWLEDGE", "comment": "ok" } }),
        )
        .await;
    assert_eq!(early.fields(), ["id"]);
    app.post(Some(&a1), RESOLVE, keep).await.data();
    assert_eq!(
        app.post(
            Some(&a1),
            review,
            json!({ "id": id, "i": { "action": "ACKNOWLEDGE", "comment": "ok" } })
        )
        .await
        .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(
            Some(&d2),
            review,
            json!({ "id": id, "i": { "action": "ACKNOWLEDGE", "comment": "ok" } })
        )
        .await
        .code(),
        "NOT_FOUND"
    );
    let bad = app
        .post(
            Some(&d1),
            review,
            json!({ "id": id, "i": { "action": "REASSIGN", "comment": " ", "newOwnerId": "103" } }),
        )
        .await;
    assert_eq!(bad.fields(), ["input.comment", "input.newOwnerId"]);
    let ok = app
        .post(
            Some(&d1),
            review,
            json!({ "id": id, "i": { "action": "REASSIGN", "comment": "a2 接手", "newOwnerId": "102" } }),
        )
        .await;
    assert_eq!(
        ok.data()["reviewAlert"],
        json!({ "status": "REVIEWED", "review": { "action": "REASSIGN", "comment": "a2 接手", "reviewer": { "email": "d1@test.local" }, "reassignedTo": { "email": "a2@test.local" } } })
    );
    // The deal moved to a2; a1 still sees his alert but no longer the deal.
    let seen = app
        .post(
            Some(&a1),
            "query($id: ID!) { alert(id: $id) { opportunity { id } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(seen.data()["alert"]["opportunity"], json!(null));
    let a2_deals = app.post(Some(&a2), "{ opportunities { totalCount } }", json!({})).await;
    assert_eq!(a2_deals.data()["opportunities"]["totalCount"], 1);
}

#[tokio::test]
async fn overdue_alerts_and_reviews_escalate_once() {
    use org::*;
    let app = spawn_app().await;
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    app.deal_with_alert(A3, T2).await;
    // a3 answers at once; a1 does not.
    let a3 = app.login("a3@test.local").await;
    let id3 = first_alert(&app, &a3).await;
    app.post(
        Some(&a3),
        RESOLVE,
        json!({ "id": id3, "i": { "attribution": "OUR_CAPACITY", "decision": "KEEP" } }),
    )
    .await
    .data();
    let on_time = app.scan(t0() + Duration::days(2)).await;
    assert_eq!((on_time["overdue"].as_i64(), on_time["reviewOverdue"].as_i64()), (Some(0), Some(0)));
    // Due after 3 days, reviewed within 2: one second past both.
    let late = app.scan(t0() + Duration::days(3) + Duration::seconds(1)).await;
    assert_eq!((late["overdue"].as_i64(), late["reviewOverdue"].as_i64()), (Some(1), Some(1)));
    let again = app.scan(t0() + Duration::days(4)).await;
    assert_eq!((again["overdue"].as_i64(), again["reviewOverdue"].as_i64()), (Some(0), Some(0)));
    app.clock.set(t0() + Duration::days(3) + Duration::seconds(1));
    let d1 = app.login("d1@test.local").await;
    let r = app
        .post(
            Some(&d1),
            "{ alerts(filter: { overdue: true }) { totalCount nodes { overdue escalatedAt owner { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["alerts"]["totalCount"], 1);
    assert_eq!(r.data()["alerts"]["nodes"][0]["owner"]["email"], "a1@test.local");
    let ceo = app.login("ceo@test.local").await;
    let all = app
        .post(Some(&ceo), "{ alerts(filter: { overdue: true }) { totalCount } }", json!({}))
        .await;
    assert_eq!(all.data()["alerts"]["totalCount"], 2);
}

#[tokio::test]
async fn alert_lists_and_reads_are_scoped() {
    use org::*;
    let app = spawn_app().await;
    for (owner, track) in [(A1, T1), (A2, T1), (A3, T2)] {
        app.insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(owner, track)
        })
        .await;
    }
    app.scan(t0()).await;
    let count = |t: String| {
        let app = &app;
        async move {
            app.post(Some(&t), "{ alerts { totalCount nodes { owner { email } } } }", json!({}))
                .await
                .data()["alerts"]["totalCount"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count(app.login("a1@test.local").await).await, 1);
    assert_eq!(count(app.login("a3@test.local").await).await, 1);
    assert_eq!(count(app.login("d1@test.local").await).await, 2);
    assert_eq!(count(app.login("d2@test.local").await).await, 1);
    assert_eq!(count(app.login("secretary@test.local").await).await, 3);
    let a3 = app.login("a3@test.local").await;
    let a1 = app.login("a1@test.local").await;
    let a3_alert = first_alert(&app, &a3).await;
    let r = app
        .post(Some(&a1), "query($id: ID!) { alert(id: $id) { id } }", json!({ "id": a3_alert }))
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    let filtered = app
        .post(Some(&a1), "{ alerts(filter: { ownerId: \"103\" }) { totalCount } }", json!({}))
        .await;
    assert_eq!(filtered.data()["alerts"]["totalCount"], 0);
    let admin_only = app.post(Some(&a1), "mutation { runScan { overdue } }", json!({})).await;
    assert_eq!(admin_only.code(), "FORBIDDEN");
}

#[tokio::test]
async fn reassigning_a_deal_hands_its_open_alerts_to_the_new_owner() {
    use org::*;
    let app = spawn_app().await;
    let deal = app
        .insert_deal(DealSpec {
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    app.scan(t0()).await;
    let d1 = app.login("d1@test.local").await;
    let q = "mutation($id: ID!, $o: ID!) { updateOpportunity(id: $id, version: 1, input: { ownerId: $o }) { owner { email } } }";
    app.post(Some(&d1), q, json!({ "id": deal.to_string(), "o": "102" })).await.data();
    let (a1, a2) = (app.login("a1@test.local").await, app.login("a2@test.local").await);
    assert_eq!(
        app.post(Some(&a1), "{ alerts { totalCount } }", json!({})).await.data()["alerts"]["totalCount"],
        0
    );
    let id = first_alert(&app, &a2).await;
    let r = app
        .post(
            Some(&a2),
            RESOLVE,
            json!({ "id": id, "i": { "attribution": "OUR_CAPACITY", "decision": "KEEP" } }),
        )
        .await;
    assert_eq!(r.data()["resolveAlert"]["status"], "RESOLVED");
}
