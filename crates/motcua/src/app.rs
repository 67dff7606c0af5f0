//! Starting and stopping the server.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use motcua_core::clock::{Clock, SystemClock};
use motcua_service::{
    calendar::{CalendarHandle, admin as calendar_admin},
    catalog::CatalogHandle,
};
use motcua_store::{Db, Store};
use motcua_web::{
    AppState, Site,
    auth::Auth,
    mail::{self, Mailer},
    pages::Templates,
    state::Parts,
};
use tokio::{sync::oneshot, task::JoinHandle};

use crate::{demo, settings::Settings};

/// Opens the database (migrating it), stores the shipped official calendar years it lacks, and
/// loads the demo data into an empty one if enabled.
pub async fn open_store(settings: &Settings, clock: &dyn Clock) -> anyhow::Result<Db> {
    let cfg = settings.db_config()?;
    let db = Db::connect(&cfg)
        .await
        .with_context(|| format!("opening the database ({cfg:?})"))?;
    let seeded = calendar_admin::seed_official_years(&db, clock.now()).await?;
    if !seeded.is_empty() {
        tracing::info!(years = ?seeded, "official calendar years stored");
    }
    if settings.demo
        && let Some(r) = demo::load_if_empty(&db, clock.now()).await?
    {
        tracing::info!(
            agencies = r.agencies,
            procedures.created = r.catalog.created,
            offers = r.offers,
            "demo data loaded"
        );
    }
    if settings.demo && demo::ensure_accounts(&db, clock.now()).await? {
        tracing::info!(
            password = demo::DEMO_PASSWORD,
            "demo accounts created (citizen1, receiver1, handler1, …, admin)"
        );
    }
    if settings.demo {
        let made = crate::demo_dossiers::generate(&db, clock.now(), settings.demo_dossiers).await?;
        if made > 0 {
            tracing::info!(dossiers = made, "demo dossiers generated");
        }
    }
    Ok(db)
}

/// Makes rustls use the ring provider (the only one compiled in; see docs/ARCHITECTURE.md).
/// Idempotent: a second call finds it installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Seals new audit events into the hash chain every `every`, on every node (sealers serialise
/// on the chain head in the database).
fn spawn_sealer(store: Arc<dyn Store>, clock: Arc<dyn Clock>, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            seal_all(store.as_ref(), clock.as_ref()).await;
        }
    })
}

/// Seals every pending audit event.
pub async fn seal_all(store: &dyn Store, clock: &dyn Clock) {
    loop {
        match store.seal_audit(clock.now(), 500).await {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "sealing the audit log failed; will retry");
                return;
            }
        }
    }
}

/// Deletes expired sessions, OIDC flows, one-time tokens and stale lockout counters every ten
/// minutes.
fn spawn_purger(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    idle_seconds: i64,
    throttle_forget: i64,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = clock.now();
            let idle_cutoff =
                jiff::Timestamp::from_second(now.as_second() - idle_seconds).unwrap_or(now);
            if let Err(e) = store.purge_expired(now, idle_cutoff).await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
            // Lockout and rate counters left alone for a day hold nothing back any more
            // (failures are forgotten after `auth.lockout_forget_minutes`).
            let quiet = jiff::Timestamp::from_second(now.as_second() - throttle_forget.max(86_400))
                .unwrap_or(now);
            if let Err(e) = store.purge_throttle(quiet, now).await {
                tracing::warn!(error = %e, "purging old lockout counters failed");
            }
        }
    })
}

/// Every ten minutes: warns the owners of drafts about to expire, deletes expired drafts and
/// the uploads no dossier or draft held for the configured time. Idempotent, so every node
/// may run it.
fn spawn_housekeeping(
    dossiers: motcua_service::DossierService<dyn Store>,
    clock: Arc<dyn Clock>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = clock.now();
            if let Err(e) = dossiers.maintain_drafts(now).await {
                tracing::warn!(error = %e, "draft housekeeping failed");
            }
            if let Err(e) = dossiers.purge_loose_files(now).await {
                tracing::warn!(error = %e, "deleting loose uploads failed");
            }
        }
    })
}

/// The portal's presentation: configuration overrides, else what the database holds.
async fn site(settings: &Settings, store: &dyn Store) -> anyhow::Result<Site> {
    #[derive(serde::Deserialize)]
    struct Stored {
        name: Option<String>,
        operator: Option<String>,
        #[serde(default)]
        featured: Vec<String>,
    }
    let stored: Option<Stored> = match store.meta(demo::SITE_KEY).await? {
        Some(json) => serde_json::from_str(&json).ok(),
        None => None,
    };
    let mut site = Site {
        demo: store.meta(demo::DEMO_KEY).await?.is_some(),
        ..Site::default()
    };
    if let Some(s) = stored {
        site.name = s.name.unwrap_or(site.name);
        site.operator = s.operator.unwrap_or_default();
        site.featured = s.featured;
    }
    if let Some(n) = &settings.site.name {
        site.name.clone_from(n);
    }
    if let Some(o) = &settings.site.operator {
        site.operator.clone_from(o);
    }
    Ok(site)
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The bound address (useful when the configured port was 0).
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Asks the server to stop, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.await.context("server task")?
    }

    /// Waits until the server stops by itself (a signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task")?
    }
}

/// Starts serving in the background; returns once the socket is bound and the catalog loaded,
/// so `/readyz` answers ready from the first request.
pub async fn start(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    install_crypto_provider();
    let db = open_store(&settings, clock.as_ref()).await?;
    let store: Arc<dyn Store> = Arc::new(db.clone());
    let catalog = CatalogHandle::load(store.as_ref())
        .await
        .context("loading the catalog")?;
    let calendars = CalendarHandle::load(store.as_ref())
        .await
        .context("loading the working-time calendars")?;
    let site = site(&settings, store.as_ref()).await?;
    let templates = Templates::load(settings.server.templates_dir.as_deref(), &site)?;
    let listener = crate::serve::listen(settings.server.addr)
        .with_context(|| format!("cannot listen on {}", settings.server.addr))?;
    let addr = listener.local_addr()?;
    let auth_config = settings.auth_config(addr)?;
    let idle_seconds = auth_config.session_idle_seconds;
    let auth = Arc::new(
        Auth::new(auth_config, settings.auth.hash_concurrency)
            .context("setting up identity providers")?,
    );
    let mailer = Arc::new(
        Mailer::new(&settings.mail.from, &settings.mail_transport()?).context("mail settings")?,
    );
    let state = AppState::new(Parts {
        store: store.clone(),
        catalog: catalog.clone(),
        calendars: calendars.clone(),
        clock: clock.clone(),
        site,
        templates,
        auth: auth.clone(),
        intake: settings.intake_rules(),
        files: settings.file_rules(),
    });
    let every = Duration::from_secs(settings.server.refresh_seconds.max(1));
    let background = [
        catalog.spawn_refresher(store.clone(), every),
        calendars.spawn_refresher(store.clone(), every),
        state.wording.spawn_refresher(every),
        mail::spawn_worker(
            store.clone(),
            clock.clone(),
            mailer,
            auth.mail_wake.clone(),
            Duration::from_secs(settings.mail.poll_seconds.max(1)),
        ),
        spawn_sealer(
            store.clone(),
            clock.clone(),
            Duration::from_secs(settings.audit.seal_seconds.max(1)),
        ),
        spawn_purger(
            store.clone(),
            clock.clone(),
            idle_seconds,
            settings.auth.lockout_forget_minutes.saturating_mul(60),
        ),
        spawn_housekeeping(state.dossiers.clone(), clock.clone()),
    ];
    tracing::info!(%addr, engine = db.engine().name(), procedures = catalog.get().len(), "motcua is listening");
    let (tx, rx) = oneshot::channel::<()>();
    let app = motcua_web::router_with(state, settings.server.limits.edge());
    let limits = settings.server.limits.serve();
    let task = tokio::spawn(async move {
        // Each request carries the peer address (the client unless trusted proxies are
        // configured), as `ConnectInfo<SocketAddr>`.
        crate::serve::serve(listener, app, limits, async move {
            tokio::select! {
                _ = rx => {}
                () = signal() => {}
            }
            tracing::info!("shutting down: finishing in-flight requests");
        })
        .await;
        for task in background {
            task.abort();
        }
        // Seal what the last requests wrote, so a clean shutdown leaves no event unlinked.
        seal_all(&db, clock.as_ref()).await;
        db.close().await;
        Ok(())
    });
    Ok(Running {
        addr,
        stop: Some(tx),
        task,
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// The production clock.
pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
