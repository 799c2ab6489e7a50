//! How the binary ends: a usage error exits 2, and a reader that stops early
//! (`dissent items | head`) ends the command quietly, with success.

mod common;

use std::process::{Command, Stdio};

use common::{Dir, root, rubric};

common::both_backends! {
    a_closed_stdout_ends_a_command_quietly,
}
// SQLite only: a_bad_map_is_a_usage_error checks that no database file is made.

/// Runs `dissent args` with its stdout's reading end closed before it writes; returns the
/// exit code and stderr.
fn closed_reader(d: &Dir, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .env("DISSENT_DB", d.db())
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

fn a_closed_stdout_ends_a_command_quietly() {
    let d = Dir::new();
    d.import(
        &root().join("fixtures/real/cifar10h.slice.jsonl"),
        &rubric("cifar10_class.yaml"),
        "c",
        &[],
    );
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

#[test]
fn a_bad_map_is_a_usage_error() {
    let d = Dir::new();
    let file = root().join("fixtures/mri-2031/judgments.csv");
    let rubric = rubric("tumor_severity_grade.yaml");
    let import = |maps: &[&str]| {
        let mut args = vec![
            "import",
            file.to_str().expect("path"),
            "--rubric",
            rubric.to_str().expect("path"),
        ];
        args.extend_from_slice(maps);
        d.run(&args)
    };
    for (maps, code, says) in [
        (&["--map", "labl=x"][..], 2, "`labl` is not a field"),
        (&["--map", "item_id"], 2, "expected FIELD=COLUMN"),
        (
            &["--map", "label=a", "--map", "label=b"],
            1,
            "`label` is given twice",
        ),
    ] {
        let out = import(maps);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{maps:?}: {stderr}");
        assert!(stderr.contains(says), "{maps:?}: {stderr}");
    }
    assert!(!d.path("db.sqlite").exists(), "no database made");
}
