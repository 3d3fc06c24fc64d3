//! Supervision meetings and their tasks (`DOMAIN.md` section 3): when the
//! occurrences of a recurrence fall, when a meeting's tasks may be entered,
//! who may own them, what a task's due date is and whether it is overdue.
//! Pure: instants in, decisions out; the company time zone is a parameter.

use super::board::{Dimension, Subject};
use super::calendar;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use entity::{MeetingKind, Role, TaskStatus};

/// Most occurrences one scheduling call creates (a year of weekly meetings).
pub const MAX_OCCURRENCES: u32 = 53;

/// How long after a weekly meeting starts its director may still record its tasks.
pub const WEEKLY_ENTRY_HOURS: i64 = 24;

/// The opening report is ready this long before its meeting starts.
pub const REPORT_LEAD_HOURS: i64 = 24;

/// A pending task's owner is told it is due ("tomorrow") this long before.
pub const DUE_SOON_HOURS: i64 = 24;

/// Most tasks one section of an opening report lists.
pub const REPORT_SECTION_MAX: usize = 500;

/// When a meeting's opening report becomes available.
pub fn report_opens(starts_at: DateTime<Utc>) -> DateTime<Utc> {
    starts_at - Duration::hours(REPORT_LEAD_HOURS)
}

/// The order of a report's pending tasks: overdue ones first, then by due
/// date (none last), then by id.
pub fn pending_order(now: DateTime<Utc>, a: (i64, Option<DateTime<Utc>>), b: (i64, Option<DateTime<Utc>>)) -> std::cmp::Ordering {
    let late = |d: Option<DateTime<Utc>>| overdue(TaskStatus::Pending, d, now);
    late(b.1)
        .cmp(&late(a.1))
        .then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then(a.0.cmp(&b.0))
}

/// How meetings repeat, in company time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Every week on `weekday` at `time` (a track's weekly meeting: Monday 09:00).
    Weekly { weekday: Weekday, time: NaiveTime },
    /// The `nth` (1–4) `weekday` of each month at `time` (the first Tuesday…).
    MonthlyNth { nth: u8, weekday: Weekday, time: NaiveTime },
    /// The last `weekday` of each month at `time`.
    MonthlyLast { weekday: Weekday, time: NaiveTime },
}

/// The shape of a recurrence, as asked for (checked into a [`Recurrence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceKind {
    Weekly,
    MonthlyNth,
    MonthlyLast,
}

/// A time of day as a client writes it, `HH:MM`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// A company-local date and time as an instant. Where a zone skips the hour
/// (DST), the first valid instant after it; where it repeats, the first.
pub fn at_local(date: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => (1..=3)
            .filter_map(|h| tz.from_local_datetime(&(local + Duration::hours(h))).earliest())
            .map(|t| t.with_timezone(&Utc))
            .next()
            .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
    }
}

/// The `nth` `weekday` of the month of `month` (its first day), if there is one.
fn nth_weekday(month: NaiveDate, nth: u8, weekday: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(month.year(), month.month(), weekday, nth)
}

fn last_weekday(month: NaiveDate, weekday: Weekday) -> NaiveDate {
    let next = calendar::add_months(month, 1);
    let last = next - Duration::days(1);
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last - Duration::days(i64::from(back))
}

/// The first `count` occurrences of `rule` at or after `from`.
pub fn occurrences(rule: Recurrence, from: DateTime<Utc>, count: u32, tz: Tz) -> Vec<DateTime<Utc>> {
    let start = calendar::local_date(from, tz);
    let mut out = Vec::with_capacity(count as usize);
    match rule {
        Recurrence::Weekly { weekday, time } => {
            let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
            let mut day = start + Duration::days(i64::from(ahead));
            while out.len() < count as usize {
                let at = at_local(day, time, tz);
                if at >= from {
                    out.push(at);
                }
                day += Duration::days(7);
            }
        }
        Recurrence::MonthlyNth { .. } | Recurrence::MonthlyLast { .. } => {
            let mut month = calendar::month_start(start);
            // 12 × count months at most: a fifth weekday is refused before this.
            for _ in 0..(count as usize * 12 + 2) {
                if out.len() >= count as usize {
                    break;
                }
                let (day, time) = match rule {
                    Recurrence::MonthlyNth { nth, weekday, time } => (nth_weekday(month, nth, weekday), time),
                    Recurrence::MonthlyLast { weekday, time } => (Some(last_weekday(month, weekday)), time),
                    Recurrence::Weekly { .. } => (None, NaiveTime::MIN),
                };
                if let Some(day) = day {
                    let at = at_local(day, time, tz);
                    if at >= from {
                        out.push(at);
                    }
                }
                month = calendar::add_months(month, 1);
            }
        }
    }
    out
}

/// When tasks of a meeting may be recorded, and by whom (the chair's recorder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryWindow {
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

/// Monthly tasks: during the meeting's day (company time). Weekly tasks:
/// from the start until 24 hours after it.
pub fn entry_window(kind: MeetingKind, starts_at: DateTime<Utc>, tz: Tz) -> EntryWindow {
    match kind {
        MeetingKind::MonthlySupervision => {
            let day = calendar::local_date(starts_at, tz);
            EntryWindow {
                opens: calendar::start_of_day(day, tz),
                closes: calendar::start_of_day(day + Duration::days(1), tz),
            }
        }
        MeetingKind::TrackWeekly => EntryWindow {
            opens: starts_at,
            closes: starts_at + Duration::hours(WEEKLY_ENTRY_HOURS),
        },
    }
}

impl EntryWindow {
    /// Why `now` is outside the window, if it is (times told in company time).
    pub fn refuses(&self, now: DateTime<Utc>, tz: Tz) -> Option<String> {
        let show = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        if now < self.opens {
            Some(format!("tasks of this meeting can be recorded from {}", show(self.opens)))
        } else if now >= self.closes {
            Some(format!(
                "the window to record tasks of this meeting closed at {}",
                show(self.closes)
            ))
        } else {
            None
        }
    }
}

/// When the chair's decisions on unfinished tasks are taken: at the
/// opening, so from the meeting's start (not before: a task decided on the
/// eve would dodge its escalation) until its entry window closes.
pub fn decision_window(kind: MeetingKind, starts_at: DateTime<Utc>, tz: Tz) -> EntryWindow {
    EntryWindow {
        opens: starts_at,
        closes: entry_window(kind, starts_at, tz).closes,
    }
}

impl EntryWindow {
    /// Why a decision at `now` is outside the window, if it is.
    pub fn refuses_decision(&self, now: DateTime<Utc>, tz: Tz) -> Option<String> {
        let show = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        if now < self.opens {
            Some(format!("decisions are taken once the meeting has opened, at {}", show(self.opens)))
        } else {
            self.refuses(now, tz)
        }
    }
}

/// Who records a meeting's tasks and, at its opening, the chair's decisions
/// on the unfinished ones: the secretary (or the CEO, its chair) in a
/// monthly meeting; the track's director (its chair) in its weekly meeting.
pub fn may_record(kind: MeetingKind, role: Role, directs_track: bool) -> bool {
    match kind {
        MeetingKind::MonthlySupervision => matches!(role, Role::Secretary | Role::Ceo),
        MeetingKind::TrackWeekly => role == Role::TrackDirector && directs_track,
    }
}

/// Who schedules, moves and cancels meetings: the secretary or the admin
/// (monthly); the track's director or the admin (weekly).
pub fn may_schedule(kind: MeetingKind, role: Role, directs_track: bool) -> bool {
    match kind {
        MeetingKind::MonthlySupervision => matches!(role, Role::Secretary | Role::Admin),
        MeetingKind::TrackWeekly => role == Role::Admin || (role == Role::TrackDirector && directs_track),
    }
}

/// What a task's owner must be, said when he is not.
pub fn owner_problem(kind: MeetingKind, owner_role: Role, owner_active: bool, in_track: bool) -> Option<&'static str> {
    if !owner_active {
        return Some("is not an active user");
    }
    match kind {
        MeetingKind::MonthlySupervision if owner_role != Role::TrackDirector || !in_track => {
            Some("must be a director of the row's track (a monthly meeting's task)")
        }
        MeetingKind::TrackWeekly if owner_role != Role::AccountManager || !in_track => {
            Some("must be an account manager of the meeting's track (a weekly meeting's task)")
        }
        _ => None,
    }
}

/// The board row a task is about: a track's, or an account manager's on the
/// dimensions ranked by account manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOf {
    Track(i64),
    AccountManager(i64),
}

/// The row's key must match its dimension.
pub fn row_problem(dimension: Dimension, row: RowOf) -> Option<(&'static str, &'static str)> {
    match (dimension.subject(), row) {
        (Subject::AccountManager, RowOf::Track(_)) => Some(("row.accountManagerId", "is needed: the dimension ranks account managers")),
        (Subject::Track, RowOf::AccountManager(_)) => Some(("row.trackId", "is needed: the dimension ranks tracks")),
        _ => None,
    }
}

/// A meeting as the decision rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingAt<'a> {
    pub kind: MeetingKind,
    pub series: &'a str,
    pub starts_at: DateTime<Utc>,
}

/// Whether a meeting reviews a task, so that its chair decides on it: a
/// later meeting of the task's own series, or — for a weekly task that was
/// escalated — a monthly meeting after the task's.
pub fn reviews(at: MeetingAt<'_>, task_meeting: MeetingAt<'_>, escalated: bool) -> bool {
    if task_meeting.starts_at >= at.starts_at {
        return false;
    }
    at.series == task_meeting.series
        || (at.kind == MeetingKind::MonthlySupervision && task_meeting.kind == MeetingKind::TrackWeekly && escalated)
}

/// Why the chair's decision cannot change a task, if it cannot: only an
/// unfinished task is decided on.
pub fn decision_problem(status: TaskStatus) -> Option<&'static str> {
    match status {
        TaskStatus::Pending => None,
        TaskStatus::Done => Some("the task is done: reopen it first"),
        TaskStatus::Cancelled => Some("the task is closed"),
    }
}

/// When an opening report computed at `now` changes by itself, no write
/// between: the meeting starts (the escalations since the previous monthly
/// meeting are counted until then), or a pending task in it falls overdue
/// (see [`overdue`]). `None`: never by itself.
pub fn report_changes_at(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    tasks: impl IntoIterator<Item = (TaskStatus, Option<DateTime<Utc>>)>,
) -> Option<DateTime<Utc>> {
    let falls_overdue = tasks
        .into_iter()
        .filter(|(status, _)| *status == TaskStatus::Pending)
        .filter_map(|(_, due)| due)
        .filter(|due| !overdue(TaskStatus::Pending, Some(*due), now));
    std::iter::once(starts_at).filter(|s| *s > now).chain(falls_overdue).min()
}

/// Overdue: past due and not done (a closed task is not overdue).
pub fn overdue(status: TaskStatus, due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == TaskStatus::Pending && due_at.is_some_and(|d| d <= now)
}

/// Escalated at a meeting's start: a task of its series still pending,
/// due by then and not marked before (the mark is kept; the task stays pending).
pub fn escalates(status: TaskStatus, due_at: Option<DateTime<Utc>>, escalated: bool, meeting_starts: DateTime<Utc>) -> bool {
    status == TaskStatus::Pending && !escalated && due_at.is_some_and(|d| d <= meeting_starts)
}

/// Done by its due date (a task without a due date is on time when done).
pub fn done_on_time(status: TaskStatus, done_at: Option<DateTime<Utc>>, due_at: Option<DateTime<Utc>>) -> bool {
    status == TaskStatus::Done
        && match (done_at, due_at) {
            (_, None) => true,
            (Some(done), Some(due)) => done <= due,
            (None, Some(_)) => false,
        }
}

/// A group of tasks as the quarterly analysis counts them. Closed
/// (cancelled) tasks are counted apart: every other figure and both rates
/// are over the tasks that were not closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub counted: i64,
    pub cancelled: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub pending: i64,
    pub escalated: i64,
}

impl TaskCounts {
    /// One task's contribution (the rule the analysis's SQL applies in bulk).
    pub fn of(status: TaskStatus, done_at: Option<DateTime<Utc>>, due_at: Option<DateTime<Utc>>, escalated: bool) -> TaskCounts {
        if status == TaskStatus::Cancelled {
            return TaskCounts {
                cancelled: 1,
                ..TaskCounts::default()
            };
        }
        let on_time = done_on_time(status, done_at, due_at);
        TaskCounts {
            counted: 1,
            cancelled: 0,
            done_on_time: i64::from(on_time),
            done_late: i64::from(status == TaskStatus::Done && !on_time),
            pending: i64::from(status == TaskStatus::Pending),
            escalated: i64::from(escalated),
        }
    }

    pub fn add(&mut self, o: &TaskCounts) {
        self.counted += o.counted;
        self.cancelled += o.cancelled;
        self.done_on_time += o.done_on_time;
        self.done_late += o.done_late;
        self.pending += o.pending;
        self.escalated += o.escalated;
    }

    /// Done by due ÷ tasks, in % (none without tasks).
    pub fn completion_rate(&self) -> Option<f64> {
        percent(self.done_on_time, self.counted)
    }

    /// Escalated ÷ tasks, in % (none without tasks).
    pub fn escalation_rate(&self) -> Option<f64> {
        percent(self.escalated, self.counted)
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Owners in the analysis's order: the lowest completion rate first (ties:
/// more tasks first, then by id).
pub fn owners_order(a: (&i64, &TaskCounts), b: (&i64, &TaskCounts)) -> std::cmp::Ordering {
    let rate = |c: &TaskCounts| c.completion_rate().unwrap_or(0.0);
    rate(a.1)
        .total_cmp(&rate(b.1))
        .then(b.1.counted.cmp(&a.1.counted))
        .then(a.0.cmp(b.0))
}

/// A task's due date: the start of the next meeting of the same series
/// after its own meeting (cancelled meetings do not count).
pub fn due_at(meeting_starts: DateTime<Utc>, series_starts: &[DateTime<Utc>]) -> Option<DateTime<Utc>> {
    series_starts.iter().copied().filter(|s| *s > meeting_starts).min()
}

/// The series a meeting belongs to: the company's monthly meetings, or one
/// track's weekly meetings.
pub fn series(kind: MeetingKind, track_id: Option<i64>) -> String {
    match (kind, track_id) {
        (MeetingKind::TrackWeekly, Some(t)) => format!("TRACK_WEEKLY:{t}"),
        _ => "MONTHLY_SUPERVISION".to_owned(),
    }
}

#[cfg(test)]
mod tests;
