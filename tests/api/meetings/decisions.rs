//! The chair's decisions at the opening: extend, redispatch, adjust, close.

use super::*;

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
