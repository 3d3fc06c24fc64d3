//! Subscriptions: the live event log, one generic stream for every
//! subscription (see `crate::events::stream`), mapped to the area's type.

use super::alerts::Alert;
use super::common::{Instant, id};
use super::ctx;
use super::enums::{AlertRule, EventKind as EventKindEnum};
use crate::domain::events as audience;
use crate::error::AppError;
use async_graphql::{Context, ID, Object, Result, Subscription};
use entity::{EventKind, EventSubject, event};
use futures_util::Stream;

/// What every event shares, whichever subscription sent it: its id (the
/// value to pass as `after` when reconnecting), what happened, in code and
/// in words, and when. A client may select these once, on `Event`.
#[derive(async_graphql::Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Increasing id: the value to pass as `after` when reconnecting."),
    field(name = "kind", ty = "EventKindEnum", desc = "What happened."),
    field(name = "kind_label", ty = "String", desc = "What happened, in words, in the request's language."),
    field(name = "at", ty = "Instant", desc = "When it happened.")
)]
pub enum Event {
    AlertEvent(AlertEvent),
    MeetingEvent(super::meetings::MeetingEvent),
    FunnelEvent(super::funnel_alerts::FunnelEvent),
    ErpEvent(super::erp::ErpEvent),
    OrderHealthEvent(super::health::OrderHealthEvent),
}

/// An alert event, stored before it was sent; pass its `id` as `after` to resume.
pub struct AlertEvent(pub event::Model);

impl AlertEvent {
    fn alert_id(&self) -> Option<i64> {
        (self.0.subject_kind == EventSubject::Alert).then_some(self.0.subject_id)
    }
}

/// An alert event, stored before it was sent; pass its `id` as `after` to resume.
#[Object]
impl AlertEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    pub(crate) async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What happened.
    pub(crate) async fn kind(&self) -> EventKindEnum {
        self.0.kind.into()
    }
    /// What happened, in words (新告警), in the request's language.
    pub(crate) async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// One line for a phone's notification, in the request's language:
    /// what happened, the rule, and the deal when the viewer sees it
    /// ("新告警：15日无跟进 · 手机外壳").
    async fn notification(&self, ctx: &Context<'_>) -> Result<String> {
        let kind = super::labels::label(ctx, self.0.kind).await?;
        let rule = match self.0.rule {
            Some(r) => super::labels::label(ctx, r).await?,
            None => String::new(),
        };
        let viewer = ctx::viewer(ctx)?;
        let deal = match self.0.opportunity_id {
            Some(id) => ctx::loaders(ctx)?
                .opportunities
                .load_one(id)
                .await?
                .filter(|o| viewer.can_see(o.owner_id, o.track_id))
                .map(|o| o.name),
            None => None,
        };
        let separator = match ctx::locale(ctx) {
            crate::locale::Locale::ZhCn => "：",
            crate::locale::Locale::En => ": ",
        };
        Ok(match deal {
            Some(name) => format!("{kind}{separator}{rule} · {name}"),
            None => format!("{kind}{separator}{rule}"),
        })
    }
    /// When.
    pub(crate) async fn at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// Who acted: the account manager who resolved, the director who
    /// reviewed or raised it; empty for the system (raised or escalated by
    /// the scan).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<super::organisation::User>> {
        let Some(id) = self.0.actor_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(super::organisation::User))
    }
    /// The alert it concerns.
    #[graphql(name = "alertId")]
    async fn alert_id_field(&self) -> Result<ID> {
        Ok(id(self.alert_id().ok_or_else(|| missing("its alert"))?))
    }
    /// The opportunity it concerns.
    async fn opportunity_id(&self) -> Result<ID> {
        Ok(id(self.0.opportunity_id.ok_or_else(|| missing("its opportunity"))?))
    }
    /// The rule of the alert.
    async fn rule(&self) -> Result<AlertRule> {
        Ok(self.0.rule.ok_or_else(|| missing("its rule"))?.into())
    }
    /// The alert as it is now, when visible to the viewer.
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<Alert>> {
        let Some(alert_id) = self.alert_id() else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.alerts.load_one(alert_id).await?;
        Ok(found.filter(|a| viewer.can_see(a.owner_id, a.track_id)).map(Alert))
    }
}

/// An alert event always names its alert, opportunity and rule; a row
/// without them is a defect, not the caller's.
fn missing(what: &str) -> AppError {
    AppError::internal(format!("an alert event without {what}"))
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

/// The event a subscription's selection is being resolved for, put in the
/// request's data by the multiplexer (`graphql::live`): every subscriber of
/// one group gets the answer resolved once.
pub(crate) struct Current(pub std::sync::Arc<event::Model>);

/// What a subscription asks for, learned by running its root field once
/// without an event (`graphql::live`): the kinds of events and the id to
/// replay after.
#[derive(Default)]
pub(crate) struct Probe(std::sync::Mutex<Option<(&'static [EventKind], Option<i64>)>>);

impl Probe {
    pub(crate) fn take(&self) -> Option<(&'static [EventKind], Option<i64>)> {
        self.0.lock().ok().and_then(|mut p| p.take())
    }
}

/// The one way a subscription's root field runs: the viewer must be
/// logged in and `after` must be an event id; then the probe learns what
/// it asks for, and the current event (when there is one) is answered as
/// `T`. Which events reach which socket is decided by `crate::events::stream`,
/// read once per process, in memory.
fn subscribe<T: Send + 'static>(
    ctx: &Context<'_>,
    kinds: &'static [EventKind],
    after: Option<ID>,
    to: fn(event::Model) -> T,
) -> Result<impl Stream<Item = Result<T>> + use<T>> {
    ctx::viewer(ctx)?;
    let after = parse_after(after)?;
    if let Some(probe) = ctx.data_opt::<std::sync::Arc<Probe>>()
        && let Ok(mut slot) = probe.0.lock()
    {
        *slot = Some((kinds, after));
    }
    let current = ctx.data_opt::<Current>().map(|c| Ok(to((*c.0).clone())));
    Ok(futures_util::stream::iter(current))
}

#[derive(Default)]
pub struct EventSubscription;

#[Subscription]
impl EventSubscription {
    /// Alert events in the viewer's scope: raised, resolved, reviewed, overdue, raised to the CEO.
    /// With `after`, every stored event after that id is replayed first, then new ones stream live.
    async fn alert_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<AlertEvent>>> {
        subscribe(ctx, audience::ALERT_EVENTS, after, AlertEvent)
    }

    /// ERP imports, for every user: each accepted batch of ERP figures or targets, so that a
    /// dashboard showing the board refreshes. With `after`, the stored ones after that id first.
    async fn erp_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<super::erp::ErpEvent>>> {
        subscribe(ctx, audience::ERP_EVENTS, after, super::erp::ErpEvent)
    }

    /// Meeting events for the viewer: his tasks assigned, due tomorrow and overdue; tasks
    /// escalated (to the chairs: the CEO, the secretary and the task's track's director); opening
    /// reports ready (to the meeting's participants). With `after`, the stored ones after that
    /// id first.
    async fn meeting_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<super::meetings::MeetingEvent>>> {
        subscribe(ctx, audience::MEETING_EVENTS, after, super::meetings::MeetingEvent)
    }

    /// Funnel events for the viewer: funnel alerts raised and overdue (to the track's directors,
    /// and the CEO, the secretary and the admin), add / reactivate tasks dispatched (to their
    /// owner). With `after`, the stored ones after that id first.
    async fn funnel_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<super::funnel_alerts::FunnelEvent>>> {
        subscribe(ctx, audience::FUNNEL_EVENTS, after, super::funnel_alerts::FunnelEvent)
    }

    /// Deals secured in the viewer's scope (his own for an account manager, his tracks' for a
    /// director, all for the CEO, the secretary and the admin): the order-health board's figures
    /// changed. With `after`, the stored ones after that id first.
    async fn order_health_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<super::health::OrderHealthEvent>>> {
        subscribe(ctx, audience::ORDER_HEALTH_EVENTS, after, super::health::OrderHealthEvent)
    }

    /// Escalations in the viewer's scope: overdue alerts, overdue reviews, alerts raised to the CEO.
    async fn escalation_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last event id the client saw.")] after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<AlertEvent>>> {
        subscribe(ctx, audience::ESCALATIONS, after, AlertEvent)
    }
}
