//! The words of every enumeration, for a client to show (the catalogue of
//! `domain::labels`, keyed by the names the API gives the enumerations).

use crate::domain::alerts::Unit;
use crate::domain::labels::{Labelled, Locale};
use crate::domain::page::{AlertOrder, OpportunityOrder};
use crate::domain::settings::Settings;
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
        stored::<EventKind>("AlertEventKind", locale, s),
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
            "Locale",
            &[("ZH_CN", Locale::ZhCn.label(locale, s)), ("EN", Locale::En.label(locale, s))],
        ),
    ]
}
