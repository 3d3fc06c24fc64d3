//! The README's tour, run as written against the demo company: every
//! GraphQL block, as the login its first line names (`# as …`), answers
//! without an error; a subscription delivers its first event. A renamed
//! field breaks this test, not a newcomer following the README.

use crate::helpers::*;
use crate::websocket::{next_json, open, send};
use serde_json::json;

const README: &str = include_str!("../../README.md");

/// The README's GraphQL blocks: (login, document).
fn blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = README;
    while let Some(start) = rest.find("```graphql\n") {
        let body = &rest[start + "```graphql\n".len()..];
        let end = body.find("```").expect("a closed block");
        let block = &body[..end];
        let (first, _) = block.split_once('\n').unwrap_or((block, ""));
        let login = first
            .strip_prefix("# as ")
            .unwrap_or_else(|| panic!("a tour block names its login first: {block}"))
            .trim()
            .to_owned();
        out.push((login, block.to_owned()));
        rest = &body[end + 3..];
    }
    out
}

#[tokio::test]
async fn every_query_of_the_readme_tour_answers_on_the_demo_company() {
    let app = spawn_bare(|c| c.seed_demo = true).await;
    let blocks = blocks();
    assert!(blocks.len() >= 8, "the tour has {} blocks", blocks.len());
    for (login, document) in blocks {
        let token = app.login(&login).await;
        if document.contains("subscription") {
            let mut ws = open(&app, &token).await;
            send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": document } })).await;
            let m = next_json(&mut ws).await;
            assert_eq!(m["type"], "next", "{login}: {document}\n{m}");
            assert!(m["payload"].get("errors").is_none(), "{login}: {document}\n{m}");
        } else {
            let r = app.post(Some(&token), &document, json!({})).await;
            assert!(r.0.get("errors").is_none(), "{login}: {document}\n{}", r.0);
        }
    }
}

/// Every relative link of the README and of `docs/` names a file of the
/// repository: nothing points outside a fresh clone.
#[test]
fn every_link_of_the_readme_and_the_docs_resolves_inside_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for (i, _) in text.match_indices("](") {
            let target: String = text[i + 2..].chars().take_while(|c| *c != ')').collect();
            let target = target.split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = page.parent().unwrap().join(target);
            if !resolved.exists() || !resolved.starts_with(root) || target.contains("..") {
                broken.push(format!("{}: {target}", page.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(broken.is_empty(), "links that do not resolve inside the repository: {broken:#?}");
    // The README stays a start: five minutes to read.
    assert!(README.lines().count() <= 300, "README.md has {} lines", README.lines().count());
}
