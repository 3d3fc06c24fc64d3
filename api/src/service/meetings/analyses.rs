//! A board row's analysis, the analyses of a period, and the quarterly
//! task analysis.

use super::*;

/// A director's analysis of one of his 未达标 rows, as a client gives it.
#[derive(Debug, Clone)]
pub struct AnalysisAsk {
    pub dimension: Dimension,
    pub track_id: Option<String>,
    pub account_manager_id: Option<String>,
    /// The board period (default: the month before this one, which the next monthly meeting looks at).
    pub period: Option<PeriodRequest>,
    pub cause: String,
    pub plan: String,
}

/// An analysis with its row on the board now.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub analysis: row_analysis::Model,
    pub row: board_service::Row,
    pub dimension: Dimension,
}

/// `analyseBoardRow`: the director of a 未达标 row's track attaches (or
/// rewrites) its cause analysis and improvement plan (原因分析和改善计划).
pub async fn analyse_row(state: &AppState, viewer: &Viewer, cmd: AnalysisAsk) -> AppResult<Analysed> {
    let mut p = Problems::new();
    let cause = text::required(&mut p, "cause", &cmd.cause, TextKind::Comment);
    let plan = text::required(&mut p, "plan", &cmd.plan, TextKind::Comment);
    let row = row_of(&mut p, cmd.dimension, cmd.track_id.as_deref(), cmd.account_manager_id.as_deref());
    if viewer.role != Role::TrackDirector {
        return Err(AppError::forbidden("only the director of the row's track analyses it"));
    }
    let tz = store::settings::load(&state.db).await?.timezone;
    if !row_period_ok(&mut p, cmd.period, state.clock.now(), tz) {
        // No board to find the row on: what is wrong so far, all of it.
        std::mem::take(&mut p).into_result()?;
    }
    let period_req = cmd
        .period
        .unwrap_or_else(|| default_period(MeetingKind::MonthlySupervision, state.clock.now(), tz));
    let board = board_service::ranking_board(state, viewer, period_req).await?;
    let found = row.and_then(|row| match find_row(&board, cmd.dimension, row) {
        Some(r) => Some(r.clone()),
        None => {
            p.add(row_field(row), format!("is not a row of the board of {}", board.period.label()));
            None
        }
    });
    if let (Some(r), Some(row)) = (&found, row) {
        if !viewer.track_ids.contains(&r.track_id) {
            return Err(AppError::forbidden("only the director of the row's track analyses it"));
        }
        p.check(
            r.not_reached != Some(true),
            row_field(row),
            "is not 未达标: only a row on the wrong side of the target line takes an analysis",
        );
    }
    p.into_result()?;
    let Some(r) = found else {
        return Err(AppError::invalid("row.trackId", "is needed"));
    };
    let analysis = repo::upsert_analysis(
        &state.db,
        repo::AnalysisWrite {
            period_first: board.period.first,
            period_last: board.period.last,
            dimension: cmd.dimension.number() as i32,
            track_id: r.track_id,
            account_manager_id: r.account_manager.as_ref().map(|(id, _)| *id),
            cause,
            plan,
            author_id: viewer.user_id,
            at: state.clock.now(),
        },
    )
    .await?;
    crate::freshness::changed(state, crate::freshness::Change::Meetings).await;
    Ok(Analysed {
        analysis,
        row: r,
        dimension: cmd.dimension,
    })
}

/// The analyses of the rows of a board the viewer sees.
pub(super) async fn analyses_on(state: &AppState, board: &board_service::Board) -> AppResult<Vec<Analysed>> {
    let all = repo::analyses_of_period(&state.db, board.period.first, board.period.last).await?;
    Ok(all
        .into_iter()
        .filter_map(|a| {
            let dimension = usize::try_from(a.dimension).ok().and_then(Dimension::from_number)?;
            let row = find_row(board, dimension, row_key_of(a.track_id, a.account_manager_id))?.clone();
            // An account manager's row is his in one track: another track's analysis is not it.
            if row.track_id != a.track_id {
                return None;
            }
            Some(Analysed {
                analysis: a,
                row,
                dimension,
            })
        })
        .collect())
}

/// `boardRowAnalyses`: the analyses attached to the rows of a period's board that the viewer sees.
pub async fn row_analyses(state: &AppState, viewer: &Viewer, period: PeriodRequest) -> AppResult<(Period, Vec<Analysed>)> {
    let board = board_service::ranking_board(state, viewer, period).await?;
    let found = analyses_on(state, &board).await?;
    Ok((board.period, found))
}

/// The quarterly task analysis: the tasks recorded in a quarter (company
/// time) in the viewer's tracks (every track for the CEO, the secretary and
/// the admin), counted in all, per dimension, per track and per owner, the
/// lowest completion rate first.
#[derive(Debug, Clone)]
pub struct Quarterly {
    pub period: Period,
    pub total: rules::TaskCounts,
    pub by_dimension: Vec<(Dimension, rules::TaskCounts)>,
    pub by_track: Vec<(i64, rules::TaskCounts)>,
    pub owners: Vec<(i64, rules::TaskCounts)>,
}

pub async fn quarterly(state: &AppState, viewer: &Viewer, year: i32, quarter: i32) -> AppResult<Quarterly> {
    // The CEO's, the secretary's and the admin's for the company, a
    // director's for his own tracks; an account manager has none (DOMAIN §3).
    viewer.require_role(
        &[Role::Ceo, Role::Secretary, Role::Admin, Role::TrackDirector],
        "read the quarterly task analysis",
    )?;
    let covers = |track_id: i64| viewer.role != Role::TrackDirector || viewer.track_ids.contains(&track_id);
    let mut p = Problems::new();
    let q = u32::try_from(quarter).unwrap_or(0);
    let period = Period::quarter(year, q).map_err(|why| {
        let field = if why.contains("year") { "year" } else { "quarter" };
        p.add(field, why);
    });
    p.into_result()?;
    let Ok(period) = period else {
        return Err(AppError::invalid("quarter", "is not a quarter"));
    };
    let tz = store::settings::load(&state.db).await?.timezone;
    let from = calendar::start_of_day(period.first, tz);
    let to = calendar::start_of_day(calendar::add_months(period.last, 1), tz);
    let groups = repo::task_groups(&state.db, from, to).await?;
    let mut total = rules::TaskCounts::default();
    let mut dims = std::collections::BTreeMap::<usize, rules::TaskCounts>::new();
    let mut tracks = std::collections::BTreeMap::<i64, rules::TaskCounts>::new();
    let mut owners = std::collections::BTreeMap::<i64, rules::TaskCounts>::new();
    for g in groups.iter().filter(|g| covers(g.track_id)) {
        total.add(&g.counts);
        dims.entry(usize::try_from(g.dimension).unwrap_or(0)).or_default().add(&g.counts);
        tracks.entry(g.track_id).or_default().add(&g.counts);
        owners.entry(g.owner_id).or_default().add(&g.counts);
    }
    let by_dimension = Dimension::ALL
        .into_iter()
        .map(|d| (d, dims.get(&d.number()).copied().unwrap_or_default()))
        .collect();
    let mut owners: Vec<(i64, rules::TaskCounts)> = owners.into_iter().collect();
    owners.sort_by(|a, b| rules::owners_order((&a.0, &a.1), (&b.0, &b.1)));
    Ok(Quarterly {
        period,
        total,
        by_dimension,
        by_track: tracks.into_iter().collect(),
        owners,
    })
}
