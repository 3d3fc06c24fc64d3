//! The words of every enumeration, for a client to show (the catalogue of
//! `domain::labels`, keyed by the names the API gives the enumerations).

use crate::domain::alerts::Unit;
use crate::domain::board::{Dimension, PeriodKind, StandingKind, Unit as BoardUnit};
use crate::domain::funnel_review::RestartHandling;
use crate::domain::health::Health;
use crate::domain::labels::{Labelled, Locale};
use crate::domain::meetings::RecurrenceKind;
use crate::domain::page::{AlertOrder, FactOrder, OpportunityOrder};
use crate::domain::settings::Settings;
use chrono::Weekday;
use entity::*;
use sea_orm::{ActiveEnum, Iterable};

/// One enumeration: its API name and each value's (code, label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumLabels {
    pub name: &'static str,
    pub values: Vec<(String, String)>,
}

fn stored<T>(name: &'static str, locale: Locale, s: &Settings) -> EnumLabels
where
    T: Labelled + Iterable + ActiveEnum<Value = String>,
{
    EnumLabels {
        name,
        values: T::iter().map(|v| (v.to_value(), v.label(locale, s))).collect(),
    }
}

/// The label of one value in `locale`.
pub fn label<T: Labelled>(value: T, locale: Locale, s: &Settings) -> String {
    value.label(locale, s)
}

/// Every enumeration of the API with the labels of its values, in `locale`
/// (configured numbers filled in from `s`).
pub fn catalogue(locale: Locale, s: &Settings) -> Vec<EnumLabels> {
    let plain = |name: &'static str, values: &[(&str, String)]| EnumLabels {
        name,
        values: values.iter().map(|(c, l)| ((*c).to_owned(), l.clone())).collect(),
    };
    vec![
        stored::<Role>("Role", locale, s),
        stored::<BusinessLine>("BusinessLine", locale, s),
        stored::<Stage>("Stage", locale, s),
        stored::<OpportunityStatus>("OpportunityStatus", locale, s),
        stored::<OpportunityKind>("OpportunityKind", locale, s),
        stored::<ActivityKind>("ActivityKind", locale, s),
        stored::<ShelveReason>("ShelveReason", locale, s),
        stored::<HistoryField>("HistoryField", locale, s),
        stored::<AlertRule>("AlertRule", locale, s),
        stored::<AlertStatus>("AlertStatus", locale, s),
        stored::<Attribution>("Attribution", locale, s),
        stored::<AlertDecision>("AlertDecision", locale, s),
        stored::<ReviewAction>("ReviewAction", locale, s),
        stored::<EventKind>("EventKind", locale, s),
        stored::<ErpKind>("ErpKind", locale, s),
        stored::<MeetingKind>("MeetingKind", locale, s),
        stored::<MeetingStatus>("MeetingStatus", locale, s),
        stored::<MeetingChangeKind>("MeetingChangeKind", locale, s),
        stored::<TaskStatus>("TaskStatus", locale, s),
        stored::<TaskDecisionKind>("TaskDecisionKind", locale, s),
        stored::<FunnelAttribution>("FunnelAttribution", locale, s),
        stored::<FunnelTaskKind>("FunnelTaskKind", locale, s),
        stored::<MigrationStatus>("MigrationStatus", locale, s),
        plain(
            "RecurrenceRule",
            &[
                ("WEEKLY", RecurrenceKind::Weekly.label(locale, s)),
                ("MONTHLY_NTH_WEEKDAY", RecurrenceKind::MonthlyNth.label(locale, s)),
                ("MONTHLY_LAST_WEEKDAY", RecurrenceKind::MonthlyLast.label(locale, s)),
            ],
        ),
        plain(
            "Weekday",
            &[
                ("MONDAY", Weekday::Mon.label(locale, s)),
                ("TUESDAY", Weekday::Tue.label(locale, s)),
                ("WEDNESDAY", Weekday::Wed.label(locale, s)),
                ("THURSDAY", Weekday::Thu.label(locale, s)),
                ("FRIDAY", Weekday::Fri.label(locale, s)),
                ("SATURDAY", Weekday::Sat.label(locale, s)),
                ("SUNDAY", Weekday::Sun.label(locale, s)),
            ],
        ),
        plain(
            "ThresholdUnit",
            &[
                ("DAYS", Unit::Days.label(locale, s)),
                ("MONTHS", Unit::Months.label(locale, s)),
                ("DAY_OF_MONTH", Unit::DayOfMonth.label(locale, s)),
            ],
        ),
        plain(
            "AlertOrder",
            &[
                ("OLDEST_FIRST", AlertOrder::OldestFirst.label(locale, s)),
                ("NEWEST_FIRST", AlertOrder::NewestFirst.label(locale, s)),
                ("DUE_SOONEST", AlertOrder::DueSoonest.label(locale, s)),
                ("OVERDUE_FIRST", AlertOrder::OverdueFirst.label(locale, s)),
            ],
        ),
        plain(
            "OpportunityOrder",
            &[
                ("OLDEST_FIRST", OpportunityOrder::OldestFirst.label(locale, s)),
                ("NEWEST_FIRST", OpportunityOrder::NewestFirst.label(locale, s)),
                ("LAST_FOLLOW_UP_OLDEST", OpportunityOrder::LastFollowUpOldest.label(locale, s)),
                ("LAST_FOLLOW_UP_NEWEST", OpportunityOrder::LastFollowUpNewest.label(locale, s)),
                ("EXPECTED_ORDER_MONTH", OpportunityOrder::ExpectedOrderMonth.label(locale, s)),
                ("AMOUNT_LARGEST", OpportunityOrder::AmountLargest.label(locale, s)),
            ],
        ),
        plain(
            "ErpFactOrder",
            &[
                ("DATE_NEWEST", FactOrder::DateNewest.label(locale, s)),
                ("DATE_OLDEST", FactOrder::DateOldest.label(locale, s)),
                ("AMOUNT_LARGEST", FactOrder::AmountLargest.label(locale, s)),
                ("AMOUNT_SMALLEST", FactOrder::AmountSmallest.label(locale, s)),
            ],
        ),
        plain("BoardDimension", &Dimension::ALL.map(|d| (dimension_value(d), d.label(locale, s)))),
        plain(
            "BoardPeriodKind",
            &[
                ("MONTH", PeriodKind::Month.label(locale, s)),
                ("QUARTER", PeriodKind::Quarter.label(locale, s)),
                ("YEAR_TO_DATE", PeriodKind::YearToDate.label(locale, s)),
            ],
        ),
        plain(
            "BoardUnit",
            &[
                ("PERCENT", BoardUnit::Percent.label(locale, s)),
                ("PER_MILLE", BoardUnit::PerMille.label(locale, s)),
                ("DAYS", BoardUnit::Days.label(locale, s)),
            ],
        ),
        plain(
            "BoardStanding",
            &[
                ("RANKED", StandingKind::Ranked.label(locale, s)),
                ("NO_TARGET", StandingKind::NoTarget.label(locale, s)),
                ("NO_SALES", StandingKind::NoSales.label(locale, s)),
                ("NO_DATA", StandingKind::NoData.label(locale, s)),
                ("NOT_AVAILABLE", StandingKind::NotAvailable.label(locale, s)),
            ],
        ),
        plain(
            "OrderHealthStatus",
            &[
                ("OK", Health::Ok.label(locale, s)),
                ("BELOW", Health::Below.label(locale, s)),
                ("REACHED", Health::Reached.label(locale, s)),
                ("NO_TARGET", Health::NoTarget.label(locale, s)),
                ("YEAR_OVER", Health::YearOver.label(locale, s)),
                ("NO_DATA", Health::NoData.label(locale, s)),
            ],
        ),
        plain(
            "RestartHandling",
            &[
                ("ON_TIME", RestartHandling::OnTime.label(locale, s)),
                ("LATE", RestartHandling::Late.label(locale, s)),
                ("MISSED", RestartHandling::Missed.label(locale, s)),
                ("PENDING", RestartHandling::Pending.label(locale, s)),
            ],
        ),
        plain(
            "Locale",
            &[("ZH_CN", Locale::ZhCn.label(locale, s)), ("EN", Locale::En.label(locale, s))],
        ),
    ]
}

/// A dimension's value as the schema spells it.
const fn dimension_value(d: Dimension) -> &'static str {
    match d {
        Dimension::TrackSalesAchievement => "TRACK_SALES_ACHIEVEMENT",
        Dimension::AccountManagerSalesAchievement => "ACCOUNT_MANAGER_SALES_ACHIEVEMENT",
        Dimension::TrackOrderAchievement => "TRACK_ORDER_ACHIEVEMENT",
        Dimension::AccountManagerOrderAchievement => "ACCOUNT_MANAGER_ORDER_ACHIEVEMENT",
        Dimension::TrackGrossMargin => "TRACK_GROSS_MARGIN",
        Dimension::TrackForecastAccuracy => "TRACK_FORECAST_ACCURACY",
        Dimension::TrackExpenseRatio => "TRACK_EXPENSE_RATIO",
        Dimension::TrackDso => "TRACK_DSO",
    }
}
