//! What a row of a documents table (thành phần hồ sơ) asks of the applicant.
//!
//! The national catalog publishes three different things as rows of one table:
//!
//! * **required** documents, which every applicant of the case submits ("Tờ khai đăng ký khai
//!   sinh theo mẫu");
//! * **conditional** documents, needed only in a situation the row states ("Trường hợp trẻ em
//!   bị bỏ rơi thì phải có biên bản …", "Văn bản ủy quyền … trong trường hợp ủy quyền …",
//!   "… (nếu có)");
//! * **notes**, which are not documents at all: group headings, exemptions ("… thì không phải
//!   nộp bản giấy"), rules addressed to the receiving officer, whole groups named "Lưu ý".
//!
//! Asking every applicant for every row demands the authorisation letter of parents who come in
//! person and puts an upload box on notes. [`classify`] tells the three apart and, for a
//! conditional document, phrases its condition as a yes/no question an applicant can answer.
//!
//! The heuristic is a fixed list of rules over folded text ([`crate::text::fold`], so tone
//! placement, case and NFC/NFD do not matter), written from the rows of the national catalog
//! and checked by hand on the 30 most used procedures (`tests/classify_top30.rs`). A row that
//! no rule recognises is treated as required and marked [`Basis::Unmatched`], so an import can
//! report how much it could not classify. An operator overrides the heuristic for one row by
//! stating [`ComponentRequirement::kind`] (and, for a conditional row,
//! [`ComponentRequirement::condition`]) in the catalog file; the stored field always wins.

mod phrases;
mod question;
mod rules;
mod words;

use serde::{Deserialize, Serialize};

use super::{Channel, ComponentRequirement, Procedure, ProcedureCase};
use crate::text::{clean_line, fold};

pub use question::AUTHORISATION_QUESTION;

/// What a row asks of the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// Every applicant of the case submits it.
    Required,
    /// Submitted only when the applicant answers its [`Condition::question`] with yes.
    Conditional,
    /// Not a document: shown as text, never as something to upload.
    Note,
}

impl RequirementKind {
    /// All kinds.
    pub const ALL: [Self; 3] = [Self::Required, Self::Conditional, Self::Note];

    /// The identifier in the catalog format and the API (`required`, `conditional`, `note`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Conditional => "conditional",
            Self::Note => "note",
        }
    }

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Required => "Bắt buộc",
            Self::Conditional => "Nộp nếu thuộc trường hợp",
            Self::Note => "Lưu ý",
        }
    }
}

/// What a condition is about. Two topics let the dossier answer or gate questions itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "topic", content = "channels")]
pub enum ConditionTopic {
    /// Someone acts for the applicant (ủy quyền, người đại diện). Nobody who files for
    /// themselves needs any of these papers, so one question can settle them all.
    Authorisation,
    /// The dossier is submitted on one of these channels: known from the submission, no need
    /// to ask.
    Channel(Vec<Channel>),
    /// The applicant has such a document ("nếu có").
    Possession,
    /// Any other situation, asked as stated.
    Situation,
}

/// The condition of a conditional document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    /// The condition as published, without its marker ("trẻ em bị bỏ rơi" from "Trường hợp
    /// trẻ em bị bỏ rơi thì …"); empty for "(nếu có)"; the operator's question for a stated
    /// condition.
    pub text: String,
    /// A yes/no question in Vietnamese ("Bạn nộp hồ sơ thay người khác (theo ủy quyền)?",
    /// "Trường hợp trẻ em bị bỏ rơi có áp dụng với bạn không?").
    pub question: String,
    /// What it is about.
    pub topic: ConditionTopic,
}

/// A rule of the heuristic, named so that an import can report what decided each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Note: the row's group is headed "Lưu ý", "Ghi chú" ….
    NotesGroup,
    /// Note: the row starts with "Lưu ý", "Ghi chú" ….
    NoteLabel,
    /// Note: the row introduces a list ("… các giấy tờ sau:", "Trường hợp X, hồ sơ gồm:").
    Heading,
    /// Note: the row says something need not be supplied ("… thì không phải nộp bản giấy").
    NotRequired,
    /// Note: a remark — a rule for the agency, a right of the applicant, text in parentheses.
    Remark,
    /// Note: a leading condition whose consequence asks for nothing ("Trường hợp … thì cơ quan
    /// đăng ký hộ tịch có trách nhiệm …").
    ConditionalRemark,
    /// Conditional: the row opens with its condition ("Trường hợp X thì phải có Y", "Đối với
    /// X: Y", "Nếu X thì Y").
    ConditionFirst,
    /// Conditional: the document "(nếu có)".
    IfAny,
    /// Conditional: the document's first item carries a condition ("Y trong trường hợp X",
    /// "Y (nếu X)", "Y đối với trường hợp X").
    InlineCondition,
    /// Conditional: the national portal's interactive form ("Mẫu hộ tịch điện tử tương tác"),
    /// used only online.
    ElectronicForm,
    /// Conditional: one of the papers a sibling row lists as alternatives ("Một trong những
    /// giấy tờ … bao gồm: + Giấy chứng nhận …"); only [`classify_case`] sees siblings.
    OneOf,
    /// Conditional: an authorisation paper (văn bản ủy quyền) with no condition stated.
    AuthorisationPaper,
    /// Required: the first item's condition chooses between papers ("Bản sao giấy phép lái xe
    /// hoặc bản cam kết trong trường hợp giấy phép lái xe bị mất"): one is always needed.
    Alternatives,
    /// Required: the row names a document ("Tờ khai …", "Bản sao …", "Giấy …").
    Document,
}

impl Rule {
    /// All rules, in the order they are tried.
    pub const ALL: [Self; 14] = [
        Self::NotesGroup,
        Self::NoteLabel,
        Self::Heading,
        Self::NotRequired,
        Self::Remark,
        Self::ConditionalRemark,
        Self::ConditionFirst,
        Self::IfAny,
        Self::InlineCondition,
        Self::ElectronicForm,
        Self::OneOf,
        Self::AuthorisationPaper,
        Self::Alternatives,
        Self::Document,
    ];
}

/// How a classification was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "basis", content = "rule")]
pub enum Basis {
    /// The catalog states the kind ([`ComponentRequirement::kind`]).
    Explicit,
    /// A rule of the heuristic.
    Rule(Rule),
    /// No rule applied: treated as required, counted as unclassified.
    Unmatched,
}

/// One row, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classified {
    /// What the row asks.
    pub kind: RequirementKind,
    /// The name to display: without the list marker ("- ", "a) ") and, for a conditional
    /// document, without the condition clause ("Văn bản ủy quyền (được chứng thực) theo quy
    /// định của pháp luật. Trường hợp …"). For a note, the note's text.
    pub document: String,
    /// The condition, for a conditional document.
    pub condition: Option<Condition>,
    /// The row as published.
    pub raw: String,
    /// How the kind was decided.
    pub basis: Basis,
}

impl Classified {
    /// Whether no rule recognised the row (it is then treated as required).
    pub fn is_unclassified(&self) -> bool {
        self.basis == Basis::Unmatched
    }
}

/// Classifies a row on its own, as if its group had no heading. Prefer [`classify_case`]: a
/// group headed "Lưu ý" makes all its rows notes.
pub fn classify(row: &ComponentRequirement) -> Classified {
    classify_in("", row)
}

/// Classifies a row of the group headed `group` ([`ProcedureCase::name`]).
pub fn classify_in(group: &str, row: &ComponentRequirement) -> Classified {
    classify_row(rules::is_notes_group(group), row)
}

/// [`classify_in`] with the group's heading already read.
fn classify_row(notes_group: bool, row: &ComponentRequirement) -> Classified {
    let body_owned = clean_line(&row.name);
    let body = strip_marker(&body_owned);
    let counted = row.originals > 0 || row.copies > 0;
    // A stated required or note needs nothing from the rules; a stated conditional may still
    // use the condition they find.
    let verdict = match row.kind {
        Some(RequirementKind::Required | RequirementKind::Note) => None,
        _ => rules::judge(notes_group, body, counted),
    };
    let (kind, basis) = match (row.kind, &verdict) {
        (Some(kind), _) => (kind, Basis::Explicit),
        (None, Some(v)) => (v.kind, Basis::Rule(v.rule)),
        (None, None) => (RequirementKind::Required, Basis::Unmatched),
    };
    // The heuristic's reading of the condition, when it found one.
    let found = verdict
        .as_ref()
        .filter(|v| v.kind == RequirementKind::Conditional);
    let document = match (kind, found) {
        (RequirementKind::Note, _) => body.to_owned(),
        (RequirementKind::Conditional, Some(v)) => tidy(&v.document),
        _ => tidy(body),
    };
    let document = if document.is_empty() {
        tidy(body)
    } else {
        document
    };
    let condition =
        (kind == RequirementKind::Conditional).then(|| condition_of(row, found, &document));
    Classified {
        kind,
        document,
        condition,
        raw: row.name.clone(),
        basis,
    }
}

/// The condition of a conditional row: the operator's question when the catalog states one
/// (asked as written: its topic is not guessed, so a question is never answered for the
/// applicant by mistake), else the heuristic's, else a question about the document itself.
fn condition_of(
    row: &ComponentRequirement,
    found: Option<&rules::Verdict>,
    document: &str,
) -> Condition {
    if let Some(q) = row
        .condition
        .as_deref()
        .map(clean_line)
        .filter(|q| !q.is_empty())
    {
        return Condition {
            text: q.clone(),
            question: q,
            topic: ConditionTopic::Situation,
        };
    }
    match found.and_then(|v| v.condition.clone()) {
        Some((text, topic)) => Condition {
            question: question::question(&text, &topic, document),
            text,
            topic,
        },
        None => possession(document),
    }
}

/// "Do you have this paper?": the condition of a paper only some applicants have.
fn possession(document: &str) -> Condition {
    Condition {
        text: String::new(),
        question: question::question("", &ConditionTopic::Possession, document),
        topic: ConditionTopic::Possession,
    }
}

/// Classifies every row of a case. Beyond [`classify_in`], it sees the rows together: a
/// paper that a sibling row lists among alternatives ("Một trong những giấy tờ hợp pháp về
/// đất đai … bao gồm: + Giấy chứng nhận quyền sử dụng đất …", the portal then repeats each
/// alternative as a row of its own) is one the applicant submits only if it is the one they
/// have ([`Rule::OneOf`]).
pub fn classify_case(case: &ProcedureCase) -> Vec<Classified> {
    let notes_group = rules::is_notes_group(&case.name);
    let mut out: Vec<Classified> = case
        .components
        .iter()
        .map(|row| classify_row(notes_group, row))
        .collect();
    let lists: Vec<String> = out
        .iter()
        .filter(|c| is_one_of_list(c))
        .map(|c| format!(" {} ", fold(&c.document)))
        .collect();
    if lists.is_empty() {
        return out;
    }
    for c in &mut out {
        if c.basis != Basis::Rule(Rule::Document) || is_one_of_list(c) {
            continue;
        }
        let head = fold(question::headline(&c.document));
        if head.split(' ').count() >= ONE_OF_MIN_WORDS
            && lists.iter().any(|l| l.contains(&format!(" {head} ")))
        {
            c.kind = RequirementKind::Conditional;
            c.basis = Basis::Rule(Rule::OneOf);
            c.condition = Some(possession(&c.document));
        }
    }
    out
}

/// A paper's name shorter than this many words ("Đơn", "Giấy tờ") is too common to match it
/// inside a list of alternatives.
const ONE_OF_MIN_WORDS: usize = 4;

/// "Một trong các giấy tờ sau: …": a row listing alternatives.
fn is_one_of_list(c: &Classified) -> bool {
    // Only the first words matter: fold a short prefix, not the whole (often long) row.
    let prefix: String = c.document.chars().take(ONE_OF_PREFIX_CHARS).collect();
    c.kind == RequirementKind::Required
        && c.document.contains(':')
        && fold(&prefix).starts_with("mot trong")
}

/// Enough characters for "Một trong" and a list marker in front of it.
const ONE_OF_PREFIX_CHARS: usize = 24;

/// How many rows of each kind, and how many no rule recognised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// Required rows, including the unclassified ones.
    pub required: usize,
    /// Conditional rows.
    pub conditional: usize,
    /// Notes.
    pub note: usize,
    /// Rows no rule recognised (also counted in `required`).
    pub unclassified: usize,
    /// Rows whose kind the catalog states.
    pub explicit: usize,
}

impl Tally {
    /// Counts one row.
    pub fn add(&mut self, c: &Classified) {
        match c.kind {
            RequirementKind::Required => self.required += 1,
            RequirementKind::Conditional => self.conditional += 1,
            RequirementKind::Note => self.note += 1,
        }
        self.unclassified += usize::from(c.is_unclassified());
        self.explicit += usize::from(c.basis == Basis::Explicit);
    }

    /// The rows of every case of `procedure`.
    pub fn of(procedure: &Procedure) -> Self {
        let mut t = Self::default();
        for case in &procedure.cases {
            for c in classify_case(case) {
                t.add(&c);
            }
        }
        t
    }

    /// All rows.
    pub fn total(&self) -> usize {
        self.required + self.conditional + self.note
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Self) {
        self.required += o.required;
        self.conditional += o.conditional;
        self.note += o.note;
        self.unclassified += o.unclassified;
        self.explicit += o.explicit;
    }
}

/// `s` without its list marker: "- ", "+ ", "* ", "a) ", "đ) ", "1. ", "1.2) ", "(ii) ",
/// "IV. ", repeated ("- a) ").
pub fn strip_marker(s: &str) -> &str {
    let mut t = s.trim_start();
    loop {
        let next = strip_one_marker(t).trim_start();
        if next.len() == t.len() {
            return t;
        }
        t = next;
    }
}

fn strip_one_marker(t: &str) -> &str {
    // Stray punctuation left by the export ("(i)!Bản sao …", "*) Bản chính …").
    if let Some(rest) = t.strip_prefix(['!', ')', '.', ',', ';', ':']) {
        return rest;
    }
    // U+F0FC and U+F0D8 are the Wingdings ticks and arrows of documents pasted from Word.
    if let Some(rest) = t.strip_prefix([
        '-', '+', '*', '•', '–', '—', '·', '\u{f0fc}', '\u{f0d8}', '\u{f0b7}',
    ]) {
        return rest;
    }
    let (open, inner) = match t.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let label_len = enumeration_label_len(inner);
    if label_len == 0 {
        return t;
    }
    let after = &inner[label_len..];
    let closer = if open { &[')'][..] } else { &[')', '.'][..] };
    after.strip_prefix(closer).unwrap_or(t)
}

/// The length of an enumeration label at the start of `s`: digits with dots ("1", "1.2.3"),
/// one letter with optional digits ("a", "đ", "k2"), or a Roman numeral up to 5 letters
/// ("iv", "XII").
fn enumeration_label_len(s: &str) -> usize {
    let digits = s
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if digits > 0 && s.starts_with(|c: char| c.is_ascii_digit()) {
        // "1.2." ends with a dot that is the closer: leave it.
        let label = s[..digits].trim_end_matches('.');
        return label.len();
    }
    let roman = s
        .chars()
        .take_while(|c| matches!(c.to_ascii_lowercase(), 'i' | 'v' | 'x'))
        .count();
    if (2..=5).contains(&roman) {
        return roman;
    }
    // One letter, optionally with digits: "a)", "đ.", "k2)", "b3)".
    match s.chars().next() {
        Some(c) if c.is_alphabetic() => {
            let rest = &s[c.len_utf8()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if rest[digits..].starts_with([')', '.']) {
                c.len_utf8() + digits
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// A document's display name: trimmed, without the separators that ended it in a list.
fn tidy(s: &str) -> String {
    s.trim()
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-'))
        .to_owned()
}

#[cfg(test)]
mod tests;
