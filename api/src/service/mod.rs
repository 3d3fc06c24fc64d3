//! Use cases. Each opens at most one transaction, asks `domain` for the
//! decisions and `store` for the I/O.

pub mod alerts;
pub mod auth;
pub mod opportunities;
pub mod settings;
pub mod users;

use crate::error::Problems;

/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;

/// Checks a connection's `first` (default 20, 1–100) and `after` cursor.
pub fn page_args(p: &mut Problems, first: Option<i32>, after: Option<&str>) -> (u64, Option<i64>) {
    let first = first.unwrap_or(20);
    p.check(!(1..=MAX_PAGE).contains(&first), "first", "must be between 1 and 100");
    let after = match after.map(str::parse::<i64>) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            p.add("after", "is not a cursor of this list");
            None
        }
    };
    (u64::try_from(first).unwrap_or(20), after)
}
