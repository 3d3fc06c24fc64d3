//! Supervision meetings: the schedule and its recurrence in
//! company time, moves and cancellations, tasks from board rows with their
//! owners, entry windows and due dates, completion and reopening, the lists
//! and their scope.

use crate::helpers::*;
use serde_json::{Value, json};

mod analyses;
mod decisions;
mod events;
mod report;
mod schedule;
mod tasks;

#[allow(unused_imports)]
use {analyses::*, decisions::*, events::*, report::*, schedule::*, tasks::*};

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
