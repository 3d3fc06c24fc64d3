//! What every GraphQL request goes through, over HTTP and WebSocket alike:
//! the document guard before execution (`guard`: limits checked on the text
//! and the parsed document, which is then handed on, not parsed twice), and
//! on each answer the error cap and codes (`guard`), the field order of the
//! query (`order`) and the caller's language (`language`).
//!
//! Documents are parsed once: a document that passed the guard is kept,
//! parsed, by its text (`Documents`), and a client may send the SHA-256 of
//! a document it sent before instead of the text (automatic persisted
//! queries, as Apollo's clients speak them: `extensions.persistedQuery`).
//!
//! An [`Executor`] around the schema rather than schema extensions: with
//! any extension registered, async-graphql builds resolve information (a
//! registry lookup, type-name strings) for every field and every list item
//! and runs the extension chain around each — a third of the throughput of
//! a page of 50 opportunities (measured with `salespulse-bench http`; docs/benchmarks.md).

use super::AppSchema;
use super::{guard, language, order};
use crate::locale::Locale;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Data, Executor, Request, Response, ServerError, Value};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use std::any::TypeId;
use std::sync::Arc;

#[derive(Clone)]
pub struct Pipeline {
    pub(super) schema: AppSchema,
    default_locale: Locale,
    /// The subscriptions' shared answers (`live`).
    pub(super) live: Arc<super::live::Live>,
    documents: Arc<Documents>,
    /// The schema's types, for what of an answer may be kept (`answers`).
    types: Arc<super::answers::Types>,
}

/// The document of a request, kept to put its answers in order.
pub(super) type Kept = Arc<(Arc<ExecutableDocument>, Option<String>)>;

/// Most bytes of document text each cache holds (the parsed form is a few
/// times its text); beyond, the least used go.
const DOCUMENT_CACHE_BYTES: u64 = 4 * 1024 * 1024;

/// Documents already parsed and checked, and the persisted ones by hash.
struct Documents {
    /// Documents that passed the guard, parsed, by their text.
    parsed: moka::sync::Cache<Arc<str>, Arc<ExecutableDocument>>,
    /// The text of each document a client registered, by its SHA-256
    /// (lower-case hex).
    persisted: moka::sync::Cache<String, Arc<str>>,
}

impl Default for Documents {
    fn default() -> Self {
        let weigh_parsed = |k: &Arc<str>, _: &Arc<ExecutableDocument>| u32::try_from(k.len()).unwrap_or(u32::MAX);
        let weigh_persisted = |k: &String, v: &Arc<str>| u32::try_from(k.len() + v.len()).unwrap_or(u32::MAX);
        Self {
            parsed: moka::sync::Cache::builder()
                .max_capacity(DOCUMENT_CACHE_BYTES)
                .weigher(weigh_parsed)
                .build(),
            persisted: moka::sync::Cache::builder()
                .max_capacity(DOCUMENT_CACHE_BYTES)
                .weigher(weigh_persisted)
                .build(),
        }
    }
}

impl Pipeline {
    pub fn new(schema: AppSchema, default_locale: Locale) -> Self {
        Self {
            types: Arc::new(super::answers::Types::of_sdl(&schema.sdl())),
            schema,
            default_locale,
            live: Arc::default(),
            documents: Arc::default(),
        }
    }

    /// Whether the answer to the document `query` just ran may be kept,
    /// and as what (`answers::keepable`), from the document the guard
    /// parsed: never parsed again. Not kept if it is no longer there.
    pub fn keepable(&self, query: &str) -> Option<super::answers::Kind> {
        let doc = self.documents.parsed.get(query)?;
        super::answers::keepable(&doc, &self.types)
    }

    fn locale(&self, request: &Data, session: Option<&Data>) -> Locale {
        let of = |d: &Data| d.get(&TypeId::of::<Locale>()).and_then(|b| b.downcast_ref::<Locale>()).copied();
        of(request).or_else(|| session.and_then(of)).unwrap_or(self.default_locale)
    }

    /// The text of a persisted query: with `extensions.persistedQuery` and
    /// no text, the text registered under its hash; with both, the text is
    /// checked against the hash (and registered once it passes the guard).
    /// Returns the hash to register.
    fn persisted(&self, request: &mut Request) -> Result<Option<String>, ServerError> {
        let Some(pq) = request.extensions.remove("persistedQuery") else {
            return Ok(None);
        };
        let Value::Object(pq) = pq else {
            return Err(guard::coded("persistedQuery must be an object", "BAD_REQUEST"));
        };
        if !matches!(pq.get("version"), Some(Value::Number(n)) if n.as_u64() == Some(1)) {
            return Err(guard::coded("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED"));
        }
        let hash = match pq.get("sha256Hash") {
            Some(Value::String(h)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => h.to_ascii_lowercase(),
            _ => {
                return Err(guard::coded(
                    "persistedQuery.sha256Hash must be 64 hexadecimal digits",
                    "BAD_REQUEST",
                ));
            }
        };
        if request.query.is_empty() {
            return match self.documents.persisted.get(&hash) {
                Some(text) => {
                    request.query = text.to_string();
                    Ok(None)
                }
                None => Err(guard::coded("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")),
            };
        }
        if crate::auth::refresh::sha256_hex(&request.query) != hash {
            return Err(guard::coded("provided sha does not match query", "BAD_REQUEST"));
        }
        Ok(Some(hash))
    }

    /// The guard: limits on the text, then on the parsed document — once
    /// per distinct text; the variables are checked every time.
    pub(super) fn prepare(&self, mut request: Request) -> Result<(Request, Kept), ServerError> {
        let register = self.persisted(&mut request)?;
        let doc = match self.documents.parsed.get(request.query.as_str()) {
            Some(doc) => {
                guard::check_variables(&request.variables)?;
                guard::check_uploads(None, &request.variables, request.uploads.len())?;
                doc
            }
            None => {
                guard::scan_text(&request.query)?;
                guard::check_uploads(Some(&request.query), &request.variables, request.uploads.len())?;
                let doc = async_graphql::parser::parse_query(&request.query)?;
                guard::check_document(&doc, &request.variables)?;
                let doc = Arc::new(doc);
                self.documents.parsed.insert(Arc::from(request.query.as_str()), doc.clone());
                doc
            }
        };
        if let Some(hash) = register {
            self.documents.persisted.insert(hash, Arc::from(request.query.as_str()));
        }
        request.set_parsed_query((*doc).clone());
        // The operation it runs, named once for every step after this one.
        request.operation_name = super::operation::name_to_run(&doc, request.operation_name.take());
        let kept = Arc::new((doc, request.operation_name.clone()));
        Ok((request, kept))
    }

    /// The type of the operation `request` would run, when its document
    /// passes the guard (for a GET, which may not mutate); its persisted
    /// query, if any, is resolved into it. `None` leaves the request as it
    /// was, for the execution to refuse.
    pub fn operation_type(&self, request: &mut Request) -> Option<OperationType> {
        let mut probe = Request::new(request.query.clone()).variables(request.variables.clone());
        probe.extensions = request.extensions.clone();
        let (probe, kept) = self.prepare(probe).ok()?;
        request.query = probe.query;
        request.extensions.remove("persistedQuery");
        super::operation::select(&kept.0, request.operation_name.as_deref()).map(|op| op.node.ty)
    }

    pub(super) fn finish(resp: &mut Response, kept: Option<&Kept>, locale: Locale) {
        guard::cap_errors(&mut resp.errors);
        guard::code_errors(&mut resp.errors);
        if let Some(k) = kept {
            order::reorder_response(&k.0, k.1.as_deref(), resp);
        }
        language::localize(resp, locale);
    }
}

impl Executor for Pipeline {
    async fn execute(&self, request: Request) -> Response {
        let locale = self.locale(&request.data, None);
        match self.prepare(request) {
            Ok((request, kept)) => {
                let mut resp = self.schema.execute(request).await;
                Self::finish(&mut resp, Some(&kept), locale);
                resp
            }
            Err(e) => {
                let mut resp = Response::from_errors(vec![e]);
                Self::finish(&mut resp, None, locale);
                resp
            }
        }
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let locale = self.locale(&request.data, session_data.as_deref());
        match self.prepare(request) {
            Ok((request, kept)) => Executor::execute_stream(&self.schema, request, session_data)
                .map(move |mut resp| {
                    Self::finish(&mut resp, Some(&kept), locale);
                    resp
                })
                .boxed(),
            Err(e) => {
                let mut resp = Response::from_errors(vec![e]);
                Self::finish(&mut resp, None, locale);
                futures_util::stream::once(async move { resp }).boxed()
            }
        }
    }
}

impl Pipeline {
    /// The subscription groups alive on this process.
    pub fn live_groups(&self) -> usize {
        self.live.groups()
    }
}
