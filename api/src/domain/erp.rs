//! The ERP write-back and the admin's targets as rows (`DOMAIN.md` section
//! 4): which columns each kind has, what their CSV headers may be called,
//! and the validation of a whole batch. No I/O: the service looks up the
//! names a batch uses ([`Refs`]) and the existing rows; this module decides.

use super::calendar;
use super::limits;
use super::money;
use super::text::{self, TextKind};
use chrono::NaiveDate;
use entity::{ErpKind, TargetKind};
use std::collections::{HashMap, HashSet};

/// A column of an import row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    ExternalId,
    Date,
    Month,
    Track,
    AccountManager,
    Customer,
    Opportunity,
    Amount,
    Revenue,
    Cost,
    Balance,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::ExternalId,
        Column::Date,
        Column::Month,
        Column::Track,
        Column::AccountManager,
        Column::Customer,
        Column::Opportunity,
        Column::Amount,
        Column::Revenue,
        Column::Cost,
        Column::Balance,
    ];

    /// The field's name in GraphQL and in the errors.
    pub const fn field(self) -> &'static str {
        match self {
            Column::ExternalId => "externalId",
            Column::Date => "date",
            Column::Month => "month",
            Column::Track => "track",
            Column::AccountManager => "accountManager",
            Column::Customer => "customer",
            Column::Opportunity => "opportunity",
            Column::Amount => "amount",
            Column::Revenue => "revenue",
            Column::Cost => "cost",
            Column::Balance => "balance",
        }
    }

    /// The CSV headers that name this column, besides [`Column::field`]:
    /// snake case, and the Chinese words of the company's ERP exports.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::ExternalId => &["external_id", "外部编号", "ERP编号", "单据编号", "单号"],
            Column::Date => &["日期", "订单日期", "销售日期", "单据日期"],
            Column::Month => &["月份", "年月", "期间"],
            Column::Track => &["赛道"],
            Column::AccountManager => &["account_manager", "客户经理", "客户经理邮箱"],
            Column::Customer => &["客户", "客户名称"],
            Column::Opportunity => &["opportunity_id", "商机", "商机编号"],
            Column::Amount => &["金额", "订单金额", "目标", "目标金额", "费用", "费用金额"],
            Column::Revenue => &["收入", "销售收入", "销售额"],
            Column::Cost => &["成本", "销售成本"],
            Column::Balance => &["余额", "应收余额", "应收账款", "月末余额"],
        }
    }

    /// The column a CSV header names (case, spaces and a BOM ignored).
    pub fn from_header(header: &str) -> Option<Column> {
        let h = header.trim_start_matches('\u{feff}').trim();
        let folded: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        // Names and aliases are ASCII or Chinese: no allocation per comparison.
        Column::ALL
            .into_iter()
            .find(|c| c.field().eq_ignore_ascii_case(&folded) || c.aliases().iter().any(|a| a.eq_ignore_ascii_case(&folded)))
    }
}

/// The columns of a kind: (column, required).
pub fn columns(kind: ErpKind) -> &'static [(Column, bool)] {
    use Column::*;
    match kind {
        ErpKind::Orders => &[
            (ExternalId, true),
            (Date, true),
            (Track, true),
            (AccountManager, true),
            (Customer, true),
            (Opportunity, false),
            (Amount, true),
        ],
        ErpKind::Sales => &[
            (ExternalId, true),
            (Date, true),
            (Track, true),
            (AccountManager, true),
            (Revenue, true),
            (Cost, true),
        ],
        ErpKind::Expenses => &[(ExternalId, true), (Month, true), (Track, true), (Amount, true)],
        ErpKind::Receivables => &[(ExternalId, true), (Month, true), (Track, true), (Balance, true)],
        ErpKind::SalesTargets | ErpKind::OrderTargets => &[(Month, true), (Track, true), (AccountManager, false), (Amount, true)],
    }
}

/// The target kind a target batch carries.
pub const fn target_kind(kind: ErpKind) -> Option<TargetKind> {
    match kind {
        ErpKind::SalesTargets => Some(TargetKind::Sales),
        ErpKind::OrderTargets => Some(TargetKind::Orders),
        _ => None,
    }
}

/// One row as it arrives (GraphQL input or a CSV line): every cell text,
/// every cell optional; an empty cell counts as absent. Kept in two
/// allocations whatever its width (a file holds up to a million of them):
/// the non-blank texts one after another, and each one's column and end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    text: Box<str>,
    ends: Box<[(Column, u32)]>,
}

impl RawRow {
    /// A row of these cells (trimmed; blank ones are absent; of a column
    /// given twice, the first).
    pub fn of<'a>(cells: impl IntoIterator<Item = (Column, &'a str)>) -> Self {
        let mut text = String::new();
        let mut ends: Vec<(Column, u32)> = Vec::new();
        for (column, value) in cells {
            let value = value.trim();
            if value.is_empty() || ends.iter().any(|(c, _)| *c == column) {
                continue;
            }
            text.push_str(value);
            ends.push((column, u32::try_from(text.len()).unwrap_or(u32::MAX)));
        }
        Self {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The same row with `column` set to `value` (blank: absent).
    pub fn set(&mut self, column: Column, value: &str) {
        let others: Vec<(Column, String)> = self.cells().filter(|(c, _)| *c != column).map(|(c, v)| (c, v.to_owned())).collect();
        *self = Self::of(std::iter::once((column, value)).chain(others.iter().map(|(c, v)| (*c, v.as_str()))));
    }

    fn cells(&self) -> impl Iterator<Item = (Column, &str)> {
        let mut start = 0usize;
        self.ends.iter().map(move |(c, end)| {
            let end = *end as usize;
            let v = self.text.get(start..end).unwrap_or("");
            start = end;
            (*c, v)
        })
    }

    pub fn get(&self, column: Column) -> Option<&str> {
        self.cells().find(|(c, _)| *c == column).map(|(_, v)| v)
    }
}

/// One valid row, in the form the store writes. Which fields are set
/// depends on the kind (see [`columns`]); `amount_cents` is the amount, the
/// revenue, the balance or the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
    /// The external id, or for a target the account manager's id (0 for
    /// the track's own), the track and the month: what makes it the same row.
    pub key: String,
    pub external_id: Option<String>,
    pub month: NaiveDate,
    pub date: Option<NaiveDate>,
    pub track_id: i64,
    pub account_manager_id: Option<i64>,
    pub customer: Option<String>,
    pub opportunity_id: Option<i64>,
    pub amount_cents: i64,
    pub cost_cents: Option<i64>,
}

/// The natural key of a target row.
pub fn target_key(track_id: i64, account_manager_id: Option<i64>, month: NaiveDate) -> String {
    format!("{track_id}/{}/{month}", account_manager_id.unwrap_or(0))
}

/// What the names and ids of a batch stand for, looked up by the service.
#[derive(Debug, Default)]
pub struct Refs {
    /// Track name → id.
    pub tracks: HashMap<String, i64>,
    /// E-mail (lower case) → (user id, is an account manager).
    pub users: HashMap<String, (i64, bool)>,
    /// Opportunity id → its track.
    pub opportunities: HashMap<i64, i64>,
    /// (account manager, track) pairs where he is a member of the track.
    pub memberships: HashSet<(i64, i64)>,
}

/// One problem of one row: its position in the batch (from 0), the column
/// and what is wrong; a row that repeats an earlier one names it in
/// `same_as`, and the message's `{}` is where the caller names that row
/// (`rows.3`, `line.5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub index: usize,
    pub column: Column,
    pub message: String,
    pub same_as: Option<usize>,
}

/// The problems of a batch: the first [`limits::ERP_PROBLEMS_SHOWN`] kept,
/// the rest counted (a file of a million bad rows takes no more memory).
#[derive(Debug, Default)]
pub struct RowProblems {
    pub shown: Vec<RowProblem>,
    pub more: usize,
}

impl RowProblems {
    fn push(&mut self, problem: RowProblem) {
        if self.shown.len() < limits::ERP_PROBLEMS_SHOWN {
            self.shown.push(problem);
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.more == 0
    }
}

/// Validates a whole batch. Every problem of every row is found (the first
/// ones returned, the rest counted); the batch is accepted only when there
/// is none. `today` is the company's
/// date: ERP facts are what happened, so none lies after it.
pub fn validate(kind: ErpKind, rows: &[RawRow], refs: &Refs, today: NaiveDate) -> Result<Vec<FactRow>, RowProblems> {
    let mut problems = RowProblems::default();
    let mut out = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let cols = columns(kind);
    for (index, raw) in rows.iter().enumerate() {
        let mut p = |column: Column, message: String| {
            problems.push(RowProblem {
                index,
                column,
                message,
                same_as: None,
            })
        };
        for column in Column::ALL {
            if raw.get(column).is_some() && !cols.iter().any(|(c, _)| *c == column) {
                p(column, "is not a column of this kind of batch".to_owned());
            }
        }
        for (column, required) in cols {
            if *required && raw.get(*column).is_none() {
                p(*column, "is required".to_owned());
            }
        }
        let cell = |c: Column| raw.get(c).map(str::trim);
        let external_id = cell(Column::ExternalId).and_then(|v| match text::problem(v, TextKind::ExternalId) {
            Some(why) => {
                p(Column::ExternalId, why);
                None
            }
            None => Some(v.to_owned()),
        });
        let date = cell(Column::Date).and_then(|v| match parse_erp_date(v) {
            None => {
                p(Column::Date, calendar::DATE_FORM.to_owned());
                None
            }
            Some(d) if d > today => {
                p(Column::Date, "must not be in the future".to_owned());
                None
            }
            Some(d) => Some(d),
        });
        let month = cell(Column::Month).and_then(|v| match parse_erp_month(v) {
            None => {
                p(Column::Month, "expected a month as YYYY-MM between 2000-01 and 2100-12".to_owned());
                None
            }
            Some(m) if target_kind(kind).is_none() && m > calendar::month_start(today) => {
                p(Column::Month, "must not be in the future".to_owned());
                None
            }
            Some(m) => Some(m),
        });
        let track_id = cell(Column::Track).and_then(|v| match refs.tracks.get(v) {
            None => {
                p(Column::Track, "is not a track".to_owned());
                None
            }
            Some(id) => Some(*id),
        });
        let account_manager_id = cell(Column::AccountManager).and_then(|v| match refs.users.get(&v.to_lowercase()) {
            None => {
                p(Column::AccountManager, "is not the e-mail of a user".to_owned());
                None
            }
            Some((_, false)) => {
                p(Column::AccountManager, "is not an account manager".to_owned());
                None
            }
            Some((id, true)) => Some(*id),
        });
        // A target is set for a member of the track; a fact says what the
        // ERP booked, so an account manager who has since moved keeps it.
        if let (Some(_), Some(am), Some(track)) = (target_kind(kind), account_manager_id, track_id)
            && !refs.memberships.contains(&(am, track))
        {
            p(Column::AccountManager, "is not an account manager of this track".to_owned());
        }
        let customer = cell(Column::Customer).and_then(|v| match text::problem(v, TextKind::CustomerName) {
            Some(why) => {
                p(Column::Customer, why);
                None
            }
            None => Some(v.to_owned()),
        });
        let opportunity_id = cell(Column::Opportunity).and_then(|v| match v.parse::<i64>().ok().filter(|id| *id > 0) {
            None => {
                p(Column::Opportunity, "is not a valid id".to_owned());
                None
            }
            Some(id) => match refs.opportunities.get(&id) {
                None => {
                    p(Column::Opportunity, "is not an opportunity".to_owned());
                    None
                }
                Some(t) if track_id.is_some_and(|track| track != *t) => {
                    p(Column::Opportunity, "belongs to another track".to_owned());
                    None
                }
                Some(_) => Some(id),
            },
        });
        let mut money = |c: Column| {
            cell(c).and_then(|v| match money::parse_yuan(v) {
                Ok(cents) => Some(cents),
                Err(why) => {
                    p(c, why.to_owned());
                    None
                }
            })
        };
        let amount = money(Column::Amount);
        let revenue = money(Column::Revenue);
        let cost = money(Column::Cost);
        let balance = money(Column::Balance);
        let month = month.or(date.map(calendar::month_start));
        let key = match target_kind(kind) {
            Some(_) => track_id.zip(month).map(|(t, m)| target_key(t, account_manager_id, m)),
            None => external_id.clone(),
        };
        if let Some(key) = &key {
            if let Some(first) = seen.get(key) {
                let (column, what) = match target_kind(kind) {
                    Some(_) => (Column::Month, "gives the same target as {}"),
                    None => (Column::ExternalId, "is given twice in this batch, first in {}"),
                };
                problems.push(RowProblem {
                    index,
                    column,
                    message: what.to_owned(),
                    same_as: Some(*first),
                });
            } else {
                seen.insert(key.clone(), index);
            }
        }
        let amount_cents = amount.or(revenue).or(balance);
        if let (Some(key), Some(month), Some(track_id), Some(amount_cents)) = (key, month, track_id, amount_cents) {
            out.push(FactRow {
                key,
                external_id,
                month,
                date,
                track_id,
                account_manager_id,
                customer,
                opportunity_id,
                amount_cents,
                cost_cents: cost,
            });
        }
    }
    if problems.is_empty() && out.len() == rows.len() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A date as ERP exports write it: `2026-11-03` or `2026/11/03` (one-digit
/// month and day accepted), inside 2000–2100.
pub fn parse_erp_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim().replace('/', "-");
    let parts: Vec<&str> = t.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return None };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).filter(|d| calendar::in_window(*d))
}

/// A month: `2026-11` or `2026/11`, or a date of it (a month-end balance is
/// often dated the last day). The first day of the month.
pub fn parse_erp_month(text: &str) -> Option<NaiveDate> {
    let t = text.trim().replace('/', "-");
    if let Some(d) = parse_erp_date(&t) {
        return Some(calendar::month_start(d));
    }
    let (y, m) = t.split_once('-')?;
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1).filter(|d| calendar::in_window(*d))
}

#[cfg(test)]
mod tests;
