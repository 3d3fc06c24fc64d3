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
    /// Prepare the database for a real company: the schema and the default
    /// settings, never the demo company. Then `salespulse admin create`.
    Init,
    /// Administrators of the company.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
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

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin: the first of a company that starts empty. The
    /// password is asked for twice on a terminal, or read as one line from
    /// standard input (`printf '%s\n' "$PASSWORD" | salespulse admin create …`);
    /// it is never an argument.
    Create {
        /// His login e-mail.
        #[arg(long)]
        email: String,
        /// His name, as colleagues read it.
        #[arg(long)]
        name: String,
        /// Create him even though an active admin exists already.
        #[arg(long)]
        another: bool,
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
        Command::Init => init_command(&config, &clock).await,
        Command::Admin {
            command: AdminCommand::Create { email, name, another },
        } => admin_create(config, clock, email, name, another).await,
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

/// `salespulse init`: the schema and the settings, marked as a real
/// company's so that the demo company never goes in.
async fn init_command(config: &Config, clock: &SharedClock) -> AppResult<()> {
    let db = api::prepare_database(config, clock).await?;
    api::seed::refuse_demo(&db).await?;
    api::seed::start_empty(&db, clock.now()).await?;
    let people = api::store::users::count(&db).await?;
    println!("database ready for a real company ({people} users): no demo company will be added");
    if people == 0 {
        println!("next: salespulse admin create --email <e-mail> --name <name>");
    }
    Ok(())
}

/// A command that logs in inside its own process needs a token key; when
/// none is configured it makes one that dies with the process.
pub(crate) fn process_secret(config: &mut Config) {
    if config.jwt_secret.is_none() {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        config.jwt_secret = Some(bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
}

/// The new admin's password: twice on a terminal, one line from a pipe.
fn new_password() -> AppResult<String> {
    use std::io::{BufRead, IsTerminal};
    let cannot = |e: std::io::Error| AppError::Internal(format!("cannot read the password: {e}"));
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password (at least 8 characters): ").map_err(cannot)?;
        let again = rpassword::prompt_password("the same password again: ").map_err(cannot)?;
        if first != again {
            return Err(AppError::Internal("the two passwords differ: nothing was created".to_owned()));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(cannot)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// `salespulse admin create`: the first admin of a company that starts empty.
async fn admin_create(mut config: Config, clock: SharedClock, email: String, name: String, another: bool) -> AppResult<()> {
    let password = new_password()?;
    // A company that creates its admin by hand is a real one.
    config.seed_demo = false;
    process_secret(&mut config);
    let db = api::store::connect(&config).await?;
    let state = api::App::state_on(config, clock.clone(), db).await?;
    api::seed::refuse_demo(&state.db).await?;
    let new = api::service::users::CommandLineAdmin {
        email,
        name,
        password,
        another,
    };
    let admin = api::service::users::create_admin(&state, new).await?;
    // Marked only once he exists: a refused attempt leaves the database as it was.
    api::seed::start_empty(&state.db, clock.now()).await?;
    println!(
        "admin {} ({}) created: log in with this e-mail and the password just typed",
        admin.email, admin.name
    );
    Ok(())
}

async fn seed_command(config: &Config, clock: &SharedClock) -> AppResult<()> {
    let db = api::prepare_database(config, clock).await?;
    if !api::seed::is_empty(&db).await? {
        return Err(AppError::conflict(
            "the demo company is seeded into an empty database only (this one has users, or was started for a real company with `salespulse init`)",
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
