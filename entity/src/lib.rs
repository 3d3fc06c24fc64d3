//! sea-orm entities of salespulse: one module per table, the shared enums in
//! [`enums`]. GraphQL never derives on these types; `api::graphql::enums`
//! mirrors them so a migration cannot silently change the public schema.

pub mod activity;
pub mod alert;
pub mod baseline_entry;
pub mod baseline_version;
pub mod business_line;
pub mod customer;
pub mod enums;
pub mod erp_batch;
pub mod erp_expense;
pub mod erp_month;
pub mod erp_order;
pub mod erp_receivable;
pub mod erp_sale;
pub mod event;
pub mod forecast_alert;
pub mod forecast_freeze;
pub mod forecast_month;
pub mod funnel_alert;
pub mod funnel_snapshot;
pub mod funnel_snapshot_stage;
pub mod funnel_task;
pub mod job_run;
pub mod loss_review;
pub mod meeting;
pub mod meeting_change;
pub mod opportunity;
pub mod opportunity_history;
pub mod refresh_token;
pub mod row_analysis;
pub mod session;
pub mod setting;
pub mod target;
pub mod target_migration;
pub mod task;
pub mod task_decision;
pub mod track;
pub mod track_director;
pub mod track_member;
pub mod user;

pub use enums::*;
