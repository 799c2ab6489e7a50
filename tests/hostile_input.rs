//! Hostile input to `dissent import`: endless and oversized input is cut off with a message,
//! echoed values stay short, and pipes, FIFOs and stdin are read once.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Dir, TUMOR_RUBRIC, stderr};
use dissent::domain::rubric::Rubric;
use dissent::ingest::{FieldMap, Format, Issues, parse_to_vec};

common::both_backends! {
    a_line_that_never_ends_is_cut_at_16_mib,
    a_long_jsonl_line_or_csv_row_is_refused_on_its_line,
    a_csv_header_of_a_million_columns_is_refused,
    endless_garbage_stops_at_the_problem_cap,
    echoed_values_are_cut_to_a_readable_length,
    a_rubric_that_never_ends_is_refused,
    stdin_is_read_once_as_dash_or_dev_stdin,
    a_fifo_is_read_once,
}

/// Three judgment rows of item `x`.
const ROWS: &str = r#"{"item_id":"x","reviewer":"A","label":"mild"}
{"item_id":"x","reviewer":"B","label":"mild"}
{"item_id":"x","reviewer":"C","label":"severe"}
"#;

const MIB: usize = 1 << 20;

fn refused(path: &Path) -> Issues {
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    match parse_to_vec(&[path], &rubric, Format::Auto, &FieldMap::default()) {
        Ok(items) => panic!("{} accepted with {} items", path.display(), items.len()),
        Err(issues) => issues,
    }
}

/// `dissent import ARGS… --rubric r.yaml` in `d`, not yet waited for, its stdin piped.
fn spawn_import(d: &Dir, args: &[&str]) -> Child {
    let rubric = d.file("r.yaml", TUMOR_RUBRIC);
    spawn_import_under(d, args, &rubric)
}

/// [`spawn_import`] under the rubric file `rubric`.
fn spawn_import_under(d: &Dir, args: &[&str], rubric: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dissent"))
        .arg("import")
        .args(args)
        .arg("--rubric")
        .arg(rubric)
        .current_dir(d.dir.path())
        .env("DISSENT_DB", d.db())
        .env("DISSENT_USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dissent")
}

/// Waits for `child`, killing it and failing after `limit`.
fn finish_within(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            child.kill().expect("kill");
            panic!("dissent still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Runs an import with nothing on stdin that must end within a minute, refused with
/// `message` on stderr.
fn refused_within_a_minute(mut child: Child, message: &str) {
    drop(child.stdin.take());
    let out = finish_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(message), "{}", stderr(&out));
}

fn a_line_that_never_ends_is_cut_at_16_mib() {
    let d = Dir::new();
    refused_within_a_minute(
        spawn_import(&d, &["/dev/zero"]),
        "/dev/zero:1: line: longer than 16 MiB",
    );
}

fn a_long_jsonl_line_or_csv_row_is_refused_on_its_line() {
    let d = Dir::new();
    let long = format!("{ROWS}{{\"item_id\":\"{}\"}}\n{ROWS}", "y".repeat(16 * MIB));
    let issues = refused(&d.file("long.jsonl", long));
    assert_eq!(issues.list().len(), 1, "{issues}");
    assert_eq!(
        issues.list()[0].to_string(),
        format!(
            "{}:4: line: longer than 16 MiB",
            d.path("long.jsonl").display()
        )
    );
    let csv = format!(
        "item_id,reviewer,label,evidence\nx,A,mild,ok\ny,B,mild,\"{}\"\n",
        "z".repeat(17 * MIB)
    );
    let issues = refused(&d.file("long.csv", csv));
    assert_eq!(
        issues.list()[0].to_string(),
        format!(
            "{}:3: row: longer than 16 MiB",
            d.path("long.csv").display()
        )
    );
}

fn a_csv_header_of_a_million_columns_is_refused() {
    let d = Dir::new();
    let columns: String = (0..1 << 20).map(|i| format!(",c{i}")).collect();
    let csv = format!("item_id,reviewer,label{columns}\nx,A,mild\n");
    let issues = refused(&d.file("wide.csv", csv));
    assert_eq!(
        issues.list()[0].to_string(),
        format!(
            "{}:1: header: 1048579 columns, more than the 10000 read",
            d.path("wide.csv").display()
        )
    );
}

fn endless_garbage_stops_at_the_problem_cap() {
    let d = Dir::new();
    refused_within_a_minute(spawn_import(&d, &["/dev/urandom"]), "nothing imported");
}

fn echoed_values_are_cut_to_a_readable_length() {
    let d = Dir::new();
    let text: String = (0..60)
        .map(|i| {
            format!(
                "{{\"item_id\":\"i{i}\",\"reviewer\":\"A\",\"label\":\"{}\"}}\n",
                "m".repeat(MIB)
            )
        })
        .collect();
    let issues = refused(&d.file("big.jsonl", text));
    assert_eq!(issues.list().len(), dissent::ingest::MAX_ISSUES);
    let longest = issues.list().iter().map(|i| i.to_string().len()).max();
    assert!(longest < Some(400), "{longest:?}: {}", issues.list()[0]);
    assert!(
        issues.list()[0].message.contains("mmm…`"),
        "{}",
        issues.list()[0]
    );
}

fn a_rubric_that_never_ends_is_refused() {
    let d = Dir::new();
    let data = d.file("a.jsonl", ROWS);
    refused_within_a_minute(
        spawn_import_under(&d, &[data.to_str().expect("path")], Path::new("/dev/zero")),
        "/dev/zero: the rubric is longer than 1 MiB",
    );
}

/// Imports `input` given as `arg` with `input` on stdin, and checks the one item arrived.
fn imports_from_stdin(arg: &str, input: &str) {
    let d = Dir::new();
    let mut child = spawn_import(&d, &[arg, "--batch", "b"]);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write");
    drop(stdin);
    let out = finish_within(child, Duration::from_secs(60));
    assert!(out.status.success(), "{arg}: {}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 1 item (3 judgments)"),
        "{arg}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        d.show("x")["judgments"].as_array().map(Vec::len),
        Some(3),
        "{arg}"
    );
}

fn stdin_is_read_once_as_dash_or_dev_stdin() {
    imports_from_stdin("-", ROWS);
    imports_from_stdin("/dev/stdin", ROWS);
    // Without a name to go by, a first line with commas is a CSV header.
    imports_from_stdin(
        "-",
        "item_id,reviewer,label\nx,A,mild\nx,B,mild\nx,C,severe\n",
    );
}

fn a_fifo_is_read_once() {
    let d = Dir::new();
    let fifo = d.path("rows.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        common::missing("mkfifo");
        return;
    }
    let child = spawn_import(&d, &[fifo.to_str().expect("path"), "--batch", "b"]);
    let writer = std::thread::spawn(move || {
        std::fs::write(&fifo, ROWS).expect("write the FIFO");
    });
    let out = finish_within(child, Duration::from_secs(60));
    writer.join().expect("writer");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(d.show("x")["judgments"].as_array().map(Vec::len), Some(3));
}
