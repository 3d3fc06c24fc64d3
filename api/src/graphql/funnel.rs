//! The funnel (漏斗健康度) of the company, a business line, a track or an
//! account manager: each stage's open deals, coverage and conversion,
//! live or as the month-end check kept it.

use super::common::{Connection, Date, Money, PageArgs};
use super::ctx;
use super::health::{HealthStatus, deals_of};
use super::opportunities::Opportunity;
use super::organisation::Track;
use crate::domain::funnel as rules_funnel;
use crate::domain::health as rules;
use crate::domain::limits;
use crate::service::{funnel as svc_funnel, opportunities as deals};
use async_graphql::{Context, ID, Object, Result};
use entity::OpportunityStatus;

/// One stage of a funnel: its open deals.
pub struct FunnelStage(pub rules_funnel::StageRow);

/// One stage of a funnel: the open (`ACTIVE`-status) deals in it, the active ones among them
/// and their share of the weighted pipeline.
#[Object]
impl FunnelStage {
    /// The stage.
    async fn stage(&self) -> super::enums::Stage {
        self.0.stage.into()
    }
    /// Open deals in the stage.
    async fn count(&self) -> i64 {
        self.0.counts.count
    }
    /// Their amount.
    async fn amount(&self) -> Money {
        Money::from_cents(self.0.counts.amount)
    }
    /// Of them, followed up within the active window (活跃).
    async fn active_count(&self) -> i64 {
        self.0.counts.active_count
    }
    /// The active deals' amount × the stage's weight: the stage's share of the weighted pipeline.
    async fn weighted_amount(&self) -> Money {
        Money::from_cents(self.0.weighted)
    }
    /// The average days its deals have been in the stage (one decimal); null without deals.
    async fn average_days_in_stage(&self) -> Option<f64> {
        self.0.average_days
    }
}

/// An account manager's share of a funnel.
pub struct FunnelManager(svc_funnel::ManagerFunnel);

/// An account manager's share of a funnel: his deals of the line in one track.
#[Object]
impl FunnelManager {
    /// The account manager.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<super::organisation::User>> {
        let found = ctx::loaders(ctx)?.users.load_one(self.0.account_manager_id).await?;
        Ok(found.map(super::organisation::User))
    }
    /// The track of these deals.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// His weighted pipeline.
    async fn weighted_pipeline(&self) -> Money {
        Money::from_cents(self.0.weighted_pipeline)
    }
    /// His open deals before `SECURED`.
    async fn deals(&self) -> i64 {
        self.0.deals
    }
    /// Of them, active (活跃).
    async fn active_deals(&self) -> i64 {
        self.0.active_deals
    }
    /// Deals secured in the trailing 12 months.
    async fn secured(&self) -> i64 {
        self.0.secured
    }
    /// Deals lost in the trailing 12 months.
    async fn lost(&self) -> i64 {
        self.0.lost
    }
    /// secured ÷ (secured + lost), 0–1; null without outcomes.
    async fn conversion(&self) -> Option<f64> {
        self.0.conversion
    }
    /// Against the line's conversion threshold.
    async fn conversion_status(&self) -> HealthStatus {
        self.0.conversion_health.into()
    }
    /// His open deals whose expected order month has passed (移出).
    async fn moved_out(&self) -> i64 {
        self.0.moved_out
    }
}

/// One business line's funnel within the scope asked for.
pub struct FunnelLine(pub svc_funnel::LineFunnel);

/// 漏斗健康度 of one business line within the scope: the weighted pipeline and its coverage of
/// the year's remaining order target, the conversion of the trailing 12 months, each against
/// the line's thresholds; the stage distribution, the deals moved out, each account manager's
/// share, and the deals of a stage.
#[Object]
impl FunnelLine {
    /// The business line.
    async fn business_line(&self) -> super::enums::BusinessLine {
        self.0.line.into()
    }
    /// The track asked for; null for a line's, the company's or a director's tracks together.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        let Some(id) = self.0.track_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.tracks.load_one(id).await?.map(Track))
    }
    /// An account manager's personal funnel: him; otherwise null.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<super::organisation::User>> {
        let Some(id) = self.0.account_manager_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(super::organisation::User))
    }
    /// 在手商机加权金额: Σ the stages' weighted amounts.
    async fn weighted_pipeline(&self) -> Money {
        Money::from_cents(self.0.sums.weighted_pipeline)
    }
    /// The year's order target (an account manager's own for his funnel); null when none.
    async fn annual_target(&self) -> Option<Money> {
        self.0.sums.annual_target.map(Money::from_cents)
    }
    /// Orders booked this year so far.
    async fn booked(&self) -> Money {
        Money::from_cents(self.0.sums.booked)
    }
    /// The remaining order target of the year: annual target − booked.
    async fn remaining_target(&self) -> Option<Money> {
        self.0.numbers.gap.map(Money::from_cents)
    }
    /// 商机覆盖率: the weighted pipeline ÷ the remaining target (×); null once met.
    async fn coverage(&self) -> Option<f64> {
        self.0.numbers.coverage
    }
    /// Against `coverageAlertBelow`.
    async fn coverage_status(&self) -> HealthStatus {
        self.0.numbers.coverage_health.into()
    }
    /// The line's coverage threshold: a funnel alert below it.
    async fn coverage_alert_below(&self) -> f64 {
        self.0.settings.coverage_alert_below
    }
    /// Deals secured in the trailing 12 months.
    async fn secured(&self) -> i64 {
        self.0.secured
    }
    /// Deals lost in the trailing 12 months.
    async fn lost(&self) -> i64 {
        self.0.lost
    }
    /// 商机转化率: secured ÷ (secured + lost), by count, 0–1; null without outcomes.
    async fn conversion(&self) -> Option<f64> {
        self.0.conversion
    }
    /// Against `conversionAlertBelow`.
    async fn conversion_status(&self) -> HealthStatus {
        self.0.conversion_health.into()
    }
    /// The line's conversion threshold: a funnel alert below it.
    async fn conversion_alert_below(&self) -> f64 {
        self.0.settings.conversion_alert_below
    }
    /// The line's conversion target shown on dashboards.
    async fn conversion_target(&self) -> f64 {
        self.0.settings.conversion_target
    }
    /// The open deals by stage, in funnel order (`SECURED` is an outcome, not a stage of it).
    async fn stages(&self) -> Vec<FunnelStage> {
        self.0.stages.iter().copied().map(FunnelStage).collect()
    }
    /// Open deals whose expected order month has passed (移出).
    async fn moved_out(&self) -> i64 {
        self.0.moved_out
    }
    /// Each account manager's share (by track, then account manager); none in a past funnel
    /// (month ends are kept per track).
    async fn account_managers(&self) -> Vec<FunnelManager> {
        self.0.managers.iter().cloned().map(FunnelManager).collect()
    }
    /// The open deals of a stage (all four open stages without one), as the opportunity list
    /// pages them, in the viewer's scope: today's deals, a past funnel's too.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this stage.")] stage: Option<super::enums::Stage>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Opportunity>> {
        let filter = deals::ListFilter {
            track_id: self.0.track_id.map(|t| t.to_string()),
            business_line: Some(self.0.line),
            statuses: vec![OpportunityStatus::Active],
            stage: stage.map(Into::into),
            stages: if stage.is_none() {
                rules::PIPELINE_STAGES.to_vec()
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        deals_of(ctx, PageArgs::new(first, after, last, before), filter).await
    }
}

/// The funnel of the scope asked for, live or as a month end kept it.
pub struct Funnel(svc_funnel::Funnel);

/// 漏斗健康度, live or as a month end kept it: one funnel per business line within the scope.
#[Object]
impl Funnel {
    /// The date of the figures: the company's today when live, else the month end read.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// When the month-end check read the figures; null when live.
    async fn taken_at(&self) -> Option<super::common::Instant> {
        self.0.taken_at.map(super::common::Instant)
    }
    /// One per business line with a track in the scope (molding integrated first).
    async fn lines(&self) -> Vec<FunnelLine> {
        self.0.lines.iter().cloned().map(FunnelLine).collect()
    }
}

#[derive(Default)]
pub struct FunnelQuery;

#[Object]
impl FunnelQuery {
    /// The funnel (漏斗健康度) per business line, live or as of a past day: of the company, of
    /// a business line or of a track (CEO, secretary, admin: any; a director: his tracks,
    /// together or one); an account manager's is his own deals, his targets and orders (he
    /// gives no `trackId` nor `businessLine`: `FORBIDDEN`), live only.
    async fn funnel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this track (`NOT_FOUND` outside the viewer's scope).")] track_id: Option<ID>,
        #[graphql(desc = "Only this business line's tracks.")] business_line: Option<super::enums::BusinessLine>,
        #[graphql(
            desc = "A past day: the funnel as the month-end check on or before it kept it (`asOf` then says which month end; `VALIDATION` when none was kept). Today or none: live."
        )]
        as_of: Option<Date>,
    ) -> Result<Funnel> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc_funnel::FunnelAsk {
            track_id: track_id.map(|t| t.0),
            business_line: business_line.map(Into::into),
            as_of: as_of.map(|d| d.0),
        };
        Ok(Funnel(svc_funnel::funnel(ctx::state(ctx)?, viewer, ask).await?))
    }
}
