//! What a condition is about, and the yes/no question that asks it.
//!
//! An applicant cannot answer "trường hợp ủy quyền thực hiện việc đăng ký khai sinh"; they can
//! answer "Bạn nộp hồ sơ thay người khác (theo ủy quyền)?". Two topics need no question at
//! all once the dossier knows its facts — the channel it is submitted on — and one gates a
//! family of questions (nobody who files for themselves needs any of the authorisation
//! papers), so the topic is kept next to the question.

use super::ConditionTopic;
use super::words::Words;
use crate::catalog::Channel;

/// The question for the plain authorisation case.
pub const AUTHORISATION_QUESTION: &str = "Bạn nộp hồ sơ thay người khác (theo ủy quyền)?";

/// The condition text of an authorisation paper whose row states no condition: such papers
/// exist only when someone acts for the applicant.
pub(super) const INFERRED_AUTHORISATION: &str = "người khác nộp hồ sơ theo ủy quyền";

/// Phrases of a condition about acting for someone else.
const AUTHORISATION: [&str; 3] = [
    "uy quyen",
    "thong qua nguoi dai dien",
    "nguoi dai dien theo",
];

/// Phrases naming the online channel.
const ONLINE: [&str; 6] = [
    "truc tuyen",
    "moi truong dien tu",
    "cong dich vu cong",
    "he thong dich vu cong",
    "qua mang",
    "cong thong tin dien tu",
];

/// Phrases naming the postal channel.
const POSTAL: [&str; 1] = ["buu chinh"];

/// Phrases naming submission in person ("trực tiếp" alone also means "directly", as in "người
/// trực tiếp nuôi dưỡng", so it needs a submission word around it).
const DIRECT: [&str; 6] = [
    "nop truc tiep",
    "ho so truc tiep",
    "hinh thuc truc tiep",
    "truc tiep tai",
    "den truc tiep",
    "lam thu tuc truc tiep",
];

/// Words that make a channel condition about more than the channel ("nộp trực tuyến mà chưa
/// được chứng thực điện tử"): such a condition is asked, not answered from the channel.
const QUALIFIERS: [&str; 6] = ["ma", "nhung", "chua", "khong", "neu", "tru"];

/// The words a condition about the channel is made of ("người có yêu cầu lựa chọn nộp hồ sơ
/// theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính").
const CHANNEL_WORDS: [&str; 46] = [
    "nguoi", "co", "yeu", "cau", "lua", "chon", "nop", "gui", "ho", "so", "theo", "hinh", "thuc",
    "qua", "he", "thong", "hoac", "truc", "tiep", "tuyen", "buu", "chinh", "cong", "ich", "dich",
    "vu", "moi", "truong", "dien", "tu", "tren", "duong", "mang", "tin", "dang", "ky", "thu",
    "tuc", "khi", "lam", "thi", "va", "bang", "den", "tai", "quoc",
];

/// A channel condition with more than this many other words says more than the channel.
const CHANNEL_OTHER_WORDS: usize = 3;

/// What the condition clause `condition` is about.
pub(super) fn topic(condition: &str) -> ConditionTopic {
    let w = Words::new(condition);
    let has = |phrases: &[&str]| w.find_any(phrases, 0, w.len()).is_some();
    if has(&AUTHORISATION) {
        return ConditionTopic::Authorisation;
    }
    let mut channels = Vec::new();
    if has(&DIRECT) {
        channels.push(Channel::Direct);
    }
    if has(&ONLINE) {
        channels.push(Channel::Online);
    }
    if has(&POSTAL) {
        channels.push(Channel::Postal);
    }
    let qualified = (0..w.len()).any(|i| QUALIFIERS.contains(&w.folded(i)));
    let other = (0..w.len())
        .filter(|&i| !CHANNEL_WORDS.contains(&w.folded(i)))
        .count();
    if !channels.is_empty() && !qualified && other <= CHANNEL_OTHER_WORDS {
        return ConditionTopic::Channel(channels);
    }
    ConditionTopic::Situation
}

/// The question for a condition on `topic`. `condition` is the clause without its marker
/// ("trẻ em bị bỏ rơi"), `document` the document's display name.
pub(super) fn question(condition: &str, topic: &ConditionTopic, document: &str) -> String {
    match topic {
        ConditionTopic::Authorisation if is_plain_authorisation(condition) => {
            AUTHORISATION_QUESTION.to_owned()
        }
        ConditionTopic::Channel(channels) => channel_question(channels),
        ConditionTopic::Possession => {
            format!("Bạn có {} không?", lower_first(headline(document)))
        }
        ConditionTopic::Authorisation | ConditionTopic::Situation => {
            format!(
                "Trường hợp {} có áp dụng với bạn không?",
                lower_first(trim_end(condition))
            )
        }
    }
}

/// "ủy quyền thực hiện việc đăng ký khai sinh", "uỷ quyền nộp đơn": the applicant authorised
/// someone, nothing more specific. "ủy quyền cho tổ chức …" names who, and a procedure often
/// lists a different paper for each, so those get their own question.
fn is_plain_authorisation(condition: &str) -> bool {
    let w = Words::new(condition);
    condition == INFERRED_AUTHORISATION
        || w.is_at(0, "uy quyen") && (0..w.len()).all(|i| w.folded(i) != "cho")
}

/// A document's name up to its quantity or its first remark ("Hóa đơn thương mại: 01 bản
/// chụp" → "Hóa đơn thương mại"), for a question.
pub(super) fn headline(document: &str) -> &str {
    let w = Words::new(document);
    let end = (1..w.len())
        .find(|&i| w.depth(i) == 0 && (w.gap_has(i, &[':']) || w.item_ends_before(i)))
        .map_or(document.len(), |i| w.end(i - 1));
    trim_end(document.get(..end).unwrap_or(document))
}

fn channel_question(channels: &[Channel]) -> String {
    let parts: Vec<&str> = channels
        .iter()
        .map(|c| match c {
            Channel::Direct => "trực tiếp",
            Channel::Online => "trực tuyến",
            Channel::Postal => "qua dịch vụ bưu chính",
        })
        .collect();
    format!("Bạn nộp hồ sơ {}?", parts.join(" hoặc "))
}

/// `s` without closing punctuation and spaces.
pub(super) fn trim_end(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '-'))
}

/// `s` with its first letter in lower case, unless the word is an abbreviation ("CCCD").
pub(super) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(s[first.len_utf8()..].chars())
            .collect(),
        _ => s.to_owned(),
    }
}

/// `s` with its first letter in upper case.
pub(super) fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert_eq!(
            topic("ủy quyền thực hiện việc đăng ký khai sinh"),
            ConditionTopic::Authorisation
        );
        assert_eq!(
            topic(
                "người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính"
            ),
            ConditionTopic::Channel(vec![Channel::Direct, Channel::Postal])
        );
        assert_eq!(
            topic("nộp hồ sơ trực tuyến"),
            ConditionTopic::Channel(vec![Channel::Online])
        );
        // More than the channel: asked.
        assert_eq!(
            topic("nộp hồ sơ trực tuyến mà chưa được chứng thực điện tử"),
            ConditionTopic::Situation
        );
        // "trực tiếp" alone is not the channel.
        assert_eq!(
            topic("người trực tiếp nuôi dưỡng trẻ em"),
            ConditionTopic::Situation
        );
        assert_eq!(topic("trẻ em bị bỏ rơi"), ConditionTopic::Situation);
    }

    #[test]
    fn questions() {
        let q = |c: &str, d: &str| question(c, &topic(c), d);
        assert_eq!(
            q(
                "ủy quyền thực hiện việc đăng ký khai sinh",
                "Văn bản ủy quyền"
            ),
            AUTHORISATION_QUESTION
        );
        assert_eq!(
            q("ủy quyền cho tổ chức thực hiện thủ tục", "Hợp đồng dịch vụ"),
            "Trường hợp ủy quyền cho tổ chức thực hiện thủ tục có áp dụng với bạn không?"
        );
        assert_eq!(
            q("Trẻ em bị bỏ rơi.", "Biên bản"),
            "Trường hợp trẻ em bị bỏ rơi có áp dụng với bạn không?"
        );
        assert_eq!(
            q("nộp hồ sơ trực tuyến", "Mẫu điện tử"),
            "Bạn nộp hồ sơ trực tuyến?"
        );
        assert_eq!(
            question(
                "",
                &ConditionTopic::Possession,
                "Giấy tờ chứng minh nơi cư trú;"
            ),
            "Bạn có giấy tờ chứng minh nơi cư trú không?"
        );
        assert_eq!(
            question("", &ConditionTopic::Possession, "CCCD của người đi cùng"),
            "Bạn có CCCD của người đi cùng không?"
        );
        assert_eq!(
            question(
                "",
                &ConditionTopic::Possession,
                "Hóa đơn thương mại: 01 bản chụp"
            ),
            "Bạn có hóa đơn thương mại không?"
        );
        assert_eq!(
            q(INFERRED_AUTHORISATION, "Giấy ủy quyền"),
            AUTHORISATION_QUESTION
        );
    }

    #[test]
    fn case_helpers() {
        assert_eq!(lower_first("Đơn"), "đơn");
        assert_eq!(lower_first("GCN"), "GCN");
        assert_eq!(lower_first(""), "");
        assert_eq!(upper_first("biên bản"), "Biên bản");
        assert_eq!(upper_first("đơn"), "Đơn");
        assert_eq!(trim_end("Đơn ; ."), "Đơn");
    }
}
