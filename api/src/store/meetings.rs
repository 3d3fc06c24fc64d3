//! Meetings and their tasks: the schedule, the recorded changes, the task
//! lists, the conditional writes of their transitions, and the one
//! statement that keeps every task's due date equal to the next meeting of
//! its series.

use super::SortKey;
use crate::auth::Viewer;
use crate::domain::page::{Page, Window};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{MeetingKind, MeetingStatus, Role, TaskStatus, meeting, meeting_change, row_analysis, task, task_decision};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SubQueryStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The meetings a viewer sees: everyone's for the CEO, the secretary and the
/// admin; the monthly ones and his tracks' weekly ones for a director; his
/// track's weekly ones for an account manager.
pub fn meeting_scope(viewer: &Viewer) -> Condition {
    let weekly_of_tracks = Condition::all()
        .add(meeting::Column::Kind.eq(MeetingKind::TrackWeekly))
        .add(meeting::Column::TrackId.is_in(viewer.track_ids.iter().copied()));
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => Condition::all(),
        Role::TrackDirector => Condition::any()
            .add(meeting::Column::Kind.eq(MeetingKind::MonthlySupervision))
            .add(weekly_of_tracks),
        Role::AccountManager => weekly_of_tracks,
    }
}

/// The tasks a viewer sees: all for the CEO, the secretary and the admin;
/// his tracks' (and his own) for a director; his own for an account manager.
pub fn task_scope(viewer: &Viewer) -> Condition {
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => Condition::all(),
        Role::TrackDirector => Condition::any()
            .add(task::Column::TrackId.is_in(viewer.track_ids.iter().copied()))
            .add(task::Column::OwnerId.eq(viewer.user_id)),
        Role::AccountManager => Condition::all().add(task::Column::OwnerId.eq(viewer.user_id)),
    }
}

/// Overdue as `domain::meetings::overdue` says: pending, due at or before `now`.
pub fn overdue_condition(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(task::Column::Status.eq(TaskStatus::Pending))
        .add(task::Column::DueAt.is_not_null())
        .add(task::Column::DueAt.lte(now))
}

/// Inserts the occurrences of a series that are not there yet; returns the
/// series' meetings at those starts (new or already scheduled).
pub async fn schedule(
    db: &impl ConnectionTrait,
    kind: MeetingKind,
    series: &str,
    track_id: Option<i64>,
    starts: &[DateTime<Utc>],
    by: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<meeting::Model>> {
    if starts.is_empty() {
        return Ok(Vec::new());
    }
    let rows = starts.iter().map(|s| meeting::ActiveModel {
        kind: sea_orm::Set(kind),
        series: sea_orm::Set(series.to_owned()),
        track_id: sea_orm::Set(track_id),
        starts_at: sea_orm::Set(*s),
        status: sea_orm::Set(MeetingStatus::Scheduled),
        version: sea_orm::Set(1),
        created_by: sea_orm::Set(Some(by)),
        created_at: sea_orm::Set(now),
        ..Default::default()
    });
    meeting::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([meeting::Column::Series, meeting::Column::StartsAt])
        .exec(db)
        .await?;
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Series.eq(series))
        .filter(meeting::Column::StartsAt.is_in(starts.iter().copied()))
        .order_by_asc(meeting::Column::StartsAt)
        .all(db)
        .await?)
}

pub async fn meeting_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<meeting::Model>> {
    Ok(meeting::Entity::find_by_id(id).one(db).await?)
}

/// Moves or cancels a meeting while it is still as it was read (`version`),
/// has not started and was not opened: of N concurrent callers (and the
/// scheduler opening it) exactly one wins; `None` for the others. A move
/// clears the report's announcement, to be told again for the new time.
pub async fn change_meeting(
    db: &impl ConnectionTrait,
    m: &meeting::Model,
    starts_at: DateTime<Utc>,
    status: MeetingStatus,
    now: DateTime<Utc>,
) -> AppResult<Option<meeting::Model>> {
    let mut update = meeting::Entity::update_many()
        .col_expr(meeting::Column::StartsAt, Expr::value(starts_at))
        .col_expr(meeting::Column::Status, Expr::value(status))
        .col_expr(meeting::Column::Version, Expr::value(m.version + 1));
    if starts_at != m.starts_at {
        update = update.col_expr(meeting::Column::ReportReadyAt, Expr::value(Option::<DateTime<Utc>>::None));
    }
    let res = update
        .filter(meeting::Column::Id.eq(m.id))
        .filter(meeting::Column::Version.eq(m.version))
        .filter(meeting::Column::OpenedAt.is_null())
        .filter(meeting::Column::StartsAt.gt(now))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    meeting_by_id(db, m.id).await
}

/// The series' meeting at exactly `at`, whatever its status.
pub async fn at_start(db: &impl ConnectionTrait, series: &str, at: DateTime<Utc>) -> AppResult<Option<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Series.eq(series))
        .filter(meeting::Column::StartsAt.eq(at))
        .one(db)
        .await?)
}

/// Schedules again the cancelled meetings of a series at these starts;
/// returns them.
pub async fn restore(db: &impl ConnectionTrait, series: &str, starts: &[DateTime<Utc>]) -> AppResult<Vec<meeting::Model>> {
    let cancelled = Condition::all()
        .add(meeting::Column::Series.eq(series))
        .add(meeting::Column::StartsAt.is_in(starts.iter().copied()))
        .add(meeting::Column::Status.eq(MeetingStatus::Cancelled));
    let found = meeting::Entity::find().filter(cancelled.clone()).all(db).await?;
    if found.is_empty() {
        return Ok(found);
    }
    meeting::Entity::update_many()
        .col_expr(meeting::Column::Status, Expr::value(MeetingStatus::Scheduled))
        .col_expr(meeting::Column::Version, Expr::col(meeting::Column::Version).add(1))
        .col_expr(meeting::Column::ReportReadyAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(cancelled)
        .exec(db)
        .await?;
    Ok(found)
}

pub async fn record_change(db: &impl ConnectionTrait, change: meeting_change::ActiveModel) -> AppResult<()> {
    meeting_change::Entity::insert(change).exec_without_returning(db).await?;
    Ok(())
}

pub async fn changes_of(db: &impl ConnectionTrait, meeting_ids: &[i64]) -> AppResult<Vec<meeting_change::Model>> {
    Ok(meeting_change::Entity::find()
        .filter(meeting_change::Column::MeetingId.is_in(meeting_ids.iter().copied()))
        .order_by_asc(meeting_change::Column::Id)
        .all(db)
        .await?)
}

/// A series' scheduled meeting that starts first after `after`.
pub async fn next_in_series(db: &impl ConnectionTrait, series: &str, after: DateTime<Utc>) -> AppResult<Option<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Series.eq(series))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(after))
        .order_by_asc(meeting::Column::StartsAt)
        .one(db)
        .await?)
}

/// Sets every task of a series' meetings (but those whose due date the
/// chair set) due at the next scheduled meeting of the series after its own (`domain::meetings::due_at`, which a test
/// holds this to): one statement, whatever moved.
pub async fn recompute_due(db: &impl ConnectionTrait, series: &str) -> AppResult<u64> {
    let own = Alias::new("own");
    let next = Alias::new("nxt");
    // The start of the task's own meeting.
    let own_start = Query::select()
        .expr(Expr::col((own.clone(), meeting::Column::StartsAt)))
        .from_as(meeting::Entity, own.clone())
        .and_where(Expr::col((own.clone(), meeting::Column::Id)).equals((task::Entity, task::Column::MeetingId)))
        .to_owned();
    let due = Query::select()
        .expr(Expr::col((next.clone(), meeting::Column::StartsAt)).min())
        .from_as(meeting::Entity, next.clone())
        .and_where(Expr::col((next.clone(), meeting::Column::Series)).eq(series))
        .and_where(Expr::col((next.clone(), meeting::Column::Status)).eq(MeetingStatus::Scheduled))
        .and_where(
            Expr::col((next.clone(), meeting::Column::StartsAt)).gt(Expr::SubQuery(None, Box::new(SubQueryStatement::from(own_start)))),
        )
        .to_owned();
    let of_series = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::Series.eq(series))
        .to_owned();
    let before = due_dates(db, of_series.clone()).await?;
    let res = task::Entity::update_many()
        .col_expr(task::Column::DueAt, Expr::SubQuery(None, Box::new(SubQueryStatement::from(due))))
        .filter(task::Column::MeetingId.in_subquery(of_series.clone()))
        // A due date the chair set (延期) stays.
        .filter(task::Column::DueExtended.eq(false))
        .exec(db)
        .await?;
    // A new due date is told anew: "due tomorrow" and "overdue" once more.
    let after = due_dates(db, of_series).await?;
    let moved: Vec<i64> = after
        .iter()
        .filter(|(id, due)| before.get(id) != Some(due))
        .map(|(id, _)| *id)
        .collect();
    if !moved.is_empty() {
        task::Entity::update_many()
            .col_expr(task::Column::DueSoonToldAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(task::Column::OverdueToldAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(task::Column::Id.is_in(moved))
            .exec(db)
            .await?;
    }
    Ok(res.rows_affected)
}

/// The due dates of the tasks of these meetings, by task.
async fn due_dates(
    db: &impl ConnectionTrait,
    meetings: sea_orm::sea_query::SelectStatement,
) -> AppResult<std::collections::HashMap<i64, Option<DateTime<Utc>>>> {
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = task::Entity::find()
        .select_only()
        .columns([task::Column::Id, task::Column::DueAt])
        .filter(task::Column::MeetingId.in_subquery(meetings))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

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

fn task_condition(viewer: &Viewer, f: &TaskFilter) -> Condition {
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
    super::sorted_page(db, query, task::Column::Id, &keys, window, with_total).await
}

/// What a meeting list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub kind: Option<MeetingKind>,
    pub track_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub include_cancelled: bool,
}

/// A page of meetings in the viewer's scope, by start (then id).
pub async fn meetings(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &MeetingFilter,
    window: Window,
    with_total: bool,
) -> AppResult<Page<meeting::Model>> {
    let mut c = Condition::all().add(meeting_scope(viewer));
    if let Some(k) = f.kind {
        c = c.add(meeting::Column::Kind.eq(k));
    }
    if let Some(t) = f.track_id {
        c = c.add(meeting::Column::TrackId.eq(t));
    }
    if let Some(t) = f.from {
        c = c.add(meeting::Column::StartsAt.gte(t));
    }
    if let Some(t) = f.to {
        c = c.add(meeting::Column::StartsAt.lt(t));
    }
    if !f.include_cancelled {
        c = c.add(meeting::Column::Status.eq(MeetingStatus::Scheduled));
    }
    let query = meeting::Entity::find().filter(c);
    let keys = [
        SortKey::asc(Expr::col((meeting::Entity, meeting::Column::StartsAt))),
        SortKey::asc(Expr::col((meeting::Entity, meeting::Column::Id))),
    ];
    super::sorted_page(db, query, meeting::Column::Id, &keys, window, with_total).await
}

/// The meetings of these ids (a page of tasks' meetings; callers check the scope).
pub async fn meetings_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, meeting::Model>> {
    let rows = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(ids.iter().copied()))
        .limit(ids.len() as u64)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// The recorded changes of these meetings, oldest first, by meeting.
pub async fn changes_by_meeting(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<meeting_change::Model>>> {
    let mut out: std::collections::HashMap<i64, Vec<meeting_change::Model>> = std::collections::HashMap::new();
    for c in changes_of(db, ids).await? {
        out.entry(c.meeting_id).or_default().push(c);
    }
    Ok(out)
}

/// Started meetings the scheduler has not opened yet, oldest first.
pub async fn to_open(db: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> AppResult<Vec<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::OpenedAt.is_null())
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.lte(now))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Claims a started meeting's opening: true for exactly one caller, ever.
pub async fn claim_open(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let res = meeting::Entity::update_many()
        .col_expr(meeting::Column::OpenedAt, Expr::value(now))
        .col_expr(meeting::Column::Version, Expr::col(meeting::Column::Version).add(1))
        .filter(meeting::Column::Id.eq(id))
        .filter(meeting::Column::OpenedAt.is_null())
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Marks escalated, at `at`, every task of the series still pending and
/// due by then that is not marked yet (`domain::meetings::escalates`);
/// returns them as they are now.
pub async fn escalate(db: &impl ConnectionTrait, series: &str, at: DateTime<Utc>) -> AppResult<Vec<task::Model>> {
    let of_series = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::Series.eq(series))
        .to_owned();
    let due = Condition::all()
        .add(task::Column::MeetingId.in_subquery(of_series))
        .add(task::Column::Status.eq(TaskStatus::Pending))
        .add(task::Column::EscalatedAt.is_null())
        .add(task::Column::DueAt.lte(at));
    let ids: Vec<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(due.clone())
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    task::Entity::update_many()
        .col_expr(task::Column::EscalatedAt, Expr::value(at))
        .col_expr(task::Column::Version, Expr::col(task::Column::Version).add(1))
        .filter(task::Column::Id.is_in(ids.iter().copied()))
        .filter(due)
        .exec(db)
        .await?;
    Ok(task::Entity::find()
        .filter(task::Column::Id.is_in(ids))
        .filter(task::Column::EscalatedAt.eq(at))
        .all(db)
        .await?)
}

/// One group of the quarterly analysis: the tasks of one track, dimension,
/// owner and meeting kind, counted as `domain::meetings::TaskCounts::of`
/// counts one task (a test holds the two together).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskGroup {
    pub track_id: i64,
    pub dimension: i32,
    pub owner_id: i64,
    pub meeting_kind: MeetingKind,
    pub counts: crate::domain::meetings::TaskCounts,
}

/// The tasks recorded in `[from, to)`, counted per group in one GROUP BY.
pub async fn task_groups(db: &impl ConnectionTrait, from: DateTime<Utc>, to: DateTime<Utc>) -> AppResult<Vec<TaskGroup>> {
    use task::Column as T;
    let count = |c: Condition| Expr::case(c, 1).finally(0).sum().cast_as(Alias::new("BIGINT"));
    let not_closed = || T::Status.ne(TaskStatus::Cancelled);
    let done = || T::Status.eq(TaskStatus::Done);
    let on_time = || {
        Condition::all().add(done()).add(
            Condition::any()
                .add(T::DueAt.is_null())
                .add(Expr::col(T::DoneAt).lte(Expr::col(T::DueAt))),
        )
    };
    let late = || {
        Condition::all().add(done()).add(T::DueAt.is_not_null()).add(
            Condition::any()
                .add(T::DoneAt.is_null())
                .add(Expr::col(T::DoneAt).gt(Expr::col(T::DueAt))),
        )
    };
    type Row = (i64, i32, i64, MeetingKind, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = task::Entity::find()
        .select_only()
        .columns([T::TrackId, T::Dimension, T::OwnerId, T::MeetingKind])
        .expr(count(Condition::all().add(not_closed())))
        .expr(count(Condition::all().add(T::Status.eq(TaskStatus::Cancelled))))
        .expr(count(on_time()))
        .expr(count(late()))
        .expr(count(Condition::all().add(T::Status.eq(TaskStatus::Pending))))
        .expr(count(Condition::all().add(not_closed()).add(T::EscalatedAt.is_not_null())))
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to))
        .group_by(T::TrackId)
        .group_by(T::Dimension)
        .group_by(T::OwnerId)
        .group_by(T::MeetingKind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(track_id, dimension, owner_id, meeting_kind, counted, cancelled, done_on_time, done_late, pending, escalated)| TaskGroup {
                track_id,
                dimension,
                owner_id,
                meeting_kind,
                counts: crate::domain::meetings::TaskCounts {
                    counted,
                    cancelled,
                    done_on_time,
                    done_late,
                    pending,
                    escalated,
                },
            },
        )
        .collect())
}

/// A series' scheduled meeting that started last before `before`.
pub async fn previous_in_series(db: &impl ConnectionTrait, series: &str, before: DateTime<Utc>) -> AppResult<Option<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Series.eq(series))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.lt(before))
        .order_by_desc(meeting::Column::StartsAt)
        .one(db)
        .await?)
}

/// The tasks in the viewer's scope recorded in the series' meetings that
/// started in `[from, to)`, and those of its earlier meetings whose due
/// date the chair extended into `(from, to]`, by id; at most `limit`.
pub async fn tasks_of_meetings_between(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    series: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    limit: u64,
) -> AppResult<Vec<task::Model>> {
    let meetings = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::Series.eq(series))
        .and_where(meeting::Column::StartsAt.gte(from))
        .and_where(meeting::Column::StartsAt.lt(to))
        .to_owned();
    let earlier = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::Series.eq(series))
        .and_where(meeting::Column::StartsAt.lt(from))
        .to_owned();
    // An earlier meeting's task the chair extended comes back when its new due date does.
    let extended = Condition::all()
        .add(task::Column::DueExtended.eq(true))
        .add(task::Column::DueAt.gt(from))
        .add(task::Column::DueAt.lte(to))
        .add(task::Column::MeetingId.in_subquery(earlier));
    Ok(task::Entity::find()
        .filter(task_scope(viewer))
        .filter(Condition::any().add(task::Column::MeetingId.in_subquery(meetings)).add(extended))
        .order_by_asc(task::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The weekly tasks in the viewer's scope marked escalated in `(after, until]`, by id; at most `limit`.
pub async fn weekly_escalated_between(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    after: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<task::Model>> {
    let mut q = task::Entity::find()
        .filter(task_scope(viewer))
        .filter(task::Column::MeetingKind.eq(MeetingKind::TrackWeekly))
        .filter(task::Column::EscalatedAt.lte(until));
    if let Some(a) = after {
        q = q.filter(task::Column::EscalatedAt.gt(a));
    } else {
        q = q.filter(task::Column::EscalatedAt.is_not_null());
    }
    Ok(q.order_by_asc(task::Column::Id).limit(limit).all(db).await?)
}

/// Meetings whose opening report became available (a day before) and was
/// not announced, that have not started: claimed at `now`, returned.
pub async fn claim_reports(db: &impl ConnectionTrait, now: DateTime<Utc>, lead: chrono::Duration) -> AppResult<Vec<meeting::Model>> {
    let due = Condition::all()
        .add(meeting::Column::ReportReadyAt.is_null())
        .add(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .add(meeting::Column::StartsAt.gt(now))
        .add(meeting::Column::StartsAt.lte(now + lead));
    claim(
        db,
        meeting::Entity::find(),
        meeting::Column::Id,
        meeting::Column::ReportReadyAt,
        due,
        now,
    )
    .await
}

/// Pending tasks due within `lead` whose owner was not told: claimed at `now`, returned.
pub async fn claim_due_soon(db: &impl ConnectionTrait, now: DateTime<Utc>, lead: chrono::Duration) -> AppResult<Vec<task::Model>> {
    let due = Condition::all()
        .add(task::Column::Status.eq(TaskStatus::Pending))
        .add(task::Column::DueSoonToldAt.is_null())
        .add(task::Column::DueAt.gt(now))
        .add(task::Column::DueAt.lte(now + lead));
    claim(db, task::Entity::find(), task::Column::Id, task::Column::DueSoonToldAt, due, now).await
}

/// Pending tasks past due whose owner was not told: claimed at `now`, returned.
pub async fn claim_overdue(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Vec<task::Model>> {
    let due = Condition::all()
        .add(overdue_condition(now))
        .add(task::Column::OverdueToldAt.is_null());
    claim(db, task::Entity::find(), task::Column::Id, task::Column::OverdueToldAt, due, now).await
}

/// Stamps `stamp` with `now` on the rows matching `due` (at most 1,000 at
/// a time) while it is still empty, and returns the rows this call stamped.
async fn claim<E>(
    db: &impl ConnectionTrait,
    find: sea_orm::Select<E>,
    id: E::Column,
    stamp: E::Column,
    due: Condition,
    now: DateTime<Utc>,
) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let ids: Vec<i64> = find
        .clone()
        .select_only()
        .column(id)
        .filter(due.clone())
        .order_by_asc(id)
        .limit(1_000)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    E::update_many()
        .col_expr(stamp, Expr::value(now))
        .filter(id.is_in(ids.iter().copied()))
        .filter(due)
        .exec(db)
        .await?;
    Ok(find.filter(id.is_in(ids)).filter(stamp.eq(now)).order_by_asc(id).all(db).await?)
}

pub async fn insert_decision(db: &impl ConnectionTrait, d: task_decision::ActiveModel) -> AppResult<task_decision::Model> {
    Ok(task_decision::Entity::insert(d).exec_with_returning(db).await?)
}

/// The chair's decisions on these tasks, oldest first, by task.
pub async fn decisions_by_task(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<task_decision::Model>>> {
    let rows = task_decision::Entity::find()
        .filter(task_decision::Column::TaskId.is_in(ids.iter().copied()))
        .order_by_asc(task_decision::Column::TaskId)
        .order_by_asc(task_decision::Column::Id)
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<task_decision::Model>> = std::collections::HashMap::new();
    for d in rows {
        out.entry(d.task_id).or_default().push(d);
    }
    Ok(out)
}

/// The key of a board row among the analyses: `T<track>` or `A<account manager>`.
pub fn row_key(track_id: i64, account_manager_id: Option<i64>) -> String {
    match account_manager_id {
        Some(a) => format!("A{a}"),
        None => format!("T{track_id}"),
    }
}

/// A row's analysis to write.
#[derive(Debug, Clone)]
pub struct AnalysisWrite {
    pub period_first: chrono::NaiveDate,
    pub period_last: chrono::NaiveDate,
    pub dimension: i32,
    pub track_id: i64,
    pub account_manager_id: Option<i64>,
    pub cause: String,
    pub plan: String,
    pub author_id: i64,
    pub at: DateTime<Utc>,
}

/// Writes a row's analysis: the first one, or a new version of it (one
/// statement: two directors writing at once leave one row, the last word).
pub async fn upsert_analysis(db: &impl ConnectionTrait, w: AnalysisWrite) -> AppResult<row_analysis::Model> {
    use row_analysis::Column as C;
    use sea_orm::Set;
    use sea_orm::sea_query::OnConflict;
    let key = row_key(w.track_id, w.account_manager_id);
    let row = row_analysis::ActiveModel {
        period_first: Set(w.period_first),
        period_last: Set(w.period_last),
        dimension: Set(w.dimension),
        track_id: Set(w.track_id),
        account_manager_id: Set(w.account_manager_id),
        row_key: Set(key.clone()),
        cause: Set(w.cause),
        plan: Set(w.plan),
        author_id: Set(w.author_id),
        updated_at: Set(w.at),
        version: Set(1),
        ..Default::default()
    };
    // The row as this very write left it (RETURNING), not as a later writer
    // may have left it by the time it is read back.
    Ok(row_analysis::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::PeriodFirst, C::PeriodLast, C::Dimension, C::RowKey])
                .update_columns([C::Cause, C::Plan, C::AuthorId, C::UpdatedAt])
                .value(C::Version, Expr::col((row_analysis::Entity, C::Version)).add(1))
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?)
}

/// The analyses attached to the rows of one board period (callers keep those of the rows the viewer sees).
pub async fn analyses_of_period(
    db: &impl ConnectionTrait,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> AppResult<Vec<row_analysis::Model>> {
    Ok(row_analysis::Entity::find()
        .filter(row_analysis::Column::PeriodFirst.eq(first))
        .filter(row_analysis::Column::PeriodLast.eq(last))
        .order_by_asc(row_analysis::Column::Dimension)
        .order_by_asc(row_analysis::Column::Id)
        .all(db)
        .await?)
}
