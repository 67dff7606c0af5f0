//! Submitting a dossier: online by its applicant, or entered at the desk (in person, by post,
//! from the national portal) by an official who receives it at once.

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    catalog::ProcedureCode,
    dossier::{
        self, Action, Dossier, DossierCode, FieldError, HistoryEntry, IntakeRequest,
        ProcessTemplate, ProvidedComponent, Status, Submitter,
        intake::{channel_for, received_on_entry},
    },
    identity::{Permission, vietnam_date},
};
use motcua_store::{Accompanying, Created, Creation, IdempotencyKey};

use super::{
    DeskDecision, DossierDeps, DossierService, SubmitRequest, act::illegal, notify, person,
};
use crate::{
    actor::{Actor, Target},
    error::{ServiceError, ServiceResult},
};

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The process configured for a procedure at the competent agency, or the default.
    pub(super) async fn process_for(
        &self,
        procedure: &ProcedureCode,
        competent: &str,
    ) -> ServiceResult<ProcessTemplate> {
        Ok(self
            .store
            .process_template(procedure.as_str(), competent)
            .await?
            .unwrap_or_else(ProcessTemplate::default_for))
    }

    /// Submits a dossier. Returns the new dossier as written, or — for an idempotency key
    /// seen before — the earlier dossier's code.
    pub async fn submit(
        &self,
        actor: &Actor,
        now: Timestamp,
        req: SubmitRequest,
        key: Option<IdempotencyKey>,
    ) -> ServiceResult<Created> {
        self.submit_ending(actor, now, req, key, Vec::new()).await
    }

    /// [`Self::submit`], ending `drafts` in the dossier's transaction.
    pub(super) async fn submit_ending(
        &self,
        actor: &Actor,
        now: Timestamp,
        req: SubmitRequest,
        key: Option<IdempotencyKey>,
        drafts: Vec<String>,
    ) -> ServiceResult<Created> {
        let today = vietnam_date(now);
        let catalog = self.catalog.get();
        let code = ProcedureCode::parse(&req.procedure)
            .map_err(|e| ServiceError::invalid("procedure", e.to_string()))?;
        let stored = catalog
            .procedure(&code)
            .ok_or_else(|| {
                ServiceError::invalid("procedure", "không có thủ tục này trong danh mục")
            })?
            .clone();
        let competent = catalog
            .agency(&req.agency)
            .filter(|a| a.is_valid_on(today))
            .ok_or_else(|| ServiceError::invalid("agency", "không có cơ quan này"))?
            .id
            .clone();
        let offer = catalog
            .offers(&code)
            .iter()
            .find(|(a, _)| *a == competent)
            .map(|(_, level)| *level)
            .ok_or_else(|| {
                ServiceError::invalid("agency", "cơ quan này không giải quyết thủ tục này")
            })?;
        let receiving = self.desk_for(&competent, now);
        let prefix = dossier::code_prefix(&receiving, |id| catalog.agency(id))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "agency",
                    "cơ quan chưa có mã định danh điện tử để cấp mã hồ sơ",
                )
            })?
            .to_owned();
        let submitter = match (actor.is_official() || actor.is_operator(), actor.user_id()) {
            (false, Some(account)) => Submitter::Applicant {
                account: account.to_owned(),
            },
            _ => Submitter::Official,
        };
        // The channel decides whether the receiving officer's permission is needed, which is
        // checked (and a refusal audited) before anything else is looked at.
        let channel = channel_for(&submitter, req.channel, offer).map_err(ServiceError::from)?;
        if received_on_entry(channel) {
            actor
                .require(
                    &*self.store,
                    catalog.hierarchy(),
                    now,
                    Permission::DossierReceive,
                    Target::agency(&receiving).procedure(&code),
                )
                .await?;
        }
        let mut errors: Vec<FieldError> = Vec::new();
        let decision = match req.decision {
            None => Action::Accept,
            Some(_) if !channel.is_received_by_officer() => {
                return Err(ServiceError::invalid(
                    "decision",
                    "chỉ hồ sơ nộp trực tiếp hoặc qua bưu chính mới có quyết định của bộ phận một cửa khi nhập",
                ));
            }
            Some(DeskDecision::Receive) => Action::Accept,
            Some(DeskDecision::Supplement { items }) => Action::RequestSupplement { items },
            Some(DeskDecision::Refuse { reason }) => Action::Refuse { reason },
        };
        let mut provided = Vec::with_capacity(req.components.len());
        for (i, c) in req.components.iter().enumerate() {
            let field = format!("components[{i}].files");
            match self.own_files(actor, &c.files, &field).await {
                Ok(files) => provided.push(ProvidedComponent {
                    index: c.index,
                    files,
                    held_document: c.held_document.clone(),
                    paper: c.paper,
                }),
                Err(ServiceError::Invalid(mut e)) => errors.append(&mut e),
                Err(other) => return Err(other),
            }
        }
        let process = self.process_for(&code, &competent).await?;
        let calendar = self.calendar_for(&competent);
        let planned = dossier::intake::plan(
            IntakeRequest {
                procedure: &stored.procedure,
                version: stored.version,
                offer,
                submitter,
                channel: Some(channel),
                case: req.case,
                applicant: req.applicant,
                representative: req.representative,
                components: provided,
                answers: req.answers.iter().map(|a| (a.index, a.applies)).collect(),
                return_method: req.return_method,
                return_address: req.return_address,
                receiving_agency: receiving.clone(),
                competent_agency: competent,
                process,
                check_complete: matches!(decision, Action::Accept),
            },
            uuid::Uuid::now_v7().to_string(),
            now,
            &calendar,
            &self.rules,
        );
        let submission = match planned {
            Ok(s) if errors.is_empty() => s,
            Ok(_) => return Err(ServiceError::Invalid(errors)),
            Err(mut e) => {
                errors.append(&mut e);
                return Err(ServiceError::Invalid(errors));
            }
        };
        // Everything that can be refused is decided before a code is issued: the builder only
        // stamps the code on the dossier and on what mentions it.
        let placeholder = DossierCode::new(&prefix, today, 1).map_err(ServiceError::internal)?;
        let mut d = Dossier::submitted(submission, placeholder);
        d.lookup_key = crate::crypto::lookup_key().map_err(ServiceError::internal)?;
        let who = person(actor);
        let mut history = vec![HistoryEntry {
            at: now,
            actor: Some(who.clone()),
            action: "submit".to_owned(),
            status: Status::Submitted,
            summary: format!("Nộp hồ sơ ({})", channel.label_vi()),
            internal: false,
        }];
        if received_on_entry(channel) {
            let ctx = dossier::Context {
                now,
                actor: &who,
                calendar: &calendar,
                rules: &self.rules,
            };
            // A desk's Form 02 or Form 03 is refused here like the same action on an online
            // dossier (no items, no reason), as field errors.
            let applied =
                dossier::apply(&mut d, decision, &ctx).map_err(|e| match illegal(&e) {
                    ServiceError::Invalid(errs) => ServiceError::Invalid(
                        errs.into_iter()
                            .map(|f| FieldError::new(format!("decision.{}", f.field), f.message))
                            .collect(),
                    ),
                    other => other,
                })?;
            history.push(HistoryEntry {
                at: now,
                actor: Some(who.clone()),
                action: applied.kind.as_str().to_owned(),
                status: d.status,
                summary: applied.summary,
                internal: applied.internal,
            });
        }
        let audit = actor
            .event(now, "dossier.submit", Outcome::Success)
            .agency(receiving)
            .procedure(code.as_str())
            .with("channel", channel.as_str());
        let audit = match history.last() {
            Some(h) if h.action != "submit" => audit.with("decision", h.action.as_str()),
            _ => audit,
        };
        let build = Box::new(move |issued: DossierCode| {
            d.code = issued.clone();
            let mails = notify::mail_for(&d, "submit", now).into_iter().collect();
            let audit = vec![
                audit
                    .subject(format!("dossier:{issued}"))
                    .with("status", d.status.as_str()),
            ];
            Creation {
                dossier: d,
                with: Accompanying {
                    history,
                    audit,
                    mails,
                    drafts,
                },
            }
        });
        Ok(self
            .store
            .create_dossier(&prefix, today, key, build)
            .await?)
    }
}
