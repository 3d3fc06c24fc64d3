//! Supervision meetings and their tasks: the schedule, tasks recorded from
//! board rows, their completion, the lists.

use crate::domain::board::{Dimension, Period};
use crate::domain::calendar;
use crate::domain::limits;
use crate::domain::meetings::{self as rules, RecurrenceKind};
use crate::error::AppError;
use crate::graphql::alerts::Alert;
use crate::graphql::board::{BoardDimension, BoardPeriod, BoardPeriodInput, BoardRow, BoardStanding};
use crate::graphql::common::{Connection, Instant, Node, PageArgs, id, page_request};
use crate::graphql::ctx;
use crate::graphql::organisation::{Track, User};
use crate::service::{lookup_id, meetings as svc};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{meeting, meeting_change, task, task_decision};

mod schedule;
pub use schedule::*;
mod tasks;
pub use tasks::*;
mod decisions;
pub use decisions::*;
mod analyses;
pub use analyses::*;
mod report;
pub use report::*;

/// A meeting event, stored before it was sent.
pub struct MeetingEvent(pub entity::event::Model);

/// A meeting event, stored before it was sent: a task assigned to the viewer, due tomorrow or
/// overdue; a task escalated (to the chairs); an opening report ready (to the participants).
/// Pass its `id` as `after` to resume.
#[Object]
impl MeetingEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    pub(crate) async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What happened.
    pub(crate) async fn kind(&self) -> super::enums::EventKind {
        self.0.kind.into()
    }
    /// What happened, in words (任务已升级), in the request's language.
    pub(crate) async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
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
    pub(crate) async fn at(&self) -> Instant {
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
