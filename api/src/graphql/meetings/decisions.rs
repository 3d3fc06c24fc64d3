//! The meeting's decisions on a task.

use super::*;

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

/// The chair's decision on a task, recorded.
pub struct TaskDecision(pub(super) task_decision::Model);

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
pub struct DecidedTask(pub(super) task::Model, pub(super) task_decision::Model);

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
