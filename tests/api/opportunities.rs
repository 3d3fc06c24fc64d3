//! Opportunity mutations: validation, versions, history, follow-ups.

use crate::helpers::*;
use serde_json::json;

const MOVE: &str = "mutation($id: ID!, $v: Int!, $s: Stage!, $p: PrecisionForecastInput) {
    moveOpportunityStage(id: $id, version: $v, stage: $s, precisionForecast: $p) {
        stage version securedAt stageEnteredAt precisionForecast { orderDate amount }
        history { nodes { field from to actor { email } } }
    }
}";

#[tokio::test]
async fn an_account_manager_creates_a_deal_in_his_own_track_with_its_first_history() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app
        .create_opportunity(
            &a1,
            json!({ "name": "  手机外壳  ", "customerName": "华星电子", "kind": "MASS_PRODUCTION", "amount": "1234567.89",
                     "rollingForecast": { "expectedOrderMonth": "2027-02", "amount": "1000000" } }),
        )
        .await;
    let r = app
        .post(
            Some(&a1),
            "query($id: ID!) { opportunity(id: $id) { name amount stage status businessLine version isActive
                owner { email } track { name } customer { name } rollingForecast { expectedOrderMonth amount }
                history { nodes { field from to } } } }",
            json!({ "id": id }),
        )
        .await;
    let o = &r.data()["opportunity"];
    assert_eq!(o["name"], "手机外壳");
    assert_eq!(o["amount"], "1234567.89");
    assert_eq!(o["stage"], "INITIAL_IDENTIFICATION");
    assert_eq!(o["status"], "ACTIVE");
    assert_eq!(o["businessLine"], "MOLDING_INTEGRATED");
    assert_eq!(o["version"], 1);
    assert_eq!(o["isActive"], true);
    assert_eq!(o["owner"]["email"], "a1@test.local");
    assert_eq!(o["customer"]["name"], "华星电子");
    assert_eq!(o["rollingForecast"]["expectedOrderMonth"], "2027-02");
    assert_eq!(
        o["history"]["nodes"],
        json!([
            { "field": "STAGE", "from": null, "to": "INITIAL_IDENTIFICATION" },
            { "field": "STATUS", "from": null, "to": "ACTIVE" },
            { "field": "ROLLING_FORECAST", "from": null, "to": "2027-02|1000000.00" }
        ])
    );
}

#[tokio::test]
async fn a_bad_new_deal_reports_every_bad_field_and_writes_nothing() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let before = (app.count_rows("opportunity").await, app.count_rows("customer").await);
    let r = app
        .post(
            Some(&a1),
            "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }",
            json!({ "i": { "name": " ", "customerName": "新客户", "kind": "OTHER", "amount": "-5", "stage": "H_POTENTIAL", "trackId": "2",
                           "rollingForecast": { "expectedOrderMonth": "2027-13", "amount": "1.001" } } }),
        )
        .await;
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "input.amount",
            "input.name",
            "input.precisionForecast",
            "input.rollingForecast.amount",
            "input.rollingForecast.expectedOrderMonth",
            "input.trackId"
        ]
    );
    assert_eq!((app.count_rows("opportunity").await, app.count_rows("customer").await), before);
}

#[tokio::test]
async fn a_director_must_name_an_account_manager_of_his_track_as_owner() {
    let app = spawn_app().await;
    let d1 = app.login("d1@test.local").await;
    let q = "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { owner { email } track { name } } }";
    let base = json!({ "name": "x", "customerName": "c", "kind": "OTHER", "amount": "1" });
    let mut missing = base.clone();
    assert_eq!(app.post(Some(&d1), q, json!({ "i": missing })).await.fields(), ["input.ownerId"]);
    missing["ownerId"] = json!("103"); // a3 is in track 2
    assert_eq!(app.post(Some(&d1), q, json!({ "i": missing })).await.fields(), ["input.ownerId"]);
    missing["ownerId"] = json!("102");
    let ok = app.post(Some(&d1), q, json!({ "i": missing })).await;
    assert_eq!(ok.data()["createOpportunity"]["owner"]["email"], "a2@test.local");
    assert_eq!(ok.data()["createOpportunity"]["track"]["name"], "消费电子I");
}

#[tokio::test]
async fn moving_to_h_potential_needs_a_precision_forecast_and_is_written_to_history() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let refused = app.post(Some(&a1), MOVE, json!({ "id": id, "v": 1, "s": "H_POTENTIAL" })).await;
    assert_eq!(refused.fields(), ["precisionForecast"]);
    assert_eq!(app.version_of(&a1, &id).await, 1, "nothing written");
    app.clock.advance(chrono::Duration::hours(1));
    let r = app
        .post(
            Some(&a1),
            MOVE,
            json!({ "id": id, "v": 1, "s": "H_POTENTIAL", "p": { "orderDate": "2027-01-15", "amount": "90000" } }),
        )
        .await;
    let o = &r.data()["moveOpportunityStage"];
    assert_eq!(o["stage"], "H_POTENTIAL");
    assert_eq!(o["version"], 2);
    assert_eq!(o["stageEnteredAt"], "2026-11-23T02:00:00+00:00");
    assert_eq!(o["precisionForecast"], json!({ "orderDate": "2027-01-15", "amount": "90000.00" }));
    assert_eq!(
        o["history"]["nodes"][2],
        json!({ "field": "STAGE", "from": "QUOTATION", "to": "H_POTENTIAL", "actor": { "email": "a1@test.local" } })
    );
    // Secured with the forecast already on record; then a won deal is final.
    let won = app.post(Some(&a1), MOVE, json!({ "id": id, "v": 2, "s": "SECURED" })).await;
    assert_eq!(won.data()["moveOpportunityStage"]["securedAt"], "2026-11-23T02:00:00+00:00");
    assert_eq!(
        app.post(Some(&a1), MOVE, json!({ "id": id, "v": 3, "s": "QUOTATION" }))
            .await
            .fields(),
        ["stage"]
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let q = "mutation($id: ID!, $v: Int!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, version: $v, input: $i) { amount version } }";
    let first = app
        .post(Some(&a1), q, json!({ "id": id, "v": 1, "i": { "amount": "200000" } }))
        .await;
    assert_eq!(first.data()["updateOpportunity"], json!({ "amount": "200000.00", "version": 2 }));
    let stale = app
        .post(Some(&a1), q, json!({ "id": id, "v": 1, "i": { "amount": "300000" } }))
        .await;
    assert_eq!(stale.code(), "CONFLICT");
    let stale_move = app
        .post(Some(&a1), MOVE, json!({ "id": id, "v": 1, "s": "DEEP_NEGOTIATION" }))
        .await;
    assert_eq!(stale_move.code(), "CONFLICT");
    let now = app
        .post(
            Some(&a1),
            "query($id: ID!) { opportunity(id: $id) { amount version stage } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        now.data()["opportunity"],
        json!({ "amount": "200000.00", "version": 2, "stage": "QUOTATION" })
    );
}

#[tokio::test]
async fn concurrent_changes_at_the_same_version_let_exactly_one_win() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let q = "mutation($id: ID!, $v: Int!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, version: $v, input: $i) { version } }";
    let calls = (0..6).map(|n| app.post(Some(&a1), q, json!({ "id": id, "v": 1, "i": { "amount": (1000 + n).to_string() } })));
    let results = futures_util::future::join_all(calls).await;
    let wins = results.iter().filter(|r| r.0.get("errors").is_none()).count();
    assert_eq!(wins, 1);
    assert!(
        results
            .iter()
            .filter(|r| r.0.get("errors").is_some())
            .all(|r| r.code() == "CONFLICT")
    );
    assert_eq!(app.version_of(&a1, &id).await, 2);
}

#[tokio::test]
async fn shelving_requires_a_listed_reason_text_for_other_and_a_future_restart_date() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let q = "mutation($id: ID!, $v: Int!, $i: ShelveInput!) { shelveOpportunity(id: $id, version: $v, input: $i) { status shelveReason restartDate version } }";
    // Today in Shanghai is 2026-11-23: today itself is not in the future.
    let bad = app
        .post(
            Some(&a1),
            q,
            json!({ "id": id, "v": 1, "i": { "reason": "CUSTOMER_OTHER", "restartDate": "2026-11-23" } }),
        )
        .await;
    assert_eq!(bad.fields(), ["input.reasonText", "input.restartDate"]);
    assert_eq!(app.version_of(&a1, &id).await, 1);
    let unknown = app
        .post(
            Some(&a1),
            q,
            json!({ "id": id, "v": 1, "i": { "reason": "BORED", "restartDate": "2026-12-01" } }),
        )
        .await;
    assert!(unknown.0.get("errors").is_some(), "a reason outside the list is refused");
    let ok = app
        .post(
            Some(&a1),
            q,
            json!({ "id": id, "v": 1, "i": { "reason": "OUR_NO_CAPACITY", "restartDate": "2026-11-24" } }),
        )
        .await;
    assert_eq!(
        ok.data()["shelveOpportunity"],
        json!({ "status": "SHELVED", "shelveReason": "OUR_NO_CAPACITY", "restartDate": "2026-11-24", "version": 2 })
    );
    // A shelved deal cannot move; reactivated, it counts as a follow-up.
    assert_eq!(
        app.post(Some(&a1), MOVE, json!({ "id": id, "v": 2, "s": "DEEP_NEGOTIATION" }))
            .await
            .fields(),
        ["stage"]
    );
    app.clock.advance(chrono::Duration::days(20));
    let a1 = app.login("a1@test.local").await;
    let re = app
        .post(Some(&a1), "mutation($id: ID!, $v: Int!) { reactivateOpportunity(id: $id, version: $v) { status isActive lastActivityAt history { nodes { to } } } }", json!({ "id": id, "v": 2 }))
        .await;
    let o = &re.data()["reactivateOpportunity"];
    assert_eq!(o["status"], "ACTIVE");
    assert_eq!(o["isActive"], true);
    assert_eq!(o["lastActivityAt"], "2026-12-13T01:00:00+00:00");
}

#[tokio::test]
async fn losing_needs_a_reason_and_a_won_deal_cannot_be_lost() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let q = "mutation($id: ID!, $v: Int!, $r: String!) { loseOpportunity(id: $id, version: $v, reason: $r) { status lossReason } }";
    assert_eq!(
        app.post(Some(&a1), q, json!({ "id": id, "v": 1, "r": "" })).await.fields(),
        ["reason"]
    );
    let lost = app.post(Some(&a1), q, json!({ "id": id, "v": 1, "r": "价格" })).await;
    assert_eq!(lost.data()["loseOpportunity"], json!({ "status": "LOST", "lossReason": "价格" }));
    let reviews = app
        .post(
            Some(&a1),
            "{ lossReviews { nodes { reason alertId opportunity { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        reviews.data()["lossReviews"]["nodes"],
        json!([{ "reason": "价格", "alertId": null, "opportunity": { "id": id } }])
    );
    assert_eq!(
        app.post(Some(&a1), q, json!({ "id": id, "v": 2, "r": "again" })).await.fields(),
        ["id"]
    );
}

#[tokio::test]
async fn a_mold_number_is_assigned_to_a_secured_deal_only() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let q = "mutation($id: ID!, $v: Int!, $m: String!) { assignMoldNumber(id: $id, version: $v, moldNumber: $m) { moldNumber version } }";
    assert_eq!(
        app.post(Some(&a1), q, json!({ "id": id, "v": 1, "m": "M26-001" })).await.fields(),
        ["id"]
    );
    app.post(
        Some(&a1),
        MOVE,
        json!({ "id": id, "v": 1, "s": "SECURED", "p": { "orderDate": "2026-11-30", "amount": "100000" } }),
    )
    .await
    .data();
    let ok = app.post(Some(&a1), q, json!({ "id": id, "v": 2, "m": " M26-001 " })).await;
    assert_eq!(ok.data()["assignMoldNumber"], json!({ "moldNumber": "M26-001", "version": 3 }));
}

#[tokio::test]
async fn a_follow_up_moves_last_activity_and_decides_active_on_the_company_calendar() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let id = app.quick_deal(&a1, "deal").await;
    let log = "mutation($id: ID!, $i: ActivityInput!) { logActivity(opportunityId: $id, input: $i) { kind occurredAt actor { email } } }";
    let future = app
        .post(
            Some(&a1),
            log,
            json!({ "id": id, "i": { "kind": "CALL", "note": "x", "occurredAt": "2026-11-24T00:00:00Z" } }),
        )
        .await;
    assert_eq!(future.fields(), ["input.occurredAt"]);
    let system = app
        .post(
            Some(&a1),
            log,
            json!({ "id": id, "i": { "kind": "ALERT_ATTRIBUTION", "note": "" } }),
        )
        .await;
    assert_eq!(system.fields(), ["input.kind", "input.note"]);
    // Created at 09:00 on 23 Nov (Shanghai). 14 natural days later it is still active…
    let active = "query($id: ID!) { opportunity(id: $id) { isActive lastActivityAt activities { nodes { kind } } } }";
    app.clock.set("2026-12-07T15:59:59Z".parse().unwrap()); // 23:59:59 on 7 Dec in Shanghai
    let a1 = app.login("a1@test.local").await;
    assert_eq!(
        app.post(Some(&a1), active, json!({ "id": id })).await.data()["opportunity"]["isActive"],
        true
    );
    // …and one second later, 00:00 on 8 Dec, 15 natural days have passed.
    app.clock.set("2026-12-07T16:00:00Z".parse().unwrap());
    assert_eq!(
        app.post(Some(&a1), active, json!({ "id": id })).await.data()["opportunity"]["isActive"],
        false
    );
    let list = "query($a: Boolean) { opportunities(filter: { active: $a }) { totalCount } }";
    assert_eq!(
        app.post(Some(&a1), list, json!({ "a": false })).await.data()["opportunities"]["totalCount"],
        1
    );
    let r = app
        .post(
            Some(&a1),
            log,
            json!({ "id": id, "i": { "kind": "VISIT", "note": "拜访", "occurredAt": "2026-12-07T08:00:00Z" } }),
        )
        .await;
    assert_eq!(r.data()["logActivity"]["actor"]["email"], "a1@test.local");
    let after = app.post(Some(&a1), active, json!({ "id": id })).await;
    assert_eq!(after.data()["opportunity"]["isActive"], true);
    assert_eq!(after.data()["opportunity"]["lastActivityAt"], "2026-12-07T08:00:00+00:00");
    assert_eq!(after.data()["opportunity"]["activities"]["nodes"], json!([{ "kind": "VISIT" }]));
    assert_eq!(
        app.post(Some(&a1), list, json!({ "a": true })).await.data()["opportunities"]["totalCount"],
        1
    );
}

#[tokio::test]
async fn lists_page_by_cursor_and_filter() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    for n in 0..5 {
        app.create_opportunity(
            &a1,
            json!({ "name": format!("d{n}"), "customerName": if n % 2 == 0 { "Alpha 100%" } else { "beta" }, "kind": "OTHER", "amount": "1",
            "rollingForecast": { "expectedOrderMonth": if n < 2 { "2027-01" } else { "2027-03" }, "amount": "1" } }),
        )
        .await;
    }
    let q = "query($f: OpportunityFilter, $first: Int, $after: String) { opportunities(filter: $f, first: $first, after: $after) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }";
    let p1 = app.post(Some(&a1), q, json!({ "first": 2 })).await;
    let c = &p1.data()["opportunities"];
    assert_eq!(c["totalCount"], 5);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    let p2 = app
        .post(Some(&a1), q, json!({ "first": 3, "after": c["pageInfo"]["endCursor"] }))
        .await;
    let names: Vec<_> = p2.data()["opportunities"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["d2", "d3", "d4"]);
    assert_eq!(p2.data()["opportunities"]["pageInfo"]["hasNextPage"], false);
    let alpha = app.post(Some(&a1), q, json!({ "f": { "customer": "alpha 100%" } })).await;
    assert_eq!(alpha.data()["opportunities"]["totalCount"], 3);
    let pct = app.post(Some(&a1), q, json!({ "f": { "customer": "%" } })).await;
    assert_eq!(pct.data()["opportunities"]["totalCount"], 3, "% is matched literally");
    let month = app.post(Some(&a1), q, json!({ "f": { "expectedOrderMonth": "2027-01" } })).await;
    assert_eq!(month.data()["opportunities"]["totalCount"], 2);
    let bad = app
        .post(
            Some(&a1),
            q,
            json!({ "first": 0, "after": "x", "f": { "expectedOrderMonth": "Jan" } }),
        )
        .await;
    let mut f = bad.fields();
    f.sort();
    assert_eq!(f, ["after", "filter.expectedOrderMonth", "first"]);
}

#[tokio::test]
async fn a_nested_list_costs_the_same_statements_for_five_deals_as_for_forty() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let statements = Arc::new(AtomicUsize::new(0));
    let app = spawn_app_counting(statements.clone()).await;
    let a1 = app.login("a1@test.local").await;
    let q = "query($n: Int) { opportunities(first: $n) { totalCount nodes { isActive owner { name tracks { name } } track { name directors { email } }
        customer { name } history { nodes { to actor { email } } } activities { nodes { kind actor { email } } } } } }";
    let mut cost = Vec::new();
    for n in [5, 40] {
        while app.post(Some(&a1), "{ opportunities { totalCount } }", json!({})).await.data()["opportunities"]["totalCount"]
            .as_i64()
            .unwrap()
            < n
        {
            let id = app.quick_deal(&a1, "deal").await;
            let log = "mutation($id: ID!) { logActivity(opportunityId: $id, input: { kind: CALL, note: \"call\" }) { id } }";
            app.post(Some(&a1), log, json!({ "id": id })).await.data();
        }
        // The fewest of three runs: a loader may split a batch when rows
        // arrive late on a busy machine; an N+1 costs its dozens every time.
        let mut fewest = usize::MAX;
        for _ in 0..3 {
            statements.store(0, Ordering::SeqCst);
            let r = app.post(Some(&a1), q, json!({ "n": n })).await;
            assert_eq!(r.data()["opportunities"]["nodes"].as_array().unwrap().len() as i64, n);
            fewest = fewest.min(statements.load(Ordering::SeqCst));
        }
        cost.push(fewest);
    }
    // Auth 2, list and count 2, settings 1, and one batch per relation and
    // level (a loader may split a batch in two when rows arrive late); an
    // N+1 would add dozens for 35 more deals.
    assert!(cost[1] <= cost[0] + 2, "statements for 5 and for 40 deals: {cost:?}");
    assert!(cost[1] <= 18, "one statement per relation, not per row: {cost:?}");
}

#[tokio::test]
async fn owner_customer_and_track_come_in_the_page_s_own_statement_and_match_the_rows() {
    use entity::opportunity;
    use sea_orm::EntityTrait;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let statements = Arc::new(AtomicUsize::new(0));
    let app = spawn_app_counting(statements.clone()).await;
    for (owner, track) in [(org::A1, org::T1), (org::A2, org::T1), (org::A3, org::T2), (org::A1, org::T1)] {
        let id = app.insert_deal(DealSpec::new(owner, track)).await;
        let log = "mutation($id: ID!) { logActivity(opportunityId: $id, input: { kind: CALL, note: \"call\" }) { id } }";
        let who = app.login(&format!("a{}@test.local", owner - 100)).await;
        app.post(Some(&who), log, json!({ "id": id.to_string() })).await.data();
    }
    let ceo = app.login("ceo@test.local").await;
    let rows: std::collections::HashMap<String, opportunity::Model> = opportunity::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id.to_string(), o))
        .collect();
    let list = "{ opportunities(first: 50) { nodes { id owner { id } customer { id } track { id } activities(first: 5) { nodes { kind } } }
        edges { node { id owner { id } customer { id } track { id } } } } }";
    let one = "query($id: ID!) { opportunity(id: $id) { id owner { id } customer { id } track { id } } }";
    let r = app.post(Some(&ceo), list, json!({})).await;
    let page = &r.data()["opportunities"];
    assert_eq!(page["nodes"].as_array().unwrap().len(), rows.len());
    let check = |n: &serde_json::Value| {
        let row = &rows[n["id"].as_str().unwrap()];
        assert_eq!(n["owner"]["id"], json!(row.owner_id.to_string()));
        assert_eq!(n["customer"]["id"], json!(row.customer_id.to_string()));
        assert_eq!(n["track"]["id"], json!(row.track_id.to_string()));
    };
    page["nodes"].as_array().unwrap().iter().for_each(check);
    page["edges"].as_array().unwrap().iter().for_each(|e| check(&e["node"]));
    for id in rows.keys() {
        check(&app.post(Some(&ceo), one, json!({ "id": id })).await.data()["opportunity"]);
    }
    // What it costs once the session is known: the page with its relations
    // in one statement and the follow-ups in one more; one by id in one.
    let fewest = |q: &'static str, vars: serde_json::Value| {
        let (app, ceo, statements) = (&app, ceo.clone(), statements.clone());
        async move {
            let mut fewest = usize::MAX;
            for _ in 0..3 {
                statements.store(0, Ordering::SeqCst);
                app.post(Some(&ceo), q, vars.clone()).await.data();
                fewest = fewest.min(statements.load(Ordering::SeqCst));
            }
            fewest
        }
    };
    let bench_list = "{ opportunities(first: 50) { nodes { id name amount stage owner { name } customer { name } track { name }
        activities(first: 5) { nodes { kind note occurredAt } } } } }";
    assert_eq!(
        fewest(bench_list, json!({})).await,
        2,
        "the page with its relations, then the follow-ups"
    );
    let any = rows.keys().next().unwrap().clone();
    assert_eq!(fewest(one, json!({ "id": any })).await, 1, "one opportunity with its relations");
    // Out of scope stays out of scope on the joined path.
    let a3 = app.login("a3@test.local").await;
    let foreign = rows.values().find(|o| o.owner_id != org::A3).unwrap().id.to_string();
    assert_eq!(app.post(Some(&a3), one, json!({ "id": foreign })).await.code(), "NOT_FOUND");
    let mine = app.post(Some(&a3), list, json!({})).await;
    assert!(
        mine.data()["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["owner"]["id"] == json!(org::A3.to_string()))
    );
}

#[tokio::test]
async fn follow_ups_page_newest_first_with_the_limit_in_the_sql() {
    use entity::{ActivityKind, activity};
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let deals = [
        app.insert_deal(DealSpec::new(org::A1, org::T1)).await,
        app.insert_deal(DealSpec::new(org::A1, org::T1)).await,
    ];
    // 13 follow-ups on the first deal, 3 on the second, several at the same instant.
    let mut want: Vec<(chrono::DateTime<chrono::Utc>, i64)> = Vec::new();
    for i in 0..16 {
        let deal = if i < 13 { deals[0] } else { deals[1] };
        let at = t0() - chrono::Duration::hours(i64::from(i % 5));
        let row = activity::ActiveModel {
            opportunity_id: Set(deal),
            actor_id: Set(org::A1),
            kind: Set(ActivityKind::Call),
            note: Set(format!("n{i}")),
            occurred_at: Set(at),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        if deal == deals[0] {
            want.push((at, row.id));
        }
    }
    want.sort_by(|a, b| b.cmp(a));
    let want: Vec<String> = want.iter().map(|(_, id)| id.to_string()).collect();
    let a1 = app.login("a1@test.local").await;
    // Both deals' first pages in one request: the newest 4 of each and their totals.
    let list = "{ opportunities { nodes { id activities(first: 4) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }";
    let r = app.post(Some(&a1), list, json!({})).await;
    let nodes = r.data()["opportunities"]["nodes"].as_array().unwrap().clone();
    let first = &nodes.iter().find(|n| n["id"] == json!(deals[0].to_string())).unwrap()["activities"];
    let ids = |c: &serde_json::Value| -> Vec<String> {
        c["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(first), want[..4]);
    assert_eq!(first["totalCount"], 13);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = &nodes.iter().find(|n| n["id"] == json!(deals[1].to_string())).unwrap()["activities"];
    assert_eq!(
        (second["totalCount"].clone(), second["pageInfo"]["hasNextPage"].clone()),
        (json!(3), json!(false))
    );
    // The rest of the first deal, forwards by cursor, then backwards from the end.
    let one = "query($id: ID!, $f: Int, $a: String, $l: Int, $b: String) { opportunity(id: $id) {
        activities(first: $f, after: $a, last: $l, before: $b) { nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
    let mut got = ids(first);
    let mut cursor = first["pageInfo"]["endCursor"].clone();
    loop {
        let r = app
            .post(Some(&a1), one, json!({ "id": deals[0].to_string(), "f": 4, "a": cursor }))
            .await;
        let c = r.data()["opportunity"]["activities"].clone();
        got.extend(ids(&c));
        if c["pageInfo"]["hasNextPage"] == false {
            break;
        }
        cursor = c["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(got, want);
    let r = app.post(Some(&a1), one, json!({ "id": deals[0].to_string(), "l": 5 })).await;
    let c = r.data()["opportunity"]["activities"].clone();
    assert_eq!(ids(&c), want[8..]);
    let r = app
        .post(
            Some(&a1),
            one,
            json!({ "id": deals[0].to_string(), "l": 5, "b": c["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(ids(&r.data()["opportunity"]["activities"]), want[3..8]);
}
