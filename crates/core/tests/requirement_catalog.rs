//! The requirement classifier over every row of the shipped catalog: it never panics, and its
//! counts stay what `data/catalog/PROVENANCE.md` reports.
//!
//! `cargo test -p motcua-core --test requirement_catalog -- --ignored --nocapture` prints the
//! patterns the rules were written from (leading words of each kind, what each rule decided,
//! the rows no rule recognised); with `REQUIREMENT_DUMP=<file>` it also writes every row's
//! classification as JSON Lines for a closer look.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};

use flate2::read::GzDecoder;
use motcua_core::catalog::format::parse_line;
use motcua_core::catalog::requirement::{Basis, Rule, strip_marker};
use motcua_core::catalog::{Procedure, RequirementKind, Tally, classify_case};
use motcua_core::text::fold;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/catalog/procedures.jsonl.gz"
);

#[cfg(test)]
fn procedures() -> Vec<Procedure> {
    let file = File::open(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
    BufReader::new(GzDecoder::new(file))
        .lines()
        .map(|l| parse_line(&l.unwrap()).unwrap().procedure)
        .collect()
}

#[test]
fn shipped_catalog_counts() {
    let procedures = procedures();
    assert_eq!(procedures.len(), 2642);
    let mut total = Tally::default();
    for p in &procedures {
        total += Tally::of(p);
    }
    // The figures PROVENANCE.md reports. A rule change that moves them should be a conscious
    // decision: update both.
    assert_eq!(
        total,
        Tally {
            required: 10_433,
            conditional: 2_905,
            note: 1_121,
            unclassified: 467,
            explicit: 0,
        },
        "{total:?}"
    );
    assert_eq!(total.total(), 14_459);
}

/// The first two folded words of a row, without its list marker.
#[cfg(test)]
fn lead(name: &str) -> String {
    fold(strip_marker(name))
        .split(' ')
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "prints the catalog's patterns; run by hand when changing the rules"]
fn dump_patterns() {
    let procedures = procedures();
    let started = std::time::Instant::now();
    let rows: usize = procedures
        .iter()
        .flat_map(|p| &p.cases)
        .map(|c| classify_case(c).len())
        .sum();
    eprintln!("classified {rows} rows in {:?}", started.elapsed());
    let mut by_rule: BTreeMap<Basis, usize> = BTreeMap::new();
    let mut leads: BTreeMap<(RequirementKind, String), usize> = BTreeMap::new();
    let mut unmatched = Vec::new();
    let mut dump = std::env::var_os("REQUIREMENT_DUMP").map(|p| File::create(p).unwrap());
    for p in &procedures {
        for (ci, case) in p.cases.iter().enumerate() {
            for (ri, (row, c)) in case.components.iter().zip(classify_case(case)).enumerate() {
                let rule = match c.basis {
                    Basis::Rule(r) => format!("{r:?}"),
                    other => format!("{other:?}"),
                };
                *by_rule.entry(c.basis).or_default() += 1;
                *leads.entry((c.kind, lead(&row.name))).or_default() += 1;
                if c.is_unclassified() {
                    unmatched.push(format!("{} {}/{} {}", p.code, ci, ri, row.name));
                }
                if let Some(f) = dump.as_mut() {
                    let line = serde_json::json!({
                        "code": p.code.as_str(), "case": ci, "row": ri, "group": case.name,
                        "originals": row.originals, "copies": row.copies,
                        "kind": c.kind.as_str(), "rule": rule, "document": c.document,
                        "condition": c.condition, "raw": row.name,
                    });
                    writeln!(f, "{line}").unwrap();
                }
            }
        }
    }
    eprintln!("rows per rule, in the order the rules are tried:");
    let order = Rule::ALL
        .map(Basis::Rule)
        .into_iter()
        .chain([Basis::Explicit, Basis::Unmatched]);
    for basis in order {
        let n = by_rule.get(&basis).copied().unwrap_or(0);
        eprintln!("  {:<32} {n:>6}", format!("{basis:?}"));
    }
    for kind in RequirementKind::ALL {
        let mut top: Vec<(&String, &usize)> = leads
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, l), n)| (l, n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(a.1));
        eprintln!(
            "{} — {} distinct leads; most common:",
            kind.as_str(),
            top.len()
        );
        for (l, n) in top.iter().take(25) {
            eprintln!("  {n:>5} {l}");
        }
    }
    eprintln!("unclassified rows: {}", unmatched.len());
    for u in unmatched.iter().take(200) {
        eprintln!("  {}", u.chars().take(160).collect::<String>());
    }
}
