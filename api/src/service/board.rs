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
use crate::error::{AppResult, Problems};
use crate::state::AppState;
use crate::store;
use std::collections::HashMap;

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
}

/// One dimension, ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub dimension: Dimension,
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
    let extra = |p: &mut Problems, field: &str, given: Option<u32>, message: &str| {
        if given.is_some() {
            p.add(field, message);
        }
    };
    let result = match req.kind {
        PeriodKind::Month => {
            extra(p, "period.quarter", req.quarter, "is the quarter of a quarter period");
            match req.month {
                None => {
                    p.add("period.month", "is required for this kind of period");
                    return None;
                }
                Some(m) => Period::month(req.year, m).map_err(|e| ("period.month", e)),
            }
        }
        PeriodKind::Quarter => {
            extra(p, "period.month", req.month, "is the month of a month period");
            match req.quarter {
                None => {
                    p.add("period.quarter", "is required for this kind of period");
                    return None;
                }
                Some(q) => Period::quarter(req.year, q).map_err(|e| ("period.quarter", e)),
            }
        }
        PeriodKind::YearToDate => {
            extra(p, "period.month", req.month, "is the month of a month period");
            extra(p, "period.quarter", req.quarter, "is the quarter of a quarter period");
            Period::year_to_date(req.year, today).map_err(|e| ("period.year", e))
        }
    };
    // A bad year is the year's problem whichever kind it is.
    match result {
        Ok(period) => Some(period),
        Err((field, why)) => {
            let field = if why.contains("year") { "period.year" } else { field };
            p.add(field, why);
            None
        }
    }
}

/// The board for a period, as `viewer` may see it.
pub async fn ranking_board(state: &AppState, viewer: &Viewer, req: PeriodRequest) -> AppResult<Board> {
    let settings = store::settings::load(&state.db).await?;
    let today = calendar::local_date(state.clock.now(), settings.timezone);
    let mut p = Problems::new();
    let period = period(&mut p, req, today);
    p.into_result()?;
    let Some(period) = period else {
        return Err(crate::error::AppError::invalid("period", "is not a period"));
    };
    let period = period.so_far(today).map_err(|why| crate::error::AppError::invalid("period", why))?;
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
    let track_names: HashMap<i64, String> = tracks.iter().map(|t| (t.id, t.name.clone())).collect();
    let empty = Sums::default();
    let mut dimensions = Vec::with_capacity(Dimension::ALL.len());
    for dim in Dimension::ALL {
        let days = period.days();
        let days_before = previous.days();
        let target_of = |s: &Sums| match dim {
            Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement => s.sales_target,
            Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => s.order_target,
            _ => None,
        };
        let mut rows: Vec<Row> = match dim.subject() {
            Subject::Track => tracks
                .iter()
                .map(|t| {
                    let s = now.tracks.get(&t.id).unwrap_or(&empty);
                    Row {
                        rank: 0,
                        track_id: t.id,
                        track_name: t.name.clone(),
                        account_manager: None,
                        standing: board::standing(dim, s, days),
                        previous: board::standing(dim, before.tracks.get(&t.id).unwrap_or(&empty), days_before),
                        target: target_of(s),
                    }
                })
                .collect(),
            Subject::AccountManager => managers
                .iter()
                .map(|m| {
                    let s = now.managers.get(&m.id).unwrap_or(&empty);
                    let track_id = m.track_id.unwrap_or(0);
                    Row {
                        rank: 0,
                        track_id,
                        track_name: track_names.get(&track_id).cloned().unwrap_or_default(),
                        account_manager: Some((m.id, m.name.clone())),
                        standing: board::standing(dim, s, days),
                        previous: board::standing(dim, before.managers.get(&m.id).unwrap_or(&empty), days_before),
                        target: target_of(s),
                    }
                })
                .collect(),
        };
        let keyed: Vec<(Standing, (String, i64))> = rows.iter().map(|r| (r.standing, name_key(r))).collect();
        let ranks = board::rank(dim, &keyed);
        for (row, rank) in rows.iter_mut().zip(ranks) {
            row.rank = rank;
        }
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| board::compare(dim, &keyed[a], &keyed[b]));
        let rows = order.into_iter().map(|i| rows[i].clone()).collect();
        dimensions.push(Table { dimension: dim, rows });
    }
    Ok(Board {
        period,
        previous,
        dimensions,
    })
}

/// Equal rows in the order of their names (then ids).
fn name_key(r: &Row) -> (String, i64) {
    match &r.account_manager {
        Some((id, name)) => (name.clone(), *id),
        None => (r.track_name.clone(), r.track_id),
    }
}
