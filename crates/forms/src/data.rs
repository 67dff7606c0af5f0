//! What a form prints, as plain data.
//!
//! The caller resolves everything the dossier holds as an identifier (agencies, desks, people)
//! to the names a citizen reads; this crate never looks anything up. Missing values print as the
//! wording's blank (`……`), so a form can also be printed half-empty and filled in by hand.
//! Text is cleaned when it is printed (NFC, control characters dropped), not here.

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

/// The header every form carries (DOMAIN.md §8.1): on the left the governing body, the issuing
/// unit and the number; on the right the national motto and the place and date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Cơ quan chủ quản, e.g. "Ủy ban nhân dân tỉnh Bắc Ninh"; empty when there is none.
    /// Printed in capitals.
    pub governing_body: String,
    /// The unit issuing the form, e.g. "Trung tâm Phục vụ hành chính công". Printed in bold
    /// capitals.
    pub issuing_unit: String,
    /// The form's number without its suffix (`"15"` prints "Số: 15/TNHS"); `None` prints a blank
    /// to fill in.
    pub number: Option<String>,
    /// The place of the date line, e.g. "Bắc Ninh".
    pub place: String,
    /// The date of the form; `None` prints blanks.
    pub date: Option<Date>,
}

/// The applicant (người nộp hồ sơ) as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Full name, or the organisation's name.
    pub name: String,
    /// Address.
    pub address: Option<String>,
    /// Phone, as it should be printed (see [`crate::phone_text`]).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// One document handed in (a row of Form 01's table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentLine {
    /// The document, as the procedure names it.
    pub name: String,
    /// Originals (bản chính) received.
    pub originals: u32,
    /// Copies (bản sao) received.
    pub copies: u32,
    /// The kind as it should be printed instead of "Bản chính" / "Bản sao" (e.g. "Bản sao
    /// điện tử"); `None` derives it from the counts.
    pub kind: Option<String>,
}

/// Where the result will be returned (Form 01, item 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnPlace {
    /// At a desk: its name.
    Desk(String),
    /// By post: the address.
    Post(String),
    /// Online.
    Online,
    /// Any other wording, printed as given.
    Text(String),
}

/// Where the receipt is entered in the tracking ledger ("Quyển số …, Số thứ tự …").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRef {
    /// The book.
    pub book: String,
    /// The entry's number in the book.
    pub entry: String,
}

/// One thing to add or correct (Form 02).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementLine {
    /// The document concerned.
    pub component: String,
    /// What is missing or wrong, and why.
    pub reason: String,
}

/// Whom the applicant may ask (Form 02).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
}

/// The late result and its new appointment (Form 04).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyData {
    /// Why the result is late.
    pub reason: String,
    /// The appointment that was missed.
    pub old_appointment: Option<Timestamp>,
    /// The new appointment.
    pub new_appointment: Option<Timestamp>,
}

/// How a step (or a dossier) finished against its due time (trước hạn / đúng hạn / quá hạn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Before the due day.
    Early,
    /// On the due day, by the due time.
    OnTime,
    /// After the due time.
    Late,
}

impl Timeliness {
    /// Compares a finish with a due instant, by Vietnamese calendar day: before the due's day is
    /// early, on that day up to the due instant is on time, anything after is late.
    pub fn of(finished: Timestamp, due: Timestamp) -> Self {
        if finished > due {
            Self::Late
        } else if crate::time::vn_date(finished) < crate::time::vn_date(due) {
            Self::Early
        } else {
            Self::OnTime
        }
    }
}

/// One hand-over of the dossier (a row of Form 05).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRow {
    /// The step, e.g. "Thẩm định hồ sơ".
    pub step: String,
    /// Who handed the dossier over (person or unit).
    pub from: String,
    /// Who received it.
    pub to: String,
    /// When.
    pub at: Option<Timestamp>,
    /// How the step finished; `None` while it runs.
    pub result: Option<Timeliness>,
    /// Notes.
    pub note: String,
}

/// Names printed under the signature captions, one per form that has one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signers {
    /// The applicant (or the representative who submitted): Form 01, left.
    pub applicant: String,
    /// The officer who received the dossier: Form 01, right.
    pub receiver: String,
    /// The officer asking for the supplement: Form 02.
    pub guide: String,
    /// The officer refusing the dossier: Form 03.
    pub refuser: String,
    /// The caption of the head signing Form 04, e.g. "CHỦ TỊCH"; `None` uses the wording's.
    pub head_title: Option<String>,
    /// The head's name: Form 04.
    pub head: String,
}

/// Everything Forms 01–05 print about one dossier. Each form uses the fields it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormData {
    /// The header.
    pub header: Header,
    /// The unit named in the sentences ("… tiếp nhận hồ sơ của"), e.g. "Bộ phận Tiếp nhận và
    /// Trả kết quả, Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh".
    pub unit: String,
    /// The dossier code.
    pub dossier_code: String,
    /// The applicant.
    pub applicant: Party,
    /// The procedure's name (with its case, when there is one).
    pub procedure: String,
    /// When the dossier was received.
    pub received_at: Option<Timestamp>,
    /// When the result is due (the appointment).
    pub appointment: Option<Timestamp>,
    /// The legal time limit as printed, e.g. "5 ngày làm việc".
    pub time_limit: String,
    /// Number of sets (bộ) received; 0 prints a blank.
    pub sets: u32,
    /// The documents received.
    pub components: Vec<ComponentLine>,
    /// Where the result goes.
    pub return_place: Option<ReturnPlace>,
    /// Fees, one line each; none leaves the fee line out.
    pub fees: Vec<String>,
    /// The ledger entry; `None` prints blanks.
    pub ledger_ref: Option<LedgerRef>,
    /// The public lookup URL encoded in the QR code of Forms 01 and 04; `None` prints no code.
    pub lookup_url: Option<String>,
    /// What to add or correct (Form 02).
    pub supplement: Vec<SupplementLine>,
    /// Whom to ask about the supplement (Form 02).
    pub contact: Option<Contact>,
    /// Why the dossier is refused (Form 03).
    pub refusal_reason: String,
    /// The apology (Form 04).
    pub apology: ApologyData,
    /// The hand-overs (Form 05).
    pub control_rows: Vec<ControlRow>,
    /// Names under the signatures.
    pub signers: Signers,
}

/// One dossier in the tracking ledger (a row of Form 06).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    /// The entry's number (from 1, continuous over the year, DOMAIN.md §8.1).
    pub number: u32,
    /// The dossier code.
    pub dossier_code: String,
    /// The applicant and how to reach them.
    pub applicant: Party,
    /// The procedure.
    pub procedure: String,
    /// Received.
    pub received_at: Option<Timestamp>,
    /// Appointment.
    pub appointment: Option<Timestamp>,
    /// The agency the dossier was transferred to.
    pub transferred_to: String,
    /// When the result was returned.
    pub returned_at: Option<Timestamp>,
    /// The outcome, e.g. "Đã trả kết quả".
    pub outcome: String,
    /// How it finished against its appointment, printed after the outcome.
    pub timeliness: Option<Timeliness>,
    /// Who signed for the result (on paper the column is left for the signature).
    pub receiver_signature: String,
    /// Notes.
    pub note: String,
}

/// The tracking ledger of a desk over a period (Form 06).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// The header.
    pub header: Header,
    /// The desk whose ledger this is.
    pub desk: String,
    /// First day of the period.
    pub from: Option<Date>,
    /// Last day of the period.
    pub to: Option<Date>,
    /// The entries, in order.
    pub rows: Vec<LedgerRow>,
}
