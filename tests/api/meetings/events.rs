//! Who receives a meeting event, in SQL and in memory.

use super::*;

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
    let _ = api::store::events::tell(&app.db, EventSubject::Task, &rows, None, t0())
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
