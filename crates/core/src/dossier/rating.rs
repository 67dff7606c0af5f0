//! The applicant's rating of the service (Decree 61 Art. 27–32; Circular 32/2017 Art. 12,
//! DOMAIN.md §5.2, §8.5): three levels per criterion, the overall one required, given once
//! per dossier after its result is returned and changeable for a while after.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::text::{char_len, clean_block};

/// One of the three levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Chưa hài lòng.
    NotSatisfied,
}

impl Level {
    /// Every level, best first.
    pub const ALL: [Self; 3] = [Self::VerySatisfied, Self::Satisfied, Self::NotSatisfied];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerySatisfied => "very_satisfied",
            Self::Satisfied => "satisfied",
            Self::NotSatisfied => "not_satisfied",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The label the applicant chooses.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::VerySatisfied => "Rất hài lòng",
            Self::Satisfied => "Hài lòng",
            Self::NotSatisfied => "Chưa hài lòng",
        }
    }
}

/// The criteria rated: `overall` is required (Circular 32/2017 Art. 12), the others are the
/// details the Circular names (convenience, timeliness, attitude) and the cost Decree 61
/// Art. 31 asks about. Keys are stable (stored and used by the reports).
pub const CRITERIA: &[(&str, &str)] = &[
    ("overall", "Mức độ hài lòng chung"),
    ("timeliness", "Thời gian giải quyết so với quy định"),
    ("convenience", "Sự thuận tiện khi thực hiện thủ tục"),
    ("attitude", "Thái độ phục vụ của cán bộ, công chức"),
    (
        "cost",
        "Chi phí thực hiện đúng quy định, không phát sinh thêm",
    ),
];

/// A rating as given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// Level per criterion key of [`CRITERIA`].
    pub levels: BTreeMap<String, Level>,
    /// A free comment.
    pub comment: Option<String>,
}

impl Rating {
    /// Checks the criteria (known keys, `overall` present) and cleans the comment.
    pub fn validated(self) -> Result<Self, FieldError> {
        if let Some(unknown) = self
            .levels
            .keys()
            .find(|k| !CRITERIA.iter().any(|(c, _)| c == k))
        {
            return Err(FieldError::new(
                format!(
                    "rating.levels.{}",
                    unknown.chars().take(40).collect::<String>()
                ),
                "không có tiêu chí đánh giá này",
            ));
        }
        if !self.levels.contains_key("overall") {
            return Err(FieldError::new(
                "rating.levels.overall",
                "hãy chọn mức độ hài lòng chung",
            ));
        }
        let comment = match self.comment.as_deref().map(clean_block) {
            Some(c) if c.is_empty() => None,
            Some(c) if char_len(&c) > 2000 => {
                return Err(FieldError::new("rating.comment", "tối đa 2000 ký tự"));
            }
            other => other,
        };
        Ok(Self {
            levels: self.levels,
            comment,
        })
    }

    /// The overall level.
    pub fn overall(&self) -> Option<Level> {
        self.levels.get("overall").copied()
    }
}

/// A rating as recorded on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRecord {
    /// What was rated.
    pub rating: Rating,
    /// When it was first given.
    pub first_at: Timestamp,
    /// When it was last changed.
    pub at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(pairs: &[(&str, Level)]) -> Rating {
        Rating {
            levels: pairs.iter().map(|(k, l)| ((*k).to_owned(), *l)).collect(),
            comment: Some("  Cán bộ  tận tình ".to_owned()),
        }
    }

    #[test]
    fn overall_is_required_and_criteria_are_known() {
        let r = rating(&[
            ("overall", Level::Satisfied),
            ("attitude", Level::VerySatisfied),
        ])
        .validated()
        .unwrap();
        assert_eq!(r.overall(), Some(Level::Satisfied));
        assert_eq!(r.comment.as_deref(), Some("Cán bộ tận tình"));
        assert_eq!(
            rating(&[("attitude", Level::Satisfied)])
                .validated()
                .unwrap_err()
                .field,
            "rating.levels.overall"
        );
        assert_eq!(
            rating(&[
                ("overall", Level::Satisfied),
                ("bribe", Level::NotSatisfied)
            ])
            .validated()
            .unwrap_err()
            .field,
            "rating.levels.bribe"
        );
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
    }
}
