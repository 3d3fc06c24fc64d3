//! Tasks: written, read, changed only from the state read, listed.

use super::*;

pub async fn insert_task(db: &impl ConnectionTrait, t: task::ActiveModel) -> AppResult<task::Model> {
    Ok(task::Entity::insert(t).exec_with_returning(db).await?)
}

pub async fn task_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<task::Model>> {
    Ok(task::Entity::find_by_id(id).one(db).await?)
}

/// The conditional write of a task's transition: applies `change` only
/// while the task is still at `version`; `None` for a loser.
pub async fn update_task_if(db: &impl ConnectionTrait, t: &task::Model, mut change: task::ActiveModel) -> AppResult<Option<task::Model>> {
    change.version = sea_orm::Set(t.version + 1);
    let res = task::Entity::update_many()
        .set(change)
        .filter(task::Column::Id.eq(t.id))
        .filter(task::Column::Version.eq(t.version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    task_by_id(db, t.id).await
}

/// What a task list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub meeting_id: Option<i64>,
    pub track_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub status: Option<TaskStatus>,
    /// `Some((true, now))`: only overdue ones as of `now`; false: only not overdue.
    pub overdue: Option<(bool, DateTime<Utc>)>,
    pub escalated: Option<bool>,
    pub dimension: Option<i32>,
}

pub(super) fn task_condition(viewer: &Viewer, f: &TaskFilter) -> Condition {
    let mut c = Condition::all().add(task_scope(viewer));
    if let Some(m) = f.meeting_id {
        c = c.add(task::Column::MeetingId.eq(m));
    }
    if let Some(t) = f.track_id {
        c = c.add(task::Column::TrackId.eq(t));
    }
    if let Some(o) = f.owner_id {
        c = c.add(task::Column::OwnerId.eq(o));
    }
    if let Some(s) = f.status {
        c = c.add(task::Column::Status.eq(s));
    }
    if let Some((overdue, now)) = f.overdue {
        c = c.add(if overdue {
            overdue_condition(now)
        } else {
            overdue_condition(now).not()
        });
    }
    if let Some(e) = f.escalated {
        c = c.add(if e {
            task::Column::EscalatedAt.is_not_null()
        } else {
            task::Column::EscalatedAt.is_null()
        });
    }
    if let Some(d) = f.dimension {
        c = c.add(task::Column::Dimension.eq(d));
    }
    c
}

/// A page of tasks in the viewer's scope, oldest first.
pub async fn tasks(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &TaskFilter,
    window: Window,
    with_total: bool,
) -> AppResult<Page<task::Model>> {
    let query = task::Entity::find().filter(task_condition(viewer, f));
    let keys = [SortKey::asc(Expr::col((task::Entity, task::Column::Id)))];
    crate::store::sorted_page(db, query, task::Column::Id, &keys, window, with_total).await
}
