//! The differential test of the anomaly rules: small random companies,
//! dated around every boundary, with earlier alerts of every status; the
//! SQL scan must raise exactly what the domain rules (`condition`, `fires`,
//! `cycle_date`) decide on the same rows, and the benchmark's hand-written
//! SQL must find the same candidates. Moving one SQL cutoff by a day fails it.

use crate::helpers::*;
use api::domain::alerts::{self as rules, Cutoffs, Facts, Previous};
use api::domain::settings::Settings;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::*;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, Iterable, QueryFilter, Set};
use std::collections::HashSet;

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Instants around a cutoff: on it, a second and a day either side, far before.
fn around(cut: DateTime<Utc>) -> [DateTime<Utc>; 6] {
    let s = Duration::seconds(1);
    let d = Duration::days(1);
    [cut - s, cut, cut + s, cut - d, cut + d, cut - Duration::days(60)]
}

fn facts(o: &opportunity::Model) -> Facts {
    Facts {
        status: o.status,
        stage: o.stage,
        business_line: o.business_line,
        last_activity_at: o.last_activity_at,
        stage_entered_at: o.stage_entered_at,
        secured_at: o.secured_at,
        has_mold_number: o.mold_number.is_some(),
        restart_date: o.restart_date,
        expected_order_month: o.expected_order_month,
    }
}

/// One random company as of `as_of`; returns what the domain says the scan must raise.
async fn company(app: &TestApp, rng: &mut Rng, c: &Cutoffs, deals: usize) -> HashSet<(i64, AlertRule)> {
    use org::*;
    let stages = [
        Stage::InitialIdentification,
        Stage::Quotation,
        Stage::DeepNegotiation,
        Stage::HPotential,
        Stage::Secured,
    ];
    let statuses = [OpportunityStatus::Active, OpportunityStatus::Shelved, OpportunityStatus::Lost];
    let times: Vec<DateTime<Utc>> = [
        c.no_follow_up,
        c.stalled_initial,
        c.stalled_quotation,
        c.stalled_negotiation,
        c.secured_no_mold,
    ]
    .into_iter()
    .flat_map(around)
    .chain([c.as_of, c.as_of - Duration::hours(5)])
    .collect();
    let dates: Vec<NaiveDate> = (-2..=2).map(|k| c.restart_due_by + Duration::days(k)).collect();
    let months: Vec<Option<NaiveDate>> = vec![
        Some(api::domain::calendar::month_start(c.today)),
        Some(api::domain::calendar::add_months(api::domain::calendar::month_start(c.today), 1)),
        None,
    ];
    for _ in 0..deals {
        let (owner, track) = rng.pick(&[(A1, T1), (A2, T1), (A3, T2)]);
        let stage = rng.pick(&stages);
        let secured = stage == Stage::Secured;
        let spec = DealSpec {
            stage,
            status: rng.pick(&statuses),
            last_activity_at: rng.pick(&times),
            stage_entered_at: rng.pick(&times),
            secured_at: secured.then(|| rng.pick(&times)),
            mold_number: (secured && rng.chance(30)).then(|| "M-1".to_owned()),
            restart_date: rng.chance(60).then(|| rng.pick(&dates)),
            expected_order_month: rng.pick(&months),
            ..DealSpec::new(owner, track)
        };
        app.insert_deal(spec).await;
    }
    let opportunities = opportunity::Entity::find().all(&app.db).await.unwrap();
    // Earlier alerts of every kind: open ones, and resolutions on either side
    // of each rule's cutoff; date-bound ones for this cycle or another.
    for o in &opportunities {
        for rule in AlertRule::iter() {
            if !rng.chance(25) {
                continue;
            }
            let f = facts(o);
            let resolved_at = match rules::time_cutoff(rule, c) {
                Some(cut) => rng.pick(&around(cut)),
                None => c.as_of - Duration::days(rng.pick(&[1, 20, 40])),
            };
            let cycle = match rules::cycle_date(rule, &f, c) {
                Some(d) if rng.chance(60) => Some(d),
                Some(d) => Some(d - Duration::days(31)),
                None => rules::cycle_date(rule, &f, c),
            };
            let status = rng.pick(&[AlertStatus::Open, AlertStatus::Resolved, AlertStatus::Reviewed]);
            let open = status == AlertStatus::Open;
            let raised_at = resolved_at - Duration::days(2);
            alert::ActiveModel {
                opportunity_id: Set(o.id),
                rule: Set(rule),
                track_id: Set(o.track_id),
                owner_id: Set(o.owner_id),
                status: Set(status),
                raised_at: Set(raised_at),
                due_at: Set(raised_at + Duration::days(3)),
                cycle_date: Set(cycle),
                resolved_at: Set((!open).then_some(resolved_at)),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
    // What the domain decides, on the rows as stored.
    let earlier = alert::Entity::find().all(&app.db).await.unwrap();
    let mut expected = HashSet::new();
    for o in &opportunities {
        let f = facts(o);
        for rule in AlertRule::iter() {
            let mine: Vec<&alert::Model> = earlier.iter().filter(|a| a.opportunity_id == o.id && a.rule == rule).collect();
            let cycle = rules::cycle_date(rule, &f, c);
            let prev = Previous {
                open: mine.iter().any(|a| a.status == AlertStatus::Open),
                last_resolved_at: mine.iter().filter_map(|a| a.resolved_at).max(),
                cycle_alerted: cycle.is_some() && mine.iter().any(|a| a.cycle_date == cycle),
            };
            if rules::fires(rule, &f, &prev, c) {
                expected.insert((o.id, rule));
            }
        }
    }
    expected
}

#[tokio::test]
async fn the_sql_scan_raises_exactly_what_the_domain_rules_decide() {
    // Instants chosen for their boundaries: the 25th, month ends (31 Jan +
    // 1 month = 28 Feb), the turn of a Shanghai day.
    let instants = [
        sh(2026, 11, 25) + Duration::hours(1),
        sh(2026, 3, 1) + Duration::hours(1),
        sh(2026, 11, 23) + Duration::hours(9),
        sh(2026, 5, 31) + Duration::seconds(86_399),
        sh(2027, 2, 25),
        sh(2026, 12, 1) + Duration::hours(1),
    ];
    let settings = Settings::default();
    let mut covered = HashSet::new();
    for (seed, as_of) in instants.into_iter().enumerate() {
        let app = spawn_app().await;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (seed as u64 + 1));
        let c = rules::cutoffs(as_of, &settings);
        let expected = company(&app, &mut rng, &c, 120).await;
        // The benchmark's hand-written SQL finds the same candidates.
        let raw: HashSet<(i64, String)> = salespulse_bench::scan::raw_select(&app.db, &c)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, rule)| (id, rule.to_owned()))
            .collect();
        let want: HashSet<(i64, String)> = expected.iter().map(|(id, rule)| (*id, rule.to_value())).collect();
        assert_eq!(raw, want, "seed {seed}: the bench's raw SQL disagrees with the domain");
        let report = api::service::alerts::run_scan(&app.state, as_of).await.unwrap();
        let new_alerts = alert::Entity::find()
            .filter(alert::Column::RaisedAt.eq(as_of))
            .all(&app.db)
            .await
            .unwrap();
        // What the scan kept as evidence is what the domain says the rule saw.
        let deals = opportunity::Entity::find().all(&app.db).await.unwrap();
        for a in &new_alerts {
            let o = deals.iter().find(|o| o.id == a.opportunity_id).unwrap();
            assert_eq!(
                a.seen_at,
                rules::seen_at(a.rule, &facts(o)),
                "seed {seed}: evidence instant of {a:?}"
            );
            assert_eq!(a.seen_stage, Some(o.stage), "seed {seed}");
            assert_eq!(a.threshold, Some(rules::threshold(a.rule, &settings)), "seed {seed}");
        }
        let raised: HashSet<(i64, AlertRule)> = new_alerts.iter().map(|a| (a.opportunity_id, a.rule)).collect();
        let missing: Vec<_> = expected.difference(&raised).collect();
        let extra: Vec<_> = raised.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "seed {seed} as of {as_of}: the scan missed {missing:?} and raised {extra:?} against the domain rules"
        );
        assert_eq!(report.rules.iter().map(|r| r.raised).sum::<u64>(), expected.len() as u64);
        covered.extend(expected.iter().map(|(_, r)| *r));
    }
    // Every rule fired somewhere, so none is compared only on empty sets.
    for rule in AlertRule::iter() {
        assert!(covered.contains(&rule), "{rule:?} never fired: widen the generator");
    }
}

#[tokio::test]
async fn the_overdue_filter_of_the_alert_list_agrees_with_the_domain() {
    let app = spawn_app().await;
    let as_of = sh(2026, 11, 23) + Duration::hours(9);
    let mut rng = Rng(42);
    let c = rules::cutoffs(as_of, &Settings::default());
    company(&app, &mut rng, &c, 60).await;
    api::service::alerts::run_scan(&app.state, as_of).await.unwrap();
    // Due and review times on either side of now, in every status.
    let now = app.state.clock.now();
    for a in alert::Entity::find().all(&app.db).await.unwrap() {
        // At most one open alert per opportunity and rule: only open ones stay open.
        let status = if a.status == AlertStatus::Open {
            rng.pick(&[AlertStatus::Open, AlertStatus::Resolved, AlertStatus::Reviewed])
        } else {
            rng.pick(&[AlertStatus::Resolved, AlertStatus::Reviewed])
        };
        let offsets = [-86_400, -1, 0, 1, 86_400];
        let mut row: alert::ActiveModel = a.into();
        row.status = Set(status);
        row.due_at = Set(now + Duration::seconds(rng.pick(&offsets)));
        row.review_due_at = Set((status != AlertStatus::Open).then(|| now + Duration::seconds(rng.pick(&offsets))));
        if status == AlertStatus::Open {
            row.resolved_at = Set(None);
        }
        row.update(&app.db).await.unwrap();
    }
    let all = alert::Entity::find().all(&app.db).await.unwrap();
    let expected: HashSet<i64> = all
        .iter()
        .filter(|a| rules::is_overdue(a.status, a.due_at, a.review_due_at, now))
        .map(|a| a.id)
        .collect();
    assert!(!expected.is_empty() && expected.len() < all.len(), "both sides are exercised");
    let admin = api::auth::Viewer {
        user_id: org::ADMIN,
        role: Role::Admin,
        track_ids: vec![],
        token_expires_at: i64::MAX,
        session_id: None,
        must_change_password: false,
    };
    for overdue in [true, false] {
        let mut seen = HashSet::new();
        let mut after = None;
        loop {
            let filter = api::service::alerts::ListFilter {
                overdue: Some(overdue),
                ..Default::default()
            };
            let page = api::service::PageRequest {
                first: Some(100),
                after: after.clone(),
                ..Default::default()
            };
            let found = api::service::alerts::list(&app.state, &admin, filter, page).await.unwrap();
            seen.extend(found.rows.iter().map(|a| a.id));
            if !found.has_next {
                break;
            }
            after = found.rows.last().map(|a| a.id.to_string());
        }
        let want: HashSet<i64> = all.iter().map(|a| a.id).filter(|id| expected.contains(id) == overdue).collect();
        assert_eq!(seen, want, "overdue = {overdue}");
    }
    // Every order, read in pages of 7 forwards and backwards, is the order
    // the domain's overdue rule and the due times give, ties broken by id.
    use api::domain::page::AlertOrder;
    let overdue_rank = |a: &alert::Model| i32::from(!rules::is_overdue(a.status, a.due_at, a.review_due_at, now));
    for order in [
        AlertOrder::OldestFirst,
        AlertOrder::NewestFirst,
        AlertOrder::DueSoonest,
        AlertOrder::OverdueFirst,
    ] {
        let mut want: Vec<&alert::Model> = all.iter().collect();
        match order {
            AlertOrder::OldestFirst => want.sort_by_key(|a| a.id),
            AlertOrder::NewestFirst => want.sort_by_key(|a| std::cmp::Reverse(a.id)),
            AlertOrder::DueSoonest => want.sort_by_key(|a| (a.due_at, a.id)),
            AlertOrder::OverdueFirst => want.sort_by_key(|a| (overdue_rank(a), a.due_at, a.id)),
        }
        let want: Vec<i64> = want.iter().map(|a| a.id).collect();
        for backwards in [false, true] {
            let mut got: Vec<i64> = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = if backwards {
                    api::service::PageRequest {
                        last: Some(7),
                        before: cursor.clone(),
                        ..Default::default()
                    }
                } else {
                    api::service::PageRequest {
                        first: Some(7),
                        after: cursor.clone(),
                        ..Default::default()
                    }
                };
                let filter = api::service::alerts::ListFilter {
                    order,
                    ..Default::default()
                };
                let found = api::service::alerts::list(&app.state, &admin, filter, page).await.unwrap();
                let ids: Vec<i64> = found.rows.iter().map(|a| a.id).collect();
                assert!(ids.len() <= 7);
                if backwards {
                    got.splice(0..0, ids.iter().copied());
                    cursor = ids.first().map(ToString::to_string);
                    if !found.has_previous {
                        break;
                    }
                } else {
                    got.extend(&ids);
                    cursor = ids.last().map(ToString::to_string);
                    if !found.has_next {
                        break;
                    }
                }
            }
            assert_eq!(got, want, "{order:?}, backwards = {backwards}");
        }
    }
}
