//! The durable event log: appended inside the writer's transaction, read
//! by subscribers in id order, filtered by the viewer's scope.

use crate::auth::Scope;
use crate::domain::events::{Audience, audience};
use crate::error::AppResult;
use entity::{EventKind, Role, event};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};

/// The PostgreSQL channel that carries the ids of new events (`events`).
pub const CHANNEL: &str = "salespulse_events";
/// The PostgreSQL channel that carries "this user's access changed" (his id).
pub const USERS_CHANNEL: &str = "salespulse_users";
/// The PostgreSQL channel that carries what a committed write changed (`freshness`).
pub const FRESH_CHANNEL: &str = "salespulse_fresh";

/// The one way events are appended: a write opens the log in its
/// transaction (taking the append lock, so that event ids commit in id
/// order), appends, and takes what it [`Told`] before the commit; after the
/// commit, `EventBus::told` wakes the subscribers with it. Appending nothing
/// tells nothing and wakes no one.
pub struct Appender<'t, C: ConnectionTrait> {
    txn: &'t C,
    wrote: bool,
}

/// The highest event id a committed write appended, if it appended any.
#[must_use = "wake the subscribers with it after the commit (EventBus::told)"]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Told(pub Option<i64>);

impl<'t, C: ConnectionTrait> Appender<'t, C> {
    /// Takes the append lock for the rest of `txn`.
    pub async fn open(txn: &'t C) -> AppResult<Self> {
        hold_append_lock(txn).await?;
        Ok(Self { txn, wrote: false })
    }

    /// Events of people: one row each, `(kind, subject id, the person, the track)`.
    pub async fn people(
        &mut self,
        subject: entity::EventSubject,
        rows: &[(EventKind, i64, Option<i64>, Option<i64>)],
        actor: Option<i64>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        append_for(self.txn, subject, rows, actor, at).await?;
        self.wrote |= !rows.is_empty();
        Ok(())
    }

    /// One event for everyone (its kind's audience is everyone).
    pub async fn everyone(
        &mut self,
        kind: EventKind,
        subject: entity::EventSubject,
        subject_id: i64,
        actor: Option<i64>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        append_for_everyone(self.txn, kind, subject, subject_id, actor, at).await?;
        self.wrote = true;
        Ok(())
    }

    /// `written` events appended by a statement of the caller's own (an
    /// insert-select of an area's store) in this transaction.
    pub fn appended(&mut self, written: u64) {
        self.wrote |= written > 0;
    }

    /// What this transaction told, announced to every process on
    /// PostgreSQL (the notification leaves with the commit).
    pub async fn told(self) -> AppResult<Told> {
        if !self.wrote {
            return Ok(Told(None));
        }
        Ok(Told(Some(announce(self.txn).await?)))
    }
}

/// Appends the events of people in `txn` and tells them: the append lock,
/// the rows, the announcement — nothing at all when there are no rows.
pub async fn tell<C: ConnectionTrait>(
    txn: &C,
    subject: entity::EventSubject,
    rows: &[(EventKind, i64, Option<i64>, Option<i64>)],
    actor: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<Told> {
    if rows.is_empty() {
        return Ok(Told(None));
    }
    let mut log = Appender::open(txn).await?;
    log.people(subject, rows, actor, at).await?;
    log.told().await
}

/// Takes the event-writer lock (PostgreSQL) for the rest of the
/// transaction: event ids are then committed in id order, so a reader that
/// has seen id N never later finds a smaller id appear. A writer that must
/// read or count under it takes it early; [`tell`] and [`Appender`] take it
/// (again: it is held once per transaction) when they append.
pub async fn hold_append_lock(txn: &impl ConnectionTrait) -> AppResult<()> {
    super::locks::hold_for_transaction(txn, super::locks::Lock::EventAppend).await
}

/// After appending: the highest id, announced to every process on
/// PostgreSQL (the notification leaves with the commit).
async fn announce(txn: &impl ConnectionTrait) -> AppResult<i64> {
    let max = max_id(txn).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), max.to_string().into()],
        ))
        .await?;
    }
    Ok(max)
}

/// Appends one event that concerns no opportunity and no one in
/// particular (its kind's audience is everyone), such as an ERP import.
async fn append_for_everyone(
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

/// Appends the events of people (meeting events): one row each, `(kind,
/// subject id, the person, the track)`.
async fn append_for(
    txn: &impl ConnectionTrait,
    subject: entity::EventSubject,
    rows: &[(EventKind, i64, Option<i64>, Option<i64>)],
    actor: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use sea_orm::{ActiveValue::Set, NotSet};
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.iter().map(|(kind, subject_id, user, track)| event::ActiveModel {
        id: NotSet,
        kind: Set(*kind),
        subject_kind: Set(subject),
        subject_id: Set(*subject_id),
        opportunity_id: Set(None),
        rule: Set(None),
        audience_user_id: Set(*user),
        audience_track_id: Set(*track),
        actor_id: Set(actor),
        created_at: Set(at),
    });
    event::Entity::insert_many(models).exec_without_returning(txn).await?;
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

/// Who listens for events: his scope (alert events follow it) and who he
/// is (meeting events are for people: a task's owner, the chairs, a
/// meeting's participants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub scope: Scope,
    pub user_id: i64,
    pub role: Role,
    pub track_ids: Vec<i64>,
}

impl Listener {
    pub fn of(viewer: &crate::auth::Viewer) -> Self {
        Self {
            scope: viewer.scope(),
            user_id: viewer.user_id,
            role: viewer.role,
            track_ids: viewer.track_ids.clone(),
        }
    }
}

fn kinds_for(a: Audience) -> impl Iterator<Item = EventKind> {
    use sea_orm::Iterable;
    EventKind::iter().filter(move |k| audience(*k) == a)
}

/// Who may receive which events, in SQL: the same rule as [`admits`]
/// applies in memory (a test holds them together).
pub fn scope_condition(l: &Listener) -> Condition {
    use event::Column as E;
    let scoped: Vec<EventKind> = kinds_for(Audience::OwnerAndTrack).chain(kinds_for(Audience::Track)).collect();
    let mut any = Condition::any()
        .add(
            Condition::all()
                .add(E::Kind.is_in(scoped))
                .add(super::scope_on(&l.scope, E::AudienceUserId, E::AudienceTrackId)),
        )
        .add(E::Kind.is_in(kinds_for(Audience::Everyone)))
        .add(
            Condition::all()
                .add(E::Kind.is_in(kinds_for(Audience::Person)))
                .add(E::AudienceUserId.eq(l.user_id)),
        );
    let tracks = || E::AudienceTrackId.is_in(l.track_ids.iter().copied());
    let chairs = match l.role {
        Role::Ceo | Role::Secretary => Some(Condition::all()),
        Role::TrackDirector => Some(Condition::all().add(tracks())),
        Role::AccountManager | Role::Admin => None,
    };
    if let Some(c) = chairs {
        any = any.add(Condition::all().add(E::Kind.is_in(kinds_for(Audience::Chairs))).add(c));
    }
    let participants = match l.role {
        Role::Ceo | Role::Secretary => Some(Condition::all()),
        Role::TrackDirector => Some(Condition::any().add(E::AudienceTrackId.is_null()).add(tracks())),
        Role::AccountManager => Some(Condition::all().add(tracks())),
        Role::Admin => None,
    };
    if let Some(c) = participants {
        any = any.add(Condition::all().add(E::Kind.is_in(kinds_for(Audience::Participants))).add(c));
    }
    any
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

/// The rule on one event, in memory: the same rule as [`scope_condition`]
/// applies in SQL (a test holds them together).
pub fn admits(l: &Listener, e: &event::Model) -> bool {
    let of_tracks = e.audience_track_id.is_some_and(|t| l.track_ids.contains(&t));
    match audience(e.kind) {
        Audience::Everyone => true,
        Audience::OwnerAndTrack | Audience::Track => match &l.scope {
            Scope::All => true,
            Scope::Tracks(ids) => e.audience_track_id.is_some_and(|t| ids.contains(&t)),
            Scope::Owner(id) => e.audience_user_id == Some(*id),
        },
        Audience::Person => e.audience_user_id == Some(l.user_id),
        Audience::Chairs => match l.role {
            Role::Ceo | Role::Secretary => true,
            Role::TrackDirector => of_tracks,
            Role::AccountManager | Role::Admin => false,
        },
        Audience::Participants => match l.role {
            Role::Ceo | Role::Secretary => true,
            Role::TrackDirector => e.audience_track_id.is_none() || of_tracks,
            Role::AccountManager => of_tracks,
            Role::Admin => false,
        },
    }
}

/// The next events after `after`, of these kinds, in the scope, in id order.
pub async fn after(
    db: &impl ConnectionTrait,
    listener: &Listener,
    kinds: &[EventKind],
    after: i64,
    limit: u64,
) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(scope_condition(listener))
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
            [USERS_CHANNEL.into(), user_id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Announces to every other process (PostgreSQL) that a committed write
/// changed what `change` covers (`freshness`); on SQLite there is only
/// this process.
pub async fn announce_fresh(db: &impl ConnectionTrait, change: &str) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [FRESH_CHANNEL.into(), change.into()],
        ))
        .await?;
    }
    Ok(())
}
