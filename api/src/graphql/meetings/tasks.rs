//! Tasks recorded from a board row: the row asked for, the filter, a task.

use super::*;

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
    async fn funnel_task(&self, ctx: &Context<'_>) -> Result<Option<crate::graphql::funnel_alerts::FunnelTask>> {
        let Some(f) = self.0.funnel_task_id else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.funnel_tasks.load_one(f).await?;
        Ok(found
            .filter(|t| crate::service::funnel_alerts::sees_task(viewer, t))
            .map(crate::graphql::funnel_alerts::FunnelTask))
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
