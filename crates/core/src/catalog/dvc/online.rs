//! The derived online service level. The export states no level, so it is inferred — and the
//! result is only a default: each agency may override it for the services it actually runs.
//!
//! Rule (Decree 42/2022: one mandatory in-person step makes a service "một phần"):
//! * `NONE` — no online channel in the methods table;
//! * `PARTIAL` — an online channel exists, and the steps, the document list or the
//!   requirements state, unconditionally, a step only possible in person or on paper: biometric
//!   capture (fingerprints, iris), "phải có mặt", a paper dossier ("nộp 01 bộ hồ sơ giấy"),
//!   showing originals ("xuất trình bản chính"), an in-person exam ("dự sát hạch"), or
//!   collecting the result in person when no other way of receiving it is mentioned;
//! * `FULL` — an online channel exists and no such statement is found.
//!
//! A statement only counts when its sentence is not a special case ("trường hợp", "bất khả
//! kháng"), offers no alternative ("hoặc"; for paper, only an electronic alternative counts:
//! "nộp bộ hồ sơ giấy trực tiếp hoặc qua bưu chính" still requires paper) and it is not negated
//! ("không phải nộp bản giấy"). The phrases are deliberately few: the export describes every
//! channel in the same text, and most mentions of paper or originals belong to the direct
//! channel. On the 2026 export this marks 30 of the 2,117 procedures with an online channel
//! `PARTIAL` (data/catalog/PROVENANCE.md).

use crate::catalog::{Channel, ExecutionMethod, OnlineLevel, ProcedureCase};

/// Phrases (lower case) that signal an in-person or paper step, with a short label for
/// statistics.
const SIGNALS: [(&str, &str); 13] = [
    ("thu nhận vân tay", "sinh trắc"),
    ("mống mắt", "sinh trắc"),
    ("thu thập sinh trắc", "sinh trắc"),
    ("phải có mặt", "có mặt"),
    ("trực tiếp có mặt", "có mặt"),
    ("bộ hồ sơ giấy", "hồ sơ giấy"),
    ("nộp hồ sơ giấy", "hồ sơ giấy"),
    ("nộp bản giấy", "hồ sơ giấy"),
    ("xuất trình bản chính", "xuất trình bản chính"),
    ("dự sát hạch", "sát hạch"),
    ("tham gia sát hạch", "sát hạch"),
    ("nhận kết quả trực tiếp", "nhận kết quả trực tiếp"),
    ("trả kết quả trực tiếp", "nhận kết quả trực tiếp"),
];

/// Words that make a sentence a special case.
const CONDITIONS: [&str; 2] = ["trường hợp", "bất khả kháng"];

/// Words that offer an alternative to a paper dossier. For the other phrases any "hoặc" is an
/// alternative; for paper it is not ("nộp 01 bộ hồ sơ giấy trực tiếp hoặc qua bưu chính" still
/// requires paper).
const PAPER_ALTERNATIVES: [&str; 4] = [
    "hoặc bản điện tử",
    "hoặc hồ sơ điện tử",
    "hoặc bản sao điện tử",
    "hoặc trực tuyến",
];

/// Words that, shortly before a phrase, negate it.
const NEGATIONS: [&str; 5] = [
    "không phải",
    "không cần",
    "không yêu cầu",
    "không bắt buộc",
    "miễn",
];

/// Phrases that offer another way to receive the result.
const OTHER_RESULT_WAYS: [&str; 4] = [
    "nhận kết quả qua",
    "trả kết quả qua",
    "qua dịch vụ bưu chính",
    "trả kết quả trực tuyến",
];

/// How many characters before a phrase are checked for a negation.
const NEGATION_WINDOW: usize = 30;

/// The derived level and, for `PARTIAL`, the phrase that decided it.
pub(super) fn derive(
    methods: &[ExecutionMethod],
    cases: &[ProcedureCase],
    steps: &[String],
    requirements: Option<&str>,
) -> (OnlineLevel, Option<&'static str>) {
    if !methods.iter().any(|m| m.channel == Channel::Online) {
        return (OnlineLevel::None, None);
    }
    let mut texts: Vec<&str> = steps.iter().map(String::as_str).collect();
    for c in cases {
        texts.push(&c.name);
        texts.extend(c.components.iter().map(|d| d.name.as_str()));
    }
    texts.extend(requirements);
    texts.extend(
        methods
            .iter()
            .filter(|m| m.channel == Channel::Online)
            .map(|m| m.description.as_str()),
    );
    for text in texts {
        if let Some(label) = in_person_signal(text) {
            return (OnlineLevel::Partial, Some(label));
        }
    }
    (OnlineLevel::Full, None)
}

/// The first unconditional, non-negated in-person phrase in `text`.
fn in_person_signal(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    let other_result_way = OTHER_RESULT_WAYS.iter().any(|w| lower.contains(w));
    for sentence in lower.split(['.', ';', '\n', '•']) {
        if CONDITIONS.iter().any(|w| sentence.contains(w)) {
            continue;
        }
        for (phrase, label) in SIGNALS {
            if label == "nhận kết quả trực tiếp" && other_result_way {
                continue;
            }
            let alternative = if label == "hồ sơ giấy" {
                PAPER_ALTERNATIVES.iter().any(|w| sentence.contains(w))
            } else {
                sentence.contains("hoặc")
            };
            if alternative {
                continue;
            }
            for (i, _) in sentence.match_indices(phrase) {
                let head = sentence.get(..i).unwrap_or_default();
                let n = head.chars().count();
                let before: String = head
                    .chars()
                    .skip(n.saturating_sub(NEGATION_WINDOW))
                    .collect();
                if !NEGATIONS.iter().any(|w| before.contains(w)) {
                    return Some(label);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ComponentRequirement, Fee};

    fn method(channel: Channel) -> ExecutionMethod {
        ExecutionMethod {
            channel,
            time: None,
            time_text: String::new(),
            fees: vec![Fee {
                amount_vnd: Some(0),
                text: "Miễn phí".into(),
            }],
            description: String::new(),
        }
    }

    fn case(doc: &str) -> ProcedureCase {
        ProcedureCase {
            name: String::new(),
            components: vec![ComponentRequirement {
                name: doc.into(),
                originals: 1,
                copies: 0,
                forms: vec![],
                kind: None,
                condition: None,
            }],
        }
    }

    #[test]
    fn levels() {
        let direct = [method(Channel::Direct)];
        assert_eq!(derive(&direct, &[], &[], None).0, OnlineLevel::None);
        let both = [method(Channel::Online), method(Channel::Direct)];
        // 1.001193: "không phải nộp bản giấy" is negated.
        let c = [case(
            "Trường hợp đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.",
        )];
        assert_eq!(derive(&both, &c, &[], None), (OnlineLevel::Full, None));
        // 3.000337: a paper dossier after the online submission.
        let steps = ["+ Nếu thành phần hồ sơ đã hợp lệ: nộp 01 bộ hồ sơ giấy (như bản đã nộp trực tuyến) trực tiếp hoặc qua dịch vụ bưu chính để đối chiếu".to_owned()];
        assert_eq!(
            derive(&both, &[], &steps, None),
            (OnlineLevel::Partial, Some("hồ sơ giấy"))
        );
        // 2.000200: biometrics.
        let steps = ["- Bước 4: Tiến hành thu nhận vân tay, chụp ảnh khuôn mặt và thu nhận ảnh mống mắt của công dân".to_owned()];
        assert_eq!(derive(&both, &[], &steps, None).1, Some("sinh trắc"));
        // Alternatives and conditions do not count.
        let steps = [
            "Trường hợp nộp bản chụp thì xuất trình bản chính để đối chiếu.".to_owned(),
            "Nhận kết quả trực tiếp hoặc qua dịch vụ bưu chính.".to_owned(),
        ];
        assert_eq!(derive(&both, &[], &steps, None).0, OnlineLevel::Full);
        let steps = ["+ Nhận trực tiếp: nhận kết quả trực tiếp tại Cục.\n+ Nhận qua bưu chính: nhận kết quả qua dịch vụ bưu chính.".to_owned()];
        assert_eq!(derive(&both, &[], &steps, None).0, OnlineLevel::Full);
    }
}
