use super::*;
use chrono_tz::Asia::Shanghai;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn nine() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap()
}

#[test]
fn weekly_occurrences_fall_on_the_weekday_in_company_time() {
    // Monday 09:00 Shanghai is 01:00 UTC; asked on a Monday at 10:00 Shanghai, the next is a week on.
    let rule = Recurrence::Weekly {
        weekday: Weekday::Mon,
        time: nine(),
    };
    let got = occurrences(rule, t("2026-11-23T02:00:00Z"), 3, Shanghai);
    assert_eq!(
        got,
        vec![t("2026-11-30T01:00:00Z"), t("2026-12-07T01:00:00Z"), t("2026-12-14T01:00:00Z")]
    );
    // Sunday 23:30 UTC is already Monday 07:30 in Shanghai: that Monday's 09:00 comes first.
    let got = occurrences(rule, t("2026-11-29T23:30:00Z"), 1, Shanghai);
    assert_eq!(got, vec![t("2026-11-30T01:00:00Z")]);
    // Early in the morning Shanghai time (the previous UTC day) counts as the Shanghai day.
    let early = Recurrence::Weekly {
        weekday: Weekday::Tue,
        time: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
    };
    assert_eq!(
        occurrences(early, t("2026-11-30T00:00:00Z"), 1, Shanghai),
        vec![t("2026-11-30T23:00:00Z")]
    );
}

#[test]
fn monthly_occurrences_cross_month_and_year_ends() {
    let first_tuesday = Recurrence::MonthlyNth {
        nth: 1,
        weekday: Weekday::Tue,
        time: nine(),
    };
    let got = occurrences(first_tuesday, t("2026-11-04T00:00:00Z"), 3, Shanghai);
    assert_eq!(
        got,
        vec![t("2026-12-01T01:00:00Z"), t("2027-01-05T01:00:00Z"), t("2027-02-02T01:00:00Z")]
    );
    let last_friday = Recurrence::MonthlyLast {
        weekday: Weekday::Fri,
        time: nine(),
    };
    let got = occurrences(last_friday, t("2027-01-30T00:00:00Z"), 2, Shanghai);
    assert_eq!(got, vec![t("2027-02-26T01:00:00Z"), t("2027-03-26T01:00:00Z")]);
    // A zone with DST: 02:30 on the spring-forward day does not exist, so 03:30.
    let ny = chrono_tz::America::New_York;
    let d = NaiveDate::from_ymd_opt(2027, 3, 14).unwrap();
    assert_eq!(
        at_local(d, NaiveTime::from_hms_opt(2, 30, 0).unwrap(), ny),
        t("2027-03-14T07:30:00Z")
    );
}

#[test]
fn entry_windows_and_their_boundaries() {
    let start = t("2026-12-01T01:00:00Z"); // 09:00 Shanghai
    let monthly = entry_window(MeetingKind::MonthlySupervision, start, Shanghai);
    assert_eq!(monthly.opens, t("2026-11-30T16:00:00Z"));
    assert_eq!(monthly.closes, t("2026-12-01T16:00:00Z"));
    assert!(monthly.refuses(t("2026-12-01T15:59:59Z"), Shanghai).is_none());
    assert_eq!(
        monthly.refuses(t("2026-12-01T16:00:00Z"), Shanghai).unwrap(),
        "the window to record tasks of this meeting closed at 2026-12-02 00:00"
    );
    assert!(monthly.refuses(t("2026-11-30T15:59:59Z"), Shanghai).is_some());
    let weekly = entry_window(MeetingKind::TrackWeekly, start, Shanghai);
    assert!(weekly.refuses(t("2026-12-02T00:59:59Z"), Shanghai).is_none());
    assert_eq!(
        weekly.refuses(t("2026-12-02T01:00:00Z"), Shanghai).unwrap(),
        "the window to record tasks of this meeting closed at 2026-12-02 09:00"
    );
    assert!(weekly.refuses(t("2026-12-01T00:59:59Z"), Shanghai).is_some());
}

#[test]
fn decisions_wait_for_the_opening() {
    let start = t("2026-12-01T01:00:00Z"); // 09:00 Shanghai
    let monthly = decision_window(MeetingKind::MonthlySupervision, start, Shanghai);
    // The day's entry window opened at midnight; decisions wait for 09:00.
    assert_eq!(
        monthly.refuses_decision(t("2026-12-01T00:59:59Z"), Shanghai).unwrap(),
        "decisions are taken once the meeting has opened, at 2026-12-01 09:00"
    );
    assert!(monthly.refuses_decision(start, Shanghai).is_none());
    assert!(monthly.refuses_decision(t("2026-12-01T15:59:59Z"), Shanghai).is_none());
    assert!(monthly.refuses_decision(t("2026-12-01T16:00:00Z"), Shanghai).is_some());
    let weekly = decision_window(MeetingKind::TrackWeekly, start, Shanghai);
    assert!(weekly.refuses_decision(t("2026-12-01T00:59:59Z"), Shanghai).is_some());
    assert!(weekly.refuses_decision(t("2026-12-02T00:59:59Z"), Shanghai).is_none());
    assert!(weekly.refuses_decision(t("2026-12-02T01:00:00Z"), Shanghai).is_some());
}

#[test]
fn a_report_changes_by_itself_when_a_task_falls_overdue_or_the_meeting_starts() {
    let now = t("2026-12-06T02:00:00Z");
    let start = t("2026-12-07T01:00:00Z");
    let due = t("2026-12-06T20:00:00Z");
    let tasks = [
        (TaskStatus::Pending, Some(t("2026-12-05T01:00:00Z"))), // overdue already
        (TaskStatus::Done, Some(t("2026-12-06T03:00:00Z"))),    // done: never overdue
        (TaskStatus::Pending, Some(due)),
        (TaskStatus::Pending, None),
    ];
    assert_eq!(report_changes_at(now, start, tasks), Some(due));
    assert!(!overdue(TaskStatus::Pending, Some(due), due - Duration::microseconds(1)));
    assert!(overdue(TaskStatus::Pending, Some(due), due));
    assert_eq!(report_changes_at(now, start, tasks[..2].to_vec()), Some(start));
    assert_eq!(report_changes_at(start, start, tasks[..2].to_vec()), None);
}

#[test]
fn quarterly_counts_and_rates() {
    let due = Some(t("2026-12-07T01:00:00Z"));
    let mut all = TaskCounts::default();
    for c in [
        TaskCounts::of(TaskStatus::Done, Some(t("2026-12-07T01:00:00Z")), due, false),
        TaskCounts::of(TaskStatus::Done, Some(t("2026-12-07T01:00:01Z")), due, true),
        TaskCounts::of(TaskStatus::Pending, None, due, true),
        TaskCounts::of(TaskStatus::Cancelled, None, due, true),
    ] {
        all.add(&c);
    }
    assert_eq!(
        all,
        TaskCounts {
            counted: 3,
            cancelled: 1,
            done_on_time: 1,
            done_late: 1,
            pending: 1,
            escalated: 2
        }
    );
    assert_eq!(all.completion_rate().map(|r| (r * 100.0).round() / 100.0), Some(33.33));
    assert_eq!(all.escalation_rate().map(|r| (r * 100.0).round() / 100.0), Some(66.67));
    assert_eq!(TaskCounts::default().completion_rate(), None);
    assert!(done_on_time(TaskStatus::Done, Some(t("2027-01-01T00:00:00Z")), None));
}

#[test]
fn owners_due_dates_and_overdue() {
    use MeetingKind::*;
    assert!(owner_problem(MonthlySupervision, Role::TrackDirector, true, true).is_none());
    assert!(owner_problem(MonthlySupervision, Role::AccountManager, true, true).is_some());
    assert!(owner_problem(MonthlySupervision, Role::TrackDirector, true, false).is_some());
    assert!(owner_problem(TrackWeekly, Role::AccountManager, true, true).is_none());
    assert!(owner_problem(TrackWeekly, Role::AccountManager, false, true).is_some());
    assert!(owner_problem(TrackWeekly, Role::TrackDirector, true, true).is_some());
    let m = t("2026-12-01T01:00:00Z");
    let series = [t("2026-11-01T01:00:00Z"), m, t("2027-01-05T01:00:00Z"), t("2026-12-20T01:00:00Z")];
    assert_eq!(due_at(m, &series), Some(t("2026-12-20T01:00:00Z")));
    assert_eq!(due_at(t("2027-01-05T01:00:00Z"), &series), None);
    let due = Some(t("2026-12-20T01:00:00Z"));
    assert!(!overdue(TaskStatus::Pending, due, t("2026-12-20T00:59:59Z")));
    assert!(overdue(TaskStatus::Pending, due, t("2026-12-20T01:00:00Z")));
    assert!(!overdue(TaskStatus::Done, due, t("2027-01-01T00:00:00Z")));
    assert!(!overdue(TaskStatus::Pending, None, t("2027-01-01T00:00:00Z")));
}

#[test]
fn a_meeting_reviews_its_series_earlier_tasks_and_a_monthly_one_the_escalated_weekly_ones() {
    use MeetingKind::{MonthlySupervision, TrackWeekly};
    let at = |kind, series, when: &str| MeetingAt {
        kind,
        series,
        starts_at: t(when),
    };
    let monthly = at(MonthlySupervision, "MONTHLY_SUPERVISION", "2026-12-01T01:00:00Z");
    let earlier_monthly = at(MonthlySupervision, "MONTHLY_SUPERVISION", "2026-11-03T01:00:00Z");
    let weekly = at(TrackWeekly, "TRACK_WEEKLY:1", "2026-11-23T01:00:00Z");
    let later_weekly = at(TrackWeekly, "TRACK_WEEKLY:1", "2026-11-30T01:00:00Z");
    let other_track = at(TrackWeekly, "TRACK_WEEKLY:2", "2026-11-30T01:00:00Z");
    assert!(reviews(monthly, earlier_monthly, false));
    assert!(!reviews(earlier_monthly, monthly, false), "not a later meeting's tasks");
    assert!(!reviews(monthly, monthly, false), "not its own tasks");
    assert!(reviews(later_weekly, weekly, false));
    assert!(!reviews(other_track, weekly, true), "not another track's");
    assert!(
        !reviews(monthly, weekly, false),
        "a weekly task reaches the monthly meeting escalated"
    );
    assert!(reviews(monthly, weekly, true));
    assert!(!reviews(later_weekly, earlier_monthly, true));
    assert!(decision_problem(TaskStatus::Pending).is_none());
    assert!(decision_problem(TaskStatus::Done).is_some());
    assert!(decision_problem(TaskStatus::Cancelled).is_some());
}
