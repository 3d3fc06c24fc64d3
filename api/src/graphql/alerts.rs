//! Alert queries, mutations and subscriptions.

use super::ctx;
use super::types::{
    Alert, AlertConnection, AlertEvent, AlertFilter, LossReview, ResolveAlertInput, ReviewAlertInput, RuleScan, ScanReport, lookup_id,
    parse_id,
};
use crate::error::{AppError, Problems};
use crate::events::kinds;
use crate::service::alerts::{self as service, ListArgs, Resolution};
use crate::store;
use async_graphql::{Context, ID, Object, Result, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

#[derive(Default)]
pub struct AlertQuery;

#[Object]
impl AlertQuery {
    /// Alert tasks in the viewer's scope (account manager: his; director: his tracks'; others: all), oldest first.
    #[graphql(complexity = "10 + first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<AlertFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<AlertConnection> {
        let viewer = ctx::viewer(ctx)?;
        let f = filter.unwrap_or_default();
        let mut p = Problems::new();
        let mut id = |v: &Option<ID>, field: &str| {
            v.as_ref()
                .and_then(|v| parse_id(v, field).map_err(|_| p.add(field, "is not a valid id")).ok())
        };
        let filter = store::alerts::Filter {
            rule: f.rule.map(Into::into),
            status: f.status.map(Into::into),
            overdue: None,
            track_id: id(&f.track_id, "filter.trackId"),
            owner_id: id(&f.owner_id, "filter.ownerId"),
            opportunity_id: id(&f.opportunity_id, "filter.opportunityId"),
            raised_from: f.raised_from,
            raised_to: f.raised_to,
        };
        p.into_result()?;
        let args = ListArgs {
            filter,
            overdue: f.overdue,
            first,
            after,
        };
        let (rows, has_next_page, condition) = service::list(ctx::state(ctx)?, viewer, args).await?;
        Ok(AlertConnection {
            rows,
            has_next_page,
            condition,
        })
    }

    /// One alert; `NOT_FOUND` when outside the viewer's scope.
    async fn alert(&self, ctx: &Context<'_>, #[graphql(desc = "Alert id.")] id: ID) -> Result<Alert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "alert")?;
        Ok(Alert(service::get(&ctx::state(ctx)?.db, viewer, id).await?))
    }

    /// 输单复盘: loss reviews opened by LOSE decisions, in the viewer's scope.
    #[graphql(complexity = "10 + first as usize * child_complexity")]
    async fn loss_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20).", default = 20, validator(minimum = 1, maximum = 100))] first: u64,
        #[graphql(desc = "Id after which the page starts.")] after: Option<ID>,
    ) -> Result<Vec<LossReview>> {
        let viewer = ctx::viewer(ctx)?;
        let after = after.map(|a| parse_id(&a, "after")).transpose()?;
        let (rows, _) = store::alerts::loss_reviews(&ctx::state(ctx)?.db, &viewer.scope(), after, first).await?;
        Ok(rows.into_iter().map(LossReview).collect())
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
        #[graphql(desc = "The instant the scan runs as of (default now).")] as_of: Option<DateTime<Utc>>,
    ) -> Result<ScanReport> {
        let viewer = ctx::viewer(ctx)?;
        let r = service::run_scan_for(ctx::state(ctx)?, viewer, as_of).await?;
        Ok(ScanReport {
            as_of: r.as_of,
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
        let new_owner = input.new_owner_id.as_ref().map(|v| parse_id(v, "input.newOwnerId")).transpose()?;
        Ok(Alert(
            service::review(ctx::state(ctx)?, viewer, id, input.action.into(), &input.comment, new_owner).await?,
        ))
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

fn parse_after(after: Option<ID>) -> Result<Option<i64>> {
    Ok(match after {
        None => None,
        Some(a) => Some(
            a.parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .ok_or_else(|| AppError::invalid("after", "is not an event id"))?,
        ),
    })
}

/// A subscription of these kinds for the viewer of `ctx`.
fn subscribe(
    ctx: &Context<'_>,
    kinds: &'static [&'static str],
    after: Option<ID>,
) -> Result<impl Stream<Item = Result<AlertEvent>> + use<>> {
    let scope = ctx::viewer(ctx)?.scope();
    let events = crate::events::stream(ctx::state(ctx)?.clone(), scope, kinds, parse_after(after)?);
    Ok(events.map(|row| Ok(AlertEvent(row))))
}

#[derive(Default)]
pub struct AlertSubscription;

#[Subscription]
impl AlertSubscription {
    /// Alert events in the viewer's scope: raised, resolved, reviewed, overdue, raised to the CEO.
    /// With `after`, every stored event after that id is replayed first, then new ones stream live.
    async fn alert_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<AlertEvent>>> {
        subscribe(ctx, kinds::ALERT_EVENTS, after)
    }

    /// Escalations in the viewer's scope: overdue alerts, overdue reviews, alerts raised to the CEO.
    async fn escalation_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<AlertEvent>>> {
        subscribe(ctx, kinds::ESCALATIONS, after)
    }
}
