//! The demo company has the promised shape.

use crate::helpers::*;
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

#[tokio::test]
async fn the_demo_company_has_every_role_stage_status_and_alert_case() {
    let app = spawn_bare(|_| {}).await;
    api::seed::demo_company(&app.db, t0()).await.unwrap();
    let db = &app.db;
    assert_eq!(user::Entity::find().count(db).await.unwrap(), 39);
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Role.eq(Role::AccountManager))
            .count(db)
            .await
            .unwrap(),
        30
    );
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Role.eq(Role::TrackDirector))
            .count(db)
            .await
            .unwrap(),
        6
    );
    assert_eq!(business_line::Entity::find().count(db).await.unwrap(), 2);
    let tracks = track::Entity::find().all(db).await.unwrap();
    assert_eq!(tracks.len(), 6);
    for line in [BusinessLine::MoldingIntegrated, BusinessLine::CommodityMold] {
        assert!(tracks.iter().any(|t| t.business_line == line));
    }
    let opps = opportunity::Entity::find().all(db).await.unwrap();
    assert_eq!(opps.len(), 600);
    for stage in [
        Stage::InitialIdentification,
        Stage::Quotation,
        Stage::DeepNegotiation,
        Stage::HPotential,
        Stage::Secured,
    ] {
        assert!(opps.iter().any(|o| o.stage == stage), "{stage:?}");
    }
    for status in [OpportunityStatus::Active, OpportunityStatus::Shelved, OpportunityStatus::Lost] {
        assert!(opps.iter().any(|o| o.status == status), "{status:?}");
    }
    let now = t0();
    let active = |o: &&opportunity::Model| o.status == OpportunityStatus::Active;
    // A case for every rule of the anomaly scan.
    assert!(
        opps.iter()
            .filter(active)
            .any(|o| o.stage != Stage::Secured && (now - o.last_activity_at).num_days() >= 16),
        "NO_FOLLOW_UP"
    );
    assert!(
        opps.iter()
            .filter(active)
            .any(|o| o.stage == Stage::InitialIdentification && (now - o.stage_entered_at).num_days() > 15),
        "STALLED_INITIAL"
    );
    assert!(
        opps.iter()
            .filter(active)
            .any(|o| o.stage == Stage::Quotation && (now - o.stage_entered_at).num_days() > 62),
        "STALLED_QUOTATION"
    );
    assert!(
        opps.iter()
            .filter(active)
            .any(|o| o.stage == Stage::DeepNegotiation && (now - o.stage_entered_at).num_days() > 31),
        "STALLED_NEGOTIATION"
    );
    assert!(
        opps.iter()
            .any(|o| o.stage == Stage::Secured && o.mold_number.is_none() && (now - o.secured_at.unwrap()).num_days() > 62),
        "SECURED_NO_MOLD"
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert!(
        opps.iter()
            .any(|o| o.status == OpportunityStatus::Shelved && o.restart_date.is_some_and(|d| d <= today + chrono::Duration::days(3))),
        "SHELVE_RESTART_DUE"
    );
    assert!(
        opps.iter().any(|o| o.business_line == BusinessLine::MoldingIntegrated
            && o.expected_order_month == chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            && o.stage < Stage::HPotential),
        "ORDER_EXPECTED_NOT_H_POTENTIAL"
    );
    assert!(
        opps.iter()
            .filter(|o| o.stage >= Stage::HPotential)
            .all(|o| o.precision_order_date.is_some())
    );
    // 18 months of follow-ups and a history row for every opportunity.
    let oldest = activity::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.occurred_at)
        .min()
        .unwrap();
    assert!((now - oldest).num_days() >= 500, "oldest follow-up {oldest}");
    assert!(opportunity_history::Entity::find().count(db).await.unwrap() >= 1200);

    // am1 sees his own 20 deals and nothing else.
    let token = app.login("am1@demo.local").await;
    let r = app
        .post(
            Some(&token),
            "{ opportunities(first: 100) { totalCount nodes { owner { email } } } }",
            json!({}),
        )
        .await;
    let c = &r.data()["opportunities"];
    assert_eq!(c["totalCount"], 20);
    assert!(
        c["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["owner"]["email"] == "am1@demo.local")
    );
    // New rows after explicit-id seeding get fresh ids (PostgreSQL sequences moved on).
    let id = app.quick_deal(&token, "after-seed").await;
    assert!(id.parse::<i64>().unwrap() > 600);
}

#[tokio::test]
async fn the_demo_company_has_a_year_of_meetings_with_tasks_in_every_state() {
    let app = spawn_bare(|_| {}).await;
    api::seed::demo_company(&app.db, t0()).await.unwrap();
    let now = t0();
    let meetings = meeting::Entity::find().all(&app.db).await.unwrap();
    let monthly: Vec<_> = meetings.iter().filter(|m| m.kind == MeetingKind::MonthlySupervision).collect();
    assert!(
        monthly.iter().filter(|m| m.starts_at <= now).count() >= 12,
        "a year of monthly meetings"
    );
    assert!(monthly.iter().any(|m| m.starts_at > now), "the next monthly meeting is scheduled");
    for t in 1..=6 {
        let weekly = meetings.iter().filter(|m| m.track_id == Some(t)).count();
        assert!(weekly >= 52, "track {t}: {weekly} weekly meetings");
    }
    let tasks = task::Entity::find().all(&app.db).await.unwrap();
    let on_time = tasks
        .iter()
        .filter(|t| api::domain::meetings::done_on_time(t.status, t.done_at, t.due_at) && t.due_at.is_some())
        .count();
    let late = tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done && !api::domain::meetings::done_on_time(t.status, t.done_at, t.due_at))
        .count();
    let pending = tasks.iter().filter(|t| t.status == TaskStatus::Pending).count();
    let escalated = tasks
        .iter()
        .filter(|t| t.escalated_at.is_some() && t.status == TaskStatus::Pending)
        .count();
    let monthly_escalated = tasks
        .iter()
        .filter(|t| t.escalated_at.is_some() && t.meeting_kind == MeetingKind::MonthlySupervision)
        .count();
    assert!(
        on_time > 100 && late > 20 && pending > 20 && escalated > 20 && monthly_escalated > 0,
        "{on_time} {late} {pending} {escalated} {monthly_escalated}"
    );
    // The chair closed some and extended others, each with its decision recorded.
    let closed = tasks.iter().filter(|t| t.status == TaskStatus::Cancelled).count();
    let extended = tasks.iter().filter(|t| t.due_extended).count();
    let decisions = entity::task_decision::Entity::find().all(&app.db).await.unwrap();
    assert!(closed > 5 && extended > 5, "{closed} closed, {extended} extended");
    assert_eq!(decisions.len(), closed + extended);
    // The next monthly meeting's opening report is full, as the CEO reads it the day before.
    let next = monthly.iter().filter(|m| m.starts_at > now).min_by_key(|m| m.starts_at).unwrap();
    app.clock.set(next.starts_at - chrono::Duration::hours(1));
    let ceo = app.login("ceo@demo.local").await;
    let r = app
        .post(
            Some(&ceo),
            "query($m: ID!) { openingReport(meetingId: $m) { done { task { id } } pending { task { id } } escalated { task { id escalated } } } }",
            json!({ "m": next.id.to_string() }),
        )
        .await;
    let report = &r.data()["openingReport"];
    let count = |section: &str| report[section].as_array().unwrap().len();
    assert!(count("done") + count("pending") >= 3, "the last monthly meeting's tasks: {report}");
    assert!(count("escalated") > 0, "no weekly task escalated since: {report}");
    // The scheduler's first run tells nothing of the past year.
    app.clock.set(now);
    let before = app.max_event_id().await;
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    let told = event::Entity::find()
        .filter(event::Column::Id.gt(before))
        .filter(event::Column::Kind.is_in([EventKind::TaskOverdue, EventKind::TaskEscalated, EventKind::TaskDueTomorrow]))
        .count(&app.db)
        .await
        .unwrap();
    assert!(told <= 12, "{told} task events on the first run");
}

#[tokio::test]
async fn the_demo_company_has_17_month_ends_snapshotted_so_every_trend_has_points() {
    let app = spawn_bare(|_| {}).await;
    api::seed::demo_company(&app.db, t0()).await.unwrap();
    // Every track snapshotted at each of the last 17 month-ends (the last one by the check the
    // scheduler then does not repeat), each with its four stages.
    let snapshots = funnel_snapshot::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(snapshots.len(), 6 * 17);
    let this_month = api::domain::calendar::month_start(t0().date_naive());
    let last_month = api::domain::calendar::sub_months(this_month, 1);
    let first = api::domain::calendar::sub_months(this_month, 17);
    assert!(snapshots.iter().all(|s| s.month >= first && s.month <= last_month), "{snapshots:?}");
    assert_eq!(app.count_rows("funnel_snapshot_stage").await, 6 * 17 * 4);
    let last = api::store::jobs::last_date(&app.db, api::service::funnel_alerts::FUNNEL_CHECK)
        .await
        .unwrap();
    assert_eq!(
        last,
        last_month
            .succ_opt()
            .and_then(|_| api::domain::calendar::month_start(t0().date_naive()).pred_opt())
    );
    // 消费电子I lost most of its quotes: its conversion (5 secured, 25 lost) is below the 20 % line,
    // and last month's check alerted director1; the other funnels are healthy.
    let alerts = funnel_alert::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!((a.track_id, a.month), (1, last_month));
    assert!(a.conversion_below && !a.coverage_below, "{a:?}");
    // 5 secured; 25 lost, one of them (lost 20–120 days back) maybe after the month end.
    assert!(a.conversion.unwrap() < 0.2 && a.conversion.unwrap() >= 5.0 / 30.0, "{a:?}");
    let director1 = app.login("director1@demo.local").await;
    let r = app
        .post(Some(&director1), "{ funnelAlerts { track { id } open conversion } }", json!({}))
        .await;
    assert_eq!(r.data()["funnelAlerts"].as_array().unwrap().len(), 1);
    let director2 = app.login("director2@demo.local").await;
    let r = app.post(Some(&director2), "{ funnelAlerts { id } }", json!({})).await;
    assert_eq!(r.data()["funnelAlerts"], json!([]));
    // The walkthrough: director1 attributes it and dispatches a reactivation of am1's shelved deal
    // (slot 15: id 16); am1 sees the task in his list.
    let attribute = "mutation($i: AttributeFunnelAlertInput!) { attributeFunnelAlert(input: $i) { open attribution } }";
    let i = json!({ "alertId": a.id.to_string(), "attribution": "OTHER", "text": "报价偏高，新项目连续丢单", "version": a.version });
    let r = app.post(Some(&director1), attribute, json!({ "i": i })).await;
    assert_eq!(r.data()["attributeFunnelAlert"]["attribution"], "OTHER");
    let dispatch = "mutation($i: DispatchFunnelTaskInput!) { dispatchFunnelTask(input: $i) { id kind owner { email } } }";
    let i = json!({ "alertId": a.id.to_string(), "kind": "REACTIVATE", "ownerId": "101", "opportunityId": "16",
        "description": "重新联系客户，确认预算后激活" });
    let r = app.post(Some(&director1), dispatch, json!({ "i": i })).await;
    assert_eq!(r.data()["dispatchFunnelTask"]["owner"]["email"], "am1@demo.local");
    let am1 = app.login("am1@demo.local").await;
    let r = app.post(Some(&am1), "{ funnelTasks { kind opportunity { id } } }", json!({})).await;
    assert_eq!(
        r.data()["funnelTasks"],
        json!([{ "kind": "REACTIVATE", "opportunity": { "id": "16" } }])
    );
    let am2 = app.login("am2@demo.local").await;
    let r = app.post(Some(&am2), "{ funnelTasks { id } }", json!({})).await;
    assert_eq!(r.data()["funnelTasks"], json!([]));
    // A target migration in each state, through the flow's writes: the executed one is version 2.
    let migrations = target_migration::Entity::find().all(&app.db).await.unwrap();
    let mut states: Vec<_> = migrations.iter().map(|m| format!("{:?}", m.status)).collect();
    states.sort();
    assert_eq!(states, vec!["Approved", "Executed", "Rejected", "Requested"]);
    assert!(migrations.iter().all(|m| m.track_id == 1));
    let executed = migrations.iter().find(|m| m.status == MigrationStatus::Executed).unwrap();
    assert_eq!(executed.baseline_version, Some(2));
    assert_eq!(app.count_rows("baseline_version").await, 2);
    let r = app.post(Some(&director1), "{ targetMigrations { totalCount } }", json!({})).await;
    assert_eq!(r.data()["targetMigrations"]["totalCount"], 4);
    let r = app.post(Some(&director2), "{ targetMigrations { totalCount } }", json!({})).await;
    assert_eq!(r.data()["targetMigrations"]["totalCount"], 0);
    let ceo = app.login("ceo@demo.local").await;
    let r = app
        .post(Some(&ceo), "{ funnelTrend(trackId: \"1\") { month coverage } }", json!({}))
        .await;
    let points = r.data()["funnelTrend"].as_array().unwrap().clone();
    // The last 12 months, this one included (not closed yet): 11 points.
    assert_eq!(points.len(), 11);
    assert!(points[10]["coverage"].as_f64().unwrap() > 1.5, "{points:?}");
}
