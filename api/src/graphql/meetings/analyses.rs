//! A board row's analysis and the quarterly task analysis.

use super::*;

/// 原因分析和改善计划: a director's cause analysis and improvement plan on a 未达标 board row.
pub struct BoardRowAnalysis(pub(super) svc::Analysed);

/// 原因分析和改善计划: a director's cause analysis and improvement plan on one of his tracks'
/// 未达标 board rows, with the row as the board shows it now.
#[Object]
impl BoardRowAnalysis {
    /// The row's dimension.
    async fn dimension(&self) -> BoardDimension {
        self.0.dimension.into()
    }
    /// The row on the board now.
    async fn row(&self) -> BoardRow {
        BoardRow(self.0.row.clone())
    }
    /// 原因分析: why the row is on the wrong side of the line.
    async fn cause(&self) -> &str {
        &self.0.analysis.cause
    }
    /// 改善计划: what will be done.
    async fn plan(&self) -> &str {
        &self.0.analysis.plan
    }
    /// Who wrote it last.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.analysis.author_id).await?.map(User))
    }
    /// When it was written last.
    async fn updated_at(&self) -> Instant {
        Instant(self.0.analysis.updated_at)
    }
    /// 1 for the first version; one more at each rewrite.
    async fn version(&self) -> i32 {
        self.0.analysis.version
    }
}

/// The analyses attached to a period's board rows.
pub struct BoardRowAnalyses(pub(super) Period, pub(super) Vec<svc::Analysed>);

/// The analyses attached to the rows of a period's board that the viewer sees.
#[Object]
impl BoardRowAnalyses {
    /// The period.
    async fn period(&self) -> BoardPeriod {
        BoardPeriod(self.0)
    }
    /// The analyses, by dimension.
    async fn analyses(&self) -> Vec<BoardRowAnalysis> {
        self.1.iter().cloned().map(BoardRowAnalysis).collect()
    }
}

/// Tasks counted: closed ones apart, every other figure and both rates over the rest.
pub struct TaskCounts(pub(super) rules::TaskCounts);

pub(super) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Tasks counted: closed ones apart, every other figure and both rates over the rest.
#[Object]
impl TaskCounts {
    /// Tasks not closed.
    async fn tasks(&self) -> i64 {
        self.0.counted
    }
    /// Closed by the chair (counted apart).
    async fn closed(&self) -> i64 {
        self.0.cancelled
    }
    /// Done by their due date.
    async fn done_on_time(&self) -> i64 {
        self.0.done_on_time
    }
    /// Done after it.
    async fn done_late(&self) -> i64 {
        self.0.done_late
    }
    /// Not done.
    async fn pending(&self) -> i64 {
        self.0.pending
    }
    /// Marked escalated.
    async fn escalated(&self) -> i64 {
        self.0.escalated
    }
    /// Done by due ÷ tasks, in %, rounded to 2 decimals; none without tasks.
    async fn completion_rate(&self) -> Option<f64> {
        self.0.completion_rate().map(round2)
    }
    /// Escalated ÷ tasks, in %, rounded to 2 decimals; none without tasks.
    async fn escalation_rate(&self) -> Option<f64> {
        self.0.escalation_rate().map(round2)
    }
}

/// The tasks of one dimension.
pub struct DimensionTasks(pub(super) Dimension, pub(super) rules::TaskCounts);

/// The tasks of one dimension.
#[Object]
impl DimensionTasks {
    /// The dimension.
    async fn dimension(&self) -> BoardDimension {
        self.0.into()
    }
    /// Its tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// The tasks of one track.
pub struct TrackTasks(pub(super) i64, pub(super) rules::TaskCounts);

/// The tasks of one track.
#[Object]
impl TrackTasks {
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0).await?.map(Track))
    }
    /// Its tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// The tasks of one owner.
pub struct OwnerTasks(pub(super) i64, pub(super) rules::TaskCounts);

/// The tasks of one owner.
#[Object]
impl OwnerTasks {
    /// The owner.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0).await?.map(User))
    }
    /// His tasks.
    async fn counts(&self) -> TaskCounts {
        TaskCounts(self.1)
    }
}

/// A quarter's meeting tasks analysed.
pub struct QuarterlyTaskAnalysis(pub(super) svc::Quarterly);

/// A quarter's meeting tasks analysed: the tasks recorded in it (company time).
#[Object]
impl QuarterlyTaskAnalysis {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.period.year
    }
    /// The quarter, 1 to 4.
    async fn quarter(&self) -> i32 {
        self.0.period.number as i32
    }
    /// The company's tasks.
    async fn total(&self) -> TaskCounts {
        TaskCounts(self.0.total)
    }
    /// Per dimension, in the board's order.
    async fn by_dimension(&self) -> Vec<DimensionTasks> {
        self.0.by_dimension.iter().map(|(d, c)| DimensionTasks(*d, *c)).collect()
    }
    /// Per track with tasks, by track id.
    async fn by_track(&self) -> Vec<TrackTasks> {
        self.0.by_track.iter().map(|(t, c)| TrackTasks(*t, *c)).collect()
    }
    /// The owners of the tasks the viewer sees, the lowest completion rate first.
    async fn owners(&self) -> Vec<OwnerTasks> {
        self.0.owners.iter().map(|(o, c)| OwnerTasks(*o, *c)).collect()
    }
}
