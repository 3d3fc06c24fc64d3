//! The funnel reviews' reads: a track's alerts of a month by rule and
//! decision, its restart-due alerts and shelved deals of a month, its funnel
//! tasks of a month, a snapshot's stages; a quarter's repeat-rule alerts by
//! account manager and month, and its shelvings by reason. Each a GROUP BY
//! or a bounded range read over an index (migration 15).

use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    AlertDecision, AlertRule, HistoryField, OpportunityStatus, ShelveReason, alert, funnel_snapshot_stage, funnel_task, opportunity,
    opportunity_history,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// A half-open range of instants `[from, to)`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A track's anomaly alerts raised in `span`, counted by (rule, decision).
pub async fn outcomes(db: &impl ConnectionTrait, track_id: i64, span: Span) -> AppResult<Vec<(AlertRule, Option<AlertDecision>, i64)>> {
    use alert::Column as A;
    Ok(alert::Entity::find()
        .select_only()
        .column(A::Rule)
        .column(A::Decision)
        .expr(Expr::col((alert::Entity, A::Id)).count())
        .filter(A::TrackId.eq(track_id))
        .filter(A::RaisedAt.gte(span.from))
        .filter(A::RaisedAt.lt(span.to))
        .group_by(A::Rule)
        .group_by(A::Decision)
        .into_tuple()
        .all(db)
        .await?)
}

/// A restart-due alert of the month: the deal, its restart date, when it was due and answered.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartAlert {
    pub alert_id: i64,
    pub opportunity_id: i64,
    pub restart_date: NaiveDate,
    pub raised_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub decision: Option<AlertDecision>,
}

/// A track's restart-due alerts whose restart date lies in `[first, last]`, by date, at most `limit`.
pub async fn restart_alerts(
    db: &impl ConnectionTrait,
    track_id: i64,
    first: NaiveDate,
    last: NaiveDate,
    limit: u64,
) -> AppResult<Vec<RestartAlert>> {
    use alert::Column as A;
    type Row = (
        i64,
        i64,
        Option<NaiveDate>,
        DateTime<Utc>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<AlertDecision>,
    );
    let rows: Vec<Row> = alert::Entity::find()
        .select_only()
        .columns([
            A::Id,
            A::OpportunityId,
            A::CycleDate,
            A::RaisedAt,
            A::DueAt,
            A::ResolvedAt,
            A::Decision,
        ])
        .filter(A::TrackId.eq(track_id))
        .filter(A::Rule.eq(AlertRule::ShelveRestartDue))
        .filter(A::CycleDate.between(first, last))
        .order_by_asc(A::CycleDate)
        .order_by_asc(A::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(alert_id, opportunity_id, date, raised_at, due_at, resolved_at, decision)| {
            Some(RestartAlert {
                alert_id,
                opportunity_id,
                restart_date: date?,
                raised_at,
                due_at,
                resolved_at,
                decision,
            })
        })
        .collect())
}

/// A track's deals shelved now with a restart date in `[first, last]`: (id, restart date), by date.
pub async fn shelved_due(
    db: &impl ConnectionTrait,
    track_id: i64,
    first: NaiveDate,
    last: NaiveDate,
    limit: u64,
) -> AppResult<Vec<(i64, NaiveDate)>> {
    use opportunity::Column as O;
    let rows: Vec<(i64, Option<NaiveDate>)> = opportunity::Entity::find()
        .select_only()
        .columns([O::Id, O::RestartDate])
        .filter(O::Status.eq(OpportunityStatus::Shelved))
        .filter(O::RestartDate.between(first, last))
        .filter(O::TrackId.eq(track_id))
        .order_by_asc(O::RestartDate)
        .order_by_asc(O::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, d)| Some((id, d?))).collect())
}

/// When each of these deals left `SHELVED` (reactivated or lost, by any
/// path) at or after `since`: (deal, instant) rows of the status history, oldest first.
pub async fn left_shelf(db: &impl ConnectionTrait, ids: &[i64], since: DateTime<Utc>) -> AppResult<Vec<(i64, DateTime<Utc>)>> {
    use opportunity_history::Column as H;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(opportunity_history::Entity::find()
        .select_only()
        .columns([H::OpportunityId, H::At])
        .filter(H::OpportunityId.is_in(ids.iter().copied()))
        .filter(H::Field.eq(HistoryField::Status))
        .filter(H::FromValue.eq(OpportunityStatus::Shelved.to_value()))
        .filter(H::At.gte(since))
        .order_by_asc(H::At)
        .into_tuple()
        .all(db)
        .await?)
}

/// A track's funnel tasks given in `span`, oldest first, at most `limit`.
pub async fn tasks_given(db: &impl ConnectionTrait, track_id: i64, span: Span, limit: u64) -> AppResult<Vec<funnel_task::Model>> {
    use funnel_task::Column as T;
    Ok(funnel_task::Entity::find()
        .filter(T::TrackId.eq(track_id))
        .filter(T::CreatedAt.gte(span.from))
        .filter(T::CreatedAt.lt(span.to))
        .order_by_asc(T::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// A snapshot's stage rows.
pub async fn snapshot_stages(db: &impl ConnectionTrait, snapshot_id: i64) -> AppResult<Vec<funnel_snapshot_stage::Model>> {
    Ok(funnel_snapshot_stage::Entity::find()
        .filter(funnel_snapshot_stage::Column::SnapshotId.eq(snapshot_id))
        .all(db)
        .await?)
}

fn in_month(from: DateTime<Utc>, to: DateTime<Utc>) -> SimpleExpr {
    let at = Expr::col((alert::Entity, alert::Column::RaisedAt));
    Expr::case(at.clone().gte(from).and(at.lt(to)), 1).finally(0).into()
}

/// A quarter's alerts of `rules` in the tracks (`None`: every track), by
/// (account manager, rule), counted in each of its three months
/// (`months`: the four boundaries, company time).
pub async fn repeat_counts(
    db: &impl ConnectionTrait,
    tracks: Option<&[i64]>,
    rules: &[AlertRule],
    months: [DateTime<Utc>; 4],
) -> AppResult<Vec<(i64, AlertRule, [i64; 3])>> {
    use alert::Column as A;
    let big = |e: SimpleExpr| e.sum().cast_as(Alias::new("BIGINT"));
    let mut q = alert::Entity::find()
        .select_only()
        .column(A::OwnerId)
        .column(A::Rule)
        .expr(big(in_month(months[0], months[1])))
        .expr(big(in_month(months[1], months[2])))
        .expr(big(in_month(months[2], months[3])))
        .filter(A::RaisedAt.gte(months[0]))
        .filter(A::RaisedAt.lt(months[3]))
        .filter(A::Rule.is_in(rules.iter().copied()));
    if let Some(ids) = tracks {
        q = q.filter(A::TrackId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, AlertRule, i64, i64, i64)> = q.group_by(A::OwnerId).group_by(A::Rule).into_tuple().all(db).await?;
    Ok(rows.into_iter().map(|(am, rule, a, b, c)| (am, rule, [a, b, c])).collect())
}

/// The deals of the tracks shelved in `span` (the status history says when,
/// or a `SHELVE` answer to an alert for a deal shelved already), counted
/// once each by their latest shelve reason.
pub async fn shelvings(db: &impl ConnectionTrait, tracks: Option<&[i64]>, span: Span) -> AppResult<Vec<(ShelveReason, i64)>> {
    use opportunity::Column as O;
    use opportunity_history::Column as H;
    let shelved = Query::select()
        .expr(Expr::val(1))
        .from(opportunity_history::Entity)
        .and_where(Expr::col((opportunity_history::Entity, H::OpportunityId)).equals((opportunity::Entity, O::Id)))
        .and_where(Expr::col((opportunity_history::Entity, H::At)).gte(span.from))
        .and_where(Expr::col((opportunity_history::Entity, H::At)).lt(span.to))
        .and_where(Expr::col((opportunity_history::Entity, H::Field)).eq(HistoryField::Status.to_value()))
        .and_where(Expr::col((opportunity_history::Entity, H::ToValue)).eq(OpportunityStatus::Shelved.to_value()))
        .to_owned();
    // Shelved again in answer to an alert (already shelved: no status change to record).
    let reshelved = Query::select()
        .expr(Expr::val(1))
        .from(alert::Entity)
        .and_where(Expr::col((alert::Entity, alert::Column::OpportunityId)).equals((opportunity::Entity, O::Id)))
        .and_where(Expr::col((alert::Entity, alert::Column::Decision)).eq(AlertDecision::Shelve.to_value()))
        .and_where(Expr::col((alert::Entity, alert::Column::ResolvedAt)).gte(span.from))
        .and_where(Expr::col((alert::Entity, alert::Column::ResolvedAt)).lt(span.to))
        .to_owned();
    let mut q = opportunity::Entity::find()
        .select_only()
        .column(O::ShelveReason)
        .expr(Expr::col((opportunity::Entity, O::Id)).count())
        .filter(O::ShelveReason.is_not_null())
        .filter(Expr::exists(shelved).or(Expr::exists(reshelved)));
    if let Some(ids) = tracks {
        q = q.filter(O::TrackId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(Option<ShelveReason>, i64)> = q.group_by(O::ShelveReason).into_tuple().all(db).await?;
    Ok(rows.into_iter().filter_map(|(r, n)| Some((r?, n))).collect())
}
