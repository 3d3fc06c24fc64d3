//! The order-health board's sums, per track, in SQL: order targets by
//! month, orders booked by month (the `erp_month` rollup), the open active
//! deals by stage and the `H_POTENTIAL` deals expected this month. Four
//! GROUP BYs over index ranges; the figures are `domain::health`'s.

use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{OpportunityStatus, Stage, TargetKind, erp_month, opportunity, target};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// One track's sums for the board; amounts in fen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackSums {
    /// Order targets by month (first days), the track's own.
    pub targets: Vec<(NaiveDate, i64)>,
    /// Orders booked by month (first days), from January to the month asked.
    pub orders: Vec<(NaiveDate, i64)>,
    /// The open active deals' amounts by stage (pipeline stages only).
    pub pipeline: Vec<(Stage, i64)>,
    /// The precision amounts of the active `H_POTENTIAL` deals ordering in the month asked.
    pub h_potential: i64,
}

/// Σ of an amount column that cannot overflow (`store::money_sum`).
fn sum(b: sea_orm::DbBackend, col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    super::money_sum(b, Expr::col(col))
}

/// What the board needs.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Only these tracks (`None`: every track).
    pub tracks: Option<&'a [i64]>,
    /// The year's January and December (first days).
    pub year: (NaiveDate, NaiveDate),
    /// The month of "now" in that year (first day): orders up to it.
    pub month: NaiveDate,
    /// Live pipeline figures (the year is this one): deals followed up at or after this instant.
    pub active_since: Option<DateTime<Utc>>,
    /// One account manager's own figures (his targets, orders and deals) instead of his tracks'.
    pub owner: Option<i64>,
}

/// Every track's sums, by track id (tracks without any figure are absent).
pub async fn sums(db: &impl ConnectionTrait, ask: Ask<'_>) -> AppResult<HashMap<i64, TrackSums>> {
    let b = db.get_database_backend();
    let mut out: HashMap<i64, TrackSums> = HashMap::new();
    let only = |col: sea_orm::sea_query::SimpleExpr| match ask.tracks {
        Some(ids) => col.is_in(ids.iter().copied()),
        None => Expr::value(true),
    };
    let (january, december) = ask.year;
    let targets: Vec<(i64, NaiveDate, i64)> = target::Entity::find()
        .select_only()
        .column(target::Column::TrackId)
        .column(target::Column::Month)
        .expr(sum(b, target::Column::AmountCents))
        .filter(target::Column::Kind.eq(TargetKind::Orders))
        .filter(match ask.owner {
            Some(am) => target::Column::AccountManagerId.eq(am),
            None => target::Column::AccountManagerId.is_null(),
        })
        .filter(target::Column::Month.between(january, december))
        .filter(only(Expr::col(target::Column::TrackId)))
        .group_by(target::Column::TrackId)
        .group_by(target::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (track, month, amount) in targets {
        out.entry(track).or_default().targets.push((month, amount));
    }
    let orders: Vec<(i64, NaiveDate, i64)> = erp_month::Entity::find()
        .select_only()
        .column(erp_month::Column::TrackId)
        .column(erp_month::Column::Month)
        .expr(sum(b, erp_month::Column::OrdersCents))
        .filter(erp_month::Column::Month.between(january, ask.month))
        .filter(erp_month::Column::OrderRows.gt(0))
        .filter(
            ask.owner
                .map_or(Expr::value(true), |am| Expr::col(erp_month::Column::AccountManagerId).eq(am)),
        )
        .filter(only(Expr::col(erp_month::Column::TrackId)))
        .group_by(erp_month::Column::TrackId)
        .group_by(erp_month::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (track, month, amount) in orders {
        out.entry(track).or_default().orders.push((month, amount));
    }
    let Some(cutoff) = ask.active_since else { return Ok(out) };
    let pipeline: Vec<(i64, Stage, i64)> = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::TrackId)
        .column(opportunity::Column::Stage)
        .expr(sum(b, opportunity::Column::AmountCents))
        .filter(opportunity::Column::Status.eq(OpportunityStatus::Active))
        .filter(opportunity::Column::LastActivityAt.gte(cutoff))
        .filter(opportunity::Column::Stage.is_in(crate::domain::health::PIPELINE_STAGES))
        .filter(
            ask.owner
                .map_or(Expr::value(true), |am| Expr::col(opportunity::Column::OwnerId).eq(am)),
        )
        .filter(only(Expr::col(opportunity::Column::TrackId)))
        .group_by(opportunity::Column::TrackId)
        .group_by(opportunity::Column::Stage)
        .into_tuple()
        .all(db)
        .await?;
    for (track, stage, amount) in pipeline {
        out.entry(track).or_default().pipeline.push((stage, amount));
    }
    let month_end = crate::domain::calendar::add_months(ask.month, 1).pred_opt().unwrap_or(ask.month);
    let h: Vec<(i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::TrackId)
        .expr(sum(b, opportunity::Column::PrecisionAmountCents))
        .filter(opportunity::Column::Status.eq(OpportunityStatus::Active))
        .filter(opportunity::Column::Stage.eq(Stage::HPotential))
        .filter(opportunity::Column::PrecisionOrderDate.between(ask.month, month_end))
        .filter(
            ask.owner
                .map_or(Expr::value(true), |am| Expr::col(opportunity::Column::OwnerId).eq(am)),
        )
        .filter(only(Expr::col(opportunity::Column::TrackId)))
        .group_by(opportunity::Column::TrackId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, amount) in h {
        out.entry(track).or_default().h_potential = amount;
    }
    Ok(out)
}
