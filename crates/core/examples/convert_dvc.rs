//! Converts the national-portal export (`procedures.jsonl`, DOMAIN.md §11) into motcua's
//! catalog format and writes the shipped demo catalog `data/catalog/procedures.jsonl.gz`.
//!
//! ```text
//! cargo run -p motcua-core --example convert_dvc -- [INPUT.jsonl] [OUTPUT.jsonl.gz]
//! ```
//!
//! Defaults: the shared export and `data/catalog/procedures.jsonl.gz` of this repository. The
//! output is deterministic (sorted by code, gzip header without a time stamp), so re-running the
//! conversion on the same input gives the same bytes. Statistics go to standard output; they
//! are the numbers quoted in `data/catalog/PROVENANCE.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use flate2::{Compression, GzBuilder};
use motcua_core::catalog::dvc::{NoteKind, derived_online_level};
use motcua_core::catalog::format::{LineFormat, parse_line, to_line};
use motcua_core::catalog::{Channel, OnlineLevel, Procedure, Section, Tally, TimeUnit};

const DEFAULT_INPUT: &str = "/work/shared/data/tthc-dichvucong-2026/procedures.jsonl";

#[derive(Default)]
struct Stats {
    lines: usize,
    rejected: Vec<(usize, String)>,
    with_raw: usize,
    raw_by_section: BTreeMap<&'static str, usize>,
    notes_records: BTreeMap<&'static str, usize>,
    notes_total: BTreeMap<&'static str, usize>,
    methods_hist: BTreeMap<usize, usize>,
    channels_hist: BTreeMap<usize, usize>,
    units: BTreeMap<&'static str, usize>,
    fees: BTreeMap<&'static str, usize>,
    online: BTreeMap<&'static str, usize>,
    partial_signals: BTreeMap<&'static str, usize>,
    cases: usize,
    components: usize,
    zero_quantity: usize,
    forms: usize,
    legal: usize,
    legal_dated: usize,
    legal_issuer: usize,
    results: usize,
    results_coded: usize,
    steps: usize,
    single_step: usize,
    requirements: Tally,
}

impl Stats {
    fn add(&mut self, p: &Procedure, kinds: &[NoteKind]) {
        if !p.raw_sections.is_empty() {
            self.with_raw += 1;
        }
        for r in &p.raw_sections {
            *self
                .raw_by_section
                .entry(section_name(r.section))
                .or_default() += 1;
        }
        let distinct: BTreeSet<NoteKind> = kinds.iter().copied().collect();
        for k in distinct {
            *self.notes_records.entry(k.as_str()).or_default() += 1;
        }
        for k in kinds {
            *self.notes_total.entry(k.as_str()).or_default() += 1;
        }
        *self.methods_hist.entry(p.methods.len()).or_default() += 1;
        let channels: BTreeSet<Channel> = p.methods.iter().map(|m| m.channel).collect();
        *self.channels_hist.entry(channels.len()).or_default() += 1;
        for m in &p.methods {
            let unit = match m.time.map(|t| t.unit) {
                Some(TimeUnit::WorkingDays) => "working_days",
                Some(TimeUnit::WorkingHours) => "working_hours",
                Some(TimeUnit::CalendarDays) => "calendar_days",
                Some(TimeUnit::Months) => "months",
                None => "none",
            };
            *self.units.entry(unit).or_default() += 1;
            for f in &m.fees {
                let k = match f.amount_vnd {
                    Some(0) => "free (0)",
                    Some(_) => "amount",
                    None => "text only",
                };
                *self.fees.entry(k).or_default() += 1;
            }
        }
        *self.online.entry(p.online_level.as_str()).or_default() += 1;
        if p.online_level == OnlineLevel::Partial
            && let (_, Some(signal)) = derived_online_level(p)
        {
            *self.partial_signals.entry(signal).or_default() += 1;
        }
        self.cases += p.cases.len();
        for c in &p.cases {
            self.components += c.components.len();
            self.zero_quantity += c
                .components
                .iter()
                .filter(|d| d.originals == 0 && d.copies == 0)
                .count();
            self.forms += c.components.iter().map(|d| d.forms.len()).sum::<usize>();
        }
        self.legal += p.legal_bases.len();
        self.legal_dated += p
            .legal_bases
            .iter()
            .filter(|l| l.issued_on.is_some())
            .count();
        self.legal_issuer += p.legal_bases.iter().filter(|l| l.issuer.is_some()).count();
        self.results += p.results.len();
        self.results_coded += p.results.iter().filter(|r| r.code.is_some()).count();
        self.steps += p.steps.len();
        if p.steps.len() <= 1 {
            self.single_step += 1;
        }
    }
}

fn section_name(s: Section) -> &'static str {
    match s {
        Section::Methods => "methods",
        Section::Components => "components",
        Section::LegalBases => "legal_bases",
        Section::Results => "results",
        Section::Steps => "steps",
    }
}

fn table<K: std::fmt::Display>(
    out: &mut impl Write,
    title: &str,
    m: &BTreeMap<K, usize>,
) -> std::io::Result<()> {
    writeln!(out, "{title}:")?;
    for (k, v) in m {
        writeln!(out, "  {k:<28} {v}")?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .map_or_else(|| PathBuf::from(DEFAULT_INPUT), PathBuf::from);
    let output = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/catalog/procedures.jsonl.gz"),
        PathBuf::from,
    );

    let mut stats = Stats::default();
    let mut lines: Vec<(String, String)> = Vec::new();
    for (i, line) in BufReader::new(File::open(&input)?).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        stats.lines += 1;
        match parse_line(&line) {
            Ok(r) => {
                if r.format != LineFormat::NationalPortal {
                    stats
                        .rejected
                        .push((i + 1, "không phải bản xuất Cổng DVCQG".into()));
                    continue;
                }
                let kinds: Vec<NoteKind> = r.notes.iter().map(|n| n.kind).collect();
                stats.add(&r.procedure, &kinds);
                stats.requirements += Tally::of(&r.procedure);
                lines.push((r.procedure.code.to_string(), to_line(&r.procedure)));
            }
            Err(e) => stats.rejected.push((i + 1, e.to_string())),
        }
    }
    lines.sort();
    let codes: BTreeSet<&str> = lines.iter().map(|(c, _)| c.as_str()).collect();
    if codes.len() != lines.len() {
        return Err(format!("{} duplicate codes", lines.len() - codes.len()).into());
    }

    let mut uncompressed = 0_usize;
    {
        let file = BufWriter::new(File::create(&output)?);
        let mut gz = GzBuilder::new()
            .mtime(0)
            .operating_system(255)
            .write(file, Compression::best());
        for (_, l) in &lines {
            gz.write_all(l.as_bytes())?;
            gz.write_all(b"\n")?;
            uncompressed += l.len() + 1;
        }
        gz.finish()?.flush()?;
    }
    let compressed = std::fs::metadata(&output)?.len();
    let output = output.canonicalize().unwrap_or(output);

    let mut out = std::io::stdout().lock();
    writeln!(out, "input:      {}", input.display())?;
    writeln!(out, "output:     {}", output.display())?;
    writeln!(
        out,
        "records:    {} read, {} written, {} rejected",
        stats.lines,
        lines.len(),
        stats.rejected.len()
    )?;
    for (n, reason) in &stats.rejected {
        writeln!(out, "  line {n}: {reason}")?;
    }
    writeln!(
        out,
        "size:       {uncompressed} bytes uncompressed, {compressed} bytes gzip"
    )?;
    let raw_total: usize = stats.raw_by_section.values().sum();
    writeln!(
        out,
        "uncertain:  {} records with raw sections, {raw_total} raw sections",
        stats.with_raw
    )?;
    table(&mut out, "raw sections by section", &stats.raw_by_section)?;
    writeln!(out, "notes by kind (records / occurrences):")?;
    for k in NoteKind::ALL {
        let r = stats.notes_records.get(k.as_str()).copied().unwrap_or(0);
        let t = stats.notes_total.get(k.as_str()).copied().unwrap_or(0);
        writeln!(out, "  {:<28} {r} / {t}", k.as_str())?;
    }
    table(&mut out, "methods per record", &stats.methods_hist)?;
    table(
        &mut out,
        "distinct channels per record",
        &stats.channels_hist,
    )?;
    table(&mut out, "time units (per method)", &stats.units)?;
    table(&mut out, "fees", &stats.fees)?;
    table(&mut out, "online level (derived)", &stats.online)?;
    table(&mut out, "PARTIAL decided by", &stats.partial_signals)?;
    writeln!(
        out,
        "documents:  {} cases, {} components ({} with 0 originals and 0 copies), {} form files",
        stats.cases, stats.components, stats.zero_quantity, stats.forms
    )?;
    let t = stats.requirements;
    writeln!(
        out,
        "kinds:      {} required ({} unclassified), {} conditional, {} notes (classified at load, not stored)",
        t.required, t.unclassified, t.conditional, t.note
    )?;
    writeln!(
        out,
        "legal:      {} bases, {} with issue date, {} with issuer",
        stats.legal, stats.legal_dated, stats.legal_issuer
    )?;
    writeln!(
        out,
        "results:    {} results, {} with code",
        stats.results, stats.results_coded
    )?;
    writeln!(
        out,
        "steps:      {} steps, {} records with at most one step",
        stats.steps, stats.single_step
    )?;
    if !stats.rejected.is_empty() {
        return Err(format!("{} records rejected", stats.rejected.len()).into());
    }
    Ok(())
}
