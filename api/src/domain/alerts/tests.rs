use super::*;
use chrono_tz::Asia::Shanghai;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Midnight (start) of a Shanghai date, as UTC.
fn sh(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    calendar::start_of_day(NaiveDate::from_ymd_opt(y, m, d).unwrap(), Shanghai)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn base() -> Facts {
    Facts {
        status: OpportunityStatus::Active,
        stage: Stage::Quotation,
        business_line: BusinessLine::MoldingIntegrated,
        last_activity_at: utc("2026-11-20T01:00:00Z"),
        stage_entered_at: utc("2026-11-20T01:00:00Z"),
        secured_at: None,
        has_mold_number: false,
        restart_date: None,
        expected_order_month: None,
    }
}

fn at(as_of: &str) -> Cutoffs {
    cutoffs(utc(as_of), &Settings::default())
}

#[test]
fn no_follow_up_fires_from_the_fifteenth_natural_day() {
    // As of 09:00 on 23 Nov Shanghai: a follow-up on 9 Nov is 14 days ago, on 8 Nov 15.
    let c = at("2026-11-23T01:00:00Z");
    let cases = [
        (sh(2026, 11, 9), false),
        (sh(2026, 11, 9) - Duration::seconds(1), true), // 23:59:59 on 8 Nov
        (sh(2026, 11, 8), true),
    ];
    for (last, expected) in cases {
        let f = Facts {
            last_activity_at: last,
            ..base()
        };
        assert_eq!(condition(AlertRule::NoFollowUp, &f, &c), expected, "last follow-up {last}");
    }
    let secured = Facts {
        stage: Stage::Secured,
        last_activity_at: sh(2026, 1, 1),
        ..base()
    };
    assert!(!condition(AlertRule::NoFollowUp, &secured, &c), "secured deals are not followed up");
    let shelved = Facts {
        status: OpportunityStatus::Shelved,
        last_activity_at: sh(2026, 1, 1),
        ..base()
    };
    assert!(!condition(AlertRule::NoFollowUp, &shelved, &c));
}

#[test]
fn the_day_turns_at_midnight_in_shanghai_not_utc() {
    let f = Facts {
        last_activity_at: sh(2026, 11, 9),
        ..base()
    }; // 16:00 UTC on 8 Nov
    assert!(!condition(AlertRule::NoFollowUp, &f, &at("2026-11-23T15:59:59Z"))); // 23:59:59 on 23 Nov
    assert!(condition(AlertRule::NoFollowUp, &f, &at("2026-11-23T16:00:00Z"))); // 00:00 on 24 Nov
}

#[test]
fn stalled_initial_fires_after_more_than_fourteen_days() {
    let c = at("2026-11-23T01:00:00Z");
    for (entered, expected) in [(sh(2026, 11, 9), false), (sh(2026, 11, 9) - Duration::seconds(1), true)] {
        let f = Facts {
            stage: Stage::InitialIdentification,
            stage_entered_at: entered,
            ..base()
        };
        assert_eq!(condition(AlertRule::StalledInitial, &f, &c), expected, "entered {entered}");
    }
}

#[test]
fn calendar_month_rules_follow_chrono_month_arithmetic() {
    // Negotiation > 1 month: 31 Jan + 1 month = 28 Feb, so it fires on 1 Mar.
    let f = Facts {
        stage: Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 1, 31) + Duration::hours(10),
        ..base()
    };
    assert!(!condition(AlertRule::StalledNegotiation, &f, &at("2026-02-28T01:00:00Z")));
    assert!(condition(AlertRule::StalledNegotiation, &f, &at("2026-03-01T01:00:00Z")));
    // 30 April + 1 month = 30 May: fires on 31 May.
    let f = Facts {
        stage: Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 4, 30),
        ..base()
    };
    assert!(!condition(AlertRule::StalledNegotiation, &f, &at("2026-05-30T01:00:00Z")));
    assert!(condition(AlertRule::StalledNegotiation, &f, &at("2026-05-31T01:00:00Z")));
    // Quotation > 2 months: 15 Sep + 2 months = 15 Nov, fires on 16 Nov.
    let f = Facts {
        stage_entered_at: sh(2026, 9, 15),
        ..base()
    };
    assert!(!condition(AlertRule::StalledQuotation, &f, &at("2026-11-15T01:00:00Z")));
    assert!(condition(AlertRule::StalledQuotation, &f, &at("2026-11-16T01:00:00Z")));
    // Secured > 2 months without a mold number.
    let f = Facts {
        stage: Stage::Secured,
        secured_at: Some(sh(2026, 9, 15)),
        ..base()
    };
    assert!(condition(AlertRule::SecuredNoMold, &f, &at("2026-11-16T01:00:00Z")));
    let with_mold = Facts {
        has_mold_number: true,
        ..f
    };
    assert!(!condition(AlertRule::SecuredNoMold, &with_mold, &at("2026-11-16T01:00:00Z")));
}

#[test]
fn months_cutoff_is_the_start_of_the_first_date_that_has_not_lasted_long_enough() {
    assert_eq!(months_cutoff(date(2026, 3, 1), 1, Shanghai), sh(2026, 2, 1));
    assert_eq!(months_cutoff(date(2026, 2, 28), 1, Shanghai), sh(2026, 1, 28));
    assert_eq!(months_cutoff(date(2026, 5, 31), 1, Shanghai), sh(2026, 5, 1));
}

#[test]
fn shelve_restart_is_due_three_days_ahead() {
    let c = at("2026-11-23T01:00:00Z");
    for (restart, expected) in [(date(2026, 11, 26), true), (date(2026, 11, 27), false), (date(2026, 11, 20), true)] {
        let f = Facts {
            status: OpportunityStatus::Shelved,
            restart_date: Some(restart),
            ..base()
        };
        assert_eq!(condition(AlertRule::ShelveRestartDue, &f, &c), expected, "restart {restart}");
    }
}

#[test]
fn the_order_expectation_check_runs_on_the_25th_only() {
    let f = Facts {
        stage: Stage::DeepNegotiation,
        expected_order_month: Some(date(2026, 11, 1)),
        ..base()
    };
    assert!(!condition(AlertRule::OrderExpectedNotHPotential, &f, &at("2026-11-24T01:00:00Z")));
    assert!(condition(AlertRule::OrderExpectedNotHPotential, &f, &at("2026-11-25T01:00:00Z")));
    // 23:59 on the 24th in Shanghai is still the 24th; 00:00 is the 25th.
    assert!(!condition(AlertRule::OrderExpectedNotHPotential, &f, &at("2026-11-24T15:59:00Z")));
    assert!(condition(AlertRule::OrderExpectedNotHPotential, &f, &at("2026-11-24T16:00:00Z")));
    let at_h = Facts {
        stage: Stage::HPotential,
        ..f
    };
    assert!(!condition(
        AlertRule::OrderExpectedNotHPotential,
        &at_h,
        &at("2026-11-25T01:00:00Z")
    ));
    let commodity = Facts {
        business_line: BusinessLine::CommodityMold,
        ..f
    };
    assert!(!condition(
        AlertRule::OrderExpectedNotHPotential,
        &commodity,
        &at("2026-11-25T01:00:00Z")
    ));
    let next_month = Facts {
        expected_order_month: Some(date(2026, 12, 1)),
        ..f
    };
    assert!(!condition(
        AlertRule::OrderExpectedNotHPotential,
        &next_month,
        &at("2026-11-25T01:00:00Z")
    ));
}

#[test]
fn an_alert_fires_again_only_when_the_condition_holds_again_after_the_resolution() {
    let f = Facts {
        stage: Stage::DeepNegotiation,
        stage_entered_at: sh(2026, 8, 1),
        ..base()
    };
    let c = at("2026-11-23T01:00:00Z");
    assert!(fires(AlertRule::StalledNegotiation, &f, &Previous::default(), &c));
    assert!(!fires(
        AlertRule::StalledNegotiation,
        &f,
        &Previous {
            open: true,
            ..Default::default()
        },
        &c
    ));
    // Resolved (KEEP) on 1 Nov: another month must pass from the resolution.
    let prev = Previous {
        last_resolved_at: Some(sh(2026, 11, 1)),
        ..Default::default()
    };
    assert!(!fires(AlertRule::StalledNegotiation, &f, &prev, &c));
    assert!(fires(AlertRule::StalledNegotiation, &f, &prev, &at("2026-12-02T01:00:00Z")));
    // Date-bound rules: once per cycle.
    let shelved = Facts {
        status: OpportunityStatus::Shelved,
        restart_date: Some(date(2026, 11, 25)),
        ..base()
    };
    assert!(!fires(
        AlertRule::ShelveRestartDue,
        &shelved,
        &Previous {
            cycle_alerted: true,
            ..Default::default()
        },
        &c
    ));
    assert!(fires(AlertRule::ShelveRestartDue, &shelved, &Previous::default(), &c));
}
