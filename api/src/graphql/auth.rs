//! Logging in and the logged-in user.

use super::ctx;
use super::organisation::User;
use crate::service;
use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::user;

/// The answer to a successful login.
pub struct LoginPayload {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// The answer to a successful login.
#[Object]
impl LoginPayload {
    /// Bearer token: send it as `Authorization: Bearer <token>` (HTTP) or in the
    /// `connection_init` payload as `{"Authorization": "Bearer <token>"}` (WebSocket).
    async fn token(&self) -> &str {
        &self.token
    }
    /// When the token stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
    /// The user who logged in.
    async fn user(&self) -> User {
        User(self.user.clone())
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

#[Object]
impl AuthMutation {
    /// Exchanges e-mail and password for a bearer token.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login e-mail.")] email: String,
        #[graphql(desc = "Password.")] password: String,
    ) -> Result<LoginPayload> {
        let client = ctx.data_opt::<ctx::ClientAddr>().and_then(|c| c.0);
        let (token, expires_at, user) = service::auth::login(ctx::state(ctx)?, &email, &password, client).await?;
        Ok(LoginPayload { token, expires_at, user })
    }
}
