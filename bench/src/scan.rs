//! `salespulse-bench scan`: generates a large company into an empty database and
//! measures the anomaly scan against the raw SQL of the same rules.
//! A benchmark, not a test: its figures go to `docs/benchmarks.md`.

use api::clock::SharedClock;
use api::config::Config;
use api::domain::alerts::{self as rules, Cutoffs};
use api::error::{AppError, AppResult};
use api::service::alerts::run_scan;
use api::state::AppState;
use api::store;
use chrono::{DateTime, Duration, Utc};
use entity::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, Set, Statement};
use std::time::Instant;

/// How big a company to generate.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub opportunities: i64,
    pub activities: i64,
}

/// Generates the company as of `now`: 6 tracks, 300 account managers,
/// opportunities over every stage with about one in ten anomalous.
pub async fn generate(db: &DatabaseConnection, size: Size, now: DateTime<Utc>) -> AppResult<()> {
    if user::Entity::find().count(db).await? > 0 {
        return Err(AppError::conflict("the benchmark needs an empty database"));
    }
    let mut rng = StdRng::seed_from_u64(7);
    let txn = store::begin_write(db).await?;
    let tracks: Vec<track::ActiveModel> = (1..=6)
        .map(|t| track::ActiveModel {
            id: Set(t),
            name: Set(format!("track {t}")),
            business_line: Set(if t <= 3 {
                BusinessLine::MoldingIntegrated
            } else {
                BusinessLine::CommodityMold
            }),
        })
        .collect();
    track::Entity::insert_many(tracks).exec(&txn).await?;
    let users: Vec<user::ActiveModel> = (1..=300)
        .map(|a| user::ActiveModel {
            id: Set(a),
            email: Set(format!("bench{a}@bench.local")),
            name: Set(format!("bench {a}")),
            password_hash: Set("!".into()),
            role: Set(Role::AccountManager),
            active: Set(true),
            tokens_revoked_at: Set(None),
            token_generation: Set(0),
            must_change_password: Set(false),
            created_at: Set(now),
        })
        .collect();
    user::Entity::insert_many(users).exec(&txn).await?;
    let members: Vec<track_member::ActiveModel> = (1..=300)
        .map(|a| track_member::ActiveModel {
            user_id: Set(a),
            track_id: Set((a - 1) / 50 + 1),
        })
        .collect();
    track_member::Entity::insert_many(members).exec(&txn).await?;
    let customers: Vec<customer::ActiveModel> = (1..=20_000)
        .map(|c| customer::ActiveModel {
            id: Set(c),
            name: Set(format!("customer {c}")),
            created_at: Set(now),
        })
        .collect();
    for chunk in customers.chunks(1000) {
        customer::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    let this_month = api::domain::calendar::month_start(now.date_naive());
    let stages = [
        Stage::InitialIdentification,
        Stage::Quotation,
        Stage::DeepNegotiation,
        Stage::HPotential,
        Stage::Secured,
    ];
    let mut batch = Vec::with_capacity(1000);
    for id in 1..=size.opportunities {
        let owner = rng.random_range(1..=300i64);
        let track = (owner - 1) / 50 + 1;
        let stage = stages[rng.random_range(0..stages.len())];
        let status = match rng.random_range(0..100) {
            0..=79 => OpportunityStatus::Active,
            80..=89 => OpportunityStatus::Shelved,
            _ => OpportunityStatus::Lost,
        };
        // About one deal in ten without a follow-up for 15+ days.
        let last_age = if rng.random_range(0..10) == 0 {
            rng.random_range(15..90)
        } else {
            rng.random_range(0..14)
        };
        // About one in ten has been in its stage (or secured) a long time.
        let entered = now
            - Duration::days(if rng.random_range(0..10) == 0 {
                rng.random_range(15..120)
            } else {
                rng.random_range(0..14)
            });
        batch.push(opportunity::ActiveModel {
            id: Set(id),
            name: Set(format!("deal {id}")),
            customer_id: Set(rng.random_range(1..=20_000)),
            track_id: Set(track),
            owner_id: Set(owner),
            business_line: Set(if track <= 3 {
                BusinessLine::MoldingIntegrated
            } else {
                BusinessLine::CommodityMold
            }),
            kind: Set(OpportunityKind::Other),
            amount_cents: Set(rng.random_range(1_000..10_000) * 100_000),
            stage: Set(stage),
            stage_entered_at: Set(entered),
            status: Set(status),
            last_activity_at: Set(now - Duration::days(last_age)),
            secured_at: Set((stage == Stage::Secured).then_some(entered)),
            mold_number: Set((stage == Stage::Secured && rng.random_range(0..2) == 0).then(|| format!("M{id}"))),
            shelve_reason: Set((status == OpportunityStatus::Shelved).then_some(ShelveReason::OurNoCapacity)),
            shelve_reason_text: Set(None),
            restart_date: Set((status == OpportunityStatus::Shelved).then(|| now.date_naive() + Duration::days(rng.random_range(-5..90)))),
            loss_reason: Set(None),
            expected_order_month: Set(Some(api::domain::calendar::add_months(this_month, rng.random_range(0..6)))),
            forecast_amount_cents: Set(None),
            precision_order_date: Set(None),
            precision_amount_cents: Set(None),
            version: Set(1),
            created_at: Set(entered),
            updated_at: Set(now),
        });
        if batch.len() == 1000 {
            opportunity::Entity::insert_many(std::mem::take(&mut batch)).exec(&txn).await?;
        }
    }
    if !batch.is_empty() {
        opportunity::Entity::insert_many(batch).exec(&txn).await?;
    }
    let mut batch = Vec::with_capacity(2000);
    for _ in 0..size.activities {
        let at = now - Duration::days(rng.random_range(15..540));
        batch.push(activity::ActiveModel {
            opportunity_id: Set(rng.random_range(1..=size.opportunities)),
            actor_id: Set(rng.random_range(1..=300)),
            kind: Set(ActivityKind::Call),
            note: Set("call".into()),
            occurred_at: Set(at),
            created_at: Set(at),
            ..Default::default()
        });
        if batch.len() == 2000 {
            activity::Entity::insert_many(std::mem::take(&mut batch)).exec(&txn).await?;
        }
    }
    if !batch.is_empty() {
        activity::Entity::insert_many(batch).exec(&txn).await?;
    }
    txn.commit().await?;
    // Fresh statistics, as a database in service would have.
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// One rule written by hand (the differential test holds it to the
/// domain rules, as it holds the scan): its condition on `opportunity o`, the guard
/// against earlier alerts, the cycle column, and their parameters.
struct RawRule {
    rule: &'static str,
    condition: &'static str,
    condition_params: Vec<sea_orm::Value>,
    guard: &'static str,
    guard_params: Vec<sea_orm::Value>,
    cycle: &'static str,
    /// The instant the rule measures from (kept as evidence).
    seen: &'static str,
}

/// A time-bound rule: the same cutoff bounds the condition and the
/// re-fire guard (no resolution at or after it).
fn timed(rule: &'static str, condition: &'static str, cutoff: DateTime<Utc>, seen: &'static str) -> RawRule {
    RawRule {
        rule,
        condition,
        condition_params: vec![cutoff.into()],
        guard: "a.resolved_at >= ?",
        guard_params: vec![cutoff.into()],
        cycle: "NULL",
        seen,
    }
}

fn raw_rules(c: &Cutoffs) -> Vec<RawRule> {
    let mut out = vec![
        timed(
            "NO_FOLLOW_UP",
            "o.status = 'ACTIVE' AND o.stage <> 'SECURED' AND o.last_activity_at < ?",
            c.no_follow_up,
            "o.last_activity_at",
        ),
        timed(
            "STALLED_INITIAL",
            "o.status = 'ACTIVE' AND o.stage = 'INITIAL_IDENTIFICATION' AND o.stage_entered_at < ?",
            c.stalled_initial,
            "o.stage_entered_at",
        ),
        timed(
            "STALLED_QUOTATION",
            "o.status = 'ACTIVE' AND o.stage = 'QUOTATION' AND o.stage_entered_at < ?",
            c.stalled_quotation,
            "o.stage_entered_at",
        ),
        timed(
            "STALLED_NEGOTIATION",
            "o.status = 'ACTIVE' AND o.stage = 'DEEP_NEGOTIATION' AND o.stage_entered_at < ?",
            c.stalled_negotiation,
            "o.stage_entered_at",
        ),
        timed(
            "SECURED_NO_MOLD",
            "o.status <> 'LOST' AND o.stage = 'SECURED' AND o.mold_number IS NULL AND o.secured_at < ?",
            c.secured_no_mold,
            "o.secured_at",
        ),
        RawRule {
            rule: "SHELVE_RESTART_DUE",
            condition: "o.status = 'SHELVED' AND o.restart_date <= ?",
            condition_params: vec![c.restart_due_by.into()],
            guard: "a.cycle_date = o.restart_date",
            guard_params: vec![],
            cycle: "o.restart_date",
            seen: "NULL",
        },
    ];
    if let Some(month) = c.expected_month {
        out.push(RawRule {
            rule: "ORDER_EXPECTED_NOT_H_POTENTIAL",
            condition: "o.status = 'ACTIVE' AND o.business_line = 'MOLDING_INTEGRATED' AND o.stage IN ('INITIAL_IDENTIFICATION', 'QUOTATION', 'DEEP_NEGOTIATION') AND o.expected_order_month = ?",
            condition_params: vec![month.into()],
            guard: "a.cycle_date = ?",
            guard_params: vec![month.into()],
            cycle: "o.expected_order_month",
            seen: "NULL",
        });
    }
    out
}

/// `?` placeholders as the backend wants them.
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::new();
        let mut n = 0;
        for ch in sql.chars() {
            if ch == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The scan's reads as hand-written SQL: per rule, the candidates and the
/// already-open count; then the two overdue selections. Returns the
/// candidates: (opportunity id, rule) of every alert the scan would raise.
pub async fn raw_select(db: &DatabaseConnection, c: &Cutoffs) -> AppResult<Vec<(i64, &'static str)>> {
    let backend = db.get_database_backend();
    let mut rows = Vec::new();
    for r in raw_rules(c) {
        let sql = format!(
            "SELECT o.id, o.owner_id, o.track_id, {cycle} FROM opportunity o WHERE {cond} \
             AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id AND a.rule = '{rule}' AND a.status = 'OPEN') \
             AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id AND a.rule = '{rule}' AND {guard}) ORDER BY o.id",
            cycle = r.cycle,
            cond = r.condition,
            rule = r.rule,
            guard = r.guard
        );
        let params = r.condition_params.iter().chain(r.guard_params.iter()).cloned().collect();
        for row in db.query_all_raw(statement(backend, &sql, params)).await? {
            rows.push((row.try_get::<i64>("", "id")?, r.rule));
        }
        let count = format!(
            "SELECT COUNT(*) FROM opportunity o WHERE {cond} AND EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id AND a.rule = '{rule}' AND a.status = 'OPEN')",
            cond = r.condition,
            rule = r.rule
        );
        db.query_all_raw(statement(backend, &count, r.condition_params.clone())).await?;
    }
    for sql in [
        "SELECT * FROM alert WHERE status = 'OPEN' AND due_at < ? AND overdue_at IS NULL",
        "SELECT * FROM alert WHERE status = 'RESOLVED' AND review_due_at < ? AND review_overdue_at IS NULL",
    ] {
        db.query_all_raw(statement(backend, sql, vec![c.as_of.into()])).await?;
    }
    Ok(rows)
}

/// The scan's first run as hand-written SQL: INSERT … SELECT of every
/// rule's alerts and of their events, in a transaction rolled back.
pub async fn raw_raise(db: &DatabaseConnection, c: &Cutoffs, due_at: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::TransactionTrait;
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let mut raised = 0;
    for r in raw_rules(c) {
        let sql = format!(
            "INSERT INTO alert (opportunity_id, rule, track_id, owner_id, status, raised_at, due_at, cycle_date, seen_at, seen_stage) \
             SELECT o.id, '{rule}', o.track_id, o.owner_id, 'OPEN', ?, ?, {cycle}, {seen}, o.stage FROM opportunity o WHERE {cond} \
             AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id AND a.rule = '{rule}' AND a.status = 'OPEN') \
             AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.opportunity_id = o.id AND a.rule = '{rule}' AND {guard}) ORDER BY o.id",
            cycle = r.cycle,
            seen = r.seen,
            cond = r.condition,
            rule = r.rule,
            guard = r.guard
        );
        let params = [c.as_of.into(), due_at.into()]
            .into_iter()
            .chain(r.condition_params)
            .chain(r.guard_params)
            .collect();
        raised += txn.execute_raw(statement(backend, &sql, params)).await?.rows_affected();
    }
    let events = "INSERT INTO event (kind, subject_kind, subject_id, opportunity_id, rule, audience_user_id, audience_track_id, created_at) \
         SELECT 'ALERT_RAISED', 'ALERT', id, opportunity_id, rule, owner_id, track_id, ? FROM alert ORDER BY id";
    txn.execute_raw(statement(backend, events, vec![c.as_of.into()])).await?;
    txn.rollback().await?;
    Ok(raised)
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Generates, scans, compares; prints a Markdown table.
pub async fn run(config: Config, clock: SharedClock, size: Size) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    let now = clock.now();
    let started = Instant::now();
    generate(&db, size, now).await?;
    println!(
        "generated {} opportunities and {} activities in {:.1} s",
        size.opportunities,
        size.activities,
        started.elapsed().as_secs_f64()
    );
    let keys = api::auth::jwt::Keys::new(b"bench-only-secret-bench-only-secret", 60);
    let state = AppState::new(db.clone(), clock, keys, config, String::new(), api::events::EventBus::new());
    let settings = store::settings::load(&db).await?;
    let cut = rules::cutoffs(now, &settings);

    // Before any alert exists: the reads as raw SQL, the raising as raw SQL
    // (rolled back), then the first scan. Then the daily steady state: the
    // reads as raw SQL and the scan again, raising nothing new.
    let due_at = rules::due_at(now, &settings);
    let t = Instant::now();
    let candidates = raw_select(&db, &cut).await?.len() as u64;
    let raw_select_empty = t.elapsed();
    let t = Instant::now();
    let raw_raised = raw_raise(&db, &cut, due_at).await?;
    let raw_raise_time = t.elapsed();
    let t = Instant::now();
    let first = run_scan(&state, now).await?;
    let scan_first = t.elapsed();
    let raised: u64 = first.rules.iter().map(|r| r.raised).sum();
    if raised != raw_raised || raised != candidates {
        return Err(AppError::internal(format!(
            "the scan raised {raised}, the raw SQL {raw_raised} (candidates {candidates})"
        )));
    }
    let mut scans = Vec::new();
    let mut raws = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        raw_select(&db, &cut).await?;
        raws.push(t.elapsed());
        let t = Instant::now();
        let again = run_scan(&state, now).await?;
        scans.push(t.elapsed());
        if again.rules.iter().map(|r| r.raised).sum::<u64>() != 0 {
            return Err(AppError::internal("a repeated scan raised alerts"));
        }
    }
    let best = |v: &[std::time::Duration]| v.iter().min().copied().unwrap_or_default();
    let backend = if state.config.is_sqlite() { "SQLite" } else { "PostgreSQL" };
    println!();
    println!(
        "| {backend}: {} opportunities, {} activities | time | vs raw SQL |",
        size.opportunities, size.activities
    );
    println!("|---|---|---|");
    println!(
        "| raw SQL: the rules' reads, no alert yet ({candidates} candidates) | {:.0} ms | |",
        ms(raw_select_empty)
    );
    println!(
        "| raw SQL: INSERT … SELECT of the {raw_raised} alerts and their events | {:.0} ms | 1.00× |",
        ms(raw_raise_time)
    );
    println!(
        "| first scan: raises {raised} alerts with their events | {:.0} ms | {:.2}× |",
        ms(scan_first),
        ms(scan_first) / ms(raw_raise_time)
    );
    println!(
        "| raw SQL: the rules' reads, alerts open (best of 3) | {:.0} ms | 1.00× |",
        ms(best(&raws))
    );
    println!(
        "| daily scan, nothing new (best of 3) | {:.0} ms | {:.2}× |",
        ms(best(&scans)),
        ms(best(&scans)) / ms(best(&raws))
    );
    Ok(())
}
