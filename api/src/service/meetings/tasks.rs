//! Tasks recorded from a board row, their completion and reopening, and
//! the list.

use super::*;

/// A task to record from a board row.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub meeting_id: String,
    pub dimension: Dimension,
    pub track_id: Option<String>,
    pub account_manager_id: Option<String>,
    /// The board period the row is from (default: the month before a
    /// monthly meeting; a weekly meeting's month so far).
    pub period: Option<PeriodRequest>,
    pub description: String,
    pub owner_id: String,
    pub alert_id: Option<String>,
    pub funnel_task_id: Option<String>,
}

/// The board period a meeting looks at by default.
pub(super) fn default_period(kind: MeetingKind, starts_at: DateTime<Utc>, tz: chrono_tz::Tz) -> PeriodRequest {
    let day = calendar::local_date(starts_at, tz);
    let month = match kind {
        MeetingKind::MonthlySupervision => calendar::sub_months(calendar::month_start(day), 1),
        MeetingKind::TrackWeekly => calendar::month_start(day),
    };
    PeriodRequest {
        kind: PeriodKind::Month,
        year: month.year(),
        month: Some(month.month()),
        quarter: None,
    }
}

/// Whether a board row's period, when given, is one (its problems told under `row.period`).
pub(super) fn row_period_ok(p: &mut Problems, period: Option<PeriodRequest>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> bool {
    period.is_none_or(|req| board_service::period_at(p, "row.period", req, calendar::local_date(now, tz)).is_some())
}

/// `createTaskFromBoardRow`: the row's dimension, track and account manager
/// and its figure now are copied onto the task; the owner, the entry window
/// and the link are checked; due at the next meeting of the series.
pub async fn create_task(state: &AppState, viewer: &Viewer, cmd: NewTask) -> AppResult<task::Model> {
    let now = state.clock.now();
    let mut p = Problems::new();
    let meeting_id = crate::service::id_field(&mut p, Some(&cmd.meeting_id), "meetingId");
    let owner_id = crate::service::id_field(&mut p, Some(&cmd.owner_id), "ownerId");
    let alert_id = crate::service::id_field(&mut p, cmd.alert_id.as_deref(), "alertId");
    let funnel_task_id = crate::service::id_field(&mut p, cmd.funnel_task_id.as_deref(), "funnelTaskId");
    let description = text::required(&mut p, "description", &cmd.description, TextKind::Comment);
    let row = row_of(&mut p, cmd.dimension, cmd.track_id.as_deref(), cmd.account_manager_id.as_deref());
    // Every problem is told at once: the meeting's, the row's, the owner's and the link's.
    let meeting = match meeting_id {
        Some(id) => Some(get_meeting(state, viewer, id).await?),
        None => None,
    };
    let settings = store::settings::load(&state.db).await?;
    let tz = settings.timezone;
    if let Some(m) = &meeting {
        let directs = m.track_id.is_some_and(|t| viewer.track_ids.contains(&t));
        if !rules::may_record(m.kind, viewer.role, directs) {
            return Err(AppError::forbidden(match m.kind {
                MeetingKind::MonthlySupervision => "the secretary records the monthly meeting's tasks",
                MeetingKind::TrackWeekly => "the track's director records its weekly meeting's tasks",
            }));
        }
        if m.status == MeetingStatus::Cancelled {
            p.add("meetingId", "the meeting is cancelled");
        } else if let Some(why) = rules::entry_window(m.kind, m.starts_at, tz).refuses(now, tz) {
            p.add("meetingId", why);
        }
    }
    // The row, as the board shows it to the viewer now.
    let mut found: Option<(Period, board_service::Row)> = None;
    if let Some(row) = row
        && row_period_ok(&mut p, cmd.period, now, tz)
    {
        let period_req = cmd
            .period
            .or_else(|| meeting.as_ref().map(|m| default_period(m.kind, m.starts_at, tz)));
        if let Some(period_req) = period_req {
            let board = board_service::ranking_board(state, viewer, period_req).await?;
            match find_row(&board, cmd.dimension, row) {
                Some(r) => found = Some((board.period, r.clone())),
                None => p.add(row_field(row), format!("is not a row of the board of {}", board.period.label())),
            }
        }
    }
    let row_track = found.as_ref().map(|(_, r)| r.track_id);
    if let (Some(m), Some(track)) = (&meeting, row_track)
        && m.kind == MeetingKind::TrackWeekly
        && m.track_id != Some(track)
    {
        p.add("row.trackId", "is not of the meeting's track");
    }
    // The owner.
    if let Some(owner_id) = owner_id {
        match store::users::by_id(&state.db, owner_id).await? {
            None => p.add("ownerId", "is not a user"),
            Some(o) => {
                if let Some(m) = &meeting {
                    let tracks = store::users::track_ids_of(&state.db, o.id, o.role).await?;
                    let in_track = m.track_id.or(row_track).is_none_or(|t| tracks.contains(&t));
                    if let Some(why) = rules::owner_problem(m.kind, o.role, o.active, in_track) {
                        p.add("ownerId", why);
                    }
                }
            }
        }
    }
    if let Some(a) = alert_id {
        match store::alerts::by_id(&state.db, a).await? {
            Some(alert) if viewer.can_see(alert.owner_id, alert.track_id) => {
                p.check(
                    row_track.is_some_and(|t| alert.track_id != t),
                    "alertId",
                    "is not of the row's track",
                );
                p.check(
                    alert.status == entity::AlertStatus::Reviewed,
                    "alertId",
                    "is closed: link a running alert",
                );
            }
            _ => p.add("alertId", "is not an alert you can see"),
        }
    }
    if let Some(f) = funnel_task_id {
        match crate::service::funnel_alerts::get_task(state, viewer, f).await {
            Ok(t) => {
                p.check(
                    row_track.is_some_and(|r| t.track_id != r),
                    "funnelTaskId",
                    "is not of the row's track",
                );
                p.check(
                    t.status != TaskStatus::Pending,
                    "funnelTaskId",
                    "is done: link a pending funnel task",
                );
            }
            Err(AppError::NotFound(_)) => p.add("funnelTaskId", "is not a funnel task you can see"),
            Err(e) => return Err(e),
        }
    }
    p.into_result()?;
    let (Some(m), Some((period, found)), Some(owner_id)) = (meeting, found, owner_id) else {
        return Err(AppError::invalid("meetingId", "is needed"));
    };
    let txn = begin_schedule(state).await?;
    let due = repo::next_in_series(&txn, &m.series, m.starts_at).await?.map(|n| n.starts_at);
    let made = repo::insert_task(
        &txn,
        task::ActiveModel {
            meeting_id: Set(m.id),
            meeting_kind: Set(m.kind),
            dimension: Set(cmd.dimension.number() as i32),
            track_id: Set(found.track_id),
            account_manager_id: Set(found.account_manager.as_ref().map(|(id, _)| *id)),
            period_first: Set(period.first),
            period_last: Set(period.last),
            value_then: Set(found.standing.value().map(|v| v.to_f64())),
            standing_then: Set(found.standing.kind().code().to_owned()),
            description: Set(description),
            owner_id: Set(owner_id),
            created_by: Set(viewer.user_id),
            created_at: Set(now),
            due_at: Set(due),
            due_extended: Set(false),
            status: Set(TaskStatus::Pending),
            done_at: Set(None),
            done_note: Set(None),
            escalated_at: Set(None),
            due_soon_told_at: Set(None),
            overdue_told_at: Set(None),
            alert_id: Set(alert_id),
            funnel_task_id: Set(funnel_task_id),
            version: Set(1),
            ..Default::default()
        },
    )
    .await?;
    // Its owner hears of it on his phone.
    let told = tell(
        &txn,
        EventSubject::Task,
        &[(EventKind::TaskAssigned, made.id, Some(made.owner_id), Some(made.track_id))],
        Some(viewer.user_id),
        now,
    )
    .await?;
    txn.commit().await?;
    changed_and_told(state, told).await;
    Ok(made)
}

/// The board row a client names: a track's or an account manager's, the
/// one its dimension ranks; every problem told.
pub(super) fn row_of(p: &mut Problems, dimension: Dimension, track_id: Option<&str>, account_manager_id: Option<&str>) -> Option<RowOf> {
    let track = crate::service::id_field(p, track_id, "row.trackId");
    let manager = crate::service::id_field(p, account_manager_id, "row.accountManagerId");
    let row = match (track_id.is_some(), account_manager_id.is_some()) {
        (true, true) => {
            p.add("row.accountManagerId", "give a track or an account manager, not both");
            None
        }
        (false, false) => {
            p.add("row.trackId", "give the row's track (or its account manager)");
            None
        }
        _ => track.map(RowOf::Track).or(manager.map(RowOf::AccountManager)),
    }?;
    if let Some((field, why)) = rules::row_problem(dimension, row) {
        p.add(field, why);
        return None;
    }
    Some(row)
}

pub(super) fn row_field(row: RowOf) -> &'static str {
    match row {
        RowOf::Track(_) => "row.trackId",
        RowOf::AccountManager(_) => "row.accountManagerId",
    }
}

/// A row of a board: a track's, or an account manager's.
pub(super) fn find_row(board: &board_service::Board, dimension: Dimension, row: RowOf) -> Option<&board_service::Row> {
    let table = board.dimensions.iter().find(|t| t.dimension == dimension)?;
    table.rows.iter().find(|r| match row {
        RowOf::Track(t) => r.account_manager.is_none() && r.track_id == t,
        RowOf::AccountManager(a) => r.account_manager.as_ref().is_some_and(|(id, _)| *id == a),
    })
}

/// The row a task or an analysis is about.
pub(super) fn row_key_of(track_id: i64, account_manager_id: Option<i64>) -> RowOf {
    match account_manager_id {
        Some(a) => RowOf::AccountManager(a),
        None => RowOf::Track(track_id),
    }
}

/// Whether a task is in the viewer's scope (as `store::meetings::task_scope` says in SQL).
pub(super) fn sees_task(viewer: &Viewer, owner_id: i64, track_id: i64) -> bool {
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => true,
        Role::TrackDirector => viewer.track_ids.contains(&track_id) || owner_id == viewer.user_id,
        Role::AccountManager => owner_id == viewer.user_id,
    }
}

/// A task in the viewer's scope.
pub async fn get_task(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<task::Model> {
    let t = repo::task_by_id(&state.db, id).await?.ok_or_else(|| AppError::not_found("task"))?;
    if !sees_task(viewer, t.owner_id, t.track_id) {
        return Err(AppError::not_found("task"));
    }
    Ok(t)
}

/// `completeTask`: its owner marks it done, with a note.
pub async fn complete_task(state: &AppState, viewer: &Viewer, id: i64, note: &str) -> AppResult<task::Model> {
    let mut p = Problems::new();
    let note = text::required(&mut p, "note", note, TextKind::Comment);
    p.into_result()?;
    let t = get_task(state, viewer, id).await?;
    if t.owner_id != viewer.user_id {
        return Err(AppError::forbidden("only the task's owner marks it done"));
    }
    if t.status != TaskStatus::Pending {
        return Err(AppError::invalid("id", "the task is not pending"));
    }
    let change = task::ActiveModel {
        status: Set(TaskStatus::Done),
        done_at: Set(Some(state.clock.now())),
        done_note: Set(Some(note)),
        ..Default::default()
    };
    let done = repo::update_task_if(&state.db, &t, change)
        .await?
        .ok_or_else(|| AppError::conflict("the task was changed meanwhile: read it again"))?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(done)
}

/// `reopenTask`: whoever recorded it sets a done task pending again.
pub async fn reopen_task(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<task::Model> {
    let t = get_task(state, viewer, id).await?;
    if t.created_by != viewer.user_id {
        return Err(AppError::forbidden("only who recorded the task reopens it"));
    }
    if t.status != TaskStatus::Done {
        return Err(AppError::invalid("id", "only a done task can be reopened"));
    }
    // Pending again: told again when it is due tomorrow or overdue.
    let change = task::ActiveModel {
        status: Set(TaskStatus::Pending),
        done_at: Set(None),
        done_note: Set(None),
        due_soon_told_at: Set(None),
        overdue_told_at: Set(None),
        ..Default::default()
    };
    let done = repo::update_task_if(&state.db, &t, change)
        .await?
        .ok_or_else(|| AppError::conflict("the task was changed meanwhile: read it again"))?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(done)
}

/// What a task list is narrowed to, as a client says it.
#[derive(Debug, Clone, Default)]
pub struct TaskList {
    pub meeting_id: Option<String>,
    pub track_id: Option<String>,
    pub owner_id: Option<String>,
    pub status: Option<TaskStatus>,
    pub overdue: Option<bool>,
    pub escalated: Option<bool>,
    pub dimension: Option<Dimension>,
}

pub async fn tasks(state: &AppState, viewer: &Viewer, f: TaskList, page: PageRequest) -> AppResult<Page<task::Model>> {
    let mut p = Problems::new();
    let window = crate::service::page_args(&mut p, &page);
    let filter = repo::TaskFilter {
        meeting_id: crate::service::id_field(&mut p, f.meeting_id.as_deref(), "filter.meetingId"),
        track_id: crate::service::id_field(&mut p, f.track_id.as_deref(), "filter.trackId"),
        owner_id: crate::service::id_field(&mut p, f.owner_id.as_deref(), "filter.ownerId"),
        status: f.status,
        overdue: f.overdue.map(|o| (o, state.clock.now())),
        escalated: f.escalated,
        dimension: f.dimension.map(|d| d.number() as i32),
    };
    p.into_result()?;
    repo::tasks(&state.db, viewer, &filter, window, page.with_total).await
}

/// The stored standing of a task's row.
pub fn standing_then(t: &task::Model) -> StandingKind {
    StandingKind::from_code(&t.standing_then).unwrap_or(StandingKind::NoData)
}

/// Whether a task is overdue now.
pub fn is_overdue(state: &AppState, t: &task::Model) -> bool {
    rules::overdue(t.status, t.due_at, state.clock.now())
}
