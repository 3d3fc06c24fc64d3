//! The GraphQL schema: queries, mutations and (later) subscriptions split
//! by area and merged, with depth, complexity and directive limits.

mod alerts;
pub mod ctx;
pub mod guard;
pub mod loaders;
mod mutation;
mod query;
pub mod types;

use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use std::sync::Arc;

/// All queries.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    query::AuthQuery,
    query::OpportunityQuery,
    query::OrganisationQuery,
    query::SettingsQuery,
    alerts::AlertQuery,
);

/// All mutations.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    mutation::AuthMutation,
    mutation::OpportunityMutation,
    mutation::AdminMutation,
    alerts::AlertMutation,
);

/// All subscriptions.
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(alerts::AlertSubscription);

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

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default())
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
        .limit_directives(MAX_DIRECTIVES)
        .extension(guard::DocumentGuard)
}

/// The schema serving `state`.
pub fn build(state: Arc<AppState>) -> AppSchema {
    let introspection = state.config.introspection;
    let b = builder().data(state);
    if introspection {
        b.finish()
    } else {
        b.disable_introspection().finish()
    }
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
