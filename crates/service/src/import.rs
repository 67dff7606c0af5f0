//! Importing procedures: motcua's JSON Lines catalog format or the national portal export
//! (detected per line). Shared by `motcua import procedures FILE`, and through [`import_by`]
//! by `POST /api/v1/procedures/import` and the administration page.
//!
//! Each line is parsed and validated on its own, so a bad line is reported with its number and
//! reason and never stops the rest. Valid records are written in batches, one transaction per
//! batch; if a batch fails, its records are retried one by one so that only the faulty record
//! is rejected and nothing is half-written. Re-importing the same file changes nothing.

use std::io::BufRead;

use jiff::{Timestamp, civil::Date, tz::TimeZone};
use motcua_core::{
    audit::Outcome,
    catalog::{Procedure, format::parse_line},
    identity::Permission,
};
use motcua_store::{CatalogStore, Store, StoreError, UpsertOutcome};

use crate::{Actor, ServiceError, ServiceResult, Target, catalog::CatalogHandle};

/// Records per transaction.
pub const BATCH: usize = 250;

/// What happened to one rejected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line number.
    pub line: usize,
    /// Procedure code when it could be read.
    pub code: Option<String>,
    /// Why.
    pub reason: String,
}

/// The outcome of an import.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// New procedures.
    pub created: usize,
    /// Procedures that got a new version.
    pub updated: usize,
    /// Procedures whose content was already in force.
    pub unchanged: usize,
    /// Lines that were not imported, with reasons.
    pub rejected: Vec<Rejected>,
    /// Sections kept verbatim because their parse was not certain (national-portal rows).
    pub uncertain_sections: usize,
    /// Records that had at least one uncertain section.
    pub records_with_uncertain: usize,
}

impl ImportReport {
    /// Lines processed.
    pub fn total(&self) -> usize {
        self.created + self.updated + self.unchanged + self.rejected.len()
    }
}

/// Why an import stopped (a rejected line does not stop it).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input could not be read.
    #[error("reading line {line}: {source}")]
    Read {
        /// 1-based line number.
        line: usize,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The database is unavailable.
    #[error("database unavailable during import: {0}")]
    Unavailable(#[source] StoreError),
}

/// The instant a version takes effect: the given date at 00:00 Vietnam time, or `now`.
fn effective(valid_from: Option<Date>, now: Timestamp) -> Timestamp {
    valid_from
        .and_then(|d| d.to_zoned(TimeZone::fixed(jiff::tz::offset(7))).ok())
        .map_or(now, |z| z.timestamp())
}

/// Imports every line of `reader`. `progress` is called with the number of lines read so far.
pub async fn import(
    store: &dyn CatalogStore,
    reader: Box<dyn BufRead + Send>,
    default_valid_from: Option<Date>,
    now: Timestamp,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    // (line number, record, effective instant)
    let mut batch: Vec<(usize, Procedure, Timestamp)> = Vec::with_capacity(BATCH);
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                report.rejected.push(Rejected {
                    line: n,
                    code: None,
                    reason: "dòng không phải văn bản UTF-8 hợp lệ".to_owned(),
                });
                continue;
            }
            Err(e) => return Err(ImportError::Read { line: n, source: e }),
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line) {
            Ok(rec) => {
                if rec.uncertain_sections > 0 {
                    report.uncertain_sections += rec.uncertain_sections;
                    report.records_with_uncertain += 1;
                }
                let at = effective(rec.valid_from.or(default_valid_from), now);
                batch.push((n, rec.procedure, at));
            }
            Err(e) => report.rejected.push(Rejected {
                line: n,
                code: code_hint(&line),
                reason: e.to_string(),
            }),
        }
        if batch.len() >= BATCH {
            flush(store, &mut batch, now, &mut report).await?;
        }
        if n % 100 == 0 {
            progress(n);
        }
    }
    flush(store, &mut batch, now, &mut report).await?;
    Ok(report)
}

/// The catalog import by an account (the API, the administration page): `catalog.import`
/// over the whole installation, a body with something in it, then [`import`]; the catalog
/// this node serves is reloaded when anything changed (other nodes follow on their refresh),
/// and the import is audited with its counts.
pub async fn import_by(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
    body: Vec<u8>,
    valid_from: Option<Date>,
) -> ServiceResult<ImportReport> {
    actor
        .require(
            store,
            catalog.get().hierarchy(),
            now,
            Permission::CatalogImport,
            Target::Installation,
        )
        .await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ServiceError::bad_request(
            "empty_body",
            "Hãy gửi danh sách thủ tục: mỗi dòng một thủ tục dạng JSON.",
        ));
    }
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(body));
    let report = import(store, reader, valid_from, now, |_| {})
        .await
        .map_err(|e| match e {
            ImportError::Read { .. } => ServiceError::bad_request("invalid_body", e.to_string()),
            ImportError::Unavailable(s) => ServiceError::from(s),
        })?;
    if report.created + report.updated > 0 {
        catalog.reload(store).await?;
    }
    let event = actor
        .event(now, "catalog.import", Outcome::Success)
        .with("created", report.created)
        .with("updated", report.updated)
        .with("unchanged", report.unchanged)
        .with("rejected", report.rejected.len());
    store.append_audit(&event).await?;
    Ok(report)
}

/// Writes a batch. Records with different effective instants go in separate calls.
async fn flush(
    store: &dyn CatalogStore,
    batch: &mut Vec<(usize, Procedure, Timestamp)>,
    now: Timestamp,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let items = std::mem::take(batch);
    let mut start = 0;
    while start < items.len() {
        let at = items[start].2;
        let end = items[start..]
            .iter()
            .position(|r| r.2 != at)
            .map_or(items.len(), |p| start + p);
        let group = &items[start..end];
        let procs: Vec<Procedure> = group.iter().map(|r| r.1.clone()).collect();
        match store.upsert_procedures(&procs, at, now).await {
            Ok(outcomes) => count(report, &outcomes),
            Err(e) if e.is_outage() => return Err(ImportError::Unavailable(e)),
            Err(_) => {
                // Isolate the faulty record(s): retry one at a time.
                for (line, p, at) in group {
                    match store
                        .upsert_procedures(std::slice::from_ref(p), *at, now)
                        .await
                    {
                        Ok(outcomes) => count(report, &outcomes),
                        Err(e) if e.is_outage() => return Err(ImportError::Unavailable(e)),
                        Err(e) => report.rejected.push(Rejected {
                            line: *line,
                            code: Some(p.code.to_string()),
                            reason: format!("không ghi được vào cơ sở dữ liệu: {e}"),
                        }),
                    }
                }
            }
        }
        start = end;
    }
    Ok(())
}

fn count(report: &mut ImportReport, outcomes: &[UpsertOutcome]) {
    for o in outcomes {
        match o {
            UpsertOutcome::Created => report.created += 1,
            UpsertOutcome::Updated { .. } => report.updated += 1,
            UpsertOutcome::Unchanged => report.unchanged += 1,
        }
    }
}

/// Best-effort procedure code of an unparsable line, for the report.
fn code_hint(line: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let code = v.get("code").or_else(|| v.get("ma_thu_tuc"))?.as_str()?;
    Some(code.chars().take(20).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_instant_is_vietnam_midnight() {
        let now: Timestamp = "2026-11-25T03:00:00Z".parse().unwrap();
        assert_eq!(effective(None, now), now);
        let d: Date = "2026-01-01".parse().unwrap();
        assert_eq!(effective(Some(d), now).to_string(), "2025-12-31T17:00:00Z");
    }

    #[test]
    fn code_hint_reads_either_format() {
        assert_eq!(
            code_hint(r#"{"code":"1.001193"}"#).as_deref(),
            Some("1.001193")
        );
        assert_eq!(
            code_hint(r#"{"ma_thu_tuc":"1.004222"}"#).as_deref(),
            Some("1.004222")
        );
        assert_eq!(code_hint("not json"), None);
    }
}
