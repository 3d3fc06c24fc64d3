//! The funnel reviews: `monthlyFunnelReview(trackId, month)` and
//! `quarterlyReview(year, quarter, trackId)` (`service::funnel_review`).

use super::alerts::Alert;
use super::common::{Date, Instant};
use super::ctx;
use super::enums::{AlertDecision, AlertRule, ShelveReason};
use super::funnel::{FunnelLine, FunnelStage};
use super::funnel_alerts::{FunnelAlert, FunnelSnapshot, FunnelTask};
use super::opportunities::Opportunity;
use super::organisation::{Track, User};
use crate::domain::funnel_review::{self as rules, RestartHandling as Handling};
use crate::service::funnel_review as svc;
use async_graphql::{Context, Enum, ID, Object, Result};

/// How many rows of a review's list to show: `first`, 1–100 (default 20).
fn shown(first: Option<i32>) -> Result<usize> {
    let n = crate::domain::limits::PAGE
        .check(first.map(i64::from))
        .map_err(|why| crate::error::AppError::invalid("first", why))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Whether a shelved deal due to restart was handled on time.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RestartHandling {
    /// 按时处理: its restart-due alert was answered by its due time.
    OnTime,
    /// 逾期处理: answered after its due time.
    Late,
    /// 未处理: not answered, and its due time has passed.
    Missed,
    /// 待处理: not answered yet, still within its time (or not alerted yet).
    Pending,
}

impl From<Handling> for RestartHandling {
    fn from(h: Handling) -> Self {
        match h {
            Handling::OnTime => Self::OnTime,
            Handling::Late => Self::Late,
            Handling::Missed => Self::Missed,
            Handling::Pending => Self::Pending,
        }
    }
}

/// One anomaly rule's alerts raised in the month, by what their owners decided.
pub struct RuleOutcomes(rules::RuleOutcomes);

/// One anomaly rule's alerts raised in the month, by what their owners decided.
#[Object]
impl RuleOutcomes {
    /// The rule.
    async fn rule(&self) -> AlertRule {
        self.0.rule.into()
    }
    /// The rule in words (the configured numbers filled in), in the request's language.
    async fn rule_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.rule).await
    }
    /// Alerts raised.
    async fn raised(&self) -> i64 {
        self.0.raised
    }
    /// Not answered yet.
    async fn open(&self) -> i64 {
        self.0.open
    }
    /// 保持: kept open.
    async fn kept(&self) -> i64 {
        self.0.kept
    }
    /// 搁置: shelved.
    async fn shelved(&self) -> i64 {
        self.0.shelved
    }
    /// 输单: lost.
    async fn lost(&self) -> i64 {
        self.0.lost
    }
    /// 重新激活: a shelved deal brought back.
    async fn reactivated(&self) -> i64 {
        self.0.reactivated
    }
}

/// A shelved deal due to restart in the month, and how it was handled.
pub struct RestartDue(svc::RestartDue);

/// A shelved deal due to restart in the month, and how it was handled.
#[Object]
impl RestartDue {
    /// The opportunity (when the viewer sees it).
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.opportunities.load_one(self.0.opportunity_id).await?;
        Ok(found.filter(|d| viewer.can_see(d.owner_id, d.track_id)).map(Opportunity::from))
    }
    /// Its restart date.
    async fn restart_date(&self) -> Date {
        Date(self.0.restart_date)
    }
    /// Its restart-due alert (重启预警), if one was raised and the viewer sees it.
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<Alert>> {
        let Some(a) = self.0.alert_id else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.alerts.load_one(a).await?;
        Ok(found.filter(|a| viewer.can_see(a.owner_id, a.track_id)).map(Alert))
    }
    /// When it had to be answered: the alert's due time, or, not alerted yet, the end of the restart day.
    async fn due_at(&self) -> Instant {
        Instant(self.0.due_at)
    }
    /// When its alert was answered.
    async fn resolved_at(&self) -> Option<Instant> {
        self.0.resolved_at.map(Instant)
    }
    /// What its owner decided.
    async fn decision(&self) -> Option<AlertDecision> {
        self.0.decision.map(Into::into)
    }
    /// On time, late, missed or pending.
    async fn handling(&self) -> RestartHandling {
        self.0.handling.into()
    }
    /// The handling in words, in the request's language.
    async fn handling_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.handling).await
    }
}

/// 月度漏斗复盘 of a track.
pub struct MonthlyFunnelReview(svc::MonthlyReview);

/// 月度漏斗复盘 of a track: the stage distribution (the month-end snapshot's, or live for the
/// month under way), the coverage trend, the change in active deals, the month's anomaly
/// alerts per rule with their outcomes, the shelved deals due to restart and whether they were
/// handled on time, and the add / reactivate tasks given in the month. The director concludes
/// it with `dispatchFunnelTask`, with or without a funnel alert.
#[Object]
impl MonthlyFunnelReview {
    /// The track.
    async fn track(&self) -> Track {
        Track(self.0.track.clone())
    }
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The month is closed: its figures are its month-end snapshot's.
    async fn closed(&self) -> bool {
        self.0.snapshot.is_some()
    }
    /// The month-end snapshot (none before the month's last day was checked).
    async fn snapshot(&self) -> Option<FunnelSnapshot> {
        self.0.snapshot.clone().map(FunnelSnapshot)
    }
    /// The month under way, before its check: the track's live funnel.
    async fn live_funnel(&self) -> Option<FunnelLine> {
        self.0.live.clone().map(FunnelLine)
    }
    /// The open deals by stage, in funnel order (empty for a month with neither snapshot nor live figures).
    #[graphql(complexity = "4 * child_complexity")]
    async fn stages(&self) -> Vec<FunnelStage> {
        self.0.stages.iter().copied().map(FunnelStage).collect()
    }
    /// Active deals (活跃商机数) at the month's end, or now for the month under way.
    async fn active_count(&self) -> Option<i64> {
        self.0.active_count
    }
    /// Active deals at the end of the month before (its snapshot's).
    async fn active_count_before(&self) -> Option<i64> {
        self.0.active_count_before
    }
    /// The change from the month before (null unless both months have a figure).
    async fn active_count_change(&self) -> Option<i64> {
        self.0.active_change
    }
    /// The coverage trend: the month-end snapshots of the 12 months to this one, oldest first.
    #[graphql(complexity = "12 * child_complexity")]
    async fn coverage_trend(&self) -> Vec<FunnelSnapshot> {
        self.0.trend.iter().cloned().map(FunnelSnapshot).collect()
    }
    /// The month's funnel alert, if its check raised one.
    async fn funnel_alert(&self) -> Option<FunnelAlert> {
        self.0.alert.clone().map(FunnelAlert)
    }
    /// The anomaly alerts raised on the track's deals in the month, per rule (every rule, in order).
    #[graphql(complexity = "7 * child_complexity")]
    async fn alerts_by_rule(&self) -> Vec<RuleOutcomes> {
        self.0.by_rule.iter().copied().map(RuleOutcomes).collect()
    }
    /// Shelved deals due to restart in the month, by restart date.
    #[graphql(complexity = "1 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn restarts_due(&self, #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>) -> Result<Vec<RestartDue>> {
        let n = shown(first)?;
        Ok(self.0.restarts.iter().take(n).cloned().map(RestartDue).collect())
    }
    /// How many deals were due to restart in the month.
    async fn restarts_due_count(&self) -> i64 {
        i64::try_from(self.0.restarts_total).unwrap_or(i64::MAX)
    }
    /// Of them, handled on time.
    async fn restarts_on_time(&self) -> i64 {
        i64::try_from(self.0.restarts_on_time).unwrap_or(i64::MAX)
    }
    /// The add / reactivate tasks given to the track's account managers in the month, oldest
    /// first (of at most 100 kept).
    #[graphql(complexity = "1 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn tasks(&self, #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>) -> Result<Vec<FunnelTask>> {
        let n = shown(first)?;
        Ok(self.0.tasks.iter().take(n).cloned().map(FunnelTask).collect())
    }
}

/// One account manager who keeps triggering the follow-up and stall rules.
pub struct RepeatTrigger(rules::Repeats, [chrono::NaiveDate; 3]);

/// One account manager who keeps triggering the follow-up and stall rules: his alerts of them
/// in the quarter, by month and by rule.
#[Object]
impl RepeatTrigger {
    /// The account manager.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.account_manager_id).await?.map(User))
    }
    /// His alerts of the four rules in the quarter.
    async fn alerts(&self) -> i64 {
        self.0.total()
    }
    /// Months of the quarter in which he triggered them (2 or 3).
    async fn months_with_alerts(&self) -> i64 {
        i64::try_from(self.0.months_with_alerts()).unwrap_or(i64::MAX)
    }
    /// His alerts in each month of the quarter.
    #[graphql(complexity = "3 * child_complexity")]
    async fn by_month(&self) -> Vec<MonthCount> {
        self.1.iter().zip(self.0.by_month).map(|(m, n)| MonthCount(*m, n)).collect()
    }
    /// His alerts per rule: no follow-up and the three stalls.
    #[graphql(complexity = "4 * child_complexity")]
    async fn by_rule(&self) -> Vec<RuleCount> {
        self.0.by_rule.iter().map(|(r, n)| RuleCount(*r, *n)).collect()
    }
}

/// A count in one month.
pub struct MonthCount(chrono::NaiveDate, i64);

/// A count in one month.
#[Object]
impl MonthCount {
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0)
    }
    /// How many.
    async fn count(&self) -> i64 {
        self.1
    }
}

/// A count of one anomaly rule.
pub struct RuleCount(entity::AlertRule, i64);

/// A count of one anomaly rule.
#[Object]
impl RuleCount {
    /// The rule.
    async fn rule(&self) -> AlertRule {
        self.0.into()
    }
    /// The rule in words, in the request's language.
    async fn rule_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0).await
    }
    /// How many.
    async fn count(&self) -> i64 {
        self.1
    }
}

/// A shelve reason's count.
pub struct ShelveReasonCount(entity::ShelveReason, i64);

/// A shelve reason's count.
#[Object]
impl ShelveReasonCount {
    /// The reason.
    async fn reason(&self) -> ShelveReason {
        self.0.into()
    }
    /// The reason in words, in the request's language.
    async fn reason_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0).await
    }
    /// A customer-side reason (客户原因), else ours (我方原因).
    async fn customer_side(&self) -> bool {
        rules::customer_side(self.0)
    }
    /// Deals shelved for it.
    async fn count(&self) -> i64 {
        self.1
    }
}

/// The quarter's shelvings by side.
pub struct ShelveSides(rules::ShelveSplit);

/// The deals shelved in the quarter (their latest shelve reason), customer side against ours.
#[Object]
impl ShelveSides {
    /// For a customer-side reason.
    async fn customer_side(&self) -> i64 {
        self.0.customer_side
    }
    /// For a reason on our side.
    async fn our_side(&self) -> i64 {
        self.0.our_side
    }
    /// The customer side's share, 0–1 (null without any shelving).
    async fn customer_share(&self) -> Option<f64> {
        self.0.customer_share()
    }
    /// Every reason with its count, in the reasons' order.
    #[graphql(complexity = "12 * child_complexity")]
    async fn by_reason(&self) -> Vec<ShelveReasonCount> {
        self.0.by_reason.iter().map(|(r, n)| ShelveReasonCount(*r, *n)).collect()
    }
}

/// 季度漏斗复盘.
pub struct QuarterlyReview(svc::QuarterlyReview);

/// 季度漏斗复盘: the account managers who keep triggering `NO_FOLLOW_UP` or the stall rules
/// (alerts of them in at least two of the quarter's months), and the shelve reasons split
/// customer side against our side.
#[Object]
impl QuarterlyReview {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.period.year
    }
    /// The quarter, 1 to 4.
    async fn quarter(&self) -> i32 {
        i32::try_from(self.0.period.number).unwrap_or(0)
    }
    /// `YYYY-Qn`.
    async fn label(&self) -> String {
        self.0.period.label()
    }
    /// The track asked for (null: every track in the viewer's scope).
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        let Some(t) = self.0.track_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.tracks.load_one(t).await?.map(Track))
    }
    /// Who keeps triggering, most alerts first.
    #[graphql(complexity = "1 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn repeat_triggers(&self, #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>) -> Result<Vec<RepeatTrigger>> {
        let n = shown(first)?;
        Ok(self
            .0
            .repeaters
            .iter()
            .take(n)
            .cloned()
            .map(|r| RepeatTrigger(r, self.0.months))
            .collect())
    }
    /// The quarter's shelvings, customer side against ours.
    async fn shelving(&self) -> ShelveSides {
        ShelveSides(self.0.shelving.clone())
    }
}

#[derive(Default)]
pub struct FunnelReviewQuery;

#[Object]
impl FunnelReviewQuery {
    /// 月度漏斗复盘 of a track for a month (this one or one gone by): for the CEO, the secretary,
    /// the admin and the track's directors (an account manager: `FORBIDDEN`).
    #[graphql(complexity = "20 + child_complexity")]
    async fn monthly_funnel_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track.")] track_id: ID,
        #[graphql(desc = "The month, `YYYY-MM`.")] month: String,
    ) -> Result<MonthlyFunnelReview> {
        let viewer = ctx::viewer(ctx)?;
        Ok(MonthlyFunnelReview(
            svc::monthly(ctx::state(ctx)?, viewer, track_id.as_str(), &month).await?,
        ))
    }

    /// 季度漏斗复盘: the company's for the CEO, the secretary and the admin, a director's tracks'
    /// (or one track's); an account manager: `FORBIDDEN`.
    #[graphql(complexity = "20 + child_complexity")]
    async fn quarterly_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, 2001 to 2100.")] year: i32,
        #[graphql(desc = "The quarter, 1 to 4.")] quarter: i32,
        #[graphql(desc = "Only this track.")] track_id: Option<ID>,
    ) -> Result<QuarterlyReview> {
        let viewer = ctx::viewer(ctx)?;
        Ok(QuarterlyReview(
            svc::quarterly(ctx::state(ctx)?, viewer, year, quarter, track_id.as_ref().map(|i| i.as_str())).await?,
        ))
    }
}
