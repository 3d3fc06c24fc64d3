//! Whole answers to board-only and opening-report queries, kept while
//! what they show stands: a dashboard asks for the same board again and
//! again, a meeting room's screen for the same report, and between two
//! writes their answer is the same bytes.
//!
//! An answer is kept only when every field the document selects is one of
//! the ranking board's own (or an account manager's name, e-mail and role)
//! or, below `openingReport`, one of the report's, its tasks', meetings',
//! decisions' and analyses' (never a task's linked alert, whose status
//! moves on its own). So nothing in it changes but through what moves a
//! generation on (`freshness`): the board's (an import, a person or a
//! track changed, the settings saved), for a report the meetings' (any
//! write to meetings, tasks, decisions or analyses), for the order-health
//! board and a funnel the deals'. It is kept by the exact request body,
//! the viewer, his language and the media type, and until the company's
//! next midnight (a period "so far" ends today), the time its resolvers
//! said it changes by itself ([`KeepUntil`]: a task falls overdue, the
//! meeting starts) or a minute, whichever is first. A request is
//! authenticated before its answer is looked up.

use async_graphql::parser::types::{DocumentOperations, OperationType, Selection, SelectionSet};
use axum::body::Bytes;
use chrono::{DateTime, Utc};

/// Fields a kept answer may select below `rankingBoard`: the board's period,
/// tables and rows, an account manager's identity.
const BOARD_FIELDS: &[&str] = &[
    "__typename",
    // BoardPeriod
    "kind",
    "label",
    "firstMonth",
    "lastMonth",
    "days",
    // RankingBoard
    "period",
    "previousPeriod",
    "dimensions",
    // BoardTable
    "dimension",
    "number",
    "byAccountManager",
    "unit",
    "lowerIsBetter",
    "targetLine",
    "available",
    "rows",
    "totalRows",
    // BoardRow
    "rank",
    "standing",
    "standingLabel",
    "trackName",
    "trackId",
    "accountManager",
    "name",
    "value",
    "numerator",
    "denominator",
    "target",
    "notReached",
    "notReachedTwice",
    "previousValue",
    "change",
    // User, as a row's account manager: who he is, nothing that moves on its own.
    "id",
    "email",
    "role",
    "roleLabel",
];

/// Fields a kept answer may select below `openingReport`, besides the
/// board's (an analysis's row is a board row): the report, its tasks, their
/// meetings, decisions, tracks and people. Not a task's `alert`.
const REPORT_FIELDS: &[&str] = &[
    // OpeningReport
    "meeting",
    "previousMeeting",
    "availableFrom",
    "periodFirstMonth",
    "periodLastMonth",
    "done",
    "pending",
    "closed",
    "escalated",
    "analyses",
    // ReportTask
    "task",
    "valueNow",
    "standingNow",
    "notReachedNow",
    // Task
    "meetingKind",
    "track",
    "valueThen",
    "standingThen",
    "description",
    "owner",
    "createdBy",
    "createdAt",
    "dueAt",
    "status",
    "overdue",
    "doneAt",
    "doneNote",
    "escalatedAt",
    "dueExtended",
    "decisions",
    // Meeting, MeetingChange
    "startsAt",
    "changes",
    "fromStartsAt",
    "toStartsAt",
    "reason",
    "by",
    "at",
    // TaskDecision
    "decision",
    "previousDueAt",
    "newDueAt",
    "previousOwner",
    "newOwner",
    "previousDescription",
    "newDescription",
    // BoardRowAnalysis
    "row",
    "cause",
    "plan",
    "author",
    "updatedAt",
    "version",
    // Track: who runs it and works in it moves the board's generation on.
    "businessLine",
    "directors",
    "accountManagers",
];

/// Fields a kept answer may select below `orderHealthBoard` and `funnel`,
/// besides the board's and a track's: every figure and status, never a
/// connection of the deals or ERP rows behind one (`pipelineDeals`,
/// `hPotentialDeals`, `orders`, a line's `deals` pages: their `nodes`,
/// `edges` and `pageInfo` are in no list). A manager's `deals` is a count.
const HEALTH_FIELDS: &[&str] = &[
    // OrderHealthBoard
    "year",
    "asOf",
    "company",
    "tracks",
    "commodityTracks",
    // OrderHealthCard
    "track",
    "annualTarget",
    "booked",
    "targetToDate",
    "gap",
    "gapStatus",
    "weightedPipeline",
    "coverage",
    "coverageStatus",
    "rhythm",
    "rhythmStatus",
    "monthsLeft",
    "monthlyAverage",
    "bookedThisMonth",
    "hPotentialThisMonth",
    // OrderAchievementCard
    "monthBooked",
    "monthTarget",
    "monthAchievement",
    "monthStatus",
    "yearToDateBooked",
    "yearToDateTarget",
    "yearToDateAchievement",
    "yearToDateStatus",
    // Funnel, FunnelLine
    "lines",
    "businessLine",
    "remainingTarget",
    "coverageAlertBelow",
    "secured",
    "lost",
    "conversion",
    "conversionStatus",
    "conversionAlertBelow",
    "conversionTarget",
    "stages",
    "movedOut",
    "accountManagers",
    // FunnelStage
    "stage",
    "count",
    "amount",
    "activeCount",
    "weightedAmount",
    "averageDaysInStage",
    // FunnelManager
    "deals",
    "activeDeals",
    // Track
    "directors",
];

/// What a kept answer is made of, and so which generations it stands on:
/// always the board's; the meetings' for an opening report; the deals'
/// for the order-health board or a funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub report: bool,
    pub health: bool,
}

impl Kind {
    /// The ranking board alone.
    pub const BOARD: Kind = Kind {
        report: false,
        health: false,
    };
    /// An opening report (and perhaps the board).
    pub const REPORT: Kind = Kind {
        report: true,
        health: false,
    };
    /// The order-health board or a funnel (and perhaps the ranking board).
    pub const HEALTH: Kind = Kind {
        report: false,
        health: true,
    };

    fn and(self, other: Kind) -> Kind {
        Kind {
            report: self.report || other.report,
            health: self.health || other.health,
        }
    }

    fn allows(self, name: &str) -> bool {
        BOARD_FIELDS.contains(&name) || (self.report && REPORT_FIELDS.contains(&name)) || (self.health && HEALTH_FIELDS.contains(&name))
    }
}

/// Whether the answer to `query` may be kept, and as what: queries only,
/// whose top-level fields are all `rankingBoard`, `openingReport`,
/// `orderHealthBoard` or `funnel`, selecting nothing but their own fields.
pub fn keepable(query: &str) -> Option<Kind> {
    let doc = async_graphql::parser::parse_query(query).ok()?;
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    let mut kind = Kind::BOARD;
    for op in &operations {
        if op.node.ty != OperationType::Query {
            return None;
        }
        for s in &op.node.selection_set.node.items {
            let Selection::Field(f) = &s.node else { return None };
            let set = &f.node.selection_set.node;
            let own = match f.node.name.node.as_str() {
                "__typename" => continue,
                "rankingBoard" => Kind::BOARD,
                "openingReport" => Kind::REPORT,
                "orderHealthBoard" | "funnel" => Kind::HEALTH,
                _ => return None,
            };
            if !nested_ok(set, own) {
                return None;
            }
            kind = kind.and(own);
        }
    }
    doc.fragments
        .values()
        .all(|f| nested_ok(&f.node.selection_set.node, kind))
        .then_some(kind)
}

/// Whether the answer to `query` may be kept as the board's alone.
pub fn board_only(query: &str) -> bool {
    keepable(query) == Some(Kind::BOARD)
}

fn nested_ok(set: &SelectionSet, kind: Kind) -> bool {
    set.items.iter().all(|s| match &s.node {
        Selection::Field(f) => {
            let name = f.node.name.node.as_str();
            kind.allows(name) && nested_ok(&f.node.selection_set.node, kind)
        }
        Selection::InlineFragment(i) => nested_ok(&i.node.selection_set.node, kind),
        // Checked with the document's fragments.
        Selection::FragmentSpread(_) => true,
    })
}

/// The earliest time the resolvers of one request said their answer
/// changes by itself (a task falls overdue, a meeting starts): a kept
/// answer is good until then. In each request's data.
#[derive(Default)]
pub struct KeepUntil(std::sync::Mutex<Option<DateTime<Utc>>>);

impl KeepUntil {
    /// The answer changes by itself at `at` (or before, if told so already).
    pub fn narrow(&self, at: DateTime<Utc>) {
        let mut until = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *until = Some(until.map_or(at, |u| u.min(at)));
    }

    pub fn get(&self) -> Option<DateTime<Utc>> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

use crate::freshness::Generations;

#[derive(Hash, PartialEq, Eq)]
struct Key {
    user_id: i64,
    locale: crate::locale::Locale,
    media: &'static str,
    body: Bytes,
}

#[derive(Clone)]
struct Kept {
    body: Bytes,
    /// Good over `[from, until)`.
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    kind: Kind,
    made_under: Generations,
}

/// Largest answer kept, and most bytes kept in all.
const MAX_ANSWER_BYTES: usize = 1 << 20;
const MAX_BYTES: u64 = 64 << 20;

pub struct Answers {
    kept: moka::sync::Cache<Key, Kept>,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            kept: moka::sync::Cache::builder()
                .max_capacity(MAX_BYTES)
                .weigher(|k: &Key, v: &Kept| (k.body.len() + v.body.len()).try_into().unwrap_or(u32::MAX))
                .time_to_live(std::time::Duration::from_secs(60))
                .build(),
        }
    }
}

/// What identifies a request's answer, besides the generations.
pub struct Ask<'a> {
    pub user_id: i64,
    pub locale: crate::locale::Locale,
    pub media: &'static str,
    pub body: &'a Bytes,
}

impl Answers {
    fn key(ask: &Ask<'_>) -> Key {
        Key {
            user_id: ask.user_id,
            locale: ask.locale,
            media: ask.media,
            body: ask.body.clone(),
        }
    }

    /// The kept answer, when there is one still good at `now` under `now_under`.
    pub fn get(&self, ask: &Ask<'_>, now_under: Generations, now: DateTime<Utc>) -> Option<Bytes> {
        self.kept
            .get(&Self::key(ask))
            .filter(|k| {
                let (made, under) = (k.made_under, now_under);
                let stands = made.board == under.board
                    && (!k.kind.report || made.meetings == under.meetings)
                    && (!k.kind.health || made.deals == under.deals);
                stands && k.from <= now && now < k.until
            })
            .map(|k| k.body)
    }

    /// Keeps an answer of `kind` computed under `made_under`, good over `[from, until)`.
    pub fn keep(&self, ask: &Ask<'_>, kind: Kind, made_under: Generations, answer: Bytes, (from, until): (DateTime<Utc>, DateTime<Utc>)) {
        if answer.len() <= MAX_ANSWER_BYTES && from < until {
            self.kept.insert(
                Self::key(ask),
                Kept {
                    body: answer,
                    from,
                    until,
                    kind,
                    made_under,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::board_only;

    #[test]
    fn only_the_boards_own_fields_are_kept() {
        assert!(board_only(
            "{ rankingBoard(period: {kind: MONTH}) { period { label } dimensions { number rows(first: 20) { rank name value accountManager { name } } } } }"
        ));
        assert!(board_only(
            "query B { rankingBoard(period: {kind: MONTH}) { ...T } } fragment T on RankingBoard { dimensions { ... on BoardTable { label } } }"
        ));
        // Live data below a row, another top-level field, a mutation, a fragment at the top.
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { dimensions { rows { accountManager { badges { open } } } } } }"
        ));
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { period { label } } me { name } }"
        ));
        assert!(!board_only("mutation { logout }"));
        assert!(!board_only(
            "{ ...Q } fragment Q on Query { rankingBoard(period: {kind: MONTH}) { period { label } } }"
        ));
        assert!(!board_only(
            "{ rankingBoard(period: {kind: MONTH}) { ...T } } fragment T on RankingBoard { dimensions { rows { accountManager { tracks { name } } } } }"
        ));
        assert!(!board_only("{ rankingBoard("));
    }

    #[test]
    fn an_opening_report_is_kept_without_its_tasks_alerts() {
        use super::{Kind, keepable};
        let report = "query($m: ID!) { openingReport(meetingId: $m) { previousMeeting { startsAt }
            pending { task { id owner { name } dueAt overdue decisions { decision by { name } } } valueNow }
            analyses { row { value } cause } } }";
        assert_eq!(keepable(report), Some(Kind::REPORT));
        assert_eq!(
            keepable("{ rankingBoard(period: {kind: MONTH}) { period { label } } openingReport(meetingId: 1) { done { valueNow } } }"),
            Some(Kind::REPORT)
        );
        // A task's alert moves on its own; so do a person's badges; report fields are not the board's.
        assert_eq!(
            keepable("{ openingReport(meetingId: 1) { pending { task { alert { status } } } } }"),
            None
        );
        assert_eq!(
            keepable("{ openingReport(meetingId: 1) { done { task { owner { badges { open } } } } } }"),
            None
        );
        assert_eq!(
            keepable("{ rankingBoard(period: {kind: MONTH}) { pending { task { id } } } }"),
            None
        );
        assert_eq!(keepable("{ openingReport(meetingId: 1) { done { valueNow } } me { name } }"), None);
    }

    #[test]
    fn health_figures_are_kept_without_the_records_behind_them() {
        use super::{Kind, keepable};
        let board = "query($y: Int!) { orderHealthBoard(year: $y) { asOf company { gap gapStatus coverage rhythm monthsLeft }
            tracks { track { id name } gap coverageStatus } commodityTracks { track { name } monthAchievement } } }";
        assert_eq!(keepable(board), Some(Kind::HEALTH));
        let funnel = "{ funnel { lines { businessLine coverage conversion stages { stage count averageDaysInStage }
            accountManagers { accountManager { name } deals activeDeals movedOut } } } }";
        assert_eq!(keepable(funnel), Some(Kind::HEALTH));
        assert_eq!(
            keepable("{ funnel { asOf } rankingBoard(period: {kind: MONTH}) { period { label } } }"),
            Some(Kind::HEALTH)
        );
        assert_eq!(
            keepable("{ funnel { asOf } openingReport(meetingId: 1) { done { valueNow } } }"),
            Some(Kind {
                report: true,
                health: true
            })
        );
        // The deals and ERP rows behind a figure move on their own clocks (an alert, a follow-up).
        assert_eq!(keepable("{ funnel { lines { deals(first: 5) { nodes { id } } } } }"), None);
        assert_eq!(
            keepable("{ orderHealthBoard(year: 2026) { company { pipelineDeals { totalCount } } } }"),
            None
        );
        assert_eq!(
            keepable("{ orderHealthBoard(year: 2026) { company { orders { edges { node { id } } } } } }"),
            None
        );
        // Health fields are not a report's, nor the board's.
        assert_eq!(keepable("{ openingReport(meetingId: 1) { done { coverage } } }"), None);
        assert_eq!(keepable("{ rankingBoard(period: {kind: MONTH}) { gap } }"), None);
    }
}
