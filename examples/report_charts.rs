//! Draws the QA report's charts for each real slice in `fixtures/real/`, and for the demo batch
//! (made up, but the one with stated confidences, which no real slice carries), from the figures
//! the library derives for their items: `cargo run --example report_charts -- DIR` writes
//! `DIR/<source>-{entropy,confidence,entropy-confidence,classes,flags}.svg`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dissent::domain::model::{DisagreementClass, FlagKind};
use dissent::domain::rubric::Rubric;
use dissent::domain::triage::summarize;
use dissent::ingest::{FieldMap, Format, parse_to_vec};
use dissent::report::charts::{
    Bins, Grid, confidence_histogram, count_bars, entropy_confidence, entropy_histogram,
};

/// Bins per histogram axis.
const BINS: usize = 20;

/// A source, its rubric and the column map it imports with.
const SOURCES: [(&str, &str, &str, &[&str]); 4] = [
    (
        "cifar10h",
        "real/cifar10h.slice.jsonl",
        "cifar10_class.yaml",
        &[],
    ),
    (
        "varierr-nli",
        "real/varierr-nli.slice.jsonl",
        "nli.yaml",
        &[],
    ),
    (
        "popquorn",
        "real/popquorn-offensiveness.slice.csv",
        "popquorn_offensiveness.yaml",
        &[
            "item_id=instance_id",
            "reviewer=user_id",
            "label=offensiveness",
        ],
    ),
    ("demo", "demo/demo.jsonl", "tumor_severity_grade.yaml", &[]),
];

fn main() -> anyhow::Result<()> {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        bail!("usage: cargo run --example report_charts -- DIR");
    };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, file, rubric, map) in SOURCES {
        let yaml = std::fs::read_to_string(root.join("rubrics").join(rubric))?;
        let rubric = Rubric::parse(&yaml)?;
        let map: Vec<String> = map.iter().map(|m| (*m).to_string()).collect();
        let map = FieldMap::parse(&map).map_err(anyhow::Error::msg)?;
        let path = root.join("fixtures").join(file);
        let items = parse_to_vec(&[path.as_path()], &rubric, Format::Auto, &map)
            .map_err(|issues| anyhow::anyhow!("{issues}"))?;
        let mut entropy = Bins::new(BINS);
        let mut confidence = Bins::new(BINS);
        let mut both = Grid::new(BINS);
        let mut classes = [0u64; DisagreementClass::ALL.len()];
        let mut flags = [0u64; FlagKind::ALL.len()];
        for item in &items {
            let record = &item.record;
            let summary = summarize(&record.panel, &rubric, record.gold_label.as_deref());
            let h = summary.figures.normalized_entropy;
            entropy.add(h);
            if let Some(c) = summary.mean_confidence {
                confidence.add(c);
                both.add(h, c);
            }
            classes[DisagreementClass::ALL
                .iter()
                .position(|&k| k == summary.figures.class)
                .unwrap_or(0)] += 1;
            for flag in summary.flag_set().iter() {
                flags[FlagKind::ALL.iter().position(|&k| k == flag).unwrap_or(0)] += 1;
            }
        }
        let named = |names: &[&'static str], counts: &[u64]| -> Vec<(&'static str, u64)> {
            names.iter().copied().zip(counts.iter().copied()).collect()
        };
        let class_names = DisagreementClass::ALL.map(DisagreementClass::as_str);
        let flag_names = FlagKind::ALL.map(FlagKind::as_str);
        let t = &rubric.flags;
        let charts = [
            ("entropy", entropy_histogram(&entropy, t.high_entropy)),
            (
                "confidence",
                confidence_histogram(&confidence, t.low_confidence),
            ),
            ("entropy-confidence", entropy_confidence(&both, t)),
            (
                "classes",
                count_bars(
                    "Disagreement classes",
                    &format!("{} items, one class each", items.len()),
                    "items",
                    &named(&class_names, &classes),
                ),
            ),
            (
                "flags",
                count_bars(
                    "Flags",
                    "an item can carry several",
                    "items flagged",
                    &named(&flag_names, &flags),
                ),
            ),
        ];
        for (chart, svg) in charts {
            let path = out.join(format!("{name}-{chart}.svg"));
            std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
        }
        println!("{name}: {} items", items.len());
    }
    Ok(())
}
