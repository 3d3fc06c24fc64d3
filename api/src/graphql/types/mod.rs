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

/// A calendar date in its strict ISO form, `YYYY-MM-DD`, between
/// 2000-01-01 and 2100-12-31 (keeps the name of the scalar the API has
/// always had).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

/// ISO 8601 calendar date, strictly `YYYY-MM-DD` (e.g. `2027-03-01`),
/// between 2000-01-01 and 2100-12-31.
#[async_graphql::Scalar(name = "NaiveDate")]
impl async_graphql::ScalarType for Date {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        let async_graphql::Value::String(text) = &value else {
            return Err(async_graphql::InputValueError::expected_type(value));
        };
        crate::domain::calendar::parse_date(text)
            .map(Date)
            .ok_or_else(|| async_graphql::InputValueError::custom(crate::domain::calendar::DATE_FORM))
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
