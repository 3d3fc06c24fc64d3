//! One page of a list, the shape every list use case returns, and the
//! window a client asks for (Relay: `first`/`after` or `last`/`before`).

/// One page of a list, in the list's order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// More rows follow the last one.
    pub has_next: bool,
    /// Rows come before the first one.
    pub has_previous: bool,
    /// Every matching row in the viewer's scope, when asked for.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The same page with every row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
            total: self.total,
        }
    }
}

/// The orders a phone offers for alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlertOrder {
    /// In the order they were raised.
    #[default]
    OldestFirst,
    NewestFirst,
    /// By the time the answer is due, soonest first.
    DueSoonest,
    /// Overdue ones first, then by due time.
    OverdueFirst,
}

/// The orders a dashboard offers for opportunities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpportunityOrder {
    /// In the order they were created.
    #[default]
    OldestFirst,
    NewestFirst,
    /// The longest without a follow-up first.
    LastFollowUpOldest,
    /// The most recently followed up first.
    LastFollowUpNewest,
    /// By expected order month, soonest first; those without one last.
    ExpectedOrderMonth,
    /// The largest amount first.
    AmountLargest,
}

/// The orders of the ERP records behind a board figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactOrder {
    /// The newest first (by date; for monthly records by month).
    #[default]
    DateNewest,
    DateOldest,
    /// The largest amount first (a sale's revenue, a balance).
    AmountLargest,
    AmountSmallest,
}

/// Which rows of a list a page holds: `size` rows after the cursor row
/// (forwards) or before it (backwards, `last`/`before`); no cursor: from
/// the start, or from the end going backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub size: u64,
    pub backwards: bool,
    /// The id of the row the page starts after (or ends before).
    pub cursor: Option<i64>,
}

impl Window {
    /// The page's flags once `fetched` rows came back for a request of
    /// `size + 1`: (has_next, has_previous). Going forwards from a cursor,
    /// the cursor row itself comes before; going backwards to one, it
    /// comes after.
    pub fn flags(&self, fetched: usize) -> (bool, bool) {
        let more = fetched as u64 > self.size;
        if self.backwards {
            (self.cursor.is_some(), more)
        } else {
            (more, self.cursor.is_some())
        }
    }

    /// Cuts a page out of a whole list held in memory (in list order), by
    /// the same rules as the SQL keyset: for short per-record lists.
    pub fn slice<T>(&self, rows: Vec<T>, id: impl Fn(&T) -> i64) -> Page<T> {
        let total = rows.len() as u64;
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let mut rows = rows;
        let at = self.cursor.and_then(|c| rows.iter().position(|r| id(r) == c));
        let (has_next, has_previous);
        if self.backwards {
            let end = match (self.cursor, at) {
                (Some(_), Some(i)) => i,
                (Some(_), None) => 0,
                (None, _) => rows.len(),
            };
            rows.truncate(end);
            let start = end.saturating_sub(size);
            has_previous = start > 0;
            has_next = self.cursor.is_some();
            rows.drain(..start);
        } else {
            let start = match (self.cursor, at) {
                (Some(_), Some(i)) => i + 1,
                (Some(_), None) => rows.len(),
                (None, _) => 0,
            };
            rows.drain(..start);
            has_next = rows.len() > size;
            has_previous = self.cursor.is_some();
            rows.truncate(size);
        }
        Page {
            rows,
            has_next,
            has_previous,
            total: Some(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &Page<i64>) -> Vec<i64> {
        p.rows.clone()
    }

    #[test]
    fn a_list_in_memory_pages_both_ways() {
        let all: Vec<i64> = (1..=7).collect();
        let w = |size, backwards, cursor| Window { size, backwards, cursor };
        let p = w(3, false, None).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![1, 2, 3], true, false));
        let p = w(3, false, Some(3)).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![4, 5, 6], true, true));
        let p = w(3, false, Some(6)).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![7], false, true));
        let p = w(3, true, None).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![5, 6, 7], false, true));
        let p = w(3, true, Some(5)).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![2, 3, 4], true, true));
        let p = w(3, true, Some(2)).slice(all.clone(), |r| *r);
        assert_eq!((ids(&p), p.has_next, p.has_previous), (vec![1], true, false));
        assert_eq!(p.total, Some(7));
    }

    #[test]
    fn the_flags_follow_the_direction() {
        let fwd = Window {
            size: 2,
            backwards: false,
            cursor: Some(9),
        };
        assert_eq!(fwd.flags(3), (true, true));
        assert_eq!(fwd.flags(2), (false, true));
        let back = Window {
            size: 2,
            backwards: true,
            cursor: None,
        };
        assert_eq!(back.flags(3), (false, true));
    }
}
