//! Model predictions at a million items (`cargo bench --bench predictions_1m`).
//!
//! Generates a batch of 1M items as label counts (3 labels, 5 judgments each) and two models'
//! predictions for every item (`probs` for one, `logits` for the other), imports the batch,
//! then times the `dissent` binary, each run under `/usr/bin/time` for its peak RSS:
//! - `predictions import` of each model (parse, look up, KL, one transaction);
//! - `eval --model a --json` (every figure, per class);
//! - `eval --model a --model b --json` (both, side by side, 1000 paired bootstrap resamples).
//!
//! With `DISSENT_BENCH_PYTHON` naming a Python with numpy and scipy, `tools/bench_eval.py` does
//! the same computation on the same files beside it. `DISSENT_BENCH_ITEMS` sets another size,
//! `DISSENT_BENCH_DIR` keeps the files there.

mod common;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Rng;

const RUBRIC: &str = "task: bench\nversion: 1\nlabels:\n  - id: a\n  - id: b\n  - id: c\n";

/// Writes the batch (`counts.jsonl`) and the two models' files (`a.jsonl`, `b.jsonl`).
fn generate(dir: &Path, items: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let file = |name: &str| std::fs::File::create(dir.join(name)).map(BufWriter::new);
    let (mut counts, mut a, mut b) = (file("counts.jsonl")?, file("a.jsonl")?, file("b.jsonl")?);
    for i in 0..items {
        let mut c = [0u64; 3];
        let base = (rng.next() % 3) as usize;
        let spread = rng.next() % 4;
        for _ in 0..5 {
            let label = if rng.next() % 4 < spread {
                (rng.next() % 3) as usize
            } else {
                base
            };
            c[label] += 1;
        }
        writeln!(
            counts,
            "{{\"item_id\":\"case-{i:07}\",\"counts\":{{\"a\":{},\"b\":{},\"c\":{}}}}}",
            c[0], c[1], c[2]
        )?;
        // model a: the panel's shares, smoothed and jittered, in millionths summing to 10⁶
        let mut p = [0u64; 3];
        for (k, n) in c.iter().enumerate() {
            p[k] = 50_000 + n * 170_000 + rng.next() % 50_000;
        }
        let total: u64 = p.iter().sum();
        let (p0, p1) = (p[0] * 1_000_000 / total, p[1] * 1_000_000 / total);
        let p2 = 1_000_000 - p0 - p1;
        writeln!(
            a,
            "{{\"item_id\":\"case-{i:07}\",\"probs\":[0.{p0:06},0.{p1:06},0.{p2:06}]}}"
        )?;
        // model b: confident on the base label, as logits
        let sharp = (rng.next() % 400) as f64 / 100.0;
        let l: Vec<String> = (0..3)
            .map(|k| {
                let x = if k == base { sharp } else { 0.0 } + (rng.next() % 100) as f64 / 100.0;
                format!("{x:.2}")
            })
            .collect();
        writeln!(
            b,
            "{{\"item_id\":\"case-{i:07}\",\"logits\":[{}]}}",
            l.join(",")
        )?;
    }
    counts.flush()?;
    a.flush()?;
    b.flush()
}

/// Runs the binary on `db` with `args` under `/usr/bin/time`: (seconds, peak RSS MiB, stdout).
fn dissent(db: &Path, args: &[&str]) -> (f64, f64, String) {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M", env!("CARGO_BIN_EXE_dissent")])
        .args(args)
        .env("DISSENT_DB", db)
        .env("DISSENT_USER", "bench")
        .output()
        .expect("run /usr/bin/time dissent");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dissent {args:?}: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    let mut fields = last
        .split(' ')
        .map(|v| v.parse::<f64>().unwrap_or(f64::NAN));
    let secs = fields.next().unwrap_or(f64::NAN);
    let rss = fields.next().unwrap_or(f64::NAN) / 1024.0;
    (secs, rss, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn main() {
    let items: usize = std::env::var("DISSENT_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let temp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("DISSENT_BENCH_DIR").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    for stale in ["bench.db", "bench.db-wal", "bench.db-shm"] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    generate(dir, items).expect("generate");
    let rubric = dir.join("rubric.yaml");
    std::fs::write(&rubric, RUBRIC).expect("rubric");
    let db = dir.join("bench.db");
    let path = |name: &str| dir.join(name).to_str().expect("path").to_string();
    let size = |name: &str| {
        std::fs::metadata(dir.join(name)).map_or(f64::NAN, |m| m.len() as f64 / 1_048_576.0)
    };
    let (secs, _, _) = dissent(
        &db,
        &[
            "import",
            &path("counts.jsonl"),
            "--rubric",
            &path("rubric.yaml"),
            "--batch",
            "bench",
        ],
    );
    println!("batch: {items} items as label counts, imported in {secs:.2} s");
    let mut rows = Vec::new();
    for (model, file) in [("a", "a.jsonl"), ("b", "b.jsonl")] {
        let (s, rss, _) = dissent(
            &db,
            &["predictions", "import", &path(file), "--model", model],
        );
        rows.push(format!(
            "| `predictions import` of model {model} ({:.0} MiB JSONL) | {s:.2} s | {:.0} items/s | {rss:.0} MiB |",
            size(file),
            items as f64 / s
        ));
    }
    let (s, rss, _) = dissent(&db, &["eval", "--model", "a", "--json"]);
    rows.push(format!(
        "| `eval --model a` (every figure, per class) | {s:.2} s | {:.0} items/s | {rss:.0} MiB |",
        items as f64 / s
    ));
    let (s, rss, out) = dissent(&db, &["eval", "--model", "a", "--model", "b", "--json"]);
    rows.push(format!(
        "| `eval --model a --model b` (both, 1000 paired bootstrap resamples) | {s:.2} s | – | {rss:.0} MiB |"
    ));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("eval json");
    println!(
        "KL mean a {} b {}; Spearman a {} b {}",
        doc["models"][0]["figures"]["kl_mean"],
        doc["models"][1]["figures"]["kl_mean"],
        doc["models"][0]["figures"]["spearman"],
        doc["models"][1]["figures"]["spearman"]
    );
    if let Some(py) = std::env::var_os("DISSENT_BENCH_PYTHON") {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/bench_eval.py");
        match Command::new(py).arg(script).arg(dir).output() {
            Ok(out) if out.status.success() => {
                println!("python: {}", String::from_utf8_lossy(&out.stdout).trim());
            }
            Ok(out) => println!("python failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => println!("python not run: {e}"),
        }
    }
    println!("\n| step | time | rate | peak RSS |\n|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}
