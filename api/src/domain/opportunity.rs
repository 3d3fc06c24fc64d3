//! Rules of an opportunity's life: which stage and status changes are
//! allowed, what each requires, and when a deal counts as active (活跃).

use super::calendar;
use super::settings::Settings;
use crate::error::{AppResult, Problems};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{OpportunityStatus, ShelveReason, Stage};

/// The facts of an opportunity the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub stage: Stage,
    pub status: OpportunityStatus,
    pub has_precision_forecast: bool,
}

/// Active (活跃): a follow-up within the last `active_window_days` natural days.
pub fn is_active(last_activity_at: DateTime<Utc>, now: DateTime<Utc>, settings: &Settings) -> bool {
    last_activity_at >= calendar::recent_cutoff(now, settings.active_window_days, settings.timezone)
}

fn status_name(status: OpportunityStatus) -> &'static str {
    match status {
        OpportunityStatus::Active => "active",
        OpportunityStatus::Shelved => "shelved",
        OpportunityStatus::Lost => "lost",
    }
}

/// A stage move: only an active deal moves; a secured deal is final; the
/// precision forecast (精度版) must exist from `H_POTENTIAL` on.
pub fn check_stage_move(facts: Facts, target: Stage, precision_given: bool) -> AppResult<()> {
    let mut p = Problems::new();
    if facts.status != OpportunityStatus::Active {
        p.add(
            "stage",
            format!(
                "a {} opportunity cannot change stage; reactivate it first",
                status_name(facts.status)
            ),
        );
    } else if facts.stage == Stage::Secured {
        p.add("stage", "a secured opportunity is won and cannot change stage");
    } else if facts.stage == target {
        p.add("stage", "the opportunity is already at this stage");
    }
    if target >= Stage::HPotential && !facts.has_precision_forecast && !precision_given {
        p.add(
            "precisionForecast",
            "a precision forecast (order date and amount) is required from H_POTENTIAL on",
        );
    }
    p.into_result()
}

/// Shelving (搁置): an active, unsecured deal, a reason from the list (text
/// for "other"), and a restart date after today (company calendar).
pub fn check_shelve(
    facts: Facts,
    reason: ShelveReason,
    reason_text: Option<&str>,
    restart_date: NaiveDate,
    today: NaiveDate,
    p: &mut Problems,
) {
    if facts.status != OpportunityStatus::Active {
        p.add("id", format!("a {} opportunity cannot be shelved", status_name(facts.status)));
    } else if facts.stage == Stage::Secured {
        p.add("id", "a secured opportunity cannot be shelved");
    }
    if reason.needs_text() && reason_text.is_none_or(|t| t.trim().is_empty()) {
        p.add("input.reasonText", "an explanation is required for an \"other\" reason");
    }
    if restart_date <= today {
        p.add("input.restartDate", "the restart date must be in the future");
    }
}

/// Reactivation: only a shelved deal.
pub fn check_reactivate(facts: Facts) -> AppResult<()> {
    if facts.status == OpportunityStatus::Shelved {
        Ok(())
    } else {
        Err(crate::error::AppError::invalid(
            "id",
            format!(
                "only a shelved opportunity can be reactivated; this one is {}",
                status_name(facts.status)
            ),
        ))
    }
}

/// Losing (输单): an open deal that is not yet won.
pub fn check_lose(facts: Facts, p: &mut Problems) {
    if facts.status == OpportunityStatus::Lost {
        p.add("id", "the opportunity is already lost");
    } else if facts.stage == Stage::Secured {
        p.add("id", "a secured opportunity cannot be lost");
    }
}

/// A mold number (模号) is assigned to a won deal.
pub fn check_mold_number(facts: Facts, p: &mut Problems) {
    if facts.stage != Stage::Secured || facts.status == OpportunityStatus::Lost {
        p.add("id", "a mold number is assigned only to a secured opportunity");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn facts(stage: Stage, status: OpportunityStatus, precision: bool) -> Facts {
        Facts {
            stage,
            status,
            has_precision_forecast: precision,
        }
    }

    fn fields(r: AppResult<()>) -> Vec<String> {
        match r {
            Ok(()) => vec![],
            Err(AppError::Validation(f)) => f.into_iter().map(|f| f.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn stage_moves_follow_the_rules() {
        use OpportunityStatus::*;
        use Stage::*;
        let cases: &[(Facts, Stage, bool, &[&str])] = &[
            (facts(Quotation, Active, false), DeepNegotiation, false, &[]),
            (facts(DeepNegotiation, Active, false), Quotation, false, &[]),
            (facts(DeepNegotiation, Active, false), HPotential, false, &["precisionForecast"]),
            (facts(DeepNegotiation, Active, false), HPotential, true, &[]),
            (facts(DeepNegotiation, Active, true), HPotential, false, &[]),
            (facts(HPotential, Active, true), Secured, false, &[]),
            (facts(Secured, Active, true), HPotential, false, &["stage"]),
            (facts(Quotation, Shelved, false), DeepNegotiation, false, &["stage"]),
            (facts(Quotation, Active, false), Quotation, false, &["stage"]),
            (facts(Quotation, Lost, false), Secured, false, &["stage", "precisionForecast"]),
        ];
        for (f, target, given, expected) in cases {
            assert_eq!(fields(check_stage_move(*f, *target, *given)), *expected, "{f:?} → {target:?}");
        }
    }

    #[test]
    fn shelving_needs_a_future_restart_date_and_text_for_other() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let active = facts(Stage::Quotation, OpportunityStatus::Active, false);
        let mut p = Problems::new();
        check_shelve(active, ShelveReason::CustomerOther, Some("  "), today, today, &mut p);
        assert_eq!(fields(p.into_result()), ["input.reasonText", "input.restartDate"]);
        let mut p = Problems::new();
        check_shelve(active, ShelveReason::OurNoCapacity, None, today.succ_opt().unwrap(), today, &mut p);
        assert!(p.is_empty());
    }

    #[test]
    fn active_means_a_follow_up_in_the_last_fifteen_natural_days() {
        let s = Settings::default();
        let now = DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z").unwrap().with_timezone(&Utc);
        // 9 Nov 00:00 Shanghai is 14 natural days ago: active; one second earlier is 15.
        let edge = DateTime::parse_from_rfc3339("2026-11-08T16:00:00Z").unwrap().with_timezone(&Utc);
        assert!(is_active(edge, now, &s));
        assert!(!is_active(edge - chrono::Duration::seconds(1), now, &s));
    }
}
