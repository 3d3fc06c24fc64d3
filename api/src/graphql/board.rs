//! The ranking board (晾晒排名看板): `rankingBoard(period)`.

use super::common::{Connection, Money, Node, PageArgs, id, page_request};
use super::ctx;
use super::enums::ErpKind;
use super::organisation::User;
use crate::domain::board::{self as rules, Standing as DomainStanding};
use crate::domain::limits;
use crate::error::AppError;
use crate::service::{self, board as svc};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};

/// How long a board's period is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::board::PeriodKind")]
pub enum BoardPeriodKind {
    /// One month.
    Month,
    /// One quarter (Q1: January to March).
    Quarter,
    /// January to this month (a past year: the whole year).
    YearToDate,
}

/// The eight dimensions of the board, in its order.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::board::Dimension")]
pub enum BoardDimension {
    /// (1) 各赛道销售达成率: sales ÷ sales target, per track.
    TrackSalesAchievement,
    /// (2) 客户经理销售达成率: sales ÷ sales target, per account manager.
    AccountManagerSalesAchievement,
    /// (3) 各赛道接单达成率: orders ÷ order target, per track.
    TrackOrderAchievement,
    /// (4) 客户经理接单达成率: orders ÷ order target, per account manager.
    AccountManagerOrderAchievement,
    /// (5) 各赛道毛利率: (revenue − cost) ÷ revenue, per track.
    TrackGrossMargin,
    /// (6) 各赛道销售预测准确率: not yet available (the forecast comes later).
    TrackForecastAccuracy,
    /// (7) 各赛道费用占销售千分比: expenses ÷ sales in ‰; lower is better.
    TrackExpenseRatio,
    /// (8) 各赛道应收周转天数（DSO）: receivables at the period's latest month-end ÷ sales × the period's days; lower is better.
    TrackDso,
}

/// What a value is measured in.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::board::Unit")]
pub enum BoardUnit {
    /// Per cent.
    Percent,
    /// Per mille.
    PerMille,
    /// Days.
    Days,
}

/// Where a row stands: ranked by its value, or last for want of one.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::board::StandingKind")]
pub enum BoardStanding {
    /// It has a value and is ranked by it.
    Ranked,
    /// Figures but no target (none set, or zero): ranked last.
    NoTarget,
    /// No sales to divide by: ranked last.
    NoSales,
    /// Nothing for the period: ranked last.
    NoData,
    /// The dimension's figures do not exist yet.
    NotAvailable,
}

/// A board's period.
#[derive(InputObject, Clone, Copy)]
pub struct BoardPeriodInput {
    /// A month, a quarter or the year to date.
    pub kind: BoardPeriodKind,
    /// The year, 2001 to 2100.
    pub year: i32,
    /// The month, 1 to 12 (a MONTH period only).
    pub month: Option<i32>,
    /// The quarter, 1 to 4 (a QUARTER period only).
    pub quarter: Option<i32>,
}

fn small(v: Option<i32>) -> Option<u32> {
    // Out of range either way: the service names the field.
    v.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

impl From<BoardPeriodInput> for svc::PeriodRequest {
    fn from(i: BoardPeriodInput) -> Self {
        svc::PeriodRequest {
            kind: i.kind.into(),
            year: i.year,
            month: small(i.month),
            quarter: small(i.quarter),
        }
    }
}

/// A period as the board counts it: whole months on the company calendar.
pub struct BoardPeriod(pub rules::Period);

/// A period as the board counts it: whole months on the company calendar.
#[Object]
impl BoardPeriod {
    /// A month, a quarter or the year to date.
    async fn kind(&self) -> BoardPeriodKind {
        self.0.kind.into()
    }
    /// `2026-11`, `2026-Q4`, `2026-01..2026-11`.
    async fn label(&self) -> String {
        self.0.label()
    }
    /// Its first month (`YYYY-MM`).
    async fn first_month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.first)
    }
    /// Its last month (`YYYY-MM`); a period not over ends with this month.
    async fn last_month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.last)
    }
    /// Its calendar days (the DSO's days).
    async fn days(&self) -> i64 {
        self.0.days()
    }
}

/// The ranking board of one period: eight dimensions, each ranked.
pub struct RankingBoard(svc::Board);

/// The ranking board of one period: eight dimensions, each ranked.
#[Object]
impl RankingBoard {
    /// The period shown.
    async fn period(&self) -> BoardPeriod {
        BoardPeriod(self.0.period)
    }
    /// The period each row is compared with: the month or quarter before, or the same months a
    /// year earlier for the year to date.
    async fn previous_period(&self) -> BoardPeriod {
        BoardPeriod(self.0.previous)
    }
    /// The eight dimensions, in the board's order.
    async fn dimensions(&self) -> Vec<BoardTable> {
        self.0.dimensions.iter().cloned().map(BoardTable).collect()
    }
}

/// One dimension of the board, ranked best first.
pub struct BoardTable(svc::Table);

/// One dimension of the board, ranked best first.
#[Object]
impl BoardTable {
    /// Which dimension.
    async fn dimension(&self) -> BoardDimension {
        self.0.dimension.into()
    }
    /// Its number on the board, 1 to 8.
    async fn number(&self) -> i32 {
        self.0.dimension.number() as i32
    }
    /// Its name, in the request's language (各赛道销售达成率).
    async fn label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.dimension).await
    }
    /// Whether its rows are account managers (else tracks).
    async fn by_account_manager(&self) -> bool {
        self.0.dimension.subject() == rules::Subject::AccountManager
    }
    /// What its values are in.
    async fn unit(&self) -> BoardUnit {
        self.0.dimension.unit().into()
    }
    /// Lower is better (expenses per mille, DSO).
    async fn lower_is_better(&self) -> bool {
        self.0.dimension.lower_is_better()
    }
    /// The target line (达标线) in the dimension's unit (`settings.board`): at least this, or at
    /// most this where lower is better.
    async fn target_line(&self) -> f64 {
        self.0.target_line
    }
    /// False until its figures exist (the forecast accuracy): no row has a value.
    async fn available(&self) -> bool {
        self.0.dimension.available()
    }
    /// The rows, best first; rows without a value last. A dashboard may take a slice (the top
    /// 10: `first: 10`; the bottom: `offset: totalRows - 10`).
    async fn rows(
        &self,
        #[graphql(desc = "At most this many rows (0 to 2,000; default: all).")] first: Option<i32>,
        #[graphql(desc = "Rows skipped from the top (default 0).")] offset: Option<i32>,
    ) -> Result<Vec<BoardRow>> {
        let mut p = crate::error::Problems::new();
        let first = match first {
            None => usize::MAX,
            Some(n) if (0..=limits::BOARD_ROWS as i32).contains(&n) => n as usize,
            Some(_) => {
                p.add("first", format!("must be between {} and {}", 0, limits::BOARD_ROWS));
                0
            }
        };
        let offset = match offset {
            None => 0,
            Some(n) if n >= 0 => n as usize,
            Some(_) => {
                p.add("offset", "must not be negative");
                0
            }
        };
        p.into_result()?;
        Ok(self.0.rows.iter().skip(offset).take(first).cloned().map(BoardRow).collect())
    }
    /// How many rows the dimension has (for the viewer).
    async fn total_rows(&self) -> i32 {
        self.0.rows.len() as i32
    }
}

/// One ranked row.
pub struct BoardRow(pub svc::Row);

/// One ranked row.
#[Object]
impl BoardRow {
    /// 1 for the best; ties share a rank (1, 2, 2, 4); rows without a value share the last.
    async fn rank(&self) -> i32 {
        self.0.rank as i32
    }
    /// Ranked, or why not.
    async fn standing(&self) -> BoardStanding {
        self.0.standing.kind().into()
    }
    /// The standing in words (无目标), in the request's language.
    async fn standing_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.standing.kind()).await
    }
    /// The track's name (an account manager's track now). Only the name: who else is in
    /// another track is not the viewer's to read.
    async fn track_name(&self) -> &str {
        &self.0.track_name
    }
    /// The track's id.
    async fn track_id(&self) -> ID {
        id(self.0.track_id)
    }
    /// The account manager of an account-manager row.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some((am, _)) = &self.0.account_manager else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(*am).await?.map(User))
    }
    /// The name shown: the track's or the account manager's.
    async fn name(&self) -> &str {
        match &self.0.account_manager {
            Some((_, name)) => name,
            None => &self.0.track_name,
        }
    }
    /// The value in the dimension's unit, rounded to 2 decimals; none without one.
    async fn value(&self) -> Option<f64> {
        value_of(&self.0.standing)
    }
    /// What the value is made of, on top: sales, orders, the margin (revenue − cost, negative at
    /// a loss), expenses or receivables.
    async fn numerator(&self) -> Option<Money> {
        numerator_of(&self.0.standing)
    }
    /// What it is divided by: the target, or the sales.
    async fn denominator(&self) -> Option<Money> {
        denominator_of(&self.0.standing)
    }
    /// The target of the period, for the achievements (none: no target).
    async fn target(&self) -> Option<Money> {
        self.0.target.map(Money::from_cents)
    }
    /// 未达标: on the wrong side of the dimension's target line; null without a value.
    async fn not_reached(&self) -> Option<bool> {
        self.0.not_reached
    }
    /// 未达标 this period and the previous one too: marked twice over.
    async fn not_reached_twice(&self) -> bool {
        self.0.not_reached_twice
    }
    /// The value in the previous period.
    async fn previous_value(&self) -> Option<f64> {
        value_of(&self.0.previous)
    }
    /// Value minus the previous period's (percentage points, ‰ or days); none unless both exist.
    async fn change(&self) -> Option<f64> {
        rules::change(&self.0.standing, &self.0.previous).map(round2)
    }
}

/// A standing's value as shown: rounded to 2 decimals.
fn value_of(s: &DomainStanding) -> Option<f64> {
    s.value().map(|v| round2(v.to_f64()))
}

/// What a value is made of, on top.
fn numerator_of(s: &DomainStanding) -> Option<Money> {
    match s {
        DomainStanding::Value { numerator, .. } => Some(Money::from_cents(*numerator)),
        _ => None,
    }
}

/// What a value is divided by.
fn denominator_of(s: &DomainStanding) -> Option<Money> {
    match s {
        DomainStanding::Value { denominator, .. } => Some(Money::from_cents(*denominator)),
        _ => None,
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The orders of the ERP records behind a figure.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
#[graphql(remote = "crate::domain::page::FactOrder")]
pub enum ErpFactOrder {
    /// The newest first (by date; monthly records by month).
    #[default]
    DateNewest,
    /// The oldest first.
    DateOldest,
    /// The largest amount first (a sale's revenue, a balance).
    AmountLargest,
    /// The smallest amount first.
    AmountSmallest,
}

/// One ERP record behind a figure: an order, a sale, a month's expenses or a month-end balance.
#[derive(Clone)]
pub struct ErpFact(pub svc::Fact);

impl Node for ErpFact {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// One ERP record behind a figure: an order, a sale, a month's expenses or a month-end balance.
#[Object]
impl ErpFact {
    /// The record's id here (unique within its kind).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What it is.
    async fn kind(&self) -> ErpKind {
        self.0.kind.into()
    }
    /// The ERP's id of it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The day it was booked (orders and sales; `YYYY-MM-DD`).
    async fn date(&self) -> Option<String> {
        self.0.date.map(|d| d.to_string())
    }
    /// The month it counts in (`YYYY-MM`).
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// Its track's id.
    async fn track_id(&self) -> ID {
        id(self.0.track_id)
    }
    /// The account manager it is booked to (orders and sales).
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(am) = self.0.account_manager_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(am).await?.map(User))
    }
    /// An order's customer, as the ERP names it.
    async fn customer(&self) -> Option<&str> {
        self.0.customer.as_deref()
    }
    /// The opportunity an order closes, when the ERP named it.
    async fn opportunity_id(&self) -> Option<ID> {
        self.0.opportunity_id.map(id)
    }
    /// An order's amount, a sale's revenue, the expenses or the balance.
    async fn amount(&self) -> Money {
        Money::from_cents(self.0.amount_cents)
    }
    /// A sale's cost.
    async fn cost(&self) -> Option<Money> {
        self.0.cost_cents.map(Money::from_cents)
    }
}

/// One month of a row's trend.
pub struct BoardPoint(svc::Point);

/// One month of a row's trend.
#[Object]
impl BoardPoint {
    /// The month (`YYYY-MM`).
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// Valued, or why not.
    async fn standing(&self) -> BoardStanding {
        self.0.standing.kind().into()
    }
    /// The month's value in the dimension's unit (the DSO over the month's days), rounded to 2 decimals.
    async fn value(&self) -> Option<f64> {
        value_of(&self.0.standing)
    }
    /// What the value is made of, on top.
    async fn numerator(&self) -> Option<Money> {
        numerator_of(&self.0.standing)
    }
    /// What it is divided by.
    async fn denominator(&self) -> Option<Money> {
        denominator_of(&self.0.standing)
    }
    /// The month's target, for the achievements.
    async fn target(&self) -> Option<Money> {
        self.0.target.map(Money::from_cents)
    }
}

/// What is under one board row: the row, a track's account managers on the same measure, the
/// last 12 months, and the ERP records that made the figure.
pub struct BoardDrill(svc::Drill);

/// What is under one board row: the row, a track's account managers on the same measure, the
/// last 12 months, and the ERP records that made the figure.
#[Object]
impl BoardDrill {
    /// The measure shown (an account manager's achievement for an account manager).
    async fn dimension(&self) -> BoardDimension {
        self.0.dimension.into()
    }
    /// The period.
    async fn period(&self) -> BoardPeriod {
        BoardPeriod(self.0.period)
    }
    /// The row as the board shows it to the viewer.
    async fn row(&self) -> Option<BoardRow> {
        self.0.row.clone().map(BoardRow)
    }
    /// A track's account managers on the same measure, ranked among them: shown to CEO,
    /// secretary and admin, and to the track's own director and account managers; empty for
    /// an account manager's row and for the track-only figures (expenses, receivables).
    async fn account_managers(&self) -> Vec<BoardRow> {
        self.0.account_managers.iter().cloned().map(BoardRow).collect()
    }
    /// The last 12 months, ending with the period's last, oldest first.
    async fn trend(&self) -> Vec<BoardPoint> {
        self.0.trend.iter().cloned().map(BoardPoint).collect()
    }
    /// The ERP records of the period behind the figure, in the viewer's scope (CEO, secretary
    /// and admin: all; a director: his tracks'; an account manager: his own).
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn facts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which records, when the figure is made of several (DSO: RECEIVABLES or SALES); its main one by default.")]
        kind: Option<ErpKind>,
        #[graphql(desc = "The order (default: newest first).")] order_by: Option<ErpFactOrder>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<ErpFact>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let found = service::board::facts(
            ctx::state(ctx)?,
            viewer,
            &self.0,
            kind.map(Into::into),
            order_by.unwrap_or_default().into(),
            &page,
        )
        .await?;
        Ok(Connection::new(found.map(ErpFact)))
    }
}

#[derive(Default)]
pub struct BoardQuery;

#[Object]
impl BoardQuery {
    /// The ranking board (晾晒排名看板) of a month, a quarter or the year to date: eight
    /// dimensions, each a ranked table with the figures behind every value and the change
    /// against the previous period. Every track row is shown to everyone; account-manager rows
    /// to CEO, secretary and admin for every track, to anyone else for his own tracks only,
    /// ranked among the rows shown.
    async fn ranking_board(&self, ctx: &Context<'_>, #[graphql(desc = "The period.")] period: BoardPeriodInput) -> Result<RankingBoard> {
        let viewer = ctx::viewer(ctx)?;
        let board = service::board::ranking_board(ctx::state(ctx)?, viewer, period.into()).await?;
        Ok(RankingBoard(board))
    }

    /// Drills into one row of the board: a track's (`trackId`) or an account manager's
    /// (`accountManagerId`), on a dimension, for a period — the row, a track's account managers
    /// on the same measure, the last 12 months, and the ERP records behind the figure. An
    /// account manager is found only when the viewer sees his row on the board.
    async fn board_drill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dimension of the row.")] dimension: BoardDimension,
        #[graphql(desc = "The period.")] period: BoardPeriodInput,
        #[graphql(desc = "A track's row.")] track_id: Option<ID>,
        #[graphql(desc = "An account manager's row.")] account_manager_id: Option<ID>,
    ) -> Result<BoardDrill> {
        let viewer = ctx::viewer(ctx)?;
        let who = match (track_id, account_manager_id) {
            (Some(t), None) => svc::Who::Track(parse_id("trackId", &t)?),
            (None, Some(a)) => svc::Who::Manager(parse_id("accountManagerId", &a)?),
            _ => return Err(AppError::invalid("trackId", "give a trackId or an accountManagerId, not both").into()),
        };
        let req = svc::DrillRequest {
            dimension: dimension.into(),
            period: period.into(),
            who,
        };
        Ok(BoardDrill(service::board::drill(ctx::state(ctx)?, viewer, req).await?))
    }
}

/// An id argument: a positive number, else a `VALIDATION` error naming it.
fn parse_id(field: &str, v: &ID) -> Result<i64> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::invalid(field, "is not an id").into())
}
