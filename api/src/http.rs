//! The HTTP surface: GraphQL over HTTP (POST and GET), GraphQL over
//! WebSocket (graphql-transport-ws), GraphiQL, health and readiness.
//!
//! Our own thin handler around `Schema::execute` instead of the stock one,
//! to get the GraphQL-over-HTTP rules right: media-type negotiation, 4xx
//! for requests that do not parse or validate (under
//! `application/graphql-response+json`), no mutations over GET, and a
//! capped body.

use crate::config::MAX_BODY_BYTES;
use crate::error::AppError;
use crate::graphql::{ctx::ClientAddr, ctx::RequestSettings, loaders::Loaders};
use crate::service;
use crate::state::AppState;
use async_graphql::ServerError;
use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::sync::Arc;

/// What the router's handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub app: Arc<AppState>,
    pub schema: crate::graphql::pipeline::Pipeline,
    /// Whole answers to board-only queries (`graphql::answers`).
    pub answers: Arc<crate::graphql::answers::Answers>,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

/// The service's routes.
pub fn router(state: HttpState) -> Router {
    let mut r = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz));
    if state.app.config.graphiql {
        r = r.route("/", get(graphiql));
        if let crate::graphiql::Assets::Dir(dir) = &state.app.config.graphiql_assets {
            r = r.nest_service(crate::graphiql::LOCAL_PATH, tower_http::services::ServeDir::new(dir));
        }
    }
    protect(r.with_state(state))
}

/// The layers every route gets: a panic answers `INTERNAL` (500) instead of
/// taking anything down, a body arrives within its read timeout, a request
/// is answered within its timeout, bodies are capped.
pub fn protect(router: Router) -> Router {
    use crate::server::{BODY_READ_TIMEOUT, REQUEST_TIMEOUT};
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_READ_TIMEOUT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::http::Response<axum::body::Body> {
    let detail = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    let err = AppError::internal(format!("panic: {detail}"));
    let body = serde_json::json!({ "errors": [{ "message": err.message(), "extensions": { "code": err.code() } }] });
    let mut resp = axum::http::Response::new(axum::body::Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}

/// GraphiQL, its scripts from the configured source (`crate::graphiql`).
async fn graphiql(State(s): State<HttpState>) -> Html<String> {
    Html(crate::graphiql::page(&s.app.config.graphiql_assets))
}

async fn readyz(State(s): State<HttpState>) -> Response {
    if crate::store::ping(&s.app.db).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// Which media type the client gets, from its `Accept` header.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let mut best: Option<(&'static str, f32)> = None;
    for part in accept.split(',') {
        let mut bits = part.split(';');
        let mime = bits.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = bits
            .filter_map(|b| b.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()))
            .next()
            .unwrap_or(1.0);
        let kind = match mime.as_str() {
            GRAPHQL_RESPONSE => GRAPHQL_RESPONSE,
            JSON | "application/*" | "*/*" => JSON,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(k, bq)| q > bq || (q == bq && kind == GRAPHQL_RESPONSE && k != GRAPHQL_RESPONSE)) {
            best = Some((kind, q));
        }
    }
    best.map(|(k, _)| k)
}

fn error_body(status: StatusCode, media: &'static str, message: &str, code: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body.to_string()).into_response()
}

/// The caller's language: the best of ours in `Accept-Language`, else the
/// configured default.
fn locale_of(headers: &HeaderMap, app: &AppState) -> crate::locale::Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::locale::Locale::from_accept_language)
        .unwrap_or(app.config.default_locale)
}

/// A request error: the document did not parse or validate, so nothing ran.
fn is_request_error(resp: &async_graphql::Response) -> bool {
    resp.data == async_graphql::Value::Null && !resp.errors.is_empty() && resp.errors.iter().all(|e: &ServerError| e.path.is_empty())
}

/// Who is asking: a viewer, nobody, or a refused token (told when a field needs a viewer).
async fn authenticate(s: &HttpState, headers: &HeaderMap, media: &'static str) -> Result<crate::auth::Auth, Response> {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    service::auth::authenticate(&s.app, authorization)
        .await
        .map_err(|e| error_body(StatusCode::INTERNAL_SERVER_ERROR, media, &e.message(), e.code()))
}

async fn execute(s: &HttpState, headers: &HeaderMap, client: ClientAddr, media: &'static str, request: async_graphql::Request) -> Response {
    let auth = match authenticate(s, headers, media).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    execute_as(s, headers, client, media, request, auth).await
}

async fn execute_as(
    s: &HttpState,
    headers: &HeaderMap,
    client: ClientAddr,
    media: &'static str,
    request: async_graphql::Request,
    auth: crate::auth::Auth,
) -> Response {
    let (status, body, _) = answer(s, headers, client, media, request, auth, Arc::default()).await;
    respond(status, media, body)
}

/// Runs a request: the status, the body and whether it answered without an error.
async fn answer(
    s: &HttpState,
    headers: &HeaderMap,
    client: ClientAddr,
    media: &'static str,
    request: async_graphql::Request,
    auth: crate::auth::Auth,
    keep_until: Arc<crate::graphql::answers::KeepUntil>,
) -> (StatusCode, Result<String, AppError>, bool) {
    let request = request
        .data(auth)
        .data(keep_until)
        .data(locale_of(headers, &s.app))
        .data(Loaders::new(&s.app))
        .data(RequestSettings::default())
        .data(client);
    let resp = async_graphql::Executor::execute(&s.schema, request).await;
    let request_error = is_request_error(&resp);
    let status = if media == GRAPHQL_RESPONSE && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // Nothing ran: the answer has no `data` key at all (GraphQL over HTTP).
    let body = if request_error {
        serde_json::to_string(&serde_json::json!({ "errors": resp.errors }))
    } else {
        serde_json::to_string(&resp)
    };
    (status, body.map_err(AppError::internal), resp.errors.is_empty())
}

fn respond(status: StatusCode, media: &'static str, body: Result<String, AppError>) -> Response {
    match body {
        Ok(body) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body).into_response(),
        Err(err) => error_body(StatusCode::INTERNAL_SERVER_ERROR, media, &err.message(), err.code()),
    }
}

fn client_of(extensions: &Extensions) -> ClientAddr {
    ClientAddr(crate::server::client_address(extensions).map(|a| a.ip()))
}

async fn graphql_post(State(s): State<HttpState>, extensions: Extensions, headers: HeaderMap, body: Body) -> Response {
    let Some(media) = negotiate(&headers) else {
        return error_body(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/graphql-response+json or application/json",
            "NOT_ACCEPTABLE",
        );
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(MULTIPART) {
        return upload(&s, client_of(&extensions), &headers, media, content_type, body).await;
    }
    if !essence.eq_ignore_ascii_case(JSON) {
        return error_body(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as application/json (a file as multipart/form-data)",
            "UNSUPPORTED_MEDIA_TYPE",
        );
    }
    let body = match read_body(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    // Read before the viewer is: a change of people after it (his tracks,
    // his role) moves it on, so an answer made for his old scope is never
    // kept under the new generation.
    let generation = s.app.bus.fresh.now();
    let auth = match authenticate(&s, &headers, media).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    // A board-only query asked before by the same viewer, the board unchanged since: its answer.
    let ask = match &auth {
        // Nothing is kept for, or served to, a user who must choose his password first.
        crate::auth::Auth::Viewer(v) if s.app.config.board_cache && !v.must_change_password => Some(crate::graphql::answers::Ask {
            user_id: v.user_id,
            locale: locale_of(&headers, &s.app),
            media,
            body: &body,
        }),
        _ => None,
    };
    let now = s.app.clock.now();
    if let Some(ask) = &ask
        && let Some(kept) = s.answers.get(ask, generation, now)
    {
        return (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], kept).into_response();
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error_body(
                StatusCode::BAD_REQUEST,
                media,
                &format!("the body is not a GraphQL request: {e}"),
                "BAD_REQUEST",
            );
        }
    };
    let query = ask.as_ref().map(|_| request.query.clone());
    let keep_until = Arc::new(crate::graphql::answers::KeepUntil::default());
    let (status, answer, clean) = answer(&s, &headers, client_of(&extensions), media, request, auth, keep_until.clone()).await;
    let kind = query.and_then(|q| s.schema.keepable(&q));
    if let (Some(ask), Some(kind), Ok(text), true) = (&ask, kind, &answer, clean) {
        // Good for the company's day it was asked on (a period "so far" ends
        // today), until it changes by itself.
        if let Ok(settings) = service::settings::current(&s.app).await {
            let tz = settings.timezone;
            let today = crate::domain::calendar::local_date(now, tz);
            if let Some(tomorrow) = today.succ_opt() {
                let midnight = crate::domain::calendar::start_of_day(tomorrow, tz);
                let until = keep_until.get().map_or(midnight, |u| u.min(midnight));
                let good = (crate::domain::calendar::start_of_day(today, tz).max(now), until);
                s.answers.keep(ask, kind, generation, Bytes::from(text.clone()), good);
            }
        }
    }
    respond(status, media, answer)
}

/// A body of at most `limit` bytes, or the 413 that says it is larger.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // The only cause besides the limit is a client that stopped sending.
        let too_large = std::error::Error::source(&e).is_some_and(|c| c.is::<http_body_util::LengthLimitError>());
        if too_large {
            (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response()
        } else {
            (StatusCode::BAD_REQUEST, "the body could not be read").into_response()
        }
    })
}

/// A GraphQL multipart request (a file upload: `importErpFile`), as the
/// GraphQL multipart request spec has it: its `operations`, its `map` and
/// exactly one file (a second file part is refused, never silently
/// dropped), read as it streams in. Files are the admin's: the caller is
/// authenticated before the body is read, and a file larger than the
/// ordinary limit is read only for an admin; a larger one answers 413.
async fn upload(s: &HttpState, client: ClientAddr, headers: &HeaderMap, media: &'static str, content_type: &str, body: Body) -> Response {
    let auth = match authenticate(s, headers, media).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let may_upload = auth.viewer().is_ok_and(|v| v.role == entity::Role::Admin);
    let file_limit = if may_upload {
        crate::domain::limits::ERP_FILE_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let bad = |message: String| error_body(StatusCode::BAD_REQUEST, media, &message, "BAD_REQUEST");
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return bad("a multipart request needs its boundary in Content-Type".to_owned());
    };
    let limits = multer::SizeLimit::new()
        .whole_stream((file_limit + MAX_BODY_BYTES) as u64)
        .per_field(file_limit.max(MAX_BODY_BYTES) as u64);
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, multer::Constraints::new().size_limit(limits));
    let too_large = |e: &multer::Error| {
        matches!(
            e,
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
        )
    };
    let mut request: Option<async_graphql::Request> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut file: Option<(String, async_graphql::UploadValue)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if too_large(&e) => return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response(),
            Err(e) => return bad(format!("the body is not a GraphQL multipart request: {e}")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if too_large(&e) => return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response(),
            Err(e) => return bad(format!("the body is not a GraphQL multipart request: {e}")),
        };
        match (name.as_str(), file_name) {
            ("operations" | "map", _) if bytes.len() > MAX_BODY_BYTES => {
                return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
            }
            ("operations", _) => match serde_json::from_slice(&bytes) {
                Ok(r) => request = Some(r),
                Err(e) => return bad(format!("operations is not a GraphQL request: {e}")),
            },
            ("map", _) => match serde_json::from_slice(&bytes) {
                Ok(m) => map = Some(m),
                Err(e) => return bad(format!("map is not a map of files to variables: {e}")),
            },
            (_, Some(_)) if file.is_some() => return bad("a request carries one file: send each file in its own request".to_owned()),
            (_, Some(filename)) => {
                let upload = async_graphql::UploadValue {
                    filename,
                    content_type,
                    content: bytes,
                };
                file = Some((name, upload));
            }
            (_, None) => return bad(format!("{name} is neither operations, map nor a file")),
        }
    }
    let (Some(mut request), Some(mut map)) = (request, map) else {
        return bad("a GraphQL multipart request needs operations and map".to_owned());
    };
    if let Some((name, upload)) = file {
        let Some(paths) = map.remove(&name) else {
            return bad(format!("the file {name} is in no variable of the map"));
        };
        let [path] = paths.as_slice() else {
            return bad(format!("the file {name} must fill exactly one variable"));
        };
        request.set_upload(path, upload);
    }
    if !map.is_empty() {
        return bad("the map names a file the request does not carry".to_owned());
    }
    execute_as(s, headers, client, media, request, auth).await
}

async fn graphql_get(
    State(s): State<HttpState>,
    extensions: Extensions,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        return crate::ws::upgrade(
            s.app.clone(),
            s.schema.clone(),
            upgrade,
            client_of(&extensions).0,
            locale_of(&headers, &s.app),
        );
    }
    let Some(media) = negotiate(&headers) else {
        return error_body(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/graphql-response+json or application/json",
            "NOT_ACCEPTABLE",
        );
    };
    let query = params.get("query").filter(|q| !q.trim().is_empty());
    let persisted = params.get("extensions").filter(|e| !e.is_empty());
    if query.is_none() && persisted.is_none() {
        return error_body(
            StatusCode::BAD_REQUEST,
            media,
            "a GET request needs a query parameter",
            "BAD_REQUEST",
        );
    }
    let mut request = async_graphql::Request::new(query.cloned().unwrap_or_default());
    if let Some(name) = params.get("operationName").filter(|n| !n.is_empty()) {
        request = request.operation_name(name.clone());
    }
    if let Some(vars) = params.get("variables").filter(|v| !v.is_empty()) {
        match serde_json::from_str::<async_graphql::Variables>(vars) {
            Ok(v) => request = request.variables(v),
            Err(_) => return error_body(StatusCode::BAD_REQUEST, media, "variables must be a JSON object", "BAD_REQUEST"),
        }
    }
    if let Some(ext) = persisted {
        match serde_json::from_str::<async_graphql::Extensions>(ext) {
            Ok(e) => request.extensions = e,
            Err(_) => return error_body(StatusCode::BAD_REQUEST, media, "extensions must be a JSON object", "BAD_REQUEST"),
        }
    }
    if s.schema.operation_type(&mut request) == Some(OperationType::Mutation) {
        let mut resp = error_body(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "mutations are accepted over POST only",
            "METHOD_NOT_ALLOWED",
        );
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    execute(&s, &headers, client_of(&extensions), media, request).await
}
