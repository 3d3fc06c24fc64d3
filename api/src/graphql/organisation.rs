//! The organisation: users, tracks, customers, and the admin's user
//! administration.

use super::common::{Connection, Node, PageArgs, lookup_id, page_request, raw_id};
use super::ctx;
use super::enums::{BusinessLine, Role};
use crate::service;
use async_graphql::{Context, ID, Object, Result};
use entity::{customer, track, user};

/// A person who logs in.
#[derive(Clone)]
pub struct User(pub user::Model);

impl Node for User {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

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
        Ok(Some(b.into()))
    }
    /// The role in words (客户经理), in the request's language.
    async fn role_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.role).await
    }
    /// True after an admin created the account or reset its password: the
    /// client asks the user to choose his own (`changePassword`).
    async fn must_change_password(&self) -> bool {
        self.0.must_change_password
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
    /// Of those, the ones their account manager has not opened yet (`markAlertsSeen`).
    pub unseen_alerts: u64,
    /// Alerts in the viewer's scope overdue now (unresolved past due, or unreviewed past review time).
    pub overdue_alerts: u64,
}

impl From<service::alerts::Badges> for Badges {
    fn from(b: service::alerts::Badges) -> Self {
        Self {
            open_alerts: b.open_alerts,
            unseen_alerts: b.unseen_alerts,
            overdue_alerts: b.overdue_alerts,
        }
    }
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

    /// Admin: the users, in id order, narrowed by a search text, role, state or track.
    #[graphql(complexity = "10 + crate::domain::limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrowing of the list.")] filter: Option<UserFilter>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<User>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let f = filter.unwrap_or_default();
        let f = service::users::UserFilter {
            search: f.search,
            role: f.role.map(Into::into),
            active: f.active,
            track_id: raw_id(f.track_id),
        };
        let found = service::users::list(ctx::state(ctx)?, viewer, f, page).await?;
        Ok(Connection::new(found.map(User)))
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

    /// Admin: creates a user with a role, his tracks and a first password
    /// (he is asked to choose his own at login).
    async fn create_user(&self, ctx: &Context<'_>, #[graphql(desc = "The new user.")] input: CreateUserInput) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let new = service::users::NewUser {
            email: input.email,
            name: input.name,
            role: input.role.into(),
            track_ids: input.track_ids.into_iter().map(|i| i.0).collect(),
            password: input.password,
        };
        Ok(User(service::users::create(ctx::state(ctx)?, viewer, new).await?))
    }

    /// Admin: a new track (赛道) in a business line; its name is unique. Its directors and
    /// account managers are given with `createUser` / `updateUser` (`trackIds`).
    async fn create_track(&self, ctx: &Context<'_>, #[graphql(desc = "The new track.")] input: TrackInput) -> Result<Track> {
        let viewer = ctx::viewer(ctx)?;
        let input = service::tracks::TrackInput {
            name: input.name,
            business_line: input.business_line.into(),
        };
        Ok(Track(service::tracks::create(ctx::state(ctx)?, viewer, input).await?))
    }

    /// Admin: renames a track or moves it to the other business line; its deals go with it
    /// (the month-end funnel alerts and snapshots already taken stay as taken), and every
    /// board shows the new name at once.
    async fn update_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Track id.")] id: ID,
        #[graphql(desc = "Its name and business line.")] input: TrackInput,
    ) -> Result<Track> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "track")?;
        let input = service::tracks::TrackInput {
            name: input.name,
            business_line: input.business_line.into(),
        };
        Ok(Track(service::tracks::update(ctx::state(ctx)?, viewer, id, input).await?))
    }

    /// Admin: changes a user's name, role or tracks; takes effect at once
    /// (his open sockets close, his next request has the new scope).
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "User id.")] id: ID,
        #[graphql(desc = "What changes.")] input: UpdateUserInput,
    ) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "user")?;
        let changes = service::users::UserChanges {
            name: input.name,
            role: input.role.map(Into::into),
            track_ids: input.track_ids.map(|ids| ids.into_iter().map(|i| i.0).collect()),
        };
        Ok(User(service::users::update(ctx::state(ctx)?, viewer, id, changes).await?))
    }

    /// Admin: gives a user a new password; all his logins end and he is
    /// asked to choose his own at the next login.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "User id.")] id: ID,
        #[graphql(desc = "The temporary password (at least 8 characters).")] new_password: String,
    ) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "user")?;
        Ok(User(
            service::users::reset_password(ctx::state(ctx)?, viewer, id, &new_password).await?,
        ))
    }
}

/// A track as the admin gives it.
#[derive(async_graphql::InputObject)]
pub struct TrackInput {
    /// Its name, unique (at most 200 characters).
    name: String,
    /// Its business line: molding-integrated or commodity molds.
    business_line: BusinessLine,
}

/// A new user.
#[derive(async_graphql::InputObject)]
pub struct CreateUserInput {
    /// Login e-mail (stored lower-case; unique).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// An account manager's one track, or the tracks a director runs; empty for other roles.
    #[graphql(validator(max_items = 20))]
    pub track_ids: Vec<ID>,
    /// The first password, at least 8 characters.
    pub password: String,
}

/// What changes of a user; absent fields stay as they are.
#[derive(async_graphql::InputObject)]
pub struct UpdateUserInput {
    /// Display name.
    pub name: Option<String>,
    /// Role; with a new role, give the tracks it holds.
    pub role: Option<Role>,
    /// The tracks, replacing the old ones.
    #[graphql(validator(max_items = 20))]
    pub track_ids: Option<Vec<ID>>,
}

/// Narrowing of the admin's user list.
#[derive(async_graphql::InputObject, Default)]
pub struct UserFilter {
    /// Part of the name or the e-mail.
    pub search: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only active (true) or deactivated (false) accounts.
    pub active: Option<bool>,
    /// Only members or directors of this track.
    pub track_id: Option<ID>,
}
