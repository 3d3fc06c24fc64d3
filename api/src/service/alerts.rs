//! The opportunity-anomaly PDCA: the scan (detect), resolution (decide and
//! record), review and escalation (check), and the lists (act).

use crate::auth::Viewer;
use crate::domain::alerts::{self as rules};
use crate::domain::calendar;
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::events::kinds;
use crate::state::AppState;
use crate::store::events::NewEvent;
use crate::store::{self, alerts as repo, opportunities as opps};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    ActivityKind, AlertDecision, AlertRule, AlertStatus, Attribution, HistoryField, OpportunityStatus, ReviewAction, Role, ShelveReason,
    Stage, activity, alert, loss_review, opportunity, opportunity_history,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, Iterable, Set, Statement,
};
use serde_json::json;

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

fn alert_event(kind: &'static str, a: &alert::Model, to_owner: bool, extra: serde_json::Value) -> NewEvent {
    let mut payload = json!({ "alertId": a.id, "opportunityId": a.opportunity_id, "rule": a.rule.to_value() });
    if let (Some(obj), Some(more)) = (payload.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    NewEvent {
        kind,
        payload,
        audience_user_id: to_owner.then_some(a.owner_id),
        audience_track_id: Some(a.track_id),
    }
}

/// Key of the advisory lock that keeps two scans on PostgreSQL from running at once.
const SCAN_LOCK: i64 = 0x5ca4_0001;

/// Runs every rule as of `as_of`, raises the alerts, escalates the overdue
/// ones; one transaction, a few set-based statements per rule; idempotent.
pub async fn run_scan(state: &AppState, as_of: DateTime<Utc>) -> AppResult<ScanReport> {
    let as_of = crate::clock::normalize(as_of);
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [SCAN_LOCK.into()],
        ))
        .await?;
    }
    store::events::lock_for_append(&txn).await?;
    let settings = store::settings::load(&txn).await?;
    let cut = rules::cutoffs(as_of, &settings);
    let due_at = rules::due_at(as_of, &settings);
    let before = repo::max_id(&txn).await?;
    let mut reports = Vec::new();
    for rule in AlertRule::iter() {
        let already_open = repo::already_open(&txn, rule, &cut).await?;
        let raised = repo::raise(&txn, rule, &cut, as_of, due_at).await?;
        reports.push(RuleReport {
            rule,
            raised,
            already_open,
        });
    }
    let mut written = repo::insert_events_for(
        &txn,
        kinds::ALERT_RAISED,
        true,
        Condition::all().add(alert::Column::Id.gt(before)),
        now,
    )
    .await?;
    written += repo::insert_events_for(&txn, kinds::ALERT_OVERDUE, true, repo::newly_overdue(as_of), now).await?;
    let overdue = repo::stamp(&txn, repo::newly_overdue(as_of), alert::Column::OverdueAt, as_of).await?;
    written += repo::insert_events_for(&txn, kinds::REVIEW_OVERDUE, false, repo::newly_review_overdue(as_of), now).await?;
    let review_overdue = repo::stamp(&txn, repo::newly_review_overdue(as_of), alert::Column::ReviewOverdueAt, as_of).await?;
    let max = if written > 0 {
        Some(store::events::announce(&txn).await?)
    } else {
        None
    };
    txn.commit().await?;
    if let Some(max) = max {
        state.bus.wake(max);
    }
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
pub async fn get(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<alert::Model> {
    match repo::by_id(db, id).await? {
        Some(a) if viewer.can_see(a.owner_id, a.track_id) => Ok(a),
        _ => Err(AppError::not_found("alert")),
    }
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

fn history(id: i64, actor: i64, field: HistoryField, from: String, to: String, at: DateTime<Utc>) -> opportunity_history::ActiveModel {
    opportunity_history::ActiveModel {
        opportunity_id: Set(id),
        actor_id: Set(Some(actor)),
        field: Set(field),
        from_value: Set(Some(from)),
        to_value: Set(to),
        at: Set(at),
        ..Default::default()
    }
}

/// The owning account manager resolves an open alert: attribution and
/// decision, applied to the opportunity, in one transaction. Counts as a
/// follow-up; the director is notified.
pub async fn resolve(state: &AppState, viewer: &Viewer, id: i64, r: Resolution) -> AppResult<alert::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = get(&txn, viewer, id).await?;
    if a.owner_id != viewer.user_id {
        return Err(AppError::forbidden("only the account manager who owns the alert resolves it"));
    }
    let o = opps::by_id(&txn, a.opportunity_id)
        .await?
        .ok_or_else(|| AppError::not_found("opportunity"))?;
    let settings = store::settings::load(&txn).await?;
    let today = calendar::local_date(now, settings.timezone);
    let mut p = Problems::new();
    p.check(a.status != AlertStatus::Open, "id", "the alert is already resolved");
    let attribution_text = text::optional(&mut p, "input.attributionText", r.attribution_text.as_deref(), TextKind::Reason);
    p.check(
        r.attribution.needs_text() && blank(&r.attribution_text),
        "input.attributionText",
        "an explanation is required for an \"other\" attribution",
    );
    let shelve_text = text::optional(&mut p, "input.shelveReasonText", r.shelve_reason_text.as_deref(), TextKind::Reason);
    let loss_reason = text::optional(&mut p, "input.lossReason", r.loss_reason.as_deref(), TextKind::Reason);
    let shelved = o.status == OpportunityStatus::Shelved;
    match r.decision {
        AlertDecision::Keep => {
            p.check(
                shelved,
                "input.decision",
                "a shelved opportunity is reactivated, shelved again or lost, not kept",
            );
            p.check(o.status == OpportunityStatus::Lost, "input.decision", "the opportunity is lost");
        }
        AlertDecision::Shelve => {
            p.check(
                o.status == OpportunityStatus::Lost || o.stage == Stage::Secured,
                "input.decision",
                "only an open, unsecured opportunity can be shelved",
            );
            match r.shelve_reason {
                None => p.add("input.shelveReason", "is required to shelve"),
                Some(reason) => p.check(
                    reason.needs_text() && blank(&r.shelve_reason_text),
                    "input.shelveReasonText",
                    "an explanation is required for an \"other\" reason",
                ),
            }
            match r.restart_date {
                None => p.add("input.restartDate", "is required to shelve"),
                Some(d) => p.check(d <= today, "input.restartDate", "the restart date must be in the future"),
            }
        }
        AlertDecision::Lose => {
            p.check(
                o.status == OpportunityStatus::Lost || o.stage == Stage::Secured,
                "input.decision",
                "only an open, unsecured opportunity can be lost",
            );
            p.check(blank(&r.loss_reason), "input.lossReason", "is required to lose");
        }
        AlertDecision::Reactivate => p.check(!shelved, "input.decision", "only a shelved opportunity can be reactivated"),
    }
    p.into_result()?;

    // The decision, applied to the opportunity.
    let mut change = opportunity::ActiveModel {
        last_activity_at: Set(now.max(o.last_activity_at)),
        ..Default::default()
    };
    let new_status = match r.decision {
        AlertDecision::Keep => None,
        AlertDecision::Shelve => {
            change.shelve_reason = Set(r.shelve_reason);
            change.shelve_reason_text = Set(shelve_text.clone());
            change.restart_date = Set(r.restart_date);
            Some(OpportunityStatus::Shelved)
        }
        AlertDecision::Lose => {
            change.loss_reason = Set(loss_reason.clone());
            Some(OpportunityStatus::Lost)
        }
        AlertDecision::Reactivate => Some(OpportunityStatus::Active),
    };
    if let Some(s) = new_status {
        change.status = Set(s);
    }
    opps::update_versioned(&txn, change, o.id, o.version, now).await?;
    if let Some(s) = new_status.filter(|s| *s != o.status) {
        opps::record_history(
            &txn,
            history(o.id, viewer.user_id, HistoryField::Status, o.status.to_value(), s.to_value(), now),
        )
        .await?;
    }
    let note = match &attribution_text {
        Some(t) => format!("{}: {} — {}", a.rule.to_value(), r.attribution.to_value(), t),
        None => format!("{}: {}", a.rule.to_value(), r.attribution.to_value()),
    };
    activity::ActiveModel {
        opportunity_id: Set(o.id),
        actor_id: Set(viewer.user_id),
        kind: Set(ActivityKind::AlertAttribution),
        note: Set(note),
        occurred_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if r.decision == AlertDecision::Lose {
        loss_review::ActiveModel {
            opportunity_id: Set(o.id),
            alert_id: Set(Some(a.id)),
            owner_id: Set(o.owner_id),
            track_id: Set(o.track_id),
            reason: Set(loss_reason.clone().unwrap_or_default()),
            opened_at: Set(now),
            opened_by: Set(viewer.user_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let updated = alert::ActiveModel {
        id: Set(a.id),
        status: Set(AlertStatus::Resolved),
        attribution: Set(Some(r.attribution)),
        attribution_text: Set(attribution_text),
        decision: Set(Some(r.decision)),
        shelve_reason: Set(if r.decision == AlertDecision::Shelve {
            r.shelve_reason
        } else {
            None
        }),
        shelve_reason_text: Set(if r.decision == AlertDecision::Shelve { shelve_text } else { None }),
        restart_date: Set(if r.decision == AlertDecision::Shelve {
            r.restart_date
        } else {
            None
        }),
        loss_reason: Set(loss_reason),
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
    let event = alert_event(kinds::ALERT_RESOLVED, &updated, true, json!({ "decision": r.decision.to_value() }));
    finish(state, txn, vec![event]).await?;
    Ok(updated)
}

/// Absent or only white space (too long is another problem, told apart).
fn blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// The answer to the loser of a race on one alert.
fn changed_meanwhile() -> AppError {
    AppError::conflict("the alert was changed meanwhile: reload it and try again")
}

async fn finish(state: &AppState, txn: DatabaseTransaction, events: Vec<NewEvent>) -> AppResult<()> {
    let max = store::events::append(&txn, events, state.clock.now()).await?;
    txn.commit().await?;
    if let Some(max) = max {
        state.bus.wake(max);
    }
    Ok(())
}

fn ensure_director_of(viewer: &Viewer, a: &alert::Model) -> AppResult<()> {
    if viewer.role == Role::TrackDirector && viewer.track_ids.contains(&a.track_id) {
        Ok(())
    } else {
        Err(AppError::forbidden("only a director of the alert's track does this"))
    }
}

/// The director reviews a resolution: acknowledge, assist, reassign the
/// owner (to an account manager of the track), or suggest closing.
pub async fn review(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    action: ReviewAction,
    comment: &str,
    new_owner: Option<i64>,
) -> AppResult<alert::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = get(&txn, viewer, id).await?;
    ensure_director_of(viewer, &a)?;
    let mut p = Problems::new();
    match a.status {
        AlertStatus::Open => p.add("id", "the alert is not resolved yet"),
        AlertStatus::Reviewed => p.add("id", "the alert is already reviewed"),
        AlertStatus::Resolved => {}
    }
    let comment = text::required(&mut p, "input.comment", comment, TextKind::Comment);
    let o = opps::by_id(&txn, a.opportunity_id)
        .await?
        .ok_or_else(|| AppError::not_found("opportunity"))?;
    match (action, new_owner) {
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
    let event = alert_event(kinds::ALERT_REVIEWED, &updated, true, json!({ "action": action.to_value() }));
    finish(state, txn, vec![event]).await?;
    Ok(updated)
}

/// The director raises an alert to the CEO, with a comment.
pub async fn raise_to_ceo(state: &AppState, viewer: &Viewer, id: i64, comment: &str) -> AppResult<alert::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let a = get(&txn, viewer, id).await?;
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
    finish(
        state,
        txn,
        vec![alert_event(
            kinds::ALERT_RAISED_TO_CEO,
            &updated,
            false,
            json!({ "comment": comment }),
        )],
    )
    .await?;
    Ok(updated)
}

/// Filter values as the API receives them, already parsed.
pub struct ListArgs {
    pub filter: repo::Filter,
    pub overdue: Option<bool>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

/// One page of the alerts the viewer may see.
pub async fn list(state: &AppState, viewer: &Viewer, args: ListArgs) -> AppResult<(Vec<alert::Model>, bool, sea_orm::Condition)> {
    let mut p = Problems::new();
    let (first, after) = super::page_args(&mut p, args.first, args.after.as_deref());
    for (field, at) in [
        ("filter.raisedFrom", args.filter.raised_from),
        ("filter.raisedTo", args.filter.raised_to),
    ] {
        p.check(
            at.is_some_and(|t| !calendar::instant_in_window(t)),
            field,
            "must lie between the years 2000 and 2100",
        );
    }
    p.into_result()?;
    let mut f = args.filter;
    f.overdue = args.overdue.map(|o| (o, state.clock.now()));
    let cond = repo::condition(&viewer.scope(), &f);
    let (rows, more) = repo::page(&state.db, cond.clone(), after, first).await?;
    Ok((rows, more, cond))
}
