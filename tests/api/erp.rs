//! ERP write-back and targets (issue 10): a batch is imported all or
//! nothing, idempotently, by the admin only; the monthly rollup agrees with
//! the facts; CSV files are read with their BOM, Chinese headers and line
//! numbers, through the service and through the real command line.

use crate::helpers::*;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const IMPORT: &str = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) {
    batchId kind rows inserted updated unchanged updatedKeys firstMonth lastMonth } }";

fn order(ext: &str, date: &str, am: &str, amount: &str) -> Value {
    json!({ "externalId": ext, "date": date, "track": "消费电子I", "accountManager": am,
            "customer": "华为", "amount": amount })
}

async fn import(app: &TestApp, token: &str, kind: &str, rows: Value) -> Gql {
    app.post(Some(token), IMPORT, json!({ "k": kind, "rows": rows })).await
}

/// (track, account manager, month, revenue, cost, orders, sale rows, order rows) of the rollup.
async fn rollup(app: &TestApp) -> Vec<(i64, i64, String, i64, i64, i64, i64, i64)> {
    let mut rows: Vec<_> = entity::erp_month::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| {
            (
                m.track_id,
                m.account_manager_id,
                m.month.to_string(),
                m.revenue_cents,
                m.cost_cents,
                m.orders_cents,
                m.sale_rows,
                m.order_rows,
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The rollup as the facts say it should be, summed here from every fact row.
async fn rollup_from_facts(app: &TestApp) -> Vec<(i64, i64, String, i64, i64, i64, i64, i64)> {
    use std::collections::BTreeMap;
    let mut sums: BTreeMap<(i64, i64, String), [i64; 5]> = BTreeMap::new();
    for s in entity::erp_sale::Entity::find().all(&app.db).await.unwrap() {
        let e = sums.entry((s.track_id, s.account_manager_id, s.month.to_string())).or_default();
        e[0] += s.revenue_cents;
        e[1] += s.cost_cents;
        e[3] += 1;
    }
    for o in entity::erp_order::Entity::find().all(&app.db).await.unwrap() {
        let e = sums.entry((o.track_id, o.account_manager_id, o.month.to_string())).or_default();
        e[2] += o.amount_cents;
        e[4] += 1;
    }
    sums.into_iter()
        .map(|((t, a, m), v)| (t, a, m, v[0], v[1], v[2], v[3], v[4]))
        .collect()
}

#[tokio::test]
async fn an_order_batch_is_written_once_and_a_corrected_row_replaces_the_old_one() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let batch = json!([
        order("SO-1", "2026-10-05", "a1@test.local", "1000.50"),
        order("SO-2", "2026/11/3", "A2@test.local", "200"),
        order("SO-3", "2026-11-20", "a1@test.local", "0.05"),
    ]);
    let first = import(&app, &admin, "ORDERS", batch.clone()).await;
    let r = &first.data()["importErpBatch"];
    assert_eq!(
        (
            r["rows"].as_i64(),
            r["inserted"].as_i64(),
            r["updated"].as_i64(),
            r["unchanged"].as_i64()
        ),
        (Some(3), Some(3), Some(0), Some(0))
    );
    assert!(r["batchId"].is_string());
    assert_eq!(
        (r["firstMonth"].as_str(), r["lastMonth"].as_str()),
        (Some("2026-10"), Some("2026-11"))
    );
    let stored = entity::erp_order::Entity::find().all(&app.db).await.unwrap();
    let so2 = stored.iter().find(|o| o.external_id == "SO-2").unwrap();
    assert_eq!(
        (so2.account_manager_id, so2.amount_cents, so2.order_date.to_string()),
        (A2, 20_000, "2026-11-03".to_owned())
    );
    assert_eq!(
        rollup(&app).await,
        vec![
            (T1, A1, "2026-10-01".into(), 0, 0, 100_050, 0, 1),
            (T1, A1, "2026-11-01".into(), 0, 0, 5, 0, 1),
            (T1, A2, "2026-11-01".into(), 0, 0, 20_000, 0, 1),
        ]
    );

    // The same batch again changes nothing, not even the batch log.
    let again = import(&app, &admin, "ORDERS", batch).await;
    let r = &again.data()["importErpBatch"];
    assert_eq!(
        (r["inserted"].as_i64(), r["updated"].as_i64(), r["unchanged"].as_i64()),
        (Some(0), Some(0), Some(3))
    );
    assert!(r["batchId"].is_null());
    assert_eq!(app.count_rows("erp_batch").await, 1);
    assert_eq!(app.count_rows("erp_order").await, 3);

    // A corrected row: SO-2 now belongs to a1 in October, for 300 yuan.
    let fixed = import(
        &app,
        &admin,
        "ORDERS",
        json!([
            order("SO-2", "2026-10-30", "a1@test.local", "300"),
            order("SO-3", "2026-11-20", "a1@test.local", "0.05")
        ]),
    )
    .await;
    let r = &fixed.data()["importErpBatch"];
    assert_eq!(
        (r["inserted"].as_i64(), r["updated"].as_i64(), r["unchanged"].as_i64()),
        (Some(0), Some(1), Some(1))
    );
    assert_eq!(r["updatedKeys"], json!(["SO-2"]));
    assert_eq!(app.count_rows("erp_order").await, 3);
    // The rollup follows the row out of a2's November into a1's October.
    assert_eq!(
        rollup(&app).await,
        vec![
            (T1, A1, "2026-10-01".into(), 0, 0, 130_050, 0, 2),
            (T1, A1, "2026-11-01".into(), 0, 0, 5, 0, 1)
        ]
    );
    assert_eq!(rollup(&app).await, rollup_from_facts(&app).await);
}

#[tokio::test]
async fn one_bad_row_rejects_the_batch_and_every_bad_row_is_listed() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let batch = json!([
        order("SO-1", "2026-10-05", "a1@test.local", "10"),
        { "externalId": "SO-2", "date": "2026-02-30", "track": "没有这个赛道", "accountManager": "d1@test.local",
          "customer": "华为", "amount": "-5" },
        order("SO-1", "2026-10-06", "nobody@test.local", "1.005"),
        { "externalId": "SO-4", "date": "2026-11-24", "track": "消费电子I", "accountManager": "a1@test.local",
          "amount": "1", "revenue": "2", "opportunity": "999999" },
    ]);
    let r = import(&app, &admin, "ORDERS", batch.clone()).await;
    assert_eq!(r.code(), "VALIDATION", "{:?}", r.0);
    assert_eq!(
        r.fields(),
        vec![
            "rows.1.date",
            "rows.1.track",
            "rows.1.accountManager",
            "rows.1.amount",
            "rows.2.accountManager",
            "rows.2.amount",
            "rows.2.externalId",
            "rows.3.revenue",
            "rows.3.customer",
            "rows.3.date",
            "rows.3.opportunity",
        ]
    );
    let en = app
        .post_in(Some("en"), Some(&admin), IMPORT, json!({ "k": "ORDERS", "rows": batch }))
        .await;
    let text = en.0["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(text.contains("is given twice in this batch, first in rows.0"), "{text}");
    assert!(text.contains("must not be in the future"), "{text}");
    // In Chinese for a Chinese client.
    let zh = app
        .post_in(Some("zh-CN"), Some(&admin), IMPORT, json!({ "k": "ORDERS", "rows": batch }))
        .await;
    let text = zh.0["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        text.contains("在本批数据中重复，首次出现在rows.0") && text.contains("不是客户经理"),
        "{text}"
    );
    for table in ["erp_order", "erp_batch", "erp_month"] {
        assert_eq!(app.count_rows(table).await, 0, "{table}");
    }
    // A field the kind does not take, an empty batch, too many rows.
    let r = import(
        &app,
        &admin,
        "EXPENSES",
        json!([{ "externalId": "E1", "month": "2026-11", "track": "消费电子I", "amount": "5", "customer": "x" }]),
    )
    .await;
    assert_eq!(r.fields(), vec!["rows.0.customer"]);
    assert_eq!(import(&app, &admin, "SALES", json!([])).await.fields(), vec!["rows"]);
    let many: Vec<Value> = (0..1001)
        .map(|i| order(&format!("X{i}"), "2026-11-01", "a1@test.local", "1"))
        .collect();
    assert_eq!(import(&app, &admin, "ORDERS", Value::Array(many)).await.fields(), vec!["rows"]);
}

#[tokio::test]
async fn only_the_admin_imports() {
    let app = spawn_app().await;
    for email in ["ceo@test.local", "secretary@test.local", "d1@test.local", "a1@test.local"] {
        let token = app.login(email).await;
        let r = import(&app, &token, "ORDERS", json!([order("SO-1", "2026-10-05", "a1@test.local", "10")])).await;
        assert_eq!(r.code(), "FORBIDDEN", "{email}");
    }
    assert_eq!(
        app.post(None, IMPORT, json!({ "k": "ORDERS", "rows": [] })).await.code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(app.count_rows("erp_order").await, 0);
}

#[tokio::test]
async fn two_identical_batches_at_once_insert_once() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let rows: Vec<Value> = (0..200)
        .map(|i| {
            json!({ "externalId": format!("INV-{i}"), "date": "2026-11-02", "track": "消费电子I",
                         "accountManager": if i % 2 == 0 { "a1@test.local" } else { "a2@test.local" },
                         "revenue": format!("{i}.10"), "cost": "1" })
        })
        .collect();
    let rows = Value::Array(rows);
    let (a, b) = tokio::join!(import(&app, &admin, "SALES", rows.clone()), import(&app, &admin, "SALES", rows));
    let counts = |g: &Gql| {
        let r = &g.data()["importErpBatch"];
        (r["inserted"].as_i64().unwrap(), r["unchanged"].as_i64().unwrap())
    };
    let mut got = [counts(&a), counts(&b)];
    got.sort();
    assert_eq!(got, [(0, 200), (200, 0)]);
    assert_eq!(app.count_rows("erp_sale").await, 200);
    assert_eq!(app.count_rows("erp_batch").await, 1);
    assert_eq!(rollup(&app).await, rollup_from_facts(&app).await);
    assert_eq!(rollup(&app).await.len(), 2);
}

#[tokio::test]
async fn targets_are_matched_by_track_account_manager_and_month() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let targets = json!([
        { "month": "2027-01", "track": "消费电子I", "amount": "1000000" },
        { "month": "2027-01", "track": "消费电子I", "accountManager": "a1@test.local", "amount": "600000" },
        { "month": "2027-02", "track": "医疗器械", "amount": "5" },
    ]);
    let r = import(&app, &admin, "SALES_TARGETS", targets.clone()).await;
    assert_eq!(r.data()["importErpBatch"]["inserted"], 3);
    // The same month's order targets are another kind: no clash.
    let r = import(
        &app,
        &admin,
        "ORDER_TARGETS",
        json!([{ "month": "2027-01", "track": "消费电子I", "amount": "7" }]),
    )
    .await;
    assert_eq!(r.data()["importErpBatch"]["inserted"], 1);
    let r = import(
        &app,
        &admin,
        "SALES_TARGETS",
        json!([{ "month": "2027-01-31", "track": "消费电子I", "accountManager": "a1@test.local", "amount": "650000" }]),
    )
    .await;
    let r = &r.data()["importErpBatch"];
    assert_eq!((r["inserted"].as_i64(), r["updated"].as_i64()), (Some(0), Some(1)));
    assert_eq!(r["updatedKeys"], json!([format!("{T1}/{A1}/2027-01-01")]));
    let stored = entity::target::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 4);
    assert!(
        stored
            .iter()
            .any(|t| t.account_manager_id == Some(A1) && t.amount_cents == 65_000_000)
    );
    // a3 is not in track 1; the same target twice in a batch.
    let r = import(
        &app,
        &admin,
        "SALES_TARGETS",
        json!([
            { "month": "2027-03", "track": "消费电子I", "accountManager": "a3@test.local", "amount": "1" },
            { "month": "2027-03", "track": "医疗器械", "amount": "1" },
            { "month": "2027/3", "track": "医疗器械", "amount": "2" },
        ]),
    )
    .await;
    assert_eq!(r.fields(), vec!["rows.0.accountManager", "rows.2.month"]);
    assert_eq!(entity::target::Entity::find().all(&app.db).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_csv_file_with_a_bom_and_chinese_headers_is_read_with_its_line_numbers() {
    use api::service::erp::{ImportCommand, import, rows_from_csv};
    let app = spawn_app().await;
    let csv = "\u{feff}单据编号,日期,赛道,客户经理,销售收入,销售成本\n\
               INV-1,2026-11-02,消费电子I,a1@test.local,\"1,000.00\",1\n\
               \n\
               INV-2,2026/11/3,消费电子I,a2@test.local,500,600\n\
               INV-3,2026-11-04,医疗器械,a3@test.local,-1,0\n";
    let (rows, names) = rows_from_csv(entity::ErpKind::Sales, csv.as_bytes(), |_| {}).unwrap();
    assert_eq!(rows.len(), 3);
    let admin = api::auth::Viewer {
        user_id: org::ADMIN,
        role: entity::Role::Admin,
        track_ids: vec![],
        token_expires_at: i64::MAX,
        session_id: None,
        must_change_password: false,
    };
    let cmd = |rows| ImportCommand {
        kind: entity::ErpKind::Sales,
        source: entity::BatchSource::Upload,
        file_name: Some("sales.csv".into()),
        max_rows: 1_000_000,
        rows,
    };
    let Err(api::error::AppError::Validation(fields)) = import(&app.state, &admin, cmd(rows), &names).await else {
        panic!("a bad file was accepted")
    };
    let got: Vec<(&str, &str)> = fields.iter().map(|f| (f.field.as_str(), f.message.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("line.2.revenue", "must be yuan as a decimal string such as \"1234567.89\""),
            ("line.5.revenue", "must not be negative"),
        ]
    );
    assert_eq!(app.count_rows("erp_sale").await, 0);

    // The header's own problems, named by line 1.
    let bad_header = "externalId,date,colour,track,track\nX,2026-11-01,red,消费电子I,消费电子I\n";
    let Err(api::error::AppError::Validation(fields)) = rows_from_csv(entity::ErpKind::Sales, bad_header.as_bytes(), |_| {}) else {
        panic!("a bad header was accepted")
    };
    let got: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "line.1.colour",
            "line.1.track",
            "line.1.accountManager",
            "line.1.revenue",
            "line.1.cost"
        ]
    );
    // Not UTF-8 (a GBK export): said so, with the line.
    let mut gbk = b"externalId,date,track,accountManager,revenue,cost\nX,2026-11-01,".to_vec();
    gbk.extend_from_slice(&[0xcf, 0xfb, 0xb7, 0xd1]);
    gbk.extend_from_slice(b",a1@test.local,1,1\n");
    let Err(api::error::AppError::Validation(fields)) = rows_from_csv(entity::ErpKind::Sales, &gbk, |_| {}) else {
        panic!("GBK was accepted")
    };
    assert_eq!(fields[0].field, "line.2.track");
    assert!(fields[0].message.contains("UTF-8"));
}

#[tokio::test]
async fn the_command_line_imports_a_file_once_and_prints_every_bad_line() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("last-month.csv");
    std::fs::write(
        &good,
        "\u{feff}外部编号,订单日期,赛道,客户经理,客户,订单金额\nSO-9,2026-11-02,消费电子I,a1@test.local,比亚迪,88.80\nSO-10,2026-11-03,医疗器械,a3@test.local,迈瑞,1\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "externalId,date,track,accountManager,customer,amount\nSO-11,2026-11-02,消费电子I,a1@test.local,x,1\nSO-12,2026-11-02,消费电子I,a1@test.local,x,abc\n").unwrap();
    let run = |file: &std::path::Path, password: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_salespulse"))
            .args(["import", "orders"])
            .arg(file)
            .env("SALESPULSE_DATABASE_URL", &app.state.config.database_url)
            .env("SALESPULSE_USER", "admin@test.local")
            .env("SALESPULSE_PASSWORD", password)
            .env("SALESPULSE_SEED_DEMO", "false")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run(&good, PASSWORD);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("inserted 2, updated 0, unchanged 0"), "{stdout}");
    let out = run(&good, PASSWORD);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("inserted 0, updated 0, unchanged 2") && stdout.contains("nothing changed"),
        "{stdout}"
    );
    assert_eq!(app.count_rows("erp_order").await, 2);

    let out = run(&bad, PASSWORD);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("│ 3    ┆ amount ┆ must be yuan"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    assert_eq!(app.count_rows("erp_order").await, 2);
    // A wrong password or a non-admin: refused before anything is read.
    let out = run(&good, "wrong-password");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong e-mail or password"));
}

async fn upload(app: &TestApp, token: Option<&str>, kind: &str, file_name: &str, csv: &[u8]) -> (reqwest::StatusCode, Value) {
    let m = "mutation($k: ErpKind!, $f: Upload!) { importErpFile(kind: $k, file: $f) { batchId rows inserted updated unchanged firstMonth lastMonth } }";
    app.post_files(token, m, json!({ "k": kind }), &[("f", file_name, csv)]).await
}

#[tokio::test]
async fn a_file_uploaded_by_the_multipart_spec_is_imported_like_a_batch() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let csv = "\u{feff}外部编号,日期,赛道,客户经理,收入,成本\r\nS-1,2026-10-02,消费电子I,a1@test.local,100.00,60.00\r\nS-2,2026-11-03,消费电子I,a2@test.local,50,55.5\r\n";
    let (status, v) = upload(&app, Some(&admin), "SALES", "十月.csv", csv.as_bytes()).await;
    assert_eq!(status, 200, "{v}");
    let r = &v["data"]["importErpFile"];
    assert_eq!(
        (r["rows"].as_i64(), r["inserted"].as_i64(), r["unchanged"].as_i64()),
        (Some(2), Some(2), Some(0)),
        "{v}"
    );
    assert_eq!(
        (r["firstMonth"].as_str(), r["lastMonth"].as_str()),
        (Some("2026-10"), Some("2026-11"))
    );
    let logged = entity::erp_batch::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (logged[0].source, logged[0].file_name.as_deref()),
        (entity::BatchSource::Upload, Some("十月.csv"))
    );
    // The same file again changes nothing.
    let (_, v) = upload(&app, Some(&admin), "SALES", "十月.csv", csv.as_bytes()).await;
    assert_eq!(v["data"]["importErpFile"]["unchanged"], 2, "{v}");
    assert!(v["data"]["importErpFile"]["batchId"].is_null());
    // A bad line: every problem named by its line, nothing written.
    let bad = "externalId,date,track,accountManager,revenue,cost\nS-3,2026-11-04,消费电子I,a1@test.local,1,1\nS-4,2026-13-01,消费电子I,nobody@test.local,-1,1\n";
    let (_, v) = upload(&app, Some(&admin), "SALES", "bad.csv", bad.as_bytes()).await;
    let got = Gql(v.clone());
    assert_eq!(got.code(), "VALIDATION", "{v}");
    assert_eq!(got.fields(), vec!["line.3.date", "line.3.accountManager", "line.3.revenue"]);
    assert_eq!(app.count_rows("erp_sale").await, 2);

    // Not the admin: refused, nothing read into the store.
    let a1 = app.login("a1@test.local").await;
    let (_, v) = upload(&app, Some(&a1), "SALES", "x.csv", bad.as_bytes()).await;
    assert_eq!(Gql(v.clone()).code(), "FORBIDDEN", "{v}");
    let (_, v) = upload(&app, None, "SALES", "x.csv", bad.as_bytes()).await;
    assert_eq!(Gql(v.clone()).code(), "UNAUTHENTICATED", "{v}");
    // A large body is read only for an admin.
    let big = vec![b'x'; 300 * 1024];
    let (status, _) = upload(&app, Some(&a1), "SALES", "big.csv", &big).await;
    assert_eq!(status, reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    let (status, v) = upload(&app, Some(&admin), "SALES", "big.csv", &big).await;
    assert_eq!((status, Gql(v.clone()).code()), (reqwest::StatusCode::OK, "VALIDATION"), "{v}");
    assert_eq!(app.count_rows("erp_sale").await, 2);
}

#[tokio::test]
async fn a_file_reference_outside_a_multipart_request_is_refused_not_a_panic() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let m = "mutation($f: Upload!) { importErpFile(kind: SALES, file: $f) { rows } }";
    for forged in ["#__graphql_file__:7", "#__graphql_file__:x", "#__graphql_file__:"] {
        let r = app.post(Some(&admin), m, json!({ "f": forged })).await;
        assert_eq!(r.code(), "BAD_REQUEST", "{forged}: {}", r.0);
    }
    let inline = "mutation { importErpFile(kind: SALES, file: \"#__graphql_file__:x\") { rows } }";
    let r = app.post(Some(&admin), inline, json!({})).await;
    assert_eq!(r.code(), "BAD_REQUEST", "{}", r.0);
    // Spelled with an escape, the marker passes the text check and reaches the scalar: refused, no panic.
    let escaped = "mutation { importErpFile(kind: SALES, file: \"#\\u005F_graphql_file__:x\") { rows } }";
    let r = app.post(Some(&admin), escaped, json!({})).await;
    assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.0);
    let escaped = "mutation { importErpFile(kind: SALES, file: \"#\\u005F_graphql_file__:99\") { rows } }";
    let r = app.post(Some(&admin), escaped, json!({})).await;
    assert_eq!(r.fields(), vec!["file"], "{}", r.0);
    // Not a file at all: the engine's own type error.
    let r = app.post(Some(&admin), m, json!({ "f": "sales.csv" })).await;
    assert_ne!(r.code(), "INTERNAL", "{}", r.0);
}

#[tokio::test]
async fn every_accepted_batch_reaches_every_role_as_an_erp_event() {
    use crate::websocket::{Got, next, next_json, open, send};
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let sub = "subscription($a: ID) { erpEvents(after: $a) { id kind kindLabel actor { email } batch { kind rows inserted updated firstMonth lastMonth } } }";
    let mut sockets = Vec::new();
    for who in ["a3", "d1", "ceo"] {
        let token = app.login(&format!("{who}@test.local")).await;
        let mut ws = open(&app, &token).await;
        send(
            &mut ws,
            json!({ "id": "erp", "type": "subscribe", "payload": { "query": sub, "variables": {} } }),
        )
        .await;
        let alerts = "subscription { alertEvents { id kind } }";
        send(
            &mut ws,
            json!({ "id": "alerts", "type": "subscribe", "payload": { "query": alerts } }),
        )
        .await;
        sockets.push((who, ws));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = json!([
        order("SO-1", "2026-11-02", "a1@test.local", "10"),
        order("SO-2", "2026-10-02", "a2@test.local", "20")
    ]);
    import(&app, &admin, "ORDERS", rows.clone()).await.data();
    let mut first_id = None;
    for (who, ws) in &mut sockets {
        let m = next_json(ws).await;
        assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("next"), Some("erp")), "{who}: {m}");
        let e = &m["payload"]["data"]["erpEvents"];
        assert_eq!(e["kind"], "ERP_IMPORTED", "{who}: {m}");
        assert_eq!(e["actor"]["email"], "admin@test.local");
        assert_eq!(
            e["batch"],
            json!({ "kind": "ORDERS", "rows": 2, "inserted": 2, "updated": 0, "firstMonth": "2026-10", "lastMonth": "2026-11" })
        );
        first_id = e["id"].as_str().map(str::to_owned);
    }
    // The same batch again writes no event; no alert subscription hears of imports.
    import(&app, &admin, "ORDERS", rows).await.data();
    for (who, ws) in &mut sockets {
        if let Some(Got::Json(m)) = next(ws, 1).await {
            panic!("{who} was sent {m}");
        }
    }
    // Replayed after an id: the stored event, to a late dashboard.
    let a3 = app.login("a3@test.local").await;
    let mut late = open(&app, &a3).await;
    let before: i64 = first_id.unwrap().parse::<i64>().unwrap() - 1;
    send(
        &mut late,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": sub, "variables": { "a": before.to_string() } } }),
    )
    .await;
    let m = next_json(&mut late).await;
    assert_eq!(m["payload"]["data"]["erpEvents"]["batch"]["inserted"], 2, "{m}");
}

#[tokio::test]
async fn a_multipart_request_carries_one_file_and_a_file_over_the_limit_answers_413() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let m = "mutation($k: ErpKind!, $f: Upload!) { importErpFile(kind: $k, file: $f) { rows } }";
    let csv = b"externalId,date,track,accountManager,customer,amount\nSO-1,2026-11-02,\xe6\xb6\x88\xe8\xb4\xb9\xe7\x94\xb5\xe5\xad\x90I,a1@test.local,x,1\n";
    // A second file part, to the same variable or to none: refused, nothing imported.
    let (status, v) = app
        .post_files(
            Some(&admin),
            m,
            json!({ "k": "ORDERS" }),
            &[("f", "a.csv", csv), ("f", "b.csv", csv)],
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
    assert!(v.to_string().contains("one file"), "{v}");
    assert_eq!(app.count_rows("erp_order").await, 0);
    // One file: imported.
    let (status, v) = app
        .post_files(Some(&admin), m, json!({ "k": "ORDERS" }), &[("f", "a.csv", csv)])
        .await;
    assert_eq!(
        (status, &v["data"]["importErpFile"]["rows"]),
        (reqwest::StatusCode::OK, &json!(1)),
        "{v}"
    );
    // A file over 64 MiB: 413, as any body over its limit.
    let mut big = b"externalId,date,track,accountManager,customer,amount\n".to_vec();
    big.resize(api::domain::limits::ERP_FILE_BYTES + 1, b'\n');
    let (status, _) = app
        .post_files(Some(&admin), m, json!({ "k": "ORDERS" }), &[("f", "big.csv", &big)])
        .await;
    assert_eq!(status, reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count_rows("erp_order").await, 1);
}

#[tokio::test]
async fn a_file_of_many_bad_lines_lists_its_first_thousand_problems_and_counts_the_rest() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let m = "mutation($k: ErpKind!, $f: Upload!) { importErpFile(kind: $k, file: $f) { rows } }";
    // 5,000 lines of empty cells, each one more than the header has.
    let mut csv = b"externalId,date,track,accountManager,customer,amount\n".to_vec();
    for _ in 0..5_000 {
        csv.extend_from_slice(b"x,,,,,,\n");
    }
    let (_, v) = app
        .post_files(Some(&admin), m, json!({ "k": "ORDERS" }), &[("f", "bad.csv", &csv)])
        .await;
    let fields = v["errors"][0]["extensions"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1_001, "{v}");
    assert_eq!(fields[0]["field"], "line.2");
    assert_eq!(fields[1_000]["field"], "rows");
    assert!(fields[1_000]["message"].as_str().unwrap().contains("4000"), "{}", fields[1_000]);
    // Blank lines and blank cells are no rows and take nothing: a file of them has no rows.
    let blank = format!(
        "externalId,date,track,accountManager,customer,amount\n{}",
        ",,,,,\n".repeat(100_000)
    );
    let (_, v) = app
        .post_files(Some(&admin), m, json!({ "k": "ORDERS" }), &[("f", "blank.csv", blank.as_bytes())])
        .await;
    assert_eq!(Gql(v.clone()).fields(), vec!["rows"], "{v}");
    // A line of a million commas is no export's: refused before it is read into cells.
    let wide = format!("{}\n", ",".repeat(1_000_000));
    let (_, v) = app
        .post_files(Some(&admin), m, json!({ "k": "ORDERS" }), &[("f", "wide.csv", wide.as_bytes())])
        .await;
    assert_eq!(Gql(v.clone()).fields(), vec!["line.1"], "{v}");
    assert_eq!(app.count_rows("erp_order").await, 0);
}

#[test]
fn the_command_line_refuses_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["/dev/zero", dir.path().to_str().unwrap()] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_salespulse"))
            .args(["import", "orders", file])
            .env(
                "SALESPULSE_DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("x.db").display()),
            )
            .env("SALESPULSE_USER", "admin@test.local")
            .env("SALESPULSE_PASSWORD", "x")
            .env("SALESPULSE_SEED_DEMO", "false")
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is not a regular file"), "{file}: {stderr}");
    }
}
