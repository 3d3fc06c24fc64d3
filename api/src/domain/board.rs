//! The ranking board (晾晒排名看板, `DOMAIN.md` section 3): its periods, its
//! eight dimensions, what each one's value is made of, and how rows are
//! ranked. No I/O: the store sums the figures in SQL (`store::board`), this
//! module turns each subject's sums into a value and ranks them. Values are
//! exact fractions of integer fen, so two rows tie only when their values
//! are equal, never by rounding.

use super::calendar;
use chrono::{Datelike, NaiveDate};
use entity::ErpKind;
use std::cmp::Ordering;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month,
    Quarter,
    YearToDate,
}

/// A period of the board: whole months from `first` to `last` (each the
/// first day of its month), on the company calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    /// The month (1–12), the quarter (1–4), or for the year to date its last month.
    pub number: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

fn month(year: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, m, 1).unwrap_or(NaiveDate::MIN)
}

impl Period {
    /// One month.
    pub fn month(year: i32, m: u32) -> Result<Period, &'static str> {
        check_year(year)?;
        if !(1..=12).contains(&m) {
            return Err("a month is 1 to 12");
        }
        Ok(Period {
            kind: PeriodKind::Month,
            year,
            number: m,
            first: month(year, m),
            last: month(year, m),
        })
    }

    /// One quarter (1: January to March).
    pub fn quarter(year: i32, q: u32) -> Result<Period, &'static str> {
        check_year(year)?;
        if !(1..=4).contains(&q) {
            return Err("a quarter is 1 to 4");
        }
        Ok(Period {
            kind: PeriodKind::Quarter,
            year,
            number: q,
            first: month(year, q * 3 - 2),
            last: month(year, q * 3),
        })
    }

    /// January to this month for this year (`today` is the company's
    /// date); the whole year for a past one. A year that has not begun has
    /// no year to date.
    pub fn year_to_date(year: i32, today: NaiveDate) -> Result<Period, &'static str> {
        check_year(year)?;
        let last_month = match year.cmp(&today.year()) {
            Ordering::Greater => return Err("the year has not begun"),
            Ordering::Equal => today.month(),
            Ordering::Less => 12,
        };
        Ok(Period {
            kind: PeriodKind::YearToDate,
            year,
            number: last_month,
            first: month(year, 1),
            last: month(year, last_month),
        })
    }

    /// The period as far as it has gone: a period that is not over counts
    /// its months up to `today`'s (the quarter to date); one that has not
    /// begun has nothing to show.
    pub fn so_far(self, today: NaiveDate) -> Result<Period, &'static str> {
        let this_month = calendar::month_start(today);
        if self.first > this_month {
            return Err("the period has not begun");
        }
        Ok(Period {
            last: self.last.min(this_month),
            ..self
        })
    }

    /// Its number of months.
    pub fn months_count(&self) -> u32 {
        let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        (months(self.last) - months(self.first) + 1).max(1) as u32
    }

    /// The period it is compared with, as long as this one: the month or
    /// quarter before (for a quarter to date, the same months of the
    /// quarter before), or for the year to date the same months of the
    /// year before.
    pub fn previous(&self) -> Period {
        let back = |months: u32| {
            let first = calendar::sub_months(self.first, months);
            (first, calendar::add_months(first, self.months_count() - 1))
        };
        let (first, last, year, number) = match self.kind {
            PeriodKind::Month => {
                let (f, l) = back(1);
                (f, l, f.year(), f.month())
            }
            PeriodKind::Quarter => {
                let (f, l) = back(3);
                (f, l, f.year(), f.month0() / 3 + 1)
            }
            PeriodKind::YearToDate => {
                let (f, l) = back(12);
                (f, l, self.year - 1, self.number)
            }
        };
        Period {
            kind: self.kind,
            year,
            number,
            first,
            last,
        }
    }

    /// The day after the period.
    pub fn end(&self) -> NaiveDate {
        calendar::add_months(self.last, 1)
    }

    /// Calendar days of the period's months (the DSO's days).
    pub fn days(&self) -> i64 {
        (self.end() - self.first).num_days()
    }

    /// The period's months, first to last.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut m = self.first;
        while m <= self.last {
            out.push(m);
            m = calendar::add_months(m, 1);
        }
        out
    }

    /// `2026-11`, `2026-Q4`, `2026-01..2026-11`.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => calendar::format_year_month(self.first),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.number),
            PeriodKind::YearToDate => format!(
                "{}..{}",
                calendar::format_year_month(self.first),
                calendar::format_year_month(self.last)
            ),
        }
    }
}

/// A year a board may show.
pub fn check_year(year: i32) -> Result<(), &'static str> {
    if (calendar::FIRST_YEAR + 1..=calendar::LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err("a year is 2001 to 2100")
    }
}

/// Whose rows a dimension ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Track,
    AccountManager,
}

/// What a dimension's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Per cent (achievement, margin, accuracy).
    Percent,
    /// Per mille (expenses per mille of sales).
    PerMille,
    /// Days (DSO).
    Days,
}

/// The eight dimensions, in the board's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// (1) actual sales ÷ sales target, per track.
    TrackSalesAchievement,
    /// (2) the same per account manager.
    AccountManagerSalesAchievement,
    /// (3) actual orders ÷ order target, per track.
    TrackOrderAchievement,
    /// (4) the same per account manager.
    AccountManagerOrderAchievement,
    /// (5) (revenue − cost) ÷ revenue, per track.
    TrackGrossMargin,
    /// (6) the sales forecast's accuracy, per track: the orders booked against the subjective
    /// forecast frozen at each month's start (`domain::forecast::accuracy`).
    TrackForecastAccuracy,
    /// (7) expenses ÷ sales in ‰, per track; lower is better.
    TrackExpenseRatio,
    /// (8) receivables at the period's latest month-end ÷ sales × days, per track; lower is better.
    TrackDso,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::TrackSalesAchievement,
        Dimension::AccountManagerSalesAchievement,
        Dimension::TrackOrderAchievement,
        Dimension::AccountManagerOrderAchievement,
        Dimension::TrackGrossMargin,
        Dimension::TrackForecastAccuracy,
        Dimension::TrackExpenseRatio,
        Dimension::TrackDso,
    ];

    /// Its number on the board, 1 to 8.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|d| *d == self).map_or(0, |i| i + 1)
    }

    pub const fn subject(self) -> Subject {
        match self {
            Dimension::AccountManagerSalesAchievement | Dimension::AccountManagerOrderAchievement => Subject::AccountManager,
            _ => Subject::Track,
        }
    }

    pub const fn unit(self) -> Unit {
        match self {
            Dimension::TrackExpenseRatio => Unit::PerMille,
            Dimension::TrackDso => Unit::Days,
            _ => Unit::Percent,
        }
    }

    pub const fn lower_is_better(self) -> bool {
        matches!(self, Dimension::TrackExpenseRatio | Dimension::TrackDso)
    }

    /// Whether the figures it needs exist (every dimension has them now;
    /// a task recorded before the forecast was frozen keeps its `NOT_AVAILABLE`).
    pub const fn available(self) -> bool {
        true
    }

    /// The measure an account manager is drilled down on: the account
    /// managers' own dimension for the achievements, the margin of his
    /// sales for the margin; none where the figures are the track's only
    /// (expenses, receivables) or do not exist yet.
    pub const fn for_account_manager(self) -> Option<Dimension> {
        match self {
            Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement => Some(Dimension::AccountManagerSalesAchievement),
            Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => Some(Dimension::AccountManagerOrderAchievement),
            Dimension::TrackGrossMargin => Some(Dimension::TrackGrossMargin),
            _ => None,
        }
    }

    /// The ERP records a value is made of, the main one first (the
    /// targets are the admin's, not records).
    pub const fn sources(self) -> &'static [ErpKind] {
        match self {
            Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement | Dimension::TrackGrossMargin => &[ErpKind::Sales],
            Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => &[ErpKind::Orders],
            Dimension::TrackForecastAccuracy => &[ErpKind::Orders],
            Dimension::TrackExpenseRatio => &[ErpKind::Expenses, ErpKind::Sales],
            Dimension::TrackDso => &[ErpKind::Receivables, ErpKind::Sales],
        }
    }

    /// Whether the dimension measures against a target.
    pub const fn has_target(self) -> bool {
        matches!(
            self,
            Dimension::TrackSalesAchievement
                | Dimension::AccountManagerSalesAchievement
                | Dimension::TrackOrderAchievement
                | Dimension::AccountManagerOrderAchievement
        )
    }
}

/// What the store summed for one subject over one period (fen). Absent
/// sums are `None`: no row at all, which is not the same as a zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub revenue: Option<i64>,
    pub cost: Option<i64>,
    pub orders: Option<i64>,
    pub sales_target: Option<i64>,
    pub order_target: Option<i64>,
    pub expenses: Option<i64>,
    /// The month-end balance of the latest month of the period that has one.
    pub receivables: Option<i64>,
    /// The subjective forecast frozen at the start of the period's frozen months (Σ); none
    /// when no month of the period was frozen.
    pub forecast: Option<i64>,
    /// The orders of those frozen months only (Σ): what the forecast is measured against.
    pub forecast_orders: Option<i64>,
}

/// An exact value: `num / den` in the dimension's unit, `den > 0`.
#[derive(Debug, Clone, Copy)]
pub struct Fraction {
    pub num: i128,
    pub den: i128,
}

impl Fraction {
    fn new(num: i128, den: i128) -> Fraction {
        Fraction { num, den }
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Fraction {}
impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive, so cross-multiplying keeps the order;
        // products past i128 (sums of 10^18 fen) compare as floats.
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

/// Where a row stands on a dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A value, with what it was made of.
    Value { value: Fraction, numerator: i64, denominator: i64 },
    /// Figures, but no target (none set, or zero): an achievement cannot be computed.
    NoTarget,
    /// No sales to divide by (zero or none), but other figures.
    NoSales,
    /// Nothing at all for the period.
    NoData,
    /// The dimension's figures do not exist yet (the forecast).
    NotAvailable,
}

/// A [`Standing`] without its figures: what a client shows beside a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingKind {
    Ranked,
    NoTarget,
    NoSales,
    NoData,
    NotAvailable,
}

impl StandingKind {
    pub const ALL: [StandingKind; 5] = [
        StandingKind::Ranked,
        StandingKind::NoTarget,
        StandingKind::NoSales,
        StandingKind::NoData,
        StandingKind::NotAvailable,
    ];

    /// How it is stored (a task keeps the standing of its row).
    pub const fn code(self) -> &'static str {
        match self {
            StandingKind::Ranked => "RANKED",
            StandingKind::NoTarget => "NO_TARGET",
            StandingKind::NoSales => "NO_SALES",
            StandingKind::NoData => "NO_DATA",
            StandingKind::NotAvailable => "NOT_AVAILABLE",
        }
    }

    pub fn from_code(code: &str) -> Option<StandingKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl Dimension {
    /// The dimension of its number on the board (1 to 8).
    pub fn from_number(n: usize) -> Option<Dimension> {
        n.checked_sub(1).and_then(|i| Self::ALL.get(i).copied())
    }
}

impl Standing {
    pub fn kind(&self) -> StandingKind {
        match self {
            Standing::Value { .. } => StandingKind::Ranked,
            Standing::NoTarget => StandingKind::NoTarget,
            Standing::NoSales => StandingKind::NoSales,
            Standing::NoData => StandingKind::NoData,
            Standing::NotAvailable => StandingKind::NotAvailable,
        }
    }

    pub fn value(&self) -> Option<Fraction> {
        match self {
            Standing::Value { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The order of the rows without a value, after every valued row.
    fn missing_order(&self) -> u8 {
        match self {
            Standing::Value { .. } => 0,
            Standing::NoTarget => 1,
            Standing::NoSales => 2,
            Standing::NoData => 3,
            Standing::NotAvailable => 4,
        }
    }
}

/// A dimension's standing for one subject's sums; `days` is the period's
/// (for the DSO). Never divides by zero: a zero or missing target is
/// [`Standing::NoTarget`], zero or missing sales [`Standing::NoSales`].
pub fn standing(dim: Dimension, s: &Sums, days: i64) -> Standing {
    let nothing = |xs: &[Option<i64>]| xs.iter().all(Option::is_none);
    let achievement = |actual: Option<i64>, target: Option<i64>| {
        // No figures and no target worth the name: nothing to show.
        if actual.is_none() && target.is_none_or(|t| t <= 0) {
            return Standing::NoData;
        }
        match target.filter(|t| *t > 0) {
            None => Standing::NoTarget,
            Some(t) => {
                let a = actual.unwrap_or(0);
                Standing::Value {
                    value: Fraction::new(i128::from(a) * 100, i128::from(t)),
                    numerator: a,
                    denominator: t,
                }
            }
        }
    };
    let per_sales = |others: &[Option<i64>], make: &dyn Fn(i64) -> (i128, i64)| match s.revenue.filter(|r| *r > 0) {
        Some(revenue) => {
            let (num, numerator) = make(revenue);
            Standing::Value {
                value: Fraction::new(num, i128::from(revenue)),
                numerator,
                denominator: revenue,
            }
        }
        None if nothing(others) && s.revenue.is_none() => Standing::NoData,
        None => Standing::NoSales,
    };
    match dim {
        Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement => achievement(s.revenue, s.sales_target),
        Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => achievement(s.orders, s.order_target),
        Dimension::TrackGrossMargin => per_sales(&[s.cost], &|revenue| {
            let margin = revenue - s.cost.unwrap_or(0);
            (i128::from(margin) * 100, margin)
        }),
        // Orders booked against the forecast frozen at the months' start; no freeze, no figure.
        Dimension::TrackForecastAccuracy => match s.forecast {
            None => Standing::NoData,
            Some(f) => {
                let actual = s.forecast_orders.unwrap_or(0);
                let (num, den) = super::forecast::accuracy(actual, f);
                Standing::Value {
                    value: Fraction::new(num, den),
                    numerator: f,
                    denominator: actual,
                }
            }
        },
        // Without an expense record there is no ratio (not a ratio of zero).
        Dimension::TrackExpenseRatio => match s.expenses {
            None => Standing::NoData,
            Some(e) => per_sales(&[Some(e)], &|_| (i128::from(e) * 1000, e)),
        },
        Dimension::TrackDso => match s.receivables {
            // Without a balance there is no DSO, whatever the sales.
            None => Standing::NoData,
            Some(r) => per_sales(&[Some(r)], &|_| (i128::from(r) * i128::from(days), r)),
        },
    }
}

/// Ranks rows best first: ties share a rank (1, 2, 2, 4); the rows without
/// a value come last, all with the rank after the last valued one, in the
/// order no target, no sales, no data. `key` orders equal rows (a name).
/// Returns the rank of each row, in the order given.
pub fn rank<K: Ord>(dim: Dimension, rows: &[(Standing, K)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| compare(dim, &rows[a], &rows[b]));
    let valued = rows.iter().filter(|(s, _)| s.value().is_some()).count();
    let mut ranks = vec![0; rows.len()];
    let mut previous: Option<Fraction> = None;
    let mut current = 0;
    for (position, &i) in order.iter().enumerate() {
        ranks[i] = match rows[i].0.value() {
            Some(v) => {
                if previous != Some(v) {
                    current = position + 1;
                    previous = Some(v);
                }
                current
            }
            None => valued + 1,
        };
    }
    ranks
}

/// The board's order of two rows: better value first, then rows without a
/// value, then `key`.
pub fn compare<K: Ord>(dim: Dimension, a: &(Standing, K), b: &(Standing, K)) -> Ordering {
    let by_value = match (a.0.value(), b.0.value()) {
        (Some(x), Some(y)) if dim.lower_is_better() => x.cmp(&y),
        (Some(x), Some(y)) => y.cmp(&x),
        _ => a.0.missing_order().cmp(&b.0.missing_order()),
    };
    by_value.then_with(|| a.1.cmp(&b.1))
}

/// A dimension's target line (达标线) in its unit, from the settings.
pub fn target_line(dim: Dimension, lines: &super::settings::BoardLines) -> f64 {
    match dim {
        Dimension::TrackSalesAchievement | Dimension::AccountManagerSalesAchievement => lines.sales_achievement_percent,
        Dimension::TrackOrderAchievement | Dimension::AccountManagerOrderAchievement => lines.order_achievement_percent,
        Dimension::TrackGrossMargin => lines.gross_margin_percent,
        Dimension::TrackForecastAccuracy => lines.forecast_accuracy_percent,
        Dimension::TrackExpenseRatio => lines.expense_per_mille,
        Dimension::TrackDso => lines.dso_days,
    }
}

/// 未达标: the value is on the wrong side of the target line (below it;
/// above it where lower is better). None for a row without a value: there
/// is nothing to judge.
pub fn not_reached(dim: Dimension, standing: &Standing, line: f64) -> Option<bool> {
    let v = standing.value()?.to_f64();
    Some(if dim.lower_is_better() { v > line } else { v < line })
}

/// The change of a value against the previous period's, in the
/// dimension's unit (percentage points, ‰, days); none when either has no value.
pub fn change(now: &Standing, before: &Standing) -> Option<f64> {
    Some(now.value()?.to_f64() - before.value()?.to_f64())
}

#[cfg(test)]
mod tests;
