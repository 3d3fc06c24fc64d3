//! The salespulse binary: parse the command line, hand over to `api`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    api::run_cli().await
}
