//! Meetings: their kinds, the recurrence asked for, a meeting and its changes.

use super::*;

/// The two kinds of supervision meeting.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::MeetingKind")]
pub enum MeetingKind {
    /// 督导会议: the CEO and the directors, monthly; the secretary records the tasks.
    MonthlySupervision,
    /// 赛道周会: one track's director and account managers, weekly; the director records.
    TrackWeekly,
}

/// Whether a meeting takes place.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::MeetingStatus")]
pub enum MeetingStatus {
    /// It takes place as scheduled (or moved).
    Scheduled,
    /// Cancelled, with the reason.
    Cancelled,
}

/// What was done to a meeting.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::MeetingChangeKind")]
pub enum MeetingChangeKind {
    /// Moved to another start.
    Moved,
    /// Cancelled.
    Cancelled,
    /// A cancelled start scheduled again.
    Restored,
}

/// How meetings repeat.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum RecurrenceRule {
    /// Every week on `weekday`.
    Weekly,
    /// The `nth` (1–4) `weekday` of each month.
    MonthlyNthWeekday,
    /// The last `weekday` of each month.
    MonthlyLastWeekday,
}

/// A day of the week.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum Weekday {
    /// 周一.
    Monday,
    /// 周二.
    Tuesday,
    /// 周三.
    Wednesday,
    /// 周四.
    Thursday,
    /// 周五.
    Friday,
    /// 周六.
    Saturday,
    /// 周日.
    Sunday,
}

impl From<Weekday> for chrono::Weekday {
    fn from(w: Weekday) -> Self {
        match w {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }
}

/// A recurrence: "every Monday at 09:00", "the first Tuesday of each month at 09:00".
#[derive(InputObject)]
pub struct RecurrenceInput {
    /// Weekly, or a weekday of each month.
    pub rule: RecurrenceRule,
    /// The day of the week.
    pub weekday: Weekday,
    /// Which weekday of the month, 1 to 4 (MONTHLY_NTH_WEEKDAY only).
    pub nth: Option<i32>,
    /// The time of day in the company time zone, `HH:MM`.
    pub time: String,
    /// The first occurrence is at or after this instant (default: now).
    pub from: Option<Instant>,
    /// How many occurrences to schedule, 1 to 53.
    pub count: i32,
}

/// Meetings to schedule: one at `startsAt`, or the occurrences of a recurrence.
#[derive(InputObject)]
pub struct ScheduleMeetingsInput {
    /// The monthly meeting or a track's weekly one.
    pub kind: MeetingKind,
    /// The track of a weekly meeting (none for the monthly one).
    pub track_id: Option<ID>,
    /// One meeting at this instant.
    pub starts_at: Option<Instant>,
    /// Or the occurrences of a recurrence.
    pub recurrence: Option<RecurrenceInput>,
}

/// Narrowing of the meeting list.
#[derive(InputObject, Default)]
pub struct MeetingFilter {
    /// Only this kind.
    pub kind: Option<MeetingKind>,
    /// Only this track's weekly meetings.
    pub track_id: Option<ID>,
    /// Starting at or after.
    pub from: Option<Instant>,
    /// Starting before.
    pub to: Option<Instant>,
    /// Cancelled meetings too (default: no).
    pub include_cancelled: Option<bool>,
}

impl From<ScheduleMeetingsInput> for svc::Schedule {
    fn from(i: ScheduleMeetingsInput) -> Self {
        svc::Schedule {
            kind: i.kind.into(),
            track_id: i.track_id.map(|t| t.0),
            starts_at: i.starts_at.map(|t| t.0),
            recurrence: i.recurrence.map(|r| svc::RecurrenceAsk {
                kind: match r.rule {
                    RecurrenceRule::Weekly => RecurrenceKind::Weekly,
                    RecurrenceRule::MonthlyNthWeekday => RecurrenceKind::MonthlyNth,
                    RecurrenceRule::MonthlyLastWeekday => RecurrenceKind::MonthlyLast,
                },
                weekday: r.weekday.into(),
                nth: r.nth.map(i64::from),
                time: r.time,
                from: r.from.map(|f| f.0),
                count: i64::from(r.count),
            }),
        }
    }
}

/// One occurrence of a supervision meeting.
#[derive(Clone)]
pub struct Meeting(pub meeting::Model);

impl Node for Meeting {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// One occurrence of a supervision meeting: the monthly one or a track's weekly one.
#[Object]
impl Meeting {
    /// Meeting id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// Monthly supervision or a track's weekly meeting.
    async fn kind(&self) -> MeetingKind {
        self.0.kind.into()
    }
    /// The track of a weekly meeting.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        let Some(t) = self.0.track_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.tracks.load_one(t).await?.map(Track))
    }
    /// When it starts (UTC; the schedule is kept in company time).
    async fn starts_at(&self) -> Instant {
        Instant(self.0.starts_at)
    }
    /// Scheduled or cancelled.
    async fn status(&self) -> MeetingStatus {
        self.0.status.into()
    }
    /// Its moves and cancellation, oldest first.
    async fn changes(&self, ctx: &Context<'_>) -> Result<Vec<MeetingChange>> {
        let found = ctx::loaders(ctx)?.meeting_changes.load_one(self.0.id).await?;
        Ok(found.unwrap_or_default().into_iter().map(MeetingChange).collect())
    }
}

/// A move or a cancellation of a meeting.
pub struct MeetingChange(pub(super) meeting_change::Model);

/// A move or a cancellation of a meeting, recorded.
#[Object]
impl MeetingChange {
    /// A move or the cancellation.
    async fn kind(&self) -> MeetingChangeKind {
        self.0.kind.into()
    }
    /// When it was to start.
    async fn from_starts_at(&self) -> Instant {
        Instant(self.0.from_starts_at)
    }
    /// When it starts now (a move).
    async fn to_starts_at(&self) -> Option<Instant> {
        self.0.to_starts_at.map(Instant)
    }
    /// Why.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Who did it.
    async fn by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(u) = self.0.actor_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(u).await?.map(User))
    }
    /// When it was done.
    async fn at(&self) -> Instant {
        Instant(self.0.created_at)
    }
}
