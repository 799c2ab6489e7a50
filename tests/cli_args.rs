//! The command line as a user types it: global options anywhere, the console's options on the
//! bare command, and commands that say what they did or why they did nothing.

mod common;

use common::{Dir, pilot, reviewer_error, root, rubric, stderr};

common::both_backends! {
    batch_is_accepted_before_the_command_as_db_is,
    the_bare_command_takes_the_console_options_and_says_it_needs_a_terminal,
    log_of_an_item_that_is_not_there_is_an_error,
    a_counts_import_says_it_holds_counts_not_zero_judgments,
    a_reviewer_who_chose_the_hard_label_cannot_be_named_as_erring,
    log_narrows_to_an_actor_and_a_time,
}

fn batch_is_accepted_before_the_command_as_db_is() {
    let d = pilot();
    let before = d.ok(&["--batch", "pilot", "items", "--json"]);
    let after = d.ok(&["items", "--batch", "pilot", "--json"]);
    assert_eq!(before, after);
    let out = d.run(&["--batch", "nope", "stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

fn the_bare_command_takes_the_console_options_and_says_it_needs_a_terminal() {
    let d = Dir::new();
    for args in [
        &["--no-mouse"][..],
        &["--as", "ana", "--no-mouse"],
        &["review", "--no-mouse"],
    ] {
        let out = d.run(args);
        let err = stderr(&out);
        if args[0] == "review" && d.pg().is_none() {
            // review opens a database, and there is no file (a server's database is always
            // there: it is set up on first use)
            assert!(err.contains("no database at"), "{err}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("the console needs a terminal"), "{err}");
        assert!(!err.contains("os error"), "{err}");
    }
    let out = d.run(&["--no-mouse", "items"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "console options go with the console only"
    );
}

fn log_of_an_item_that_is_not_there_is_an_error() {
    let d = pilot();
    let out = d.run(&["log", "--item", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no item `nope` in batch `pilot`"),
        "{}",
        stderr(&out)
    );
    let log = d.ok(&["log", "--item", "mri-2031"]);
    assert!(log.is_empty(), "no event concerns the item yet: {log}");
    d.ok(&[
        "adjudicate",
        "mri-2031",
        "--decision",
        "keep_soft",
        "--reason",
        "honest split",
    ]);
    let log = d.ok(&["log", "--item", "mri-2031"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("decide"), "{log}");
    assert_eq!(
        d.ok(&["--batch", "pilot", "log"]).lines().count(),
        2,
        "import + decide"
    );
}

fn a_counts_import_says_it_holds_counts_not_zero_judgments() {
    let d = Dir::new();
    let out = d.import(
        &root().join("fixtures/mri-2031/counts.jsonl"),
        &rubric("tumor_severity_grade.yaml"),
        "counts",
        &[],
    );
    assert!(out.contains("imported 1 item (label counts only)"), "{out}");
    assert!(!out.contains("0 judgments"), "{out}");
}

fn a_reviewer_who_chose_the_hard_label_cannot_be_named_as_erring() {
    let d = pilot();
    let decide = |erring: &str| {
        d.run(&reviewer_error(
            "mri-2031",
            "moderate",
            &[erring],
            "misread the scale",
        ))
    };
    let out = decide("A");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("reviewer `A` chose `moderate`, the label given"),
        "{}",
        stderr(&out)
    );
    let out = decide("D");
    assert!(out.status.success(), "{}", stderr(&out));
}

fn log_narrows_to_an_actor_and_a_time() {
    let d = pilot();
    d.ok(&[
        "adjudicate",
        "mri-2031",
        "--decision",
        "keep_soft",
        "--reason",
        "split",
        "--as",
        "ana",
    ]);
    let ana = d.ok(&["log", "--actor", "ana"]);
    assert_eq!(ana.lines().count(), 1, "{ana}");
    assert!(ana.contains("decide"), "{ana}");
    // acting as someone else shows: the OS account that ran the command is recorded too
    assert!(ana.contains("ana ("), "{ana}");
    let events: serde_json::Value =
        serde_json::from_str(&d.ok(&["log", "--actor", "ana", "--json"])).expect("json");
    let account = events[0]["account"].as_str().expect("an account");
    assert!(!account.is_empty() && account != "ana", "{account}");
    assert_eq!(d.ok(&["log", "--actor", "nobody-here"]), "");
    assert_eq!(d.ok(&["log", "--since", "2000-01-01"]).lines().count(), 2);
    assert_eq!(d.ok(&["log", "--since", "2999-01-01T00:00:00+02:00"]), "");
    let out = d.run(&["log", "--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2), "a bad time is a usage error");
    assert!(stderr(&out).contains("is not a date"), "{}", stderr(&out));
}
