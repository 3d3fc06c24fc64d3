//! One socket's state between the turns of its loop, and what each kind of
//! turn does: a user's access changed, a live delivery, a client message,
//! an answer of the protocol engine. Each says what the loop does next.

use super::*;

/// What the loop does after a turn.
pub(super) enum Turn {
    /// Wait for the next turn.
    Go,
    /// Hand the client's message to the protocol engine.
    Engine(String),
    /// The socket is done (closed with a code, or gone).
    Stop,
}

/// What a socket knows between two turns.
pub(super) struct Socket {
    app: Arc<AppState>,
    schema: crate::graphql::pipeline::Pipeline,
    locale: crate::locale::Locale,
    /// Where `connection_init`'s verdict waits for the engine's data.
    auth_slot: Arc<Mutex<Option<Auth>>>,
    pub(super) initialised: bool,
    pub(super) acknowledged: bool,
    /// The operations running, by id.
    ids: HashSet<String>,
    /// Operations answered with `error`: the engine's `complete` for them is not sent.
    refused: HashSet<String>,
    /// Who the socket runs as, the header that said so, and his slot.
    pub(super) session: Option<(crate::auth::Viewer, Option<String>, SocketSlot)>,
    socket_auth: Auth,
    /// The subscriptions this loop serves itself (multiplexed), by id.
    pub(super) live: SelectAll<BoxStream<'static, LiveItem>>,
    live_handles: HashMap<String, AbortHandle>,
}

impl Socket {
    pub(super) fn new(
        app: Arc<AppState>,
        schema: crate::graphql::pipeline::Pipeline,
        locale: crate::locale::Locale,
        auth_slot: Arc<Mutex<Option<Auth>>>,
    ) -> Self {
        Self {
            app,
            schema,
            locale,
            auth_slot,
            initialised: false,
            acknowledged: false,
            ids: HashSet::new(),
            refused: HashSet::new(),
            session: None,
            socket_auth: Auth::Anonymous,
            live: SelectAll::new(),
            live_handles: HashMap::new(),
        }
    }

    /// A user's access changed (or changes were missed): if it was this
    /// socket's user, his token must still hold as it did.
    pub(super) async fn user_changed(&mut self, out: &Outbox, changed: Result<i64, tokio::sync::broadcast::error::RecvError>) -> Turn {
        let Some((viewer, authorization, _)) = &self.session else {
            return Turn::Go;
        };
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
                Box::pin(service::auth::authenticate(&self.app, authorization.as_deref())).await,
                Ok(Auth::Viewer(v)) if v.role == viewer.role && v.track_ids == viewer.track_ids
            );
            if !still {
                close(out, 4403, "Access changed: log in again").await;
                return Turn::Stop;
            }
        }
        Turn::Go
    }

    /// A live subscription's next delivery, or its end.
    pub(super) async fn delivered(&mut self, out: &Outbox, (id, quoted, delivery): LiveItem) -> Turn {
        let Some(delivery) = delivery else {
            // The stream ended (the server is stopping); ended by us or the client: nothing to say.
            if self.live_handles.remove(id.as_ref()).is_some() {
                self.ids.remove(id.as_ref());
                let done = serde_json::json!({ "id": id.as_ref(), "type": "complete" });
                if out.send(Message::Text(done.to_string().into())).await.is_err() {
                    return Turn::Stop;
                }
            }
            return Turn::Go;
        };
        let message = Out::Next(quoted, delivery.payload.clone());
        let sent = if delivery.replayed {
            // A replay goes at the client's pace, unless he stops reading.
            match tokio::time::timeout(REPLAY_PATIENCE, out.queue.send(message)).await {
                Ok(Ok(())) => Queued::Yes,
                Ok(Err(_)) => Queued::Gone,
                Err(_) => Queued::Full,
            }
        } else {
            match out.queue.try_send(message) {
                Ok(()) => Queued::Yes,
                Err(queue::TrySendError::Full) => Queued::Full,
                Err(queue::TrySendError::Closed) => Queued::Gone,
            }
        };
        match sent {
            Queued::Yes => Turn::Go,
            Queued::Gone => Turn::Stop,
            Queued::Full => {
                // This socket cannot keep up: end this subscription and
                // say where to resume; nothing is lost, nobody waits.
                if let Some(handle) = self.live_handles.remove(id.as_ref()) {
                    handle.abort();
                }
                self.ids.remove(id.as_ref());
                if out.send(slow_consumer(&id, delivery.event_id - 1, self.locale)).await.is_err() {
                    return Turn::Stop;
                }
                Turn::Go
            }
        }
    }

    /// A message from the client, checked here before the engine sees it.
    pub(super) async fn client_said(
        &mut self,
        out: &Outbox,
        incoming: Option<Result<Message, axum::Error>>,
        expiry: std::pin::Pin<&mut tokio::time::Sleep>,
    ) -> Turn {
        let text = match incoming {
            Some(Ok(Message::Text(t))) => t.to_string(),
            Some(Ok(Message::Binary(_))) => {
                close(out, 4400, "Binary messages are not supported").await;
                return Turn::Stop;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Turn::Go,
            // Over MAX_MESSAGE: told so (1009, RFC 6455), not dropped (1006).
            Some(Err(e)) if too_big(&e) => {
                close(out, 1009, "Message too big").await;
                return Turn::Stop;
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Turn::Stop,
        };
        let Ok(mut msg) = serde_json::from_str::<serde_json::Value>(&text) else {
            close(out, 4400, "Invalid message").await;
            return Turn::Stop;
        };
        let id = msg.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        match msg.get("type").and_then(|v| v.as_str()) {
            Some("connection_init") => {
                if self.initialised {
                    close(out, 4429, "Too many initialisation requests").await;
                    return Turn::Stop;
                }
                self.initialised = true;
                let authorization = msg
                    .get("payload")
                    .and_then(|p| p.as_object())
                    .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")))
                    .and_then(|(_, v)| v.as_str().map(str::to_owned));
                let auth = match Box::pin(service::auth::authenticate(&self.app, authorization.as_deref())).await {
                    Ok(Auth::Refused(_)) | Err(_) => {
                        close(out, 4403, "Forbidden").await;
                        return Turn::Stop;
                    }
                    Ok(a) => a,
                };
                if let Auth::Viewer(v) = &auth {
                    let Some(slot) = take_slot(&self.app, v.user_id) else {
                        close(out, 4429, "Too many connections for this user").await;
                        return Turn::Stop;
                    };
                    let deadline = tokio::time::Instant::now() + seconds_until(v.token_expires_at, &self.app);
                    expiry.reset(deadline);
                    self.session = Some((v.clone(), authorization.clone(), slot));
                }
                self.socket_auth = auth.clone();
                if let Ok(mut s) = self.auth_slot.lock() {
                    *s = Some(auth);
                }
            }
            Some("subscribe") => {
                if !self.acknowledged {
                    close(out, 4401, "Unauthorized").await;
                    return Turn::Stop;
                }
                let Some(id) = id.filter(|i| !i.is_empty()) else {
                    close(out, 4400, "Subscribe without an id").await;
                    return Turn::Stop;
                };
                if self.ids.contains(&id) {
                    close(out, 4409, &format!("Subscriber for {id} already exists")).await;
                    return Turn::Stop;
                }
                if self.ids.len() >= MAX_SUBSCRIPTIONS {
                    let refusal = serde_json::json!({ "id": id, "type": "error", "payload": [{
                        "message": format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection"),
                        "extensions": { "code": "TOO_MANY_SUBSCRIPTIONS" } }] });
                    if out.send(Message::Text(refusal.to_string().into())).await.is_err() {
                        return Turn::Stop;
                    }
                    return Turn::Go;
                }
                let payload = msg.get_mut("payload").map(serde_json::Value::take).unwrap_or_default();
                return self.subscribe(out, id, payload, text).await;
            }
            Some("complete") => {
                if let Some(id) = &id {
                    self.ids.remove(id);
                    if let Some(handle) = self.live_handles.remove(id) {
                        handle.abort();
                        return Turn::Go;
                    }
                }
            }
            Some("ping" | "pong") => {}
            _ => {
                close(out, 4400, "Invalid message type").await;
                return Turn::Stop;
            }
        }
        Turn::Engine(text)
    }

    /// A `subscribe` that passed the socket's checks: a subscription served
    /// here, a refusal answered here, or a query or mutation for the engine.
    async fn subscribe(&mut self, out: &Outbox, id: String, payload: serde_json::Value, text: String) -> Turn {
        match Box::pin(self.schema.subscribe(&self.app, &self.socket_auth, self.locale, payload)).await {
            // A query or mutation: the engine answers it.
            Subscribed::NotSubscription => {
                self.ids.insert(id);
                Turn::Engine(text)
            }
            Subscribed::Refused { nothing_ran, payload } => {
                let answer = if nothing_ran {
                    serde_json::json!({ "id": id, "type": "error", "payload": payload["errors"] }).to_string()
                } else {
                    serde_json::json!({ "id": id, "type": "next", "payload": payload }).to_string()
                };
                if out.send(Message::Text(answer.into())).await.is_err() {
                    return Turn::Stop;
                }
                if !nothing_ran {
                    let done = serde_json::json!({ "id": id, "type": "complete" }).to_string();
                    if out.send(Message::Text(done.into())).await.is_err() {
                        return Turn::Stop;
                    }
                }
                Turn::Go
            }
            Subscribed::Live(deliveries) => {
                let (handle, registration) = AbortHandle::new_pair();
                let quoted: Arc<str> = Arc::from(serde_json::Value::from(id.as_str()).to_string());
                let name: Arc<str> = Arc::from(id.as_str());
                let (n, q) = (name.clone(), quoted.clone());
                let items = Abortable::new(deliveries, registration)
                    .map(move |d| (n.clone(), q.clone(), Some(d)))
                    .chain(futures_util::stream::once(async move { (name, quoted, None) }));
                self.live.push(items.boxed());
                self.live_handles.insert(id.clone(), handle);
                self.ids.insert(id);
                Turn::Go
            }
        }
    }

    /// An answer of the protocol engine, watched on its way to the client
    /// to keep the set of running operations.
    pub(super) async fn engine_said(&mut self, out: &Outbox, outgoing: Option<WsMessage>) -> Turn {
        match outgoing {
            Some(WsMessage::Text(mut text)) => {
                if let Ok(msg) = serde_json::from_str::<serde_json::Value>(&text) {
                    let id = msg.get("id").and_then(|v| v.as_str()).map(str::to_owned);
                    match msg.get("type").and_then(|v| v.as_str()) {
                        Some("connection_ack") => self.acknowledged = true,
                        Some("complete") => {
                            // Already ended by the `error` sent in place of its refusal.
                            if id.as_ref().is_some_and(|i| self.refused.remove(i)) {
                                return Turn::Go;
                            }
                            if let Some(id) = &id {
                                self.ids.remove(id);
                            }
                        }
                        Some("error") => {
                            if let Some(id) = &id {
                                self.ids.remove(id);
                            }
                        }
                        Some("next") if is_refusal(&msg) => {
                            // Nothing ran (the document did not parse or validate):
                            // the protocol answers that with `error`, which ends the operation.
                            if let Some(id) = id {
                                self.ids.remove(&id);
                                text = serde_json::json!({ "id": id, "type": "error", "payload": msg["payload"]["errors"] }).to_string();
                                self.refused.insert(id);
                            }
                        }
                        _ => {}
                    }
                }
                if out.send(Message::Text(text.into())).await.is_err() {
                    return Turn::Stop;
                }
                Turn::Go
            }
            Some(WsMessage::Close(code, reason)) => {
                close(out, code, &reason).await;
                Turn::Stop
            }
            None => Turn::Stop,
        }
    }
}
