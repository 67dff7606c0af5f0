//! The stored dossier body: the aggregate as JSON, with a format number.
//!
//! Dossiers live for years, across releases. Two rules keep every stored body readable:
//! - **additions are safe by construction**: every field of the aggregate that can be absent
//!   has a serde default, and a test removes each such key (at any depth) from a full body and
//!   reads it back, so a new field without a default fails the build's tests, not a
//!   province's database;
//! - **changes of shape are upgrades**: a rename or a restructuring bumps [`FORMAT`] and adds
//!   a step to [`upgrade`], which rewrites an older body's JSON before it is decoded. The first
//!   release wrote no format number: a body without one is format 1.

use motcua_core::dossier::Dossier;
use serde_json::Value;

use crate::error::{StoreError, StoreResult};

/// The format this release writes.
pub const FORMAT: u64 = 1;

/// The key holding the format number (not a field of the aggregate).
const KEY: &str = "$format";

/// The body of `d`, with its format number.
pub fn encode(d: &Dossier) -> StoreResult<String> {
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        #[serde(rename = "$format")]
        format: u64,
        #[serde(flatten)]
        dossier: &'a Dossier,
    }
    Ok(serde_json::to_string(&Stored {
        format: FORMAT,
        dossier: d,
    })?)
}

/// Reads a stored body of any format this release knows.
pub fn decode(body: &str) -> StoreResult<Dossier> {
    let mut value: Value = serde_json::from_str(body)?;
    let Some(object) = value.as_object_mut() else {
        return Err(StoreError::Corrupt("dossier body is not an object".into()));
    };
    let format = match object.remove(KEY) {
        None => 1,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| StoreError::Corrupt(format!("dossier body format {v}")))?,
    };
    if format > FORMAT {
        return Err(StoreError::Corrupt(format!(
            "dossier body format {format} is newer than this release ({FORMAT}); upgrade motcua"
        )));
    }
    upgrade(&mut value, format);
    Ok(serde_json::from_value(value)?)
}

/// Rewrites a body of format `from` into the current format. Format 1 is current: there is
/// nothing to do yet. A future format 2 adds `if from < 2 { … }` here, with a test reading a
/// format-1 body.
fn upgrade(_body: &mut Value, from: u64) {
    debug_assert!(from <= FORMAT);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body written by the first release (no format number): every sub-record filled in.
    const FIRST_RELEASE: &str = include_str!("../../tests/fixtures/dossier-body-format1.json");

    /// Keys that every body has always carried and that a reader may rely on; everything
    /// else must have a default so that bodies written before it existed still read.
    const REQUIRED: &[&str] = &[
        "id",
        "code",
        "procedure",
        "procedure_version",
        "procedure_name",
        "applicant",
        "applicant.kind",
        "applicant.name",
        "channel",
        "receiving_agency",
        "competent_agency",
        "current_agency",
        "return_place",
        "return_place.method",
        "status",
        "submitted_at",
        "process",
        "process.steps",
        "process.steps[].name",
        "process.steps[].kind",
        "process.steps[].agency",
        "process.steps[].role",
        "representative.citizen_id",
        "representative.authorisation",
        "components[].name",
        "components[].required",
        "components[].originals",
        "components[].copies",
        "fees[].text",
        "clock_events[].event",
        "clock_events[].at",
        "clock_events[].new_due",
        "steps[].step",
        "steps[].agency",
        "steps[].started_at",
        "supplements[].at",
        "supplements[].by",
        "supplements[].items",
        "supplements[].items[].component",
        "supplements[].items[].reason",
        "consultations[].id",
        "consultations[].agency",
        "consultations[].question",
        "consultations[].asked_at",
        "consultations[].step",
        "consultations[].answer.text",
        "consultations[].answer.by",
        "consultations[].answer.at",
        "closing_notice.at",
        "closing_notice.by",
        "closing_notice.reason",
        "apology.at",
        "apology.by",
        "apology.reason",
        "apology.new_due",
        "result.number",
        "result.signed_on",
        "result.issued_at",
        "result.issued_by",
    ];

    /// Keys required wherever they appear: a person (`by`, `assignee`, …) is an account id
    /// and a name, a file reference is its id, name, type, size and digest, a time limit is an
    /// amount and a unit.
    const REQUIRED_LEAVES: &[&str] = &[
        ".user_id",
        ".name",
        ".id",
        ".media_type",
        ".size",
        ".sha256",
        ".amount",
        ".unit",
    ];

    fn is_required(path: &str) -> bool {
        REQUIRED.contains(&path) || REQUIRED_LEAVES.iter().any(|leaf| path.ends_with(leaf))
    }

    #[test]
    fn a_first_release_body_still_reads() {
        let d = decode(FIRST_RELEASE).expect("the first release's body reads");
        assert_eq!(d.code.as_str(), "000.00.17.H06-261125-0007");
        assert!(d.apology.is_some() && d.result.is_some());
        assert!(!d.consultations.is_empty() && !d.supplements.is_empty());
        // Written again, it reads back the same.
        assert_eq!(decode(&encode(&d).unwrap()).unwrap(), d);
    }

    #[test]
    fn format_numbers_are_checked() {
        let d = decode(FIRST_RELEASE).unwrap();
        let mut v: Value = serde_json::from_str(&encode(&d).unwrap()).unwrap();
        assert_eq!(v[KEY], Value::from(FORMAT));
        v[KEY] = Value::from(FORMAT + 1);
        assert!(matches!(
            decode(&v.to_string()),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(decode("[1]"), Err(StoreError::Corrupt(_))));
    }

    /// Every key path of `v`, with `[]` for array elements.
    fn paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.push(p.clone());
                    paths(child, &p, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    paths(item, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }

    /// Removes the key at `path` from every element it names.
    fn remove(v: &mut Value, path: &str) {
        let (head, rest) = match path.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        let (key, each) = match head.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (head, false),
        };
        let Some(child) = v.as_object_mut().and_then(|m| {
            if rest.is_none() && !each {
                m.remove(key);
                None
            } else {
                m.get_mut(key)
            }
        }) else {
            return;
        };
        let targets: Vec<&mut Value> = if each {
            child
                .as_array_mut()
                .map(|a| a.iter_mut().collect())
                .unwrap_or_default()
        } else {
            vec![child]
        };
        if let Some(r) = rest {
            for t in targets {
                remove(t, r);
            }
        }
    }

    /// The construction rule: any key a future release may add (here: any key that is not
    /// required) can be missing from a stored body.
    #[test]
    fn every_optional_key_may_be_missing() {
        let full: Value = serde_json::from_str(FIRST_RELEASE).unwrap();
        let mut all = Vec::new();
        paths(&full, "", &mut all);
        all.sort();
        all.dedup();
        let mut checked = 0;
        for path in all.iter().filter(|p| !is_required(p)) {
            let mut v = full.clone();
            remove(&mut v, path);
            assert_ne!(v, full, "{path} was not removed");
            if let Err(e) = decode(&v.to_string()) {
                panic!("a body without {path} no longer reads: {e}");
            }
            checked += 1;
        }
        assert!(checked > 40, "only {checked} optional keys checked");
    }
}
