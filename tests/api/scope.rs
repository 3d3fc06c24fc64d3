//! The role-scope matrix: nobody sees, counts or changes a record outside
//! his scope; out of scope reads as NOT_FOUND.

use crate::helpers::*;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    a1: String,
    a2: String,
    a3: String,
    d1: String,
    /// a1's, a2's and a3's deals.
    deal1: String,
    deal2: String,
    deal3: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (a1, a2, a3, d1) = (
        app.login("a1@test.local").await,
        app.login("a2@test.local").await,
        app.login("a3@test.local").await,
        app.login("d1@test.local").await,
    );
    let deal1 = app.quick_deal(&a1, "a1-deal").await;
    let deal2 = app.quick_deal(&a2, "a2-deal").await;
    let deal3 = app.quick_deal(&a3, "a3-deal").await;
    World {
        app,
        a1,
        a2,
        a3,
        d1,
        deal1,
        deal2,
        deal3,
    }
}

async fn visible_names(app: &TestApp, token: &str, filter: Value) -> (Vec<String>, i64) {
    let r = app
        .post(
            Some(token),
            "query($f: OpportunityFilter) { opportunities(filter: $f, first: 100) { totalCount nodes { name } } }",
            json!({ "f": filter }),
        )
        .await;
    let c = &r.data()["opportunities"];
    let mut names: Vec<String> = c["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    (names, c["totalCount"].as_i64().unwrap())
}

#[tokio::test]
async fn each_role_lists_and_counts_exactly_its_scope() {
    let w = world().await;
    let app = &w.app;
    assert_eq!(visible_names(app, &w.a1, json!({})).await, (vec!["a1-deal".to_owned()], 1));
    assert_eq!(visible_names(app, &w.a3, json!({})).await, (vec!["a3-deal".to_owned()], 1));
    assert_eq!(
        visible_names(app, &w.d1, json!({})).await,
        (vec!["a1-deal".to_owned(), "a2-deal".to_owned()], 2)
    );
    for who in ["ceo@test.local", "secretary@test.local", "admin@test.local"] {
        let t = app.login(who).await;
        assert_eq!(visible_names(app, &t, json!({})).await.1, 3, "{who}");
    }
    // Filters cannot widen the scope: naming another owner or track finds nothing.
    assert_eq!(visible_names(app, &w.a1, json!({ "ownerId": "102" })).await, (vec![], 0));
    assert_eq!(visible_names(app, &w.d1, json!({ "trackId": "2" })).await, (vec![], 0));
    assert_eq!(visible_names(app, &w.a1, json!({ "customer": "a2-deal" })).await, (vec![], 0));
}

#[tokio::test]
async fn reading_a_deal_outside_the_scope_is_not_found() {
    let w = world().await;
    let app = &w.app;
    let q = "query($id: ID!) { opportunity(id: $id) { name } }";
    assert_eq!(app.post(Some(&w.a1), q, json!({ "id": w.deal2 })).await.code(), "NOT_FOUND");
    assert_eq!(app.post(Some(&w.a1), q, json!({ "id": "999999" })).await.code(), "NOT_FOUND");
    assert_eq!(app.post(Some(&w.d1), q, json!({ "id": w.deal3 })).await.code(), "NOT_FOUND");
    assert_eq!(
        app.post(Some(&w.d1), q, json!({ "id": w.deal2 })).await.data()["opportunity"]["name"],
        "a2-deal"
    );
    // The answer for someone else's deal and for no deal at all are the same.
    let other = app.post(Some(&w.a1), q, json!({ "id": w.deal2 })).await;
    let none = app.post(Some(&w.a1), q, json!({ "id": "999999" })).await;
    assert_eq!(other.0["errors"][0]["message"], none.0["errors"][0]["message"]);
}

#[tokio::test]
async fn no_mutation_reaches_a_deal_outside_the_scope() {
    let w = world().await;
    let app = &w.app;
    let mutations: [(&str, Value); 8] = [
        (
            "mutation($id: ID!) { updateOpportunity(id: $id, version: 1, input: { amount: \"5\" }) { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { moveOpportunityStage(id: $id, version: 1, stage: DEEP_NEGOTIATION) { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { logActivity(opportunityId: $id, input: { kind: CALL, note: \"x\" }) { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { assignMoldNumber(id: $id, version: 1, moldNumber: \"M1\") { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { shelveOpportunity(id: $id, version: 1, input: { reason: OUR_NO_CAPACITY, restartDate: \"2027-01-01\" }) { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { reactivateOpportunity(id: $id, version: 1) { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { loseOpportunity(id: $id, version: 1, reason: \"x\") { id } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { updateOpportunity(id: $id, version: 1, input: { ownerId: \"101\" }) { id } }",
            json!({}),
        ),
    ];
    let activities_before = app.count_rows("activity").await;
    for (m, _) in &mutations {
        assert_eq!(
            app.post(Some(&w.a1), m, json!({ "id": w.deal2 })).await.code(),
            "NOT_FOUND",
            "a1 on a2's deal: {m}"
        );
        assert_eq!(
            app.post(Some(&w.d1), m, json!({ "id": w.deal3 })).await.code(),
            "NOT_FOUND",
            "d1 on track 2: {m}"
        );
    }
    assert_eq!(app.count_rows("activity").await, activities_before);
    let check = "query($id: ID!) { opportunity(id: $id) { version amount stage status owner { email } } }";
    let d2 = app.post(Some(&w.a2), check, json!({ "id": w.deal2 })).await;
    assert_eq!(
        d2.data()["opportunity"],
        json!({ "version": 1, "amount": "100000.00", "stage": "QUOTATION", "status": "ACTIVE", "owner": { "email": "a2@test.local" } })
    );
    let d3 = app.post(Some(&w.a3), check, json!({ "id": w.deal3 })).await;
    assert_eq!(d3.data()["opportunity"]["version"], 1);
}

#[tokio::test]
async fn ceo_and_secretary_read_everything_but_change_nothing() {
    let w = world().await;
    let app = &w.app;
    for who in ["ceo@test.local", "secretary@test.local"] {
        let t = app.login(who).await;
        let q = "mutation($id: ID!) { updateOpportunity(id: $id, version: 1, input: { amount: \"5\" }) { id } }";
        assert_eq!(app.post(Some(&t), q, json!({ "id": w.deal1 })).await.code(), "FORBIDDEN", "{who}");
        let create = app.post(Some(&t), "mutation { createOpportunity(input: { name: \"x\", customerName: \"y\", kind: OTHER, amount: \"1\", trackId: \"1\", ownerId: \"101\" }) { id } }", json!({})).await;
        assert_eq!(create.code(), "FORBIDDEN", "{who}");
    }
    assert_eq!(app.version_of(&w.a1, &w.deal1).await, 1);
}

#[tokio::test]
async fn only_directors_and_admins_reassign_and_only_inside_the_track() {
    let w = world().await;
    let app = &w.app;
    let q = "mutation($id: ID!, $v: Int!, $o: ID!) { updateOpportunity(id: $id, version: $v, input: { ownerId: $o }) { owner { email } version } }";
    assert_eq!(
        app.post(Some(&w.a1), q, json!({ "id": w.deal1, "v": 1, "o": "102" }))
            .await
            .fields(),
        ["input.ownerId"]
    );
    assert_eq!(
        app.post(Some(&w.d1), q, json!({ "id": w.deal1, "v": 1, "o": "103" }))
            .await
            .fields(),
        ["input.ownerId"]
    );
    let ok = app.post(Some(&w.d1), q, json!({ "id": w.deal1, "v": 1, "o": "102" })).await;
    assert_eq!(ok.data()["updateOpportunity"]["owner"]["email"], "a2@test.local");
    // The deal left a1's scope with its ownership.
    let r = app
        .post(
            Some(&w.a1),
            "query($id: ID!) { opportunity(id: $id) { id } }",
            json!({ "id": w.deal1 }),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    assert_eq!(visible_names(app, &w.a2, json!({})).await.1, 2);
}

#[tokio::test]
async fn tracks_are_scoped_too() {
    let w = world().await;
    let app = &w.app;
    let q = "{ tracks { name directors { email } accountManagers { email } } }";
    let mine = app.post(Some(&w.a3), q, json!({})).await;
    assert_eq!(
        mine.data()["tracks"],
        json!([{ "name": "医疗器械", "directors": [{ "email": "d2@test.local" }], "accountManagers": [{ "email": "a3@test.local" }] }])
    );
    let d1 = app.post(Some(&w.d1), q, json!({})).await;
    assert_eq!(d1.data()["tracks"].as_array().unwrap().len(), 1);
    let ceo = app.login("ceo@test.local").await;
    assert_eq!(
        app.post(Some(&ceo), q, json!({})).await.data()["tracks"].as_array().unwrap().len(),
        2
    );
    let _ = (&w.a2, &w.deal3);
}

#[tokio::test]
async fn customer_search_shows_only_customers_of_visible_deals() {
    let w = world().await;
    let app = &w.app;
    let q = "{ customers(search: \"客户\") { name } }";
    let names = |r: crate::helpers::Gql| -> Vec<String> {
        let mut v: Vec<String> = r.data()["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(app.post(Some(&w.a1), q, json!({})).await), ["a1-deal 客户"]);
    assert_eq!(names(app.post(Some(&w.d1), q, json!({})).await), ["a1-deal 客户", "a2-deal 客户"]);
    let ceo = app.login("ceo@test.local").await;
    assert_eq!(names(app.post(Some(&ceo), q, json!({})).await).len(), 3);
}
