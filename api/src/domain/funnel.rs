//! Funnel health (漏斗健康度), live: per business line within a scope, the
//! weighted pipeline and its coverage of the year's remaining order target
//! (`domain::health`), the conversion of the trailing 12 months by count,
//! the stage distribution and the deals whose expected order month has
//! passed. The store counts and sums per track, account manager and stage;
//! every figure and status is made here.

use super::health::{Health, PIPELINE_STAGES, weighted_pipeline};
use super::settings::LineSettings;
use chrono::{DateTime, NaiveDate, Utc};
use entity::Stage;

/// Conversion (商机转化率) = secured ÷ (secured + lost), by count; `None`
/// without any outcome in the window.
pub fn conversion(secured: i64, lost: i64) -> Option<f64> {
    let outcomes = secured + lost;
    (outcomes > 0).then(|| secured as f64 / outcomes as f64)
}

/// A conversion against the line's alert threshold (20 % molding
/// integrated, 10 % commodity by default): `NoData` without outcomes.
pub fn conversion_health(conversion: Option<f64>, line: &LineSettings) -> Health {
    match conversion {
        None => Health::NoData,
        Some(c) if c < line.conversion_alert_below => Health::Below,
        Some(_) => Health::Ok,
    }
}

/// The first instant of the trailing 12 months ending at `now`, and `now`:
/// an outcome (secured, lost) in `[from, now]` counts.
pub fn conversion_window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let from = now.checked_sub_months(chrono::Months::new(12)).unwrap_or(now);
    (from, now)
}

/// What the store counted for one stage of open (`ACTIVE`-status) deals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageCounts {
    pub count: i64,
    pub amount: i64,
    /// Of them, followed up within the active window (活跃).
    pub active_count: i64,
    pub active_amount: i64,
    /// Σ days since each entered the stage (fractional days).
    pub days_in_stage: f64,
}

impl StageCounts {
    pub fn add(&mut self, o: &StageCounts) {
        self.count += o.count;
        self.amount = super::money::add(self.amount, o.amount);
        self.active_count += o.active_count;
        self.active_amount = super::money::add(self.active_amount, o.active_amount);
        self.days_in_stage += o.days_in_stage;
    }
}

/// A month-end snapshot's stage as counts (its days in stage back from
/// their average): what a kept funnel and a closed month's review add up.
pub fn kept_counts(count: i64, amount: i64, active_count: i64, active_amount: i64, average_days: Option<f64>) -> StageCounts {
    StageCounts {
        count,
        amount,
        active_count,
        active_amount,
        days_in_stage: average_days.unwrap_or(0.0) * count as f64,
    }
}

/// One stage of the distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageRow {
    pub stage: Stage,
    pub counts: StageCounts,
    /// The active deals' amount × the stage's weight: the stage's share of the weighted pipeline.
    pub weighted: i64,
    /// The average days its deals have been in the stage, one decimal; `None` without deals.
    pub average_days: Option<f64>,
}

/// The distribution over the four open stages, in funnel order, from the
/// counts by stage (stages without deals are zeros).
pub fn distribution(by_stage: &[(Stage, StageCounts)], line: &LineSettings) -> Vec<StageRow> {
    PIPELINE_STAGES
        .iter()
        .map(|stage| {
            let mut counts = StageCounts::default();
            for (s, c) in by_stage.iter().filter(|(s, _)| s == stage) {
                debug_assert_eq!(s, stage);
                counts.add(c);
            }
            StageRow {
                stage: *stage,
                weighted: weighted_pipeline(&[(*stage, counts.active_amount)], line),
                average_days: (counts.count > 0).then(|| (counts.days_in_stage / counts.count as f64 * 10.0).round() / 10.0),
                counts,
            }
        })
        .collect()
}

/// The weighted pipeline of a distribution: Σ its stages' weighted amounts.
pub fn pipeline_of(rows: &[StageRow]) -> i64 {
    super::money::total(rows.iter().map(|r| r.weighted))
}

/// "Moved out" (移出): an open deal whose expected order month is before
/// `month` (the first day of the month in question) — it slipped past it.
pub fn moved_out(expected_order_month: Option<NaiveDate>, month: NaiveDate) -> bool {
    expected_order_month.is_some_and(|m| m < month)
}

/// The month end a past funnel reads (`funnel(asOf)`): the latest month's
/// last day on or before `as_of` — the day itself when it is one. Past
/// funnels are kept only as month-end snapshots.
pub fn month_end_on_or_before(as_of: NaiveDate) -> NaiveDate {
    let end = super::funnel_alerts::month_end(as_of);
    if end == as_of {
        end
    } else {
        super::calendar::month_start(as_of).pred_opt().unwrap_or(as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settings::Settings;
    use entity::BusinessLine;

    fn line(l: BusinessLine) -> LineSettings {
        Settings::default().line(l).clone()
    }

    #[test]
    fn a_past_funnel_reads_the_month_end_on_or_before_its_date() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (as_of, end) in [
            ("2026-11-30", "2026-11-30"),
            ("2026-11-29", "2026-10-31"),
            ("2026-12-01", "2026-11-30"),
            ("2024-02-29", "2024-02-29"),
            ("2024-03-15", "2024-02-29"),
            ("2027-01-01", "2026-12-31"),
        ] {
            assert_eq!(month_end_on_or_before(d(as_of)), d(end), "{as_of}");
        }
    }

    #[test]
    fn conversion_by_count_and_its_thresholds() {
        assert_eq!(conversion(1, 3), Some(0.25));
        assert_eq!(conversion(0, 4), Some(0.0));
        assert_eq!(conversion(2, 0), Some(1.0));
        assert_eq!(conversion(0, 0), None);
        let molding = line(BusinessLine::MoldingIntegrated);
        let commodity = line(BusinessLine::CommodityMold);
        // 15 %: below molding's 20 %, above commodity's 10 %.
        assert_eq!(conversion_health(conversion(3, 17), &molding), Health::Below);
        assert_eq!(conversion_health(conversion(3, 17), &commodity), Health::Ok);
        assert_eq!(conversion_health(Some(0.2), &molding), Health::Ok);
        assert_eq!(conversion_health(None, &molding), Health::NoData);
        let now: DateTime<Utc> = "2026-12-03T02:00:00Z".parse().unwrap();
        assert_eq!(conversion_window(now).0, "2025-12-03T02:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }

    #[test]
    fn the_distribution_weighs_the_active_deals_and_averages_the_days() {
        let q = StageCounts {
            count: 3,
            amount: 3_000,
            active_count: 2,
            active_amount: 2_000,
            days_in_stage: 10.0,
        };
        let rows = distribution(
            &[(Stage::Quotation, q), (Stage::Quotation, q)],
            &line(BusinessLine::MoldingIntegrated),
        );
        assert_eq!(rows.iter().map(|r| r.stage).collect::<Vec<_>>(), PIPELINE_STAGES.to_vec());
        let quotation = rows[1];
        assert_eq!((quotation.counts.count, quotation.counts.active_amount), (6, 4_000));
        assert_eq!(quotation.weighted, 1_200); // 4 000 × 30 %
        assert_eq!(quotation.average_days, Some(3.3)); // 20 ÷ 6
        assert_eq!(rows[0].average_days, None);
        assert_eq!(pipeline_of(&rows), 1_200);
    }

    #[test]
    fn a_deal_moved_out_is_one_whose_month_has_passed() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(moved_out(NaiveDate::from_ymd_opt(2026, 11, 1), dec));
        assert!(!moved_out(Some(dec), dec));
        assert!(!moved_out(None, dec));
    }
}
