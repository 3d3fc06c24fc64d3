//! Who hears of what. Every alert event goes to the directors of its track
//! (and so to the CEO, the secretary and the admin, who see everything);
//! some go to the account manager concerned as well. Meeting events are
//! for people, not scopes: a task's owner, the chairs, a meeting's
//! participants (the admin, who sees everything, is none of them). An ERP import goes to
//! everyone: the board it refreshes is public inside the company, and the
//! event names no record. Adding a kind of event is one
//! variant of `entity::EventKind` and one line here: the match is
//! exhaustive, so a kind without an audience does not compile.

use entity::EventKind;

/// The people an event is for, besides those who see every track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The account manager concerned and the track's directors.
    OwnerAndTrack,
    /// The track's directors only.
    Track,
    /// Every user (the event carries nothing a scope hides).
    Everyone,
    /// The person concerned only (a task's owner), whatever his role.
    Person,
    /// The chairs of the meetings: the CEO and the secretary, and the
    /// directors of the event's track when it has one (a weekly task's).
    Chairs,
    /// A meeting's participants: for the monthly meeting (no track) the
    /// CEO, the secretary and every director; for a track's weekly meeting
    /// the CEO, the secretary and the track's director and account managers.
    Participants,
}

/// The audience of each kind of event.
pub const fn audience(kind: EventKind) -> Audience {
    match kind {
        EventKind::AlertRaised | EventKind::AlertResolved | EventKind::AlertReviewed | EventKind::AlertOverdue => Audience::OwnerAndTrack,
        // The account manager has answered; the review is the director's to do.
        EventKind::ReviewOverdue => Audience::Track,
        // Between the director and the CEO.
        EventKind::AlertRaisedToCeo => Audience::Track,
        EventKind::ErpImported => Audience::Everyone,
        EventKind::TaskAssigned | EventKind::TaskDueTomorrow | EventKind::TaskOverdue => Audience::Person,
        EventKind::TaskEscalated => Audience::Chairs,
        EventKind::MeetingReportReady => Audience::Participants,
        // A track's funnel is its directors' to answer (and the CEO's, who sees every track).
        EventKind::FunnelAlertRaised | EventKind::FunnelAlertOverdue => Audience::Track,
        EventKind::DealSecured => Audience::OwnerAndTrack,
        EventKind::FunnelTaskAssigned => Audience::Person,
        // A track's forecast is its directors' to answer.
        EventKind::ForecastGap => Audience::Track,
        // A request is the directors' to decide; the decision and the execution are told to the
        // requester and the directors (the admin, who executes, sees every track).
        EventKind::TargetMigrationRequested | EventKind::TargetMigrationOverdue => Audience::Track,
        EventKind::TargetMigrationDecided | EventKind::TargetMigrationExecuted => Audience::OwnerAndTrack,
    }
}

/// The kinds every user receives, whatever his scope.
pub fn for_everyone() -> impl Iterator<Item = EventKind> {
    use sea_orm::Iterable;
    EventKind::iter().filter(|k| audience(*k) == Audience::Everyone)
}

/// Everything the alert subscription carries.
pub const ALERT_EVENTS: &[EventKind] = &[
    EventKind::AlertRaised,
    EventKind::AlertResolved,
    EventKind::AlertReviewed,
    EventKind::AlertOverdue,
    EventKind::ReviewOverdue,
    EventKind::AlertRaisedToCeo,
];

/// What the board's subscription carries: new ERP figures or targets.
pub const ERP_EVENTS: &[EventKind] = &[EventKind::ErpImported];

/// What the meetings' subscription carries: a person's tasks, escalations, reports ready.
pub const MEETING_EVENTS: &[EventKind] = &[
    EventKind::TaskAssigned,
    EventKind::TaskDueTomorrow,
    EventKind::TaskOverdue,
    EventKind::TaskEscalated,
    EventKind::MeetingReportReady,
];

/// What the funnel's subscription carries: funnel alerts raised and overdue and forecast gaps
/// (to the track's directors), add / reactivate tasks (to their owner), target migrations.
pub const FUNNEL_EVENTS: &[EventKind] = &[
    EventKind::FunnelAlertRaised,
    EventKind::FunnelAlertOverdue,
    EventKind::FunnelTaskAssigned,
    EventKind::ForecastGap,
    EventKind::TargetMigrationRequested,
    EventKind::TargetMigrationDecided,
    EventKind::TargetMigrationExecuted,
    EventKind::TargetMigrationOverdue,
];

/// What the order-health board's subscription carries besides `erpEvents`: deals secured.
pub const ORDER_HEALTH_EVENTS: &[EventKind] = &[EventKind::DealSecured];

/// Escalations only.
pub const ESCALATIONS: &[EventKind] = &[EventKind::AlertOverdue, EventKind::ReviewOverdue, EventKind::AlertRaisedToCeo];

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_kind_reaches_one_subscription_and_escalations_are_a_subset() {
        for kind in EventKind::iter() {
            let carried = [ALERT_EVENTS, ERP_EVENTS, MEETING_EVENTS, FUNNEL_EVENTS, ORDER_HEALTH_EVENTS]
                .iter()
                .filter(|s| s.contains(&kind))
                .count();
            assert_eq!(carried, 1, "{kind:?} is carried by {carried} subscriptions");
        }
        assert!(ESCALATIONS.iter().all(|k| ALERT_EVENTS.contains(k)));
        // Nothing an alert subscription carries goes to everyone.
        assert!(for_everyone().all(|k| !ALERT_EVENTS.contains(&k)));
        assert_eq!(for_everyone().collect::<Vec<_>>(), ERP_EVENTS);
    }
}
