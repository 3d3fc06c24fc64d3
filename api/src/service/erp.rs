//! Importing ERP facts and targets: one use case for the three ways in
//! (`importErpBatch`, `importErpFile`, `salespulse import`). A batch is
//! validated whole and written in one transaction, or not at all; rows are
//! matched by their key (the external id; for a target its track, account
//! manager and month), so the same batch twice changes nothing.

use crate::auth::Viewer;
use crate::domain::calendar;
use crate::domain::erp::{self, FactRow, RawRow};
use crate::domain::limits;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use crate::store::{self, locks};
use chrono::NaiveDate;
use entity::{BatchSource, ErpKind, EventKind, EventSubject, Role};
use std::collections::BTreeSet;

/// One batch to import.
#[derive(Debug, Clone)]
pub struct ImportCommand {
    pub kind: ErpKind,
    pub source: BatchSource,
    pub file_name: Option<String>,
    /// The most rows this way in takes ([`limits::ERP_BATCH_ROWS`] in a
    /// request, [`limits::ERP_FILE_ROWS`] in a file).
    pub max_rows: usize,
    pub rows: Vec<RawRow>,
}

/// How the rows of a batch are named in its errors.
#[derive(Debug, Clone)]
pub enum RowNames {
    /// `rows.3` (GraphQL: the index in the list, from 0).
    Index,
    /// `line.5`: the line of the CSV file each row began on (the header is line 1).
    Lines(Vec<u64>),
}

impl RowNames {
    /// The name of row `index`.
    pub fn name(&self, index: usize) -> String {
        match self {
            RowNames::Index => format!("rows.{index}"),
            RowNames::Lines(lines) => format!("line.{}", lines.get(index).copied().unwrap_or(index as u64 + 2)),
        }
    }
}

/// What an accepted batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: ErpKind,
    /// The batch's log row; none when nothing changed (nothing was written).
    pub batch_id: Option<i64>,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The keys of the rows that replaced different values, in batch order.
    pub updated_keys: Vec<String>,
    pub first_month: Option<NaiveDate>,
    pub last_month: Option<NaiveDate>,
}

/// Admin only. Validates the whole batch (every problem of every row, named
/// by `names`) and writes it in one transaction: new keys inserted,
/// changed ones replaced, the rest left alone; the monthly rollup of sales
/// and orders recomputed for what the batch touched, in the same
/// transaction, with the `ERP_IMPORTED` event dashboards refresh on.
/// Imports run one at a time, so two identical batches at once insert once.
pub async fn import(state: &AppState, viewer: &Viewer, cmd: ImportCommand, names: &RowNames) -> AppResult<ImportReport> {
    import_all(state, viewer, cmd, names).await
}

async fn import_all(state: &AppState, viewer: &Viewer, cmd: ImportCommand, names: &RowNames) -> AppResult<ImportReport> {
    viewer.require_role(&[Role::Admin], "import ERP data or targets")?;
    if cmd.rows.is_empty() {
        return Err(AppError::invalid("rows", "has no rows"));
    }
    let max = cmd.max_rows.min(limits::ERP_FILE_ROWS);
    if cmd.rows.len() > max {
        return Err(AppError::invalid("rows", format!("has more than {max} rows: split the batch")));
    }
    let kind = cmd.kind;
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, locks::Lock::ErpImport).await?;
    let settings = store::settings::load(&txn).await?;
    let now = state.clock.now();
    let today = calendar::local_date(now, settings.timezone);
    let refs = store::erp::refs(&txn, &cmd.rows).await?;
    // Checking a million rows is work for a blocking thread, not the server's.
    let rows = cmd.rows;
    let (rows, checked) = tokio::task::spawn_blocking(move || {
        let checked = erp::validate(kind, &rows, &refs, today);
        (rows, checked)
    })
    .await
    .map_err(AppError::internal)?;
    drop(rows);
    let facts = checked.map_err(|problems| {
        let mut fields: Vec<FieldError> = problems
            .shown
            .into_iter()
            .map(|p| {
                let message = match p.same_as {
                    Some(first) => p.message.replace("{}", &names.name(first)),
                    None => p.message,
                };
                FieldError::new(format!("{}.{}", names.name(p.index), p.column.field()), message)
            })
            .collect();
        if problems.more > 0 {
            fields.push(FieldError::new("rows", format!("has {} more problems not listed", problems.more)));
        }
        AppError::Validation(fields)
    })?;
    let existing = store::erp::existing(&txn, kind, &facts).await?;
    let mut new: Vec<FactRow> = Vec::new();
    let mut changed: Vec<(i64, FactRow)> = Vec::new();
    let mut updated_keys = Vec::new();
    let mut unchanged = 0;
    // What the rollup must recompute: the months and account managers of
    // the new values and of the values they replace.
    let mut months = BTreeSet::new();
    let mut managers = BTreeSet::new();
    for fact in &facts {
        match existing.get(&fact.key) {
            Some((_, old)) if old == fact => unchanged += 1,
            Some((id, old)) => {
                months.insert(old.month);
                managers.extend(old.account_manager_id);
                months.insert(fact.month);
                managers.extend(fact.account_manager_id);
                updated_keys.push(fact.key.clone());
                changed.push((*id, fact.clone()));
            }
            None => {
                months.insert(fact.month);
                managers.extend(fact.account_manager_id);
                new.push(fact.clone());
            }
        }
    }
    let first_month = facts.iter().map(|f| f.month).min();
    let last_month = facts.iter().map(|f| f.month).max();
    let mut report = ImportReport {
        kind,
        batch_id: None,
        rows: facts.len(),
        inserted: new.len(),
        updated: changed.len(),
        unchanged,
        updated_keys,
        first_month,
        last_month,
    };
    if new.is_empty() && changed.is_empty() {
        // The same batch again: nothing to write, not even its log row.
        return Ok(report);
    }
    let batch_id = store::erp::insert_batch(
        &txn,
        store::erp::NewBatch {
            kind,
            source: cmd.source,
            file_name: cmd.file_name,
            actor_id: Some(viewer.user_id),
            row_count: facts.len() as i64,
            inserted: new.len() as i64,
            updated: changed.len() as i64,
            unchanged: unchanged as i64,
            first_month,
            last_month,
            at: now,
        },
    )
    .await?;
    store::erp::write(&txn, kind, batch_id, &new, &changed).await?;
    if matches!(kind, ErpKind::Orders | ErpKind::Sales) {
        store::erp::refresh_rollup(&txn, &months, &managers).await?;
    }
    if new.len() + changed.len() >= store::erp::ANALYZE_AFTER_ROWS {
        store::erp::analyze(&txn, kind).await?;
    }
    // Dashboards hear of it and refresh (`erpEvents`).
    let mut log = store::events::Appender::open(&txn).await?;
    log.everyone(EventKind::ErpImported, EventSubject::ErpBatch, batch_id, Some(viewer.user_id), now)
        .await?;
    let told = log.told().await?;
    txn.commit().await?;
    crate::freshness::changed(state, crate::freshness::Change::Board).await;
    state.bus.told(told);
    report.batch_id = Some(batch_id);
    Ok(report)
}

/// One CSV file to import (`importErpFile`, `salespulse import`).
#[derive(Debug, Clone)]
pub struct FileImport<'a> {
    pub kind: ErpKind,
    pub source: BatchSource,
    pub file_name: Option<&'a str>,
    pub bytes: bytes::Bytes,
}

/// Admin only: a CSV file read ([`rows_from_csv`], `progress` hearing the
/// bytes read) and imported as one batch, its problems named by line.
pub async fn import_file(
    state: &AppState,
    viewer: &Viewer,
    file: FileImport<'_>,
    progress: impl FnMut(u64) + Send + 'static,
) -> AppResult<ImportReport> {
    viewer.require_role(&[Role::Admin], "import ERP data or targets")?;
    if file.bytes.len() > limits::ERP_FILE_BYTES {
        return Err(AppError::invalid(
            "file",
            format!("is larger than {} MiB: split it", limits::ERP_FILE_BYTES / (1024 * 1024)),
        ));
    }
    // Parsed on a blocking thread: the server's threads go on answering.
    let (kind, bytes) = (file.kind, file.bytes.clone());
    let (rows, names) = tokio::task::spawn_blocking(move || rows_from_csv(kind, &bytes, progress))
        .await
        .map_err(AppError::internal)??;
    let cmd = ImportCommand {
        kind: file.kind,
        source: file.source,
        // As the client named it, without control, direction-changing or
        // zero-width characters (every user is sent it on `erpEvents`).
        file_name: file.file_name.map(|n| {
            n.chars()
                .filter(|c| !c.is_control() && !crate::domain::text::is_invisible(*c))
                .take(limits::FILE_NAME_CHARS)
                .collect()
        }),
        max_rows: limits::ERP_FILE_ROWS,
        rows,
    };
    import(state, viewer, cmd, &names).await
}

/// The log row of an imported batch, for the event that announced it: what
/// it carried and how much it changed (no record of it). Everyone may read
/// it, as everyone receives the event.
pub async fn batch(state: &AppState, id: i64) -> AppResult<Option<entity::erp_batch::Model>> {
    store::erp::batch(&state.db, id).await
}

/// The rows of a CSV file as ERP exports and spreadsheets write it: a
/// header row naming the columns (in English — `externalId`, `external_id`
/// — or the company's Chinese words: [`erp::Column::aliases`]), UTF-8 with
/// or without a byte-order mark, fields quoted or not, blank lines
/// skipped. Every problem of the header and of the cells is reported, named
/// by the line it is on (`line.1` is the header); each row remembers its
/// line for the validation that follows. `progress` hears the bytes read.
pub fn rows_from_csv(kind: ErpKind, bytes: &[u8], mut progress: impl FnMut(u64)) -> AppResult<(Vec<RawRow>, RowNames)> {
    use crate::error::Problems;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    // No line of an export is this long: refused before the CSV reader
    // holds it (a line of commas would be millions of cells in memory).
    if let Some((n, _)) = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .find(|(_, line)| line.len() > limits::CSV_LINE_BYTES)
    {
        return Err(AppError::invalid(
            format!("line.{}", n + 1),
            format!("is longer than {} KiB: is this a CSV export?", limits::CSV_LINE_BYTES / 1024),
        ));
    }
    let mut p = Problems::capped(limits::ERP_PROBLEMS_SHOWN);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(AppError::invalid("line.1", "the file is empty: it needs a header row and rows")),
        Some(Err(e)) => return Err(AppError::invalid(csv_line(&e, 1), "is not valid CSV")),
        Some(Ok(h)) => h,
    };
    let wanted = erp::columns(kind);
    let mut columns: Vec<Option<erp::Column>> = Vec::with_capacity(header.len());
    // The columns found, each once (a dozen at most, however wide the header).
    let mut named: Vec<erp::Column> = Vec::new();
    for cell in header.iter() {
        let Ok(name) = std::str::from_utf8(cell) else {
            p.add("line.1", "is not UTF-8: save the file as CSV UTF-8");
            columns.push(None);
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        match erp::Column::from_header(name).filter(|c| wanted.iter().any(|(w, _)| w == c)) {
            None => {
                p.add(
                    format!("line.1.{}", name.chars().take(64).collect::<String>()),
                    format!("is not a column of this kind of file; its columns are {}", column_list(kind)),
                );
                columns.push(None);
            }
            Some(c) if named.contains(&c) => {
                p.add(format!("line.1.{}", c.field()), "is given twice");
                columns.push(None);
            }
            Some(c) => {
                named.push(c);
                columns.push(Some(c));
            }
        }
    }
    for (c, required) in wanted {
        if *required && !named.contains(c) {
            p.add(format!("line.1.{}", c.field()), "is a required column and is missing");
        }
    }
    p.into_result()?;
    let mut p = Problems::capped(limits::ERP_PROBLEMS_SHOWN);
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                p.add(csv_line(&e, lines.last().map_or(2, |l| l + 1)), "is not valid CSV");
                break;
            }
        };
        let line = record.position().map_or(0, |pos| pos.line());
        if let Some(pos) = record.position() {
            progress(pos.byte());
        }
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if rows.len() == limits::ERP_FILE_ROWS {
            // Told first, whatever else was found: it is why the file stops here.
            p.add_first("rows", format!("has more than {} rows: split the batch", limits::ERP_FILE_ROWS));
            break;
        }
        if record.len() > columns.len() {
            p.add(format!("line.{line}"), "has more cells than the header");
        }
        let mut cells = Vec::with_capacity(named.len());
        for (cell, column) in record.iter().zip(&columns) {
            let Some(column) = column else { continue };
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push((*column, text)),
                Err(_) => p.add(
                    format!("line.{line}.{}", column.field()),
                    "is not UTF-8: save the file as CSV UTF-8",
                ),
            }
        }
        rows.push(RawRow::of(cells));
        lines.push(line);
    }
    progress(bytes.len() as u64);
    p.into_result()?;
    Ok((rows, RowNames::Lines(lines)))
}

/// The columns a kind of file takes, required ones marked with `*`.
pub fn column_list(kind: ErpKind) -> String {
    erp::columns(kind)
        .iter()
        .map(|(c, required)| format!("{}{}", c.field(), if *required { "*" } else { "" }))
        .collect::<Vec<_>>()
        .join(", ")
}

fn csv_line(e: &csv::Error, fallback: u64) -> String {
    format!("line.{}", e.position().map_or(fallback, |p| p.line()))
}
