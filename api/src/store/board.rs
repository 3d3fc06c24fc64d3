//! The ranking board's figures, summed in SQL: per track and per account
//! manager over a period's months, from the monthly rollup of sales and
//! orders (`erp_month`), the targets, the expenses and the month-end
//! receivables, the forecasts frozen at the months' start. Each is one GROUP BY over an index range of months; the
//! values and ranks are `domain::board`'s.

use super::SortKey;
use crate::auth::Scope;
use crate::domain::board::Sums;
use crate::domain::page::{FactOrder, Page, Window};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::{ErpKind, TargetKind, erp_expense, erp_month, erp_receivable, forecast_freeze, forecast_month, target, track_member, user};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};

/// What a period's board is made of, read once for the whole board.
pub struct PeriodFigures {
    pub period: crate::domain::board::Period,
    pub previous: crate::domain::board::Period,
    pub now: PeriodSums,
    pub before: PeriodSums,
    pub tracks: Vec<entity::track::Model>,
    /// The account managers whose rows the viewer sees.
    pub managers: Vec<Manager>,
}

/// What one period sums to, per track and per account manager.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PeriodSums {
    pub tracks: HashMap<i64, Sums>,
    pub managers: HashMap<i64, Sums>,
    /// A month of the period had its forecasts frozen: a track without a
    /// forecast row forecast zero.
    pub forecast_frozen: bool,
}

/// The months of `first..=last` whose forecasts were frozen.
async fn frozen_months(db: &impl ConnectionTrait, first: NaiveDate, last: NaiveDate) -> AppResult<Vec<NaiveDate>> {
    Ok(forecast_month::Entity::find()
        .select_only()
        .column(forecast_month::Column::Month)
        .filter(forecast_month::Column::Month.between(first, last))
        .into_tuple()
        .all(db)
        .await?)
}

/// Σ of a column as a BIGINT that cannot overflow (`store::money_sum`).
fn sum(b: sea_orm::DbBackend, col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    super::money_sum(b, Expr::col(col))
}

/// The rollup's sums into `s`: sales and orders only where rows were
/// summed (no row is not a zero).
fn rolled_up(s: &mut Sums, revenue: i64, cost: i64, orders: i64, sale_rows: i64, order_rows: i64) {
    if sale_rows > 0 {
        s.revenue = Some(revenue);
        s.cost = Some(cost);
    }
    if order_rows > 0 {
        s.orders = Some(orders);
    }
}

/// Every figure of the months `first..=last` (first days of months).
pub async fn sums(db: &impl ConnectionTrait, first: NaiveDate, last: NaiveDate) -> AppResult<PeriodSums> {
    let b = db.get_database_backend();
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
            .expr(sum(b, erp_month::Column::RevenueCents))
            .expr(sum(b, erp_month::Column::CostCents))
            .expr(sum(b, erp_month::Column::OrdersCents))
            .expr(sum(b, erp_month::Column::SaleRows))
            .expr(sum(b, erp_month::Column::OrderRows))
            .filter(erp_month::Column::Month.between(first, last))
            .group_by(key)
            .into_tuple()
            .all(db)
            .await?;
        let into = if by_track { &mut out.tracks } else { &mut out.managers };
        for (id, revenue, cost, orders, sale_rows, order_rows) in rows {
            rolled_up(into.entry(id).or_default(), revenue, cost, orders, sale_rows, order_rows);
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
            .expr(sum(b, target::Column::AmountCents))
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
        .expr(sum(b, erp_expense::Column::AmountCents))
        .filter(erp_expense::Column::Month.between(first, last))
        .group_by(erp_expense::Column::TrackId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, amount) in expenses {
        out.tracks.entry(track).or_default().expenses = Some(amount);
    }
    // The subjective forecasts frozen at the start of the period's frozen months, per track,
    // and the orders of those months only.
    let frozen = frozen_months(db, first, last).await?;
    out.forecast_frozen = !frozen.is_empty();
    if out.forecast_frozen {
        let forecasts: Vec<(i64, i64)> = forecast_freeze::Entity::find()
            .select_only()
            .column(forecast_freeze::Column::TrackId)
            .expr(sum(b, forecast_freeze::Column::SubjectiveCents))
            .filter(forecast_freeze::Column::Month.is_in(frozen.iter().copied()))
            .group_by(forecast_freeze::Column::TrackId)
            .into_tuple()
            .all(db)
            .await?;
        for (track, amount) in forecasts {
            out.tracks.entry(track).or_default().forecast = Some(amount);
        }
        let orders: Vec<(i64, i64)> = erp_month::Entity::find()
            .select_only()
            .column(erp_month::Column::TrackId)
            .expr(sum(b, erp_month::Column::OrdersCents))
            .filter(erp_month::Column::Month.is_in(frozen.iter().copied()))
            .group_by(erp_month::Column::TrackId)
            .into_tuple()
            .all(db)
            .await?;
        for (track, amount) in orders {
            out.tracks.entry(track).or_default().forecast_orders = Some(amount);
        }
    }
    // Receivables: each track's balance at the latest month-end of the
    // period that has one (rows in month order, so the latest stays).
    let receivables: Vec<(i64, NaiveDate, i64)> = erp_receivable::Entity::find()
        .select_only()
        .column(erp_receivable::Column::TrackId)
        .column(erp_receivable::Column::Month)
        .expr(sum(b, erp_receivable::Column::BalanceCents))
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

/// Whose figures: one track's, or one account manager's (in every track).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Track(i64),
    Manager(i64),
}

/// One subject's figures month by month over `first..=last`: one GROUP BY
/// month per source. Months without any figure are absent.
pub async fn monthly(db: &impl ConnectionTrait, who: Who, first: NaiveDate, last: NaiveDate) -> AppResult<BTreeMap<NaiveDate, Sums>> {
    let b = db.get_database_backend();
    let mut out: BTreeMap<NaiveDate, Sums> = BTreeMap::new();
    let rollup = match who {
        Who::Track(t) => erp_month::Column::TrackId.eq(t),
        Who::Manager(m) => erp_month::Column::AccountManagerId.eq(m),
    };
    let rows: Vec<(NaiveDate, i64, i64, i64, i64, i64)> = erp_month::Entity::find()
        .select_only()
        .column(erp_month::Column::Month)
        .expr(sum(b, erp_month::Column::RevenueCents))
        .expr(sum(b, erp_month::Column::CostCents))
        .expr(sum(b, erp_month::Column::OrdersCents))
        .expr(sum(b, erp_month::Column::SaleRows))
        .expr(sum(b, erp_month::Column::OrderRows))
        .filter(rollup)
        .filter(erp_month::Column::Month.between(first, last))
        .group_by(erp_month::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (month, revenue, cost, orders, sale_rows, order_rows) in rows {
        rolled_up(out.entry(month).or_default(), revenue, cost, orders, sale_rows, order_rows);
    }
    let whose = match who {
        Who::Track(t) => target::Column::TrackId.eq(t).and(target::Column::AccountManagerId.is_null()),
        Who::Manager(m) => target::Column::AccountManagerId.eq(m),
    };
    let targets: Vec<(NaiveDate, TargetKind, i64)> = target::Entity::find()
        .select_only()
        .column(target::Column::Month)
        .column(target::Column::Kind)
        .expr(sum(b, target::Column::AmountCents))
        .filter(whose)
        .filter(target::Column::Month.between(first, last))
        .group_by(target::Column::Month)
        .group_by(target::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (month, kind, amount) in targets {
        let s = out.entry(month).or_default();
        match kind {
            TargetKind::Sales => s.sales_target = Some(amount),
            TargetKind::Orders => s.order_target = Some(amount),
        }
    }
    // Expenses and receivables are a track's only.
    let Who::Track(track) = who else { return Ok(out) };
    let expenses: Vec<(NaiveDate, i64)> = erp_expense::Entity::find()
        .select_only()
        .column(erp_expense::Column::Month)
        .expr(sum(b, erp_expense::Column::AmountCents))
        .filter(erp_expense::Column::TrackId.eq(track))
        .filter(erp_expense::Column::Month.between(first, last))
        .group_by(erp_expense::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (month, amount) in expenses {
        out.entry(month).or_default().expenses = Some(amount);
    }
    // A frozen month's forecast is the track's rows (none: zero), against its orders.
    let forecasts: Vec<(NaiveDate, i64)> = forecast_freeze::Entity::find()
        .select_only()
        .column(forecast_freeze::Column::Month)
        .expr(sum(b, forecast_freeze::Column::SubjectiveCents))
        .filter(forecast_freeze::Column::TrackId.eq(track))
        .filter(forecast_freeze::Column::Month.between(first, last))
        .group_by(forecast_freeze::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for month in frozen_months(db, first, last).await? {
        let s = out.entry(month).or_default();
        s.forecast = Some(forecasts.iter().find(|(m, _)| *m == month).map_or(0, |(_, a)| *a));
        s.forecast_orders = Some(s.orders.unwrap_or(0));
    }
    let balances: Vec<(NaiveDate, i64)> = erp_receivable::Entity::find()
        .select_only()
        .column(erp_receivable::Column::Month)
        .expr(sum(b, erp_receivable::Column::BalanceCents))
        .filter(erp_receivable::Column::TrackId.eq(track))
        .filter(erp_receivable::Column::Month.between(first, last))
        .group_by(erp_receivable::Column::Month)
        .into_tuple()
        .all(db)
        .await?;
    for (month, balance) in balances {
        out.entry(month).or_default().receivables = Some(balance);
    }
    Ok(out)
}

/// One ERP record, whatever its kind: `amount_cents` is an order's amount,
/// a sale's revenue, the expenses or the balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: ErpKind,
    pub id: i64,
    pub external_id: String,
    /// The day it was booked (orders and sales).
    pub date: Option<NaiveDate>,
    pub month: NaiveDate,
    pub track_id: i64,
    pub account_manager_id: Option<i64>,
    pub customer: Option<String>,
    pub opportunity_id: Option<i64>,
    pub amount_cents: i64,
    /// A sale's cost.
    pub cost_cents: Option<i64>,
}

/// Which records: of a kind, one subject's, in a range of months, in a scope.
#[derive(Debug, Clone)]
pub struct FactFilter {
    pub kind: ErpKind,
    pub who: Who,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub scope: Scope,
}

/// The columns a fact table is filtered and sorted by.
struct FactColumns<C> {
    id: C,
    track: C,
    month: C,
    /// None for the track-only kinds.
    manager: Option<C>,
    date: C,
    amount: C,
}

fn fact_condition<C: ColumnTrait>(f: &FactFilter, c: &FactColumns<C>) -> Option<Condition> {
    let mut cond = Condition::all().add(c.month.between(f.first, f.last));
    cond = match (f.who, c.manager) {
        (Who::Track(t), _) => cond.add(c.track.eq(t)),
        (Who::Manager(m), Some(col)) => cond.add(col.eq(m)),
        (Who::Manager(_), None) => return None,
    };
    Some(match (&f.scope, c.manager) {
        (Scope::All, _) => cond,
        (Scope::Tracks(ids), _) => cond.add(c.track.is_in(ids.iter().copied())),
        (Scope::Owner(me), Some(col)) => cond.add(col.eq(*me)),
        // An account manager's own records carry his name; these carry none.
        (Scope::Owner(_), None) => return None,
    })
}

fn fact_keys<E: EntityTrait>(c: &FactColumns<E::Column>, order: FactOrder) -> Vec<SortKey> {
    let col = |x: E::Column| Expr::col((E::default(), x));
    let (key, descending) = match order {
        FactOrder::DateNewest => (c.date, true),
        FactOrder::DateOldest => (c.date, false),
        FactOrder::AmountLargest => (c.amount, true),
        FactOrder::AmountSmallest => (c.amount, false),
    };
    if descending {
        vec![SortKey::desc(col(key)), SortKey::desc(col(c.id))]
    } else {
        vec![SortKey::asc(col(key)), SortKey::asc(col(c.id))]
    }
}

async fn fact_page<E>(
    db: &impl ConnectionTrait,
    f: &FactFilter,
    c: FactColumns<E::Column>,
    order: FactOrder,
    window: Window,
    with_total: bool,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let Some(cond) = fact_condition(f, &c) else {
        return Ok(Page {
            rows: Vec::new(),
            has_next: false,
            has_previous: false,
            total: with_total.then_some(0),
        });
    };
    let keys = fact_keys::<E>(&c, order);
    super::sorted_page(db, E::find().filter(cond), c.id, &keys, window, with_total).await
}

/// One page of the records behind a figure, in `order`.
pub async fn facts(db: &impl ConnectionTrait, f: &FactFilter, order: FactOrder, window: Window, with_total: bool) -> AppResult<Page<Fact>> {
    use entity::{erp_order as o, erp_sale as s};
    let base = |kind, id, external_id, month, track_id| Fact {
        kind,
        id,
        external_id,
        date: None,
        month,
        track_id,
        account_manager_id: None,
        customer: None,
        opportunity_id: None,
        amount_cents: 0,
        cost_cents: None,
    };
    Ok(match f.kind {
        ErpKind::Sales => {
            let c = FactColumns {
                id: s::Column::Id,
                track: s::Column::TrackId,
                month: s::Column::Month,
                manager: Some(s::Column::AccountManagerId),
                date: s::Column::SaleDate,
                amount: s::Column::RevenueCents,
            };
            fact_page::<s::Entity>(db, f, c, order, window, with_total).await?.map(|r| Fact {
                date: Some(r.sale_date),
                account_manager_id: Some(r.account_manager_id),
                amount_cents: r.revenue_cents,
                cost_cents: Some(r.cost_cents),
                ..base(ErpKind::Sales, r.id, r.external_id, r.month, r.track_id)
            })
        }
        ErpKind::Orders => {
            let c = FactColumns {
                id: o::Column::Id,
                track: o::Column::TrackId,
                month: o::Column::Month,
                manager: Some(o::Column::AccountManagerId),
                date: o::Column::OrderDate,
                amount: o::Column::AmountCents,
            };
            fact_page::<o::Entity>(db, f, c, order, window, with_total).await?.map(|r| Fact {
                date: Some(r.order_date),
                account_manager_id: Some(r.account_manager_id),
                customer: Some(r.customer),
                opportunity_id: r.opportunity_id,
                amount_cents: r.amount_cents,
                ..base(ErpKind::Orders, r.id, r.external_id, r.month, r.track_id)
            })
        }
        ErpKind::Expenses => {
            let c = FactColumns {
                id: erp_expense::Column::Id,
                track: erp_expense::Column::TrackId,
                month: erp_expense::Column::Month,
                manager: None,
                date: erp_expense::Column::Month,
                amount: erp_expense::Column::AmountCents,
            };
            fact_page::<erp_expense::Entity>(db, f, c, order, window, with_total)
                .await?
                .map(|r| Fact {
                    amount_cents: r.amount_cents,
                    ..base(ErpKind::Expenses, r.id, r.external_id, r.month, r.track_id)
                })
        }
        ErpKind::Receivables => {
            let c = FactColumns {
                id: erp_receivable::Column::Id,
                track: erp_receivable::Column::TrackId,
                month: erp_receivable::Column::Month,
                manager: None,
                date: erp_receivable::Column::Month,
                amount: erp_receivable::Column::BalanceCents,
            };
            fact_page::<erp_receivable::Entity>(db, f, c, order, window, with_total)
                .await?
                .map(|r| Fact {
                    amount_cents: r.balance_cents,
                    ..base(ErpKind::Receivables, r.id, r.external_id, r.month, r.track_id)
                })
        }
        // Targets are not records of the ERP.
        ErpKind::SalesTargets | ErpKind::OrderTargets => Page {
            rows: Vec::new(),
            has_next: false,
            has_previous: false,
            total: with_total.then_some(0),
        },
    })
}
