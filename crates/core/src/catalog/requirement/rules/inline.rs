//! Conditions inside a row that opens with a document: "Văn bản ủy quyền … trong trường hợp
//! ủy quyền …", "Tờ khai … (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực
//! tiếp)", "… (nếu có)". Only the document's first item counts, and a condition that picks one
//! of several papers ("A hoặc B trong trường hợp …") leaves the row required.

use super::super::phrases::*;
use super::super::question;
use super::super::words::Words;
use super::super::{ConditionTopic, RequirementKind, Rule};
use super::{IF, THEN, Verdict, conditional, conditional_on, cut, words_text};

/// What the first item's conditions amount to.
pub(super) enum Inline {
    /// One condition on the document.
    Condition(Verdict),
    /// Conditions that choose between papers ("A hoặc B trong trường hợp …", "A (trường hợp
    /// X) hoặc B (trường hợp Y)"): one of them is always needed.
    Alternatives,
}

/// "Giấy tờ … (nếu có)" at the end of the row's first item, or followed only by a quantity.
pub(super) fn if_any(w: &Words<'_>, end: usize) -> Option<Verdict> {
    let i = (1..end).rfind(|&i| w.is_at(i, "neu co") && w.marked(i) == IF)?;
    let after = i + 2;
    let (cut_from, cut_to) = match w.enclosing_parens(i) {
        // Only "(nếu có)" inside the parenthesis.
        Some((open, close)) if w.end(i - 1) <= open && close <= w.start(after) => (open, close),
        Some(_) => return None,
        None => (w.end(i - 1), w.end(i + 1)),
    };
    let trailer = (after..end).all(|k| {
        let f = w.folded(k);
        f.bytes().all(|b| b.is_ascii_digit()) || QUANTITY_WORDS.contains(&f)
    });
    if !trailer {
        return None;
    }
    Some(Verdict {
        kind: RequirementKind::Conditional,
        rule: Rule::IfAny,
        document: cut(w.text(), cut_from, cut_to),
        condition: Some((String::new(), ConditionTopic::Possession)),
    })
}

/// A row that ends with a parenthesis stating the channel the paper is for ("Tờ khai … . Hai
/// bên có thể khai chung … (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực
/// tiếp);"): the channel qualifies the whole paper even past the first item, since a paper
/// cannot be needed for half a submission.
pub(super) fn final_channel_condition(w: &Words<'_>) -> Option<Verdict> {
    let last = w.len().checked_sub(1)?;
    let (open, close) = w.enclosing_parens(last)?;
    if !w.text()[close..]
        .trim()
        .chars()
        .all(|c| matches!(c, '.' | ';' | ','))
    {
        return None;
    }
    let i = (1..w.len()).find(|&i| w.start(i) > open && w.marked(i) == IF)?;
    let condition = words_text(w, i + 1, w.len());
    let topic = question::topic(&condition);
    if !matches!(topic, ConditionTopic::Channel(_)) {
        return None;
    }
    // "(do người yêu cầu cung cấp thông tin …, nếu …)": keep what precedes the condition.
    let cut_from = if w.gap_has(i, &['(']) {
        open
    } else {
        w.end(i - 1)
    };
    let cut_to = if cut_from == open { close } else { close - 1 };
    let document = cut(w.text(), cut_from, cut_to);
    Some(conditional_on(
        Rule::InlineCondition,
        document,
        condition,
        topic,
    ))
}

/// The inline condition marker at word `i`, if the word starts one.
fn inline_marker(w: &Words<'_>, i: usize) -> Option<&'static str> {
    let m = w.phrase_at(i, &INLINE_MARKERS)?;
    let opens = w.gap_has(i, &['(']);
    let after_comma = w.gap_has(i, &[',']);
    // Inside a parenthesis, only a condition that opens it or follows a comma qualifies the
    // document; elsewhere it qualifies a detail ("bản dịch … nếu tài liệu bằng tiếng nước
    // ngoài").
    if w.depth(i) > 0 && !opens && !after_comma {
        return None;
    }
    let before_ok = !NOT_A_CONDITION_BEFORE.contains(&w.marked(i.saturating_sub(1)));
    let ok = match m {
        "truong hop" => (opens || after_comma) && before_ok,
        // "đối với" usually means "concerning" ("Báo cáo … đối với dự án …"); it states a
        // condition when it opens a parenthesis or names who ("đối với người chưa đủ 14
        // tuổi").
        "doi voi" => {
            opens
                || w.phrase_at(i + 2, &CONDITION_SUBJECTS).is_some()
                    && !CONCERNING_BEFORE.contains(&w.folded(i.saturating_sub(1)))
                    && !w.is_at(i + 2, "nguoi nop thue")
        }
        "ap dung cho" | "ap dung doi voi" | "chi ap dung" => opens,
        // "(nếu có)" is a possession, handled by `if_any`; "nếu có thay đổi" is a condition.
        "neu" => {
            w.marked(i) == IF
                && !(w.is_at(i, "neu co") && (i + 2 >= w.len() || w.gap_has(i + 2, &[')'])))
        }
        _ => before_ok,
    };
    ok.then_some(m)
}

/// The folded word pairs of `from..to` that carry meaning (not "của", "và", "theo" …), to tell
/// whether a condition speaks of a paper named earlier.
fn content_pairs(w: &Words<'_>, from: usize, to: usize) -> Vec<(String, String)> {
    (from..to.saturating_sub(1))
        .filter(|&k| {
            !PAIR_STOPWORDS.contains(&w.folded(k)) && !PAIR_STOPWORDS.contains(&w.folded(k + 1))
        })
        .map(|k| (w.folded(k).to_owned(), w.folded(k + 1).to_owned()))
        .collect()
}

/// Whether word `j` names a paper that "hoặc" could offer as another one.
fn names_paper(w: &Words<'_>, j: usize) -> bool {
    w.phrase_at(j, &DOCUMENT_HEADS)
        .is_some_and(|h| !NOT_ALTERNATIVE_HEADS.contains(&h))
}

/// Whether the "hoặc" at word `k` offers another paper ("… hoặc bản cam kết"), not another
/// form of the same one ("bản chính hoặc bản sao có chứng thực …", "Bản sao hoặc bản chính
/// Bảng kê …") or another verb ("cấp hoặc xác nhận"). `first_paper` is the first word that
/// names a paper rather than a form of one: before "hoặc", a paper must have been named.
fn is_alternative(w: &Words<'_>, k: usize, first_paper: Option<usize>) -> bool {
    if w.folded(k) != "hoac" || w.depth(k) > 0 || first_paper.is_none_or(|p| p >= k) {
        return false;
    }
    let mut j = k + 1;
    if let Some(form) = w.phrase_at(j, &COPY_FORMS) {
        j += Words::phrase_len(form);
    }
    names_paper(w, j)
}

/// "Văn bản ủy quyền … trong trường hợp ủy quyền …", "Tờ khai (nếu người có yêu cầu lựa chọn
/// nộp hồ sơ trực tiếp)", "Hợp đồng ủy thác: 01 bản chụp đối với trường hợp ủy thác …".
pub(super) fn inline_condition(w: &Words<'_>, end: usize) -> Option<Inline> {
    // "khi" (when) usually describes ("… khi làm thủ tục …"); it states a condition only when
    // it names the channel ("để chứng minh về nhân thân khi làm thủ tục trực tiếp").
    let names_channel = |i: usize| {
        matches!(
            question::topic(&words_text(w, i + 1, end)),
            ConditionTopic::Channel(_)
        )
    };
    let (i, marker) = (1..end).find_map(|i| {
        inline_marker(w, i)
            .filter(|&m| m != "khi" || names_channel(i))
            .map(|m| (i, m))
    })?;
    let cond_from = i + Words::phrase_len(marker);
    let (cut_from, cut_to, cond_to) = match w.enclosing_parens(i) {
        Some((open, close)) if w.gap_has(i, &['(']) => {
            (open, close, last_word_before(w, close, cond_from))
        }
        Some((_, close)) => {
            // After a comma inside the parenthesis: cut from the comma to before ")".
            let inner = close.saturating_sub(1);
            (w.end(i - 1), inner, last_word_before(w, inner, cond_from))
        }
        None => {
            let to = (cond_from..end)
                .find(|&k| w.depth(k) == 0 && w.gap_has(k, &[':']))
                .unwrap_or(end);
            // A "(nếu có)" closing the item belongs to the paper, not to the condition.
            let to = if to >= 2 && w.is_at(to - 2, "neu co") && w.depth(to - 1) > 0 {
                to - 2
            } else {
                to
            };
            (w.end(i - 1), close_parens(w, to), to)
        }
    };
    // A condition after "A hoặc B" that speaks of A ("Bản sao giấy phép lái xe hoặc bản cam
    // kết trong trường hợp giấy phép lái xe bị mất") picks B; one that does not ("… hoặc giấy
    // tờ thay thế … trong trường hợp giao dịch liên quan đến tài sản đó") covers both.
    let first_paper =
        (0..end).find(|&j| names_paper(w, j) && w.phrase_at(j, &COPY_FORMS).is_none());
    let condition_pairs = content_pairs(w, cond_from, cond_to);
    let picks_earlier = (1..i)
        .filter(|&k| is_alternative(w, k, first_paper))
        .any(|k| {
            content_pairs(w, 0, k)
                .iter()
                .any(|p| condition_pairs.contains(p))
        });
    let chooses_later = (cond_from..end).any(|k| {
        w.start(k) >= cut_to && is_alternative(w, k, first_paper)
            || (w.depth(k) == 0 || w.gap_has(k, &['(']))
                && inline_marker(w, k).is_some_and(|m| m != "khi" && m != "neu")
    });
    if picks_earlier || chooses_later {
        return Some(Inline::Alternatives);
    }
    // "(nếu có nhiều quốc tịch thì phải ghi …)": a rule for filling the paper in, not a
    // condition on it.
    if (cond_from..cond_to).any(|k| w.marked(k) == THEN) {
        return None;
    }
    let mut condition = words_text(w, cond_from, cond_to);
    // "đối với trường hợp là X": the marker again inside.
    for again in ["truong hop", "la"] {
        let cw = Words::new(&condition);
        if cw.is_at(0, again) && cw.len() > 1 {
            condition = cw.text_from(1).to_owned();
        }
    }
    if condition.is_empty() {
        return None;
    }
    let document = cut(w.text(), cut_from, cut_to);
    Some(Inline::Condition(conditional(
        Rule::InlineCondition,
        document,
        condition,
    )))
}

/// The byte offset after word `to - 1`, and after the closing parentheses that follow it when
/// the word is inside parentheses the cut would otherwise leave open.
fn close_parens(w: &Words<'_>, to: usize) -> usize {
    let last = to.saturating_sub(1);
    let mut at = w.end(last);
    let mut depth = w.depth(last);
    let text = w.text();
    while depth > 0 {
        match text.get(at..).and_then(|t| t.chars().next()) {
            Some(')' | ']') => {
                at += 1;
                depth -= 1;
            }
            Some(c @ (' ' | '.' | ';')) => at += c.len_utf8(),
            _ => break,
        }
    }
    at
}

/// The index after the last word that ends at or before byte `limit` (at least `from`).
fn last_word_before(w: &Words<'_>, limit: usize, from: usize) -> usize {
    (from..w.len())
        .take_while(|&k| w.end(k) <= limit)
        .last()
        .map_or(from, |k| k + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(s: &str) -> Option<Inline> {
        let w = Words::new(s);
        inline_condition(&w, w.item_end(0))
    }

    fn condition_of(s: &str) -> (String, String) {
        match inline(s) {
            Some(Inline::Condition(v)) => (v.document, v.condition.unwrap().0),
            _ => panic!("no condition in {s}"),
        }
    }

    #[test]
    fn conditions_are_cut_out_of_the_name() {
        assert_eq!(
            condition_of("Văn bản ủy quyền theo quy định trong trường hợp ủy quyền thực hiện việc đăng ký. Trường hợp người được ủy quyền là ông, bà thì không phải chứng thực."),
            (
                "Văn bản ủy quyền theo quy định. Trường hợp người được ủy quyền là ông, bà thì không phải chứng thực.".into(),
                "ủy quyền thực hiện việc đăng ký".into()
            )
        );
        assert_eq!(
            condition_of(
                "Hợp đồng ủy thác: 01 bản chụp đối với trường hợp ủy thác xuất khẩu hàng hóa"
            ),
            (
                "Hợp đồng ủy thác: 01 bản chụp".into(),
                "ủy thác xuất khẩu hàng hóa".into()
            )
        );
        assert_eq!(
            condition_of(
                "Bản chính giấy phép xây dựng đã được cấp (đối với trường hợp bị rách, nát)."
            ),
            (
                "Bản chính giấy phép xây dựng đã được cấp.".into(),
                "bị rách, nát".into()
            )
        );
        // The condition's own parentheses are closed, and none is left dangling in the name.
        let (doc, cond) = condition_of(
            "Các tài liệu chứng minh tiêu chí ưu tiên đối với trường hợp có từ 02 nhà đầu tư trở lên (về năng lực tài chính; kinh nghiệm).",
        );
        assert_eq!(doc, "Các tài liệu chứng minh tiêu chí ưu tiên.");
        assert_eq!(
            cond,
            "có từ 02 nhà đầu tư trở lên (về năng lực tài chính; kinh nghiệm)"
        );
    }

    #[test]
    fn mentions_of_truong_hop_that_are_not_conditions() {
        for s in [
            "Báo cáo tổng hợp các trường hợp vi phạm",
            "Giấy tờ chứng minh thuộc trường hợp được miễn lệ phí",
            "Văn bản cam kết, trừ trường hợp đã nộp trước đó",
            "Báo cáo đánh giá tác động môi trường đối với dự án",
            "Giấy tờ có liên quan (bản dịch có chứng thực nếu bằng tiếng nước ngoài) để đối chiếu",
            "Văn bản đề nghị, các giấy tờ nêu trên",
        ] {
            assert!(inline(s).is_none(), "{s}");
        }
    }

    #[test]
    fn alternatives_stay_required() {
        for s in [
            "Bản sao giấy phép lái xe hoặc bản cam kết trong trường hợp giấy phép lái xe bị mất",
            "Giấy đề nghị vay (đối với trường hợp đề nghị vay) hoặc Giấy đề nghị gia hạn (đối với trường hợp đề nghị gia hạn)",
            "Bản sao Hộ chiếu còn hiệu lực hoặc bản sao giấy tờ chứng thực cá nhân khác (nếu không có hộ chiếu)",
            "Hai (02) ảnh màu (đối với trường hợp nộp hồ sơ trực tiếp), 01 tệp ảnh (đối với trường hợp nộp hồ sơ trực tuyến)",
        ] {
            assert!(matches!(inline(s), Some(Inline::Alternatives)), "{s}");
        }
        // A condition that does not speak of the first paper covers both.
        let (_, cond) = condition_of(
            "Bản chính giấy chứng nhận quyền sở hữu hoặc giấy tờ thay thế trong trường hợp giao dịch liên quan đến tài sản đó",
        );
        assert_eq!(cond, "giao dịch liên quan đến tài sản đó");
    }

    #[test]
    fn channel_in_a_final_parenthesis() {
        let w = Words::new(
            "Tờ khai đăng ký kết hôn theo mẫu. Hai bên có thể khai chung vào một Tờ khai (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp);",
        );
        let v = final_channel_condition(&w).unwrap();
        assert_eq!(
            v.document,
            "Tờ khai đăng ký kết hôn theo mẫu. Hai bên có thể khai chung vào một Tờ khai;"
        );
        assert_eq!(
            v.condition.unwrap().1,
            ConditionTopic::Channel(vec![crate::catalog::Channel::Direct])
        );
        // Not a channel: left to the other rules.
        let w = Words::new("Hợp đồng (kèm bản dịch nếu hợp đồng viết bằng tiếng nước ngoài)");
        assert!(final_channel_condition(&w).is_none());
    }

    #[test]
    fn if_any_at_the_end_of_the_first_item() {
        let w = Words::new("Hóa đơn thương mại (nếu có): 01 bản chụp;");
        assert_eq!(
            if_any(&w, w.item_end(0)).unwrap().document,
            "Hóa đơn thương mại: 01 bản chụp;"
        );
        // Inside the name it qualifies a detail.
        let w = Words::new("Đơn có chữ ký, con dấu (nếu có) của các bên");
        assert!(if_any(&w, w.item_end(0)).is_none());
    }
}
