//! The add / reactivate tasks a director dispatches: dispatched, read,
//! their progress from the live funnel, completed, listed.

use super::*;

/// A funnel task as a director dispatches it.
#[derive(Debug, Clone)]
pub struct TaskAsk {
    pub alert_id: Option<String>,
    pub track_id: Option<String>,
    pub kind: FunnelTaskKind,
    pub owner_id: String,
    pub count: Option<i64>,
    pub opportunity_id: Option<String>,
    pub description: String,
    pub due_at: Option<DateTime<Utc>>,
}

/// `dispatchFunnelTask`: a director gives one of his track's account
/// managers an add task (a number of new opportunities) or a reactivation
/// (a named shelved or inactive deal of the track), for an alert of the
/// track or not. Every problem is told at once.
pub async fn dispatch(state: &AppState, viewer: &Viewer, ask: TaskAsk) -> AppResult<funnel_task::Model> {
    if viewer.role != Role::TrackDirector {
        return Err(AppError::forbidden("only a track's director dispatches funnel tasks"));
    }
    let now = state.clock.now();
    let mut p = Problems::new();
    let alert_id = crate::service::id_field(&mut p, ask.alert_id.as_deref(), "alertId");
    let mut track_id = crate::service::id_field(&mut p, ask.track_id.as_deref(), "trackId");
    let owner_id = crate::service::id_field(&mut p, Some(&ask.owner_id), "ownerId");
    let opportunity_id = crate::service::id_field(&mut p, ask.opportunity_id.as_deref(), "opportunityId");
    let description = text::required(&mut p, "description", &ask.description, TextKind::Comment);
    if let Some(due) = ask.due_at {
        p.check(due <= now, "dueAt", "must lie in the future");
        p.check(!calendar::instant_in_window(due), "dueAt", "is too far away");
    }
    let mut count = None;
    match ask.kind {
        FunnelTaskKind::AddOpportunities => {
            match ask.count {
                Some(n) if (1..=i64::from(rules::MAX_ADD_COUNT)).contains(&n) => count = i32::try_from(n).ok(),
                Some(_) => p.add("count", "must be between 1 and 100"),
                None => p.add("count", "is required to add opportunities"),
            }
            p.check(ask.opportunity_id.is_some(), "opportunityId", "is only for a reactivation");
        }
        FunnelTaskKind::Reactivate => {
            p.check(
                ask.opportunity_id.is_none(),
                "opportunityId",
                "is required to reactivate an opportunity",
            );
            p.check(ask.count.is_some(), "count", "is only for adding opportunities");
        }
    }
    // The alert names the track.
    let mut alert = None;
    if let Some(id) = alert_id {
        match repo::alert_by_id(&state.db, id).await? {
            Some(a) if sees_alert(viewer, a.track_id) => {
                if track_id.is_some_and(|t| t != a.track_id) {
                    p.add("trackId", "is not the alert's track");
                }
                track_id = Some(a.track_id);
                alert = Some(a);
            }
            _ => p.add("alertId", "is not a funnel alert of your tracks"),
        }
    }
    match track_id {
        Some(t) if viewer.track_ids.contains(&t) => {}
        Some(_) => p.add("trackId", "is not one of your tracks"),
        None if ask.alert_id.is_none() => p.add("trackId", "is required without an alert"),
        None => {}
    }
    // Nothing of another track is looked up: its members and deals stay unknown to him.
    let track_id = track_id.filter(|t| viewer.track_ids.contains(t));
    if let (Some(t), Some(owner)) = (track_id, owner_id) {
        let members = store::tracks::members_of(&state.db, &[t]).await?;
        if !members.get(&t).is_some_and(|m| m.contains(&owner)) {
            p.add("ownerId", "is not an account manager of the track");
        }
    }
    let reactivation = (ask.kind == FunnelTaskKind::Reactivate).then_some(opportunity_id).flatten();
    if let (Some(t), Some(o)) = (track_id, reactivation) {
        match store::opportunities::by_id(&state.db, o).await? {
            Some(deal) if deal.track_id == t => {
                // Its owner follows it up: a deal of another account manager is not his to reactivate.
                p.check(
                    owner_id.is_some_and(|owner| owner != deal.owner_id),
                    "opportunityId",
                    "is not a deal of the task's owner",
                );
                let settings = store::settings::load(&state.db).await?;
                let active_since = calendar::recent_cutoff(now, settings.active_window_days, settings.timezone);
                p.check(
                    !rules::reactivatable(deal.status, deal.last_activity_at, active_since),
                    "opportunityId",
                    "is neither shelved nor inactive",
                );
            }
            _ => p.add("opportunityId", "is not an opportunity of the track"),
        }
    }
    p.into_result()?;
    let (Some(track_id), Some(owner_id)) = (track_id, owner_id) else {
        return Err(AppError::invalid("ownerId", "is not an id"));
    };
    let txn = store::begin_write(&state.db).await?;
    store::events::hold_append_lock(&txn).await?;
    // Counted under the append lock (every dispatch takes it): concurrent dispatches cannot pass 20.
    if let Some(a) = &alert
        && repo::tasks_of_alert(&txn, a.id).await? >= u64::from(rules::MAX_TASKS_PER_ALERT.unsigned_abs())
    {
        return Err(AppError::invalid("alertId", "has 20 tasks already"));
    }
    let created = funnel_task::ActiveModel {
        id: NotSet,
        alert_id: Set(alert.map(|a| a.id)),
        track_id: Set(track_id),
        kind: Set(ask.kind),
        count: Set(count),
        opportunity_id: Set(opportunity_id),
        description: Set(description),
        owner_id: Set(owner_id),
        created_by: Set(viewer.user_id),
        created_at: Set(now),
        due_at: Set(ask.due_at),
        status: Set(TaskStatus::Pending),
        done_at: Set(None),
        done_note: Set(None),
        version: Set(1),
    };
    let created = sea_orm::ActiveModelTrait::insert(created, &txn).await?;
    let told = tell(
        &txn,
        EventSubject::FunnelTask,
        &[(EventKind::FunnelTaskAssigned, created.id, Some(owner_id), Some(track_id))],
        Some(viewer.user_id),
        now,
    )
    .await?;
    txn.commit().await?;
    wake(state, told);
    Ok(created)
}

/// Whether the viewer sees a funnel task: its owner, the track's directors, the CEO, the secretary, the admin.
pub fn sees_task(viewer: &Viewer, t: &funnel_task::Model) -> bool {
    t.owner_id == viewer.user_id || sees_alert(viewer, t.track_id)
}

/// A funnel task in the viewer's scope, or `NOT_FOUND`.
pub async fn get_task(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<funnel_task::Model> {
    match repo::task_by_id(&state.db, id).await? {
        Some(t) if sees_task(viewer, &t) => Ok(t),
        _ => Err(AppError::not_found("funnel task")),
    }
}

/// How far a task has come: new deals added of the count asked, or whether
/// the deal is open and followed up again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub added: Option<i64>,
    pub reactivated: Option<bool>,
    pub done_enough: bool,
}

pub async fn progress(state: &AppState, t: &funnel_task::Model) -> AppResult<Progress> {
    let mut found = progress_of(&state.db, std::slice::from_ref(t)).await?;
    Ok(found.remove(&t.id).unwrap_or(Progress {
        added: None,
        reactivated: None,
        done_enough: false,
    }))
}

/// [`progress`] of many tasks at once: the deals added by one grouped
/// query, the deals to reactivate by one read.
pub async fn progress_of(
    db: &impl sea_orm::ConnectionTrait,
    tasks: &[funnel_task::Model],
) -> AppResult<std::collections::HashMap<i64, Progress>> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let added = repo::added_for(db, &ids).await?;
    let deal_ids: Vec<i64> = tasks.iter().filter_map(|t| t.opportunity_id).collect();
    let deals = if deal_ids.is_empty() {
        Default::default()
    } else {
        store::opportunities::by_ids(db, &deal_ids).await?
    };
    Ok(tasks
        .iter()
        .map(|t| {
            let p = match t.kind {
                FunnelTaskKind::AddOpportunities => {
                    let n = added.get(&t.id).copied().unwrap_or(0);
                    Progress {
                        added: Some(n),
                        reactivated: None,
                        done_enough: n >= i64::from(t.count.unwrap_or(1)),
                    }
                }
                FunnelTaskKind::Reactivate => {
                    let back = t
                        .opportunity_id
                        .and_then(|o| deals.get(&o))
                        .is_some_and(|d| rules::reactivated(d.status, d.last_activity_at, t.created_at));
                    Progress {
                        added: None,
                        reactivated: Some(back),
                        done_enough: back,
                    }
                }
            };
            (t.id, p)
        })
        .collect())
}

/// `completeFunnelTask`: the owner marks it done, with a note, once the
/// work shows (the deals added, the deal open and followed up again).
pub async fn complete(state: &AppState, viewer: &Viewer, id: &str, note: &str) -> AppResult<funnel_task::Model> {
    let mut p = Problems::new();
    let id = crate::service::id_field(&mut p, Some(id), "id");
    let note = text::required(&mut p, "note", note, TextKind::Comment);
    p.into_result()?;
    let Some(id) = id else {
        return Err(AppError::invalid("id", "is not an id"));
    };
    let t = get_task(state, viewer, id).await?;
    if t.owner_id != viewer.user_id {
        return Err(AppError::forbidden("only the task's owner marks it done"));
    }
    if t.status != TaskStatus::Pending {
        return Err(AppError::invalid("id", "the task is not pending"));
    }
    let done = progress(state, &t).await?;
    if !done.done_enough {
        return Err(match t.kind {
            FunnelTaskKind::AddOpportunities => AppError::invalid("id", "fewer new opportunities were added than the task asks"),
            FunnelTaskKind::Reactivate => AppError::invalid("id", "the opportunity is not active and followed up since the task was given"),
        });
    }
    let change = funnel_task::ActiveModel {
        status: Set(TaskStatus::Done),
        done_at: Set(Some(state.clock.now())),
        done_note: Set(Some(note)),
        ..Default::default()
    };
    let done = repo::update_task_if(&state.db, &t, change)
        .await?
        .ok_or_else(|| AppError::conflict("the task was changed meanwhile: read it again"))?;
    Ok(done)
}

/// `funnelTasks(filter, first)`: newest first, in the viewer's scope.
pub async fn list_tasks(
    state: &AppState,
    viewer: &Viewer,
    alert_id: Option<&str>,
    track_id: Option<&str>,
    owner_id: Option<&str>,
    status: Option<TaskStatus>,
    first: Option<i64>,
) -> AppResult<Vec<funnel_task::Model>> {
    let mut p = Problems::new();
    let f = repo::TaskFilter {
        alert_id: crate::service::id_field(&mut p, alert_id, "filter.alertId"),
        track_id: crate::service::id_field(&mut p, track_id, "filter.trackId"),
        owner_id: crate::service::id_field(&mut p, owner_id, "filter.ownerId"),
        status,
    };
    let limit = crate::service::first_of(&mut p, first);
    p.into_result()?;
    repo::tasks(&state.db, &viewer.scope(), viewer.user_id, &f, limit).await
}
