//! Logging in, refreshing, logging out, and the logged-in user's password.

use super::common::Instant;
use super::ctx;
use super::organisation::User;
use crate::service;
use crate::service::auth::Tokens;
use async_graphql::{Context, Object, Result};

/// The answer to a login or a refresh.
pub struct LoginPayload(pub Tokens);

/// The answer to a login or a refresh: a short-lived access token and a
/// refresh token for the next one.
#[Object]
impl LoginPayload {
    /// Access token: send it as `Authorization: Bearer <token>` (HTTP) or in the
    /// `connection_init` payload as `{"Authorization": "Bearer <token>"}` (WebSocket).
    /// Short-lived (15 minutes by default): refresh it with `refreshToken`.
    async fn token(&self) -> &str {
        &self.0.access_token
    }
    /// When the access token stops working.
    async fn expires_at(&self) -> Instant {
        Instant(self.0.access_expires_at)
    }
    /// Refresh token: exchange it once with `refreshToken(refreshToken:)` for new tokens.
    /// Keep it secret (the phone's secure storage); a copy used twice ends the login.
    async fn refresh_token(&self) -> &str {
        &self.0.refresh_token
    }
    /// When the login ends unless refreshed before (30 days unused by default).
    async fn refresh_expires_at(&self) -> Instant {
        Instant(self.0.refresh_expires_at)
    }
    /// The user who logged in.
    async fn user(&self) -> User {
        User(self.0.user.clone())
    }
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The logged-in user.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        Ok(User(service::users::me(ctx::state(ctx)?, viewer).await?))
    }
}

#[derive(Default)]
pub struct AuthMutation;

fn client(ctx: &Context<'_>) -> Option<std::net::IpAddr> {
    ctx.data_opt::<ctx::ClientAddr>().and_then(|c| c.0)
}

#[Object]
impl AuthMutation {
    /// Exchanges e-mail and password for tokens; each login is one device's session.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login e-mail.")] email: String,
        #[graphql(desc = "Password.")] password: String,
    ) -> Result<LoginPayload> {
        let tokens = service::auth::login(ctx::state(ctx)?, &email, &password, client(ctx)).await?;
        Ok(LoginPayload(tokens))
    }

    /// Exchanges a refresh token (once) for a new access token and a new refresh token.
    /// A refresh token used a second time ends its login everywhere it is used.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the last login or refresh.")] refresh_token: String,
    ) -> Result<LoginPayload> {
        Ok(LoginPayload(service::auth::refresh(ctx::state(ctx)?, &refresh_token).await?))
    }

    /// Ends this login (this device): its tokens stop working and its sockets close.
    /// With `everywhere`, every login of the user ends. Answers how many logins ended.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "End every login of the user, not only this one.", default = false)] everywhere: bool,
    ) -> Result<u64> {
        let viewer = ctx::viewer(ctx)?;
        Ok(service::auth::logout(ctx::state(ctx)?, viewer, everywhere).await?)
    }

    /// Changes the logged-in user's password (at least 8 characters). His
    /// other logins end; this one goes on.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The password now.")] current_password: String,
        #[graphql(desc = "The new password.")] new_password: String,
    ) -> Result<User> {
        let viewer = ctx::viewer(ctx)?;
        let state = ctx::state(ctx)?;
        let user = service::auth::change_password(state, viewer, &current_password, &new_password, client(ctx)).await?;
        Ok(User(user))
    }
}
