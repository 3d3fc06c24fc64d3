//! Alert tasks (告警任务), their events, the scan report and loss reviews.

use super::enums::*;
use super::opportunity::{Opportunity, PageInfo};
use super::user::{Track, User};
use crate::graphql::ctx;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{alert, event, loss_review};

async fn user(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
}

/// The opportunity, when it is (still) in the viewer's scope.
async fn visible_opportunity(ctx: &Context<'_>, id: i64) -> Result<Option<Opportunity>> {
    let viewer = ctx::viewer(ctx)?;
    let found = ctx::loaders(ctx)?.opportunities.load_one(id).await?;
    Ok(found.filter(|o| viewer.can_see(o.owner_id, o.track_id)).map(Opportunity))
}

/// 告警任务: an anomaly of one opportunity under one rule, a task for its
/// account manager copied to the track director.
pub struct Alert(pub alert::Model);

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
    pub restart_date: Option<super::Date>,
    /// Loss reason, when lost.
    pub loss_reason: Option<String>,
    /// When it was resolved.
    pub resolved_at: DateTime<Utc>,
    /// When the director's review is due.
    pub review_due_at: Option<DateTime<Utc>>,
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
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.reviewed_at
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
    async fn raised_at(&self) -> DateTime<Utc> {
        self.0.raised_at
    }
    /// When the resolution is due.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// Overdue now: unresolved past its due time, or unreviewed past its review time.
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        let now = ctx::state(ctx)?.clock.now();
        Ok(match self.0.status {
            entity::AlertStatus::Open => now > self.0.due_at,
            entity::AlertStatus::Resolved => self.0.review_due_at.is_some_and(|d| now > d),
            entity::AlertStatus::Reviewed => false,
        })
    }
    /// When it was escalated to the director as overdue.
    async fn escalated_at(&self) -> Option<DateTime<Utc>> {
        self.0.overdue_at.or(self.0.review_overdue_at)
    }
    /// The account manager's answer.
    async fn resolution(&self) -> Option<AlertResolution> {
        let a = &self.0;
        Some(AlertResolution {
            attribution: a.attribution?.into(),
            attribution_text: a.attribution_text.clone(),
            decision: a.decision?.into(),
            shelve_reason: a.shelve_reason.map(Into::into),
            shelve_reason_text: a.shelve_reason_text.clone(),
            restart_date: a.restart_date.map(super::Date),
            loss_reason: a.loss_reason.clone(),
            resolved_at: a.resolved_at?,
            review_due_at: a.review_due_at,
        })
    }
    /// The director's review.
    async fn review(&self) -> Option<AlertReview> {
        self.0.reviewed_at.map(|_| AlertReview(self.0.clone()))
    }
    /// When the director raised it to the CEO.
    async fn raised_to_ceo_at(&self) -> Option<DateTime<Utc>> {
        self.0.raised_to_ceo_at
    }
    /// The director's comment to the CEO.
    async fn ceo_comment(&self) -> Option<&str> {
        self.0.ceo_comment.as_deref()
    }
}

/// A page of alerts (Relay connection).
pub struct AlertConnection {
    pub rows: Vec<alert::Model>,
    pub has_next_page: bool,
    pub condition: sea_orm::Condition,
}

/// One alert in a page.
#[derive(SimpleObject)]
pub struct AlertEdge {
    /// Opaque cursor of this item.
    pub cursor: String,
    /// The alert.
    pub node: Alert,
}

/// A page of alerts (Relay connection).
#[Object]
impl AlertConnection {
    /// The items with their cursors.
    async fn edges(&self) -> Vec<AlertEdge> {
        self.rows
            .iter()
            .map(|a| AlertEdge {
                cursor: a.id.to_string(),
                node: Alert(a.clone()),
            })
            .collect()
    }
    /// The items.
    async fn nodes(&self) -> Vec<Alert> {
        self.rows.iter().cloned().map(Alert).collect()
    }
    /// Paging state.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            end_cursor: self.rows.last().map(|r| r.id.to_string()),
        }
    }
    /// How many alerts match in the viewer's scope (all pages).
    #[graphql(complexity = "crate::graphql::COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(crate::store::alerts::count(&ctx::state(ctx)?.db, self.condition.clone()).await?)
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
    pub raised_from: Option<DateTime<Utc>>,
    /// Raised before.
    pub raised_to: Option<DateTime<Utc>>,
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
    pub restart_date: Option<super::Date>,
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
    pub as_of: DateTime<Utc>,
    /// Per rule.
    pub rules: Vec<RuleScan>,
    /// Unresolved alerts newly escalated as overdue.
    pub overdue: u64,
    /// Unreviewed resolutions newly escalated as overdue.
    pub review_overdue: u64,
}

/// An alert event, stored before it was sent; pass its `id` as `after` to resume.
pub struct AlertEvent(pub event::Model);

/// An alert event, stored before it was sent; pass its `id` as `after` to resume.
#[Object]
impl AlertEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What happened.
    async fn kind(&self) -> Option<AlertEventKind> {
        AlertEventKind::from_stored(&self.0.kind)
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The alert it concerns.
    async fn alert_id(&self) -> Option<ID> {
        self.0.payload["alertId"].as_i64().map(|v| ID(v.to_string()))
    }
    /// The opportunity it concerns.
    async fn opportunity_id(&self) -> Option<ID> {
        self.0.payload["opportunityId"].as_i64().map(|v| ID(v.to_string()))
    }
    /// The rule of the alert.
    async fn rule(&self) -> Option<AlertRule> {
        self.0.payload["rule"]
            .as_str()
            .and_then(|r| <entity::AlertRule as sea_orm::ActiveEnum>::try_from_value(&r.to_owned()).ok())
            .map(Into::into)
    }
    /// The alert as it is now, when visible to the viewer.
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<Alert>> {
        let Some(id) = self.0.payload["alertId"].as_i64() else {
            return Ok(None);
        };
        let viewer = ctx::viewer(ctx)?;
        let found = crate::store::alerts::by_id(&ctx::state(ctx)?.db, id).await?;
        Ok(found.filter(|a| viewer.can_see(a.owner_id, a.track_id)).map(Alert))
    }
}

/// 输单复盘: opened when an alert is resolved with LOSE.
pub struct LossReview(pub loss_review::Model);

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
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
}
