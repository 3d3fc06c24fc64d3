//! Answers in the order the query asked for its fields (the GraphQL spec's
//! ordered response map). async-graphql 7.2 resolves the fields of an
//! object concurrently and writes each as it completes, so one query
//! could come back in a different order on every call; caches, snapshot
//! tests and people reading answers want one order. The pipeline keeps
//! the parsed document of each request and rewrites the answer's objects
//! into the order of their selection sets (aliases, fragments and
//! repeated fields merged as the spec's field collection does) — one walk
//! over the answer, after execution.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Response, Value};
use std::collections::{HashMap, HashSet};

/// Rewrites the answer's objects into the order of the selection sets of
/// its operation.
pub(crate) fn reorder_response(doc: &ExecutableDocument, operation_name: Option<&str>, resp: &mut Response) {
    let operation = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    };
    if let Some(op) = operation {
        let data = std::mem::take(&mut resp.data);
        resp.data = reorder(data, &[&op.node.selection_set.node], &doc.fragments);
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The response keys of `sets`, in order, each with the selection sets of
/// its fields (CollectFields of the spec, without the type conditions:
/// keys absent from the answer are simply passed over).
fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut Vec<(&'a str, Vec<&'a SelectionSet>)>,
    visited: &mut HashSet<&'a str>,
) {
    for sel in &set.items {
        match &sel.node {
            Selection::Field(f) => {
                let key = f.node.response_key().node.as_str();
                let sub = &f.node.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(sub),
                    None => keys.push((key, vec![sub])),
                }
            }
            Selection::InlineFragment(f) => collect(&f.node.selection_set.node, fragments, keys, visited),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                if visited.insert(name)
                    && let Some(def) = fragments.get(name)
                {
                    collect(&def.node.selection_set.node, fragments, keys, visited);
                }
            }
        }
    }
}

fn reorder(value: Value, sets: &[&SelectionSet], fragments: &Fragments) -> Value {
    match value {
        Value::Object(mut map) => {
            let mut keys = Vec::new();
            let mut visited = HashSet::new();
            for set in sets {
                collect(set, fragments, &mut keys, &mut visited);
            }
            let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(map.len());
            for (key, subsets) in keys {
                if let Some((name, v)) = map.shift_remove_entry(key) {
                    ordered.insert(name, reorder(v, &subsets, fragments));
                }
            }
            // Nothing should be left; if anything is, it keeps its place at the end.
            ordered.extend(map);
            Value::Object(ordered)
        }
        Value::List(items) => Value::List(items.into_iter().map(|v| reorder(v, sets, fragments)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_follow_the_selection_order_through_aliases_and_fragments() {
        let doc = async_graphql::parser::parse_query("query { b: me { y ...F x } a: me { x } } fragment F on User { z y }").unwrap();
        let mut inner = async_graphql::indexmap::IndexMap::new();
        for k in ["x", "z", "y"] {
            inner.insert(Name::new(k), Value::from(k));
        }
        let mut top = async_graphql::indexmap::IndexMap::new();
        top.insert(Name::new("a"), Value::Object(inner.clone()));
        top.insert(Name::new("b"), Value::List(vec![Value::Object(inner)]));
        let mut resp = Response::new(Value::Object(top));
        reorder_response(&doc, None, &mut resp);
        assert_eq!(
            resp.data.to_string(),
            r#"{b: [{y: "y", z: "z", x: "x"}], a: {x: "x", z: "z", y: "y"}}"#
        );
    }
}
