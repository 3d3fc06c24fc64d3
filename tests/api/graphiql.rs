//! GraphiQL in a real browser (Debian's chromium through chromedriver),
//! its files served by salespulse from a local directory and every other
//! host unreachable — a machine behind a firewall. `.ci/run` installs the
//! browser and fills the directory (`scripts/graphiql-assets.sh`); without
//! them the test is reported as ignored.

use crate::helpers::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::time::{Duration, Instant};

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser() -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Driver(
        std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium-driver)"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({ "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            // No internet: every host but this one is unknown.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ] }),
    );
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return (driver, c),
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver did not start: {e}"),
        }
    }
}

/// Runs `script` (a JS expression) until it returns a string containing
/// `want`, for at most `secs`; returns the last value.
async fn eventually(c: &Client, script: &str, want: &str, secs: u64) -> String {
    let started = Instant::now();
    loop {
        let v = c.execute(&format!("return String({script});"), vec![]).await.unwrap();
        let text = v.as_str().unwrap_or_default().to_owned();
        if text.contains(want) || started.elapsed() > Duration::from_secs(secs) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const QUERY_EDITOR: &str = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror";
const HEADERS_EDITOR: &str = "document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror";
const RESPONSE: &str =
    "(document.querySelector('.graphiql-response .CodeMirror') || {CodeMirror: {getValue: () => ''}}).CodeMirror.getValue()";

async fn run(c: &Client, query: &str) {
    c.execute(&format!("{QUERY_EDITOR}.setValue(arguments[0]);"), vec![json!(query)])
        .await
        .unwrap();
    c.find(Locator::Css(".graphiql-execute-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
#[cfg_attr(
    not(salespulse_browser),
    ignore = "needs chromium, chromedriver and SALESPULSE_GRAPHIQL_TEST_ASSETS (.ci/run provides them)"
)]
async fn graphiql_works_behind_a_firewall_from_a_local_directory() {
    use org::*;
    let dir = std::env::var("SALESPULSE_GRAPHIQL_TEST_ASSETS").unwrap();
    let app = spawn_app_with(|c| {
        c.graphiql = true;
        c.graphiql_assets = api::graphiql::Assets::parse(&dir).unwrap();
    })
    .await;
    app.deal_with_alert(A1, T1).await;
    let token = app.login("a1@test.local").await;
    let (_driver, c) = browser().await;
    c.goto(&app.url("/")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".graphiql-container"))
        .await
        .unwrap();

    // The docs explorer lists the root types.
    c.find(Locator::Css("button[aria-label='Show Documentation Explorer']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let docs = eventually(
        &c,
        "(document.querySelector('.graphiql-doc-explorer') || {}).innerText",
        "Query",
        10,
    )
    .await;
    assert!(
        docs.contains("Query") && docs.contains("Mutation") && docs.contains("Subscription"),
        "{docs}"
    );

    // A query with the token in the Headers pane.
    let headers = json!({ "Authorization": format!("Bearer {token}") }).to_string();
    c.execute(&format!("{HEADERS_EDITOR}.setValue(arguments[0]);"), vec![json!(headers)])
        .await
        .unwrap();
    run(&c, "{ me { email } }").await;
    let answer = eventually(&c, RESPONSE, "a1@test.local", 10).await;
    assert!(answer.contains("a1@test.local"), "{answer}");

    // A subscription over the WebSocket, as the same user.
    run(&c, "subscription { alertEvents(after: \"0\") { kind rule } }").await;
    let event = eventually(&c, RESPONSE, "ALERT_RAISED", 10).await;
    assert!(event.contains("ALERT_RAISED") && event.contains("NO_FOLLOW_UP"), "{event}");
    c.close().await.unwrap();
}

#[tokio::test]
#[cfg_attr(
    not(salespulse_browser),
    ignore = "needs chromium, chromedriver and SALESPULSE_GRAPHIQL_TEST_ASSETS (.ci/run provides them)"
)]
async fn graphiql_says_what_to_set_when_its_files_cannot_load() {
    // The public CDN, which this "machine" cannot reach.
    let app = spawn_app_with(|c| c.graphiql = true).await;
    let (_driver, c) = browser().await;
    c.goto(&app.url("/")).await.unwrap();
    let text = eventually(&c, "document.body.innerText", "SALESPULSE_GRAPHIQL_ASSETS", 15).await;
    assert!(text.contains("SALESPULSE_GRAPHIQL_ASSETS") && text.contains("无法加载"), "{text}");
    assert!(!text.starts_with("Loading"), "{text}");
    c.close().await.unwrap();
}
