//! Meetings: the series written, one occurrence moved or cancelled, the
//! changes, the lists.

use super::*;

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
pub(super) async fn due_dates(
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
    crate::store::sorted_page(db, query, meeting::Column::Id, &keys, window, with_total).await
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
