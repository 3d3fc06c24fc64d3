//! The demo company's ERP figures (orders, shipments, receipts, margins)
//! for 18 months, this year's targets and their migrations.

use super::*;

/// A target migration (承接基准迁移) in each state, in 消费电子I, between
/// deals of kind `OTHER` (mold development and mass production are locked):
/// am2's executed (version 2) and approved (due within 2 days), am1's
/// rejected and waiting for director1. The steps fall between the
/// baseline's instant `since` and `now`.
pub(super) async fn target_migrations(
    txn: &sea_orm::DatabaseTransaction,
    year: i32,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use crate::service::baseline::{Replay, replay_in};
    let step = |tenths: i32| since + (now - since) * tenths / 10;
    // Deal ids: account manager `a`'s slot `k` is (a − 1) × 20 + k + 1; slots 2, 5 and 8 are `OTHER`.
    let deal = |a: i64, k: i64| (a - 1) * PER_MANAGER + k + 1;
    let (director1, admin) = (11, 3);
    let rows = [
        (
            2,
            (2, 5),
            200_000,
            "客户把二期模具需求并入新项目",
            Some((step(2), true, None)),
            Some(step(3)),
        ),
        (
            1,
            (5, 8),
            300_000,
            "客户预算转移到新车型配套",
            Some((step(5), false, Some("新项目尚未立项，年底前不迁移".to_owned()))),
            None,
        ),
        (
            2,
            (5, 8),
            150_000,
            "量产件需求提前，目标随之前移",
            Some((step(8), true, None)),
            None,
        ),
        (1, (2, 5), 250_000, "同一客户的两个项目合并报价", None, None),
    ];
    for (i, (a, (k_from, k_to), yuan, reason, decided, executed)) in rows.into_iter().enumerate() {
        replay_in(
            txn,
            year,
            Replay {
                from_opportunity_id: deal(a, k_from),
                to_opportunity_id: deal(a, k_to),
                amount_cents: yuan * 100,
                reason: reason.to_owned(),
                requested_by: 100 + a,
                requested_at: step(1 + 2 * i as i32),
                decision: decided.map(|(at, approve, comment)| (director1, at, approve, comment)),
                execution: executed.map(|at| (admin, at)),
            },
        )
        .await?;
    }
    Ok(())
}

/// Per track (in `TRACKS` order): an account manager's monthly sales
/// target in yuan (also his order target), the share of it he sells (%),
/// of it he books as orders (%), the gross margin (%), expenses (‰ of
/// sales) and the DSO in days. 消费电子II and 家电 sell and book exactly
/// alike against the same targets, so they tie on dimensions 1 to 4.
pub(super) const TRACK_FIGURES: [(i64, i64, i64, i64, i64, i64); 6] = [
    (600_000, 112, 115, 30, 40, 45),
    (400_000, 95, 100, 25, 55, 60),
    (800_000, 80, 75, 18, 70, 40),
    (300_000, 103, 105, 35, 35, 50),
    (400_000, 95, 100, 22, 60, 55),
    (200_000, 70, 80, 15, 90, 75),
];
/// Each track's five account managers sell this share of the track's rate (%): they sum to 500.
pub(super) const MANAGER_SHARES: [i64; 5] = [120, 105, 100, 90, 85];
/// A month's sales against the yearly average (%), January to December.
pub(super) const SEASON: [i64; 12] = [80, 70, 100, 100, 105, 105, 95, 100, 105, 110, 110, 120];

/// 18 months of ERP facts up to today and this year's targets, written
/// as the imports write them (one batch per kind, the monthly rollup
/// recomputed), shaped so the board tells a story: tracks above and below
/// target, 汽车内外饰's DSO rising month after month and one month sold at
/// a loss, 消费电子II and 家电 tied.
pub(super) async fn erp_figures(txn: &impl ConnectionTrait, today: chrono::NaiveDate, now: DateTime<Utc>) -> AppResult<()> {
    use crate::domain::erp::{FactRow, target_key};
    use std::collections::BTreeSet;
    let this_month = calendar::month_start(today);
    let months: Vec<chrono::NaiveDate> = (0..18u32).rev().map(|back| calendar::sub_months(this_month, back)).collect();
    let (mut sales, mut orders, mut expenses, mut receivables) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let fact = |key: String, month, date, track_id, am: Option<i64>, amount_cents, cost_cents: Option<i64>| FactRow {
        external_id: Some(key.clone()),
        key,
        month,
        date,
        track_id,
        account_manager_id: am,
        customer: None,
        opportunity_id: None,
        amount_cents,
        cost_cents,
    };
    for (i, &month) in months.iter().enumerate() {
        let season = SEASON[month.month0() as usize];
        // This month so far: booked on the 1st, or today's date.
        let day = if month == this_month {
            today
        } else {
            month.with_day(15).unwrap_or(month)
        };
        let ym = format!("{}{:02}", month.year(), month.month());
        for (t, &(target, sell, book, margin, spend, dso)) in TRACK_FIGURES.iter().enumerate() {
            let track_id = t as i64 + 1;
            let mut track_revenue = 0;
            for (k, share) in MANAGER_SHARES.iter().enumerate() {
                let am = 100 + t as i64 * 5 + k as i64 + 1;
                let revenue = target * 100 * sell * share * season / 1_000_000;
                let cost_pct = if track_id == 3 && i == 12 { 108 } else { 100 - margin };
                // Two invoices a month: 60 % and 40 %.
                for (n, part) in [(1, 60), (2, 40)] {
                    let r = revenue * part / 100;
                    sales.push(fact(
                        format!("XS{ym}-{am}-{n}"),
                        month,
                        Some(day),
                        track_id,
                        Some(am),
                        r,
                        Some(r * cost_pct / 100),
                    ));
                }
                let mut order = fact(
                    format!("DD{ym}-{am}"),
                    month,
                    Some(day),
                    track_id,
                    Some(am),
                    target * 100 * book * share * season / 1_000_000,
                    None,
                );
                order.customer = Some(format!("{}{}", CUSTOMER_STEMS[(am as usize + i) % 24], CUSTOMER_TAILS[t % 10]));
                orders.push(order);
                track_revenue += revenue;
            }
            expenses.push(fact(
                format!("FY{ym}-{track_id}"),
                month,
                None,
                track_id,
                None,
                track_revenue * spend / 1000,
                None,
            ));
            // 汽车内外饰 collects ever more slowly: its DSO climbs from 40 to 91 days.
            let days = if track_id == 3 { 40 + 3 * i as i64 } else { dso };
            receivables.push(fact(
                format!("YS{ym}-{track_id}"),
                month,
                None,
                track_id,
                None,
                track_revenue * days / 30,
                None,
            ));
        }
    }
    // This year's targets, every month: each account manager's, and each track's (their sum).
    let (mut sales_targets, mut order_targets) = (Vec::new(), Vec::new());
    for m in 1..=12 {
        let month = chrono::NaiveDate::from_ymd_opt(today.year(), m, 1).unwrap_or(this_month);
        for (t, &(target, ..)) in TRACK_FIGURES.iter().enumerate() {
            let track_id = t as i64 + 1;
            let mut rows: Vec<(Option<i64>, i64)> = (1..=5).map(|k| (Some(100 + t as i64 * 5 + k), target * 100)).collect();
            rows.push((None, target * 100 * 5));
            for (am, amount) in rows {
                let row = fact(target_key(track_id, am, month), month, None, track_id, am, amount, None);
                let row = FactRow { external_id: None, ..row };
                sales_targets.push(row.clone());
                order_targets.push(row);
            }
        }
    }
    let managers: BTreeSet<i64> = (101..=130).collect();
    let touched: BTreeSet<chrono::NaiveDate> = months.iter().copied().collect();
    for (kind, rows) in [
        (ErpKind::Sales, sales),
        (ErpKind::Orders, orders),
        (ErpKind::Expenses, expenses),
        (ErpKind::Receivables, receivables),
        (ErpKind::SalesTargets, sales_targets),
        (ErpKind::OrderTargets, order_targets),
    ] {
        let batch = crate::store::erp::insert_batch(
            txn,
            crate::store::erp::NewBatch {
                kind,
                source: BatchSource::Seed,
                file_name: None,
                actor_id: None,
                row_count: rows.len() as i64,
                inserted: rows.len() as i64,
                updated: 0,
                unchanged: 0,
                first_month: rows.iter().map(|r| r.month).min(),
                last_month: rows.iter().map(|r| r.month).max(),
                at: now,
            },
        )
        .await?;
        crate::store::erp::write(txn, kind, batch, &rows, &[]).await?;
    }
    crate::store::erp::refresh_rollup(txn, &touched, &managers).await?;
    Ok(())
}
