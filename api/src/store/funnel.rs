//! The live funnel's counts, in SQL: the open deals by track, account
//! manager and stage (count, amount, the active ones, the days in stage),
//! the outcomes of the trailing 12 months (secured, lost) and the deals
//! moved out. Three GROUP BYs over index ranges; the figures are
//! `domain::funnel`'s.

use crate::domain::funnel::StageCounts;
use crate::domain::health::PIPELINE_STAGES;
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{HistoryField, OpportunityStatus, Stage, opportunity, opportunity_history};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};

/// Whose deals.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Only these tracks (`None`: every track).
    pub tracks: Option<&'a [i64]>,
    /// Only this account manager's deals.
    pub owner: Option<i64>,
    /// Active (活跃): followed up at or after this instant.
    pub active_since: DateTime<Utc>,
    /// Days in stage are counted to this instant.
    pub now: DateTime<Utc>,
    /// Outcomes in `[from, now]` count for the conversion.
    pub outcomes_from: DateTime<Utc>,
    /// Deals expected to order before this month (its first day) moved out.
    pub month: NaiveDate,
}

/// One (track, account manager)'s counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub stages: Vec<(Stage, StageCounts)>,
    pub secured: i64,
    pub lost: i64,
    pub moved_out: i64,
}

fn big(e: SimpleExpr) -> SimpleExpr {
    e.sum().cast_as(Alias::new("BIGINT"))
}

fn scoped(ask: &Ask<'_>) -> SimpleExpr {
    let mut c = Expr::value(true);
    if let Some(ids) = ask.tracks {
        c = c.and(Expr::col((opportunity::Entity, opportunity::Column::TrackId)).is_in(ids.iter().copied()));
    }
    if let Some(am) = ask.owner {
        c = c.and(Expr::col((opportunity::Entity, opportunity::Column::OwnerId)).eq(am));
    }
    c
}

/// The deal's status history has it lost in `[from, to]` (by its index on the deal and time).
fn lost_between(from: DateTime<Utc>, to: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    use opportunity_history::Column as H;
    Query::select()
        .expr(Expr::val(1))
        .from(opportunity_history::Entity)
        .and_where(Expr::col((opportunity_history::Entity, H::OpportunityId)).equals((opportunity::Entity, opportunity::Column::Id)))
        .and_where(Expr::col((opportunity_history::Entity, H::At)).between(from, to))
        .and_where(Expr::col((opportunity_history::Entity, H::Field)).eq(HistoryField::Status.to_value()))
        .and_where(Expr::col((opportunity_history::Entity, H::ToValue)).eq(OpportunityStatus::Lost.to_value()))
        .to_owned()
}

/// Days from `stage_entered_at` to `now`, fractional, in the backend's SQL.
fn days_in_stage(backend: DbBackend, now: DateTime<Utc>) -> SimpleExpr {
    let at = now.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "CAST(SUM(EXTRACT(EPOCH FROM (TIMESTAMPTZ '{at}+00' - \"opportunity\".\"stage_entered_at\")) / 86400.0) AS DOUBLE PRECISION)"
        ),
        _ => format!("CAST(SUM(julianday('{at}') - julianday(\"opportunity\".\"stage_entered_at\")) AS REAL)"),
    };
    Expr::cust(sql)
}

/// Every (track, account manager)'s counts in the scope, keyed by them.
pub async fn counts(db: &impl ConnectionTrait, ask: Ask<'_>) -> AppResult<std::collections::HashMap<(i64, i64), Counts>> {
    use opportunity::Column as C;
    let b = db.get_database_backend();
    let mut out: std::collections::HashMap<(i64, i64), Counts> = std::collections::HashMap::new();
    let active = Expr::col((opportunity::Entity, C::LastActivityAt)).gte(ask.active_since);
    type StageRow = (i64, i64, Stage, i64, i64, i64, i64, Option<f64>);
    let rows: Vec<StageRow> = opportunity::Entity::find()
        .select_only()
        .column(C::TrackId)
        .column(C::OwnerId)
        .column(C::Stage)
        .expr(Expr::col((opportunity::Entity, C::Id)).count())
        .expr(super::money_sum(b, Expr::col((opportunity::Entity, C::AmountCents))))
        .expr(big(Expr::case(active.clone(), 1).finally(0).into()))
        .expr(super::money_sum(
            b,
            Expr::case(active, Expr::col((opportunity::Entity, C::AmountCents)))
                .finally(0)
                .into(),
        ))
        .expr(days_in_stage(b, ask.now))
        .filter(C::Status.eq(OpportunityStatus::Active))
        .filter(C::Stage.is_in(PIPELINE_STAGES))
        .filter(scoped(&ask))
        .group_by(C::TrackId)
        .group_by(C::OwnerId)
        .group_by(C::Stage)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, stage, count, amount, active_count, active_amount, days) in rows {
        out.entry((track, owner)).or_default().stages.push((
            stage,
            StageCounts {
                count,
                amount,
                active_count,
                active_amount,
                days_in_stage: days.unwrap_or(0.0),
            },
        ));
    }
    // Secured in the window (and not lost since).
    let secured: Vec<(i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(C::TrackId)
        .column(C::OwnerId)
        .expr(Expr::col((opportunity::Entity, C::Id)).count())
        .filter(C::Stage.eq(Stage::Secured))
        .filter(C::Status.ne(OpportunityStatus::Lost))
        .filter(C::SecuredAt.between(ask.outcomes_from, ask.now))
        .filter(scoped(&ask))
        .group_by(C::TrackId)
        .group_by(C::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, n) in secured {
        out.entry((track, owner)).or_default().secured = n;
    }
    // Lost in the window: the status history says when.
    let lost: Vec<(i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(C::TrackId)
        .column(C::OwnerId)
        .expr(Expr::col((opportunity::Entity, C::Id)).count())
        .filter(C::Status.eq(OpportunityStatus::Lost))
        .filter(Expr::exists(lost_between(ask.outcomes_from, ask.now)))
        .filter(scoped(&ask))
        .group_by(C::TrackId)
        .group_by(C::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, n) in lost {
        out.entry((track, owner)).or_default().lost = n;
    }
    let moved: Vec<(i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(C::TrackId)
        .column(C::OwnerId)
        .expr(Expr::col((opportunity::Entity, C::Id)).count())
        .filter(C::Status.eq(OpportunityStatus::Active))
        .filter(C::Stage.is_in(PIPELINE_STAGES))
        .filter(C::ExpectedOrderMonth.lt(ask.month))
        .filter(scoped(&ask))
        .group_by(C::TrackId)
        .group_by(C::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (track, owner, n) in moved {
        out.entry((track, owner)).or_default().moved_out = n;
    }
    Ok(out)
}
