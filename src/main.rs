//! The salespulse binary: the command line (`cli`), handing over to `api`.

mod cli;
mod import;

/// mimalloc: 15–30 % more requests per second than the system allocator
/// (`salespulse-bench http`; docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cli::run_cli().await
}
