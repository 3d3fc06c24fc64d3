//! What client developers meet first (issue 8): schema tools.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_standard_introspection_queries_are_answered() {
    let app = spawn_app().await;
    for (name, query) in [
        ("graphql-js, every option", include_str!("introspection/graphql-js-all-options.graphql")),
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
