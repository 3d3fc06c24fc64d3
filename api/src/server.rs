//! The accept loop: hyper with timeouts, the client's address on every
//! request, and a graceful shutdown.
//!
//! `axum::serve` has no header-read timeout and no handle on upgraded
//! sockets, so the loop is ours (the pattern of axum's `serve-with-hyper`
//! example): a client that sends half a request head is cut off after
//! [`HEADER_READ_TIMEOUT`], and an idle keep-alive connection likewise
//! (hyper restarts that timer while it waits for the next request). On
//! shutdown: stop accepting, tell every WebSocket to close with 1001, let
//! in-flight requests finish (at most [`DRAIN_TIMEOUT`]), then return.

use crate::state::AppState;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Time a client has to send a whole request head (and, on a kept-alive
/// connection, to start the next request).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send a request body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a request may take from its head to its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a shutdown waits for in-flight requests and sockets.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `signal` completes, then drains.
pub async fn serve(listener: TcpListener, router: Router, state: Arc<AppState>, signal: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of descriptors and the like: wait a little instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = router.clone().map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                });
                let mut builder = Builder::new(TokioExecutor::new());
                builder
                    .http1()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .max_buf_size(64 * 1024);
                builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(Duration::from_secs(20)));
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
                let conn = graceful.watch(conn.into_owned());
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: no new connections; draining");
    state.shutdown.cancel();
    state.sockets.close();
    let drained = async {
        graceful.shutdown().await;
        state.sockets.wait().await;
    };
    if tokio::time::timeout(DRAIN_TIMEOUT, drained).await.is_err() {
        tracing::warn!("drain timed out after {:?}", DRAIN_TIMEOUT);
    }
}

/// The peer address of a request, as the accept loop recorded it.
pub fn client_address(parts: &axum::http::Extensions) -> Option<SocketAddr> {
    parts.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}
