//! Alert tasks (告警任务): the type and why it fired, the list, the scan,
//! the account manager's answer, the director's review, loss reviews.

use super::common::{Connection, Date, Instant, Node, PageArgs, lookup_id, page_request, raw_id};
use super::ctx;
use super::enums::*;
use super::labels::label;
use super::opportunities::Opportunity;
use super::organisation::{Track, User};
use crate::domain::alerts as rules;
use crate::domain::limits;
use crate::service::alerts::{self as service, Resolution};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{alert, loss_review};

async fn user(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
}

/// The opportunity, when it is (still) in the viewer's scope.
async fn visible_opportunity(ctx: &Context<'_>, id: i64) -> Result<Option<Opportunity>> {
    let viewer = ctx::viewer(ctx)?;
    let found = ctx::loaders(ctx)?.opportunities.load_one(id).await?;
    Ok(found.filter(|o| viewer.can_see(o.owner_id, o.track_id)).map(Opportunity::from))
}

/// 告警任务: an anomaly of one opportunity under one rule, a task for its
/// account manager copied to the track director.
#[derive(Clone)]
pub struct Alert(pub alert::Model);

impl Node for Alert {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// The account manager's answer to an alert.
#[derive(SimpleObject)]
pub struct AlertResolution {
    /// 无跟进归因.
    pub attribution: Attribution,
    /// Explanation of the attribution.
    pub attribution_text: Option<String>,
    /// The decision.
    pub decision: AlertDecision,
    /// Shelve reason, when shelved.
    pub shelve_reason: Option<ShelveReason>,
    /// Explanation of the shelve reason.
    pub shelve_reason_text: Option<String>,
    /// Restart date, when shelved.
    pub restart_date: Option<Date>,
    /// Loss reason, when lost.
    pub loss_reason: Option<String>,
    /// When it was resolved.
    pub resolved_at: Instant,
    /// When the director's review is due.
    pub review_due_at: Option<Instant>,
    /// The attribution in words, in the request's language.
    pub attribution_label: String,
    /// The decision in words, in the request's language (`LOSE` on a
    /// `SECURED_NO_MOLD` alert: 项目未正式启动，输单关闭).
    pub decision_label: String,
}

/// The director's review of a resolution.
pub struct AlertReview(alert::Model);

/// The director's review of a resolution.
#[Object]
impl AlertReview {
    /// What the director did.
    async fn action(&self) -> Option<ReviewAction> {
        self.0.review_action.map(Into::into)
    }
    /// The director's comment.
    async fn comment(&self) -> Option<&str> {
        self.0.review_comment.as_deref()
    }
    /// When.
    async fn reviewed_at(&self) -> Option<Instant> {
        self.0.reviewed_at.map(Instant)
    }
    /// The reviewing director.
    async fn reviewer(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.reviewed_by).await
    }
    /// The new owner, when reassigned.
    async fn reassigned_to(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.reassigned_to).await
    }
}

/// 告警任务: an anomaly of one opportunity under one rule, a task for its
/// account manager copied to the track director.
#[Object]
impl Alert {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The rule that raised it.
    async fn rule(&self) -> AlertRule {
        self.0.rule.into()
    }
    /// Where it stands.
    async fn status(&self) -> AlertStatus {
        self.0.status.into()
    }
    /// The viewer may resolve it now (he owns it and it is open).
    async fn viewer_can_resolve(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(service::permissions(ctx::viewer(ctx)?, &self.0).resolve)
    }
    /// The viewer may review it now (a director of its track, and it is resolved).
    async fn viewer_can_review(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(service::permissions(ctx::viewer(ctx)?, &self.0).review)
    }
    /// The viewer may raise it to the CEO (a director of its track; once).
    async fn viewer_can_raise_to_ceo(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(service::permissions(ctx::viewer(ctx)?, &self.0).raise_to_ceo)
    }
    /// The rule in words (15日无跟进), in the request's language.
    async fn rule_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.rule).await
    }
    /// The status in words (待处理), in the request's language.
    async fn status_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.status).await
    }
    /// A decision in words as an answer to this alert, in the request's
    /// language: `LOSE` on a `SECURED_NO_MOLD` alert reads 项目未正式启动，输单关闭
    /// (the only way a secured deal is closed); any other, its plain label.
    async fn decision_label(&self, ctx: &Context<'_>, #[graphql(desc = "The decision.")] decision: AlertDecision) -> Result<String> {
        let settings = ctx::settings(ctx).await?;
        Ok(crate::domain::labels::decision_in_answer_to(
            self.0.rule,
            decision.into(),
            ctx::locale(ctx),
            settings,
        ))
    }
    /// The opportunity (null once it left the viewer's scope, e.g. after a reassignment).
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        visible_opportunity(ctx, self.0.opportunity_id).await
    }
    /// Id of the opportunity.
    async fn opportunity_id(&self) -> ID {
        ID(self.0.opportunity_id.to_string())
    }
    /// The account manager who must answer it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.owner_id)).await
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The track's directors, who get a copy and review the resolution.
    async fn directors(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let loaders = ctx::loaders(ctx)?;
        let ids = loaders.track_directors.load_one(self.0.track_id).await?.unwrap_or_default();
        let mut found = loaders.users.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(User).collect())
    }
    /// When it was raised.
    async fn raised_at(&self) -> Instant {
        Instant(self.0.raised_at)
    }
    /// When the resolution is due.
    async fn due_at(&self) -> Instant {
        Instant(self.0.due_at)
    }
    /// Overdue now: unresolved past its due time, or unreviewed past its review time.
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(service::is_overdue(ctx::state(ctx)?, &self.0))
    }
    /// Why it fired: the facts the rule saw when it raised the alert and the threshold it crossed.
    async fn evidence(&self, ctx: &Context<'_>) -> Result<AlertEvidence> {
        Ok(AlertEvidence(service::evidence(
            &self.0,
            ctx::settings(ctx).await?,
            ctx::locale(ctx),
        )))
    }
    /// Whether its account manager has seen it (opened it on his phone);
    /// the director sees whether his people have seen theirs.
    async fn seen(&self) -> bool {
        self.0.read_at.is_some()
    }
    /// When its account manager first saw it.
    async fn seen_at(&self) -> Option<Instant> {
        self.0.read_at.map(Instant)
    }
    /// When it was escalated to the director as overdue.
    async fn escalated_at(&self) -> Option<Instant> {
        self.0.overdue_at.or(self.0.review_overdue_at).map(Instant)
    }
    /// The account manager's answer.
    async fn resolution(&self, ctx: &Context<'_>) -> Result<Option<AlertResolution>> {
        let a = &self.0;
        let (Some(attribution), Some(decision), Some(resolved_at)) = (a.attribution, a.decision, a.resolved_at) else {
            return Ok(None);
        };
        Ok(Some(AlertResolution {
            attribution: attribution.into(),
            attribution_text: a.attribution_text.clone(),
            decision: decision.into(),
            shelve_reason: a.shelve_reason.map(Into::into),
            shelve_reason_text: a.shelve_reason_text.clone(),
            restart_date: a.restart_date.map(Date),
            loss_reason: a.loss_reason.clone(),
            resolved_at: Instant(resolved_at),
            review_due_at: a.review_due_at.map(Instant),
            attribution_label: label(ctx, attribution).await?,
            decision_label: crate::domain::labels::decision_in_answer_to(a.rule, decision, ctx::locale(ctx), ctx::settings(ctx).await?),
        }))
    }
    /// The director's review.
    async fn review(&self) -> Option<AlertReview> {
        self.0.reviewed_at.map(|_| AlertReview(self.0.clone()))
    }
    /// When the director raised it to the CEO.
    async fn raised_to_ceo_at(&self) -> Option<Instant> {
        self.0.raised_to_ceo_at.map(Instant)
    }
    /// The director's comment to the CEO.
    async fn ceo_comment(&self) -> Option<&str> {
        self.0.ceo_comment.as_deref()
    }
}

/// Narrows a list of alerts (always inside the viewer's scope).
#[derive(InputObject, Default)]
pub struct AlertFilter {
    /// Only this rule.
    pub rule: Option<AlertRule>,
    /// Only this status.
    pub status: Option<AlertStatus>,
    /// true: only overdue ones; false: only those not overdue.
    pub overdue: Option<bool>,
    /// Only this track.
    pub track_id: Option<ID>,
    /// Only this account manager's.
    pub owner_id: Option<ID>,
    /// Only this opportunity's.
    pub opportunity_id: Option<ID>,
    /// Raised at or after.
    pub raised_from: Option<Instant>,
    /// Raised before.
    pub raised_to: Option<Instant>,
    /// Only these statuses (e.g. `[OPEN, RESOLVED]`: everything not yet reviewed).
    #[graphql(validator(max_items = 3))]
    pub statuses: Option<Vec<AlertStatus>>,
    /// Due before this instant (e.g. the end of today: what must be answered today).
    pub due_before: Option<Instant>,
    /// false: only those their account manager has not seen yet; true: only seen ones.
    pub seen: Option<bool>,
}

/// What `markAlertsSeen` answers.
#[derive(SimpleObject)]
pub struct MarkAlertsSeenPayload {
    /// The alerts, now seen, in the order asked.
    pub alerts: Vec<Alert>,
    /// The viewer's badge counts after the change.
    pub badges: super::organisation::Badges,
}

/// The account manager's answer to an alert.
#[derive(InputObject)]
pub struct ResolveAlertInput {
    /// 无跟进归因, one of the ten.
    pub attribution: Attribution,
    /// Required for CUSTOMER_OTHER and OUR_OTHER.
    pub attribution_text: Option<String>,
    /// KEEP, SHELVE, LOSE or (for a shelved opportunity) REACTIVATE.
    pub decision: AlertDecision,
    /// Required with SHELVE.
    pub shelve_reason: Option<ShelveReason>,
    /// Required with SHELVE and an "other" reason.
    pub shelve_reason_text: Option<String>,
    /// Required with SHELVE; after today.
    pub restart_date: Option<Date>,
    /// Required with LOSE.
    pub loss_reason: Option<String>,
}

/// The director's review.
#[derive(InputObject)]
pub struct ReviewAlertInput {
    /// What the director does.
    pub action: ReviewAction,
    /// The director's comment (required).
    pub comment: String,
    /// The new owner, with REASSIGN: an account manager of the track.
    pub new_owner_id: Option<ID>,
}

/// What one rule did in a scan.
#[derive(SimpleObject)]
pub struct RuleScan {
    /// The rule.
    pub rule: AlertRule,
    /// Alerts raised now.
    pub raised: u64,
    /// Opportunities meeting the rule that already had an open alert.
    pub already_open: u64,
}

/// What a scan did.
#[derive(SimpleObject)]
pub struct ScanReport {
    /// The instant the scan ran as of.
    pub as_of: Instant,
    /// Per rule.
    pub rules: Vec<RuleScan>,
    /// Unresolved alerts newly escalated as overdue.
    pub overdue: u64,
    /// Unreviewed resolutions newly escalated as overdue.
    pub review_overdue: u64,
}

/// The unit of a rule's threshold.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::alerts::Unit")]
pub enum ThresholdUnit {
    /// Natural days (company calendar).
    Days,
    /// Calendar months.
    Months,
    /// A day of the month.
    DayOfMonth,
}

/// Why an alert fired: what its rule saw when it raised it, counted in the company calendar.
pub struct AlertEvidence(rules::Evidence);

/// Why an alert fired: what its rule saw when it raised it, counted in the company calendar.
#[Object]
impl AlertEvidence {
    /// One line, e.g. "no follow-up for 17 days since 2026-11-06 (limit 15)".
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The rule.
    async fn rule(&self) -> AlertRule {
        self.0.rule.into()
    }
    /// The instant the rule looked from (the alert's raising).
    async fn as_of(&self) -> Instant {
        Instant(self.0.as_of)
    }
    /// What the rule measured from: the last follow-up, the stage entry, or the securing.
    async fn since(&self) -> Option<Instant> {
        self.0.since.map(Instant)
    }
    /// Whole days or months from `since` to `asOf`; for SHELVE_RESTART_DUE, days from `asOf` to the restart date.
    async fn elapsed(&self) -> Option<i64> {
        self.0.elapsed
    }
    /// The threshold configured when the alert was raised.
    async fn threshold(&self) -> Option<i64> {
        self.0.threshold
    }
    /// The unit of `elapsed` and `threshold`.
    async fn unit(&self) -> ThresholdUnit {
        self.0.unit.into()
    }
    /// The opportunity's stage when the alert was raised.
    async fn stage(&self) -> Option<Stage> {
        self.0.stage.map(Into::into)
    }
    /// SHELVE_RESTART_DUE: the restart date.
    async fn restart_date(&self) -> Option<Date> {
        (self.0.rule == entity::AlertRule::ShelveRestartDue)
            .then_some(self.0.date.map(Date))
            .flatten()
    }
    /// ORDER_EXPECTED_NOT_H_POTENTIAL: the expected order month, `YYYY-MM`.
    async fn expected_order_month(&self) -> Option<String> {
        (self.0.rule == entity::AlertRule::OrderExpectedNotHPotential)
            .then(|| self.0.date.map(crate::domain::calendar::format_year_month))
            .flatten()
    }
}

/// 输单复盘: opened when an alert is resolved with LOSE.
#[derive(Clone)]
pub struct LossReview(pub loss_review::Model);

impl Node for LossReview {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// 输单复盘: opened when an alert is resolved with LOSE.
#[Object]
impl LossReview {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The lost opportunity, when visible.
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        visible_opportunity(ctx, self.0.opportunity_id).await
    }
    /// The alert whose decision opened it.
    async fn alert_id(&self) -> Option<ID> {
        self.0.alert_id.map(|v| ID(v.to_string()))
    }
    /// The account manager.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.owner_id)).await
    }
    /// Why it was lost.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// When the review was opened.
    async fn opened_at(&self) -> Instant {
        Instant(self.0.opened_at)
    }
}

impl From<AlertFilter> for service::ListFilter {
    fn from(f: AlertFilter) -> Self {
        Self {
            rule: f.rule.map(Into::into),
            status: f.status.map(Into::into),
            overdue: f.overdue,
            track_id: raw_id(f.track_id),
            owner_id: raw_id(f.owner_id),
            opportunity_id: raw_id(f.opportunity_id),
            raised_from: f.raised_from.map(|t| t.0),
            raised_to: f.raised_to.map(|t| t.0),
            statuses: f.statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
            due_before: f.due_before.map(|t| t.0),
            seen: f.seen,
            order: Default::default(),
        }
    }
}

#[derive(Default)]
pub struct AlertQuery;

#[Object]
impl AlertQuery {
    /// Alert tasks in the viewer's scope (account manager: his; director: his tracks'; others: all), oldest first.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    // One argument per GraphQL argument: Relay paging has four.
    #[allow(clippy::too_many_arguments)]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<AlertFilter>,
        #[graphql(desc = "The order (default: OLDEST_FIRST, as raised).")] order: Option<AlertOrder>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Alert>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let mut filter: service::ListFilter = filter.unwrap_or_default().into();
        filter.order = order.unwrap_or_default().into();
        let found = service::list(ctx::state(ctx)?, viewer, filter, page).await?;
        Ok(Connection::new(found.map(Alert)))
    }

    /// One alert; `NOT_FOUND` when outside the viewer's scope.
    async fn alert(&self, ctx: &Context<'_>, #[graphql(desc = "Alert id.")] id: ID) -> Result<Alert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "alert")?;
        Ok(Alert(service::get(ctx::state(ctx)?, viewer, id).await?))
    }

    /// 输单复盘: loss reviews opened by LOSE decisions, in the viewer's scope.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn loss_reviews(
        &self,
        ctx: &Context<'_>,

        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<LossReview>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let found = service::loss_reviews(ctx::state(ctx)?, viewer, page).await?;
        Ok(Connection::new(found.map(LossReview)))
    }
}

#[derive(Default)]
pub struct AlertMutation;

#[Object]
impl AlertMutation {
    /// Admin: runs the daily anomaly scan as of an instant (default now); idempotent.
    async fn run_scan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The instant the scan runs as of (default now).")] as_of: Option<Instant>,
    ) -> Result<ScanReport> {
        let viewer = ctx::viewer(ctx)?;
        let r = service::run_scan_for(ctx::state(ctx)?, viewer, as_of.map(|t| t.0)).await?;
        Ok(ScanReport {
            as_of: Instant(r.as_of),
            rules: r
                .rules
                .into_iter()
                .map(|x| RuleScan {
                    rule: x.rule.into(),
                    raised: x.raised,
                    already_open: x.already_open,
                })
                .collect(),
            overdue: r.overdue,
            review_overdue: r.review_overdue,
        })
    }

    /// The owning account manager answers an alert: attribution and decision, in one step.
    async fn resolve_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alert id.")] id: ID,
        #[graphql(desc = "The answer.")] input: ResolveAlertInput,
    ) -> Result<Alert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "alert")?;
        let r = Resolution {
            attribution: input.attribution.into(),
            attribution_text: input.attribution_text,
            decision: input.decision.into(),
            shelve_reason: input.shelve_reason.map(Into::into),
            shelve_reason_text: input.shelve_reason_text,
            restart_date: input.restart_date.map(|d| d.0),
            loss_reason: input.loss_reason,
        };
        Ok(Alert(service::resolve(ctx::state(ctx)?, viewer, id, r).await?))
    }

    /// The track director reviews a resolution.
    async fn review_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alert id.")] id: ID,
        #[graphql(desc = "The review.")] input: ReviewAlertInput,
    ) -> Result<Alert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "alert")?;
        let review = service::Review {
            action: input.action.into(),
            comment: input.comment,
            new_owner_id: raw_id(input.new_owner_id),
        };
        Ok(Alert(service::review(ctx::state(ctx)?, viewer, id, review).await?))
    }

    /// The account manager marks alerts seen (he opened them): at most 100
    /// of his own; all or nothing. Answers the alerts and his new badge counts.
    async fn mark_alerts_seen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alert ids, 1–100.", validator(max_items = 100))] ids: Vec<ID>,
    ) -> Result<MarkAlertsSeenPayload> {
        let viewer = ctx::viewer(ctx)?;
        let state = ctx::state(ctx)?;
        let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
        let alerts = service::mark_seen(state, viewer, &ids).await?;
        let badges = service::badges(state, viewer).await?;
        Ok(MarkAlertsSeenPayload {
            alerts: alerts.into_iter().map(Alert).collect(),
            badges: badges.into(),
        })
    }

    /// The track director raises an alert to the CEO.
    async fn raise_alert_to_ceo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alert id.")] id: ID,
        #[graphql(desc = "Why.")] comment: String,
    ) -> Result<Alert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "alert")?;
        Ok(Alert(service::raise_to_ceo(ctx::state(ctx)?, viewer, id, &comment).await?))
    }
}
