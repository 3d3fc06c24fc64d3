//! The opportunity-anomaly PDCA: the scan (detect), resolution (decide and
//! record), review and escalation (check), and the lists (act).

use super::opportunities::{self as opps_service, Decision};
use super::{Page, PageRequest};
use crate::auth::Viewer;
use crate::domain::alerts::{self as rules, Evidence, Seen};
use crate::domain::calendar;
use crate::domain::labels::{Labelled, Locale};
use crate::domain::opportunity as opp_rules;
use crate::domain::page::AlertOrder;
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::locks::{self, Lock};
use crate::store::{self, alerts as repo, opportunities as opps};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    ActivityKind, AlertDecision, AlertRule, AlertStatus, Attribution, EventKind, ReviewAction, Role, ShelveReason, activity, alert,
    opportunity,
};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, Iterable, Set};

/// What one rule did in a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    pub rule: AlertRule,
    pub raised: u64,
    pub already_open: u64,
}

/// What a scan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanReport {
    pub as_of: DateTime<Utc>,
    pub rules: Vec<RuleReport>,
    pub overdue: u64,
    pub review_overdue: u64,
}

/// Runs every rule as of `as_of`, raises the alerts, escalates the overdue
/// ones; one transaction, a few set-based statements per rule; idempotent.
pub async fn run_scan(state: &AppState, as_of: DateTime<Utc>) -> AppResult<ScanReport> {
    let as_of = crate::clock::normalize(as_of);
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    locks::hold_for_transaction(&txn, Lock::Scan).await?;
    let mut log = store::events::Appender::open(&txn).await?;
    let settings = store::settings::load(&txn).await?;
    let cut = rules::cutoffs(as_of, &settings);
    let due_at = rules::due_at(as_of, &settings);
    let before = repo::max_id(&txn).await?;
    let mut reports = Vec::new();
    for rule in AlertRule::iter() {
        let already_open = repo::already_open(&txn, rule, &cut).await?;
        let raised = repo::raise(&txn, rule, &cut, as_of, due_at, rules::threshold(rule, &settings)).await?;
        reports.push(RuleReport {
            rule,
            raised,
            already_open,
        });
    }
    let new_alerts = Condition::all().add(alert::Column::Id.gt(before));
    write_events(&txn, &mut log, EventKind::AlertRaised, new_alerts, now, None).await?;
    write_events(&txn, &mut log, EventKind::AlertOverdue, repo::newly_overdue(as_of), now, None).await?;
    let overdue = repo::stamp(&txn, repo::newly_overdue(as_of), alert::Column::OverdueAt, as_of).await?;
    write_events(
        &txn,
        &mut log,
        EventKind::ReviewOverdue,
        repo::newly_review_overdue(as_of),
        now,
        None,
    )
    .await?;
    let review_overdue = repo::stamp(&txn, repo::newly_review_overdue(as_of), alert::Column::ReviewOverdueAt, as_of).await?;
    let told = log.told().await?;
    txn.commit().await?;
    state.bus.told(told);
    Ok(ScanReport {
        as_of,
        rules: reports,
        overdue,
        review_overdue,
    })
}

/// How far from now an admin may run the scan (a year either way).
pub const SCAN_WINDOW_DAYS: i64 = 366;

/// The admin runs the scan as of an instant (default now) within a year of now.
pub async fn run_scan_for(state: &AppState, viewer: &Viewer, as_of: Option<DateTime<Utc>>) -> AppResult<ScanReport> {
    viewer.require_role(&[Role::Admin], "run the scan")?;
    let now = state.clock.now();
    let as_of = as_of.unwrap_or(now);
    if (as_of - now).num_days().abs() > SCAN_WINDOW_DAYS {
        return Err(AppError::invalid("asOf", "must lie within a year of now"));
    }
    run_scan(state, as_of).await
}

/// One alert in the viewer's scope, or `NOT_FOUND`.
pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<alert::Model> {
    find(&state.db, viewer, id).await
}

async fn find(db: &impl sea_orm::ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<alert::Model> {
    match repo::by_id(db, id).await? {
        Some(a) if viewer.can_see(a.owner_id, a.track_id) => Ok(a),
        _ => Err(AppError::not_found("alert")),
    }
}

/// Overdue now (see `domain::alerts::is_overdue`).
pub fn is_overdue(state: &AppState, a: &alert::Model) -> bool {
    rules::is_overdue(a.status, a.due_at, a.review_due_at, state.clock.now())
}

/// Why the alert fired, as its rule saw it (counted in the company calendar).
pub fn evidence(a: &alert::Model, settings: &crate::domain::settings::Settings, locale: Locale) -> Evidence {
    rules::evidence(
        &Seen {
            rule: a.rule,
            raised_at: a.raised_at,
            at: a.seen_at,
            stage: a.seen_stage,
            date: a.cycle_date,
            threshold: a.threshold,
        },
        settings.timezone,
        locale,
    )
}

/// How the account manager answers an alert.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub attribution: Attribution,
    pub attribution_text: Option<String>,
    pub decision: AlertDecision,
    pub shelve_reason: Option<ShelveReason>,
    pub shelve_reason_text: Option<String>,
    pub restart_date: Option<NaiveDate>,
    pub loss_reason: Option<String>,
}

/// The owning account manager resolves an open alert: attribution and
/// decision, applied to the opportunity, in one transaction. Counts as a
/// follow-up; the director is notified.
pub async fn resolve(state: &AppState, viewer: &Viewer, id: i64, r: Resolution) -> AppResult<alert::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = find(&txn, viewer, id).await?;
    if a.owner_id != viewer.user_id {
        return Err(AppError::forbidden("only the account manager who owns the alert resolves it"));
    }
    let o = opps::by_id(&txn, a.opportunity_id)
        .await?
        .ok_or_else(|| AppError::not_found("opportunity"))?;
    let settings = store::settings::load(&txn).await?;
    let today = calendar::local_date(now, settings.timezone);
    let facts = opps_service::facts(&o);
    let mut p = Problems::new();
    p.check(a.status != AlertStatus::Open, "id", "the alert is already resolved");
    let attribution_text = text::optional(&mut p, "input.attributionText", r.attribution_text.as_deref(), TextKind::Reason);
    p.check(
        r.attribution.needs_text() && r.attribution_text.as_deref().is_none_or(|t| t.trim().is_empty()),
        "input.attributionText",
        "an explanation is required for an \"other\" attribution",
    );
    let shelve_text = text::optional(&mut p, "input.shelveReasonText", r.shelve_reason_text.as_deref(), TextKind::Reason);
    let loss_reason = text::optional(&mut p, "input.lossReason", r.loss_reason.as_deref(), TextKind::Reason);
    let at = &opp_rules::VIA_ALERT;
    match r.decision {
        AlertDecision::Keep => opp_rules::check_keep(facts, at, &mut p),
        AlertDecision::Shelve => opp_rules::check_shelve(
            facts,
            r.shelve_reason,
            r.shelve_reason_text.as_deref(),
            r.restart_date,
            today,
            at,
            &mut p,
        ),
        AlertDecision::Lose => opp_rules::check_lose(facts, Some(a.rule), r.loss_reason.as_deref(), at, &mut p),
        AlertDecision::Reactivate => opp_rules::check_reactivate(facts, at, &mut p),
    }
    p.into_result()?;
    // Checked: a shelve has its reason and date, a loss its reason.
    let decision = match (r.decision, r.shelve_reason, r.restart_date, &loss_reason) {
        (AlertDecision::Keep, ..) => Decision::Keep,
        (AlertDecision::Shelve, Some(reason), Some(restart_date), _) => Decision::Shelve {
            reason,
            text: shelve_text.clone(),
            restart_date,
        },
        (AlertDecision::Lose, _, _, Some(reason)) => Decision::Lose { reason: reason.clone() },
        (AlertDecision::Reactivate, ..) => Decision::Reactivate,
        _ => return Err(AppError::internal("a checked decision lacks its fields")),
    };

    opps_service::apply_decision(&txn, &o, viewer.user_id, &decision, Some(a.id), true, now).await?;
    // Written once, in the company's language (the configured default).
    let locale = state.config.default_locale;
    let said = format!("{}：{}", a.rule.label(locale, &settings), r.attribution.label(locale, &settings));
    let note = match &attribution_text {
        Some(t) => format!("{said} — {t}"),
        None => said,
    };
    opps::insert_activity(
        &txn,
        activity::ActiveModel {
            opportunity_id: Set(o.id),
            actor_id: Set(viewer.user_id),
            kind: Set(ActivityKind::AlertAttribution),
            note: Set(note),
            occurred_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let shelving = r.decision == AlertDecision::Shelve;
    let updated = alert::ActiveModel {
        id: Set(a.id),
        status: Set(AlertStatus::Resolved),
        attribution: Set(Some(r.attribution)),
        attribution_text: Set(attribution_text),
        decision: Set(Some(r.decision)),
        shelve_reason: Set(r.shelve_reason.filter(|_| shelving)),
        shelve_reason_text: Set(shelve_text.filter(|_| shelving)),
        restart_date: Set(r.restart_date.filter(|_| shelving)),
        loss_reason: Set(loss_reason.filter(|_| r.decision == AlertDecision::Lose)),
        resolved_at: Set(Some(now)),
        resolved_by: Set(Some(viewer.user_id)),
        review_due_at: Set(Some(rules::review_due_at(now, &settings))),
        ..Default::default()
    };
    let updated = repo::update_if(
        &txn,
        a.id,
        updated,
        Condition::all().add(alert::Column::Status.eq(AlertStatus::Open)),
    )
    .await?
    .ok_or_else(changed_meanwhile)?;
    finish(state, txn, EventKind::AlertResolved, updated.id, viewer).await?;
    Ok(updated)
}

/// The answer to the loser of a race on one alert.
fn changed_meanwhile() -> AppError {
    AppError::conflict("the alert was changed meanwhile: reload it and try again")
}

/// Writes an event of `kind` for every alert matching `which`, to the
/// audience `domain::events` gives the kind; `actor` is who acted (none: the system).
async fn write_events(
    txn: &DatabaseTransaction,
    log: &mut store::events::Appender<'_, DatabaseTransaction>,
    kind: EventKind,
    which: Condition,
    at: DateTime<Utc>,
    actor: Option<i64>,
) -> AppResult<()> {
    let to_owner = crate::domain::events::audience(kind) == crate::domain::events::Audience::OwnerAndTrack;
    log.appended(repo::insert_events_for(txn, kind, to_owner, which, at, actor).await?);
    Ok(())
}

/// Records the event of a transition of one alert, commits, wakes the subscribers.
async fn finish(state: &AppState, txn: DatabaseTransaction, kind: EventKind, alert_id: i64, actor: &Viewer) -> AppResult<()> {
    let mut log = store::events::Appender::open(&txn).await?;
    let which = Condition::all().add(alert::Column::Id.eq(alert_id));
    write_events(&txn, &mut log, kind, which, state.clock.now(), Some(actor.user_id)).await?;
    let told = log.told().await?;
    txn.commit().await?;
    // A resolution is a follow-up and may shelve, lose or reactivate the
    // deal; a review may give it a new owner. Raising to the CEO changes no deal.
    if matches!(kind, EventKind::AlertResolved | EventKind::AlertReviewed) {
        crate::freshness::changed(state, crate::freshness::Change::Deals).await;
    }
    state.bus.told(told);
    Ok(())
}

fn is_director_of(viewer: &Viewer, a: &alert::Model) -> bool {
    viewer.role == Role::TrackDirector && viewer.track_ids.contains(&a.track_id)
}

/// What the viewer may do with an alert now: the same rules the mutations
/// apply, so a client never offers a button that will be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertPermissions {
    pub resolve: bool,
    pub review: bool,
    pub raise_to_ceo: bool,
}

pub fn permissions(viewer: &Viewer, a: &alert::Model) -> AlertPermissions {
    AlertPermissions {
        resolve: a.owner_id == viewer.user_id && a.status == AlertStatus::Open,
        review: is_director_of(viewer, a) && a.status == AlertStatus::Resolved,
        raise_to_ceo: is_director_of(viewer, a) && a.raised_to_ceo_at.is_none(),
    }
}

/// The counts a phone shows on its badge: the viewer's open alerts and,
/// of all in his scope, those overdue now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badges {
    pub open_alerts: u64,
    pub unseen_alerts: u64,
    pub overdue_alerts: u64,
}

pub async fn badges(state: &AppState, viewer: &Viewer) -> AppResult<Badges> {
    let scope = viewer.scope();
    let open = repo::Filter {
        status: Some(AlertStatus::Open),
        ..Default::default()
    };
    let overdue = repo::Filter {
        overdue: Some((true, state.clock.now())),
        ..Default::default()
    };
    let unseen = repo::Filter {
        status: Some(AlertStatus::Open),
        seen: Some(false),
        ..Default::default()
    };
    Ok(Badges {
        open_alerts: repo::count(&state.db, &scope, &open).await?,
        unseen_alerts: repo::count(&state.db, &scope, &unseen).await?,
        overdue_alerts: repo::count(&state.db, &scope, &overdue).await?,
    })
}

/// The account manager marks his alerts seen (he opened them on his
/// phone): at most [`limits::MARK_SEEN`] ids, each his own — an id outside
/// his scope is not found, another's alert is forbidden, and then nothing
/// is marked. Seeing again keeps the first time. Returns the alerts in the
/// order asked.
pub async fn mark_seen(state: &AppState, viewer: &Viewer, ids: &[String]) -> AppResult<Vec<alert::Model>> {
    if ids.is_empty() || ids.len() > crate::domain::limits::MARK_SEEN {
        return Err(AppError::invalid(
            "ids",
            format!("must name between 1 and {} alerts", crate::domain::limits::MARK_SEEN),
        ));
    }
    let mut wanted = Vec::with_capacity(ids.len());
    for id in ids {
        wanted.push(super::lookup_id(id, "alert")?);
    }
    let mut distinct = wanted.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let found = repo::by_ids(&state.db, &distinct).await?;
    for id in &distinct {
        match found.get(id) {
            Some(a) if viewer.can_see(a.owner_id, a.track_id) => {
                if a.owner_id != viewer.user_id {
                    return Err(AppError::forbidden("only the alert's account manager marks it seen"));
                }
            }
            _ => return Err(AppError::not_found("alert")),
        }
    }
    repo::mark_read(&state.db, &distinct, viewer.user_id, state.clock.now()).await?;
    let mut now_rows = repo::by_ids(&state.db, &distinct).await?;
    // An alert reassigned meanwhile is no longer his to show.
    Ok(wanted
        .iter()
        .filter_map(|id| now_rows.remove(id))
        .filter(|a| viewer.can_see(a.owner_id, a.track_id))
        .collect())
}

fn ensure_director_of(viewer: &Viewer, a: &alert::Model) -> AppResult<()> {
    if is_director_of(viewer, a) {
        Ok(())
    } else {
        Err(AppError::forbidden("only a director of the alert's track does this"))
    }
}

/// The director's review of a resolution.
#[derive(Debug, Clone)]
pub struct Review {
    pub action: ReviewAction,
    pub comment: String,
    /// With `REASSIGN`: the new owner's id, as the client typed it.
    pub new_owner_id: Option<String>,
}

/// The director reviews a resolution: acknowledge, assist, reassign the
/// owner (to an account manager of the track), or suggest closing.
pub async fn review(state: &AppState, viewer: &Viewer, id: i64, r: Review) -> AppResult<alert::Model> {
    let action = r.action;
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = find(&txn, viewer, id).await?;
    ensure_director_of(viewer, &a)?;
    let mut p = Problems::new();
    match a.status {
        AlertStatus::Open => p.add("id", "the alert is not resolved yet"),
        AlertStatus::Reviewed => p.add("id", "the alert is already reviewed"),
        AlertStatus::Resolved => {}
    }
    let comment = text::required(&mut p, "input.comment", &r.comment, TextKind::Comment);
    let new_owner = super::id_field(&mut p, r.new_owner_id.as_deref(), "input.newOwnerId");
    let unreadable_owner = r.new_owner_id.is_some() && new_owner.is_none();
    let o = opps::by_id(&txn, a.opportunity_id)
        .await?
        .ok_or_else(|| AppError::not_found("opportunity"))?;
    match (action, new_owner) {
        _ if unreadable_owner => {}
        (ReviewAction::Reassign, None) => p.add("input.newOwnerId", "is required to reassign"),
        (ReviewAction::Reassign, Some(uid)) => {
            let ok = store::tracks::track_of_member(&txn, uid).await? == Some(a.track_id)
                && store::users::by_id(&txn, uid)
                    .await?
                    .is_some_and(|u| u.active && u.role == Role::AccountManager);
            p.check(!ok, "input.newOwnerId", "must be an active account manager of the track");
            p.check(uid == o.owner_id, "input.newOwnerId", "is already the owner");
        }
        (_, Some(_)) => p.add("input.newOwnerId", "is only given to reassign"),
        (_, None) => {}
    }
    p.into_result()?;
    if let (ReviewAction::Reassign, Some(uid)) = (action, new_owner) {
        opps::update_versioned(
            &txn,
            opportunity::ActiveModel {
                owner_id: Set(uid),
                ..Default::default()
            },
            o.id,
            o.version,
            now,
        )
        .await?;
        repo::transfer_open(&txn, o.id, uid).await?;
    }
    let updated = alert::ActiveModel {
        id: Set(a.id),
        status: Set(AlertStatus::Reviewed),
        review_action: Set(Some(action)),
        review_comment: Set(Some(comment)),
        reviewed_at: Set(Some(now)),
        reviewed_by: Set(Some(viewer.user_id)),
        reassigned_to: Set(new_owner),
        ..Default::default()
    };
    let updated = repo::update_if(
        &txn,
        a.id,
        updated,
        Condition::all().add(alert::Column::Status.eq(AlertStatus::Resolved)),
    )
    .await?
    .ok_or_else(changed_meanwhile)?;
    finish(state, txn, EventKind::AlertReviewed, updated.id, viewer).await?;
    Ok(updated)
}

/// The director raises an alert to the CEO, with a comment.
pub async fn raise_to_ceo(state: &AppState, viewer: &Viewer, id: i64, comment: &str) -> AppResult<alert::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = find(&txn, viewer, id).await?;
    ensure_director_of(viewer, &a)?;
    let mut p = Problems::new();
    p.check(a.raised_to_ceo_at.is_some(), "id", "the alert is already raised to the CEO");
    let comment = text::required(&mut p, "comment", comment, TextKind::Comment);
    p.into_result()?;
    let updated = alert::ActiveModel {
        id: Set(a.id),
        raised_to_ceo_at: Set(Some(now)),
        ceo_comment: Set(Some(comment.clone())),
        ..Default::default()
    };
    let updated = repo::update_if(&txn, a.id, updated, Condition::all().add(alert::Column::RaisedToCeoAt.is_null()))
        .await?
        .ok_or_else(changed_meanwhile)?;
    finish(state, txn, EventKind::AlertRaisedToCeo, updated.id, viewer).await?;
    Ok(updated)
}

/// Narrowing of an alert list (always inside the viewer's scope); ids as
/// the client typed them.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub rule: Option<AlertRule>,
    pub status: Option<AlertStatus>,
    /// true: only overdue ones now; false: only those not overdue.
    pub overdue: Option<bool>,
    pub track_id: Option<String>,
    pub owner_id: Option<String>,
    pub opportunity_id: Option<String>,
    pub raised_from: Option<DateTime<Utc>>,
    pub raised_to: Option<DateTime<Utc>>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<AlertStatus>,
    /// Due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Only those their owner has (true) or has not (false) seen.
    pub seen: Option<bool>,
    /// The order of the list.
    pub order: AlertOrder,
}

/// One page of the alerts the viewer may see.
pub async fn list(state: &AppState, viewer: &Viewer, filter: ListFilter, page: PageRequest) -> AppResult<Page<alert::Model>> {
    let mut p = Problems::new();
    let window = super::page_args(&mut p, &page);
    for (field, at) in [
        ("filter.raisedFrom", filter.raised_from),
        ("filter.raisedTo", filter.raised_to),
        ("filter.dueBefore", filter.due_before),
    ] {
        p.check(
            at.is_some_and(|t| !calendar::instant_in_window(t)),
            field,
            "must lie between the years 2000 and 2100",
        );
    }
    let f = repo::Filter {
        rule: filter.rule,
        status: filter.status,
        overdue: filter.overdue.map(|o| (o, state.clock.now())),
        track_id: super::id_field(&mut p, filter.track_id.as_deref(), "filter.trackId"),
        owner_id: super::id_field(&mut p, filter.owner_id.as_deref(), "filter.ownerId"),
        opportunity_id: super::id_field(&mut p, filter.opportunity_id.as_deref(), "filter.opportunityId"),
        raised_from: filter.raised_from,
        raised_to: filter.raised_to,
        statuses: filter.statuses,
        due_before: filter.due_before,
        seen: filter.seen,
    };
    p.into_result()?;
    let order = (filter.order, state.clock.now());
    repo::page(&state.db, &viewer.scope(), &f, order, window, page.with_total).await
}

/// 输单复盘 in the viewer's scope, in id order.
pub async fn loss_reviews(state: &AppState, viewer: &Viewer, page: PageRequest) -> AppResult<Page<entity::loss_review::Model>> {
    let mut p = Problems::new();
    let window = super::page_args(&mut p, &page);
    p.into_result()?;
    repo::loss_reviews(&state.db, &viewer.scope(), window, page.with_total).await
}
