//! What a meeting's start does: tasks still pending are escalated, the
//! opening report, its announcement and the reminders.

use super::*;

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
