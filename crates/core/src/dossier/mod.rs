//! The dossier lifecycle of the one-stop mechanism (DOMAIN.md §6.5, §8): the dossier and its
//! code, the applicant, internal processes, and the state machine that moves a dossier from
//! submission to the returned result. Pure: time, actor and calendar are passed in.

pub mod applicant;
pub mod code;
pub mod history;
pub mod intake;
pub mod machine;
pub mod model;
pub mod process;
pub mod rating;

pub use applicant::{Applicant, ApplicantKind, FieldError, Representative};
pub use code::{DossierCode, DossierCodeError, code_prefix};
pub use history::HistoryEntry;
pub use intake::{DossierRules, IntakeRequest, ProvidedComponent, Submitter, missing_components};
pub use machine::{
    Action, ActionKind, Applied, Context, Requirement, TransitionError, allowed, apply, approver,
    requirement,
};
pub use model::{
    Answer, Apology, Component, Consultation, Dossier, FeeLine, FileRef, Handover, IssuedResult,
    Notice, PaperReceived, Person, ReturnMethod, ReturnPlace, Status, StepRecord, Submission,
    SubmissionChannel, SupplementItem, SupplementRequest, text_field,
};
pub use process::{
    AllotmentError, Process, ProcessError, ProcessTemplate, Step, StepAgency, StepKind,
    StepTemplate, allotment_whole, shares_from,
};
pub use rating::{Level, Rating, RatingRecord};

#[cfg(test)]
mod tests;
