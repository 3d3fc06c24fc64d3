//! The opening report of a meeting.

use super::*;

/// A task in an opening report, with its board row now.
pub struct ReportTask(pub(super) svc::ReportTask);

/// A task in an opening report: the task (its row then: `valueThen`, `standingThen`) and the
/// same row on the board the meeting looks at now.
#[Object]
impl ReportTask {
    /// The task (red when `overdue` or `escalated`).
    async fn task(&self) -> Task {
        Task(self.0.task.clone())
    }
    /// The row's value now, rounded to 2 decimals; none without one (or without a row now).
    async fn value_now(&self) -> Option<f64> {
        let row = self.0.now.as_ref()?;
        row.standing.value().map(|v| round2(v.to_f64()))
    }
    /// The row's standing now; none when the row is not on the board now.
    async fn standing_now(&self) -> Option<BoardStanding> {
        self.0.now.as_ref().map(|r| r.standing.kind().into())
    }
    /// 未达标 now: on the wrong side of the dimension's target line.
    async fn not_reached_now(&self) -> Option<bool> {
        self.0.now.as_ref().and_then(|r| r.not_reached)
    }
}

/// 开场报告: what a meeting opens with.
pub struct OpeningReport(pub(super) svc::OpeningReport);

/// 开场报告: what a meeting opens with — the previous meeting's tasks done, still pending
/// (overdue first) and closed, and for a monthly meeting every weekly task escalated since the
/// previous monthly meeting; each with its board row then and now.
#[Object]
impl OpeningReport {
    /// The meeting.
    async fn meeting(&self) -> Meeting {
        Meeting(self.0.meeting.clone())
    }
    /// The meeting before it in the series, whose tasks it reviews (none for the first).
    async fn previous_meeting(&self) -> Option<Meeting> {
        self.0.previous.clone().map(Meeting)
    }
    /// From when the report is available: a day before the meeting.
    async fn available_from(&self) -> Instant {
        Instant(self.0.available_from)
    }
    /// The board period of the "now" figures: its first month, `YYYY-MM`.
    async fn period_first_month(&self) -> String {
        calendar::format_year_month(self.0.period.first)
    }
    /// Its last month, `YYYY-MM`.
    async fn period_last_month(&self) -> String {
        calendar::format_year_month(self.0.period.last)
    }
    /// The previous meeting's tasks that are done.
    async fn done(&self) -> Vec<ReportTask> {
        self.0.done.iter().cloned().map(ReportTask).collect()
    }
    /// Its tasks still pending (red), the overdue ones first.
    async fn pending(&self) -> Vec<ReportTask> {
        self.0.pending.iter().cloned().map(ReportTask).collect()
    }
    /// Its tasks closed by the chair.
    async fn closed(&self) -> Vec<ReportTask> {
        self.0.closed.iter().cloned().map(ReportTask).collect()
    }
    /// A monthly meeting's: the weekly tasks escalated since the previous monthly meeting (red, marked).
    async fn escalated(&self) -> Vec<ReportTask> {
        self.0.escalated.iter().cloned().map(ReportTask).collect()
    }
    /// 原因分析和改善计划 the directors attached to the board's 未达标 rows.
    async fn analyses(&self) -> Vec<BoardRowAnalysis> {
        self.0.analyses.iter().cloned().map(BoardRowAnalysis).collect()
    }
}
