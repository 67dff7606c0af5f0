//! What every page's frame needs from the request: who is logged in (the header shows it) and
//! the CSRF token for forms (the header's logout button is one).
//!
//! The guard middleware sets this for the duration of the handler (a task-local value), and
//! the templates read it through the functions `current_user()` and `csrf_token()`. So a page
//! handler — including ones written later by someone who never heard of CSRF — cannot forget
//! to pass either: every form gets the right token and every header shows the right user.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use serde::Serialize;

/// The signed-in user as the page frame shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ViewerInfo {
    /// Name to show.
    pub name: String,
    /// Whether this is an official (back-office links).
    pub official: bool,
    /// Whether the second factor is still due.
    pub pending: bool,
}

/// The request's frame data.
#[derive(Debug)]
pub struct Layout {
    /// Who is logged in.
    pub viewer: Option<ViewerInfo>,
    /// The CSRF token to put in forms.
    pub csrf: String,
    used: AtomicBool,
}

impl Layout {
    /// Frame data for a request.
    pub fn new(viewer: Option<ViewerInfo>, csrf: String) -> Self {
        Self {
            viewer,
            csrf,
            used: AtomicBool::new(false),
        }
    }

    /// Whether a rendered page asked for the CSRF token (so a visitor without a session must
    /// get the matching cookie).
    pub fn csrf_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
}

tokio::task_local! {
    static LAYOUT: Arc<Layout>;
}

/// Runs `fut` with `layout` as the frame data.
pub async fn with_layout<F: Future>(layout: Arc<Layout>, fut: F) -> F::Output {
    LAYOUT.scope(layout, fut).await
}

/// The CSRF token for the form being rendered (empty outside a request).
pub fn csrf_token() -> String {
    LAYOUT
        .try_with(|l| {
            l.used.store(true, Ordering::Relaxed);
            l.csrf.clone()
        })
        .unwrap_or_default()
}

/// The signed-in user, if any.
pub fn current_user() -> Option<ViewerInfo> {
    LAYOUT.try_with(|l| l.viewer.clone()).ok().flatten()
}
