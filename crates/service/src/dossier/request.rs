//! What a client asks of the dossier service: a submission and an action. The JSON API
//! deserialises them from the body (every error names the field at fault); the pages build
//! them from their forms; the demo and the national-portal intake build them in code.

use jiff::{Timestamp, civil::Date};
use motcua_core::dossier::{
    Applicant, FieldError, PaperReceived, Representative, ReturnMethod, SubmissionChannel,
    SupplementItem,
};
use serde::{Deserialize, Serialize};

/// A dossier submitted online by an applicant, or entered at the desk by an officer.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "procedure": "1.001193",
    "agency": "bn.x07210",
    "applicant": {"kind": "individual", "name": "Nguyễn Văn An", "citizen_id": "024090001234",
                  "phone": "0912345678", "email": "an@example.vn", "address": null,
                  "tax_code": null},
    "components": [{"index": 0, "files": ["0193a5c4-6f1e-7c3a-9d2b-5e8f4a1b2c3d"]}],
    "return_method": "online"
})))]
pub struct SubmitRequest {
    /// Procedure code.
    pub procedure: String,
    /// The agency that settles the procedure (it must offer it); its one-stop desk receives
    /// the dossier.
    pub agency: String,
    /// Index of the case (trường hợp) in the procedure's cases; 0 by default.
    #[serde(default)]
    pub case: usize,
    /// Channel: applicants submit `online`; officers enter `desk`, `postal` or
    /// `national_portal` dossiers, which are received at once.
    pub channel: Option<SubmissionChannel>,
    /// The applicant.
    pub applicant: Applicant,
    /// Someone submitting on the applicant's behalf.
    pub representative: Option<Representative>,
    /// Documents provided, by index of the row in the case's list (as
    /// `GET /api/v1/procedures/{code}` lists them; a note row takes no document).
    #[serde(default)]
    pub components: Vec<ComponentInput>,
    /// Answers to the questions of the documents asked only in some situation
    /// (`kind: conditional`). A question about acting for someone else is answered by the
    /// presence of `representative`, and one about the channel by the channel; an unanswered
    /// question makes its document optional.
    #[serde(default)]
    pub answers: Vec<ConditionAnswer>,
    /// How the result is returned (default: at the desk).
    pub return_method: Option<ReturnMethod>,
    /// Postal address for `post`.
    pub return_address: Option<String>,
    /// For a dossier entered at the desk or received by post: what the desk decides once it
    /// has checked it (default: `receive`, with Form 01).
    pub decision: Option<DeskDecision>,
}

/// What the desk decides about a dossier brought to it or sent by post, after checking it
/// (Decree 61/2018, art. 19): receive it (Form 01), or give it back with every missing
/// document listed at once (Form 02), or refuse it with the reason (Form 03). The dossier gets
/// a code either way, so the form handed over can be traced and the ledger lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeskDecision {
    /// Received: the process starts and Form 01 is printed.
    Receive,
    /// Not complete: what is missing, all at once (Form 02).
    Supplement {
        /// Every missing item.
        items: Vec<SupplementItem>,
    },
    /// Refused (Form 03).
    Refuse {
        /// Why, as the applicant will read it.
        reason: String,
    },
}

/// A document provided: uploaded files (ids from `POST /api/v1/files`) or a reference to a
/// document already held electronically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComponentInput {
    /// Index in the case's list of documents.
    pub index: usize,
    /// File ids.
    #[serde(default)]
    pub files: Vec<String>,
    /// A document already held (e.g. a previous result's number).
    pub held_document: Option<String>,
    /// Paper seen at the desk (desk and postal dossiers only).
    pub paper: Option<PaperReceived>,
}

/// An answer to a conditional document's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionAnswer {
    /// Index of the row in the case's list.
    pub index: usize,
    /// Whether the situation applies to the applicant (then the document is required).
    pub applies: bool,
}

/// The fields of an action; which are needed depends on the action (see each action's
/// description in `POST /api/v1/dossiers/{code}/actions/{action}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"revision": 3, "items": [
    {"component": "Tờ khai đăng ký khai sinh", "reason": "Thiếu chữ ký người đi khai"}
]})))]
pub struct ActionRequest {
    /// The revision the client saw; when given, a dossier changed since is refused (409).
    pub revision: Option<i64>,
    /// Reason (refuse, send_back, transfer, withdraw, stop, apologise).
    pub reason: Option<String>,
    /// Note (forward, approve).
    pub note: Option<String>,
    /// Every missing item (request_supplement).
    pub items: Option<Vec<SupplementItem>>,
    /// Documents supplemented (supplement_received).
    pub components: Option<Vec<ComponentInput>>,
    /// The handling officer's account id or user name (assign).
    pub assignee: Option<String>,
    /// Index of the earlier step (send_back).
    pub to_step: Option<usize>,
    /// Agency (consult, transfer).
    pub agency: Option<String>,
    /// The question (consult).
    pub question: Option<String>,
    /// Working days for the answer (consult; default 3).
    pub days: Option<f64>,
    /// The consultation's number (reply).
    pub consultation: Option<u32>,
    /// The answer (reply).
    pub answer: Option<String>,
    /// Result document number (issue_result).
    pub number: Option<String>,
    /// Date the result was signed (issue_result; default today).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub signed_on: Option<Date>,
    /// File id of the electronic result (issue_result).
    pub file: Option<String>,
    /// Who signed the result (issue_result; default: the leader who approved it).
    pub signer: Option<String>,
    /// How the result was handed over (return_result; default: as the applicant asked).
    pub method: Option<ReturnMethod>,
    /// Who received the result (return_result; default: the applicant, or the representative
    /// who filed).
    pub recipient: Option<String>,
    /// The new appointment (apologise), RFC 3339.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub new_due: Option<Timestamp>,
    /// The comment (comment).
    pub text: Option<String>,
    /// Whether the comment is for the applicant too (comment; default: officials only).
    pub public: Option<bool>,
    /// The rating (rate): a level per criterion, `overall` required.
    pub rating: Option<motcua_core::dossier::Rating>,
}

/// Requires a field of an action.
pub fn required<'a, T>(value: &'a Option<T>, field: &str) -> Result<&'a T, FieldError> {
    value
        .as_ref()
        .ok_or_else(|| FieldError::new(field, "trường này là bắt buộc cho thao tác này"))
}
