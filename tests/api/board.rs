//! The ranking board (issue 10): each dimension's arithmetic on a small
//! hand-computed fixture — ties, lower-is-better, zero and missing targets,
//! no sales, no data, the quarter to date and the year to date on the
//! company calendar — and the scope of its account-manager rows.

use crate::helpers::*;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

const IMPORT: &str = "mutation($k: ErpKind!, $rows: [ErpRowInput!]!) { importErpBatch(kind: $k, rows: $rows) { inserted } }";

const BOARD: &str = "query($p: BoardPeriodInput!) { rankingBoard(period: $p) {
    period { kind label firstMonth lastMonth days } previousPeriod { label firstMonth lastMonth days }
    dimensions { dimension number label byAccountManager unit lowerIsBetter available targetLine
      rows { rank standing standingLabel name trackId trackName accountManager { email }
             value numerator denominator target previousValue change notReached notReachedTwice } } } }";

/// T3, a track with a sales target and expenses, no sales and no members.
const T3: i64 = 3;

async fn fixture(app: &TestApp) {
    entity::track::Entity::insert(entity::track::ActiveModel {
        id: Set(T3),
        name: Set("汽车零部件".into()),
        business_line: Set(entity::BusinessLine::MoldingIntegrated),
    })
    .exec(&app.db)
    .await
    .unwrap();
    let admin = app.login("admin@test.local").await;
    let sale = |ext: &str, date: &str, track: &str, am: &str, revenue: &str, cost: &str| json!({ "externalId": ext, "date": date, "track": track, "accountManager": am, "revenue": revenue, "cost": cost });
    let (t1, t2, t3) = ("消费电子I", "医疗器械", "汽车零部件");
    let batches = [
        (
            "SALES",
            json!([
                sale("S-1", "2026-10-02", t1, "a1@test.local", "600", "400"),
                sale("S-2", "2026-11-20", t1, "a1@test.local", "400", "300"),
                sale("S-3", "2026-11-03", t1, "a2@test.local", "500", "200"),
                sale("S-4", "2026-10-31", t2, "a3@test.local", "300", "360"),
                // The previous period (July–August).
                sale("S-0", "2026-07-15", t1, "a1@test.local", "1000", "500"),
                // December has not come: outside the quarter so far (a fact may not be in the future anyway).
            ]),
        ),
        (
            "ORDERS",
            json!([
                { "externalId": "O-1", "date": "2026-10-09", "track": t1, "accountManager": "a1@test.local", "customer": "华为", "amount": "800" },
                { "externalId": "O-2", "date": "2026-11-09", "track": t2, "accountManager": "a3@test.local", "customer": "迈瑞", "amount": "200" },
            ]),
        ),
        (
            "SALES_TARGETS",
            json!([
                { "month": "2026-10", "track": t1, "amount": "1000" },
                { "month": "2026-11", "track": t1, "amount": "1000" },
                // December's target is not yet due: the quarter so far is October and November.
                { "month": "2026-12", "track": t1, "amount": "1000" },
                { "month": "2026-10", "track": t2, "amount": "0" },
                { "month": "2026-10", "track": t3, "amount": "600" },
                { "month": "2026-07", "track": t1, "amount": "1000" },
                { "month": "2026-10", "track": t1, "accountManager": "a1@test.local", "amount": "500" },
                { "month": "2026-11", "track": t1, "accountManager": "a1@test.local", "amount": "500" },
                { "month": "2026-11", "track": t1, "accountManager": "a2@test.local", "amount": "500" },
                { "month": "2026-10", "track": t2, "accountManager": "a3@test.local", "amount": "600" },
            ]),
        ),
        (
            "ORDER_TARGETS",
            json!([
                { "month": "2026-10", "track": t1, "amount": "1600" },
                { "month": "2026-11", "track": t2, "amount": "100" },
            ]),
        ),
        (
            "EXPENSES",
            json!([
                { "externalId": "E-1", "month": "2026-10", "track": t1, "amount": "3" },
                { "externalId": "E-2", "month": "2026-11", "track": t1, "amount": "3" },
                { "externalId": "E-3", "month": "2026-11", "track": t2, "amount": "3" },
                { "externalId": "E-4", "month": "2026-11", "track": t3, "amount": "5" },
            ]),
        ),
        (
            "RECEIVABLES",
            json!([
                { "externalId": "R-1", "month": "2026-10", "track": t1, "balance": "100" },
                { "externalId": "R-2", "month": "2026-11", "track": t1, "balance": "150" },
                { "externalId": "R-3", "month": "2026-10", "track": t2, "balance": "60" },
            ]),
        ),
    ];
    for (kind, rows) in batches {
        app.post(Some(&admin), IMPORT, json!({ "k": kind, "rows": rows })).await.data();
    }
}

fn quarter(q: i64) -> Value {
    json!({ "p": { "kind": "QUARTER", "year": 2026, "quarter": q } })
}

async fn board(app: &TestApp, who: &str, vars: Value) -> Value {
    let token = app.login(&format!("{who}@test.local")).await;
    app.post(Some(&token), BOARD, vars).await.data()["rankingBoard"].clone()
}

/// `(name, rank, standing, value)` of each row of dimension `n` (1–8).
fn table(board: &Value, n: usize) -> Vec<(String, i64, String, Option<f64>)> {
    board["dimensions"][n - 1]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["rank"].as_i64().unwrap(),
                r["standing"].as_str().unwrap().to_owned(),
                r["value"].as_f64(),
            )
        })
        .collect()
}

fn row<'a>(board: &'a Value, n: usize, name: &str) -> &'a Value {
    board["dimensions"][n - 1]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name} in dimension {n}"))
}

fn r(name: &str, rank: i64, standing: &str, value: Option<f64>) -> (String, i64, String, Option<f64>) {
    (name.to_owned(), rank, standing.to_owned(), value)
}

#[tokio::test]
async fn each_dimension_is_computed_and_ranked_as_by_hand() {
    let app = spawn_app().await;
    fixture(&app).await;
    // 23 November 2026: the fourth quarter so far is October and November (61 days), against July and August.
    let b = board(&app, "ceo", quarter(4)).await;
    assert_eq!(
        b["period"],
        json!({ "kind": "QUARTER", "label": "2026-Q4", "firstMonth": "2026-10", "lastMonth": "2026-11", "days": 61 })
    );
    assert_eq!(
        b["previousPeriod"],
        json!({ "label": "2026-Q3", "firstMonth": "2026-07", "lastMonth": "2026-08", "days": 62 })
    );
    let numbers: Vec<i64> = b["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());

    // (1) T1 1,500 / 2,000 (October and November) = 75 %; T3 a target of 600 and no sales = 0 %;
    // T2's target is zero: no target, last.
    assert_eq!(
        table(&b, 1),
        vec![
            r("消费电子I", 1, "RANKED", Some(75.0)),
            r("汽车零部件", 2, "RANKED", Some(0.0)),
            r("医疗器械", 3, "NO_TARGET", None)
        ]
    );
    let t1 = row(&b, 1, "消费电子I");
    assert_eq!(
        (t1["numerator"].as_str(), t1["denominator"].as_str(), t1["target"].as_str()),
        (Some("1500.00"), Some("2000.00"), Some("2000.00"))
    );
    // July and August: 1,000 of 1,000 = 100 %, so −25 points.
    assert_eq!((t1["previousValue"].as_f64(), t1["change"].as_f64()), (Some(100.0), Some(-25.0)));
    assert_eq!(row(&b, 1, "医疗器械")["standingLabel"], "无目标");
    // 未达标 below the 90 % line; not twice (July and August made 100 %); nothing to judge without a value.
    assert_eq!(b["dimensions"][0]["targetLine"], 90.0);
    assert_eq!(
        (t1["notReached"].as_bool(), t1["notReachedTwice"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(row(&b, 1, "医疗器械")["notReached"].is_null());
    // Lower is better: the DSO line is at most 60 days.
    assert_eq!(row(&b, 8, "医疗器械")["notReached"], false);
    // (2) a1 1,000 / 1,000 and a2 500 / 500 tie at 100 %; a3 300 / 600 = 50 % is third.
    assert_eq!(
        table(&b, 2),
        vec![
            r("a1", 1, "RANKED", Some(100.0)),
            r("a2", 1, "RANKED", Some(100.0)),
            r("a3", 3, "RANKED", Some(50.0))
        ]
    );
    assert_eq!(b["dimensions"][1]["byAccountManager"], true);
    assert_eq!(row(&b, 2, "a3")["trackName"], "医疗器械");
    // (3) T2 200 / 100 = 200 %, T1 800 / 1,600 = 50 %, T3 nothing.
    assert_eq!(
        table(&b, 3),
        vec![
            r("医疗器械", 1, "RANKED", Some(200.0)),
            r("消费电子I", 2, "RANKED", Some(50.0)),
            r("汽车零部件", 3, "NO_DATA", None)
        ]
    );
    // (4) no account-manager order targets: nobody is ranked by value; all share the last rank.
    assert_eq!(
        table(&b, 4),
        vec![
            r("a1", 1, "NO_TARGET", None),
            r("a3", 1, "NO_TARGET", None),
            r("a2", 1, "NO_DATA", None)
        ]
    );
    // (5) T1 (1,500 − 900) / 1,500 = 40 %; T2 (300 − 360) / 300 = −20 %, a loss; T3 no sales data.
    assert_eq!(
        table(&b, 5),
        vec![
            r("消费电子I", 1, "RANKED", Some(40.0)),
            r("医疗器械", 2, "RANKED", Some(-20.0)),
            r("汽车零部件", 3, "NO_DATA", None)
        ]
    );
    assert_eq!(row(&b, 5, "医疗器械")["numerator"], "-60.00");
    // (6) no forecast was frozen for these months: no figure, in its place (the forecast tests rank it).
    let d6 = &b["dimensions"][5];
    assert_eq!(
        (d6["dimension"].as_str(), d6["available"].as_bool()),
        (Some("TRACK_FORECAST_ACCURACY"), Some(true))
    );
    assert!(
        table(&b, 6)
            .iter()
            .all(|(_, rank, s, v)| *rank == 1 && s == "NO_DATA" && v.is_none())
    );
    // (7) lower is better: T1 6 / 1,500 = 4 ‰, T2 3 / 300 = 10 ‰; T3 spent 5 without sales.
    assert_eq!(b["dimensions"][6]["lowerIsBetter"], true);
    assert_eq!(
        table(&b, 7),
        vec![
            r("消费电子I", 1, "RANKED", Some(4.0)),
            r("医疗器械", 2, "RANKED", Some(10.0)),
            r("汽车零部件", 3, "NO_SALES", None)
        ]
    );
    // (8) the latest month-end balance ÷ sales × 61 days: T1 150 / 1,500 × 61 = 6.1; T2 60 / 300 × 61 = 12.2.
    assert_eq!(
        table(&b, 8),
        vec![
            r("消费电子I", 1, "RANKED", Some(6.1)),
            r("医疗器械", 2, "RANKED", Some(12.2)),
            r("汽车零部件", 3, "NO_DATA", None)
        ]
    );
    assert_eq!(b["dimensions"][7]["unit"], "DAYS");

    // A month: November alone. T1 sales 900 / 1,000 = 90 %.
    let nov = board(&app, "ceo", json!({ "p": { "kind": "MONTH", "year": 2026, "month": 11 } })).await;
    assert_eq!(row(&nov, 1, "消费电子I")["value"], 90.0);
    assert_eq!(nov["previousPeriod"]["label"], "2026-10");
    // October alone: 600 / 1,000 = 60 %, so November's change is +30 points.
    assert_eq!(row(&nov, 1, "消费电子I")["change"], 30.0);
    assert_eq!(row(&nov, 1, "消费电子I")["notReached"], false);
    // With the line at 95 %, November (90 %) after October (60 %) is 未达标 twice over.
    let admin = app.login("admin@test.local").await;
    let set = "mutation { updateSettings(input: { board: { salesAchievementPercent: 95 } }) { board { salesAchievementPercent } } }";
    app.post(Some(&admin), set, json!({})).await.data();
    let nov = board(&app, "ceo", json!({ "p": { "kind": "MONTH", "year": 2026, "month": 11 } })).await;
    assert_eq!(nov["dimensions"][0]["targetLine"], 95.0);
    assert_eq!(row(&nov, 1, "消费电子I")["notReachedTwice"], true);
    let bad = "mutation { updateSettings(input: { board: { dsoDays: -1, grossMarginPercent: 101 } }) { timezone } }";
    assert_eq!(
        app.post(Some(&admin), bad, json!({})).await.fields(),
        vec!["input.board.grossMarginPercent", "input.board.dsoDays"]
    );
    // The year to date: January to November, against January to November 2025 (no data: no change).
    let ytd = board(&app, "ceo", json!({ "p": { "kind": "YEAR_TO_DATE", "year": 2026 } })).await;
    assert_eq!(
        (ytd["period"]["firstMonth"].as_str(), ytd["period"]["lastMonth"].as_str()),
        (Some("2026-01"), Some("2026-11"))
    );
    assert_eq!(ytd["previousPeriod"]["label"], "2025-01..2025-11");
    // T1: 2,500 of 3,000 (July, October, November).
    assert_eq!(row(&ytd, 1, "消费电子I")["value"], 83.33);
    assert!(row(&ytd, 1, "消费电子I")["change"].is_null());
}

#[tokio::test]
async fn periods_follow_the_company_calendar_and_bad_ones_name_their_field() {
    let app = spawn_app().await;
    fixture(&app).await;
    // 00:30 on 1 October in Shanghai is still 30 September in UTC: the fourth quarter has begun.
    app.clock.set("2026-09-30T16:30:00Z".parse().unwrap());
    let b = board(&app, "ceo", quarter(4)).await;
    assert_eq!(
        (b["period"]["firstMonth"].as_str(), b["period"]["lastMonth"].as_str()),
        (Some("2026-10"), Some("2026-10"))
    );
    let ytd = board(&app, "ceo", json!({ "p": { "kind": "YEAR_TO_DATE", "year": 2026 } })).await;
    assert_eq!(ytd["period"]["lastMonth"], "2026-10");
    // A minute earlier it is 30 September there too: the quarter has not begun.
    app.clock.set("2026-09-30T15:59:00Z".parse().unwrap());
    let token = app.login("ceo@test.local").await;
    let r = app.post(Some(&token), BOARD, quarter(4)).await;
    assert_eq!(r.fields(), vec!["period"]);
    for (p, fields) in [
        (json!({ "kind": "MONTH", "year": 2026 }), vec!["period.month"]),
        (
            json!({ "kind": "MONTH", "year": 2026, "month": 13, "quarter": 1 }),
            vec!["period.quarter", "period.month"],
        ),
        (json!({ "kind": "QUARTER", "year": 2026, "quarter": -1 }), vec!["period.quarter"]),
        (json!({ "kind": "QUARTER", "year": 1999, "quarter": 1 }), vec!["period.year"]),
        (json!({ "kind": "YEAR_TO_DATE", "year": 2027 }), vec!["period.year"]),
    ] {
        let r = app.post(Some(&token), BOARD, json!({ "p": p })).await;
        assert_eq!(r.fields(), fields, "{p}");
    }
}

#[tokio::test]
async fn rankings_are_public_and_account_manager_rows_are_of_the_viewers_tracks() {
    let app = spawn_app().await;
    fixture(&app).await;
    let names = |b: &Value, n: usize| table(b, n).into_iter().map(|(name, rank, _, _)| (name, rank)).collect::<Vec<_>>();
    for who in ["ceo", "secretary", "admin"] {
        let b = board(&app, who, quarter(4)).await;
        assert_eq!(names(&b, 2).len(), 3, "{who}");
    }
    // Every role sees every track row.
    for who in ["a1", "a3", "d1", "d2"] {
        let b = board(&app, who, quarter(4)).await;
        for n in [1, 3, 5, 6, 7, 8] {
            assert_eq!(names(&b, n).len(), 3, "{who} dimension {n}");
        }
    }
    // An account manager sees his track's account managers, ranked among them; a director his tracks'.
    let a1 = board(&app, "a1", quarter(4)).await;
    assert_eq!(names(&a1, 2), vec![("a1".to_owned(), 1), ("a2".to_owned(), 1)]);
    let a3 = board(&app, "a3", quarter(4)).await;
    assert_eq!(names(&a3, 2), vec![("a3".to_owned(), 1)]);
    assert_eq!(names(&a3, 4), vec![("a3".to_owned(), 1)]);
    let d2 = board(&app, "d2", quarter(4)).await;
    assert_eq!(names(&d2, 2), vec![("a3".to_owned(), 1)]);
    let d1 = board(&app, "d1", quarter(4)).await;
    assert_eq!(names(&d1, 4).len(), 2);
    // Anonymous: nothing.
    let r = app.post(None, BOARD, quarter(4)).await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_demo_company_board_tells_a_story_on_first_run() {
    let app = spawn_bare(|_| {}).await;
    api::seed::demo_company(&app.db, t0()).await.unwrap();
    let token = app.login("ceo@demo.local").await;
    let b = app.post(Some(&token), BOARD, quarter(4)).await.data()["rankingBoard"].clone();
    assert_eq!(b["dimensions"].as_array().unwrap().len(), 8);
    // Above and below target.
    let sales = table(&b, 1);
    assert_eq!(sales[0].0, "消费电子I");
    assert!(sales[0].3.unwrap() > 100.0 && sales.last().unwrap().3.unwrap() < 90.0, "{sales:?}");
    // 消费电子II and 家电 tie, sharing a rank, with the next rank skipped.
    let tied: Vec<_> = sales.iter().filter(|r| r.0 == "消费电子II" || r.0 == "家电").collect();
    assert_eq!((tied[0].1, tied[0].3), (tied[1].1, tied[1].3), "{sales:?}");
    assert!(sales.iter().all(|r| r.1 != tied[0].1 + 1), "{sales:?}");
    let ranks: Vec<(String, i64)> = sales.iter().map(|r| (r.0.clone(), r.1)).collect();
    // Tied rows are listed by name.
    let names = ["消费电子I", "医疗器械", "家电", "消费电子II", "汽车内外饰", "日用消费品"];
    assert_eq!(
        ranks,
        names
            .iter()
            .zip([1, 2, 3, 3, 5, 6])
            .map(|(n, r)| (n.to_string(), r))
            .collect::<Vec<_>>()
    );
    // Every account manager has a row.
    assert_eq!(table(&b, 2).len(), 30);
    // am1: his track's five account managers, none of another track's records.
    let am1 = app.login("am1@demo.local").await;
    let mine = app.post(Some(&am1), BOARD, quarter(4)).await.data()["rankingBoard"].clone();
    let peers = mine["dimensions"][1]["rows"].as_array().unwrap().clone();
    assert_eq!(peers.len(), 5);
    assert!(peers.iter().all(|r| r["trackName"] == "消费电子I"));
    let other = json!({ "p": quarter(4)["p"], "d": "TRACK_SALES_ACHIEVEMENT", "t": "2" });
    let r = app.post(Some(&am1), DRILL, other).await;
    assert_eq!(r.data()["boardDrill"]["facts"]["totalCount"], 0);
    let own = json!({ "p": quarter(4)["p"], "d": "TRACK_SALES_ACHIEVEMENT", "t": "1" });
    let r = app.post(Some(&am1), DRILL, own).await;
    let nodes = r.data()["boardDrill"]["facts"]["nodes"].as_array().unwrap().clone();
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n["accountManager"]["email"] == "am1@demo.local"));
    // 汽车内外饰's DSO rises: last in the quarter and higher than the quarter before.
    let dso = row(&b, 8, "汽车内外饰");
    assert_eq!(table(&b, 8).last().unwrap().0, "汽车内外饰");
    assert!(dso["change"].as_f64().unwrap() > 0.0, "{dso}");
    // One month sold at a loss: 汽车内外饰, five months back (June 2026).
    let mut loss = 0;
    for back in 0..18 {
        let month = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() - chrono::Months::new(back);
        let p = json!({ "p": { "kind": "MONTH", "year": chrono::Datelike::year(&month), "month": chrono::Datelike::month(&month) } });
        let m = app.post(Some(&token), BOARD, p).await.data()["rankingBoard"].clone();
        loss += table(&m, 5).iter().filter(|r| r.3.is_some_and(|v| v < 0.0)).count();
    }
    assert_eq!(loss, 1);
}

const DRILL: &str =
    "query($d: BoardDimension!, $p: BoardPeriodInput!, $t: ID, $a: ID, $k: ErpKind, $o: ErpFactOrder, $first: Int, $after: String) {
  boardDrill(dimension: $d, period: $p, trackId: $t, accountManagerId: $a) {
    dimension period { label }
    row { rank name value }
    accountManagers { rank name value }
    trend { month standing value numerator denominator target }
    facts(kind: $k, orderBy: $o, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { kind externalId date month amount cost customer trackId accountManager { email } } } } }";

async fn drill(app: &TestApp, who: &str, vars: Value) -> Gql {
    let token = app.login(&format!("{who}@test.local")).await;
    let mut v = json!({ "p": { "kind": "QUARTER", "year": 2026, "quarter": 4 } });
    for (k, x) in vars.as_object().unwrap() {
        v[k] = x.clone();
    }
    app.post(Some(&token), DRILL, v).await
}

fn ids(d: &Value) -> Vec<String> {
    d["facts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["externalId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn any_row_drills_down_to_its_account_managers_months_and_records() {
    use org::*;
    let app = spawn_app().await;
    fixture(&app).await;
    let r = drill(&app, "ceo", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "t": T1.to_string() })).await;
    let d = &r.data()["boardDrill"];
    assert_eq!(d["row"], json!({ "rank": 1, "name": "消费电子I", "value": 75.0 }));
    assert_eq!(
        d["accountManagers"],
        json!([{ "rank": 1, "name": "a1", "value": 100.0 }, { "rank": 1, "name": "a2", "value": 100.0 }])
    );
    // Twelve months, December 2025 to November 2026.
    let trend = d["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(
        (trend[0]["month"].as_str(), trend[11]["month"].as_str()),
        (Some("2025-12"), Some("2026-11"))
    );
    let point = |m: &str| trend.iter().find(|p| p["month"] == m).unwrap().clone();
    assert_eq!(point("2026-07")["value"], 100.0);
    assert_eq!(point("2026-08")["standing"], "NO_DATA");
    assert_eq!(
        point("2026-11"),
        json!({ "month": "2026-11", "standing": "RANKED", "value": 90.0, "numerator": "900.00", "denominator": "1000.00", "target": "1000.00" })
    );
    // The records behind 1,500: the quarter's sales of the track, newest first.
    assert_eq!(d["facts"]["totalCount"], 3);
    assert_eq!(ids(d), vec!["S-2", "S-3", "S-1"]);
    assert_eq!(d["facts"]["nodes"][0]["amount"], "400.00");
    assert_eq!(d["facts"]["nodes"][0]["cost"], "300.00");
    // Largest first, two at a time.
    let r = drill(
        &app,
        "ceo",
        json!({ "d": "TRACK_SALES_ACHIEVEMENT", "t": T1.to_string(), "o": "AMOUNT_LARGEST", "first": 2 }),
    )
    .await;
    let d = &r.data()["boardDrill"];
    assert_eq!(
        (ids(d), d["facts"]["pageInfo"]["hasNextPage"].as_bool()),
        (vec!["S-1".to_owned(), "S-3".to_owned()], Some(true))
    );
    let after = d["facts"]["pageInfo"]["endCursor"].clone();
    let r = drill(
        &app,
        "ceo",
        json!({ "d": "TRACK_SALES_ACHIEVEMENT", "t": T1.to_string(), "o": "AMOUNT_LARGEST", "first": 2, "after": after }),
    )
    .await;
    assert_eq!(ids(&r.data()["boardDrill"]), vec!["S-2"]);
    // The DSO traces to its balances and to the sales.
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "t": T1.to_string(), "o": "DATE_OLDEST" })).await;
    assert_eq!(ids(&r.data()["boardDrill"]), vec!["R-1", "R-2"]);
    assert!(r.data()["boardDrill"]["accountManagers"].as_array().unwrap().is_empty());
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "t": T1.to_string(), "k": "SALES" })).await;
    assert_eq!(r.data()["boardDrill"]["facts"]["totalCount"], 3);
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "t": T1.to_string(), "k": "ORDERS" })).await;
    assert_eq!(r.fields(), vec!["kind"]);
    // An account manager: his achievement, his months, his records.
    let r = drill(&app, "ceo", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "a": A3.to_string() })).await;
    let d = &r.data()["boardDrill"];
    assert_eq!(d["dimension"], "ACCOUNT_MANAGER_SALES_ACHIEVEMENT");
    assert_eq!(d["row"], json!({ "rank": 3, "name": "a3", "value": 50.0 }));
    assert_eq!(d["trend"][10]["value"], 50.0);
    assert_eq!(ids(d), vec!["S-4"]);
    // Bad requests name their field.
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "a": A3.to_string() })).await;
    assert_eq!(r.fields(), vec!["dimension"]);
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "a": A3.to_string(), "t": T1.to_string() })).await;
    assert_eq!(r.fields(), vec!["trackId"]);
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "t": "x" })).await;
    assert_eq!(r.fields(), vec!["trackId"]);
    let r = drill(&app, "ceo", json!({ "d": "TRACK_DSO", "t": "99" })).await;
    assert_eq!(r.code(), "NOT_FOUND");
}

#[tokio::test]
async fn a_drill_down_shows_records_only_in_the_viewers_scope() {
    use org::*;
    let app = spawn_app().await;
    fixture(&app).await;
    let t1 = json!({ "d": "TRACK_SALES_ACHIEVEMENT", "t": T1.to_string() });
    // a1: his track's account managers, and only his own sales.
    let r = drill(&app, "a1", t1.clone()).await;
    let d = &r.data()["boardDrill"];
    assert_eq!(d["accountManagers"].as_array().unwrap().len(), 2);
    assert_eq!(
        (d["facts"]["totalCount"].as_i64(), ids(d)),
        (Some(2), vec!["S-2".to_owned(), "S-1".to_owned()])
    );
    // Another track: its row is public, its people and records are not.
    let r = drill(&app, "a1", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "t": T2.to_string() })).await;
    let d = &r.data()["boardDrill"];
    assert_eq!(d["row"]["name"], "医疗器械");
    assert!(d["accountManagers"].as_array().unwrap().is_empty());
    assert_eq!(d["facts"]["totalCount"], 0);
    // A peer: his figures as in the weekly meeting, none of his records; another track's account manager: not found.
    let r = drill(&app, "a1", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "a": A2.to_string() })).await;
    let d = &r.data()["boardDrill"];
    assert_eq!(d["row"]["name"], "a2");
    assert_eq!(d["facts"]["totalCount"], 0);
    let r = drill(&app, "a1", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "a": A3.to_string() })).await;
    assert_eq!(r.code(), "NOT_FOUND");
    // Expenses are the track's: no account manager's own.
    let r = drill(&app, "a1", json!({ "d": "TRACK_EXPENSE_RATIO", "t": T1.to_string() })).await;
    assert_eq!(r.data()["boardDrill"]["facts"]["totalCount"], 0);
    // A director: his tracks' records and people only.
    let r = drill(&app, "d1", json!({ "d": "TRACK_EXPENSE_RATIO", "t": T1.to_string() })).await;
    assert_eq!(ids(&r.data()["boardDrill"]), vec!["E-2", "E-1"]);
    let r = drill(&app, "d2", t1).await;
    let d = &r.data()["boardDrill"];
    assert!(d["accountManagers"].as_array().unwrap().is_empty());
    assert_eq!(d["facts"]["totalCount"], 0);
    let r = drill(&app, "d2", json!({ "d": "TRACK_SALES_ACHIEVEMENT", "a": A1.to_string() })).await;
    assert_eq!(r.code(), "NOT_FOUND");
    let r = drill(&app, "d2", json!({ "d": "TRACK_ORDER_ACHIEVEMENT", "a": A3.to_string() })).await;
    assert_eq!(ids(&r.data()["boardDrill"]), vec!["O-2"]);
}

#[tokio::test]
async fn the_board_shows_an_import_at_once_and_takes_slices_of_rows() {
    let app = spawn_app().await;
    fixture(&app).await;
    let before = board(&app, "ceo", quarter(4)).await;
    assert_eq!(row(&before, 1, "医疗器械")["standing"], "NO_TARGET");
    // The admin sets 医疗器械's November target: the next board has it.
    let admin = app.login("admin@test.local").await;
    let rows = json!([{ "month": "2026-11", "track": "医疗器械", "amount": "600" }]);
    app.post(Some(&admin), IMPORT, json!({ "k": "SALES_TARGETS", "rows": rows }))
        .await
        .data();
    let after = board(&app, "ceo", quarter(4)).await;
    assert_eq!(row(&after, 1, "医疗器械")["value"], 50.0);
    // A slice of a dimension's rows: the top one, the bottom one.
    let token = app.login("ceo@test.local").await;
    let q = "query($p: BoardPeriodInput!, $f: Int, $o: Int) { rankingBoard(period: $p) { dimensions { totalRows rows(first: $f, offset: $o) { name } } } }";
    let top = app.post(Some(&token), q, json!({ "p": quarter(4)["p"], "f": 1 })).await;
    assert_eq!(
        top.data()["rankingBoard"]["dimensions"][1],
        json!({ "totalRows": 3, "rows": [{ "name": "a1" }] })
    );
    let bottom = app.post(Some(&token), q, json!({ "p": quarter(4)["p"], "f": 1, "o": 2 })).await;
    assert_eq!(bottom.data()["rankingBoard"]["dimensions"][1]["rows"], json!([{ "name": "a3" }]));
    let bad = app.post(Some(&token), q, json!({ "p": quarter(4)["p"], "f": 5000, "o": -1 })).await;
    assert_eq!(bad.fields(), vec!["first", "offset"]);
}

#[tokio::test]
async fn a_kept_board_answer_is_the_viewers_own_and_goes_when_the_board_changes() {
    let statements = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = spawn_app_counting(statements.clone()).await;
    fixture(&app).await;
    let sent = || statements.load(std::sync::atomic::Ordering::SeqCst);
    let ceo = app.login("ceo@test.local").await;
    let d1 = app.login("d1@test.local").await;
    let first = app.post(Some(&ceo), BOARD, quarter(4)).await.data().clone();
    // Asked again, unchanged: the same answer, not a statement sent.
    let before = sent();
    let again = app.post(Some(&ceo), BOARD, quarter(4)).await.data().clone();
    assert_eq!(again, first);
    assert_eq!(sent(), before, "a kept answer sends no statement");
    // Another viewer, the same bytes: his own rows (d1 runs 消费电子I: a1 and a2 only).
    let names = |b: &Value, n: usize| table(&b["rankingBoard"], n).into_iter().map(|(name, ..)| name).collect::<Vec<_>>();
    let mine = app.post(Some(&d1), BOARD, quarter(4)).await.data().clone();
    assert_eq!(names(&first, 2), vec!["a1", "a2", "a3"]);
    assert_eq!(names(&mine, 2), vec!["a1", "a2"]);
    // d1 now runs 医疗器械 instead: his next board has its account managers.
    let admin = app.login("admin@test.local").await;
    let update = "mutation($id: ID!, $t: [ID!]) { updateUser(id: $id, input: { trackIds: $t }) { id } }";
    app.post(
        Some(&admin),
        update,
        json!({ "id": org::D1.to_string(), "t": [org::T2.to_string()] }),
    )
    .await
    .data();
    let d1 = app.login("d1@test.local").await;
    let moved = app.post(Some(&d1), BOARD, quarter(4)).await.data().clone();
    assert_eq!(names(&moved, 2), vec!["a3"]);
    // A new target line is on the next board.
    let line = |b: &Value| b["rankingBoard"]["dimensions"][0]["targetLine"].as_f64();
    assert_eq!(line(&first), Some(90.0));
    let settings = "mutation { updateSettings(input: { board: { salesAchievementPercent: 80 } }) { timezone } }";
    app.post(Some(&admin), settings, json!({})).await.data();
    let lowered = app.post(Some(&ceo), BOARD, quarter(4)).await.data().clone();
    assert_eq!(line(&lowered), Some(80.0));
    // The company's midnight into December: the quarter so far takes in December's target.
    let t1 = |b: &Value| row(&b["rankingBoard"], 1, "消费电子I")["target"].clone();
    assert_eq!(t1(&lowered), json!("2000.00"));
    app.clock.set("2026-11-30T16:00:00Z".parse().unwrap());
    let december = app.post(Some(&ceo), BOARD, quarter(4)).await.data().clone();
    assert_eq!(t1(&december), json!("3000.00"));
}
