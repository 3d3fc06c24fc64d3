//! The seven opportunity-anomaly rules (单笔商机异常), as pure functions.
//!
//! The scan turns each rule into one set-based SQL statement; the instants
//! and dates it compares against come from [`Cutoffs`], computed here, so the
//! SQL and [`fires`] decide alike. Every threshold is configuration.
//!
//! Re-firing: a rule fires again for an opportunity only when its condition
//! holds again measured from the later of its natural start and the
//! resolution of the previous alert of that rule. For the time-bound rules
//! that means both the natural start and that resolution lie before the
//! cutoff. For the date-bound rules (restart due, the 25th) the condition
//! is one date — the restart date, the expected month — so one alert per
//! such date: re-shelving with a new restart date, or next month, fires anew.

use super::calendar;
use super::settings::Settings;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entity::{AlertRule, AlertStatus, BusinessLine, OpportunityStatus, Stage};

/// The instants and dates a scan at `as_of` compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub as_of: DateTime<Utc>,
    pub today: NaiveDate,
    /// `NO_FOLLOW_UP`: last follow-up before this (≥ N natural days ago).
    pub no_follow_up: DateTime<Utc>,
    /// `STALLED_INITIAL`: entered before this (> N days ago).
    pub stalled_initial: DateTime<Utc>,
    /// `STALLED_QUOTATION`: entered before this (> N calendar months ago).
    pub stalled_quotation: DateTime<Utc>,
    /// `STALLED_NEGOTIATION`: entered before this.
    pub stalled_negotiation: DateTime<Utc>,
    /// `SECURED_NO_MOLD`: secured before this.
    pub secured_no_mold: DateTime<Utc>,
    /// `SHELVE_RESTART_DUE`: restart date on or before this (today + lead days).
    pub restart_due_by: NaiveDate,
    /// `ORDER_EXPECTED_NOT_H_POTENTIAL`: this month, only on the check day.
    pub expected_month: Option<NaiveDate>,
}

/// The first instant that is *not* more than `months` calendar months
/// before `today`: a stage entered (a deal secured) before it has lasted
/// longer than that. 31 January + 1 month = 28 February, so on 1 March a
/// deal entered on 29–31 January has lasted more than a month.
pub fn months_cutoff(today: NaiveDate, months: u32, tz: chrono_tz::Tz) -> DateTime<Utc> {
    // The set of dates d with d + months < today is a prefix of the calendar;
    // walk up to its last element from safely below it.
    let mut d = today - Duration::days(31 * i64::from(months) + 7);
    while calendar::add_months(d + Duration::days(1), months) < today {
        d += Duration::days(1);
    }
    calendar::start_of_day(d + Duration::days(1), tz)
}

/// Natural days: more than `days` days ago (by the company calendar).
fn more_than_days(today: NaiveDate, days: i64, tz: chrono_tz::Tz) -> DateTime<Utc> {
    calendar::start_of_day(today - Duration::days(days), tz)
}

pub fn cutoffs(as_of: DateTime<Utc>, s: &Settings) -> Cutoffs {
    let tz = s.timezone;
    let today = calendar::local_date(as_of, tz);
    Cutoffs {
        as_of,
        today,
        // ≥ N natural days without follow-up: the last one before (today − N + 1).
        no_follow_up: calendar::start_of_day(today - Duration::days(s.no_follow_up_days - 1), tz),
        stalled_initial: more_than_days(today, s.stalled_initial_days, tz),
        stalled_quotation: months_cutoff(today, s.stalled_quotation_months, tz),
        stalled_negotiation: months_cutoff(today, s.stalled_negotiation_months, tz),
        secured_no_mold: months_cutoff(today, s.secured_no_mold_months, tz),
        restart_due_by: today + Duration::days(s.shelve_restart_lead_days),
        expected_month: (today.day() == s.order_expected_check_day).then(|| calendar::month_start(today)),
    }
}

/// What the rules look at on one opportunity.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub status: OpportunityStatus,
    pub stage: Stage,
    pub business_line: BusinessLine,
    pub last_activity_at: DateTime<Utc>,
    pub stage_entered_at: DateTime<Utc>,
    pub secured_at: Option<DateTime<Utc>>,
    pub has_mold_number: bool,
    pub restart_date: Option<NaiveDate>,
    pub expected_order_month: Option<NaiveDate>,
}

/// Whether the rule's condition holds at the cutoffs (ignoring earlier alerts).
pub fn condition(rule: AlertRule, f: &Facts, c: &Cutoffs) -> bool {
    let active = f.status == OpportunityStatus::Active;
    match rule {
        AlertRule::NoFollowUp => active && f.stage != Stage::Secured && f.last_activity_at < c.no_follow_up,
        AlertRule::StalledInitial => active && f.stage == Stage::InitialIdentification && f.stage_entered_at < c.stalled_initial,
        AlertRule::StalledQuotation => active && f.stage == Stage::Quotation && f.stage_entered_at < c.stalled_quotation,
        AlertRule::StalledNegotiation => active && f.stage == Stage::DeepNegotiation && f.stage_entered_at < c.stalled_negotiation,
        AlertRule::SecuredNoMold => {
            f.status != OpportunityStatus::Lost
                && f.stage == Stage::Secured
                && !f.has_mold_number
                && f.secured_at.is_some_and(|at| at < c.secured_no_mold)
        }
        AlertRule::ShelveRestartDue => f.status == OpportunityStatus::Shelved && f.restart_date.is_some_and(|d| d <= c.restart_due_by),
        AlertRule::OrderExpectedNotHPotential => {
            active
                && f.business_line == BusinessLine::MoldingIntegrated
                && f.stage < Stage::HPotential
                && c.expected_month.is_some_and(|m| f.expected_order_month == Some(m))
        }
    }
}

/// The time-bound cutoff of a rule, if it is time-bound.
pub fn time_cutoff(rule: AlertRule, c: &Cutoffs) -> Option<DateTime<Utc>> {
    match rule {
        AlertRule::NoFollowUp => Some(c.no_follow_up),
        AlertRule::StalledInitial => Some(c.stalled_initial),
        AlertRule::StalledQuotation => Some(c.stalled_quotation),
        AlertRule::StalledNegotiation => Some(c.stalled_negotiation),
        AlertRule::SecuredNoMold => Some(c.secured_no_mold),
        AlertRule::ShelveRestartDue | AlertRule::OrderExpectedNotHPotential => None,
    }
}

/// The cycle a date-bound alert belongs to.
pub fn cycle_date(rule: AlertRule, f: &Facts, c: &Cutoffs) -> Option<NaiveDate> {
    match rule {
        AlertRule::ShelveRestartDue => f.restart_date,
        AlertRule::OrderExpectedNotHPotential => c.expected_month,
        _ => None,
    }
}

/// What is known of the earlier alerts of this rule on this opportunity.
#[derive(Debug, Clone, Copy, Default)]
pub struct Previous {
    pub open: bool,
    /// Resolution time of the latest resolved alert.
    pub last_resolved_at: Option<DateTime<Utc>>,
    /// Whether an alert was already raised for the current cycle.
    pub cycle_alerted: bool,
}

/// Whether the rule raises a new alert now.
pub fn fires(rule: AlertRule, f: &Facts, prev: &Previous, c: &Cutoffs) -> bool {
    if prev.open || !condition(rule, f, c) {
        return false;
    }
    match time_cutoff(rule, c) {
        Some(cut) => prev.last_resolved_at.is_none_or(|r| r < cut),
        None => !prev.cycle_alerted,
    }
}

/// When an alert raised at `raised_at` is due.
pub fn due_at(raised_at: DateTime<Utc>, s: &Settings) -> DateTime<Utc> {
    raised_at + Duration::days(s.alert_due_days)
}

/// When a resolution at `resolved_at` must be reviewed.
pub fn review_due_at(resolved_at: DateTime<Utc>, s: &Settings) -> DateTime<Utc> {
    resolved_at + Duration::days(s.review_due_days)
}

/// The instant a time-bound rule measures from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The last follow-up.
    LastActivity,
    /// The entry into the current stage.
    StageEntered,
    /// The securing of the deal.
    Secured,
}

/// What the rule measures from, if it is time-bound.
pub const fn measured_from(rule: AlertRule) -> Option<Measure> {
    match rule {
        AlertRule::NoFollowUp => Some(Measure::LastActivity),
        AlertRule::StalledInitial | AlertRule::StalledQuotation | AlertRule::StalledNegotiation => Some(Measure::StageEntered),
        AlertRule::SecuredNoMold => Some(Measure::Secured),
        AlertRule::ShelveRestartDue | AlertRule::OrderExpectedNotHPotential => None,
    }
}

/// The instant of `f` the rule measures from.
pub fn seen_at(rule: AlertRule, f: &Facts) -> Option<DateTime<Utc>> {
    match measured_from(rule)? {
        Measure::LastActivity => Some(f.last_activity_at),
        Measure::StageEntered => Some(f.stage_entered_at),
        Measure::Secured => f.secured_at,
    }
}

/// The unit of a rule's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Months,
    /// A day of the month (the 25th).
    DayOfMonth,
}

/// The unit of a rule's threshold.
pub const fn unit(rule: AlertRule) -> Unit {
    match rule {
        AlertRule::NoFollowUp | AlertRule::StalledInitial | AlertRule::ShelveRestartDue => Unit::Days,
        AlertRule::StalledQuotation | AlertRule::StalledNegotiation | AlertRule::SecuredNoMold => Unit::Months,
        AlertRule::OrderExpectedNotHPotential => Unit::DayOfMonth,
    }
}

/// The configured threshold of a rule, in its [`unit`].
pub fn threshold(rule: AlertRule, s: &Settings) -> i64 {
    match rule {
        AlertRule::NoFollowUp => s.no_follow_up_days,
        AlertRule::StalledInitial => s.stalled_initial_days,
        AlertRule::StalledQuotation => i64::from(s.stalled_quotation_months),
        AlertRule::StalledNegotiation => i64::from(s.stalled_negotiation_months),
        AlertRule::SecuredNoMold => i64::from(s.secured_no_mold_months),
        AlertRule::ShelveRestartDue => s.shelve_restart_lead_days,
        AlertRule::OrderExpectedNotHPotential => i64::from(s.order_expected_check_day),
    }
}

/// What an alert keeps of what its rule saw when it was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub rule: AlertRule,
    pub raised_at: DateTime<Utc>,
    /// See [`seen_at`].
    pub at: Option<DateTime<Utc>>,
    pub stage: Option<Stage>,
    /// The restart date or the expected order month (date-bound rules).
    pub date: Option<NaiveDate>,
    pub threshold: Option<i64>,
}

/// Why an alert fired: the facts its rule saw and the threshold it crossed,
/// counted in the company calendar as of the raising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub rule: AlertRule,
    pub as_of: DateTime<Utc>,
    pub since: Option<DateTime<Utc>>,
    /// Whole days or months from `since` to `as_of`; for the restart rule,
    /// days from `as_of` to the restart date.
    pub elapsed: Option<i64>,
    pub threshold: Option<i64>,
    pub unit: Unit,
    pub stage: Option<Stage>,
    pub date: Option<NaiveDate>,
    /// One line for a phone: "no follow-up for 17 days (limit 15)".
    pub summary: String,
}

/// Whole calendar months from `from` to `to` (31 Jan → 28 Feb is one).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = 0;
    while calendar::add_months(from, m + 1) <= to {
        m += 1;
    }
    i64::from(m)
}

fn stage_name(stage: Option<Stage>) -> &'static str {
    match stage {
        Some(Stage::InitialIdentification) => "initial identification",
        Some(Stage::Quotation) => "quotation",
        Some(Stage::DeepNegotiation) => "deep negotiation",
        Some(Stage::HPotential) => "H potential",
        Some(Stage::Secured) => "secured",
        None => "its stage",
    }
}

/// The evidence of an alert, from what it kept.
pub fn evidence(seen: &Seen, tz: chrono_tz::Tz, locale: super::labels::Locale) -> Evidence {
    let rule = seen.rule;
    let today = calendar::local_date(seen.raised_at, tz);
    let since_date = seen.at.map(|at| calendar::local_date(at, tz));
    let unit = unit(rule);
    let elapsed = match (rule, since_date) {
        (AlertRule::ShelveRestartDue, _) => seen.date.map(|d| (d - today).num_days()),
        (AlertRule::OrderExpectedNotHPotential, _) => None,
        (_, Some(d)) if unit == Unit::Months => Some(whole_months(d, today)),
        (_, Some(d)) => Some((today - d).num_days()),
        (_, None) => None,
    };
    let summary = if locale == super::labels::Locale::ZhCn {
        summary_zh(seen, elapsed)
    } else {
        summary_en(seen, elapsed, since_date)
    };
    Evidence {
        rule,
        as_of: seen.raised_at,
        since: seen.at,
        elapsed,
        threshold: seen.threshold,
        unit,
        stage: seen.stage,
        date: seen.date,
        summary,
    }
}

/// The summary in English: "no follow-up for 17 days since 2026-11-06 (limit 15)".
fn summary_en(seen: &Seen, elapsed: Option<i64>, since_date: Option<NaiveDate>) -> String {
    let rule = seen.rule;
    let limit = seen.threshold.map_or_else(String::new, |t| format!(" (limit {t})"));
    // Alerts raised before the evidence was kept know no count: say so.
    let count = |unit: &str| elapsed.map_or_else(|| "too long".to_owned(), |n| format!("{n} {unit}"));
    let on = since_date.map_or_else(String::new, |d| format!(" since {d}"));
    let n = elapsed.unwrap_or(0);
    match rule {
        AlertRule::NoFollowUp => format!("no follow-up for {}{on}{limit}", count("days")),
        AlertRule::StalledInitial => format!("in initial identification for {}{on}{limit}", count("days")),
        AlertRule::StalledQuotation | AlertRule::StalledNegotiation => {
            format!("in {} for {}{on}{limit}", stage_name(seen.stage), count("months"))
        }
        AlertRule::SecuredNoMold => match elapsed {
            Some(n) => format!("secured {n} months ago{on} and still no mold number{limit}"),
            None => format!("secured and still no mold number{limit}"),
        },
        AlertRule::ShelveRestartDue => match seen.date {
            Some(d) if n >= 0 => format!("shelved until {d}: restart due in {n} days{}", lead(seen.threshold)),
            Some(d) => format!("shelved until {d}: restart overdue by {} days", -n),
            None => "shelved: restart due".to_owned(),
        },
        AlertRule::OrderExpectedNotHPotential => format!(
            "order expected in {} but still in {} on the check day{}",
            seen.date.map_or_else(|| "this month".to_owned(), calendar::format_year_month),
            stage_name(seen.stage),
            seen.threshold.map_or_else(String::new, |t| format!(" (the {t}th)")),
        ),
    }
}

/// The summary in the company's words: "15日无跟进 · 已17天（上限15天）".
fn summary_zh(seen: &Seen, elapsed: Option<i64>) -> String {
    use super::labels::{Labelled, Locale};
    let stage = seen
        .stage
        .map_or_else(|| "原阶段".to_owned(), |st| st.label(Locale::ZhCn, &Settings::default()));
    let limit = |unit: &str| seen.threshold.map_or_else(String::new, |t| format!("（上限{t}{unit}）"));
    let count = |unit: &str| elapsed.map_or_else(|| "已超期".to_owned(), |n| format!("已{n}{unit}"));
    match seen.rule {
        AlertRule::NoFollowUp => {
            let name = seen.threshold.map_or_else(|| "无跟进".to_owned(), |t| format!("{t}日无跟进"));
            format!("{name} · {}{}", count("天"), limit("天"))
        }
        AlertRule::StalledInitial => format!("初步识别停留 · {}{}", count("天"), limit("天")),
        AlertRule::StalledQuotation | AlertRule::StalledNegotiation => {
            format!("{stage}停留 · {}{}", count("个月"), limit("个月"))
        }
        AlertRule::SecuredNoMold => format!("Secured后未分配模号 · {}{}", count("个月"), limit("个月")),
        AlertRule::ShelveRestartDue => match (seen.date, elapsed) {
            (Some(d), Some(n)) if n >= 0 => format!(
                "搁置至{d} · 还有{n}天重启{}",
                seen.threshold.map_or_else(String::new, |t| format!("（提前{t}天提醒）"))
            ),
            (Some(d), Some(n)) => format!("搁置至{d} · 已过期{}天", -n),
            _ => "搁置到期".to_owned(),
        },
        AlertRule::OrderExpectedNotHPotential => format!(
            "{}预计接单 · {}仍在{stage}",
            seen.date.map_or_else(|| "本月".to_owned(), calendar::format_year_month),
            seen.threshold.map_or_else(|| "检查日".to_owned(), |t| format!("{t}号")),
        ),
    }
}

fn lead(threshold: Option<i64>) -> String {
    threshold.map_or_else(String::new, |t| format!(" (alert {t} days ahead)"))
}

/// Overdue at `now`: unresolved past its due time, or resolved and
/// unreviewed past its review time. The alert list's SQL filter applies
/// the same rule (a test holds them together).
pub fn is_overdue(status: AlertStatus, due_at: DateTime<Utc>, review_due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match status {
        AlertStatus::Open => now > due_at,
        AlertStatus::Resolved => review_due_at.is_some_and(|d| now > d),
        AlertStatus::Reviewed => false,
    }
}

#[cfg(test)]
mod tests;
