//! Catalog search benchmarks.
//!
//! Two catalogs: the real one (`data/catalog/procedures.jsonl.gz`, or the file named by
//! `MOTCUA_CATALOG`) and 50,000 synthetic procedures generated from its vocabulary by a seeded
//! bigram chain (names that read like real ones and share their phrases, so real queries
//! match many of them). One query mix, also drawn from real names: 1–5 consecutive words,
//! with or without diacritics, a third with the last word cut to a prefix, a fifth with a
//! filter.
//!
//! Before the divan benchmarks, every query of the mix is timed alone on both catalogs and
//! the percentiles are printed (divan reports means and extremes, not p99).
//!
//! Run: `cargo bench -p motcua-search --bench search`.

use std::collections::HashMap;
use std::error::Error;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use motcua_core::catalog::{ImplementingLevel, OnlineLevel};
use motcua_core::text::fold;
use motcua_search::{CatalogIndex, IndexDoc, Query};

/// Size of the synthetic catalog.
const SYNTHETIC_DOCS: usize = 50_000;
/// Queries in the mix.
const MIX: usize = 2_000;

fn main() {
    if let Err(e) = &*DATA {
        eprintln!("search bench: {e}");
        std::process::exit(1);
    }
    // `cargo test --benches` runs each benchmark once with `--test`: skip the long report.
    if !std::env::args().any(|a| a == "--test") {
        report_percentiles();
    }
    divan::main();
}

/// Everything the benchmarks share, built once.
struct Data {
    real_docs: Vec<IndexDoc>,
    synthetic_docs: Vec<IndexDoc>,
    real: CatalogIndex,
    synthetic: CatalogIndex,
    queries: Vec<Query>,
}

static DATA: LazyLock<Result<Data, String>> = LazyLock::new(|| {
    let real_docs = load_catalog().map_err(|e| e.to_string())?;
    let synthetic_docs = synthesize(&real_docs, SYNTHETIC_DOCS);
    let queries = query_mix(&real_docs, MIX);
    Ok(Data {
        real: CatalogIndex::build(real_docs.clone()),
        synthetic: CatalogIndex::build(synthetic_docs.clone()),
        real_docs,
        synthetic_docs,
        queries,
    })
});

fn catalog_path() -> PathBuf {
    std::env::var_os("MOTCUA_CATALOG").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/catalog/procedures.jsonl.gz"),
        PathBuf::from,
    )
}

/// Reads the JSON Lines catalog: `code`, `name`, `field`, `levels`, `online_level` per line.
fn load_catalog() -> Result<Vec<IndexDoc>, Box<dyn Error>> {
    let path = catalog_path();
    let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut docs = Vec::new();
    for line in BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let text = |key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let levels = v
            .get("levels")
            .and_then(serde_json::Value::as_array)
            .map(|levels| {
                levels
                    .iter()
                    .filter_map(|l| ImplementingLevel::from_slug(l.as_str()?))
                    .collect()
            })
            .unwrap_or_default();
        docs.push(IndexDoc {
            code: text("code"),
            name: text("name"),
            field: text("field"),
            levels,
            online_level: OnlineLevel::parse(&text("online_level")).unwrap_or(OnlineLevel::None),
            agencies: Vec::new(),
        });
    }
    if docs.is_empty() {
        return Err(format!("{}: no procedures", path.display()).into());
    }
    Ok(docs)
}

/// Knuth's MMIX linear congruential generator: deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Uniform-ish in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Names as written, split on spaces (punctuation stays attached, as in the source).
fn words(name: &str) -> Vec<&str> {
    name.split_whitespace().collect()
}

/// `n` procedures whose names follow the word bigrams of the real names, with real fields,
/// levels and online levels, and 1–3 of 200 agencies each.
fn synthesize(real: &[IndexDoc], n: usize) -> Vec<IndexDoc> {
    let mut rng = Lcg(0x6d6f_7463_7561);
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut starts: Vec<&str> = Vec::new();
    for doc in real {
        let w = words(&doc.name);
        if let Some(first) = w.first() {
            starts.push(first);
        }
        for pair in w.windows(2) {
            next.entry(pair[0]).or_default().push(pair[1]);
        }
    }
    let agencies: Vec<String> = (0..200).map(|i| format!("agency-{i:03}")).collect();
    (0..n)
        .map(|i| {
            let model = rng
                .pick(real)
                .cloned()
                .unwrap_or_else(|| real_doc_placeholder(i));
            let length = words(&model.name).len().max(2);
            let mut name: Vec<&str> = Vec::with_capacity(length);
            let mut word = rng.pick(&starts).copied().unwrap_or("Cấp");
            name.push(word);
            while name.len() < length {
                let Some(followers) = next.get(word) else {
                    break;
                };
                word = rng.pick(followers).copied().unwrap_or("mới");
                name.push(word);
            }
            let offered: Vec<String> = (0..1 + rng.below(3))
                .filter_map(|_| rng.pick(&agencies).cloned())
                .collect();
            IndexDoc {
                code: format!("9.{i:06}"),
                name: name.join(" "),
                field: model.field,
                levels: model.levels,
                online_level: model.online_level,
                agencies: offered,
            }
        })
        .collect()
}

fn real_doc_placeholder(i: usize) -> IndexDoc {
    IndexDoc {
        code: format!("0.{i:06}"),
        name: "Cấp giấy phép".to_owned(),
        field: String::new(),
        levels: Vec::new(),
        online_level: OnlineLevel::None,
        agencies: Vec::new(),
    }
}

/// `n` queries as users type them: 1–5 consecutive words of a real name; half folded to
/// ASCII; a third with the last word cut short; a fifth with a level, online or field filter
/// taken from that procedure.
fn query_mix(real: &[IndexDoc], n: usize) -> Vec<Query> {
    let mut rng = Lcg(0x7365_6172_6368);
    (0..n)
        .map(|_| {
            let Some(doc) = rng.pick(real) else {
                return Query::new("");
            };
            let w = words(&doc.name);
            let len = (1 + rng.below(5)).min(w.len());
            let start = rng.below(w.len().saturating_sub(len) + 1);
            let mut text = w.get(start..start + len).unwrap_or(&[]).join(" ");
            if rng.below(2) == 0 {
                text = fold(&text);
            }
            if rng.below(3) == 0 {
                let last_start = text.rfind(' ').map_or(0, |i| i + 1);
                let last_len = text[last_start..].chars().count();
                if last_len > 1 {
                    let keep = 1 + rng.below(last_len - 1);
                    let cut = text[last_start..]
                        .char_indices()
                        .nth(keep)
                        .map_or(text.len(), |(i, _)| last_start + i);
                    text.truncate(cut);
                }
            }
            let mut query = Query::new(text);
            match rng.below(15) {
                0 => query.level = doc.levels.first().copied(),
                1 => query.online = Some(doc.online_level),
                2 => query.field = Some(doc.field.clone()),
                _ => {}
            }
            query
        })
        .collect()
}

/// Runs of each query in the percentile report.
const RUNS: usize = 3;

/// Times every query of the mix alone, [`RUNS`] times after a warm-up pass, and prints
/// percentiles twice: over all runs (what a request sees, scheduler noise included) and over
/// each query's median run (the cost of the query itself).
#[expect(
    clippy::print_stdout,
    reason = "a benchmark reports on stdout, like divan itself"
)]
fn report_percentiles() {
    let Ok(data) = &*DATA else { return };
    let build = |docs: &[IndexDoc]| {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let docs = docs.to_vec();
                let start = Instant::now();
                let index = CatalogIndex::build(docs);
                let elapsed = start.elapsed();
                drop(divan::black_box(index));
                elapsed
            })
            .collect();
        times.sort_unstable();
        times[times.len() / 2]
    };
    println!("catalog search: index build (median of 5)");
    println!(
        "  real      {:>6} docs  {:>10.2?}",
        data.real_docs.len(),
        build(&data.real_docs)
    );
    println!(
        "  synthetic {:>6} docs  {:>10.2?}",
        data.synthetic_docs.len(),
        build(&data.synthetic_docs)
    );
    println!(
        "catalog search: latency of {} mixed queries, {RUNS} runs each",
        data.queries.len()
    );
    println!(
        "  {:<14} {:<13} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "catalog", "over", "p50", "p90", "p99", "max", "hits/q"
    );
    for (label, index) in [("real", &data.real), ("synthetic 50k", &data.synthetic)] {
        for query in &data.queries {
            divan::black_box(index.search(query));
        }
        let mut total_hits = 0;
        let mut all_runs: Vec<Duration> = Vec::with_capacity(data.queries.len() * RUNS);
        let mut medians: Vec<(Duration, &Query)> = Vec::with_capacity(data.queries.len());
        for query in &data.queries {
            let mut runs: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    let results = divan::black_box(index.search(query));
                    let elapsed = start.elapsed();
                    total_hits += results.total;
                    elapsed
                })
                .collect();
            all_runs.extend(&runs);
            runs.sort_unstable();
            medians.push((runs[RUNS / 2], query));
        }
        all_runs.sort_unstable();
        medians.sort_unstable_by_key(|&(elapsed, _)| elapsed);
        let at = |sorted: &[Duration], p: f64| {
            sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
        };
        let per_query: Vec<Duration> = medians.iter().map(|&(elapsed, _)| elapsed).collect();
        let hits = total_hits / all_runs.len();
        for (over, sorted) in [("all runs", &all_runs), ("query median", &per_query)] {
            println!(
                "  {label:<14} {over:<13} {:>9.1?} {:>9.1?} {:>9.1?} {:>9.1?} {hits:>8}",
                at(sorted, 0.50),
                at(sorted, 0.90),
                at(sorted, 0.99),
                sorted[sorted.len() - 1],
            );
        }
        let slowest: Vec<String> = medians
            .iter()
            .rev()
            .take(5)
            .map(|(elapsed, query)| format!("{:?} {elapsed:.1?}", query.text))
            .collect();
        println!("    slowest (median of {RUNS}): {}", slowest.join(", "));
    }
}

/// Sample queries, by kind.
const QUERIES: &[&str] = &[
    "dang ky khai sinh",
    "đăng ký khai sinh",
    "dang ky khai s",
    "c",
    "cả",
    "hàn",
    "hòa giải",
    "cap giay phep xay dung",
    "gpxd",
];

fn data() -> &'static Data {
    match &*DATA {
        Ok(data) => data,
        // `main` exits before divan runs when the data failed to load.
        Err(_) => std::process::exit(1),
    }
}

#[divan::bench(sample_count = 20)]
fn build_real(bencher: divan::Bencher<'_, '_>) {
    let data = data();
    bencher
        .with_inputs(|| data.real_docs.clone())
        .bench_values(CatalogIndex::build);
}

#[divan::bench(sample_count = 10)]
fn build_synthetic_50k(bencher: divan::Bencher<'_, '_>) {
    let data = data();
    bencher
        .with_inputs(|| data.synthetic_docs.clone())
        .bench_values(CatalogIndex::build);
}

/// One query of the mix per iteration, cycling.
fn mix(bencher: divan::Bencher<'_, '_>, index: &CatalogIndex) {
    let queries = &data().queries;
    let mut i = 0;
    bencher
        .with_inputs(|| {
            i = (i + 1) % queries.len();
            &queries[i]
        })
        .bench_local_values(|query| index.search(query));
}

#[divan::bench]
fn search_mix_real(bencher: divan::Bencher<'_, '_>) {
    mix(bencher, &data().real);
}

#[divan::bench]
fn search_mix_synthetic_50k(bencher: divan::Bencher<'_, '_>) {
    mix(bencher, &data().synthetic);
}

#[divan::bench(args = QUERIES)]
fn search_real(bencher: divan::Bencher<'_, '_>, text: &str) {
    let query = Query::new(text);
    bencher.bench(|| data().real.search(&query));
}

#[divan::bench(args = QUERIES)]
fn search_synthetic_50k(bencher: divan::Bencher<'_, '_>, text: &str) {
    let query = Query::new(text);
    bencher.bench(|| data().synthetic.search(&query));
}

#[divan::bench]
fn browse_synthetic_50k_by_level(bencher: divan::Bencher<'_, '_>) {
    let query = Query {
        level: Some(ImplementingLevel::Commune),
        ..Query::new("")
    };
    bencher.bench(|| data().synthetic.search(&query));
}

/// The folding under everything: tokenizing every real name (NFC, as stored).
#[divan::bench]
fn tokenize_real_names(bencher: divan::Bencher<'_, '_>) {
    let names: Vec<&str> = data().real_docs.iter().map(|d| d.name.as_str()).collect();
    let bytes: usize = names.iter().map(|n| n.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            let mut tokens = 0_usize;
            for name in &names {
                motcua_core::text::for_each_token(divan::black_box(name), |keys| {
                    divan::black_box(keys);
                    tokens += 1;
                });
            }
            tokens
        });
}
