//! The structured procedure record.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ProcedureCode;
use super::requirement::RequirementKind;
use crate::text::{char_len, clean_block, clean_line};

/// Implementing level (cấp thực hiện). A procedure may be carried out at several levels.
/// There is deliberately no district level: it ended on 2025-07-01 (DOMAIN.md §14.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImplementingLevel {
    /// Cấp bộ.
    Ministry,
    /// Cấp tỉnh.
    Province,
    /// Cấp xã (commune, ward, special zone).
    Commune,
    /// Cơ quan khác.
    Other,
}

impl ImplementingLevel {
    /// All levels, in display order.
    pub const ALL: [Self; 4] = [Self::Ministry, Self::Province, Self::Commune, Self::Other];

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Ministry => "Cấp bộ",
            Self::Province => "Cấp tỉnh",
            Self::Commune => "Cấp xã",
            Self::Other => "Cơ quan khác",
        }
    }

    /// The identifier used in URLs and the API (`ministry`, `province`, ...).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::Province => "province",
            Self::Commune => "commune",
            Self::Other => "other",
        }
    }

    /// Parses the API identifier.
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.slug() == s)
    }
}

/// Level of online public service (Decree 42/2022): full, partial or none (DOMAIN.md §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnlineLevel {
    /// Not offered online.
    None,
    /// DVCTT một phần.
    Partial,
    /// DVCTT toàn trình.
    Full,
}

impl OnlineLevel {
    /// All levels.
    pub const ALL: [Self; 3] = [Self::Full, Self::Partial, Self::None];

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::None => "Không trực tuyến",
            Self::Partial => "Trực tuyến một phần",
            Self::Full => "Trực tuyến toàn trình",
        }
    }

    /// The API identifier (`NONE`, `PARTIAL`, `FULL`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Partial => "PARTIAL",
            Self::Full => "FULL",
        }
    }

    /// Parses the API identifier, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Submission channel (kênh thực hiện). DVCQG channel codes: 1 direct, 2 online, 3 postal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Trực tiếp, at the one-stop desk.
    Direct,
    /// Trực tuyến.
    Online,
    /// Dịch vụ bưu chính công ích.
    Postal,
}

impl Channel {
    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Direct => "Trực tiếp",
            Self::Online => "Trực tuyến",
            Self::Postal => "Dịch vụ bưu chính",
        }
    }

    /// The national portal's `KenhThucHien` code.
    pub fn national_code(self) -> u8 {
        match self {
            Self::Direct => 1,
            Self::Online => 2,
            Self::Postal => 3,
        }
    }
}

/// Unit of a processing time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Ngày làm việc.
    WorkingDays,
    /// Giờ làm việc.
    WorkingHours,
    /// Ngày (calendar days).
    CalendarDays,
    /// Tháng.
    Months,
}

impl TimeUnit {
    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::WorkingDays => "ngày làm việc",
            Self::WorkingHours => "giờ làm việc",
            Self::CalendarDays => "ngày",
            Self::Months => "tháng",
        }
    }
}

/// A processing time limit: an amount (fractions allowed, e.g. 0.5 day) and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingTime {
    /// How many units; finite and non-negative.
    pub amount: f64,
    /// The unit.
    pub unit: TimeUnit,
}

impl ProcessingTime {
    /// "5 ngày làm việc", "0,5 ngày làm việc", "3 tháng": the Vietnamese decimal comma, no
    /// trailing zeros (as printed on the forms).
    pub fn text_vi(&self) -> String {
        let n = format!("{:.2}", self.amount);
        let n = n
            .trim_end_matches('0')
            .trim_end_matches('.')
            .replace('.', ",");
        format!("{n} {}", self.unit.label_vi())
    }
}

/// One fee or charge (phí, lệ phí) on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    /// Amount in đồng when it could be read as one number; `Some(0)` means free.
    pub amount_vnd: Option<i64>,
    /// The text as published (description, conditions, legal reference).
    pub text: String,
}

/// How the procedure is carried out on one channel (cách thức thực hiện).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExecutionMethod {
    /// The channel.
    pub channel: Channel,
    /// The time limit when it could be read; `None` keeps only [`Self::time_text`].
    pub time: Option<ProcessingTime>,
    /// The time limit as published.
    pub time_text: String,
    /// Fees on this channel.
    pub fees: Vec<Fee>,
    /// Further description as published.
    pub description: String,
}

/// A row of the documents table (thành phần hồ sơ): a document, a conditional document or a
/// note, as [`super::requirement::classify_in`] tells them apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComponentRequirement {
    /// The document, as published.
    pub name: String,
    /// Number of originals (bản chính).
    pub originals: u32,
    /// Number of copies (bản sao).
    pub copies: u32,
    /// Form templates (mẫu đơn, tờ khai) by name.
    pub forms: Vec<String>,
    /// The kind an operator states, overriding the heuristic. Absent in converted data, where
    /// the heuristic decides at load; absent fields are not written, so records without it
    /// keep their bytes and their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RequirementKind>,
    /// For `kind: conditional`, the yes/no question the applicant answers ("Bạn nộp hồ sơ thay
    /// người khác (theo ủy quyền)?"). Only allowed with that kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// A case (trường hợp) with its own set of required documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureCase {
    /// The case's name; the national data often has a group heading such as "Giấy tờ phải nộp".
    pub name: String,
    /// Required documents.
    pub components: Vec<ComponentRequirement>,
}

/// A legal basis (căn cứ pháp lý).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    /// Document number, e.g. `123/2015/NĐ-CP`.
    pub number: String,
    /// Title as published.
    pub title: String,
    /// Date of issue when known.
    pub issued_on: Option<jiff::civil::Date>,
    /// Issuing body when known.
    pub issuer: Option<String>,
}

/// A result document (kết quả thực hiện), e.g. "Giấy khai sinh" with code `KQ.G15.000031`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultDocument {
    /// Name.
    pub name: String,
    /// Result code in the national database, when given.
    pub code: Option<String>,
}

/// The agencies of a procedure as the national database names them. These are descriptions
/// ("Ủy ban nhân dân cấp xã"), not links to a particular agency; which agency of an
/// installation offers the procedure is recorded separately.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureAgencies {
    /// Cơ quan có thẩm quyền.
    pub competent: Vec<String>,
    /// Cơ quan thực hiện.
    pub implementing: Vec<String>,
    /// Cơ quan được ủy quyền.
    pub authorized: Vec<String>,
    /// Cơ quan phối hợp.
    pub coordinating: Vec<String>,
    /// Địa chỉ tiếp nhận hồ sơ.
    pub receiving_address: Option<String>,
}

/// Which part of a source record a [`RawSection`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Cách thức thực hiện (channels, times, fees).
    Methods,
    /// Thành phần hồ sơ (documents).
    Components,
    /// Căn cứ pháp lý.
    LegalBases,
    /// Kết quả thực hiện.
    Results,
    /// Trình tự thực hiện.
    Steps,
}

/// Source text kept verbatim because parsing it was not certain. The portal shows it next to
/// the structured data so nothing the national database published is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RawSection {
    /// The section.
    pub section: Section,
    /// Why the parse is uncertain.
    pub reason: String,
    /// The original text.
    pub raw: String,
}

/// One version's content of an administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procedure {
    /// Mã thủ tục.
    pub code: ProcedureCode,
    /// Tên thủ tục.
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// Cấp thực hiện.
    pub levels: Vec<ImplementingLevel>,
    /// Loại thủ tục, as published.
    pub formality_type: Option<String>,
    /// Đối tượng thực hiện.
    pub applicant_types: Vec<String>,
    /// Agencies, as published.
    pub agencies: ProcedureAgencies,
    /// Trình tự thực hiện, one entry per step.
    pub steps: Vec<String>,
    /// Cách thức thực hiện, one entry per channel.
    pub methods: Vec<ExecutionMethod>,
    /// Thành phần hồ sơ, per case.
    pub cases: Vec<ProcedureCase>,
    /// Căn cứ pháp lý.
    pub legal_bases: Vec<LegalBasis>,
    /// Kết quả thực hiện.
    pub results: Vec<ResultDocument>,
    /// Yêu cầu, điều kiện.
    pub requirements: Option<String>,
    /// Online service level.
    pub online_level: OnlineLevel,
    /// Số quyết định công bố (publication decision), e.g. `163/QĐ-BTP`.
    pub publication_decision: Option<String>,
    /// Thủ tục liên quan.
    pub related: Vec<String>,
    /// Where the record came from (e.g. the national portal page).
    pub source_url: Option<String>,
    /// Source text kept because parsing it was not certain.
    pub raw_sections: Vec<RawSection>,
}

/// Limits on imported text: generous for real records, small enough that one bad row cannot
/// fill the database.
pub mod limits {
    /// Longest procedure name, in characters.
    pub const NAME: usize = 2_000;
    /// Longest single text block (a step, a requirement), in characters.
    pub const BLOCK: usize = 100_000;
    /// Most items in any list (steps, documents, legal bases ...).
    pub const ITEMS: usize = 2_000;
    /// Largest processing time amount accepted (in any unit).
    pub const MAX_AMOUNT: f64 = 10_000.0;
}

/// Why a procedure record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    /// A required field is empty.
    #[error("trường {0} không được để trống")]
    Missing(&'static str),
    /// A field is longer than allowed.
    #[error("trường {field} dài {len} ký tự, vượt giới hạn {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A list has too many items.
    #[error("danh sách {0} có quá nhiều mục")]
    TooMany(&'static str),
    /// A processing time is not a finite amount in range.
    #[error("thời hạn giải quyết {0} không hợp lệ (phải từ 0 đến 10000)")]
    BadAmount(String),
    /// A document states a condition but not `kind: conditional`: the operator's intent is
    /// unclear, so the record is refused rather than the condition silently dropped.
    #[error(
        "thành phần hồ sơ “{0}” có câu hỏi điều kiện (condition) nhưng kind không phải \"conditional\""
    )]
    ConditionWithoutConditionalKind(String),
}

impl Procedure {
    /// Normalises every text field (NFC, whitespace) and checks limits. Import and API input
    /// both pass through here, so the store only ever sees clean records.
    pub fn normalized(mut self) -> Result<Self, ProcedureError> {
        use limits::*;
        fn line(s: &mut String, field: &'static str, max: usize) -> Result<(), ProcedureError> {
            *s = clean_line(s);
            let len = char_len(s);
            if len > max {
                return Err(ProcedureError::TooLong { field, len, max });
            }
            Ok(())
        }
        fn block(s: &mut String, field: &'static str) -> Result<(), ProcedureError> {
            *s = clean_block(s);
            let len = char_len(s);
            if len > BLOCK {
                return Err(ProcedureError::TooLong {
                    field,
                    len,
                    max: BLOCK,
                });
            }
            Ok(())
        }
        fn opt_block(s: &mut Option<String>, field: &'static str) -> Result<(), ProcedureError> {
            if let Some(v) = s.as_mut() {
                block(v, field)?;
            }
            if s.as_deref().is_some_and(str::is_empty) {
                *s = None;
            }
            Ok(())
        }
        fn lines(v: &mut Vec<String>, field: &'static str) -> Result<(), ProcedureError> {
            if v.len() > ITEMS {
                return Err(ProcedureError::TooMany(field));
            }
            for s in v.iter_mut() {
                line(s, field, NAME)?;
            }
            v.retain(|s| !s.is_empty());
            Ok(())
        }
        fn count(n: usize, field: &'static str) -> Result<(), ProcedureError> {
            if n > ITEMS {
                Err(ProcedureError::TooMany(field))
            } else {
                Ok(())
            }
        }

        line(&mut self.name, "name", NAME)?;
        if self.name.is_empty() {
            return Err(ProcedureError::Missing("name"));
        }
        line(&mut self.field, "field", NAME)?;
        if self.field.is_empty() {
            return Err(ProcedureError::Missing("field"));
        }
        self.levels.sort();
        self.levels.dedup();
        if let Some(f) = self.formality_type.as_mut() {
            line(f, "formality_type", NAME)?;
        }
        if self.formality_type.as_deref().is_some_and(str::is_empty) {
            self.formality_type = None;
        }
        lines(&mut self.applicant_types, "applicant_types")?;
        lines(&mut self.agencies.competent, "agencies.competent")?;
        lines(&mut self.agencies.implementing, "agencies.implementing")?;
        lines(&mut self.agencies.authorized, "agencies.authorized")?;
        lines(&mut self.agencies.coordinating, "agencies.coordinating")?;
        opt_block(
            &mut self.agencies.receiving_address,
            "agencies.receiving_address",
        )?;
        count(self.steps.len(), "steps")?;
        for s in &mut self.steps {
            block(s, "steps")?;
        }
        self.steps.retain(|s| !s.is_empty());
        count(self.methods.len(), "methods")?;
        for m in &mut self.methods {
            block(&mut m.time_text, "methods.time_text")?;
            block(&mut m.description, "methods.description")?;
            if let Some(t) = m.time
                && !(t.amount.is_finite() && (0.0..=MAX_AMOUNT).contains(&t.amount))
            {
                return Err(ProcedureError::BadAmount(t.amount.to_string()));
            }
            count(m.fees.len(), "methods.fees")?;
            for f in &mut m.fees {
                block(&mut f.text, "methods.fees.text")?;
            }
        }
        count(self.cases.len(), "cases")?;
        for c in &mut self.cases {
            line(&mut c.name, "cases.name", BLOCK)?;
            count(c.components.len(), "cases.components")?;
            for d in &mut c.components {
                block(&mut d.name, "cases.components.name")?;
                lines(&mut d.forms, "cases.components.forms")?;
                if let Some(q) = d.condition.as_mut() {
                    line(q, "cases.components.condition", NAME)?;
                }
                if d.condition.as_deref().is_some_and(str::is_empty) {
                    d.condition = None;
                }
                if d.condition.is_some() && d.kind != Some(RequirementKind::Conditional) {
                    return Err(ProcedureError::ConditionWithoutConditionalKind(
                        d.name.chars().take(80).collect(),
                    ));
                }
            }
            c.components.retain(|d| !d.name.is_empty());
        }
        count(self.legal_bases.len(), "legal_bases")?;
        for l in &mut self.legal_bases {
            line(&mut l.number, "legal_bases.number", NAME)?;
            block(&mut l.title, "legal_bases.title")?;
            if let Some(i) = l.issuer.as_mut() {
                line(i, "legal_bases.issuer", NAME)?;
            }
        }
        count(self.results.len(), "results")?;
        for r in &mut self.results {
            block(&mut r.name, "results.name")?;
            if let Some(c) = r.code.as_mut() {
                line(c, "results.code", NAME)?;
            }
        }
        opt_block(&mut self.requirements, "requirements")?;
        if let Some(p) = self.publication_decision.as_mut() {
            line(p, "publication_decision", NAME)?;
        }
        if self
            .publication_decision
            .as_deref()
            .is_some_and(str::is_empty)
        {
            self.publication_decision = None;
        }
        lines(&mut self.related, "related")?;
        if let Some(u) = self.source_url.as_mut() {
            line(u, "source_url", NAME)?;
        }
        count(self.raw_sections.len(), "raw_sections")?;
        for r in &mut self.raw_sections {
            block(&mut r.raw, "raw_sections.raw")?;
            line(&mut r.reason, "raw_sections.reason", NAME)?;
        }
        Ok(self)
    }

    /// SHA-256 of the canonical JSON of this content, hex-encoded. Two imports of the same
    /// record give the same hash, so an unchanged re-import is a no-op.
    pub fn content_hash(&self) -> String {
        // Serialising plain data structs into a String cannot fail; an empty fallback would
        // only make the record look changed, never lose it.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&json);
        let mut out = String::with_capacity(64);
        for b in digest {
            out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        out
    }

    /// The shortest processing time over all channels, for summaries.
    pub fn shortest_time(&self) -> Option<&ExecutionMethod> {
        self.methods
            .iter()
            .filter(|m| m.time.is_some())
            .min_by(|a, b| {
                let (x, y) = (a.time.map(|t| t.amount), b.time.map(|t| t.amount));
                x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
            })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small but complete record used by tests across the workspace.
    pub fn birth_registration() -> Procedure {
        Procedure {
            code: ProcedureCode::parse("1.001193").unwrap(),
            name: "Thủ tục đăng ký khai sinh".into(),
            field: "Hộ tịch".into(),
            levels: vec![ImplementingLevel::Commune],
            formality_type: Some("TTHC được giao luật quy định chi tiết".into()),
            applicant_types: vec!["Công dân Việt Nam".into()],
            agencies: ProcedureAgencies {
                competent: vec!["Ủy ban nhân dân cấp xã".into()],
                ..Default::default()
            },
            steps: vec!["Nộp hồ sơ".into(), "Nhận kết quả".into()],
            methods: vec![ExecutionMethod {
                channel: Channel::Online,
                time: Some(ProcessingTime {
                    amount: 1.0,
                    unit: TimeUnit::WorkingDays,
                }),
                time_text: "1 Ngày làm việc".into(),
                fees: vec![Fee {
                    amount_vnd: Some(0),
                    text: "Miễn phí".into(),
                }],
                description: String::new(),
            }],
            cases: vec![ProcedureCase {
                name: "Giấy tờ phải nộp".into(),
                components: vec![ComponentRequirement {
                    name: "Tờ khai đăng ký khai sinh theo mẫu".into(),
                    originals: 1,
                    copies: 0,
                    forms: vec![],
                    kind: None,
                    condition: None,
                }],
            }],
            legal_bases: vec![LegalBasis {
                number: "60/2014/QH13".into(),
                title: "Luật Hộ tịch".into(),
                issued_on: None,
                issuer: None,
            }],
            results: vec![ResultDocument {
                name: "Giấy khai sinh".into(),
                code: Some("KQ.G15.000031".into()),
            }],
            requirements: None,
            online_level: OnlineLevel::Full,
            publication_decision: Some("163/QĐ-BTP".into()),
            related: vec![],
            source_url: None,
            raw_sections: vec![],
        }
    }

    #[test]
    fn processing_time_text_uses_the_decimal_comma() {
        let t = |amount, unit| ProcessingTime { amount, unit }.text_vi();
        assert_eq!(t(5.0, TimeUnit::WorkingDays), "5 ngày làm việc");
        assert_eq!(t(0.5, TimeUnit::WorkingDays), "0,5 ngày làm việc");
        assert_eq!(t(3.0, TimeUnit::Months), "3 tháng");
        assert_eq!(t(1.25, TimeUnit::WorkingHours), "1,25 giờ làm việc");
    }

    #[test]
    fn normalisation_is_idempotent_and_hash_stable() {
        let mut p = birth_registration();
        p.name = "  Thu\u{309} tu\u{323}c  đăng ký khai sinh ".into();
        let a = p.normalized().unwrap();
        assert_eq!(a.name, "Thủ tục đăng ký khai sinh");
        let b = a.clone().normalized().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 64);
    }

    #[test]
    fn rejects_empty_name_and_bad_amounts() {
        let mut p = birth_registration();
        p.name = " \t".into();
        assert_eq!(p.normalized(), Err(ProcedureError::Missing("name")));
        let mut p = birth_registration();
        p.methods[0].time = Some(ProcessingTime {
            amount: f64::NAN,
            unit: TimeUnit::WorkingDays,
        });
        assert!(matches!(p.normalized(), Err(ProcedureError::BadAmount(_))));
    }

    #[test]
    fn hash_changes_with_content() {
        let a = birth_registration();
        let mut b = a.clone();
        b.steps.push("Bước mới".into());
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn stated_kinds_are_optional_and_checked() {
        // Absent kinds are not written: records without them keep their bytes and their hash.
        let p = birth_registration();
        let json = serde_json::to_value(&p.cases[0].components[0]).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["copies", "forms", "name", "originals"]);
        // And stored data without them reads.
        let old: ComponentRequirement = serde_json::from_value(json).unwrap();
        assert_eq!((old.kind, old.condition), (None, None));

        let mut p = birth_registration();
        let d = &mut p.cases[0].components[0];
        d.kind = Some(RequirementKind::Conditional);
        d.condition = Some("  Bạn nộp hồ sơ   trực tiếp? ".into());
        let p = p.normalized().unwrap();
        let d = &p.cases[0].components[0];
        assert_eq!(d.condition.as_deref(), Some("Bạn nộp hồ sơ trực tiếp?"));
        assert_ne!(p.content_hash(), birth_registration().content_hash());

        // A blank question is no question.
        let mut p = birth_registration();
        p.cases[0].components[0].condition = Some(" ".into());
        assert_eq!(
            p.normalized().unwrap().cases[0].components[0].condition,
            None
        );

        // A question without `kind: conditional` is refused, not dropped.
        for kind in [
            None,
            Some(RequirementKind::Required),
            Some(RequirementKind::Note),
        ] {
            let mut p = birth_registration();
            p.cases[0].components[0].kind = kind;
            p.cases[0].components[0].condition = Some("Bạn có con nuôi?".into());
            assert!(matches!(
                p.normalized(),
                Err(ProcedureError::ConditionWithoutConditionalKind(_))
            ));
        }
    }

    #[test]
    fn online_level_round_trips() {
        for l in OnlineLevel::ALL {
            assert_eq!(OnlineLevel::parse(l.as_str()), Some(l));
            assert_eq!(OnlineLevel::parse(&l.as_str().to_lowercase()), Some(l));
        }
        assert_eq!(OnlineLevel::parse("maybe"), None);
    }
}
