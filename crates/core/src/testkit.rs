//! Fixtures for the tests of this crate and of the crates above it (they turn the `testkit`
//! feature on in their dev-dependencies; normal builds do not compile this module): the
//! agency and the dossier most tests start from, built in one place so that a new field is
//! added once. Tests change the fields they are about.

use jiff::{Timestamp, civil::date};

use crate::{
    agency::{Agency, AgencyKind},
    catalog::{ProcedureCode, ProcessingTime, TimeUnit},
    dossier::{
        Applicant, ApplicantKind, Dossier, DossierCode, ProcessTemplate, ReturnMethod, ReturnPlace,
        Submission, SubmissionChannel,
    },
};

/// A current department named "Cơ quan `id`" under `parent`, in force since the 2025 merger
/// (1 July 2025), without identifier, address or successors.
pub fn agency(id: &str, parent: Option<&str>) -> Agency {
    Agency {
        id: id.into(),
        name: format!("Cơ quan {id}"),
        short_name: None,
        kind: AgencyKind::Department,
        parent: parent.map(Into::into),
        identifier: None,
        identifier_status: None,
        admin_unit_code: None,
        valid_from: date(2025, 7, 1),
        valid_to: None,
        successors: vec![],
        address: None,
    }
}

/// The sample procedure's processing limit: 5 working days.
pub fn five_working_days() -> ProcessingTime {
    ProcessingTime {
        amount: 5.0,
        unit: TimeUnit::WorkingDays,
    }
}

/// Procedure 1.001193 (Đăng ký khai sinh, version 1) applied for online by Nguyễn Văn An (an
/// individual, identity number 024090001234) at `agency`, which also decides, on the default
/// process with [`five_working_days`], submitted at `submitted_at`. No representative,
/// account, documents, fees or intake deadline; the result is returned online.
pub fn submission(id: &str, agency: &str, submitted_at: Timestamp) -> Submission {
    Submission {
        id: id.into(),
        procedure: sample_procedure(),
        procedure_version: 1,
        procedure_name: "Đăng ký khai sinh".into(),
        case_name: None,
        applicant: Applicant {
            kind: ApplicantKind::Individual,
            name: "Nguyễn Văn An".into(),
            citizen_id: Some("024090001234".into()),
            tax_code: None,
            phone: None,
            email: None,
            address: None,
        },
        representative: None,
        owner_id: None,
        channel: SubmissionChannel::Online,
        receiving_agency: agency.into(),
        competent_agency: agency.into(),
        return_place: ReturnPlace {
            method: ReturnMethod::Online,
            address: None,
        },
        components: Vec::new(),
        fees: Vec::new(),
        limit: Some(five_working_days()),
        process: ProcessTemplate::default_for().resolve(Some(five_working_days()), agency, agency),
        submitted_at,
        intake_due: None,
    }
}

/// [`submission`], received under `code`.
pub fn dossier(id: &str, code: DossierCode, agency: &str, submitted_at: Timestamp) -> Dossier {
    Dossier::submitted(submission(id, agency, submitted_at), code)
}

#[expect(clippy::expect_used, reason = "a fixed, valid literal")]
fn sample_procedure() -> ProcedureCode {
    ProcedureCode::parse("1.001193").expect("a valid procedure code")
}
