//! Order health (接单健康度): the weighted pipeline (在手商机加权金额), the
//! three numbers of the molding-integrated board (三数字看板: remaining gap,
//! pipeline coverage, monthly rhythm) and the commodity line's order
//! achievement. The store sums amounts in fen per track (per stage, per
//! month); every figure and status is made here, once.

use super::money::add;
use super::settings::LineSettings;
use chrono::{Datelike, NaiveDate};
use entity::Stage;

/// The stages whose open, active deals make the weighted pipeline.
pub const PIPELINE_STAGES: [Stage; 4] = [
    Stage::InitialIdentification,
    Stage::Quotation,
    Stage::DeepNegotiation,
    Stage::HPotential,
];

/// Σ amount × stage weight, from the amounts summed per stage (fen, rounded
/// to the fen). A secured deal weighs nothing: it left the pipeline.
pub fn weighted_pipeline(by_stage: &[(Stage, i64)], line: &LineSettings) -> i64 {
    by_stage
        .iter()
        .map(|(stage, amount)| *amount as f64 * line.weight(*stage))
        .sum::<f64>()
        .round() as i64
}

/// Where a figure stands against its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// On the right side of its threshold.
    Ok,
    /// On the wrong side: the meeting looks at it.
    Below,
    /// The year's order target is met: nothing is left to cover.
    Reached,
    /// No order target for the year: nothing to measure against.
    NoTarget,
    /// The year is over: its gap is final, there is nothing left to cover or pace.
    YearOver,
    /// Nothing to measure yet (a conversion without any outcome in its window).
    NoData,
}

/// What the store summed for one track (or the company) and year, in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearSums {
    /// Σ monthly order targets of the year (`None`: none entered).
    pub annual_target: Option<i64>,
    /// Σ monthly order targets from January to the month of `as_of`.
    pub target_to_date: Option<i64>,
    /// Orders booked this year up to `as_of`.
    pub booked: i64,
    /// Orders booked in the month of `as_of`.
    pub booked_this_month: i64,
    /// The order target of the month of `as_of`.
    pub target_this_month: Option<i64>,
    /// The weighted pipeline now.
    pub weighted_pipeline: i64,
    /// The precision amounts of the active `H_POTENTIAL` deals expected to order in the month of `as_of`.
    pub h_potential_this_month: i64,
    /// The year is over (`as_of` is its 31 December): the pipeline is not its.
    pub year_over: bool,
}

impl YearSums {
    /// A track's sums from what the store summed: targets and orders by
    /// month (first days), the pipeline by stage weighed by its line.
    pub fn of(
        targets: &[(NaiveDate, i64)],
        orders: &[(NaiveDate, i64)],
        pipeline: &[(Stage, i64)],
        h_potential_this_month: i64,
        as_of: NaiveDate,
        line: &LineSettings,
        year_over: bool,
    ) -> YearSums {
        let month = super::calendar::month_start(as_of);
        let sum_of = |rows: &[(NaiveDate, i64)], keep: &dyn Fn(NaiveDate) -> bool| -> Option<i64> {
            let kept: Vec<i64> = rows.iter().filter(|(m, _)| keep(*m)).map(|(_, a)| *a).collect();
            (!kept.is_empty()).then(|| super::money::total(kept))
        };
        let in_year = |m: NaiveDate| m.year() == as_of.year();
        YearSums {
            annual_target: sum_of(targets, &in_year),
            target_to_date: sum_of(targets, &|m| in_year(m) && m <= month),
            target_this_month: sum_of(targets, &|m| m == month),
            booked: sum_of(orders, &|m| in_year(m) && m <= month).unwrap_or(0),
            booked_this_month: sum_of(orders, &|m| m == month).unwrap_or(0),
            weighted_pipeline: if year_over { 0 } else { weighted_pipeline(pipeline, line) },
            h_potential_this_month: if year_over { 0 } else { h_potential_this_month },
            year_over,
        }
    }

    /// The company's: its tracks' sums added (a target only where one was entered).
    pub fn add(&mut self, o: &YearSums) {
        let opt = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(add(a.unwrap_or(0), b.unwrap_or(0))),
        };
        self.annual_target = opt(self.annual_target, o.annual_target);
        self.target_to_date = opt(self.target_to_date, o.target_to_date);
        self.target_this_month = opt(self.target_this_month, o.target_this_month);
        self.booked = add(self.booked, o.booked);
        self.booked_this_month = add(self.booked_this_month, o.booked_this_month);
        self.weighted_pipeline = add(self.weighted_pipeline, o.weighted_pipeline);
        self.h_potential_this_month = add(self.h_potential_this_month, o.h_potential_this_month);
        self.year_over |= o.year_over;
    }
}

/// The three numbers of a molding-integrated track or of the company.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreeNumbers {
    /// (1) Remaining gap = annual order target − orders booked this year (fen; ≤ 0 once met).
    pub gap: Option<i64>,
    pub gap_health: Health,
    /// (2) Pipeline coverage of the gap = weighted pipeline ÷ gap (`None` when the gap is closed or unknown).
    pub coverage: Option<f64>,
    pub coverage_health: Health,
    /// (3) Monthly rhythm = gap ÷ months left including this one (fen a month; 0 once met).
    pub rhythm: Option<i64>,
    pub rhythm_health: Health,
    /// The months left in the year, this one included (December: 1).
    pub months_left: u32,
    /// Orders booked a month on average this year: booked ÷ months so far, this one included.
    pub monthly_average: i64,
}

/// The months of the year from `as_of`'s to December, both included.
pub fn months_left(as_of: NaiveDate) -> u32 {
    13 - as_of.month()
}

/// The date a year's board is as of: today in this year, its 31 December
/// for a year that is over; `None` for a year to come.
pub fn as_of(year: i32, today: NaiveDate) -> Option<NaiveDate> {
    match year.cmp(&today.year()) {
        std::cmp::Ordering::Equal => Some(today),
        std::cmp::Ordering::Less => NaiveDate::from_ymd_opt(year, 12, 31),
        std::cmp::Ordering::Greater => None,
    }
}

/// The three numbers as of `as_of` (the company's date, in the year), against
/// the line's coverage threshold. The gap is measured against the target
/// of the year; it is behind (`Below`) when less is booked than the
/// targets of the months so far. The rhythm is `Below` when the average
/// month so far is slower than the months left need.
pub fn three_numbers(s: &YearSums, as_of: NaiveDate, line: &LineSettings) -> ThreeNumbers {
    let left = months_left(as_of);
    let monthly_average = s.booked / i64::from(as_of.month());
    let Some(target) = s.annual_target else {
        return ThreeNumbers {
            gap: None,
            gap_health: Health::NoTarget,
            coverage: None,
            coverage_health: Health::NoTarget,
            rhythm: None,
            rhythm_health: Health::NoTarget,
            months_left: left,
            monthly_average,
        };
    };
    let gap = target - s.booked;
    if gap <= 0 {
        return ThreeNumbers {
            gap: Some(gap),
            gap_health: Health::Reached,
            coverage: None,
            coverage_health: Health::Reached,
            rhythm: Some(0),
            rhythm_health: Health::Reached,
            months_left: left,
            monthly_average,
        };
    }
    if s.year_over {
        return ThreeNumbers {
            gap: Some(gap),
            gap_health: Health::Below,
            coverage: None,
            coverage_health: Health::YearOver,
            rhythm: None,
            rhythm_health: Health::YearOver,
            months_left: 0,
            monthly_average,
        };
    }
    let coverage = s.weighted_pipeline as f64 / gap as f64;
    // Rounded up to the fen: booking the rhythm every month closes the gap.
    let months = i64::from(left);
    let rhythm = gap / months + i64::from(gap % months != 0);
    let behind = s.target_to_date.is_some_and(|t| s.booked < t);
    ThreeNumbers {
        gap: Some(gap),
        gap_health: if behind { Health::Below } else { Health::Ok },
        coverage: Some(coverage),
        coverage_health: if coverage < line.coverage_alert_below {
            Health::Below
        } else {
            Health::Ok
        },
        rhythm: Some(rhythm),
        rhythm_health: if monthly_average < rhythm { Health::Below } else { Health::Ok },
        months_left: left,
        monthly_average,
    }
}

/// Order achievement (接单达成率) = orders ÷ order target, in per cent; `None`
/// without a target above zero.
pub fn achievement(booked: i64, target: Option<i64>) -> Option<f64> {
    target.filter(|t| *t > 0).map(|t| booked as f64 * 100.0 / t as f64)
}

/// An achievement against the board's order-achievement line (per cent).
pub fn achievement_health(achievement: Option<f64>, line_percent: f64) -> Health {
    match achievement {
        None => Health::NoTarget,
        Some(a) if a < line_percent => Health::Below,
        Some(_) => Health::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settings::Settings;
    use entity::BusinessLine;

    fn line() -> LineSettings {
        Settings::default().line(BusinessLine::MoldingIntegrated).clone()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_weighted_pipeline_weighs_each_stage() {
        // 100 000 yuan initial (10 %), 200 000 quotation (30 %), 300 000 negotiation (50 %), 400 000 H (80 %).
        let sums = [
            (Stage::InitialIdentification, 10_000_000),
            (Stage::Quotation, 20_000_000),
            (Stage::DeepNegotiation, 30_000_000),
            (Stage::HPotential, 40_000_000),
            (Stage::Secured, 99_000_000),
        ];
        // 10 000 + 60 000 + 150 000 + 320 000 = 540 000 yuan.
        assert_eq!(weighted_pipeline(&sums, &line()), 54_000_000);
        assert_eq!(weighted_pipeline(&[], &line()), 0);
        // Rounded to the fen: 1 fen at 30 % is 0.3 fen.
        assert_eq!(weighted_pipeline(&[(Stage::Quotation, 1)], &line()), 0);
        assert_eq!(weighted_pipeline(&[(Stage::Quotation, 5)], &line()), 2);
    }

    #[test]
    fn the_three_numbers_by_hand() {
        // Target 12 M yuan for the year, 1 M a month; 4 M booked by mid-May; weighted pipeline 9.6 M.
        let s = YearSums {
            annual_target: Some(1_200_000_000),
            target_to_date: Some(500_000_000),
            booked: 400_000_000,
            booked_this_month: 50_000_000,
            target_this_month: Some(100_000_000),
            weighted_pipeline: 960_000_000,
            h_potential_this_month: 30_000_000,
            year_over: false,
        };
        let n = three_numbers(&s, d(2026, 5, 15), &line());
        assert_eq!(n.gap, Some(800_000_000)); // 8 M left
        assert_eq!(n.gap_health, Health::Below); // 4 M booked < 5 M of targets so far
        assert_eq!(n.coverage, Some(1.2)); // 9.6 ÷ 8
        assert_eq!(n.coverage_health, Health::Below); // < 1.5
        assert_eq!(n.months_left, 8); // May to December
        assert_eq!(n.rhythm, Some(100_000_000)); // 8 M ÷ 8
        assert_eq!(n.monthly_average, 80_000_000); // 4 M ÷ 5 months
        assert_eq!(n.rhythm_health, Health::Below);
        // Well covered and on pace.
        let good = YearSums {
            weighted_pipeline: 1_050_000_000,
            booked: 500_000_000,
            ..s
        };
        let n = three_numbers(&good, d(2026, 5, 15), &line());
        assert_eq!((n.coverage, n.coverage_health), (Some(1.5), Health::Ok)); // 10.5 ÷ 7: 1.5 is not below 1.5
        assert_eq!((n.gap_health, n.rhythm_health), (Health::Ok, Health::Ok)); // 7 M ÷ 8 = 875 000 < 1 M a month
    }

    #[test]
    fn december_has_one_month_left_and_a_rhythm_rounded_up() {
        assert_eq!(months_left(d(2026, 12, 31)), 1);
        assert_eq!(months_left(d(2026, 1, 1)), 12);
        let s = YearSums {
            annual_target: Some(1_000),
            booked: 999,
            ..Default::default()
        };
        let n = three_numbers(&s, d(2026, 12, 3), &line());
        assert_eq!((n.gap, n.rhythm, n.months_left), (Some(1), Some(1), 1));
        // 10 fen over 3 months: 4 a month (3 × 3 would leave one).
        let s = YearSums {
            annual_target: Some(10),
            ..Default::default()
        };
        assert_eq!(three_numbers(&s, d(2026, 10, 1), &line()).rhythm, Some(4));
    }

    #[test]
    fn a_met_target_leaves_nothing_to_cover_and_no_target_nothing_to_measure() {
        for booked in [1_000, 1_500] {
            let s = YearSums {
                annual_target: Some(1_000),
                booked,
                weighted_pipeline: 10,
                ..Default::default()
            };
            let n = three_numbers(&s, d(2026, 6, 1), &line());
            assert_eq!(n.gap, Some(1_000 - booked));
            assert_eq!(n.coverage, None);
            assert_eq!(n.rhythm, Some(0));
            assert_eq!(
                (n.gap_health, n.coverage_health, n.rhythm_health),
                (Health::Reached, Health::Reached, Health::Reached)
            );
        }
        let n = three_numbers(&YearSums::default(), d(2026, 6, 1), &line());
        assert_eq!((n.gap, n.coverage, n.rhythm), (None, None, None));
        assert_eq!(n.gap_health, Health::NoTarget);
        // A year that is over: the gap is final, missed.
        let over = YearSums {
            annual_target: Some(1_000),
            booked: 900,
            year_over: true,
            ..Default::default()
        };
        let n = three_numbers(&over, d(2025, 12, 31), &line());
        assert_eq!(
            (n.gap, n.gap_health, n.coverage, n.rhythm_health),
            (Some(100), Health::Below, None, Health::YearOver)
        );
        assert_eq!(as_of(2025, d(2026, 12, 3)), Some(d(2025, 12, 31)));
        assert_eq!(as_of(2026, d(2026, 12, 3)), Some(d(2026, 12, 3)));
        assert_eq!(as_of(2027, d(2026, 12, 3)), None);
    }

    #[test]
    fn a_tracks_sums_by_month_and_the_companys_added() {
        let m = |month: u32| d(2026, month, 1);
        let targets = [(m(1), 100), (m(5), 100), (m(6), 100), (m(12), 100)];
        let orders = [(m(1), 30), (m(5), 20)];
        let pipeline = [(Stage::Quotation, 1_000), (Stage::HPotential, 100)];
        let s = YearSums::of(&targets, &orders, &pipeline, 40, d(2026, 5, 20), &line(), false);
        assert_eq!(
            s,
            YearSums {
                annual_target: Some(400),
                target_to_date: Some(200),
                target_this_month: Some(100),
                booked: 50,
                booked_this_month: 20,
                weighted_pipeline: 380, // 300 + 80
                h_potential_this_month: 40,
                year_over: false,
            }
        );
        // Without targets there is none (not a zero); orders are zero.
        let none = YearSums::of(&[], &[], &[], 0, d(2026, 5, 20), &line(), false);
        assert_eq!((none.annual_target, none.booked), (None, 0));
        let mut company = none;
        company.add(&s);
        company.add(&s);
        assert_eq!(
            (company.annual_target, company.booked, company.weighted_pipeline),
            (Some(800), 100, 760)
        );
    }

    #[test]
    fn order_achievement_against_its_line() {
        assert_eq!(achievement(450, Some(500)), Some(90.0));
        assert_eq!(achievement(0, Some(500)), Some(0.0));
        assert_eq!(achievement(450, Some(0)), None);
        assert_eq!(achievement(450, None), None);
        assert_eq!(achievement_health(Some(90.0), 90.0), Health::Ok);
        assert_eq!(achievement_health(Some(89.9), 90.0), Health::Below);
        assert_eq!(achievement_health(None, 90.0), Health::NoTarget);
    }
}
