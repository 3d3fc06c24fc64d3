//! The forecast freezes and forecast alerts: the month's two forecasts per
//! (track, account manager) in two GROUP BYs over the open deals, the
//! freeze rows (first stays), the alerts; reads in scope.

use crate::auth::Scope;
use crate::domain::forecast::{PRECISION_STAGES, SUBJECTIVE_STAGES};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::{OpportunityStatus, forecast_alert, forecast_freeze, forecast_month, opportunity};
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::BTreeMap;

/// One (track, account manager)'s two forecasts of a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub subjective_cents: i64,
    pub subjective_deals: i64,
    pub precision_cents: i64,
    pub precision_deals: i64,
}

/// `SUM(COALESCE(col, amount_cents))` as a BIGINT that cannot overflow: a forecast without its own amount counts the deal's.
fn sum_or_amount(b: sea_orm::DbBackend, col: opportunity::Column) -> SimpleExpr {
    let either: SimpleExpr = Func::coalesce([
        Expr::col((opportunity::Entity, col)),
        Expr::col((opportunity::Entity, opportunity::Column::AmountCents)),
    ])
    .into();
    super::money_sum(b, either)
}

/// The month's forecasts as the deals stand now, keyed by (track, account
/// manager), both over `ACTIVE` deals (neither shelved nor lost): the
/// subjective one over those expected to order in `[first, last]`, the
/// precision one over those at `H_POTENTIAL` or later whose precise order date lies in it.
pub async fn figures(db: &impl ConnectionTrait, first: NaiveDate, last: NaiveDate) -> AppResult<BTreeMap<(i64, i64), Figures>> {
    use opportunity::Column as O;
    let b = db.get_database_backend();
    let mut out: BTreeMap<(i64, i64), Figures> = BTreeMap::new();
    let subjective: Vec<(i64, i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(O::TrackId)
        .column(O::OwnerId)
        .expr(sum_or_amount(b, O::ForecastAmountCents))
        .expr(Expr::col((opportunity::Entity, O::Id)).count())
        .filter(O::Status.eq(OpportunityStatus::Active))
        .filter(O::Stage.is_in(SUBJECTIVE_STAGES))
        .filter(O::ExpectedOrderMonth.between(first, last))
        .group_by(O::TrackId)
        .group_by(O::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, cents, deals) in subjective {
        let f = out.entry((track, owner)).or_default();
        f.subjective_cents = cents;
        f.subjective_deals = deals;
    }
    let precision: Vec<(i64, i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(O::TrackId)
        .column(O::OwnerId)
        .expr(sum_or_amount(b, O::PrecisionAmountCents))
        .expr(Expr::col((opportunity::Entity, O::Id)).count())
        .filter(O::Status.eq(OpportunityStatus::Active))
        .filter(O::Stage.is_in(PRECISION_STAGES))
        .filter(O::PrecisionOrderDate.between(first, last))
        .group_by(O::TrackId)
        .group_by(O::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, cents, deals) in precision {
        let f = out.entry((track, owner)).or_default();
        f.precision_cents = cents;
        f.precision_deals = deals;
    }
    Ok(out)
}

/// Marks the month frozen at `at`; `false` when it was frozen already (the first freeze stays).
pub async fn mark_frozen(db: &impl ConnectionTrait, month: NaiveDate, at: chrono::DateTime<chrono::Utc>) -> AppResult<bool> {
    let written = forecast_month::Entity::insert(forecast_month::ActiveModel {
        month: Set(month),
        frozen_at: Set(at),
    })
    .on_conflict_do_nothing_on([forecast_month::Column::Month])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(written, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Writes the month's freeze rows (a row already there stays); returns how many were written.
pub async fn insert_freezes(db: &impl ConnectionTrait, rows: Vec<forecast_freeze::ActiveModel>) -> AppResult<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let written = forecast_freeze::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            forecast_freeze::Column::Month,
            forecast_freeze::Column::TrackId,
            forecast_freeze::Column::OwnerId,
        ])
        .exec_without_returning(db)
        .await?;
    Ok(match written {
        sea_orm::TryInsertResult::Inserted(n) => n,
        sea_orm::TryInsertResult::Empty | sea_orm::TryInsertResult::Conflicted => 0,
    })
}

/// Writes the month's forecast alerts (one per track at most); returns those written, by id.
pub async fn insert_alerts(
    db: &impl ConnectionTrait,
    rows: Vec<forecast_alert::ActiveModel>,
    month: NaiveDate,
) -> AppResult<Vec<forecast_alert::Model>> {
    let before: Vec<i64> = forecast_alert::Entity::find()
        .select_only()
        .column(forecast_alert::Column::Id)
        .filter(forecast_alert::Column::Month.eq(month))
        .into_tuple()
        .all(db)
        .await?;
    if !rows.is_empty() {
        forecast_alert::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([forecast_alert::Column::TrackId, forecast_alert::Column::Month])
            .exec_without_returning(db)
            .await?;
    }
    Ok(forecast_alert::Entity::find()
        .filter(forecast_alert::Column::Month.eq(month))
        .filter(forecast_alert::Column::Id.is_not_in(before))
        .order_by_asc(forecast_alert::Column::Id)
        .all(db)
        .await?)
}

fn scoped_tracks(scope: &Scope, col: impl ColumnTrait, owner_col: impl ColumnTrait) -> Option<Condition> {
    match scope {
        Scope::All => Some(Condition::all()),
        Scope::Tracks(ids) => Some(Condition::all().add(col.is_in(ids.iter().copied()))),
        Scope::Owner(id) => Some(Condition::all().add(owner_col.eq(*id))),
    }
}

/// The month's freeze rows in the scope (an account manager: his own), by
/// id (written by track and account manager), after `after`, at most `limit`.
pub async fn freezes(
    db: &impl ConnectionTrait,
    scope: &Scope,
    month: NaiveDate,
    track_id: Option<i64>,
    after: Option<i64>,
    limit: u64,
) -> AppResult<Vec<forecast_freeze::Model>> {
    use forecast_freeze::Column as F;
    let mut q = forecast_freeze::Entity::find().filter(F::Month.eq(month));
    if let Some(c) = scoped_tracks(scope, F::TrackId, F::OwnerId) {
        q = q.filter(c);
    }
    if let Some(t) = track_id {
        q = q.filter(F::TrackId.eq(t));
    }
    if let Some(a) = after {
        q = q.filter(F::Id.gt(a));
    }
    Ok(q.order_by_asc(F::Id).limit(limit).all(db).await?)
}

pub async fn alert_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<forecast_alert::Model>> {
    Ok(forecast_alert::Entity::find_by_id(id).one(db).await?)
}

/// Forecast alerts of the tracks (`None`: every track), newest month first, at most `limit`.
pub async fn alerts(
    db: &impl ConnectionTrait,
    tracks: Option<&[i64]>,
    track_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<forecast_alert::Model>> {
    use forecast_alert::Column as A;
    let mut q = forecast_alert::Entity::find();
    if let Some(ids) = tracks {
        q = q.filter(A::TrackId.is_in(ids.iter().copied()));
    }
    if let Some(t) = track_id {
        q = q.filter(A::TrackId.eq(t));
    }
    Ok(q.order_by_desc(A::Month).order_by_desc(A::Id).limit(limit).all(db).await?)
}
