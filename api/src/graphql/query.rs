//! Queries, one object per area.

use super::ctx;
use super::types::{Customer, Opportunity, OpportunityConnection, OpportunityFilter, SettingsView, Track, User, lookup_id};
use crate::error::AppError;
use crate::service;
use crate::store;
use async_graphql::{Context, ID, Object, Result};

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The logged-in user.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let user = store::users::by_id(&ctx::state(ctx)?.db, viewer.user_id)
            .await?
            .ok_or_else(|| AppError::not_found("user"))?;
        Ok(User(user))
    }
}

#[derive(Default)]
pub struct OpportunityQuery;

#[Object]
impl OpportunityQuery {
    /// Opportunities in the viewer's scope, in creation order (Relay connection).
    #[graphql(complexity = "10 + first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<OpportunityConnection> {
        let viewer = ctx::viewer(ctx)?;
        let (rows, has_next_page, condition) =
            service::opportunities::list(ctx::state(ctx)?, viewer, filter.unwrap_or_default(), first, after).await?;
        Ok(OpportunityConnection {
            rows,
            has_next_page,
            condition,
        })
    }

    /// One opportunity; `NOT_FOUND` when it is outside the viewer's scope.
    async fn opportunity(&self, ctx: &Context<'_>, #[graphql(desc = "Opportunity id.")] id: ID) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(service::opportunities::get(&ctx::state(ctx)?.db, viewer, id).await?))
    }

    /// Customers whose name contains the text, among those of the opportunities the viewer can see (to pick one when creating an opportunity).
    #[graphql(complexity = "10 + first as usize * child_complexity")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Part of the name.")] search: String,
        #[graphql(desc = "At most this many (1–50).", default = 20, validator(minimum = 1, maximum = 50))] first: u64,
    ) -> Result<Vec<Customer>> {
        let viewer = ctx::viewer(ctx)?;
        let rows = service::opportunities::search_customers(ctx::state(ctx)?, viewer, &search, first).await?;
        Ok(rows.into_iter().map(Customer).collect())
    }
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The tracks in the viewer's scope: his own track, the tracks he runs, or all.
    #[graphql(complexity = "5 + 10 * child_complexity")]
    async fn tracks(&self, ctx: &Context<'_>) -> Result<Vec<Track>> {
        let viewer = ctx::viewer(ctx)?;
        let rows = store::tracks::list(&ctx::state(ctx)?.db, &viewer.scope(), &viewer.track_ids).await?;
        Ok(rows.into_iter().map(Track).collect())
    }
}

#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The configuration of the business rules (every role may read it).
    async fn settings(&self, ctx: &Context<'_>) -> Result<SettingsView> {
        ctx::viewer(ctx)?;
        Ok(SettingsView::from(ctx::settings(ctx).await?))
    }
}
