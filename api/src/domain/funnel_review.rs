//! The funnel reviews (`DOMAIN.md` section 2): the monthly review of a
//! track — its anomaly alerts per rule with their outcomes, the shelved
//! deals due to restart and whether they were handled on time, the change
//! in active deals — and the quarterly review: the account managers who
//! keep triggering the follow-up and stall rules, and the shelve reasons
//! split customer side against our side. The store counts; every rule of
//! what the counts mean is here.

use chrono::{DateTime, Utc};
use entity::{AlertDecision, AlertRule, ShelveReason};
use sea_orm::Iterable;

/// How many rows a review's lists show at most (restarts due, tasks, account managers).
pub const LIST_ROWS: usize = 100;

/// One rule's alerts raised in the month, by what their owners decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOutcomes {
    pub rule: AlertRule,
    pub raised: i64,
    /// Not answered yet.
    pub open: i64,
    /// 保持: kept open.
    pub kept: i64,
    /// 搁置.
    pub shelved: i64,
    /// 输单.
    pub lost: i64,
    /// 重新激活 (a shelved deal brought back).
    pub reactivated: i64,
}

/// Every rule's outcomes, in the rules' order (a rule without alerts is
/// zeros), from the store's counts by (rule, decision).
pub fn outcomes_by_rule(counts: &[(AlertRule, Option<AlertDecision>, i64)]) -> Vec<RuleOutcomes> {
    AlertRule::iter()
        .map(|rule| {
            let mut o = RuleOutcomes {
                rule,
                raised: 0,
                open: 0,
                kept: 0,
                shelved: 0,
                lost: 0,
                reactivated: 0,
            };
            for (_, decision, n) in counts.iter().filter(|(r, _, _)| *r == rule) {
                o.raised += n;
                match decision {
                    None => o.open += n,
                    Some(AlertDecision::Keep) => o.kept += n,
                    Some(AlertDecision::Shelve) => o.shelved += n,
                    Some(AlertDecision::Lose) => o.lost += n,
                    Some(AlertDecision::Reactivate) => o.reactivated += n,
                }
            }
            o
        })
        .collect()
}

/// Whether a shelved deal due to restart was handled on time: its
/// restart-due alert answered (reactivated, shelved again, lost) by the
/// alert's due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartHandling {
    /// 按时处理: answered by the due time.
    OnTime,
    /// 逾期处理: answered, after the due time.
    Late,
    /// 未处理: not answered, the due time passed.
    Missed,
    /// 待处理: not answered, still within its time (or not alerted yet).
    Pending,
}

/// A restart's handling: answered at `resolved_at` (if it was) against
/// `due` — the restart-due alert's due time, or, for a deal not alerted
/// yet, the end of its restart day — seen at `now`.
pub fn restart_handling(resolved_at: Option<DateTime<Utc>>, due: DateTime<Utc>, now: DateTime<Utc>) -> RestartHandling {
    match resolved_at {
        Some(at) if at <= due => RestartHandling::OnTime,
        Some(_) => RestartHandling::Late,
        None if now > due => RestartHandling::Missed,
        None => RestartHandling::Pending,
    }
}

/// The change in active deals (活跃商机数) from the month before: `None`
/// when either month has no figure.
pub fn active_change(this_month: Option<i64>, month_before: Option<i64>) -> Option<i64> {
    Some(this_month? - month_before?)
}

/// The rules whose repetition the quarterly review looks at: no follow-up
/// and the three stalls.
pub const REPEAT_RULES: [AlertRule; 4] = [
    AlertRule::NoFollowUp,
    AlertRule::StalledInitial,
    AlertRule::StalledQuotation,
    AlertRule::StalledNegotiation,
];

/// An account manager "keeps triggering" those rules when his alerts of
/// them were raised in at least this many of the quarter's three months.
pub const REPEAT_MONTHS: usize = 2;

/// One account manager's alerts of the repeat rules in a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeats {
    pub account_manager_id: i64,
    /// Alerts raised in each of the quarter's months.
    pub by_month: [i64; 3],
    /// Alerts per repeat rule, in [`REPEAT_RULES`] order.
    pub by_rule: [(AlertRule, i64); 4],
}

impl Repeats {
    pub fn total(&self) -> i64 {
        self.by_month.iter().sum()
    }

    /// Months of the quarter with at least one such alert.
    pub fn months_with_alerts(&self) -> usize {
        self.by_month.iter().filter(|n| **n > 0).count()
    }
}

/// The account managers who keep triggering, from the store's counts by
/// (account manager, rule, month of the quarter 0–2): most alerts first,
/// then by id.
pub fn repeaters(counts: &[(i64, AlertRule, [i64; 3])]) -> Vec<Repeats> {
    let mut by_am: std::collections::BTreeMap<i64, Repeats> = std::collections::BTreeMap::new();
    for (am, rule, months) in counts {
        let Some(slot) = REPEAT_RULES.iter().position(|r| r == rule) else {
            continue;
        };
        let r = by_am.entry(*am).or_insert_with(|| Repeats {
            account_manager_id: *am,
            by_month: [0; 3],
            by_rule: REPEAT_RULES.map(|r| (r, 0)),
        });
        for (m, n) in months.iter().enumerate() {
            r.by_month[m] += n;
            r.by_rule[slot].1 += n;
        }
    }
    let mut out: Vec<Repeats> = by_am.into_values().filter(|r| r.months_with_alerts() >= REPEAT_MONTHS).collect();
    out.sort_by(|a, b| b.total().cmp(&a.total()).then(a.account_manager_id.cmp(&b.account_manager_id)));
    out
}

/// The shelve reasons of a quarter, split customer side against our side.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelveSplit {
    pub customer_side: i64,
    pub our_side: i64,
    /// Every reason with its count, in the reasons' order.
    pub by_reason: Vec<(ShelveReason, i64)>,
}

impl ShelveSplit {
    /// The customer side's share, 0–1; `None` without any shelving.
    pub fn customer_share(&self) -> Option<f64> {
        let all = self.customer_side + self.our_side;
        (all > 0).then(|| self.customer_side as f64 / all as f64)
    }
}

/// Customer side or ours: the reason's own side (客户原因 / 我方原因).
pub fn customer_side(reason: ShelveReason) -> bool {
    reason.is_customer_side()
}

/// The split of the store's counts by reason.
pub fn shelve_split(counts: &[(ShelveReason, i64)]) -> ShelveSplit {
    let by_reason: Vec<(ShelveReason, i64)> = ShelveReason::iter()
        .map(|r| (r, counts.iter().filter(|(c, _)| *c == r).map(|(_, n)| n).sum()))
        .collect();
    let (customer_side, our_side) = by_reason
        .iter()
        .fold((0, 0), |(c, o), (r, n)| if customer_side(*r) { (c + n, o) } else { (c, o + n) });
    ShelveSplit {
        customer_side,
        our_side,
        by_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn outcomes_count_every_rule_by_decision() {
        let rows = outcomes_by_rule(&[
            (AlertRule::NoFollowUp, None, 2),
            (AlertRule::NoFollowUp, Some(AlertDecision::Keep), 3),
            (AlertRule::NoFollowUp, Some(AlertDecision::Lose), 1),
            (AlertRule::ShelveRestartDue, Some(AlertDecision::Reactivate), 4),
            (AlertRule::ShelveRestartDue, Some(AlertDecision::Shelve), 1),
        ]);
        assert_eq!(rows.len(), AlertRule::iter().count());
        let nf = rows.iter().find(|r| r.rule == AlertRule::NoFollowUp).unwrap();
        assert_eq!((nf.raised, nf.open, nf.kept, nf.lost, nf.shelved), (6, 2, 3, 1, 0));
        let restart = rows.iter().find(|r| r.rule == AlertRule::ShelveRestartDue).unwrap();
        assert_eq!((restart.raised, restart.reactivated, restart.shelved), (5, 4, 1));
        let stalled = rows.iter().find(|r| r.rule == AlertRule::StalledQuotation).unwrap();
        assert_eq!(stalled.raised, 0);
    }

    #[test]
    fn a_restart_is_on_time_when_answered_by_its_due_time() {
        let due = at("2026-11-12T16:00:00Z");
        let now = at("2026-11-20T00:00:00Z");
        assert_eq!(restart_handling(Some(due), due, now), RestartHandling::OnTime);
        assert_eq!(restart_handling(Some(at("2026-11-12T16:00:01Z")), due, now), RestartHandling::Late);
        assert_eq!(restart_handling(None, due, now), RestartHandling::Missed);
        assert_eq!(restart_handling(None, due, at("2026-11-12T15:59:59Z")), RestartHandling::Pending);
        assert_eq!(restart_handling(None, due, due), RestartHandling::Pending);
    }

    #[test]
    fn active_change_needs_both_months() {
        assert_eq!(active_change(Some(12), Some(15)), Some(-3));
        assert_eq!(active_change(Some(12), None), None);
        assert_eq!(active_change(None, Some(1)), None);
    }

    #[test]
    fn repeaters_are_those_alerted_in_two_months_of_the_quarter() {
        let found = repeaters(&[
            // 7: five alerts, all in one month: not a repetition.
            (7, AlertRule::NoFollowUp, [5, 0, 0]),
            // 8: one in the first month, one stall in the third.
            (8, AlertRule::NoFollowUp, [1, 0, 0]),
            (8, AlertRule::StalledNegotiation, [0, 0, 1]),
            // 9: three months.
            (9, AlertRule::StalledInitial, [1, 1, 1]),
            // A rule outside the four is not counted.
            (10, AlertRule::SecuredNoMold, [1, 1, 1]),
        ]);
        assert_eq!(found.iter().map(|r| r.account_manager_id).collect::<Vec<_>>(), vec![9, 8]);
        assert_eq!(found[1].by_month, [1, 0, 1]);
        assert_eq!(found[1].by_rule[0], (AlertRule::NoFollowUp, 1));
        assert_eq!(found[1].by_rule[3], (AlertRule::StalledNegotiation, 1));
        assert_eq!(found[0].total(), 3);
    }

    #[test]
    fn shelve_reasons_split_by_side() {
        let s = shelve_split(&[
            (ShelveReason::CustomerDesignNotFinal, 3),
            (ShelveReason::CustomerOther, 1),
            (ShelveReason::OurNoCapacity, 2),
        ]);
        assert_eq!((s.customer_side, s.our_side), (4, 2));
        assert_eq!(s.by_reason.len(), ShelveReason::iter().count());
        assert!((s.customer_share().unwrap() - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(shelve_split(&[]).customer_share(), None);
    }
}
