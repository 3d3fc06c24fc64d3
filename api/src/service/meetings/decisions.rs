//! The meeting's decision on a task (DOMAIN.md section 3): kept, moved,
//! closed or handed on, each a conditional write.

use super::*;

/// The chair's decision on an unfinished task, as a client gives it.
#[derive(Debug, Clone)]
pub struct DecisionAsk {
    pub task_id: String,
    /// The meeting at whose opening it is decided.
    pub meeting_id: String,
    pub kind: TaskDecisionKind,
    /// The reason its owner gave (and the chair's for closing it).
    pub reason: String,
    /// `EXTEND`: the new due date.
    pub due_at: Option<DateTime<Utc>>,
    /// `REDISPATCH`: the new owner.
    pub owner_id: Option<String>,
    /// `ADJUST`: the new description.
    pub description: Option<String>,
    /// The task's version the chair decided on.
    pub version: i32,
}

/// `decideTask`: at the opening of a meeting that reviews the task (a later
/// meeting of its series; a monthly one for an escalated weekly task), its
/// chair — the CEO (the secretary records it) or the track's director —
/// extends, re-dispatches, adjusts or closes an unfinished task, with the
/// reason; recorded, and a new owner is told.
pub async fn decide_task(state: &AppState, viewer: &Viewer, cmd: DecisionAsk) -> AppResult<(task::Model, task_decision::Model)> {
    use TaskDecisionKind as K;
    let now = state.clock.now();
    let mut p = Problems::new();
    let task_id = crate::service::id_field(&mut p, Some(&cmd.task_id), "input.taskId");
    let meeting_id = crate::service::id_field(&mut p, Some(&cmd.meeting_id), "input.meetingId");
    let reason = text::required(&mut p, "input.reason", &cmd.reason, TextKind::Reason);
    let owner_id = crate::service::id_field(&mut p, cmd.owner_id.as_deref(), "input.ownerId");
    let description = cmd
        .description
        .as_deref()
        .map(|d| text::required(&mut p, "input.description", d, TextKind::Comment));
    // What each decision needs, and nothing it does not.
    let wants = |k: K| cmd.kind == k;
    for (field, given, kind, name) in [
        ("input.dueAt", cmd.due_at.is_some(), K::Extend, "EXTEND"),
        ("input.ownerId", cmd.owner_id.is_some(), K::Redispatch, "REDISPATCH"),
        ("input.description", cmd.description.is_some(), K::Adjust, "ADJUST"),
    ] {
        if wants(kind) && !given {
            p.add(field, format!("is needed to decide {name}"));
        } else if !wants(kind) && given {
            p.add(field, format!("is only given to decide {name}"));
        }
    }
    if let Some(at) = cmd.due_at {
        in_window(&mut p, "input.dueAt", at);
        p.check(at <= now, "input.dueAt", "must be in the future");
    }
    let t = match task_id {
        Some(id) => Some(get_task(state, viewer, id).await?),
        None => None,
    };
    let m = match meeting_id {
        Some(id) => Some(get_meeting(state, viewer, id).await?),
        None => None,
    };
    let tz = store::settings::load(&state.db).await?.timezone;
    if let Some(m) = &m {
        let directs = m.track_id.is_some_and(|t| viewer.track_ids.contains(&t));
        if !rules::may_record(m.kind, viewer.role, directs) {
            return Err(AppError::forbidden(match m.kind {
                MeetingKind::MonthlySupervision => "the CEO decides at the monthly meeting (the secretary records it)",
                MeetingKind::TrackWeekly => "the track's director decides at its weekly meeting",
            }));
        }
        if m.status == MeetingStatus::Cancelled {
            p.add("input.meetingId", "the meeting is cancelled");
        } else if let Some(why) = rules::decision_window(m.kind, m.starts_at, tz).refuses_decision(now, tz) {
            p.add("input.meetingId", why);
        }
    }
    if let Some(t) = &t {
        if let Some(why) = rules::decision_problem(t.status) {
            p.add("input.taskId", why);
        }
        if let Some(m) = &m {
            let own = repo::meeting_by_id(&state.db, t.meeting_id)
                .await?
                .ok_or_else(|| AppError::internal("a task without its meeting"))?;
            fn at(x: &meeting::Model) -> rules::MeetingAt<'_> {
                rules::MeetingAt {
                    kind: x.kind,
                    series: &x.series,
                    starts_at: x.starts_at,
                }
            }
            if !rules::reviews(at(m), at(&own), t.escalated_at.is_some()) {
                p.add(
                    "input.meetingId",
                    "does not review this task: a later meeting of its series decides (a monthly one, when it was escalated)",
                );
            }
        }
        if let Some(d) = &description {
            p.check(*d == t.description, "input.description", "is the task's description already");
        }
        if let Some(at) = cmd.due_at {
            p.check(t.due_at == Some(at), "input.dueAt", "is the task's due date already");
        }
        if let Some(o) = owner_id {
            match store::users::by_id(&state.db, o).await? {
                None => p.add("input.ownerId", "is not a user"),
                Some(u) => {
                    let tracks = store::users::track_ids_of(&state.db, u.id, u.role).await?;
                    if let Some(why) = rules::owner_problem(t.meeting_kind, u.role, u.active, tracks.contains(&t.track_id)) {
                        p.add("input.ownerId", why);
                    }
                    p.check(u.id == t.owner_id, "input.ownerId", "is the task's owner already");
                }
            }
        }
    }
    p.into_result()?;
    let (Some(t), Some(m)) = (t, m) else {
        return Err(AppError::invalid("input.taskId", "is needed"));
    };
    let mut change = task::ActiveModel::default();
    let mut record = task_decision::ActiveModel {
        task_id: Set(t.id),
        meeting_id: Set(m.id),
        kind: Set(cmd.kind),
        reason: Set(reason),
        from_due_at: Set(None),
        to_due_at: Set(None),
        from_owner_id: Set(None),
        to_owner_id: Set(None),
        from_description: Set(None),
        to_description: Set(None),
        decided_by: Set(viewer.user_id),
        decided_at: Set(now),
        ..Default::default()
    };
    match cmd.kind {
        K::Extend => {
            change.due_at = Set(cmd.due_at);
            change.due_extended = Set(true);
            // The new date is told anew.
            change.due_soon_told_at = Set(None);
            change.overdue_told_at = Set(None);
            record.from_due_at = Set(t.due_at);
            record.to_due_at = Set(cmd.due_at);
        }
        K::Redispatch => {
            change.owner_id = Set(owner_id.unwrap_or(t.owner_id));
            change.due_soon_told_at = Set(None);
            change.overdue_told_at = Set(None);
            record.from_owner_id = Set(Some(t.owner_id));
            record.to_owner_id = Set(owner_id);
        }
        K::Adjust => {
            change.description = Set(description.clone().unwrap_or_default());
            record.from_description = Set(Some(t.description.clone()));
            record.to_description = Set(description);
        }
        K::Close => {
            change.status = Set(TaskStatus::Cancelled);
        }
    }
    let stale = || AppError::conflict("the task was changed meanwhile: read it again");
    if t.version != cmd.version {
        return Err(stale());
    }
    let txn = begin_schedule(state).await?;
    // Conditional on the version the chair saw: one decision of many at once.
    let Some(changed) = repo::update_task_if(&txn, &t, change).await? else {
        return Err(stale());
    };
    let decision = repo::insert_decision(&txn, record).await?;
    let told = if cmd.kind == K::Redispatch {
        tell(
            &txn,
            EventSubject::Task,
            &[(EventKind::TaskAssigned, changed.id, Some(changed.owner_id), Some(changed.track_id))],
            Some(viewer.user_id),
            now,
        )
        .await?
    } else {
        Told::default()
    };
    txn.commit().await?;
    changed_and_told(state, told).await;
    Ok((changed, decision))
}
