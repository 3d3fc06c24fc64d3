//! GraphQL over WebSocket (graphql-transport-ws): the token in
//! `connection_init`, the protocol's close codes, the subscription limit.

use crate::helpers::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp) -> Socket {
    connect_url(&app.ws_url).await
}

/// A `graphql-transport-ws` socket to any server's URL.
pub async fn connect_url(url: &str) -> Socket {
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    ws
}

/// What the server sent next: a JSON message, or the close code.
#[derive(Debug)]
pub enum Got {
    Json(Value),
    Closed(u16),
}

pub async fn next(ws: &mut Socket, secs: u64) -> Option<Got> {
    loop {
        let item = match tokio::time::timeout(std::time::Duration::from_secs(secs), ws.next()).await {
            Err(_) => return None,
            Ok(item) => item,
        };
        match item {
            Some(Ok(Message::Text(t))) => return Some(Got::Json(serde_json::from_str(&t).unwrap())),
            Some(Ok(Message::Close(frame))) => return Some(Got::Closed(frame.map_or(1005, |f| f.code.into()))),
            Some(Err(_)) | None => return Some(Got::Closed(1006)),
            Some(Ok(_)) => continue,
        }
    }
}

pub async fn next_json(ws: &mut Socket) -> Value {
    match next(ws, 5).await {
        Some(Got::Json(v)) => v,
        other => panic!("expected a message, got {other:?}"),
    }
}

pub async fn closed_with(ws: &mut Socket) -> u16 {
    match next(ws, 6).await {
        Some(Got::Closed(code)) => code,
        other => panic!("expected a close, got {other:?}"),
    }
}

pub async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// A socket for each of `people` (users `who@test.local`), logged in and
/// subscribed to `query` (operation id `s`).
pub async fn subscribed(app: &TestApp, people: &[&'static str], query: &str) -> Vec<(&'static str, Socket)> {
    let sub = serde_json::json!({ "id": "s", "type": "subscribe", "payload": { "query": query } });
    let mut sockets = Vec::new();
    for who in people {
        let token = app.login(&format!("{who}@test.local")).await;
        let mut ws = open(app, &token).await;
        send(&mut ws, sub.clone()).await;
        sockets.push((*who, ws));
    }
    sockets
}

/// A socket past `connection_ack` for this token.
pub async fn open(app: &TestApp, token: &str) -> Socket {
    open_url(&app.ws_url, token).await
}

/// A socket to any server's URL, initialised with `token` and acknowledged.
pub async fn open_url(url: &str, token: &str) -> Socket {
    let mut ws = connect_url(url).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    ws
}

#[tokio::test]
async fn a_socket_with_a_token_runs_operations_as_its_user() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    let next = next_json(&mut ws).await;
    assert_eq!(next["type"], "next");
    assert_eq!(next["payload"]["data"]["me"]["email"], "a1@test.local");
    assert_eq!(next_json(&mut ws).await["type"], "complete");
    // The id is free again once completed.
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    assert_eq!(next_json(&mut ws).await["type"], "next");
}

#[tokio::test]
async fn a_refused_token_closes_with_4403() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer not-a-token" } }),
    )
    .await;
    assert_eq!(closed_with(&mut ws).await, 4403);
}

#[tokio::test]
async fn no_connection_init_within_three_seconds_closes_with_4408() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    assert_eq!(closed_with(&mut ws).await, 4408);
}

#[tokio::test]
async fn subscribing_before_the_ack_closes_with_4401() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    assert_eq!(closed_with(&mut ws).await, 4401);
}

#[tokio::test]
async fn a_duplicate_subscription_id_closes_with_4409() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    let sub = json!({ "id": "same", "type": "subscribe", "payload": { "query": "subscription { alertEvents { id } }" } });
    send(&mut ws, sub.clone()).await;
    send(&mut ws, sub).await;
    assert_eq!(closed_with(&mut ws).await, 4409);
}

#[tokio::test]
async fn an_invalid_message_closes_with_4400_and_a_second_init_with_4429() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    ws.send(Message::Text("not json".into())).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4400);
    let mut ws = connect(&app).await;
    send(&mut ws, json!({ "type": "what" })).await;
    assert_eq!(closed_with(&mut ws).await, 4400);
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    send(&mut ws, json!({ "type": "connection_init" })).await;
    assert_eq!(closed_with(&mut ws).await, 4429);
}

#[tokio::test]
async fn a_socket_holds_at_most_twenty_subscriptions() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = open(&app, &token).await;
    for n in 0..21 {
        send(
            &mut ws,
            json!({ "id": format!("s{n}"), "type": "subscribe", "payload": { "query": "subscription { alertEvents { id } }" } }),
        )
        .await;
    }
    let refusal = next_json(&mut ws).await;
    assert_eq!(refusal["type"], "error");
    assert_eq!(refusal["id"], "s20");
    // Completing one frees a place.
    send(&mut ws, json!({ "id": "s0", "type": "complete" })).await;
    send(
        &mut ws,
        json!({ "id": "s21", "type": "subscribe", "payload": { "query": "subscription { alertEvents { id } }" } }),
    )
    .await;
    while let Some(got) = next(&mut ws, 1).await {
        match got {
            Got::Json(m) if m["type"] == "complete" && m["id"] == "s0" => continue,
            other => panic!("the 21st after a complete is accepted silently, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_socket_closes_when_its_token_expires() {
    let app = crate::helpers::spawn_app_with(|c| c.token_ttl_minutes = 15).await;
    let token = app.login("a1@test.local").await;
    // Two seconds before the 15-minute token stops being accepted (its
    // expiry and the 30 s clock-skew leeway HTTP grants too).
    app.clock.advance(chrono::Duration::minutes(15) + chrono::Duration::seconds(28));
    let mut ws = open(&app, &token).await;
    let started = std::time::Instant::now();
    assert_eq!(closed_with(&mut ws).await, 4403);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    // At the instant the socket closed, HTTP refuses the token too: nothing outlives its socket.
    let me = "{ me { email } }";
    assert!(app.post(Some(&token), me, serde_json::json!({})).await.0.get("errors").is_none());
    app.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(app.post(Some(&token), me, serde_json::json!({})).await.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_anonymous_socket_is_unauthenticated_for_scoped_data() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    send(&mut ws, json!({ "type": "connection_init" })).await;
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ opportunities { totalCount } }" } }),
    )
    .await;
    let next = next_json(&mut ws).await;
    assert_eq!(next["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{next}");
}
