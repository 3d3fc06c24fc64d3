//! The public GraphQL types. Kept apart from the entities so that a
//! migration cannot silently change the schema.

mod alert;
mod enums;
mod inputs;
mod opportunity;
mod settings;
mod user;

pub use alert::*;
pub use enums::*;
pub use inputs::*;
pub use opportunity::*;
pub use settings::*;
pub use user::*;

use crate::error::{AppError, AppResult};
use async_graphql::ID;

/// Parses a GraphQL `ID` of one of our records.
pub fn parse_id(id: &ID, field: &str) -> AppResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::invalid(field, "is not a valid id"))
}

/// Like [`parse_id`], but an unknown id is simply not found.
pub fn lookup_id(id: &ID, what: &str) -> AppResult<i64> {
    id.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| AppError::not_found(what))
}
