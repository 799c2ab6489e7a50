//! Every parser over arbitrary bytes: random bytes, soups of the tokens the formats are made of,
//! and the seed's files (soft JSONL, judgment JSONL and CSV, counts; rubrics; a keys file) with
//! random edits. Parsing never panics, and ends either in items or in issues that each name a
//! line of the file. `PROPTEST_CASES=N` runs N cases of each instead of the quick default (a
//! long run: see the README).

mod common;

use common::{Dir, TUMOR_RUBRIC, root};
use dissent::domain::rubric::Rubric;
use dissent::ingest::{FieldMap, Format, parse_to_vec};
use dissent::tui::keymap::Keymap;
use proptest::prelude::*;

/// Pieces of JSON lines and CSV rows, hostile ones included.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\n",
    "\r\n",
    " ",
    "\u{feff}",
    "\u{200b}",
    "é",
    "e\u{308}",
    "\"item_id\"",
    "\"reviewer\"",
    "\"label\"",
    "\"counts\"",
    "\"distribution\"",
    "\"reviewer_count\"",
    "\"entropy_bits\"",
    "\"disagreement_class\"",
    "\"rationales\"",
    "\"confidence\"",
    "\"evidence\"",
    "\"task\"",
    "\"gold_label\"",
    "\"is_gold\"",
    "\"adjudicated_label\"",
    "\"adjudication_reason\"",
    "\"tumor_severity_grade\"",
    "\"mild\"",
    "\"severe\"",
    "\"agreement\"",
    "\"x\"",
    "\"A\"",
    "item_id",
    "reviewer",
    "label",
    "mild",
    "x",
    "A",
    "0",
    "1",
    "-1",
    "0.5",
    "3",
    "1e400",
    "18446744073709551615",
    "9223372036854775807",
    "null",
    "true",
    "NaN",
    "labels:\n",
    "  - id: ",
    "task: ",
    "version: ",
    "confidence: {scale: [1, 5]}\n",
    "reason_codes: [",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "'",
    "[keys]\n",
    " = ",
    "ctrl-",
    "\\u0000",
];

/// The seed's files, one per input shape.
const SEEDS: [&str; 4] = [
    "fixtures/mri-2031/soft.jsonl",
    "fixtures/mri-2031/judgments.jsonl",
    "fixtures/mri-2031/judgments.csv",
    "fixtures/mri-2031/counts.jsonl",
];

/// An edit at a position given as a fraction of the text's length.
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, usize),
    Byte(f64, u8),
}

fn edited(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    for e in edits {
        match *e {
            Edit::Delete(f, n) => {
                let start = at(f, bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert(f, t) => {
                let i = at(f, bytes.len());
                bytes.splice(i..i, TOKENS[t % TOKENS.len()].bytes());
            }
            Edit::Byte(f, b) => {
                let i = at(f, bytes.len());
                bytes.insert(i, b);
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0, 1usize..40).prop_map(|(f, n)| Edit::Delete(f, n)),
        (0.0..1.0, any::<usize>()).prop_map(|(f, t)| Edit::Insert(f, t)),
        (0.0..1.0, any::<u8>()).prop_map(|(f, b)| Edit::Byte(f, b)),
    ]
}

/// Ids for [`records`] (JSON text), hostile ones included.
const IDS: &[&str] = &[
    "\"x\"",
    "\"y\"",
    "1",
    "\"\"",
    "\"x \"",
    "\"A\u{200b}\"",
    "\"Zoe\u{308}\"",
];
/// Labels for [`records`].
const LABELS: &[&str] = &["\"mild\"", "\"severe\"", "\"huge\"", "3"];
/// `counts` objects for [`records`].
const COUNTS: &[&str] = &[
    "{\"mild\":1}",
    "{\"mild\":0}",
    "{\"mild\":-1}",
    "{\"huge\":1}",
    "{\"mild\":1,\"mild\":2}",
    "{\"mild\":18446744073709551615,\"severe\":1}",
    "{\"mild\":9223372036854775807,\"severe\":9223372036854775807}",
    "[]",
];
/// Further fields for [`records`], some of them given twice or out of place.
const EXTRAS: &[&str] = &[
    "\"confidence\":3",
    "\"confidence\":7",
    "\"confidence\":\"high\"",
    "\"text\":\"t1\"",
    "\"text\":\"t2\"",
    "\"label\":\"severe\"",
    "\"reviewer\":\"B\"",
    "\"task\":\"other\"",
    "\"gold_label\":\"mild\"",
];

/// Lines of one shape from fields valid and hostile: judgment rows as JSONL or CSV, or
/// label counts.
fn records() -> impl Strategy<Value = Vec<u8>> {
    let field = |pool: &'static [&'static str]| (0..pool.len()).prop_map(move |i| pool[i]);
    let record = (
        field(IDS),
        field(IDS),
        field(LABELS),
        field(COUNTS),
        proptest::option::of(field(EXTRAS)),
    );
    (0..3, proptest::collection::vec(record, 0..6)).prop_map(|(shape, records)| {
        let mut text = if shape == 1 {
            "item_id,reviewer,label,text\n".to_string()
        } else {
            String::new()
        };
        for (item, reviewer, label, counts, extra) in records {
            let extra = extra.map_or_else(String::new, |e| format!(",{e}"));
            text.push_str(&match shape {
                0 => format!(
                    "{{\"item_id\":{item},\"reviewer\":{reviewer},\"label\":{label}{extra}}}\n"
                ),
                1 => {
                    let plain = |v: &str| v.trim_matches('"').to_string();
                    let row = [item, reviewer, label, &extra].map(plain).join(",");
                    format!("{row}\n")
                }
                _ => format!("{{\"item_id\":{item},\"counts\":{counts}{extra}}}\n"),
            });
        }
        text.into_bytes()
    })
}

/// Random bytes, a soup of tokens, records of hostile fields, or a seed file with a few edits.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        3 => records(),
        1 => proptest::collection::vec(any::<usize>(), 0..80).prop_map(|ts| {
            let text: String = ts.iter().map(|&t| TOKENS[t % TOKENS.len()]).collect();
            text.into_bytes()
        }),
        2 => (0..SEEDS.len(), proptest::collection::vec(edit(), 0..6)).prop_map(|(s, edits)| {
            edited(
                std::fs::read(root().join(SEEDS[s])).expect("seed file"),
                &edits,
            )
        }),
    ]
}

/// The rubrics shipped, and a keys file binding several commands.
const RUBRIC_SEEDS: [&str; 4] = [
    "rubrics/tumor_severity_grade.yaml",
    "rubrics/nli.yaml",
    "rubrics/popquorn_offensiveness.yaml",
    "rubrics/cifar10_class.yaml",
];
const KEYS_SEED: &str = "[keys]\nhard-label = \"h\"\nmove-down = [\"n\", \"down\"]\nquit = \"ctrl-q\"\nsearch = \"/\"\n";

/// Random bytes, a soup of tokens, or one of `seeds` (the text itself) with a few edits.
fn loader_input(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        1 => proptest::collection::vec(any::<usize>(), 0..80).prop_map(|ts| {
            let text: String = ts.iter().map(|&t| TOKENS[t % TOKENS.len()]).collect();
            text.into_bytes()
        }),
        3 => (0..seeds.len(), proptest::collection::vec(edit(), 0..6))
            .prop_map(move |(s, edits)| edited(seeds[s].clone(), &edits)),
    ]
}

/// Cases per property: `PROPTEST_CASES`, else a quick run.
fn config() -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(300),
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_rubric_loader_ends_in_a_rubric_or_problems(bytes in loader_input(
        RUBRIC_SEEDS.iter().map(|p| std::fs::read(root().join(p)).expect("rubric")).collect()
    )) {
        if let Err(e) = Rubric::parse(&String::from_utf8_lossy(&bytes)) {
            let text = e.to_string();
            prop_assert!(!text.is_empty());
            prop_assert!(text.len() < 10_000, "{text}");
        }
    }

    #[test]
    fn the_keys_loader_ends_in_a_keymap_or_problems_naming_a_line(
        bytes in loader_input(vec![KEYS_SEED.as_bytes().to_vec()])
    ) {
        if let Err(e) = Keymap::from_toml(&String::from_utf8_lossy(&bytes), "keys.toml") {
            prop_assert!(!e.problems.is_empty());
            prop_assert!(e.to_string().starts_with("keys.toml"), "{e}");
        }
    }

    #[test]
    fn every_parser_ends_in_items_or_issues_naming_a_line(bytes in input()) {
        let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
        let d = Dir::new();
        for (name, format) in [
            ("in.jsonl", Format::Soft),
            ("in.jsonl", Format::Judgments),
            ("in.jsonl", Format::Counts),
            ("in.jsonl", Format::Auto),
            ("in.csv", Format::Judgments),
            ("in", Format::Auto),
        ] {
            let path = d.file(name, &bytes);
            match parse_to_vec(&[path.as_path()], &rubric, format, &FieldMap::default()) {
                Ok(items) => prop_assert!(!items.is_empty(), "{name} {format:?}: no items, no issue"),
                Err(issues) => {
                    prop_assert!(!issues.list().is_empty());
                    for i in issues.list() {
                        prop_assert!(i.line >= 1, "{name} {format:?}: no line in `{i}`");
                        prop_assert!(i.to_string().len() < 1000, "{name} {format:?}: `{i}`");
                    }
                }
            }
        }
    }
}

#[test]
fn the_seeds_parse_unedited() {
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    for seed in SEEDS {
        let items = parse_to_vec(
            &[root().join(seed).as_path()],
            &rubric,
            Format::Auto,
            &FieldMap::default(),
        )
        .unwrap_or_else(|e| panic!("{seed}: {e}"));
        assert!(!items.is_empty(), "{seed}");
    }
}
