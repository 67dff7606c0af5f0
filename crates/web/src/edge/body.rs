//! Request bodies at the edge: capped, timed out when the client stops sending, and watched so
//! that a request that runs out of time while waiting for its body is the client's 408, not
//! the server's 503.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use http_body_util::LengthLimitError;
use tower_http::timeout::TimeoutError;

use crate::error::ApiError;

/// Whether the handler is waiting for the client's body.
#[derive(Debug, Default)]
pub(crate) struct BodyProgress {
    started: AtomicBool,
    finished: AtomicBool,
}

impl BodyProgress {
    /// Reading began and has not ended: the client is the one who is late.
    pub(crate) fn waiting_for_client(&self) -> bool {
        self.started.load(Ordering::Relaxed) && !self.finished.load(Ordering::Relaxed)
    }
}

/// A body that reports its progress to a [`BodyProgress`].
pub(crate) struct Watched {
    inner: Body,
    progress: Arc<BodyProgress>,
}

impl Watched {
    pub(crate) fn new(inner: Body, progress: Arc<BodyProgress>) -> Self {
        if http_body::Body::is_end_stream(&inner) {
            progress.finished.store(true, Ordering::Relaxed);
        }
        Self { inner, progress }
    }
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.progress.started.store(true, Ordering::Relaxed);
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            self.progress.finished.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Reads a whole request body (already capped and timed by the edge), with failures as the
/// client's errors: 413 over the cap, 408 when the client stopped sending, 400 otherwise (the
/// connection broke, the chunked encoding was malformed).
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| body_failure(&e))
}

/// The client's error behind a failed body read, found anywhere in the error's chain (axum
/// wraps what the edge's body layers report).
pub fn body_failure(e: &(dyn std::error::Error + 'static)) -> ApiError {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<LengthLimitError>() {
            return ApiError::PayloadTooLarge;
        }
        if c.is::<TimeoutError>() {
            return ApiError::RequestTimeout;
        }
        cause = c.source();
    }
    ApiError::bad_request(
        "invalid_body",
        "Không đọc được nội dung yêu cầu (kết nối bị ngắt hoặc nội dung sai định dạng).",
    )
}
