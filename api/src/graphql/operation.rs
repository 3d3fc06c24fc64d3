//! Which operation of a document a request runs, picked in one place: the
//! anonymous one; the one named by `operationName`; or, when the request
//! names none, the document's only operation, named or not (as the
//! GraphQL spec allows, and as a hand-written `graphql-ws` client sends a
//! `subscription Feed { … }`). A document of several operations and no
//! name selects none: the engine refuses it, naming the problem.

use async_graphql::Positioned;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};

/// The operation `name` selects in `doc`, or `None` when it selects none.
pub(crate) fn select<'a>(doc: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The name to run `doc` under: the one given, else the name of its only
/// operation (what async-graphql itself needs to run a lone named one).
pub(crate) fn name_to_run(doc: &ExecutableDocument, name: Option<String>) -> Option<String> {
    match (&doc.operations, name) {
        (_, Some(name)) => Some(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.keys().next().map(ToString::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_lone_operation_is_selected_with_or_without_its_name() {
        let anonymous = doc("subscription { alertEvents { kind } }");
        assert!(select(&anonymous, None).is_some());
        let named = doc("subscription Feed { alertEvents { kind } }");
        assert!(select(&named, None).is_some());
        assert!(select(&named, Some("Feed")).is_some());
        assert!(select(&named, Some("Other")).is_none());
        assert_eq!(name_to_run(&named, None).as_deref(), Some("Feed"));
        let two = doc("query A { me { id } } query B { me { id } }");
        assert!(select(&two, None).is_none());
        assert!(select(&two, Some("B")).is_some());
        assert_eq!(name_to_run(&two, None), None);
    }
}
