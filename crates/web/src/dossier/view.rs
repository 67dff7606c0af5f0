//! What a dossier screen needs, in one answer: the dossier, its history, the deadlines with
//! their explanations, where it is in its process, what the caller may do now, and the data of
//! the receipt (Form 01), the control slip (Form 05) and the ledger row (Form 06).

use jiff::Timestamp;
use motcua_core::{
    calendar::{
        Timeliness, WorkCalendar,
        clocks::{StepTiming, evaluate_clocks, evaluate_steps},
    },
    dossier::{ActionKind, Dossier, HistoryEntry, StepKind},
};
use motcua_store::{DossierSummary, PublicStatus};
use serde::Serialize;
use utoipa::ToSchema;

use motcua_service::catalog::Catalog;

/// A due instant and why it falls where it does.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueView {
    /// The due instant.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Where the count began (receipt, or the complete supplement).
    #[schema(value_type = String, format = DateTime)]
    pub counted_from: Timestamp,
    /// Days without working time that were skipped, with their reason.
    pub skipped: Vec<SkippedDay>,
    /// One sentence for the applicant.
    pub summary: String,
}

/// A day skipped by a deadline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkippedDay {
    /// The day.
    #[schema(value_type = String, format = Date)]
    pub date: jiff::civil::Date,
    /// Why (weekend, holiday name, compensatory day …).
    pub label: String,
}

/// The deadlines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deadlines {
    /// The legal due (Decree 61): the appointment. `None` while waiting for a supplement.
    pub legal: Option<DueView>,
    /// The KPI due (Decision 766: supplement waits excluded).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub kpi: Option<Timestamp>,
    /// When the desk must accept an online dossier or ask for a supplement.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub intake: Option<Timestamp>,
    /// Early / on time / late, or within term / overdue while open.
    pub timeliness: Option<Timeliness>,
    /// Its Vietnamese label.
    pub timeliness_label: Option<String>,
    /// Whether the one reschedule (Form 04) was used.
    pub rescheduled: bool,
}

/// One row of the control slip (Form 05): a hand-over between steps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ControlSlipRow {
    /// The step.
    pub step: String,
    /// The agency holding the dossier.
    pub agency: String,
    /// Its name.
    pub agency_name: String,
    /// Received at the step.
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    /// Handed on.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    /// Who handed it on.
    pub handed_by: Option<String>,
    /// The step's due instant.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due: Option<Timestamp>,
    /// Against the step's allotted time.
    pub timeliness: Option<Timeliness>,
    /// Its label.
    pub timeliness_label: Option<String>,
}

/// The dossier's row in the tracking ledger (Form 06; the column set is [U] in DOMAIN.md).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerRow {
    /// Dossier code.
    pub code: String,
    /// Applicant.
    pub applicant: String,
    /// Address or contact.
    pub contact: Option<String>,
    /// Procedure.
    pub procedure: String,
    /// Received.
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    /// Appointment.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub appointment: Option<Timestamp>,
    /// Transferred to (the competent agency, when not the desk's own).
    pub transferred_to: Option<String>,
    /// Result returned.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub returned_at: Option<Timestamp>,
    /// Outcome.
    pub outcome: String,
}

/// Where the dossier is in its process.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepView {
    /// Index.
    pub index: usize,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: StepKind,
    /// Agency.
    pub agency: String,
    /// Agency name.
    pub agency_name: String,
    /// Step due.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due: Option<Timestamp>,
}

/// Everything a dossier screen needs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DossierView {
    /// The dossier.
    pub dossier: Dossier,
    /// Status label.
    pub status_label: String,
    /// National status code (1–10).
    pub national_status: u8,
    /// The actions the caller may take now.
    pub actions: Vec<ActionKind>,
    /// Deadlines.
    pub deadlines: Deadlines,
    /// The current step.
    pub current_step: Option<StepView>,
    /// Form 05.
    pub control_slip: Vec<ControlSlipRow>,
    /// Form 06.
    pub ledger: LedgerRow,
    /// History, oldest first.
    pub history: Vec<HistoryEntry>,
}

fn due_view(calendar: &WorkCalendar, from: Timestamp, at: Timestamp) -> DueView {
    let explanation = calendar.explain(from, at).unwrap_or_default();
    DueView {
        at,
        counted_from: from,
        skipped: explanation
            .skipped
            .iter()
            .map(|n| SkippedDay {
                date: n.date,
                label: n.label().to_owned(),
            })
            .collect(),
        summary: explanation.summary_vi(),
    }
}

/// Builds the view.
pub fn dossier_view(
    d: Dossier,
    history: Vec<HistoryEntry>,
    actions: Vec<ActionKind>,
    catalog: &Catalog,
    calendar: &WorkCalendar,
    now: Timestamp,
) -> DossierView {
    let clocks = match (d.limit, d.accepted_at) {
        (Some(limit), Some(_)) => evaluate_clocks(calendar, limit, &d.clock_events, now).ok(),
        _ => None,
    };
    let timeliness = clocks.map(|c| c.legal.timeliness);
    let deadlines = Deadlines {
        legal: clocks.and_then(|c| {
            c.legal
                .due
                .map(|due| due_view(calendar, c.legal.counted_from, due))
        }),
        kpi: d.due.kpi,
        intake: d.intake_due.filter(|_| d.accepted_at.is_none()),
        timeliness,
        timeliness_label: timeliness.map(|t| t.label_vi().to_owned()),
        rescheduled: d.apology.is_some(),
    };
    let timings: Vec<StepTiming> = d
        .steps
        .iter()
        .filter_map(|r| {
            let allotted = d.process.steps.get(r.step)?.allotted?;
            Some(StepTiming {
                allotted,
                started: r.started_at,
                finished: r.finished_at,
            })
        })
        .collect();
    let reports = evaluate_steps(calendar, &timings, now).unwrap_or_default();
    let mut report = reports.into_iter();
    let control_slip = d
        .steps
        .iter()
        .map(|r| {
            let step = d.process.steps.get(r.step);
            let t = step
                .and_then(|s| s.allotted)
                .and_then(|_| report.next())
                .map(|rep| rep.timeliness);
            ControlSlipRow {
                step: step.map_or_else(String::new, |s| s.name.clone()),
                agency: r.agency.clone(),
                agency_name: catalog.agency_name(&r.agency),
                started_at: r.started_at,
                finished_at: r.finished_at,
                handed_by: r.handed_by.as_ref().map(|p| p.name.clone()),
                due: r.due,
                timeliness: t,
                timeliness_label: t.map(|t| t.label_vi().to_owned()),
            }
        })
        .collect();
    let current_step = d.current_step().map(|s| StepView {
        index: d.step,
        name: s.name.clone(),
        kind: s.kind,
        agency: s.agency.clone(),
        agency_name: catalog.agency_name(&s.agency),
        due: d.steps.last().and_then(|r| r.due),
    });
    let ledger = LedgerRow {
        code: d.code.to_string(),
        applicant: d.applicant.name.clone(),
        contact: d
            .applicant
            .address
            .clone()
            .or_else(|| d.applicant.phone.clone())
            .or_else(|| d.applicant.email.clone()),
        procedure: d.procedure_name.clone(),
        received_at: d.accepted_at.unwrap_or(d.submitted_at),
        appointment: d.due.legal,
        transferred_to: (d.competent_agency != d.receiving_agency)
            .then(|| catalog.agency_name(&d.competent_agency)),
        returned_at: d.returned_at,
        outcome: d.status.label_vi().to_owned(),
    };
    DossierView {
        status_label: d.status.label_vi().to_owned(),
        national_status: d.national_status(),
        actions,
        deadlines,
        current_step,
        control_slip,
        ledger,
        history,
        dossier: d,
    }
}

/// A row of a list (inbox, an applicant's dossiers).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DossierItem {
    /// Code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Applicant.
    pub applicant_name: String,
    /// Status.
    pub status: motcua_core::dossier::Status,
    /// Status label.
    pub status_label: String,
    /// National status code.
    pub national_status: i64,
    /// Where it is.
    pub current_agency: String,
    /// Handling officer.
    pub assignee_name: Option<String>,
    /// Submitted.
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: Timestamp,
    /// Appointment.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    /// Open and past its appointment.
    pub overdue: bool,
}

/// The current name of a procedure in the catalog (empty when it is no longer there).
fn procedure_name(catalog: &Catalog, code: &str) -> String {
    motcua_core::catalog::ProcedureCode::parse(code)
        .ok()
        .and_then(|c| catalog.procedure(&c).map(|p| p.procedure.name.clone()))
        .unwrap_or_default()
}

/// A list row from a stored summary.
pub fn item(s: DossierSummary, catalog: &Catalog, now: Timestamp) -> DossierItem {
    let procedure_name = procedure_name(catalog, &s.procedure_code);
    DossierItem {
        overdue: s.status == motcua_core::dossier::Status::Processing
            && s.due_at.is_some_and(|d| d < now),
        status_label: s.status.label_vi().to_owned(),
        code: s.code,
        procedure_code: s.procedure_code,
        procedure_name,
        applicant_name: s.applicant_name,
        status: s.status,
        national_status: s.national_status,
        current_agency: s.current_agency,
        assignee_name: s.assignee_name,
        submitted_at: s.submitted_at,
        due_at: s.due_at,
    }
}

/// What anyone may see with a dossier code: status and appointment, nothing personal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicLookup {
    /// Code.
    pub code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Status label.
    pub status_label: String,
    /// National status code (1–10).
    pub national_status: i64,
    /// Received.
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    /// Appointment.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub appointment: Option<Timestamp>,
    /// Returned.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub returned_at: Option<Timestamp>,
}

/// The public lookup answer.
pub fn public_lookup(p: PublicStatus, catalog: &Catalog) -> PublicLookup {
    let procedure_name = procedure_name(catalog, &p.procedure_code);
    PublicLookup {
        code: p.code,
        procedure_name,
        status_label: p.status.label_vi().to_owned(),
        national_status: p.national_status,
        received_at: p.submitted_at,
        appointment: p.due_at,
        returned_at: p.returned_at,
    }
}
