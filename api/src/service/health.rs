//! The CEO's order-health board (三数字看板): for the company and each
//! molding-integrated track, the remaining gap, the pipeline coverage of it
//! and the monthly rhythm it needs; for each commodity-mold track, its order
//! achievement for the month and the year to date. Sums in SQL
//! (`store::health`), figures `domain::health`'s. The CEO, the secretary and
//! the admin see every track and the company; a director his tracks (the
//! company's figures are not his); an account manager is refused.

use crate::auth::{Scope, Viewer};
use crate::domain::health::{self, Health, ThreeNumbers, YearSums};
use crate::domain::{board, calendar};
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use chrono::{Datelike, NaiveDate};
use entity::{BusinessLine, Role, track};

/// A molding-integrated track's three numbers, or the company's (`track: None`:
/// its molding-integrated tracks together).
#[derive(Debug, Clone)]
pub struct Card {
    pub track: Option<track::Model>,
    pub sums: YearSums,
    pub numbers: ThreeNumbers,
}

/// A commodity-mold track's order achievement.
#[derive(Debug, Clone)]
pub struct Achievement {
    pub track: track::Model,
    pub sums: YearSums,
    /// Per cent: the month's orders ÷ its target; the year's so far ÷ the targets so far.
    pub month: Option<f64>,
    pub month_health: Health,
    pub year_to_date: Option<f64>,
    pub year_to_date_health: Health,
}

#[derive(Debug, Clone)]
pub struct OrderHealthBoard {
    pub year: i32,
    /// The company's date the figures are of (31 December for a year that is over).
    pub as_of: NaiveDate,
    /// The company's three numbers: for the CEO, the secretary and the admin, without `trackId`.
    pub company: Option<Card>,
    pub tracks: Vec<Card>,
    pub commodity: Vec<Achievement>,
    /// Deals followed up at or after this instant are active (the pipeline's).
    pub active_since: chrono::DateTime<chrono::Utc>,
}

/// `orderHealthBoard(year, trackId)`.
pub async fn order_health_board(state: &AppState, viewer: &Viewer, year: i32, track_id: Option<&str>) -> AppResult<OrderHealthBoard> {
    if viewer.role == Role::AccountManager {
        return Err(AppError::forbidden(
            "the order-health board is the CEO's, the secretary's, the admin's and the directors'",
        ));
    }
    let mut p = Problems::new();
    let track_id = super::id_field(&mut p, track_id, "trackId");
    let settings = store::settings::load(&state.db).await?;
    let now = state.clock.now();
    let today = calendar::local_date(now, settings.timezone);
    let as_of = match board::check_year(year) {
        Err(why) => {
            p.add("year", why);
            None
        }
        Ok(()) => {
            let at = health::as_of(year, today);
            p.check(
                at.is_none(),
                "year",
                "is a year to come: the board is of this year or one that is over",
            );
            at
        }
    };
    p.into_result()?;
    let Some(as_of) = as_of else {
        return Err(AppError::invalid(
            "year",
            "is a year to come: the board is of this year or one that is over",
        ));
    };
    let scope = viewer.scope();
    let mut tracks = store::tracks::list(&state.db, &scope, &viewer.track_ids).await?;
    if let Some(id) = track_id {
        tracks.retain(|t| t.id == id);
        if tracks.is_empty() {
            return Err(AppError::not_found("track"));
        }
    }
    let year_over = as_of.year() < today.year();
    let ids: Vec<i64> = tracks.iter().map(|t| t.id).collect();
    let every_track = matches!(scope, Scope::All) && track_id.is_none();
    let active_since = calendar::recent_cutoff(now, settings.active_window_days, settings.timezone);
    let month = calendar::month_start(as_of);
    let ask = store::health::Ask {
        tracks: (!every_track).then_some(ids.as_slice()),
        year: (
            NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(month),
            NaiveDate::from_ymd_opt(as_of.year(), 12, 1).unwrap_or(month),
        ),
        month,
        active_since: (!year_over).then_some(active_since),
        owner: None,
    };
    let mut sums = store::health::sums(&state.db, ask).await?;
    let mut company: Option<YearSums> = every_track.then(YearSums::default);
    let mut cards = Vec::new();
    let mut commodity = Vec::new();
    for t in tracks {
        let line = settings.line(t.business_line);
        let s = sums.remove(&t.id).unwrap_or_default();
        let year_sums = YearSums::of(&s.targets, &s.orders, &s.pipeline, s.h_potential, as_of, line, year_over);
        match t.business_line {
            BusinessLine::MoldingIntegrated => {
                if let Some(c) = &mut company {
                    c.add(&year_sums);
                }
                cards.push(Card {
                    numbers: health::three_numbers(&year_sums, as_of, line),
                    sums: year_sums,
                    track: Some(t),
                });
            }
            BusinessLine::CommodityMold => {
                let line_percent = settings.board.order_achievement_percent;
                let month = health::achievement(year_sums.booked_this_month, year_sums.target_this_month);
                let ytd = health::achievement(year_sums.booked, year_sums.target_to_date);
                commodity.push(Achievement {
                    track: t,
                    sums: year_sums,
                    month,
                    month_health: health::achievement_health(month, line_percent),
                    year_to_date: ytd,
                    year_to_date_health: health::achievement_health(ytd, line_percent),
                });
            }
        }
    }
    let company = company.map(|mut s| {
        s.year_over = year_over;
        Card {
            numbers: health::three_numbers(&s, as_of, settings.line(BusinessLine::MoldingIntegrated)),
            sums: s,
            track: None,
        }
    });
    Ok(OrderHealthBoard {
        year,
        as_of,
        company,
        tracks: cards,
        commodity,
        active_since,
    })
}

/// The ERP order rows of a track's year up to `as_of`'s month, newest first,
/// in the viewer's scope.
pub async fn orders(
    state: &AppState,
    viewer: &Viewer,
    track_id: i64,
    as_of: NaiveDate,
    page: &super::PageRequest,
) -> AppResult<crate::domain::page::Page<store::board::Fact>> {
    let mut p = Problems::new();
    let window = super::page_args(&mut p, page);
    p.into_result()?;
    let filter = store::board::FactFilter {
        kind: entity::ErpKind::Orders,
        who: store::board::Who::Track(track_id),
        first: NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of),
        last: calendar::month_start(as_of),
        scope: viewer.scope(),
    };
    store::board::facts(
        &state.db,
        &filter,
        crate::domain::page::FactOrder::DateNewest,
        window,
        page.with_total,
    )
    .await
}
