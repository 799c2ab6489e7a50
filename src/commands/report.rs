//! `dissent report`: the QA report of a batch as JSON (stdout or a file), an HTML page and CSV
//! tables.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};

use crate::domain::report::{Report, Sheet};
use crate::export::target::{Staged, Target};
use crate::report::collect;
use crate::report::csv::{TABLES, write_table};
use crate::report::{document, html, pdf};
use crate::store::Store;

/// What to write.
pub struct Request<'a> {
    /// `-o`: a `.json`, `.html` or `.pdf` file (or `-` for JSON on stdout).
    pub out: Option<&'a Path>,
    /// `--json`: the JSON document on stdout.
    pub json: bool,
    /// `--csv DIR`: the tables as CSV files.
    pub csv: Option<&'a Path>,
    /// `--reviewer NAME`: that reviewer's feedback sheet instead of the batch report.
    pub reviewer: Option<&'a str>,
    /// Who makes the report.
    pub actor: &'a str,
}

/// What is written: the batch report, or one reviewer's sheet.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Doc {
    Report(Box<Report>),
    Sheet(Box<Sheet>),
}

/// The rendering `-o` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Html,
    Pdf,
}

/// Builds the report of a batch and writes what `req` asks; with no output named, prints a
/// summary.
pub fn run(store: &Store, batch: Option<&str>, req: &Request<'_>) -> Result<()> {
    // Refused before any work: renderings that do not exist yet, and unknown extensions.
    let out = req.out.map(check_out).transpose()?;
    let batch = store.batch(batch)?;
    let report = collect(
        store,
        &batch,
        req.reviewer,
        crate::report::context(&batch, req.actor, &super::now()),
    )?;
    let doc = match req.reviewer {
        Some(name) => Doc::Sheet(Box::new(sheet_of(report, name, &batch.name)?)),
        None => Doc::Report(Box::new(report)),
    };
    let mut staged = Vec::new();
    if let (Some(dir), Doc::Report(report)) = (req.csv, &doc) {
        if !dir.is_dir() {
            bail!(
                "{}: no such folder (--csv writes into an existing folder)",
                dir.display()
            );
        }
        for name in TABLES {
            let path = dir.join(name);
            Target::check(&path)?;
            let file = Staged::create(&path)?;
            write_table(report, name, std::io::BufWriter::new(file.file()))?;
            staged.push((file, path));
        }
    }
    match out {
        Some((Target::File(path), format)) => {
            let file = Staged::create(&path)?;
            let mut w = std::io::BufWriter::new(file.file());
            let page = || match &doc {
                Doc::Report(report) => document::batch(report),
                Doc::Sheet(sheet) => document::sheet(sheet),
            };
            match format {
                Format::Html => w.write_all(html::page(&page()).as_bytes())?,
                Format::Pdf => w.write_all(&pdf::render(page(), req.actor)?)?,
                Format::Json => {
                    serde_json::to_writer(&mut w, &doc)?;
                    w.write_all(b"\n")?;
                }
            }
            w.flush()?;
            drop(w);
            staged.push((file, path));
        }
        Some((Target::Stdout, _)) => print_json(&doc)?,
        None if req.json => print_json(&doc)?,
        None if staged.is_empty() => match &doc {
            Doc::Sheet(sheet) => sheet_summary(sheet)?,
            Doc::Report(report) => summary(report)?,
        },
        None => {}
    }
    for (file, path) in staged {
        file.persist()?;
        super::note(format_args!("wrote {}", path.display()));
    }
    Ok(())
}

/// The `-o` target and its rendering: a `.json`, `.html` or `.pdf` file, or `-` (JSON).
fn check_out(path: &Path) -> Result<(Target, Format)> {
    let target = Target::check(path)?;
    if target == Target::Stdout {
        return Ok((target, Format::Json));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => Ok((target, Format::Json)),
        "html" => Ok((target, Format::Html)),
        "pdf" => Ok((target, Format::Pdf)),
        _ => bail!(
            "{}: unknown report format `.{ext}`; -o takes a .pdf, .html or .json file",
            path.display()
        ),
    }
}

/// The sheet of `name`, or why there is none.
fn sheet_of(report: Report, name: &str, batch: &str) -> Result<Sheet> {
    if report.reviewers.is_empty() {
        bail!(
            "batch `{batch}` has no per-reviewer record (it was imported as label counts): no reviewer sheet"
        );
    }
    let known = report.reviewers.len();
    match report.sheet() {
        Some(sheet) => Ok(sheet),
        None => bail!(
            "no reviewer `{name}` in batch `{batch}` ({known} reviewers; `dissent report --json` lists them)"
        ),
    }
}

/// The sheet's few lines for the terminal.
fn sheet_summary(s: &Sheet) -> Result<()> {
    let mut out = super::plain::stdout(false);
    let r = &s.reviewer;
    let fig = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"));
    writeln!(
        out,
        "reviewer {} · batch {} · {} items",
        r.reviewer, s.header.batch, r.items
    )?;
    writeln!(
        out,
        "leave-one-out agreement {} (panel {}) · κ with the rest {}",
        fig(r.leave_one_out.rate),
        fig(s.panel.leave_one_out_rate),
        fig(r.leave_one_out.kappa.value)
    )?;
    writeln!(
        out,
        "mean confidence {} · Brier {} · estimated accuracy {}{}",
        fig(r.mean_confidence),
        fig(r.brier),
        fig(r.estimated_accuracy),
        if r.overconfident {
            " · overconfident"
        } else {
            ""
        }
    )?;
    writeln!(
        out,
        "gold {}/{} (panel {}/{}) · disagreements {} · reviewer_error decisions {} · gold misses {}",
        r.gold.passed,
        r.gold.total,
        s.panel.gold.passed,
        s.panel.gold.total,
        s.disagreements.len(),
        s.errors.len(),
        s.gold_misses.len()
    )?;
    writeln!(
        out,
        "(every figure: --json, -o NAME.json, -o NAME.html or -o NAME.pdf)"
    )?;
    Ok(())
}

fn print_json(doc: &Doc) -> Result<()> {
    let mut out = super::plain::stdout(true);
    serde_json::to_writer(&mut out, doc)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A few lines for the terminal.
fn summary(r: &Report) -> Result<()> {
    let mut out = super::plain::stdout(false);
    let h = &r.header;
    let a = &r.agreement;
    let fig = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"));
    writeln!(
        out,
        "batch {} · {} v{} · {} · {} items · {} reviewers · {} judgments",
        h.batch, h.task, h.rubric.version, h.status, h.items, h.reviewers, h.judgments
    )?;
    let levels = std::iter::once(("nominal", &a.alpha_nominal))
        .chain(a.alpha_level.as_ref().map(|alpha| (a.level, alpha)));
    for (level, alpha) in levels {
        writeln!(
            out,
            "krippendorff_alpha ({level})  {}  95% [{}, {}] ({} resamples, seed {})",
            fig(alpha.figure.value),
            fig(alpha.interval.low),
            fig(alpha.interval.high),
            alpha.interval.resamples,
            alpha.interval.seed
        )?;
    }
    writeln!(out, "fleiss_kappa        {}", fig(a.fleiss_kappa.value))?;
    writeln!(
        out,
        "percent_agreement   {}",
        fig(a.percent_agreement.value)
    )?;
    let g = &r.gold.items;
    writeln!(
        out,
        "gold items passed   {}/{}  95% [{}, {}]",
        g.passed,
        g.total,
        fig(g.low),
        fig(g.high)
    )?;
    writeln!(
        out,
        "re-review {} · rubric-problem splits {} · gold misses {}",
        r.lists.rereview.len(),
        r.lists.rubric_problems.len(),
        r.lists.gold_misses.len()
    )?;
    writeln!(
        out,
        "(every figure: --json, -o QA.json, -o QA.html, -o QA.pdf or --csv DIR)"
    )?;
    Ok(())
}
