//! Pure business rules: no database, no async, no clock. Plain data in,
//! decisions out; `now` is always an argument.

pub mod accounts;
pub mod alerts;
pub mod baseline;
pub mod board;
pub mod calendar;
pub mod erp;
pub mod events;
pub mod forecast;
pub mod funnel;
pub mod funnel_alerts;
pub mod funnel_review;
pub mod health;
pub mod labels;
pub mod limits;
pub mod meetings;
pub mod money;
pub mod opportunity;
pub mod page;
pub mod settings;
pub mod text;
