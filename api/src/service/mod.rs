//! Use cases. Each opens at most one transaction, asks `domain` for the
//! decisions and `store` for the I/O. Services take plain command structs
//! and return plain types (entity rows, reports, [`Page`]); nothing here
//! knows GraphQL, so the CLI, the jobs and the imports call the same code.

pub mod alerts;
pub mod auth;
pub mod labels;
pub mod opportunities;
pub mod settings;
pub mod users;

use crate::domain::limits;
use crate::error::{AppError, AppResult, Problems};

/// What a client asks of a list: how many, after which cursor, and whether
/// he wants the total (one COUNT, run only when asked).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<i64>,
    pub after: Option<String>,
    pub with_total: bool,
}

pub use crate::domain::page::Page;

/// Checks a page request against [`limits::PAGE`]: the size and the
/// `after` cursor (an id of the list).
pub fn page_args(p: &mut Problems, page: &PageRequest) -> (u64, Option<i64>) {
    let first = limits::PAGE.check(page.first).unwrap_or_else(|why| {
        p.add("first", why);
        limits::PAGE.default
    });
    let after = match page.after.as_deref().map(str::parse::<i64>) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            p.add("after", "is not a cursor of this list");
            None
        }
    };
    (first, after)
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
