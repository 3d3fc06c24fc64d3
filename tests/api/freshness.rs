//! Kept answers and the generations they stand on (`api::freshness`):
//! only a committed write moves a generation, and only the generation of
//! what it changed; on PostgreSQL a change made on one process reaches the
//! kept answers of another within a second.

use crate::helpers::*;
use api::freshness::Generations;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const FUNNEL: &str = "{ funnel { lines { businessLine coverageAlertBelow stages { stage count } } } }";

fn now(app: &TestApp) -> Generations {
    app.state.bus.fresh.now()
}

#[tokio::test]
async fn logins_refreshes_logouts_and_refused_or_invalid_mutations_move_no_generation() {
    let app = spawn_app().await;
    let start = now(&app);
    let login = "mutation { login(email: \"a1@test.local\", password: \"demo-password\") { token refreshToken } }";
    let r = app.post(None, login, json!({})).await;
    let refresh = r.data()["login"]["refreshToken"].as_str().unwrap().to_owned();
    let access = r.data()["login"]["token"].as_str().unwrap().to_owned();
    let r = app
        .post(
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { token } }",
            json!({ "t": refresh }),
        )
        .await;
    r.data();
    for (token, doc) in [
        (None, "mutation { nope }"),
        (None, "mutation { logout }"),
        (
            None,
            "mutation { createOpportunity(input: { name: \"n\", customerName: \"c\", kind: OTHER, amount: \"1\" }) { id } }",
        ),
        // Refused: a bad amount, a role that may not.
        (
            Some(access.as_str()),
            "mutation { createOpportunity(input: { name: \"n\", customerName: \"c\", kind: OTHER, amount: \"-1\" }) { id } }",
        ),
        (
            Some(access.as_str()),
            "mutation { updateSettings(input: { noFollowUpDays: 20 }) { noFollowUpDays } }",
        ),
        (Some(access.as_str()), "mutation { logout }"),
    ] {
        let r = app.post(token, doc, json!({})).await;
        assert_eq!(now(&app), start, "{doc} moved a generation: {}", r.0);
    }

    // A deal written moves the deals' generation alone; the settings the board's alone.
    let a2 = app.login("a2@test.local").await;
    app.quick_deal(&a2, "新商机").await;
    let after_deal = now(&app);
    assert!(after_deal.deals > start.deals);
    assert_eq!((after_deal.board, after_deal.meetings), (start.board, start.meetings));
    let admin = app.login("admin@test.local").await;
    let r = app
        .post(
            Some(&admin),
            "mutation { updateSettings(input: { noFollowUpDays: 20 }) { noFollowUpDays } }",
            json!({}),
        )
        .await;
    r.data();
    let after_settings = now(&app);
    assert!(after_settings.board > after_deal.board);
    assert_eq!(
        (after_settings.deals, after_settings.meetings),
        (after_deal.deals, after_deal.meetings)
    );
}

/// The data of `query` asked on `url` as `token` (another process than `app`'s).
async fn remote(app: &TestApp, url: &str, token: &str, query: &str) -> Value {
    let r: Value = app
        .client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(r.get("errors").is_none(), "{r}");
    r["data"].clone()
}

/// Asks `query` on `url` as `token` every 20 ms until `done` holds; the time it took.
async fn until(app: &TestApp, url: &str, token: &str, query: &str, done: impl Fn(&Value) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let data = remote(app, url, token, query).await;
        if done(&data) {
            return start.elapsed();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "never seen: {data}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn molding(data: &Value) -> &Value {
    data["funnel"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["businessLine"] == "MOLDING_INTEGRATED")
        .unwrap()
}

fn deals(data: &Value) -> i64 {
    molding(data)["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
#[cfg_attr(not(salespulse_pg), ignore = "PostgreSQL only: SQLite runs as one node")]
async fn a_change_on_one_process_reaches_the_kept_answers_of_another_within_a_second() {
    let app = spawn_app().await;
    // A second server process on the same database, its answers kept.
    let mut config = app.state.config.clone();
    config.bind = "127.0.0.1:0".parse().unwrap();
    let second = api::App::build(config, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let remote_url = format!("http://{}/graphql", second.address());
    let fresh = second.state().bus.fresh.clone();
    tokio::spawn(second.serve());
    let ceo = app.login("ceo@test.local").await;
    let board = "{ rankingBoard(period: { kind: MONTH, year: 2026, month: 11 }) { dimensions { number targetLine } } }";
    let first_line = |d: &Value| d["rankingBoard"]["dimensions"][0]["targetLine"].clone();
    // Kept on the second process: asked twice, the same answer.
    let seen = until(&app, &remote_url, &ceo, FUNNEL, |_| true).await;
    assert!(seen < Duration::from_secs(5));
    let before = fresh.now();
    let deals_before = deals(&remote(&app, &remote_url, &ceo, FUNNEL).await);
    let line_before = first_line(&remote(&app, &remote_url, &ceo, board).await);

    // A deal written on the first process: the second's funnel shows it within a second.
    let a1 = app.login("a1@test.local").await;
    app.quick_deal(&a1, "远端可见").await;
    let took = until(&app, &remote_url, &ceo, FUNNEL, |d| deals(d) == deals_before + 1).await;
    assert!(took < Duration::from_secs(1), "the deal reached the other process in {took:?}");
    println!("a deal reached the other process's kept funnel in {took:?}");
    assert!(fresh.now().deals > before.deals);

    // The settings saved on the first: the coverage line and the board's target line, within a second.
    let admin = app.login("admin@test.local").await;
    let r = app
        .post(
            Some(&admin),
            "mutation { updateSettings(input: { moldingIntegrated: { coverageAlertBelow: 2.5 }, board: { salesAchievementPercent: 80 } }) { noFollowUpDays } }",
            json!({}),
        )
        .await;
    r.data();
    let took = until(&app, &remote_url, &ceo, FUNNEL, |d| molding(d)["coverageAlertBelow"] == 2.5).await;
    assert!(
        took < Duration::from_secs(1),
        "the settings reached the other process's funnel in {took:?}"
    );
    println!("the settings reached the other process's kept funnel in {took:?}");
    let took = until(&app, &remote_url, &ceo, board, |d| first_line(d) != line_before).await;
    assert!(
        took < Duration::from_secs(1),
        "the settings reached the other process's board in {took:?}"
    );
    println!("the settings reached the other process's kept board in {took:?}");
    assert!(fresh.now().board > before.board);
}
