//! `salespulse import <kind> <file.csv>`: the admin's CSV exports, through
//! the same use case as `importErpBatch` (real login, real role check, one
//! transaction). A progress bar while the file is read; every bad row
//! printed as a table of line, column and problem; nothing is written
//! unless the whole file is good.

use api::clock::SharedClock;
use api::config::Config;
use api::error::{AppError, AppResult};
use api::service;
use api::service::erp::{FileImport, ImportReport};
use entity::{BatchSource, ErpKind};
use std::io::IsTerminal;
use std::path::PathBuf;

/// What to import, and as whom.
pub struct Options {
    pub kind: ErpKind,
    pub file: PathBuf,
    /// The admin's login e-mail.
    pub user: String,
    /// His password (`SALESPULSE_PASSWORD`); asked for on the terminal when absent.
    pub password: Option<String>,
}

/// The file's bytes: a regular file of at most [`limits::ERP_FILE_BYTES`]
/// (a device, a pipe or a directory is refused; no more than the limit
/// and one byte is ever read, whatever the file says of its size).
fn read_file(path: &std::path::Path) -> AppResult<Vec<u8>> {
    use std::io::Read;
    let limit = api::domain::limits::ERP_FILE_BYTES;
    let cannot = |e: std::io::Error| AppError::Internal(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(AppError::Internal(format!("{} is not a regular file", path.display())));
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() > limit {
        return Err(AppError::Internal(format!(
            "{} is larger than {} MiB: split it",
            path.display(),
            limit / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// Runs the import; `Err` after printing the problems when the file is refused.
pub async fn run(mut config: Config, clock: SharedClock, opts: Options) -> AppResult<()> {
    let bytes = read_file(&opts.file)?;
    let password = match opts.password.clone() {
        Some(p) => p,
        None if std::io::stdin().is_terminal() => rpassword::prompt_password(format!("password of {}: ", opts.user))
            .map_err(|e| AppError::Internal(format!("cannot read the password: {e}")))?,
        None => {
            return Err(AppError::Internal(
                "give the password in SALESPULSE_PASSWORD (or run on a terminal to be asked)".to_owned(),
            ));
        }
    };
    crate::cli::process_secret(&mut config);
    let db = api::store::connect(&config).await?;
    let state = api::App::state_on(config, clock, db).await?;
    let tokens = service::auth::login(&state, &opts.user, &password, None).await?;
    let auth = service::auth::authenticate(&state, Some(&format!("Bearer {}", tokens.access_token))).await?;
    let viewer = auth.viewer()?.clone();

    let total = bytes.len() as u64;
    let bar = progress(total);
    let file_name = opts.file.file_name().map(|n| n.to_string_lossy().into_owned());
    let file = FileImport {
        kind: opts.kind,
        source: BatchSource::Cli,
        file_name: file_name.as_deref(),
        bytes: bytes::Bytes::from(bytes),
    };
    let reading = bar.clone();
    let result = service::erp::import_file(&state, &viewer, file, move |at| {
        reading.set_position(at);
        if at == total {
            // Read: what remains is validating and writing.
            reading.finish_and_clear();
        }
    })
    .await;
    bar.finish_and_clear();
    let _ = service::auth::logout(&state, &viewer, false).await;
    match result {
        Ok(report) => {
            print!("{}", summary(&opts, &report));
            Ok(())
        }
        Err(AppError::Validation(fields)) => {
            println!("{}", problem_table(&fields));
            Err(AppError::Conflict(format!(
                "the file was refused: nothing was written ({} problems)",
                fields.len()
            )))
        }
        Err(e) => Err(e),
    }
}

fn progress(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() || len < 1_000_000 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("reading {bar:40} {bytes}/{total_bytes} {eta}") {
        bar.set_style(style);
    }
    bar
}

/// What an accepted file did, in lines for the terminal.
pub fn summary(opts: &Options, r: &ImportReport) -> String {
    let mut out = format!(
        "{}: {} rows of {:?} — inserted {}, updated {}, unchanged {}",
        opts.file.display(),
        r.rows,
        r.kind,
        r.inserted,
        r.updated,
        r.unchanged
    );
    match (r.first_month, r.last_month) {
        (Some(a), Some(b)) if a != b => out.push_str(&format!(
            " ({} to {})",
            api::domain::calendar::format_year_month(a),
            api::domain::calendar::format_year_month(b)
        )),
        (Some(a), _) => out.push_str(&format!(" ({})", api::domain::calendar::format_year_month(a))),
        _ => {}
    }
    out.push('\n');
    if r.batch_id.is_none() {
        out.push_str("nothing changed: every row was already there with the same values\n");
    }
    if !r.updated_keys.is_empty() {
        let shown: Vec<&str> = r.updated_keys.iter().take(20).map(String::as_str).collect();
        let more = r.updated_keys.len().saturating_sub(shown.len());
        out.push_str(&format!("updated: {}", shown.join(", ")));
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
        out.push('\n');
    }
    out
}

/// Every problem as a row of line, column and message.
pub fn problem_table(fields: &[api::error::FieldError]) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["line", "column", "problem"]);
    for f in fields {
        let mut parts = f.field.splitn(3, '.');
        let (line, column) = match (parts.next(), parts.next(), parts.next()) {
            (Some("line"), Some(n), c) => (n.to_owned(), c.unwrap_or("").to_owned()),
            _ => (String::new(), f.field.clone()),
        };
        table.add_row([line, column, f.message.clone()]);
    }
    table.to_string()
}
