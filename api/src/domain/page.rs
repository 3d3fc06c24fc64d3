//! One page of a list, the shape every list use case returns.

/// One page of a list, in cursor order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// More rows follow the last one.
    pub has_next: bool,
    /// Every matching row in the viewer's scope, when asked for.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The same page with every row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            has_next: self.has_next,
            total: self.total,
        }
    }
}
