//! Internal processes (quy trình nội bộ, Circular 01/2018 Art. 8) as data.
//!
//! A province approves, per procedure and agency, the ordered steps a dossier goes through,
//! with the unit and role that acts and the working time allotted to each. motcua stores such
//! a [`ProcessTemplate`]; when none is configured it uses [`ProcessTemplate::default_for`]
//! (receive → handle → approve → issue → return, with the legal limit split across the steps).
//!
//! A template names agencies relative to the dossier (the receiving desk, the competent agency)
//! or by id; [`ProcessTemplate::resolve`] turns it into the dossier's own [`Process`] at
//! receipt, so a later change of the template never changes dossiers already in progress.

use serde::{Deserialize, Serialize};

use crate::{
    catalog::{ProcessingTime, TimeUnit},
    identity::Role,
};

/// What is done at a step; it decides which action completes it and which permission acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The one-stop desk hands the accepted dossier to the competent agency (`forward`).
    Receive,
    /// A handling officer appraises, verifies, drafts (`forward` when done).
    Handle,
    /// The agency leader approves and signs (`approve`).
    Approve,
    /// The clerk numbers, seals and issues the result (`issue_result`).
    Issue,
    /// The one-stop desk returns the result (`return_result`).
    Return,
}

impl StepKind {
    /// Every kind, in process order.
    pub const ALL: [Self; 5] = [
        Self::Receive,
        Self::Handle,
        Self::Approve,
        Self::Issue,
        Self::Return,
    ];

    /// Stored form (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::Handle => "handle",
            Self::Approve => "approve",
            Self::Issue => "issue",
            Self::Return => "return",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Receive => "Tiếp nhận, chuyển hồ sơ",
            Self::Handle => "Thụ lý, thẩm định",
            Self::Approve => "Phê duyệt, ký",
            Self::Issue => "Vào số, phát hành kết quả",
            Self::Return => "Trả kết quả",
        }
    }

    /// The role that normally acts (shown on Form 05; the permission check uses the grants).
    pub fn default_role(self) -> Role {
        match self {
            Self::Receive | Self::Return => Role::ReceivingOfficer,
            Self::Handle => Role::HandlingOfficer,
            Self::Approve => Role::AgencyLeader,
            Self::Issue => Role::Clerk,
        }
    }
}

/// Which agency acts at a step of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum StepAgency {
    /// The desk that received the dossier.
    Receiving,
    /// The competent agency.
    Competent,
    /// A named agency (another department in an inter-agency sequence).
    Agency(String),
}

/// One step of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepTemplate {
    /// Name shown on Form 05, e.g. "Thẩm định hồ sơ".
    pub name: String,
    /// What is done.
    pub kind: StepKind,
    /// Who acts.
    pub agency: StepAgency,
    /// The role that acts.
    pub role: Role,
    /// Share of the legal limit allotted to the step (the shares of a template sum to 1).
    pub share: f64,
    /// Agencies that work on this step **in parallel** with the step's agency, which leads;
    /// each gets a task with the step's deadline, and the step cannot be completed before they
    /// all answered.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub parallel: Vec<String>,
}

/// A process as configured for a procedure and agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessTemplate {
    /// Ordered steps.
    pub steps: Vec<StepTemplate>,
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    /// No steps, or more than 30.
    #[error("quy trình phải có từ 1 đến 30 bước")]
    StepCount,
    /// A share is negative or not finite, or the shares do not add up to 1.
    #[error("tỷ lệ thời gian của các bước phải không âm và cộng lại bằng 1")]
    Shares,
    /// The process does not end with returning the result, or has no approval before it.
    #[error(
        "quy trình phải có bước phê duyệt, bước phát hành kết quả và kết thúc bằng bước trả kết quả"
    )]
    Shape,
}

impl ProcessTemplate {
    /// The default process: the one-stop desk forwards (10% of the limit), the competent
    /// agency handles (50%), its leader approves (20%), its clerk issues (10%), the desk returns
    /// (10%). The shares are motcua's choice (DOMAIN.md gives none); a province replaces them by
    /// configuring its approved processes.
    pub fn default_for() -> Self {
        let step = |name: &str, kind: StepKind, agency: StepAgency, share: f64| StepTemplate {
            name: name.to_owned(),
            kind,
            agency,
            role: kind.default_role(),
            share,
            parallel: Vec::new(),
        };
        Self {
            steps: vec![
                step(
                    "Tiếp nhận và chuyển hồ sơ",
                    StepKind::Receive,
                    StepAgency::Receiving,
                    0.1,
                ),
                step(
                    "Thẩm định, xử lý hồ sơ",
                    StepKind::Handle,
                    StepAgency::Competent,
                    0.5,
                ),
                step(
                    "Phê duyệt, ký kết quả",
                    StepKind::Approve,
                    StepAgency::Competent,
                    0.2,
                ),
                step(
                    "Vào số, phát hành kết quả",
                    StepKind::Issue,
                    StepAgency::Competent,
                    0.1,
                ),
                step("Trả kết quả", StepKind::Return, StepAgency::Receiving, 0.1),
            ],
        }
    }

    /// Checks the template.
    pub fn validate(&self) -> Result<(), ProcessError> {
        if self.steps.is_empty() || self.steps.len() > 30 {
            return Err(ProcessError::StepCount);
        }
        if self
            .steps
            .iter()
            .any(|s| !s.share.is_finite() || s.share < 0.0)
        {
            return Err(ProcessError::Shares);
        }
        let total: f64 = self.steps.iter().map(|s| s.share).sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(ProcessError::Shares);
        }
        let kinds: Vec<StepKind> = self.steps.iter().map(|s| s.kind).collect();
        let approve = kinds.iter().position(|k| *k == StepKind::Approve);
        let issue = kinds.iter().position(|k| *k == StepKind::Issue);
        match (approve, issue, kinds.last()) {
            (Some(a), Some(i), Some(StepKind::Return)) if a < i && i + 1 == kinds.len() - 1 => {
                Ok(())
            }
            _ => Err(ProcessError::Shape),
        }
    }

    /// The dossier's own process: agencies resolved, the limit split into allotted times.
    pub fn resolve(
        &self,
        limit: Option<ProcessingTime>,
        receiving: &str,
        competent: &str,
    ) -> Process {
        Process {
            steps: self
                .steps
                .iter()
                .map(|s| Step {
                    name: s.name.clone(),
                    kind: s.kind,
                    agency: match &s.agency {
                        StepAgency::Receiving => receiving.to_owned(),
                        StepAgency::Competent => competent.to_owned(),
                        StepAgency::Agency(id) => id.clone(),
                    },
                    role: s.role,
                    allotted: limit.map(|l| split(l, s.share)),
                    parallel: s.parallel.clone(),
                })
                .collect(),
        }
    }
}

/// The legal limit as a template's step times are entered against it: in the unit the steps
/// are allotted in, so a limit in months counts 30 days a month as [`ProcessTemplate::resolve`]
/// splits it.
pub fn allotment_whole(limit: ProcessingTime) -> ProcessingTime {
    split(limit, 1.0)
}

/// Step times entered that cannot be the split of the legal limit.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum AllotmentError {
    /// A time is negative or not a number.
    #[error("thời gian của bước {step} phải là số không âm")]
    Negative {
        /// 1-based step number.
        step: usize,
    },
    /// The times do not add up to the limit.
    #[error("tổng thời gian các bước là {total}, phải bằng thời hạn giải quyết {whole}")]
    Sum {
        /// What the steps add up to.
        total: f64,
        /// The limit.
        whole: f64,
    },
}

/// The shares of a template from the time entered for each step (in the unit of
/// [`allotment_whole`], or percentages against a whole of 100): each time non-negative, all
/// together equal to `whole` to within half a minute of an 8-hour day — the approved process
/// splits exactly the legal time, neither more (the steps would overrun the deadline) nor
/// less (the rest would belong to no step).
pub fn shares_from(amounts: &[f64], whole: f64) -> Result<Vec<f64>, AllotmentError> {
    if let Some(i) = amounts.iter().position(|a| !a.is_finite() || *a < 0.0) {
        return Err(AllotmentError::Negative { step: i + 1 });
    }
    let total: f64 = amounts.iter().sum();
    if !whole.is_finite() || whole <= 0.0 || (total - whole).abs() > 1.0 / 960.0 {
        return Err(AllotmentError::Sum { total, whole });
    }
    Ok(amounts.iter().map(|a| a / total).collect())
}

/// A share of a limit, in the limit's unit; whole months become calendar days (30 a month) so
/// that a fraction of a month stays meaningful.
fn split(limit: ProcessingTime, share: f64) -> ProcessingTime {
    let (amount, unit) = match limit.unit {
        TimeUnit::Months => (limit.amount * 30.0, TimeUnit::CalendarDays),
        u => (limit.amount, u),
    };
    // Rounded to the minute of an 8-hour day (1/480), so the allotted times print cleanly.
    let raw = amount * share;
    ProcessingTime {
        amount: (raw * 480.0).round() / 480.0,
        unit,
    }
}

/// A dossier's resolved process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Process {
    /// Ordered steps.
    pub steps: Vec<Step>,
}

/// A resolved step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// Name.
    pub name: String,
    /// What is done.
    pub kind: StepKind,
    /// The agency that acts (and leads, when there are parallel agencies).
    pub agency: String,
    /// The role that acts.
    pub role: Role,
    /// Time allotted; `None` when the procedure's limit is not known.
    pub allotted: Option<ProcessingTime>,
    /// Agencies working in parallel.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub parallel: Vec<String>,
}

impl Process {
    /// The index of the first step of `kind`.
    pub fn position(&self, kind: StepKind) -> Option<usize> {
        self.steps.iter().position(|s| s.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_kinds_are_stored_as_serde_writes_them() {
        for k in StepKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json.trim_matches('"'), k.as_str());
            assert_eq!(StepKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn the_default_is_valid_and_splits_the_limit() {
        let t = ProcessTemplate::default_for();
        t.validate().unwrap();
        let p = t.resolve(
            Some(ProcessingTime {
                amount: 10.0,
                unit: TimeUnit::WorkingDays,
            }),
            "bn.ttpvhcc",
            "bn.stp",
        );
        let amounts: Vec<f64> = p.steps.iter().map(|s| s.allotted.unwrap().amount).collect();
        assert_eq!(amounts, [1.0, 5.0, 2.0, 1.0, 1.0]);
        assert_eq!(p.steps[0].agency, "bn.ttpvhcc");
        assert_eq!(p.steps[1].agency, "bn.stp");
        assert_eq!(p.steps[4].agency, "bn.ttpvhcc");
    }

    #[test]
    fn bad_templates_are_refused() {
        let mut t = ProcessTemplate::default_for();
        t.steps[0].share = 0.5;
        assert_eq!(t.validate(), Err(ProcessError::Shares));
        let mut t = ProcessTemplate::default_for();
        t.steps.swap(2, 3);
        assert_eq!(t.validate(), Err(ProcessError::Shape));
        assert_eq!(
            ProcessTemplate { steps: vec![] }.validate(),
            Err(ProcessError::StepCount)
        );
    }

    #[test]
    fn step_times_must_add_up_to_the_limit() {
        assert_eq!(
            shares_from(&[1.0, 5.0, 2.0, 1.0, 1.0], 10.0).unwrap(),
            [0.1, 0.5, 0.2, 0.1, 0.1]
        );
        assert_eq!(
            shares_from(&[1.0, 5.0, 2.0, 1.0], 10.0),
            Err(AllotmentError::Sum {
                total: 9.0,
                whole: 10.0
            })
        );
        assert_eq!(
            shares_from(&[1.0, -1.0, 10.0], 10.0),
            Err(AllotmentError::Negative { step: 2 })
        );
        assert!(
            shares_from(&[0.0], 0.0).is_err(),
            "a zero limit cannot be split"
        );
        let whole = allotment_whole(ProcessingTime {
            amount: 2.0,
            unit: TimeUnit::Months,
        });
        assert_eq!((whole.amount, whole.unit), (60.0, TimeUnit::CalendarDays));
    }

    proptest::proptest! {
        /// Times entered for the steps come back, to the minute, as the dossier's allotted
        /// times: what the administrator typed is what the officials are given.
        #[test]
        fn entered_times_are_what_the_steps_get(
            times in proptest::collection::vec(0u32..4800, 3..8),
        ) {
            let amounts: Vec<f64> = times.iter().map(|m| f64::from(*m) / 480.0).collect();
            let whole: f64 = amounts.iter().sum();
            proptest::prop_assume!(whole > 0.0);
            let shares = shares_from(&amounts, whole).unwrap();
            let mut t = ProcessTemplate::default_for();
            t.steps.truncate(1);
            let step = t.steps[0].clone();
            t.steps = shares
                .iter()
                .map(|s| StepTemplate { share: *s, ..step.clone() })
                .collect();
            let p = t.resolve(
                Some(ProcessingTime { amount: whole, unit: TimeUnit::WorkingDays }),
                "a",
                "b",
            );
            for (given, entered) in p.steps.iter().zip(&amounts) {
                let got = given.allotted.map(|a| a.amount).unwrap_or(f64::NAN);
                proptest::prop_assert!((got - entered).abs() < 1e-9, "{got} vs {entered}");
            }
        }
    }

    #[test]
    fn months_split_into_days() {
        let a = split(
            ProcessingTime {
                amount: 1.0,
                unit: TimeUnit::Months,
            },
            0.5,
        );
        assert_eq!((a.amount, a.unit), (15.0, TimeUnit::CalendarDays));
    }
}
