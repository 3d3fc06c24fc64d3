//! Supervision meetings (issue 11): the schedule and its recurrence in
//! company time, moves and cancellations, tasks from board rows with their
//! owners, entry windows and due dates, completion and reopening, the lists
//! and their scope.

use crate::helpers::*;
use serde_json::{Value, json};

const SCHEDULE: &str = "mutation($i: ScheduleMeetingsInput!) { scheduleMeetings(input: $i) { id kind startsAt status track { id } } }";

pub(crate) const CREATE: &str = "mutation($m: ID!, $row: BoardRowInput!, $d: String!, $o: ID!, $a: ID) {
    createTaskFromBoardRow(meetingId: $m, row: $row, description: $d, ownerId: $o, alertId: $a) {
      id meetingKind dimension track { id } accountManager { id } periodFirstMonth periodLastMonth standingThen
      description owner { id } createdBy { id } dueAt status overdue escalated meeting { id startsAt } } }";

const TASK: &str = "query($id: ID!) { task(id: $id) { id status dueAt overdue doneNote doneAt } }";

fn starts(r: &Gql) -> Vec<String> {
    r.data()["scheduleMeetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["startsAt"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn monthly(app: &TestApp, count: i64) -> Vec<String> {
    let sec = app.login("secretary@test.local").await;
    let r = app
        .post(
            Some(&sec),
            SCHEDULE,
            json!({ "i": { "kind": "MONTHLY_SUPERVISION",
                "recurrence": { "rule": "MONTHLY_NTH_WEEKDAY", "nth": 1, "weekday": "TUESDAY", "time": "09:00", "count": count } } }),
        )
        .await;
    r.data()["scheduleMeetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn weekly(app: &TestApp, count: i64) -> Vec<String> {
    let d1 = app.login("d1@test.local").await;
    let r = app
        .post(
            Some(&d1),
            SCHEDULE,
            json!({ "i": { "kind": "TRACK_WEEKLY", "trackId": org::T1.to_string(),
                "recurrence": { "rule": "WEEKLY", "weekday": "MONDAY", "time": "09:00", "count": count } } }),
        )
        .await;
    r.data()["scheduleMeetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn track_row(dimension: &str, track: i64) -> Value {
    json!({ "dimension": dimension, "trackId": track.to_string() })
}

#[tokio::test]
async fn meetings_recur_in_company_time_and_are_scheduled_by_their_chairs() {
    let app = spawn_app().await;
    // t0 is Monday 23 November 2026, 09:00 in Shanghai.
    let sec = app.login("secretary@test.local").await;
    let input = json!({ "i": { "kind": "MONTHLY_SUPERVISION",
        "recurrence": { "rule": "MONTHLY_NTH_WEEKDAY", "nth": 1, "weekday": "TUESDAY", "time": "09:00", "count": 3 } } });
    let r = app.post(Some(&sec), SCHEDULE, input.clone()).await;
    assert_eq!(
        starts(&r),
        vec![
            "2026-12-01T01:00:00+00:00",
            "2027-01-05T01:00:00+00:00",
            "2027-02-02T01:00:00+00:00"
        ]
    );
    // Asked again: the same meetings, none added.
    let again = app.post(Some(&sec), SCHEDULE, input).await;
    assert_eq!(again.data(), r.data());
    // A weekly meeting at 07:30 Shanghai on Mondays is Sunday 23:30 UTC; the 09:00 of today has passed.
    let d1 = app.login("d1@test.local").await;
    let early = json!({ "i": { "kind": "TRACK_WEEKLY", "trackId": org::T1.to_string(),
        "recurrence": { "rule": "WEEKLY", "weekday": "MONDAY", "time": "07:30", "count": 2 } } });
    let r = app.post(Some(&d1), SCHEDULE, early).await;
    assert_eq!(starts(&r), vec!["2026-11-29T23:30:00+00:00", "2026-12-06T23:30:00+00:00"]);
    let last_friday = json!({ "i": { "kind": "TRACK_WEEKLY", "trackId": org::T1.to_string(),
        "recurrence": { "rule": "MONTHLY_LAST_WEEKDAY", "weekday": "FRIDAY", "time": "16:00", "count": 2 } } });
    let r = app.post(Some(&d1), SCHEDULE, last_friday).await;
    assert_eq!(starts(&r), vec!["2026-11-27T08:00:00+00:00", "2026-12-25T08:00:00+00:00"]);
    // Who may not: a director for another track or for the monthly meeting, an account manager.
    let other = json!({ "i": { "kind": "TRACK_WEEKLY", "trackId": org::T2.to_string(), "startsAt": "2026-12-01T01:00:00Z" } });
    assert_eq!(app.post(Some(&d1), SCHEDULE, other.clone()).await.code(), "FORBIDDEN");
    let a1 = app.login("a1@test.local").await;
    assert_eq!(app.post(Some(&a1), SCHEDULE, other).await.code(), "FORBIDDEN");
    let m = json!({ "i": { "kind": "MONTHLY_SUPERVISION", "startsAt": "2026-12-08T01:00:00Z" } });
    assert_eq!(app.post(Some(&d1), SCHEDULE, m).await.code(), "FORBIDDEN");
    // Every bad field at once.
    let bad = json!({ "i": { "kind": "TRACK_WEEKLY",
        "recurrence": { "rule": "MONTHLY_NTH_WEEKDAY", "nth": 5, "weekday": "MONDAY", "time": "9am", "count": 0 } } });
    let r = app.post(Some(&sec), SCHEDULE, bad).await;
    assert_eq!(
        r.fields(),
        vec![
            "input.trackId",
            "input.recurrence.count",
            "input.recurrence.time",
            "input.recurrence.nth"
        ]
    );
    let past = json!({ "i": { "kind": "MONTHLY_SUPERVISION", "startsAt": "2026-11-01T01:00:00Z",
        "recurrence": { "rule": "WEEKLY", "weekday": "MONDAY", "time": "09:00", "count": 1 } } });
    assert_eq!(
        app.post(Some(&sec), SCHEDULE, past).await.fields(),
        vec!["input.startsAt", "input.startsAt"]
    );
    // The lists: an account manager sees his track's weekly meetings only; a director the monthly ones and his track's.
    let list = "{ meetings(first: 50) { totalCount nodes { kind track { id } } } }";
    let count = |v: &Value| v["meetings"]["nodes"].as_array().unwrap().len();
    let a1_sees = app.post(Some(&a1), list, json!({})).await;
    assert_eq!(count(a1_sees.data()), 4);
    assert!(
        a1_sees.data()["meetings"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] == "TRACK_WEEKLY")
    );
    let a3 = app.login("a3@test.local").await;
    assert_eq!(count(app.post(Some(&a3), list, json!({})).await.data()), 0);
    let d2 = app.login("d2@test.local").await;
    assert_eq!(count(app.post(Some(&d2), list, json!({})).await.data()), 3);
    let ceo = app.login("ceo@test.local").await;
    assert_eq!(count(app.post(Some(&ceo), list, json!({})).await.data()), 7);
}

#[tokio::test]
async fn a_task_from_a_board_row_is_due_at_the_next_meeting_and_follows_it() {
    let app = spawn_app().await;
    let ids = monthly(&app, 3).await;
    let sec = app.login("secretary@test.local").await;
    let row = track_row("TRACK_SALES_ACHIEVEMENT", org::T1);
    let vars = |owner: i64| json!({ "m": ids[0], "row": row, "d": "销售达成率低于90%：补齐12月订单", "o": owner.to_string() });
    // Before the meeting's day (company time): not yet.
    let r = app.post(Some(&sec), CREATE, vars(org::D1)).await;
    assert_eq!(r.fields(), vec!["meetingId"]);
    assert!(
        r.0["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("自2026-12-01 00:00起可以记录"),
        "{}",
        r.0
    );
    // 1 December 00:00 in Shanghai: the meeting's day has begun.
    app.clock.set("2026-11-30T16:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    let made = app.post(Some(&sec), CREATE, vars(org::D1)).await;
    let t = &made.data()["createTaskFromBoardRow"];
    assert_eq!(t["meetingKind"], "MONTHLY_SUPERVISION");
    assert_eq!(t["dimension"], "TRACK_SALES_ACHIEVEMENT");
    assert_eq!(t["track"]["id"], org::T1.to_string());
    assert_eq!(t["accountManager"], Value::Null);
    // The monthly meeting looks at the month before it.
    assert_eq!(
        (t["periodFirstMonth"].as_str(), t["periodLastMonth"].as_str()),
        (Some("2026-11"), Some("2026-11"))
    );
    assert_eq!(t["standingThen"], "NO_DATA");
    assert_eq!(t["dueAt"], "2027-01-05T01:00:00+00:00");
    assert_eq!(
        (t["status"].as_str(), t["overdue"].as_bool(), t["escalated"].as_bool()),
        (Some("PENDING"), Some(false), Some(false))
    );
    assert_eq!(t["createdBy"]["id"], org::SECRETARY.to_string());
    let task_id = t["id"].as_str().unwrap().to_owned();
    // The owner of a monthly task is a director of the row's track.
    for owner in [org::A1, org::D2, 9999] {
        let r = app.post(Some(&sec), CREATE, vars(owner)).await;
        assert_eq!(r.fields(), vec!["ownerId"], "{owner}");
    }
    // Only the secretary (or the CEO) records in the monthly meeting.
    let d1 = app.login("d1@test.local").await;
    assert_eq!(app.post(Some(&d1), CREATE, vars(org::D1)).await.code(), "FORBIDDEN");
    // The next meeting moves: the task is due then; it is cancelled: due at the one after.
    let mv = "mutation($id: ID!, $at: DateTime!) { moveMeeting(id: $id, startsAt: $at, reason: \"春节调整\") { startsAt changes { kind fromStartsAt toStartsAt reason by { id } } } }";
    let moved = app
        .post(Some(&sec), mv, json!({ "id": ids[1], "at": "2027-01-06T01:00:00Z" }))
        .await;
    assert_eq!(
        moved.data()["moveMeeting"]["changes"],
        json!([{ "kind": "MOVED", "fromStartsAt": "2027-01-05T01:00:00+00:00", "toStartsAt": "2027-01-06T01:00:00+00:00", "reason": "春节调整", "by": { "id": org::SECRETARY.to_string() } }])
    );
    // Moved onto its own start: refused, no change recorded.
    let r = app
        .post(Some(&sec), mv, json!({ "id": ids[1], "at": "2027-01-06T01:00:00Z" }))
        .await;
    assert_eq!(r.fields(), vec!["startsAt"]);
    assert_eq!(app.count_rows("meeting_change").await, 1);
    let due = |r: Gql| r.data()["task"]["dueAt"].clone();
    assert_eq!(
        due(app.post(Some(&sec), TASK, json!({ "id": task_id })).await),
        "2027-01-06T01:00:00+00:00"
    );
    let cancel = "mutation($id: ID!) { cancelMeeting(id: $id, reason: \"CEO出差\") { status } }";
    assert_eq!(
        app.post(Some(&sec), cancel, json!({ "id": ids[1] })).await.data()["cancelMeeting"]["status"],
        "CANCELLED"
    );
    assert_eq!(
        due(app.post(Some(&sec), TASK, json!({ "id": task_id })).await),
        "2027-02-02T01:00:00+00:00"
    );
    // A cancelled meeting is not moved again; a cancellation needs its reason; a started meeting stays.
    let r = app
        .post(Some(&sec), mv, json!({ "id": ids[1], "at": "2027-01-07T01:00:00Z" }))
        .await;
    assert_eq!(r.fields(), vec!["id"]);
    let r = app
        .post(
            Some(&sec),
            "mutation($id: ID!) { cancelMeeting(id: $id, reason: \" \") { id } }",
            json!({ "id": ids[2] }),
        )
        .await;
    assert_eq!(r.fields(), vec!["reason"]);
    app.clock.set("2026-12-01T01:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    assert_eq!(app.post(Some(&sec), cancel, json!({ "id": ids[0] })).await.fields(), vec!["id"]);
    // The day after (00:00 on 2 December in Shanghai) the window has closed.
    app.clock.set("2026-12-01T16:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    let r = app.post(Some(&sec), CREATE, vars(org::D1)).await;
    assert!(
        r.0["errors"][0]["message"].as_str().unwrap().contains("已于2026-12-02 00:00截止"),
        "{}",
        r.0
    );
    // Past the due date and not done: overdue.
    app.clock.set("2027-02-02T01:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    let t = app.post(Some(&sec), TASK, json!({ "id": task_id })).await;
    assert_eq!(t.data()["task"]["overdue"], true);
    let overdue = "{ tasks(filter: { overdue: true }) { totalCount } }";
    assert_eq!(app.post(Some(&sec), overdue, json!({})).await.data()["tasks"]["totalCount"], 1);
}

#[tokio::test]
async fn weekly_tasks_belong_to_the_track_and_are_recorded_within_a_day() {
    let app = spawn_app().await;
    let ids = weekly(&app, 2).await;
    // Monday 30 November 09:00 Shanghai, plus 23 h 59 min.
    app.clock.set("2026-12-01T00:59:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let vars = |row: Value, owner: i64| json!({ "m": ids[0], "row": row, "d": "跟进华为模具报价", "o": owner.to_string() });
    let made = app
        .post(Some(&d1), CREATE, vars(track_row("TRACK_ORDER_ACHIEVEMENT", org::T1), org::A1))
        .await;
    let t = &made.data()["createTaskFromBoardRow"];
    assert_eq!(t["meetingKind"], "TRACK_WEEKLY");
    // A weekly meeting looks at its month so far; due at the next Monday.
    assert_eq!(t["periodFirstMonth"], "2026-11");
    assert_eq!(t["dueAt"], "2026-12-07T01:00:00+00:00");
    // The owner is an account manager of the meeting's track; the row is the track's.
    let r = app
        .post(Some(&d1), CREATE, vars(track_row("TRACK_ORDER_ACHIEVEMENT", org::T1), org::A3))
        .await;
    assert_eq!(r.fields(), vec!["ownerId"]);
    let r = app
        .post(Some(&d1), CREATE, vars(track_row("TRACK_ORDER_ACHIEVEMENT", org::T2), org::A1))
        .await;
    assert_eq!(r.fields(), vec!["row.trackId"]);
    // A row's key follows its dimension: an account-manager dimension needs an account manager.
    let r = app
        .post(
            Some(&d1),
            CREATE,
            vars(track_row("ACCOUNT_MANAGER_SALES_ACHIEVEMENT", org::T1), org::A1),
        )
        .await;
    assert_eq!(r.fields(), vec!["row.accountManagerId"]);
    // An account manager's row: his, as the director's board shows it; another track's account manager has none there.
    let am_row = json!({ "dimension": "ACCOUNT_MANAGER_SALES_ACHIEVEMENT", "accountManagerId": org::A2.to_string() });
    let t = app.post(Some(&d1), CREATE, vars(am_row, org::A2)).await;
    let t = &t.data()["createTaskFromBoardRow"];
    assert_eq!(
        (t["accountManager"]["id"].as_str(), t["track"]["id"].as_str()),
        (Some("102"), Some("1"))
    );
    let other = json!({ "dimension": "ACCOUNT_MANAGER_SALES_ACHIEVEMENT", "accountManagerId": org::A3.to_string() });
    let r = app.post(Some(&d1), CREATE, vars(other, org::A1)).await;
    assert_eq!(r.fields(), vec!["row.accountManagerId"]);
    assert!(
        r.0["errors"][0]["message"].as_str().unwrap().contains("不是2026-11看板上的一行"),
        "{}",
        r.0
    );
    // Another track's director does not record here (nor sees the meeting).
    let d2 = app.login("d2@test.local").await;
    assert_eq!(
        app.post(Some(&d2), CREATE, vars(track_row("TRACK_ORDER_ACHIEVEMENT", org::T1), org::A1))
            .await
            .code(),
        "NOT_FOUND"
    );
    // 24 hours after the start the window has closed.
    app.clock.set("2026-12-01T01:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let r = app
        .post(Some(&d1), CREATE, vars(track_row("TRACK_ORDER_ACHIEVEMENT", org::T1), org::A1))
        .await;
    assert!(
        r.0["errors"][0]["message"].as_str().unwrap().contains("已于2026-12-01 09:00截止"),
        "{}",
        r.0
    );
    // Nor before it starts.
    let r = app
        .post(
            Some(&d1),
            CREATE,
            json!({ "m": ids[1], "row": track_row("TRACK_ORDER_ACHIEVEMENT", org::T1), "d": "x", "o": org::A1.to_string() }),
        )
        .await;
    assert!(
        r.0["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("自2026-12-07 09:00起可以记录"),
        "{}",
        r.0
    );
}

#[tokio::test]
async fn the_owner_completes_the_recorder_reopens_and_one_of_many_wins() {
    let app = spawn_app().await;
    let ids = weekly(&app, 2).await;
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let made = app
        .post(
            Some(&d1),
            CREATE,
            json!({ "m": ids[0], "row": track_row("TRACK_GROSS_MARGIN", org::T1), "d": "毛利率复盘", "o": org::A1.to_string() }),
        )
        .await;
    let id = made.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned();
    let complete = "mutation($id: ID!, $n: String!) { completeTask(id: $id, note: $n) { status doneNote doneAt } }";
    let reopen = "mutation($id: ID!) { reopenTask(id: $id) { status doneNote } }";
    // Not the owner: a peer of his track does not see it, nor does another track's account manager.
    let a2 = app.login("a2@test.local").await;
    assert_eq!(
        app.post(Some(&a2), complete, json!({ "id": id, "n": "done" })).await.code(),
        "NOT_FOUND"
    );
    // His director sees it, and may not mark it done for him.
    assert_eq!(
        app.post(Some(&d1), complete, json!({ "id": id, "n": "done" })).await.code(),
        "FORBIDDEN"
    );
    let a3 = app.login("a3@test.local").await;
    assert_eq!(
        app.post(Some(&a3), complete, json!({ "id": id, "n": "done" })).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(app.post(Some(&a3), TASK, json!({ "id": id })).await.code(), "NOT_FOUND");
    let a1 = app.login("a1@test.local").await;
    assert_eq!(
        app.post(Some(&a1), complete, json!({ "id": id, "n": "  " })).await.fields(),
        vec!["note"]
    );
    let long = "长".repeat(2001);
    assert_eq!(
        app.post(Some(&a1), complete, json!({ "id": id, "n": long })).await.fields(),
        vec!["note"]
    );
    // Eight at once: exactly one wins.
    let calls = (0..8).map(|i| {
        let (app, a1, id) = (&app, &a1, &id);
        async move { app.post(Some(a1), complete, json!({ "id": id, "n": format!("第{i}次") })).await }
    });
    let results = futures_util::future::join_all(calls).await;
    let won = results.iter().filter(|r| r.0.get("errors").is_none()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter(|r| r.0.get("errors").is_some()) {
        assert!(["CONFLICT", "VALIDATION"].contains(&r.code()), "{}", r.0);
    }
    // Only who recorded it reopens it.
    assert_eq!(app.post(Some(&a1), reopen, json!({ "id": id })).await.code(), "FORBIDDEN");
    let r = app.post(Some(&d1), reopen, json!({ "id": id })).await;
    assert_eq!(r.data()["reopenTask"], json!({ "status": "PENDING", "doneNote": null }));
    assert_eq!(app.post(Some(&d1), reopen, json!({ "id": id })).await.fields(), vec!["id"]);
}

#[tokio::test]
async fn task_lists_are_scoped_and_filtered() {
    let app = spawn_app().await;
    let weekly_ids = weekly(&app, 2).await;
    let monthly_ids = monthly(&app, 2).await;
    // A weekly task of 消费电子I on 30 November, a monthly one about 医疗器械 on 1 December.
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    app.post(
        Some(&d1),
        CREATE,
        json!({ "m": weekly_ids[0], "row": track_row("TRACK_DSO", org::T1), "d": "回款", "o": org::A1.to_string() }),
    )
    .await
    .data();
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    app.post(
        Some(&sec),
        CREATE,
        json!({ "m": monthly_ids[0], "row": track_row("TRACK_EXPENSE_RATIO", org::T2), "d": "费用", "o": org::D2.to_string() }),
    )
    .await
    .data();
    let list = "query($f: TaskFilter) { tasks(filter: $f, first: 10) { totalCount nodes { description } } }";
    let seen = async |who: &str, f: Value| -> Vec<String> {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&token), list, json!({ "f": f })).await;
        r.data()["tasks"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["description"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(seen("ceo", json!({})).await, vec!["回款", "费用"]);
    assert_eq!(seen("d1", json!({})).await, vec!["回款"]);
    assert_eq!(seen("d2", json!({})).await, vec!["费用"]);
    assert_eq!(seen("a1", json!({})).await, vec!["回款"]);
    assert!(seen("a2", json!({})).await.is_empty(), "a peer's task is not his");
    assert!(seen("a3", json!({})).await.is_empty());
    // Filters.
    assert_eq!(seen("ceo", json!({ "dimension": "TRACK_DSO" })).await, vec!["回款"]);
    assert_eq!(seen("ceo", json!({ "meetingId": monthly_ids[0] })).await, vec!["费用"]);
    assert_eq!(seen("ceo", json!({ "ownerId": org::D2.to_string() })).await, vec!["费用"]);
    assert_eq!(
        seen(
            "ceo",
            json!({ "trackId": org::T1.to_string(), "status": "PENDING", "escalated": false })
        )
        .await,
        vec!["回款"]
    );
    assert!(seen("ceo", json!({ "status": "DONE" })).await.is_empty());
    // The weekly task is due at the next Monday (7 December, 09:00 Shanghai): overdue from then.
    assert!(seen("ceo", json!({ "overdue": true })).await.is_empty());
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    assert_eq!(seen("ceo", json!({ "overdue": true })).await, vec!["回款"]);
    assert_eq!(seen("ceo", json!({ "overdue": false })).await, vec!["费用"]);
    // A filter that names another track's records counts nothing for a director.
    assert!(seen("d2", json!({ "trackId": org::T1.to_string() })).await.is_empty());
    let token = app.login("ceo@test.local").await;
    let bad = app
        .post(Some(&token), list, json!({ "f": { "meetingId": "x", "ownerId": "-1" } }))
        .await;
    assert_eq!(bad.fields(), vec!["filter.meetingId", "filter.ownerId"]);
}

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
async fn the_quarterly_analysis_counts_as_by_hand_and_covers_the_viewers_tracks_only() {
    let app = spawn_app().await;
    let w = weekly(&app, 3).await;
    let m = monthly(&app, 2).await;
    let record = async |who: &str, meeting: &str, dim: &str, track: i64, owner: i64| -> String {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app
            .post(
                Some(&token),
                CREATE,
                json!({ "m": meeting, "row": track_row(dim, track), "d": "任务", "o": owner.to_string() }),
            )
            .await;
        r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned()
    };
    let complete = async |who: &str, id: &str| {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app
            .post(
                Some(&token),
                "mutation($id: ID!) { completeTask(id: $id, note: \"好\") { id } }",
                json!({ "id": id }),
            )
            .await;
        r.data();
    };
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let t1 = record("d1", &w[0], "TRACK_SALES_ACHIEVEMENT", org::T1, org::A1).await;
    let _t2 = record("d1", &w[0], "TRACK_SALES_ACHIEVEMENT", org::T1, org::A2).await;
    let t3 = record("d1", &w[0], "TRACK_ORDER_ACHIEVEMENT", org::T1, org::A1).await;
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let _t4 = record("secretary", &m[0], "TRACK_GROSS_MARGIN", org::T1, org::D1).await;
    let t5 = record("secretary", &m[0], "TRACK_GROSS_MARGIN", org::T2, org::D2).await;
    app.clock.set("2026-12-03T02:00:00Z".parse().unwrap());
    complete("a1", &t1).await; // on time (due 7 December)
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap(); // t2 and t3 escalate
    app.clock.set("2026-12-08T02:00:00Z".parse().unwrap());
    complete("a1", &t3).await; // late
    app.clock.set("2026-12-10T02:00:00Z".parse().unwrap());
    complete("d2", &t5).await; // on time (due 5 January)
    let q = "query($y: Int!, $q: Int!) { quarterlyTaskAnalysis(year: $y, quarter: $q) {
        year quarter
        total { tasks closed doneOnTime doneLate pending escalated completionRate escalationRate }
        byDimension { dimension counts { tasks completionRate escalationRate } }
        byTrack { track { id } counts { tasks completionRate } }
        owners { owner { id } counts { tasks completionRate } } } }";
    let analysis = async |who: &str, year: i64, quarter: i64| -> Gql {
        let token = app.login(&format!("{who}@test.local")).await;
        app.post(Some(&token), q, json!({ "y": year, "q": quarter })).await
    };
    let r = analysis("ceo", 2026, 4).await;
    let a = &r.data()["quarterlyTaskAnalysis"];
    assert_eq!(
        a["total"],
        json!({ "tasks": 5, "closed": 0, "doneOnTime": 2, "doneLate": 1, "pending": 2, "escalated": 2, "completionRate": 40.0, "escalationRate": 40.0 })
    );
    let dims: Vec<Value> = a["byDimension"].as_array().unwrap().clone();
    assert_eq!(dims.len(), 8);
    assert_eq!(
        dims[0]["counts"],
        json!({ "tasks": 2, "completionRate": 50.0, "escalationRate": 50.0 })
    );
    assert_eq!(
        dims[2]["counts"],
        json!({ "tasks": 1, "completionRate": 0.0, "escalationRate": 100.0 })
    );
    assert_eq!(
        dims[4]["counts"],
        json!({ "tasks": 2, "completionRate": 50.0, "escalationRate": 0.0 })
    );
    assert_eq!(
        dims[7]["counts"],
        json!({ "tasks": 0, "completionRate": null, "escalationRate": null })
    );
    assert_eq!(
        a["byTrack"],
        json!([
            { "track": { "id": "1" }, "counts": { "tasks": 4, "completionRate": 25.0 } },
            { "track": { "id": "2" }, "counts": { "tasks": 1, "completionRate": 100.0 } }
        ])
    );
    let owners = |r: &Gql| -> Vec<(String, f64)> {
        r.data()["quarterlyTaskAnalysis"]["owners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["owner"]["id"].as_str().unwrap().to_owned(),
                    o["counts"]["completionRate"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let o = |pairs: &[(i64, f64)]| pairs.iter().map(|(id, r)| (id.to_string(), *r)).collect::<Vec<_>>();
    // The lowest completion rate first; equal rates: more tasks first, then by id.
    assert_eq!(owners(&r), o(&[(org::D1, 0.0), (org::A2, 0.0), (org::A1, 50.0), (org::D2, 100.0)]));
    // A director's analysis is his tracks' alone: totals, dimensions, tracks and owners.
    let d1 = analysis("d1", 2026, 4).await;
    assert_eq!(owners(&d1), o(&[(org::D1, 0.0), (org::A2, 0.0), (org::A1, 50.0)]));
    let d1 = &d1.data()["quarterlyTaskAnalysis"];
    assert_eq!(d1["total"]["tasks"], 4);
    assert_eq!(
        d1["byTrack"],
        json!([{ "track": { "id": "1" }, "counts": { "tasks": 4, "completionRate": 25.0 } }])
    );
    assert_eq!(d1["byDimension"][4]["counts"]["tasks"], 1);
    let d2 = analysis("d2", 2026, 4).await;
    assert_eq!(owners(&d2), o(&[(org::D2, 100.0)]));
    assert_eq!(d2.data()["quarterlyTaskAnalysis"]["total"]["tasks"], 1);
    // The secretary and the admin read the company's; an account manager has none.
    for who in ["secretary", "admin"] {
        assert_eq!(analysis(who, 2026, 4).await.data()["quarterlyTaskAnalysis"]["total"]["tasks"], 5);
    }
    for who in ["a1", "a3"] {
        let r = analysis(who, 2026, 4).await;
        assert_eq!(r.code(), "FORBIDDEN", "{who}: {}", r.0);
        assert_eq!(r.0["data"], Value::Null, "{who}: nothing of it is answered");
    }
    // A quarter without tasks, and bad ones.
    let empty = analysis("ceo", 2027, 1).await;
    assert_eq!(empty.data()["quarterlyTaskAnalysis"]["total"]["completionRate"], Value::Null);
    assert_eq!(analysis("ceo", 2026, 5).await.fields(), vec!["quarter"]);
    assert_eq!(analysis("ceo", 1999, 1).await.fields(), vec!["year"]);
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

#[tokio::test]
async fn meeting_events_reach_their_people_and_no_one_else() {
    use crate::websocket::{Got, next, open, send};
    let app = spawn_app().await;
    let w = weekly(&app, 2).await; // 30 November and 7 December, 09:00 Shanghai
    let people = ["ceo", "secretary", "admin", "d1", "d2", "a1", "a2", "a3"];
    let sub = json!({ "id": "m", "type": "subscribe", "payload": { "query":
        "subscription { meetingEvents(after: \"0\") { id kind notification task { id } meeting { id } } }" } });
    let mut sockets = Vec::new();
    for who in people {
        let token = app.login(&format!("{who}@test.local")).await;
        let mut ws = open(&app, &token).await;
        send(&mut ws, sub.clone()).await;
        sockets.push((who, ws));
    }
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let r = app
        .post(
            Some(&d1),
            CREATE,
            json!({ "m": w[0], "row": track_row("TRACK_SALES_ACHIEVEMENT", org::T1), "d": "跟进华为模具报价", "o": org::A1.to_string() }),
        )
        .await;
    let task = r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned();
    // A day before the second meeting: its report is ready, the task is due tomorrow.
    app.clock.set("2026-12-06T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    // Its start: the task escalates and is overdue. Run twice: nothing is told twice.
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    let mut got = std::collections::HashMap::new();
    for (who, ws) in &mut sockets {
        let mut kinds = Vec::new();
        while let Some(Got::Json(m)) = next(ws, 1).await {
            let e = &m["payload"]["data"]["meetingEvents"];
            assert!(m["payload"]["errors"].is_null(), "{who}: {m}");
            if e["kind"] == "TASK_ESCALATED" && *who == "ceo" {
                assert_eq!(e["notification"], "任务已升级：跟进华为模具报价");
                assert_eq!(e["task"]["id"], task.as_str());
            }
            if e["kind"] == "MEETING_REPORT_READY" {
                assert_eq!(e["meeting"]["id"], w[1].as_str(), "{who}");
                assert_eq!(e["notification"], "开场报告已就绪：赛道周会 12-07 09:00");
            }
            kinds.push(e["kind"].as_str().unwrap().to_owned());
        }
        got.insert(*who, kinds);
    }
    let chairs = vec!["MEETING_REPORT_READY".to_owned(), "TASK_ESCALATED".to_owned()];
    assert_eq!(got["ceo"], chairs);
    assert_eq!(got["secretary"], chairs);
    assert_eq!(got["d1"], chairs);
    assert_eq!(
        got["a1"],
        vec!["TASK_ASSIGNED", "MEETING_REPORT_READY", "TASK_DUE_TOMORROW", "TASK_OVERDUE"]
    );
    assert_eq!(got["a2"], vec!["MEETING_REPORT_READY"]);
    for who in ["admin", "d2", "a3"] {
        assert!(got[who].is_empty(), "{who} was sent {:?}", got[who]);
    }
}

#[tokio::test]
async fn who_receives_a_meeting_event_is_the_same_rule_in_sql_and_in_memory() {
    use api::store::events::{Listener, admits, after};
    use entity::{EventKind, EventSubject};
    use sea_orm::{ColumnTrait, EntityTrait, Iterable, QueryFilter, QueryOrder};
    let app = spawn_app().await;
    let users: Vec<Option<i64>> = vec![None, Some(org::A1), Some(org::A3), Some(org::D1)];
    let tracks: Vec<Option<i64>> = vec![None, Some(org::T1), Some(org::T2)];
    let mut rows = Vec::new();
    for kind in EventKind::iter() {
        for u in &users {
            for t in &tracks {
                rows.push((kind, 1, *u, *t));
            }
        }
    }
    api::store::events::append_for(&app.db, EventSubject::Task, &rows, None, t0())
        .await
        .unwrap();
    let all: Vec<EventKind> = EventKind::iter().collect();
    let kinds: &'static [EventKind] = Box::leak(all.into_boxed_slice());
    let everything = entity::event::Entity::find()
        .order_by_asc(entity::event::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(everything.len(), rows.len());
    for who in ["ceo", "secretary", "admin", "d1", "d2", "a1", "a2", "a3"] {
        let user = entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq(format!("{who}@test.local")))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let track_ids = api::store::users::track_ids_of(&app.db, user.id, user.role).await.unwrap();
        let scope = match user.role {
            entity::Role::Ceo | entity::Role::Secretary | entity::Role::Admin => api::auth::Scope::All,
            entity::Role::TrackDirector => api::auth::Scope::Tracks(track_ids.clone()),
            entity::Role::AccountManager => api::auth::Scope::Owner(user.id),
        };
        let l = Listener {
            scope,
            user_id: user.id,
            role: user.role,
            track_ids,
        };
        let in_sql: Vec<i64> = after(&app.db, &l, kinds, 0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        let in_memory: Vec<i64> = everything.iter().filter(|e| admits(&l, e)).map(|e| e.id).collect();
        assert_eq!(in_sql, in_memory, "{who}");
        assert!(!in_sql.is_empty(), "{who} receives something");
    }
}

#[tokio::test]
async fn cancelled_starts_moves_onto_them_and_a_moved_owner_are_handled() {
    let app = spawn_app().await;
    let ids = monthly(&app, 3).await; // 1 December, 5 January, 2 February
    let sec = app.login("secretary@test.local").await;
    let cancel = "mutation($id: ID!) { cancelMeeting(id: $id, reason: \"出差\") { status } }";
    app.post(Some(&sec), cancel, json!({ "id": ids[1] })).await.data();
    // Moving another meeting onto the cancelled start: a clear error, not an internal one.
    let mv = "mutation($id: ID!, $at: DateTime!) { moveMeeting(id: $id, startsAt: $at) { startsAt } }";
    let r = app
        .post(Some(&sec), mv, json!({ "id": ids[2], "at": "2027-01-05T01:00:00Z" }))
        .await;
    assert_eq!(r.fields(), vec!["startsAt"]);
    // Scheduling the cancelled start again restores it, recorded.
    let again = app
        .post(
            Some(&sec),
            SCHEDULE,
            json!({ "i": { "kind": "MONTHLY_SUPERVISION", "startsAt": "2027-01-05T01:00:00Z" } }),
        )
        .await;
    assert_eq!(again.data()["scheduleMeetings"][0]["status"], "SCHEDULED");
    assert_eq!(again.data()["scheduleMeetings"][0]["id"], ids[1].as_str());
    let changes = app
        .post(
            Some(&sec),
            "query($id: ID!) { meeting(id: $id) { changes { kind } } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(
        changes.data()["meeting"]["changes"],
        json!([{ "kind": "CANCELLED" }, { "kind": "RESTORED" }])
    );
    // A weekly meeting on Tuesday 1 December: its report, the day before, looks at November.
    let d1 = app.login("d1@test.local").await;
    let tuesdays = app
        .post(
            Some(&d1),
            SCHEDULE,
            json!({ "i": { "kind": "TRACK_WEEKLY", "trackId": org::T1.to_string(),
                "recurrence": { "rule": "WEEKLY", "weekday": "TUESDAY", "time": "09:00", "count": 2 } } }),
        )
        .await;
    let weekly: Vec<String> = tuesdays.data()["scheduleMeetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    app.clock.set("2026-11-24T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let made = app
        .post(
            Some(&d1),
            CREATE,
            json!({ "m": weekly[0], "row": track_row("TRACK_DSO", org::T1), "d": "回款", "o": org::A1.to_string() }),
        )
        .await;
    let task = made.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned();
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let report = app
        .post(
            Some(&d1),
            "query($m: ID!) { openingReport(meetingId: $m) { periodFirstMonth pending { task { id } } } }",
            json!({ "m": weekly[1] }),
        )
        .await;
    assert_eq!(report.data()["openingReport"]["periodFirstMonth"], "2026-11");
    assert_eq!(report.data()["openingReport"]["pending"][0]["task"]["id"], task.as_str());
    // The owner moves to another track: he still sees his task, no longer its track's meeting.
    let admin = app.login("admin@test.local").await;
    app.post(
        Some(&admin),
        "mutation($id: ID!, $t: [ID!]) { updateUser(id: $id, input: { trackIds: $t }) { id } }",
        json!({ "id": org::A1.to_string(), "t": [org::T2.to_string()] }),
    )
    .await
    .data();
    let a1 = app.login("a1@test.local").await;
    let r = app
        .post(
            Some(&a1),
            "query($id: ID!) { task(id: $id) { id meeting { id } } }",
            json!({ "id": task }),
        )
        .await;
    assert_eq!(r.data()["task"], json!({ "id": task, "meeting": null }));
}

const DECIDE: &str = "mutation($i: DecideTaskInput!) { decideTask(input: $i) {
    task { id status description dueAt dueExtended owner { id } }
    decision { decision reason meeting { id } previousDueAt newDueAt previousOwner { id } newOwner { id }
      previousDescription newDescription by { id } } } }";

#[tokio::test]
async fn the_chair_extends_redispatches_adjusts_and_closes_at_the_opening() {
    let app = spawn_app().await;
    let w = weekly(&app, 4).await; // 30 November, 7, 14 and 21 December
    let m = monthly(&app, 2).await; // 1 December, 5 January
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let mut t = Vec::new();
    for (dim, owner) in [
        ("TRACK_SALES_ACHIEVEMENT", org::A1),
        ("TRACK_ORDER_ACHIEVEMENT", org::A1),
        ("TRACK_GROSS_MARGIN", org::A1),
        ("TRACK_DSO", org::A2),
    ] {
        let r = app
            .post(
                Some(&d1),
                CREATE,
                json!({ "m": w[0], "row": track_row(dim, org::T1), "d": dim, "o": owner.to_string() }),
            )
            .await;
        t.push(r.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned());
    }
    // The decision on the task as the chair sees it now (its version).
    let decide = async |task: &str, meeting: &str, extra: Value| {
        let admin = app.login("admin@test.local").await;
        let seen = app
            .post(Some(&admin), "query($id: ID!) { task(id: $id) { version } }", json!({ "id": task }))
            .await;
        let version = seen.data()["task"]["version"].clone();
        let mut i = json!({ "taskId": task, "meetingId": meeting, "reason": "客户延迟下单", "version": version });
        i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({ "i": i })
    };
    // Its own meeting does not decide on it; the next one, not before its window.
    let r = app
        .post(Some(&d1), DECIDE, decide(&t[3], &w[0], json!({ "decision": "CLOSE" })).await)
        .await;
    assert_eq!(r.fields(), vec!["input.meetingId"]);
    let r = app
        .post(Some(&d1), DECIDE, decide(&t[3], &w[1], json!({ "decision": "CLOSE" })).await)
        .await;
    assert_eq!(r.fields(), vec!["input.meetingId"]);
    // The next weekly meeting starts: the four escalate; its director decides at its opening.
    app.clock.set("2026-12-07T01:00:00Z".parse().unwrap());
    api::jobs::run_due_jobs(&app.state).await.unwrap();
    app.clock.set("2026-12-07T02:00:00Z".parse().unwrap());
    let d1 = app.login("d1@test.local").await;
    let a1 = app.login("a1@test.local").await;
    let d2 = app.login("d2@test.local").await;
    let extend = decide(&t[0], &w[1], json!({ "decision": "EXTEND", "dueAt": "2026-12-21T01:00:00Z" })).await;
    assert_eq!(app.post(Some(&a1), DECIDE, extend.clone()).await.code(), "FORBIDDEN");
    assert_eq!(app.post(Some(&d2), DECIDE, extend.clone()).await.code(), "NOT_FOUND");
    // Every missing and extra field at once, with an empty reason.
    let r = app
        .post(
            Some(&d1),
            DECIDE,
            json!({ "i": { "taskId": t[0], "meetingId": w[1], "decision": "EXTEND", "reason": " ", "ownerId": org::A2.to_string(), "version": 1 } }),
        )
        .await;
    assert_eq!(r.fields(), vec!["input.reason", "input.dueAt", "input.ownerId"]);
    let r = app
        .post(
            Some(&d1),
            DECIDE,
            decide(&t[0], &w[1], json!({ "decision": "EXTEND", "dueAt": "2026-12-01T01:00:00Z" })).await,
        )
        .await;
    assert_eq!(r.fields(), vec!["input.dueAt"]);
    // 延期: a new due date, which a move of the series no longer changes.
    let r = app.post(Some(&d1), DECIDE, extend.clone()).await;
    let d = &r.data()["decideTask"];
    assert_eq!(d["task"]["dueAt"], "2026-12-21T01:00:00+00:00");
    assert_eq!(d["task"]["dueExtended"], true);
    assert_eq!(
        d["decision"],
        json!({ "decision": "EXTEND", "reason": "客户延迟下单", "meeting": { "id": w[1] },
            "previousDueAt": "2026-12-07T01:00:00+00:00", "newDueAt": "2026-12-21T01:00:00+00:00",
            "previousOwner": null, "newOwner": null, "previousDescription": null, "newDescription": null,
            "by": { "id": org::D1.to_string() } })
    );
    let mv = "mutation($id: ID!, $at: DateTime!) { moveMeeting(id: $id, startsAt: $at) { id } }";
    app.post(Some(&d1), mv, json!({ "id": w[2], "at": "2026-12-15T01:00:00Z" }))
        .await
        .data();
    let due = "query($id: ID!) { task(id: $id) { dueAt decisions { decision } } }";
    let r = app.post(Some(&d1), due, json!({ "id": t[0] })).await;
    assert_eq!(
        r.data()["task"],
        json!({ "dueAt": "2026-12-21T01:00:00+00:00", "decisions": [{ "decision": "EXTEND" }] })
    );
    // 重新派发: to an account manager of the track (not another track's), who sees it now.
    let r = app
        .post(
            Some(&d1),
            DECIDE,
            decide(&t[1], &w[1], json!({ "decision": "REDISPATCH", "ownerId": org::A3.to_string() })).await,
        )
        .await;
    assert_eq!(r.fields(), vec!["input.ownerId"]);
    let r = app
        .post(
            Some(&d1),
            DECIDE,
            decide(&t[1], &w[1], json!({ "decision": "REDISPATCH", "ownerId": org::A2.to_string() })).await,
        )
        .await;
    let d = &r.data()["decideTask"]["decision"];
    assert_eq!(
        (d["previousOwner"]["id"].as_str(), d["newOwner"]["id"].as_str()),
        (Some("101"), Some("102"))
    );
    let a2 = app.login("a2@test.local").await;
    assert_eq!(
        app.post(Some(&a2), TASK, json!({ "id": t[1] })).await.data()["task"]["status"],
        "PENDING"
    );
    assert_eq!(app.post(Some(&a1), TASK, json!({ "id": t[1] })).await.code(), "NOT_FOUND");
    // 调整任务内容.
    let r = app
        .post(
            Some(&d1),
            DECIDE,
            decide(&t[2], &w[1], json!({ "decision": "ADJUST", "description": "毛利率：复核报价" })).await,
        )
        .await;
    assert_eq!(r.data()["decideTask"]["task"]["description"], "毛利率：复核报价");
    assert_eq!(r.data()["decideTask"]["decision"]["previousDescription"], "TRACK_GROSS_MARGIN");
    // Ten chairs adjusting at once, each with his own words, on the version they saw: one wins.
    let mut asks = Vec::new();
    for n in 0..10 {
        asks.push(decide(&t[2], &w[1], json!({ "decision": "ADJUST", "description": format!("复核 {n}") })).await);
    }
    let calls = asks.into_iter().map(|v| {
        let (app, d1) = (&app, &d1);
        async move { app.post(Some(d1), DECIDE, v).await }
    });
    let results = futures_util::future::join_all(calls).await;
    let won = results.iter().filter(|r| r.0.get("errors").is_none()).count();
    assert_eq!(won, 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|r| r.0.get("errors").is_some())
            .all(|r| r.code() == "CONFLICT")
    );
    // 关闭: eight at once, exactly one wins; a closed task is not decided on again.
    let v = decide(&t[3], &w[1], json!({ "decision": "CLOSE" })).await;
    let calls = (0..8).map(|_| {
        let (app, d1, v) = (&app, &d1, v.clone());
        async move { app.post(Some(d1), DECIDE, v).await }
    });
    let results = futures_util::future::join_all(calls).await;
    let won: Vec<_> = results.iter().filter(|r| r.0.get("errors").is_none()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(won[0].data()["decideTask"]["task"]["status"], "CANCELLED");
    for r in results.iter().filter(|r| r.0.get("errors").is_some()) {
        assert!(["CONFLICT", "VALIDATION"].contains(&r.code()), "{}", r.0);
    }
    let r = app
        .post(Some(&d1), DECIDE, decide(&t[3], &w[1], json!({ "decision": "CLOSE" })).await)
        .await;
    assert_eq!(r.fields(), vec!["input.taskId"]);
    // Closed counts apart from done in the quarter.
    let q = "{ quarterlyTaskAnalysis(year: 2026, quarter: 4) { total { tasks closed } } }";
    assert_eq!(
        app.post(Some(&d1), q, json!({})).await.data()["quarterlyTaskAnalysis"]["total"],
        json!({ "tasks": 3, "closed": 1 })
    );
    // A weekly task not escalated is not the monthly meeting's; an escalated one is, for the CEO.
    let fresh = app
        .post(
            Some(&d1),
            CREATE,
            json!({ "m": w[1], "row": track_row("TRACK_DSO", org::T1), "d": "应收", "o": org::A1.to_string() }),
        )
        .await;
    let fresh = fresh.data()["createTaskFromBoardRow"]["id"].as_str().unwrap().to_owned();
    let close = async |task: &str| decide(task, &m[1], json!({ "decision": "CLOSE" })).await;
    // The meeting's day has begun (tasks may be recorded), but it has not opened: no decision yet,
    // so nothing pending dodges its escalation on the eve.
    app.clock.set("2027-01-05T00:59:00Z".parse().unwrap());
    let ceo = app.login("ceo@test.local").await;
    let r = app.post(Some(&ceo), DECIDE, close(&t[2]).await).await;
    assert_eq!(r.fields(), vec!["input.meetingId"]);
    assert!(r.0.to_string().contains("2027-01-05 09:00"), "{}", r.0);
    app.clock.set("2027-01-05T02:00:00Z".parse().unwrap());
    let ceo = app.login("ceo@test.local").await;
    let d1 = app.login("d1@test.local").await;
    assert_eq!(
        app.post(Some(&ceo), DECIDE, close(&fresh).await).await.fields(),
        vec!["input.meetingId"]
    );
    assert_eq!(app.post(Some(&d1), DECIDE, close(&t[2]).await).await.code(), "FORBIDDEN");
    let r = app.post(Some(&ceo), DECIDE, close(&t[2]).await).await;
    assert_eq!(r.data()["decideTask"]["decision"]["by"]["id"], org::CEO.to_string());
    // The extended task comes back in the opening report of the meeting its new due date falls
    // to (21 December), not in the one before.
    let rep = "query($m: ID!) { openingReport(meetingId: $m) { pending { task { id dueExtended } } } }";
    let pending = |r: Gql| -> Vec<String> {
        r.data()["openingReport"]["pending"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["task"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(pending(app.post(Some(&d1), rep, json!({ "m": w[3] })).await), vec![t[0].clone()]);
    assert!(!pending(app.post(Some(&d1), rep, json!({ "m": w[2] })).await).contains(&t[0]));
}

#[tokio::test]
async fn directors_analyse_their_not_reached_rows_and_the_opening_report_shows_them() {
    let app = spawn_app().await;
    let m = monthly(&app, 2).await; // 1 December, 5 January
    // December: 消费电子I at 50 % of its sales target (below the 90 % line).
    app.clock.set("2026-12-20T02:00:00Z".parse().unwrap());
    let admin = app.login("admin@test.local").await;
    let import = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";
    let sales = json!([{ "externalId": "S-9", "date": "2026-12-02", "track": "消费电子I", "accountManager": "a1@test.local", "revenue": "500", "cost": "300" }]);
    app.post(Some(&admin), import, json!({ "k": "SALES", "rows": sales })).await.data();
    let targets = json!([{ "month": "2026-12", "track": "消费电子I", "amount": "1000" }]);
    app.post(Some(&admin), import, json!({ "k": "SALES_TARGETS", "rows": targets }))
        .await
        .data();
    app.clock.set("2027-01-04T01:00:00Z".parse().unwrap());
    let analyse = "mutation($row: BoardRowInput!, $c: String!, $p: String!) { analyseBoardRow(row: $row, cause: $c, plan: $p) {
        dimension row { trackId value notReached } cause plan author { id } version } }";
    let vars = |dim: &str, track: i64, c: &str| json!({ "row": track_row(dim, track), "c": c, "p": "1月补齐两个大客户订单" });
    let d1 = app.login("d1@test.local").await;
    // Every problem at once.
    let r = app
        .post(
            Some(&d1),
            analyse,
            json!({ "row": { "dimension": "ACCOUNT_MANAGER_SALES_ACHIEVEMENT", "trackId": "1",
                "period": { "kind": "MONTH", "year": 2026, "month": 13 } }, "c": "", "p": "" }),
        )
        .await;
    assert_eq!(r.fields(), vec!["cause", "plan", "row.accountManagerId", "row.period.month"]);
    // A row that is not 未达标 (no orders: no value) takes none.
    let r = app.post(Some(&d1), analyse, vars("TRACK_ORDER_ACHIEVEMENT", org::T1, "x")).await;
    assert_eq!(r.fields(), vec!["row.trackId"]);
    // Only the director of the row's track.
    for who in ["d2", "a1", "ceo", "secretary"] {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&token), analyse, vars("TRACK_SALES_ACHIEVEMENT", org::T1, "x")).await;
        assert_eq!(r.code(), "FORBIDDEN", "{who}");
    }
    let r = app
        .post(Some(&d1), analyse, vars("TRACK_SALES_ACHIEVEMENT", org::T1, "两个项目推迟到1月"))
        .await;
    assert_eq!(
        r.data()["analyseBoardRow"],
        json!({ "dimension": "TRACK_SALES_ACHIEVEMENT", "row": { "trackId": "1", "value": 50.0, "notReached": true },
            "cause": "两个项目推迟到1月", "plan": "1月补齐两个大客户订单", "author": { "id": org::D1.to_string() }, "version": 1 })
    );
    // Rewritten: one analysis per row, a new version.
    let r = app
        .post(Some(&d1), analyse, vars("TRACK_SALES_ACHIEVEMENT", org::T1, "客户排产推迟"))
        .await;
    assert_eq!(r.data()["analyseBoardRow"]["version"], 2);
    // Eight rewrites at once: each answers its own words with its own version.
    let calls = (0..8).map(|n| {
        let (app, d1, analyse) = (&app, &d1, analyse);
        async move {
            (
                n,
                app.post(Some(d1), analyse, vars("TRACK_SALES_ACHIEVEMENT", org::T1, &format!("原因 {n}")))
                    .await,
            )
        }
    });
    let mut versions = Vec::new();
    for (n, r) in futures_util::future::join_all(calls).await {
        let a = &r.data()["analyseBoardRow"];
        assert_eq!(a["cause"], format!("原因 {n}"), "{a}");
        versions.push(a["version"].as_i64().unwrap());
    }
    versions.sort_unstable();
    assert_eq!(versions, (3..=10).collect::<Vec<_>>());
    let r = app
        .post(Some(&d1), analyse, vars("TRACK_SALES_ACHIEVEMENT", org::T1, "客户排产推迟"))
        .await;
    assert_eq!(r.data()["analyseBoardRow"]["version"], 11);
    // The January opening report shows it (December's board), to the meeting's participants.
    let q = "query($m: ID!) { openingReport(meetingId: $m) { analyses { dimension row { trackId } cause plan version } } }";
    for who in ["ceo", "secretary", "d1", "d2"] {
        let token = app.login(&format!("{who}@test.local")).await;
        let r = app.post(Some(&token), q, json!({ "m": m[1] })).await;
        assert_eq!(
            r.data()["openingReport"]["analyses"],
            json!([{ "dimension": "TRACK_SALES_ACHIEVEMENT", "row": { "trackId": "1" }, "cause": "客户排产推迟", "plan": "1月补齐两个大客户订单", "version": 11 }]),
            "{who}"
        );
    }
    let list = "{ boardRowAnalyses(period: { kind: MONTH, year: 2026, month: 12 }) { period { label } analyses { cause } } }";
    let r = app.post(Some(&d1), list, json!({})).await;
    assert_eq!(r.data()["boardRowAnalyses"]["analyses"], json!([{ "cause": "客户排产推迟" }]));
    let nov = "{ boardRowAnalyses(period: { kind: MONTH, year: 2026, month: 11 }) { analyses { cause } } }";
    assert_eq!(
        app.post(Some(&d1), nov, json!({})).await.data()["boardRowAnalyses"]["analyses"],
        json!([])
    );
}

#[tokio::test]
async fn a_task_with_many_problems_is_told_them_all_at_once() {
    let app = spawn_app().await;
    let ids = monthly(&app, 2).await;
    app.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let sec = app.login("secretary@test.local").await;
    let r = app
        .post(
            Some(&sec),
            CREATE,
            json!({ "m": ids[0], "row": { "dimension": "ACCOUNT_MANAGER_SALES_ACHIEVEMENT", "trackId": "1" },
                "d": " ", "o": org::A1.to_string(), "a": "999999" }),
        )
        .await;
    assert_eq!(r.fields(), vec!["description", "row.accountManagerId", "ownerId", "alertId"]);
    // A row not on the board and an owner of another track, together.
    let r = app
        .post(
            Some(&sec),
            CREATE,
            json!({ "m": ids[0], "row": track_row("TRACK_DSO", 999), "d": "应收", "o": org::D2.to_string() }),
        )
        .await;
    assert_eq!(r.fields(), vec!["row.trackId"]);
    let r = app
        .post(
            Some(&sec),
            CREATE,
            json!({ "m": ids[0], "row": track_row("TRACK_DSO", org::T1), "d": "", "o": org::D2.to_string() }),
        )
        .await;
    assert_eq!(r.fields(), vec!["description", "ownerId"]);
}

#[tokio::test]
async fn a_weekly_task_may_follow_a_pending_funnel_task_of_its_track() {
    let app = spawn_app().await;
    let w = weekly(&app, 2).await; // 30 November and 7 December, 09:00 Shanghai
    app.clock.set("2026-11-30T02:00:00Z".parse().unwrap());
    let (d1, d2) = (app.login("d1@test.local").await, app.login("d2@test.local").await);
    let dispatch = "mutation($i: DispatchFunnelTaskInput!) { dispatchFunnelTask(input: $i) { id } }";
    let give = |token: String, track: i64, owner: i64| {
        let app = &app;
        async move {
            let r = app
                .post(
                    Some(&token),
                    dispatch,
                    json!({ "i": { "trackId": track.to_string(), "kind": "ADD_OPPORTUNITIES", "count": 1, "ownerId": owner.to_string(), "description": "补充一个新商机" } }),
                )
                .await;
            r.data()["dispatchFunnelTask"]["id"].as_str().unwrap().to_owned()
        }
    };
    let ours = give(d1.clone(), org::T1, org::A1).await;
    let theirs = give(d2.clone(), org::T2, org::A3).await;
    let link = "mutation($m: ID!, $row: BoardRowInput!, $o: ID!, $f: ID) {
      createTaskFromBoardRow(meetingId: $m, row: $row, description: \"补充商机\", ownerId: $o, funnelTaskId: $f) {
        id funnelTask { id kind added status } } }";
    let row = track_row("TRACK_SALES_ACHIEVEMENT", org::T1);
    // Another track's funnel task, or no id at all: refused, nothing recorded.
    for bad in [theirs.as_str(), "x"] {
        let r = app
            .post(
                Some(&d1),
                link,
                json!({ "m": w[0], "row": row, "o": org::A1.to_string(), "f": bad }),
            )
            .await;
        assert_eq!(r.fields(), vec!["funnelTaskId"], "{bad}");
    }
    assert_eq!(app.count_rows("task").await, 0);
    let r = app
        .post(
            Some(&d1),
            link,
            json!({ "m": w[0], "row": row, "o": org::A1.to_string(), "f": ours }),
        )
        .await;
    let task = &r.data()["createTaskFromBoardRow"];
    assert_eq!(task["funnelTask"]["id"], ours.as_str());
    assert_eq!(task["funnelTask"]["added"], 0);
    // Its owner sees the link; a viewer of another track sees neither.
    let a1 = app.login("a1@test.local").await;
    let q = "query($id: ID!) { task(id: $id) { funnelTask { id status } } }";
    let seen = app.post(Some(&a1), q, json!({ "id": task["id"] })).await;
    assert_eq!(seen.data()["task"]["funnelTask"]["status"], "PENDING");
    assert_eq!(app.post(Some(&d2), q, json!({ "id": task["id"] })).await.code(), "NOT_FOUND");
    // Once done, a funnel task is not linked again.
    app.quick_deal(&a1, "新商机").await;
    let done = "mutation($id: ID!) { completeFunnelTask(id: $id, note: \"已补充\") { status } }";
    assert_eq!(
        app.post(Some(&a1), done, json!({ "id": ours })).await.data()["completeFunnelTask"]["status"],
        "DONE"
    );
    let r = app
        .post(
            Some(&d1),
            link,
            json!({ "m": w[0], "row": row, "o": org::A1.to_string(), "f": ours }),
        )
        .await;
    assert_eq!(r.fields(), vec!["funnelTaskId"]);
}
