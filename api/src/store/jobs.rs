//! The scheduler's log: the last date each job ran for.

use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::job_run;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// The date `name` last ran for, if ever.
pub async fn last_date(db: &impl ConnectionTrait, name: &str) -> AppResult<Option<NaiveDate>> {
    Ok(job_run::Entity::find_by_id(name.to_owned()).one(db).await?.map(|j| j.last_date))
}

/// Records that `name` ran for `date` at `at`.
pub async fn record(db: &impl ConnectionTrait, name: &str, date: NaiveDate, at: DateTime<Utc>) -> AppResult<()> {
    job_run::Entity::insert(job_run::ActiveModel {
        name: Set(name.to_owned()),
        last_date: Set(date),
        last_run_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(job_run::Column::Name)
            .update_columns([job_run::Column::LastDate, job_run::Column::LastRunAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
