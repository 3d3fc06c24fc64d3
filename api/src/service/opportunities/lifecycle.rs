//! Secured, shelved, reactivated, lost: the decisions that end or pause a
//! deal, each a conditional write.

use super::*;

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
