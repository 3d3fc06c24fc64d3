//! The scope matrix, generated from the schema itself: every query,
//! mutation and subscription field that introspection lists is called by
//! every role with the ids of records outside the caller's scope, with a
//! selection built from its type. A field added later is covered without
//! new code. Nothing outside the scope may be returned, counted, sent or
//! changed; an anonymous caller gets `UNAUTHENTICATED` on everything but
//! `login`.

use crate::helpers::*;
use crate::websocket::{Got, next, open, send};
use entity::{OpportunityStatus, Stage};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const INTROSPECT: &str = "{ __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { name kind enumValues { name } inputFields { name type { ...T } }
          fields { name args { name defaultValue type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// The named type under NON_NULL and LIST wrappers, and whether the outer one is NON_NULL.
fn named(t: &Value) -> (&str, &str, bool) {
    let required = t["kind"] == "NON_NULL";
    let mut t = t;
    while t["name"].is_null() {
        t = &t["ofType"];
    }
    (t["name"].as_str().unwrap_or(""), t["kind"].as_str().unwrap_or(""), required)
}

pub(crate) struct Schema {
    types: HashMap<String, Value>,
    roots: [String; 3],
}

impl Schema {
    pub(crate) async fn read(app: &TestApp) -> Self {
        let v = app.post(None, INTROSPECT, json!({})).await;
        let s = &v.data()["__schema"];
        let types = s["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect();
        let root = |k: &str| s[k]["name"].as_str().unwrap().to_owned();
        Self {
            types,
            roots: [root("queryType"), root("mutationType"), root("subscriptionType")],
        }
    }

    fn fields(&self, ty: &str) -> Vec<Value> {
        self.types[ty]["fields"].as_array().cloned().unwrap_or_default()
    }

    /// A selection of every field without required arguments, `depth` levels down.
    fn selection(&self, ty: &str, depth: usize) -> String {
        let mut out = Vec::new();
        for f in self.fields(ty) {
            let needs_args = f["args"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null());
            if needs_args {
                continue;
            }
            let name = f["name"].as_str().unwrap();
            // A nested list's count is costed per parent row: the top-level one is enough.
            if name == "totalCount" && depth < 3 {
                continue;
            }
            let (inner, kind, _) = named(&f["type"]);
            match kind {
                "OBJECT" | "INTERFACE" if depth > 0 => {
                    let sub = self.selection(inner, depth - 1);
                    if !sub.is_empty() {
                        out.push(format!("{name} {{ {sub} }}"));
                    }
                }
                "OBJECT" | "INTERFACE" | "UNION" => {}
                _ => out.push(name.to_owned()),
            }
        }
        out.join(" ")
    }

    /// A value of an input type: every ID is `id`, every other required
    /// field a plausible dummy; optional ID fields are filled too.
    fn value(&self, t: &Value, id: &str) -> Option<Value> {
        let (name, kind, required) = named(t);
        let is_list = {
            let mut x = t;
            if x["kind"] == "NON_NULL" {
                x = &x["ofType"];
            }
            x["kind"] == "LIST"
        };
        let v = match (kind, name) {
            (_, "ID") => json!(id),
            _ if !required => return None,
            (_, "String") => json!("x"),
            (_, "Int") => json!(1),
            (_, "Float") => json!(1.0),
            (_, "Boolean") => json!(true),
            (_, "Date") => json!("2027-06-01"),
            (_, "Money") => json!("1.00"),
            (_, "DateTime") => json!("2026-11-20T00:00:00Z"),
            // Filled by the multipart request's file (see `Schema::files`).
            (_, "Upload") => Value::Null,
            ("ENUM", _) => self.types[name]["enumValues"][0]["name"].clone(),
            ("INPUT_OBJECT", _) => {
                let mut obj = Map::new();
                for f in self.types[name]["inputFields"].as_array().unwrap() {
                    if let Some(v) = self.value(&f["type"], id) {
                        obj.insert(f["name"].as_str().unwrap().to_owned(), v);
                    }
                }
                Value::Object(obj)
            }
            _ => json!("x"),
        };
        Some(if is_list { json!([v]) } else { v })
    }

    /// `field(args) { selection }` with its variables, `id` in every ID.
    fn call(&self, field: &Value, id: &str) -> (String, Value) {
        let mut decls = Vec::new();
        let mut uses = Vec::new();
        let mut vars = Map::new();
        for a in field["args"].as_array().unwrap() {
            let name = a["name"].as_str().unwrap();
            let value = if name == "first" {
                Some(json!(5))
            } else {
                self.value(&a["type"], id)
            };
            if let Some(v) = value {
                decls.push(format!("${name}: {}", type_text(&a["type"])));
                uses.push(format!("{name}: ${name}"));
                vars.insert(name.to_owned(), v);
            }
        }
        let (ty, kind, _) = named(&field["type"]);
        let sel = if matches!(kind, "OBJECT" | "INTERFACE") {
            format!("{{ {} }}", self.selection(ty, 3))
        } else {
            String::new()
        };
        let args = if uses.is_empty() {
            String::new()
        } else {
            format!("({})", uses.join(", "))
        };
        let decl = if decls.is_empty() {
            String::new()
        } else {
            format!("({})", decls.join(", "))
        };
        (
            format!("{decl} {{ {}{args} {sel} }}", field["name"].as_str().unwrap()),
            Value::Object(vars),
        )
    }
}

/// The variables of a call that take a file: sent as a multipart request.
fn files(field: &Value) -> Vec<String> {
    field["args"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| named(&a["type"]).0 == "Upload")
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Posts a generated call: JSON, or a multipart request with a small CSV
/// file in each `Upload` variable (`id` in every cell).
async fn post_call(app: &TestApp, token: Option<&str>, field: &Value, query: &str, vars: Value, id: &str) -> Gql {
    let names = files(field);
    if names.is_empty() {
        return app.post(token, query, vars).await;
    }
    let csv = format!("externalId,month,track,amount\n{id},2026-11,{id},1\n");
    let files: Vec<(&str, &str, &[u8])> = names.iter().map(|n| (n.as_str(), "scope.csv", csv.as_bytes())).collect();
    let (_, v) = app.post_files(token, query, vars, &files).await;
    Gql(v)
}

fn type_text(t: &Value) -> String {
    match t["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", type_text(&t["ofType"])),
        "LIST" => format!("[{}]", type_text(&t["ofType"])),
        _ => t["name"].as_str().unwrap().to_owned(),
    }
}

/// Everything the answer reveals of the records outside a scope.
struct Outside {
    markers: Vec<String>,
    opportunity_ids: Vec<String>,
}

fn leaks(v: &Value, outside: &Outside, path: &str, found: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            for m in &outside.markers {
                if s.contains(m.as_str()) {
                    found.push(format!("{path}: {s}"));
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| leaks(i, outside, path, found)),
        Value::Object(obj) => {
            if let (Some(total), Some(nodes)) = (obj.get("totalCount"), obj.get("nodes").and_then(Value::as_array))
                && total.as_u64() != Some(nodes.len() as u64)
            {
                found.push(format!("{path}: totalCount {total} for {} nodes", nodes.len()));
            }
            if let Some(id) = obj.get("opportunityId").and_then(Value::as_str)
                && outside.opportunity_ids.iter().any(|o| o == id)
            {
                found.push(format!("{path}.opportunityId: {id}"));
            }
            for (k, x) in obj {
                leaks(x, outside, &format!("{path}.{k}"), found);
            }
        }
        _ => {}
    }
}

/// Every message that arrives until the socket is quiet for a second.
async fn drain(ws: &mut crate::websocket::Socket) -> Vec<Value> {
    let mut got = Vec::new();
    while let Some(Got::Json(m)) = next(ws, 1).await {
        got.push(m);
    }
    got
}

struct Deal {
    owner: i64,
    track: i64,
    id: String,
    marker: String,
}

/// Everything the admin sees of the deals and alerts of these owners.
async fn snapshot(app: &TestApp, admin: &str, deals: &[&Deal]) -> Vec<Value> {
    let mut out = Vec::new();
    for d in deals {
        let q = "query($id: ID!) { opportunity(id: $id) { name status stage version ownerId: owner { id } shelveReason moldNumber lastActivityAt }
                 alerts(filter: { opportunityId: $id }, first: 50) { nodes { status resolution { decision } review { action } raisedToCeoAt ownerId: owner { id } } } }";
        out.push(app.post(Some(admin), q, json!({ "id": d.id })).await.data().clone());
    }
    out
}

#[tokio::test]
async fn no_field_of_the_schema_returns_counts_sends_or_changes_anything_outside_the_scope() {
    use org::*;
    let app = spawn_app().await;
    let schema = Schema::read(&app).await;
    // One deal per account manager, each with an alert (resolved for a3).
    let mut deals = Vec::new();
    for (owner, track) in [(A1, T1), (A2, T1), (A3, T2)] {
        let token = app.login(&format!("a{}@test.local", owner - 100)).await;
        let marker = format!("SECRET-{owner}-");
        let id = app
            .create_opportunity(
                &token,
                json!({ "name": format!("{marker}deal"), "customerName": format!("{marker}customer"), "kind": "OTHER", "amount": "1" }),
            )
            .await;
        deals.push(Deal { owner, track, id, marker });
    }
    app.clock.advance(chrono::Duration::days(20));
    app.scan(t0() + chrono::Duration::days(20)).await;
    let admin = app.login("admin@test.local").await;
    let a3 = app.login("a3@test.local").await;
    let mine = format!("{{ alerts(filter: {{ ownerId: \"{A3}\" }}) {{ nodes {{ id }} }} }}");
    let a3_alert = app.post(Some(&admin), &mine, json!({})).await.data()["alerts"]["nodes"][0]["id"].clone();
    let resolve = "mutation($id: ID!) { resolveAlert(id: $id, input: { attribution: CUSTOMER_NO_RESPONSE, decision: KEEP }) { id } }";
    app.post(Some(&a3), resolve, json!({ "id": a3_alert })).await.data();
    let every_alert: Vec<String> = app
        .post(Some(&admin), "{ alerts(first: 100) { nodes { id } } }", json!({}))
        .await
        .data()["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();

    // Anonymous: UNAUTHENTICATED on everything but login.
    for root in &schema.roots[..2] {
        for f in schema.fields(root) {
            let name = f["name"].as_str().unwrap();
            if name == "login" || name == "refreshToken" {
                continue;
            }
            let (body, vars) = schema.call(&f, &deals[0].id);
            let op = if *root == schema.roots[1] { "mutation" } else { "query" };
            let r = post_call(&app, None, &f, &format!("{op}{body}"), vars, &deals[0].id).await;
            assert_eq!(r.code(), "UNAUTHENTICATED", "{name}: {}", r.0);
        }
    }

    let mut anonymous = crate::websocket::connect(&app).await;
    send(&mut anonymous, json!({ "type": "connection_init" })).await;
    assert_eq!(crate::websocket::next_json(&mut anonymous).await["type"], "connection_ack");
    for (i, f) in schema.fields(&schema.roots[2]).iter().enumerate() {
        let (body, vars) = schema.call(f, "0");
        send(
            &mut anonymous,
            json!({ "id": i.to_string(), "type": "subscribe", "payload": { "query": format!("subscription{body}"), "variables": vars } }),
        )
        .await;
        let m = crate::websocket::next_json(&mut anonymous).await;
        let errors = if m["type"] == "error" {
            &m["payload"]
        } else {
            &m["payload"]["errors"]
        };
        assert_eq!(errors[0]["extensions"]["code"], "UNAUTHENTICATED", "{m}");
        while let Some(Got::Json(m)) = next(&mut anonymous, 0).await {
            assert_eq!(m["type"], "complete", "{m}");
        }
    }

    type Sees = Box<dyn Fn(&Deal) -> bool>;
    let roles: [(&str, Sees); 5] = [
        ("a1", Box::new(|d: &Deal| d.owner == A1)),
        ("a2", Box::new(|d: &Deal| d.owner == A2)),
        ("a3", Box::new(|d: &Deal| d.owner == A3)),
        ("d1", Box::new(|d: &Deal| d.track == T1)),
        ("d2", Box::new(|d: &Deal| d.track == T2)),
    ];
    for (who, sees) in &roles {
        let token = app.login(&format!("{who}@test.local")).await;
        let outside_deals: Vec<&Deal> = deals.iter().filter(|d| !sees(d)).collect();
        let outside = Outside {
            markers: outside_deals.iter().map(|d| d.marker.clone()).collect(),
            opportunity_ids: outside_deals.iter().map(|d| d.id.clone()).collect(),
        };
        // Foreign ids: the outside deals, every alert (the outside ones must answer as absent), the other users and tracks.
        let mut ids: Vec<String> = outside_deals.iter().map(|d| d.id.clone()).collect();
        ids.extend(every_alert.iter().cloned());
        ids.extend([A1, A2, A3, D1, D2, T1, T2].iter().map(i64::to_string));
        ids.sort();
        ids.dedup();
        let before = snapshot(&app, &admin, &outside_deals).await;
        for (op, root) in [("query", &schema.roots[0]), ("mutation", &schema.roots[1])] {
            for f in schema.fields(root) {
                let name = f["name"].as_str().unwrap().to_owned();
                if name == "login" {
                    continue;
                }
                for id in &ids {
                    let (body, vars) = schema.call(&f, id);
                    let r = post_call(&app, Some(&token), &f, &format!("{op}{body}"), vars, id).await;
                    let mut found = Vec::new();
                    leaks(&r.0, &outside, &name, &mut found);
                    assert!(found.is_empty(), "{who} {op} {name}({id}) leaks: {found:?}");
                    // The generated call must be valid and run, so that a refusal cannot hide a leak.
                    assert!(
                        r.0["errors"].as_array().is_none_or(|e| e.iter().all(|e| ![
                            "INTERNAL",
                            "GRAPHQL_VALIDATION_FAILED",
                            "QUERY_LIMIT"
                        ]
                        .contains(&e["extensions"]["code"].as_str().unwrap_or("")))),
                        "{who} {name}({id}): {}",
                        r.0
                    );
                }
            }
        }
        assert_eq!(
            snapshot(&app, &admin, &outside_deals).await,
            before,
            "{who} changed a record outside his scope"
        );
    }

    // Subscriptions: every role subscribes to every subscription field,
    // replayed from the first event, then live events of every track.
    let mut sockets = Vec::new();
    for (who, sees) in &roles {
        let token = app.login(&format!("{who}@test.local")).await;
        let outside_deals: Vec<&Deal> = deals.iter().filter(|d| !sees(d)).collect();
        let outside = Outside {
            markers: outside_deals.iter().map(|d| d.marker.clone()).collect(),
            opportunity_ids: outside_deals.iter().map(|d| d.id.clone()).collect(),
        };
        let mut ws = open(&app, &token).await;
        for (i, f) in schema.fields(&schema.roots[2]).iter().enumerate() {
            let (body, vars) = schema.call(f, "0");
            send(&mut ws, json!({ "id": i.to_string(), "type": "subscribe", "payload": { "query": format!("subscription{body}"), "variables": vars } })).await;
        }
        sockets.push((who, outside, ws, 0));
    }
    for (who, outside, ws, received) in &mut sockets {
        for m in drain(ws).await {
            *received += 1;
            let mut found = Vec::new();
            leaks(&m, outside, "subscription", &mut found);
            assert!(found.is_empty(), "{who} was sent: {found:?}");
        }
        assert!(*received > 0, "{who} was replayed none of his own events");
    }
    // Live: a forgotten deal per account manager, then a scan raises their alerts.
    let mut forgotten = Vec::new();
    for (owner, track) in [(A1, T1), (A2, T1), (A3, T2)] {
        let id = app
            .insert_deal(DealSpec {
                last_activity_at: sh(2026, 10, 1),
                ..DealSpec::new(owner, track)
            })
            .await;
        forgotten.push((owner, track, id.to_string()));
    }
    for ((_, sees), (_, outside, _, _)) in roles.iter().zip(sockets.iter_mut()) {
        for (owner, track, id) in &forgotten {
            let probe = Deal {
                owner: *owner,
                track: *track,
                id: id.clone(),
                marker: String::new(),
            };
            if !sees(&probe) {
                outside.opportunity_ids.push(id.clone());
            }
        }
    }
    app.scan(t0() + chrono::Duration::days(25)).await;
    for (who, outside, ws, _) in &mut sockets {
        let live = drain(ws).await;
        assert!(!live.is_empty(), "{who} received no live event");
        for m in live {
            assert_eq!(m["type"], "next", "{who}: {m}");
            let mut found = Vec::new();
            leaks(&m, outside, "subscription", &mut found);
            assert!(found.is_empty(), "{who} was sent live: {found:?}");
        }
    }
}

impl Schema {
    /// `field(args) { selection }` with only its required arguments (and
    /// `first`), `id` in every ID and plausible periods: an aggregate is
    /// asked for everything the viewer may see, not narrowed by a filter.
    fn plain_call(&self, field: &Value, id: &str) -> (String, Value) {
        let mut narrowed = field.clone();
        if let Some(args) = narrowed["args"].as_array_mut() {
            args.retain(|a| a["name"] == "first" || (a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null()));
        }
        let (body, mut vars) = self.call(&narrowed, id);
        plausible_periods(&mut vars);
        (body, vars)
    }
}

/// Years, quarters and months a board has figures for (the generated `1` is no year).
fn plausible_periods(v: &mut Value) {
    if let Value::Object(obj) = v {
        // A board period: last month's.
        if obj.get("kind") == Some(&json!("MONTH")) {
            obj.insert("year".into(), json!(2026));
            obj.insert("month".into(), json!(11));
        }
        for (k, x) in obj.iter_mut() {
            match (k.as_str(), &*x) {
                ("year", Value::Number(_)) => *x = json!(2026),
                ("quarter", Value::Number(_)) => *x = json!(4),
                ("month", Value::Number(_)) => *x = json!(11),
                ("month", Value::String(_)) => *x = json!("2026-11"),
                ("months", Value::Number(_)) => *x = json!(12),
                _ => plausible_periods(x),
            }
        }
    }
}

/// Every query field of the schema, asked by `who` with `id` in its ids:
/// the answers by field name.
pub(crate) async fn every_answer(app: &TestApp, schema: &Schema, who: &str, id: &str) -> Vec<(String, Value)> {
    let token = app.login(&format!("{who}@test.local")).await;
    let mut out = Vec::new();
    for f in schema.fields(&schema.roots[0]) {
        let name = f["name"].as_str().unwrap().to_owned();
        let (body, vars) = schema.plain_call(&f, id);
        let r = post_call(app, Some(&token), &f, &format!("query{body}"), vars, id).await;
        out.push((name, r.0));
    }
    out
}

fn before_refused(answers: &[(String, Value)]) -> Vec<String> {
    answers
        .iter()
        .filter(|(_, a)| a.get("errors").is_some())
        .map(|(n, a)| format!("{n}: {}", a["errors"][0]["message"]))
        .collect()
}

/// The fields whose answer moved, and how many answered without an error.
fn moved(before: &[(String, Value)], after: &[(String, Value)]) -> (Vec<String>, usize) {
    let moved = before
        .iter()
        .zip(after)
        .filter(|((_, b), (_, a))| a != b)
        .map(|((n, b), (_, a))| format!("{n}: {b} -> {a}"))
        .collect();
    (moved, before.iter().filter(|(_, b)| b.get("errors").is_none()).count())
}

#[tokio::test]
async fn no_count_sum_or_rate_of_the_schema_moves_with_records_outside_the_scope() {
    use org::*;
    let app = spawn_app().await;
    let schema = Schema::read(&app).await;
    // Each account manager's deal; an idle one of a1's with its alert; a monthly task of track 1.
    let mut own = HashMap::new();
    for who in ["a1", "a2", "a3"] {
        let token = app.login(&format!("{who}@test.local")).await;
        let id = app
            .create_opportunity(
                &token,
                json!({ "name": "d", "customerName": format!("{who} customer"), "kind": "OTHER", "amount": "1" }),
            )
            .await;
        own.insert(who, id);
    }
    own.insert("d1", own["a1"].clone());
    own.insert("d2", own["a3"].clone());
    app.insert_deal(DealSpec {
        last_activity_at: sh(2026, 10, 1),
        ..DealSpec::new(A1, T1)
    })
    .await;
    let meetings = crate::meetings::monthly(&app, 2).await;
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let now: chrono::DateTime<chrono::Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
    let sec = app.login("secretary@test.local").await;
    let record = async |track: i64, owner: i64| {
        let v = json!({ "m": meetings[0], "row": crate::meetings::track_row("TRACK_GROSS_MARGIN", track), "d": "任务", "o": owner.to_string() });
        app.post(Some(&sec), crate::meetings::CREATE, v).await.data();
    };
    record(T1, D1).await;
    app.scan(now).await;

    // Records of an account manager and his track: an idle deal (its alert
    // raised), one lost and one secured in the conversion window, one
    // expected to order this month, and a monthly task of the track.
    let outside_of = async |owner: i64, track: i64, director: i64| {
        for (stage, status, secured) in [
            (Stage::Quotation, OpportunityStatus::Active, None),
            (Stage::Quotation, OpportunityStatus::Lost, None),
            (Stage::Secured, OpportunityStatus::Active, Some(sh(2026, 11, 2))),
            (Stage::HPotential, OpportunityStatus::Active, None),
        ] {
            app.insert_deal(DealSpec {
                stage,
                status,
                secured_at: secured,
                last_activity_at: sh(2026, 10, 1),
                expected_order_month: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
                ..DealSpec::new(owner, track)
            })
            .await;
        }
        record(track, director).await;
        app.scan(now).await;
    };

    // Track 2's records are outside a1's, a2's and d1's scope; a2's outside a1's, a3's and d2's.
    for (blind, owner, track, director) in [(["a1", "a2", "d1"], A3, T2, D2), (["a1", "a3", "d2"], A2, T1, D1)] {
        let mut before = Vec::new();
        for who in blind {
            before.push(every_answer(&app, &schema, who, &own[who]).await);
        }
        outside_of(owner, track, director).await;
        for (who, before) in blind.iter().zip(before) {
            let after = every_answer(&app, &schema, who, &own[who]).await;
            let (moved, answered) = moved(&before, &after);
            assert!(moved.is_empty(), "{who} sees records of a{} move: {moved:#?}", owner - 100);
            let refused: Vec<String> = before_refused(&after);
            assert!(
                answered >= 20 || (who.starts_with('a') && answered >= 18),
                "{who}: only {answered} queries answered, a refusal may hide a leak: {refused:#?}"
            );
        }
    }
}
