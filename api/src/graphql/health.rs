//! The CEO's order-health board (接单健康度三数字看板) and the records behind
//! every figure.

use super::board::ErpFact;
use super::common::{Connection, Date, Money, PageArgs, page_request};
use super::ctx;
use super::opportunities::{Opportunity, wants_relations};
use super::organisation::Track;
use crate::domain::health::{self as rules, Health};
use crate::domain::limits;
use crate::service::{health as svc, opportunities as deals};
use async_graphql::{Context, Enum, ID, Object, Result};
use entity::{BusinessLine, OpportunityStatus, Stage};

/// Where a figure of the order-health board stands against its threshold.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "OrderHealthStatus")]
pub enum HealthStatus {
    /// 正常: on the right side of its threshold.
    Ok,
    /// 未达标: on the wrong side (behind the targets so far; coverage below its line; the
    /// average month slower than the rhythm needed; an achievement below the board's line).
    Below,
    /// The year's order target is met: nothing is left to cover or pace.
    Reached,
    /// No order target entered: nothing to measure against.
    NoTarget,
    /// The year is over: its gap is final.
    YearOver,
    /// Nothing to measure yet (a conversion without any outcome in its window).
    NoData,
}

impl From<Health> for HealthStatus {
    fn from(h: Health) -> Self {
        match h {
            Health::Ok => Self::Ok,
            Health::Below => Self::Below,
            Health::Reached => Self::Reached,
            Health::NoTarget => Self::NoTarget,
            Health::YearOver => Self::YearOver,
            Health::NoData => Self::NoData,
        }
    }
}

/// The opportunities behind a figure, as the opportunity list gives them.
pub(super) async fn deals_of(ctx: &Context<'_>, args: PageArgs, filter: deals::ListFilter) -> Result<Connection<Opportunity>> {
    let viewer = ctx::viewer(ctx)?;
    let page = page_request(ctx, args);
    let look = ctx.look_ahead();
    let with_relations = wants_relations(look.field("nodes")) || wants_relations(look.field("edges").field("node"));
    let found = deals::list(ctx::state(ctx)?, viewer, filter, page, with_relations).await?;
    Ok(Connection::new(found.map(Opportunity::from)))
}

/// 三数字: the remaining gap, its pipeline coverage and the monthly rhythm, of a
/// molding-integrated track or of the company (its molding-integrated tracks together).
pub struct OrderHealthCard(svc::Card, chrono::NaiveDate);

impl OrderHealthCard {
    /// The deals of the card's track, or of the company's molding-integrated tracks.
    fn base(&self) -> deals::ListFilter {
        deals::ListFilter {
            track_id: self.0.track.as_ref().map(|t| t.id.to_string()),
            business_line: self.0.track.is_none().then_some(BusinessLine::MoldingIntegrated),
            statuses: vec![OpportunityStatus::Active],
            ..Default::default()
        }
    }
}

/// 三数字: a molding-integrated track's (or the company's) remaining gap, pipeline coverage and
/// monthly rhythm, each with its status, and the deals and ERP rows behind them.
#[Object]
impl OrderHealthCard {
    /// The track; null for the company's card.
    async fn track(&self) -> Option<Track> {
        self.0.track.clone().map(Track)
    }
    /// The year's order target (Σ its monthly order targets); null when none was entered.
    async fn annual_target(&self) -> Option<Money> {
        self.0.sums.annual_target.map(Money::from_cents)
    }
    /// Orders booked this year so far.
    async fn booked(&self) -> Money {
        Money::from_cents(self.0.sums.booked)
    }
    /// The order targets of the months so far, this one included.
    async fn target_to_date(&self) -> Option<Money> {
        self.0.sums.target_to_date.map(Money::from_cents)
    }
    /// (1) 剩余缺口: the annual order target − orders booked this year; zero or less once met.
    async fn gap(&self) -> Option<Money> {
        self.0.numbers.gap.map(Money::from_cents)
    }
    /// `BELOW` when less is booked than the targets of the months so far.
    async fn gap_status(&self) -> HealthStatus {
        self.0.numbers.gap_health.into()
    }
    /// 在手商机加权金额: Σ amount × stage weight over the active open deals before `SECURED`.
    async fn weighted_pipeline(&self) -> Money {
        Money::from_cents(self.0.sums.weighted_pipeline)
    }
    /// (2) 机会池覆盖: the weighted pipeline ÷ the gap (×); null once the gap is closed.
    async fn coverage(&self) -> Option<f64> {
        self.0.numbers.coverage
    }
    /// `BELOW` under the line's coverage threshold (1.5× by default).
    async fn coverage_status(&self) -> HealthStatus {
        self.0.numbers.coverage_health.into()
    }
    /// (3) 月度接单节奏: the gap ÷ the months left, this one included (rounded up to the fen).
    async fn rhythm(&self) -> Option<Money> {
        self.0.numbers.rhythm.map(Money::from_cents)
    }
    /// `BELOW` when the average month so far is slower than the rhythm.
    async fn rhythm_status(&self) -> HealthStatus {
        self.0.numbers.rhythm_health.into()
    }
    /// The months left in the year, this one included (December: 1).
    async fn months_left(&self) -> i32 {
        i32::try_from(self.0.numbers.months_left).unwrap_or(0)
    }
    /// Orders booked a month on average this year (booked ÷ the months so far, this one included).
    async fn monthly_average(&self) -> Money {
        Money::from_cents(self.0.numbers.monthly_average)
    }
    /// Orders booked this month.
    async fn booked_this_month(&self) -> Money {
        Money::from_cents(self.0.sums.booked_this_month)
    }
    /// This month's H Potential: the precision amounts of the active `H_POTENTIAL` deals ordering this month.
    async fn h_potential_this_month(&self) -> Money {
        Money::from_cents(self.0.sums.h_potential_this_month)
    }
    /// The deals behind the weighted pipeline: active, followed up within the active window, before `SECURED`.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn pipeline_deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Opportunity>> {
        let filter = deals::ListFilter {
            stages: rules::PIPELINE_STAGES.to_vec(),
            active: Some(true),
            ..self.base()
        };
        let args = PageArgs::new(first, after, last, before);
        deals_of(ctx, args, filter).await
    }
    /// The deals behind this month's H Potential.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn h_potential_deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<Opportunity>> {
        let filter = deals::ListFilter {
            stage: Some(Stage::HPotential),
            precision_order_month: Some(crate::domain::calendar::month_start(self.1)),
            ..self.base()
        };
        let args = PageArgs::new(first, after, last, before);
        deals_of(ctx, args, filter).await
    }
    /// The ERP order rows behind the orders booked this year, newest first; a track's card only
    /// (the company's drills into its tracks' cards).
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Option<Connection<ErpFact>>> {
        let Some(track) = &self.0.track else { return Ok(None) };
        orders_of(ctx, track.id, self.1, PageArgs::new(first, after, last, before))
            .await
            .map(Some)
    }
}

async fn orders_of(ctx: &Context<'_>, track_id: i64, as_of: chrono::NaiveDate, args: PageArgs) -> Result<Connection<ErpFact>> {
    let viewer = ctx::viewer(ctx)?;
    let page = page_request(ctx, args);
    let found = svc::orders(ctx::state(ctx)?, viewer, track_id, as_of, &page).await?;
    Ok(Connection::new(found.map(ErpFact)))
}

/// 接单达成率: a commodity-mold track's order achievement, for the month and the year to date.
pub struct OrderAchievementCard(svc::Achievement, chrono::NaiveDate);

/// 接单达成率: a commodity-mold track's orders against its order targets, this month and the
/// year so far, each with its status, and the ERP rows behind them.
#[Object]
impl OrderAchievementCard {
    /// The track.
    async fn track(&self) -> Track {
        Track(self.0.track.clone())
    }
    /// Orders booked this month.
    async fn month_booked(&self) -> Money {
        Money::from_cents(self.0.sums.booked_this_month)
    }
    /// This month's order target; null when none was entered.
    async fn month_target(&self) -> Option<Money> {
        self.0.sums.target_this_month.map(Money::from_cents)
    }
    /// This month's achievement, per cent; null without a target.
    async fn month_achievement(&self) -> Option<f64> {
        self.0.month
    }
    /// Against the board's order-achievement line (90 % by default).
    async fn month_status(&self) -> HealthStatus {
        self.0.month_health.into()
    }
    /// Orders booked this year so far.
    async fn year_to_date_booked(&self) -> Money {
        Money::from_cents(self.0.sums.booked)
    }
    /// The order targets of the months so far, this one included.
    async fn year_to_date_target(&self) -> Option<Money> {
        self.0.sums.target_to_date.map(Money::from_cents)
    }
    /// The year's achievement so far, per cent; null without a target.
    async fn year_to_date_achievement(&self) -> Option<f64> {
        self.0.year_to_date
    }
    /// Against the board's order-achievement line.
    async fn year_to_date_status(&self) -> HealthStatus {
        self.0.year_to_date_health.into()
    }
    /// The ERP order rows behind the orders booked this year, newest first.
    #[graphql(complexity = "10 + limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<ErpFact>> {
        orders_of(ctx, self.0.track.id, self.1, PageArgs::new(first, after, last, before)).await
    }
}

/// 接单健康度看板: the CEO's three numbers, for the company and each molding-integrated track,
/// and the commodity-mold tracks' order achievement.
pub struct OrderHealthBoard(svc::OrderHealthBoard);

/// 接单健康度看板 of a year, as the viewer's scope shows it.
#[Object]
impl OrderHealthBoard {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The company's date the figures are of (31 December for a year that is over).
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// The company's three numbers (its molding-integrated tracks together): for the CEO, the
    /// secretary and the admin, when no track is asked for; null for a director.
    async fn company(&self) -> Option<OrderHealthCard> {
        self.0.company.clone().map(|c| OrderHealthCard(c, self.0.as_of))
    }
    /// Each molding-integrated track in the viewer's scope.
    async fn tracks(&self) -> Vec<OrderHealthCard> {
        self.0.tracks.iter().cloned().map(|c| OrderHealthCard(c, self.0.as_of)).collect()
    }
    /// Each commodity-mold track in the viewer's scope: its order achievement.
    async fn commodity_tracks(&self) -> Vec<OrderAchievementCard> {
        self.0
            .commodity
            .iter()
            .cloned()
            .map(|c| OrderAchievementCard(c, self.0.as_of))
            .collect()
    }
}

#[derive(Default)]
pub struct HealthQuery;

#[Object]
impl HealthQuery {
    /// The order-health board (接单健康度三数字看板) of a year (this one, or one that is over):
    /// for the company and each molding-integrated track the remaining gap, its pipeline
    /// coverage and the monthly rhythm, each against its threshold, with the deals and ERP rows
    /// behind them; for commodity-mold tracks the order achievement. The CEO, the secretary and
    /// the admin see every track and the company; a director his tracks; an account manager is
    /// refused (`FORBIDDEN`).
    async fn order_health_board(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "Only this track (`NOT_FOUND` outside the viewer's scope).")] track_id: Option<ID>,
    ) -> Result<OrderHealthBoard> {
        let viewer = ctx::viewer(ctx)?;
        let board = svc::order_health_board(ctx::state(ctx)?, viewer, year, track_id.as_ref().map(|t| t.as_str())).await?;
        Ok(OrderHealthBoard(board))
    }
}

/// A deal secured, stored before it was sent: the order-health board's gap, coverage and rhythm
/// changed; a dashboard refreshes on it (and on `erpEvents`). Pass its `id` as `after` to resume.
pub struct OrderHealthEvent(pub entity::event::Model);

/// A deal secured, stored before it was sent: the order-health board's gap, coverage and rhythm
/// changed; a dashboard refreshes on it (and on `erpEvents`). Pass its `id` as `after` to resume.
#[Object]
impl OrderHealthEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    pub(crate) async fn id(&self) -> ID {
        super::common::id(self.0.id)
    }
    /// What happened (`DEAL_SECURED`).
    pub(crate) async fn kind(&self) -> super::enums::EventKind {
        self.0.kind.into()
    }
    /// What happened, in words, in the request's language.
    pub(crate) async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// When.
    pub(crate) async fn at(&self) -> super::common::Instant {
        super::common::Instant(self.0.created_at)
    }
    /// The track whose figures changed.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        let Some(t) = self.0.audience_track_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.tracks.load_one(t).await?.map(Track))
    }
    /// The deal, as it is now (when the viewer sees it).
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        if self.0.subject_kind != entity::EventSubject::Opportunity {
            return Ok(None);
        }
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.opportunities.load_one(self.0.subject_id).await?;
        Ok(found.filter(|d| viewer.can_see(d.owner_id, d.track_id)).map(Opportunity::from))
    }
}
