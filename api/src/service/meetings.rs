//! Supervision meetings (`DOMAIN.md` section 3): scheduling with a
//! recurrence, moving and cancelling one occurrence, tasks recorded from a
//! board row, their completion and reopening, and the lists.

use super::board::{self as board_service, PeriodRequest};
use super::{Page, PageRequest};
use crate::auth::Viewer;
use crate::domain::board::{Dimension, Period, PeriodKind, StandingKind};
use crate::domain::calendar;
use crate::domain::meetings::{self as rules, Recurrence, RecurrenceKind, RowOf};
use crate::domain::text::{self, TextKind};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store::{self, meetings as repo};
use chrono::{DateTime, Datelike, Utc};
use entity::{
    EventKind, EventSubject, MeetingChangeKind, MeetingKind, MeetingStatus, Role, TaskDecisionKind, TaskStatus, meeting, meeting_change,
    row_analysis, task, task_decision,
};
use sea_orm::Set;

/// What to schedule: one meeting at `starts_at`, or `count` occurrences of
/// a recurrence from `from` (default: now).
#[derive(Debug, Clone)]
pub struct Schedule {
    pub kind: MeetingKind,
    pub track_id: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub recurrence: Option<RecurrenceAsk>,
}

/// A recurrence as a client gives it.
#[derive(Debug, Clone)]
pub struct RecurrenceAsk {
    pub kind: RecurrenceKind,
    pub weekday: chrono::Weekday,
    pub nth: Option<i64>,
    /// `HH:MM`, company time.
    pub time: String,
    pub from: Option<DateTime<Utc>>,
    pub count: i64,
}

fn recurrence(p: &mut Problems, r: &RecurrenceAsk) -> Recurrence {
    let time = rules::parse_time(&r.time).unwrap_or_else(|| {
        p.add("input.recurrence.time", "must be a time of day as HH:MM");
        chrono::NaiveTime::MIN
    });
    let weekday = r.weekday;
    match r.kind {
        RecurrenceKind::Weekly => Recurrence::Weekly { weekday, time },
        RecurrenceKind::MonthlyLast => Recurrence::MonthlyLast { weekday, time },
        RecurrenceKind::MonthlyNth => {
            let nth = r.nth.and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=4).contains(n));
            if nth.is_none() {
                p.add("input.recurrence.nth", "must be 1 to 4 (or ask for the last weekday)");
            }
            Recurrence::MonthlyNth {
                nth: nth.unwrap_or(1),
                weekday,
                time,
            }
        }
    }
}

fn in_window(p: &mut Problems, field: &str, at: DateTime<Utc>) {
    p.check(!calendar::instant_in_window(at), field, "must lie between the years 2000 and 2100");
}

/// The weekly meeting's track, checked: it exists, and the viewer may schedule there.
async fn series_of(state: &AppState, viewer: &Viewer, kind: MeetingKind, track_id: Option<i64>) -> AppResult<()> {
    if let Some(t) = track_id
        && store::tracks::by_id(&state.db, t).await?.is_none()
    {
        return Err(AppError::invalid("input.trackId", "is not a track"));
    }
    let directs = track_id.is_some_and(|t| viewer.track_ids.contains(&t));
    if !rules::may_schedule(kind, viewer.role, directs) {
        return Err(AppError::forbidden(match kind {
            MeetingKind::MonthlySupervision => "only the secretary or an admin schedules the monthly meeting",
            MeetingKind::TrackWeekly => "only the track's director or an admin schedules its weekly meeting",
        }));
    }
    Ok(())
}

/// Schedules the meetings asked for (those already scheduled at the same
/// start are kept as they are) and returns them in order.
pub async fn schedule(state: &AppState, viewer: &Viewer, cmd: Schedule) -> AppResult<Vec<meeting::Model>> {
    let mut p = Problems::new();
    let now = state.clock.now();
    let track_id = super::id_field(&mut p, cmd.track_id.as_deref(), "input.trackId");
    match cmd.kind {
        MeetingKind::TrackWeekly if cmd.track_id.is_none() => p.add("input.trackId", "is needed for a weekly meeting"),
        MeetingKind::MonthlySupervision if cmd.track_id.is_some() => {
            p.add("input.trackId", "must be empty: the monthly meeting is the whole company's")
        }
        _ => {}
    }
    if cmd.starts_at.is_some() == cmd.recurrence.is_some() {
        p.add("input.startsAt", "give a start or a recurrence, one of the two");
    }
    if let Some(at) = cmd.starts_at {
        in_window(&mut p, "input.startsAt", at);
        p.check(at <= now, "input.startsAt", "must be in the future");
    }
    let rule = cmd.recurrence.as_ref().map(|r| {
        if let Some(from) = r.from {
            in_window(&mut p, "input.recurrence.from", from);
        }
        p.check(
            !(1..=i64::from(rules::MAX_OCCURRENCES)).contains(&r.count),
            "input.recurrence.count",
            &format!("must be between 1 and {}", rules::MAX_OCCURRENCES),
        );
        (recurrence(&mut p, r), r.from, r.count)
    });
    p.into_result()?;
    series_of(state, viewer, cmd.kind, track_id).await?;
    let settings = store::settings::load(&state.db).await?;
    let starts = match (cmd.starts_at, rule) {
        (Some(at), _) => vec![at],
        (None, Some((rule, from, count))) => {
            // Never now or before: the first occurrence is still to come.
            let from = from.unwrap_or(now).max(now + chrono::Duration::seconds(1));
            rules::occurrences(rule, from, count as u32, settings.timezone)
                .into_iter()
                .filter(|t| calendar::instant_in_window(*t))
                .collect()
        }
        (None, None) => Vec::new(),
    };
    let series = rules::series(cmd.kind, track_id);
    let txn = begin_schedule(state).await?;
    // A start that was cancelled is scheduled again (and recorded so).
    for m in repo::restore(&txn, &series, &starts).await? {
        repo::record_change(
            &txn,
            meeting_change::ActiveModel {
                meeting_id: Set(m.id),
                kind: Set(MeetingChangeKind::Restored),
                from_starts_at: Set(m.starts_at),
                to_starts_at: Set(Some(m.starts_at)),
                reason: Set(None),
                actor_id: Set(Some(viewer.user_id)),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?;
    }
    let made = repo::schedule(&txn, cmd.kind, &series, track_id, &starts, viewer.user_id, now).await?;
    repo::recompute_due(&txn, &series).await?;
    txn.commit().await?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(made)
}

/// A write transaction holding the meetings' lock: one writer of the
/// schedule and its due dates at a time.
async fn begin_schedule(state: &AppState) -> AppResult<sea_orm::DatabaseTransaction> {
    let txn = store::begin_write(&state.db).await?;
    store::locks::hold_for_transaction(&txn, store::locks::Lock::Meetings).await?;
    Ok(txn)
}

/// A meeting in the viewer's scope.
pub async fn get_meeting(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<meeting::Model> {
    let m = repo::meeting_by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found("meeting"))?;
    if !sees_meeting(viewer, &m) {
        return Err(AppError::not_found("meeting"));
    }
    Ok(m)
}

/// Whether a meeting is in the viewer's scope (as `store::meetings::meeting_scope`).
pub fn sees_meeting(viewer: &Viewer, m: &meeting::Model) -> bool {
    let of_tracks = m.track_id.is_some_and(|t| viewer.track_ids.contains(&t));
    match viewer.role {
        Role::Ceo | Role::Secretary | Role::Admin => true,
        Role::TrackDirector => m.kind == MeetingKind::MonthlySupervision || of_tracks,
        Role::AccountManager => m.kind == MeetingKind::TrackWeekly && of_tracks,
    }
}

/// A move (`to: Some`) or a cancellation (`to: None`) of one meeting.
pub async fn change_meeting(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    to: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> AppResult<meeting::Model> {
    let now = state.clock.now();
    let mut p = Problems::new();
    let reason = match to {
        Some(_) => text::optional(&mut p, "reason", reason, TextKind::Reason),
        None => Some(text::required(&mut p, "reason", reason.unwrap_or(""), TextKind::Reason)),
    };
    if let Some(at) = to {
        in_window(&mut p, "startsAt", at);
        p.check(at <= now, "startsAt", "must be in the future");
    }
    p.into_result()?;
    let m = get_meeting(state, viewer, id).await?;
    series_of(state, viewer, m.kind, m.track_id).await?;
    if m.status == MeetingStatus::Cancelled {
        return Err(AppError::invalid("id", "the meeting is cancelled"));
    }
    if m.starts_at <= now {
        return Err(AppError::invalid(
            "id",
            "the meeting has started: it can no longer be moved or cancelled",
        ));
    }
    // A move onto its own start is no move: refused, nothing recorded.
    if to.is_some_and(|at| at.timestamp() == m.starts_at.timestamp()) {
        return Err(AppError::invalid("startsAt", "is the meeting's start already"));
    }
    let txn = begin_schedule(state).await?;
    if let Some(at) = to
        && repo::at_start(&txn, &m.series, at).await?.is_some_and(|other| other.id != m.id)
    {
        return Err(AppError::invalid("startsAt", "another meeting of the series starts then"));
    }
    let (starts_at, status, kind) = match to {
        Some(at) => (at, MeetingStatus::Scheduled, MeetingChangeKind::Moved),
        None => (m.starts_at, MeetingStatus::Cancelled, MeetingChangeKind::Cancelled),
    };
    let Some(changed) = repo::change_meeting(&txn, &m, starts_at, status, now).await? else {
        return Err(AppError::conflict("the meeting was changed meanwhile: read it again"));
    };
    repo::record_change(
        &txn,
        meeting_change::ActiveModel {
            meeting_id: Set(m.id),
            kind: Set(kind),
            from_starts_at: Set(m.starts_at),
            to_starts_at: Set(to),
            reason: Set(reason),
            actor_id: Set(Some(viewer.user_id)),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    repo::recompute_due(&txn, &m.series).await?;
    txn.commit().await?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(changed)
}

/// The meetings in the viewer's scope.
#[derive(Debug, Clone, Default)]
pub struct MeetingList {
    pub kind: Option<MeetingKind>,
    pub track_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub include_cancelled: bool,
}

pub async fn meetings(state: &AppState, viewer: &Viewer, f: MeetingList, page: PageRequest) -> AppResult<Page<meeting::Model>> {
    let mut p = Problems::new();
    let window = super::page_args(&mut p, &page);
    let track_id = super::id_field(&mut p, f.track_id.as_deref(), "filter.trackId");
    for (field, at) in [("filter.from", f.from), ("filter.to", f.to)] {
        if let Some(at) = at {
            in_window(&mut p, field, at);
        }
    }
    p.into_result()?;
    let filter = repo::MeetingFilter {
        kind: f.kind,
        track_id,
        from: f.from,
        to: f.to,
        include_cancelled: f.include_cancelled,
    };
    repo::meetings(&state.db, viewer, &filter, window, page.with_total).await
}

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
fn default_period(kind: MeetingKind, starts_at: DateTime<Utc>, tz: chrono_tz::Tz) -> PeriodRequest {
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
fn row_period_ok(p: &mut Problems, period: Option<PeriodRequest>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> bool {
    period.is_none_or(|req| board_service::period_at(p, "row.period", req, calendar::local_date(now, tz)).is_some())
}

/// `createTaskFromBoardRow`: the row's dimension, track and account manager
/// and its figure now are copied onto the task; the owner, the entry window
/// and the link are checked; due at the next meeting of the series.
pub async fn create_task(state: &AppState, viewer: &Viewer, cmd: NewTask) -> AppResult<task::Model> {
    let now = state.clock.now();
    let mut p = Problems::new();
    let meeting_id = super::id_field(&mut p, Some(&cmd.meeting_id), "meetingId");
    let owner_id = super::id_field(&mut p, Some(&cmd.owner_id), "ownerId");
    let alert_id = super::id_field(&mut p, cmd.alert_id.as_deref(), "alertId");
    let funnel_task_id = super::id_field(&mut p, cmd.funnel_task_id.as_deref(), "funnelTaskId");
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
        match super::funnel_alerts::get_task(state, viewer, f).await {
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
fn row_of(p: &mut Problems, dimension: Dimension, track_id: Option<&str>, account_manager_id: Option<&str>) -> Option<RowOf> {
    let track = super::id_field(p, track_id, "row.trackId");
    let manager = super::id_field(p, account_manager_id, "row.accountManagerId");
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

fn row_field(row: RowOf) -> &'static str {
    match row {
        RowOf::Track(_) => "row.trackId",
        RowOf::AccountManager(_) => "row.accountManagerId",
    }
}

/// A row of a board: a track's, or an account manager's.
fn find_row(board: &board_service::Board, dimension: Dimension, row: RowOf) -> Option<&board_service::Row> {
    let table = board.dimensions.iter().find(|t| t.dimension == dimension)?;
    table.rows.iter().find(|r| match row {
        RowOf::Track(t) => r.account_manager.is_none() && r.track_id == t,
        RowOf::AccountManager(a) => r.account_manager.as_ref().is_some_and(|(id, _)| *id == a),
    })
}

/// The row a task or an analysis is about.
fn row_key_of(track_id: i64, account_manager_id: Option<i64>) -> RowOf {
    match account_manager_id {
        Some(a) => RowOf::AccountManager(a),
        None => RowOf::Track(track_id),
    }
}

/// Appends meeting events in the writer's transaction: `(kind, subject id,
/// person, track)` each; the highest id to wake the subscribers with after
/// the commit.
async fn tell(
    txn: &sea_orm::DatabaseTransaction,
    subject: EventSubject,
    rows: &[(EventKind, i64, Option<i64>, Option<i64>)],
    actor: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    if rows.is_empty() {
        return Ok(None);
    }
    store::events::lock_for_append(txn).await?;
    store::events::append_for(txn, subject, rows, actor, now).await?;
    Ok(Some(store::events::announce(txn).await?))
}

/// After a committed write that changed what an opening report shows: the
/// kept reports are old, and the events told go out.
async fn changed_and_told(state: &AppState, told: Option<i64>) {
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    told_only(state, told);
}

/// After a committed write that only stamped who was told what (a
/// reminder, a report announced): the events go out, no report changed.
fn told_only(state: &AppState, told: Option<i64>) {
    if let Some(max) = told {
        state.bus.wake(max);
    }
}

/// Whether a task is in the viewer's scope (as `store::meetings::task_scope` says in SQL).
fn sees_task(viewer: &Viewer, owner_id: i64, track_id: i64) -> bool {
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
    let task_id = super::id_field(&mut p, Some(&cmd.task_id), "input.taskId");
    let meeting_id = super::id_field(&mut p, Some(&cmd.meeting_id), "input.meetingId");
    let reason = text::required(&mut p, "input.reason", &cmd.reason, TextKind::Reason);
    let owner_id = super::id_field(&mut p, cmd.owner_id.as_deref(), "input.ownerId");
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
        None
    };
    txn.commit().await?;
    changed_and_told(state, told).await;
    Ok((changed, decision))
}

/// A director's analysis of one of his 未达标 rows, as a client gives it.
#[derive(Debug, Clone)]
pub struct AnalysisAsk {
    pub dimension: Dimension,
    pub track_id: Option<String>,
    pub account_manager_id: Option<String>,
    /// The board period (default: the month before this one, which the next monthly meeting looks at).
    pub period: Option<PeriodRequest>,
    pub cause: String,
    pub plan: String,
}

/// An analysis with its row on the board now.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub analysis: row_analysis::Model,
    pub row: board_service::Row,
    pub dimension: Dimension,
}

/// `analyseBoardRow`: the director of a 未达标 row's track attaches (or
/// rewrites) its cause analysis and improvement plan (原因分析和改善计划).
pub async fn analyse_row(state: &AppState, viewer: &Viewer, cmd: AnalysisAsk) -> AppResult<Analysed> {
    let mut p = Problems::new();
    let cause = text::required(&mut p, "cause", &cmd.cause, TextKind::Comment);
    let plan = text::required(&mut p, "plan", &cmd.plan, TextKind::Comment);
    let row = row_of(&mut p, cmd.dimension, cmd.track_id.as_deref(), cmd.account_manager_id.as_deref());
    if viewer.role != Role::TrackDirector {
        return Err(AppError::forbidden("only the director of the row's track analyses it"));
    }
    let tz = store::settings::load(&state.db).await?.timezone;
    if !row_period_ok(&mut p, cmd.period, state.clock.now(), tz) {
        // No board to find the row on: what is wrong so far, all of it.
        std::mem::take(&mut p).into_result()?;
    }
    let period_req = cmd
        .period
        .unwrap_or_else(|| default_period(MeetingKind::MonthlySupervision, state.clock.now(), tz));
    let board = board_service::ranking_board(state, viewer, period_req).await?;
    let found = row.and_then(|row| match find_row(&board, cmd.dimension, row) {
        Some(r) => Some(r.clone()),
        None => {
            p.add(row_field(row), format!("is not a row of the board of {}", board.period.label()));
            None
        }
    });
    if let (Some(r), Some(row)) = (&found, row) {
        if !viewer.track_ids.contains(&r.track_id) {
            return Err(AppError::forbidden("only the director of the row's track analyses it"));
        }
        p.check(
            r.not_reached != Some(true),
            row_field(row),
            "is not 未达标: only a row on the wrong side of the target line takes an analysis",
        );
    }
    p.into_result()?;
    let Some(r) = found else {
        return Err(AppError::invalid("row.trackId", "is needed"));
    };
    let analysis = repo::upsert_analysis(
        &state.db,
        repo::AnalysisWrite {
            period_first: board.period.first,
            period_last: board.period.last,
            dimension: cmd.dimension.number() as i32,
            track_id: r.track_id,
            account_manager_id: r.account_manager.as_ref().map(|(id, _)| *id),
            cause,
            plan,
            author_id: viewer.user_id,
            at: state.clock.now(),
        },
    )
    .await?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(Analysed {
        analysis,
        row: r,
        dimension: cmd.dimension,
    })
}

/// The analyses of the rows of a board the viewer sees.
async fn analyses_on(state: &AppState, board: &board_service::Board) -> AppResult<Vec<Analysed>> {
    let all = repo::analyses_of_period(&state.db, board.period.first, board.period.last).await?;
    Ok(all
        .into_iter()
        .filter_map(|a| {
            let dimension = usize::try_from(a.dimension).ok().and_then(Dimension::from_number)?;
            let row = find_row(board, dimension, row_key_of(a.track_id, a.account_manager_id))?.clone();
            // An account manager's row is his in one track: another track's analysis is not it.
            if row.track_id != a.track_id {
                return None;
            }
            Some(Analysed {
                analysis: a,
                row,
                dimension,
            })
        })
        .collect())
}

/// `boardRowAnalyses`: the analyses attached to the rows of a period's board that the viewer sees.
pub async fn row_analyses(state: &AppState, viewer: &Viewer, period: PeriodRequest) -> AppResult<(Period, Vec<Analysed>)> {
    let board = board_service::ranking_board(state, viewer, period).await?;
    let found = analyses_on(state, &board).await?;
    Ok((board.period, found))
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
    let window = super::page_args(&mut p, &page);
    let filter = repo::TaskFilter {
        meeting_id: super::id_field(&mut p, f.meeting_id.as_deref(), "filter.meetingId"),
        track_id: super::id_field(&mut p, f.track_id.as_deref(), "filter.trackId"),
        owner_id: super::id_field(&mut p, f.owner_id.as_deref(), "filter.ownerId"),
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

/// What opening the started meetings did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opened {
    /// Meetings whose start was handled.
    pub meetings: usize,
    /// Tasks marked escalated.
    pub escalated: usize,
}

/// The scheduler's part at a meeting's start: every started meeting not
/// handled yet (also those that started while no process ran) is claimed
/// once, and the tasks of its series still pending at its start are
/// marked escalated — stamped with that start — and stay pending.
pub async fn open_started(state: &AppState, now: DateTime<Utc>) -> AppResult<Opened> {
    let mut done = Opened::default();
    loop {
        let started = repo::to_open(&state.db, now, 100).await?;
        if started.is_empty() {
            return Ok(done);
        }
        for m in started {
            let txn = begin_schedule(state).await?;
            if !repo::claim_open(&txn, m.id, now).await? {
                continue;
            }
            let marked = repo::escalate(&txn, &m.series, m.starts_at).await?;
            // To the chairs: a weekly task's track's director, the CEO and the secretary; a monthly one's, the CEO and the secretary.
            let rows: Vec<_> = marked
                .iter()
                .map(|t| {
                    let track = (t.meeting_kind == MeetingKind::TrackWeekly).then_some(t.track_id);
                    (EventKind::TaskEscalated, t.id, Some(t.owner_id), track)
                })
                .collect();
            let told = tell(&txn, EventSubject::Task, &rows, None, now).await?;
            txn.commit().await?;
            changed_and_told(state, told).await;
            done.meetings += 1;
            done.escalated += marked.len();
        }
    }
}

/// The quarterly task analysis: the tasks recorded in a quarter (company
/// time) in the viewer's tracks (every track for the CEO, the secretary and
/// the admin), counted in all, per dimension, per track and per owner, the
/// lowest completion rate first.
#[derive(Debug, Clone)]
pub struct Quarterly {
    pub period: Period,
    pub total: rules::TaskCounts,
    pub by_dimension: Vec<(Dimension, rules::TaskCounts)>,
    pub by_track: Vec<(i64, rules::TaskCounts)>,
    pub owners: Vec<(i64, rules::TaskCounts)>,
}

pub async fn quarterly(state: &AppState, viewer: &Viewer, year: i32, quarter: i32) -> AppResult<Quarterly> {
    // The CEO's, the secretary's and the admin's for the company, a
    // director's for his own tracks; an account manager has none (DOMAIN §3).
    viewer.require_role(
        &[Role::Ceo, Role::Secretary, Role::Admin, Role::TrackDirector],
        "read the quarterly task analysis",
    )?;
    let covers = |track_id: i64| viewer.role != Role::TrackDirector || viewer.track_ids.contains(&track_id);
    let mut p = Problems::new();
    let q = u32::try_from(quarter).unwrap_or(0);
    let period = Period::quarter(year, q).map_err(|why| {
        let field = if why.contains("year") { "year" } else { "quarter" };
        p.add(field, why);
    });
    p.into_result()?;
    let Ok(period) = period else {
        return Err(AppError::invalid("quarter", "is not a quarter"));
    };
    let tz = store::settings::load(&state.db).await?.timezone;
    let from = calendar::start_of_day(period.first, tz);
    let to = calendar::start_of_day(calendar::add_months(period.last, 1), tz);
    let groups = repo::task_groups(&state.db, from, to).await?;
    let mut total = rules::TaskCounts::default();
    let mut dims = std::collections::BTreeMap::<usize, rules::TaskCounts>::new();
    let mut tracks = std::collections::BTreeMap::<i64, rules::TaskCounts>::new();
    let mut owners = std::collections::BTreeMap::<i64, rules::TaskCounts>::new();
    for g in groups.iter().filter(|g| covers(g.track_id)) {
        total.add(&g.counts);
        dims.entry(usize::try_from(g.dimension).unwrap_or(0)).or_default().add(&g.counts);
        tracks.entry(g.track_id).or_default().add(&g.counts);
        owners.entry(g.owner_id).or_default().add(&g.counts);
    }
    let by_dimension = Dimension::ALL
        .into_iter()
        .map(|d| (d, dims.get(&d.number()).copied().unwrap_or_default()))
        .collect();
    let mut owners: Vec<(i64, rules::TaskCounts)> = owners.into_iter().collect();
    owners.sort_by(|a, b| rules::owners_order((&a.0, &a.1), (&b.0, &b.1)));
    Ok(Quarterly {
        period,
        total,
        by_dimension,
        by_track: tracks.into_iter().collect(),
        owners,
    })
}

/// One task of an opening report, with its row on the board now.
#[derive(Debug, Clone)]
pub struct ReportTask {
    pub task: task::Model,
    /// The same row on the board the meeting looks at (none when it has no row there now).
    pub now: Option<board_service::Row>,
}

/// 开场报告: what the meeting opens with.
#[derive(Debug, Clone)]
pub struct OpeningReport {
    pub meeting: meeting::Model,
    /// The meeting before it in the series, whose tasks it reviews.
    pub previous: Option<meeting::Model>,
    pub available_from: DateTime<Utc>,
    /// The board period the "now" figures are from.
    pub period: Period,
    pub done: Vec<ReportTask>,
    /// Still pending: overdue ones first.
    pub pending: Vec<ReportTask>,
    pub closed: Vec<ReportTask>,
    /// A monthly meeting's: every weekly task escalated since the previous monthly meeting.
    pub escalated: Vec<ReportTask>,
    /// The directors' cause analyses and improvement plans on the board's 未达标 rows.
    pub analyses: Vec<Analysed>,
    /// When the report changes by itself (`domain::meetings::report_changes_at`).
    pub changes_at: Option<DateTime<Utc>>,
}

/// `openingReport`: from a day before the meeting (earlier: when), the
/// previous meeting's tasks done, pending (overdue first) and closed, and
/// for a monthly meeting the weekly tasks escalated since the previous
/// monthly meeting; each with its board row then (on the task) and now.
pub async fn opening_report(state: &AppState, viewer: &Viewer, meeting_id: i64) -> AppResult<OpeningReport> {
    let now = state.clock.now();
    let m = get_meeting(state, viewer, meeting_id).await?;
    let tz = store::settings::load(&state.db).await?.timezone;
    let available_from = rules::report_opens(m.starts_at);
    if now < available_from {
        let at = available_from.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        return Err(AppError::invalid("meetingId", format!("the opening report is ready from {at}")));
    }
    if m.status == MeetingStatus::Cancelled {
        return Err(AppError::invalid("meetingId", "the meeting is cancelled"));
    }
    let previous = repo::previous_in_series(&state.db, &m.series, m.starts_at).await?;
    let max = rules::REPORT_SECTION_MAX as u64;
    let reviewed = match &previous {
        Some(p) => repo::tasks_of_meetings_between(&state.db, viewer, &m.series, (p.starts_at, m.starts_at), max * 3).await?,
        None => Vec::new(),
    };
    let escalated = match m.kind {
        MeetingKind::MonthlySupervision => {
            let until = m.starts_at.min(now);
            repo::weekly_escalated_between(&state.db, viewer, previous.as_ref().map(|p| p.starts_at), until, max).await?
        }
        MeetingKind::TrackWeekly => Vec::new(),
    };
    // The board the meeting looks at, once for every row.
    // A weekly meeting on the 1st looks at a month that has not begun the day before: the month until now.
    let period_req = default_period(m.kind, m.starts_at.min(now), tz);
    let board = board_service::ranking_board(state, viewer, period_req).await?;
    let row_now = |t: &task::Model| -> Option<board_service::Row> {
        let dim = usize::try_from(t.dimension).ok().and_then(Dimension::from_number)?;
        find_row(&board, dim, row_key_of(t.track_id, t.account_manager_id)).cloned()
    };
    let item = |t: task::Model| ReportTask { now: row_now(&t), task: t };
    let mut done = Vec::new();
    let mut pending = Vec::new();
    let mut closed = Vec::new();
    let escalated_items: Vec<_> = escalated.into_iter().map(item).collect();
    for t in reviewed {
        match t.status {
            TaskStatus::Done => done.push(item(t)),
            TaskStatus::Pending => pending.push(item(t)),
            TaskStatus::Cancelled => closed.push(item(t)),
        }
    }
    let changes_at = rules::report_changes_at(
        now,
        m.starts_at,
        pending.iter().chain(&escalated_items).map(|r| (r.task.status, r.task.due_at)),
    );
    pending.sort_by(|a, b| rules::pending_order(now, (a.task.id, a.task.due_at), (b.task.id, b.task.due_at)));
    for list in [&mut done, &mut pending, &mut closed] {
        list.truncate(rules::REPORT_SECTION_MAX);
    }
    let analyses = analyses_on(state, &board).await?;
    Ok(OpeningReport {
        analyses,
        meeting: m,
        previous,
        available_from,
        period: board.period,
        done,
        pending,
        closed,
        escalated: escalated_items,
        changes_at,
    })
}

/// Announces each opening report that became available (a day before its
/// meeting, which has not started): once, to the meeting's participants.
pub async fn announce_reports(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let mut announced = 0;
    loop {
        let txn = store::begin_write(&state.db).await?;
        let ready = repo::claim_reports(&txn, now, chrono::Duration::hours(rules::REPORT_LEAD_HOURS)).await?;
        let rows: Vec<_> = ready
            .iter()
            .map(|m| (EventKind::MeetingReportReady, m.id, None, m.track_id))
            .collect();
        let told = tell(&txn, EventSubject::Meeting, &rows, None, now).await?;
        txn.commit().await?;
        told_only(state, told);
        announced += ready.len();
        if ready.len() < 1_000 {
            return Ok(announced);
        }
    }
}

/// Tells each owner, once, when his pending task is due within a day and
/// when it is overdue.
pub async fn remind(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let mut told_of = 0;
    loop {
        let txn = store::begin_write(&state.db).await?;
        let soon = repo::claim_due_soon(&txn, now, chrono::Duration::hours(rules::DUE_SOON_HOURS)).await?;
        let late = repo::claim_overdue(&txn, now).await?;
        let rows: Vec<_> = soon
            .iter()
            .map(|t| (EventKind::TaskDueTomorrow, t))
            .chain(late.iter().map(|t| (EventKind::TaskOverdue, t)))
            .map(|(k, t)| (k, t.id, Some(t.owner_id), Some(t.track_id)))
            .collect();
        let told = tell(&txn, EventSubject::Task, &rows, None, now).await?;
        txn.commit().await?;
        told_only(state, told);
        told_of += rows.len();
        if soon.len() < 1_000 && late.len() < 1_000 {
            return Ok(told_of);
        }
    }
}

/// An instant as the company reads it: `MM-DD HH:MM` in its time zone.
pub async fn local_time(state: &AppState, at: DateTime<Utc>) -> AppResult<String> {
    let tz = store::settings::load(&state.db).await?.timezone;
    Ok(at.with_timezone(&tz).format("%m-%d %H:%M").to_string())
}
