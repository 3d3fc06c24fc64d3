//! A meeting's start (claimed once, its tasks escalated), what its opening
//! report reads, and the reminders claimed once.

use super::*;

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
pub(super) async fn claim<E>(
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
