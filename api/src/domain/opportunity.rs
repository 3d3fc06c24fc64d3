//! Rules of an opportunity's life: which stage and status changes are
//! allowed, what each requires, and when a deal counts as active (活跃).

use super::calendar;
use super::settings::Settings;
use crate::error::{AppResult, Problems};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{AlertRule, OpportunityStatus, ShelveReason, Stage};

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

/// Where the problems of a shelve or lose decision are reported: the
/// direct mutations and the answer to an alert name their fields apart.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFields {
    /// A shelved deal may be shelved again (with a new restart date).
    pub reshelve: bool,
    /// The field blamed when the opportunity cannot take the decision.
    pub decision: &'static str,
    pub shelve_reason: &'static str,
    pub shelve_reason_text: &'static str,
    pub restart_date: &'static str,
    pub loss_reason: &'static str,
}

/// The field names of `shelveOpportunity` and `loseOpportunity`.
pub const DIRECT: DecisionFields = DecisionFields {
    reshelve: false,
    decision: "id",
    shelve_reason: "input.reason",
    shelve_reason_text: "input.reasonText",
    restart_date: "input.restartDate",
    loss_reason: "reason",
};

/// The field names of `resolveAlert`.
pub const VIA_ALERT: DecisionFields = DecisionFields {
    reshelve: true,
    decision: "input.decision",
    shelve_reason: "input.shelveReason",
    shelve_reason_text: "input.shelveReasonText",
    restart_date: "input.restartDate",
    loss_reason: "input.lossReason",
};

fn blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

/// Shelving (搁置): an open, unsecured deal, a reason from the list (text
/// for "other"), and a restart date after today (company calendar). A
/// shelved deal is shelved again (a new restart date) only in answer to an
/// alert; the direct mutation shelves active deals.
pub fn check_shelve(
    facts: Facts,
    reason: Option<ShelveReason>,
    reason_text: Option<&str>,
    restart_date: Option<NaiveDate>,
    today: NaiveDate,
    at: &DecisionFields,
    p: &mut Problems,
) {
    match facts.status {
        OpportunityStatus::Lost => p.add(at.decision, "a lost opportunity cannot be shelved"),
        OpportunityStatus::Shelved if !at.reshelve => p.add(at.decision, "a shelved opportunity cannot be shelved"),
        _ if facts.stage == Stage::Secured => p.add(at.decision, SECURED_CANNOT_BE_SHELVED),
        _ => {}
    }
    match reason {
        None => p.add(at.shelve_reason, "is required to shelve"),
        Some(r) => p.check(
            r.needs_text() && blank(reason_text),
            at.shelve_reason_text,
            "an explanation is required for an \"other\" reason",
        ),
    }
    match restart_date {
        None => p.add(at.restart_date, "is required to shelve"),
        Some(d) => p.check(d <= today, at.restart_date, "the restart date must be in the future"),
    }
}

/// Reactivation: only a shelved deal.
pub fn check_reactivate(facts: Facts, at: &DecisionFields, p: &mut Problems) {
    if facts.status != OpportunityStatus::Shelved {
        p.add(
            at.decision,
            format!(
                "only a shelved opportunity can be reactivated; this one is {}",
                status_name(facts.status)
            ),
        );
    }
}

/// Keeping (in answer to an alert): an open deal that is not shelved — a
/// shelved one is reactivated, shelved again or lost.
pub fn check_keep(facts: Facts, at: &DecisionFields, p: &mut Problems) {
    match facts.status {
        OpportunityStatus::Shelved => p.add(at.decision, "a shelved opportunity is reactivated, shelved again or lost, not kept"),
        OpportunityStatus::Lost => p.add(at.decision, "the opportunity is lost"),
        OpportunityStatus::Active => {}
    }
}

/// How a secured deal is closed, said wherever another way is refused.
pub const SECURED_CLOSES_ONE_WAY: &str =
    "a secured opportunity is closed only by answering its SECURED_NO_MOLD alert with LOSE when the project never started";
const SECURED_CANNOT_BE_SHELVED: &str = "a secured opportunity cannot be shelved: it is closed only by answering its SECURED_NO_MOLD alert with LOSE when the project never started";

/// Losing (输单): an open deal with a reason. A secured (won) deal is lost
/// only in answer to its `SECURED_NO_MOLD` alert — the project never
/// started (项目未正式启动); `via` is the rule of the alert answered, `None`
/// for the direct mutation.
pub fn check_lose(facts: Facts, via: Option<AlertRule>, reason: Option<&str>, at: &DecisionFields, p: &mut Problems) {
    if facts.status == OpportunityStatus::Lost {
        p.add(at.decision, "the opportunity is already lost");
    } else if facts.stage == Stage::Secured && via != Some(AlertRule::SecuredNoMold) {
        p.add(at.decision, SECURED_CLOSES_ONE_WAY);
    }
    p.check(blank(reason), at.loss_reason, "is required to lose");
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
        check_shelve(
            active,
            Some(ShelveReason::CustomerOther),
            Some("  "),
            Some(today),
            today,
            &DIRECT,
            &mut p,
        );
        assert_eq!(fields(p.into_result()), ["input.reasonText", "input.restartDate"]);
        let mut p = Problems::new();
        let tomorrow = today.succ_opt();
        check_shelve(active, Some(ShelveReason::OurNoCapacity), None, tomorrow, today, &DIRECT, &mut p);
        assert!(p.is_empty());
        // A shelved deal is shelved again only in answer to an alert.
        let shelved = facts(Stage::Quotation, OpportunityStatus::Shelved, false);
        let mut p = Problems::new();
        check_shelve(shelved, Some(ShelveReason::OurNoCapacity), None, tomorrow, today, &DIRECT, &mut p);
        assert_eq!(fields(p.into_result()), ["id"]);
        let mut p = Problems::new();
        check_shelve(
            shelved,
            Some(ShelveReason::OurNoCapacity),
            None,
            tomorrow,
            today,
            &VIA_ALERT,
            &mut p,
        );
        assert!(p.is_empty());
        let mut p = Problems::new();
        check_shelve(
            facts(Stage::Secured, OpportunityStatus::Active, true),
            None,
            None,
            None,
            today,
            &VIA_ALERT,
            &mut p,
        );
        assert_eq!(
            fields(p.into_result()),
            ["input.decision", "input.shelveReason", "input.restartDate"]
        );
    }

    #[test]
    fn a_secured_deal_is_lost_only_through_its_secured_no_mold_alert() {
        let secured = facts(Stage::Secured, OpportunityStatus::Active, true);
        let lose = |f: Facts, via: Option<AlertRule>, at: &DecisionFields| {
            let mut p = Problems::new();
            check_lose(f, via, Some("项目未正式启动"), at, &mut p);
            fields(p.into_result())
        };
        assert!(lose(secured, Some(AlertRule::SecuredNoMold), &VIA_ALERT).is_empty());
        assert_eq!(lose(secured, None, &DIRECT), ["id"]);
        for rule in [AlertRule::NoFollowUp, AlertRule::StalledNegotiation, AlertRule::ShelveRestartDue] {
            assert_eq!(lose(secured, Some(rule), &VIA_ALERT), ["input.decision"], "{rule:?}");
        }
        // An unsecured deal is lost through any alert or directly.
        let open = facts(Stage::Quotation, OpportunityStatus::Active, false);
        assert!(lose(open, None, &DIRECT).is_empty());
        assert!(lose(open, Some(AlertRule::StalledQuotation), &VIA_ALERT).is_empty());
        // Lost already: refused whichever way, and a reason is still required.
        let lost = facts(Stage::Secured, OpportunityStatus::Lost, true);
        assert_eq!(lose(lost, Some(AlertRule::SecuredNoMold), &VIA_ALERT), ["input.decision"]);
        let mut p = Problems::new();
        check_lose(secured, Some(AlertRule::SecuredNoMold), Some("  "), &VIA_ALERT, &mut p);
        assert_eq!(fields(p.into_result()), ["input.lossReason"]);
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
