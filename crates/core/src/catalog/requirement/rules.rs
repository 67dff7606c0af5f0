//! The rules, in the order they are tried. They were written from the 14,459 rows of the
//! national catalog (`data/catalog/procedures.jsonl.gz`) and checked by hand on the 30 most
//! used procedures (`tests/classify_top30.rs`); `tests/requirement_catalog.rs` counts what
//! each rule decides.
//!
//! The order matters: a note group beats everything; a row that opens with its condition
//! ("Trường hợp …") is read as condition + consequence ([`leading`]), because the consequence
//! decides whether it is a document or a remark; a row that opens with a document is a
//! document, conditional only when its *first item* carries a condition ([`inline`]) — a
//! condition in a later sentence ("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì
//! …") qualifies an alternative, not the document itself.

mod inline;
mod leading;

use super::phrases::*;
use super::question::{self, INFERRED_AUTHORISATION, trim_end};
use super::words::Words;
use super::{ConditionTopic, RequirementKind, Rule};

/// What the rules decided about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Verdict {
    pub kind: RequirementKind,
    pub rule: Rule,
    /// The display name: the row without its list marker and without the condition clause.
    pub document: String,
    /// The condition clause without its marker, and what it is about.
    pub condition: Option<(String, ConditionTopic)>,
}

/// Marked keys of the words folding merges with others: "nếu" (if) / "nêu" (state), "thì"
/// (then) / "thi" (exam), "phải" (must) / "phái" (faction), "có" (have) / "cơ", "bản" (a
/// paper) / "Ban" (a board), "này" (this).
const IF: &str = "nêu4";
const THEN: &str = "thi1";
const MUST: &str = "phai2";
const HAVE: &str = "co4";
const PAPER: &str = "ban2";
const THIS: &str = "nay1";

/// Whether a group headed `group` holds remarks only ("Lưu ý", "* Ghi chú:").
pub(super) fn is_notes_group(group: &str) -> bool {
    Words::new(group).starts_with_any(&NOTE_GROUPS)
}

/// Classifies one row. `notes_group` says whether its group holds remarks only, `body` is the
/// row without its list marker, `counted` whether the portal gave it a number of originals or
/// copies. `None` when no rule applies.
pub(super) fn judge(notes_group: bool, body: &str, counted: bool) -> Option<Verdict> {
    if notes_group {
        return Some(note(Rule::NotesGroup, body));
    }
    let w = Words::new(body);
    if w.is_empty() {
        return Some(note(Rule::Remark, body));
    }
    if w.starts_with_any(&NOTE_LABELS) {
        return Some(note(Rule::NoteLabel, body));
    }
    if is_parenthesised(body) || is_dossier_count(&w) {
        return Some(note(Rule::Remark, body));
    }
    if let Some(lead) = leading::condition_lead(&w) {
        return Some(leading::condition_first(&w, lead));
    }
    if let Some(lead) = w.phrase_at(0, &STATEMENT_LEADS) {
        if LIST_LEADS.contains(&lead) && lists_documents(&w) {
            return Some(required(Rule::Document, body));
        }
        let rule = if is_heading(&w) {
            Rule::Heading
        } else {
            Rule::Remark
        };
        return Some(note(rule, body));
    }
    let head = document_head(&w);
    // "Phiếu này là biểu mẫu điện tử …": a remark about another row.
    if head.is_some_and(|i| w.marked(i + 1) == THIS || w.marked(i + 2) == THIS && i == 0) {
        return Some(note(Rule::Remark, body));
    }
    // A list's heading: its items are the next rows. A heading the portal counted as a paper
    // ("Bản sao các giấy tờ sau:", 1 copy) names one only when it opens with a paper.
    if is_heading(&w) && (head.is_none() || !counted || w.starts_with_any(&GENERIC_HEADS)) {
        return Some(note(Rule::Heading, body));
    }
    // Conditions qualify a paper: a row that does not open with one ("Trước mỗi đợt chào
    // bán, …") is left to the default.
    let names_paper = head.is_some() || w.starts_with_any(&SUPPLY_VERBS);
    if !names_paper {
        return None;
    }
    if let Some(v) = inline::final_channel_condition(&w).or_else(|| electronic_form(&w, head)) {
        return Some(v);
    }
    let end = w.item_end(0);
    match inline::inline_condition(&w, end) {
        Some(inline::Inline::Condition(v)) => return Some(v),
        Some(inline::Inline::Alternatives) => return Some(required(Rule::Alternatives, body)),
        None => {}
    }
    if let Some(v) = inline::if_any(&w, end) {
        return Some(v);
    }
    if let Some(v) = head.and_then(|i| authorisation_paper(&w, i)) {
        return Some(v);
    }
    Some(required(Rule::Document, body))
}

fn note(rule: Rule, body: &str) -> Verdict {
    Verdict {
        kind: RequirementKind::Note,
        rule,
        document: body.to_owned(),
        condition: None,
    }
}

fn required(rule: Rule, body: &str) -> Verdict {
    Verdict {
        kind: RequirementKind::Required,
        rule,
        document: body.to_owned(),
        condition: None,
    }
}

fn conditional(rule: Rule, document: String, condition: String) -> Verdict {
    let topic = question::topic(&condition);
    conditional_on(rule, document, condition, topic)
}

fn conditional_on(
    rule: Rule,
    document: String,
    condition: String,
    topic: ConditionTopic,
) -> Verdict {
    Verdict {
        kind: RequirementKind::Conditional,
        rule,
        document,
        condition: Some((condition, topic)),
    }
}

/// `(Trường hợp … thì không phải nộp …)`: a remark in parentheses.
fn is_parenthesised(body: &str) -> bool {
    let t = body.trim_end_matches(['.', ';', ' ']);
    t.starts_with('(') && t.ends_with(')')
}

/// "02 bộ hồ sơ", "01 bộ": a number of dossier sets, not a paper ("02 bộ bản vẽ" is one).
fn is_dossier_count(w: &Words<'_>) -> bool {
    w.folded(0).bytes().all(|b| b.is_ascii_digit())
        && w.is_at(1, "bo")
        && (w.len() == 2 || w.is_at(2, "ho so"))
}

/// A list's heading: ends with a colon after "sau", "gồm" ….
fn is_heading(w: &Words<'_>) -> bool {
    if !w.tail().contains(':') {
        return false;
    }
    let n = w.len();
    HEADING_ENDS.iter().any(|p| {
        let len = Words::phrase_len(p);
        n >= len && w.is_at(n - len, p)
    })
}

/// Whether documents follow a colon ("Thành phần hồ sơ … gồm: Tờ trình; …").
fn lists_documents(w: &Words<'_>) -> bool {
    (1..w.len())
        .find(|&i| w.depth(i) == 0 && w.gap_has(i, &[':']))
        .is_some_and(|i| document_head_at(w, i).is_some())
}

/// Where the document's name starts, when the row opens with one.
fn document_head(w: &Words<'_>) -> Option<usize> {
    document_head_at(w, 0)
}

/// Where the document's name starting at word `from` begins: after numbers and determiners
/// ("01 bản chính Giấy …", "Các tài liệu …", "Một trong các giấy tờ …", "Hai (02) ảnh …").
fn document_head_at(w: &Words<'_>, from: usize) -> Option<usize> {
    let mut i = from;
    for _ in 0..4 {
        if w.folded(i).bytes().all(|b| b.is_ascii_digit()) && i + 1 < w.len() {
            i += 1;
        } else if let Some(d) = w.phrase_at(i, &DOCUMENT_DETERMINERS) {
            i += Words::phrase_len(d);
        } else {
            break;
        }
    }
    // "bản" (a copy, a paper) is always a document; "Ban" (a board) is not.
    (w.phrase_at(i, &DOCUMENT_HEADS).is_some() || w.marked(i) == PAPER).then_some(i)
}

/// "Mẫu hộ tịch điện tử tương tác …": the national portal's interactive form exists only
/// for dossiers submitted online, whether or not the row says so.
fn electronic_form(w: &Words<'_>, head: Option<usize>) -> Option<Verdict> {
    let i = head?;
    w.phrase_at(i, &ELECTRONIC_FORMS)?;
    Some(conditional_on(
        Rule::ElectronicForm,
        w.text().to_owned(),
        String::new(),
        ConditionTopic::Channel(vec![super::Channel::Online]),
    ))
}

/// "Văn bản ủy quyền …" with no condition stated. A paper by which someone files for the
/// applicant ("… cho cá nhân thực hiện thủ tục …") is asked through the authorisation
/// question; one that appoints someone to a role ("… cho một thành viên làm chủ hộ kinh
/// doanh") exists only in some households, so it is asked as a possession.
fn authorisation_paper(w: &Words<'_>, head: usize) -> Option<Verdict> {
    w.phrase_at(head, &AUTHORISATION_PAPERS)?;
    let files = w.find_any(&FILING_WORDS, head, w.len()).is_some()
        || w.find_any(&["cho", "lam"], head, w.len()).is_none();
    let (condition, topic) = if files {
        (
            INFERRED_AUTHORISATION.to_owned(),
            ConditionTopic::Authorisation,
        )
    } else {
        (String::new(), ConditionTopic::Possession)
    };
    Some(conditional_on(
        Rule::AuthorisationPaper,
        w.text().to_owned(),
        condition,
        topic,
    ))
}

/// The text of words `from..to` without the punctuation around it, with its parentheses
/// closed.
fn words_text(w: &Words<'_>, from: usize, to: usize) -> String {
    if from >= to {
        return String::new();
    }
    let s = w.text().get(w.start(from)..w.end(to - 1)).unwrap_or("");
    let mut out = trim_end(s).to_owned();
    let open = out
        .matches('(')
        .count()
        .saturating_sub(out.matches(')').count());
    out.extend(std::iter::repeat_n(')', open));
    out
}

/// `text` without the bytes `from..to`, joined without doubled spaces or a space before
/// punctuation.
fn cut(text: &str, from: usize, to: usize) -> String {
    let (from, to) = (from.min(text.len()), to.min(text.len()).max(from));
    let (Some(head), Some(tail)) = (text.get(..from), text.get(to..)) else {
        return text.to_owned();
    };
    let head = head.trim_end_matches([' ', ',']);
    let tail = tail.trim_start();
    if tail.is_empty() || head.is_empty() || tail.starts_with([',', ';', '.', ':', ')']) {
        format!("{head}{tail}")
    } else {
        format!("{head} {tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_tidies_the_text() {
        let t = "Giấy tờ (nếu có); bản sao.";
        let open = t.find('(').unwrap();
        let close = t.find(')').unwrap() + 1;
        assert_eq!(cut(t, open, close), "Giấy tờ; bản sao.");
        let t = "Đơn, nếu có cơ sở";
        assert_eq!(cut(t, t.find(',').unwrap(), t.len()), "Đơn");
        assert_eq!(cut("x", 5, 9), "x");
    }

    #[test]
    fn parentheses_of_a_condition_are_closed() {
        let w = Words::new("Đơn của người (áp dụng cho người nước ngoài");
        assert_eq!(
            words_text(&w, 1, w.len()),
            "của người (áp dụng cho người nước ngoài)"
        );
    }

    #[test]
    fn document_heads() {
        let head = |s: &str| document_head(&Words::new(s));
        assert_eq!(head("Tờ khai đăng ký"), Some(0));
        assert_eq!(head("01 bản chính Giấy khai sinh"), Some(1));
        assert_eq!(head("Một trong các giấy tờ sau"), Some(3));
        assert_eq!(head("Hai (02) ảnh màu"), Some(2));
        assert_eq!(head("Bản điều tra về tâm lý"), Some(0));
        // A board is not a paper.
        assert_eq!(head("Ban quản lý dự án gửi"), None);
        assert_eq!(head("Người tiếp nhận"), None);
    }
}
