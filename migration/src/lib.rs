//! Database migrations: one file per change, never edited after it lands.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_organisation_and_opportunities;
mod m20261123_000002_alerts;
mod m20261124_000003_token_generation;
mod m20261125_000004_typed_events;
mod m20261125_000005_alert_evidence;
mod m20261126_000006_sessions_and_seen;
mod m20261203_000007_erp_facts;
mod m20261203_000008_meetings;
mod m20261203_000009_meeting_notices;
mod m20261204_000010_task_decisions;
mod m20261204_000011_funnel_index;
mod m20261204_000012_funnel_alerts;
mod m20261204_000013_funnel_snapshots;
mod m20261204_000014_task_funnel_link;
mod m20261205_000015_funnel_reviews;
mod m20261205_000016_forecast_freezes;
mod m20261205_000017_baselines;
mod m20261206_000018_funnel_as_of;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organisation_and_opportunities::Migration),
            Box::new(m20261123_000002_alerts::Migration),
            Box::new(m20261124_000003_token_generation::Migration),
            Box::new(m20261125_000004_typed_events::Migration),
            Box::new(m20261125_000005_alert_evidence::Migration),
            Box::new(m20261126_000006_sessions_and_seen::Migration),
            Box::new(m20261203_000007_erp_facts::Migration),
            Box::new(m20261203_000008_meetings::Migration),
            Box::new(m20261203_000009_meeting_notices::Migration),
            Box::new(m20261204_000010_task_decisions::Migration),
            Box::new(m20261204_000011_funnel_index::Migration),
            Box::new(m20261204_000012_funnel_alerts::Migration),
            Box::new(m20261204_000013_funnel_snapshots::Migration),
            Box::new(m20261204_000014_task_funnel_link::Migration),
            Box::new(m20261205_000015_funnel_reviews::Migration),
            Box::new(m20261205_000016_forecast_freezes::Migration),
            Box::new(m20261205_000017_baselines::Migration),
            Box::new(m20261206_000018_funnel_as_of::Migration),
        ]
    }
}
