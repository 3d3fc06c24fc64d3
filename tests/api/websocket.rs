//! GraphQL over WebSocket (graphql-transport-ws) with the token in
//! `connection_init`.

use crate::helpers::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(app: &TestApp) -> Socket {
    let mut req = app.ws_url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    ws
}

async fn next_json(ws: &mut Socket) -> Option<Value> {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .expect("no message within 5 s")?
        {
            Ok(Message::Text(t)) => return Some(serde_json::from_str(&t).unwrap()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

#[tokio::test]
async fn a_socket_with_a_token_runs_operations_as_its_user() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let mut ws = connect(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(next_json(&mut ws).await.unwrap()["type"], "connection_ack");
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    let next = next_json(&mut ws).await.unwrap();
    assert_eq!(next["type"], "next");
    assert_eq!(next["payload"]["data"]["me"]["email"], "a1@test.local");
    assert_eq!(next_json(&mut ws).await.unwrap()["type"], "complete");
}

#[tokio::test]
async fn a_socket_with_a_bad_token_is_refused() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer not-a-token" } }),
    )
    .await;
    let answer = next_json(&mut ws).await;
    assert!(answer.is_none_or(|m| m["type"] != "connection_ack"), "must not be acknowledged");
}

#[tokio::test]
async fn an_anonymous_socket_is_unauthenticated_for_scoped_data() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    send(&mut ws, json!({ "type": "connection_init" })).await;
    assert_eq!(next_json(&mut ws).await.unwrap()["type"], "connection_ack");
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ opportunities { totalCount } }" } }),
    )
    .await;
    let next = next_json(&mut ws).await.unwrap();
    assert_eq!(next["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{next}");
}
