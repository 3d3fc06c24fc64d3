//! The quarterly analysis and the directors' analyses of their rows.

use super::*;

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
