//! Form data from a [`Dossier`]: what the dossier itself knows. The caller fills in what it
//! resolves elsewhere — the header (agency names, place, number, date), the unit named in the
//! sentences, the ledger reference, the lookup URL, the officers' names — on the returned value.

use motcua_core::dossier::{
    Dossier, Person, ReturnMethod, Status, StepRecord,
    model::{Component, SupplementItem},
};

use crate::data::{
    ApologyData, ComponentLine, Contact, ControlRow, FormData, LedgerRow, Party, ReturnPlace,
    Signers, SupplementLine, Timeliness,
};

/// A stored phone number as Vietnamese readers write it: `+84912345678` → `0912 345 678`.
/// Anything else is returned as it is.
pub fn phone_text(stored: &str) -> String {
    match stored.strip_prefix("+84") {
        Some(n) if n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("0{} {} {}", &n[..3], &n[3..6], &n[6..])
        }
        _ => stored.to_owned(),
    }
}

fn party(d: &Dossier) -> Party {
    let a = &d.applicant;
    Party {
        name: a.name.clone(),
        address: a.address.clone(),
        phone: a.phone.as_deref().map(phone_text),
        email: a.email.clone(),
    }
}

fn procedure(d: &Dossier) -> String {
    match d.case_name.as_deref().map(str::trim) {
        Some(case) if !case.is_empty() => format!("{} ({case})", d.procedure_name),
        _ => d.procedure_name.clone(),
    }
}

fn name(p: Option<&Person>) -> String {
    p.map(|p| p.name.clone()).unwrap_or_default()
}

fn timeliness(
    finished: Option<jiff::Timestamp>,
    due: Option<jiff::Timestamp>,
) -> Option<Timeliness> {
    Some(Timeliness::of(finished?, due?))
}

impl From<&Component> for ComponentLine {
    /// What the desk saw on paper when it recorded it; otherwise what the procedure asks for
    /// (an electronic document stands for it).
    fn from(c: &Component) -> Self {
        let (originals, copies) = match c.paper {
            Some(p) if !p.is_empty() => (p.originals, p.copies),
            _ => (c.originals, c.copies),
        };
        Self {
            name: c.name.clone(),
            originals,
            copies,
            kind: None,
        }
    }
}

impl From<&SupplementItem> for SupplementLine {
    fn from(i: &SupplementItem) -> Self {
        Self {
            component: i.component.clone(),
            reason: i.reason.clone(),
        }
    }
}

impl FormData {
    /// The data of Forms 01–05 that `d` holds. `agency_name` turns an agency id into its name
    /// (falling back to the id is the caller's choice). Header, unit, ledger reference, lookup
    /// URL and the receiving officer's name are left for the caller.
    pub fn from_dossier(d: &Dossier, agency_name: impl Fn(&str) -> String) -> Self {
        let return_place = match d.return_place.method {
            ReturnMethod::Desk => ReturnPlace::Desk(agency_name(
                d.return_place
                    .address
                    .as_deref()
                    .unwrap_or(&d.receiving_agency),
            )),
            ReturnMethod::Post => {
                ReturnPlace::Post(d.return_place.address.clone().unwrap_or_default())
            }
            ReturnMethod::Online => ReturnPlace::Online,
        };
        let supplement = d.supplements.last();
        let refusal = d
            .closing_notice
            .as_ref()
            .filter(|_| d.status == Status::Refused);
        let signer = d
            .representative
            .as_ref()
            .map_or_else(|| d.applicant.name.clone(), |r| r.name.clone());
        Self {
            dossier_code: d.code.to_string(),
            applicant: party(d),
            procedure: procedure(d),
            received_at: Some(d.accepted_at.unwrap_or(d.submitted_at)),
            appointment: d.due.legal,
            time_limit: d.limit.map(|l| l.text_vi()).unwrap_or_default(),
            sets: 1,
            // Form 01 lists what was handed in, not what the procedure might have asked for.
            components: d
                .components
                .iter()
                .filter(|c| c.is_provided())
                .map(ComponentLine::from)
                .collect(),
            return_place: Some(return_place),
            fees: d.fees.iter().map(|f| f.text.clone()).collect(),
            supplement: supplement
                .map(|s| s.items.iter().map(SupplementLine::from).collect())
                .unwrap_or_default(),
            contact: supplement.map(|s| Contact {
                name: s.by.name.clone(),
                phone: String::new(),
            }),
            refusal_reason: refusal.map(|n| n.reason.clone()).unwrap_or_default(),
            apology: d
                .apology
                .as_ref()
                .map(|a| ApologyData {
                    reason: a.reason.clone(),
                    old_appointment: a.old_due,
                    new_appointment: Some(a.new_due),
                })
                .unwrap_or_default(),
            control_rows: control_rows(d, &agency_name),
            signers: Signers {
                applicant: signer,
                receiver: String::new(),
                guide: name(supplement.map(|s| &s.by)),
                refuser: name(refusal.map(|n| &n.by)),
                head_title: None,
                head: name(d.apology.as_ref().map(|a| &a.by)),
            },
            ..Self::default()
        }
    }
}

/// One row per pass through a step: handed over by whoever held the dossier before (the
/// applicant for the first), received by the step's agency; the result is how the step finished
/// against its allotted time.
fn control_rows(d: &Dossier, agency_name: &impl Fn(&str) -> String) -> Vec<ControlRow> {
    let holder = |r: &StepRecord| {
        let agency = agency_name(&r.agency);
        match &r.handed_by {
            Some(p) if !p.name.is_empty() => format!("{}, {agency}", p.name),
            _ => agency,
        }
    };
    d.steps
        .iter()
        .enumerate()
        .map(|(i, r)| ControlRow {
            step: d
                .process
                .steps
                .get(r.step)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            from: match i.checked_sub(1).and_then(|p| d.steps.get(p)) {
                Some(prev) => holder(prev),
                None => d.applicant.name.clone(),
            },
            to: agency_name(&r.agency),
            at: Some(r.started_at),
            result: timeliness(r.finished_at, r.due),
            note: String::new(),
        })
        .collect()
}

impl LedgerRow {
    /// The ledger entry `number` for `d`. "Transferred to" is the competent agency when it is
    /// not the receiving desk; the outcome is the status, with its timeliness once finished.
    pub fn from_dossier(number: u32, d: &Dossier, agency_name: impl Fn(&str) -> String) -> Self {
        Self {
            number,
            dossier_code: d.code.to_string(),
            applicant: party(d),
            procedure: procedure(d),
            received_at: Some(d.accepted_at.unwrap_or(d.submitted_at)),
            appointment: d.due.legal,
            transferred_to: if d.competent_agency == d.receiving_agency {
                String::new()
            } else {
                agency_name(&d.competent_agency)
            },
            returned_at: d.returned_at,
            outcome: d.status.label_vi().to_owned(),
            timeliness: timeliness(d.finished_at, d.due.legal),
            receiver_signature: String::new(),
            note: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use motcua_core::{
        catalog::{ProcedureCode, ProcessingTime, TimeUnit},
        dossier::{
            Apology, Applicant, ApplicantKind, DossierCode, FeeLine, Notice, PaperReceived,
            Process, ReturnPlace, Step, StepKind, Submission, SubmissionChannel, SupplementRequest,
        },
    };

    use super::*;

    fn t(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    fn person(name: &str) -> Person {
        Person {
            user_id: name.to_lowercase(),
            name: name.into(),
        }
    }

    fn step(name: &str, kind: StepKind, agency: &str) -> Step {
        Step {
            name: name.into(),
            kind,
            agency: agency.into(),
            role: kind.default_role(),
            allotted: None,
            parallel: Vec::new(),
        }
    }

    fn dossier() -> Dossier {
        let submission = Submission {
            id: "0192".into(),
            procedure: ProcedureCode::parse("1.001193").unwrap(),
            procedure_version: 1,
            procedure_name: "Đăng ký khai sinh".into(),
            case_name: Some("Trẻ em sinh ra tại Việt Nam".into()),
            applicant: Applicant {
                kind: ApplicantKind::Individual,
                name: "Nguyễn Thị Hường".into(),
                citizen_id: Some("024090001234".into()),
                tax_code: None,
                phone: Some("+84912345678".into()),
                email: None,
                address: Some("Phường Kinh Bắc".into()),
            },
            representative: None,
            owner_id: None,
            channel: SubmissionChannel::Desk,
            receiving_agency: "bn-ttpvhcc".into(),
            competent_agency: "bn-kinhbac".into(),
            return_place: ReturnPlace {
                method: ReturnMethod::Desk,
                address: None,
            },
            components: vec![Component {
                name: "Tờ khai đăng ký khai sinh".into(),
                required: true,
                originals: 1,
                copies: 0,
                files: Vec::new(),
                held_document: None,
                paper: Some(PaperReceived {
                    originals: 1,
                    copies: 2,
                }),
                condition: None,
                applies: None,
            }],
            fees: vec![FeeLine {
                text: "Miễn lệ phí".into(),
                amount_vnd: Some(0),
            }],
            limit: Some(ProcessingTime {
                amount: 1.0,
                unit: TimeUnit::WorkingDays,
            }),
            process: Process {
                steps: vec![
                    step("Tiếp nhận hồ sơ", StepKind::Receive, "bn-ttpvhcc"),
                    step("Thẩm định", StepKind::Handle, "bn-kinhbac"),
                ],
            },
            submitted_at: t("2026-12-02T02:30:00Z"),
            intake_due: None,
        };
        let code = DossierCode::new("000.00.17.H06", date(2026, 12, 2), 1).unwrap();
        let mut d = Dossier::submitted(submission, code);
        d.due.legal = Some(t("2026-12-03T09:00:00Z"));
        d.steps = vec![
            StepRecord {
                step: 0,
                agency: "bn-ttpvhcc".into(),
                started_at: t("2026-12-02T02:30:00Z"),
                due: Some(t("2026-12-02T09:00:00Z")),
                finished_at: Some(t("2026-12-02T03:00:00Z")),
                handed_by: Some(person("Đặng Quốc Việt")),
            },
            StepRecord {
                step: 1,
                agency: "bn-kinhbac".into(),
                started_at: t("2026-12-02T03:00:00Z"),
                due: Some(t("2026-12-03T04:00:00Z")),
                finished_at: None,
                handed_by: None,
            },
        ];
        d
    }

    fn names(id: &str) -> String {
        match id {
            "bn-ttpvhcc" => "Trung tâm Phục vụ hành chính công".into(),
            "bn-kinhbac" => "UBND phường Kinh Bắc".into(),
            other => other.into(),
        }
    }

    #[test]
    fn a_dossier_gives_the_forms_what_it_knows() {
        let f = FormData::from_dossier(&dossier(), names);
        assert_eq!(f.dossier_code, "000.00.17.H06-261202-0001");
        assert_eq!(
            f.procedure,
            "Đăng ký khai sinh (Trẻ em sinh ra tại Việt Nam)"
        );
        assert_eq!(f.applicant.phone.as_deref(), Some("0912 345 678"));
        assert_eq!(f.time_limit, "1 ngày làm việc");
        assert_eq!(f.received_at, Some(t("2026-12-02T02:30:00Z")));
        assert_eq!(f.appointment, Some(t("2026-12-03T09:00:00Z")));
        assert_eq!(
            f.return_place,
            Some(crate::ReturnPlace::Desk(
                "Trung tâm Phục vụ hành chính công".into()
            ))
        );
        assert_eq!(f.components[0].originals, 1);
        assert_eq!(
            f.components[0].copies, 2,
            "the paper the desk saw, not the catalog's 0"
        );
        assert_eq!(f.fees, ["Miễn lệ phí"]);
        assert_eq!(f.signers.applicant, "Nguyễn Thị Hường");
        assert_eq!(f.control_rows.len(), 2);
        assert_eq!(f.control_rows[0].from, "Nguyễn Thị Hường");
        assert_eq!(f.control_rows[0].result, Some(Timeliness::OnTime));
        assert_eq!(
            f.control_rows[1].from,
            "Đặng Quốc Việt, Trung tâm Phục vụ hành chính công"
        );
        assert_eq!(f.control_rows[1].to, "UBND phường Kinh Bắc");
        assert_eq!(f.control_rows[1].result, None);
        // Not refused: no refusal reason.
        assert!(f.refusal_reason.is_empty());
    }

    #[test]
    fn supplement_refusal_and_apology_come_with_their_signers() {
        let mut d = dossier();
        d.supplements.push(SupplementRequest {
            at: t("2026-12-02T04:00:00Z"),
            by: person("Lê Thu Trang"),
            items: vec![SupplementItem {
                component: "Giấy chứng sinh".into(),
                reason: "Thiếu bản chính".into(),
            }],
            submitted_at: None,
            received_at: None,
        });
        d.status = Status::Refused;
        d.closing_notice = Some(Notice {
            at: t("2026-12-02T05:00:00Z"),
            by: person("Đặng Quốc Việt"),
            reason: "Không thuộc thẩm quyền".into(),
        });
        d.apology = Some(Apology {
            at: t("2026-12-02T06:00:00Z"),
            by: person("Trần Văn Hải"),
            reason: "Cần xác minh".into(),
            old_due: Some(t("2026-12-03T09:00:00Z")),
            new_due: t("2026-12-07T02:00:00Z"),
        });
        let f = FormData::from_dossier(&d, names);
        assert_eq!(f.supplement[0].reason, "Thiếu bản chính");
        assert_eq!(f.signers.guide, "Lê Thu Trang");
        assert_eq!(f.refusal_reason, "Không thuộc thẩm quyền");
        assert_eq!(f.signers.refuser, "Đặng Quốc Việt");
        assert_eq!(f.apology.new_appointment, Some(t("2026-12-07T02:00:00Z")));
        assert_eq!(f.signers.head, "Trần Văn Hải");
    }

    #[test]
    fn a_ledger_row_names_the_agency_it_went_to() {
        let mut d = dossier();
        d.status = Status::Returned;
        d.finished_at = Some(t("2026-12-03T02:00:00Z"));
        d.returned_at = Some(t("2026-12-03T03:00:00Z"));
        let row = LedgerRow::from_dossier(7, &d, names);
        assert_eq!(row.number, 7);
        assert_eq!(row.transferred_to, "UBND phường Kinh Bắc");
        assert_eq!(row.outcome, Status::Returned.label_vi());
        assert_eq!(row.timeliness, Some(Timeliness::OnTime));
        assert_eq!(row.returned_at, d.returned_at);
    }

    #[test]
    fn phones_print_in_the_national_form() {
        assert_eq!(phone_text("+84912345678"), "0912 345 678");
        assert_eq!(phone_text("02223 822 000"), "02223 822 000");
        assert_eq!(phone_text("+8491234"), "+8491234");
    }

    #[test]
    fn timeliness_is_by_vietnamese_day() {
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        // Due 17:00 on 26/11 (10:00 UTC).
        let due = t("2026-11-26T10:00:00Z");
        assert_eq!(
            Timeliness::of(t("2026-11-25T09:00:00Z"), due),
            Timeliness::Early
        );
        assert_eq!(
            Timeliness::of(t("2026-11-26T01:00:00Z"), due),
            Timeliness::OnTime
        );
        assert_eq!(
            Timeliness::of(t("2026-11-26T10:00:01Z"), due),
            Timeliness::Late
        );
        // 23:30 UTC on the 25th is already the 26th in Vietnam: on time, not early.
        assert_eq!(
            Timeliness::of(t("2026-11-25T23:30:00Z"), due),
            Timeliness::OnTime
        );
    }
}
