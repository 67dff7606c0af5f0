//! What each connection is doing — answering a request, or idle (between requests, or
//! receiving the next head) — for its watchdog, and for choosing which connection gives up its
//! place when the server is full.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::body::{Body, Bytes};
use tokio::{
    sync::{Notify, OwnedSemaphorePermit, oneshot},
    time::Instant,
};

use super::ServeLimits;

/// A connection idle for less than this is never evicted: a new connection's first request
/// is usually on its way.
const EVICTABLE_AFTER: Duration = Duration::from_secs(1);

/// One connection's activity.
#[derive(Debug)]
pub(super) struct Activity {
    state: Mutex<State>,
    changed: Notify,
    evict: Notify,
}

#[derive(Debug)]
struct State {
    /// Requests being answered (their response bodies not yet sent).
    busy: usize,
    /// When the connection opened or its last response was sent.
    idle_since: Instant,
    /// When the first byte of the next request arrived, while idle.
    head_since: Option<Instant>,
    /// Whether a request has been answered on this connection yet.
    served: bool,
    /// Chosen to give up its place: where to hand it.
    evictor: Option<oneshot::Sender<OwnedSemaphorePermit>>,
}

impl Activity {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                busy: 0,
                idle_since: Instant::now(),
                head_since: None,
                served: false,
                evictor: None,
            }),
            changed: Notify::new(),
            evict: Notify::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Plain fields: consistent whatever a panicking holder did.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived from the client.
    pub(super) fn received(&self) {
        let mut s = self.state();
        if s.busy == 0 && s.head_since.is_none() {
            s.head_since = Some(Instant::now());
            drop(s);
            self.changed.notify_one();
        }
    }

    /// Where this connection's place goes when it ends, if it was evicted.
    pub(super) fn take_evictor(&self) -> Option<oneshot::Sender<OwnedSemaphorePermit>> {
        self.state().evictor.take()
    }

    /// A request's head is complete and it is being answered, until the guard is dropped.
    pub(super) fn begin(self: &Arc<Self>) -> BusyGuard {
        let mut s = self.state();
        s.busy += 1;
        s.head_since = None;
        drop(s);
        self.changed.notify_one();
        BusyGuard(self.clone())
    }

    /// When an idle connection must be closed, or `None` while it answers a request.
    fn deadline(&self, limits: ServeLimits) -> Option<Instant> {
        let s = self.state();
        if s.busy > 0 {
            return None;
        }
        Some(match s.head_since {
            Some(t) => t + limits.header_timeout,
            None if !s.served => s.idle_since + limits.header_timeout,
            None => s.idle_since + limits.idle_timeout,
        })
    }

    /// Since when an idle connection has not completed a request, if it may be evicted.
    fn quiet_since(&self, now: Instant) -> Option<Instant> {
        let s = self.state();
        let since = s.head_since.unwrap_or(s.idle_since);
        (s.busy == 0 && s.evictor.is_none() && now.duration_since(since) >= EVICTABLE_AFTER)
            .then_some(since)
    }

    /// Resolves when the connection has been idle, or slow with a head, for too long, or was
    /// evicted while idle.
    pub(super) async fn expired(&self, limits: ServeLimits) {
        loop {
            let changed = self.changed.notified();
            let evicted = self.evict.notified();
            tokio::pin!(changed, evicted);
            // Registered before the state is read, so that no change is missed in between.
            changed.as_mut().enable();
            evicted.as_mut().enable();
            let Some(at) = self.deadline(limits) else {
                tokio::select! {
                    () = changed => {}
                    // Busy after all: the place is kept (the evictor waits for another).
                    () = evicted => self.state().evictor = None,
                }
                continue;
            };
            tokio::select! {
                () = tokio::time::sleep_until(at) => {
                    if self.deadline(limits).is_some_and(|d| d <= Instant::now()) {
                        return;
                    }
                }
                () = evicted => {
                    if self.deadline(limits).is_some() {
                        return;
                    }
                    self.state().evictor = None;
                }
                () = changed => {}
            }
        }
    }
}

/// Marks a request as being answered until dropped (with its response body).
#[derive(Debug)]
pub(super) struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        let mut s = self.0.state();
        s.busy = s.busy.saturating_sub(1);
        s.served = true;
        if s.busy == 0 {
            s.idle_since = Instant::now();
            s.head_since = None;
        }
        drop(s);
        self.0.changed.notify_one();
    }
}

/// A response body that keeps its request marked busy until it is sent (or dropped).
pub(super) struct Busy {
    pub(super) body: Body,
    pub(super) _busy: BusyGuard,
}

impl hyper::body::Body for Busy {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// The open connections, so that a new one finding the server full can take the place of the
/// connection that has been idle (or sending a head) the longest — slow senders cannot starve
/// clients that send a request at once.
#[derive(Debug, Default)]
pub(super) struct Registry {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
}

impl Registry {
    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a connection until the returned guard is dropped.
    pub(super) fn register(self: &Arc<Self>, activity: Arc<Activity>) -> Registered {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open().insert(id, activity);
        Registered {
            registry: self.clone(),
            id,
        }
    }

    /// Asks the connection quiet the longest (at least [`EVICTABLE_AFTER`]) to close and hand
    /// its place to the caller, which receives it on the returned channel (or sees the channel
    /// close, if the connection turned busy after all).
    pub(super) fn evict_one(&self) -> Option<oneshot::Receiver<OwnedSemaphorePermit>> {
        let now = Instant::now();
        let victim = self
            .open()
            .values()
            .filter_map(|a| a.quiet_since(now).map(|t| (t, a.clone())))
            .min_by_key(|(t, _)| *t)
            .map(|(_, a)| a)?;
        let (tx, rx) = oneshot::channel();
        victim.state().evictor = Some(tx);
        victim.evict.notify_one();
        Some(rx)
    }
}

/// A connection's entry in the [`Registry`].
#[derive(Debug)]
pub(super) struct Registered {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.open().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ServeLimits {
        ServeLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10,
            connection_wait: Duration::from_millis(100),
        }
    }

    #[test]
    fn heads_and_idleness_have_their_own_deadlines() {
        let a = Activity::new();
        let opened = a.state().idle_since;
        assert_eq!(a.deadline(limits()), Some(opened + Duration::from_secs(10)));
        let busy = a.begin();
        assert_eq!(a.deadline(limits()), None, "no deadline while answering");
        drop(busy);
        let idle = a.state().idle_since;
        assert!(idle >= opened);
        assert_eq!(a.deadline(limits()), Some(idle + Duration::from_secs(60)));
        a.received();
        let head = a.state().head_since.unwrap();
        assert_eq!(a.deadline(limits()), Some(head + Duration::from_secs(10)));
    }

    #[tokio::test]
    async fn the_longest_quiet_connection_is_evicted_never_a_busy_or_new_one() {
        let registry = Arc::new(Registry::default());
        let old = Activity::new();
        let _r1 = registry.register(old.clone());
        let working = Activity::new();
        let _r2 = registry.register(working.clone());
        let _busy = working.begin();
        tokio::time::sleep(EVICTABLE_AFTER + Duration::from_millis(100)).await;
        let young = Activity::new();
        let _r3 = registry.register(young.clone());
        let handed = registry.evict_one().expect("a victim");
        let evicted = |a: &Activity| a.state().evictor.is_some();
        assert!(evicted(&old) && !evicted(&young) && !evicted(&working));
        assert!(
            registry.evict_one().is_none(),
            "busy and brand-new connections keep their place"
        );
        // An evicted idle connection's watchdog ends it.
        tokio::time::timeout(Duration::from_millis(100), old.expired(limits()))
            .await
            .expect("evicted at once");
        // … and its place goes to the evictor, not to the queue.
        let places = Arc::new(tokio::sync::Semaphore::new(1));
        let place = places.clone().try_acquire_owned().unwrap();
        old.take_evictor().unwrap().send(place).unwrap();
        let got = handed.await.unwrap();
        assert_eq!(places.available_permits(), 0, "held by the evictor now");
        drop(got);
        assert_eq!(places.available_permits(), 1);
    }
}
