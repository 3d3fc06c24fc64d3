//! The cost of a document, decided before anything runs.
//!
//! Two passes, both linear in the size of the text:
//! 1. [`scan_text`], before parsing: counts tokens and the nesting of
//!    `(`, `[` and `{` outside strings and comments. The parser recurses on
//!    value literals without a bound of its own, so a 10,000-deep `[[[…]]]`
//!    would overflow the stack: it never reaches the parser.
//! 2. [`check_document`], after parsing: operations, variables, aliases,
//!    `login` fields, and the number of fields once fragments are expanded
//!    (memoised per fragment, so a 2^22 fan-out is counted in microseconds,
//!    never executed).
//!
//! The request pipeline (`super::pipeline`) runs both for every request,
//! over HTTP and WebSocket alike, before async-graphql's own parse step, and
//! caps the number of errors an answer carries ([`cap_errors`]).

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, Value, Variables};
use std::collections::HashMap;

/// Deepest nesting of `(`, `[` and `{` in a document (selection sets,
/// arguments and value literals together).
pub const MAX_NESTING: usize = 40;
/// Most lexical tokens in a document.
pub const MAX_TOKENS: usize = 5_000;
/// Most operations in one document.
pub const MAX_OPERATIONS: usize = 20;
/// Most variables an operation declares, and most values a request sends.
pub const MAX_VARIABLES: usize = 50;
/// Most aliases in a document.
pub const MAX_ALIASES: usize = 30;
/// Most fields one operation selects once its fragments are expanded
/// (`__typename` included).
pub const MAX_FIELDS: u64 = 1_000;
/// Most `login` fields in a document.
pub const MAX_LOGINS: usize = 1;
/// Most errors one answer carries (the rest are summarised in one).
pub const MAX_ERRORS: usize = 20;

/// The code of every refusal of this module.
pub const CODE: &str = "QUERY_LIMIT";

fn refusal(limit: &str, max: u64, message: String) -> ServerError {
    let mut e = coded(&message, CODE);
    if let Some(ext) = e.extensions.as_mut() {
        ext.set("limit", limit);
        ext.set("max", max);
    }
    e
}

/// An error of the request itself (nothing ran) with its `extensions.code`.
pub fn coded(message: &str, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

/// The first pass: tokens and nesting, without parsing. Unterminated
/// strings are left to the parser, which reports them.
pub fn scan_text(text: &str) -> Result<(), ServerError> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut tokens) = (0usize, 0usize, 0usize);
    let bump = |tokens: &mut usize| -> Result<(), ServerError> {
        *tokens += 1;
        if *tokens > MAX_TOKENS {
            Err(refusal(
                "tokens",
                MAX_TOKENS as u64,
                format!("the document has more than {MAX_TOKENS} tokens"),
            ))
        } else {
            Ok(())
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' => {
                bump(&mut tokens)?;
                if bytes[i..].starts_with(b"\"\"\"") {
                    i += 3;
                    while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                        i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                bump(&mut tokens)?;
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(refusal(
                        "nesting",
                        MAX_NESTING as u64,
                        format!("the document nests deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            b')' | b']' | b'}' => {
                bump(&mut tokens)?;
                depth = depth.saturating_sub(1);
            }
            b'!' | b'$' | b'&' | b':' | b'=' | b'@' | b'|' => bump(&mut tokens)?,
            b'.' => {
                bump(&mut tokens)?;
                while i + 1 < bytes.len() && bytes[i + 1] == b'.' {
                    i += 1;
                }
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                bump(&mut tokens)?;
                while i + 1 < bytes.len() && (bytes[i + 1].is_ascii_alphanumeric() || matches!(bytes[i + 1], b'_' | b'.' | b'+' | b'-')) {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Counts the fields of selection sets with fragments expanded; a
/// fragment's count is computed once. A fragment cycle counts as nothing
/// here: validation rejects it afterwards.
struct FieldCounter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    memo: HashMap<&'a str, u64>,
    visiting: Vec<&'a str>,
}

impl<'a> FieldCounter<'a> {
    fn count(&mut self, set: &'a SelectionSet) -> u64 {
        let mut n: u64 = 0;
        for sel in &set.items {
            let more = match &sel.node {
                Selection::Field(f) => 1u64.saturating_add(self.count(&f.node.selection_set.node)),
                Selection::InlineFragment(f) => self.count(&f.node.selection_set.node),
                Selection::FragmentSpread(s) => self.fragment(s.node.fragment_name.node.as_str()),
            };
            n = n.saturating_add(more);
        }
        n
    }

    fn fragment(&mut self, name: &'a str) -> u64 {
        if let Some(n) = self.memo.get(name) {
            return *n;
        }
        if self.visiting.contains(&name) {
            return 0;
        }
        let Some(def) = self.fragments.get(name) else { return 0 };
        self.visiting.push(name);
        let n = self.count(&def.node.selection_set.node);
        self.visiting.pop();
        self.memo.insert(name, n);
        n
    }
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|sel| match &sel.node {
            Selection::Field(f) => usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node),
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// The root fields named `name`, fragments expanded, each fragment once: a
/// fragment spread twice selects the same fields, which merge into one
/// (and expanding it again would make a fan-out exponential).
fn count_root_fields(
    set: &SelectionSet,
    name: &str,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    seen: &mut Vec<Name>,
) -> usize {
    set.items
        .iter()
        .map(|sel| match &sel.node {
            Selection::Field(f) => usize::from(f.node.name.node.as_str() == name),
            Selection::InlineFragment(f) => count_root_fields(&f.node.selection_set.node, name, fragments, seen),
            Selection::FragmentSpread(s) => {
                let frag = &s.node.fragment_name.node;
                if seen.contains(frag) {
                    return 0;
                }
                seen.push(frag.clone());
                fragments
                    .get(frag)
                    .map_or(0, |d| count_root_fields(&d.node.selection_set.node, name, fragments, seen))
            }
        })
        .sum()
}

/// The second pass, on the parsed document.
/// The request's variables, checked on every request (its document's own
/// checks are kept with the parsed document).
pub fn check_variables(variables: &Variables) -> Result<(), ServerError> {
    if variables.len() > MAX_VARIABLES {
        return Err(refusal(
            "variables",
            MAX_VARIABLES as u64,
            format!("a request sends at most {MAX_VARIABLES} variables"),
        ));
    }
    Ok(())
}

/// What async-graphql writes in a variable that holds a file of a
/// multipart request: the marker and the file's index.
const FILE_MARKER: &str = "__graphql_file__";

/// Files come only the way the multipart request spec sends them: every
/// variable value carrying the file marker names a file of this request,
/// and a document never spells it (async-graphql would panic on anything
/// else: an index out of range, or not a number).
pub fn check_uploads(query: Option<&str>, variables: &Variables, files: usize) -> Result<(), ServerError> {
    /// Collects the file indexes the values name; false on a marker that names none.
    fn valid(v: &Value, files: usize, named: &mut Vec<usize>) -> bool {
        match v {
            Value::String(s) if s.contains(FILE_MARKER) => {
                match s.strip_prefix("#__graphql_file__:").and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) if n < files => {
                        named.push(n);
                        true
                    }
                    _ => false,
                }
            }
            Value::List(items) => items.iter().all(|i| valid(i, files, named)),
            Value::Object(fields) => fields.values().all(|f| valid(f, files, named)),
            _ => true,
        }
    }
    let refused = || {
        coded(
            "a file is sent as a multipart request (GraphQL multipart request spec)",
            "BAD_REQUEST",
        )
    };
    if query.is_some_and(|q| q.contains(FILE_MARKER)) {
        return Err(refused());
    }
    let mut named = Vec::new();
    if !variables.values().all(|v| valid(v, files, &mut named)) {
        return Err(refused());
    }
    // One file, one variable: the multipart map may not feed one file to many imports.
    let count = named.len();
    named.sort_unstable();
    named.dedup();
    if named.len() != count {
        return Err(coded("each file of the request is given to one variable", "BAD_REQUEST"));
    }
    Ok(())
}

pub fn check_document(doc: &ExecutableDocument, variables: &Variables) -> Result<(), ServerError> {
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    if operations.len() > MAX_OPERATIONS {
        return Err(refusal(
            "operations",
            MAX_OPERATIONS as u64,
            format!("a document holds at most {MAX_OPERATIONS} operations"),
        ));
    }
    check_variables(variables)?;
    let mut aliases = doc
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum::<usize>();
    let mut counter = FieldCounter {
        fragments: &doc.fragments,
        memo: HashMap::new(),
        visiting: Vec::new(),
    };
    let mut logins = 0;
    for op in &operations {
        if op.node.variable_definitions.len() > MAX_VARIABLES {
            return Err(refusal(
                "variables",
                MAX_VARIABLES as u64,
                format!("an operation declares at most {MAX_VARIABLES} variables"),
            ));
        }
        let set = &op.node.selection_set.node;
        aliases += count_aliases(set);
        if counter.count(set) > MAX_FIELDS {
            return Err(refusal(
                "fields",
                MAX_FIELDS,
                format!("an operation selects at most {MAX_FIELDS} fields once its fragments are expanded"),
            ));
        }
        logins += count_root_fields(set, "login", &doc.fragments, &mut Vec::new());
    }
    if aliases > MAX_ALIASES {
        return Err(refusal(
            "aliases",
            MAX_ALIASES as u64,
            format!("a document uses at most {MAX_ALIASES} aliases"),
        ));
    }
    if logins > MAX_LOGINS {
        return Err(refusal("logins", MAX_LOGINS as u64, "one login per request".to_owned()));
    }
    Ok(())
}

/// Gives every error a stable `extensions.code`: a document that does not
/// parse or validate (no path) is `GRAPHQL_VALIDATION_FAILED`; an argument
/// refused by its declared bounds (a path, no code of ours) is
/// `BAD_USER_INPUT`.
pub fn code_errors(errors: &mut [ServerError]) {
    for e in errors {
        // The schema's own limits, told like this module's: code, limit, max.
        let schema_limit = match e.message.as_str() {
            _ if !e.path.is_empty() => None,
            "Query is too complex." => Some(("complexity", super::MAX_COMPLEXITY)),
            "Query is nested too deep." => Some(("depth", super::MAX_DEPTH)),
            _ => None,
        };
        if let Some((limit, max)) = schema_limit
            && e.extensions.as_ref().is_none_or(|x| x.get("code").is_none())
        {
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("code", CODE);
            ext.set("limit", limit);
            ext.set("max", max as u64);
        }
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set(
                "code",
                if e.path.is_empty() {
                    "GRAPHQL_VALIDATION_FAILED"
                } else {
                    "BAD_USER_INPUT"
                },
            );
        }
    }
}

/// Keeps the first [`MAX_ERRORS`] errors and says how many were left out.
pub fn cap_errors(errors: &mut Vec<ServerError>) {
    if errors.len() > MAX_ERRORS {
        let left_out = errors.len() - (MAX_ERRORS - 1);
        errors.truncate(MAX_ERRORS - 1);
        let e = refusal("errors", MAX_ERRORS as u64, format!("{left_out} more errors were left out"));
        errors.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(r: Result<(), ServerError>) -> Option<String> {
        r.err().map(|e| e.message)
    }

    #[test]
    fn deep_literals_are_refused_before_parsing() {
        let deep = format!("{{ opportunity(id: {}1{}) {{ id }} }}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(code_of(scan_text(&deep)).is_some_and(|m| m.contains("nests deeper")));
        let fine = "{ a(x: [[1]], y: {z: [2]}) { b { c } } }";
        assert!(scan_text(fine).is_ok());
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let text = format!(
            "# {}\n{{ a(s: \"{}\", t: \"\"\"{}\"\"\") }}",
            "[".repeat(500),
            "{".repeat(500),
            "(".repeat(500)
        );
        assert!(scan_text(&text).is_ok());
    }

    #[test]
    fn a_fragment_fan_out_is_counted_not_expanded() {
        let mut doc = String::from("query { ...F0 }\n");
        for i in 0..22 {
            doc.push_str(&format!("fragment F{i} on Query {{ ...F{n} ...F{n} }}\n", n = i + 1));
        }
        doc.push_str("fragment F22 on Query { __typename }\n");
        let parsed = async_graphql::parser::parse_query(&doc).unwrap();
        let err = check_document(&parsed, &Variables::default()).unwrap_err();
        assert!(err.message.contains("fields"), "{}", err.message);
    }

    #[test]
    fn a_fan_out_of_root_fragments_is_walked_once_per_fragment() {
        let mut doc = String::from("mutation { ...F0 }\n");
        for i in 0..40 {
            doc.push_str(&format!("fragment F{i} on MutationRoot {{ ...F{n} ...F{n} }}\n", n = i + 1));
        }
        doc.push_str("fragment F40 on MutationRoot { login(email: \"x\", password: \"y\") { token } }\n");
        let parsed = async_graphql::parser::parse_query(&doc).unwrap();
        let mut seen = Vec::new();
        let logins = count_root_fields(
            &parsed.operations.iter().next().unwrap().1.node.selection_set.node,
            "login",
            &parsed.fragments,
            &mut seen,
        );
        assert_eq!(logins, 1);
    }

    #[test]
    fn two_logins_are_refused_even_behind_a_fragment() {
        let doc = "mutation { a: login(email: \"x\", password: \"y\") { token } ...L } fragment L on MutationRoot { login(email: \"x\", password: \"z\") { token } }";
        let parsed = async_graphql::parser::parse_query(doc).unwrap();
        assert!(check_document(&parsed, &Variables::default()).is_err());
    }

    #[test]
    fn errors_are_capped() {
        let mut errors: Vec<ServerError> = (0..100).map(|i| ServerError::new(format!("e{i}"), None)).collect();
        cap_errors(&mut errors);
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(errors[MAX_ERRORS - 1].message.contains("81 more"));
    }

    #[tokio::test]
    async fn a_fan_out_is_refused_before_any_walk_that_expands_it() {
        // 2^40 expansions: any walk that follows spreads without memory
        // (async-graphql's recursion-depth check is one) would never end.
        let mut doc = String::from("query { ...F0 }\n");
        for i in 0..40 {
            doc.push_str(&format!("fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}\n", n = i + 1));
        }
        doc.push_str("fragment F40 on QueryRoot { __typename }\n");
        let schema = crate::graphql::builder().finish();
        let pipeline = crate::graphql::pipeline::Pipeline::new(schema, crate::locale::Locale::En);
        let run = async_graphql::Executor::execute(&pipeline, async_graphql::Request::new(doc));
        let resp = tokio::time::timeout(std::time::Duration::from_secs(30), run)
            .await
            .expect("refused without expanding the fragments");
        assert!(resp.errors[0].message.contains("fields"), "{:?}", resp.errors);
    }
}
