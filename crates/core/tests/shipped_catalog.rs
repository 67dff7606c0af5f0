//! The shipped demo catalog (`data/catalog/procedures.jsonl.gz`) loads through the import path,
//! is canonical, and has the content `data/catalog/PROVENANCE.md` describes.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader};

use flate2::read::GzDecoder;
use motcua_core::catalog::format::{FORMAT_V1, LineFormat, parse_line, to_line};
use motcua_core::catalog::{Channel, OnlineLevel, Procedure, Section};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/catalog/procedures.jsonl.gz"
);

/// The conversion of 2026 kept 718 raw sections in 683 records (PROVENANCE.md). A parser change
/// that makes more of the export uncertain should be a conscious decision, so the test allows
/// only a little slack above those numbers.
const MAX_RAW_SECTIONS: usize = 760;
const MAX_RECORDS_WITH_RAW: usize = 720;

/// The shipped file's lines (a test helper: it may panic).
#[cfg(test)]
fn lines() -> Vec<String> {
    let file = File::open(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
    BufReader::new(GzDecoder::new(file))
        .lines()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn shipped_catalog_loads_and_is_canonical() {
    let lines = lines();
    assert_eq!(lines.len(), 2642);

    let mut codes = BTreeSet::new();
    let mut previous = String::new();
    let mut raw_sections = 0;
    let mut records_with_raw = 0;
    for (i, line) in lines.iter().enumerate() {
        let r = parse_line(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        assert_eq!(r.format, LineFormat::Motcua);
        let code = r.procedure.code.to_string();
        assert!(code > previous, "line {}: not sorted by code", i + 1);
        previous.clone_from(&code);
        assert!(codes.insert(code), "line {}: duplicate code", i + 1);

        // Stored exactly as `to_line` writes it, and already normalised: reading the line
        // without normalisation and normalising changes nothing.
        assert_eq!(
            &to_line(&r.procedure),
            line,
            "line {}: not canonical",
            i + 1
        );
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        let map = value.as_object_mut().unwrap();
        assert_eq!(map.remove("format").unwrap(), FORMAT_V1);
        let stored: Procedure = serde_json::from_value(value).unwrap();
        assert_eq!(
            stored.clone().normalized().unwrap(),
            stored,
            "line {}: not normalised",
            i + 1
        );

        for s in &stored.raw_sections {
            assert!(
                !s.reason.is_empty() && !s.raw.is_empty(),
                "line {}: empty raw section",
                i + 1
            );
        }
        assert_eq!(r.uncertain_sections, stored.raw_sections.len());
        raw_sections += r.uncertain_sections;
        records_with_raw += usize::from(r.uncertain_sections > 0);
    }
    assert!(
        raw_sections <= MAX_RAW_SECTIONS,
        "{raw_sections} raw sections"
    );
    assert!(
        records_with_raw <= MAX_RECORDS_WITH_RAW,
        "{records_with_raw} records with raw sections"
    );
}

#[test]
fn birth_registration_is_complete() {
    let line = lines()
        .into_iter()
        .find(|l| l.contains(r#""code":"1.001193""#))
        .unwrap();
    let p = parse_line(&line).unwrap().procedure;
    assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
    assert_eq!(p.field, "Hộ tịch");
    assert_eq!(p.publication_decision.as_deref(), Some("163/QĐ-BTP"));
    assert_eq!(
        p.methods.iter().map(|m| m.channel).collect::<Vec<_>>(),
        [Channel::Online, Channel::Postal, Channel::Direct]
    );
    assert!(
        p.methods
            .iter()
            .all(|m| m.time_text == "1" && m.fees.iter().all(|f| f.amount_vnd == Some(0)))
    );
    assert_eq!(p.cases[0].name, "Giấy tờ phải nộp");
    assert!(p.cases.iter().map(|c| c.components.len()).sum::<usize>() >= 10);
    let birth_certificate = p.cases[0]
        .components
        .iter()
        .find(|d| d.name.starts_with("- Giấy chứng sinh"))
        .unwrap();
    assert_eq!(
        (birth_certificate.originals, birth_certificate.copies),
        (1, 0)
    );
    assert_eq!(p.results[0].name, "Giấy khai sinh");
    assert_eq!(p.results[0].code.as_deref(), Some("KQ.G15.000031"));
    assert!(p.legal_bases.iter().any(|l| l.number == "60/2014/QH13"));
    let decree = p
        .legal_bases
        .iter()
        .find(|l| l.number == "123/2015/NĐ-CP")
        .unwrap();
    assert_eq!(decree.issued_on, Some(jiff::civil::date(2015, 11, 15)));
    assert_eq!(decree.issuer.as_deref(), Some("Chính phủ"));
    assert_eq!(p.online_level, OnlineLevel::Full);
    // The unit-less "1" is kept with its reason.
    assert!(p.raw_sections.iter().any(|s| s.section == Section::Methods));
}

#[test]
fn residence_registration_fees_differ_by_channel() {
    let line = lines()
        .into_iter()
        .find(|l| l.contains(r#""code":"1.004222""#))
        .unwrap();
    let p = parse_line(&line).unwrap().procedure;
    let fee = |c: Channel| {
        p.methods
            .iter()
            .find(|m| m.channel == c)
            .and_then(|m| m.fees.first()?.amount_vnd)
    };
    assert_eq!(fee(Channel::Online), Some(10_000));
    assert_eq!(fee(Channel::Direct), Some(20_000));
    assert!(p.methods.iter().all(|m| m.time_text == "7 Ngày làm việc"));
}
