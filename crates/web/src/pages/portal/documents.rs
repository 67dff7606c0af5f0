//! The documents of the chosen case as the form shows them: a note as text, a required
//! document with its upload, a conditional one with its question — unless the submission itself
//! answers it (acting for someone else, the channel), exactly as the intake decides
//! ([`motcua_core::dossier::intake::known_condition`]) — each with the files attached so far.

use std::collections::HashMap;

use motcua_core::{
    catalog::{ProcedureCase, RequirementKind, classify_case},
    dossier::{FileRef, SubmissionChannel, intake::known_condition},
};
use motcua_service::dossier::DraftData;
use serde::Serialize;

use super::size_vi;

/// A file attached to a document.
#[derive(Debug, Clone, Serialize)]
pub struct AttachedFile {
    /// File id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its size, as people read it.
    pub size: String,
}

/// One row of the case's documents.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Index in the case's list (what the submission names).
    pub index: usize,
    /// `required`, `conditional` or `note`.
    pub kind: &'static str,
    /// The document (or the note's text).
    pub name: String,
    /// Originals and copies to bring.
    pub originals: u32,
    /// Copies.
    pub copies: u32,
    /// Form templates named by the catalog.
    pub forms: Vec<String>,
    /// The question to ask, when only the applicant can tell whether it applies.
    pub question: Option<String>,
    /// The applicant's answer to it.
    pub answer: Option<bool>,
    /// Why a conditional document is asked without a question ("you file for someone else").
    pub because: Option<&'static str>,
    /// Whether it is shown at all (a condition the submission answers "no" hides it).
    pub shown: bool,
    /// Whether the dossier cannot be submitted without it.
    pub needed: bool,
    /// Files attached.
    pub files: Vec<AttachedFile>,
}

/// The rows of `case` for a draft; `known` resolves the draft's file ids to their files.
pub fn rows(case: &ProcedureCase, data: &DraftData, known: &HashMap<String, FileRef>) -> Vec<Row> {
    let for_other = data.for_someone_else == Some(true);
    classify_case(case)
        .into_iter()
        .zip(&case.components)
        .enumerate()
        .map(|(index, (c, r))| {
            let answer = data
                .answers
                .iter()
                .find(|a| a.index == index)
                .map(|a| a.applies);
            let decided = known_condition(
                c.condition.as_ref(),
                for_other,
                Some(SubmissionChannel::Online),
            );
            let conditional = c.kind == RequirementKind::Conditional;
            let applies = if conditional {
                decided.or(answer)
            } else {
                None
            };
            let files = data
                .components
                .iter()
                .filter(|i| i.index == index)
                .flat_map(|i| i.files.iter())
                .map(|id| AttachedFile {
                    id: id.clone(),
                    name: known.get(id).map_or_else(|| id.clone(), |f| f.name.clone()),
                    size: known.get(id).map(|f| size_vi(f.size)).unwrap_or_default(),
                })
                .collect();
            Row {
                index,
                kind: c.kind.as_str(),
                name: c.document,
                originals: r.originals,
                copies: r.copies,
                forms: r.forms.clone(),
                question: (conditional && decided.is_none())
                    .then(|| c.condition.as_ref().map(|k| k.question.clone()))
                    .flatten(),
                answer,
                because: (conditional && decided == Some(true)).then_some(if for_other {
                    "Vì bạn nộp hồ sơ thay người khác."
                } else {
                    "Vì bạn nộp hồ sơ trực tuyến."
                }),
                shown: c.kind != RequirementKind::Note || !c.raw.trim().is_empty(),
                needed: c.kind == RequirementKind::Required || applies == Some(true),
                files,
            }
        })
        .filter(|r| !(r.kind == "conditional" && r.question.is_none() && !r.needed))
        .collect()
}

/// Whether a row still needs a file before the dossier can be submitted.
pub fn is_missing(row: &Row) -> bool {
    row.needed && row.files.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::catalog::ComponentRequirement;
    use motcua_service::dossier::{ComponentInput, ConditionAnswer};

    fn req(name: &str) -> ComponentRequirement {
        ComponentRequirement {
            name: name.to_owned(),
            originals: 1,
            copies: 0,
            forms: Vec::new(),
            kind: None,
            condition: None,
        }
    }

    fn case() -> ProcedureCase {
        ProcedureCase {
            name: "Giấy tờ phải nộp".to_owned(),
            components: vec![
                req("Tờ khai đăng ký khai sinh theo mẫu"),
                req("Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền"),
                req("Biên bản xác nhận việc trẻ bị bỏ rơi (nếu có)"),
                req("Lưu ý: Trường hợp đã có bản điện tử thì không phải nộp bản giấy."),
            ],
        }
    }

    #[test]
    fn rows_follow_the_applicants_situation() {
        let mut data = DraftData::default();
        let r = rows(&case(), &data, &HashMap::new());
        let kinds: Vec<_> = r.iter().map(|r| (r.index, r.kind, r.needed)).collect();
        // Filing for oneself hides the authorisation; "if any" is asked; the note is text.
        assert_eq!(
            kinds,
            [
                (0, "required", true),
                (2, "conditional", false),
                (3, "note", false)
            ]
        );
        assert!(r[1].question.is_some());
        assert!(is_missing(&r[0]));

        data.for_someone_else = Some(true);
        data.answers = vec![ConditionAnswer {
            index: 2,
            applies: true,
        }];
        data.components = vec![ComponentInput {
            index: 0,
            files: vec!["f1".into()],
            held_document: None,
            paper: None,
        }];
        let r = rows(&case(), &data, &HashMap::new());
        let needed: Vec<_> = r.iter().filter(|r| r.needed).map(|r| r.index).collect();
        assert_eq!(needed, [0, 1, 2]);
        assert!(!is_missing(&r[0]));
        assert_eq!(r[1].because, Some("Vì bạn nộp hồ sơ thay người khác."));
        assert_eq!(r[1].question, None);
    }
}
