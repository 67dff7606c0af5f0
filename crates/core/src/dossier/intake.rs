//! Intake: the rules that turn a request into a [`Submission`] — from the procedure version
//! in force, the offer of the competent agency, and who submits. Pure: the caller looks up the
//! procedure, the offer, the desks and the uploaded files, and passes them in.
//!
//! Every rule that can refuse a request is here, so every entry point (the JSON API, the
//! portal's form, the desk's reception screen, the demo, a dossier pushed from the national
//! portal) refuses the same things with the same messages — all of them at once, so that a
//! form can show the whole error summary.

use jiff::Timestamp;

use super::{
    Applicant, Component, FeeLine, FieldError, FileRef, PaperReceived, ProcessTemplate,
    Representative, ReturnMethod, ReturnPlace, Submission, SubmissionChannel, text_field,
};
use crate::{
    calendar::WorkCalendar,
    catalog::{
        OnlineLevel, Procedure, TimeUnit,
        requirement::{Classified, Condition, ConditionTopic, RequirementKind, classify_case},
    },
};

/// Dossier rules that are data, not law written into code.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierRules {
    /// Working hours the desk has to accept an online dossier or ask for a supplement: 8
    /// under Decree 45/2020 as reported (DOMAIN.md §6.5 [N]); an operator may change it.
    pub online_check_hours: f64,
    /// Working days a consulted agency gets when the official names none.
    pub default_consult_days: f64,
    /// Calendar days during which an applicant may change their rating (motcua's choice:
    /// DOMAIN.md gives none).
    pub rating_change_days: i64,
    /// Calendar days a draft is kept after it was last saved.
    pub draft_days: i64,
    /// Calendar days before a draft expires that its owner is warned.
    pub draft_warning_days: i64,
}

impl Default for DossierRules {
    fn default() -> Self {
        Self {
            online_check_hours: 8.0,
            default_consult_days: 3.0,
            rating_change_days: 7,
            draft_days: 30,
            draft_warning_days: 3,
        }
    }
}

/// Who submits: an applicant online from their account, or an official entering a dossier
/// brought to the desk, sent by post, or pushed from the national portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitter {
    /// An applicant's account.
    Applicant {
        /// The account id (the dossier's owner).
        account: String,
    },
    /// An official (already checked to hold `dossier.receive` at the desk).
    Official,
}

/// A document the request provides: files already uploaded by the submitter (resolved by the
/// caller) or a reference to a document already held electronically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedComponent {
    /// Index in the chosen case's list of documents.
    pub index: usize,
    /// The files.
    pub files: Vec<FileRef>,
    /// A document already held (e.g. a previous result's number).
    pub held_document: Option<String>,
    /// Paper seen at the desk (desk and postal dossiers only).
    pub paper: Option<PaperReceived>,
}

/// Everything intake needs, looked up by the caller.
#[derive(Debug, Clone)]
pub struct IntakeRequest<'a> {
    /// The procedure version in force.
    pub procedure: &'a Procedure,
    /// Its version number.
    pub version: i32,
    /// The online level at which the competent agency offers it.
    pub offer: OnlineLevel,
    /// Who submits.
    pub submitter: Submitter,
    /// The channel asked for (`None`: the submitter's usual one).
    pub channel: Option<SubmissionChannel>,
    /// Index of the case (trường hợp).
    pub case: usize,
    /// The applicant, as typed.
    pub applicant: Applicant,
    /// The representative, as typed.
    pub representative: Option<Representative>,
    /// The documents provided (by row of the case, as the catalog lists them).
    pub components: Vec<ProvidedComponent>,
    /// Answers to the conditional documents' questions: (row of the case, applies).
    pub answers: Vec<(usize, bool)>,
    /// How the result is to be returned (`None`: at the desk).
    pub return_method: Option<ReturnMethod>,
    /// The postal address, for `post`.
    pub return_address: Option<String>,
    /// The one-stop desk that receives it.
    pub receiving_agency: String,
    /// The agency competent to decide.
    pub competent_agency: String,
    /// The internal process configured for the procedure at the competent agency (or the
    /// default).
    pub process: ProcessTemplate,
    /// Whether every required document must be provided. Only a desk entering a dossier to
    /// hand back Form 02 (what is missing) or Form 03 (a refusal) takes one that is not.
    pub check_complete: bool,
}

/// The channel a submitter may use: applicants submit online (where the agency offers the
/// procedure online at all); officials enter desk, postal or national-portal dossiers.
pub fn channel_for(
    submitter: &Submitter,
    requested: Option<SubmissionChannel>,
    offer: OnlineLevel,
) -> Result<SubmissionChannel, FieldError> {
    let channel = match (submitter, requested) {
        (Submitter::Applicant { .. }, None | Some(SubmissionChannel::Online)) => {
            SubmissionChannel::Online
        }
        (Submitter::Applicant { .. }, Some(_)) => {
            return Err(FieldError::new(
                "channel",
                "người nộp chỉ nộp hồ sơ trực tuyến",
            ));
        }
        (Submitter::Official, None) => SubmissionChannel::Desk,
        (Submitter::Official, Some(SubmissionChannel::Online)) => {
            return Err(FieldError::new(
                "channel",
                "cán bộ nhập hồ sơ trực tiếp (desk), bưu chính (postal) hoặc từ Cổng quốc gia",
            ));
        }
        (Submitter::Official, Some(c)) => c,
    };
    if channel == SubmissionChannel::Online && offer == OnlineLevel::None {
        return Err(FieldError::new(
            "procedure",
            "thủ tục này chưa được cung cấp trực tuyến tại cơ quan này",
        ));
    }
    Ok(channel)
}

/// Whether the channel is received at once (an official took the dossier in hand).
pub fn received_on_entry(channel: SubmissionChannel) -> bool {
    channel.is_received_by_officer() || channel == SubmissionChannel::NationalPortal
}

/// Whether a conditional document applies, when the submission itself tells: nobody asks "do
/// you file for someone else?" of someone who named no representative, nor about the channel
/// of one who chose it. `None`: only the applicant's answer can tell. The portal's form asks
/// exactly the questions this leaves open.
pub fn known_condition(
    condition: Option<&Condition>,
    representative_given: bool,
    channel: Option<SubmissionChannel>,
) -> Option<bool> {
    match condition.map(|c| &c.topic) {
        Some(ConditionTopic::Authorisation) => Some(representative_given),
        Some(ConditionTopic::Channel(chs)) => channel.map(|ch| chs.contains(&ch.catalog_channel())),
        _ => None,
    }
}

/// Builds the submission, or says everything that is wrong with the request.
pub fn plan(
    req: IntakeRequest<'_>,
    id: String,
    now: Timestamp,
    calendar: &WorkCalendar,
    rules: &DossierRules,
) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let channel = channel_for(&req.submitter, req.channel, req.offer)
        .map_err(|e| errors.push(e))
        .ok();
    let applicant = req
        .applicant
        .normalized("applicant")
        .map_err(|e| errors.push(e))
        .ok();
    let representative = match req.representative {
        Some(r) => r
            .normalized("representative")
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    let p = req.procedure;
    let case = if p.cases.is_empty() {
        None
    } else if let Some(c) = p.cases.get(req.case) {
        Some(c)
    } else {
        errors.push(FieldError::new(
            "case",
            format!(
                "thủ tục có {} trường hợp (0–{})",
                p.cases.len(),
                p.cases.len() - 1
            ),
        ));
        None
    };
    let rows: Vec<Classified> = case.map(classify_case).unwrap_or_default();
    let representative_given = representative.is_some();
    let mut answers: Vec<Option<bool>> = vec![None; rows.len()];
    for (i, &(row, applies)) in req.answers.iter().enumerate() {
        match rows.get(row).map(|r| r.kind) {
            Some(RequirementKind::Conditional) => {
                if let Some(a) = answers.get_mut(row) {
                    *a = Some(applies);
                }
            }
            _ => errors.push(FieldError::new(
                format!("answers[{i}].index"),
                "chỉ trả lời cho giấy tờ nộp theo trường hợp (có câu hỏi)",
            )),
        }
    }
    // Each document row becomes a component; a note is text, never a component. `slot[row]`
    // is the component of a row.
    let mut slot: Vec<Option<usize>> = vec![None; rows.len()];
    let mut components: Vec<Component> = Vec::with_capacity(rows.len());
    let requirements = case.map(|c| c.components.as_slice()).unwrap_or_default();
    for (row, (classified, r)) in rows.iter().zip(requirements).enumerate() {
        let applies = match (&classified.kind, &classified.condition) {
            (RequirementKind::Note, _) => continue,
            (RequirementKind::Required, _) => None,
            (RequirementKind::Conditional, condition) => answers
                .get(row)
                .copied()
                .flatten()
                .or_else(|| known_condition(condition.as_ref(), representative_given, channel)),
        };
        if let Some(s) = slot.get_mut(row) {
            *s = Some(components.len());
        }
        components.push(Component {
            name: r.name.clone(),
            required: classified.kind == RequirementKind::Required || applies == Some(true),
            originals: r.originals,
            copies: r.copies,
            files: Vec::new(),
            held_document: None,
            paper: None,
            condition: classified.condition.as_ref().map(|c| c.question.clone()),
            applies,
        });
    }
    let count = rows.len();
    for (i, provided) in req.components.into_iter().enumerate() {
        let field = format!("components[{i}]");
        let target = match slot.get(provided.index) {
            Some(Some(c)) => components.get_mut(*c),
            Some(None) => {
                errors.push(FieldError::new(
                    format!("{field}.index"),
                    "dòng này là ghi chú của thủ tục, không phải giấy tờ cần nộp",
                ));
                continue;
            }
            None => None,
        };
        let Some(c) = target else {
            errors.push(FieldError::new(
                format!("{field}.index"),
                format!(
                    "thủ tục có {count} dòng thành phần hồ sơ (chỉ số 0–{})",
                    count.saturating_sub(1)
                ),
            ));
            continue;
        };
        c.files.extend(provided.files);
        match held_document(provided.held_document.as_deref(), &field) {
            Ok(Some(h)) => c.held_document = Some(h),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
        match (provided.paper, channel) {
            (None, _) => {}
            (Some(p), _) if p.is_empty() => {}
            (Some(p), _) if p.originals.max(p.copies) > PaperReceived::MAX => {
                errors.push(FieldError::new(
                    format!("{field}.paper"),
                    format!(
                        "số bản chính, bản sao của một giấy tờ từ 0 đến {}",
                        PaperReceived::MAX
                    ),
                ));
            }
            (Some(p), Some(ch)) if ch.is_received_by_officer() => c.paper = Some(p),
            (Some(_), _) => errors.push(FieldError::new(
                format!("{field}.paper"),
                "bản giấy chỉ được ghi nhận cho hồ sơ nộp trực tiếp hoặc qua bưu chính",
            )),
        }
    }
    let missing = missing_components(&components);
    if let Some(&first) = missing.first()
        && case.is_some()
        && req.check_complete
    {
        let names: Vec<&str> = missing
            .iter()
            .filter_map(|&i| components.get(i).map(|c| c.name.as_str()))
            .collect();
        let row = slot.iter().position(|s| *s == Some(first)).unwrap_or(first);
        errors.push(FieldError::new(
            format!("components[{row}]"),
            format!("thiếu thành phần hồ sơ bắt buộc: {}", names.join("; ")),
        ));
    }
    let return_place = match req.return_method.unwrap_or(ReturnMethod::Desk) {
        ReturnMethod::Post => {
            match text_field(
                "return_address",
                req.return_address.as_deref().unwrap_or(""),
                500,
            ) {
                Ok(address) => Some(ReturnPlace {
                    method: ReturnMethod::Post,
                    address: Some(address),
                }),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        }
        ReturnMethod::Desk => Some(ReturnPlace {
            method: ReturnMethod::Desk,
            address: Some(req.receiving_agency.clone()),
        }),
        ReturnMethod::Online => Some(ReturnPlace {
            method: ReturnMethod::Online,
            address: None,
        }),
    };
    let (Some(channel), Some(applicant), Some(return_place), true) =
        (channel, applicant, return_place, errors.is_empty())
    else {
        return Err(errors);
    };
    let method = p
        .methods
        .iter()
        .find(|m| m.channel == channel.catalog_channel())
        .or_else(|| p.shortest_time());
    let limit = method.and_then(|m| m.time);
    let fees = method
        .map(|m| {
            m.fees
                .iter()
                .map(|f| FeeLine {
                    text: f.text.clone(),
                    amount_vnd: f.amount_vnd,
                })
                .collect()
        })
        .unwrap_or_default();
    let process = req
        .process
        .resolve(limit, &req.receiving_agency, &req.competent_agency);
    let owner_id = match req.submitter {
        Submitter::Applicant { account } => Some(account),
        Submitter::Official => None,
    };
    Ok(Submission {
        id,
        procedure: p.code.clone(),
        procedure_version: req.version,
        procedure_name: p.name.clone(),
        case_name: case.map(|c| c.name.clone()),
        applicant,
        representative,
        owner_id,
        channel,
        receiving_agency: req.receiving_agency,
        competent_agency: req.competent_agency,
        return_place,
        components,
        fees,
        limit,
        process,
        submitted_at: now,
        intake_due: (channel == SubmissionChannel::Online)
            .then(|| online_check_due(calendar, now, rules))
            .flatten(),
    })
}

/// When the desk must have accepted an online dossier or asked for a supplement.
pub fn online_check_due(
    calendar: &WorkCalendar,
    submitted_at: Timestamp,
    rules: &DossierRules,
) -> Option<Timestamp> {
    calendar
        .due_instant(
            submitted_at,
            rules.online_check_hours,
            TimeUnit::WorkingHours,
        )
        .ok()
}

fn held_document(input: Option<&str>, field: &str) -> Result<Option<String>, FieldError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => text_field(&format!("{field}.held_document"), s, 200).map(Some),
        None => Ok(None),
    }
}

/// The components still missing (required and not provided), by index.
pub fn missing_components(components: &[Component]) -> Vec<usize> {
    components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.required && !c.is_provided())
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::{
        catalog::{Channel, ComponentRequirement, model::tests::birth_registration},
        dossier::ApplicantKind,
    };

    static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::standard().unwrap());

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn file(id: &str) -> FileRef {
        FileRef {
            id: id.to_owned(),
            name: format!("{id}.pdf"),
            media_type: "application/pdf".to_owned(),
            size: 1000,
            sha256: "ab".repeat(32),
        }
    }

    /// Birth registration with a required form, a conditional authorisation and a desk
    /// channel of 3 working days with a fee.
    fn procedure() -> Procedure {
        let mut p = birth_registration();
        p.cases[0].components.push(ComponentRequirement {
            name: "Văn bản ủy quyền (trường hợp ủy quyền)".into(),
            originals: 1,
            copies: 0,
            forms: vec![],
            kind: None,
            condition: None,
        });
        let mut desk = p.methods[0].clone();
        desk.channel = Channel::Direct;
        desk.time = Some(crate::catalog::ProcessingTime {
            amount: 3.0,
            unit: TimeUnit::WorkingDays,
        });
        desk.fees[0] = crate::catalog::Fee {
            amount_vnd: Some(8000),
            text: "8.000 đồng".into(),
        };
        p.methods.push(desk);
        p
    }

    fn applicant() -> Applicant {
        Applicant {
            kind: ApplicantKind::Individual,
            name: " Nguyễn  Văn An ".into(),
            citizen_id: Some("024090001234".into()),
            tax_code: None,
            phone: Some("0912345678".into()),
            email: None,
            address: None,
        }
    }

    fn request(p: &Procedure, submitter: Submitter) -> IntakeRequest<'_> {
        IntakeRequest {
            procedure: p,
            version: 3,
            offer: OnlineLevel::Full,
            submitter,
            channel: None,
            case: 0,
            applicant: applicant(),
            representative: None,
            components: vec![ProvidedComponent {
                index: 0,
                files: vec![file("f-1")],
                held_document: None,
                paper: None,
            }],
            answers: Vec::new(),
            return_method: Some(ReturnMethod::Online),
            return_address: None,
            receiving_agency: "bn.x07210.tt".into(),
            competent_agency: "bn.x07210".into(),
            process: ProcessTemplate::default_for(),
            check_complete: true,
        }
    }

    fn applicant_of(account: &str) -> Submitter {
        Submitter::Applicant {
            account: account.into(),
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn an_online_submission_is_planned_from_the_procedure_version() {
        let p = procedure();
        let now = t("2026-11-25T09:00:00+07:00");
        let s = plan(
            request(&p, applicant_of("u-1")),
            "id-1".into(),
            now,
            &CAL,
            &DossierRules::default(),
        )
        .unwrap();
        assert_eq!(s.channel, SubmissionChannel::Online);
        assert_eq!(s.owner_id.as_deref(), Some("u-1"));
        assert_eq!(s.procedure_version, 3);
        assert_eq!(s.applicant.name, "Nguyễn Văn An");
        assert_eq!(s.applicant.phone.as_deref(), Some("+84912345678"));
        // The form is required; the authorisation only "in case of" one.
        assert_eq!(
            s.components.iter().map(|c| c.required).collect::<Vec<_>>(),
            [true, false]
        );
        assert_eq!(s.components[0].files, [file("f-1")]);
        // The online channel's time and (free) fee, not the desk's.
        assert_eq!(s.limit.map(|l| l.amount), Some(1.0));
        assert_eq!(s.fees[0].amount_vnd, Some(0));
        // 8 working hours from Wednesday 09:00: Thursday 09:00.
        assert_eq!(s.intake_due, Some(t("2026-11-26T09:00:00+07:00")));
        assert_eq!(s.process.steps.len(), 5);
    }

    #[test]
    fn the_online_check_window_is_data() {
        let p = procedure();
        let rules = DossierRules {
            online_check_hours: 4.0,
            ..DossierRules::default()
        };
        let now = t("2026-11-25T09:00:00+07:00");
        let s = plan(
            request(&p, applicant_of("u-1")),
            "id".into(),
            now,
            &CAL,
            &rules,
        )
        .unwrap();
        // 09:00–11:30 and 13:00–14:30.
        assert_eq!(s.intake_due, Some(t("2026-11-25T14:30:00+07:00")));
    }

    #[test]
    fn a_desk_dossier_uses_the_desk_channel_and_has_no_online_window() {
        let p = procedure();
        let mut r = request(&p, Submitter::Official);
        r.return_method = None;
        let s = plan(
            r,
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap();
        assert_eq!(s.channel, SubmissionChannel::Desk);
        assert_eq!(s.owner_id, None);
        assert_eq!(s.limit.map(|l| l.amount), Some(3.0));
        assert_eq!(s.fees[0].amount_vnd, Some(8000));
        assert_eq!(s.intake_due, None);
        assert_eq!(s.return_place.method, ReturnMethod::Desk);
        assert_eq!(s.return_place.address.as_deref(), Some("bn.x07210.tt"));
    }

    #[test]
    fn paper_seen_at_the_desk_counts_as_provided_and_only_there() {
        let p = procedure();
        let paper = |originals, copies| ProvidedComponent {
            index: 0,
            files: vec![],
            held_document: None,
            paper: Some(PaperReceived { originals, copies }),
        };
        let at = t("2026-11-25T09:00:00+07:00");
        let mut r = request(&p, Submitter::Official);
        r.components = vec![paper(1, 2)];
        let s = plan(r, "id".into(), at, &CAL, &DossierRules::default()).unwrap();
        assert!(s.components[0].is_provided());
        assert_eq!(
            s.components[0].paper,
            Some(PaperReceived {
                originals: 1,
                copies: 2
            })
        );
        // Nothing seen is nothing provided.
        let mut r = request(&p, Submitter::Official);
        r.components = vec![paper(0, 0)];
        let e = plan(r, "id".into(), at, &CAL, &DossierRules::default()).unwrap_err();
        assert_eq!(e[0].field, "components[0]");
        // An online applicant has no paper to show, and a desk no 500 copies.
        let mut r = request(&p, applicant_of("u-1"));
        r.components = vec![paper(1, 0)];
        let e = plan(r, "id".into(), at, &CAL, &DossierRules::default()).unwrap_err();
        assert!(e.iter().any(|e| e.field == "components[0].paper"), "{e:?}");
        let mut r = request(&p, Submitter::Official);
        r.components = vec![paper(1, 500)];
        let e = plan(r, "id".into(), at, &CAL, &DossierRules::default()).unwrap_err();
        assert!(e.iter().any(|e| e.field == "components[0].paper"), "{e:?}");
    }

    #[test]
    fn a_desk_handing_back_form_02_takes_an_incomplete_dossier() {
        let p = procedure();
        let at = t("2026-11-25T09:00:00+07:00");
        let mut r = request(&p, Submitter::Official);
        r.components.clear();
        assert!(plan(r.clone(), "id".into(), at, &CAL, &DossierRules::default()).is_err());
        r.check_complete = false;
        let s = plan(r, "id".into(), at, &CAL, &DossierRules::default()).unwrap();
        assert!(!s.components[0].is_provided());
    }

    #[test]
    fn channel_rules() {
        let a = applicant_of("u");
        let o = Submitter::Official;
        use SubmissionChannel as C;
        assert_eq!(channel_for(&a, None, OnlineLevel::Partial), Ok(C::Online));
        assert_eq!(channel_for(&o, None, OnlineLevel::None), Ok(C::Desk));
        assert_eq!(
            channel_for(&o, Some(C::Postal), OnlineLevel::None),
            Ok(C::Postal)
        );
        assert_eq!(
            channel_for(&o, Some(C::NationalPortal), OnlineLevel::Full),
            Ok(C::NationalPortal)
        );
        assert_eq!(
            channel_for(&a, Some(C::Desk), OnlineLevel::Full)
                .unwrap_err()
                .field,
            "channel"
        );
        assert_eq!(
            channel_for(&o, Some(C::Online), OnlineLevel::Full)
                .unwrap_err()
                .field,
            "channel"
        );
        assert_eq!(
            channel_for(&a, None, OnlineLevel::None).unwrap_err().field,
            "procedure"
        );
        assert!(received_on_entry(C::Desk) && received_on_entry(C::NationalPortal));
        assert!(!received_on_entry(C::Online));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let p = procedure();
        let mut r = request(&p, applicant_of("u-1"));
        r.applicant.citizen_id = Some("123".into());
        r.components = vec![ProvidedComponent {
            index: 7,
            files: vec![],
            held_document: None,
            paper: None,
        }];
        r.return_method = Some(ReturnMethod::Post);
        let e = plan(
            r,
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap_err();
        assert_eq!(
            fields(e),
            [
                "applicant.citizen_id",
                "components[0].index",
                "components[0]",
                "return_address"
            ]
        );
    }

    #[test]
    fn a_missing_required_document_is_named() {
        let p = procedure();
        let mut r = request(&p, applicant_of("u-1"));
        r.components.clear();
        let e = plan(
            r,
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "components[0]");
        assert!(
            e[0].message.contains("Tờ khai đăng ký khai sinh"),
            "{}",
            e[0].message
        );
        // A document already held electronically counts as provided.
        let mut r = request(&p, applicant_of("u-1"));
        r.components = vec![ProvidedComponent {
            index: 0,
            files: vec![],
            held_document: Some("  Bản điện tử số 12  ".into()),
            paper: None,
        }];
        let s = plan(
            r,
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap();
        assert_eq!(
            s.components[0].held_document.as_deref(),
            Some("Bản điện tử số 12")
        );
    }

    #[test]
    fn an_unknown_case_is_refused() {
        let p = procedure();
        let mut r = request(&p, applicant_of("u-1"));
        r.case = 1;
        let e = plan(
            r,
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap_err();
        assert_eq!(fields(e), ["case", "components[0].index"]);
    }

    /// A case with a required form, a conditional authorisation, a note, and a document
    /// asked only "nếu có".
    fn mixed() -> Procedure {
        let mut p = procedure();
        let row = |name: &str| ComponentRequirement {
            name: name.into(),
            originals: 1,
            copies: 0,
            forms: vec![],
            kind: None,
            condition: None,
        };
        p.cases[0].components.push(row(
            "Lưu ý: Trường hợp đã có bản điện tử thì không phải nộp bản giấy.",
        ));
        p.cases[0]
            .components
            .push(row("Giấy chứng nhận kết hôn của cha mẹ (nếu có)"));
        p
    }

    #[test]
    fn each_row_is_a_required_conditional_or_note() {
        let p = mixed();
        let s = plan(
            request(&p, applicant_of("u-1")),
            "id".into(),
            t("2026-11-25T09:00:00+07:00"),
            &CAL,
            &DossierRules::default(),
        )
        .unwrap();
        // The note is not a document; the other three are, in the catalog's order.
        assert_eq!(s.components.len(), 3, "{:#?}", s.components);
        assert!(s.components.iter().all(|c| !c.name.starts_with("Lưu ý")));
        let authorisation = &s.components[1];
        assert!(authorisation.condition.is_some());
        // Nobody filing for themselves needs an authorisation: answered by the request.
        assert_eq!(authorisation.applies, Some(false));
        assert!(!authorisation.required);
        // "(nếu có)" is asked, not guessed: unanswered, optional.
        let marriage = &s.components[2];
        assert_eq!(marriage.applies, None);
        assert!(!marriage.required);
    }

    #[test]
    fn answers_make_conditional_documents_required() {
        let p = mixed();
        let plan_with = |f: &dyn Fn(&mut IntakeRequest<'_>)| {
            let mut r = request(&p, applicant_of("u-1"));
            f(&mut r);
            plan(
                r,
                "id".into(),
                t("2026-11-25T09:00:00+07:00"),
                &CAL,
                &DossierRules::default(),
            )
        };
        // "Yes, I have one" without the file: the document is missing, named by its row.
        let e = plan_with(&|r| r.answers = vec![(3, true)]).unwrap_err();
        assert_eq!(fields(e), ["components[3]"]);
        // With the file it goes through.
        let s = plan_with(&|r| {
            r.answers = vec![(3, true)];
            r.components.push(ProvidedComponent {
                index: 3,
                files: vec![file("f-kh")],
                held_document: None,
                paper: None,
            });
        })
        .unwrap();
        assert!(s.components[2].required && s.components[2].is_provided());
        // A representative makes the authorisation required.
        let e = plan_with(&|r| {
            r.representative = Some(crate::dossier::Representative {
                name: "Trần Thị Bích".into(),
                citizen_id: "024190004321".into(),
                authorisation: "Văn bản ủy quyền số 12/UQ".into(),
            });
        })
        .unwrap_err();
        assert_eq!(fields(e), ["components[1]"]);
        // A note takes no file, and only conditional rows take an answer.
        let e = plan_with(&|r| {
            r.components.push(ProvidedComponent {
                index: 2,
                files: vec![file("f-x")],
                held_document: None,
                paper: None,
            });
            r.answers = vec![(0, true)];
        })
        .unwrap_err();
        assert_eq!(fields(e), ["answers[0].index", "components[1].index"]);
    }

    #[test]
    fn missing_components_are_the_required_ones_without_anything() {
        let c = |name: &str, required: bool, files: Vec<FileRef>| Component {
            name: name.into(),
            required,
            originals: 1,
            copies: 0,
            files,
            held_document: None,
            paper: None,
            condition: None,
            applies: None,
        };
        let mut held = c("Giấy khai sinh", true, Vec::new());
        held.held_document = Some("KS-12".into());
        let components = [
            c("Tờ khai", true, Vec::new()),
            c("Giấy chứng sinh", true, vec![file("f1")]),
            held,
            c("Giấy tờ khác (nếu có)", false, Vec::new()),
            c("Sổ hộ khẩu", true, Vec::new()),
        ];
        assert_eq!(missing_components(&components), [0, 4]);
        assert!(missing_components(&[]).is_empty());
    }
}
