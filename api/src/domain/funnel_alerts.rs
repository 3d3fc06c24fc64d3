//! Funnel alerts (漏斗健康度告警) and their tasks: when the month-end check
//! runs, which tracks it alerts, what an attribution needs, and when an
//! add / reactivate task is done.

use super::health::Health;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use entity::{FunnelAttribution, OpportunityStatus};

/// The last day of `date`'s month.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    super::calendar::add_months(super::calendar::month_start(date), 1)
        .pred_opt()
        .unwrap_or(date)
}

/// The month-end the check is due for at company time `local` (a date and
/// an hour), the last one it ran for being `last`: on a month's last day
/// from the scan hour, that day; on any later day, the latest month-end
/// gone by — a check missed while no process ran is caught up, once. A
/// company that never ran it starts at the next month-end (no check of a
/// month before the first run).
pub fn check_due(local_date: NaiveDate, local_hour: u32, scan_hour: u32, last: Option<NaiveDate>) -> Option<NaiveDate> {
    let at_end_today = local_date == month_end(local_date) && local_hour >= scan_hour.min(23);
    let latest = if at_end_today {
        local_date
    } else {
        super::calendar::month_start(local_date).pred_opt()?
    };
    match last {
        None => at_end_today.then_some(latest),
        Some(l) if l < latest => Some(latest),
        Some(_) => None,
    }
}

/// [`check_due`] at an instant, in the company's time zone.
pub fn check_due_at(now: DateTime<Utc>, tz: chrono_tz::Tz, scan_hour: u32, last: Option<NaiveDate>) -> Option<NaiveDate> {
    let local = now.with_timezone(&tz);
    check_due(local.date_naive(), local.hour(), scan_hour, last)
}

/// The instant a check of the month ending `month_end` reads the funnel
/// at: now, or the month's last instant when the check is caught up later.
pub fn figures_at(now: DateTime<Utc>, month_end: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let next_day = month_end.succ_opt().unwrap_or(month_end);
    now.min(super::calendar::start_of_day(next_day, tz) - chrono::Duration::seconds(1))
}

/// A track is alerted when its coverage or its conversion is below its line
/// (no target, a target met or no outcome yet is not an alert).
pub fn alerts(coverage: Health, conversion: Health) -> bool {
    coverage == Health::Below || conversion == Health::Below
}

/// The first day of the month a check at `month_end` is about.
pub fn month_of(month_end: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(month_end.year(), month_end.month(), 1).unwrap_or(month_end)
}

/// An attribution's text: required for `OTHER` (其他（填写说明）), optional otherwise.
pub fn text_required(a: FunnelAttribution) -> bool {
    a == FunnelAttribution::Other
}

/// A deal may be named for reactivation when it is shelved, or open but not
/// followed up since `active_since` (不活跃).
pub fn reactivatable(status: OpportunityStatus, last_activity_at: DateTime<Utc>, active_since: DateTime<Utc>) -> bool {
    match status {
        OpportunityStatus::Shelved => true,
        OpportunityStatus::Active => last_activity_at < active_since,
        OpportunityStatus::Lost => false,
    }
}

/// A reactivation is done when the deal is open again and followed up since the task was given.
pub fn reactivated(status: OpportunityStatus, last_activity_at: DateTime<Utc>, task_created_at: DateTime<Utc>) -> bool {
    status == OpportunityStatus::Active && last_activity_at >= task_created_at
}

/// Most tasks one funnel alert is answered with (a track has about 20 account managers).
pub const MAX_TASKS_PER_ALERT: i32 = 20;

/// Most new opportunities one task may ask for.
pub const MAX_ADD_COUNT: i32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_up_check_reads_the_funnel_at_its_months_last_instant() {
        let tz = chrono_tz::Asia::Shanghai;
        let jan_2: DateTime<Utc> = "2027-01-02T02:00:00Z".parse().unwrap();
        let last: DateTime<Utc> = "2026-12-31T15:59:59Z".parse().unwrap();
        assert_eq!(figures_at(jan_2, d(2026, 12, 31), tz), last);
        let on_the_day: DateTime<Utc> = "2026-12-31T02:00:00Z".parse().unwrap();
        assert_eq!(figures_at(on_the_day, d(2026, 12, 31), tz), on_the_day);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_check_runs_on_the_last_day_from_the_scan_hour_and_catches_up_once() {
        let scan = 1;
        // Never ran: only at a month's end.
        assert_eq!(check_due(d(2026, 11, 29), 12, scan, None), None);
        assert_eq!(check_due(d(2026, 11, 30), 0, scan, None), None);
        assert_eq!(check_due(d(2026, 11, 30), 1, scan, None), Some(d(2026, 11, 30)));
        assert_eq!(check_due(d(2026, 12, 1), 0, scan, None), None);
        // 23:59 on the last day, then 00:00 the next: due once.
        assert_eq!(check_due(d(2026, 11, 30), 23, scan, None), Some(d(2026, 11, 30)));
        assert_eq!(check_due(d(2026, 12, 1), 0, scan, Some(d(2026, 11, 30))), None);
        // Down over the end of December: caught up on 3 January, then not again.
        assert_eq!(check_due(d(2027, 1, 3), 9, scan, Some(d(2026, 11, 30))), Some(d(2026, 12, 31)));
        assert_eq!(check_due(d(2027, 1, 3), 10, scan, Some(d(2026, 12, 31))), None);
        // February's end, a leap year's too; a scan hour past 23 runs at 23.
        assert_eq!(check_due(d(2027, 2, 28), 5, scan, Some(d(2027, 1, 31))), Some(d(2027, 2, 28)));
        assert_eq!(check_due(d(2028, 2, 28), 5, scan, Some(d(2028, 1, 31))), None);
        assert_eq!(check_due(d(2028, 2, 29), 23, 30, Some(d(2028, 1, 31))), Some(d(2028, 2, 29)));
    }

    #[test]
    fn in_shanghai_time_the_last_day_starts_at_16_00_utc_the_day_before() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 30 November 23:59 Shanghai = 15:59 UTC: due. 1 December 00:00 Shanghai: November's, caught up.
        assert_eq!(check_due_at(at("2026-11-30T15:59:00Z"), tz, 1, None), Some(d(2026, 11, 30)));
        assert_eq!(
            check_due_at(at("2026-11-30T16:00:00Z"), tz, 1, Some(d(2026, 10, 31))),
            Some(d(2026, 11, 30))
        );
        assert_eq!(check_due_at(at("2026-11-30T16:00:00Z"), tz, 1, Some(d(2026, 11, 30))), None);
        // 30 November 00:30 Shanghai (29 November UTC): before the scan hour.
        assert_eq!(check_due_at(at("2026-11-29T16:30:00Z"), tz, 1, None), None);
    }

    #[test]
    fn an_alert_needs_a_figure_below_its_line() {
        assert!(alerts(Health::Below, Health::Ok));
        assert!(alerts(Health::NoTarget, Health::Below));
        assert!(!alerts(Health::Reached, Health::NoData));
        assert!(!alerts(Health::Ok, Health::Ok));
        assert_eq!(month_of(d(2026, 2, 28)), d(2026, 2, 1));
        assert_eq!(month_end(d(2028, 2, 3)), d(2028, 2, 29));
    }

    #[test]
    fn what_may_be_reactivated_and_when_it_is() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let cutoff = at("2026-11-16T16:00:00Z");
        assert!(reactivatable(OpportunityStatus::Shelved, at("2026-11-30T00:00:00Z"), cutoff));
        assert!(reactivatable(OpportunityStatus::Active, at("2026-11-16T15:59:59Z"), cutoff));
        assert!(!reactivatable(OpportunityStatus::Active, cutoff, cutoff));
        assert!(!reactivatable(OpportunityStatus::Lost, at("2026-01-01T00:00:00Z"), cutoff));
        let given = at("2026-12-01T02:00:00Z");
        assert!(reactivated(OpportunityStatus::Active, given, given));
        assert!(!reactivated(OpportunityStatus::Active, at("2026-12-01T01:59:59Z"), given));
        assert!(!reactivated(OpportunityStatus::Shelved, at("2026-12-02T00:00:00Z"), given));
    }
}
