//! An opportunity's activities, newest first, page by page.

use super::*;

/// The window of a page of one opportunity's follow-ups (newest first,
/// 1–200, default 50), checked.
pub fn activities_window(page: &PageRequest) -> AppResult<Window> {
    let mut p = Problems::new();
    let w = crate::service::window(&mut p, page, crate::domain::limits::ACTIVITIES);
    p.into_result()?;
    Ok(w)
}

/// Whether a window is the first page read forwards: then it comes, for
/// every opportunity of a list at once, from the newest `size + 1`
/// follow-ups of each ([`first_activities`]).
pub fn is_first_page(w: &Window) -> bool {
    w.cursor.is_none() && !w.backwards
}

/// The first page out of the newest `size + 1` rows and the total.
pub fn first_activities(w: &Window, mut newest: Vec<activity::Model>, total: u64) -> Page<activity::Model> {
    let size = usize::try_from(w.size).unwrap_or(usize::MAX);
    let has_next = newest.len() > size;
    newest.truncate(size);
    Page {
        rows: newest,
        has_next,
        has_previous: false,
        total: Some(total),
    }
}

/// Any other page of one opportunity's follow-ups: one keyset query.
pub async fn activities_page(state: &AppState, opportunity_id: i64, w: Window, with_total: bool) -> AppResult<Page<activity::Model>> {
    repo::activities_page(&state.db, opportunity_id, w, with_total).await
}
