//! Calendar arithmetic in the company time zone: natural days, calendar
//! months, "today".

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The company-local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The first instant of a company-local date, in UTC. Where a zone skips
/// midnight (DST), the first valid instant of that date.
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // Midnight does not exist that day: the first hour that does.
            (1..=3)
                .filter_map(|h| date.and_hms_opt(h, 0, 0))
                .find_map(|t| tz.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
        }
    }
}

/// Natural days between two instants, counted on the company calendar
/// (23:59 and the next 00:00 are one day apart).
pub fn natural_days_between(earlier: DateTime<Utc>, later: DateTime<Utc>, tz: Tz) -> i64 {
    (local_date(later, tz) - local_date(earlier, tz)).num_days()
}

/// The earliest instant whose company-local date lies fewer than `days`
/// natural days before `now`: follow-ups at or after it are "recent".
pub fn recent_cutoff(now: DateTime<Utc>, days: i64, tz: Tz) -> DateTime<Utc> {
    let today = local_date(now, tz);
    start_of_day(today - chrono::Duration::days(days - 1), tz)
}

/// Calendar-month arithmetic: 31 January + 1 month = 28/29 February.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// The first day of the month of `date`.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Parses `YYYY-MM` into the first day of that month.
pub fn parse_year_month(text: &str) -> Option<NaiveDate> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// Formats the month of `date` as `YYYY-MM`.
pub fn format_year_month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn local_midnight_in_shanghai_is_sixteen_hours_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(start_of_day(d, Shanghai), utc("2026-11-22T16:00:00Z"));
    }

    #[test]
    fn natural_days_count_company_calendar_days() {
        // 23:59 and 00:00 Shanghai are one natural day apart.
        let cases = [
            ("2026-11-22T15:59:00Z", "2026-11-22T16:00:00Z", 1),
            ("2026-11-22T16:00:00Z", "2026-11-23T15:59:59Z", 0),
            ("2026-11-08T16:00:00Z", "2026-11-23T01:00:00Z", 14),
            ("2026-11-08T15:59:59Z", "2026-11-23T01:00:00Z", 15),
        ];
        for (a, b, days) in cases {
            assert_eq!(natural_days_between(utc(a), utc(b), Shanghai), days, "{a} → {b}");
        }
    }

    #[test]
    fn recent_cutoff_keeps_exactly_the_last_n_natural_days() {
        let now = utc("2026-11-23T01:00:00Z"); // 09:00 on 23 Nov in Shanghai
        let cutoff = recent_cutoff(now, 15, Shanghai);
        // 9 Nov 00:00 Shanghai: 14 days ago still counts, 8 Nov does not.
        assert_eq!(cutoff, utc("2026-11-08T16:00:00Z"));
        assert_eq!(natural_days_between(cutoff, now, Shanghai), 14);
    }

    #[test]
    fn calendar_months_clamp_to_the_end_of_shorter_months() {
        let cases = [
            ((2026, 1, 31), 1, (2026, 2, 28)),
            ((2028, 1, 31), 1, (2028, 2, 29)),
            ((2026, 3, 31), 2, (2026, 5, 31)),
            ((2026, 12, 15), 2, (2027, 2, 15)),
        ];
        for ((y, m, d), months, (ey, em, ed)) in cases {
            let got = add_months(NaiveDate::from_ymd_opt(y, m, d).unwrap(), months);
            assert_eq!(got, NaiveDate::from_ymd_opt(ey, em, ed).unwrap());
        }
    }

    #[test]
    fn year_months_parse_strictly() {
        assert_eq!(parse_year_month("2026-03"), NaiveDate::from_ymd_opt(2026, 3, 1));
        for bad in ["2026-3", "2026-13", "26-03", "2026/03", "", "2026-03-01"] {
            assert_eq!(parse_year_month(bad), None, "{bad}");
        }
        assert_eq!(format_year_month(NaiveDate::from_ymd_opt(2026, 3, 17).unwrap()), "2026-03");
    }
}
