//! Subscriptions multiplexed. Each process reads each new range of the
//! event log once (`crate::events::EventFeed`) and every subscription
//! matches kind and audience in memory (`crate::events::stream`). What a
//! subscriber receives for an event — its selection resolved and the answer
//! serialized — is computed once per *group* and shared: a group is every
//! subscription of one process with the same document, operation and
//! variables (its `after` aside), the same language and the same viewer
//! (user, role, tracks), so what one member is sent is exactly what each
//! would have been sent alone. The first member to reach an event resolves
//! it; the others wait for that answer and reuse it.
//!
//! A subscription's document is checked once, when it starts, by running
//! its root field without an event (the *probe*): the guard, parsing,
//! validation and the root field's own checks (logged in, a valid `after`)
//! answer exactly as they would for a query.

use super::ctx::{ClientAddr, RequestSettings};
use super::events::{Current, Probe};
use super::loaders::Loaders;
use super::pipeline::Pipeline;
use crate::auth::Auth;
use crate::locale::Locale;
use crate::state::AppState;
use async_graphql::parser::types::{OperationType, Selection};
use async_graphql::{Executor, Request, Response, Value, Variables};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// How long a resolved answer is kept for the members still to send it.
const ANSWER_TTL: Duration = Duration::from_secs(10);
/// Most bytes of answers the process keeps (each a few hundred bytes): past
/// it the least used go, and a member that needs one again resolves it.
const ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// The events a socket's queue holds (`ws`): a group keeps as many answers.
pub const QUEUE: usize = 1024;
/// How often the answers past their time are dropped, events or not (moka
/// drops them as it is used; this gives the memory back after a burst).
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// One event, as a subscription's members are sent it.
#[derive(Clone)]
pub struct Delivery {
    /// The event's id (the `after` to resume from is one less).
    pub event_id: i64,
    /// The `payload` of the `next` message: `{"data":…}` as JSON.
    pub payload: Arc<str>,
    /// Read from the log (a replay after `after`, or a catch-up): it may be
    /// sent at the client's pace. A live one may not wait.
    pub replayed: bool,
}

/// What became of a `subscribe` message.
pub enum Subscribed {
    /// A query or mutation (or a document the engine must refuse): the
    /// protocol engine answers it as before.
    NotSubscription,
    /// Refused when it started: `error` (nothing ran) or `next` + `complete`
    /// (the root field refused, e.g. anonymous or a bad `after`).
    Refused { nothing_ran: bool, payload: serde_json::Value },
    /// Events as they come.
    Live(BoxStream<'static, Delivery>),
}

/// Everything that makes two subscriptions' answers the same.
#[derive(Hash, PartialEq, Eq)]
struct GroupKey {
    viewer: Option<(i64, entity::Role, Vec<i64>)>,
    locale: Locale,
    query: String,
    operation: Option<String>,
    variables: String,
}

/// A group: the document its members share and their answers; the group
/// lives while a member holds it, and its answers with it, so an answer
/// never reaches another group.
struct Group {
    /// Unique in the process: the group's answers are kept under it.
    id: u64,
    document: Arc<Document>,
    /// What the members resolve as: one viewer, one language.
    resolver: Resolver,
}

/// What a group needs to resolve an event's answer without a member: the
/// members' viewer (one for the whole group), their events and language.
struct Resolver {
    schema: super::AppSchema,
    app: Arc<AppState>,
    auth: Auth,
    locale: Locale,
    listener: crate::store::events::Listener,
    kinds: &'static [entity::EventKind],
}

impl Group {
    /// Whether the group's members receive `row`.
    fn receives(&self, row: &entity::event::Model) -> bool {
        self.resolver.kinds.contains(&row.kind) && crate::store::events::admits(&self.resolver.listener, row)
    }

    /// The answer the members are sent for `row`, resolved once: before
    /// the members are woken (`Live::prepare`), or by the first member to
    /// reach it, the others waiting for it.
    async fn answer_for(&self, live: &Live, row: Arc<entity::event::Model>) -> Arc<str> {
        live.answers.get_with((self.id, row.id), self.resolve(live, row)).await
    }

    /// The answer the members are sent for `row`.
    async fn resolve(&self, live: &Live, row: Arc<entity::event::Model>) -> Arc<str> {
        let r = &self.resolver;
        let loaders = live.loaders.get_with(row.id, || Arc::new(Loaders::new(&r.app)));
        let request = self.document.request(&r.auth, r.locale).data(Current(row)).data(loaders);
        let mut resp = Executor::execute_stream(&r.schema, request, None)
            .next()
            .await
            .unwrap_or_else(|| Response::from_errors(vec![async_graphql::ServerError::new("no answer for the event", None)]));
        Pipeline::finish(&mut resp, Some(&self.document.kept), r.locale);
        Arc::from(serde_json::to_string(&resp).unwrap_or_else(|_| String::from("{}")))
    }
}

/// The process's groups and their shared answers.
pub struct Live {
    groups: Mutex<Groups>,
    /// Loaders shared by every group resolving one event, made after the
    /// event was committed (so "as it is now" holds), batched across groups.
    loaders: moka::sync::Cache<i64, Arc<Loaders>>,
    /// Every group's answers, by group and event: bounded by their size,
    /// none older than [`ANSWER_TTL`].
    answers: moka::future::Cache<(u64, i64), Arc<str>>,
    next_group: std::sync::atomic::AtomicU64,
    sweeping: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
struct Groups {
    by_key: HashMap<GroupKey, Weak<Group>>,
    prune_at: usize,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            groups: Mutex::default(),
            loaders: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(10))
                .build(),
            answers: moka::future::Cache::builder()
                .max_capacity(ANSWER_BYTES)
                .weigher(|_, answer: &Arc<str>| u32::try_from(answer.len()).unwrap_or(u32::MAX))
                .time_to_live(ANSWER_TTL)
                .build(),
            next_group: std::sync::atomic::AtomicU64::new(0),
            sweeping: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

impl Live {
    /// The group of `key`, made with `document` when there is none.
    fn group(&self, key: GroupKey, document: Document, resolver: Resolver) -> Arc<Group> {
        let mut groups = self.groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = groups.by_key.get(&key).and_then(Weak::upgrade) {
            return found;
        }
        let group = Arc::new(Group {
            id: self.next_group.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            document: Arc::new(document),
            resolver,
        });
        groups.by_key.insert(key, Arc::downgrade(&group));
        if groups.by_key.len() >= groups.prune_at {
            groups.by_key.retain(|_, g| g.strong_count() > 0);
            groups.prune_at = (groups.by_key.len() * 2).max(1024);
        }
        group
    }

    /// Drops the answers past their time, every [`SWEEP_EVERY`], so that
    /// memory comes back after a burst even when no event follows; started
    /// with the first subscription, ends with this `Live`.
    fn start_sweeping(self: &Arc<Self>) {
        if self.sweeping.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(SWEEP_EVERY).await;
                let Some(live) = weak.upgrade() else { return };
                live.answers.run_pending_tasks().await;
            }
        });
    }

    /// Resolves, once per group, the answers to the events of `batch` its
    /// members receive, before the feed wakes them: a member then finds
    /// its answer ready and is woken once, to send it, instead of waiting
    /// for the first member to resolve it. The groups resolve side by side
    /// (a task each); a group's own events go in order.
    async fn prepare(self: Arc<Self>, batch: crate::events::Batch) {
        let groups: Vec<Arc<Group>> = {
            let groups = self.groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            groups.by_key.values().filter_map(Weak::upgrade).collect()
        };
        let mut tasks = tokio::task::JoinSet::new();
        for group in groups {
            let rows: Vec<Arc<entity::event::Model>> = batch.iter().filter(|r| group.receives(r)).cloned().collect();
            if rows.is_empty() {
                continue;
            }
            let live = self.clone();
            tasks.spawn(async move {
                for row in rows {
                    group.answer_for(&live, row).await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    }

    /// The groups alive now (for the benchmark's report and tests).
    pub fn groups(&self) -> usize {
        let groups = self.groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        groups.by_key.values().filter(|g| g.strong_count() > 0).count()
    }
}

/// A subscription's document, checked, ready to be resolved per event.
struct Document {
    query: String,
    operation: Option<String>,
    variables: Variables,
    kept: super::pipeline::Kept,
}

impl Pipeline {
    /// Starts the subscription of a `subscribe` message's `payload` for
    /// `auth`, or says it is not one.
    pub async fn subscribe(&self, app: &Arc<AppState>, auth: &Auth, locale: Locale, payload: serde_json::Value) -> Subscribed {
        let Ok(request) = serde_json::from_value::<Request>(payload) else {
            return Subscribed::NotSubscription;
        };
        let Ok((request, kept)) = self.prepare(request) else {
            return Subscribed::NotSubscription;
        };
        let (query, operation, variables) = (request.query, request.operation_name, request.variables);
        let Some(after_variable) = subscription_after_variable(&kept.0, operation.as_deref()) else {
            return Subscribed::NotSubscription;
        };
        let document = Document {
            query,
            operation,
            variables,
            kept,
        };

        // The probe: the root field runs once without an event.
        let probe = Arc::new(Probe::default());
        let request = document.request(auth, locale).data(probe.clone());
        let refusal = Executor::execute_stream(&self.schema, request, None).next().await;
        let Some((kinds, after)) = probe.take() else {
            let mut resp = refusal
                .unwrap_or_else(|| Response::from_errors(vec![async_graphql::ServerError::new("the subscription did not start", None)]));
            Self::finish(&mut resp, Some(&document.kept), locale);
            let nothing_ran = resp.data == Value::Null && resp.errors.iter().all(|e| e.path.is_empty());
            let payload = serde_json::to_value(&resp).unwrap_or_default();
            return Subscribed::Refused { nothing_ran, payload };
        };
        let Ok(viewer) = auth.viewer() else {
            return Subscribed::NotSubscription;
        };

        let mut shared_variables = document.variables.clone();
        if let Some(name) = &after_variable {
            shared_variables.remove(&async_graphql::Name::new(name));
        }
        let mut tracks = viewer.track_ids.clone();
        tracks.sort_unstable();
        let key = GroupKey {
            viewer: Some((viewer.user_id, viewer.role, tracks)),
            locale,
            query: document.query.clone(),
            operation: document.operation.clone(),
            variables: serde_json::to_string(&shared_variables).unwrap_or_default(),
        };
        let resolver = Resolver {
            schema: self.schema.clone(),
            app: app.clone(),
            auth: auth.clone(),
            locale,
            listener: crate::store::events::Listener::of(viewer),
            kinds,
        };
        // Alike subscriptions share one document (and its parsed form).
        let group = self.live.group(key, document, resolver);
        self.live.start_sweeping();
        // The feed resolves each group's answers before it wakes the
        // members (held weakly: the feed lives in the state the schema holds).
        let weak = Arc::downgrade(&self.live);
        app.feed.prepare_with(Arc::new(move |batch| {
            let weak = weak.clone();
            Box::pin(async move {
                if let Some(live) = weak.upgrade() {
                    live.prepare(batch).await;
                }
            })
        }));

        let rows = crate::events::stream(app.clone(), crate::store::events::Listener::of(viewer), kinds, after);
        let live = self.live.clone();
        let deliveries = rows.then(move |(row, replayed)| {
            let (live, group) = (live.clone(), group.clone());
            // Boxed, so that an idle subscription holds a pointer, not the
            // resolution's whole state.
            Box::pin(async move {
                let event_id = row.id;
                let payload = group.answer_for(&live, row).await;
                Delivery {
                    event_id,
                    payload,
                    replayed,
                }
            })
        });
        Subscribed::Live(deliveries.boxed())
    }
}

impl Document {
    /// A request for this document, already parsed and guarded.
    fn request(&self, auth: &Auth, locale: Locale) -> Request {
        let mut request = Request::new(self.query.clone()).variables(self.variables.clone());
        if let Some(op) = &self.operation {
            request = request.operation_name(op.clone());
        }
        request.set_parsed_query((*self.kept.0).clone());
        request
            .data(auth.clone())
            .data(RequestSettings::default())
            .data(ClientAddr(None))
            .data(locale)
    }
}

/// For a subscription operation: `Some` with the variable that feeds its
/// root field's `after` (if any); `None` when the operation is not a
/// subscription (or cannot be found: the engine then refuses it).
fn subscription_after_variable(doc: &async_graphql::parser::types::ExecutableDocument, operation: Option<&str>) -> Option<Option<String>> {
    let op = super::operation::select(doc, operation)?;
    if op.node.ty != OperationType::Subscription {
        return None;
    }
    let variable = op.node.selection_set.node.items.iter().find_map(|s| match &s.node {
        Selection::Field(f) => f.node.get_argument("after").and_then(|v| match &v.node {
            async_graphql_value::Value::Variable(name) => Some(name.to_string()),
            _ => None,
        }),
        _ => None,
    });
    Some(variable)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One answer per group and event, whoever asks first; another group's
    /// is its own; bounded by size and gone past its time.
    #[tokio::test]
    async fn members_share_an_event_s_answer_and_the_kept_answers_are_bounded_and_expire() {
        let live = Live::default();
        let first = live.answers.get_with((1, 10), async { Arc::from("a") }).await;
        let again = live.answers.get_with((1, 10), async { Arc::from("b") }).await;
        assert!(Arc::ptr_eq(&first, &again), "one answer per event and group");
        let other = live.answers.get_with((2, 10), async { Arc::from("c") }).await;
        assert_eq!(&*other, "c", "another group resolves its own");
        let big: Arc<str> = Arc::from("x".repeat(1024 * 1024));
        for id in 0..100 {
            live.answers.insert((3, id), big.clone()).await;
        }
        live.answers.run_pending_tasks().await;
        assert!(live.answers.weighted_size() <= ANSWER_BYTES, "bounded by size");
        assert_eq!(live.answers.policy().time_to_live(), Some(ANSWER_TTL));
    }
}
