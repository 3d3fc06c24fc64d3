//! Tasks from board rows: owners, entry windows, completion and reopening,
//! the lists and their scope, every problem at once, funnel tasks.

use super::*;

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
