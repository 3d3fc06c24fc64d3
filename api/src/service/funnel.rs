//! The live funnel (漏斗健康度): per business line within the viewer's
//! scope — the company's, a line's, a track's, a director's tracks, an
//! account manager's own deals — the weighted pipeline and its coverage of
//! the year's remaining order target, the conversion of the trailing 12
//! months, the stage distribution, the deals moved out, and each account
//! manager's share. Counts in SQL (`store::funnel`, `store::health`),
//! figures `domain::funnel`'s and `domain::health`'s.

use crate::auth::{Scope, Viewer};
use crate::domain::calendar;
use crate::domain::funnel::{self as rules, StageCounts, StageRow};
use crate::domain::health::{self, Health, ThreeNumbers, YearSums};
use crate::domain::settings::LineSettings;
use crate::error::{AppError, AppResult, Problems};
use crate::state::AppState;
use crate::store;
use chrono::{Datelike, NaiveDate};
use entity::{BusinessLine, Role, Stage};
use std::collections::BTreeMap;

/// What a caller narrows the funnel to.
#[derive(Debug, Clone, Default)]
pub struct FunnelAsk {
    pub track_id: Option<String>,
    pub business_line: Option<BusinessLine>,
    /// A past day: the funnel as the month-end snapshot on or before it
    /// kept it (`None` or today: live).
    pub as_of: Option<NaiveDate>,
}

/// One account manager's share of a line's funnel.
#[derive(Debug, Clone)]
pub struct ManagerFunnel {
    pub account_manager_id: i64,
    pub track_id: i64,
    pub weighted_pipeline: i64,
    pub deals: i64,
    pub active_deals: i64,
    pub secured: i64,
    pub lost: i64,
    pub conversion: Option<f64>,
    pub conversion_health: Health,
    pub moved_out: i64,
}

/// One business line's funnel within the scope.
#[derive(Debug, Clone)]
pub struct LineFunnel {
    pub line: BusinessLine,
    /// The single track asked for, if one was.
    pub track_id: Option<i64>,
    /// An account manager's personal funnel: him.
    pub account_manager_id: Option<i64>,
    pub settings: LineSettings,
    pub sums: YearSums,
    /// The remaining order target and its coverage (`domain::health`).
    pub numbers: ThreeNumbers,
    pub secured: i64,
    pub lost: i64,
    pub conversion: Option<f64>,
    pub conversion_health: Health,
    pub stages: Vec<StageRow>,
    pub moved_out: i64,
    pub managers: Vec<ManagerFunnel>,
}

#[derive(Debug, Clone)]
pub struct Funnel {
    /// The date of the figures: the company's today (live) or the month end read.
    pub as_of: NaiveDate,
    /// When the month-end figures were read (the latest of the tracks'); `None` when live.
    pub taken_at: Option<chrono::DateTime<chrono::Utc>>,
    pub lines: Vec<LineFunnel>,
}

/// `funnel(trackId, businessLine, asOf)`: live, for the viewer's scope
/// narrowed so; a past `asOf` reads the month-end snapshots on or before it.
pub async fn funnel(state: &AppState, viewer: &Viewer, ask: FunnelAsk) -> AppResult<Funnel> {
    let mut p = Problems::new();
    let track_id = super::id_field(&mut p, ask.track_id.as_deref(), "trackId");
    let settings = store::settings::load(&state.db).await?;
    let now = state.clock.now();
    let today = calendar::local_date(now, settings.timezone);
    let personal = viewer.role == Role::AccountManager;
    let past = ask.as_of.filter(|d| *d != today);
    match past {
        Some(d) if d > today => p.add("asOf", "must not lie in the future"),
        Some(d) if !calendar::in_window(d) => p.add("asOf", calendar::DATE_FORM),
        Some(_) if personal => p.add("asOf", "an account manager's funnel is live only: month ends are kept per track"),
        _ => {}
    }
    p.into_result()?;
    if personal && (track_id.is_some() || ask.business_line.is_some()) {
        return Err(AppError::forbidden("an account manager's funnel is his own deals'"));
    }
    let scope = viewer.scope();
    let mut tracks = store::tracks::list(&state.db, &scope, &viewer.track_ids).await?;
    if let Some(id) = track_id {
        tracks.retain(|t| t.id == id);
        if tracks.is_empty() {
            return Err(AppError::not_found("track"));
        }
    }
    if let Some(line) = ask.business_line {
        tracks.retain(|t| t.business_line == line);
    }
    let ids: Vec<i64> = tracks.iter().map(|t| t.id).collect();
    let every_track = matches!(scope, Scope::All) && track_id.is_none() && ask.business_line.is_none();
    let only = (!every_track).then_some(ids.as_slice());
    if let Some(d) = past {
        let mut f = kept(&state.db, &settings, only, rules::month_end_on_or_before(d)).await?;
        for l in &mut f.lines {
            l.track_id = track_id;
        }
        return Ok(f);
    }
    let owner = personal.then_some(viewer.user_id);
    let month = calendar::month_start(today);
    let active_since = calendar::recent_cutoff(now, settings.active_window_days, settings.timezone);
    let year_ask = store::health::Ask {
        tracks: only,
        year: (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month),
            NaiveDate::from_ymd_opt(today.year(), 12, 1).unwrap_or(month),
        ),
        month,
        // The pipeline is the distribution's (below): one sum of the same deals.
        active_since: None,
        owner,
    };
    let mut year = store::health::sums(&state.db, year_ask).await?;
    let (outcomes_from, _) = rules::conversion_window(now);
    let counts = store::funnel::counts(
        &state.db,
        store::funnel::Ask {
            tracks: only,
            owner,
            active_since,
            now,
            outcomes_from,
            month,
        },
    )
    .await?;
    // Per line, in the order of the lines.
    let mut by_line: BTreeMap<u8, (BusinessLine, Vec<i64>)> = BTreeMap::new();
    for t in &tracks {
        let key = match t.business_line {
            BusinessLine::MoldingIntegrated => 0,
            BusinessLine::CommodityMold => 1,
        };
        by_line.entry(key).or_insert((t.business_line, Vec::new())).1.push(t.id);
    }
    let mut lines = Vec::new();
    for (_, (line, line_tracks)) in by_line {
        let mut f = line_funnel(line, &line_tracks, &mut year, &counts, today, &settings);
        f.track_id = track_id;
        f.account_manager_id = owner;
        lines.push(f);
    }
    Ok(Funnel {
        as_of: today,
        taken_at: None,
        lines,
    })
}

/// The funnel of `tracks` (`None`: every track) as the month-end check of
/// `month_end` kept it: per business line, the tracks' snapshots added —
/// the stages, their weighted amounts and the lines then, the outcomes, the
/// deals moved out — and the year's targets and orders to that month.
/// Snapshots are per track: no account manager's share.
async fn kept(
    db: &impl sea_orm::ConnectionTrait,
    settings: &crate::domain::settings::Settings,
    tracks: Option<&[i64]>,
    month_end: NaiveDate,
) -> AppResult<Funnel> {
    let month = calendar::month_start(month_end);
    let snapshots = store::funnel_alerts::month_snapshots(db, tracks, month).await?;
    if snapshots.is_empty() {
        return Err(AppError::invalid(
            "asOf",
            format!("no month-end funnel is kept for {month_end}: past funnels are read at month ends once checked"),
        ));
    }
    let ids: Vec<i64> = snapshots.iter().map(|(s, _)| s.track_id).collect();
    let mut year = store::health::sums(
        db,
        store::health::Ask {
            tracks: Some(&ids),
            year: (
                NaiveDate::from_ymd_opt(month_end.year(), 1, 1).unwrap_or(month),
                NaiveDate::from_ymd_opt(month_end.year(), 12, 1).unwrap_or(month),
            ),
            month,
            active_since: None,
            owner: None,
        },
    )
    .await?;
    let mut counts = std::collections::HashMap::new();
    let mut by_line: BTreeMap<u8, (BusinessLine, Vec<i64>, crate::domain::settings::Settings)> = BTreeMap::new();
    for (s, stages) in &snapshots {
        counts.insert(
            (s.track_id, 0),
            store::funnel::Counts {
                stages: stages
                    .iter()
                    .map(|r| {
                        (
                            r.stage,
                            rules::kept_counts(r.count, r.amount_cents, r.active_count, r.active_amount_cents, r.average_days),
                        )
                    })
                    .collect(),
                secured: s.secured,
                lost: s.lost,
                moved_out: s.moved_out,
            },
        );
        let key = match s.business_line {
            BusinessLine::MoldingIntegrated => 0,
            BusinessLine::CommodityMold => 1,
        };
        // The lines of the check: the thresholds it compared with.
        let e = by_line.entry(key).or_insert_with(|| {
            let mut then = settings.clone();
            let l = then.line_mut(s.business_line);
            l.coverage_alert_below = s.coverage_line;
            l.conversion_alert_below = s.conversion_line;
            (s.business_line, Vec::new(), then)
        });
        e.1.push(s.track_id);
    }
    let mut lines = Vec::new();
    for (_, (line, line_tracks, then)) in by_line {
        let mut f = line_funnel(line, &line_tracks, &mut year, &counts, month_end, &then);
        // The weighted amounts as the check weighed them (the weights may have changed since).
        for row in &mut f.stages {
            row.weighted = crate::domain::money::total(
                snapshots
                    .iter()
                    .filter(|(s, _)| line_tracks.contains(&s.track_id))
                    .flat_map(|(_, st)| st.iter().filter(|r| r.stage == row.stage))
                    .map(|r| r.weighted_cents),
            );
        }
        f.sums.weighted_pipeline = rules::pipeline_of(&f.stages);
        f.numbers = health::three_numbers(&f.sums, month_end, &f.settings);
        f.managers.clear();
        lines.push(f);
    }
    Ok(Funnel {
        as_of: month_end,
        taken_at: snapshots.iter().map(|(s, _)| s.taken_at).max(),
        lines,
    })
}

/// One line's funnel over `line_tracks`, from the store's year sums (taken
/// out of `year`) and counts: the one computation behind `funnel` and the
/// month-end check's per track.
fn line_funnel(
    line: BusinessLine,
    line_tracks: &[i64],
    year: &mut std::collections::HashMap<i64, store::health::TrackSums>,
    counts: &std::collections::HashMap<(i64, i64), store::funnel::Counts>,
    today: NaiveDate,
    settings: &crate::domain::settings::Settings,
) -> LineFunnel {
    let ls = settings.line(line).clone();
    let mut sums = YearSums::default();
    for t in line_tracks {
        let s = year.remove(t).unwrap_or_default();
        sums.add(&YearSums::of(&s.targets, &s.orders, &s.pipeline, s.h_potential, today, &ls, false));
    }
    let mut stages: Vec<(Stage, StageCounts)> = Vec::new();
    let (mut secured, mut lost, mut moved_out) = (0, 0, 0);
    let mut managers = Vec::new();
    let mut keys: Vec<&(i64, i64)> = counts.keys().filter(|(t, _)| line_tracks.contains(t)).collect();
    keys.sort();
    for key in keys {
        let c = &counts[key];
        stages.extend(c.stages.iter().copied());
        secured += c.secured;
        lost += c.lost;
        moved_out += c.moved_out;
        let rows = rules::distribution(&c.stages, &ls);
        let conversion = rules::conversion(c.secured, c.lost);
        managers.push(ManagerFunnel {
            account_manager_id: key.1,
            track_id: key.0,
            weighted_pipeline: rules::pipeline_of(&rows),
            deals: rows.iter().map(|r| r.counts.count).sum(),
            active_deals: rows.iter().map(|r| r.counts.active_count).sum(),
            secured: c.secured,
            lost: c.lost,
            conversion,
            conversion_health: rules::conversion_health(conversion, &ls),
            moved_out: c.moved_out,
        });
    }
    let rows = rules::distribution(&stages, &ls);
    sums.weighted_pipeline = rules::pipeline_of(&rows);
    let conversion = rules::conversion(secured, lost);
    LineFunnel {
        line,
        track_id: None,
        account_manager_id: None,
        numbers: health::three_numbers(&sums, today, &ls),
        sums,
        secured,
        lost,
        conversion,
        conversion_health: rules::conversion_health(conversion, &ls),
        stages: rows,
        moved_out,
        managers,
        settings: ls,
    }
}

/// Every track's own funnel at `now`, for the month-end check: the same
/// sums and counts as `funnel`, read once for all tracks.
pub async fn every_track(
    db: &impl sea_orm::ConnectionTrait,
    settings: &crate::domain::settings::Settings,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<(entity::track::Model, LineFunnel)>> {
    let today = calendar::local_date(now, settings.timezone);
    let tracks = store::tracks::list(db, &Scope::All, &[]).await?;
    let month = calendar::month_start(today);
    let mut year = store::health::sums(
        db,
        store::health::Ask {
            tracks: None,
            year: (
                NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month),
                NaiveDate::from_ymd_opt(today.year(), 12, 1).unwrap_or(month),
            ),
            month,
            active_since: None,
            owner: None,
        },
    )
    .await?;
    let (outcomes_from, _) = rules::conversion_window(now);
    let counts = store::funnel::counts(
        db,
        store::funnel::Ask {
            tracks: None,
            owner: None,
            active_since: calendar::recent_cutoff(now, settings.active_window_days, settings.timezone),
            now,
            outcomes_from,
            month,
        },
    )
    .await?;
    Ok(tracks
        .into_iter()
        .map(|t| {
            let mut f = line_funnel(t.business_line, &[t.id], &mut year, &counts, today, settings);
            f.track_id = Some(t.id);
            (t, f)
        })
        .collect())
}
