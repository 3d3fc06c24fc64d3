//! The checked-in SDL matches the code, and every type, field and argument
//! is described.

use crate::helpers::*;
use serde_json::json;

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let current = api::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &current).unwrap();
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == current,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test schema` (or `cargo run -- schema > schema.graphql`)"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = spawn_app().await;
    let q = "{ __schema { types { name kind description
        fields { name description args { name description } }
        inputFields { name description }
        enumValues { name description } } } }";
    let r = app.post(None, q, json!({})).await;
    let mut missing = Vec::new();
    for t in r.data()["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || t["kind"] == "SCALAR" {
            continue;
        }
        if t["description"].is_null() {
            missing.push(name.to_owned());
        }
        for f in t["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(t["inputFields"].as_array().into_iter().flatten())
        {
            if f["description"].is_null() {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if a["description"].is_null() {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if v["description"].is_null() {
                missing.push(format!("{name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}
