//! The dossier (hồ sơ) and the records it carries: components, fees, the steps it went
//! through, supplement requests, consultations, notices and the issued result.
//!
//! The aggregate is one value: the state machine ([`super::machine`]) changes it as a whole and
//! the store persists it with the columns that queries need. Everything a dossier screen shows
//! is in it, so one read serves the screen.

use std::collections::BTreeSet;

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use super::{Applicant, DossierCode, Process, Representative, StepKind, applicant::FieldError};
use crate::{
    calendar::{ClockEvent, Dues},
    catalog::{ProcedureCode, ProcessingTime},
    text::{char_len, clean_block},
};

/// How the dossier reached the agency (Decree 61 Art. 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionChannel {
    /// On this portal.
    Online,
    /// At the one-stop desk, received by an officer.
    Desk,
    /// By the public postal service, entered by an officer.
    Postal,
    /// From the national public service portal.
    NationalPortal,
}

impl SubmissionChannel {
    /// Every channel.
    pub const ALL: [Self; 4] = [Self::Online, Self::Desk, Self::Postal, Self::NationalPortal];

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Desk => "desk",
            Self::Postal => "postal",
            Self::NationalPortal => "national_portal",
        }
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Online => "Trực tuyến",
            Self::Desk => "Trực tiếp",
            Self::Postal => "Bưu chính",
            Self::NationalPortal => "Cổng Dịch vụ công quốc gia",
        }
    }

    /// The catalog channel whose processing time and fees apply.
    pub fn catalog_channel(self) -> crate::catalog::Channel {
        match self {
            Self::Online | Self::NationalPortal => crate::catalog::Channel::Online,
            Self::Desk => crate::catalog::Channel::Direct,
            Self::Postal => crate::catalog::Channel::Postal,
        }
    }

    /// Whether an officer enters the dossier (it is then received at once).
    pub fn is_received_by_officer(self) -> bool {
        matches!(self, Self::Desk | Self::Postal)
    }
}

/// The internal status. The national portal's code (1–10) is derived by
/// [`Dossier::national_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Submitted online, waiting for the desk to accept it.
    Submitted,
    /// Accepted and moving through the process.
    Processing,
    /// Waiting for the applicant's supplement (Form 02).
    AwaitingSupplement,
    /// The applicant sent the supplement; the desk checks that it is complete.
    Supplemented,
    /// Refused (Form 03).
    Refused,
    /// The result is issued and waits to be returned.
    Done,
    /// The result was returned.
    Returned,
    /// Withdrawn at the applicant's request.
    Withdrawn,
    /// Processing stopped.
    Stopped,
}

impl Status {
    /// Every status.
    pub const ALL: [Self; 9] = [
        Self::Submitted,
        Self::Processing,
        Self::AwaitingSupplement,
        Self::Supplemented,
        Self::Refused,
        Self::Done,
        Self::Returned,
        Self::Withdrawn,
        Self::Stopped,
    ];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Processing => "processing",
            Self::AwaitingSupplement => "awaiting_supplement",
            Self::Supplemented => "supplemented",
            Self::Refused => "refused",
            Self::Done => "done",
            Self::Returned => "returned",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Chờ tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::AwaitingSupplement => "Chờ bổ sung hồ sơ",
            Self::Supplemented => "Đã bổ sung, chờ kiểm tra",
            Self::Refused => "Từ chối giải quyết",
            Self::Done => "Đã có kết quả, chờ trả",
            Self::Returned => "Đã trả kết quả",
            Self::Withdrawn => "Đã rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
        }
    }

    /// The statuses of dossiers that still need someone's work: waiting at the desk, in
    /// process, waiting for a supplement, or done and waiting to be returned. The inbox and
    /// the partial indexes on open dossiers are built from this list (the store checks that
    /// its migrations spell the same list).
    pub const OPEN: [Self; 5] = [
        Self::Submitted,
        Self::Processing,
        Self::AwaitingSupplement,
        Self::Supplemented,
        Self::Done,
    ];

    /// Whether the dossier still needs work (see [`Self::OPEN`]).
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Whether processing has ended (no more work but, for `Done`, returning the result).
    pub fn is_final(self) -> bool {
        !self.is_open()
    }
}

/// A stored file (a scan, an attachment, an electronic result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRef {
    /// File id.
    pub id: String,
    /// Original file name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// A document of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Component {
    /// The document, as the procedure names it.
    pub name: String,
    /// Whether the procedure requires it in the chosen case.
    pub required: bool,
    /// Originals (bản chính) required.
    pub originals: u32,
    /// Copies (bản sao) required.
    pub copies: u32,
    /// Attached files (scans at the desk, uploads online).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub files: Vec<FileRef>,
    /// A document already held electronically (a previous result's number, a record in a
    /// national database) used instead of a file.
    pub held_document: Option<String>,
    /// The paper the desk saw for it, for a dossier brought to the desk or sent by post (what
    /// Form 01 lists as originals and copies received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperReceived>,
    /// For a document the procedure asks only in some situation: the yes/no question, as the
    /// applicant was asked it.
    pub condition: Option<String>,
    /// The answer to [`Self::condition`] (`None`: not answered — "bring it if it applies").
    pub applies: Option<bool>,
}

impl Component {
    /// Whether something was provided: a file, a document already held, or paper seen at the
    /// desk.
    pub fn is_provided(&self) -> bool {
        !self.files.is_empty()
            || self.held_document.is_some()
            || self.paper.is_some_and(|p| !p.is_empty())
    }
}

/// Paper handed in at the desk for one document: originals seen (and compared, then handed
/// back or kept as the procedure says) and copies kept. Only an official receiving a dossier in
/// person or by post records it; an online applicant has no paper to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaperReceived {
    /// Originals (bản chính) seen.
    #[serde(default)]
    pub originals: u32,
    /// Copies (bản sao) received.
    #[serde(default)]
    pub copies: u32,
}

impl PaperReceived {
    /// Most sheets of one kind a desk records for a document: more is a typing slip.
    pub const MAX: u32 = 99;

    /// Whether nothing was seen.
    pub fn is_empty(self) -> bool {
        self.originals == 0 && self.copies == 0
    }
}

/// A fee line (phí, lệ phí) as published for the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLine {
    /// The fee as published.
    pub text: String,
    /// Amount in đồng when it is one number.
    pub amount_vnd: Option<i64>,
}

/// How the result is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// At the desk.
    Desk,
    /// By post, to the address given.
    Post,
    /// Online (electronic result).
    Online,
}

/// Where the result is returned (the third of receiving agency, competent agency, return place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnPlace {
    /// How.
    pub method: ReturnMethod,
    /// The desk's agency id (desk) or the postal address (post).
    pub address: Option<String>,
}

/// Someone who acted, as shown on the forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Account id.
    pub user_id: String,
    /// Name.
    pub name: String,
}

/// One thing the applicant must add or correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItem {
    /// The document concerned.
    pub component: String,
    /// What is missing or wrong.
    pub reason: String,
}

/// A supplement request (Form 02): every missing item at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementRequest {
    /// When.
    pub at: Timestamp,
    /// Who asked.
    pub by: Person,
    /// The items.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub items: Vec<SupplementItem>,
    /// When the applicant sent the supplement online (the desk then checks it).
    pub submitted_at: Option<Timestamp>,
    /// When the complete supplement arrived.
    pub received_at: Option<Timestamp>,
}

/// A refusal (Form 03), a stop or a withdrawal: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Person,
    /// Why.
    pub reason: String,
}

/// The apology with a new appointment (Form 04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Apology {
    /// When.
    pub at: Timestamp,
    /// Who signed it.
    pub by: Person,
    /// Why the result is late.
    pub reason: String,
    /// The appointment it replaces.
    pub old_due: Option<Timestamp>,
    /// The new appointment.
    pub new_due: Timestamp,
}

/// A consultation of another agency, or a parallel inter-agency task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    /// Number within the dossier, from 1.
    pub id: u32,
    /// The agency asked.
    pub agency: String,
    /// What is asked.
    pub question: String,
    /// Who asked (`None` for tasks opened by the process).
    pub asked_by: Option<Person>,
    /// When.
    pub asked_at: Timestamp,
    /// The answer's deadline.
    pub due: Option<Timestamp>,
    /// Whether it is a parallel step's task (the step waits for it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub task: bool,
    /// The step it belongs to.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub step: usize,
    /// The answer.
    pub answer: Option<Answer>,
}

/// An answer to a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    /// What was answered.
    pub text: String,
    /// Who.
    pub by: Person,
    /// When.
    pub at: Timestamp,
}

/// The issued result (kết quả giải quyết), kept for reuse and lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedResult {
    /// Document number, e.g. `125/GKS`.
    pub number: String,
    /// Date signed.
    pub signed_on: Date,
    /// The electronic result.
    pub file: Option<FileRef>,
    /// Who signed it (by default the leader who approved it).
    #[serde(default)]
    pub signer: Option<String>,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// The clerk.
    pub issued_by: Person,
}

/// The result handed over: how, and to whom (the applicant, their representative, the post).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    /// How.
    pub method: ReturnMethod,
    /// Who received it, as written on the return.
    pub recipient: String,
    /// The official who handed it over.
    pub by: Person,
}

/// One pass through a step (a row of the control slip, Form 05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRecord {
    /// Index into the process.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub step: usize,
    /// The agency that held the dossier.
    pub agency: String,
    /// When the dossier reached the step.
    pub started_at: Timestamp,
    /// The step's due instant.
    pub due: Option<Timestamp>,
    /// When it left the step.
    pub finished_at: Option<Timestamp>,
    /// Who handed it on.
    pub handed_by: Option<Person>,
}

/// A dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier {
    /// Internal id (UUIDv7).
    pub id: String,
    /// The dossier code.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "000.00.00.H06-261125-0001"))]
    pub code: DossierCode,
    /// The procedure.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1.001193"))]
    pub procedure: ProcedureCode,
    /// The procedure version in force at receipt.
    pub procedure_version: i32,
    /// The procedure's name at receipt.
    pub procedure_name: String,
    /// The case (trường hợp) chosen.
    pub case_name: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// The representative, when someone submits for the applicant.
    pub representative: Option<Representative>,
    /// The applicant's account, when submitted online.
    pub owner_id: Option<String>,
    /// How it arrived.
    pub channel: SubmissionChannel,
    /// The desk that received it (its identifier prefixes the code).
    pub receiving_agency: String,
    /// The agency competent to decide.
    pub competent_agency: String,
    /// Where the dossier is now (the agency whose inbox shows it).
    pub current_agency: String,
    /// Where the result is returned.
    pub return_place: ReturnPlace,
    /// Documents.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub components: Vec<Component>,
    /// Fees.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub fees: Vec<FeeLine>,
    /// Status.
    pub status: Status,
    /// When it was submitted (or entered at the desk).
    pub submitted_at: Timestamp,
    /// When the desk should have accepted or answered an online dossier (8 working hours).
    pub intake_due: Option<Timestamp>,
    /// When it was accepted (Form 01).
    pub accepted_at: Option<Timestamp>,
    /// End of processing (result issued, refused, stopped, withdrawn).
    pub finished_at: Option<Timestamp>,
    /// When the result was returned.
    pub returned_at: Option<Timestamp>,
    /// The processing time limit at receipt; `None` when the catalog has none readable.
    pub limit: Option<ProcessingTime>,
    /// The clock events (received, supplement, apology, finished).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub clock_events: Vec<ClockEvent>,
    /// Current legal and KPI due instants.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub due: Dues,
    /// The process.
    pub process: Process,
    /// Index of the current step (meaningful once accepted).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub step: usize,
    /// Passes through steps (Form 05).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub steps: Vec<StepRecord>,
    /// The handling officer.
    pub assignee: Option<Person>,
    /// Supplement requests.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub supplements: Vec<SupplementRequest>,
    /// Consultations and parallel tasks.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub consultations: Vec<Consultation>,
    /// Refusal, stop or withdrawal.
    pub closing_notice: Option<Notice>,
    /// Who approved.
    pub approved_by: Option<Person>,
    /// The apology, when one was made.
    pub apology: Option<Apology>,
    /// The issued result.
    pub result: Option<IssuedResult>,
    /// How and to whom the result was handed over.
    #[serde(default)]
    pub handover: Option<Handover>,
    /// The applicant's rating of the service.
    pub rating: Option<super::rating::RatingRecord>,
    /// The secret that, with the code, lets anyone holding the receipt look the dossier up
    /// (printed on the receipt and in its QR code); empty for dossiers of the first release.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub lookup_key: String,
    /// Optimistic concurrency: incremented by every change.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub revision: i64,
}

/// What a new dossier is made of, validated by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Internal id (UUIDv7).
    pub id: String,
    /// The procedure.
    pub procedure: ProcedureCode,
    /// Its version in force.
    pub procedure_version: i32,
    /// Its name.
    pub procedure_name: String,
    /// The case chosen.
    pub case_name: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// The representative.
    pub representative: Option<Representative>,
    /// The applicant's account.
    pub owner_id: Option<String>,
    /// The channel.
    pub channel: SubmissionChannel,
    /// The receiving desk.
    pub receiving_agency: String,
    /// The competent agency.
    pub competent_agency: String,
    /// Where the result goes.
    pub return_place: ReturnPlace,
    /// Documents.
    pub components: Vec<Component>,
    /// Fees.
    pub fees: Vec<FeeLine>,
    /// The time limit.
    pub limit: Option<ProcessingTime>,
    /// The process.
    pub process: Process,
    /// When.
    pub submitted_at: Timestamp,
    /// The intake deadline of an online dossier.
    pub intake_due: Option<Timestamp>,
}

impl Dossier {
    /// A dossier just submitted, under its freshly issued code.
    pub fn submitted(s: Submission, code: DossierCode) -> Self {
        Self {
            id: s.id,
            code,
            procedure: s.procedure,
            procedure_version: s.procedure_version,
            procedure_name: s.procedure_name,
            case_name: s.case_name,
            applicant: s.applicant,
            representative: s.representative,
            owner_id: s.owner_id,
            channel: s.channel,
            current_agency: s.receiving_agency.clone(),
            receiving_agency: s.receiving_agency,
            competent_agency: s.competent_agency,
            return_place: s.return_place,
            components: s.components,
            fees: s.fees,
            status: Status::Submitted,
            submitted_at: s.submitted_at,
            intake_due: s.intake_due,
            accepted_at: None,
            finished_at: None,
            returned_at: None,
            limit: s.limit,
            clock_events: Vec::new(),
            due: Dues::default(),
            process: s.process,
            step: 0,
            steps: Vec::new(),
            assignee: None,
            supplements: Vec::new(),
            consultations: Vec::new(),
            closing_notice: None,
            approved_by: None,
            apology: None,
            result: None,
            handover: None,
            rating: None,
            lookup_key: String::new(),
            revision: 0,
        }
    }

    /// The national portal's status code (DOMAIN.md §6.6).
    pub fn national_status(&self) -> u8 {
        match self.status {
            Status::Submitted => 1,
            Status::Processing
                if self
                    .current_step()
                    .is_some_and(|s| s.kind == StepKind::Receive) =>
            {
                2
            }
            Status::Processing => 4,
            Status::AwaitingSupplement | Status::Supplemented => 5,
            Status::Refused => 3,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Done => 9,
            Status::Returned => 10,
        }
    }

    /// Whether the desk has received it, as the tracking ledger (Form 06) counts: everything
    /// but an online dossier still waiting for the desk's check. The store spells the same
    /// rule `status <> 'submitted'` (`store::dossier::read::desk_received`): the state machine
    /// only ever puts a dossier in [`Status::Submitted`] while it was never accepted (on
    /// submission, and when a supplement arrives before acceptance).
    pub fn is_received(&self) -> bool {
        self.status != Status::Submitted || self.accepted_at.is_some()
    }

    /// When the dossier needs attention, the inbox's order: its legal due, else (waiting at the
    /// desk) its intake deadline, else its submission.
    pub fn queue_at(&self) -> Timestamp {
        self.due
            .legal
            .or(self.intake_due)
            .unwrap_or(self.submitted_at)
    }

    /// The current step, once accepted.
    pub fn current_step(&self) -> Option<&super::Step> {
        self.accepted_at?;
        self.process.steps.get(self.step)
    }

    /// Every agency that has held or been consulted on the dossier: their officials may read
    /// it (within their grants).
    pub fn involved_agencies(&self) -> BTreeSet<&str> {
        let mut set = BTreeSet::from([
            self.receiving_agency.as_str(),
            self.competent_agency.as_str(),
            self.current_agency.as_str(),
        ]);
        set.extend(self.steps.iter().map(|s| s.agency.as_str()));
        set.extend(self.consultations.iter().map(|c| c.agency.as_str()));
        set
    }

    /// The open consultations and tasks.
    pub fn open_consultations(&self) -> impl Iterator<Item = &Consultation> {
        self.consultations.iter().filter(|c| c.answer.is_none())
    }

    /// Whether the dossier is overdue at `now` on its legal clock (open dossiers only).
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        matches!(self.status, Status::Processing) && self.due.legal.is_some_and(|d| d < now)
    }
}

/// An instant as Vietnamese text in Vietnam time, e.g. "09:00 ngày 26/11/2026" (forms, mails).
pub fn vn_time_text(t: Timestamp) -> String {
    let offset = jiff::tz::Offset::from_seconds(7 * 3600).unwrap_or(jiff::tz::Offset::UTC);
    t.to_zoned(jiff::tz::TimeZone::fixed(offset))
        .strftime("%H:%M ngày %d/%m/%Y")
        .to_string()
}

/// Cleans a free-text field (a reason, a note): NFC, trimmed, 1..=`max` characters.
pub fn text_field(field: &str, input: &str, max: usize) -> Result<String, FieldError> {
    let s = clean_block(input);
    if s.is_empty() {
        return Err(FieldError::new(field, "không được để trống"));
    }
    if char_len(&s) > max {
        return Err(FieldError::new(field, format!("tối đa {max} ký tự")));
    }
    Ok(s)
}
