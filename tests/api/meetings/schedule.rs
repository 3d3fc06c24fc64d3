//! Meetings recur in company time; moves, cancellations and a moved owner.

use super::*;

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

pub(super) const DECIDE: &str = "mutation($i: DecideTaskInput!) { decideTask(input: $i) {
    task { id status description dueAt dueExtended owner { id } }
    decision { decision reason meeting { id } previousDueAt newDueAt previousOwner { id } newOwner { id }
      previousDescription newDescription by { id } } } }";
