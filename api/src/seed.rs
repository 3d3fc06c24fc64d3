//! The demo company `cargo run` starts with on an empty database: both
//! business lines, 6 tracks, 6 directors, 30 account managers, the CEO, a
//! secretary and an admin, ~600 opportunities with 18 months of history,
//! 18 months of ERP figures and this year's targets, shaped so every alert
//! rule and board has real cases.
//!
//! Deterministic (fixed random seed), relative to `now`.

use crate::auth::password;
use crate::domain::calendar;
use crate::error::AppResult;
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Iterable, PaginatorTrait, QueryOrder, QuerySelect, Set,
};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "demo-password";

const TRACKS: [(&str, BusinessLine); 6] = [
    ("消费电子I", BusinessLine::MoldingIntegrated),
    ("消费电子II", BusinessLine::MoldingIntegrated),
    ("汽车内外饰", BusinessLine::MoldingIntegrated),
    ("医疗器械", BusinessLine::CommodityMold),
    ("家电", BusinessLine::CommodityMold),
    ("日用消费品", BusinessLine::CommodityMold),
];

const CUSTOMER_STEMS: [&str; 24] = [
    "华星",
    "联创",
    "博达",
    "远航",
    "金盛",
    "恒通",
    "瑞丰",
    "鼎新",
    "宏远",
    "嘉禾",
    "天成",
    "中科",
    "海纳",
    "东方",
    "鑫源",
    "长城",
    "安捷",
    "佳能达",
    "新纪元",
    "汇丰",
    "凯瑞",
    "德胜",
    "明辉",
    "永泰",
];
const CUSTOMER_TAILS: [&str; 10] = ["电子", "科技", "汽车部件", "医疗", "电器", "塑胶", "精密", "智能", "家居", "实业"];

/// True when the demo company is in the database (its admin exists).
pub async fn has_demo(db: &DatabaseConnection) -> AppResult<bool> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq("admin@demo.local"))
        .count(db)
        .await?
        > 0)
}

/// True when the database has no user yet.
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(user::Entity::find().count(db).await? == 0)
}

/// Opportunities per account manager.
const PER_MANAGER: i64 = 20;

/// The shape of one demo opportunity relative to `now`.
#[derive(Clone, Copy)]
enum Profile {
    Healthy(Stage),
    NoFollowUp,
    StalledInitial,
    StalledQuotation,
    StalledNegotiation,
    SecuredNoMold,
    SecuredWithMold,
    ShelvedRestartDue,
    ShelvedLater,
    Lost,
    ExpectedThisMonth,
    /// Secured more than a year ago, its mold made: out of the conversion's 12 months.
    SecuredLongAgo,
    /// A quote lost this year, 35–150 days ago.
    LostQuote,
}

const PROFILES: [Profile; PER_MANAGER as usize] = [
    Profile::Healthy(Stage::InitialIdentification),
    Profile::Healthy(Stage::InitialIdentification),
    Profile::Healthy(Stage::Quotation),
    Profile::Healthy(Stage::Quotation),
    Profile::Healthy(Stage::DeepNegotiation),
    Profile::Healthy(Stage::HPotential),
    Profile::Healthy(Stage::HPotential),
    Profile::NoFollowUp,
    Profile::StalledInitial,
    Profile::StalledQuotation,
    Profile::StalledNegotiation,
    Profile::SecuredNoMold,
    Profile::SecuredWithMold,
    Profile::SecuredWithMold,
    Profile::ShelvedRestartDue,
    Profile::ShelvedLater,
    Profile::Lost,
    Profile::Lost,
    Profile::ExpectedThisMonth,
    Profile::Healthy(Stage::Quotation),
];

/// The profile of account manager slot `k` in `track_id`: `PROFILES`, but
/// 消费电子I (track 1), ahead on orders from its running programmes, lost most
/// of this year's new quotes — three more lost per account manager, its
/// programmes secured over a year ago — so its conversion of the trailing
/// 12 months (5 secured, 25 lost: 17 %) is below the 20 % line and last
/// month's check alerts its director (director1).
fn profile_of(track_id: i64, k: usize) -> Profile {
    match (track_id, PROFILES[k]) {
        (1, Profile::SecuredWithMold) => Profile::SecuredLongAgo,
        (1, _) if matches!(k, 0 | 1 | 19) => Profile::LostQuote,
        (_, p) => p,
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Seeds the demo company in one transaction.
pub async fn demo_company(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<()> {
    let hash = password::hash_async(DEMO_PASSWORD.to_owned()).await?;
    let mut rng = StdRng::seed_from_u64(20261123);
    let tz = crate::store::settings::load(db).await?.timezone;
    let today = calendar::local_date(now, tz);
    let txn = crate::store::begin_write(db).await?;

    // People: ids 1–3 the CEO, secretary and admin; 11–16 directors; 101–130 account managers.
    let mut users = vec![
        person(1, "ceo@demo.local", "王总 (CEO)", Role::Ceo, &hash, now),
        person(2, "secretary@demo.local", "李秘书", Role::Secretary, &hash, now),
        person(3, "admin@demo.local", "系统管理员", Role::Admin, &hash, now),
    ];
    for d in 1..=6 {
        users.push(person(
            10 + d,
            &format!("director{d}@demo.local"),
            &format!("总监{d}"),
            Role::TrackDirector,
            &hash,
            now,
        ));
    }
    for a in 1..=30 {
        users.push(person(
            100 + a,
            &format!("am{a}@demo.local"),
            &format!("客户经理{a}"),
            Role::AccountManager,
            &hash,
            now,
        ));
    }
    user::Entity::insert_many(users).exec(&txn).await?;
    let tracks: Vec<track::ActiveModel> = TRACKS
        .iter()
        .enumerate()
        .map(|(i, (name, line))| track::ActiveModel {
            id: Set(i as i64 + 1),
            name: Set((*name).to_owned()),
            business_line: Set(*line),
        })
        .collect();
    track::Entity::insert_many(tracks).exec(&txn).await?;
    let directors: Vec<track_director::ActiveModel> = (1..=6)
        .map(|t| track_director::ActiveModel {
            track_id: Set(t),
            user_id: Set(10 + t),
        })
        .collect();
    track_director::Entity::insert_many(directors).exec(&txn).await?;
    let members: Vec<track_member::ActiveModel> = (1..=30)
        .map(|a| track_member::ActiveModel {
            user_id: Set(100 + a),
            track_id: Set((a - 1) / 5 + 1),
        })
        .collect();
    track_member::Entity::insert_many(members).exec(&txn).await?;

    let customers: Vec<customer::ActiveModel> = (0..240)
        .map(|i| customer::ActiveModel {
            id: Set(i as i64 + 1),
            name: Set(format!("{}{}", CUSTOMER_STEMS[i % 24], CUSTOMER_TAILS[(i / 24) % 10])),
            created_at: Set(now - days(600)),
        })
        .collect();
    for chunk in customers.chunks(200) {
        customer::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }

    let mut opportunities = Vec::new();
    let mut activities = Vec::new();
    let mut history = Vec::new();
    let month_start = calendar::month_start(today);
    for a in 1..=30i64 {
        let owner = 100 + a;
        let track_id = (a - 1) / 5 + 1;
        let line = TRACKS[(track_id - 1) as usize].1;
        for k in 0..PROFILES.len() {
            let profile = &profile_of(track_id, k);
            let id = (a - 1) * PER_MANAGER + k as i64 + 1;
            let mut created = now - days(rng.random_range(60..540));
            let (stage, status, stage_age, last_age) = match *profile {
                Profile::Healthy(stage) => (stage, OpportunityStatus::Active, rng.random_range(1..12), rng.random_range(0..10)),
                Profile::NoFollowUp => (
                    Stage::Quotation,
                    OpportunityStatus::Active,
                    rng.random_range(20..40),
                    rng.random_range(16..45),
                ),
                Profile::StalledInitial => (
                    Stage::InitialIdentification,
                    OpportunityStatus::Active,
                    rng.random_range(16..40),
                    rng.random_range(0..10),
                ),
                Profile::StalledQuotation => (
                    Stage::Quotation,
                    OpportunityStatus::Active,
                    rng.random_range(65..120),
                    rng.random_range(0..12),
                ),
                Profile::StalledNegotiation => (
                    Stage::DeepNegotiation,
                    OpportunityStatus::Active,
                    rng.random_range(33..80),
                    rng.random_range(0..12),
                ),
                Profile::SecuredNoMold => (
                    Stage::Secured,
                    OpportunityStatus::Active,
                    rng.random_range(65..200),
                    rng.random_range(20..60),
                ),
                Profile::SecuredWithMold => (
                    Stage::Secured,
                    OpportunityStatus::Active,
                    rng.random_range(20..300),
                    rng.random_range(5..60),
                ),
                Profile::ShelvedRestartDue | Profile::ShelvedLater => (
                    Stage::Quotation,
                    OpportunityStatus::Shelved,
                    rng.random_range(60..150),
                    rng.random_range(30..90),
                ),
                Profile::Lost => (
                    Stage::DeepNegotiation,
                    OpportunityStatus::Lost,
                    rng.random_range(40..200),
                    rng.random_range(20..120),
                ),
                Profile::ExpectedThisMonth => (
                    Stage::DeepNegotiation,
                    OpportunityStatus::Active,
                    rng.random_range(3..20),
                    rng.random_range(0..8),
                ),
                Profile::SecuredLongAgo => {
                    let stage_age = rng.random_range(420..520);
                    created = created.min(now - days(stage_age + 45));
                    (Stage::Secured, OpportunityStatus::Active, stage_age, rng.random_range(5..60))
                }
                Profile::LostQuote => (
                    Stage::Quotation,
                    OpportunityStatus::Lost,
                    rng.random_range(40..150),
                    rng.random_range(35..150),
                ),
            };
            let stage_entered = (now - days(stage_age)).max(created + days(1));
            let last_activity = (now - days(last_age)).max(created);
            let amount_yuan: i64 = match line {
                BusinessLine::MoldingIntegrated => rng.random_range(500..8_000) * 1_000,
                BusinessLine::CommodityMold => rng.random_range(50..800) * 1_000,
            };
            let kind = match k % 3 {
                0 => OpportunityKind::MoldDevelopment,
                1 => OpportunityKind::MassProduction,
                _ => OpportunityKind::Other,
            };
            let expected_month = match *profile {
                Profile::ExpectedThisMonth => month_start,
                _ => calendar::add_months(month_start, rng.random_range(1..10)),
            };
            let precise = stage >= Stage::HPotential;
            let (shelve_reason, restart_date) = match *profile {
                Profile::ShelvedRestartDue => (
                    Some(ShelveReason::CustomerAwaitingApprovalOrBudget),
                    Some(today + days(rng.random_range(0..=3))),
                ),
                Profile::ShelvedLater => (Some(ShelveReason::OurNoCapacity), Some(today + days(rng.random_range(20..120)))),
                _ => (None, None),
            };
            let customer_id = ((a * 7 + k as i64 * 13) % 240) + 1;
            opportunities.push(opportunity::ActiveModel {
                id: Set(id),
                name: Set(format!("{}项目-{}", TRACKS[(track_id - 1) as usize].0, id)),
                customer_id: Set(customer_id),
                track_id: Set(track_id),
                owner_id: Set(owner),
                business_line: Set(line),
                kind: Set(kind),
                amount_cents: Set(amount_yuan * 100),
                stage: Set(stage),
                stage_entered_at: Set(stage_entered),
                status: Set(status),
                last_activity_at: Set(last_activity),
                secured_at: Set((stage == Stage::Secured).then_some(stage_entered)),
                mold_number: Set(
                    matches!(profile, Profile::SecuredWithMold | Profile::SecuredLongAgo).then(|| format!("M{}-{id:04}", now.year() % 100))
                ),
                shelve_reason: Set(shelve_reason),
                shelve_reason_text: Set(None),
                restart_date: Set(restart_date),
                loss_reason: Set(match profile {
                    Profile::Lost => Some("客户选择了价格更低的竞争对手".to_owned()),
                    Profile::LostQuote => Some("报价高于竞争对手，客户转向其他供应商".to_owned()),
                    _ => None,
                }),
                expected_order_month: Set((stage != Stage::Secured).then_some(expected_month)),
                forecast_amount_cents: Set((stage != Stage::Secured).then_some(amount_yuan * 100)),
                precision_order_date: Set(precise.then_some(expected_month + days(14))),
                precision_amount_cents: Set(precise.then_some(amount_yuan * 95)),
                version: Set(1),
                created_at: Set(created),
                updated_at: Set(last_activity.max(stage_entered)),
            });
            // History: up the funnel from creation to the current stage, then the status.
            let steps = Stage::iter().take_while(|s| *s <= stage).collect::<Vec<_>>();
            let span = (stage_entered - created).num_seconds().max(1);
            let mut from: Option<Stage> = None;
            for (i, s) in steps.iter().enumerate() {
                let at = if i + 1 == steps.len() {
                    stage_entered
                } else {
                    created + Duration::seconds(span * i as i64 / steps.len() as i64)
                };
                history.push(crate::store::opportunities::history_row(
                    id,
                    owner,
                    HistoryField::Stage,
                    from.map(|f| f.to_value()),
                    s.to_value(),
                    at,
                ));
                from = Some(*s);
            }
            history.push(crate::store::opportunities::history_row(
                id,
                owner,
                HistoryField::Status,
                None,
                OpportunityStatus::Active.to_value(),
                created,
            ));
            if status != OpportunityStatus::Active {
                history.push(crate::store::opportunities::history_row(
                    id,
                    owner,
                    HistoryField::Status,
                    Some(OpportunityStatus::Active.to_value()),
                    status.to_value(),
                    last_activity,
                ));
            }
            // Follow-ups every 1–4 weeks from creation to the last one.
            let mut at = created;
            while at < last_activity {
                activities.push(follow_up(id, owner, &mut rng, at, now));
                at += days(rng.random_range(7..28));
            }
            activities.push(follow_up(id, owner, &mut rng, last_activity, now));
        }
    }
    for chunk in opportunities.chunks(200) {
        opportunity::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in history.chunks(1000) {
        opportunity_history::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in activities.chunks(1000) {
        activity::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    erp_figures(&txn, today, now).await?;
    meetings(&txn, &mut rng, now, tz).await?;
    // Last month's end checked: its snapshots, and a funnel alert for each track below a line,
    // waiting for its director's attribution.
    crate::store::events::lock_for_append(&txn).await?;
    let last_month_end = calendar::month_start(today).pred_opt().unwrap_or(today);
    // The 16 month-ends before it as well, as the check would have kept them: trends of 17 points.
    let earlier: Vec<chrono::NaiveDate> = (1..=16u32)
        .rev()
        .filter_map(|back| calendar::sub_months(calendar::month_start(today), back).pred_opt())
        .collect();
    crate::service::funnel_alerts::backfill_snapshots(&txn, &earlier, now).await?;
    crate::service::funnel_alerts::check_in(&txn, last_month_end, now, true).await?;
    crate::store::jobs::record(&txn, crate::service::funnel_alerts::FUNNEL_CHECK, last_month_end, now).await?;
    // This month's forecasts frozen (its accuracy on the board so far, its forecast gaps).
    let this_month = calendar::month_start(today);
    crate::service::forecast::freeze_in(&txn, this_month, now).await?;
    crate::store::jobs::record(&txn, crate::service::forecast::FORECAST_FREEZE, this_month, now).await?;
    // This year's baseline (承接基准), version 1, taken four days ago (or on the 1st of
    // January), then a target migration in each state.
    let new_year_start = calendar::start_of_day(chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today), tz);
    let since = (now - days(4)).max(new_year_start);
    crate::service::baseline::snapshot_in(&txn, today.year(), None, since).await?;
    target_migrations(&txn, today.year(), since, now).await?;
    let new_year = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    crate::store::jobs::record(&txn, crate::service::baseline::BASELINE_SNAPSHOT, new_year, now).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Explicit ids were written: move the identity sequences past them.
        for table in ["user", "track", "customer", "opportunity"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// A year of supervision meetings and the next ones: the monthly meeting
/// on the first Tuesday of each month, each track's weekly meeting on
/// Mondays, all at 09:00 company time. Every past meeting has tasks from
/// its board rows in every state — done on time, done late, still pending
/// (escalated at the next meeting, overdue) — so the opening report and the
/// quarterly analysis are full on first run. Past meetings are marked
/// opened and their reports and reminders told, so the first run of the
/// scheduler does not flood the phones with a year of events.
async fn meetings(txn: &impl ConnectionTrait, rng: &mut StdRng, now: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<()> {
    use crate::domain::meetings::{self as rules, Recurrence};
    let nine = chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let from = now - days(365);
    let monthly = rules::occurrences(
        Recurrence::MonthlyNth {
            nth: 1,
            weekday: chrono::Weekday::Tue,
            time: nine,
        },
        from,
        14,
        tz,
    );
    let weekly = rules::occurrences(
        Recurrence::Weekly {
            weekday: chrono::Weekday::Mon,
            time: nine,
        },
        from,
        55,
        tz,
    );
    let mut series: Vec<(MeetingKind, Option<i64>, Vec<DateTime<Utc>>)> = vec![(MeetingKind::MonthlySupervision, None, monthly)];
    for t in 1..=6 {
        series.push((MeetingKind::TrackWeekly, Some(t), weekly.clone()));
    }
    let mut rows = Vec::new();
    for (kind, track, starts) in &series {
        for at in starts {
            let past = *at <= now;
            rows.push(meeting::ActiveModel {
                kind: Set(*kind),
                series: Set(rules::series(*kind, *track)),
                track_id: Set(*track),
                starts_at: Set(*at),
                status: Set(MeetingStatus::Scheduled),
                version: Set(1),
                created_by: Set(Some(if *kind == MeetingKind::MonthlySupervision {
                    2
                } else {
                    10 + track.unwrap_or(1)
                })),
                created_at: Set(from),
                opened_at: Set(past.then_some(*at)),
                report_ready_at: Set((rules::report_opens(*at) <= now).then(|| rules::report_opens(*at))),
                ..Default::default()
            });
        }
    }
    for chunk in rows.chunks(200) {
        meeting::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let all = meeting::Entity::find().all(txn).await?;
    // The dimensions a track's row is on (1, 3, 5, 7, 8) and its account managers' (2, 4).
    let track_dims = [1, 3, 5, 7, 8];
    let mut tasks = Vec::new();
    let mut decisions = Vec::new();
    for (kind, track, starts) in &series {
        let key = rules::series(*kind, *track);
        let of_series: Vec<&meeting::Model> = {
            let mut v: Vec<&meeting::Model> = all.iter().filter(|m| m.series == key).collect();
            v.sort_by_key(|m| m.starts_at);
            v
        };
        for (i, m) in of_series.iter().enumerate() {
            if m.starts_at > now {
                break;
            }
            let due = of_series.get(i + 1).map(|n| n.starts_at);
            let (per_meeting, recorder) = match kind {
                MeetingKind::MonthlySupervision => (3, 2),
                MeetingKind::TrackWeekly => (2, 10 + track.unwrap_or(1)),
            };
            for k in 0..per_meeting {
                let task_track = track.unwrap_or_else(|| rng.random_range(1..=6));
                let (owner, manager, dimension) = match kind {
                    MeetingKind::MonthlySupervision => (10 + task_track, None, track_dims[rng.random_range(0..track_dims.len())]),
                    MeetingKind::TrackWeekly => {
                        let am = 100 + (task_track - 1) * 5 + rng.random_range(1..=5);
                        if k == 1 && rng.random_range(0..3) == 0 {
                            (am, Some(am), [2, 4][rng.random_range(0..2)])
                        } else {
                            (am, None, track_dims[rng.random_range(0..track_dims.len())])
                        }
                    }
                };
                let created = m.starts_at + Duration::hours(1);
                let local = calendar::local_date(m.starts_at, tz);
                let month = match kind {
                    MeetingKind::MonthlySupervision => calendar::sub_months(calendar::month_start(local), 1),
                    MeetingKind::TrackWeekly => calendar::month_start(local),
                };
                // Done on time (six in ten), late (one in six), or still pending.
                let roll = rng.random_range(0..100);
                let (mut status, done_at) = match due {
                    Some(d) if roll < 60 => (TaskStatus::Done, Some(created + (d - created) * rng.random_range(20..95) / 100)),
                    Some(d) if roll < 77 && d + days(5) <= now => (TaskStatus::Done, Some(d + days(rng.random_range(1..5)))),
                    _ => (TaskStatus::Pending, None),
                };
                // Some of those left pending were decided on at the next meeting's opening:
                // closed (one in thirty), or extended by two weeks (one in twenty-five).
                let next = of_series.get(i + 1).filter(|n| n.starts_at <= now);
                let mut due_at = due;
                let decision = match (status, next) {
                    (TaskStatus::Pending, Some(n)) if (77..80).contains(&roll) => {
                        status = TaskStatus::Cancelled;
                        Some((n.id, entity::TaskDecisionKind::Close, "客户项目取消，任务不再适用", None))
                    }
                    (TaskStatus::Pending, Some(n)) if (80..84).contains(&roll) => {
                        due_at = due.map(|d| d + days(14));
                        Some((n.id, entity::TaskDecisionKind::Extend, "客户推迟技术评审，延期两周", due_at))
                    }
                    _ => None,
                };
                decisions.push(decision.map(|(meeting, kind, reason, to_due)| task_decision::ActiveModel {
                    meeting_id: Set(meeting),
                    kind: Set(kind),
                    reason: Set(reason.to_owned()),
                    from_due_at: Set(to_due.and(due)),
                    to_due_at: Set(to_due),
                    decided_by: Set(recorder),
                    decided_at: Set(next.map(|n| n.starts_at + Duration::minutes(30)).unwrap_or(created)),
                    ..Default::default()
                }));
                let escalated = (status != TaskStatus::Done || done_at.zip(due).is_some_and(|(x, d)| x > d))
                    .then_some(due)
                    .flatten()
                    .filter(|d| *d <= now);
                let description = format!(
                    "{}：{}",
                    crate::domain::labels::Labelled::label(
                        crate::domain::board::Dimension::from_number(dimension as usize)
                            .unwrap_or(crate::domain::board::Dimension::TrackSalesAchievement),
                        crate::locale::Locale::ZhCn,
                        &crate::domain::settings::Settings::default()
                    ),
                    [
                        "制定补救计划并每周跟进",
                        "梳理在手商机，补齐缺口",
                        "与客户确认交付与回款节点",
                        "复盘原因并提交改善计划"
                    ][rng.random_range(0..4)]
                );
                tasks.push(task::ActiveModel {
                    meeting_id: Set(m.id),
                    meeting_kind: Set(*kind),
                    dimension: Set(dimension),
                    track_id: Set(task_track),
                    account_manager_id: Set(manager),
                    period_first: Set(month),
                    period_last: Set(month),
                    value_then: Set(None),
                    standing_then: Set("NO_DATA".to_owned()),
                    description: Set(description),
                    owner_id: Set(owner),
                    created_by: Set(recorder),
                    created_at: Set(created),
                    due_at: Set(due_at),
                    due_extended: Set(due_at != due),
                    status: Set(status),
                    done_at: Set(done_at),
                    done_note: Set(done_at.map(|_| "已完成，见周报".to_owned())),
                    escalated_at: Set(escalated),
                    due_soon_told_at: Set(due_at.filter(|d| *d - Duration::hours(rules::DUE_SOON_HOURS) <= now)),
                    overdue_told_at: Set(due_at.filter(|d| *d <= now && status == TaskStatus::Pending)),
                    alert_id: Set(None),
                    version: Set(1),
                    ..Default::default()
                });
            }
        }
        let _ = starts;
    }
    for chunk in tasks.chunks(200) {
        task::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    // The chair's decisions, on the tasks in the order they were made.
    let ids: Vec<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let made: Vec<task_decision::ActiveModel> = ids
        .into_iter()
        .zip(decisions)
        .filter_map(|(id, d)| {
            d.map(|mut d| {
                d.task_id = Set(id);
                d
            })
        })
        .collect();
    for chunk in made.chunks(200) {
        task_decision::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A target migration (承接基准迁移) in each state, in 消费电子I, between
/// deals of kind `OTHER` (mold development and mass production are locked):
/// am2's executed (version 2) and approved (due within 2 days), am1's
/// rejected and waiting for director1. The steps fall between the
/// baseline's instant `since` and `now`.
async fn target_migrations(txn: &sea_orm::DatabaseTransaction, year: i32, since: DateTime<Utc>, now: DateTime<Utc>) -> AppResult<()> {
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
const TRACK_FIGURES: [(i64, i64, i64, i64, i64, i64); 6] = [
    (600_000, 112, 115, 30, 40, 45),
    (400_000, 95, 100, 25, 55, 60),
    (800_000, 80, 75, 18, 70, 40),
    (300_000, 103, 105, 35, 35, 50),
    (400_000, 95, 100, 22, 60, 55),
    (200_000, 70, 80, 15, 90, 75),
];
/// Each track's five account managers sell this share of the track's rate (%): they sum to 500.
const MANAGER_SHARES: [i64; 5] = [120, 105, 100, 90, 85];
/// A month's sales against the yearly average (%), January to December.
const SEASON: [i64; 12] = [80, 70, 100, 100, 105, 105, 95, 100, 105, 110, 110, 120];

/// 18 months of ERP facts up to today and this year's targets, written
/// as the imports write them (one batch per kind, the monthly rollup
/// recomputed), shaped so the board tells a story: tracks above and below
/// target, 汽车内外饰's DSO rising month after month and one month sold at
/// a loss, 消费电子II and 家电 tied.
async fn erp_figures(txn: &impl ConnectionTrait, today: chrono::NaiveDate, now: DateTime<Utc>) -> AppResult<()> {
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

fn person(id: i64, email: &str, name: &str, role: Role, hash: &str, now: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        name: Set(name.to_owned()),
        // One hash for all demo accounts: they share the password anyway.
        password_hash: Set(hash.to_owned()),
        role: Set(role),
        active: Set(true),
        tokens_revoked_at: Set(None),
        token_generation: Set(0),
        must_change_password: Set(false),
        created_at: Set(now - days(720)),
    }
}

fn follow_up(id: i64, owner: i64, rng: &mut StdRng, at: DateTime<Utc>, now: DateTime<Utc>) -> activity::ActiveModel {
    const KINDS: [(ActivityKind, &str); 6] = [
        (ActivityKind::Visit, "拜访客户，沟通项目进展"),
        (ActivityKind::Call, "电话跟进报价反馈"),
        (ActivityKind::Email, "发送技术方案"),
        (ActivityKind::Meeting, "与采购和研发开会"),
        (ActivityKind::Note, "内部评审记录"),
        (ActivityKind::QuotationUpdate, "报价更新"),
    ];
    let (kind, note) = KINDS[rng.random_range(0..KINDS.len())];
    activity::ActiveModel {
        opportunity_id: Set(id),
        actor_id: Set(owner),
        kind: Set(kind),
        note: Set(note.to_owned()),
        occurred_at: Set(at),
        created_at: Set(at.min(now)),
        ..Default::default()
    }
}
