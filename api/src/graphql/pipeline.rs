//! What every GraphQL request goes through, over HTTP and WebSocket alike:
//! the document guard before execution (`guard`: limits checked on the text
//! and the parsed document, which is then handed on, not parsed twice), and
//! on each answer the error cap and codes (`guard`), the field order of the
//! query (`order`) and the caller's language (`language`).
//!
//! An [`Executor`] around the schema rather than schema extensions: with
//! any extension registered, async-graphql builds resolve information (a
//! registry lookup, type-name strings) for every field and every list item
//! and runs the extension chain around each — a third of the throughput of
//! a page of 50 opportunities (`salespulse bench http`: 148 → 207 req/s).

use super::AppSchema;
use super::{guard, language, order};
use crate::domain::labels::Locale;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Executor, Request, Response, ServerError};
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
}

/// The document of a request, kept to put its answers in order.
pub(super) type Kept = Arc<(ExecutableDocument, Option<String>)>;

impl Pipeline {
    pub fn new(schema: AppSchema, default_locale: Locale) -> Self {
        Self {
            schema,
            default_locale,
            live: Arc::default(),
        }
    }

    fn locale(&self, request: &Data, session: Option<&Data>) -> Locale {
        let of = |d: &Data| d.get(&TypeId::of::<Locale>()).and_then(|b| b.downcast_ref::<Locale>()).copied();
        of(request).or_else(|| session.and_then(of)).unwrap_or(self.default_locale)
    }

    /// The guard: limits on the text, then on the parsed document.
    pub(super) fn prepare(mut request: Request) -> Result<(Request, Kept), ServerError> {
        guard::scan_text(&request.query)?;
        let doc = async_graphql::parser::parse_query(&request.query)?;
        guard::check_document(&doc, &request.variables)?;
        let kept = Arc::new((doc.clone(), request.operation_name.clone()));
        request.set_parsed_query(doc);
        Ok((request, kept))
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
        match Self::prepare(request) {
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
        match Self::prepare(request) {
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
