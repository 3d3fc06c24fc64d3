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

mod meetings;
use meetings::*;
mod erp;
use erp::*;

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
    Ok(user::Entity::find().count(db).await? == 0 && crate::store::jobs::last_date(db, STARTED_EMPTY).await?.is_none())
}

/// Recorded by `salespulse init` (and `salespulse admin create`): the
/// database belongs to a real company, and the demo company never goes in.
pub const STARTED_EMPTY: &str = "started_empty";

/// A real company never starts on the demo company's database.
pub async fn refuse_demo(db: &DatabaseConnection) -> AppResult<()> {
    if has_demo(db).await? {
        return Err(crate::error::AppError::conflict(
            "this database holds the demo company: start a real company on a new database",
        ));
    }
    Ok(())
}

/// Marks the database as a real company's: no demo company, ever.
pub async fn start_empty(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<()> {
    if crate::store::jobs::last_date(db, STARTED_EMPTY).await?.is_none() {
        crate::store::jobs::record(db, STARTED_EMPTY, now.date_naive(), now).await?;
    }
    Ok(())
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
    crate::store::events::hold_append_lock(&txn).await?;
    let last_month_end = calendar::month_start(today).pred_opt().unwrap_or(today);
    // The 16 month-ends before it as well, as the check would have kept them: trends of 17 points.
    let earlier: Vec<chrono::NaiveDate> = (1..=16u32)
        .rev()
        .filter_map(|back| calendar::sub_months(calendar::month_start(today), back).pred_opt())
        .collect();
    crate::service::funnel_alerts::backfill_snapshots(&txn, &earlier, now).await?;
    // Told to no one: the seed runs before anyone subscribes.
    let _ = crate::service::funnel_alerts::check_in(&txn, last_month_end, now, true).await?;
    crate::store::jobs::record(&txn, crate::service::funnel_alerts::FUNNEL_CHECK, last_month_end, now).await?;
    // This month's forecasts frozen (its accuracy on the board so far, its forecast gaps).
    let this_month = calendar::month_start(today);
    let _ = crate::service::forecast::freeze_in(&txn, this_month, now).await?;
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
