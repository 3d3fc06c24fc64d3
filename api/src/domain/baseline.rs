//! Baselines (承接基准) and target migrations (目标迁移申请), `DOMAIN.md`
//! section 4: every open opportunity's expected order month and amount
//! snapshotted at the year's start (version 1, kept forever); an account
//! manager of a slipping molding-integrated opportunity asks to move part
//! of its target to a replacement, a director decides, the admin executes
//! within 2 days of the approval, and each execution is a new version.
//! Mold-development and mass-production opportunities' baselines are locked.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use entity::{BusinessLine, MigrationStatus, OpportunityKind, OpportunityStatus, Stage};

/// Days the admin has to execute an approved migration.
pub const EXECUTE_DAYS: i64 = 2;

/// A baseline of a mold-development or mass-production opportunity is
/// locked: no migration may touch it.
pub fn locked(kind: OpportunityKind) -> bool {
    matches!(kind, OpportunityKind::MoldDevelopment | OpportunityKind::MassProduction)
}

/// Only molding-integrated opportunities migrate targets.
pub fn migrates(line: BusinessLine) -> bool {
    line == BusinessLine::MoldingIntegrated
}

/// An opportunity the baseline holds: open, that is neither lost nor secured.
pub fn in_baseline(status: OpportunityStatus, stage: Stage) -> bool {
    status != OpportunityStatus::Lost && stage != Stage::Secured
}

/// When an approved migration must have been executed.
pub fn execute_due(approved_at: DateTime<Utc>) -> DateTime<Utc> {
    approved_at + Duration::days(EXECUTE_DAYS)
}

/// Approved, not executed, past its due time: overdue (escalated once).
pub fn overdue(status: MigrationStatus, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == MigrationStatus::Approved && due.is_some_and(|d| now > d)
}

/// The two amounts after moving `amount` from `from` to `to`; `None` when
/// `from` does not hold that much.
pub fn moved(from: i64, to: i64, amount: i64) -> Option<(i64, i64)> {
    (amount > 0 && amount <= from).then(|| (from - amount, to.saturating_add(amount)))
}

/// The year whose baseline is due at `now`: this one, from the scan hour
/// of its first day (or any later day of it, when no process ran then),
/// unless `last` (the latest year taken) is this one.
pub fn snapshot_due_at(now: DateTime<Utc>, tz: chrono_tz::Tz, scan_hour: u32, last: Option<i32>) -> Option<i32> {
    let local = now.with_timezone(&tz);
    let year = local.year();
    if local.month() == 1 && local.day() == 1 && local.hour() < scan_hour.min(23) {
        return None;
    }
    last.is_none_or(|l| l < year).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn mold_development_and_mass_production_are_locked() {
        assert!(locked(OpportunityKind::MoldDevelopment));
        assert!(locked(OpportunityKind::MassProduction));
        assert!(!locked(OpportunityKind::Other));
        assert!(migrates(BusinessLine::MoldingIntegrated) && !migrates(BusinessLine::CommodityMold));
    }

    #[test]
    fn the_baseline_holds_the_open_deals() {
        assert!(in_baseline(OpportunityStatus::Active, Stage::Quotation));
        assert!(in_baseline(OpportunityStatus::Shelved, Stage::HPotential));
        assert!(!in_baseline(OpportunityStatus::Lost, Stage::Quotation));
        assert!(!in_baseline(OpportunityStatus::Active, Stage::Secured));
    }

    #[test]
    fn an_approval_is_executed_within_two_days_or_is_overdue() {
        let approved = at("2026-12-01T02:00:00Z");
        let due = execute_due(approved);
        assert_eq!(due, at("2026-12-03T02:00:00Z"));
        assert!(!overdue(MigrationStatus::Approved, Some(due), due));
        assert!(overdue(MigrationStatus::Approved, Some(due), due + Duration::seconds(1)));
        assert!(!overdue(MigrationStatus::Executed, Some(due), due + Duration::days(9)));
    }

    #[test]
    fn a_move_never_takes_more_than_the_baseline_holds() {
        assert_eq!(moved(100, 5, 40), Some((60, 45)));
        assert_eq!(moved(100, 0, 100), Some((0, 100)));
        assert_eq!(moved(100, 0, 101), None);
        assert_eq!(moved(100, 0, 0), None);
    }

    #[test]
    fn the_snapshot_is_due_from_the_years_first_scan_hour_and_caught_up_within_it() {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(snapshot_due_at(at("2026-12-31T16:30:00Z"), tz, 1, Some(2026)), None);
        assert_eq!(snapshot_due_at(at("2026-12-31T17:00:00Z"), tz, 1, Some(2026)), Some(2027));
        assert_eq!(snapshot_due_at(at("2027-03-10T02:00:00Z"), tz, 1, None), Some(2027));
        assert_eq!(snapshot_due_at(at("2027-03-10T02:00:00Z"), tz, 1, Some(2027)), None);
    }
}
