//! Whole answers to board-only and opening-report queries, kept while
//! what they show stands: a dashboard asks for the same board again and
//! again, a meeting room's screen for the same report, and between two
//! writes their answer is the same bytes.
//!
//! An answer is kept only when every field the document selects — by its
//! type and name (`BoardRow.rank`), read against the schema's types — is
//! one of the ranking board's own (or an account manager's name, e-mail and
//! role) or, below `openingReport`, one of the report's, its tasks',
//! meetings', decisions' and analyses' (never a task's linked alert, whose
//! status moves on its own). The document is the one the pipeline parsed. So nothing in it changes but through what moves a
//! generation on (`freshness`): the board's (an import, a person or a
//! track changed, the settings saved), for a report the meetings' (any
//! write to meetings, tasks, decisions or analyses), for the order-health
//! board and a funnel the deals'. It is kept by the exact request body,
//! the viewer, his language and the media type, and until the company's
//! next midnight (a period "so far" ends today), the time its resolvers
//! said it changes by itself ([`KeepUntil`]: a task falls overdue, the
//! meeting starts) or a minute, whichever is first. A request is
//! authenticated before its answer is looked up.

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, TypeKind, TypeSystemDefinition,
};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Fields (`Type.field`) a kept answer may select below `rankingBoard`:
/// the board's period, tables and rows, an account manager's identity —
/// nothing that moves on its own. `__typename` is allowed everywhere.
const BOARD_FIELDS: &[&str] = &[
    "BoardPeriod.days",
    "BoardPeriod.firstMonth",
    "BoardPeriod.kind",
    "BoardPeriod.label",
    "BoardPeriod.lastMonth",
    "BoardRow.accountManager",
    "BoardRow.change",
    "BoardRow.denominator",
    "BoardRow.name",
    "BoardRow.notReached",
    "BoardRow.notReachedTwice",
    "BoardRow.numerator",
    "BoardRow.previousValue",
    "BoardRow.rank",
    "BoardRow.standing",
    "BoardRow.standingLabel",
    "BoardRow.target",
    "BoardRow.trackId",
    "BoardRow.trackName",
    "BoardRow.value",
    "BoardTable.available",
    "BoardTable.byAccountManager",
    "BoardTable.dimension",
    "BoardTable.label",
    "BoardTable.lowerIsBetter",
    "BoardTable.number",
    "BoardTable.rows",
    "BoardTable.targetLine",
    "BoardTable.totalRows",
    "BoardTable.unit",
    "RankingBoard.dimensions",
    "RankingBoard.period",
    "RankingBoard.previousPeriod",
    "User.email",
    "User.id",
    "User.name",
    "User.role",
    "User.roleLabel",
];

/// Fields a kept answer may select below `openingReport`, besides the
/// board's (an analysis's row is a board row): the report, its tasks, their
/// meetings, decisions, tracks and people. Not a task's `alert`, nor a
/// person's badges. A track's people move the board's generation on.
const REPORT_FIELDS: &[&str] = &[
    "BoardRowAnalysis.author",
    "BoardRowAnalysis.cause",
    "BoardRowAnalysis.dimension",
    "BoardRowAnalysis.plan",
    "BoardRowAnalysis.row",
    "BoardRowAnalysis.updatedAt",
    "BoardRowAnalysis.version",
    "Meeting.changes",
    "Meeting.id",
    "Meeting.kind",
    "Meeting.startsAt",
    "Meeting.status",
    "Meeting.track",
    "MeetingChange.at",
    "MeetingChange.by",
    "MeetingChange.fromStartsAt",
    "MeetingChange.kind",
    "MeetingChange.reason",
    "MeetingChange.toStartsAt",
    "OpeningReport.analyses",
    "OpeningReport.availableFrom",
    "OpeningReport.closed",
    "OpeningReport.done",
    "OpeningReport.escalated",
    "OpeningReport.meeting",
    "OpeningReport.pending",
    "OpeningReport.periodFirstMonth",
    "OpeningReport.periodLastMonth",
    "OpeningReport.previousMeeting",
    "ReportTask.notReachedNow",
    "ReportTask.standingNow",
    "ReportTask.task",
    "ReportTask.valueNow",
    "Task.accountManager",
    "Task.createdAt",
    "Task.createdBy",
    "Task.decisions",
    "Task.description",
    "Task.dimension",
    "Task.doneAt",
    "Task.doneNote",
    "Task.dueAt",
    "Task.dueExtended",
    "Task.escalated",
    "Task.escalatedAt",
    "Task.id",
    "Task.meeting",
    "Task.meetingKind",
    "Task.overdue",
    "Task.owner",
    "Task.periodFirstMonth",
    "Task.periodLastMonth",
    "Task.standingThen",
    "Task.status",
    "Task.track",
    "Task.valueThen",
    "Task.version",
    "TaskDecision.at",
    "TaskDecision.by",
    "TaskDecision.decision",
    "TaskDecision.meeting",
    "TaskDecision.newDescription",
    "TaskDecision.newDueAt",
    "TaskDecision.newOwner",
    "TaskDecision.previousDescription",
    "TaskDecision.previousDueAt",
    "TaskDecision.previousOwner",
    "TaskDecision.reason",
    "Track.accountManagers",
    "Track.businessLine",
    "Track.directors",
    "Track.id",
    "Track.name",
];

/// Fields a kept answer may select below `orderHealthBoard` and `funnel`,
/// besides the board's: every figure and status, never a connection of the
/// deals or ERP rows behind one (`pipelineDeals`, `hPotentialDeals`,
/// `orders`, a line's `deals` pages). A manager's `deals` is a count.
const HEALTH_FIELDS: &[&str] = &[
    "Funnel.asOf",
    "Funnel.lines",
    "FunnelLine.accountManager",
    "FunnelLine.accountManagers",
    "FunnelLine.annualTarget",
    "FunnelLine.booked",
    "FunnelLine.businessLine",
    "FunnelLine.conversion",
    "FunnelLine.conversionAlertBelow",
    "FunnelLine.conversionStatus",
    "FunnelLine.conversionTarget",
    "FunnelLine.coverage",
    "FunnelLine.coverageAlertBelow",
    "FunnelLine.coverageStatus",
    "FunnelLine.lost",
    "FunnelLine.movedOut",
    "FunnelLine.remainingTarget",
    "FunnelLine.secured",
    "FunnelLine.stages",
    "FunnelLine.track",
    "FunnelLine.weightedPipeline",
    "FunnelManager.accountManager",
    "FunnelManager.activeDeals",
    "FunnelManager.conversion",
    "FunnelManager.conversionStatus",
    "FunnelManager.deals",
    "FunnelManager.lost",
    "FunnelManager.movedOut",
    "FunnelManager.secured",
    "FunnelManager.track",
    "FunnelManager.weightedPipeline",
    "FunnelStage.activeCount",
    "FunnelStage.amount",
    "FunnelStage.averageDaysInStage",
    "FunnelStage.count",
    "FunnelStage.stage",
    "FunnelStage.weightedAmount",
    "OrderAchievementCard.monthAchievement",
    "OrderAchievementCard.monthBooked",
    "OrderAchievementCard.monthStatus",
    "OrderAchievementCard.monthTarget",
    "OrderAchievementCard.track",
    "OrderAchievementCard.yearToDateAchievement",
    "OrderAchievementCard.yearToDateBooked",
    "OrderAchievementCard.yearToDateStatus",
    "OrderAchievementCard.yearToDateTarget",
    "OrderHealthBoard.asOf",
    "OrderHealthBoard.commodityTracks",
    "OrderHealthBoard.company",
    "OrderHealthBoard.tracks",
    "OrderHealthBoard.year",
    "OrderHealthCard.annualTarget",
    "OrderHealthCard.booked",
    "OrderHealthCard.bookedThisMonth",
    "OrderHealthCard.coverage",
    "OrderHealthCard.coverageStatus",
    "OrderHealthCard.gap",
    "OrderHealthCard.gapStatus",
    "OrderHealthCard.hPotentialThisMonth",
    "OrderHealthCard.monthlyAverage",
    "OrderHealthCard.monthsLeft",
    "OrderHealthCard.rhythm",
    "OrderHealthCard.rhythmStatus",
    "OrderHealthCard.targetToDate",
    "OrderHealthCard.track",
    "OrderHealthCard.weightedPipeline",
    "Track.accountManagers",
    "Track.businessLine",
    "Track.directors",
    "Track.id",
    "Track.name",
    "User.tracks",
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

    fn allows(self, ty: &str, field: &str) -> bool {
        let listed = |list: &[&str]| list.iter().any(|e| e.split_once('.') == Some((ty, field)));
        listed(BOARD_FIELDS) || (self.report && listed(REPORT_FIELDS)) || (self.health && listed(HEALTH_FIELDS))
    }
}

/// The schema's object and interface types: the named type each field
/// returns, read from the SDL once when the schema is built.
#[derive(Debug, Default)]
pub struct Types {
    query: String,
    fields: HashMap<(String, String), String>,
}

impl Types {
    /// The types of `sdl` (none, so nothing is kept, if it does not parse).
    pub fn of_sdl(sdl: &str) -> Types {
        let mut types = Types {
            query: "Query".to_owned(),
            fields: HashMap::new(),
        };
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return types;
        };
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Schema(s) => {
                    if let Some(q) = &s.node.query {
                        types.query = q.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(t) => {
                    let fields = match &t.node.kind {
                        TypeKind::Object(o) => &o.fields,
                        TypeKind::Interface(i) => &i.fields,
                        _ => continue,
                    };
                    for f in fields {
                        let mut ty = &f.node.ty.node;
                        while let BaseType::List(inner) = &ty.base {
                            ty = inner;
                        }
                        if let BaseType::Named(name) = &ty.base {
                            types
                                .fields
                                .insert((t.node.name.node.to_string(), f.node.name.node.to_string()), name.to_string());
                        }
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        types
    }

    fn field(&self, ty: &str, field: &str) -> Option<&str> {
        self.fields.get(&(ty.to_owned(), field.to_owned())).map(String::as_str)
    }
}

/// Whether the answer to `doc` (the document the pipeline parsed) may be
/// kept, and as what: queries only, whose top-level fields are all
/// `rankingBoard`, `openingReport`, `orderHealthBoard` or `funnel`,
/// selecting nothing but the `Type.field`s listed for them.
pub fn keepable(doc: &ExecutableDocument, types: &Types) -> Option<Kind> {
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
            let name = f.node.name.node.as_str();
            let own = match name {
                "__typename" => continue,
                "rankingBoard" => Kind::BOARD,
                "openingReport" => Kind::REPORT,
                "orderHealthBoard" | "funnel" => Kind::HEALTH,
                _ => return None,
            };
            let ty = types.field(&types.query, name)?;
            if !nested_ok(types, ty, &f.node.selection_set.node, own) {
                return None;
            }
            kind = kind.and(own);
        }
    }
    doc.fragments
        .values()
        .all(|f| nested_ok(types, f.node.type_condition.node.on.node.as_str(), &f.node.selection_set.node, kind))
        .then_some(kind)
}

fn nested_ok(types: &Types, ty: &str, set: &SelectionSet, kind: Kind) -> bool {
    set.items.iter().all(|s| match &s.node {
        Selection::Field(f) => {
            let name = f.node.name.node.as_str();
            let below = &f.node.selection_set.node;
            if name == "__typename" {
                return below.items.is_empty();
            }
            kind.allows(ty, name) && types.field(ty, name).is_some_and(|t| nested_ok(types, t, below, kind))
        }
        Selection::InlineFragment(i) => {
            let on = i.node.type_condition.as_ref().map_or(ty, |c| c.node.on.node.as_str());
            nested_ok(types, on, &i.node.selection_set.node, kind)
        }
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
    use super::{Kind, Types};

    fn types() -> Types {
        Types::of_sdl(include_str!("../../../schema.graphql"))
    }

    fn keepable(query: &str) -> Option<Kind> {
        let doc = async_graphql::parser::parse_query(query).ok()?;
        super::keepable(&doc, &types())
    }

    fn board_only(query: &str) -> bool {
        keepable(query) == Some(Kind::BOARD)
    }

    /// A field is kept by its type and name, not by its name alone: a new
    /// field that happens to share a listed name is not kept.
    #[test]
    fn a_listed_name_on_another_type_is_not_kept() {
        let small = Types::of_sdl(
            "schema { query: Q } type Q { rankingBoard: RankingBoard } type RankingBoard { period: BoardPeriod live: Live }
             type BoardPeriod { label: String } type Live { label: String }",
        );
        let keep = |q: &str| super::keepable(&async_graphql::parser::parse_query(q).unwrap(), &small);
        assert_eq!(keep("{ rankingBoard { period { label } } }"), Some(Kind::BOARD));
        assert_eq!(keep("{ rankingBoard { live { label } } }"), None);
        assert!(types().fields.len() > 500, "the schema's own types are read");
    }

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
