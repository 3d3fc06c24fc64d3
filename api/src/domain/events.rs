//! Who hears of what. Every event goes to the directors of its track (and
//! so to the CEO, the secretary and the admin, who see everything); some go
//! to the account manager concerned as well. Adding a kind of event is one
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
}

/// The audience of each kind of event.
pub const fn audience(kind: EventKind) -> Audience {
    match kind {
        EventKind::AlertRaised | EventKind::AlertResolved | EventKind::AlertReviewed | EventKind::AlertOverdue => Audience::OwnerAndTrack,
        // The account manager has answered; the review is the director's to do.
        EventKind::ReviewOverdue => Audience::Track,
        // Between the director and the CEO.
        EventKind::AlertRaisedToCeo => Audience::Track,
    }
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

/// Escalations only.
pub const ESCALATIONS: &[EventKind] = &[EventKind::AlertOverdue, EventKind::ReviewOverdue, EventKind::AlertRaisedToCeo];

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_kind_reaches_the_alert_subscription_and_escalations_are_a_subset() {
        for kind in EventKind::iter() {
            assert!(ALERT_EVENTS.contains(&kind), "{kind:?} is carried by no subscription");
        }
        assert!(ESCALATIONS.iter().all(|k| ALERT_EVENTS.contains(k)));
    }
}
