//! The ranking board's figures, summed in SQL: per track and per account
//! manager over a period's months, from the monthly rollup of sales and
//! orders (`erp_month`), the targets, the expenses and the month-end
//! receivables. Each is one GROUP BY over an index range of months; the
//! values and ranks are `domain::board`'s.

use crate::domain::board::Sums;
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::{TargetKind, erp_expense, erp_month, erp_receivable, target, track_member, user};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// What one period sums to, per track and per account manager.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PeriodSums {
    pub tracks: HashMap<i64, Sums>,
    pub managers: HashMap<i64, Sums>,
}

/// `CAST(SUM(col) AS BIGINT)`: PostgreSQL sums a bigint into a numeric.
fn sum(col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    Expr::col(col).sum().cast_as(Alias::new("BIGINT"))
}

/// Every figure of the months `first..=last` (first days of months).
pub async fn sums(db: &impl ConnectionTrait, first: NaiveDate, last: NaiveDate) -> AppResult<PeriodSums> {
    let mut out = PeriodSums::default();
    // Sales and orders, from the rollup: per track, then per account manager.
    for by_track in [true, false] {
        let key = if by_track {
            erp_month::Column::TrackId
        } else {
            erp_month::Column::AccountManagerId
        };
        let rows: Vec<(i64, i64, i64, i64, i64, i64)> = erp_month::Entity::find()
            .select_only()
            .column(key)
            .expr(sum(erp_month::Column::RevenueCents))
            .expr(sum(erp_month::Column::CostCents))
            .expr(sum(erp_month::Column::OrdersCents))
            .expr(sum(erp_month::Column::SaleRows))
            .expr(sum(erp_month::Column::OrderRows))
            .filter(erp_month::Column::Month.between(first, last))
            .group_by(key)
            .into_tuple()
            .all(db)
            .await?;
        let into = if by_track { &mut out.tracks } else { &mut out.managers };
        for (id, revenue, cost, orders, sale_rows, order_rows) in rows {
            let s = into.entry(id).or_default();
            if sale_rows > 0 {
                s.revenue = Some(revenue);
                s.cost = Some(cost);
            }
            if order_rows > 0 {
                s.orders = Some(orders);
            }
        }
    }
    // Targets: a track's own (no account manager), and each account manager's.
    for own in [true, false] {
        let key = if own {
            target::Column::TrackId
        } else {
            target::Column::AccountManagerId
        };
        let manager = if own {
            target::Column::AccountManagerId.is_null()
        } else {
            target::Column::AccountManagerId.is_not_null()
        };
        let rows: Vec<(TargetKind, i64, i64)> = target::Entity::find()
            .select_only()
            .column(target::Column::Kind)
            .column(key)
            .expr(sum(target::Column::AmountCents))
            .filter(target::Column::Month.between(first, last))
            .filter(manager)
            .group_by(target::Column::Kind)
            .group_by(key)
            .into_tuple()
            .all(db)
            .await?;
        let into = if own { &mut out.tracks } else { &mut out.managers };
        for (kind, id, amount) in rows {
            let s = into.entry(id).or_default();
            match kind {
                TargetKind::Sales => s.sales_target = Some(amount),
                TargetKind::Orders => s.order_target = Some(amount),
            }
        }
    }
    let expenses: Vec<(i64, i64)> = erp_expense::Entity::find()
        .select_only()
        .column(erp_expense::Column::TrackId)
        .expr(sum(erp_expense::Column::AmountCents))
        .filter(erp_expense::Column::Month.between(first, last))
        .group_by(erp_expense::Column::TrackId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, amount) in expenses {
        out.tracks.entry(track).or_default().expenses = Some(amount);
    }
    // Receivables: each track's balance at the latest month-end of the
    // period that has one (rows in month order, so the latest stays).
    let receivables: Vec<(i64, NaiveDate, i64)> = erp_receivable::Entity::find()
        .select_only()
        .column(erp_receivable::Column::TrackId)
        .column(erp_receivable::Column::Month)
        .expr(sum(erp_receivable::Column::BalanceCents))
        .filter(erp_receivable::Column::Month.between(first, last))
        .group_by(erp_receivable::Column::TrackId)
        .group_by(erp_receivable::Column::Month)
        .order_by_asc(erp_receivable::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (track, _, balance) in receivables {
        out.tracks.entry(track).or_default().receivables = Some(balance);
    }
    Ok(out)
}

/// An account manager as the board lists him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    pub id: i64,
    pub name: String,
    /// His track now; none when he has left every track.
    pub track_id: Option<i64>,
}

/// Every account manager who is a member of a track, and any other user
/// in `also` (those with figures in the period), with his track.
pub async fn managers(db: &impl ConnectionTrait, also: &[i64]) -> AppResult<Vec<Manager>> {
    let members: Vec<(i64, i64)> = track_member::Entity::find()
        .select_only()
        .columns([track_member::Column::UserId, track_member::Column::TrackId])
        .into_tuple()
        .all(db)
        .await?;
    let track_of: HashMap<i64, i64> = members.into_iter().collect();
    let with_figures: std::collections::HashSet<i64> = also.iter().copied().collect();
    let mut ids: Vec<i64> = track_of.keys().copied().chain(also.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::erp::CHUNK) {
        let users: Vec<(i64, String, entity::Role)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Name, user::Column::Role])
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(
            users
                .into_iter()
                .filter(|(id, _, role)| *role == entity::Role::AccountManager || with_figures.contains(id))
                .map(|(id, name, _)| Manager {
                    id,
                    name,
                    track_id: track_of.get(&id).copied(),
                }),
        );
    }
    Ok(out)
}
