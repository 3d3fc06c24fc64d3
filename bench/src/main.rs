//! `salespulse-bench`: the benchmarks' command line. Each one runs against
//! `SALESPULSE_DATABASE_URL` (configured as for `salespulse serve`).

use api::clock::{SharedClock, SystemClock};
use api::config::Config;
use api::error::AppError;
use clap::{Parser, Subcommand};
use salespulse_bench::{board, health, http, meetings, scan, ws};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "salespulse-bench", version, about = "Benchmarks of the salespulse API")]
struct Cli {
    #[command(subcommand)]
    what: Option<Bench>,
    /// Opportunities to generate (scan, http).
    #[arg(long, default_value_t = 200_000, global = true)]
    opportunities: i64,
    /// Activities to generate (scan, http).
    #[arg(long, default_value_t = 2_000_000, global = true)]
    activities: i64,
}

#[derive(Subcommand)]
enum Bench {
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
    /// Seed the demo company (if the database is empty), start the server (`salespulse`, built
    /// beside this binary) as child process(es), subscribe many WebSocket clients, and time one
    /// alert and a scan's burst reaching them.
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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .try_init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let size = scan::Size {
        opportunities: cli.opportunities,
        activities: cli.activities,
    };
    let result = match cli.what.unwrap_or(Bench::Scan) {
        Bench::Scan => scan::run(config, clock, size).await,
        Bench::Http { concurrency, seconds } => http::run(config, clock, size, concurrency, seconds).await,
        Bench::Board { concurrency, seconds } => board::run(config, clock, concurrency, seconds).await,
        Bench::Meetings { concurrency, seconds } => meetings::run(config, clock, concurrency, seconds).await,
        Bench::Health { concurrency, seconds } => health::run(config, clock, concurrency, seconds).await,
        Bench::Ws {
            subscribers,
            processes,
            burst_days,
            all_see_all,
        } => {
            let options = ws::Options {
                subscribers,
                processes,
                burst_days,
                all_see_all,
            };
            ws::run(config, clock, options).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "salespulse-bench: {}",
                match &e {
                    AppError::Internal(detail) => detail.clone(),
                    other => other.message(),
                }
            );
            ExitCode::FAILURE
        }
    }
}
