//! The ERP write-back and the targets: `importErpBatch`, `importErpFile`,
//! and the `erpEvents` dashboards refresh on.

use super::common::{FileUpload, Money, id};
use super::ctx;
use super::enums::ErpKind;
use crate::domain::calendar;
use crate::domain::erp::{Column, RawRow};
use crate::domain::limits;
use crate::error::AppError;
use crate::service::{self, erp::FileImport, erp::ImportCommand, erp::ImportReport, erp::RowNames};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::BatchSource;

/// One row of a batch. Which fields a kind takes (and which it requires):
/// ORDERS externalId*, date*, track*, accountManager*, customer*,
/// opportunity, amount*; SALES externalId*, date*, track*, accountManager*,
/// revenue*, cost*; EXPENSES externalId*, month*, track*, amount*;
/// RECEIVABLES externalId*, month*, track*, balance*; SALES_TARGETS and
/// ORDER_TARGETS month*, track*, accountManager (none: the track's own
/// target), amount*. A field a kind does not take is an error.
#[derive(InputObject, Default, Clone)]
pub struct ErpRowInput {
    /// The ERP's id of the record (at most 64 characters), unique within its kind.
    pub external_id: Option<String>,
    /// The day it was booked: `2026-11-03` or `2026/11/3`.
    pub date: Option<String>,
    /// The month it counts in: `2026-11` (or a date of that month).
    pub month: Option<String>,
    /// The track's name, as the API lists it (e.g. 消费电子I).
    pub track: Option<String>,
    /// The account manager's login e-mail.
    pub account_manager: Option<String>,
    /// The customer's name as the ERP has it.
    pub customer: Option<String>,
    /// The opportunity the order closes, if the ERP knows it.
    pub opportunity: Option<ID>,
    /// The order amount, the expenses or the target.
    pub amount: Option<Money>,
    /// A sale's revenue.
    pub revenue: Option<Money>,
    /// A sale's cost.
    pub cost: Option<Money>,
    /// Receivables at the month's end.
    pub balance: Option<Money>,
}

impl From<ErpRowInput> for RawRow {
    fn from(i: ErpRowInput) -> Self {
        let cells = [
            (Column::ExternalId, i.external_id),
            (Column::Date, i.date),
            (Column::Month, i.month),
            (Column::Track, i.track),
            (Column::AccountManager, i.account_manager),
            (Column::Customer, i.customer),
            (Column::Opportunity, i.opportunity.map(|v| v.0)),
            (Column::Amount, i.amount.map(|m| m.0)),
            (Column::Revenue, i.revenue.map(|m| m.0)),
            (Column::Cost, i.cost.map(|m| m.0)),
            (Column::Balance, i.balance.map(|m| m.0)),
        ];
        RawRow::of(cells.iter().filter_map(|(c, v)| v.as_deref().map(|v| (*c, v))))
    }
}

/// What an accepted batch did. The same batch again inserts and updates
/// nothing and writes no batch.
#[derive(SimpleObject)]
pub struct ErpImportResult {
    /// The batch as logged; none when nothing changed.
    pub batch_id: Option<ID>,
    /// What the rows were.
    pub kind: ErpKind,
    /// Rows in the batch.
    pub rows: i64,
    /// Rows with a new key.
    pub inserted: i64,
    /// Rows that replaced different values under their key.
    pub updated: i64,
    /// Rows already stored with the same values.
    pub unchanged: i64,
    /// The keys of the updated rows (external ids; for a target
    /// `trackId/accountManagerId/month`, 0 for the track's own), the first
    /// 1,000.
    pub updated_keys: Vec<String>,
    /// The first month the batch covers (`YYYY-MM`).
    pub first_month: Option<String>,
    /// The last month the batch covers (`YYYY-MM`).
    pub last_month: Option<String>,
}

impl From<ImportReport> for ErpImportResult {
    fn from(r: ImportReport) -> Self {
        Self {
            batch_id: r.batch_id.map(id),
            kind: r.kind.into(),
            rows: r.rows as i64,
            inserted: r.inserted as i64,
            updated: r.updated as i64,
            unchanged: r.unchanged as i64,
            updated_keys: r.updated_keys.into_iter().take(limits::ERP_PROBLEMS_SHOWN).collect(),
            first_month: r.first_month.map(calendar::format_year_month),
            last_month: r.last_month.map(calendar::format_year_month),
        }
    }
}

/// An imported batch as its log has it: what it carried and how much it changed.
pub struct ErpBatch(pub entity::erp_batch::Model);

/// An imported batch as its log has it: what it carried and how much it changed.
#[Object]
impl ErpBatch {
    /// The batch's id in the import log.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What the rows were.
    async fn kind(&self) -> ErpKind {
        self.0.kind.into()
    }
    /// What the rows were, in words (销售), in the request's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// The file's name, when it came as a file.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }
    /// Rows in the batch.
    async fn rows(&self) -> i64 {
        self.0.row_count
    }
    /// Rows with a new key.
    async fn inserted(&self) -> i64 {
        self.0.inserted
    }
    /// Rows that replaced different values.
    async fn updated(&self) -> i64 {
        self.0.updated
    }
    /// Rows already stored with the same values.
    async fn unchanged(&self) -> i64 {
        self.0.unchanged
    }
    /// The first month the batch covers (`YYYY-MM`): the board's periods from here on changed.
    async fn first_month(&self) -> Option<String> {
        self.0.first_month.map(calendar::format_year_month)
    }
    /// The last month the batch covers (`YYYY-MM`).
    async fn last_month(&self) -> Option<String> {
        self.0.last_month.map(calendar::format_year_month)
    }
    /// When it was imported.
    async fn at(&self) -> super::common::Instant {
        super::common::Instant(self.0.created_at)
    }
}

/// An ERP import, stored before it was sent: a dashboard refreshes the
/// board's periods between `batch.firstMonth` and `batch.lastMonth`; pass
/// its `id` as `after` to resume.
pub struct ErpEvent(pub entity::event::Model);

/// An ERP import, stored before it was sent: a dashboard refreshes the
/// board's periods between `batch.firstMonth` and `batch.lastMonth`; pass
/// its `id` as `after` to resume.
#[Object]
impl ErpEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    pub(crate) async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What happened (`ERP_IMPORTED`).
    pub(crate) async fn kind(&self) -> super::enums::EventKind {
        self.0.kind.into()
    }
    /// What happened, in words (ERP数据已导入), in the request's language.
    pub(crate) async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// When.
    pub(crate) async fn at(&self) -> super::common::Instant {
        super::common::Instant(self.0.created_at)
    }
    /// The admin who imported it.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<super::organisation::User>> {
        let Some(id) = self.0.actor_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(super::organisation::User))
    }
    /// The batch imported.
    async fn batch(&self, ctx: &Context<'_>) -> Result<Option<ErpBatch>> {
        if self.0.subject_kind != entity::EventSubject::ErpBatch {
            return Ok(None);
        }
        Ok(service::erp::batch(ctx::state(ctx)?, self.0.subject_id).await?.map(ErpBatch))
    }
}

#[derive(Default)]
pub struct ErpMutation;

#[Object]
impl ErpMutation {
    /// Admin: imports one batch of ERP facts or targets, all or nothing. Every problem of every
    /// row is reported (`VALIDATION`, fields named `rows.<index>.<field>`) and nothing is
    /// written; rows are matched by external id (targets by track, account manager and month),
    /// so the same batch twice changes nothing and a corrected row replaces the old one. At most
    /// 1,000 rows; larger batches come as a file (`salespulse import`).
    async fn import_erp_batch(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the rows are.")] kind: ErpKind,
        #[graphql(desc = "The rows, at most 1,000.")] rows: Vec<ErpRowInput>,
    ) -> Result<ErpImportResult> {
        let viewer = ctx::viewer(ctx)?;
        let cmd = ImportCommand {
            kind: kind.into(),
            source: BatchSource::Graphql,
            file_name: None,
            max_rows: limits::ERP_BATCH_ROWS,
            rows: rows.into_iter().map(RawRow::from).collect(),
        };
        let report = service::erp::import(ctx::state(ctx)?, viewer, cmd, &RowNames::Index).await?;
        Ok(report.into())
    }

    /// Admin: imports one CSV file of ERP facts or targets, sent as the GraphQL multipart
    /// request spec says (a dashboard's file picker): a header row naming the columns (the
    /// fields of `ErpRowInput`, snake case, or the ERP's Chinese headers), UTF-8 with or without
    /// BOM, at most 1,000,000 rows and 64 MiB. The same rules as `importErpBatch`; problems are
    /// named `line.<line>.<field>` (the header is line 1).
    async fn import_erp_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the rows are.")] kind: ErpKind,
        #[graphql(desc = "The CSV file (multipart request).")] file: FileUpload,
    ) -> Result<ErpImportResult> {
        let viewer = ctx::viewer(ctx)?;
        let upload = file
            .get(ctx)
            .ok_or_else(|| AppError::invalid("file", "is not a file of this request"))?;
        let import = FileImport {
            kind: kind.into(),
            source: BatchSource::Upload,
            file_name: Some(&upload.filename),
            bytes: upload.content.clone(),
        };
        let report = service::erp::import_file(ctx::state(ctx)?, viewer, import, |_| {}).await?;
        Ok(report.into())
    }
}
