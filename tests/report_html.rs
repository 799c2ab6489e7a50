//! `dissent report -o qa.html` (and a reviewer's sheet as HTML): one self-contained page, read
//! back as XML: every section, the figures as the JSON has them, one inline chart each, no
//! script, no address, and hostile text from the data escaped.

mod common;

use common::{Dir, gold_sent_back, real_batch, reviewer_error, root, rubric};
use serde_json::Value;

common::both_backends! {
    the_page_holds_every_section_in_order_with_the_json_figures,
    five_inline_charts_no_script_and_no_address,
    hostile_text_comes_out_escaped,
    a_counts_only_batch_says_why_it_has_no_reviewer_table,
    a_reviewer_sheet_page_holds_their_figures_and_items_escaped,
    past_twenty_reviewers_pairs_are_listed_one_row_each,
    each_reviewer_opens_on_their_calibration_and_estimated_confusion,
    the_models_section_holds_evals_figures_and_the_entropy_chart,
}

/// A reason and a reviewer name that would run or repaint if they reached the page raw.
const HOSTILE_REASON: &str = "<script>alert('x')</script> & \"q\" \u{1b}[31mred";
const HOSTILE_REVIEWER: &str = "<img src=x onerror=alert(1)>";

/// The gold fixture, one reviewer renamed to something hostile, one item sent to re-review with
/// a hostile reason.
fn hostile_batch() -> Dir {
    gold_sent_back(HOSTILE_REVIEWER, HOSTILE_REASON)
}

/// The page and the JSON report of the same batch.
fn page_and_json(d: &Dir) -> (String, Value) {
    let path = d.path("qa.html");
    d.ok(&["report", "-o", path.to_str().expect("path")]);
    let html = std::fs::read_to_string(&path).expect("page written");
    let json: Value = serde_json::from_str(&d.ok(&["report", "--json"])).expect("json");
    (html, json)
}

/// The page without its doctype, parsed as XML.
fn parse(html: &str) -> roxmltree::Document<'_> {
    let body = html
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("the page opens with the HTML doctype");
    roxmltree::Document::parse(body).expect("the page is well-formed XHTML")
}

/// Every text node under `node`, joined.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The text of every `<h2>`, in order.
fn section_headings(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("h2"))
        .map(text_of)
        .collect()
}

fn the_page_holds_every_section_in_order_with_the_json_figures() {
    let d = hostile_batch();
    let (html, json) = page_and_json(&d);
    let doc = parse(&html);
    let headings = section_headings(&doc);
    assert_eq!(headings, common::REPORT_SECTIONS);
    let h1 = doc
        .descendants()
        .find(|n| n.has_tag_name("h1"))
        .expect("h1");
    assert_eq!(text_of(h1), "QA report · batch gold");

    let all = text_of(doc.root_element());
    let alpha = json["agreement"]["alpha_nominal"]["value"]
        .as_f64()
        .expect("α");
    let low = json["agreement"]["alpha_nominal"]["interval"]["low"]
        .as_f64()
        .expect("low");
    let high = json["agreement"]["alpha_nominal"]["interval"]["high"]
        .as_f64()
        .expect("high");
    assert!(all.contains(&format!("{alpha:.3}")), "α {alpha:.3}");
    assert!(all.contains(&format!("[{low:.3}, {high:.3}]")), "interval");
    assert!(all.contains("20240611"), "the bootstrap seed");
    let sha = json["header"]["rubric"]["sha256"].as_str().expect("sha");
    assert!(all.contains(sha));
    let gold = &json["gold"]["items"];
    assert!(all.contains(&format!(
        "[{:.3}, {:.3}]",
        gold["low"].as_f64().expect("low"),
        gold["high"].as_f64().expect("high")
    )));
    // Overconfident reviewers are named so, on a marked row.
    for row in json["reviewers"].as_array().expect("reviewers") {
        let name = row["reviewer"].as_str().expect("name");
        let marked = doc
            .descendants()
            .filter(|n| n.has_tag_name("tr") && n.attribute("class") == Some("mark"))
            .any(|n| text_of(n).starts_with(&format!("{name} (overconfident)")));
        assert_eq!(
            marked,
            row["overconfident"].as_bool().expect("flag"),
            "{name}"
        );
    }
    // Each list whole: every gold miss and rubric-problem item is named.
    for miss in json["lists"]["gold_misses"].as_array().expect("misses") {
        assert!(all.contains(miss["item_id"].as_str().expect("id")));
    }
}

fn five_inline_charts_no_script_and_no_address() {
    let d = hostile_batch();
    let (html, _) = page_and_json(&d);
    let doc = parse(&html);
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("svg")).count(),
        5
    );
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(
        !doc.descendants()
            .any(|n| n.has_tag_name("link") || n.has_tag_name("img"))
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script"));
}

fn hostile_text_comes_out_escaped() {
    let d = hostile_batch();
    let (html, _) = page_and_json(&d);
    assert!(!html.contains('\u{1b}'), "no raw ESC");
    assert!(
        !html.contains("<img"),
        "no live markup from a reviewer name"
    );
    let doc = parse(&html);
    let all = text_of(doc.root_element());
    assert!(
        all.contains("<script>alert('x')</script> & \"q\" ␛[31mred"),
        "the reason reads as text, ESC written visibly"
    );
    assert!(all.contains(HOSTILE_REVIEWER), "the reviewer reads as text");
}

fn a_counts_only_batch_says_why_it_has_no_reviewer_table() {
    let d = real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    let (html, json) = page_and_json(&d);
    let doc = parse(&html);
    let note = json["reviewers_note"].as_str().expect("note");
    assert!(text_of(doc.root_element()).contains(note));
}

fn a_reviewer_sheet_page_holds_their_figures_and_items_escaped() {
    let d = hostile_batch();
    d.ok(&reviewer_error("g2", "mild", &["B"], HOSTILE_REASON));
    let path = d.path("B.html");
    d.ok(&["report", "--reviewer", "B", "-o", path.to_str().expect("p")]);
    let html = std::fs::read_to_string(&path).expect("sheet written");
    let json: Value =
        serde_json::from_str(&d.ok(&["report", "--reviewer", "B", "--json"])).expect("json");
    let doc = parse(&html);
    let headings = section_headings(&doc);
    assert_eq!(
        headings,
        [
            "Figures beside the panel",
            "Calibration",
            "Disagreements (3)",
            "Reviewer errors (1)",
            "Gold misses (2)"
        ]
    );
    let all = text_of(doc.root_element());
    assert!(all.contains("<script>alert('x')</script> & \"q\" ␛[31mred"));
    assert!(!html.contains('\u{1b}') && !html.contains("<script"));
    let alpha = json["panel"]["alpha_nominal"]["value"].as_f64().expect("α");
    assert!(all.contains(&format!("{alpha:.3}")));
    for miss in json["gold_misses"].as_array().expect("misses") {
        assert!(all.contains(miss["item_id"].as_str().expect("id")));
    }
}

fn past_twenty_reviewers_pairs_are_listed_one_row_each() {
    let d = Dir::new();
    let mut jsonl = String::new();
    for item in ["i1", "i2"] {
        for r in 0..21 {
            let label = if r % 3 == 0 { "mild" } else { "moderate" };
            jsonl.push_str(&format!(
                "{{\"item_id\": \"{item}\", \"reviewer\": \"r{r:02}\", \"label\": \"{label}\"}}\n"
            ));
        }
    }
    let data = d.file("many.jsonl", jsonl);
    d.import(&data, &rubric("tumor_severity_grade.yaml"), "many", &[]);
    let (html, json) = page_and_json(&d);
    let doc = parse(&html);
    let pairs = json["pairs"].as_array().expect("pairs").len();
    assert_eq!(pairs, 21 * 20 / 2);
    let table = doc
        .descendants()
        .filter(|n| n.has_tag_name("table"))
        .find(|t| {
            t.descendants()
                .any(|n| n.has_tag_name("th") && text_of(n) == "With")
        })
        .expect("the pair list");
    let rows = table.descendants().filter(|n| n.has_tag_name("tr")).count();
    assert_eq!(rows, pairs + 1, "a header row and one row per pair");
}

fn each_reviewer_opens_on_their_calibration_and_estimated_confusion() {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    let (html, json) = page_and_json(&d);
    let doc = parse(&html);
    let details: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("details"))
        .collect();
    let reviewers = json["reviewers"].as_array().expect("reviewers");
    assert_eq!(details.len(), reviewers.len(), "one fold per reviewer");
    for (fold, row) in details.iter().zip(reviewers) {
        let summary = fold
            .children()
            .find(|n| n.has_tag_name("summary"))
            .map(text_of);
        assert_eq!(summary.as_deref(), row["reviewer"].as_str());
        let tables: Vec<_> = fold
            .descendants()
            .filter(|n| n.has_tag_name("table"))
            .collect();
        // VariErr states no confidence: a note, not a table of empty bins.
        assert!(text_of(*fold).contains("No stated confidence"));
        assert_eq!(tables.len(), usize::from(!row["confusion"].is_null()));
        if let Some(matrix) = row["confusion"].as_array() {
            // Each true class's row of the page is the JSON's, to three decimals.
            let body_rows: Vec<Vec<String>> = tables[0]
                .descendants()
                .filter(|n| n.has_tag_name("tr"))
                .skip(1)
                .map(|tr| {
                    tr.children()
                        .filter(|c| c.is_element())
                        .map(text_of)
                        .collect()
                })
                .collect();
            assert_eq!(body_rows.len(), matrix.len());
            for (cells, expected) in body_rows.iter().zip(matrix) {
                let expected: Vec<String> = expected
                    .as_array()
                    .expect("row")
                    .iter()
                    .map(|x| format!("{:.3}", x.as_f64().expect("number")))
                    .collect();
                assert_eq!(cells[1..], expected[..]);
            }
        }
    }
}

fn the_models_section_holds_evals_figures_and_the_entropy_chart() {
    let d = Dir::new();
    let fixtures = root().join("fixtures/predictions");
    d.import(
        &fixtures.join("cifar10h.slice.jsonl"),
        &rubric("cifar10_class.yaml"),
        "c10h",
        &[],
    );
    let (html, _) = page_and_json(&d);
    assert!(html.contains("No model&#39;s predictions were imported"));
    for model in ["hard", "soft"] {
        let file = fixtures.join(format!("{model}.jsonl"));
        d.ok(&[
            "predictions",
            "import",
            file.to_str().expect("path"),
            "--model",
            model,
        ]);
    }
    let (html, json) = page_and_json(&d);
    let eval: Value =
        serde_json::from_str(&d.ok(&["eval", "--model", "hard", "--model", "soft", "--json"]))
            .expect("json");
    let models = json["models"].as_array().expect("models");
    assert_eq!(models.len(), 2);
    for (m, e) in models
        .iter()
        .zip(eval["models"].as_array().expect("models"))
    {
        assert_eq!(m["name"], e["name"]);
        assert_eq!(
            m["figures"], e["figures"],
            "the report's figures are eval's"
        );
    }
    let tables = d.path("tables");
    std::fs::create_dir(&tables).expect("dir");
    d.ok(&["report", "--csv", tables.to_str().expect("path")]);
    let csv = std::fs::read_to_string(tables.join("models.csv")).expect("models.csv");
    assert_eq!(
        csv.lines().count(),
        1 + 2 * 5,
        "a row per model and class: {csv}"
    );
    assert!(
        csv.contains(&format!("hard,1,all,{},", models[0]["figures"]["items"])),
        "{csv}"
    );
    let doc = parse(&html);
    let text = text_of(doc.root_element());
    let kl = models[0]["figures"]["kl_mean"].as_f64().expect("kl");
    assert!(
        text.contains(&format!("{kl:.3}")),
        "the page shows KL {kl:.3}"
    );
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("svg")).count(),
        5 + 2,
        "one entropy chart per model"
    );
}
