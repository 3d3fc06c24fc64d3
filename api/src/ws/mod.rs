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
//! Subscriptions are served here, multiplexed (`graphql::live`): the answer
//! to an event is resolved once per group of alike subscriptions and its
//! serialized payload shared; this loop only puts each subscription's id in
//! front of it. Everything to the client passes one bounded queue
//! ([`QUEUE`] messages) drained by a writer at the client's pace; when a
//! live delivery finds it full (a replay waits up to 10 s for room), that
//! subscription ends with an `error` coded
//! `SLOW_CONSUMER` carrying `resumeAfter`, the id to pass as `after` to
//! receive the rest — a slow phone never holds up anyone else and never
//! loses an event silently.
//!
//! Client messages are checked here; queries and mutations are handed to
//! async-graphql's protocol engine through a channel; its answers are watched on the way out (ack,
//! complete, error) to keep the set of live subscription ids.

use crate::auth::Auth;
use crate::events::EVERY_USER;
use crate::graphql::live::{Delivery, Subscribed};
use crate::graphql::{ctx::ClientAddr, ctx::RequestSettings, loaders::Loaders};
use crate::service;
use crate::state::AppState;
use async_graphql::Data;
use async_graphql::http::{WebSocketProtocols as Protocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use futures_util::future::AbortHandle;
use futures_util::stream::{Abortable, BoxStream, SelectAll};
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

pub use crate::state::SocketCounts;

mod queue;
mod session;
mod slots;
use session::{Socket, Turn};
use slots::{SocketSlot, take_slot};

/// Upgrades the request when it asks for `graphql-transport-ws`.
pub fn upgrade(
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    upgrade: WebSocketUpgrade,
    client: Option<std::net::IpAddr>,
    locale: crate::locale::Locale,
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
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| {
            let tracker = app.sockets.clone();
            tracker.track_future(serve(socket, app, schema, client, locale))
        })
}

/// Whether a read failed because the message was over [`MAX_MESSAGE`]
/// (tungstenite's capacity error, told by its words: the socket library
/// is axum's, not ours to name).
fn too_big(e: &axum::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if text.contains("Message too long") || text.contains("Space limit exceeded") {
            return true;
        }
        cause = c.source();
    }
    false
}

async fn close(out: &Outbox, code: u16, reason: &str) {
    let _ = out
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

fn seconds_until(expires_at: i64, app: &AppState) -> Duration {
    Duration::from_secs(u64::try_from(expires_at - app.clock.now().timestamp()).unwrap_or(0))
}

/// Messages queued for one socket. A subscription whose next event finds
/// it full is ended with `SLOW_CONSUMER` and the id to resume after; the
/// others' sockets never wait for this one. An event's entry is two shared
/// pointers (the payload is shared by its group), so a full queue costs
/// little; the socket's own answers (queries, errors) are held to
/// [`OWNED_BYTES`] besides. Named where the live groups keep as many
/// answers (`graphql::live`).
pub use crate::graphql::live::QUEUE;
/// Most bytes of a socket's own (unshared) messages queued at once; beyond
/// it the socket's loop waits for the client to read (so a client that
/// sends queries and never reads stops being answered, not served into
/// memory).
const OWNED_BYTES: usize = 256 * 1024;

/// One message on its way to the client.
enum Out {
    /// An event: the subscription's JSON-quoted id and the shared payload.
    Next(Arc<str>, Arc<str>),
    /// Any other message, holding its share of [`OWNED_BYTES`] until written.
    Owned(Message, Option<tokio::sync::OwnedSemaphorePermit>),
}

/// The sending side of a socket's queue.
struct Outbox {
    queue: queue::Sender<Out>,
    owned: Arc<tokio::sync::Semaphore>,
}

impl Outbox {
    /// Queues one of the socket's own messages, waiting for room; `Err` when the socket is gone.
    async fn send(&self, message: Message) -> Result<(), ()> {
        let size = match &message {
            Message::Text(t) => t.len(),
            _ => 0,
        };
        let permits = u32::try_from(size.clamp(1, OWNED_BYTES)).unwrap_or(u32::MAX);
        let permit = self.owned.clone().acquire_many_owned(permits).await.map_err(|_| ())?;
        self.queue.send(Out::Owned(message, Some(permit))).await.map_err(|_| ())
    }
}
/// How long a replay waits for room in a full queue before the
/// subscription is ended with `SLOW_CONSUMER`.
const REPLAY_PATIENCE: Duration = Duration::from_secs(10);
/// How long a closing socket may take to send what is queued.
const DRAIN: Duration = Duration::from_secs(5);

/// One live subscription of a socket, as the loop sees it: its id (as sent
/// and JSON-quoted) and its next delivery, or `None` when it ended.
type LiveItem = (Arc<str>, Arc<str>, Option<Delivery>);

/// Whether a delivery found room in the socket's queue.
enum Queued {
    Yes,
    Full,
    Gone,
}

/// The `next` message of a delivery: the shared payload behind this
/// subscription's id (built as it is written).
fn next_message(quoted_id: &str, payload: &str) -> Message {
    let mut text = String::with_capacity(quoted_id.len() + payload.len() + 32);
    text.push_str(r#"{"id":"#);
    text.push_str(quoted_id);
    text.push_str(r#","type":"next","payload":"#);
    text.push_str(payload);
    text.push('}');
    Message::Text(text.into())
}

/// The `error` that ends a subscription whose socket fell behind.
fn slow_consumer(id: &str, resume_after: i64, locale: crate::locale::Locale) -> Message {
    let message = crate::messages::translate(
        "this connection fell behind: subscribe again with the given `after` to receive the rest",
        locale,
    );
    let refusal = serde_json::json!({ "id": id, "type": "error", "payload": [{
        "message": message,
        "extensions": { "code": "SLOW_CONSUMER", "resumeAfter": resume_after.to_string() } }] });
    Message::Text(refusal.to_string().into())
}

async fn serve(
    socket: WebSocket,
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    client: Option<std::net::IpAddr>,
    locale: crate::locale::Locale,
) {
    let (mut sink, mut stream) = socket.split();
    // Everything to the client goes through this bounded queue; the writer
    // below drains it at the client's pace.
    let (queue, mut queued) = queue::channel::<Out>(QUEUE);
    let out = Outbox {
        queue,
        owned: Arc::new(tokio::sync::Semaphore::new(OWNED_BYTES)),
    };
    let closing = tokio_util::sync::CancellationToken::new();
    let writer = {
        let closing = closing.clone();
        async move {
            let drain = async {
                while let Some(m) = queued.recv().await {
                    let (m, permit) = match m {
                        Out::Next(id, payload) => (next_message(&id, &payload), None),
                        Out::Owned(m, permit) => (m, permit),
                    };
                    let last = matches!(m, Message::Close(_));
                    if sink.send(m).await.is_err() || last {
                        break;
                    }
                    drop(permit);
                }
            };
            tokio::select! {
                () = drain => {}
                () = async { closing.cancelled().await; tokio::time::sleep(DRAIN).await } => {}
            }
        }
    };
    let control = async move {
        control(&mut stream, &out, app, schema, client, locale).await;
        drop(out);
        closing.cancel();
    };
    tokio::join!(control, writer);
}

async fn control(
    stream: &mut futures_util::stream::SplitStream<WebSocket>,
    out: &Outbox,
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    client: Option<std::net::IpAddr>,
    locale: crate::locale::Locale,
) {
    // Watched from the start, so that a change during the handshake is not missed.
    // Both awaited across the loop's turns rather than made anew in each:
    // with 10,000 sockets woken by one event, re-registering with the
    // shared token and channel on every turn was a measurable share.
    let mut user_changes = {
        let mut rx = app.bus.watch_users();
        Box::pin(async_stream::stream! {
            loop {
                let changed = rx.recv().await;
                let closed = matches!(changed, Err(tokio::sync::broadcast::error::RecvError::Closed));
                yield changed;
                if closed {
                    break;
                }
            }
        })
    };
    let shutdown = app.shutdown.clone().cancelled_owned();
    tokio::pin!(shutdown);
    // Unbounded: the engine is driven by this same loop, so a bounded channel
    // could fill while we wait on it and never drain.
    let (to_engine, engine_input) = mpsc::unbounded_channel::<String>();
    let auth_slot: Arc<Mutex<Option<Auth>>> = Arc::default();
    let slot = auth_slot.clone();
    let loader_state = app.clone();
    let engine = async_graphql::http::WebSocket::new(schema.clone(), tokio_stream_of(engine_input), Protocols::GraphQLWS)
        .on_connection_init(move |_| async move {
            let auth = slot.lock().map(|mut s| s.take()).unwrap_or(None).unwrap_or(Auth::Anonymous);
            let mut data = Data::default();
            data.insert(auth);
            data.insert(Loaders::new(&loader_state));
            data.insert(RequestSettings::default());
            data.insert(ClientAddr(client));
            data.insert(locale);
            Ok(data)
        });
    tokio::pin!(engine);

    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    // Far in the future until a token says otherwise.
    let expiry = tokio::time::sleep(Duration::from_secs(86_400 * 365 * 30));
    tokio::pin!(expiry);
    let mut socket = Socket::new(app, schema, locale, auth_slot);

    loop {
        let turn = tokio::select! {
            () = &mut shutdown => {
                close(out, 1001, "Server shutting down").await;
                Turn::Stop
            }
            Some(changed) = user_changes.next(), if socket.session.is_some() => socket.user_changed(out, changed).await,
            () = &mut init_deadline, if !socket.initialised => {
                close(out, 4408, "Connection initialisation timeout").await;
                Turn::Stop
            }
            () = &mut expiry, if socket.acknowledged => {
                close(out, 4403, "Token expired").await;
                Turn::Stop
            }
            Some(item) = socket.live.next(), if !socket.live.is_empty() => socket.delivered(out, item).await,
            incoming = stream.next() => socket.client_said(out, incoming, expiry.as_mut()).await,
            outgoing = engine.next() => socket.engine_said(out, outgoing).await,
        };
        match turn {
            Turn::Go => {}
            Turn::Stop => break,
            Turn::Engine(text) => {
                if to_engine.send(text).is_err() {
                    break;
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
