//! Use cases. Each opens at most one transaction, asks `domain` for the
//! decisions and `store` for the I/O. Services take plain command structs
//! and return plain types (entity rows, reports, [`Page`]); nothing here
//! knows GraphQL, so the CLI, the jobs and the imports call the same code.

pub mod alerts;
pub mod auth;
pub mod baseline;
pub mod board;
pub mod erp;
pub mod forecast;
pub mod funnel;
pub mod funnel_alerts;
pub mod funnel_review;
pub mod health;
pub mod labels;
pub mod meetings;
pub mod opportunities;
pub mod settings;
pub mod tracks;
pub mod users;

use crate::domain::limits;
use crate::error::{AppError, AppResult, Problems};

/// What a client asks of a list: how many, after which cursor, and whether
/// he wants the total (one COUNT, run only when asked).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<i64>,
    pub after: Option<String>,
    pub last: Option<i64>,
    pub before: Option<String>,
    pub with_total: bool,
}

pub use crate::domain::page::{Page, Window};

/// Checks a page request against [`limits::PAGE`].
pub fn page_args(p: &mut Problems, page: &PageRequest) -> Window {
    window(p, page, limits::PAGE)
}

/// Checks a page request against a row of `domain::limits`: `first` (and
/// `after`) reads forwards, `last` (and `before`) backwards — not both; the
/// cursors are ids of the list.
pub fn window(p: &mut Problems, page: &PageRequest, limit: limits::PageSize) -> Window {
    let backwards = page.last.is_some() || page.before.is_some();
    if page.first.is_some() && page.last.is_some() {
        p.add("last", "give first or last, not both");
    }
    if backwards && page.after.is_some() {
        p.add("after", "goes with first; use before with last");
    }
    if page.first.is_some() && page.before.is_some() {
        p.add("before", "goes with last; use after with first");
    }
    let (size_field, size) = if backwards { ("last", page.last) } else { ("first", page.first) };
    let size = limit.check(size).unwrap_or_else(|why| {
        p.add(size_field, why);
        limit.default
    });
    let (cursor_field, cursor) = if backwards {
        ("before", page.before.as_deref())
    } else {
        ("after", page.after.as_deref())
    };
    let cursor = match cursor.map(str::parse::<i64>) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            p.add(cursor_field, "is not a cursor of this list");
            None
        }
    };
    Window { size, backwards, cursor }
}

/// A page of a short list under one record (its follow-ups, history,
/// alerts), loaded for a whole page of records at once and cut here by the
/// same rules as the SQL keyset.
pub fn slice<T>(page: &PageRequest, limit: limits::PageSize, rows: Vec<T>, id: impl Fn(&T) -> i64) -> AppResult<Page<T>> {
    let mut p = Problems::new();
    let w = window(&mut p, page, limit);
    p.into_result()?;
    Ok(w.slice(rows, id))
}

/// A list's `first` (1–100, default 20), its problem collected under `first`.
pub fn first_of(p: &mut Problems, first: Option<i64>) -> u64 {
    limits::PAGE.check(first).unwrap_or_else(|why| {
        p.add("first", why);
        0
    })
}

/// Parses the id of one of our records given in an input field.
pub fn parse_id(id: &str, field: &str) -> AppResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::invalid(field, "is not a valid id"))
}

/// Like [`parse_id`], collecting the problem instead of failing.
pub fn id_field(p: &mut Problems, id: Option<&str>, field: &str) -> Option<i64> {
    let id = id?;
    match parse_id(id, field) {
        Ok(v) => Some(v),
        Err(_) => {
            p.add(field, "is not a valid id");
            None
        }
    }
}

/// The id of the record an operation names: an id that cannot exist is
/// simply not found.
pub fn lookup_id(id: &str, what: &str) -> AppResult<i64> {
    id.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| AppError::not_found(what))
}
