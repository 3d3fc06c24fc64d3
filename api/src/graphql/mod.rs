//! The GraphQL schema: queries, mutations and subscriptions split by area
//! and merged, with depth, complexity and directive limits.
//!
//! Laid out per area: each `<area>.rs` holds the area's types, inputs,
//! queries and mutations; `common` the shared scalar, ids and connection;
//! `events` the subscriptions. See `api/ARCHITECTURE.md`.

pub mod alerts;
pub mod answers;
pub mod auth;
pub mod baseline;
pub mod board;
pub mod common;
pub mod ctx;
pub mod enums;
pub mod erp;
pub mod events;
pub mod forecast;
pub mod funnel;
pub mod funnel_alerts;
pub mod funnel_review;
pub mod guard;
pub mod health;
pub mod labels;
pub mod language;
pub mod live;
pub mod loaders;
pub mod meetings;
pub(crate) mod operation;
pub mod opportunities;
pub mod order;
pub mod organisation;
pub mod pipeline;
pub mod settings;

use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use std::sync::Arc;

/// All queries.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    auth::AuthQuery,
    opportunities::OpportunityQuery,
    organisation::OrganisationQuery,
    settings::SettingsQuery,
    alerts::AlertQuery,
    labels::LabelQuery,
    board::BoardQuery,
    meetings::MeetingQuery,
    health::HealthQuery,
    funnel::FunnelQuery,
    funnel_alerts::FunnelAlertQuery,
    funnel_review::FunnelReviewQuery,
    forecast::ForecastQuery,
    baseline::BaselineQuery,
);

/// All mutations.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    auth::AuthMutation,
    opportunities::OpportunityMutation,
    organisation::OrganisationMutation,
    settings::SettingsMutation,
    alerts::AlertMutation,
    erp::ErpMutation,
    meetings::MeetingMutation,
    funnel_alerts::FunnelAlertMutation,
    forecast::ForecastMutation,
    baseline::BaselineMutation,
);

/// All subscriptions.
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(events::EventSubscription);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 16;
/// Most expensive query accepted. A field costs 1; a list costs its page
/// size times its selection; a `totalCount` (one COUNT) costs
/// [`COUNT_COST`].
pub const MAX_COMPLEXITY: usize = 10_000;
/// The complexity of a field that runs a COUNT.
pub const COUNT_COST: usize = 25;
/// Deepest nesting of the parser.
pub const MAX_RECURSIVE_DEPTH: usize = 32;
/// Most directives on one field.
pub const MAX_DIRECTIVES: usize = 8;

pub(crate) fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default())
        .register_output_type::<events::Event>()
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
        .limit_directives(MAX_DIRECTIVES)
}

/// The schema serving `state`.
pub fn build(state: Arc<AppState>) -> pipeline::Pipeline {
    let introspection = state.config.introspection;
    let locale = state.config.default_locale;
    let b = builder().data(state);
    let schema = if introspection {
        b.finish()
    } else {
        b.disable_introspection().finish()
    };
    pipeline::Pipeline::new(schema, locale)
}

/// The SDL, sorted, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
