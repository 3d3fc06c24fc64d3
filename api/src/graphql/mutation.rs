//! Mutations, one object per area. Resolvers only map arguments to a
//! service call and the result back.

use super::ctx;
use super::types::{
    Activity, ActivityInput, CreateOpportunityInput, LoginPayload, Opportunity, PrecisionForecastInput, SettingsInput, SettingsView,
    ShelveInput, Stage, UpdateOpportunityInput, User, lookup_id,
};
use crate::service;
use async_graphql::{Context, ID, Object, Result};

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Exchanges e-mail and password for a bearer token.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login e-mail.")] email: String,
        #[graphql(desc = "Password.")] password: String,
    ) -> Result<LoginPayload> {
        let client = ctx.data_opt::<ctx::ClientAddr>().and_then(|c| c.0);
        let (token, expires_at, user) = service::auth::login(ctx::state(ctx)?, &email, &password, client).await?;
        Ok(LoginPayload { token, expires_at, user })
    }
}

#[derive(Default)]
pub struct OpportunityMutation;

#[Object]
impl OpportunityMutation {
    /// Creates an opportunity (account managers for themselves, directors in their tracks, admins anywhere).
    async fn create_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new opportunity.")] input: CreateOpportunityInput,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        Ok(Opportunity(service::opportunities::create(ctx::state(ctx)?, viewer, input).await?))
    }

    /// Changes fields of an opportunity at the version the client saw (`CONFLICT` when stale).
    async fn update_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
        #[graphql(desc = "The changes.")] input: UpdateOpportunityInput,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::update(ctx::state(ctx)?, viewer, id, version, input).await?,
        ))
    }

    /// Moves the stage; from H_POTENTIAL on a precision forecast is required. Written to the history.
    async fn move_opportunity_stage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
        #[graphql(desc = "The new stage.")] stage: Stage,
        #[graphql(desc = "Precision forecast (精度版), required from H_POTENTIAL on unless already given.")] precision_forecast: Option<
            PrecisionForecastInput,
        >,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::move_stage(ctx::state(ctx)?, viewer, id, version, stage.into(), precision_forecast).await?,
        ))
    }

    /// Records a follow-up (visit, call, e-mail, meeting, note, quotation update).
    async fn log_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] opportunity_id: ID,
        #[graphql(desc = "The follow-up.")] input: ActivityInput,
    ) -> Result<Activity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&opportunity_id, "opportunity")?;
        Ok(Activity(
            service::opportunities::log_activity(ctx::state(ctx)?, viewer, id, input).await?,
        ))
    }

    /// 模号: assigns the mold number of a secured opportunity.
    async fn assign_mold_number(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
        #[graphql(desc = "The mold number.")] mold_number: String,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::assign_mold_number(ctx::state(ctx)?, viewer, id, version, &mold_number).await?,
        ))
    }

    /// 搁置: shelves an active opportunity with a reason and a future restart date.
    async fn shelve_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
        #[graphql(desc = "Reason and restart date.")] input: ShelveInput,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::shelve(ctx::state(ctx)?, viewer, id, version, input).await?,
        ))
    }

    /// Takes a shelved opportunity up again (counts as a follow-up).
    async fn reactivate_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::reactivate(ctx::state(ctx)?, viewer, id, version).await?,
        ))
    }

    /// 输单: marks an open opportunity lost.
    async fn lose_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opportunity id.")] id: ID,
        #[graphql(desc = "The version the client saw.")] version: i32,
        #[graphql(desc = "Why it was lost.")] reason: String,
    ) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        Ok(Opportunity(
            service::opportunities::lose(ctx::state(ctx)?, viewer, id, version, &reason).await?,
        ))
    }
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Admin: activates or deactivates a user; a deactivated user's tokens stop working.
    async fn set_user_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "User id.")] id: ID,
        #[graphql(desc = "Active or not.")] active: bool,
    ) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "user")?;
        Ok(User(service::users::set_active(ctx::state(ctx)?, viewer, id, active).await?))
    }

    /// Admin: changes the configuration of the business rules; every bad value is reported.
    async fn update_settings(&self, ctx: &Context<'_>, #[graphql(desc = "The changes.")] input: SettingsInput) -> Result<SettingsView> {
        let viewer = ctx::viewer(ctx)?;
        let s = service::settings::update(ctx::state(ctx)?, viewer, input).await?;
        Ok(SettingsView::from(&s))
    }
}
