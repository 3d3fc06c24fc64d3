//! Opportunities (商机): the type, its history and activities, the list,
//! and the mutations of its life cycle.

use crate::domain::{calendar, limits};
use crate::error::AppError;
use crate::graphql::common::{Connection, Date, Instant, Money, Node, PageArgs, Within, lookup_id, page_request, raw_id};
use crate::graphql::ctx;
use crate::graphql::enums::*;
use crate::graphql::labels::label;
use crate::graphql::organisation::{Customer, Track, User};
use crate::service::opportunities as svc;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{activity, opportunity, opportunity_history};

mod timeline;
pub use timeline::*;
mod inputs;
pub use inputs::*;

/// 商机: a sales opportunity, with the rows it points at when they were
/// read with it (a page or a lookup whose selection asks for them).
#[derive(Clone)]
pub struct Opportunity(pub opportunity::Model, svc::Relations);

impl From<opportunity::Model> for Opportunity {
    fn from(model: opportunity::Model) -> Self {
        Self(model, svc::Relations::default())
    }
}

impl From<svc::WithRelations> for Opportunity {
    fn from(row: svc::WithRelations) -> Self {
        Self(row.opportunity, row.relations)
    }
}

/// Whether a selection of an opportunity asks for its owner, customer or
/// track (then they are joined into the opportunity's statement).
pub(crate) fn wants_relations(selection: async_graphql::Lookahead<'_>) -> bool {
    ["owner", "customer", "track"].iter().any(|f| selection.field(f).exists())
}

impl Node for Opportunity {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// 主观版: the owner's rolling forecast.
#[derive(SimpleObject)]
pub struct RollingForecast {
    /// Expected order month, `YYYY-MM`.
    pub expected_order_month: Option<String>,
    /// Expected amount in yuan.
    pub amount: Option<Money>,
}

/// 精度版: the precision forecast.
#[derive(SimpleObject)]
pub struct PrecisionForecast {
    /// Expected order date.
    pub order_date: Date,
    /// Expected amount in yuan.
    pub amount: Money,
}

async fn load_or_internal<T>(found: Option<T>, what: &str) -> Result<T> {
    found.ok_or_else(|| AppError::internal(format!("dangling reference to {what}")).into())
}

/// 商机: a sales opportunity.
#[Object]
impl Opportunity {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Short title.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The customer.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Customer> {
        if let Some(c) = &self.1.customer {
            return Ok(Customer(c.clone()));
        }
        load_or_internal(ctx::loaders(ctx)?.customers.load_one(self.0.customer_id).await?, "customer")
            .await
            .map(Customer)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Track> {
        if let Some(t) = &self.1.track {
            return Ok(Track(t.clone()));
        }
        load_or_internal(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?, "track")
            .await
            .map(Track)
    }
    /// The owning account manager.
    async fn owner(&self, ctx: &Context<'_>) -> Result<User> {
        if let Some(u) = &self.1.owner {
            return Ok(User(u.clone()));
        }
        load_or_internal(ctx::loaders(ctx)?.users.load_one(self.0.owner_id).await?, "owner")
            .await
            .map(User)
    }
    /// Business line (from the track).
    async fn business_line(&self) -> BusinessLine {
        self.0.business_line.into()
    }
    /// The business line in words (模塑一体), in the request's language.
    async fn business_line_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.business_line).await
    }
    /// Kind of business.
    async fn kind(&self) -> OpportunityKind {
        self.0.kind.into()
    }
    /// The kind in words (模具开发), in the request's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.kind).await
    }
    /// Amount in yuan.
    async fn amount(&self) -> Money {
        Money::from_cents(self.0.amount_cents)
    }
    /// Funnel stage.
    async fn stage(&self) -> Stage {
        self.0.stage.into()
    }
    /// The stage in words (初步识别), in the request's language.
    async fn stage_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.stage).await
    }
    /// When the current stage was entered.
    async fn stage_entered_at(&self) -> Instant {
        Instant(self.0.stage_entered_at)
    }
    /// Status.
    async fn status(&self) -> OpportunityStatus {
        self.0.status.into()
    }
    /// The status in words (跟进中), in the request's language.
    async fn status_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.status).await
    }
    /// Last follow-up.
    async fn last_activity_at(&self) -> Instant {
        Instant(self.0.last_activity_at)
    }
    /// 活跃: a follow-up within the active window (15 natural days by default, company calendar).
    async fn is_active(&self, ctx: &Context<'_>) -> Result<bool> {
        let settings = ctx::settings(ctx).await?;
        Ok(svc::is_active(ctx::state(ctx)?, &self.0, settings))
    }
    /// When it was won.
    async fn secured_at(&self) -> Option<Instant> {
        self.0.secured_at.map(Instant)
    }
    /// 模号: mold number, empty until assigned.
    async fn mold_number(&self) -> Option<&str> {
        self.0.mold_number.as_deref()
    }
    /// 搁置原因, when shelved.
    async fn shelve_reason(&self) -> Option<ShelveReason> {
        self.0.shelve_reason.map(Into::into)
    }
    /// The shelve reason in words, in the request's language.
    async fn shelve_reason_label(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.0.shelve_reason {
            Some(r) => Ok(Some(label(ctx, r).await?)),
            None => Ok(None),
        }
    }
    /// Explanation of the shelve reason.
    async fn shelve_reason_text(&self) -> Option<&str> {
        self.0.shelve_reason_text.as_deref()
    }
    /// When a shelved opportunity is to be picked up again.
    async fn restart_date(&self) -> Option<Date> {
        self.0.restart_date.map(Date)
    }
    /// Why it was lost.
    async fn loss_reason(&self) -> Option<&str> {
        self.0.loss_reason.as_deref()
    }
    /// 主观版 rolling forecast, when given.
    async fn rolling_forecast(&self) -> Option<RollingForecast> {
        if self.0.expected_order_month.is_none() && self.0.forecast_amount_cents.is_none() {
            return None;
        }
        Some(RollingForecast {
            expected_order_month: self.0.expected_order_month.map(calendar::format_year_month),
            amount: self.0.forecast_amount_cents.map(Money::from_cents),
        })
    }
    /// 精度版 precision forecast, when given.
    async fn precision_forecast(&self) -> Option<PrecisionForecast> {
        Some(PrecisionForecast {
            order_date: Date(self.0.precision_order_date?),
            amount: Money::from_cents(self.0.precision_amount_cents?),
        })
    }
    /// The viewer may change it (edit, move, shelve, lose…; CEO and secretary read only).
    async fn viewer_can_edit(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(svc::can_edit(ctx::viewer(ctx)?, &self.0))
    }
    /// Optimistic-concurrency version: pass it back to change the opportunity.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Creation time.
    async fn created_at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// Last change.
    async fn updated_at(&self) -> Instant {
        Instant(self.0.updated_at)
    }
    /// Every stage, status and forecast change, oldest first (pages of 1–100, default 20).
    // Costed as 10 rows: a deal changes stage or status a handful of times.
    #[graphql(complexity = "5 + 10 * child_complexity")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<HistoryEntry>> {
        let all = ctx::loaders(ctx)?.history.load_one(self.0.id).await?.unwrap_or_default();
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        Ok(Connection::new(
            crate::service::slice(&page, limits::PAGE, all, |h| h.id)?.map(HistoryEntry),
        ))
    }
    /// Its alert tasks in the viewer's scope, newest first (pages of 1–100, default 20).
    // Costed as 3 rows: a deal carries one or two (the rows are still capped by `first`).
    #[graphql(complexity = "5 + 3 * child_complexity")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<super::alerts::Alert>> {
        let viewer = ctx::viewer(ctx)?;
        let all = ctx::loaders(ctx)?.opportunity_alerts.load_one(self.0.id).await?.unwrap_or_default();
        let visible: Vec<_> = all.into_iter().filter(|a| viewer.can_see(a.owner_id, a.track_id)).collect();
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        Ok(Connection::new(
            crate::service::slice(&page, limits::PAGE, visible, |a| a.id)?.map(super::alerts::Alert),
        ))
    }
    /// Follow-ups, newest first (pages of 1–200, default 50).
    #[graphql(complexity = "5 + limits::ACTIVITIES.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Activity>> {
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let w = svc::activities_window(&page)?;
        let found = if svc::is_first_page(&w) {
            let key = (self.0.id, w.size + 1);
            let (newest, total) = ctx::loaders(ctx)?.latest_activities.load_one(key).await?.unwrap_or_default();
            svc::first_activities(&w, newest, total)
        } else {
            svc::activities_page(ctx::state(ctx)?, self.0.id, w, page.with_total).await?
        };
        Ok(Connection::new(found.map(Activity)))
    }
}

#[derive(Default)]
pub struct OpportunityQuery;

#[Object]
impl OpportunityQuery {
    /// Opportunities in the viewer's scope, in the order asked (Relay connection).
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    // One argument per GraphQL argument: Relay paging has four.
    #[allow(clippy::too_many_arguments)]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "The order (default: OLDEST_FIRST, creation).")] order: Option<OpportunityOrder>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Opportunity>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let mut filter: svc::ListFilter = filter.unwrap_or_default().into();
        filter.order = order.unwrap_or_default().into();
        let look = ctx.look_ahead();
        let with_relations = wants_relations(look.field("nodes")) || wants_relations(look.field("edges").field("node"));
        let found = svc::list(ctx::state(ctx)?, viewer, filter, page, with_relations).await?;
        Ok(Connection::new(found.map(Opportunity::from)))
    }

    /// One opportunity; `NOT_FOUND` when it is outside the viewer's scope.
    async fn opportunity(&self, ctx: &Context<'_>, #[graphql(desc = "Opportunity id.")] id: ID) -> Result<Opportunity> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "opportunity")?;
        let with_relations = wants_relations(ctx.look_ahead());
        Ok(Opportunity::from(svc::get(ctx::state(ctx)?, viewer, id, with_relations).await?))
    }

    /// Customers whose name contains the text, among those of the opportunities the viewer can see (to pick one when creating an opportunity).
    #[graphql(complexity = "10 + limits::CUSTOMERS.for_cost(i64::try_from(first).ok()) * child_complexity")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Part of the name.")] search: String,
        #[graphql(
            desc = "At most this many (1–50).",
            default_with = "limits::CUSTOMERS.default",
            validator(custom = "Within(limits::CUSTOMERS)")
        )]
        first: u64,
    ) -> Result<Vec<Customer>> {
        let viewer = ctx::viewer(ctx)?;
        let rows = svc::search_customers(ctx::state(ctx)?, viewer, &search, first).await?;
        Ok(rows.into_iter().map(Customer).collect())
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
        Ok(Opportunity::from(svc::create(ctx::state(ctx)?, viewer, input.into()).await?))
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
        Ok(Opportunity::from(
            svc::update(ctx::state(ctx)?, viewer, id, version, input.into()).await?,
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
        Ok(Opportunity::from(
            svc::move_stage(
                ctx::state(ctx)?,
                viewer,
                id,
                version,
                stage.into(),
                precision_forecast.map(Into::into),
            )
            .await?,
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
        Ok(Activity(svc::log_activity(ctx::state(ctx)?, viewer, id, input.into()).await?))
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
        Ok(Opportunity::from(
            svc::assign_mold_number(ctx::state(ctx)?, viewer, id, version, &mold_number).await?,
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
        Ok(Opportunity::from(
            svc::shelve(ctx::state(ctx)?, viewer, id, version, input.into()).await?,
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
        Ok(Opportunity::from(svc::reactivate(ctx::state(ctx)?, viewer, id, version).await?))
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
        Ok(Opportunity::from(svc::lose(ctx::state(ctx)?, viewer, id, version, &reason).await?))
    }
}
