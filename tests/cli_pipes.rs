//! A reader that stops early (`dissent items | head`) ends the command quietly, with success.

mod common;

use std::process::{Command, Stdio};

use common::{Dir, root};

/// Runs `dissent args` with its stdout's reading end closed before it writes; returns the
/// exit code and stderr.
fn closed_reader(d: &Dir, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .env("DISSENT_DB", d.path("db.sqlite"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    let d = Dir::new();
    let file = root().join("fixtures/real/cifar10h.slice.jsonl");
    let rubric = root().join("rubrics/cifar10_class.yaml");
    d.ok(&[
        "import",
        file.to_str().expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "c",
    ]);
    for args in [
        &["completions", "bash"][..],
        &["completions", "fish"],
        &["items"],
        &["items", "--json"],
        &["log"],
        &["stats"],
    ] {
        assert_eq!(
            closed_reader(&d, args),
            (Some(0), String::new()),
            "{args:?}"
        );
    }
}
