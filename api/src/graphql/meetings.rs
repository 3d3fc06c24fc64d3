//! Supervision meetings and their tasks: the schedule, tasks recorded from
//! board rows, their completion, the lists.

use super::alerts::Alert;
use super::board::{BoardDimension, BoardPeriod, BoardPeriodInput, BoardRow, BoardStanding};
use super::common::{Connection, Instant, Node, PageArgs, id, page_request};
use super::ctx;
use super::organisation::{Track, User};
use crate::domain::board::{Dimension, Period};
use crate::domain::calendar;
use crate::domain::limits;
use crate::domain::meetings::{self as rules, RecurrenceKind};
use crate::error::AppError;
use crate::service::{lookup_id, meetings as svc};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{meeting, meeting_change, task, task_decision};

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

/// A task's state.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::TaskStatus")]
pub enum TaskStatus {
    /// Not done yet (an escalated task stays pending).
    Pending,
    /// Its owner marked it done.
    Done,
    /// Closed by the chair, with the reason.
    Cancelled,
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

/// The chair's decision on an unfinished task at a meeting's opening.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::TaskDecisionKind")]
pub enum TaskDecisionKind {
    /// 延期: a new due date (which a move of the next meeting no longer changes).
    Extend,
    /// 重新派发: a new owner, who is told.
    Redispatch,
    /// 调整任务内容: a new description.
    Adjust,
    /// 关闭: closed (cancelled), counted apart from done in the quarterly rates.
    Close,
}

/// The chair's decision on an unfinished task, taken at the opening of a meeting that reviews it.
#[derive(InputObject)]
pub struct DecideTaskInput {
    /// The task.
    pub task_id: ID,
    /// The meeting at whose opening it is decided: a later meeting of the task's series, or a
    /// monthly one for an escalated weekly task.
    pub meeting_id: ID,
    /// Extend, re-dispatch, adjust or close.
    pub decision: TaskDecisionKind,
    /// The reason the owner gave (for closing: why), up to 1,000 characters.
    pub reason: String,
    /// EXTEND: the new due date, in the future.
    pub due_at: Option<Instant>,
    /// REDISPATCH: the new owner (a director of the row's track for a monthly task, an account
    /// manager of the track for a weekly one).
    pub owner_id: Option<ID>,
    /// ADJUST: the new description, up to 2,000 characters.
    pub description: Option<String>,
    /// The task's `version` as the chair saw it: `CONFLICT` when it was changed since (of
    /// several chairs deciding at once, exactly one wins).
    pub version: i32,
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

/// The board row a task is about: a track's, or an account manager's on dimensions 2 and 4.
#[derive(InputObject)]
pub struct BoardRowInput {
    /// The row's dimension.
    pub dimension: BoardDimension,
    /// A track's row: the track.
    pub track_id: Option<ID>,
    /// An account manager's row (dimensions 2 and 4): the account manager.
    pub account_manager_id: Option<ID>,
    /// The board's period (default: the month before a monthly meeting; a weekly meeting's month).
    pub period: Option<BoardPeriodInput>,
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

/// Narrowing of the task list.
#[derive(InputObject, Default)]
pub struct TaskFilter {
    /// Only the tasks recorded in this meeting.
    pub meeting_id: Option<ID>,
    /// Only this track's.
    pub track_id: Option<ID>,
    /// Only this owner's.
    pub owner_id: Option<ID>,
    /// Only in this state.
    pub status: Option<TaskStatus>,
    /// Only overdue (past due, not done) ones, or only the others.
    pub overdue: Option<bool>,
    /// Only escalated ones, or only the others.
    pub escalated: Option<bool>,
    /// Only about rows of this dimension.
    pub dimension: Option<BoardDimension>,
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
pub struct MeetingChange(meeting_change::Model);

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

/// 督导任务: a task recorded in a meeting from a board row.
#[derive(Clone)]
pub struct Task(pub task::Model);

impl Node for Task {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// 督导任务: a task recorded in a meeting from a board row.
#[Object]
impl Task {
    /// Task id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// 1 when recorded; one more at each change (a decision gives the one it saw).
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The meeting it was recorded in.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        // A task can outlive its owner's access to the meeting (he moved to another track).
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.meetings.load_one(self.0.meeting_id).await?;
        Ok(found.filter(|m| svc::sees_meeting(viewer, m)).map(Meeting))
    }
    /// The kind of meeting it was recorded in.
    async fn meeting_kind(&self) -> MeetingKind {
        self.0.meeting_kind.into()
    }
    /// The board dimension of its row.
    async fn dimension(&self) -> Result<BoardDimension> {
        let d = usize::try_from(self.0.dimension).ok().and_then(Dimension::from_number);
        d.map(Into::into)
            .ok_or_else(|| AppError::internal("a task's dimension is not on the board").into())
    }
    /// The row's track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The row's account manager (dimensions 2 and 4).
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(u) = self.0.account_manager_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(u).await?.map(User))
    }
    /// The board period the row was taken from: its first month, `YYYY-MM`.
    async fn period_first_month(&self) -> String {
        calendar::format_year_month(self.0.period_first)
    }
    /// Its last month, `YYYY-MM`.
    async fn period_last_month(&self) -> String {
        calendar::format_year_month(self.0.period_last)
    }
    /// The row's value when the task was recorded, rounded to 2 decimals.
    async fn value_then(&self) -> Option<f64> {
        self.0.value_then.map(|v| (v * 100.0).round() / 100.0)
    }
    /// The row's standing when the task was recorded.
    async fn standing_then(&self) -> BoardStanding {
        svc::standing_then(&self.0).into()
    }
    /// 问题描述.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Who is to do it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.owner_id).await?.map(User))
    }
    /// Who recorded it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.created_by).await?.map(User))
    }
    /// When it was recorded.
    async fn created_at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// Due: the start of the next meeting of the same kind (and track); none while none is scheduled.
    async fn due_at(&self) -> Option<Instant> {
        self.0.due_at.map(Instant)
    }
    /// Pending, done or closed.
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }
    /// Past due and not done (shown red).
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(svc::is_overdue(ctx::state(ctx)?, &self.0))
    }
    /// When its owner marked it done.
    async fn done_at(&self) -> Option<Instant> {
        self.0.done_at.map(Instant)
    }
    /// The owner's note when he marked it done.
    async fn done_note(&self) -> Option<&str> {
        self.0.done_note.as_deref()
    }
    /// Marked escalated: still pending when the next meeting started.
    async fn escalated(&self) -> bool {
        self.0.escalated_at.is_some()
    }
    /// When it was marked escalated.
    async fn escalated_at(&self) -> Option<Instant> {
        self.0.escalated_at.map(Instant)
    }
    /// The running PDCA item it follows, with its live status (when the viewer may see it).
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<Alert>> {
        let Some(a) = self.0.alert_id else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.alerts.load_one(a).await?;
        Ok(found.filter(|a| viewer.can_see(a.owner_id, a.track_id)).map(Alert))
    }
    /// The funnel task (补充新商机 / 激活存量商机) it follows, with its live progress (when the viewer
    /// may see it).
    async fn funnel_task(&self, ctx: &Context<'_>) -> Result<Option<super::funnel_alerts::FunnelTask>> {
        let Some(f) = self.0.funnel_task_id else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.funnel_tasks.load_one(f).await?;
        Ok(found
            .filter(|t| crate::service::funnel_alerts::sees_task(viewer, t))
            .map(super::funnel_alerts::FunnelTask))
    }
    /// The due date was set by the chair (延期), not by the next meeting.
    async fn due_extended(&self) -> bool {
        self.0.due_extended
    }
    /// The chair's decisions on it, oldest first.
    async fn decisions(&self, ctx: &Context<'_>) -> Result<Vec<TaskDecision>> {
        let found = ctx::loaders(ctx)?.task_decisions.load_one(self.0.id).await?;
        Ok(found.unwrap_or_default().into_iter().map(TaskDecision).collect())
    }
}

/// The chair's decision on a task, recorded.
pub struct TaskDecision(task_decision::Model);

/// The chair's decision on a task at a meeting's opening, recorded: what it was and what it became.
#[Object]
impl TaskDecision {
    /// Extend, re-dispatch, adjust or close.
    async fn decision(&self) -> TaskDecisionKind {
        self.0.kind.into()
    }
    /// The reason given.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The meeting at whose opening it was decided (when the viewer may see it).
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.meetings.load_one(self.0.meeting_id).await?;
        Ok(found.filter(|m| svc::sees_meeting(viewer, m)).map(Meeting))
    }
    /// EXTEND: the due date before.
    async fn previous_due_at(&self) -> Option<Instant> {
        self.0.from_due_at.map(Instant)
    }
    /// EXTEND: the new due date.
    async fn new_due_at(&self) -> Option<Instant> {
        self.0.to_due_at.map(Instant)
    }
    /// REDISPATCH: the owner before.
    async fn previous_owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(u) = self.0.from_owner_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(u).await?.map(User))
    }
    /// REDISPATCH: the new owner.
    async fn new_owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(u) = self.0.to_owner_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(u).await?.map(User))
    }
    /// ADJUST: the description before.
    async fn previous_description(&self) -> Option<&str> {
        self.0.from_description.as_deref()
    }
    /// ADJUST: the new description.
    async fn new_description(&self) -> Option<&str> {
        self.0.to_description.as_deref()
    }
    /// Who recorded it: the chair, or the secretary for the CEO.
    async fn by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.decided_by).await?.map(User))
    }
    /// When.
    async fn at(&self) -> Instant {
        Instant(self.0.decided_at)
    }
}

/// A task as the chair's decision left it, with the decision.
pub struct DecidedTask(task::Model, task_decision::Model);

/// A task as the chair's decision left it, with the decision.
#[Object]
impl DecidedTask {
    /// The task now.
    async fn task(&self) -> Task {
        Task(self.0.clone())
    }
    /// The decision recorded.
    async fn decision(&self) -> TaskDecision {
        TaskDecision(self.1.clone())
    }
}

/// 原因分析和改善计划: a director's cause analysis and improvement plan on a 未达标 board row.
pub struct BoardRowAnalysis(svc::Analysed);

/// 原因分析和改善计划: a director's cause analysis and improvement plan on one of his tracks'
/// 未达标 board rows, with the row as the board shows it now.
#[Object]
impl BoardRowAnalysis {
    /// The row's dimension.
    async fn dimension(&self) -> BoardDimension {
        self.0.dimension.into()
    }
    /// The row on the board now.
    async fn row(&self) -> BoardRow {
        BoardRow(self.0.row.clone())
    }
    /// 原因分析: why the row is on the wrong side of the line.
    async fn cause(&self) -> &str {
        &self.0.analysis.cause
    }
    /// 改善计划: what will be done.
    async fn plan(&self) -> &str {
        &self.0.analysis.plan
    }
    /// Who wrote it last.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.analysis.author_id).await?.map(User))
    }
    /// When it was written last.
    async fn updated_at(&self) -> Instant {
        Instant(self.0.analysis.updated_at)
    }
    /// 1 for the first version; one more at each rewrite.
    async fn version(&self) -> i32 {
        self.0.analysis.version
    }
}

/// The analyses attached to a period's board rows.
pub struct BoardRowAnalyses(Period, Vec<svc::Analysed>);

/// The analyses attached to the rows of a period's board that the viewer sees.
#[Object]
impl BoardRowAnalyses {
    /// The period.
    async fn period(&self) -> BoardPeriod {
        BoardPeriod(self.0)
    }
    /// The analyses, by dimension.
    async fn analyses(&self) -> Vec<BoardRowAnalysis> {
        self.1.iter().cloned().map(BoardRowAnalysis).collect()
    }
}

/// Tasks counted: closed ones apart, every other figure and both rates over the rest.
pub struct TaskCounts(rules::TaskCounts);

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Tasks counted: closed ones apart, every other figure and both rates over the rest.
#[Object]
impl TaskCounts {
    /// Tasks not closed.
    async fn tasks(&self) -> i64 {
        self.0.counted
    }
    /// Closed by the chair (counted apart).
    async fn closed(&self) -> i64 {
        self.0.cancelled
    }
    /// Done by their due date.
    async fn done_on_time(&self) -> i64 {
        self.0.done_on_time
    }
    /// Done after it.
    async fn done_late(&self) -> i64 {
        self.0.done_late
    }
    /// Not done.
    async fn pending(&self) -> i64 {
        self.0.pending
    }
    /// Marked escalated.
    async fn escalated(&self) -> i64 {
        self.0.escalated
    }
    /// Done by due ÷ tasks, in %, rounded to 2 decimals; none without tasks.
    async fn completion_rate(&self) -> Option<f64> {
        self.0.completion_rate().map(round2)
    }
    /// Escalated ÷ tasks, in %, rounded to 2 decimals; none without tasks.
    async fn escalation_rate(&self) -> Option<f64> {
        self.0.escalation_rate().map(round2)
    }
}

/// The tasks of one dimension.
pub struct DimensionTasks(Dimension, rules::TaskCounts);

/// The tasks of one dimension.
#[Object]
impl DimensionTasks {
    /// The dimension.
    async fn dimension(&self) -> BoardDimension {
        self.0.into()
    }
    /// Its tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// The tasks of one track.
pub struct TrackTasks(i64, rules::TaskCounts);

/// The tasks of one track.
#[Object]
impl TrackTasks {
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0).await?.map(Track))
    }
    /// Its tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// The tasks of one owner.
pub struct OwnerTasks(i64, rules::TaskCounts);

/// The tasks of one owner.
#[Object]
impl OwnerTasks {
    /// The owner.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0).await?.map(User))
    }
    /// His tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// A quarter's meeting tasks analysed.
pub struct QuarterlyTaskAnalysis(svc::Quarterly);

/// A quarter's meeting tasks analysed: the tasks recorded in it (company time).
#[Object]
impl QuarterlyTaskAnalysis {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.period.year
    }
    /// The quarter, 1 to 4.
    async fn quarter(&self) -> i32 {
        self.0.period.number as i32
    }
    /// The company's tasks.
    async fn total(&self) -> TaskCounts {
        TaskCounts(self.0.total)
    }
    /// Per dimension, in the board's order.
    async fn by_dimension(&self) -> Vec<DimensionTasks> {
        self.0.by_dimension.iter().map(|(d, c)| DimensionTasks(*d, *c)).collect()
    }
    /// Per track with tasks, by track id.
    async fn by_track(&self) -> Vec<TrackTasks> {
        self.0.by_track.iter().map(|(t, c)| TrackTasks(*t, *c)).collect()
    }
    /// The owners of the tasks the viewer sees, the lowest completion rate first.
    async fn owners(&self) -> Vec<OwnerTasks> {
        self.0.owners.iter().map(|(o, c)| OwnerTasks(*o, *c)).collect()
    }
}

/// A task in an opening report, with its board row now.
pub struct ReportTask(svc::ReportTask);

/// A task in an opening report: the task (its row then: `valueThen`, `standingThen`) and the
/// same row on the board the meeting looks at now.
#[Object]
impl ReportTask {
    /// The task (red when `overdue` or `escalated`).
    async fn task(&self) -> Task {
        Task(self.0.task.clone())
    }
    /// The row's value now, rounded to 2 decimals; none without one (or without a row now).
    async fn value_now(&self) -> Option<f64> {
        let row = self.0.now.as_ref()?;
        row.standing.value().map(|v| round2(v.to_f64()))
    }
    /// The row's standing now; none when the row is not on the board now.
    async fn standing_now(&self) -> Option<BoardStanding> {
        self.0.now.as_ref().map(|r| r.standing.kind().into())
    }
    /// 未达标 now: on the wrong side of the dimension's target line.
    async fn not_reached_now(&self) -> Option<bool> {
        self.0.now.as_ref().and_then(|r| r.not_reached)
    }
}

/// 开场报告: what a meeting opens with.
pub struct OpeningReport(svc::OpeningReport);

/// 开场报告: what a meeting opens with — the previous meeting's tasks done, still pending
/// (overdue first) and closed, and for a monthly meeting every weekly task escalated since the
/// previous monthly meeting; each with its board row then and now.
#[Object]
impl OpeningReport {
    /// The meeting.
    async fn meeting(&self) -> Meeting {
        Meeting(self.0.meeting.clone())
    }
    /// The meeting before it in the series, whose tasks it reviews (none for the first).
    async fn previous_meeting(&self) -> Option<Meeting> {
        self.0.previous.clone().map(Meeting)
    }
    /// From when the report is available: a day before the meeting.
    async fn available_from(&self) -> Instant {
        Instant(self.0.available_from)
    }
    /// The board period of the "now" figures: its first month, `YYYY-MM`.
    async fn period_first_month(&self) -> String {
        calendar::format_year_month(self.0.period.first)
    }
    /// Its last month, `YYYY-MM`.
    async fn period_last_month(&self) -> String {
        calendar::format_year_month(self.0.period.last)
    }
    /// The previous meeting's tasks that are done.
    async fn done(&self) -> Vec<ReportTask> {
        self.0.done.iter().cloned().map(ReportTask).collect()
    }
    /// Its tasks still pending (red), the overdue ones first.
    async fn pending(&self) -> Vec<ReportTask> {
        self.0.pending.iter().cloned().map(ReportTask).collect()
    }
    /// Its tasks closed by the chair.
    async fn closed(&self) -> Vec<ReportTask> {
        self.0.closed.iter().cloned().map(ReportTask).collect()
    }
    /// A monthly meeting's: the weekly tasks escalated since the previous monthly meeting (red, marked).
    async fn escalated(&self) -> Vec<ReportTask> {
        self.0.escalated.iter().cloned().map(ReportTask).collect()
    }
    /// 原因分析和改善计划 the directors attached to the board's 未达标 rows.
    async fn analyses(&self) -> Vec<BoardRowAnalysis> {
        self.0.analyses.iter().cloned().map(BoardRowAnalysis).collect()
    }
}

/// A meeting event, stored before it was sent.
pub struct MeetingEvent(pub entity::event::Model);

/// A meeting event, stored before it was sent: a task assigned to the viewer, due tomorrow or
/// overdue; a task escalated (to the chairs); an opening report ready (to the participants).
/// Pass its `id` as `after` to resume.
#[Object]
impl MeetingEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What happened.
    async fn kind(&self) -> super::enums::EventKind {
        self.0.kind.into()
    }
    /// What happened, in words (任务已升级), in the request's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// One line for a phone's notification: the kind and the task's problem (or the meeting and
    /// its start in company time).
    async fn notification(&self, ctx: &Context<'_>) -> Result<String> {
        let kind = super::labels::label(ctx, self.0.kind).await?;
        let viewer = ctx::viewer(ctx)?;
        let state = ctx::state(ctx)?;
        let what = match self.0.subject_kind {
            entity::EventSubject::Task => svc::get_task(state, viewer, self.0.subject_id)
                .await
                .ok()
                .map(|t| crate::domain::text::shorten(&t.description, 40)),
            entity::EventSubject::Meeting => match svc::get_meeting(state, viewer, self.0.subject_id).await.ok() {
                Some(m) => Some(format!(
                    "{} {}",
                    super::labels::label(ctx, m.kind).await?,
                    svc::local_time(state, m.starts_at).await?
                )),
                None => None,
            },
            _ => None,
        };
        Ok(match what {
            Some(w) => format!("{kind}：{w}"),
            None => kind,
        })
    }
    /// When.
    async fn at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// The task, as it is now (when the viewer may see it).
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        if self.0.subject_kind != entity::EventSubject::Task {
            return Ok(None);
        }
        let found = svc::get_task(ctx::state(ctx)?, ctx::viewer(ctx)?, self.0.subject_id).await;
        Ok(found.ok().map(Task))
    }
    /// The meeting: the task's, or the one whose report is ready (when the viewer may see it).
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        let (state, viewer) = (ctx::state(ctx)?, ctx::viewer(ctx)?);
        let id = match self.0.subject_kind {
            entity::EventSubject::Meeting => self.0.subject_id,
            entity::EventSubject::Task => match svc::get_task(state, viewer, self.0.subject_id).await {
                Ok(t) => t.meeting_id,
                Err(_) => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(svc::get_meeting(state, viewer, id).await.ok().map(Meeting))
    }
}

#[derive(Default)]
pub struct MeetingQuery;

#[Object]
impl MeetingQuery {
    /// Meetings in the viewer's scope, by start: all for the CEO, the secretary and the admin;
    /// the monthly ones and his tracks' weekly ones for a director; his track's weekly ones for
    /// an account manager.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<MeetingFilter>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Meeting>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let f = filter.unwrap_or_default();
        let list = svc::MeetingList {
            kind: f.kind.map(Into::into),
            track_id: f.track_id.map(|t| t.0),
            from: f.from.map(|t| t.0),
            to: f.to.map(|t| t.0),
            include_cancelled: f.include_cancelled.unwrap_or(false),
        };
        let found = svc::meetings(ctx::state(ctx)?, viewer, list, page).await?;
        Ok(Connection::new(found.map(Meeting)))
    }

    /// One meeting; `NOT_FOUND` outside the viewer's scope.
    async fn meeting(&self, ctx: &Context<'_>, #[graphql(desc = "Meeting id.")] id: ID) -> Result<Meeting> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "meeting")?;
        Ok(Meeting(svc::get_meeting(ctx::state(ctx)?, viewer, id).await?))
    }

    /// Meeting tasks in the viewer's scope, oldest first: all for the CEO, the secretary and the
    /// admin; his tracks' for a director; for an account manager those he owns and his track's
    /// weekly ones.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<TaskFilter>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Task>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let f = filter.unwrap_or_default();
        let list = svc::TaskList {
            meeting_id: f.meeting_id.map(|t| t.0),
            track_id: f.track_id.map(|t| t.0),
            owner_id: f.owner_id.map(|t| t.0),
            status: f.status.map(Into::into),
            overdue: f.overdue,
            escalated: f.escalated,
            dimension: f.dimension.map(Into::into),
        };
        let found = svc::tasks(ctx::state(ctx)?, viewer, list, page).await?;
        Ok(Connection::new(found.map(Task)))
    }

    /// The quarterly task analysis (季度任务完成率分析): completion rate (done by due), escalation
    /// rate, tasks per dimension, per track and per owner, the lowest completion rate first. The
    /// company's for the CEO, the secretary and the admin; a director's own tracks only; an
    /// account manager gets `FORBIDDEN`.
    async fn quarterly_task_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, 2001 to 2100.")] year: i32,
        #[graphql(desc = "The quarter, 1 to 4.")] quarter: i32,
    ) -> Result<QuarterlyTaskAnalysis> {
        let viewer = ctx::viewer(ctx)?;
        Ok(QuarterlyTaskAnalysis(
            svc::quarterly(ctx::state(ctx)?, viewer, year, quarter).await?,
        ))
    }

    /// 开场报告 of a meeting in the viewer's scope, from a day before it starts (earlier: a
    /// `VALIDATION` error saying from when). Tasks are those the viewer sees.
    async fn opening_report(&self, ctx: &Context<'_>, #[graphql(desc = "The meeting.")] meeting_id: ID) -> Result<OpeningReport> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&meeting_id, "meeting")?;
        let report = svc::opening_report(ctx::state(ctx)?, viewer, id).await?;
        // A kept answer is good until the report changes by itself.
        if let (Some(at), Ok(keep)) = (report.changes_at, ctx.data::<std::sync::Arc<super::answers::KeepUntil>>()) {
            keep.narrow(at);
        }
        Ok(OpeningReport(report))
    }

    /// The cause analyses and improvement plans attached to the rows of a period's board, those
    /// of the rows the viewer sees on it.
    async fn board_row_analyses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The board's period.")] period: BoardPeriodInput,
    ) -> Result<BoardRowAnalyses> {
        let viewer = ctx::viewer(ctx)?;
        let (period, found) = svc::row_analyses(ctx::state(ctx)?, viewer, period.into()).await?;
        Ok(BoardRowAnalyses(period, found))
    }

    /// One task; `NOT_FOUND` outside the viewer's scope.
    async fn task(&self, ctx: &Context<'_>, #[graphql(desc = "Task id.")] id: ID) -> Result<Task> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "task")?;
        Ok(Task(svc::get_task(ctx::state(ctx)?, viewer, id).await?))
    }
}

#[derive(Default)]
pub struct MeetingMutation;

#[Object]
impl MeetingMutation {
    /// Schedules meetings: the monthly one (the secretary or an admin) or a track's weekly one
    /// (its director or an admin), one at a time or by a recurrence in company time. A meeting
    /// already scheduled at the same start is kept as it is.
    async fn schedule_meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to schedule.")] input: ScheduleMeetingsInput,
    ) -> Result<Vec<Meeting>> {
        let viewer = ctx::viewer(ctx)?;
        let made = svc::schedule(ctx::state(ctx)?, viewer, input.into()).await?;
        Ok(made.into_iter().map(Meeting).collect())
    }

    /// Moves one meeting that has not started; recorded, and its series' tasks are due anew.
    async fn move_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Meeting id.")] id: ID,
        #[graphql(desc = "The new start, in the future.")] starts_at: Instant,
        #[graphql(desc = "Why (optional, up to 1,000 characters).")] reason: Option<String>,
    ) -> Result<Meeting> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "meeting")?;
        let m = svc::change_meeting(ctx::state(ctx)?, viewer, id, Some(starts_at.0), reason.as_deref()).await?;
        Ok(Meeting(m))
    }

    /// Cancels one meeting that has not started, with the reason; recorded.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Meeting id.")] id: ID,
        #[graphql(desc = "Why (up to 1,000 characters).")] reason: String,
    ) -> Result<Meeting> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "meeting")?;
        Ok(Meeting(
            svc::change_meeting(ctx::state(ctx)?, viewer, id, None, Some(&reason)).await?,
        ))
    }

    /// Records a task from a board row: the dimension, the meeting kind and the track or account
    /// manager come from the row; the owner is a director of the row's track (monthly) or an
    /// account manager of the meeting's track (weekly); due at the next meeting of the same
    /// kind (and track). The secretary records during the monthly meeting's day; the director
    /// from the weekly meeting's start until 24 hours after.
    #[allow(clippy::too_many_arguments)] // the GraphQL arguments, each one documented
    async fn create_task_from_board_row(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "The board row.")] row: BoardRowInput,
        #[graphql(desc = "The problem, up to 2,000 characters.")] description: String,
        #[graphql(desc = "Who is to do it.")] owner_id: ID,
        #[graphql(desc = "A running alert it follows (optional).")] alert_id: Option<ID>,
        #[graphql(desc = "A pending funnel task of the row's track it follows (optional).")] funnel_task_id: Option<ID>,
    ) -> Result<Task> {
        let viewer = ctx::viewer(ctx)?;
        let cmd = svc::NewTask {
            meeting_id: meeting_id.0,
            dimension: row.dimension.into(),
            track_id: row.track_id.map(|t| t.0),
            account_manager_id: row.account_manager_id.map(|t| t.0),
            period: row.period.map(Into::into),
            description,
            owner_id: owner_id.0,
            alert_id: alert_id.map(|a| a.0),
            funnel_task_id: funnel_task_id.map(|a| a.0),
        };
        Ok(Task(svc::create_task(ctx::state(ctx)?, viewer, cmd).await?))
    }

    /// Its owner marks a pending task done, with a note.
    async fn complete_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Task id.")] id: ID,
        #[graphql(desc = "What was done, up to 2,000 characters.")] note: String,
    ) -> Result<Task> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "task")?;
        Ok(Task(svc::complete_task(ctx::state(ctx)?, viewer, id, &note).await?))
    }

    /// At the opening of a meeting that reviews it, the chair decides on an unfinished task:
    /// extend (a new due date), re-dispatch (a new owner, who is told), adjust (a new
    /// description) or close it, with the reason given. The CEO decides at the monthly meeting
    /// (the secretary records it), the track's director at its weekly meeting, within the
    /// meeting's window for recording tasks.
    async fn decide_task(&self, ctx: &Context<'_>, #[graphql(desc = "The decision.")] input: DecideTaskInput) -> Result<DecidedTask> {
        let viewer = ctx::viewer(ctx)?;
        let cmd = svc::DecisionAsk {
            task_id: input.task_id.0,
            meeting_id: input.meeting_id.0,
            kind: input.decision.into(),
            reason: input.reason,
            due_at: input.due_at.map(|d| d.0),
            owner_id: input.owner_id.map(|o| o.0),
            description: input.description,
            version: input.version,
        };
        let (t, d) = svc::decide_task(ctx::state(ctx)?, viewer, cmd).await?;
        Ok(DecidedTask(t, d))
    }

    /// The director of a 未达标 row's track attaches (or rewrites) its cause analysis and
    /// improvement plan (原因分析和改善计划), which the opening report shows. The row's period
    /// defaults to last month, the one the next monthly meeting looks at.
    async fn analyse_board_row(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The 未达标 row.")] row: BoardRowInput,
        #[graphql(desc = "原因分析, up to 2,000 characters.")] cause: String,
        #[graphql(desc = "改善计划, up to 2,000 characters.")] plan: String,
    ) -> Result<BoardRowAnalysis> {
        let viewer = ctx::viewer(ctx)?;
        let cmd = svc::AnalysisAsk {
            dimension: row.dimension.into(),
            track_id: row.track_id.map(|t| t.0),
            account_manager_id: row.account_manager_id.map(|t| t.0),
            period: row.period.map(Into::into),
            cause,
            plan,
        };
        Ok(BoardRowAnalysis(svc::analyse_row(ctx::state(ctx)?, viewer, cmd).await?))
    }

    /// Whoever recorded a done task sets it pending again.
    async fn reopen_task(&self, ctx: &Context<'_>, #[graphql(desc = "Task id.")] id: ID) -> Result<Task> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "task")?;
        Ok(Task(svc::reopen_task(ctx::state(ctx)?, viewer, id).await?))
    }
}
