//! Due dates and overdue, escalation at the next meeting, the opening report.

use super::*;

#[tokio::test]
async fn due_dates_and_the_overdue_filter_agree_with_the_domain() {
    use api::domain::meetings as rules;
    use chrono::{DateTime, Duration, Utc};
    use entity::{MeetingKind, MeetingStatus, TaskStatus, meeting, task};
    use sea_orm::{EntityTrait, Set};
    let app = spawn_app().await;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let series = rules::series(MeetingKind::TrackWeekly, Some(org::T1));
    // 16 meetings a week or so apart at odd hours, a quarter of them cancelled.
    let mut meetings = Vec::new();
    for i in 0..16i64 {
        let at = t0() + Duration::days(7 * i) + Duration::minutes(next(600) as i64 - 300);
        let status = if next(4) == 0 {
            MeetingStatus::Cancelled
        } else {
            MeetingStatus::Scheduled
        };
        let m = meeting::Entity::insert(meeting::ActiveModel {
            kind: Set(MeetingKind::TrackWeekly),
            series: Set(series.clone()),
            track_id: Set(Some(org::T1)),
            starts_at: Set(at),
            status: Set(status),
            version: Set(1),
            created_by: Set(None),
            created_at: Set(t0()),
            ..Default::default()
        })
        .exec_with_returning(&app.db)
        .await
        .unwrap();
        meetings.push(m);
    }
    let statuses = [TaskStatus::Pending, TaskStatus::Done, TaskStatus::Cancelled];
    for m in &meetings {
        for _ in 0..2 {
            task::Entity::insert(task::ActiveModel {
                meeting_id: Set(m.id),
                meeting_kind: Set(MeetingKind::TrackWeekly),
                dimension: Set(1),
                track_id: Set(org::T1),
                account_manager_id: Set(None),
                period_first: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
                period_last: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
                value_then: Set(None),
                standing_then: Set("NO_DATA".into()),
                description: Set(format!("m{}", m.id)),
                owner_id: Set(org::A1),
                created_by: Set(org::D1),
                created_at: Set(t0()),
                due_at: Set(None),
                status: Set(statuses[next(3) as usize]),
                done_at: Set(None),
                done_note: Set(None),
                escalated_at: Set(None),
                due_soon_told_at: Set(None),
                overdue_told_at: Set(None),
                alert_id: Set(None),
                version: Set(1),
                ..Default::default()
            })
            .exec_without_returning(&app.db)
            .await
            .unwrap();
        }
    }
    // The statement the service runs after every schedule, move and cancellation.
    api::store::meetings::recompute_due(&app.db, &series).await.unwrap();
    let scheduled: Vec<DateTime<Utc>> = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Scheduled)
        .map(|m| m.starts_at)
        .collect();
    let tasks = task::Entity::find().all(&app.db).await.unwrap();
    for t in &tasks {
        let own = meetings.iter().find(|m| m.id == t.meeting_id).unwrap();
        assert_eq!(
            t.due_at,
            rules::due_at(own.starts_at, &scheduled),
            "task {} of the meeting at {}",
            t.id,
            own.starts_at
        );
    }
    assert!(
        tasks.iter().any(|t| t.due_at.is_none()),
        "the last meetings' tasks have no next meeting"
    );
    // The overdue filter, on every due date and a second either side.
    let mut instants: Vec<DateTime<Utc>> = tasks
        .iter()
        .filter_map(|t| t.due_at)
        .flat_map(|d| [d - Duration::seconds(1), d, d + Duration::seconds(1)])
        .collect();
    instants.sort();
    instants.dedup();
    let q = "{ tasks(filter: { overdue: true }, first: 100) { nodes { id } } }";
    let mut ceo: Option<(DateTime<Utc>, String)> = None;
    for at in instants {
        app.clock.set(at);
        // A token lives 30 days: a new login now and then.
        if ceo.as_ref().is_none_or(|(since, _)| at - *since > Duration::days(20)) {
            ceo = Some((at, app.login("ceo@test.local").await));
        }
        let ceo = ceo.as_ref().map(|(_, t)| t.as_str());
        let r = app.post(ceo, q, json!({})).await;
        let mut got: Vec<i64> = r.data()["tasks"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().parse().unwrap())
            .collect();
        got.sort();
        let mut want: Vec<i64> = tasks
            .iter()
            .filter(|t| rules::overdue(t.status, t.due_at, at))
            .map(|t| t.id)
            .collect();
        want.sort();
        assert_eq!(got, want, "at {at}");
    }
}

#[tokio::test]
async fn pending_tasks_escalate_once_at_the_next_meeting_and_after_downtime() {
    let app = spawn_app().await;
    let ids = weekly(&app, 3).await; // 30 November, 7 and 14 December, 09:00 Shanghai
    let monthly_ids = monthly(&app, 2).await; // 1 December, 5 January
    let record = async |meeting: &str, owner: i64, d: &str| -> String {
        let d1 = app.login("d1@test.local").await;
        let r = app
            .post(
                Some(&d1),
                CREATE,
                json!({ "m": meeting, "row": track_row("TRACK_SALES_ACHIEVEMENT", org::T1), "d": d, "o": owner.to_string() }),
            )
            .await;
        r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned()
    };
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let (a, b, c) = (
        record(&ids[0], org::A1, "a").await,
        record(&ids[0], org::A2, "b").await,
        record(&ids[0], org::A1, "c").await,
    );
    let a1 = app.login("a1@test.local").await;
    let complete = "mutation($id: ID!) { completeTask(id: $id, note: \"已完成\") { status } }";
    app.post(Some(&a1), complete, json!({ "id": c })).await.data();
    let state = |id: &str| {
        let id = id.to_owned();
        let app = &app;
        async move {
            let ceo = app.login("ceo@test.local").await;
            let r = app
                .post(
                    Some(&ceo),
                    "query($id: ID!) { task(id: $id) { status escalated escalatedAt } }",
                    json!({ "id": id }),
                )
                .await;
            r.data()["task"].clone()
        }
    };
    // A second before the next weekly meeting: the first meeting opens (it has started), nothing escalates.
    app.clock.set("2026-12-07T00:59:59Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    assert_eq!(state(&a).await["escalated"], false);
    // At its start, the two pending tasks are marked, stay pending; the done one is not.
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    let marked = json!({ "status": "PENDING", "escalated": true, "escalatedAt": "2026-12-07T01:00:00+00:00" });
    assert_eq!(state(&a).await, marked);
    assert_eq!(state(&b).await, marked);
    assert_eq!(state(&c).await["escalated"], false);
    // Once: run again, nothing more.
    let again = api::service::meetings::open_started(&app.state, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!((again.meetings, again.escalated), (0, 0));
    // A task of the second meeting; then the server is down over the third meeting's start.
    app.clock.set("2026-12-07T02:00:00Z".parse().unwrap());
    let d = record(&ids[1], org::A1, "d").await;
    app.clock.set("2026-12-21T03:00:00Z".parse().unwrap());
    // Four schedulers at once (a second node, a restart): the third meeting opens once, "d" is marked once.
    let runs = (0..4).map(|_| api::service::meetings::open_started(&app.state, app.state.clock.now()));
    let reports: Vec<_> = futures_util::future::join_all(runs).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(reports.iter().map(|r| r.meetings).sum::<usize>(), 1, "{reports:?}");
    assert_eq!(reports.iter().map(|r| r.escalated).sum::<usize>(), 1, "{reports:?}");
    // Stamped with the start it was caught up for; "a" keeps its first mark.
    assert_eq!(state(&d).await["escalatedAt"], "2026-12-14T01:00:00+00:00");
    assert_eq!(state(&a).await["escalatedAt"], "2026-12-07T01:00:00+00:00");
    let ceo = app.login("ceo@test.local").await;
    let list = app
        .post(
            Some(&ceo),
            "{ tasks(filter: { escalated: true }) { nodes { description } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list.data()["tasks"]["nodes"],
        json!([{ "description": "a" }, { "description": "b" }, { "description": "d" }])
    );
    // A monthly task still pending at the next monthly meeting escalates the same way.
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    let r = app
        .post(
            Some(&sec),
            CREATE,
            json!({ "m": monthly_ids[0], "row": track_row("TRACK_DSO", org::T1), "d": "m", "o": org::D1.to_string() }),
        )
        .await;
    let m = r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned();
    app.clock.set("2027-01-05T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    assert_eq!(state(&m).await["escalatedAt"], "2027-01-05T01:00:00+00:00");
}

#[tokio::test]
async fn the_opening_report_opens_a_day_before_with_the_previous_tasks_then_and_now() {
    let app = spawn_app().await;
    let w = weekly(&app, 3).await; // 30 November, 7 and 14 December
    let m = monthly(&app, 2).await; // 1 December, 5 January
    let record = async |who: &str, meeting: &str, dim: &str, owner: i64| -> String {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app
            .post(
                Some(&token),
                CREATE,
                json!({ "m": meeting, "row": track_row(dim, org::T1), "d": dim, "o": owner.to_string() }),
            )
            .await;
        r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned()
    };
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let ta = record("d1", &w[0], "TRACK_SALES_ACHIEVEMENT", org::A1).await;
    let tb = record("d1", &w[0], "TRACK_ORDER_ACHIEVEMENT", org::A2).await;
    let tc = record("d1", &w[0], "TRACK_GROSS_MARGIN", org::A1).await;
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let tm = record("secretary", &m[0], "TRACK_DSO", org::D1).await;
    app.clock.set("2026-12-03T02:00:00Z".parse().unwrap());
    let a1 = app.login("a1@test.local").await;
    app.post(
        Some(&a1),
        "mutation($id: ID!) { completeTask(id: $id, note: \"完成\") { id } }",
        json!({ "id": ta }),
    )
    .await
    .data();
    let q = "query($m: ID!) { openingReport(meetingId: $m) {
        meeting { id } previousMeeting { id } availableFrom periodFirstMonth
        done { task { id valueThen standingThen } valueNow standingNow notReachedNow } pending { task { id overdue escalated } }
        closed { task { id } } escalated { task { id } valueNow standingNow notReachedNow } } }";
    let report = async |who: &str, meeting: &str| -> Gql {
        let token = app.login(&format!("{who}@test.local")).await;
        app.post(Some(&token), q, json!({ "m": meeting })).await
    };
    let ids = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["task"]["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // A day before the second weekly meeting (7 December 09:00 Shanghai), not a second earlier.
    app.clock.set("2026-12-06T00:59:59Z".parse().unwrap());
    let early = report("d1", &w[1]).await;
    assert_eq!(early.fields(), vec!["meetingId"]);
    assert!(
        early.0["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("自2026-12-06 09:00起可查看"),
        "{}",
        early.0
    );
    app.clock.set("2026-12-06T01:00:00Z".parse().unwrap());
    let r = report("d1", &w[1]).await;
    let r = &r.data()["openingReport"];
    assert_eq!(r["previousMeeting"]["id"], w[0].as_str());
    assert_eq!(r["availableFrom"], "2026-12-06T01:00:00+00:00");
    assert_eq!(ids(&r["done"]), vec![ta.clone()]);
    assert_eq!(ids(&r["pending"]), vec![tb.clone(), tc.clone()]);
    assert_eq!(r["pending"][0]["task"]["overdue"], false);
    assert!(r["escalated"].as_array().unwrap().is_empty());
    // A screen asking again gets the same answer (kept), until the report changes by itself:
    // at 09:00 tb falls overdue, no write between.
    let pending_now = async || -> Value {
        let r = report("d1", &w[1]).await;
        r.data()["openingReport"]["pending"][0]["task"].clone()
    };
    app.clock.set("2026-12-07T00:30:00Z".parse().unwrap());
    let before = json!({ "id": tb, "overdue": false, "escalated": false });
    assert_eq!(pending_now().await, before);
    assert_eq!(pending_now().await, before);
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    assert_eq!(pending_now().await, json!({ "id": tb, "overdue": true, "escalated": false }));
    // The meeting starts: tb and tc escalate (the kept answer goes with the write); a week on
    // they are overdue and marked.
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    assert_eq!(pending_now().await, json!({ "id": tb, "overdue": true, "escalated": true }));
    // December's figures arrive: 消费电子I at 50 % of its sales target.
    app.clock.set("2026-12-08T02:00:00Z".parse().unwrap());
    let admin = app.login("admin@test.local").await;
    let import = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";
    let sales = json!([{ "externalId": "S-9", "date": "2026-12-02", "track": "消费电子I", "accountManager": "a1@test.local", "revenue": "500", "cost": "300" }]);
    app.post(Some(&admin), import, json!({ "k": "SALES", "rows": sales })).await.data();
    let targets = json!([{ "month": "2026-12", "track": "消费电子I", "amount": "1000" }]);
    app.post(Some(&admin), import, json!({ "k": "SALES_TARGETS", "rows": targets }))
        .await
        .data();
    let r = report("d1", &w[1]).await;
    let pending = &r.data()["openingReport"]["pending"];
    assert_eq!(pending[0]["task"], json!({ "id": tb, "overdue": true, "escalated": true }));
    // Then (November, no figures) and now (December so far: 500 of 1,000, below the 90 % line).
    assert_eq!(
        r.data()["openingReport"]["done"][0],
        json!({ "task": { "id": ta, "valueThen": null, "standingThen": "NO_DATA" }, "valueNow": 50.0, "standingNow": "RANKED", "notReachedNow": true })
    );
    // Another track's people do not see the weekly meeting's report.
    assert_eq!(report("a3", &w[1]).await.code(), "NOT_FOUND");
    assert_eq!(report("d2", &w[1]).await.code(), "NOT_FOUND");
    // The next monthly meeting's report: the monthly task pending, and the weekly tasks escalated since 1 December.
    app.clock.set("2027-01-04T01:00:00Z".parse().unwrap());
    let r = report("ceo", &m[1]).await;
    let r = &r.data()["openingReport"];
    assert_eq!(ids(&r["pending"]), vec![tm.clone()]);
    assert_eq!(ids(&r["escalated"]), vec![tb.clone(), tc.clone()]);
    // Each with its row now: the monthly meeting of January looks at December.
    assert_eq!(r["periodFirstMonth"], "2026-12");
    let sales_row = r["escalated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"]["id"] == tb.as_str())
        .unwrap();
    assert_eq!(sales_row["standingNow"], "NO_DATA"); // orders: none in December
    // Another director sees the report, without 消费电子I's tasks.
    let d2 = report("d2", &m[1]).await;
    let d2 = &d2.data()["openingReport"];
    assert!(ids(&d2["pending"]).is_empty() && ids(&d2["escalated"]).is_empty(), "{d2}");
    // The first meeting of a series has nothing to review.
    app.clock.set("2026-11-29T01:00:00Z".parse().unwrap());
    let first = report("d1", &w[0]).await;
    assert_eq!(first.data()["openingReport"]["previousMeeting"], Value::Null);
}
