//! Opportunities (商机), their history and activities, and the connection
//! that pages through them.

use super::enums::*;
use super::user::{Customer, Track, User};
use crate::domain::{calendar, money, opportunity as rules};
use crate::error::AppError;
use crate::graphql::ctx;
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{activity, opportunity, opportunity_history};

/// 商机: a sales opportunity.
pub struct Opportunity(pub opportunity::Model);

/// 主观版: the owner's rolling forecast.
#[derive(SimpleObject)]
pub struct RollingForecast {
    /// Expected order month, `YYYY-MM`.
    pub expected_order_month: Option<String>,
    /// Expected amount in yuan.
    pub amount: Option<f64>,
}

/// 精度版: the precision forecast.
#[derive(SimpleObject)]
pub struct PrecisionForecast {
    /// Expected order date.
    pub order_date: super::Date,
    /// Expected amount in yuan.
    pub amount: f64,
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
        load_or_internal(ctx::loaders(ctx)?.customers.load_one(self.0.customer_id).await?, "customer")
            .await
            .map(Customer)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Track> {
        load_or_internal(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?, "track")
            .await
            .map(Track)
    }
    /// The owning account manager.
    async fn owner(&self, ctx: &Context<'_>) -> Result<User> {
        load_or_internal(ctx::loaders(ctx)?.users.load_one(self.0.owner_id).await?, "owner")
            .await
            .map(User)
    }
    /// Business line (from the track).
    async fn business_line(&self) -> BusinessLine {
        self.0.business_line.into()
    }
    /// Kind of business.
    async fn kind(&self) -> OpportunityKind {
        self.0.kind.into()
    }
    /// Amount in yuan.
    async fn amount(&self) -> f64 {
        money::cents_to_yuan(self.0.amount_cents)
    }
    /// Funnel stage.
    async fn stage(&self) -> Stage {
        self.0.stage.into()
    }
    /// When the current stage was entered.
    async fn stage_entered_at(&self) -> DateTime<Utc> {
        self.0.stage_entered_at
    }
    /// Status.
    async fn status(&self) -> OpportunityStatus {
        self.0.status.into()
    }
    /// Last follow-up.
    async fn last_activity_at(&self) -> DateTime<Utc> {
        self.0.last_activity_at
    }
    /// 活跃: a follow-up within the active window (15 natural days by default, company calendar).
    async fn is_active(&self, ctx: &Context<'_>) -> Result<bool> {
        let settings = ctx::settings(ctx).await?;
        let now = ctx::state(ctx)?.clock.now();
        Ok(rules::is_active(self.0.last_activity_at, now, settings))
    }
    /// When it was won.
    async fn secured_at(&self) -> Option<DateTime<Utc>> {
        self.0.secured_at
    }
    /// 模号: mold number, empty until assigned.
    async fn mold_number(&self) -> Option<&str> {
        self.0.mold_number.as_deref()
    }
    /// 搁置原因, when shelved.
    async fn shelve_reason(&self) -> Option<ShelveReason> {
        self.0.shelve_reason.map(Into::into)
    }
    /// Explanation of the shelve reason.
    async fn shelve_reason_text(&self) -> Option<&str> {
        self.0.shelve_reason_text.as_deref()
    }
    /// When a shelved opportunity is to be picked up again.
    async fn restart_date(&self) -> Option<super::Date> {
        self.0.restart_date.map(super::Date)
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
            amount: self.0.forecast_amount_cents.map(money::cents_to_yuan),
        })
    }
    /// 精度版 precision forecast, when given.
    async fn precision_forecast(&self) -> Option<PrecisionForecast> {
        Some(PrecisionForecast {
            order_date: super::Date(self.0.precision_order_date?),
            amount: money::cents_to_yuan(self.0.precision_amount_cents?),
        })
    }
    /// Optimistic-concurrency version: pass it back to change the opportunity.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every stage and status change, oldest first.
    #[graphql(complexity = "5 + 10 * child_complexity")]
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<HistoryEntry>> {
        Ok(ctx::loaders(ctx)?
            .history
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(HistoryEntry)
            .collect())
    }
    /// Follow-ups, newest first.
    #[graphql(complexity = "5 + first * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, newest first (1–200).", default = 50, validator(minimum = 1, maximum = 200))] first: usize,
    ) -> Result<Vec<Activity>> {
        let all = ctx::loaders(ctx)?.activities.load_one(self.0.id).await?.unwrap_or_default();
        Ok(all.into_iter().take(first).map(Activity).collect())
    }
}

/// One stage or status change.
pub struct HistoryEntry(pub opportunity_history::Model);

/// One stage or status change.
#[Object]
impl HistoryEntry {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What changed.
    async fn field(&self) -> HistoryField {
        self.0.field.into()
    }
    /// Value before (empty at creation).
    async fn from(&self) -> Option<&str> {
        self.0.from_value.as_deref()
    }
    /// Value after.
    async fn to(&self) -> &str {
        &self.0.to_value
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who (empty for the system).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.actor_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
    }
}

/// A follow-up record.
pub struct Activity(pub activity::Model);

/// A follow-up record.
#[Object]
impl Activity {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The opportunity it belongs to.
    async fn opportunity_id(&self) -> ID {
        ID(self.0.opportunity_id.to_string())
    }
    /// Kind of follow-up.
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    /// What happened.
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// Who recorded it.
    async fn actor(&self, ctx: &Context<'_>) -> Result<User> {
        load_or_internal(ctx::loaders(ctx)?.users.load_one(self.0.actor_id).await?, "actor")
            .await
            .map(User)
    }
}

/// Relay page information.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// More items follow the last one.
    pub has_next_page: bool,
    /// Cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// One opportunity in a page.
pub struct OpportunityEdge(pub opportunity::Model);

/// One opportunity in a page.
#[Object]
impl OpportunityEdge {
    /// Opaque cursor of this item.
    async fn cursor(&self) -> String {
        self.0.id.to_string()
    }
    /// The opportunity.
    async fn node(&self) -> Opportunity {
        Opportunity(self.0.clone())
    }
}

/// A page of opportunities (Relay connection).
pub struct OpportunityConnection {
    pub rows: Vec<opportunity::Model>,
    pub has_next_page: bool,
    pub condition: sea_orm::Condition,
}

/// A page of opportunities (Relay connection).
#[Object]
impl OpportunityConnection {
    /// The items with their cursors.
    async fn edges(&self) -> Vec<OpportunityEdge> {
        self.rows.iter().cloned().map(OpportunityEdge).collect()
    }
    /// The items.
    async fn nodes(&self) -> Vec<Opportunity> {
        self.rows.iter().cloned().map(Opportunity).collect()
    }
    /// Paging state.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            end_cursor: self.rows.last().map(|r| r.id.to_string()),
        }
    }
    /// How many opportunities match the filter in the viewer's scope (all pages).
    #[graphql(complexity = "crate::graphql::COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(crate::store::opportunities::count(&ctx::state(ctx)?.db, self.condition.clone()).await?)
    }
}
