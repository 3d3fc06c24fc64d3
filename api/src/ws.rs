//! GraphQL over WebSocket, `graphql-transport-ws`, with the rules the stock
//! handler misses: 4408 when no `connection_init` arrives in time, 4403 when
//! the token is refused (and when it expires), 4401 on `subscribe` before
//! the ack, 4409 on a duplicate subscription id, 4429 on a second
//! `connection_init` and when the user already holds the most sockets
//! allowed (`SALESPULSE_MAX_SOCKETS_PER_USER`), 4400 on an invalid message;
//! at most [`MAX_SUBSCRIPTIONS`] at once. 4403 as well when the user's
//! access changes while the socket is open (deactivated, new role or tracks,
//! its login ended by logout, a password change or reset — on any process),
//! and 1001 when the server shuts down. Small buffers keep an idle socket
//! cheap.
//!
//! Client messages are checked here and handed to async-graphql's protocol
//! engine through a channel; its answers are watched on the way out (ack,
//! complete, error) to keep the set of live subscription ids.

use crate::auth::Auth;
use crate::events::EVERY_USER;
use crate::graphql::{ctx::ClientAddr, ctx::RequestSettings, loaders::Loaders};
use crate::service;
use crate::state::AppState;
use async_graphql::Data;
use async_graphql::http::{WebSocketProtocols as Protocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

pub const PROTOCOL: &str = "graphql-transport-ws";
/// Subscriptions one socket may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 20;
/// Time a client has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(3);
/// Largest client message.
const MAX_MESSAGE: usize = 64 * 1024;

/// How many sockets each user holds on this process.
#[derive(Default)]
pub struct SocketCounts(Mutex<HashMap<i64, usize>>);

impl SocketCounts {
    /// The sockets `user_id` holds on this process now.
    pub fn of(&self, user_id: i64) -> usize {
        let counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        counts.get(&user_id).copied().unwrap_or(0)
    }
}

/// One socket counted against its user; uncounted when dropped.
struct SocketSlot {
    app: Arc<AppState>,
    user_id: i64,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = self.app.sockets_per_user.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

fn take_slot(app: &Arc<AppState>, user_id: i64) -> Option<SocketSlot> {
    let mut counts = app.sockets_per_user.0.lock().unwrap_or_else(|p| p.into_inner());
    let n = counts.entry(user_id).or_default();
    if *n >= app.config.max_sockets_per_user {
        return None;
    }
    *n += 1;
    Some(SocketSlot { app: app.clone(), user_id })
}

/// Upgrades the request when it asks for `graphql-transport-ws`.
pub fn upgrade(
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    upgrade: WebSocketUpgrade,
    client: Option<std::net::IpAddr>,
    locale: crate::domain::labels::Locale,
) -> Response {
    if app.shutdown.is_cancelled() {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let offered = upgrade
        .requested_protocols()
        .any(|p| p.to_str().is_ok_and(|s| s.split(',').any(|x| x.trim() == PROTOCOL)));
    if !offered {
        return (axum::http::StatusCode::BAD_REQUEST, "use the graphql-transport-ws subprotocol").into_response();
    }
    upgrade
        .protocols([PROTOCOL])
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| {
            let tracker = app.sockets.clone();
            tracker.track_future(serve(socket, app, schema, client, locale))
        })
}

async fn close(sink: &mut (impl SinkExt<Message> + Unpin), code: u16, reason: &str) {
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

fn seconds_until(expires_at: i64, app: &AppState) -> Duration {
    Duration::from_secs(u64::try_from(expires_at - app.clock.now().timestamp()).unwrap_or(0))
}

async fn serve(
    socket: WebSocket,
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    client: Option<std::net::IpAddr>,
    locale: crate::domain::labels::Locale,
) {
    let (mut sink, mut stream) = socket.split();
    // Watched from the start, so that a change during the handshake is not missed.
    let mut user_changes = app.bus.watch_users();
    // Unbounded: the engine is driven by this same loop, so a bounded channel
    // could fill while we wait on it and never drain.
    let (to_engine, engine_input) = mpsc::unbounded_channel::<String>();
    let auth_slot: Arc<Mutex<Option<Auth>>> = Arc::default();
    let slot = auth_slot.clone();
    let loader_state = app.clone();
    let engine = async_graphql::http::WebSocket::new(schema, tokio_stream_of(engine_input), Protocols::GraphQLWS).on_connection_init(
        move |_| async move {
            let auth = slot.lock().map(|mut s| s.take()).unwrap_or(None).unwrap_or(Auth::Anonymous);
            let mut data = Data::default();
            data.insert(auth);
            data.insert(Loaders::new(&loader_state));
            data.insert(RequestSettings::default());
            data.insert(ClientAddr(client));
            data.insert(locale);
            Ok(data)
        },
    );
    tokio::pin!(engine);

    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    // Far in the future until a token says otherwise.
    let expiry = tokio::time::sleep(Duration::from_secs(86_400 * 365 * 30));
    tokio::pin!(expiry);
    let (mut initialised, mut acknowledged) = (false, false);
    let mut ids: HashSet<String> = HashSet::new();
    // Operations answered with `error`: the engine's `complete` for them is not sent.
    let mut refused: HashSet<String> = HashSet::new();
    // Who the socket runs as, the header that said so, and his slot.
    let mut session: Option<(crate::auth::Viewer, Option<String>, SocketSlot)> = None;

    loop {
        tokio::select! {
            () = app.shutdown.cancelled() => {
                close(&mut sink, 1001, "Server shutting down").await;
                break;
            }
            changed = user_changes.recv(), if session.is_some() => {
                let Some((viewer, authorization, _)) = &session else { continue };
                // His own change (deactivated, new role or tracks, a login of
                // his ended) or a missed one: ask again whether this socket's
                // token still holds as it did.
                let recheck = match changed {
                    Ok(id) if id == viewer.user_id => true,
                    Ok(EVERY_USER) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Closed) => false,
                };
                if recheck {
                    let still = matches!(
                        service::auth::authenticate(&app, authorization.as_deref()).await,
                        Ok(Auth::Viewer(v)) if v.role == viewer.role && v.track_ids == viewer.track_ids
                    );
                    if !still {
                        close(&mut sink, 4403, "Access changed: log in again").await;
                        break;
                    }
                }
            }
            () = &mut init_deadline, if !initialised => {
                close(&mut sink, 4408, "Connection initialisation timeout").await;
                break;
            }
            () = &mut expiry, if acknowledged => {
                close(&mut sink, 4403, "Token expired").await;
                break;
            }
            incoming = stream.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Binary(_))) => { close(&mut sink, 4400, "Binary messages are not supported").await; break; }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                };
                let Ok(msg) = serde_json::from_str::<serde_json::Value>(&text) else {
                    close(&mut sink, 4400, "Invalid message").await;
                    break;
                };
                let id = msg.get("id").and_then(|v| v.as_str()).map(str::to_owned);
                match msg.get("type").and_then(|v| v.as_str()) {
                    Some("connection_init") => {
                        if initialised {
                            close(&mut sink, 4429, "Too many initialisation requests").await;
                            break;
                        }
                        initialised = true;
                        let authorization = msg
                            .get("payload")
                            .and_then(|p| p.as_object())
                            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")))
                            .and_then(|(_, v)| v.as_str().map(str::to_owned));
                        let auth = match service::auth::authenticate(&app, authorization.as_deref()).await {
                            Ok(Auth::Refused(_)) | Err(_) => { close(&mut sink, 4403, "Forbidden").await; break; }
                            Ok(a) => a,
                        };
                        if let Auth::Viewer(v) = &auth {
                            let Some(slot) = take_slot(&app, v.user_id) else {
                                close(&mut sink, 4429, "Too many connections for this user").await;
                                break;
                            };
                            let deadline = tokio::time::Instant::now() + seconds_until(v.token_expires_at, &app);
                            expiry.as_mut().reset(deadline);
                            session = Some((v.clone(), authorization.clone(), slot));
                        }
                        if let Ok(mut s) = auth_slot.lock() {
                            *s = Some(auth);
                        }
                    }
                    Some("subscribe") => {
                        if !acknowledged {
                            close(&mut sink, 4401, "Unauthorized").await;
                            break;
                        }
                        let Some(id) = id.filter(|i| !i.is_empty()) else { close(&mut sink, 4400, "Subscribe without an id").await; break; };
                        if ids.contains(&id) {
                            close(&mut sink, 4409, &format!("Subscriber for {id} already exists")).await;
                            break;
                        }
                        if ids.len() >= MAX_SUBSCRIPTIONS {
                            let refusal = serde_json::json!({ "id": id, "type": "error", "payload": [{
                                "message": format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection"),
                                "extensions": { "code": "TOO_MANY_SUBSCRIPTIONS" } }] });
                            if sink.send(Message::Text(refusal.to_string().into())).await.is_err() { break; }
                            continue;
                        }
                        ids.insert(id);
                    }
                    Some("complete") => {
                        if let Some(id) = &id { ids.remove(id); }
                    }
                    Some("ping" | "pong") => {}
                    _ => { close(&mut sink, 4400, "Invalid message type").await; break; }
                }
                if to_engine.send(text).is_err() { break; }
            }
            outgoing = engine.next() => {
                match outgoing {
                    Some(WsMessage::Text(text)) => {
                        let mut text = text;
                        if let Ok(msg) = serde_json::from_str::<serde_json::Value>(&text) {
                            let id = msg.get("id").and_then(|v| v.as_str()).map(str::to_owned);
                            match msg.get("type").and_then(|v| v.as_str()) {
                                Some("connection_ack") => acknowledged = true,
                                Some("complete") => {
                                    // Already ended by the `error` sent in place of its refusal.
                                    if id.as_ref().is_some_and(|i| refused.remove(i)) { continue; }
                                    if let Some(id) = &id { ids.remove(id); }
                                }
                                Some("error") => { if let Some(id) = &id { ids.remove(id); } }
                                Some("next") if is_refusal(&msg) => {
                                    // Nothing ran (the document did not parse or validate):
                                    // the protocol answers that with `error`, which ends the operation.
                                    if let Some(id) = id {
                                        ids.remove(&id);
                                        text = serde_json::json!({ "id": id, "type": "error", "payload": msg["payload"]["errors"] }).to_string();
                                        refused.insert(id);
                                    }
                                }
                                _ => {}
                            }
                        }
                        if sink.send(Message::Text(text.into())).await.is_err() { break; }
                    }
                    Some(WsMessage::Close(code, reason)) => { close(&mut sink, code, &reason).await; break; }
                    None => break,
                }
            }
        }
    }
}

/// A `next` whose payload has errors, no data and no error with a path:
/// the operation never started.
fn is_refusal(msg: &serde_json::Value) -> bool {
    let payload = &msg["payload"];
    payload["data"].is_null()
        && payload["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty() && e.iter().all(|e| e.get("path").is_none()))
}

fn tokio_stream_of(mut rx: mpsc::UnboundedReceiver<String>) -> impl futures_util::Stream<Item = String> {
    async_stream::stream! {
        while let Some(item) = rx.recv().await {
            yield item;
        }
    }
}
