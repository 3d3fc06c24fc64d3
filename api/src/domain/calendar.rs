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

/// Calendar-month arithmetic backwards: 31 March − 1 month = 28/29 February.
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
}

/// The first day of the month of `date`.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Parses `YYYY-MM` into the first day of that month.
pub fn parse_year_month(text: &str) -> Option<NaiveDate> {
    let b = text.trim().as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit()) {
        return None;
    }
    let (y, m) = text.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1).filter(|d| in_window(*d))
}

/// The first and last years a date from outside may name.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;
/// How a date from outside must look.
pub const DATE_FORM: &str = "expected a date as YYYY-MM-DD between 2000-01-01 and 2100-12-31";

/// True when the date lies in the years a client may name (2000–2100).
pub fn in_window(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// A date in its strict ISO form, `YYYY-MM-DD`, inside the window: no sign,
/// no five-digit year, no one-digit month or day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|d| in_window(*d))
}

/// True when an instant from outside lies in the window (2000–2100, UTC).
pub fn instant_in_window(at: DateTime<Utc>) -> bool {
    in_window(at.date_naive())
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
        for bad in [
            "2026-3",
            "2026-13",
            "26-03",
            "2026/03",
            "",
            "2026-03-01",
            "0000-01",
            "1999-12",
            "2101-01",
            "+202-01",
        ] {
            assert_eq!(parse_year_month(bad), None, "{bad}");
        }
        assert_eq!(format_year_month(NaiveDate::from_ymd_opt(2026, 3, 17).unwrap()), "2026-03");
    }
}

#[cfg(test)]
mod strict_dates {
    use super::*;

    #[test]
    fn only_the_strict_iso_form_inside_the_window_is_a_date() {
        assert_eq!(parse_date("2026-01-01"), NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(parse_date("2100-12-31"), NaiveDate::from_ymd_opt(2100, 12, 31));
        for bad in [
            "+10000-01-01",
            "2026-1-1",
            "2026-01-1",
            "1999-12-31",
            "2101-01-01",
            "2026-02-30",
            "２０２６-01-01",
            "2026-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
