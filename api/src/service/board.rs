//! The ranking board (晾晒排名看板): eight ranked dimensions for a month, a
//! quarter or the year to date, each row compared with the period before.
//! The figures are sums in SQL (`store::board`), the values and ranks
//! `domain::board`'s. Rankings are public inside the company, records are
//! not: every track row is shown to everyone, account-manager rows to CEO,
//! secretary and admin for every track and to everyone else for his own
//! tracks only (a director's, an account manager's own: his peers), ranked
//! among the rows shown.

use crate::auth::{Scope, Viewer};
use crate::domain::board::{self, Dimension, Period, PeriodKind, Standing, Subject, Sums};
use crate::domain::calendar;
use crate::domain::settings::BoardLines;
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
pub use crate::store::board::{Fact, PeriodFigures, Who};
use std::sync::Arc;

/// The period a caller asks for.
#[derive(Debug, Clone, Copy)]
pub struct PeriodRequest {
    pub kind: PeriodKind,
    pub year: i32,
    pub month: Option<u32>,
    pub quarter: Option<u32>,
}

/// One row of a dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub rank: usize,
    pub track_id: i64,
    pub track_name: String,
    /// The account manager of an account-manager row.
    pub account_manager: Option<(i64, String)>,
    pub standing: Standing,
    /// The same row in the previous period.
    pub previous: Standing,
    /// The target the value is measured against (the achievements).
    pub target: Option<i64>,
    /// 未达标: on the wrong side of the dimension's target line (none without a value).
    pub not_reached: Option<bool>,
    /// 未达标 in the previous period too: marked twice over.
    pub not_reached_twice: bool,
}

/// One dimension, ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub dimension: Dimension,
    /// The target line (达标线) in the dimension's unit.
    pub target_line: f64,
    pub rows: Vec<Row>,
}

/// The board of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub period: Period,
    pub previous: Period,
    pub dimensions: Vec<Table>,
}

/// Checks a period request; `today` is the company's date (for the year to date).
pub fn period(p: &mut Problems, req: PeriodRequest, today: chrono::NaiveDate) -> Option<Period> {
    period_at(p, "period", req, today)
}

/// [`period`], its problems told under `at` (`row.period` for a board row's).
pub fn period_at(p: &mut Problems, at: &str, req: PeriodRequest, today: chrono::NaiveDate) -> Option<Period> {
    let extra = |p: &mut Problems, field: &str, given: Option<u32>, message: &str| {
        if given.is_some() {
            p.add(field.replacen("period", at, 1), message);
        }
    };
    match req.kind {
        PeriodKind::Month => extra(p, "period.quarter", req.quarter, "is the quarter of a quarter period"),
        PeriodKind::Quarter => extra(p, "period.month", req.month, "is the month of a month period"),
        PeriodKind::YearToDate => {
            extra(p, "period.month", req.month, "is the month of a month period");
            extra(p, "period.quarter", req.quarter, "is the quarter of a quarter period");
        }
    }
    // A bad year is the year's problem whichever kind it is.
    if let Err(why) = board::check_year(req.year) {
        p.add(format!("{at}.year"), why);
        return None;
    }
    let (field, number) = match req.kind {
        PeriodKind::Month => ("period.month", req.month),
        PeriodKind::Quarter => ("period.quarter", req.quarter),
        PeriodKind::YearToDate => ("period.year", None),
    };
    let result = match (req.kind, number) {
        (PeriodKind::YearToDate, _) => Period::year_to_date(req.year, today),
        (_, None) => Err("is required for this kind of period"),
        (PeriodKind::Month, Some(m)) => Period::month(req.year, m),
        (PeriodKind::Quarter, Some(q)) => Period::quarter(req.year, q),
    };
    result.map_err(|why| p.add(field.replacen("period", at, 1), why)).ok()
}

/// A period's figures, read once for the whole board.
struct Figures(Arc<PeriodFigures>);

impl std::ops::Deref for Figures {
    type Target = PeriodFigures;
    fn deref(&self) -> &PeriodFigures {
        &self.0
    }
}

impl Figures {
    /// The figures of a period for `viewer`, from the cache when they are there.
    async fn of(state: &AppState, viewer: &Viewer, req: PeriodRequest) -> AppResult<(Figures, BoardLines)> {
        let settings = store::settings::load(&state.db).await?;
        let lines = settings.board.clone();
        let today = calendar::local_date(state.clock.now(), settings.timezone);
        let mut p = Problems::new();
        let period = period(&mut p, req, today);
        p.into_result()?;
        let Some(period) = period else {
            return Err(AppError::invalid("period", "is not a period"));
        };
        let period = period.so_far(today).map_err(|why| AppError::invalid("period", why))?;
        let whose = (viewer.scope() != Scope::All).then(|| viewer.track_ids.clone());
        let key = (period, whose);
        let cache = &state.bus.boards;
        let generation = state.bus.fresh.now().board;
        if state.config.board_cache
            && let Some(hit) = cache.get(&key, generation)
        {
            return Ok((Figures(hit), lines));
        }
        let figures = Arc::new(Self::read(state, viewer, period).await?);
        if state.config.board_cache && state.bus.fresh.now().board == generation {
            cache.insert(key, generation, figures.clone());
        }
        Ok((Figures(figures), lines))
    }

    async fn read(state: &AppState, viewer: &Viewer, period: Period) -> AppResult<PeriodFigures> {
        let previous = period.previous();
        let now = store::board::sums(&state.db, period.first, period.last).await?;
        let before = store::board::sums(&state.db, previous.first, previous.last).await?;
        let tracks = store::tracks::list(&state.db, &Scope::All, &[]).await?;
        let with_figures: Vec<i64> = now.managers.keys().chain(before.managers.keys()).copied().collect();
        let mut managers = store::board::managers(&state.db, &with_figures).await?;
        // Account-manager rows: every track for those who see everything, else the viewer's own tracks.
        if viewer.scope() != Scope::All {
            managers.retain(|m| m.track_id.is_some_and(|t| viewer.track_ids.contains(&t)));
        }
        Ok(PeriodFigures {
            period,
            previous,
            now,
            before,
            tracks,
            managers,
        })
    }

    fn track_name(&self, id: i64) -> String {
        self.tracks.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default()
    }

    /// Every track's row of `dim`, ranked.
    fn track_rows(&self, dim: Dimension) -> Vec<Row> {
        let rows = self
            .tracks
            .iter()
            .map(|t| self.row(dim, t.id, None, self.now.tracks.get(&t.id), self.before.tracks.get(&t.id)))
            .collect();
        ranked(dim, rows)
    }

    /// The rows of `dim` of these account managers, ranked among them.
    fn manager_rows<'a>(&self, dim: Dimension, managers: impl Iterator<Item = &'a store::board::Manager>) -> Vec<Row> {
        let rows = managers
            .map(|m| {
                let who = Some((m.id, m.name.clone()));
                self.row(
                    dim,
                    m.track_id.unwrap_or(0),
                    who,
                    self.now.managers.get(&m.id),
                    self.before.managers.get(&m.id),
                )
            })
            .collect();
        ranked(dim, rows)
    }

    /// One unranked row: its standing now and in the previous period.
    fn row(&self, dim: Dimension, track_id: i64, account_manager: Option<(i64, String)>, now: Option<&Sums>, before: Option<&Sums>) -> Row {
        let empty = Sums::default();
        let s = &frozen(now.unwrap_or(&empty), &self.now);
        let before = &frozen(before.unwrap_or(&empty), &self.before);
        Row {
            rank: 0,
            track_id,
            track_name: self.track_name(track_id),
            account_manager,
            standing: board::standing(dim, s, self.period.days()),
            previous: board::standing(dim, before, self.previous.days()),
            target: target_of(dim, s),
            not_reached: None,
            not_reached_twice: false,
        }
    }
}

/// A track's sums with its forecast read as zero (against its orders) when
/// the period had a frozen month and the track no forecast row in it.
fn frozen(s: &Sums, period: &store::board::PeriodSums) -> Sums {
    if !period.forecast_frozen {
        return *s;
    }
    Sums {
        forecast: Some(s.forecast.unwrap_or(0)),
        forecast_orders: Some(s.forecast_orders.unwrap_or(0)),
        ..*s
    }
}

/// Marks the rows on the wrong side of the dimension's target line, and
/// twice over those that were in the previous period too.
fn marked(dim: Dimension, line: f64, mut rows: Vec<Row>) -> Vec<Row> {
    for r in &mut rows {
        r.not_reached = board::not_reached(dim, &r.standing, line);
        r.not_reached_twice = r.not_reached == Some(true) && board::not_reached(dim, &r.previous, line) == Some(true);
    }
    rows
}

/// The target a dimension measures against.
fn target_of(dim: Dimension, s: &Sums) -> Option<i64> {
    match dim {
        Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement => s.sales_target,
        Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => s.order_target,
        _ => None,
    }
}

/// Rows ranked and in the board's order.
fn ranked(dim: Dimension, mut rows: Vec<Row>) -> Vec<Row> {
    let keyed: Vec<(Standing, (String, i64))> = rows.iter().map(|r| (r.standing, name_key(r))).collect();
    for (row, rank) in rows.iter_mut().zip(board::rank(dim, &keyed)) {
        row.rank = rank;
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| board::compare(dim, &keyed[a], &keyed[b]));
    order.into_iter().map(|i| rows[i].clone()).collect()
}

/// The board for a period, as `viewer` may see it.
pub async fn ranking_board(state: &AppState, viewer: &Viewer, req: PeriodRequest) -> AppResult<Board> {
    let (fig, lines) = Figures::of(state, viewer, req).await?;
    let dimensions = Dimension::ALL
        .into_iter()
        .map(|dim| {
            let line = board::target_line(dim, &lines);
            let rows = match dim.subject() {
                Subject::Track => fig.track_rows(dim),
                Subject::AccountManager => fig.manager_rows(dim, fig.managers.iter()),
            };
            Table {
                dimension: dim,
                target_line: line,
                rows: marked(dim, line, rows),
            }
        })
        .collect();
    Ok(Board {
        period: fig.period,
        previous: fig.previous,
        dimensions,
    })
}

/// Months a drill-down's trend shows.
pub const TREND_MONTHS: u32 = 12;

/// A row drilled into: a track's or an account manager's, on a dimension.
#[derive(Debug, Clone)]
pub struct DrillRequest {
    pub dimension: Dimension,
    pub period: PeriodRequest,
    pub who: Who,
}

/// One month of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub month: chrono::NaiveDate,
    pub standing: Standing,
    pub target: Option<i64>,
}

/// What is under a board row.
#[derive(Debug, Clone)]
pub struct Drill {
    /// The measure shown: the dimension asked, or the account managers' own
    /// (the achievements) for an account manager.
    pub dimension: Dimension,
    pub period: Period,
    pub who: Who,
    /// The row as the board shows it.
    pub row: Option<Row>,
    /// A track's account managers on the same measure, ranked among them
    /// (when the viewer sees them: CEO, secretary, admin, or his own track).
    pub account_managers: Vec<Row>,
    /// The last [`TREND_MONTHS`] months, ending with the period's last.
    pub trend: Vec<Point>,
}

/// The measure of `dim` for `who`, or the problem with asking it.
fn measure(dim: Dimension, who: Who) -> AppResult<Dimension> {
    match who {
        Who::Track(_) => Ok(match dim {
            Dimension::AccountManagerSalesAchievement => Dimension::TrackSalesAchievement,
            Dimension::AccountManagerOrderAchievement => Dimension::TrackOrderAchievement,
            d => d,
        }),
        Who::Manager(_) => dim
            .for_account_manager()
            .ok_or_else(|| AppError::invalid("dimension", "has no figures per account manager")),
    }
}

/// Drills into a board row: the row, a track's account managers on the
/// same measure, the months of the trend. An account manager is found only
/// when the viewer sees his row on the board.
pub async fn drill(state: &AppState, viewer: &Viewer, req: DrillRequest) -> AppResult<Drill> {
    let dimension = measure(req.dimension, req.who)?;
    let (fig, lines) = Figures::of(state, viewer, req.period).await?;
    let line = |d: Dimension| board::target_line(d, &lines);
    let (row, account_managers) = match req.who {
        Who::Track(t) => {
            let row = marked(dimension, line(dimension), fig.track_rows(dimension))
                .into_iter()
                .find(|r| r.track_id == t);
            if row.is_none() {
                return Err(AppError::not_found("track"));
            }
            let managers = match dimension.for_account_manager() {
                Some(am) => marked(
                    am,
                    line(am),
                    fig.manager_rows(am, fig.managers.iter().filter(|m| m.track_id == Some(t))),
                ),
                None => Vec::new(),
            };
            (row, managers)
        }
        Who::Manager(m) => {
            let row = marked(dimension, line(dimension), fig.manager_rows(dimension, fig.managers.iter()))
                .into_iter()
                .find(|r| r.account_manager.as_ref().is_some_and(|(id, _)| *id == m));
            if row.is_none() {
                return Err(AppError::not_found("user"));
            }
            (row, Vec::new())
        }
    };
    let last = fig.period.last;
    let first = calendar::sub_months(last, TREND_MONTHS - 1);
    let months = store::board::monthly(&state.db, req.who, first, last).await?;
    let empty = Sums::default();
    let trend = (0..TREND_MONTHS)
        .map(|i| {
            let month = calendar::add_months(first, i);
            let s = months.get(&month).unwrap_or(&empty);
            let days = (calendar::add_months(month, 1) - month).num_days();
            Point {
                month,
                standing: board::standing(dimension, s, days),
                target: target_of(dimension, s),
            }
        })
        .collect();
    Ok(Drill {
        dimension,
        period: fig.period,
        who: req.who,
        row,
        account_managers,
        trend,
    })
}

/// The ERP records behind a drilled row, in the viewer's scope: of `kind`
/// (one the measure is made of; its main one by default), of the row's
/// track or account manager, in the period's months.
pub async fn facts(
    state: &AppState,
    viewer: &Viewer,
    drill: &Drill,
    kind: Option<entity::ErpKind>,
    order: crate::domain::page::FactOrder,
    page: &super::PageRequest,
) -> AppResult<crate::domain::page::Page<store::board::Fact>> {
    let mut p = Problems::new();
    let sources = drill.dimension.sources();
    let kind = match kind {
        Some(k) if sources.contains(&k) => Some(k),
        Some(_) => {
            p.add("kind", "is not a kind of record this figure is made of");
            None
        }
        None => sources.first().copied(),
    };
    let window = super::page_args(&mut p, page);
    p.into_result()?;
    let Some(kind) = kind else {
        return Ok(crate::domain::page::Page {
            rows: Vec::new(),
            has_next: false,
            has_previous: false,
            total: page.with_total.then_some(0),
        });
    };
    let filter = store::board::FactFilter {
        kind,
        who: drill.who,
        first: drill.period.first,
        last: drill.period.last,
        scope: viewer.scope(),
    };
    store::board::facts(&state.db, &filter, order, window, page.with_total).await
}
/// Equal rows in the order of their names (then ids).
fn name_key(r: &Row) -> (String, i64) {
    match &r.account_manager {
        Some((id, name)) => (name.clone(), *id),
        None => (r.track_name.clone(), r.track_id),
    }
}
