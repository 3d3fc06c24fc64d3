//! Reading opportunities: the list, the customer search, one in scope.

use super::*;

/// One page of the opportunities the viewer may see.
/// With `with_relations`, each row comes with its owner, customer and
/// track, read in the same statement.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    filter: ListFilter,
    page: PageRequest,
    with_relations: bool,
) -> AppResult<Page<WithRelations>> {
    let mut p = Problems::new();
    let window = crate::service::page_args(&mut p, &page);
    let mut f = repo::Filter {
        stage: filter.stage,
        status: filter.status,
        customer_text: text::optional(&mut p, "filter.customer", filter.customer.as_deref(), TextKind::Search),
        track_id: crate::service::id_field(&mut p, filter.track_id.as_deref(), "filter.trackId"),
        owner_id: crate::service::id_field(&mut p, filter.owner_id.as_deref(), "filter.ownerId"),
        stages: filter.stages,
        statuses: filter.statuses,
        business_line: filter.business_line,
        precision_order_month: filter.precision_order_month,
        forecast_missing: filter.forecast_missing,
        ..Default::default()
    };
    if let Some(m) = &filter.expected_order_month {
        f.expected_order_month = calendar::parse_year_month(m);
        p.check(
            f.expected_order_month.is_none(),
            "filter.expectedOrderMonth",
            "must be a month as YYYY-MM",
        );
    }
    p.into_result()?;
    if let Some(active) = filter.active {
        let settings = store::settings::load(&state.db).await?;
        f.active_since = Some((
            active,
            calendar::recent_cutoff(state.clock.now(), settings.active_window_days, settings.timezone),
        ));
    }
    repo::page(
        &state.db,
        &viewer.scope(),
        &f,
        filter.order,
        window,
        page.with_total,
        with_relations,
    )
    .await
}

/// Customers whose name contains `search`, among those the viewer's deals name.
pub async fn search_customers(state: &AppState, viewer: &Viewer, search: &str, first: u64) -> AppResult<Vec<entity::customer::Model>> {
    let mut p = Problems::new();
    let search = text::optional(&mut p, "search", Some(search), TextKind::Search).unwrap_or_default();
    let first = crate::domain::limits::CUSTOMERS
        .check(i64::try_from(first).ok().or(Some(-1)))
        .unwrap_or_else(|why| {
            p.add("first", why);
            0
        });
    p.into_result()?;
    repo::search_customers(&state.db, &viewer.scope(), &search, first).await
}

/// One opportunity, or `NOT_FOUND` when it does not exist or is outside
/// the viewer's scope (the two are indistinguishable on purpose).
/// With `with_relations`, its owner, customer and track come with it, read
/// in the same statement.
pub async fn get(state: &AppState, viewer: &Viewer, id: i64, with_relations: bool) -> AppResult<WithRelations> {
    let row = if with_relations {
        repo::by_id_with_relations(&state.db, id).await?
    } else {
        repo::by_id(&state.db, id).await?.map(WithRelations::from)
    };
    match row {
        Some(row) if viewer.can_see(row.opportunity.owner_id, row.opportunity.track_id) => Ok(row),
        _ => Err(AppError::not_found("opportunity")),
    }
}

/// 活跃 now: a follow-up within the active window (company calendar).
pub fn is_active(state: &AppState, o: &opportunity::Model, settings: &crate::domain::settings::Settings) -> bool {
    rules::is_active(o.last_activity_at, state.clock.now(), settings)
}

pub(super) async fn find(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<opportunity::Model> {
    match repo::by_id(db, id).await? {
        Some(o) if viewer.can_see(o.owner_id, o.track_id) => Ok(o),
        _ => Err(AppError::not_found("opportunity")),
    }
}
