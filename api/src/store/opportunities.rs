//! Opportunities (商机), their history, activities and customers.

use super::SortKey;
use crate::auth::Scope;
use crate::domain::page::{OpportunityOrder, Page, Window};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{BusinessLine, HistoryField, OpportunityStatus, Stage, activity, customer, opportunity, opportunity_history, track, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;

/// What a list of opportunities is narrowed to, besides the scope.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub track_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub stage: Option<Stage>,
    pub status: Option<OpportunityStatus>,
    /// `Some((true, cutoff))`: last follow-up at or after the cutoff.
    pub active_since: Option<(bool, DateTime<Utc>)>,
    pub customer_text: Option<String>,
    pub expected_order_month: Option<NaiveDate>,
    /// Only these stages (empty: any).
    pub stages: Vec<Stage>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<OpportunityStatus>,
    /// Only this business line's.
    pub business_line: Option<BusinessLine>,
    /// Precision forecast (精度版) ordering in this month (its first day).
    pub precision_order_month: Option<NaiveDate>,
    /// Missing the expected order month or the forecast amount.
    pub forecast_missing: bool,
}

/// The WHERE clause of a scope.
pub fn scope_condition(scope: &Scope) -> Condition {
    super::scope_on(scope, opportunity::Column::OwnerId, opportunity::Column::TrackId)
}

use super::contains_pattern as escape_like;

/// Scope and filter as one condition.
pub fn condition(scope: &Scope, f: &Filter) -> Condition {
    let mut c = scope_condition(scope);
    if let Some(t) = f.track_id {
        c = c.add(opportunity::Column::TrackId.eq(t));
    }
    if let Some(o) = f.owner_id {
        c = c.add(opportunity::Column::OwnerId.eq(o));
    }
    if let Some(s) = f.stage {
        c = c.add(opportunity::Column::Stage.eq(s));
    }
    if let Some(s) = f.status {
        c = c.add(opportunity::Column::Status.eq(s));
    }
    if let Some((active, cutoff)) = f.active_since {
        c = c.add(if active {
            opportunity::Column::LastActivityAt.gte(cutoff)
        } else {
            opportunity::Column::LastActivityAt.lt(cutoff)
        });
    }
    if let Some(m) = f.expected_order_month {
        c = c.add(opportunity::Column::ExpectedOrderMonth.eq(m));
    }
    if !f.stages.is_empty() {
        c = c.add(opportunity::Column::Stage.is_in(f.stages.iter().copied()));
    }
    if !f.statuses.is_empty() {
        c = c.add(opportunity::Column::Status.is_in(f.statuses.iter().copied()));
    }
    if let Some(line) = f.business_line {
        c = c.add(opportunity::Column::BusinessLine.eq(line));
    }
    if f.forecast_missing {
        c = c.add(
            Condition::any()
                .add(opportunity::Column::ExpectedOrderMonth.is_null())
                .add(opportunity::Column::ForecastAmountCents.is_null()),
        );
    }
    if let Some(month) = f.precision_order_month {
        let last = crate::domain::calendar::add_months(month, 1).pred_opt().unwrap_or(month);
        c = c.add(opportunity::Column::PrecisionOrderDate.between(month, last));
    }
    if let Some(text) = f.customer_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let matching = Query::select()
            .column(customer::Column::Id)
            .from(customer::Entity)
            .and_where(Expr::expr(Func::lower(Expr::col(customer::Column::Name))).like(LikeExpr::new(escape_like(text)).escape('\\')))
            .to_owned();
        c = c.add(opportunity::Column::CustomerId.in_subquery(matching));
    }
    c
}

/// The keys of an order, ending with the id.
fn order_keys(order: OpportunityOrder) -> Vec<SortKey> {
    let col = |c: opportunity::Column| Expr::col((opportunity::Entity, c));
    let id = col(opportunity::Column::Id);
    match order {
        OpportunityOrder::OldestFirst => vec![SortKey::asc(id)],
        OpportunityOrder::NewestFirst => vec![SortKey::desc(id)],
        OpportunityOrder::LastFollowUpOldest => vec![SortKey::asc(col(opportunity::Column::LastActivityAt)), SortKey::asc(id)],
        OpportunityOrder::LastFollowUpNewest => vec![SortKey::desc(col(opportunity::Column::LastActivityAt)), SortKey::desc(id)],
        // Without a month: after every month.
        OpportunityOrder::ExpectedOrderMonth => vec![
            SortKey::asc(Func::coalesce([
                col(opportunity::Column::ExpectedOrderMonth),
                Expr::val(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)),
            ])),
            SortKey::asc(id),
        ],
        OpportunityOrder::AmountLargest => vec![SortKey::desc(col(opportunity::Column::AmountCents)), SortKey::desc(id)],
    }
}

/// One page in the order asked (keyset), whether rows follow or precede
/// and, when asked, how many match in all.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    order: OpportunityOrder,
    window: Window,
    with_total: bool,
    with_relations: bool,
) -> AppResult<Page<WithRelations>> {
    let query = opportunity::Entity::find().filter(condition(scope, filter));
    let keys = order_keys(order);
    if with_relations {
        super::sorted_page_with(db, query, opportunity::Column::Id, &keys, window, with_total, |q| {
            joined_rows(db, q)
        })
        .await
    } else {
        let page = super::sorted_page(db, query, opportunity::Column::Id, &keys, window, with_total).await?;
        Ok(page.map(WithRelations::from))
    }
}

/// An opportunity and, when they were read with it, the rows it points at.
#[derive(Debug, Clone)]
pub struct WithRelations {
    pub opportunity: opportunity::Model,
    pub relations: Relations,
}

/// Owner, customer and track, each `Some` when read in the opportunity's
/// own statement.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    pub owner: Option<user::Model>,
    pub customer: Option<customer::Model>,
    pub track: Option<track::Model>,
}

impl From<opportunity::Model> for WithRelations {
    fn from(opportunity: opportunity::Model) -> Self {
        Self {
            opportunity,
            relations: Relations::default(),
        }
    }
}

async fn joined_rows(db: &impl ConnectionTrait, q: sea_orm::Select<opportunity::Entity>) -> Result<Vec<WithRelations>, sea_orm::DbErr> {
    let rows = q
        .find_also_related(user::Entity)
        .find_also(opportunity::Entity, customer::Entity)
        .find_also(opportunity::Entity, track::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(opportunity, owner, customer, track)| WithRelations {
            opportunity,
            relations: Relations { owner, customer, track },
        })
        .collect())
}

/// One opportunity with its owner, customer and track, in one statement.
pub async fn by_id_with_relations(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<WithRelations>> {
    let q = opportunity::Entity::find_by_id(id);
    Ok(joined_rows(db, q).await?.into_iter().next())
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, opportunity::Model>> {
    let rows = opportunity::Entity::find()
        .filter(opportunity::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|o| (o.id, o)).collect())
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<opportunity::Model>> {
    Ok(opportunity::Entity::find_by_id(id).one(db).await?)
}

/// Writes the changed columns of `model` when its version is still
/// `version`, bumping it. A stale version is a `CONFLICT` and writes nothing.
pub async fn update_versioned(
    db: &impl ConnectionTrait,
    mut model: opportunity::ActiveModel,
    id: i64,
    version: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let res = opportunity::Entity::update_many()
        .set(model)
        .filter(opportunity::Column::Id.eq(id))
        .filter(opportunity::Column::Version.eq(version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::conflict(format!(
            "opportunity {id} was changed by someone else (version {version} is stale); reload it and try again"
        )));
    }
    Ok(())
}

pub async fn insert(db: &impl ConnectionTrait, model: opportunity::ActiveModel) -> AppResult<opportunity::Model> {
    Ok(model.insert(db).await?)
}

/// Records a stage or status change.
/// One row of an opportunity's stage and status history.
pub fn history_row(
    id: i64,
    actor: i64,
    field: HistoryField,
    from: Option<String>,
    to: String,
    at: DateTime<Utc>,
) -> opportunity_history::ActiveModel {
    opportunity_history::ActiveModel {
        opportunity_id: Set(id),
        actor_id: Set(Some(actor)),
        field: Set(field),
        from_value: Set(from),
        to_value: Set(to),
        at: Set(at),
        ..Default::default()
    }
}

/// Opens the loss review (输单复盘) of a deal just lost, by `actor`, with the
/// alert whose answer lost it, if any.
pub async fn open_loss_review(
    db: &impl ConnectionTrait,
    o: &opportunity::Model,
    alert_id: Option<i64>,
    actor: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    entity::loss_review::ActiveModel {
        opportunity_id: Set(o.id),
        alert_id: Set(alert_id),
        owner_id: Set(o.owner_id),
        track_id: Set(o.track_id),
        reason: Set(reason.to_owned()),
        opened_at: Set(now),
        opened_by: Set(actor),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn record_history(db: &impl ConnectionTrait, row: opportunity_history::ActiveModel) -> AppResult<()> {
    opportunity_history::Entity::insert(row).exec(db).await?;
    Ok(())
}

pub async fn insert_activity(db: &impl ConnectionTrait, row: activity::ActiveModel) -> AppResult<activity::Model> {
    Ok(row.insert(db).await?)
}

/// Moves `last_activity_at` forward (never back) to `at`.
pub async fn touch_last_activity(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    opportunity::Entity::update_many()
        .col_expr(opportunity::Column::LastActivityAt, Expr::value(at))
        .filter(opportunity::Column::Id.eq(id))
        .filter(opportunity::Column::LastActivityAt.lt(at))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn history_of(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, Vec<opportunity_history::Model>>> {
    let rows = opportunity_history::Entity::find()
        .filter(opportunity_history::Column::OpportunityId.is_in(ids.iter().copied()))
        .order_by_asc(opportunity_history::Column::At)
        .order_by_asc(opportunity_history::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<_>> = HashMap::new();
    for r in rows {
        out.entry(r.opportunity_id).or_default().push(r);
    }
    Ok(out)
}

/// Activities of many opportunities, newest first.
/// The keys of a follow-up list: newest first, ties by id.
fn activity_keys() -> Vec<SortKey> {
    vec![
        SortKey::desc(Expr::col((activity::Entity, activity::Column::OccurredAt))),
        SortKey::desc(Expr::col((activity::Entity, activity::Column::Id))),
    ]
}

/// The first `n` follow-ups of each opportunity, newest first, and how
/// many each has — one statement for a whole page of opportunities, the
/// limit applied in the SQL (a window function), never loaded then cut.
pub async fn latest_activities(db: &impl ConnectionTrait, ids: &[i64], n: u64) -> AppResult<HashMap<i64, (Vec<activity::Model>, u64)>> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, Asterisk};
    let inner = Query::select()
        .column(Asterisk)
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY occurred_at DESC, id DESC)"),
            Alias::new("sp_rank"),
        )
        .expr_as(Expr::cust("COUNT(*) OVER (PARTITION BY opportunity_id)"), Alias::new("sp_total"))
        .from(activity::Entity)
        .and_where(Expr::col(activity::Column::OpportunityId).is_in(ids.iter().copied()))
        .to_owned();
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("sp_rank")).lte(i64::try_from(n).unwrap_or(i64::MAX)))
        .order_by(Alias::new("opportunity_id"), sea_orm::Order::Asc)
        .order_by(Alias::new("sp_rank"), sea_orm::Order::Asc)
        .to_owned();
    let rows = db.query_all(&outer).await?;
    let mut out: HashMap<i64, (Vec<activity::Model>, u64)> = HashMap::new();
    for row in rows {
        let a = activity::Model::from_query_result(&row, "")?;
        let total: i64 = row.try_get("", "sp_total")?;
        let entry = out.entry(a.opportunity_id).or_default();
        entry.1 = total.unsigned_abs();
        entry.0.push(a);
    }
    Ok(out)
}

/// One keyset page of one opportunity's follow-ups, newest first.
pub async fn activities_page(
    db: &impl ConnectionTrait,
    opportunity_id: i64,
    window: Window,
    with_total: bool,
) -> AppResult<Page<activity::Model>> {
    let q = activity::Entity::find().filter(activity::Column::OpportunityId.eq(opportunity_id));
    super::sorted_page(db, q, activity::Column::Id, &activity_keys(), window, with_total).await
}

pub async fn customers_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, customer::Model>> {
    let rows = customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

/// The customer of that exact (trimmed) name, created when new.
pub async fn customer_named(db: &impl ConnectionTrait, name: &str, now: DateTime<Utc>) -> AppResult<customer::Model> {
    let name = name.trim();
    if let Some(c) = customer::Entity::find().filter(customer::Column::Name.eq(name)).one(db).await? {
        return Ok(c);
    }
    // An upsert, not find-then-insert: of concurrent creators naming the
    // same new customer one inserts, the others find his row.
    customer::Entity::insert(customer::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([customer::Column::Name])
    .exec(db)
    .await?;
    customer::Entity::find()
        .filter(customer::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("customer upsert left no row"))
}

/// Customers whose name contains `text`, by name: for a scoped viewer only
/// the customers of opportunities he can see.
pub async fn search_customers(db: &impl ConnectionTrait, scope: &Scope, text: &str, limit: u64) -> AppResult<Vec<customer::Model>> {
    let mut q = customer::Entity::find();
    if *scope != Scope::All {
        let visible = Query::select()
            .column(opportunity::Column::CustomerId)
            .from(opportunity::Entity)
            .cond_where(scope_condition(scope))
            .to_owned();
        q = q.filter(customer::Column::Id.in_subquery(visible));
    }
    Ok(
        q.filter(Expr::expr(Func::lower(Expr::col(customer::Column::Name))).like(LikeExpr::new(escape_like(text.trim())).escape('\\')))
            .order_by_asc(customer::Column::Name)
            .limit(limit)
            .all(db)
            .await?,
    )
}
