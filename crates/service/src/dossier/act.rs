//! Acting on a dossier: one of the state machine's actions, checked against the state, the
//! actor's grants and the request, and written with its history, audit event and mail.

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    dossier::{
        self, Action, ActionKind, Dossier, FieldError, HistoryEntry, Person, SupplementItem,
        TransitionError,
    },
    identity::{Grant, Permission, Role, allows, credentials::LoginId, vietnam_date},
};
use motcua_store::{Accompanying, StoreError, User, UserKind};

use super::{
    ActionRequest, DossierDeps, DossierService, notify, person,
    request::{ComponentInput, required},
};
use crate::{
    actor::{Actor, Target},
    error::{ServiceError, ServiceResult},
};

/// A refusal of the state machine as the service reports it. The messages say what to do,
/// not only what went wrong: an official who is not the assignee is told who can reassign.
pub(super) fn illegal(e: &TransitionError) -> ServiceError {
    match e {
        TransitionError::NotAllowed { allowed, .. } => ServiceError::IllegalTransition {
            message: e.to_string(),
            allowed: allowed.iter().map(|k| k.as_str().to_owned()).collect(),
        },
        TransitionError::Invalid(f) => ServiceError::Invalid(vec![f.clone()]),
        TransitionError::Clock(c) => ServiceError::invalid("new_due", c.to_string()),
        TransitionError::NotAssignee => ServiceError::Forbidden(
            "Hồ sơ đang được phân công cho cán bộ khác. Nếu cần xử lý thay, hãy đề nghị \
             trưởng phòng (người phân công) phân công lại cho bạn."
                .to_owned(),
        ),
        TransitionError::OpenTasks(_) => ServiceError::Conflict(format!(
            "{e}. Hãy chờ các cơ quan phối hợp trả lời, hoặc liên hệ để đôn đốc."
        )),
    }
}

fn text(v: &Option<String>, field: &str) -> Result<String, FieldError> {
    Ok(required(v, field)?.clone())
}

/// An action decided on a dossier and applied in memory, not yet written.
struct Decided {
    d: Dossier,
    expected: i64,
    kind: ActionKind,
    applied: dossier::Applied,
    who: motcua_core::dossier::Person,
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// What the dossier would be after the action, with every check `act` makes (the
    /// permission, the state, the fields) and nothing written: the desk previews the Form 02
    /// it is about to hand over.
    pub async fn preview(
        &self,
        actor: &Actor,
        now: Timestamp,
        code: &str,
        action: &str,
        req: ActionRequest,
    ) -> ServiceResult<Dossier> {
        Ok(self.decide(actor, now, code, action, &req).await?.d)
    }

    /// Takes an action on a dossier at `now`; returns the dossier as changed.
    pub async fn act(
        &self,
        actor: &Actor,
        now: Timestamp,
        code: &str,
        action: &str,
        req: ActionRequest,
    ) -> ServiceResult<Dossier> {
        let Decided {
            d,
            expected,
            kind,
            applied,
            who,
        } = self.decide(actor, now, code, action, &req).await?;
        let mut with = Accompanying {
            history: vec![HistoryEntry {
                at: now,
                actor: Some(who),
                action: kind.as_str().to_owned(),
                status: d.status,
                summary: applied.summary,
                internal: applied.internal,
            }],
            audit: vec![
                actor
                    .event(now, &format!("dossier.{}", kind.as_str()), Outcome::Success)
                    .agency(d.current_agency.clone())
                    .procedure(d.procedure.as_str())
                    .subject(format!("dossier:{}", d.code))
                    .with("status", d.status.as_str()),
            ],
            mails: Vec::new(),
            drafts: Vec::new(),
        };
        if applied.notify_applicant {
            with.mails.extend(notify::mail_for(&d, kind.as_str(), now));
        }
        self.store
            .update_dossier(&d, expected, &with)
            .await
            .map_err(|e| match e {
                StoreError::StaleRevision => ServiceError::Conflict(
                    "Hồ sơ vừa được người khác cập nhật trong lúc bạn thao tác; hãy tải lại \
                     để xem thay đổi rồi thực hiện lại."
                        .to_owned(),
                ),
                other => other.into(),
            })?;
        Ok(d)
    }

    /// Everything `act` decides before it writes.
    async fn decide(
        &self,
        actor: &Actor,
        now: Timestamp,
        code: &str,
        action: &str,
        req: &ActionRequest,
    ) -> ServiceResult<Decided> {
        let kind = ActionKind::parse(action).ok_or_else(|| {
            ServiceError::NotFound(format!(
                "Không có thao tác {:?}. Các thao tác: {}.",
                action.chars().take(40).collect::<String>(),
                ActionKind::ALL.map(ActionKind::as_str).join(", ")
            ))
        })?;
        let mut d = self.load_visible(actor, now, code).await?;
        if let Some(rev) = req.revision
            && rev != d.revision
        {
            return Err(ServiceError::Conflict(format!(
                "Hồ sơ đã được cập nhật (phiên bản {} thay vì {rev}) trong khi bạn xem; hãy \
                 tải lại để thấy thay đổi rồi thực hiện lại.",
                d.revision
            )));
        }
        if !dossier::allowed(&d).contains(&kind) {
            return Err(illegal(&TransitionError::NotAllowed {
                action: kind,
                status: d.status,
                allowed: dossier::allowed(&d),
            }));
        }
        let consulted = if kind == ActionKind::Reply {
            let id = *required(&req.consultation, "consultation")?;
            Some(
                d.consultations
                    .iter()
                    .find(|c| c.id == id && c.answer.is_none())
                    .map(|c| c.agency.clone())
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "consultation",
                            "không có yêu cầu xin ý kiến đang mở với số này",
                        )
                    })?,
            )
        } else {
            None
        };
        let requirement = dossier::requirement(&d, kind, consulted.as_deref());
        let owner = d.owner_id.is_some() && d.owner_id.as_deref() == actor.user_id();
        let as_owner = requirement.owner_may && owner;
        if !(requirement.officials_may || as_owner) {
            return Err(ServiceError::Forbidden(format!(
                "chỉ người nộp hồ sơ được {}",
                kind.label_vi().to_lowercase()
            )));
        }
        if !as_owner {
            // Applicants hold no grants: this refuses them too, and audits the attempt.
            actor
                .require(
                    &*self.store,
                    self.catalog.get().hierarchy(),
                    now,
                    requirement.permission,
                    Target::agency(&requirement.agency).procedure(&d.procedure),
                )
                .await?;
        }
        let action = self.build_action(actor, now, &d, kind, req).await?;
        let calendar = self.calendar_for(&d.competent_agency);
        let who = person(actor);
        let ctx = dossier::Context {
            now,
            actor: &who,
            calendar: &calendar,
            rules: &self.rules,
        };
        let expected = d.revision;
        let applied = dossier::apply(&mut d, action, &ctx).map_err(|e| illegal(&e))?;
        Ok(Decided {
            d,
            expected,
            kind,
            applied,
            who,
        })
    }

    async fn build_action(
        &self,
        actor: &Actor,
        now: Timestamp,
        d: &Dossier,
        kind: ActionKind,
        req: &ActionRequest,
    ) -> ServiceResult<Action> {
        Ok(match kind {
            ActionKind::Accept => Action::Accept,
            ActionKind::RequestSupplement => Action::RequestSupplement {
                items: supplement_items(required(&req.items, "items")?)?,
            },
            ActionKind::SubmitSupplement => Action::SubmitSupplement {
                added: self
                    .supplied(
                        actor,
                        req.components.as_deref().unwrap_or_default(),
                        d.components.len(),
                    )
                    .await?,
                note: req.note.clone(),
            },
            ActionKind::SupplementReceived => Action::SupplementReceived {
                added: self
                    .supplied(
                        actor,
                        req.components.as_deref().unwrap_or_default(),
                        d.components.len(),
                    )
                    .await?,
            },
            ActionKind::Refuse => Action::Refuse {
                reason: text(&req.reason, "reason")?,
            },
            ActionKind::Assign => Action::Assign {
                assignee: self
                    .assignee(d, required(&req.assignee, "assignee")?, now)
                    .await?,
            },
            ActionKind::Forward => Action::Forward {
                note: req.note.clone(),
            },
            ActionKind::SendBack => Action::SendBack {
                to_step: *required(&req.to_step, "to_step")?,
                reason: text(&req.reason, "reason")?,
            },
            ActionKind::Consult => Action::Consult {
                agency: self.known_agency(required(&req.agency, "agency")?, now)?,
                question: text(&req.question, "question")?,
                days: req.days.unwrap_or(self.rules.default_consult_days),
            },
            ActionKind::Reply => Action::Reply {
                consultation: *required(&req.consultation, "consultation")?,
                answer: text(&req.answer, "answer")?,
            },
            ActionKind::Transfer => {
                let agency = self.known_agency(required(&req.agency, "agency")?, now)?;
                let desk = self.desk_for(&agency, now);
                let process = self
                    .process_for(&d.procedure, &agency)
                    .await?
                    .resolve(d.limit, &desk, &agency);
                Action::Transfer {
                    agency,
                    reason: text(&req.reason, "reason")?,
                    process,
                }
            }
            ActionKind::Approve => Action::Approve {
                note: req.note.clone(),
            },
            ActionKind::IssueResult => Action::IssueResult {
                number: text(&req.number, "number")?,
                signed_on: req.signed_on.unwrap_or_else(|| vietnam_date(now)),
                file: match &req.file {
                    Some(id) => self
                        .own_files(actor, std::slice::from_ref(id), "file")
                        .await?
                        .into_iter()
                        .next(),
                    None => None,
                },
                signer: req.signer.clone(),
            },
            ActionKind::ReturnResult => Action::ReturnResult {
                method: req.method,
                recipient: req.recipient.clone(),
            },
            ActionKind::Withdraw => Action::Withdraw {
                reason: text(&req.reason, "reason")?,
            },
            ActionKind::Stop => Action::Stop {
                reason: text(&req.reason, "reason")?,
            },
            ActionKind::Apologise => Action::Apologise {
                reason: text(&req.reason, "reason")?,
                new_due: *required(&req.new_due, "new_due")?,
            },
            ActionKind::Comment => Action::Comment {
                text: text(&req.text, "text")?,
                public: req.public.unwrap_or(false),
            },
            ActionKind::Rate => Action::Rate {
                rating: required(&req.rating, "rating")?.clone(),
            },
        })
    }

    /// The components supplied with a supplement: `(index, files, held document)`.
    async fn supplied(
        &self,
        actor: &Actor,
        inputs: &[ComponentInput],
        count: usize,
    ) -> ServiceResult<Vec<(usize, Vec<motcua_core::dossier::FileRef>, Option<String>)>> {
        let mut out = Vec::with_capacity(inputs.len());
        for (i, c) in inputs.iter().enumerate() {
            let f = format!("components[{i}]");
            if c.index >= count {
                return Err(ServiceError::invalid(
                    format!("{f}.index"),
                    format!(
                        "hồ sơ có {count} thành phần (chỉ số 0–{})",
                        count.saturating_sub(1)
                    ),
                ));
            }
            let refs = self
                .own_files(actor, &c.files, &format!("{f}.files"))
                .await?;
            let held = match c.held_document.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => {
                    Some(dossier::text_field(&format!("{f}.held_document"), s, 200)?)
                }
                _ => None,
            };
            out.push((c.index, refs, held));
        }
        Ok(out)
    }

    fn known_agency(&self, id: &str, now: Timestamp) -> Result<String, ServiceError> {
        let today = vietnam_date(now);
        self.catalog
            .get()
            .agency(id)
            .filter(|a| a.is_valid_on(today))
            .map(|a| a.id.clone())
            .ok_or_else(|| ServiceError::invalid("agency", "không có cơ quan này"))
    }

    /// The officials the dossier may be assigned to now, by name: active official accounts
    /// whose grants let them handle it at its current agency for its procedure (what
    /// [`Self::assignee`] accepts), for the assign form's list.
    pub async fn assignable(&self, d: &Dossier, now: Timestamp) -> ServiceResult<Vec<Assignable>> {
        let catalog = self.catalog.get();
        let ancestors = catalog.hierarchy().ancestors(&d.current_agency);
        let mut at: Vec<&str> = vec![d.current_agency.as_str()];
        at.extend(ancestors.iter().copied());
        let roles: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.permissions().contains(&Permission::DossierHandle))
            .collect();
        let today = vietnam_date(now);
        let mut ids: Vec<String> = Vec::new();
        for g in self.store.grants_at(&at, &roles).await? {
            if may_handle(std::slice::from_ref(&g.grant), d, &ancestors, today)
                && !ids.contains(&g.user_id)
            {
                ids.push(g.user_id);
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = self.store.user(&id).await?
                && is_active_official(&u)
            {
                out.push(Assignable {
                    user_id: u.id,
                    name: u.display_name,
                    username: u.username,
                });
            }
        }
        out.sort_by_cached_key(|a| motcua_core::text::collation_key(&a.name));
        Ok(out)
    }

    /// The officer to assign: an active official who may handle dossiers at the dossier's
    /// current agency for its procedure.
    async fn assignee(&self, d: &Dossier, who: &str, now: Timestamp) -> ServiceResult<Person> {
        let bad = || {
            ServiceError::invalid(
                "assignee",
                "cán bộ này không có quyền thụ lý hồ sơ tại đơn vị đang xử lý; chọn một \
                 chuyên viên thụ lý của đơn vị",
            )
        };
        let user = match self.store.user(who).await? {
            Some(u) => Some(u),
            None => match LoginId::parse(who) {
                Some(login @ LoginId::Username(_)) => self.store.user_by_login(&login).await?,
                _ => None,
            },
        }
        .ok_or_else(bad)?;
        if !is_active_official(&user) {
            return Err(bad());
        }
        let grants: Vec<_> = self
            .store
            .active_grants(&user.id)
            .await?
            .into_iter()
            .map(|g| g.grant)
            .collect();
        let catalog = self.catalog.get();
        let ancestors = catalog.hierarchy().ancestors(&d.current_agency);
        if !may_handle(&grants, d, &ancestors, vietnam_date(now)) {
            return Err(bad());
        }
        Ok(Person {
            user_id: user.id,
            name: user.display_name,
        })
    }
}

/// Whether `grants` let their holder handle `d` where it is now, for its procedure: the
/// one rule both the assign form's list and the assign action apply.
fn may_handle(grants: &[Grant], d: &Dossier, ancestors: &[&str], today: jiff::civil::Date) -> bool {
    allows(
        grants,
        Permission::DossierHandle,
        &d.current_agency,
        ancestors,
        Some(&d.procedure),
        today,
    )
}

/// An official's account that may still act.
fn is_active_official(u: &User) -> bool {
    u.kind == UserKind::Official && u.disabled_at.is_none()
}

/// An official the dossier can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignable {
    /// The account (what the assign action takes).
    pub user_id: String,
    /// Name to show.
    pub name: String,
    /// User name, shown beside the name to tell namesakes apart.
    pub username: Option<String>,
}

fn supplement_items(items: &[SupplementItem]) -> Result<Vec<SupplementItem>, FieldError> {
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            Ok(SupplementItem {
                component: dossier::text_field(
                    &format!("items[{i}].component"),
                    &it.component,
                    500,
                )?,
                reason: dossier::text_field(&format!("items[{i}].reason"), &it.reason, 1000)?,
            })
        })
        .collect()
}
