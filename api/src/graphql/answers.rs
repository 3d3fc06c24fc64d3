//! Whole answers to board-only queries, kept while the board's figures
//! stand: a dashboard asks for the same board again and again, and between
//! two imports its answer is the same bytes.
//!
//! An answer is kept only when every field the document selects is one of
//! the ranking board's own (or an account manager's name, e-mail and role),
//! so nothing in it changes but through what moves the board's generation
//! on (`BoardCache::forget_all`: an import, a person or a track changed, the
//! settings saved). It is kept by the exact request body, the viewer, his
//! language and the media type, and until the company's next midnight (a
//! period "so far" ends today) or a minute, whichever is first. A request
//! is authenticated before its answer is looked up.

use async_graphql::parser::types::{DocumentOperations, OperationType, Selection, SelectionSet};
use axum::body::Bytes;
use chrono::{DateTime, Utc};

/// Fields a kept answer may select below `rankingBoard`: the board's period,
/// tables and rows, an account manager's identity.
const BOARD_FIELDS: &[&str] = &[
    "__typename",
    // BoardPeriod
    "kind",
    "label",
    "firstMonth",
    "lastMonth",
    "days",
    // RankingBoard
    "period",
    "previousPeriod",
    "dimensions",
    // BoardTable
    "dimension",
    "number",
    "byAccountManager",
    "unit",
    "lowerIsBetter",
    "targetLine",
    "available",
    "rows",
    "totalRows",
    // BoardRow
    "rank",
    "standing",
    "standingLabel",
    "trackName",
    "trackId",
    "accountManager",
    "name",
    "value",
    "numerator",
    "denominator",
    "target",
    "notReached",
    "notReachedTwice",
    "previousValue",
    "change",
    // User, as a row's account manager: who he is, nothing that moves on its own.
    "id",
    "email",
    "role",
    "roleLabel",
];

/// Whether the answer to `query` may be kept: queries only, whose top-level
/// fields are all `rankingBoard`, selecting nothing but the board's fields.
pub fn board_only(query: &str) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    let top_level_ok = operations.iter().all(|op| {
        op.node.ty == OperationType::Query
            && op.node.selection_set.node.items.iter().all(|s| match &s.node {
                Selection::Field(f) => {
                    let name = f.node.name.node.as_str();
                    name == "__typename" || (name == "rankingBoard" && nested_ok(&f.node.selection_set.node))
                }
                _ => false,
            })
    });
    top_level_ok && doc.fragments.values().all(|f| nested_ok(&f.node.selection_set.node))
}

fn nested_ok(set: &SelectionSet) -> bool {
    set.items.iter().all(|s| match &s.node {
        Selection::Field(f) => BOARD_FIELDS.contains(&f.node.name.node.as_str()) && nested_ok(&f.node.selection_set.node),
        Selection::InlineFragment(i) => nested_ok(&i.node.selection_set.node),
        // Checked with the document's fragments.
        Selection::FragmentSpread(_) => true,
    })
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    user_id: i64,
    locale: crate::domain::labels::Locale,
    media: &'static str,
    generation: u64,
    body: Bytes,
}

#[derive(Clone)]
struct Kept {
    body: Bytes,
    /// The company-local day it was computed on: `[from, until)`.
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

/// Largest answer kept, and most bytes kept in all.
const MAX_ANSWER_BYTES: usize = 1 << 20;
const MAX_BYTES: u64 = 64 << 20;

pub struct Answers {
    kept: moka::sync::Cache<Key, Kept>,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            kept: moka::sync::Cache::builder()
                .max_capacity(MAX_BYTES)
                .weigher(|k: &Key, v: &Kept| (k.body.len() + v.body.len()).try_into().unwrap_or(u32::MAX))
                .time_to_live(std::time::Duration::from_secs(60))
                .build(),
        }
    }
}

/// What identifies a request's answer, besides the board's generation.
pub struct Ask<'a> {
    pub user_id: i64,
    pub locale: crate::domain::labels::Locale,
    pub media: &'static str,
    pub body: &'a Bytes,
}

impl Answers {
    fn key(ask: &Ask<'_>, generation: u64) -> Key {
        Key {
            user_id: ask.user_id,
            locale: ask.locale,
            media: ask.media,
            generation,
            body: ask.body.clone(),
        }
    }

    /// The kept answer, when there is one still good at `now`.
    pub fn get(&self, ask: &Ask<'_>, generation: u64, now: DateTime<Utc>) -> Option<Bytes> {
        self.kept
            .get(&Self::key(ask, generation))
            .filter(|k| k.from <= now && now < k.until)
            .map(|k| k.body)
    }

    /// Keeps an answer computed under `generation`, good over the day `[from, until)`.
    pub fn keep(&self, ask: &Ask<'_>, generation: u64, answer: Bytes, (from, until): (DateTime<Utc>, DateTime<Utc>)) {
        if answer.len() <= MAX_ANSWER_BYTES {
            self.kept.insert(Self::key(ask, generation), Kept { body: answer, from, until });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::board_only;

    #[test]
    fn only_the_boards_own_fields_are_kept() {
        assert!(board_only(
            "{ rankingBoard(period: {kind: MONTH}) { period { label } dimensions { number rows(first: 20) { rank name value accountManager { name } } } } }"
        ));
        assert!(board_only(
            "query B { rankingBoard(period: {kind: MONTH}) { ...T } } fragment T on RankingBoard { dimensions { ... on BoardTable { label } } }"
        ));
        // Live data below a row, another top-level field, a mutation, a fragment at the top.
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { dimensions { rows { accountManager { badges { open } } } } } }"
        ));
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { period { label } } me { name } }"
        ));
        assert!(!board_only("mutation { logout }"));
        assert!(!board_only(
            "{ ...Q } fragment Q on Query { rankingBoard(period: {kind: MONTH}) { period { label } } }"
        ));
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { ...T } } fragment T on RankingBoard { dimensions { rows { accountManager { tracks { name } } } } }"
        ));
        assert!(!board_only("{ rankingBoard("));
    }
}
