//! The command line: `salespulse [serve|migrate|seed|schema|import]`.
//! The product's use cases live in `api`; this parses, starts and reports.

use api::clock::{SharedClock, SystemClock};
use api::config::Config;
use api::error::{AppError, AppResult};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "salespulse", version, about = "Sales-supervision GraphQL API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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
        out.push_str(&format!("  demo logins (password: {}):\n", api::seed::DEMO_PASSWORD));
        out.push_str("    ceo@demo.local  secretary@demo.local  admin@demo.local\n");
        out.push_str("    director1@demo.local … director6@demo.local   am1@demo.local … am30@demo.local\n");
    }
    out
}

/// The command line: `salespulse [serve|migrate|seed|schema]`.
pub(crate) async fn run_cli() -> ExitCode {
    let cli = Cli::parse();
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        // Colour codes only on a terminal: a log file or a collector gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .try_init();
    if let Some(Command::Schema) = cli.command {
        print!("{}", api::graphql::sdl());
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
        Command::Migrate => api::prepare_database(&config, &clock).await.map(|_| println!("migrations applied")),
        Command::Seed => seed_command(&config, &clock).await,
        Command::Import {
            kind,
            file,
            user,
            password,
        } => {
            let opts = crate::import::Options {
                kind: kind.into(),
                file,
                user,
                password,
            };
            crate::import::run(config, clock, opts).await
        }
        Command::Serve | Command::Schema => match api::App::build(config, clock).await {
            Ok(app) => {
                let demo = api::seed::has_demo(&app.state().db).await.unwrap_or(false);
                print!("{}", welcome(app.address(), app.state().config.graphiql, demo));
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
    let db = api::prepare_database(config, clock).await?;
    if !api::seed::is_empty(&db).await? {
        return Err(AppError::conflict(
            "the database already has users: the demo company is seeded into an empty database only",
        ));
    }
    api::seed::demo_company(&db, clock.now()).await?;
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
