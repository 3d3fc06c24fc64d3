//! Configuration of the business rules (thresholds, stage weights, time
//! zone), with the DOMAIN.md defaults. Stored one top-level field per row.

use crate::error::{AppResult, Problems};
use chrono_tz::Tz;
use entity::{BusinessLine, Stage};
use serde::{Deserialize, Serialize};

/// Thresholds that differ per business line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSettings {
    /// Stage weights for the weighted pipeline (在手商机加权金额), 0–1.
    pub weight_initial: f64,
    pub weight_quotation: f64,
    pub weight_negotiation: f64,
    pub weight_h_potential: f64,
    /// Coverage (商机覆盖率) below this raises a funnel alert.
    pub coverage_alert_below: f64,
    /// Conversion (商机转化率) below this raises a funnel alert.
    pub conversion_alert_below: f64,
    /// Conversion target shown on dashboards.
    pub conversion_target: f64,
}

impl LineSettings {
    fn defaults(line: BusinessLine) -> Self {
        let (alert, target) = match line {
            BusinessLine::MoldingIntegrated => (0.20, 0.50),
            BusinessLine::CommodityMold => (0.10, 0.25),
        };
        Self {
            weight_initial: 0.10,
            weight_quotation: 0.30,
            weight_negotiation: 0.50,
            weight_h_potential: 0.80,
            coverage_alert_below: 1.5,
            conversion_alert_below: alert,
            conversion_target: target,
        }
    }

    /// The weight of a stage before `SECURED` (secured deals leave the pipeline).
    pub fn weight(&self, stage: Stage) -> f64 {
        match stage {
            Stage::InitialIdentification => self.weight_initial,
            Stage::Quotation => self.weight_quotation,
            Stage::DeepNegotiation => self.weight_negotiation,
            Stage::HPotential => self.weight_h_potential,
            Stage::Secured => 0.0,
        }
    }

    fn validate(&self, prefix: &str, problems: &mut Problems) {
        let weights = [
            ("weightInitial", self.weight_initial),
            ("weightQuotation", self.weight_quotation),
            ("weightNegotiation", self.weight_negotiation),
            ("weightHPotential", self.weight_h_potential),
        ];
        for (name, w) in weights {
            problems.check(!(0.0..=1.0).contains(&w), &format!("{prefix}.{name}"), "must be between 0 and 1");
        }
        if weights.windows(2).any(|pair| pair[0].1 > pair[1].1) {
            problems.add(prefix.to_owned(), "stage weights must not decrease along the funnel");
        }
        problems.check(
            !(self.coverage_alert_below > 0.0 && self.coverage_alert_below <= 100.0),
            &format!("{prefix}.coverageAlertBelow"),
            "must be above 0 and at most 100",
        );
        for (name, v) in [
            ("conversionAlertBelow", self.conversion_alert_below),
            ("conversionTarget", self.conversion_target),
        ] {
            problems.check(!(0.0..=1.0).contains(&v), &format!("{prefix}.{name}"), "must be between 0 and 1");
        }
    }
}

/// The ranking board's target lines (达标线): a row on the wrong side is
/// 未达标. Per cent for the achievements, the margin and the accuracy; ‰
/// for expenses; days for the DSO (lower is better for those two).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BoardLines {
    pub sales_achievement_percent: f64,
    pub order_achievement_percent: f64,
    pub gross_margin_percent: f64,
    pub forecast_accuracy_percent: f64,
    pub expense_per_mille: f64,
    pub dso_days: f64,
}

impl Default for BoardLines {
    fn default() -> Self {
        Self {
            sales_achievement_percent: 90.0,
            order_achievement_percent: 90.0,
            gross_margin_percent: 20.0,
            forecast_accuracy_percent: 80.0,
            expense_per_mille: 60.0,
            dso_days: 60.0,
        }
    }
}

impl BoardLines {
    fn check(&self, p: &mut Problems) {
        for (field, v, max) in [
            ("input.board.salesAchievementPercent", self.sales_achievement_percent, 1000.0),
            ("input.board.orderAchievementPercent", self.order_achievement_percent, 1000.0),
            ("input.board.grossMarginPercent", self.gross_margin_percent, 100.0),
            ("input.board.forecastAccuracyPercent", self.forecast_accuracy_percent, 100.0),
            ("input.board.expensePerMille", self.expense_per_mille, 1000.0),
            ("input.board.dsoDays", self.dso_days, 3650.0),
        ] {
            p.check(!(0.0..=max).contains(&v), field, &format!("must be between {} and {}", 0, max));
        }
    }
}

/// Changes to the board's target lines; `None` leaves a value.
#[derive(Debug, Clone, Default)]
pub struct BoardLinesPatch {
    pub sales_achievement_percent: Option<f64>,
    pub order_achievement_percent: Option<f64>,
    pub gross_margin_percent: Option<f64>,
    pub forecast_accuracy_percent: Option<f64>,
    pub expense_per_mille: Option<f64>,
    pub dso_days: Option<f64>,
}

impl BoardLinesPatch {
    fn apply(self, b: &mut BoardLines) {
        set(&mut b.sales_achievement_percent, self.sales_achievement_percent);
        set(&mut b.order_achievement_percent, self.order_achievement_percent);
        set(&mut b.gross_margin_percent, self.gross_margin_percent);
        set(&mut b.forecast_accuracy_percent, self.forecast_accuracy_percent);
        set(&mut b.expense_per_mille, self.expense_per_mille);
        set(&mut b.dso_days, self.dso_days);
    }
}

/// Every configurable number of the business rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Company time zone: every "day" and "month" is counted in it.
    #[serde(with = "tz_name")]
    pub timezone: Tz,
    /// An opportunity is active (活跃) with a follow-up in this many natural days.
    pub active_window_days: i64,
    /// `NO_FOLLOW_UP`: no follow-up for at least this many natural days.
    pub no_follow_up_days: i64,
    /// `STALLED_INITIAL`: longer than this many days in initial identification.
    pub stalled_initial_days: i64,
    /// `STALLED_QUOTATION`: longer than this many calendar months in quotation.
    pub stalled_quotation_months: u32,
    /// `STALLED_NEGOTIATION`: longer than this many calendar months in negotiation.
    pub stalled_negotiation_months: u32,
    /// `SECURED_NO_MOLD`: secured more than this many months ago without a mold number.
    pub secured_no_mold_months: u32,
    /// `SHELVE_RESTART_DUE`: this many days before the restart date.
    pub shelve_restart_lead_days: i64,
    /// `ORDER_EXPECTED_NOT_H_POTENTIAL` runs on this day of the month.
    pub order_expected_check_day: u32,
    /// The daily scan runs at this hour, company time (0–23).
    pub daily_scan_hour: u32,
    /// An alert is due this many days after it is raised.
    pub alert_due_days: i64,
    /// A resolution is reviewed within this many days.
    pub review_due_days: i64,
    pub molding_integrated: LineSettings,
    pub commodity_mold: LineSettings,
    /// The ranking board's target lines.
    pub board: BoardLines,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timezone: chrono_tz::Asia::Shanghai,
            active_window_days: 15,
            no_follow_up_days: 15,
            stalled_initial_days: 14,
            stalled_quotation_months: 2,
            stalled_negotiation_months: 1,
            secured_no_mold_months: 2,
            shelve_restart_lead_days: 3,
            order_expected_check_day: 25,
            daily_scan_hour: 1,
            alert_due_days: 3,
            review_due_days: 2,
            molding_integrated: LineSettings::defaults(BusinessLine::MoldingIntegrated),
            commodity_mold: LineSettings::defaults(BusinessLine::CommodityMold),
            board: BoardLines::default(),
        }
    }
}

impl Settings {
    pub fn line(&self, line: BusinessLine) -> &LineSettings {
        match line {
            BusinessLine::MoldingIntegrated => &self.molding_integrated,
            BusinessLine::CommodityMold => &self.commodity_mold,
        }
    }

    pub fn line_mut(&mut self, line: BusinessLine) -> &mut LineSettings {
        match line {
            BusinessLine::MoldingIntegrated => &mut self.molding_integrated,
            BusinessLine::CommodityMold => &mut self.commodity_mold,
        }
    }

    /// Checks every value; reports all the bad ones.
    pub fn validate(&self) -> AppResult<()> {
        let mut p = Problems::new();
        self.check(&mut p);
        p.into_result()
    }

    fn check(&self, p: &mut Problems) {
        let days = [
            ("input.activeWindowDays", self.active_window_days),
            ("input.noFollowUpDays", self.no_follow_up_days),
            ("input.stalledInitialDays", self.stalled_initial_days),
            ("input.shelveRestartLeadDays", self.shelve_restart_lead_days),
            ("input.alertDueDays", self.alert_due_days),
            ("input.reviewDueDays", self.review_due_days),
        ];
        for (field, v) in days {
            p.check(!(1..=365).contains(&v), field, "must be between 1 and 365 days");
        }
        let months = [
            ("input.stalledQuotationMonths", self.stalled_quotation_months),
            ("input.stalledNegotiationMonths", self.stalled_negotiation_months),
            ("input.securedNoMoldMonths", self.secured_no_mold_months),
        ];
        for (field, v) in months {
            p.check(!(1..=36).contains(&v), field, "must be between 1 and 36 months");
        }
        p.check(
            !(1..=28).contains(&self.order_expected_check_day),
            "input.orderExpectedCheckDay",
            "must be a day between 1 and 28",
        );
        p.check(self.daily_scan_hour > 23, "input.dailyScanHour", "must be an hour between 0 and 23");
        self.molding_integrated.validate("input.moldingIntegrated", p);
        self.commodity_mold.validate("input.commodityMold", p);
        self.board.check(p);
    }
}

/// Changes to the thresholds of one business line; `None` leaves a value.
#[derive(Debug, Clone, Default)]
pub struct LinePatch {
    pub weight_initial: Option<f64>,
    pub weight_quotation: Option<f64>,
    pub weight_negotiation: Option<f64>,
    pub weight_h_potential: Option<f64>,
    pub coverage_alert_below: Option<f64>,
    pub conversion_alert_below: Option<f64>,
    pub conversion_target: Option<f64>,
}

/// Changes to the configuration; `None` leaves a value as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsPatch {
    /// An IANA name such as Asia/Shanghai.
    pub timezone: Option<String>,
    pub active_window_days: Option<i64>,
    pub no_follow_up_days: Option<i64>,
    pub stalled_initial_days: Option<i64>,
    pub stalled_quotation_months: Option<u32>,
    pub stalled_negotiation_months: Option<u32>,
    pub secured_no_mold_months: Option<u32>,
    pub shelve_restart_lead_days: Option<i64>,
    pub order_expected_check_day: Option<u32>,
    pub daily_scan_hour: Option<u32>,
    pub alert_due_days: Option<i64>,
    pub review_due_days: Option<i64>,
    pub molding_integrated: Option<LinePatch>,
    pub commodity_mold: Option<LinePatch>,
    pub board: Option<BoardLinesPatch>,
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

impl LinePatch {
    fn apply(self, line: &mut LineSettings) {
        set(&mut line.weight_initial, self.weight_initial);
        set(&mut line.weight_quotation, self.weight_quotation);
        set(&mut line.weight_negotiation, self.weight_negotiation);
        set(&mut line.weight_h_potential, self.weight_h_potential);
        set(&mut line.coverage_alert_below, self.coverage_alert_below);
        set(&mut line.conversion_alert_below, self.conversion_alert_below);
        set(&mut line.conversion_target, self.conversion_target);
    }
}

impl SettingsPatch {
    /// The configuration with these changes, validated as a whole: every
    /// bad value is reported (an unknown time zone first).
    pub fn apply(self, current: &Settings) -> AppResult<Settings> {
        let mut s = current.clone();
        let mut p = Problems::new();
        if let Some(name) = self.timezone {
            match name.parse() {
                Ok(tz) => s.timezone = tz,
                Err(_) => p.add("input.timezone", format!("unknown time zone {name:?}")),
            }
        }
        set(&mut s.active_window_days, self.active_window_days);
        set(&mut s.no_follow_up_days, self.no_follow_up_days);
        set(&mut s.stalled_initial_days, self.stalled_initial_days);
        set(&mut s.stalled_quotation_months, self.stalled_quotation_months);
        set(&mut s.stalled_negotiation_months, self.stalled_negotiation_months);
        set(&mut s.secured_no_mold_months, self.secured_no_mold_months);
        set(&mut s.shelve_restart_lead_days, self.shelve_restart_lead_days);
        set(&mut s.order_expected_check_day, self.order_expected_check_day);
        set(&mut s.daily_scan_hour, self.daily_scan_hour);
        set(&mut s.alert_due_days, self.alert_due_days);
        set(&mut s.review_due_days, self.review_due_days);
        if let Some(l) = self.molding_integrated {
            l.apply(&mut s.molding_integrated);
        }
        if let Some(l) = self.commodity_mold {
            l.apply(&mut s.commodity_mold);
        }
        if let Some(b) = self.board {
            b.apply(&mut s.board);
        }
        s.check(&mut p);
        p.into_result()?;
        Ok(s)
    }
}

mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|_| serde::de::Error::custom(format!("unknown time zone {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_those_of_the_domain() {
        let s = Settings::default();
        assert_eq!(s.no_follow_up_days, 15);
        assert_eq!(s.molding_integrated.weight(Stage::HPotential), 0.80);
        assert_eq!(s.commodity_mold.conversion_alert_below, 0.10);
        assert_eq!(s.molding_integrated.conversion_alert_below, 0.20);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn every_bad_value_is_reported() {
        let mut s = Settings {
            no_follow_up_days: 0,
            daily_scan_hour: 24,
            stalled_quotation_months: 0,
            order_expected_check_day: 31,
            ..Settings::default()
        };
        s.commodity_mold.weight_initial = 0.9;
        let Err(crate::error::AppError::Validation(fields)) = s.validate() else {
            panic!("expected validation")
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert!(names.contains(&"input.noFollowUpDays"));
        assert!(names.contains(&"input.stalledQuotationMonths"));
        assert!(names.contains(&"input.orderExpectedCheckDay"));
        assert!(names.contains(&"input.commodityMold"));
        assert!(names.contains(&"input.dailyScanHour"));
    }

    #[test]
    fn settings_round_trip_through_json() {
        let s = Settings {
            timezone: chrono_tz::Europe::Berlin,
            ..Settings::default()
        };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["timezone"], "Europe/Berlin");
        let back: Settings = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
    }
}
