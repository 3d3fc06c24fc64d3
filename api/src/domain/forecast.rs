//! The two-version forecast (`DOMAIN.md` section 4): the subjective
//! forecast (主观版, every open opportunity's expected order month and
//! amount) and the precision forecast (精准版, only opportunities at
//! `H_POTENTIAL` or later), frozen per track and account manager at each
//! month's start; a `FORECAST_GAP` when, for a track and month, the
//! precision forecast is below the subjective one; and the forecast
//! accuracy that fills the ranking board's sixth dimension.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use entity::Stage;

/// The stages a precision forecast is made of: `H_POTENTIAL` or later.
pub const PRECISION_STAGES: [Stage; 2] = [Stage::HPotential, Stage::Secured];

/// The stages a subjective forecast is made of: every stage of a deal not
/// yet ordered, a secured one included (its order may fall in the month).
pub const SUBJECTIVE_STAGES: [Stage; 5] = [
    Stage::InitialIdentification,
    Stage::Quotation,
    Stage::DeepNegotiation,
    Stage::HPotential,
    Stage::Secured,
];

/// The month whose forecast is due to be frozen at `now`: this month, from
/// the scan hour of its first day (or any later day of it, when no process
/// ran on the first), unless `last` (the latest month frozen) is this one.
/// A month gone by is not frozen afterwards: its start has passed.
pub fn freeze_due_at(now: DateTime<Utc>, tz: chrono_tz::Tz, scan_hour: u32, last: Option<NaiveDate>) -> Option<NaiveDate> {
    let local = now.with_timezone(&tz);
    let today = local.date_naive();
    let month = super::calendar::month_start(today);
    if today == month && local.hour() < scan_hour.min(23) {
        return None;
    }
    last.is_none_or(|l| l < month).then_some(month)
}

/// A rolling forecast as its history keeps it: `YYYY-MM|yuan` (`None`: none given).
pub fn rolling_value(month: Option<NaiveDate>, cents: Option<i64>) -> Option<String> {
    if month.is_none() && cents.is_none() {
        return None;
    }
    let month = month.map(super::calendar::format_year_month).unwrap_or_default();
    let amount = cents.map(super::money::format_yuan).unwrap_or_default();
    Some(format!("{month}|{amount}"))
}

/// A precision forecast as its history keeps it: `YYYY-MM-DD|yuan` (`None`: none given).
pub fn precision_value(date: Option<NaiveDate>, cents: Option<i64>) -> Option<String> {
    if date.is_none() && cents.is_none() {
        return None;
    }
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    let amount = cents.map(super::money::format_yuan).unwrap_or_default();
    Some(format!("{date}|{amount}"))
}

/// `FORECAST_GAP`: the precision forecast is below the subjective one.
pub fn gap(subjective: i64, precision: i64) -> bool {
    precision < subjective
}

/// Forecast accuracy (预测准确率) as a percentage `num / den`:
/// max(0, 1 − |actual − forecast| ÷ actual) × 100, and 100 % when both are
/// zero. Nothing booked against a forecast is 0 %.
pub fn accuracy(actual: i64, forecast: i64) -> (i128, i128) {
    let (a, f) = (i128::from(actual), i128::from(forecast));
    if a <= 0 {
        return if a == 0 && f == 0 { (100, 1) } else { (0, 1) };
    }
    let off = (a - f).abs();
    ((a - off).max(0) * 100, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(actual: i64, forecast: i64) -> f64 {
        let (n, d) = accuracy(actual, forecast);
        n as f64 / d as f64
    }

    #[test]
    fn accuracy_is_one_minus_the_relative_miss_floored_at_zero() {
        assert_eq!(pct(100, 100), 100.0);
        assert_eq!(pct(100, 80), 80.0);
        assert_eq!(pct(100, 120), 80.0);
        assert_eq!(pct(100, 250), 0.0);
        assert_eq!(pct(100, 0), 0.0);
        assert_eq!(pct(0, 0), 100.0);
        assert_eq!(pct(0, 50), 0.0);
        assert_eq!(pct(3, 2), 200.0 / 3.0);
    }

    #[test]
    fn forecasts_are_kept_as_month_or_date_and_yuan() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert_eq!(rolling_value(dec, Some(12_345_600)).as_deref(), Some("2026-12|123456.00"));
        assert_eq!(rolling_value(None, None), None);
        let day = NaiveDate::from_ymd_opt(2026, 12, 15);
        assert_eq!(precision_value(day, Some(5)).as_deref(), Some("2026-12-15|0.05"));
    }

    #[test]
    fn a_gap_is_a_precision_forecast_short_of_the_subjective_one() {
        assert!(gap(100, 99));
        assert!(!gap(100, 100));
        assert!(!gap(0, 0));
        assert!(!gap(50, 80));
    }

    #[test]
    fn the_freeze_is_due_from_the_first_days_scan_hour_and_caught_up_within_the_month() {
        let tz = chrono_tz::Asia::Shanghai;
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 00:30 on 1 December in Shanghai, before the 01:00 scan hour.
        assert_eq!(freeze_due_at(at("2026-11-30T16:30:00Z"), tz, 1, Some(nov)), None);
        assert_eq!(freeze_due_at(at("2026-11-30T17:00:00Z"), tz, 1, Some(nov)), Some(dec));
        assert_eq!(freeze_due_at(at("2026-11-30T17:00:00Z"), tz, 1, Some(dec)), None);
        // Down on the first: caught up on the 5th, for December (November's start is gone).
        assert_eq!(
            freeze_due_at(
                at("2026-12-05T02:00:00Z"),
                tz,
                1,
                Some(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
            ),
            Some(dec)
        );
        assert_eq!(freeze_due_at(at("2026-12-05T02:00:00Z"), tz, 1, None), Some(dec));
    }
}
