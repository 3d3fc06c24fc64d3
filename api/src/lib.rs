//! salespulse: the sales-supervision API. See `ARCHITECTURE.md` for the
//! layers: HTTP/WS → graphql → service → domain + store.

pub mod auth;
pub mod bench;
pub mod bench_board;
pub mod bench_health;
pub mod bench_http;
pub mod bench_meetings;
pub mod bench_ws;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod freshness;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod import_cli;
pub mod jobs;
pub mod seed;
pub mod server;
pub mod service;
pub mod state;
pub mod store;
pub mod ws;

use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use clap::{Parser, Subcommand};
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::process::ExitCode;
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

#[derive(Parser)]
#[command(name = "salespulse", version, about = "Sales-supervision GraphQL API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Generate a large company into an EMPTY database and time the anomaly scan against its raw SQL.
    Scan,
    /// Serve the benchmark company (generated if the database is empty) and load the read path,
    /// beside the same reads as raw SQL.
    Http {
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Seconds each measurement runs (after one second of warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Write the board's company into an EMPTY database (50 tracks, 1,000 account managers,
    /// 24 months of ERP figures imported in batches of 100,000 rows, timed), serve it, and load
    /// `rankingBoard` and a `boardDrill` page beside the raw SQL of the same aggregates.
    Board {
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Seconds each measurement runs (after one second of warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// On the board benchmark's database, write 100 meetings and 50,000 tasks anew, serve them, and
    /// load `openingReport` and `tasks` pages; time the escalation job for 50 tracks.
    Meetings {
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Seconds each measurement runs (after one second of warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// On the board benchmark's database, add 100,000 opportunities, serve them, and load
    /// `orderHealthBoard` and `funnel` beside the raw SQL of their figures.
    Health {
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Seconds each measurement runs (after one second of warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Seed the demo company (if the database is empty), start the server as child process(es),
    /// subscribe many WebSocket clients, and time one alert and a scan's burst reaching them.
    Ws {
        /// Subscribed sockets, spread over the demo company's logins.
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Server processes sharing the database (PostgreSQL only for more than one).
        #[arg(long, default_value_t = 1)]
        processes: usize,
        /// How many days ahead the burst's scan looks (0: no burst).
        #[arg(long, default_value_t = 20)]
        burst_days: i64,
        /// Subscribe as the logins that see the whole company only (CEO, secretary, admin),
        /// so that one alert reaches every socket.
        #[arg(long)]
        all_see_all: bool,
    },
}

/// The kinds of file `salespulse import` takes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Orders,
    Sales,
    Expenses,
    Receivables,
    SalesTargets,
    OrderTargets,
}

impl From<ImportKind> for entity::ErpKind {
    fn from(k: ImportKind) -> Self {
        match k {
            ImportKind::Orders => Self::Orders,
            ImportKind::Sales => Self::Sales,
            ImportKind::Expenses => Self::Expenses,
            ImportKind::Receivables => Self::Receivables,
            ImportKind::SalesTargets => Self::SalesTargets,
            ImportKind::OrderTargets => Self::OrderTargets,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Seed the demo company into an empty database and exit.
    Seed,
    /// Print the GraphQL SDL.
    Schema,
    /// Import a CSV file of ERP facts or targets, all or nothing, as an admin
    /// (password from SALESPULSE_PASSWORD, or asked for on a terminal).
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV file: a header row, UTF-8 with or without BOM; Chinese headers accepted.
        file: std::path::PathBuf,
        /// The admin's login e-mail.
        #[arg(long, env = "SALESPULSE_USER", default_value = "admin@demo.local")]
        user: String,
        /// The admin's password (asked for on a terminal when not given).
        #[arg(long, env = "SALESPULSE_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Benchmarks: the anomaly scan (default) or the read path over HTTP.
    Bench {
        #[command(subcommand)]
        what: Option<BenchCommand>,
        /// Opportunities to generate.
        #[arg(long, default_value_t = 200_000, global = true)]
        opportunities: i64,
        /// Activities to generate.
        #[arg(long, default_value_t = 2_000_000, global = true)]
        activities: i64,
    },
}

/// The start-up banner: GraphiQL only when it is on, the demo logins only
/// when the demo company is in the database.
fn welcome(addr: SocketAddr, graphiql: bool, demo: bool) -> String {
    let mut out = if graphiql {
        format!("salespulse is listening on http://{addr}/  (GraphiQL)\n")
    } else {
        format!("salespulse is listening on {addr}\n")
    };
    out.push_str(&format!(
        "  API:        POST/GET http://{addr}/graphql   WebSocket ws://{addr}/graphql (graphql-transport-ws)\n"
    ));
    out.push_str(&format!("  health:     http://{addr}/healthz   readiness: http://{addr}/readyz\n"));
    if demo {
        out.push_str(&format!("  demo logins (password: {}):\n", seed::DEMO_PASSWORD));
        out.push_str("    ceo@demo.local  secretary@demo.local  admin@demo.local\n");
        out.push_str("    director1@demo.local … director6@demo.local   am1@demo.local … am30@demo.local\n");
    }
    out
}

/// The command line: `salespulse [serve|migrate|seed|schema]`.
pub async fn run_cli() -> ExitCode {
    let cli = Cli::parse();
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        // Colour codes only on a terminal: a log file or a collector gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .try_init();
    if let Some(Command::Schema) = cli.command {
        print!("{}", graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => prepare_database(&config, &clock).await.map(|_| println!("migrations applied")),
        Command::Seed => seed_command(&config, &clock).await,
        Command::Import {
            kind,
            file,
            user,
            password,
        } => {
            let opts = import_cli::Options {
                kind: kind.into(),
                file,
                user,
                password,
            };
            import_cli::run(config, clock, opts).await
        }
        Command::Bench {
            what,
            opportunities,
            activities,
        } => {
            let size = bench::Size { opportunities, activities };
            match what {
                None | Some(BenchCommand::Scan) => bench::run(config, clock, size).await,
                Some(BenchCommand::Http { concurrency, seconds }) => bench_http::run(config, clock, size, concurrency, seconds).await,
                Some(BenchCommand::Board { concurrency, seconds }) => bench_board::run(config, clock, concurrency, seconds).await,
                Some(BenchCommand::Meetings { concurrency, seconds }) => bench_meetings::run(config, clock, concurrency, seconds).await,
                Some(BenchCommand::Health { concurrency, seconds }) => bench_health::run(config, clock, concurrency, seconds).await,
                Some(BenchCommand::Ws {
                    subscribers,
                    processes,
                    burst_days,
                    all_see_all,
                }) => {
                    let options = bench_ws::Options {
                        subscribers,
                        processes,
                        burst_days,
                        all_see_all,
                    };
                    bench_ws::run(config, clock, options).await
                }
            }
        }
        Command::Serve | Command::Schema => match App::build(config, clock).await {
            Ok(app) => {
                let demo = seed::has_demo(&app.state.db).await.unwrap_or(false);
                print!("{}", welcome(app.address(), app.state.config.graphiql, demo));
                app.serve().await.map_err(AppError::internal)
            }
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "salespulse: {}",
                match &e {
                    AppError::Internal(detail) => detail.clone(),
                    other => other.message(),
                }
            );
            ExitCode::FAILURE
        }
    }
}

async fn seed_command(config: &Config, clock: &SharedClock) -> AppResult<()> {
    let db = prepare_database(config, clock).await?;
    if !seed::is_empty(&db).await? {
        return Err(AppError::conflict(
            "the database already has users: the demo company is seeded into an empty database only",
        ));
    }
    seed::demo_company(&db, clock.now()).await?;
    println!("demo company seeded");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_banner_names_graphiql_and_the_demo_logins_only_when_there() {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
        let full = super::welcome(addr, true, true);
        assert!(full.contains("(GraphiQL)") && full.contains("am1@demo.local"));
        let bare = super::welcome(addr, false, false);
        assert!(!bare.contains("GraphiQL") && !bare.contains("demo"), "{bare}");
    }
}
