//! The layers point one way, checked on the code itself: every
//! `crate::<module>` the product library names (outside its tests) goes to
//! a module of the same layer or a lower one. The layers, highest first, as
//! `docs/architecture.md` draws them:
//!
//! | layer | modules |
//! |---|---|
//! | 0 the shell | `lib`, `server`, `http`, `ws`, `graphiql`, `jobs`, `seed` |
//! | 1 the API | `graphql` |
//! | 2 use cases | `service` |
//! | 3 the live state | `state`, `events`, `freshness` |
//! | 4 reads, writes, identity | `store`, `auth` |
//! | 5 rules | `domain` |
//! | 6 the kernel | `error`, `config`, `clock`, `locale`, `messages` |
//!
//! An edge upwards fails the test with its name (`store -> events`), unless
//! it is one of the debts listed below, which may only go away: a debt
//! that no longer exists fails the test too, so the list stays true.

use std::collections::BTreeSet;

const LAYERS: &[(&str, u8)] = &[
    ("lib", 0),
    ("server", 0),
    ("http", 0),
    ("ws", 0),
    ("graphiql", 0),
    ("jobs", 0),
    ("seed", 0),
    ("graphql", 1),
    ("service", 2),
    ("state", 3),
    ("events", 3),
    ("freshness", 3),
    ("store", 4),
    ("auth", 4),
    ("domain", 5),
    ("error", 6),
    ("config", 6),
    ("clock", 6),
    ("locale", 6),
    ("messages", 6),
];

/// Upward edges that are known and being removed (each names its cure).
/// Empty: a new one is a failure, not a debt.
const DEBTS: &[&str] = &[];

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, l)| *l)
        .unwrap_or_else(|| panic!("api/src/{module} has no layer: add it to LAYERS and to docs/architecture.md"))
}

/// Every `crate::<module>` edge of the library, outside `#[cfg(test)]`.
fn edges() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src");
    let mut out = BTreeSet::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            // A module's tests (`<module>/tests.rs`) are not the product.
            if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap();
            let from = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let to: String = line[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    if !to.is_empty() && to != from {
                        out.insert((from.clone(), to));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let edges = edges();
    let upward: BTreeSet<String> = edges
        .iter()
        .filter(|(from, to)| layer(to) < layer(from))
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect();
    let new: Vec<&String> = upward.iter().filter(|e| !DEBTS.contains(&e.as_str())).collect();
    assert!(
        new.is_empty(),
        "imports against the layers (http/ws → graphql → service → {{domain, store}} → entity): {new:?}"
    );
    let paid: Vec<&&str> = DEBTS.iter().filter(|d| !upward.contains(**d)).collect();
    assert!(paid.is_empty(), "debts that are gone: take them off DEBTS: {paid:?}");
}
