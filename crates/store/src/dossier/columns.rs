//! The one projection of a dossier onto the columns queries filter and sort on.
//!
//! Insert and update both write [`Columns`], bound in the order of [`NAMES`] by
//! [`bind_columns!`], so a new projected column is added in exactly one place and the two
//! statements can never disagree about what a column holds.

use std::sync::LazyLock;

use jiff::Timestamp;
use motcua_core::dossier::{Dossier, Status};

use crate::{codec::DbTime, error::StoreResult};

/// The projected columns, in binding order. `id` is first: the update sets every other one.
pub(crate) const NAMES: [&str; 31] = [
    "id",
    "code",
    "procedure_code",
    "receiving_agency",
    "competent_agency",
    "current_agency",
    "status",
    "national_status",
    "owner_id",
    "assignee_id",
    "assignee_name",
    "applicant_name",
    "submitted_at",
    "due_at",
    "queue_at",
    "kpi_due_at",
    "finished_at",
    "returned_at",
    "updated_at",
    "revision",
    "body",
    "lookup_key",
    "phone_tail",
    "id_tail",
    "result_file_id",
    "projection",
    "applicant_key",
    "given_key",
    "applicant_ident",
    "channel",
    "step_kind",
];

/// The version of this projection. Rows written by an older one are projected again from
/// their body when the store opens ([`super::reproject`]); raise it with every new column.
pub(crate) const PROJECTION: i64 = 1;

/// A dossier as its row: the projections plus the versioned body.
#[derive(Debug)]
pub(crate) struct Columns {
    pub id: String,
    pub code: String,
    pub procedure_code: String,
    pub receiving_agency: String,
    pub competent_agency: String,
    pub current_agency: String,
    pub status: &'static str,
    pub national_status: i64,
    pub owner_id: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub applicant_name: String,
    pub submitted_at: DbTime,
    pub due_at: Option<DbTime>,
    pub queue_at: DbTime,
    pub kpi_due_at: Option<DbTime>,
    pub finished_at: Option<DbTime>,
    pub returned_at: Option<DbTime>,
    pub updated_at: DbTime,
    pub revision: i64,
    pub body: String,
    pub lookup_key: Option<String>,
    pub phone_tail: Option<String>,
    pub id_tail: Option<String>,
    pub result_file_id: Option<String>,
    pub projection: i64,
    pub applicant_key: String,
    pub given_key: String,
    pub applicant_ident: Option<String>,
    pub channel: &'static str,
    pub step_kind: Option<&'static str>,
}

/// An identifier as the inbox searches it: its letters and digits, upper case.
pub(crate) fn ident_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The folded name from its last word on: the given name, which officials also search by.
pub(crate) fn given_key(folded: &str) -> &str {
    folded.rsplit(' ').next().unwrap_or(folded)
}

/// The last four digits of an identifier (what the public lookup may ask for).
fn tail(s: Option<&str>) -> Option<String> {
    let digits: Vec<char> = s?.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

impl Columns {
    /// The row of `d`, last changed at `updated_at`.
    pub fn of(d: &Dossier, updated_at: Timestamp) -> StoreResult<Self> {
        // The identifier the applicant is known by: an organisation's tax code, a person's
        // identity number.
        let ident = match d.applicant.kind {
            motcua_core::dossier::ApplicantKind::Organisation => d
                .applicant
                .tax_code
                .as_deref()
                .or(d.applicant.citizen_id.as_deref()),
            motcua_core::dossier::ApplicantKind::Individual => d
                .applicant
                .citizen_id
                .as_deref()
                .or(d.applicant.tax_code.as_deref()),
        };
        let applicant_key = motcua_core::text::fold(&d.applicant.name);
        Ok(Self {
            id: d.id.clone(),
            code: d.code.as_str().to_owned(),
            procedure_code: d.procedure.as_str().to_owned(),
            receiving_agency: d.receiving_agency.clone(),
            competent_agency: d.competent_agency.clone(),
            current_agency: d.current_agency.clone(),
            status: d.status.as_str(),
            national_status: i64::from(d.national_status()),
            owner_id: d.owner_id.clone(),
            assignee_id: d.assignee.as_ref().map(|a| a.user_id.clone()),
            assignee_name: d.assignee.as_ref().map(|a| a.name.clone()),
            applicant_name: d.applicant.name.clone(),
            submitted_at: DbTime(d.submitted_at),
            due_at: d.due.legal.map(DbTime),
            queue_at: DbTime(d.queue_at()),
            kpi_due_at: d.due.kpi.map(DbTime),
            finished_at: d.finished_at.map(DbTime),
            returned_at: d.returned_at.map(DbTime),
            updated_at: DbTime(updated_at),
            revision: d.revision,
            body: super::body::encode(d)?,
            lookup_key: (!d.lookup_key.is_empty()).then(|| d.lookup_key.clone()),
            phone_tail: tail(d.applicant.phone.as_deref()),
            id_tail: tail(ident),
            result_file_id: d
                .result
                .as_ref()
                .and_then(|r| r.file.as_ref())
                .map(|f| f.id.clone()),
            projection: PROJECTION,
            given_key: given_key(&applicant_key).to_owned(),
            applicant_key,
            applicant_ident: ident.map(ident_key).filter(|k| !k.is_empty()),
            channel: d.channel.as_str(),
            step_kind: (d.status == Status::Processing)
                .then(|| d.current_step().map(|s| s.kind.as_str()))
                .flatten(),
        })
    }
}

/// Binds every column of a [`Columns`] (`$c`) to the query `$q`, in the order of [`NAMES`].
macro_rules! bind_columns {
    ($q:expr, $c:expr) => {{
        let c: &$crate::dossier::columns::Columns = $c;
        $q.bind(&c.id)
            .bind(&c.code)
            .bind(&c.procedure_code)
            .bind(&c.receiving_agency)
            .bind(&c.competent_agency)
            .bind(&c.current_agency)
            .bind(c.status)
            .bind(c.national_status)
            .bind(&c.owner_id)
            .bind(&c.assignee_id)
            .bind(&c.assignee_name)
            .bind(&c.applicant_name)
            .bind(c.submitted_at)
            .bind(c.due_at)
            .bind(c.queue_at)
            .bind(c.kpi_due_at)
            .bind(c.finished_at)
            .bind(c.returned_at)
            .bind(c.updated_at)
            .bind(c.revision)
            .bind(&c.body)
            .bind(&c.lookup_key)
            .bind(&c.phone_tail)
            .bind(&c.id_tail)
            .bind(&c.result_file_id)
            .bind(c.projection)
            .bind(&c.applicant_key)
            .bind(&c.given_key)
            .bind(&c.applicant_ident)
            .bind(c.channel)
            .bind(c.step_kind)
    }};
}
pub(crate) use bind_columns;

/// `INSERT INTO dossiers (…) VALUES ($1, …)`.
pub(crate) static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=NAMES.len()).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO dossiers ({}) VALUES ({})",
        NAMES.join(", "),
        placeholders.join(", ")
    )
});

/// `UPDATE dossiers SET … WHERE id = $1 AND revision = $n` (the expected revision is bound
/// after the columns).
pub(crate) static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = NAMES
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, n)| format!("{n} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE dossiers SET {} WHERE id = $1 AND revision = ${}",
        sets.join(", "),
        NAMES.len() + 1
    )
});

/// The open statuses as an SQL literal list, from [`Status::OPEN`]: literal (not bound) so
/// that both engines match the partial indexes on open dossiers, whose predicates the
/// migrations spell the same way (checked by a test).
pub(crate) static OPEN_STATUSES: LazyLock<String> = LazyLock::new(|| {
    let quoted: Vec<String> = Status::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("status IN ({})", quoted.join(", "))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_cover_every_column_once() {
        assert_eq!(INSERT.matches('$').count(), NAMES.len());
        assert_eq!(UPDATE.matches('$').count(), NAMES.len() + 1);
        assert!(!UPDATE.contains("SET id ="), "the id never changes");
        let unique: std::collections::BTreeSet<_> = NAMES.iter().collect();
        assert_eq!(unique.len(), NAMES.len());
    }

    /// The partial indexes of both engines are written for exactly the core's open statuses:
    /// a status added to [`Status::OPEN`] without a migration rebuilding them would silently
    /// fall out of the inbox indexes. The latest definition of each index counts.
    #[test]
    fn partial_indexes_match_the_core_open_statuses() {
        let engines: [&[&str]; 2] = [
            &[
                include_str!("../../migrations/sqlite/0004_dossiers.sql"),
                include_str!("../../migrations/sqlite/0005_portal.sql"),
            ],
            &[
                include_str!("../../migrations/postgres/0004_dossiers.sql"),
                include_str!("../../migrations/postgres/0005_portal.sql"),
            ],
        ];
        for migrations in engines {
            for index in [
                "dossiers_open ",
                "dossiers_open_queue ",
                "dossiers_assignee ",
            ] {
                let needle = format!("CREATE INDEX {index}");
                let latest = migrations
                    .iter()
                    .flat_map(|m| m.match_indices(needle.as_str()).map(|(i, _)| &m[i..]))
                    .last()
                    .unwrap_or_else(|| panic!("no index {index}"));
                let statement = &latest[..latest.find(';').unwrap_or(latest.len())];
                let at = statement
                    .find("status IN (")
                    .expect("an open-status predicate");
                let predicate = &statement[at..=at + statement[at..].find(')').unwrap_or(0)];
                assert_eq!(predicate, OPEN_STATUSES.as_str(), "{index}");
            }
        }
    }
}
