//! Stored data held in memory and swapped whole when the database changes: the catalog and
//! the calendars. Readers take the current snapshot (one `Arc` clone under a briefly held
//! lock) and never touch the database; a node notices changes made by another node through
//! the store's generation counters and reloads, a change made on this node reloads at once.

use std::{
    future::Future,
    sync::{Arc, RwLock},
    time::Duration,
};

use motcua_store::Store;

/// Data loaded whole from the store, stamped with the generation counters it was read at.
pub trait Snapshot: Sized + Send + Sync + 'static {
    /// The generation counters a snapshot was loaded at.
    type Stamp: PartialEq + Send;
    /// Why loading failed.
    type Error: std::fmt::Display + Send;
    /// What the logs call it.
    const NAME: &'static str;

    /// Loads a snapshot. Implementations read the stamp *first*: a change landing while they
    /// load is then seen by the next poll, so a change is never missed.
    fn load(store: &dyn Store) -> impl Future<Output = Result<Self, Self::Error>> + Send;

    /// The stamp the store is at now.
    fn read_stamp(
        store: &dyn Store,
    ) -> impl Future<Output = Result<Self::Stamp, Self::Error>> + Send;

    /// The stamp this snapshot was loaded at.
    fn stamp(&self) -> &Self::Stamp;
}

/// The shared, swappable snapshot; cheap to clone.
#[derive(Debug)]
pub struct SnapshotHandle<T> {
    current: Arc<RwLock<Arc<T>>>,
}

impl<T> Clone for SnapshotHandle<T> {
    fn clone(&self) -> Self {
        Self {
            current: Arc::clone(&self.current),
        }
    }
}

impl<T: Snapshot> SnapshotHandle<T> {
    /// Wraps a snapshot.
    pub fn new(snapshot: T) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(snapshot))),
        }
    }

    /// Loads the first snapshot.
    pub async fn load(store: &dyn Store) -> Result<Self, T::Error> {
        Ok(Self::new(T::load(store).await?))
    }

    /// The current snapshot.
    pub fn get(&self) -> Arc<T> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads from the store now (after a change made on this node).
    pub async fn reload(&self, store: &dyn Store) -> Result<(), T::Error> {
        let fresh = Arc::new(T::load(store).await?);
        match self.current.write() {
            Ok(mut g) => *g = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Reloads only when another writer changed the data since the snapshot was taken.
    /// Returns whether it reloaded.
    pub async fn refresh_if_changed(&self, store: &dyn Store) -> Result<bool, T::Error> {
        let now = T::read_stamp(store).await?;
        if now == *self.get().stamp() {
            return Ok(false);
        }
        self.reload(store).await?;
        Ok(true)
    }

    /// Polls for changes every `every` until the process ends (multi-node deployments).
    pub fn spawn_refresher(
        &self,
        store: Arc<dyn Store>,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let handle = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match handle.refresh_if_changed(store.as_ref()).await {
                    Ok(true) => tracing::info!("{} reloaded after a change elsewhere", T::NAME),
                    Ok(false) => {}
                    // The old snapshot keeps serving: a bad reload never takes the catalog
                    // or the deadlines down.
                    Err(e) => tracing::warn!(error = %e, "{} refresh failed", T::NAME),
                }
            }
        })
    }
}
