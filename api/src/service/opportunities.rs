//! Opportunity use cases: list, read, create, change. Every change checks
//! scope (out of scope = not found), role, every field, and the version.

use super::{Page, PageRequest, Window};
use crate::auth::Viewer;
use crate::domain::text::{self, TextKind};
use crate::domain::{calendar, money, opportunity as rules};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
pub use crate::store::opportunities::{Relations, WithRelations};
use crate::store::{self, opportunities as repo};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    ActivityKind, EventKind, EventSubject, HistoryField, OpportunityKind, OpportunityStatus, Role, ShelveReason, Stage, activity,
    opportunity,
};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseTransaction, Set};

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

/// One page of the opportunities the viewer may see.
/// With `with_relations`, each row comes with its owner, customer and
/// track, read in the same statement.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    filter: ListFilter,
    page: PageRequest,
    with_relations: bool,
) -> AppResult<Page<WithRelations>> {
    let mut p = Problems::new();
    let window = super::page_args(&mut p, &page);
    let mut f = repo::Filter {
        stage: filter.stage,
        status: filter.status,
        customer_text: text::optional(&mut p, "filter.customer", filter.customer.as_deref(), TextKind::Search),
        track_id: super::id_field(&mut p, filter.track_id.as_deref(), "filter.trackId"),
        owner_id: super::id_field(&mut p, filter.owner_id.as_deref(), "filter.ownerId"),
        stages: filter.stages,
        statuses: filter.statuses,
        business_line: filter.business_line,
        precision_order_month: filter.precision_order_month,
        forecast_missing: filter.forecast_missing,
        ..Default::default()
    };
    if let Some(m) = &filter.expected_order_month {
        f.expected_order_month = calendar::parse_year_month(m);
        p.check(
            f.expected_order_month.is_none(),
            "filter.expectedOrderMonth",
            "must be a month as YYYY-MM",
        );
    }
    p.into_result()?;
    if let Some(active) = filter.active {
        let settings = store::settings::load(&state.db).await?;
        f.active_since = Some((
            active,
            calendar::recent_cutoff(state.clock.now(), settings.active_window_days, settings.timezone),
        ));
    }
    repo::page(
        &state.db,
        &viewer.scope(),
        &f,
        filter.order,
        window,
        page.with_total,
        with_relations,
    )
    .await
}

/// Customers whose name contains `search`, among those the viewer's deals name.
pub async fn search_customers(state: &AppState, viewer: &Viewer, search: &str, first: u64) -> AppResult<Vec<entity::customer::Model>> {
    let mut p = Problems::new();
    let search = text::optional(&mut p, "search", Some(search), TextKind::Search).unwrap_or_default();
    let first = crate::domain::limits::CUSTOMERS
        .check(i64::try_from(first).ok().or(Some(-1)))
        .unwrap_or_else(|why| {
            p.add("first", why);
            0
        });
    p.into_result()?;
    repo::search_customers(&state.db, &viewer.scope(), &search, first).await
}

/// One opportunity, or `NOT_FOUND` when it does not exist or is outside
/// the viewer's scope (the two are indistinguishable on purpose).
/// With `with_relations`, its owner, customer and track come with it, read
/// in the same statement.
pub async fn get(state: &AppState, viewer: &Viewer, id: i64, with_relations: bool) -> AppResult<WithRelations> {
    let row = if with_relations {
        repo::by_id_with_relations(&state.db, id).await?
    } else {
        repo::by_id(&state.db, id).await?.map(WithRelations::from)
    };
    match row {
        Some(row) if viewer.can_see(row.opportunity.owner_id, row.opportunity.track_id) => Ok(row),
        _ => Err(AppError::not_found("opportunity")),
    }
}

/// 活跃 now: a follow-up within the active window (company calendar).
pub fn is_active(state: &AppState, o: &opportunity::Model, settings: &crate::domain::settings::Settings) -> bool {
    rules::is_active(o.last_activity_at, state.clock.now(), settings)
}

async fn find(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<opportunity::Model> {
    match repo::by_id(db, id).await? {
        Some(o) if viewer.can_see(o.owner_id, o.track_id) => Ok(o),
        _ => Err(AppError::not_found("opportunity")),
    }
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

/// Creates an opportunity in the viewer's reach, with its first history.
pub async fn create(state: &AppState, viewer: &Viewer, input: NewOpportunity) -> AppResult<opportunity::Model> {
    viewer.require_role(WRITERS, "create opportunities")?;
    let now = state.clock.now();
    let mut p = Problems::new();
    check_text(&mut p, "input.name", &input.name, TextKind::Name);
    check_text(&mut p, "input.customerName", &input.customer_name, TextKind::CustomerName);
    let amount = check_amount(&mut p, "input.amount", &input.amount);
    let stage: Stage = input.stage.unwrap_or(Stage::InitialIdentification);
    p.check(
        stage == Stage::Secured,
        "input.stage",
        "an opportunity is secured by a stage move, not created secured",
    );
    let forecast = input.rolling_forecast.as_ref().map(|r| rolling(&mut p, "input.rollingForecast", r));
    let precise = input
        .precision_forecast
        .as_ref()
        .map(|f| precision(&mut p, "input.precisionForecast", f));
    p.check(
        stage >= Stage::HPotential && precise.is_none(),
        "input.precisionForecast",
        "a precision forecast is required from H_POTENTIAL on",
    );

    let track_id = match (&input.track_id, viewer.role) {
        (Some(id), _) => super::id_field(&mut p, Some(id), "input.trackId"),
        (None, Role::AccountManager) => {
            let own = viewer.track_ids.first().copied();
            p.check(own.is_none(), "input.trackId", "you belong to no track yet: ask an admin");
            own
        }
        (None, Role::TrackDirector) if viewer.track_ids.len() == 1 => viewer.track_ids.first().copied(),
        (None, _) => {
            p.add("input.trackId", "is required");
            None
        }
    };
    let owner_id = match (&input.owner_id, viewer.role) {
        (Some(id), _) => super::id_field(&mut p, Some(id), "input.ownerId"),
        (None, Role::AccountManager) => Some(viewer.user_id),
        (None, _) => {
            p.add("input.ownerId", "is required");
            None
        }
    };
    let txn = store::begin_write(&state.db).await?;
    let mut track = None;
    if let Some(tid) = track_id {
        let in_reach = match viewer.role {
            Role::Admin => true,
            _ => viewer.track_ids.contains(&tid),
        };
        track = if in_reach { store::tracks::by_id(&txn, tid).await? } else { None };
        p.check(track.is_none(), "input.trackId", "is not a track you can create opportunities in");
    }
    if let (Some(oid), Some(t)) = (owner_id, &track) {
        if viewer.role == Role::AccountManager && oid != viewer.user_id {
            p.add("input.ownerId", "an account manager creates opportunities for himself");
        } else if !is_account_manager_of(&txn, oid, t.id).await? {
            p.add("input.ownerId", "must be an active account manager of the track");
        }
    }
    p.into_result()?;
    let (Some(track), Some(owner_id)) = (track, owner_id) else {
        return Err(AppError::internal("validated track/owner missing"));
    };
    let customer = repo::customer_named(&txn, &input.customer_name, now).await?;
    let created = repo::insert(
        &txn,
        opportunity::ActiveModel {
            name: Set(input.name.trim().to_owned()),
            customer_id: Set(customer.id),
            track_id: Set(track.id),
            owner_id: Set(owner_id),
            business_line: Set(track.business_line),
            kind: Set(input.kind),
            amount_cents: Set(amount),
            stage: Set(stage),
            stage_entered_at: Set(now),
            status: Set(OpportunityStatus::Active),
            last_activity_at: Set(now),
            secured_at: Set(None),
            mold_number: Set(None),
            shelve_reason: Set(None),
            shelve_reason_text: Set(None),
            restart_date: Set(None),
            loss_reason: Set(None),
            expected_order_month: Set(forecast.and_then(|f| f.0)),
            forecast_amount_cents: Set(forecast.map(|f| f.1)),
            precision_order_date: Set(precise.map(|f| f.0)),
            precision_amount_cents: Set(precise.map(|f| f.1)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    repo::record_history(
        &txn,
        repo::history_row(created.id, viewer.user_id, HistoryField::Stage, None, stage.to_value(), now),
    )
    .await?;
    repo::record_history(
        &txn,
        repo::history_row(
            created.id,
            viewer.user_id,
            HistoryField::Status,
            None,
            OpportunityStatus::Active.to_value(),
            now,
        ),
    )
    .await?;
    record_forecasts(&txn, None, &created, viewer.user_id, now).await?;
    commit_and_reload(state, txn, created.id).await
}

/// Changes the given fields at `version`.
pub async fn update(state: &AppState, viewer: &Viewer, id: i64, version: i32, input: Changes) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    let mut change = <opportunity::ActiveModel as Default>::default();
    if let Some(name) = &input.name {
        check_text(&mut p, "input.name", name, TextKind::Name);
        change.name = Set(name.trim().to_owned());
    }
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    if let Some(amount) = &input.amount {
        change.amount_cents = Set(check_amount(&mut p, "input.amount", amount));
    }
    if let Some(r) = &input.rolling_forecast {
        let (month, amount) = rolling(&mut p, "input.rollingForecast", r);
        change.expected_order_month = Set(month);
        change.forecast_amount_cents = Set(Some(amount));
    }
    if let Some(f) = &input.precision_forecast {
        let (date, amount) = precision(&mut p, "input.precisionForecast", f);
        change.precision_order_date = Set(Some(date));
        change.precision_amount_cents = Set(Some(amount));
    }
    if let Some(name) = &input.customer_name {
        check_text(&mut p, "input.customerName", name, TextKind::CustomerName);
    }
    if let Some(owner) = &input.owner_id {
        if viewer.role == Role::AccountManager {
            p.add("input.ownerId", "only a director or an admin reassigns an opportunity");
        } else if let Some(oid) = super::id_field(&mut p, Some(owner), "input.ownerId") {
            if is_account_manager_of(&txn, oid, o.track_id).await? {
                change.owner_id = Set(oid);
            } else {
                p.add("input.ownerId", "must be an active account manager of the opportunity's track");
            }
        }
    }
    p.into_result()?;
    if let Some(name) = &input.customer_name {
        change.customer_id = Set(repo::customer_named(&txn, name, now).await?.id);
    }
    let new_owner = change.owner_id.clone().take().filter(|n| *n != o.owner_id);
    let forecasts_changed = input.rolling_forecast.is_some() || input.precision_forecast.is_some();
    repo::update_versioned(&txn, change, id, version, now).await?;
    if let Some(owner) = new_owner {
        store::alerts::transfer_open(&txn, id, owner).await?;
    }
    if forecasts_changed {
        let after = repo::by_id(&txn, id).await?.ok_or_else(|| AppError::not_found("opportunity"))?;
        record_forecasts(&txn, Some(&o), &after, viewer.user_id, now).await?;
    }
    commit_and_reload(state, txn, id).await
}

/// Moves the stage; H_POTENTIAL and later need a precision forecast.
pub async fn move_stage(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    version: i32,
    stage: Stage,
    precision_forecast: Option<PrecisionForecast>,
) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let facts = facts(&o);
    let mut p = Problems::new();
    let precise = precision_forecast.as_ref().map(|f| precision(&mut p, "precisionForecast", f));
    if let Err(AppError::Validation(fields)) = rules::check_stage_move(facts, stage, precise.is_some()) {
        for f in fields {
            p.add(f.field, f.message);
        }
    }
    p.into_result()?;
    let mut change = opportunity::ActiveModel {
        stage: Set(stage),
        stage_entered_at: Set(now),
        ..Default::default()
    };
    if let Some((date, amount)) = precise {
        change.precision_order_date = Set(Some(date));
        change.precision_amount_cents = Set(Some(amount));
    }
    if stage == Stage::Secured {
        change.secured_at = Set(Some(now));
    }
    repo::update_versioned(&txn, change, id, version, now).await?;
    repo::record_history(
        &txn,
        repo::history_row(
            id,
            viewer.user_id,
            HistoryField::Stage,
            Some(o.stage.to_value()),
            stage.to_value(),
            now,
        ),
    )
    .await?;
    if precise.is_some() {
        let after = repo::by_id(&txn, id).await?.ok_or_else(|| AppError::not_found("opportunity"))?;
        record_forecasts(&txn, Some(&o), &after, viewer.user_id, now).await?;
    }
    // A deal secured moves the order-health board: its dashboards hear of it (`orderHealthEvents`).
    let mut told = None;
    if stage == Stage::Secured {
        store::events::lock_for_append(&txn).await?;
        store::events::append_for(
            &txn,
            EventSubject::Opportunity,
            &[(EventKind::DealSecured, id, Some(o.owner_id), Some(o.track_id))],
            Some(viewer.user_id),
            now,
        )
        .await?;
        told = Some(store::events::announce(&txn).await?);
    }
    let done = commit_and_reload(state, txn, id).await?;
    if let Some(max) = told {
        state.bus.wake(max);
    }
    Ok(done)
}

pub(crate) fn facts(o: &opportunity::Model) -> rules::Facts {
    rules::Facts {
        stage: o.stage,
        status: o.status,
        has_precision_forecast: o.precision_order_date.is_some() && o.precision_amount_cents.is_some(),
    }
}

/// Records a follow-up; it moves `lastActivityAt` forward.
pub async fn log_activity(state: &AppState, viewer: &Viewer, opportunity_id: i64, input: NewActivity) -> AppResult<activity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    load_for_write(&txn, viewer, opportunity_id, None).await?;
    let mut p = Problems::new();
    let kind = input.kind;
    p.check(
        kind == ActivityKind::AlertAttribution,
        "input.kind",
        "ALERT_ATTRIBUTION is recorded by resolving an alert",
    );
    check_text(&mut p, "input.note", &input.note, TextKind::Note);
    let at = input.occurred_at.map_or(now, crate::clock::normalize);
    p.check(at > now, "input.occurredAt", "must not be in the future");
    p.check(
        !calendar::instant_in_window(at),
        "input.occurredAt",
        "must lie between the years 2000 and 2100",
    );
    p.into_result()?;
    let row = repo::insert_activity(
        &txn,
        activity::ActiveModel {
            opportunity_id: Set(opportunity_id),
            actor_id: Set(viewer.user_id),
            kind: Set(kind),
            note: Set(input.note.trim().to_owned()),
            occurred_at: Set(at),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    repo::touch_last_activity(&txn, opportunity_id, at).await?;
    txn.commit().await?;
    // A follow-up makes a deal active (活跃) again.
    crate::freshness::changed(state, crate::freshness::Change::Deals).await;
    Ok(row)
}

/// 模号: assigns the mold number of a secured opportunity.
pub async fn assign_mold_number(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    version: i32,
    mold_number: &str,
) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    rules::check_mold_number(facts(&o), &mut p);
    check_text(&mut p, "moldNumber", mold_number, TextKind::MoldNumber);
    p.into_result()?;
    let change = opportunity::ActiveModel {
        mold_number: Set(Some(mold_number.trim().to_owned())),
        ..Default::default()
    };
    repo::update_versioned(&txn, change, id, version, now).await?;
    commit_and_reload(state, txn, id).await
}

/// A decision on an opportunity, checked and ready to apply.
#[derive(Debug, Clone)]
pub(crate) enum Decision {
    Keep,
    Shelve {
        reason: ShelveReason,
        text: Option<String>,
        restart_date: NaiveDate,
    },
    Lose {
        reason: String,
    },
    Reactivate,
}

/// Applies a checked decision to `o` (at its version) in `txn`: the new
/// status and its fields, the status history row, the loss review (输单复盘)
/// of a lost deal. `followed_up`: the decision also counts as a follow-up.
/// The direct mutations and the answer to an alert both come here.
pub(crate) async fn apply_decision(
    txn: &DatabaseTransaction,
    o: &opportunity::Model,
    actor: i64,
    decision: &Decision,
    alert_id: Option<i64>,
    followed_up: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut change = <opportunity::ActiveModel as Default>::default();
    if followed_up {
        change.last_activity_at = Set(now.max(o.last_activity_at));
    }
    let status = match decision {
        Decision::Keep => None,
        Decision::Shelve {
            reason,
            text,
            restart_date,
        } => {
            change.shelve_reason = Set(Some(*reason));
            change.shelve_reason_text = Set(text.clone());
            change.restart_date = Set(Some(*restart_date));
            Some(OpportunityStatus::Shelved)
        }
        Decision::Lose { reason } => {
            change.loss_reason = Set(Some(reason.clone()));
            Some(OpportunityStatus::Lost)
        }
        Decision::Reactivate => Some(OpportunityStatus::Active),
    };
    if let Some(s) = status {
        change.status = Set(s);
    }
    repo::update_versioned(txn, change, o.id, o.version, now).await?;
    if let Some(s) = status.filter(|s| *s != o.status) {
        record_status(txn, o, actor, s, now).await?;
    }
    if let Decision::Lose { reason } = decision {
        // 输单复盘: every lost deal gets its loss review.
        repo::open_loss_review(txn, o, alert_id, actor, reason, now).await?;
    }
    Ok(())
}

/// 搁置: shelves with a reason and a future restart date.
pub async fn shelve(state: &AppState, viewer: &Viewer, id: i64, version: i32, input: Shelving) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let settings = store::settings::load(&txn).await?;
    let today = calendar::local_date(now, settings.timezone);
    let mut p = Problems::new();
    let text = text::optional(&mut p, "input.reasonText", input.reason_text.as_deref(), TextKind::Reason);
    rules::check_shelve(
        facts(&o),
        Some(input.reason),
        input.reason_text.as_deref(),
        Some(input.restart_date),
        today,
        &rules::DIRECT,
        &mut p,
    );
    p.into_result()?;
    let decision = Decision::Shelve {
        reason: input.reason,
        text,
        restart_date: input.restart_date,
    };
    apply_decision(&txn, &o, viewer.user_id, &decision, None, false, now).await?;
    commit_and_reload(state, txn, id).await
}

/// Takes a shelved opportunity up again; counts as a follow-up.
pub async fn reactivate(state: &AppState, viewer: &Viewer, id: i64, version: i32) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    rules::check_reactivate(facts(&o), &rules::DIRECT, &mut p);
    p.into_result()?;
    apply_decision(&txn, &o, viewer.user_id, &Decision::Reactivate, None, true, now).await?;
    commit_and_reload(state, txn, id).await
}

/// 输单: marks an open opportunity lost, with the reason; opens its loss review.
pub async fn lose(state: &AppState, viewer: &Viewer, id: i64, version: i32, reason: &str) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    rules::check_lose(facts(&o), None, Some(reason), &rules::DIRECT, &mut p);
    let reason = text::optional(&mut p, "reason", Some(reason), TextKind::Reason);
    p.into_result()?;
    let decision = Decision::Lose {
        reason: reason.unwrap_or_default(),
    };
    apply_decision(&txn, &o, viewer.user_id, &decision, None, false, now).await?;
    commit_and_reload(state, txn, id).await
}

/// The window of a page of one opportunity's follow-ups (newest first,
/// 1–200, default 50), checked.
pub fn activities_window(page: &PageRequest) -> AppResult<Window> {
    let mut p = Problems::new();
    let w = super::window(&mut p, page, crate::domain::limits::ACTIVITIES);
    p.into_result()?;
    Ok(w)
}

/// Whether a window is the first page read forwards: then it comes, for
/// every opportunity of a list at once, from the newest `size + 1`
/// follow-ups of each ([`first_activities`]).
pub fn is_first_page(w: &Window) -> bool {
    w.cursor.is_none() && !w.backwards
}

/// The first page out of the newest `size + 1` rows and the total.
pub fn first_activities(w: &Window, mut newest: Vec<activity::Model>, total: u64) -> Page<activity::Model> {
    let size = usize::try_from(w.size).unwrap_or(usize::MAX);
    let has_next = newest.len() > size;
    newest.truncate(size);
    Page {
        rows: newest,
        has_next,
        has_previous: false,
        total: Some(total),
    }
}

/// Any other page of one opportunity's follow-ups: one keyset query.
pub async fn activities_page(state: &AppState, opportunity_id: i64, w: Window, with_total: bool) -> AppResult<Page<activity::Model>> {
    repo::activities_page(&state.db, opportunity_id, w, with_total).await
}
