//! The procedure catalog: a procedure record as the national TTHC database defines it
//! (DOMAIN.md §11), in structured form.
//!
//! A [`Procedure`] is the *content* of one version. Versions, their validity dates and the
//! history live in the store; the content is hashed ([`Procedure::content_hash`]) so that a
//! re-import of unchanged data is recognised and changes nothing.

mod code;
pub mod dvc;
pub mod format;
pub(crate) mod model;
pub mod requirement;

pub use code::{CodeError, ProcedureCode};
pub use model::*;
pub use requirement::{
    Basis, Classified, Condition, ConditionTopic, RequirementKind, Tally, classify, classify_case,
    classify_in,
};
