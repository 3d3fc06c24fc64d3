//! Answers in the order the query asked for its fields (the GraphQL spec's
//! ordered response map). async-graphql 7.2 resolves the fields of an
//! object concurrently and writes each as it completes, so one query
//! could come back in a different order on every call; caches, snapshot
//! tests and people reading answers want one order. The pipeline keeps
//! the parsed document of each request and rewrites the answer's objects
//! into the order of their selection sets (aliases, fragments and
//! repeated fields merged as the spec's field collection does) — one walk
//! over the answer, after execution.
//!
//! The walk is cheap on the usual answer: the order of each selection is
//! collected once per field of the query (not once per object of the
//! answer: the 50 rows of a page share it), and an object already in
//! order — most are, since fields that complete at once come out in
//! order — is checked, not rebuilt.

use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Response, Value};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

/// Rewrites the answer's objects into the order of the selection sets of
/// its operation.
pub(crate) fn reorder_response(doc: &ExecutableDocument, operation_name: Option<&str>, resp: &mut Response) {
    if let Some(op) = super::operation::select(doc, operation_name) {
        let plan = Plan::new(&[&op.node.selection_set.node], &doc.fragments);
        reorder(&mut resp.data, &plan, &doc.fragments);
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The response keys of one selection, in order, each with the selection
/// sets of its fields and (made when an answer first needs it) their own
/// order.
struct Plan<'a> {
    keys: Vec<Key<'a>>,
}

struct Key<'a> {
    name: &'a str,
    sets: Vec<&'a SelectionSet>,
    plan: OnceCell<Plan<'a>>,
}

impl<'a> Plan<'a> {
    fn new(sets: &[&'a SelectionSet], fragments: &'a Fragments) -> Self {
        let mut keys = Vec::new();
        let mut visited = HashSet::new();
        for set in sets {
            collect(set, fragments, &mut keys, &mut visited);
        }
        Self { keys }
    }

    /// Whether the object's keys already come in this order (keys the
    /// answer lacks are passed over).
    fn holds(&self, map: &async_graphql::indexmap::IndexMap<Name, Value>) -> bool {
        let mut keys = self.keys.iter();
        map.keys().all(|k| keys.any(|p| p.name == k.as_str()))
    }
}

/// The response keys of `set`, in order, each with the selection sets of
/// its fields (CollectFields of the spec, without the type conditions:
/// keys absent from the answer are simply passed over).
fn collect<'a>(set: &'a SelectionSet, fragments: &'a Fragments, keys: &mut Vec<Key<'a>>, visited: &mut HashSet<&'a str>) {
    for sel in &set.items {
        match &sel.node {
            Selection::Field(f) => {
                let name = f.node.response_key().node.as_str();
                let sub = &f.node.selection_set.node;
                match keys.iter_mut().find(|k| k.name == name) {
                    Some(k) => k.sets.push(sub),
                    None => keys.push(Key {
                        name,
                        sets: vec![sub],
                        plan: OnceCell::new(),
                    }),
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

fn reorder<'a>(value: &mut Value, plan: &Plan<'a>, fragments: &'a Fragments) {
    match value {
        Value::Object(map) => {
            if !plan.holds(map) {
                let mut rest = std::mem::take(map);
                let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(rest.len());
                for key in &plan.keys {
                    if let Some((name, v)) = rest.shift_remove_entry(key.name) {
                        ordered.insert(name, v);
                    }
                }
                // Nothing should be left; if anything is, it keeps its place at the end.
                ordered.extend(rest);
                *map = ordered;
            }
            // The object is in the plan's order now: walk both in step.
            let mut keys = plan.keys.iter();
            for (name, v) in map.iter_mut() {
                let Some(key) = keys.find(|k| k.name == name.as_str()) else { break };
                if matches!(v, Value::Object(_) | Value::List(_)) {
                    let sub = key.plan.get_or_init(|| Plan::new(&key.sets, fragments));
                    reorder(v, sub, fragments);
                }
            }
        }
        Value::List(items) => {
            for item in items {
                reorder(item, plan, fragments);
            }
        }
        _ => {}
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

    #[test]
    fn every_row_of_a_list_is_put_in_order_by_the_one_plan_and_rows_in_order_stay_as_they_are() {
        let doc = async_graphql::parser::parse_query("{ list { id owner { name id } tail } }").unwrap();
        let obj = |keys: &[(&str, Value)]| {
            let mut m = async_graphql::indexmap::IndexMap::new();
            for (k, v) in keys {
                m.insert(Name::new(*k), v.clone());
            }
            Value::Object(m)
        };
        let owner_ok = obj(&[("name", Value::from("n")), ("id", Value::from("1"))]);
        let owner_swapped = obj(&[("id", Value::from("1")), ("name", Value::from("n"))]);
        let rows = vec![
            obj(&[("id", Value::from("1")), ("owner", owner_ok.clone()), ("tail", Value::Null)]),
            obj(&[("tail", Value::Null), ("owner", owner_swapped.clone()), ("id", Value::from("2"))]),
            obj(&[("id", Value::from("3")), ("tail", Value::Null), ("owner", owner_swapped)]),
            obj(&[("owner", Value::Null), ("id", Value::from("4"))]),
        ];
        let mut resp = Response::new(obj(&[("list", Value::List(rows))]));
        reorder_response(&doc, None, &mut resp);
        assert_eq!(
            resp.data.to_string(),
            r#"{list: [{id: "1", owner: {name: "n", id: "1"}, tail: null}, {id: "2", owner: {name: "n", id: "1"}, tail: null}, {id: "3", owner: {name: "n", id: "1"}, tail: null}, {id: "4", owner: null}]}"#
        );
    }
}
