//! What client developers meet first (issue 8): schema tools.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_standard_introspection_queries_are_answered() {
    let app = spawn_app().await;
    for (name, query) in [
        (
            "graphql-js, every option",
            include_str!("introspection/graphql-js-all-options.graphql"),
        ),
        ("GraphiQL", include_str!("introspection/graphiql.graphql")),
        ("Apollo", include_str!("introspection/apollo.graphql")),
    ] {
        let r = app
            .client
            .post(app.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "operationName": "IntrospectionQuery" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{name}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v.get("errors").is_none(), "{name}: {v}");
        let types = v["data"]["__schema"]["types"].as_array().unwrap();
        for wanted in ["QueryRoot", "Opportunity", "Alert", "AlertEvidence"] {
            assert!(types.iter().any(|t| t["name"] == wanted), "{name}: no {wanted}");
        }
        assert_eq!(v["data"]["__schema"]["subscriptionType"]["name"], "SubscriptionRoot", "{name}");
    }
}

/// Every value of every enumeration of the schema, from introspection.
async fn schema_enums(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let r = app
        .post(None, "{ __schema { types { kind name enumValues { name } } } }", json!({}))
        .await;
    r.data()["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "ENUM" && !t["name"].as_str().unwrap().starts_with("__"))
        .map(|t| {
            let values = t["enumValues"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["name"].as_str().unwrap().to_owned())
                .collect();
            (t["name"].as_str().unwrap().to_owned(), values)
        })
        .collect()
}

#[tokio::test]
async fn every_enum_value_has_a_chinese_and_an_english_label() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let enums = schema_enums(&app).await;
    assert!(enums.len() >= 15, "{enums:?}");
    for locale in ["ZH_CN", "EN"] {
        let r = app
            .post(
                Some(&token),
                "query($l: Locale) { labels(locale: $l) { name values { value label } } }",
                json!({ "l": locale }),
            )
            .await;
        let labels = r.data()["labels"].as_array().unwrap().clone();
        for (name, values) in &enums {
            let Some(entry) = labels.iter().find(|e| e["name"] == name.as_str()) else {
                panic!("{locale}: the enumeration {name} has no labels");
            };
            for value in values {
                let label = entry["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["value"] == value.as_str())
                    .and_then(|v| v["label"].as_str());
                assert!(label.is_some_and(|l| !l.trim().is_empty()), "{locale}: {name}.{value} has no label");
            }
        }
    }
}

#[tokio::test]
async fn labels_follow_accept_language_and_fill_in_the_configured_numbers() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let q = "{ labels { name values { value label } } me { roleLabel } }";
    let rule = |r: &crate::helpers::Gql, value: &str| -> String {
        let rules = r.data()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "AlertRule")
            .unwrap()
            .clone();
        rules["values"].as_array().unwrap().iter().find(|v| v["value"] == value).unwrap()["label"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let zh = app.post(Some(&token), q, json!({})).await;
    assert_eq!(rule(&zh, "NO_FOLLOW_UP"), "15日无跟进");
    assert_eq!(rule(&zh, "STALLED_INITIAL"), "初步识别停留超2周");
    assert_eq!(zh.data()["me"]["roleLabel"], "客户经理");
    let en = app.post_in(Some("en-US,en;q=0.9"), Some(&token), q, json!({})).await;
    assert_eq!(rule(&en, "NO_FOLLOW_UP"), "No follow-up for 15 days");
    assert_eq!(en.data()["me"]["roleLabel"], "Account manager");
    // The numbers are configuration.
    let admin = app.login("admin@test.local").await;
    app.post(
        Some(&admin),
        "mutation { updateSettings(input: { noFollowUpDays: 20 }) { noFollowUpDays } }",
        json!({}),
    )
    .await
    .data();
    assert_eq!(rule(&app.post(Some(&token), q, json!({})).await, "NO_FOLLOW_UP"), "20日无跟进");
}

#[tokio::test]
async fn the_note_a_resolution_writes_uses_the_companys_words() {
    use org::*;
    let app = spawn_app().await;
    let deal = app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let r = app.post(Some(&a1), "{ alerts { nodes { id } } }", json!({})).await;
    let alert = r.data()["alerts"]["nodes"][0]["id"].clone();
    app.post(
        Some(&a1),
        "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { status } }",
        json!({ "id": alert }),
    )
    .await
    .data();
    let r = app
        .post(
            Some(&a1),
            "query($id: ID!) { opportunity(id: $id) { activities { nodes { kind note } } } }",
            json!({ "id": deal.to_string() }),
        )
        .await;
    let activity = &r.data()["opportunity"]["activities"]["nodes"][0];
    assert_eq!(activity["kind"], "ALERT_ATTRIBUTION");
    assert_eq!(activity["note"], "15日无跟进：客户无响应");
}

#[tokio::test]
async fn answers_list_fields_in_the_order_the_query_asked() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    for n in 0..3 {
        app.quick_deal(&a1, &format!("order {n}")).await;
    }
    // Fields that resolve through different loaders finish in any order.
    let q = "{ opportunities { nodes { track { name } owner { email } customer { name } id stageLabel name } } zz: me { email } aa: tracks { name } }";
    // Each key as it appears only once in the first node (the deal's own name starts with "order").
    let keys = [
        "\"track\":",
        "\"owner\":",
        "\"customer\":",
        "\"id\":",
        "\"stageLabel\":",
        "\"name\":\"order 0\"",
    ];
    for _ in 0..30 {
        let text = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&a1)
            .json(&json!({ "query": q }))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let first_node = &text[text.find("\"nodes\"").unwrap()..];
        let positions: Vec<usize> = keys.iter().map(|k| first_node.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "fields out of order: {text}");
        assert!(
            text.find("\"opportunities\"") < text.find("\"zz\"") && text.find("\"zz\"") < text.find("\"aa\""),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_phone_sees_its_badges_and_only_the_buttons_it_may_press() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let q = "{ me { badges { openAlerts overdueAlerts } } alerts { nodes { viewerCanResolve viewerCanReview viewerCanRaiseToCeo opportunity { viewerCanEdit } } } }";
    let view = |r: &crate::helpers::Gql| (r.data()["me"]["badges"].clone(), r.data()["alerts"]["nodes"][0].clone());
    let a1 = app.login("a1@test.local").await;
    let (badges, alert) = view(&app.post(Some(&a1), q, json!({})).await);
    assert_eq!(badges, json!({ "openAlerts": 1, "overdueAlerts": 0 }));
    assert_eq!(
        alert,
        json!({ "viewerCanResolve": true, "viewerCanReview": false, "viewerCanRaiseToCeo": false, "opportunity": { "viewerCanEdit": true } })
    );
    let d1 = app.login("d1@test.local").await;
    let (badges, alert) = view(&app.post(Some(&d1), q, json!({})).await);
    assert_eq!(badges, json!({ "openAlerts": 1, "overdueAlerts": 0 }));
    assert_eq!(
        alert,
        json!({ "viewerCanResolve": false, "viewerCanReview": false, "viewerCanRaiseToCeo": true, "opportunity": { "viewerCanEdit": true } })
    );
    let ceo = app.login("ceo@test.local").await;
    let (_, alert) = view(&app.post(Some(&ceo), q, json!({})).await);
    assert_eq!(
        alert,
        json!({ "viewerCanResolve": false, "viewerCanReview": false, "viewerCanRaiseToCeo": false, "opportunity": { "viewerCanEdit": false } })
    );
    // Another track's director counts nothing of it.
    let d2 = app.login("d2@test.local").await;
    let (badges, _) = view(&app.post(Some(&d2), q, json!({})).await);
    assert_eq!(badges, json!({ "openAlerts": 0, "overdueAlerts": 0 }));
    // Four days on, unanswered: overdue on the badge.
    app.clock.advance(chrono::Duration::days(4));
    let a1 = app.login("a1@test.local").await;
    let (badges, _) = view(&app.post(Some(&a1), q, json!({})).await);
    assert_eq!(badges, json!({ "openAlerts": 1, "overdueAlerts": 1 }));
    // Somebody else's badges are nobody's business.
    let d1 = app.login("d1@test.local").await;
    let r = app
        .post(
            Some(&d1),
            "{ tracks { accountManagers { email badges { openAlerts } } } }",
            json!({}),
        )
        .await;
    for am in r.data()["tracks"][0]["accountManagers"].as_array().unwrap() {
        assert!(am["badges"].is_null(), "{am}");
    }
}

#[tokio::test]
async fn an_opportunity_lists_its_alerts_in_the_viewers_scope() {
    use org::*;
    let app = spawn_app().await;
    let deal = app.deal_with_alert(A1, T1).await;
    let q = "query($id: ID!) { opportunity(id: $id) { alerts { nodes { rule status ruleLabel } } } }";
    let a1 = app.login("a1@test.local").await;
    let r = app.post(Some(&a1), q, json!({ "id": deal.to_string() })).await;
    assert_eq!(
        r.data()["opportunity"]["alerts"]["nodes"],
        json!([{ "rule": "NO_FOLLOW_UP", "status": "OPEN", "ruleLabel": "15日无跟进" }])
    );
    let d2 = app.login("d2@test.local").await;
    assert_eq!(app.post(Some(&d2), q, json!({ "id": deal.to_string() })).await.code(), "NOT_FOUND");
}

#[tokio::test]
async fn an_event_carries_a_notification_line_in_the_phones_words() {
    use crate::websocket::{next_json, open, send};
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let q = "subscription { alertEvents(after: \"0\") { kind kindLabel notification } }";
    send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": q } })).await;
    let m = next_json(&mut ws).await;
    assert_eq!(
        m["payload"]["data"]["alertEvents"],
        json!({ "kind": "ALERT_RAISED", "kindLabel": "新告警", "notification": "新告警：15日无跟进 · seeded" }),
        "{m}"
    );
}

#[tokio::test]
async fn lists_filter_on_several_statuses_stages_and_a_due_time() {
    use entity::{OpportunityStatus, Stage};
    use org::*;
    let app = spawn_app().await;
    for (stage, status) in [
        (Stage::Quotation, OpportunityStatus::Active),
        (Stage::DeepNegotiation, OpportunityStatus::Active),
        (Stage::DeepNegotiation, OpportunityStatus::Lost),
        (Stage::InitialIdentification, OpportunityStatus::Shelved),
    ] {
        app.insert_deal(DealSpec {
            stage,
            status,
            restart_date: (status == OpportunityStatus::Shelved).then(|| chrono::NaiveDate::from_ymd_opt(2027, 6, 1).unwrap()),
            last_activity_at: sh(2026, 10, 1),
            ..DealSpec::new(A1, T1)
        })
        .await;
    }
    let a1 = app.login("a1@test.local").await;
    let q = "query($f: OpportunityFilter) { opportunities(filter: $f) { totalCount } }";
    let count = |r: crate::helpers::Gql| r.data()["opportunities"]["totalCount"].as_i64().unwrap();
    let not_lost = json!({ "f": { "statuses": ["ACTIVE", "SHELVED"] } });
    assert_eq!(count(app.post(Some(&a1), q, not_lost.clone()).await), 3);
    let late = json!({ "f": { "stages": ["DEEP_NEGOTIATION", "H_POTENTIAL"], "statuses": ["ACTIVE"] } });
    assert_eq!(count(app.post(Some(&a1), q, late).await), 1);
    let d2 = app.login("d2@test.local").await;
    assert_eq!(count(app.post(Some(&d2), q, not_lost).await), 0);
    // Alerts: the two active deals have had no follow-up since 1 October.
    app.scan(t0()).await;
    let alerts = "query($f: AlertFilter) { alerts(filter: $f) { totalCount } }";
    let acount = |r: crate::helpers::Gql| r.data()["alerts"]["totalCount"].as_i64().unwrap();
    let open_or_resolved = json!({ "f": { "statuses": ["OPEN", "RESOLVED"] } });
    let all = acount(app.post(Some(&a1), alerts, open_or_resolved).await);
    assert!(all >= 2, "{all}");
    // Due three days after the scan: none before then, all by then.
    let before = json!({ "f": { "dueBefore": "2026-11-26T01:00:00Z" } });
    assert_eq!(acount(app.post(Some(&a1), alerts, before).await), 0);
    let by_then = json!({ "f": { "dueBefore": "2026-11-26T01:00:01Z" } });
    assert_eq!(acount(app.post(Some(&a1), alerts, by_then).await), all);
    let too_many = json!({ "f": { "statuses": ["OPEN", "OPEN", "OPEN", "OPEN"] } });
    assert_eq!(app.post(Some(&a1), alerts, too_many).await.code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_account_manager_marks_alerts_seen_and_his_director_sees_it() {
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    app.deal_with_alert(A2, T1).await;
    let ids = |r: &crate::helpers::Gql| -> Vec<String> {
        r.data()["alerts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let a1 = app.login("a1@test.local").await;
    let a2 = app.login("a2@test.local").await;
    let d1 = app.login("d1@test.local").await;
    let mine = ids(&app.post(Some(&a1), "{ alerts { nodes { id } } }", json!({})).await)[0].clone();
    let theirs = ids(&app.post(Some(&a2), "{ alerts { nodes { id } } }", json!({})).await)[0].clone();
    let badges = "{ me { badges { openAlerts unseenAlerts } } }";
    assert_eq!(
        app.post(Some(&a1), badges, json!({})).await.data()["me"]["badges"],
        json!({ "openAlerts": 1, "unseenAlerts": 1 })
    );
    assert_eq!(
        app.post(Some(&d1), badges, json!({})).await.data()["me"]["badges"],
        json!({ "openAlerts": 2, "unseenAlerts": 2 })
    );
    let mark = "mutation($ids: [ID!]!) { markAlertsSeen(ids: $ids) { alerts { id seen seenAt } badges { unseenAlerts } } }";
    // Somebody else's alert (outside his scope) spoils the whole call: nothing is marked.
    assert_eq!(
        app.post(Some(&a1), mark, json!({ "ids": [mine, theirs] })).await.code(),
        "NOT_FOUND"
    );
    // The director sees it, but only its owner marks it seen.
    assert_eq!(app.post(Some(&d1), mark, json!({ "ids": [mine] })).await.code(), "FORBIDDEN");
    assert_eq!(app.post(Some(&a1), mark, json!({ "ids": [] })).await.fields(), ["ids"]);
    let unseen = "{ alerts(filter: { seen: false }) { nodes { id } } }";
    assert_eq!(ids(&app.post(Some(&a1), unseen, json!({})).await), std::slice::from_ref(&mine));
    let r = app.post(Some(&a1), mark, json!({ "ids": [mine, mine] })).await;
    let done = &r.data()["markAlertsSeen"];
    assert_eq!(done["alerts"][0]["seen"], true);
    assert_eq!(done["alerts"][0]["seenAt"], json!(t0().to_rfc3339()));
    assert_eq!(done["badges"]["unseenAlerts"], 0);
    // Seeing again keeps the first time.
    app.clock.advance(chrono::Duration::hours(1));
    let again = app.post(Some(&a1), mark, json!({ "ids": [mine] })).await;
    assert_eq!(again.data()["markAlertsSeen"]["alerts"][0]["seenAt"], json!(t0().to_rfc3339()));
    assert!(ids(&app.post(Some(&a1), unseen, json!({})).await).is_empty());
    // The director: who has seen his alerts, who has not.
    let r = app
        .post(Some(&d1), "{ alerts { nodes { owner { email } seen } } }", json!({}))
        .await;
    let mut seen: Vec<(String, bool)> = r.data()["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["owner"]["email"].as_str().unwrap().to_owned(), n["seen"].as_bool().unwrap()))
        .collect();
    seen.sort();
    assert_eq!(seen, [("a1@test.local".to_owned(), true), ("a2@test.local".to_owned(), false)]);
    assert_eq!(ids(&app.post(Some(&d1), unseen, json!({})).await), [theirs]);
    assert_eq!(
        app.post(Some(&d1), badges, json!({})).await.data()["me"]["badges"]["unseenAlerts"],
        1
    );
}

#[tokio::test]
async fn an_event_says_who_acted() {
    use crate::websocket::{next_json, open, send};
    use org::*;
    let app = spawn_app().await;
    app.deal_with_alert(A1, T1).await;
    let a1 = app.login("a1@test.local").await;
    let id = app.post(Some(&a1), "{ alerts { nodes { id } } }", json!({})).await.data()["alerts"]["nodes"][0]["id"].clone();
    let resolve = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { status } }";
    app.post(Some(&a1), resolve, json!({ "id": id })).await.data();
    let d1 = app.login("d1@test.local").await;
    let mut ws = open(&app, &d1).await;
    let q = "subscription { alertEvents(after: \"0\") { kind actor { email } } }";
    send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": q } })).await;
    let raised = next_json(&mut ws).await;
    assert_eq!(
        raised["payload"]["data"]["alertEvents"],
        json!({ "kind": "ALERT_RAISED", "actor": null })
    );
    let resolved = next_json(&mut ws).await;
    assert_eq!(
        resolved["payload"]["data"]["alertEvents"],
        json!({ "kind": "ALERT_RESOLVED", "actor": { "email": "a1@test.local" } })
    );
}

#[tokio::test]
async fn lists_page_both_ways_in_the_orders_people_ask_for() {
    use org::*;
    let app = spawn_app().await;
    let month = |m: u32| Some(chrono::NaiveDate::from_ymd_opt(2027, m, 1).unwrap());
    // (last follow-up day in October, expected month)
    let specs = [(5, month(3)), (9, None), (2, month(1)), (7, month(3)), (1, None)];
    let mut ids = Vec::new();
    for (day, expected) in specs {
        let id = app
            .insert_deal(DealSpec {
                last_activity_at: sh(2026, 10, day),
                expected_order_month: expected,
                ..DealSpec::new(A1, T1)
            })
            .await;
        ids.push(id.to_string());
    }
    let a1 = app.login("a1@test.local").await;
    let q = "query($o: OpportunityOrder, $f: Int, $a: String, $l: Int, $b: String) {
        opportunities(order: $o, first: $f, after: $a, last: $l, before: $b) {
            nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let read = |r: &crate::helpers::Gql| -> (Vec<String>, serde_json::Value) {
        let c = &r.data()["opportunities"];
        let ids = c["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        (ids, c["pageInfo"].clone())
    };
    let pick = |order: &[usize]| -> Vec<String> { order.iter().map(|&i| ids[i].clone()).collect() };
    // The longest without a follow-up first: days 1, 2, 5, 7, 9.
    let all = pick(&[4, 2, 0, 3, 1]);
    let (got, _) = read(&app.post(Some(&a1), q, json!({ "o": "LAST_FOLLOW_UP_OLDEST" })).await);
    assert_eq!(got, all);
    // Forwards in twos, then backwards from the end in twos.
    let (p1, info) = read(&app.post(Some(&a1), q, json!({ "o": "LAST_FOLLOW_UP_OLDEST", "f": 2 })).await);
    assert_eq!(p1, all[..2]);
    assert_eq!(
        (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
        (json!(true), json!(false))
    );
    let (p2, info) = read(
        &app.post(
            Some(&a1),
            q,
            json!({ "o": "LAST_FOLLOW_UP_OLDEST", "f": 2, "a": info["endCursor"] }),
        )
        .await,
    );
    assert_eq!(p2, all[2..4]);
    assert_eq!(info["hasPreviousPage"], true);
    let (back, info) = read(&app.post(Some(&a1), q, json!({ "o": "LAST_FOLLOW_UP_OLDEST", "l": 2 })).await);
    assert_eq!(back, all[3..]);
    assert_eq!(
        (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
        (json!(false), json!(true))
    );
    let (back2, _) = read(
        &app.post(
            Some(&a1),
            q,
            json!({ "o": "LAST_FOLLOW_UP_OLDEST", "l": 2, "b": info["startCursor"] }),
        )
        .await,
    );
    assert_eq!(back2, all[1..3]);
    // Expected month soonest first, those without one last (ties by creation).
    let (got, _) = read(&app.post(Some(&a1), q, json!({ "o": "EXPECTED_ORDER_MONTH" })).await);
    assert_eq!(got, pick(&[2, 0, 3, 1, 4]));
    let (got, _) = read(&app.post(Some(&a1), q, json!({ "o": "NEWEST_FIRST", "l": 10 })).await);
    assert_eq!(got, pick(&[4, 3, 2, 1, 0]));
    // Another's deal is no cursor: paging from it shows nothing, so its
    // amount or month cannot be probed by where the page starts.
    let theirs = app.insert_deal(DealSpec::new(A2, T1)).await.to_string();
    for o in ["AMOUNT_LARGEST", "EXPECTED_ORDER_MONTH", "LAST_FOLLOW_UP_OLDEST"] {
        let (got, _) = read(&app.post(Some(&a1), q, json!({ "o": o, "f": 10, "a": theirs })).await);
        assert!(got.is_empty(), "{o}: {got:?}");
        let (got, _) = read(&app.post(Some(&a1), q, json!({ "o": o, "l": 10, "b": theirs })).await);
        assert!(got.is_empty(), "{o}: {got:?}");
    }
    // Mixed directions are refused, every field at once.
    let r = app.post(Some(&a1), q, json!({ "f": 2, "l": 2, "a": "x" })).await;
    assert_eq!(r.fields(), ["last", "after"]);
}

#[tokio::test]
async fn errors_speak_the_callers_language() {
    use crate::websocket::{next_json, send};
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let create = "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }";
    let bad = json!({ "i": { "name": "x".repeat(300), "customerName": "", "kind": "MOLD_DEVELOPMENT", "amount": "12.345" } });
    // Chinese by default, every field's message too; codes and paths unchanged.
    let zh = app.post(Some(&a1), create, bad.clone()).await;
    assert_eq!(zh.code(), "VALIDATION");
    let fields = zh.0["errors"][0]["extensions"]["fields"].as_array().unwrap().clone();
    let by_field = |list: &[serde_json::Value], f: &str| list.iter().find(|x| x["field"] == f).map(|x| x["message"].clone());
    assert_eq!(by_field(&fields, "input.name"), Some(json!("最多200个字符")));
    assert_eq!(by_field(&fields, "input.customerName"), Some(json!("必填")));
    assert_eq!(by_field(&fields, "input.amount"), Some(json!("小数超过两位")));
    assert!(
        zh.0["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("输入有误：input.name：最多200个字符"),
        "{}",
        zh.0
    );
    // English when the phone asks for it.
    let en = app.post_in(Some("en-US,en;q=0.9"), Some(&a1), create, bad).await;
    let fields = en.0["errors"][0]["extensions"]["fields"].as_array().unwrap().clone();
    assert_eq!(by_field(&fields, "input.name"), Some(json!("must be at most 200 characters")));
    assert_eq!(en.fields(), zh.fields());
    // Not found, forbidden and unauthenticated alike.
    let q = "query($id: ID!) { alert(id: $id) { id } }";
    assert_eq!(
        app.post(Some(&a1), q, json!({ "id": "999" })).await.0["errors"][0]["message"],
        "未找到告警任务"
    );
    let users = "{ users { totalCount } }";
    assert_eq!(
        app.post(Some(&a1), users, json!({})).await.0["errors"][0]["message"],
        "您的角色无权查看用户列表"
    );
    assert_eq!(
        app.post(None, users, json!({})).await.0["errors"][0]["message"],
        "请先登录：发送 Authorization: Bearer <token>"
    );
    // Over the socket: the language of the upgrade request.
    let mut ws = crate::websocket::open(&app, &a1).await;
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ alert(id: \"999\") { id } }" } }),
    )
    .await;
    let m = next_json(&mut ws).await;
    assert_eq!(m["payload"]["errors"][0]["message"], "未找到告警任务", "{m}");
}
