//! `dissent report -o qa.pdf` (and a reviewer's sheet as a PDF): a real, paginated PDF with its
//! font embedded, whose text (read back with poppler's `pdftotext`) holds every section and the
//! figures as the JSON has them; text from the data placed as text, never read as layout
//! markup; long lists cut with "and K more".

mod common;

use std::path::Path;
use std::process::Command;

use common::{Dir, gold_sent_back, real_batch, reviewer_error};
use serde_json::Value;

common::both_backends! {
    the_batch_pdf_holds_every_section_and_the_json_figures_in_an_embedded_font,
    text_from_the_data_is_placed_as_text_never_read_as_layout_markup,
    a_reviewer_sheet_pdf_holds_their_figures_and_items,
    a_counts_only_batch_says_why_it_has_no_reviewer_table,
    a_long_list_is_cut_in_print_and_a_long_table_repeats_its_header_on_each_page,
    a_long_id_breaks_inside_its_cell_and_copies_out_as_itself,
}

/// A reviewer name and a reason made of typst markup: read as markup they would be bold, a
/// heading, maths or code; they must come out as the characters typed.
const MARKUP_REVIEWER: &str = "*Dr* #emph[X] $y$";
const MARKUP_REASON: &str = "= not a heading #panic(\"no\") `raw` <tag> @ref \\ & \u{1b}[31m";

/// The gold fixture with one reviewer renamed to markup and one item sent to re-review with a
/// markup reason.
fn markup_batch() -> Dir {
    gold_sent_back(MARKUP_REVIEWER, MARKUP_REASON)
}

/// `pdftotext` and `pdfinfo` run here (poppler-utils; `.ci/run` installs it).
fn poppler() -> bool {
    common::have("pdftotext", "-v") && common::have("pdfinfo", "-v")
}

/// The PDF's text, in reading order with the layout kept (`pdftotext -layout`).
fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext reads the file");
    String::from_utf8(out.stdout).expect("utf8")
}

/// `pdfinfo`'s value for `key`.
fn info(pdf: &Path, key: &str) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    assert!(out.status.success(), "pdfinfo reads the file");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{key}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("pdfinfo has no {key}"))
}

/// The fonts `pdffonts` lists: (name, embedded).
fn fonts(pdf: &Path) -> Vec<(String, bool)> {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let emb = cols.len() >= 5 && cols[cols.len() - 5] == "yes";
            (cols[0].to_string(), emb)
        })
        .collect()
}

fn write_pdf(d: &Dir, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let path = d.path(name);
    let mut args = vec!["report"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-o", path.to_str().expect("path")]);
    d.ok(&args);
    let bytes = std::fs::read(&path).expect("pdf written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    path
}

/// Words of `needle` in order, whatever the line breaks and spacing between them in `hay`.
fn reads(hay: &str, needle: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    squash(hay).contains(&squash(needle))
}

fn the_batch_pdf_holds_every_section_and_the_json_figures_in_an_embedded_font() {
    if !poppler() {
        return;
    }
    let d = markup_batch();
    let pdf = write_pdf(&d, "qa.pdf", &[]);
    let json: Value = serde_json::from_str(&d.ok(&["report", "--json"])).expect("json");
    let all = text(&pdf);
    for section in std::iter::once("QA report · batch gold").chain(common::REPORT_SECTIONS) {
        assert!(reads(&all, section), "section {section}:\n{all}");
    }
    let alpha = json["agreement"]["alpha_nominal"]["value"]
        .as_f64()
        .expect("alpha");
    assert!(all.contains(&format!("{alpha:.3}")), "α as the JSON has it");
    let sha = json["header"]["rubric"]["sha256"].as_str().expect("sha");
    assert!(reads(&all, sha), "the rubric's sha256");
    for r in json["reviewers"].as_array().expect("reviewers") {
        let name = r["reviewer"].as_str().expect("name");
        assert!(all.contains(name), "reviewer {name} as typed");
    }
    // The charts are drawn with real text: their titles and axis captions extract.
    assert!(
        reads(&all, "Disagreement classes"),
        "chart text is text in the PDF"
    );
    assert!(
        fonts(&pdf).iter().all(|(_, embedded)| *embedded),
        "every font embedded: {:?}",
        fonts(&pdf)
    );
    assert!(
        fonts(&pdf)
            .iter()
            .any(|(n, _)| n.contains("DejaVuSans-Bold")),
        "{:?}",
        fonts(&pdf)
    );
    let pages: usize = info(&pdf, "Pages").parse().expect("pages");
    assert!(pages >= 2, "paginated: {pages} pages");
    assert!(
        all.replace(' ', "").contains(&format!("1/{pages}")),
        "page numbers of the whole"
    );
    assert_eq!(
        info(&pdf, "Creator"),
        format!("dissent {}", env!("CARGO_PKG_VERSION"))
    );
}

fn text_from_the_data_is_placed_as_text_never_read_as_layout_markup() {
    if !poppler() {
        return;
    }
    let d = markup_batch();
    let all = text(&write_pdf(&d, "qa.pdf", &[]));
    assert!(
        all.contains(MARKUP_REVIEWER),
        "the reviewer's name as typed"
    );
    assert!(
        reads(
            &all,
            "= not a heading #panic(\"no\") `raw` <tag> @ref \\ & ⟨U+001B⟩[31m"
        ),
        "the reason as typed, ESC shown by its code (the font has no control pictures):\n{all}"
    );
}

fn a_reviewer_sheet_pdf_holds_their_figures_and_items() {
    if !poppler() {
        return;
    }
    let d = markup_batch();
    d.ok(&reviewer_error("g2", "mild", &["B"], "misread the margin"));
    let all = text(&write_pdf(&d, "B.pdf", &["--reviewer", "B"]));
    for part in [
        "Reviewer sheet · B · batch gold",
        "Figures beside the panel",
        "Calibration",
        "Disagreements (3)",
        "Reviewer errors (1)",
        "Gold misses (2)",
        "misread the margin",
    ] {
        assert!(reads(&all, part), "{part}:\n{all}");
    }
}

fn a_counts_only_batch_says_why_it_has_no_reviewer_table() {
    if !poppler() {
        return;
    }
    let d = real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    let all = text(&write_pdf(&d, "qa.pdf", &[]));
    let json: Value = serde_json::from_str(&d.ok(&["report", "--json"])).expect("json");
    let note = json["reviewers_note"].as_str().expect("note");
    assert!(reads(&all, note), "{note}:\n{all}");
}

fn a_long_list_is_cut_in_print_and_a_long_table_repeats_its_header_on_each_page() {
    use dissent::report::document::{Block, Document, Row, Table};
    if !poppler() {
        return;
    }
    let table = |list: bool, rows: usize, head: &str| {
        Block::Table(Table {
            head: vec![head.into(), "Reason".into()],
            text_cols: vec![1],
            rows: (0..rows)
                .map(|i| Row::new(vec![format!("{head}-{i:04}"), "a reason".into()]))
                .collect(),
            list,
        })
    };
    let doc = Document {
        title: "Long".into(),
        blocks: vec![table(true, 130, "Listed"), table(false, 200, "Whole")],
    };
    let d = Dir::new();
    let path = d.path("long.pdf");
    std::fs::write(
        &path,
        dissent::report::pdf::render(doc, "tester").expect("pdf"),
    )
    .expect("write");
    let all = text(&path);
    let rows = dissent::report::pdf::LIST_ROWS;
    assert!(all.contains(&format!("Listed-{:04}", rows - 1)));
    assert!(
        !all.contains(&format!("Listed-{rows:04}")),
        "the list cut at {rows}"
    );
    assert!(
        reads(
            &all,
            &format!(
                "… and {} more (the HTML page and the JSON hold them all).",
                130 - rows
            )
        ),
        "{all}"
    );
    assert!(
        all.contains("Whole-0199"),
        "a table that is not a list is whole"
    );
    let pages: usize = info(&path, "Pages").parse().expect("pages");
    assert!(pages >= 3, "{pages}");
    let page_text = |page: usize| {
        let out = Command::new("pdftotext")
            .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext");
        String::from_utf8(out.stdout).expect("utf8")
    };
    let start = (1..=pages)
        .find(|&p| page_text(p).contains("Whole-0000"))
        .expect("the whole table");
    assert!(start < pages, "the whole table runs over pages");
    for page in start + 1..=pages {
        let text = page_text(page);
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            reads(first, "Whole Reason"),
            "page {page} opens with the table's header: {first}"
        );
    }
}

fn a_long_id_breaks_inside_its_cell_and_copies_out_as_itself() {
    use dissent::report::document::{Block, Document, Row, Table};
    if !poppler() {
        return;
    }
    let id = format!("case-{}", "0123456789".repeat(20));
    let doc = Document {
        title: "Long ids".into(),
        blocks: vec![Block::Table(Table {
            head: vec!["Item".into(), "Reason".into(), "By".into(), "At".into()],
            text_cols: vec![1, 2, 3],
            rows: vec![Row::new(vec![
                id.clone(),
                format!("see https://example.org/{}", "path/".repeat(40)),
                "qa-lead".into(),
                "2026-12-01T10:00:00Z".into(),
            ])],
            list: true,
        })],
    };
    let d = Dir::new();
    let path = d.path("ids.pdf");
    std::fs::write(
        &path,
        dissent::report::pdf::render(doc, "tester").expect("pdf"),
    )
    .expect("write");
    // In the order the page draws it (not laid out by column), the id reads whole.
    let raw = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext -raw");
    let squashed: String = String::from_utf8(raw.stdout)
        .expect("utf8")
        .split_whitespace()
        .collect();
    assert!(
        squashed.contains(&id),
        "the id, with nothing added to it: {squashed}"
    );
    // Every word lies within the page's margins (A4: 595 pt wide, 1.5 cm = 42.5 pt margins).
    let out = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext -bbox");
    let html = String::from_utf8(out.stdout).expect("utf8");
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        line[at..]
            .split('"')
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    let words: Vec<&str> = html.lines().filter(|l| l.contains("<word ")).collect();
    assert!(!words.is_empty());
    for w in words {
        assert!(
            attr(w, "xMin") >= 40.0 && attr(w, "xMax") <= 555.0,
            "a word outside the margins: {w}"
        );
    }
}
