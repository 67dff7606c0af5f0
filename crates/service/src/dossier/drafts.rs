//! Drafts: the applicant's dossier while it is being filled in, saved at every step of the
//! portal's form. A draft lives on the server, so it is resumed on another device and survives
//! an expired session; it expires after [`DossierRules::draft_days`] without a save, with a
//! mail [`DossierRules::draft_warning_days`] before. It becomes a dossier only through
//! [`DossierService::submit_draft`], in the dossier's own transaction, and a second submission
//! of the same draft (a double click, a retry) answers with the dossier the first made.
//!
//! [`DossierRules::draft_days`]: motcua_core::dossier::DossierRules::draft_days
//! [`DossierRules::draft_warning_days`]: motcua_core::dossier::DossierRules::draft_warning_days

use jiff::{SignedDuration, Timestamp};
use motcua_core::{
    catalog::ProcedureCode,
    dossier::{Applicant, Representative, ReturnMethod},
};
use motcua_store::{Created, Draft, IdempotencyKey, NewMail, UserKind};
use serde::{Deserialize, Serialize};

use super::{
    DossierDeps, DossierService,
    request::{ComponentInput, ConditionAnswer, SubmitRequest},
};
use crate::{
    actor::Actor,
    error::{ServiceError, ServiceResult},
};

/// Largest saved draft (its JSON): a form's answers, never files.
const MAX_DRAFT_BYTES: usize = 64 * 1024;

/// What the applicant has filled in so far; every part may still be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftData {
    /// The agency chosen to settle it.
    pub agency: Option<String>,
    /// The case (trường hợp) chosen.
    pub case: Option<usize>,
    /// The applicant.
    pub applicant: Option<Applicant>,
    /// Whether someone files for the applicant (answered "no": `Some(false)`).
    pub for_someone_else: Option<bool>,
    /// The representative, when someone files for the applicant.
    pub representative: Option<Representative>,
    /// Answers to the conditional documents' questions.
    pub answers: Vec<ConditionAnswer>,
    /// The documents provided so far.
    pub components: Vec<ComponentInput>,
    /// How the result is to be returned.
    pub return_method: Option<ReturnMethod>,
    /// The postal address for `post`.
    pub return_address: Option<String>,
    /// The step of the form the applicant was at.
    pub step: Option<String>,
}

impl DraftData {
    /// The submission this draft asks for, or the first thing still missing (as a field the
    /// form's check page links to).
    pub fn submission(&self, procedure: &str) -> ServiceResult<SubmitRequest> {
        let missing = |field: &str, what: &str| ServiceError::invalid(field, what);
        Ok(SubmitRequest {
            procedure: procedure.to_owned(),
            agency: self
                .agency
                .clone()
                .ok_or_else(|| missing("agency", "hãy chọn nơi nộp hồ sơ"))?,
            case: self.case.unwrap_or(0),
            channel: None,
            decision: None,
            applicant: self
                .applicant
                .clone()
                .ok_or_else(|| missing("applicant", "hãy nhập thông tin người nộp"))?,
            representative: if self.for_someone_else == Some(true) {
                Some(self.representative.clone().ok_or_else(|| {
                    missing("representative", "hãy nhập thông tin người được ủy quyền")
                })?)
            } else {
                None
            },
            components: self.components.clone(),
            answers: self.answers.clone(),
            return_method: self.return_method,
            return_address: self.return_address.clone(),
        })
    }

    fn files(&self) -> Vec<String> {
        self.components
            .iter()
            .flat_map(|c| c.files.iter().cloned())
            .collect()
    }
}

/// A draft as the applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftView {
    /// The stored draft.
    pub draft: Draft,
    /// What it holds.
    pub data: DraftData,
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy hồ sơ đang soạn.".to_owned())
}

fn decode(draft: Draft) -> ServiceResult<DraftView> {
    let data = serde_json::from_str(&draft.data).map_err(ServiceError::internal)?;
    Ok(DraftView { draft, data })
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    fn applicant_id<'a>(&self, actor: &'a Actor) -> ServiceResult<&'a str> {
        match actor.user() {
            Some(u) if u.kind == UserKind::Applicant => Ok(u.id.as_str()),
            _ => Err(ServiceError::Forbidden(
                "Chỉ tài khoản người nộp hồ sơ mới soạn hồ sơ trực tuyến.".to_owned(),
            )),
        }
    }

    fn expiry(&self, now: Timestamp) -> ServiceResult<Timestamp> {
        now.checked_add(SignedDuration::from_hours(24 * self.rules.draft_days))
            .map_err(ServiceError::internal)
    }

    /// Starts a draft for a procedure some agency offers online.
    pub async fn start_draft(
        &self,
        actor: &Actor,
        now: Timestamp,
        procedure: &str,
        data: DraftData,
    ) -> ServiceResult<DraftView> {
        let owner = self.applicant_id(actor)?;
        let code = ProcedureCode::parse(procedure)
            .map_err(|e| ServiceError::invalid("procedure", e.to_string()))?;
        let catalog = self.catalog.get();
        let online = catalog
            .offers(&code)
            .iter()
            .any(|(_, level)| *level != motcua_core::catalog::OnlineLevel::None);
        if catalog.procedure(&code).is_none() || !online {
            return Err(ServiceError::invalid(
                "procedure",
                "thủ tục này chưa được cung cấp trực tuyến",
            ));
        }
        let draft = Draft {
            id: uuid::Uuid::now_v7().to_string(),
            owner_id: owner.to_owned(),
            procedure_code: code.as_str().to_owned(),
            data: serde_json::to_string(&data).map_err(ServiceError::internal)?,
            revision: 0,
            created_at: now,
            updated_at: now,
            expires_at: self.expiry(now)?,
            warned_at: None,
        };
        self.store.create_draft(&draft).await?;
        Ok(DraftView { draft, data })
    }

    /// One of the actor's drafts ("not found" for anyone else's).
    pub async fn draft(&self, actor: &Actor, id: &str) -> ServiceResult<DraftView> {
        let owner = self.applicant_id(actor)?;
        match self.store.draft(id).await? {
            Some(d) if d.owner_id == owner => decode(d),
            _ => Err(not_found()),
        }
    }

    /// The actor's drafts, last saved first.
    pub async fn drafts(&self, actor: &Actor) -> ServiceResult<Vec<DraftView>> {
        let Ok(owner) = self.applicant_id(actor) else {
            return Ok(Vec::new());
        };
        self.store
            .drafts_of(owner)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// Saves a step: the draft's new data, if nobody saved it since `revision` was read. Files
    /// named in it must be the actor's.
    pub async fn save_draft(
        &self,
        actor: &Actor,
        now: Timestamp,
        id: &str,
        revision: i64,
        data: &DraftData,
    ) -> ServiceResult<DraftView> {
        let owner = self.applicant_id(actor)?;
        let json = serde_json::to_string(data).map_err(ServiceError::internal)?;
        if json.len() > MAX_DRAFT_BYTES {
            return Err(ServiceError::invalid(
                "draft",
                "hồ sơ đang soạn quá lớn; hãy bớt nội dung",
            ));
        }
        for (i, c) in data.components.iter().enumerate() {
            self.own_files(actor, &c.files, &format!("components[{i}].files"))
                .await?;
        }
        self.store
            .save_draft(
                id,
                owner,
                revision,
                &json,
                &data.files(),
                now,
                self.expiry(now)?,
            )
            .await
            .map_err(|e| match e {
                motcua_store::StoreError::StaleRevision => ServiceError::Conflict(
                    "Hồ sơ đang soạn vừa được lưu ở một cửa sổ hoặc thiết bị khác; hãy mở lại \
                     để tiếp tục từ bản mới nhất."
                        .to_owned(),
                ),
                other => other.into(),
            })?;
        self.draft(actor, id).await
    }

    /// Deletes one of the actor's drafts.
    pub async fn delete_draft(&self, actor: &Actor, id: &str) -> ServiceResult<()> {
        let owner = self.applicant_id(actor)?;
        if self.store.delete_draft(id, owner).await? {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    /// Submits a draft: the dossier is written and the draft deleted in one transaction. A
    /// draft submitted again (a second click, a retry after a lost answer) answers with the
    /// dossier it became.
    pub async fn submit_draft(
        &self,
        actor: &Actor,
        now: Timestamp,
        id: &str,
    ) -> ServiceResult<Created> {
        let owner = self.applicant_id(actor)?;
        let key = format!("draft:{id}");
        let Some(stored) = self.store.draft(id).await?.filter(|d| d.owner_id == owner) else {
            return match self.store.replayed_submission(owner, &key).await? {
                Some(code) => Ok(Created::Replayed {
                    code,
                    same_request: true,
                }),
                None => Err(not_found()),
            };
        };
        let view = decode(stored)?;
        let req = view.data.submission(&view.draft.procedure_code)?;
        self.submit_ending(
            actor,
            now,
            req,
            Some(IdempotencyKey {
                owner: owner.to_owned(),
                key,
                request_hash: view.draft.id.clone(),
            }),
            vec![view.draft.id],
        )
        .await
    }

    /// Warns owners of drafts about to expire (by mail, when the account has a verified
    /// address) and deletes the expired ones. Run periodically; idempotent.
    pub async fn maintain_drafts(&self, now: Timestamp) -> ServiceResult<(usize, u64)> {
        let horizon = now
            .checked_add(SignedDuration::from_hours(
                24 * self.rules.draft_warning_days,
            ))
            .map_err(ServiceError::internal)?;
        let mut warned = 0;
        for d in self.store.drafts_to_warn(horizon, 200).await? {
            let mail = match self.store.user(&d.owner_id).await? {
                Some(u) if u.email_verified => u.email.map(|to| NewMail {
                    id: uuid::Uuid::now_v7().to_string(),
                    recipient: to,
                    subject: "Hồ sơ đang soạn sắp bị xóa".to_owned(),
                    body: format!(
                        "Kính gửi {},\n\nHồ sơ bạn đang soạn cho thủ tục {} chưa được nộp và sẽ \
                         bị xóa sau ngày {}. Hãy đăng nhập, mở \"Hồ sơ của tôi\" để tiếp tục và \
                         nộp hồ sơ.\n",
                        u.display_name,
                        d.procedure_code,
                        motcua_core::dossier::model::vn_time_text(d.expires_at)
                    ),
                    created_at: now,
                }),
                _ => None,
            };
            self.store.warn_draft(&d.id, now, mail.as_ref()).await?;
            warned += 1;
        }
        Ok((warned, self.store.purge_drafts(now).await?))
    }
}
