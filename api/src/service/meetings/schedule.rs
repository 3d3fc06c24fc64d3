//! Scheduling: one meeting or a recurrence, moving or cancelling one
//! occurrence, a meeting in scope and the list.

use super::*;

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

pub(super) fn recurrence(p: &mut Problems, r: &RecurrenceAsk) -> Recurrence {
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

pub(super) fn in_window(p: &mut Problems, field: &str, at: DateTime<Utc>) {
    p.check(!calendar::instant_in_window(at), field, "must lie between the years 2000 and 2100");
}

/// The weekly meeting's track, checked: it exists, and the viewer may schedule there.
pub(super) async fn series_of(state: &AppState, viewer: &Viewer, kind: MeetingKind, track_id: Option<i64>) -> AppResult<()> {
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
    let track_id = crate::service::id_field(&mut p, cmd.track_id.as_deref(), "input.trackId");
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
pub(super) async fn begin_schedule(state: &AppState) -> AppResult<sea_orm::DatabaseTransaction> {
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
    let window = crate::service::page_args(&mut p, &page);
    let track_id = crate::service::id_field(&mut p, f.track_id.as_deref(), "filter.trackId");
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
