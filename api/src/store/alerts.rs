//! Alerts: the set-based scan statements, the alert list, loss reviews.

use super::SortKey;
use crate::auth::Scope;
use crate::domain::alerts::{self as rules, Cutoffs};
use crate::domain::page::{AlertOrder, Page, Window};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{AlertRule, AlertStatus, BusinessLine, EventKind, EventSubject, OpportunityStatus, Stage, alert, loss_review, opportunity};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

/// The opportunities whose columns satisfy a rule at the cutoffs (mirrors
/// `domain::alerts::condition`). `None`: the rule does not run today.
pub fn rule_condition(rule: AlertRule, c: &Cutoffs) -> Option<Condition> {
    use opportunity::Column as O;
    let active = O::Status.eq(OpportunityStatus::Active);
    Some(match rule {
        AlertRule::NoFollowUp => Condition::all()
            .add(active)
            .add(O::Stage.ne(Stage::Secured))
            .add(O::LastActivityAt.lt(c.no_follow_up)),
        AlertRule::StalledInitial => Condition::all()
            .add(active)
            .add(O::Stage.eq(Stage::InitialIdentification))
            .add(O::StageEnteredAt.lt(c.stalled_initial)),
        AlertRule::StalledQuotation => Condition::all()
            .add(active)
            .add(O::Stage.eq(Stage::Quotation))
            .add(O::StageEnteredAt.lt(c.stalled_quotation)),
        AlertRule::StalledNegotiation => Condition::all()
            .add(active)
            .add(O::Stage.eq(Stage::DeepNegotiation))
            .add(O::StageEnteredAt.lt(c.stalled_negotiation)),
        AlertRule::SecuredNoMold => Condition::all()
            .add(O::Status.ne(OpportunityStatus::Lost))
            .add(O::Stage.eq(Stage::Secured))
            .add(O::MoldNumber.is_null())
            .add(O::SecuredAt.lt(c.secured_no_mold)),
        AlertRule::ShelveRestartDue => Condition::all()
            .add(O::Status.eq(OpportunityStatus::Shelved))
            .add(O::RestartDate.lte(c.restart_due_by)),
        AlertRule::OrderExpectedNotHPotential => Condition::all()
            .add(active)
            .add(O::BusinessLine.eq(BusinessLine::MoldingIntegrated))
            .add(O::Stage.is_in([Stage::InitialIdentification, Stage::Quotation, Stage::DeepNegotiation]))
            .add(O::ExpectedOrderMonth.eq(c.expected_month?)),
    })
}

/// `SELECT 1 FROM alert WHERE alert.opportunity_id = opportunity.id AND alert.rule = ?`
fn alerts_of_rule(rule: AlertRule) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(alert::Entity)
        .and_where(Expr::col((alert::Entity, alert::Column::OpportunityId)).equals((opportunity::Entity, opportunity::Column::Id)))
        .and_where(Expr::col((alert::Entity, alert::Column::Rule)).eq(rule))
        .to_owned()
}

fn open_alert_exists(rule: AlertRule) -> Expr {
    Expr::exists(
        alerts_of_rule(rule)
            .and_where(Expr::col((alert::Entity, alert::Column::Status)).eq(AlertStatus::Open))
            .to_owned(),
    )
}

/// The re-fire guard: no resolution at or after the time cutoff; for the
/// date-bound rules, no alert for the current cycle.
fn previous_alert_blocks(rule: AlertRule, c: &Cutoffs) -> Expr {
    let mut q = alerts_of_rule(rule);
    match (rules::time_cutoff(rule, c), rule) {
        (Some(cut), _) => q.and_where(Expr::col((alert::Entity, alert::Column::ResolvedAt)).gte(cut)),
        (None, AlertRule::ShelveRestartDue) => q.and_where(
            Expr::col((alert::Entity, alert::Column::CycleDate)).equals((opportunity::Entity, opportunity::Column::RestartDate)),
        ),
        (None, _) => q.and_where(Expr::col((alert::Entity, alert::Column::CycleDate)).eq(c.expected_month)),
    };
    Expr::exists(q)
}

/// The column of the instant a rule measures from (`domain::alerts::measured_from`).
fn measured_column(m: rules::Measure) -> opportunity::Column {
    match m {
        rules::Measure::LastActivity => opportunity::Column::LastActivityAt,
        rules::Measure::StageEntered => opportunity::Column::StageEnteredAt,
        rules::Measure::Secured => opportunity::Column::SecuredAt,
    }
}

/// One statement: raises the rule's alerts, `INSERT INTO alert … SELECT …
/// FROM opportunity WHERE <rule> AND no open alert AND not blocked by an
/// earlier one`, keeping what the rule saw (its evidence); returns how many.
/// `due_at` and `threshold` (the rule's, kept as evidence) come from the domain.
pub async fn raise(
    db: &impl ConnectionTrait,
    rule: AlertRule,
    c: &Cutoffs,
    raised_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    threshold: i64,
) -> AppResult<u64> {
    let Some(cond) = rule_condition(rule, c) else { return Ok(0) };
    let cycle: Expr = match rule {
        AlertRule::ShelveRestartDue => Expr::col((opportunity::Entity, opportunity::Column::RestartDate)),
        AlertRule::OrderExpectedNotHPotential => Expr::val(c.expected_month),
        _ => Expr::val(Option::<NaiveDate>::None),
    };
    let seen_at: Expr = match rules::measured_from(rule) {
        Some(m) => Expr::col((opportunity::Entity, measured_column(m))),
        None => Expr::val(Option::<DateTime<Utc>>::None),
    };
    let select = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::Id)
        .expr(Expr::val(rule.to_value()))
        .column(opportunity::Column::TrackId)
        .column(opportunity::Column::OwnerId)
        .expr(Expr::val(AlertStatus::Open.to_value()))
        .expr(Expr::val(raised_at))
        .expr(Expr::val(due_at))
        .expr(cycle)
        .expr(seen_at)
        .column(opportunity::Column::Stage)
        .expr(Expr::val(threshold))
        .filter(cond)
        .filter(open_alert_exists(rule).not())
        .filter(previous_alert_blocks(rule, c).not())
        .order_by_asc(opportunity::Column::Id)
        .into_query();
    let mut insert = Query::insert();
    insert
        .into_table(alert::Entity)
        .columns([
            alert::Column::OpportunityId,
            alert::Column::Rule,
            alert::Column::TrackId,
            alert::Column::OwnerId,
            alert::Column::Status,
            alert::Column::RaisedAt,
            alert::Column::DueAt,
            alert::Column::CycleDate,
            alert::Column::SeenAt,
            alert::Column::SeenStage,
            alert::Column::Threshold,
        ])
        .select_from(select)
        .map_err(crate::error::AppError::internal)?;
    Ok(db.execute(&insert).await?.rows_affected())
}

/// One statement: an event of `kind` for every alert matching `which`, in
/// alert order, addressed to the alert's track and, with `to_owner`, to its
/// account manager (the service asks `domain::events::audience`). The only
/// writer of alert events: the scan and the single transitions alike.
pub async fn insert_events_for(
    db: &impl ConnectionTrait,
    kind: EventKind,
    to_owner: bool,
    which: Condition,
    at: DateTime<Utc>,
    actor: Option<i64>,
) -> AppResult<u64> {
    let owner: Expr = if to_owner {
        Expr::col((alert::Entity, alert::Column::OwnerId))
    } else {
        Expr::val(Option::<i64>::None)
    };
    let select = alert::Entity::find()
        .select_only()
        .expr(Expr::val(kind.to_value()))
        .expr(Expr::val(EventSubject::Alert.to_value()))
        .column(alert::Column::Id)
        .column(alert::Column::OpportunityId)
        .column(alert::Column::Rule)
        .expr(owner)
        .column(alert::Column::TrackId)
        .expr(Expr::val(at))
        .expr(Expr::val(actor))
        .filter(which)
        .order_by_asc(alert::Column::Id)
        .into_query();
    let mut insert = Query::insert();
    insert
        .into_table(entity::event::Entity)
        .columns([
            entity::event::Column::Kind,
            entity::event::Column::SubjectKind,
            entity::event::Column::SubjectId,
            entity::event::Column::OpportunityId,
            entity::event::Column::Rule,
            entity::event::Column::AudienceUserId,
            entity::event::Column::AudienceTrackId,
            entity::event::Column::CreatedAt,
            entity::event::Column::ActorId,
        ])
        .select_from(select)
        .map_err(crate::error::AppError::internal)?;
    Ok(db.execute(&insert).await?.rows_affected())
}

/// Highest alert id so far.
pub async fn max_id(db: &impl ConnectionTrait) -> AppResult<i64> {
    let max: Option<Option<i64>> = alert::Entity::find()
        .select_only()
        .expr(alert::Column::Id.max())
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Open alerts past due, not yet escalated.
pub fn newly_overdue(as_of: DateTime<Utc>) -> Condition {
    open_past_due(as_of).add(alert::Column::OverdueAt.is_null())
}

/// Resolutions past their review time, not yet escalated.
pub fn newly_review_overdue(as_of: DateTime<Utc>) -> Condition {
    unreviewed_past_due(as_of).add(alert::Column::ReviewOverdueAt.is_null())
}

/// The first half of `domain::alerts::is_overdue`: open past its due time.
fn open_past_due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(alert::Column::Status.eq(AlertStatus::Open))
        .add(alert::Column::DueAt.lt(now))
}

/// The second half: resolved, unreviewed past its review time.
fn unreviewed_past_due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(alert::Column::Status.eq(AlertStatus::Resolved))
        .add(alert::Column::ReviewDueAt.lt(now))
}

/// Stamps `column` on every alert matching `which`; returns how many.
pub async fn stamp(db: &impl ConnectionTrait, which: Condition, column: alert::Column, at: DateTime<Utc>) -> AppResult<u64> {
    Ok(alert::Entity::update_many()
        .col_expr(column, Expr::value(at))
        .filter(which)
        .exec(db)
        .await?
        .rows_affected)
}

/// How many opportunities meet the rule but already have an open alert.
pub async fn already_open(db: &impl ConnectionTrait, rule: AlertRule, c: &Cutoffs) -> AppResult<u64> {
    let Some(cond) = rule_condition(rule, c) else { return Ok(0) };
    Ok(opportunity::Entity::find()
        .filter(cond)
        .filter(open_alert_exists(rule))
        .count(db)
        .await?)
}

/// The scope as a condition on alerts.
pub fn scope_condition(scope: &Scope) -> Condition {
    super::scope_on(scope, alert::Column::OwnerId, alert::Column::TrackId)
}

/// Narrowing of an alert list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub rule: Option<AlertRule>,
    pub status: Option<AlertStatus>,
    /// `Some((true, now))`: only overdue ones as of `now`; false: only not overdue.
    pub overdue: Option<(bool, DateTime<Utc>)>,
    pub track_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub raised_from: Option<DateTime<Utc>>,
    pub raised_to: Option<DateTime<Utc>>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<AlertStatus>,
    /// Due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// `Some(false)`: only those their owner has not seen yet.
    pub seen: Option<bool>,
}

/// Overdue (`domain::alerts::is_overdue`, which a test holds this to).
pub fn overdue_condition(now: DateTime<Utc>) -> Condition {
    Condition::any().add(open_past_due(now)).add(unreviewed_past_due(now))
}

pub fn condition(scope: &Scope, f: &Filter) -> Condition {
    let mut c = scope_condition(scope);
    if let Some(r) = f.rule {
        c = c.add(alert::Column::Rule.eq(r));
    }
    if let Some(s) = f.status {
        c = c.add(alert::Column::Status.eq(s));
    }
    if let Some((overdue, now)) = f.overdue {
        c = c.add(if overdue {
            overdue_condition(now)
        } else {
            overdue_condition(now).not()
        });
    }
    if let Some(t) = f.track_id {
        c = c.add(alert::Column::TrackId.eq(t));
    }
    if let Some(o) = f.owner_id {
        c = c.add(alert::Column::OwnerId.eq(o));
    }
    if let Some(o) = f.opportunity_id {
        c = c.add(alert::Column::OpportunityId.eq(o));
    }
    if let Some(t) = f.raised_from {
        c = c.add(alert::Column::RaisedAt.gte(t));
    }
    if let Some(t) = f.raised_to {
        c = c.add(alert::Column::RaisedAt.lt(t));
    }
    if !f.statuses.is_empty() {
        c = c.add(alert::Column::Status.is_in(f.statuses.iter().copied()));
    }
    if let Some(t) = f.due_before {
        c = c.add(alert::Column::DueAt.lt(t));
    }
    if let Some(seen) = f.seen {
        c = c.add(if seen {
            alert::Column::ReadAt.is_not_null()
        } else {
            alert::Column::ReadAt.is_null()
        });
    }
    c
}

/// The keys of an order as of `now`, ending with the id.
fn order_keys(order: AlertOrder, now: DateTime<Utc>) -> Vec<SortKey> {
    let id = Expr::col((alert::Entity, alert::Column::Id));
    let due = Expr::col((alert::Entity, alert::Column::DueAt));
    match order {
        AlertOrder::OldestFirst => vec![SortKey::asc(id)],
        AlertOrder::NewestFirst => vec![SortKey::desc(id)],
        AlertOrder::DueSoonest => vec![SortKey::asc(due), SortKey::asc(id)],
        AlertOrder::OverdueFirst => vec![
            SortKey::asc(Expr::case(overdue_condition(now), 0).finally(1)),
            SortKey::asc(due),
            SortKey::asc(id),
        ],
    }
}

/// A page in the order asked (keyset), whether rows follow or precede and,
/// when asked, how many match in all.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    order: (AlertOrder, DateTime<Utc>),
    window: Window,
    with_total: bool,
) -> AppResult<Page<alert::Model>> {
    let query = alert::Entity::find().filter(condition(scope, filter));
    super::sorted_page(db, query, alert::Column::Id, &order_keys(order.0, order.1), window, with_total).await
}

/// How many alerts match in the scope.
pub async fn count(db: &impl ConnectionTrait, scope: &Scope, filter: &Filter) -> AppResult<u64> {
    Ok(alert::Entity::find().filter(condition(scope, filter)).count(db).await?)
}

/// The conditional write of a transition: applies `change` to the alert
/// only while `guard` still holds, so of N concurrent callers exactly one
/// wins; `None` for the others.
pub async fn update_if(
    db: &impl ConnectionTrait,
    id: i64,
    change: alert::ActiveModel,
    guard: Condition,
) -> AppResult<Option<alert::Model>> {
    let res = alert::Entity::update_many()
        .set(change)
        .filter(alert::Column::Id.eq(id))
        .filter(guard)
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    by_id(db, id).await
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, alert::Model>> {
    let rows = alert::Entity::find()
        .filter(alert::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// The alerts of each opportunity, newest first (callers check the scope).
pub async fn of_opportunities(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, Vec<alert::Model>>> {
    let rows = alert::Entity::find()
        .filter(alert::Column::OpportunityId.is_in(ids.iter().copied()))
        .order_by_desc(alert::Column::Id)
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<alert::Model>> = std::collections::HashMap::new();
    for a in rows {
        out.entry(a.opportunity_id).or_default().push(a);
    }
    Ok(out)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<alert::Model>> {
    Ok(alert::Entity::find_by_id(id).one(db).await?)
}

/// 输单复盘 in the scope, in id order.
pub async fn loss_reviews(
    db: &impl ConnectionTrait,
    scope: &Scope,
    window: Window,
    with_total: bool,
) -> AppResult<Page<loss_review::Model>> {
    let cond = super::scope_on(scope, loss_review::Column::OwnerId, loss_review::Column::TrackId);
    super::keyset_page(
        db,
        loss_review::Entity::find().filter(cond),
        loss_review::Column::Id,
        window,
        with_total,
    )
    .await
}

/// Hands the open alerts of an opportunity to its new owner (the answer is
/// now his to give).
pub async fn transfer_open(db: &impl ConnectionTrait, opportunity_id: i64, new_owner: i64) -> AppResult<()> {
    alert::Entity::update_many()
        .col_expr(alert::Column::OwnerId, Expr::value(new_owner))
        // The new owner has not seen them yet.
        .col_expr(alert::Column::ReadAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(alert::Column::OpportunityId.eq(opportunity_id))
        .filter(alert::Column::Status.eq(AlertStatus::Open))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks the owner's alerts among `ids` seen at `at`; an alert seen before
/// keeps its first time (the conditional write makes repeats harmless).
pub async fn mark_read(db: &impl ConnectionTrait, ids: &[i64], owner_id: i64, at: DateTime<Utc>) -> AppResult<u64> {
    let res = alert::Entity::update_many()
        .col_expr(alert::Column::ReadAt, Expr::value(at))
        .filter(alert::Column::Id.is_in(ids.iter().copied()))
        .filter(alert::Column::OwnerId.eq(owner_id))
        .filter(alert::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
