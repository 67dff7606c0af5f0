//! Rows that open with their condition: "Trường hợp X thì Y", "Đối với X: Y", "Nếu X thì Y".
//! The consequence Y decides: a paper to submit makes the row conditional; an exemption ("thì
//! không phải nộp bản giấy"), a rule for the agency ("thì cơ quan đăng ký hộ tịch có trách
//! nhiệm …") or a list heading ("…, hồ sơ gồm:") makes it a note.

use super::super::Rule;
use super::super::phrases::*;
use super::super::words::Words;
use super::{HAVE, IF, MUST, THEN, THIS, Verdict, conditional, document_head_at, note};
use crate::catalog::requirement::question::upper_first;

/// How many words after an actor ("nhân viên bưu chính …") the verb of a consequence may come.
const ACTOR_WORDS: usize = 8;

/// How far into the consequence (after the actor and the obligation) the paper must be named.
const PAPER_WORDS: usize = 3;

/// How close behind an actor after a comma its verb must come for the comma to open the
/// consequence (", nhà đầu tư nộp …", ", người nộp thuế phải nộp …").
const ACTOR_VERB_WORDS: usize = 4;

/// How long a "khi …," clause before the consequence's subject may be.
const WHEN_WORDS: usize = 16;

/// The condition marker the row opens with, if any.
pub(super) fn condition_lead(w: &Words<'_>) -> Option<&'static str> {
    let lead = w.phrase_at(0, &CONDITION_LEADS)?;
    if lead == "neu" && w.marked(0) != IF {
        return None;
    }
    // "Khi" opens a condition only with a comma after it: "Khi nộp hồ sơ, …".
    if lead == "khi" {
        let end = w.item_end(0);
        (1..end).find(|&i| w.gap_has(i, &[',']))?;
    }
    Some(lead)
}

/// Where a leading condition's consequence starts, and whether that place is certain.
struct Split {
    at: usize,
    /// A "thì", a colon, "phải", or a comma before words that begin a consequence. Only a
    /// plain comma is uncertain.
    certain: bool,
}

/// Reads a row that opens with the condition marker `lead`.
pub(super) fn condition_first(w: &Words<'_>, lead: &str) -> Verdict {
    // "Trường hợp cấp lại:", "Trường hợp X thì nộp các giấy tờ sau:": the papers are the next
    // rows.
    if w.tail().contains(':') {
        return note(Rule::Heading, w.text());
    }
    let from = Words::phrase_len(lead);
    let sentence = w.item_end(from);
    let Some(split) = consequence_start(w, from, sentence) else {
        // All condition: one long clause.
        return note(Rule::ConditionalRemark, w.text());
    };
    let condition = super::words_text(w, from, split.at);
    let start = if w.marked(split.at) == THEN {
        split.at + 1
    } else {
        split.at
    };
    if start >= w.len() {
        return note(Rule::Heading, w.text());
    }
    let find =
        |phrases: &[&'static str], from: usize| w.find_any(phrases, from, sentence).map(|(i, _)| i);
    let obligation = find(&OBLIGATIONS, start);
    // "… chủ dự án không phải gửi …": the negation may sit just before the split.
    let negation = find(&NOT_REQUIRED, start.saturating_sub(1).max(from))
        .filter(|&i| !w.is_at(i, "khong phai la"));
    if negation.is_some_and(|n| obligation.is_none_or(|o| n <= o)) {
        return note(Rule::NotRequired, w.text());
    }
    let paper = paper_start(w, start);
    let names_paper = (paper..(paper + PAPER_WORDS).min(sentence))
        .any(|i| document_head_at(w, i).is_some_and(|h| w.marked(h + 1) != THIS));
    let addressed_to_agency = w.phrase_at(start, &AGENCY_SUBJECTS).is_some()
        || find(&STATEMENT_PREDICATES, start).is_some();
    if addressed_to_agency && !(names_paper && paper > start) {
        return note(Rule::ConditionalRemark, w.text());
    }
    let asks = names_paper
        || obligation.is_some_and(|o| o < paper + PAPER_WORDS)
        || split.certain && w.gap_has(split.at, &[':']);
    if !asks {
        return note(Rule::ConditionalRemark, w.text());
    }
    let document = upper_first(w.text_from(paper).trim_start_matches([':', ' ']).trim());
    conditional(Rule::ConditionFirst, document, condition)
}

/// Where the consequence of a leading condition in `from..to` starts: at "thì"; else at the
/// first colon, "phải" or comma followed by words that begin a consequence; else at "kèm
/// theo"; else, uncertainly, at the first comma. `None` when the sentence is all condition.
fn consequence_start(w: &Words<'_>, from: usize, to: usize) -> Option<Split> {
    let min = from + 1;
    let top = |i: usize| w.depth(i) == 0;
    let certain = |at| Some(Split { at, certain: true });
    if let Some(at) = (min..to).find(|&i| top(i) && w.marked(i) == THEN) {
        return certain(at);
    }
    let colon = (min..to).find(|&i| top(i) && w.gap_has(i, &[':']));
    // "phải có", "phải nộp": the consequence's verb; "đối tượng phải thực hiện đánh giá" is
    // part of the condition.
    let must = (min + 1..to).find(|&i| top(i) && is_must(w, i));
    // ", hồ sơ gồm …", ", nhà đầu tư nộp …": a comma before the consequence. An actor counts
    // only with its verb close behind, so a list ("cơ quan, tổ chức, cá nhân") does not.
    let comma_then = (min..to).find(|&i| {
        let actor = w.phrase_at(i, &ACTORS).is_some() || w.phrase_at(i, &AGENCY_SUBJECTS).is_some();
        top(i)
            && w.gap_has(i, &[','])
            && (w.phrase_at(i, &CONSEQUENCE_AFTER_COMMA).is_some()
                || w.phrase_at(i, &DOCUMENT_HEADS).is_some()
                || actor && (i + 1..(i + ACTOR_VERB_WORDS).min(to)).any(|k| is_obligation(w, k)))
    });
    if let Some(at) = [colon, must, comma_then].into_iter().flatten().min() {
        return certain(at);
    }
    if let Some((at, _)) = w.find_any(&["kem theo", "gui kem"], min + 1, to) {
        return certain(at);
    }
    let colon_at_end = w.tail().contains(':') && to >= w.len();
    (min..to)
        .find(|&i| top(i) && w.gap_has(i, &[',']))
        .filter(|_| !colon_at_end)
        .map(|at| Split { at, certain: false })
}

/// "phải" followed by a verb of supplying ("phải có", "phải nộp", "phải bổ sung").
fn is_must(w: &Words<'_>, i: usize) -> bool {
    w.marked(i) == MUST && w.phrase_at(i + 1, &MUST_VERBS).is_some()
}

/// A verb that makes the applicant supply something ("phải có", "nộp", "kèm theo").
fn is_obligation(w: &Words<'_>, k: usize) -> bool {
    is_must(w, k) || w.phrase_at(k, &OBLIGATION_PREFIXES).is_some()
}

/// Where the paper a consequence starting at word `i` names begins: after a "khi …," clause,
/// the actor and the obligation ("khi thực hiện thủ tục, nhân viên bưu chính phải nộp bản sao
/// …", "hồ sơ đăng ký phải có văn bản …", "phải có biên bản …").
fn paper_start(w: &Words<'_>, mut i: usize) -> usize {
    for _ in 0..3 {
        let before = i;
        if w.is_at(i, "khi")
            && let Some(k) = (i + 1..(i + WHEN_WORDS).min(w.len())).find(|&k| w.gap_has(k, &[',']))
        {
            i = k;
        }
        let subject = if w.is_at(i, "cac") || w.is_at(i, "nhung") {
            i + 1
        } else {
            i
        };
        if (w.phrase_at(subject, &ACTORS).is_some() || w.is_at(subject, "ho so"))
            && let Some(k) =
                (subject + 1..(subject + ACTOR_WORDS).min(w.len())).find(|&k| is_obligation(w, k))
        {
            i = k;
        }
        while i + 1 < w.len() {
            if w.marked(i) == MUST {
                i += 1;
                if w.marked(i) == HAVE && i + 1 < w.len() {
                    i += 1;
                }
            } else if let Some(p) = w.phrase_at(i, &OBLIGATION_PREFIXES) {
                i += Words::phrase_len(p);
            } else {
                break;
            }
        }
        if i == before {
            break;
        }
    }
    i.min(w.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Verdict {
        let w = Words::new(s);
        let lead = condition_lead(&w).unwrap();
        condition_first(&w, lead)
    }

    #[test]
    fn the_consequence_names_the_paper() {
        let v = read("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi.");
        assert_eq!(v.rule, Rule::ConditionFirst);
        assert_eq!(v.document, "Biên bản về việc trẻ bị bỏ rơi.");
        assert_eq!(v.condition.unwrap().0, "trẻ em bị bỏ rơi");
        let v = read(
            "Trường hợp ủy quyền cho đơn vị bưu chính thì khi thực hiện thủ tục, nhân viên bưu chính phải nộp bản sao phiếu gửi hồ sơ.",
        );
        assert_eq!(v.document, "Bản sao phiếu gửi hồ sơ.");
        let v = read(
            "Đối với Công an nhân dân: Giấy giới thiệu của Thủ trưởng đơn vị ghi rõ nội dung.",
        );
        assert_eq!(v.rule, Rule::ConditionFirst);
        assert_eq!(v.condition.unwrap().0, "Công an nhân dân");
    }

    #[test]
    fn consequences_that_ask_nothing_are_notes() {
        for (s, rule) in [
            (
                "Trường hợp đã nộp bản điện tử thì không phải nộp bản giấy.",
                Rule::NotRequired,
            ),
            (
                "Trường hợp không khai thác được thông tin thì cơ quan đăng ký hộ tịch yêu cầu xuất trình bản chính.",
                Rule::ConditionalRemark,
            ),
            (
                "Trường hợp quy định tại điểm d khoản 4 Điều 20 Luật Cư trú, hồ sơ gồm:",
                Rule::Heading,
            ),
            (
                "Trường hợp Giấy chứng nhận đã có trong Cơ sở dữ liệu thì các thông tin này được thay thế bằng dữ liệu.",
                Rule::NotRequired,
            ),
            (
                "Trường hợp ủy quyền cho đơn vị khác thì việc ủy quyền thực hiện theo quy định tại mục (ii).",
                Rule::ConditionalRemark,
            ),
        ] {
            assert_eq!(read(s).rule, rule, "{s}");
        }
    }

    #[test]
    fn thi_the_exam_is_not_then() {
        // "thi" (exam) does not split; "thì" does.
        let v = read("Trường hợp dự thi lần đầu thì nộp đơn đăng ký dự thi.");
        assert_eq!(v.condition.unwrap().0, "dự thi lần đầu");
        assert_eq!(v.document, "Đơn đăng ký dự thi.");
    }
}
