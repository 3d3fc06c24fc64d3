//! Baselines and target migrations: the year-start snapshot in one
//! `INSERT … SELECT`, the versions, the entries as of an instant, the
//! migrations, and every transition a conditional write.

use crate::auth::Scope;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{MigrationStatus, OpportunityStatus, Stage, baseline_entry, baseline_version, opportunity, target_migration};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set};

/// The year's versions, oldest first.
pub async fn versions(db: &impl ConnectionTrait, year: i32) -> AppResult<Vec<baseline_version::Model>> {
    Ok(baseline_version::Entity::find()
        .filter(baseline_version::Column::Year.eq(year))
        .order_by_asc(baseline_version::Column::Number)
        .all(db)
        .await?)
}

/// The year's versions numbered after `after` in the scope (the snapshot,
/// and the executions of the migrations the scope holds), oldest first, at most `limit`.
pub async fn versions_after(
    db: &impl ConnectionTrait,
    scope: &Scope,
    year: i32,
    after: i32,
    limit: u64,
) -> AppResult<Vec<baseline_version::Model>> {
    use target_migration::Column as M;
    let visible = match scope {
        Scope::All => Condition::all(),
        _ => {
            let theirs = Query::select()
                .column(M::Id)
                .from(target_migration::Entity)
                .cond_where(super::scope_on(scope, M::RequestedBy, M::TrackId))
                .to_owned();
            Condition::any()
                .add(baseline_version::Column::MigrationId.is_null())
                .add(baseline_version::Column::MigrationId.in_subquery(theirs))
        }
    };
    Ok(baseline_version::Entity::find()
        .filter(visible)
        .filter(baseline_version::Column::Year.eq(year))
        .filter(baseline_version::Column::Number.gt(after))
        .order_by_asc(baseline_version::Column::Number)
        .limit(limit)
        .all(db)
        .await?)
}

/// Writes version 1 of `year`: every open opportunity (neither lost nor
/// secured) at its expected order month and forecast amount (the deal's
/// amount where none was given), in one statement. Returns the entries written.
pub async fn snapshot(db: &impl ConnectionTrait, year: i32, by: Option<i64>, now: DateTime<Utc>) -> AppResult<u64> {
    use opportunity::Column as O;
    baseline_version::Entity::insert(baseline_version::ActiveModel {
        year: Set(year),
        number: Set(1),
        migration_id: Set(None),
        taken_by: Set(by),
        taken_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    let amount = Func::coalesce([
        Expr::col((opportunity::Entity, O::ForecastAmountCents)),
        Expr::col((opportunity::Entity, O::AmountCents)),
    ]);
    let select = opportunity::Entity::find()
        .select_only()
        .expr(Expr::val(year))
        .column(O::Id)
        .column(O::TrackId)
        .column(O::OwnerId)
        .column(O::ExpectedOrderMonth)
        .expr(amount)
        .expr(Expr::val(1))
        .expr(Expr::val(now))
        .filter(O::Status.ne(OpportunityStatus::Lost))
        .filter(O::Stage.ne(Stage::Secured))
        .order_by_asc(O::Id)
        .into_query();
    let mut insert = Query::insert();
    insert
        .into_table(baseline_entry::Entity)
        .columns([
            baseline_entry::Column::Year,
            baseline_entry::Column::OpportunityId,
            baseline_entry::Column::TrackId,
            baseline_entry::Column::OwnerId,
            baseline_entry::Column::ExpectedOrderMonth,
            baseline_entry::Column::AmountCents,
            baseline_entry::Column::VersionFrom,
            baseline_entry::Column::ValidFrom,
        ])
        .select_from(select)
        .map_err(crate::error::AppError::internal)?;
    Ok(db.execute(&insert).await?.rows_affected())
}

/// Valid at `at`: from at or before it, not yet replaced.
fn valid_at(at: DateTime<Utc>) -> Condition {
    Condition::all().add(baseline_entry::Column::ValidFrom.lte(at)).add(
        Condition::any()
            .add(baseline_entry::Column::ValidTo.is_null())
            .add(baseline_entry::Column::ValidTo.gt(at)),
    )
}

/// The year's entries valid at `at` in the scope (an account manager: his
/// own deals' as the baseline holds them), by opportunity, after `after`, at most `limit`.
pub async fn entries(
    db: &impl ConnectionTrait,
    scope: &Scope,
    year: i32,
    at: DateTime<Utc>,
    track_id: Option<i64>,
    after: Option<i64>,
    limit: u64,
) -> AppResult<Vec<baseline_entry::Model>> {
    use baseline_entry::Column as B;
    let mut q = baseline_entry::Entity::find().filter(B::Year.eq(year)).filter(valid_at(at));
    q = match scope {
        Scope::All => q,
        Scope::Tracks(ids) => q.filter(B::TrackId.is_in(ids.iter().copied())),
        // An account manager reads the lines of the deals he owns now (a reassigned deal's go with it).
        Scope::Owner(id) => {
            let his = Query::select()
                .column(opportunity::Column::Id)
                .from(opportunity::Entity)
                .and_where(Expr::col(opportunity::Column::OwnerId).eq(*id))
                .to_owned();
            q.filter(B::OpportunityId.in_subquery(his))
        }
    };
    if let Some(t) = track_id {
        q = q.filter(B::TrackId.eq(t));
    }
    if let Some(a) = after {
        q = q.filter(B::OpportunityId.gt(a));
    }
    Ok(q.order_by_asc(B::OpportunityId).limit(limit).all(db).await?)
}

/// The current entries of these opportunities in the year's baseline.
pub async fn current(db: &impl ConnectionTrait, year: i32, opportunities: &[i64]) -> AppResult<Vec<baseline_entry::Model>> {
    Ok(baseline_entry::Entity::find()
        .filter(baseline_entry::Column::Year.eq(year))
        .filter(baseline_entry::Column::OpportunityId.is_in(opportunities.iter().copied()))
        .filter(baseline_entry::Column::ValidTo.is_null())
        .all(db)
        .await?)
}

/// One executed migration's new version: the replaced entries closed at
/// `now`, their successors written; returns the version number.
pub async fn write_version(
    db: &impl ConnectionTrait,
    year: i32,
    migration_id: i64,
    by: i64,
    replaced: &[i64],
    successors: Vec<baseline_entry::ActiveModel>,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let last: Option<i32> = baseline_version::Entity::find()
        .select_only()
        .expr(Expr::col(baseline_version::Column::Number).max())
        .filter(baseline_version::Column::Year.eq(year))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let number = last.unwrap_or(1) + 1;
    baseline_version::Entity::insert(baseline_version::ActiveModel {
        year: Set(year),
        number: Set(number),
        migration_id: Set(Some(migration_id)),
        taken_by: Set(Some(by)),
        taken_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    if !replaced.is_empty() {
        baseline_entry::Entity::update_many()
            .col_expr(baseline_entry::Column::ValidTo, Expr::value(now))
            .filter(baseline_entry::Column::Id.is_in(replaced.iter().copied()))
            .filter(baseline_entry::Column::ValidTo.is_null())
            .exec(db)
            .await?;
    }
    let successors: Vec<_> = successors
        .into_iter()
        .map(|mut e| {
            e.version_from = Set(number);
            e.valid_from = Set(now);
            e.valid_to = Set(None);
            e
        })
        .collect();
    if !successors.is_empty() {
        baseline_entry::Entity::insert_many(successors).exec_without_returning(db).await?;
    }
    Ok(number)
}

pub async fn migration_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<target_migration::Model>> {
    Ok(target_migration::Entity::find_by_id(id).one(db).await?)
}

pub async fn insert_migration(db: &impl ConnectionTrait, m: target_migration::ActiveModel) -> AppResult<target_migration::Model> {
    Ok(sea_orm::ActiveModelTrait::insert(m, db).await?)
}

/// Writes `change` while the migration is still `from` at its version: `None` when another write won.
pub async fn transition(
    db: &impl ConnectionTrait,
    m: &target_migration::Model,
    from: MigrationStatus,
    mut change: target_migration::ActiveModel,
) -> AppResult<Option<target_migration::Model>> {
    change.version = Set(m.version + 1);
    let res = target_migration::Entity::update_many()
        .set(change)
        .filter(target_migration::Column::Id.eq(m.id))
        .filter(target_migration::Column::Version.eq(m.version))
        .filter(target_migration::Column::Status.eq(from.to_value()))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    migration_by_id(db, m.id).await
}

/// Migrations in the scope (an account manager: those he asked for), oldest first, a page of them.
pub async fn migrations(
    db: &impl ConnectionTrait,
    scope: &Scope,
    status: Option<MigrationStatus>,
    track_id: Option<i64>,
    window: crate::domain::page::Window,
    with_total: bool,
) -> AppResult<crate::domain::page::Page<target_migration::Model>> {
    use target_migration::Column as M;
    let mut q = target_migration::Entity::find().filter(super::scope_on(scope, M::RequestedBy, M::TrackId));
    if let Some(s) = status {
        q = q.filter(M::Status.eq(s));
    }
    if let Some(t) = track_id {
        q = q.filter(M::TrackId.eq(t));
    }
    super::keyset_page(db, q, M::Id, window, with_total).await
}

/// Approved migrations past their execution time, not yet stamped: stamps them overdue; returns them.
pub async fn stamp_overdue(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Vec<target_migration::Model>> {
    use target_migration::Column as M;
    let due = Condition::all()
        .add(M::Status.eq(MigrationStatus::Approved))
        .add(M::OverdueAt.is_null())
        .add(M::ExecuteDueAt.lt(now));
    let found = target_migration::Entity::find().filter(due.clone()).all(db).await?;
    if found.is_empty() {
        return Ok(found);
    }
    target_migration::Entity::update_many()
        .col_expr(M::OverdueAt, Expr::value(now))
        .filter(due)
        .filter(M::Id.is_in(found.iter().map(|m| m.id)))
        .exec(db)
        .await?;
    Ok(found)
}
