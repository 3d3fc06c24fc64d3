//! salespulse: the sales-supervision API. See `ARCHITECTURE.md` for the
//! layers: HTTP/WS → graphql → service → domain + store.

pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod freshness;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod locale;
pub mod messages;
pub mod seed;
pub mod server;
pub mod service;
pub mod state;
pub mod store;
pub mod ws;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::sync::Arc;

/// A built service: database ready, port bound, not yet serving.
pub struct App {
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    router: axum::Router,
}

/// Connects, migrates, and writes the default configuration into a new
/// database (its time zone from `SALESPULSE_TIMEZONE`).
pub async fn prepare_database(config: &Config, clock: &SharedClock) -> AppResult<DatabaseConnection> {
    let db = store::connect(config).await?;
    prepare_connection(&db, config, clock).await?;
    Ok(db)
}

/// Migrates an open connection and writes the default configuration into a
/// new database.
pub async fn prepare_connection(db: &DatabaseConnection, config: &Config, clock: &SharedClock) -> AppResult<()> {
    store::migrate(db).await?;
    if store::settings::is_empty(db).await? {
        let settings = domain::settings::Settings {
            timezone: config.timezone,
            ..Default::default()
        };
        store::settings::save(db, &settings, None, clock.now()).await?;
    }
    Ok(())
}

impl App {
    /// Prepares the database (and the demo company when configured and the
    /// database is empty) and binds the listener (port 0 picks a free one).
    pub async fn build(config: Config, clock: SharedClock) -> AppResult<Self> {
        let db = store::connect(&config).await?;
        Self::build_on(config, clock, db).await
    }

    /// Like [`App::build`], on a connection the caller opened (tests use it
    /// to count the statements a request sends).
    pub async fn build_on(config: Config, clock: SharedClock, db: DatabaseConnection) -> AppResult<Self> {
        let state = Self::state_on(config, clock, db).await?;
        let listener = tokio::net::TcpListener::bind(state.config.bind)
            .await
            .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", state.config.bind)))?;
        let schema = graphql::build(state.clone());
        let router = http::router(http::HttpState {
            app: state.clone(),
            schema,
            answers: Arc::default(),
        });
        Ok(Self { state, listener, router })
    }

    /// The service's state on a prepared database, without a listener: what
    /// the server runs on, and what the command line's use cases call.
    pub async fn state_on(config: Config, clock: SharedClock, db: DatabaseConnection) -> AppResult<Arc<AppState>> {
        prepare_connection(&db, &config, &clock).await?;
        if config.seed_demo && seed::is_empty(&db).await? {
            seed::demo_company(&db, clock.now()).await?;
            tracing::info!("seeded the demo company");
        }
        let secret = match &config.jwt_secret {
            Some(s) => s.as_bytes().to_vec(),
            None => {
                tracing::warn!("SALESPULSE_JWT_SECRET is not set: using a random secret; tokens will not survive a restart");
                let mut bytes = [0u8; 32];
                rand::fill(&mut bytes);
                bytes.to_vec()
            }
        };
        let dummy_hash = auth::password::hash_async("no such user".to_owned()).await?;
        let keys = auth::jwt::Keys::new(&secret, config.token_ttl_minutes);
        let bus = events::EventBus::new();
        if !config.is_sqlite() {
            events::listen_postgres(&config, bus.clone()).await?;
        }
        let state = Arc::new(AppState::new(db, clock, keys, config, dummy_hash, bus));
        events::EventFeed::spawn(&state);
        Ok(state)
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.config.bind)
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT, then drains (see [`server`]).
    pub async fn serve(self) -> std::io::Result<()> {
        self.serve_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then drains: in-flight requests
    /// finish, every WebSocket is closed with 1001.
    pub async fn serve_until(self, signal: impl Future<Output = ()>) -> std::io::Result<()> {
        if self.state.config.scheduler {
            jobs::spawn(self.state.clone());
        }
        server::serve(self.listener, self.router, self.state, signal).await;
        Ok(())
    }
}

/// SIGTERM (what service managers send) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
