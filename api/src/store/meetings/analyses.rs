//! The quarterly task counts, and a board row's analysis.

use super::*;

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
