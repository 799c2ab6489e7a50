//! Import and export throughput on a large synthetic batch (`cargo bench --bench throughput`).
//!
//! Generates 200k items × 5 reviewers as CSV (1M judgment rows), then times, each in a child
//! process so that its peak RSS is its own:
//! - the floor: the `sqlite3` shell's `.import` of the same CSV into a bare table;
//! - `dissent`'s import of it (parse, group, every summary, one transaction);
//! - `dissent`'s export of the 200k items to JSONL;
//! - `dissent report` of the batch: its figures (α nominal and ordinal with 1000 bootstrap
//!   resamples, κ, per-label κ, coincidence and reviewer-pair matrices, the per-reviewer table,
//!   Dawid–Skene, counts, lists), then the JSON, the HTML page and the PDF, each timed; and the agreement figures and Dawid–Skene by
//!   `tools/bench_report.py` (Python: the `krippendorff` package, statsmodels, crowd-kit) when
//!   `DISSENT_BENCH_PYTHON` names a Python that has them.
//!
//! Set `DISSENT_BENCH_ITEMS` for another size, `DISSENT_BENCH_DIR` to keep the generated files there.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod common;

use common::Rng;
use dissent::domain::rubric::Rubric;
use dissent::export::jsonl::export_batch;
use dissent::export::target::Target;
use dissent::ingest::{FieldMap, Format, ImportJob, import_files};
use dissent::store::Store;

const RUBRIC: &str = "task: tumor_severity_grade\nversion: 1\nlabels:\n  - id: mild\n  - id: moderate\n  - id: severe\nlevel: ordinal\nconfidence: {scale: [1, 5]}\n";
const REVIEWERS: usize = 5;

/// Peak resident set size of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn generate(path: &Path, items: usize) -> std::io::Result<()> {
    let labels = ["mild", "moderate", "severe"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "item_id,reviewer,label,confidence,evidence,text")?;
    for i in 0..items {
        let base = (rng.next() % 3) as usize;
        let spread = rng.next() % 4; // 0: unanimous … 3: wide split
        for r in 0..REVIEWERS {
            let label = if rng.next() % 4 < spread {
                labels[(rng.next() % 3) as usize]
            } else {
                labels[base]
            };
            let conf = 1 + rng.next() % 5;
            writeln!(
                w,
                "case-{i:07},reviewer-{r},{label},{conf},\"size {} mm, {} view\",\"Synthetic case {i}: lesion report for the bench\"",
                rng.next() % 40,
                if r % 2 == 0 { "axial" } else { "coronal" }
            )?;
        }
    }
    w.flush()
}

fn child(args: &[&str]) -> (f64, String) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("bench exe"))
        .args(args)
        .output()
        .expect("child");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "child {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        secs,
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("child-import") => {
            let rubric = Rubric::parse(RUBRIC).expect("rubric");
            let mut store = Store::open(Path::new(&args[3])).expect("db");
            let file = PathBuf::from(&args[2]);
            let done = import_files(
                &mut store,
                &ImportJob {
                    paths: &[file.as_path()],
                    rubric: &rubric,
                    batch: "bench",
                    format: Format::Auto,
                    map: &FieldMap::default(),
                    actor: "bench",
                    at: "2026-01-01T00:00:00Z",
                },
                |_| {},
            )
            .expect("import");
            println!("{} {} {:.1}", done.items, done.judgments, peak_rss_mib());
            return;
        }
        Some("child-export") => {
            let store = Store::open(Path::new(&args[2])).expect("db");
            let batch = store.batch(None).expect("batch");
            let target = Target::File(args[3].clone().into());
            let stop = std::sync::atomic::AtomicBool::new(false);
            let written =
                export_batch(&store, &batch, &target, Default::default(), &stop).expect("export");
            if let Some(staged) = written.staged {
                staged.persist().expect("persist");
            }
            println!("{} {:.1}", written.lines, peak_rss_mib());
            return;
        }
        Some("child-report") => {
            let store = Store::open(Path::new(&args[2])).expect("db");
            let batch = store.batch(None).expect("batch");
            let context = dissent::domain::report::ReportContext {
                batch: batch.name.clone(),
                status: batch.status.as_str().into(),
                generated_at: "2026-01-01T00:00:00Z".into(),
                tool_version: "bench".into(),
                generated_by: "bench".into(),
            };
            // The figures once, then each rendering of them, timed apart.
            let start = Instant::now();
            let report = dissent::report::collect(&store, &batch, None, context).expect("report");
            let collected = start.elapsed().as_secs_f64();
            let out = std::fs::File::create(&args[3]).expect("out");
            serde_json::to_writer(BufWriter::new(out), &report).expect("json");
            let json = start.elapsed().as_secs_f64();
            let page = dissent::report::document::batch(&report);
            let html = dissent::report::html::page(&page);
            std::fs::write(Path::new(&args[3]).with_extension("html"), html).expect("html");
            let html = start.elapsed().as_secs_f64();
            let pdf = dissent::report::pdf::render(page, "bench").expect("pdf");
            std::fs::write(Path::new(&args[3]).with_extension("pdf"), pdf).expect("pdf");
            let pdf = start.elapsed().as_secs_f64();
            println!(
                "{} {:.1} {collected:.2} {:.2} {:.2} {:.2}",
                report
                    .agreement
                    .alpha_nominal
                    .figure
                    .value
                    .unwrap_or(f64::NAN),
                peak_rss_mib(),
                json - collected,
                html - json,
                pdf - html
            );
            return;
        }
        _ => {}
    }
    let items: usize = std::env::var("DISSENT_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    // DISSENT_BENCH_DIR keeps the generated files (for profiling a step on its own).
    let temp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("DISSENT_BENCH_DIR").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    for stale in [
        "floor.db",
        "bench.db",
        "bench.db-wal",
        "bench.db-shm",
        "export.jsonl",
        "report.json",
        "report.html",
        "report.pdf",
    ] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    let csv = dir.join("judgments.csv");
    generate(&csv, items).expect("generate");
    let size_mib = std::fs::metadata(&csv)
        .map(|m| m.len() as f64 / 1048576.0)
        .unwrap_or(0.0);
    println!(
        "synthetic batch: {items} items × {REVIEWERS} reviewers = {} judgment rows, {size_mib:.1} MiB CSV",
        items * REVIEWERS
    );

    let floor_db = dir.join("floor.db");
    let start = Instant::now();
    let floor = Command::new("sqlite3")
        .arg(&floor_db)
        .args([".mode csv", &format!(".import {} judgments", csv.display())])
        .status();
    let floor_secs = match floor {
        Ok(s) if s.success() => Some(start.elapsed().as_secs_f64()),
        _ => {
            println!("sqlite3 shell not available: no floor measured");
            None
        }
    };

    let db = dir.join("bench.db");
    let (import_secs, out) = child(&[
        "child-import",
        csv.to_str().expect("path"),
        db.to_str().expect("path"),
    ]);
    let import_rss: f64 = out
        .split(' ')
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    let jsonl = dir.join("export.jsonl");
    let (export_secs, out) = child(&[
        "child-export",
        db.to_str().expect("path"),
        jsonl.to_str().expect("path"),
    ]);
    let export_rss: f64 = out
        .split(' ')
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    let report_json = dir.join("report.json");
    let (report_secs, out) = child(&[
        "child-report",
        db.to_str().expect("path"),
        report_json.to_str().expect("path"),
    ]);
    let field = |i: usize| -> f64 {
        out.split_whitespace()
            .nth(i)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let report_rss = field(1);
    let (collect_secs, json_secs, html_secs, pdf_secs) = (field(2), field(3), field(4), field(5));
    let python = std::env::var_os("DISSENT_BENCH_PYTHON").and_then(|py| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/bench_report.py");
        let start = Instant::now();
        let out = Command::new(py).arg(script).arg(&csv).output().ok()?;
        let secs = start.elapsed().as_secs_f64();
        println!("python: {}", String::from_utf8_lossy(&out.stdout).trim());
        out.status.success().then_some(secs)
    });

    println!();
    println!("| step | time | rate | peak RSS |");
    println!("|---|---|---|---|");
    if let Some(f) = floor_secs {
        println!(
            "| sqlite3 `.import` into a bare table (floor) | {f:.2} s | {:.0} rows/s | – |",
            (items * REVIEWERS) as f64 / f
        );
    }
    println!(
        "| dissent import (parse + summaries + indexes, one transaction) | {import_secs:.2} s | {:.0} rows/s | {import_rss:.0} MiB |",
        (items * REVIEWERS) as f64 / import_secs
    );
    println!(
        "| dissent export to JSONL | {export_secs:.2} s | {:.0} items/s | {export_rss:.0} MiB |",
        items as f64 / export_secs
    );
    println!(
        "| dissent report: the figures (α nominal + ordinal with 1000 bootstrap resamples, Dawid–Skene, reviewer table), then JSON, HTML and PDF | {report_secs:.2} s (figures {collect_secs:.2} s, JSON {json_secs:.2} s, HTML {html_secs:.2} s, PDF {pdf_secs:.2} s) | {:.0} items/s | {report_rss:.0} MiB |",
        items as f64 / report_secs
    );
    if let Some(py) = python {
        println!(
            "| Python: krippendorff + statsmodels + crowd-kit, 10 bootstrap resamples timed (the total for 1000 is printed above) | {py:.2} s | – | – |"
        );
    }
    if let Some(f) = floor_secs {
        println!("\nimport / floor = {:.2}× (target ≤ 1.5×)", import_secs / f);
    }
    println!(
        "export = {:.0} items/s (target ≥ 300k); peak RSS import {import_rss:.0} MiB, export {export_rss:.0} MiB (target < 150)",
        items as f64 / export_secs
    );
}
