//! Funnel alerts and their tasks: reads, and every write a conditional one.

use crate::auth::Scope;
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{OpportunityStatus, TaskStatus, funnel_alert, funnel_snapshot, funnel_snapshot_stage, funnel_task, opportunity};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

pub async fn alert_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<funnel_alert::Model>> {
    Ok(funnel_alert::Entity::find_by_id(id).one(db).await?)
}

pub async fn task_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<funnel_task::Model>> {
    Ok(funnel_task::Entity::find_by_id(id).one(db).await?)
}

/// The tracks already alerted for `month`.
pub async fn alerted_tracks(db: &impl ConnectionTrait, month: NaiveDate) -> AppResult<Vec<i64>> {
    Ok(funnel_alert::Entity::find()
        .select_only()
        .column(funnel_alert::Column::TrackId)
        .filter(funnel_alert::Column::Month.eq(month))
        .into_tuple()
        .all(db)
        .await?)
}

/// Inserts new alerts; returns them with their ids.
pub async fn insert_alerts(
    db: &impl ConnectionTrait,
    rows: Vec<funnel_alert::ActiveModel>,
    month: NaiveDate,
    before: &[i64],
) -> AppResult<Vec<funnel_alert::Model>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    funnel_alert::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(funnel_alert::Entity::find()
        .filter(funnel_alert::Column::Month.eq(month))
        .filter(funnel_alert::Column::TrackId.is_not_in(before.iter().copied()))
        .order_by_asc(funnel_alert::Column::Id)
        .all(db)
        .await?)
}

/// Stamps the alerts unattributed past their due time as overdue; returns them.
pub async fn stamp_overdue(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Vec<funnel_alert::Model>> {
    let due = Condition::all()
        .add(funnel_alert::Column::AttributedAt.is_null())
        .add(funnel_alert::Column::OverdueAt.is_null())
        .add(funnel_alert::Column::DueAt.lte(now));
    let found = funnel_alert::Entity::find().filter(due.clone()).all(db).await?;
    if found.is_empty() {
        return Ok(found);
    }
    funnel_alert::Entity::update_many()
        .col_expr(funnel_alert::Column::OverdueAt, Expr::value(now))
        .filter(due)
        .filter(funnel_alert::Column::Id.is_in(found.iter().map(|a| a.id)))
        .exec(db)
        .await?;
    Ok(found)
}

/// Writes `change` on the alert when it is still unattributed at `version`: `None` when another write won.
pub async fn attribute_if(
    db: &impl ConnectionTrait,
    a: &funnel_alert::Model,
    mut change: funnel_alert::ActiveModel,
) -> AppResult<Option<funnel_alert::Model>> {
    change.version = Set(a.version + 1);
    let res = funnel_alert::Entity::update_many()
        .set(change)
        .filter(funnel_alert::Column::Id.eq(a.id))
        .filter(funnel_alert::Column::Version.eq(a.version))
        .filter(funnel_alert::Column::AttributedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    alert_by_id(db, a.id).await
}

/// Writes `change` on the task while it is still pending at its version.
pub async fn update_task_if(
    db: &impl ConnectionTrait,
    t: &funnel_task::Model,
    mut change: funnel_task::ActiveModel,
) -> AppResult<Option<funnel_task::Model>> {
    change.version = Set(t.version + 1);
    let res = funnel_task::Entity::update_many()
        .set(change)
        .filter(funnel_task::Column::Id.eq(t.id))
        .filter(funnel_task::Column::Version.eq(t.version))
        .filter(funnel_task::Column::Status.eq(TaskStatus::Pending))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    task_by_id(db, t.id).await
}

/// Alerts in the scope (track-wide: an account manager sees none), newest first, at most `limit`.
pub async fn alerts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    track_id: Option<i64>,
    open: Option<bool>,
    limit: u64,
) -> AppResult<Vec<funnel_alert::Model>> {
    let mut q = funnel_alert::Entity::find();
    q = match scope {
        Scope::All => q,
        Scope::Tracks(ids) => q.filter(funnel_alert::Column::TrackId.is_in(ids.iter().copied())),
        Scope::Owner(_) => return Ok(Vec::new()),
    };
    if let Some(t) = track_id {
        q = q.filter(funnel_alert::Column::TrackId.eq(t));
    }
    if let Some(open) = open {
        q = q.filter(if open {
            funnel_alert::Column::AttributedAt.is_null()
        } else {
            funnel_alert::Column::AttributedAt.is_not_null()
        });
    }
    Ok(q.order_by_desc(funnel_alert::Column::Month)
        .order_by_desc(funnel_alert::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What a funnel task list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub alert_id: Option<i64>,
    pub track_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub status: Option<TaskStatus>,
}

/// Tasks in the scope (an account manager: his own; a director: his tracks' and his own), newest first.
pub async fn tasks(
    db: &impl ConnectionTrait,
    scope: &Scope,
    user_id: i64,
    f: &TaskFilter,
    limit: u64,
) -> AppResult<Vec<funnel_task::Model>> {
    use funnel_task::Column as C;
    let mut q = funnel_task::Entity::find();
    q = match scope {
        Scope::All => q,
        Scope::Tracks(ids) => q.filter(
            Condition::any()
                .add(C::TrackId.is_in(ids.iter().copied()))
                .add(C::OwnerId.eq(user_id)),
        ),
        Scope::Owner(id) => q.filter(C::OwnerId.eq(*id)),
    };
    if let Some(a) = f.alert_id {
        q = q.filter(C::AlertId.eq(a));
    }
    if let Some(t) = f.track_id {
        q = q.filter(C::TrackId.eq(t));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s));
    }
    Ok(q.order_by_desc(C::Id).limit(limit).all(db).await?)
}

/// Opportunities `owner` created in `track` at or after `since` (an add task's progress).
pub async fn tasks_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<funnel_task::Model>> {
    Ok(funnel_task::Entity::find()
        .filter(funnel_task::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn tasks_by_id_map(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, funnel_task::Model>> {
    Ok(tasks_by_ids(db, ids).await?.into_iter().map(|t| (t.id, t)).collect())
}

/// For each add task among `ids`, the deals (not lost) its owner created in
/// its track since it was given: one query, a counted subquery per task row.
pub async fn added_for(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, i64>> {
    use entity::FunnelTaskKind;
    use funnel_task::Column as T;
    use opportunity::Column as O;
    use sea_orm::ActiveEnum;
    use sea_orm::sea_query::{ExprTrait, Query};
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let added = Query::select()
        .expr(Expr::col((opportunity::Entity, O::Id)).count())
        .from(opportunity::Entity)
        .and_where(Expr::col((opportunity::Entity, O::OwnerId)).equals((funnel_task::Entity, T::OwnerId)))
        .and_where(Expr::col((opportunity::Entity, O::TrackId)).equals((funnel_task::Entity, T::TrackId)))
        .and_where(Expr::col((opportunity::Entity, O::CreatedAt)).gte(Expr::col((funnel_task::Entity, T::CreatedAt))))
        .and_where(Expr::col((opportunity::Entity, O::Status)).ne(OpportunityStatus::Lost.to_value()))
        .to_owned();
    let rows: Vec<(i64, i64)> = funnel_task::Entity::find()
        .select_only()
        .column(T::Id)
        .expr(Expr::SubQuery(None, Box::new(added.into())))
        .filter(T::Id.is_in(ids.iter().copied()))
        .filter(T::Kind.eq(FunnelTaskKind::AddOpportunities))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Month-end snapshots of every track, each with its stage rows: a track
/// already snapshotted for the month keeps its first row and its stages (a
/// rerun or a second process writes nothing). Returns how many were written.
pub async fn insert_snapshots(
    db: &impl ConnectionTrait,
    rows: Vec<(i64, funnel_snapshot::ActiveModel, Vec<funnel_snapshot_stage::ActiveModel>)>,
    month: NaiveDate,
) -> AppResult<u64> {
    let taken: Vec<i64> = funnel_snapshot::Entity::find()
        .select_only()
        .column(funnel_snapshot::Column::TrackId)
        .filter(funnel_snapshot::Column::Month.eq(month))
        .into_tuple()
        .all(db)
        .await?;
    let rows: Vec<_> = rows.into_iter().filter(|(t, _, _)| !taken.contains(t)).collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let tracks: Vec<i64> = rows.iter().map(|(t, _, _)| *t).collect();
    let mut stages = Vec::new();
    let mut snapshots = Vec::new();
    for (t, row, s) in rows {
        snapshots.push(row);
        stages.push((t, s));
    }
    let written = funnel_snapshot::Entity::insert_many(snapshots)
        .on_conflict_do_nothing_on([funnel_snapshot::Column::TrackId, funnel_snapshot::Column::Month])
        .exec_without_returning(db)
        .await?;
    let ids: std::collections::HashMap<i64, i64> = funnel_snapshot::Entity::find()
        .select_only()
        .column(funnel_snapshot::Column::TrackId)
        .column(funnel_snapshot::Column::Id)
        .filter(funnel_snapshot::Column::Month.eq(month))
        .filter(funnel_snapshot::Column::TrackId.is_in(tracks))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let stage_rows: Vec<funnel_snapshot_stage::ActiveModel> = stages
        .into_iter()
        .filter_map(|(t, s)| ids.get(&t).map(|id| (*id, s)))
        .flat_map(|(id, s)| {
            s.into_iter().map(move |mut r| {
                r.snapshot_id = Set(id);
                r
            })
        })
        .collect();
    if !stage_rows.is_empty() {
        funnel_snapshot_stage::Entity::insert_many(stage_rows)
            .on_conflict_do_nothing_on([funnel_snapshot_stage::Column::SnapshotId, funnel_snapshot_stage::Column::Stage])
            .exec_without_returning(db)
            .await?;
    }
    Ok(match written {
        sea_orm::TryInsertResult::Inserted(n) => n,
        sea_orm::TryInsertResult::Empty | sea_orm::TryInsertResult::Conflicted => 0,
    })
}

/// A track's snapshots of the months `from..=to`, oldest first (the unique index serves it).
pub async fn snapshots(db: &impl ConnectionTrait, track_id: i64, from: NaiveDate, to: NaiveDate) -> AppResult<Vec<funnel_snapshot::Model>> {
    Ok(funnel_snapshot::Entity::find()
        .filter(funnel_snapshot::Column::TrackId.eq(track_id))
        .filter(funnel_snapshot::Column::Month.between(from, to))
        .order_by_asc(funnel_snapshot::Column::Month)
        .all(db)
        .await?)
}

/// The month-end snapshots of `month` of these tracks (`None`: every
/// track's), each with its stage rows: two reads, by the snapshot's month
/// and by the stages' snapshot.
pub async fn month_snapshots(
    db: &impl ConnectionTrait,
    tracks: Option<&[i64]>,
    month: NaiveDate,
) -> AppResult<Vec<(funnel_snapshot::Model, Vec<funnel_snapshot_stage::Model>)>> {
    let mut q = funnel_snapshot::Entity::find().filter(funnel_snapshot::Column::Month.eq(month));
    if let Some(ids) = tracks {
        q = q.filter(funnel_snapshot::Column::TrackId.is_in(ids.iter().copied()));
    }
    let snapshots = q.order_by_asc(funnel_snapshot::Column::TrackId).all(db).await?;
    let ids: Vec<i64> = snapshots.iter().map(|s| s.id).collect();
    let mut stages: std::collections::HashMap<i64, Vec<funnel_snapshot_stage::Model>> = std::collections::HashMap::new();
    if !ids.is_empty() {
        for row in funnel_snapshot_stage::Entity::find()
            .filter(funnel_snapshot_stage::Column::SnapshotId.is_in(ids))
            .all(db)
            .await?
        {
            stages.entry(row.snapshot_id).or_default().push(row);
        }
    }
    Ok(snapshots
        .into_iter()
        .map(|s| {
            let rows = stages.remove(&s.id).unwrap_or_default();
            (s, rows)
        })
        .collect())
}

/// How many tasks were dispatched for an alert.
pub async fn tasks_of_alert(db: &impl ConnectionTrait, alert_id: i64) -> AppResult<u64> {
    Ok(funnel_task::Entity::find()
        .filter(funnel_task::Column::AlertId.eq(alert_id))
        .count(db)
        .await?)
}

/// A track's funnel alert of `month`, if the check raised one (the unique index serves it).
pub async fn alert_of(db: &impl ConnectionTrait, track_id: i64, month: NaiveDate) -> AppResult<Option<funnel_alert::Model>> {
    Ok(funnel_alert::Entity::find()
        .filter(funnel_alert::Column::TrackId.eq(track_id))
        .filter(funnel_alert::Column::Month.eq(month))
        .one(db)
        .await?)
}
