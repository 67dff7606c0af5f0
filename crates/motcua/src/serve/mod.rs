//! Serving HTTP/1.1 with hyper directly (rather than `axum::serve`), for what a public server
//! needs and `axum::serve` does not offer:
//!
//! - **Header and idle timeouts.** A connection must deliver each request's head within
//!   [`ServeLimits::header_timeout`] of its first byte (the first request: of the connection's
//!   opening), and may rest between requests for [`ServeLimits::idle_timeout`]; then it is
//!   closed. Without them, connections that send a byte now and then were held forever (20,100
//!   of them made `/healthz` time out and grew the process by 465 MB).
//! - **A connection limit.** At most [`ServeLimits::max_connections`] are served at once. A
//!   connection that finds the server full takes the place of the connection that has been
//!   idle, or sending its head, the longest (at least a second), which is closed and hands its
//!   place over directly; if every connection is answering a request the newcomer waits up to
//!   [`ServeLimits::connection_wait`] for a place, then is closed. So slow senders cannot hold every place against clients that send a request at
//!   once.
//! - **Envelopes for hyper's own answers.** A request hyper cannot parse (bad syntax, a head
//!   beyond [`HARD_HEAD_BYTES`]) is answered by hyper before the application sees it, with a
//!   bare status. The socket wrapper ([`edge_io`]) sends the JSON envelope instead.
//!
//! Graceful shutdown is kept: the listener closes, idle connections close, requests in flight
//! finish. Each request carries the peer's `ConnectInfo<SocketAddr>` as with
//! `into_make_service_with_connect_info`.

mod activity;
mod edge_io;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::{
    net::{TcpListener, TcpSocket, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
    task::JoinSet,
    time::Instant,
};
use tower::ServiceExt;

use self::{
    activity::{Activity, Busy, Registry},
    edge_io::EdgeIo,
};

/// The largest request head (request line and headers) hyper reads; beyond it hyper answers
/// 431 itself. Well above the application's own limits (`motcua_web::edge::MAX_URI_BYTES`,
/// `MAX_HEADER_BYTES`), which answer first for anything that fits.
pub const HARD_HEAD_BYTES: usize = 64 * 1024;

/// The most header lines hyper parses (the application's own limit is lower).
const HARD_HEADERS: usize = 2 * motcua_web::edge::MAX_HEADERS;

/// Connection-level limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// Time to deliver a request's head.
    pub header_timeout: Duration,
    /// Time a connection may rest between requests.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a connection over the limit waits for a place before it is closed.
    pub connection_wait: Duration,
}

/// Connections the kernel queues before they are accepted. The accept loop takes them at once
/// (a connection waits for its place in its own task), so this only absorbs bursts; the
/// default of `std`/`tokio` (128) drops SYNs under a flood of connection attempts, and a
/// client whose SYN is dropped waits a second or more to retry.
const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `addr` (address reuse on, as `TcpListener::bind` does on Unix).
pub fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// What every connection shares.
struct Shared {
    app: Router,
    limits: ServeLimits,
    places: Arc<Semaphore>,
    registry: Arc<Registry>,
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    let shared = Arc::new(Shared {
        app,
        limits,
        places: Arc::new(Semaphore::new(limits.max_connections.max(1))),
        registry: Arc::default(),
    });
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        // Reap finished connections so the set stays as large as what is open.
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, peer)) => {
                connections.spawn(connection(stream, peer, shared.clone(), stopping.clone()));
            }
            // Out of file descriptors, or a connection reset before it was accepted: the
            // listener itself is fine. Pause so that a persistent condition does not spin.
            Err(e) => {
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
}

/// One connection, from finding a place to its close.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    stopping: watch::Receiver<bool>,
) {
    let Some(place) = find_place(&shared).await else {
        tracing::debug!(%peer, "connection limit reached: closing a new connection");
        return;
    };
    let activity = Activity::new();
    let registered = shared.registry.register(activity.clone());
    serve_connection(stream, peer, &shared, stopping, activity.clone()).await;
    drop(registered);
    // The socket is closed; an evicted connection's place goes to whoever evicted it.
    if let Some(evictor) = activity.take_evictor() {
        let _ = evictor.send(place);
    }
}

/// A free place, or one handed over by the connection quiet the longest, or one that frees
/// up within the wait.
async fn find_place(shared: &Shared) -> Option<OwnedSemaphorePermit> {
    if let Ok(place) = shared.places.clone().try_acquire_owned() {
        return Some(place);
    }
    let deadline = Instant::now() + shared.limits.connection_wait;
    if let Some(handed) = shared.registry.evict_one()
        && let Ok(Ok(place)) = tokio::time::timeout_at(deadline, handed).await
    {
        return Some(place);
    }
    tokio::time::timeout_at(deadline, shared.places.clone().acquire_owned())
        .await
        .ok()?
        .ok()
}

/// Serves one connection until it closes, is closed by its watchdog, or finishes after a
/// shutdown.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    mut stopping: watch::Receiver<bool>,
    activity: Arc<Activity>,
) {
    let limits = shared.limits;
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(EdgeIo::new(stream, activity.clone()));
    let on_request = activity.clone();
    let app = shared.app.clone();
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        let busy = on_request.begin();
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let response = app.oneshot(req.map(Body::new)).await?;
            Ok::<_, std::convert::Infallible>(response.map(|body| Busy { body, _busy: busy }))
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_headers(HARD_HEADERS)
        .max_header_size(HARD_HEAD_BYTES)
        .max_buf_size(2 * HARD_HEAD_BYTES)
        // The connection's own watchdog below times heads and idleness.
        .header_read_timeout(None);
    let conn = http.serve_connection(io, service);
    tokio::pin!(conn);
    let mut asked_to_stop = *stopping.borrow();
    if asked_to_stop {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            () = activity.expired(limits) => {
                tracing::debug!(%peer, "closing a connection: idle, slow to send its head, or evicted");
                return;
            }
            changed = stopping.changed(), if !asked_to_stop => {
                asked_to_stop = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}
