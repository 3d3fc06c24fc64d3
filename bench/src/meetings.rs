//! `salespulse-bench meetings`: supervision meetings at the board's scale.
//! On the database `salespulse-bench board` filled (50 tracks, 1,000
//! account managers, 24 months of ERP figures), it writes anew 100 weekly
//! meetings — each track's last one (a week ago, opened) and its next one
//! (in an hour: its opening report is ready) — and 50,000 tasks, 500 a
//! meeting, six in ten done; then serves the real server in this process
//! and drives `openingReport` and `tasks` pages over HTTP as the CEO at
//! `concurrency`, and times the escalation job opening the 50 next
//! meetings at once (10,000 pending tasks due then, escalated with their
//! events). A benchmark, not a test: the table goes to the README.

use crate::http::{Figures, drive, post};
use api::clock::SharedClock;
use api::config::Config;
use api::domain::meetings as rules;
use api::error::{AppError, AppResult};
use bytes::Bytes;
use chrono::Duration;
use entity::{MeetingKind, MeetingStatus, Role, TaskStatus, event, meeting, meeting_change, task, task_decision, track, user};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Set};
use std::sync::Arc;
use std::time::Instant;

const TRACKS: i64 = 50;
const TASKS_PER_MEETING: i64 = 500;

/// An opening report as a meeting room's screen shows it.
pub const REPORT: &str = "query($m: ID!) { openingReport(meetingId: $m) {
  previousMeeting { startsAt } periodFirstMonth
  done { task { id description owner { name } dueAt doneAt } valueNow standingNow }
  pending { task { id description owner { name } dueAt overdue escalated decisions { decision reason } } valueNow standingNow notReachedNow }
  escalated { task { id } } analyses { dimension cause plan } } }";
/// A track's pending tasks, a page of 50 with the count.
pub const TASKS: &str = "query($t: ID!) { tasks(filter: { trackId: $t, status: PENDING }, first: 50) {
  totalCount nodes { id description dimension owner { name } dueAt overdue escalated meeting { startsAt } } } }";

fn line(name: &str, f: Figures) {
    println!("| {name} | {:.0} | {:.1} ms | {:.1} ms |", f.per_second, f.p50_ms, f.p99_ms);
}

/// Runs the benchmark and prints a Markdown table.
pub async fn run(mut config: Config, clock: SharedClock, concurrency: usize, seconds: u64) -> AppResult<()> {
    let db = api::prepare_database(&config, &clock).await?;
    let is_bench = user::Entity::find()
        .filter(user::Column::Email.eq("ceo@bench.local"))
        .count(&db)
        .await?
        == 1
        && track::Entity::find().count(&db).await? == TRACKS as u64;
    if !is_bench {
        return Err(AppError::Internal(
            "run `salespulse-bench board` on this database first: this benchmark writes its meetings anew into the board's company".into(),
        ));
    }
    config.bind = "127.0.0.1:0".parse().map_err(AppError::internal)?;
    if config.jwt_secret.is_none() {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        config.jwt_secret = Some(bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
    config.scheduler = false;
    config.graphiql = false;
    config.seed_demo = false;
    let now = clock.now();
    let tz = api::store::settings::load(&db).await?.timezone;
    let last_start = now - Duration::days(7);
    let next_start = now + Duration::hours(1);

    // The meetings and tasks, written anew.
    let txn = api::store::begin_write(&db).await?;
    task_decision::Entity::delete_many().exec(&txn).await?;
    task::Entity::delete_many().exec(&txn).await?;
    meeting_change::Entity::delete_many().exec(&txn).await?;
    meeting::Entity::delete_many().exec(&txn).await?;
    event::Entity::delete_many()
        .filter(event::Column::Kind.is_in(api::domain::events::MEETING_EVENTS.iter().copied()))
        .exec(&txn)
        .await?;
    let meetings: Vec<meeting::ActiveModel> = (1..=TRACKS)
        .flat_map(|t| {
            [(last_start, Some(last_start)), (next_start, None)].map(|(at, opened)| meeting::ActiveModel {
                kind: Set(MeetingKind::TrackWeekly),
                series: Set(rules::series(MeetingKind::TrackWeekly, Some(t))),
                track_id: Set(Some(t)),
                starts_at: Set(at),
                status: Set(MeetingStatus::Scheduled),
                version: Set(1),
                created_by: Set(Some(1)),
                created_at: Set(last_start),
                opened_at: Set(opened),
                report_ready_at: Set(opened.map(rules::report_opens)),
                ..Default::default()
            })
        })
        .collect();
    meeting::Entity::insert_many(meetings).exec_without_returning(&txn).await?;
    let all = meeting::Entity::find().all(&txn).await?;
    let mut next_of_track = std::collections::HashMap::new();
    let mut tasks = Vec::new();
    for m in &all {
        let t = m.track_id.unwrap_or(1);
        let is_last = m.starts_at == last_start;
        if !is_last {
            next_of_track.insert(t, m.id);
        }
        let month = api::domain::calendar::month_start(api::domain::calendar::local_date(m.starts_at, tz));
        for k in 0..TASKS_PER_MEETING {
            // The track's account managers are 1000 + t + 50·j (j = 0…19).
            let owner = 1000 + t + TRACKS * (k % 20);
            let done = k % 10 < 6;
            tasks.push(task::ActiveModel {
                meeting_id: Set(m.id),
                meeting_kind: Set(MeetingKind::TrackWeekly),
                dimension: Set([1, 3, 5, 7, 8][(k % 5) as usize]),
                track_id: Set(t),
                account_manager_id: Set(None),
                period_first: Set(month),
                period_last: Set(month),
                value_then: Set(None),
                standing_then: Set("NO_DATA".into()),
                description: Set(format!("赛道{t:02}任务{k}：制定补救计划并每周跟进")),
                owner_id: Set(owner),
                created_by: Set(1),
                created_at: Set(m.starts_at + Duration::hours(1)),
                due_at: Set(is_last.then_some(next_start)),
                status: Set(if done { TaskStatus::Done } else { TaskStatus::Pending }),
                done_at: Set(done.then(|| m.starts_at + Duration::days(2))),
                done_note: Set(done.then(|| "已完成".to_owned())),
                escalated_at: Set(None),
                due_soon_told_at: Set(Some(now)),
                overdue_told_at: Set(None),
                alert_id: Set(None),
                version: Set(1),
                ..Default::default()
            });
        }
    }
    for chunk in tasks.chunks(1_000) {
        task::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    let task_count = task::Entity::find().count(&db).await?;

    let app = api::App::build_on(config, clock.clone(), db.clone()).await?;
    let state = app.state();
    let url = format!("http://{}/graphql", app.address());
    tokio::spawn(app.serve());
    let session = api::store::sessions::create(&state.db, 1, now, now + Duration::days(1)).await?;
    let (token, _) = state.keys.issue(1, Role::Ceo, 0, session.id, now)?;
    let client: crate::http::Client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let bodies = |q: &'static str, var: &'static str, ids: Vec<i64>| -> Arc<Vec<Bytes>> {
        Arc::new(
            ids.into_iter()
                .map(|id| Bytes::from(serde_json::json!({ "query": q, "variables": { var: id.to_string() } }).to_string()))
                .collect(),
        )
    };
    let load = |b: Arc<Vec<Bytes>>| {
        let (c, t, u) = (client.clone(), token.clone(), url.clone());
        move |i: u64| {
            let (c, t, u) = (c.clone(), t.clone(), u.clone());
            let body = b[usize::try_from(i).unwrap_or(0) % b.len()].clone();
            async move { post(&c, &u, &t, body).await }
        }
    };
    let next_ids: Vec<i64> = (1..=TRACKS).filter_map(|t| next_of_track.get(&t).copied()).collect();
    let report = drive(concurrency, seconds, load(bodies(REPORT, "m", next_ids))).await?;
    let pages = drive(concurrency, seconds, load(bodies(TASKS, "t", (1..=TRACKS).collect()))).await?;

    // The escalation job: the 50 next meetings start at once.
    let t = Instant::now();
    let opened = api::service::meetings::open_started(&state, next_start).await?;
    let escalation = t.elapsed().as_secs_f64();

    let backend = if db.get_database_backend() == DbBackend::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!();
    println!(
        "| {backend}: the board's company, 100 meetings, {task_count} tasks; concurrency {concurrency}, {seconds} s | req/s | p50 | p99 |"
    );
    println!("|---|---|---|---|");
    line(
        "`openingReport` (a track's next weekly meeting: 500 tasks reviewed, each with its row now)",
        report,
    );
    line("`tasks` (a track's pending tasks: a page of 50 with `totalCount`)", pages);
    println!(
        "\nThe escalation job, 50 tracks' meetings starting at once: {} meetings opened, {} tasks escalated with their events, in {:.2} s",
        opened.meetings, opened.escalated, escalation
    );
    Ok(())
}
