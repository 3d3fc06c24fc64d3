//! The organisation: users, tracks, customers, and the admin's user
//! administration.

use super::common::lookup_id;
use super::ctx;
use super::enums::{BusinessLine, Role};
use crate::service;
use async_graphql::{Context, ID, Object, Result};
use entity::{customer, track, user};

/// A person who logs in.
pub struct User(pub user::Model);

/// A person who logs in.
#[Object]
impl User {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Login e-mail.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Role in the organisation.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// The counts a phone shows on its badge; only for the logged-in user himself (null for anyone else).
    #[graphql(complexity = 50)]
    async fn badges(&self, ctx: &Context<'_>) -> Result<Option<Badges>> {
        let viewer = ctx::viewer(ctx)?;
        if viewer.user_id != self.0.id {
            return Ok(None);
        }
        let b = service::alerts::badges(ctx::state(ctx)?, viewer).await?;
        Ok(Some(Badges {
            open_alerts: b.open_alerts,
            overdue_alerts: b.overdue_alerts,
        }))
    }
    /// The role in words (客户经理), in the request's language.
    async fn role_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.role).await
    }
    /// False once an admin deactivated the account; its tokens stop working.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// The account manager's track, or the tracks a director runs.
    async fn tracks(&self, ctx: &Context<'_>) -> Result<Vec<Track>> {
        let loaders = ctx::loaders(ctx)?;
        let ids = loaders.user_tracks.load_one(self.0.id).await?.unwrap_or_default();
        let mut found = loaders.tracks.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(Track).collect())
    }
}

/// The counts a phone shows on its badge.
#[derive(async_graphql::SimpleObject)]
pub struct Badges {
    /// Open alerts in the viewer's scope (an account manager: his own, to answer).
    pub open_alerts: u64,
    /// Alerts in the viewer's scope overdue now (unresolved past due, or unreviewed past review time).
    pub overdue_alerts: u64,
}

/// 赛道: an industry vertical inside one business line.
pub struct Track(pub track::Model);

async fn users_by_ids(ctx: &Context<'_>, ids: Vec<i64>) -> Result<Vec<User>> {
    let mut found = ctx::loaders(ctx)?.users.load_many(ids.iter().copied()).await?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).map(User).collect())
}

/// 赛道: an industry vertical inside one business line.
#[Object]
impl Track {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Name, such as 消费电子I.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The business line the track belongs to.
    async fn business_line(&self) -> BusinessLine {
        self.0.business_line.into()
    }
    /// Directors who run the track.
    async fn directors(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let ids = ctx::loaders(ctx)?.track_directors.load_one(self.0.id).await?.unwrap_or_default();
        users_by_ids(ctx, ids).await
    }
    /// Account managers of the track.
    async fn account_managers(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let ids = ctx::loaders(ctx)?.track_members.load_one(self.0.id).await?.unwrap_or_default();
        users_by_ids(ctx, ids).await
    }
}

/// A customer company.
pub struct Customer(pub customer::Model);

/// A customer company.
#[Object]
impl Customer {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Company name.
    async fn name(&self) -> &str {
        &self.0.name
    }
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The tracks in the viewer's scope: his own track, the tracks he runs, or all.
    #[graphql(complexity = "5 + 10 * child_complexity")]
    async fn tracks(&self, ctx: &Context<'_>) -> Result<Vec<Track>> {
        let viewer = ctx::viewer(ctx)?;
        let rows = service::users::tracks(ctx::state(ctx)?, viewer).await?;
        Ok(rows.into_iter().map(Track).collect())
    }
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Admin: activates or deactivates a user; a deactivated user's tokens stop working.
    async fn set_user_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "User id.")] id: ID,
        #[graphql(desc = "Active or not.")] active: bool,
    ) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "user")?;
        Ok(User(service::users::set_active(ctx::state(ctx)?, viewer, id, active).await?))
    }
}
