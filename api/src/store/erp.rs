//! The ERP facts, the targets, the monthly rollup and the batch log.
//! Everything here is set-based: a batch is read and written in chunks of
//! rows per statement, and the rollup is recomputed by one
//! `INSERT … SELECT … GROUP BY` for the months and account managers a batch
//! touched.

use crate::domain::erp::{Column, FactRow, RawRow, Refs, target_key};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BatchSource, ErpKind, Role, TargetKind, erp_batch, erp_expense, erp_month, erp_order, erp_receivable, erp_sale, opportunity, target,
    track, track_member, user,
};
use sea_orm::sea_query::{Alias, Expr, Query, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, Unchanged};
use std::collections::{BTreeSet, HashMap};

/// Rows per statement: well inside SQLite's 32,766 bound parameters.
pub(crate) const CHUNK: usize = 1_000;

/// What the names and ids of `rows` stand for.
pub async fn refs(db: &impl ConnectionTrait, rows: &[RawRow]) -> AppResult<Refs> {
    let mut refs = Refs::default();
    for t in track::Entity::find().all(db).await? {
        refs.tracks.insert(t.name, t.id);
    }
    let users: Vec<(i64, String, Role)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Email, user::Column::Role])
        .into_tuple()
        .all(db)
        .await?;
    for (id, email, role) in users {
        refs.users.insert(email.to_lowercase(), (id, role == Role::AccountManager));
    }
    for m in track_member::Entity::find().all(db).await? {
        refs.memberships.insert((m.user_id, m.track_id));
    }
    let ids: BTreeSet<i64> = rows
        .iter()
        .filter_map(|r| r.get(Column::Opportunity))
        .filter_map(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
        .collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(i64, i64)> = opportunity::Entity::find()
            .select_only()
            .columns([opportunity::Column::Id, opportunity::Column::TrackId])
            .filter(opportunity::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        refs.opportunities.extend(found);
    }
    Ok(refs)
}

/// The rows already stored under the keys of `facts`: key → (id, row).
pub async fn existing(db: &impl ConnectionTrait, kind: ErpKind, facts: &[FactRow]) -> AppResult<HashMap<String, (i64, FactRow)>> {
    let mut out = HashMap::with_capacity(facts.len());
    if let Some(tk) = crate::domain::erp::target_kind(kind) {
        let months: BTreeSet<NaiveDate> = facts.iter().map(|f| f.month).collect();
        let found = target::Entity::find()
            .filter(target::Column::Kind.eq(tk))
            .filter(target::Column::Month.is_in(months))
            .all(db)
            .await?;
        for t in found {
            let row = target_row(&t);
            out.insert(row.key.clone(), (t.id, row));
        }
        return Ok(out);
    }
    let keys: Vec<String> = facts.iter().map(|f| f.key.clone()).collect();
    for chunk in keys.chunks(CHUNK) {
        let chunk = chunk.iter().cloned();
        let rows: Vec<(i64, FactRow)> = match kind {
            ErpKind::Orders => erp_order::Entity::find()
                .filter(erp_order::Column::ExternalId.is_in(chunk))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, order_row(m)))
                .collect(),
            ErpKind::Sales => erp_sale::Entity::find()
                .filter(erp_sale::Column::ExternalId.is_in(chunk))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, sale_row(m)))
                .collect(),
            ErpKind::Expenses => erp_expense::Entity::find()
                .filter(erp_expense::Column::ExternalId.is_in(chunk))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, expense_row(m)))
                .collect(),
            ErpKind::Receivables => erp_receivable::Entity::find()
                .filter(erp_receivable::Column::ExternalId.is_in(chunk))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, receivable_row(m)))
                .collect(),
            ErpKind::SalesTargets | ErpKind::OrderTargets => Vec::new(),
        };
        for (id, row) in rows {
            out.insert(row.key.clone(), (id, row));
        }
    }
    Ok(out)
}

fn blank(key: String, month: NaiveDate, track_id: i64, amount_cents: i64) -> FactRow {
    FactRow {
        external_id: Some(key.clone()),
        key,
        month,
        date: None,
        track_id,
        account_manager_id: None,
        customer: None,
        opportunity_id: None,
        amount_cents,
        cost_cents: None,
    }
}

fn order_row(m: erp_order::Model) -> FactRow {
    FactRow {
        date: Some(m.order_date),
        account_manager_id: Some(m.account_manager_id),
        customer: Some(m.customer),
        opportunity_id: m.opportunity_id,
        ..blank(m.external_id, m.month, m.track_id, m.amount_cents)
    }
}

fn sale_row(m: erp_sale::Model) -> FactRow {
    FactRow {
        date: Some(m.sale_date),
        account_manager_id: Some(m.account_manager_id),
        cost_cents: Some(m.cost_cents),
        ..blank(m.external_id, m.month, m.track_id, m.revenue_cents)
    }
}

fn expense_row(m: erp_expense::Model) -> FactRow {
    blank(m.external_id, m.month, m.track_id, m.amount_cents)
}

fn receivable_row(m: erp_receivable::Model) -> FactRow {
    blank(m.external_id, m.month, m.track_id, m.balance_cents)
}

fn target_row(t: &target::Model) -> FactRow {
    FactRow {
        key: target_key(t.track_id, t.account_manager_id, t.month),
        external_id: None,
        month: t.month,
        date: None,
        track_id: t.track_id,
        account_manager_id: t.account_manager_id,
        customer: None,
        opportunity_id: None,
        amount_cents: t.amount_cents,
        cost_cents: None,
    }
}

/// What one accepted batch did, for its log row.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub kind: ErpKind,
    pub source: BatchSource,
    pub file_name: Option<String>,
    pub actor_id: Option<i64>,
    pub row_count: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub first_month: Option<NaiveDate>,
    pub last_month: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// One batch's log row.
pub async fn batch(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<erp_batch::Model>> {
    Ok(erp_batch::Entity::find_by_id(id).one(db).await?)
}

/// Logs an accepted batch; its id marks the rows it writes.
pub async fn insert_batch(db: &impl ConnectionTrait, b: NewBatch) -> AppResult<i64> {
    let row = erp_batch::ActiveModel {
        kind: Set(b.kind),
        source: Set(b.source),
        file_name: Set(b.file_name),
        actor_id: Set(b.actor_id),
        row_count: Set(b.row_count),
        inserted: Set(b.inserted),
        updated: Set(b.updated),
        unchanged: Set(b.unchanged),
        first_month: Set(b.first_month),
        last_month: Set(b.last_month),
        created_at: Set(b.at),
        ..Default::default()
    };
    Ok(erp_batch::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// Writes new rows (chunked multi-row inserts) and corrected ones (by id).
pub async fn write(db: &impl ConnectionTrait, kind: ErpKind, batch_id: i64, new: &[FactRow], changed: &[(i64, FactRow)]) -> AppResult<()> {
    let target = crate::domain::erp::target_kind(kind);
    for chunk in new.chunks(CHUNK) {
        match (kind, target) {
            (_, Some(tk)) => {
                target::Entity::insert_many(chunk.iter().map(|f| target_model(tk, batch_id, f)))
                    .exec_without_returning(db)
                    .await?;
            }
            (ErpKind::Orders, _) => {
                erp_order::Entity::insert_many(chunk.iter().map(|f| order_model(batch_id, f)))
                    .exec_without_returning(db)
                    .await?;
            }
            (ErpKind::Sales, _) => {
                erp_sale::Entity::insert_many(chunk.iter().map(|f| sale_model(batch_id, f)))
                    .exec_without_returning(db)
                    .await?;
            }
            (ErpKind::Expenses, _) => {
                erp_expense::Entity::insert_many(chunk.iter().map(|f| expense_model(batch_id, f)))
                    .exec_without_returning(db)
                    .await?;
            }
            (ErpKind::Receivables, _) => {
                erp_receivable::Entity::insert_many(chunk.iter().map(|f| receivable_model(batch_id, f)))
                    .exec_without_returning(db)
                    .await?;
            }
            (ErpKind::SalesTargets | ErpKind::OrderTargets, None) => {}
        }
    }
    for (row_id, f) in changed {
        let (row_id, id) = (*row_id, Unchanged(*row_id));
        match (kind, target) {
            (_, Some(tk)) => {
                let m = target::ActiveModel {
                    id,
                    ..target_model(tk, batch_id, f)
                };
                target::Entity::update_many()
                    .set(m)
                    .filter(target::Column::Id.eq(row_id))
                    .exec(db)
                    .await?;
            }
            (ErpKind::Orders, _) => {
                let m = erp_order::ActiveModel {
                    id,
                    ..order_model(batch_id, f)
                };
                erp_order::Entity::update_many()
                    .set(m)
                    .filter(erp_order::Column::Id.eq(row_id))
                    .exec(db)
                    .await?;
            }
            (ErpKind::Sales, _) => {
                let m = erp_sale::ActiveModel {
                    id,
                    ..sale_model(batch_id, f)
                };
                erp_sale::Entity::update_many()
                    .set(m)
                    .filter(erp_sale::Column::Id.eq(row_id))
                    .exec(db)
                    .await?;
            }
            (ErpKind::Expenses, _) => {
                let m = erp_expense::ActiveModel {
                    id,
                    ..expense_model(batch_id, f)
                };
                erp_expense::Entity::update_many()
                    .set(m)
                    .filter(erp_expense::Column::Id.eq(row_id))
                    .exec(db)
                    .await?;
            }
            (ErpKind::Receivables, _) => {
                let m = erp_receivable::ActiveModel {
                    id,
                    ..receivable_model(batch_id, f)
                };
                erp_receivable::Entity::update_many()
                    .set(m)
                    .filter(erp_receivable::Column::Id.eq(row_id))
                    .exec(db)
                    .await?;
            }
            (ErpKind::SalesTargets | ErpKind::OrderTargets, None) => {}
        }
    }
    Ok(())
}

fn ext(f: &FactRow) -> String {
    f.external_id.clone().unwrap_or_else(|| f.key.clone())
}

fn order_model(batch_id: i64, f: &FactRow) -> erp_order::ActiveModel {
    erp_order::ActiveModel {
        external_id: Set(ext(f)),
        month: Set(f.month),
        track_id: Set(f.track_id),
        batch_id: Set(batch_id),
        order_date: Set(f.date.unwrap_or(f.month)),
        account_manager_id: Set(f.account_manager_id.unwrap_or_default()),
        customer: Set(f.customer.clone().unwrap_or_default()),
        opportunity_id: Set(f.opportunity_id),
        amount_cents: Set(f.amount_cents),
        ..Default::default()
    }
}

fn sale_model(batch_id: i64, f: &FactRow) -> erp_sale::ActiveModel {
    erp_sale::ActiveModel {
        external_id: Set(ext(f)),
        month: Set(f.month),
        track_id: Set(f.track_id),
        batch_id: Set(batch_id),
        sale_date: Set(f.date.unwrap_or(f.month)),
        account_manager_id: Set(f.account_manager_id.unwrap_or_default()),
        revenue_cents: Set(f.amount_cents),
        cost_cents: Set(f.cost_cents.unwrap_or_default()),
        ..Default::default()
    }
}

fn expense_model(batch_id: i64, f: &FactRow) -> erp_expense::ActiveModel {
    erp_expense::ActiveModel {
        external_id: Set(ext(f)),
        month: Set(f.month),
        track_id: Set(f.track_id),
        batch_id: Set(batch_id),
        amount_cents: Set(f.amount_cents),
        ..Default::default()
    }
}

fn receivable_model(batch_id: i64, f: &FactRow) -> erp_receivable::ActiveModel {
    erp_receivable::ActiveModel {
        external_id: Set(ext(f)),
        month: Set(f.month),
        track_id: Set(f.track_id),
        batch_id: Set(batch_id),
        balance_cents: Set(f.amount_cents),
        ..Default::default()
    }
}

fn target_model(kind: TargetKind, batch_id: i64, f: &FactRow) -> target::ActiveModel {
    target::ActiveModel {
        kind: Set(kind),
        track_id: Set(f.track_id),
        account_manager_id: Set(f.account_manager_id),
        month: Set(f.month),
        amount_cents: Set(f.amount_cents),
        batch_id: Set(batch_id),
        ..Default::default()
    }
}

/// Recomputes the rollup of sales and orders for every (track, account
/// manager, month) with one of `months` and one of `managers`, from the
/// facts, in one DELETE and one INSERT … SELECT per chunk of managers.
pub async fn refresh_rollup(db: &impl ConnectionTrait, months: &BTreeSet<NaiveDate>, managers: &BTreeSet<i64>) -> AppResult<()> {
    if months.is_empty() || managers.is_empty() {
        return Ok(());
    }
    let managers: Vec<i64> = managers.iter().copied().collect();
    let months: Vec<NaiveDate> = months.iter().copied().collect();
    for chunk in managers.chunks(CHUNK) {
        let delete = Query::delete()
            .from_table(erp_month::Entity)
            .and_where(erp_month::Column::Month.is_in(months.iter().copied()))
            .and_where(erp_month::Column::AccountManagerId.is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&delete).await?;
        let zero = || Expr::cust("0");
        let one = || Expr::cust("1");
        let mut facts = Query::select()
            .column(erp_sale::Column::TrackId)
            .column(erp_sale::Column::AccountManagerId)
            .column(erp_sale::Column::Month)
            .expr_as(Expr::col(erp_sale::Column::RevenueCents), Alias::new("revenue"))
            .expr_as(Expr::col(erp_sale::Column::CostCents), Alias::new("cost"))
            .expr_as(zero(), Alias::new("orders"))
            .expr_as(one(), Alias::new("sale_rows"))
            .expr_as(zero(), Alias::new("order_rows"))
            .from(erp_sale::Entity)
            .and_where(erp_sale::Column::Month.is_in(months.iter().copied()))
            .and_where(erp_sale::Column::AccountManagerId.is_in(chunk.iter().copied()))
            .to_owned();
        let orders = Query::select()
            .column(erp_order::Column::TrackId)
            .column(erp_order::Column::AccountManagerId)
            .column(erp_order::Column::Month)
            .expr(zero())
            .expr(zero())
            .expr(Expr::col(erp_order::Column::AmountCents))
            .expr(zero())
            .expr(one())
            .from(erp_order::Entity)
            .and_where(erp_order::Column::Month.is_in(months.iter().copied()))
            .and_where(erp_order::Column::AccountManagerId.is_in(chunk.iter().copied()))
            .to_owned();
        facts.union(UnionType::All, orders);
        let f = Alias::new("f");
        let sum = |c: &str| super::money_sum(db.get_database_backend(), Expr::col(Alias::new(c)));
        let grouped = Query::select()
            .column((f.clone(), Alias::new("track_id")))
            .column((f.clone(), Alias::new("account_manager_id")))
            .column((f.clone(), Alias::new("month")))
            .expr(sum("revenue"))
            .expr(sum("cost"))
            .expr(sum("orders"))
            .expr(sum("sale_rows"))
            .expr(sum("order_rows"))
            .from_subquery(facts, f.clone())
            .group_by_col((f.clone(), Alias::new("track_id")))
            .group_by_col((f.clone(), Alias::new("account_manager_id")))
            .group_by_col((f.clone(), Alias::new("month")))
            .to_owned();
        let insert = Query::insert()
            .into_table(erp_month::Entity)
            .columns([
                erp_month::Column::TrackId,
                erp_month::Column::AccountManagerId,
                erp_month::Column::Month,
                erp_month::Column::RevenueCents,
                erp_month::Column::CostCents,
                erp_month::Column::OrdersCents,
                erp_month::Column::SaleRows,
                erp_month::Column::OrderRows,
            ])
            .select_from(grouped)
            .map_err(crate::error::AppError::internal)?
            .to_owned();
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Rows after which a batch refreshes PostgreSQL's statistics of what it
/// wrote (in its own transaction): without them, the next batch's lookup
/// of its external ids is planned as a scan of the whole table (seen: a
/// second batch of 100,000 orders took 208 s instead of 2).
pub const ANALYZE_AFTER_ROWS: usize = 10_000;

/// PostgreSQL only: `ANALYZE` of the tables a batch of `kind` wrote (and
/// of the rollup for sales and orders). SQLite plans from its indexes.
pub async fn analyze(db: &impl ConnectionTrait, kind: ErpKind) -> AppResult<()> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    let tables: &[&str] = match kind {
        ErpKind::Orders => &["erp_order", "erp_month"],
        ErpKind::Sales => &["erp_sale", "erp_month"],
        ErpKind::Expenses => &["erp_expense"],
        ErpKind::Receivables => &["erp_receivable"],
        ErpKind::SalesTargets | ErpKind::OrderTargets => &["target"],
    };
    for t in tables {
        db.execute_unprepared(&format!("ANALYZE {t}")).await?;
    }
    Ok(())
}
