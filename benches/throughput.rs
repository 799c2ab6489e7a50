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

use std::path::Path;
use std::process::Command;
use std::time::Instant;

mod common;

use common::{REVIEWERS, child, field, generated, run_child, sqlite_floor};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if run_child(&args) {
        return;
    }
    let run = generated(&[
        "floor.db",
        "bench.db",
        "bench.db-wal",
        "bench.db-shm",
        "export.jsonl",
        "report.json",
        "report.html",
        "report.pdf",
    ]);
    let (dir, csv, items) = (run.dir.as_path(), &run.csv, run.items);

    let floor_secs = sqlite_floor(&dir.join("floor.db"), csv);

    let db = dir.join("bench.db");
    let (import_secs, out) = child(&[
        "child-import",
        csv.to_str().expect("path"),
        db.to_str().expect("path"),
    ]);
    let import_rss = field(&out, 2);
    let jsonl = dir.join("export.jsonl");
    let (export_secs, out) = child(&[
        "child-export",
        db.to_str().expect("path"),
        jsonl.to_str().expect("path"),
    ]);
    let export_rss = field(&out, 1);
    let report_json = dir.join("report.json");
    let (report_secs, out) = child(&[
        "child-report",
        db.to_str().expect("path"),
        report_json.to_str().expect("path"),
    ]);
    let report_rss = field(&out, 1);
    let (collect_secs, json_secs, html_secs, pdf_secs) = (
        field(&out, 2),
        field(&out, 3),
        field(&out, 4),
        field(&out, 5),
    );
    let python = std::env::var_os("DISSENT_BENCH_PYTHON").and_then(|py| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/bench_report.py");
        let start = Instant::now();
        let out = Command::new(py).arg(script).arg(csv).output().ok()?;
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
