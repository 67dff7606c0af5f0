//! The wording of the printed forms per agency: the shipped wording
//! (`data/forms/wording.toml`, unverified against the official appendix) with the agency's own
//! override on top, for Forms 01–06.
//!
//! Agencies word their forms differently (and the shipped text may be wrong), so an
//! administrator stores a partial override per agency; it is refused unless it loads over the
//! shipped wording, with the message of the entry at fault, so a stored override can always
//! print. Who may change it: the installation-wide rule of the catalog and the calendar
//! (`catalog.import` over every root agency) — what a form says in the State's name is not a
//! unit's own business. Changes are audited in their transaction.
//!
//! The effective wording is built once per agency and kept in memory: a form is printed for
//! every receipt, an override changes a few times a year. A change on this node drops the
//! agency's copy at once; other nodes drop theirs when they see the generation counter move
//! ([`FormWordingService::refresh_if_changed`], polled like the catalog).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use jiff::Timestamp;
use motcua_core::{audit::Outcome, identity::Permission};
use motcua_forms::Wording;
use motcua_store::{
    AuditStore, FORM_WORDING_GENERATION, FormWordingStore, MetaStore, StoreResult, StoredWording,
    WordingInfo,
};

use crate::{
    actor::{Actor, Target},
    catalog::CatalogHandle,
    error::{ServiceError, ServiceResult},
};

/// Largest override accepted, in bytes: the whole shipped wording, comments included, is
/// under 10 KiB.
pub const MAX_OVERRIDE_BYTES: usize = 64 * 1024;

/// The storage the wording service needs.
pub trait WordingDeps: FormWordingStore + AuditStore + MetaStore {}

impl<T: FormWordingStore + AuditStore + MetaStore + ?Sized> WordingDeps for T {}

/// The shipped wording, parsed once per process. It is embedded and tested, so a failure is a
/// defect of the build, reported as such (never a client's fault).
pub fn shipped() -> ServiceResult<Arc<Wording>> {
    static SHIPPED: OnceLock<Result<Arc<Wording>, String>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| Wording::shipped().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| ServiceError::internal(format!("shipped form wording: {e}")))
}

/// An override checked against the shipped wording: the effective wording it gives, or the
/// wording error naming the entry at fault (`nội dung biểu mẫu, mục receipt.code: …`).
pub fn check_override(text: &str) -> ServiceResult<Wording> {
    if text.len() > MAX_OVERRIDE_BYTES {
        return Err(ServiceError::invalid(
            "wording",
            format!(
                "nội dung biểu mẫu dài quá {} KiB; chỉ cần ghi các mục muốn đổi",
                MAX_OVERRIDE_BYTES / 1024
            ),
        ));
    }
    // The TOML parser refuses them too, but not in every place (comments); PostgreSQL
    // cannot store NUL at all.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(ServiceError::invalid(
            "wording",
            "nội dung biểu mẫu có ký tự điều khiển; hãy lưu tệp dạng văn bản UTF-8",
        ));
    }
    shipped()?
        .overlay_toml(text)
        .map_err(|e| ServiceError::invalid("wording", e.to_string()))
}

/// The effective wordings built so far. `epoch` moves at every invalidation: a wording built
/// from a read that started before it is not kept (it may predate the change).
#[derive(Debug, Default)]
struct Cache {
    generation: Option<i64>,
    epoch: u64,
    by_agency: HashMap<String, Arc<Wording>>,
}

/// Per-agency form wording (cheap to clone; clones share the cache).
#[derive(Debug)]
pub struct FormWordingService<S: ?Sized> {
    store: Arc<S>,
    catalog: CatalogHandle,
    cache: Arc<Mutex<Cache>>,
}

impl<S: ?Sized> Clone for FormWordingService<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            catalog: self.catalog.clone(),
            cache: Arc::clone(&self.cache),
        }
    }
}

impl<S: ?Sized + WordingDeps + 'static> FormWordingService<S> {
    /// A service over `store`, with the catalog's agency tree.
    pub fn new(store: Arc<S>, catalog: CatalogHandle) -> Self {
        Self {
            store,
            catalog,
            cache: Arc::new(Mutex::new(Cache::default())),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The cache holds only derived data: after a panic elsewhere it is still usable.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn known_agency(&self, id: &str) -> ServiceResult<()> {
        if self.catalog.get().hierarchy().contains(id) {
            Ok(())
        } else {
            // The agency is what is addressed (a path, a command's argument): not found.
            Err(ServiceError::NotFound(
                "Không có cơ quan này (xem danh sách tại /api/v1/agencies).".to_owned(),
            ))
        }
    }

    async fn require(&self, actor: &Actor, now: Timestamp) -> ServiceResult<()> {
        let catalog = self.catalog.get();
        actor
            .require(
                &*self.store,
                catalog.hierarchy(),
                now,
                Permission::CatalogImport,
                Target::Installation,
            )
            .await
    }

    /// The wording the forms of `agency` print with: the shipped wording with the agency's
    /// override on top, or the shipped wording alone. An override stored by an earlier release
    /// that no longer loads (an entry renamed since) is logged and the shipped wording used:
    /// a desk keeps printing receipts while an administrator corrects it.
    pub async fn effective(&self, agency: &str) -> ServiceResult<Arc<Wording>> {
        let epoch = {
            let cache = self.cache();
            if let Some(w) = cache.by_agency.get(agency) {
                return Ok(Arc::clone(w));
            }
            cache.epoch
        };
        let wording = match self.store.form_wording(agency).await? {
            None => shipped()?,
            Some(stored) => match check_override(&stored.wording) {
                Ok(w) => Arc::new(w),
                Err(e) => {
                    tracing::error!(
                        agency.id = agency,
                        error = %e.public_message(),
                        "the stored form wording of this agency does not load; printing with \
                         the shipped wording"
                    );
                    shipped()?
                }
            },
        };
        let mut cache = self.cache();
        if cache.epoch == epoch {
            cache
                .by_agency
                .insert(agency.to_owned(), Arc::clone(&wording));
        }
        Ok(wording)
    }

    /// The effective wording of `agency` for someone administering it (the actor needs the
    /// installation-wide right); an unknown agency is refused.
    pub async fn effective_for(
        &self,
        actor: &Actor,
        now: Timestamp,
        agency: &str,
    ) -> ServiceResult<Arc<Wording>> {
        self.require(actor, now).await?;
        self.known_agency(agency)?;
        self.effective(agency).await
    }

    /// The override stored for `agency`, as it was given.
    pub async fn override_of(
        &self,
        actor: &Actor,
        now: Timestamp,
        agency: &str,
    ) -> ServiceResult<Option<StoredWording>> {
        self.require(actor, now).await?;
        self.known_agency(agency)?;
        Ok(self.store.form_wording(agency).await?)
    }

    /// The agencies that have an override.
    pub async fn overrides(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> ServiceResult<Vec<WordingInfo>> {
        self.require(actor, now).await?;
        Ok(self.store.form_wordings().await?)
    }

    /// Stores `text` (TOML, the wording file's syntax with only the entries to change) as the
    /// override of `agency`, replacing any earlier one, after checking that it loads over the
    /// shipped wording. Returns the effective wording. Audited as `form_wording.set`.
    pub async fn set(
        &self,
        actor: &Actor,
        now: Timestamp,
        agency: &str,
        text: &str,
    ) -> ServiceResult<Arc<Wording>> {
        self.require(actor, now).await?;
        self.known_agency(agency)?;
        let wording = Arc::new(check_override(text)?);
        let stored = StoredWording {
            agency_id: agency.to_owned(),
            wording: text.to_owned(),
            set_by: actor.audit_id(),
            set_at: now,
        };
        let event = actor
            .event(now, "form_wording.set", Outcome::Success)
            .agency(agency)
            .subject(format!("agency:{agency}"))
            .with("bytes", text.len());
        self.store.set_form_wording(&stored, &event).await?;
        self.invalidate(agency);
        Ok(wording)
    }

    /// Removes the override of `agency`: its forms print the shipped wording again. Audited as
    /// `form_wording.clear`; an agency without one is "not found".
    pub async fn clear(&self, actor: &Actor, now: Timestamp, agency: &str) -> ServiceResult<()> {
        self.require(actor, now).await?;
        self.known_agency(agency)?;
        let event = actor
            .event(now, "form_wording.clear", Outcome::Success)
            .agency(agency)
            .subject(format!("agency:{agency}"));
        if !self.store.clear_form_wording(agency, &event).await? {
            return Err(ServiceError::NotFound(
                "Cơ quan này không có nội dung biểu mẫu riêng; biểu mẫu dùng nội dung mặc định."
                    .to_owned(),
            ));
        }
        self.invalidate(agency);
        Ok(())
    }

    /// Drops the cached wording of `agency` after a change made through this node.
    fn invalidate(&self, agency: &str) {
        let mut cache = self.cache();
        cache.epoch += 1;
        cache.by_agency.remove(agency);
    }

    /// Drops every cached wording when another node (or the command line) changed an override
    /// since the last look. Returns whether it did.
    pub async fn refresh_if_changed(&self) -> StoreResult<bool> {
        let now = self.store.generation(FORM_WORDING_GENERATION).await?;
        let mut cache = self.cache();
        match cache.generation {
            Some(seen) if seen == now => Ok(false),
            seen => {
                cache.generation = Some(now);
                cache.epoch += 1;
                cache.by_agency.clear();
                Ok(seen.is_some())
            }
        }
    }

    /// Polls for changes every `every` until the process ends (multi-node deployments).
    pub fn spawn_refresher(&self, every: Duration) -> tokio::task::JoinHandle<()>
    where
        S: Send + Sync,
    {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match service.refresh_if_changed().await {
                    Ok(true) => tracing::info!("form wordings reloaded after a change elsewhere"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "form wording refresh failed"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jiff::{Timestamp, civil::date};
    use motcua_core::{
        identity::{Grant, Role},
        testkit,
    };
    use motcua_store::{
        AgencyStore, AuditFilter, AuditStore, Db, StoredGrant, User, UserKind, testkit::TestDb,
    };

    use super::*;
    use crate::{RequestContext, catalog::CatalogHandle};

    const SHIPPED_TITLE: &str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";

    fn now() -> Timestamp {
        "2026-11-25T09:00:00+07:00".parse().unwrap()
    }

    /// The province `bn` with two wards, and the wording service over them.
    async fn setup() -> (TestDb, FormWordingService<Db>) {
        let t = TestDb::sqlite().await;
        t.db.upsert_agencies(
            &[
                testkit::agency("bn", None),
                testkit::agency("bn.x", Some("bn")),
                testkit::agency("bn.y", Some("bn")),
            ],
            now(),
        )
        .await
        .unwrap();
        let catalog = CatalogHandle::load(&t.db).await.unwrap();
        let service = FormWordingService::new(Arc::new(t.db.clone()), catalog);
        (t, service)
    }

    /// An official holding `role` at `agency`.
    fn official(role: Role, agency: &str) -> Actor {
        let user = User {
            id: format!("u-{}", role.as_str()),
            kind: UserKind::Official,
            username: Some("canbo".into()),
            email: None,
            email_verified: false,
            phone: None,
            citizen_id: None,
            display_name: "Cán bộ".into(),
            password_hash: None,
            agency_id: Some(agency.into()),
            totp_enabled: false,
            disabled_at: None,
            created_at: now(),
        };
        let grant = StoredGrant {
            id: "g-1".into(),
            user_id: user.id.clone(),
            grant: Grant {
                role,
                agency_id: agency.into(),
                subtree: true,
                procedure: None,
                valid_from: date(2025, 7, 1),
                valid_to: None,
            },
            created_at: now(),
            created_by: "cli".into(),
            revoked_at: None,
        };
        Actor::account(
            Arc::new(user),
            Arc::from(vec![grant]),
            RequestContext::default(),
        )
    }

    fn title(text: &str) -> String {
        format!("[receipt]\ntitle = \"{text}\"\n")
    }

    #[tokio::test]
    async fn an_override_words_its_agency_only_and_a_bad_one_is_refused_naming_the_entry() {
        let (t, service) = setup().await;
        let admin = official(Role::Administrator, "bn");
        service
            .set(&admin, now(), "bn.x", &title("GIẤY BIÊN NHẬN HỒ SƠ"))
            .await
            .unwrap();
        assert_eq!(
            service.effective("bn.x").await.unwrap().receipt.title,
            "GIẤY BIÊN NHẬN HỒ SƠ"
        );
        assert_eq!(
            service.effective("bn.y").await.unwrap().receipt.title,
            SHIPPED_TITLE
        );

        // An unknown placeholder: refused with the entry's name, and nothing changes.
        let e = service
            .set(
                &admin,
                now(),
                "bn.x",
                "[receipt]\ncode = \"Mã: {ma_ho_so}\"\n",
            )
            .await
            .unwrap_err();
        let message = e.public_message();
        assert!(matches!(e, ServiceError::Invalid(_)), "{e:?}");
        assert!(message.contains("mục receipt.code"), "{message}");
        assert!(message.contains("{ma_ho_so}"), "{message}");
        // An unknown entry and broken TOML are named too.
        let e = service
            .set(&admin, now(), "bn.x", "[receipt]\ntitel = \"X\"\n")
            .await
            .unwrap_err();
        assert!(e.public_message().contains("receipt.titel"), "{e:?}");
        assert!(matches!(
            service.set(&admin, now(), "bn.x", "[receipt\n").await,
            Err(ServiceError::Invalid(_))
        ));
        assert!(matches!(
            service.set(&admin, now(), "bn.x", "a = \"\0\"").await,
            Err(ServiceError::Invalid(_))
        ));
        assert!(matches!(
            service.set(&admin, now(), "bn.nowhere", &title("X")).await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            service.effective("bn.x").await.unwrap().receipt.title,
            "GIẤY BIÊN NHẬN HỒ SƠ"
        );
        let sets =
            t.db.audit_events(&AuditFilter {
                action: Some("form_wording.set".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(sets.len(), 1, "refused overrides are not recorded as set");
        assert_eq!(sets[0].event.agency_id.as_deref(), Some("bn.x"));
        assert_eq!(sets[0].event.actor, "user:u-administrator");

        service.clear(&admin, now(), "bn.x").await.unwrap();
        assert_eq!(
            service.effective("bn.x").await.unwrap().receipt.title,
            SHIPPED_TITLE
        );
        assert!(matches!(
            service.clear(&admin, now(), "bn.x").await,
            Err(ServiceError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn only_an_installation_wide_grant_changes_the_wording_and_a_refusal_is_audited() {
        let (t, service) = setup().await;
        // An administrator of one ward administers the ward, not what the State's forms say.
        for actor in [
            official(Role::Administrator, "bn.x"),
            official(Role::ReceivingOfficer, "bn"),
        ] {
            let e = service
                .set(&actor, now(), "bn.x", &title("X"))
                .await
                .unwrap_err();
            assert!(matches!(e, ServiceError::Forbidden(_)), "{e:?}");
            assert!(matches!(
                service.clear(&actor, now(), "bn.x").await,
                Err(ServiceError::Forbidden(_))
            ));
        }
        let denied =
            t.db.audit_events(&AuditFilter {
                action: Some("permission.denied".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(denied.len(), 4);
        assert!(
            denied
                .iter()
                .all(|r| r.event.detail["permission"] == "catalog.import")
        );
        assert_eq!(service.store.form_wording("bn.x").await.unwrap(), None);
        // Procedure control over the province may; so may the operator at the command line.
        service
            .set(
                &official(Role::ProcedureControl, "bn"),
                now(),
                "bn.x",
                &title("A"),
            )
            .await
            .unwrap();
        service
            .set(&Actor::operator("cli"), now(), "bn.y", &title("B"))
            .await
            .unwrap();
        assert_eq!(
            service
                .overrides(&Actor::operator("cli"), now())
                .await
                .unwrap()
                .iter()
                .map(|w| (w.agency_id.as_str(), w.set_by.as_str()))
                .collect::<Vec<_>>(),
            [("bn.x", "user:u-procedure_control"), ("bn.y", "cli")]
        );
    }

    #[tokio::test]
    async fn the_cache_is_dropped_by_a_change_here_at_once_and_by_one_elsewhere_on_refresh() {
        let (t, here) = setup().await;
        let cli = Actor::operator("cli");
        here.refresh_if_changed().await.unwrap();
        let first = here.effective("bn.x").await.unwrap();
        assert!(
            Arc::ptr_eq(&first, &here.effective("bn.x").await.unwrap()),
            "built once, then served from memory"
        );
        here.set(&cli, now(), "bn.x", &title("MỘT")).await.unwrap();
        assert_eq!(here.effective("bn.x").await.unwrap().receipt.title, "MỘT");

        // Another node (or the command line) changes it: this node follows on its next poll.
        let catalog = CatalogHandle::load(&t.db).await.unwrap();
        let elsewhere = FormWordingService::new(Arc::new(t.db.clone()), catalog);
        elsewhere
            .set(&cli, now(), "bn.x", &title("HAI"))
            .await
            .unwrap();
        assert_eq!(here.effective("bn.x").await.unwrap().receipt.title, "MỘT");
        assert!(here.refresh_if_changed().await.unwrap());
        assert_eq!(here.effective("bn.x").await.unwrap().receipt.title, "HAI");
        assert!(!here.refresh_if_changed().await.unwrap());

        elsewhere.clear(&cli, now(), "bn.x").await.unwrap();
        assert!(here.refresh_if_changed().await.unwrap());
        assert_eq!(
            here.effective("bn.x").await.unwrap().receipt.title,
            SHIPPED_TITLE
        );
    }

    #[tokio::test]
    async fn a_stored_override_that_no_longer_loads_prints_the_shipped_wording() {
        let (t, service) = setup().await;
        // As if written by an older release whose entries have been renamed since.
        t.db.set_form_wording(
            &StoredWording {
                agency_id: "bn.x".into(),
                wording: "[receipt]\nold_entry = \"X\"\n".into(),
                set_by: "cli".into(),
                set_at: now(),
            },
            &Actor::operator("cli").event(now(), "form_wording.set", Outcome::Success),
        )
        .await
        .unwrap();
        assert_eq!(
            service.effective("bn.x").await.unwrap().receipt.title,
            SHIPPED_TITLE
        );
    }
}
