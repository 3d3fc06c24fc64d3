//! The durable event log: appended inside the writer's transaction, read
//! by subscribers in id order, filtered by the viewer's scope.

use crate::auth::Scope;
use crate::error::AppResult;
use entity::{EventKind, event};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};

/// Takes the event-writer lock (PostgreSQL) for the rest of the
/// transaction: event ids are then committed in id order, so a reader that
/// has seen id N never later finds a smaller id appear.
pub async fn lock_for_append(txn: &impl ConnectionTrait) -> AppResult<()> {
    super::locks::hold_for_transaction(txn, super::locks::Lock::EventAppend).await
}

/// After appending: the highest id, announced to every process on
/// PostgreSQL (the notification leaves with the commit).
pub async fn announce(txn: &impl ConnectionTrait) -> AppResult<i64> {
    let max = max_id(txn).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [crate::events::CHANNEL.into(), max.to_string().into()],
        ))
        .await?;
    }
    Ok(max)
}

/// Appends one event that concerns no opportunity and no one in
/// particular (its kind's audience is everyone), such as an ERP import.
pub async fn append_for_everyone(
    txn: &impl ConnectionTrait,
    kind: EventKind,
    subject: entity::EventSubject,
    subject_id: i64,
    actor: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use sea_orm::{ActiveValue::Set, NotSet};
    debug_assert_eq!(crate::domain::events::audience(kind), crate::domain::events::Audience::Everyone);
    event::Entity::insert(event::ActiveModel {
        id: NotSet,
        kind: Set(kind),
        subject_kind: Set(subject),
        subject_id: Set(subject_id),
        opportunity_id: Set(None),
        rule: Set(None),
        audience_user_id: Set(None),
        audience_track_id: Set(None),
        actor_id: Set(actor),
        created_at: Set(at),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

pub async fn max_id(db: &impl ConnectionTrait) -> AppResult<i64> {
    let max: Option<Option<i64>> = event::Entity::find()
        .select_only()
        .expr(event::Column::Id.max())
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Who may receive which events: those in the scope's audience, and the
/// kinds that go to everyone.
pub fn scope_condition(scope: &Scope) -> Condition {
    Condition::any()
        .add(super::scope_on(
            scope,
            event::Column::AudienceUserId,
            event::Column::AudienceTrackId,
        ))
        .add(event::Column::Kind.is_in(crate::domain::events::for_everyone()))
}

/// Every event after `after`, in id order (the per-process feed). Only the
/// kinds this build knows: a row written by a newer process during a
/// rolling deploy is passed over, not a read that fails for ever.
pub async fn all_after(db: &impl ConnectionTrait, after: i64, limit: u64) -> AppResult<Vec<event::Model>> {
    use sea_orm::Iterable;
    Ok(event::Entity::find()
        .filter(event::Column::Id.gt(after))
        .filter(event::Column::Kind.is_in(EventKind::iter()))
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The scope's rule on one event, in memory: the same rule as
/// [`scope_condition`] applies in SQL (a test holds them together).
pub fn admits(scope: &Scope, e: &event::Model) -> bool {
    if crate::domain::events::audience(e.kind) == crate::domain::events::Audience::Everyone {
        return true;
    }
    match scope {
        Scope::All => true,
        Scope::Tracks(ids) => e.audience_track_id.is_some_and(|t| ids.contains(&t)),
        Scope::Owner(id) => e.audience_user_id == Some(*id),
    }
}

/// The next events after `after`, of these kinds, in the scope, in id order.
pub async fn after(db: &impl ConnectionTrait, scope: &Scope, kinds: &[EventKind], after: i64, limit: u64) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(scope_condition(scope))
        .filter(event::Column::Kind.is_in(kinds.iter().copied()))
        .filter(event::Column::Id.gt(after))
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Announces to every process (PostgreSQL) that a user's access changed;
/// on SQLite there is only this process, which the caller tells directly.
pub async fn announce_user_changed(db: &impl ConnectionTrait, user_id: i64) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [crate::events::USERS_CHANNEL.into(), user_id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}
