//! Opportunity use cases: list, read, create, change. Every change checks
//! scope (out of scope = not found), role, every field, and the version.

use crate::auth::Viewer;
use crate::domain::text::{self, TextKind};
use crate::domain::{calendar, money, opportunity as rules};
use crate::error::{AppError, AppResult, Problems};
use crate::service::{Page, PageRequest, Window};
use crate::state::AppState;
pub use crate::store::opportunities::{Relations, WithRelations};
use crate::store::{self, opportunities as repo};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    ActivityKind, EventKind, EventSubject, HistoryField, OpportunityKind, OpportunityStatus, Role, ShelveReason, Stage, activity,
    opportunity,
};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseTransaction, Set};

mod read;
pub use read::*;
mod write;
pub use write::*;
mod lifecycle;
pub use lifecycle::*;
mod activities;
pub use activities::*;

/// Narrowing of a list of opportunities (always inside the viewer's scope).
/// Ids and the month arrive as the client typed them and are checked here.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub track_id: Option<String>,
    pub owner_id: Option<String>,
    pub stage: Option<Stage>,
    pub status: Option<OpportunityStatus>,
    /// true: a follow-up in the active window; false: none.
    pub active: Option<bool>,
    pub customer: Option<String>,
    /// `YYYY-MM`.
    pub expected_order_month: Option<String>,
    /// Only these stages (empty: any).
    pub stages: Vec<Stage>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<OpportunityStatus>,
    /// The order of the list.
    pub order: crate::domain::page::OpportunityOrder,
    /// Only this business line's (the company's order-health figures).
    pub business_line: Option<entity::BusinessLine>,
    /// Precision forecast ordering in this month (first day): a month's `H_POTENTIAL` deals.
    pub precision_order_month: Option<NaiveDate>,
    /// Only those missing their expected order month or forecast amount.
    pub forecast_missing: bool,
}

/// 主观版: the owner's rolling forecast.
#[derive(Debug, Clone)]
pub struct RollingForecast {
    /// `YYYY-MM`.
    pub expected_order_month: String,
    /// Yuan as the client wrote them ("1234567.89").
    pub amount: String,
}

/// 精度版: the precision forecast.
#[derive(Debug, Clone)]
pub struct PrecisionForecast {
    pub order_date: NaiveDate,
    /// Yuan as the client wrote them ("1234567.89").
    pub amount: String,
}

/// A new opportunity.
#[derive(Debug, Clone)]
pub struct NewOpportunity {
    pub name: String,
    pub customer_name: String,
    pub kind: OpportunityKind,
    /// Yuan as the client wrote them ("1234567.89").
    pub amount: String,
    pub track_id: Option<String>,
    pub owner_id: Option<String>,
    pub stage: Option<Stage>,
    pub rolling_forecast: Option<RollingForecast>,
    pub precision_forecast: Option<PrecisionForecast>,
}

/// Changes to an opportunity; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub name: Option<String>,
    pub customer_name: Option<String>,
    pub kind: Option<OpportunityKind>,
    /// Yuan as the client wrote them.
    pub amount: Option<String>,
    pub owner_id: Option<String>,
    pub rolling_forecast: Option<RollingForecast>,
    pub precision_forecast: Option<PrecisionForecast>,
}

/// A follow-up to record.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub note: String,
    /// Defaults to now.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Why and until when an opportunity is shelved.
#[derive(Debug, Clone)]
pub struct Shelving {
    pub reason: ShelveReason,
    pub reason_text: Option<String>,
    pub restart_date: NaiveDate,
}

const WRITERS: &[Role] = &[Role::AccountManager, Role::TrackDirector, Role::Admin];

/// Whether the viewer may change this opportunity (the mutations' rule:
/// in his scope, and a writing role — CEO and secretary follow read-only).
pub fn can_edit(viewer: &Viewer, o: &opportunity::Model) -> bool {
    WRITERS.contains(&viewer.role) && viewer.can_see(o.owner_id, o.track_id)
}

/// Loads an opportunity the viewer may change, at the version he saw.
async fn load_for_write(txn: &DatabaseTransaction, viewer: &Viewer, id: i64, version: Option<i32>) -> AppResult<opportunity::Model> {
    let o = find(txn, viewer, id).await?;
    viewer.require_role(WRITERS, "change opportunities (CEO and secretary follow them read-only)")?;
    if let Some(v) = version
        && v != o.version
    {
        return Err(AppError::conflict(format!(
            "opportunity {id} is at version {}, not {v}: reload it and try again",
            o.version
        )));
    }
    Ok(o)
}

fn check_text(p: &mut Problems, field: &str, value: &str, kind: TextKind) {
    text::required(p, field, value, kind);
}

fn check_amount(p: &mut Problems, field: &str, yuan: &str) -> i64 {
    money::parse_yuan(yuan).unwrap_or_else(|why| {
        p.add(field, why);
        0
    })
}

fn rolling(p: &mut Problems, field: &str, r: &RollingForecast) -> (Option<NaiveDate>, i64) {
    let month = calendar::parse_year_month(&r.expected_order_month);
    p.check(
        month.is_none(),
        &format!("{field}.expectedOrderMonth"),
        "must be a month as YYYY-MM",
    );
    (month, check_amount(p, &format!("{field}.amount"), &r.amount))
}

fn precision(p: &mut Problems, field: &str, f: &PrecisionForecast) -> (NaiveDate, i64) {
    (f.order_date, check_amount(p, &format!("{field}.amount"), &f.amount))
}

/// Is `user_id` an active account manager of `track_id`?
async fn is_account_manager_of(db: &impl ConnectionTrait, user_id: i64, track_id: i64) -> AppResult<bool> {
    let user = store::users::by_id(db, user_id).await?;
    let ok_user = user.is_some_and(|u| u.active && u.role == Role::AccountManager);
    Ok(ok_user && store::tracks::track_of_member(db, user_id).await? == Some(track_id))
}

pub(crate) async fn record_status(
    txn: &DatabaseTransaction,
    o: &opportunity::Model,
    actor: i64,
    to: OpportunityStatus,
    at: DateTime<Utc>,
) -> AppResult<()> {
    repo::record_history(
        txn,
        repo::history_row(o.id, actor, HistoryField::Status, Some(o.status.to_value()), to.to_value(), at),
    )
    .await
}

/// Keeps every change of the two forecasts in the history (滚动预测 and
/// 精准版, each as its value before and after): `before` is the deal as it
/// was (`None` at creation), `after` as written.
async fn record_forecasts(
    txn: &DatabaseTransaction,
    before: Option<&opportunity::Model>,
    after: &opportunity::Model,
    actor: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    use crate::domain::forecast::{precision_value, rolling_value};
    let pairs = [
        (
            HistoryField::RollingForecast,
            before.and_then(|b| rolling_value(b.expected_order_month, b.forecast_amount_cents)),
            rolling_value(after.expected_order_month, after.forecast_amount_cents),
        ),
        (
            HistoryField::PrecisionForecast,
            before.and_then(|b| precision_value(b.precision_order_date, b.precision_amount_cents)),
            precision_value(after.precision_order_date, after.precision_amount_cents),
        ),
    ];
    for (field, from, to) in pairs {
        if let Some(to) = to.filter(|t| from.as_deref() != Some(t.as_str())) {
            repo::record_history(txn, repo::history_row(after.id, actor, field, from, to, at)).await?;
        }
    }
    Ok(())
}

/// Finishes a change: commits and reads the row back.
async fn commit_and_reload(state: &AppState, txn: DatabaseTransaction, id: i64) -> AppResult<opportunity::Model> {
    txn.commit().await?;
    crate::freshness::changed(state, crate::freshness::Change::Deals).await;
    repo::by_id(&state.db, id).await?.ok_or_else(|| AppError::not_found("opportunity"))
}
