//! What the CLI writes to and opens: export targets (stdout, links, pipes, devices) and the
//! database file (only an import creates one; a foreign file is never touched).

mod common;

use std::path::Path;

use common::{Dir, pilot, root, rubric, stderr};

/// The export temp files in the folder.
fn export_temps(d: &Dir) -> Vec<String> {
    std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dissent-export"))
        .collect()
}

#[test]
fn export_to_a_dash_writes_the_lines_to_stdout_and_no_file() {
    let d = pilot();
    let out = d.run(&["export", "-o", "-", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).expect("utf8");
    assert!(text.starts_with(r#"{"item_id":"mri-2031""#), "{text}");
    assert_eq!(text.lines().count(), 1);
    assert!(stderr(&out).contains("exported 1 item to standard output"));
    assert!(!d.path("-").exists(), "no file named -");
}

#[cfg(unix)]
#[test]
fn export_refuses_a_link_a_fifo_and_a_device_and_leaves_them_as_they_were() {
    let d = pilot();
    let target = d.file("target.jsonl", "kept\n");
    let link = d.path("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let fifo = d.path("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    for (path, kind) in [
        (link.as_path(), "a symbolic link"),
        (fifo.as_path(), "a named pipe (FIFO)"),
        (Path::new("/dev/null"), "a device"),
        (d.dir.path(), "a folder"),
    ] {
        let out = d.run(&["export", "-o", path.to_str().expect("path"), "--draft"]);
        assert_eq!(out.status.code(), Some(1), "{path:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "is {kind}: an export replaces only a regular file"
            )),
            "{err}"
        );
    }
    let link_meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(
        link_meta.file_type().is_symlink(),
        "the link is still a link"
    );
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "kept\n");
    let fifo_meta = std::fs::symlink_metadata(&fifo).expect("fifo");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &fifo_meta.file_type()
    ));
    let stray: Vec<_> = std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".dissent-export-")
        })
        .collect();
    assert!(stray.is_empty(), "no temp file left: {stray:?}");
}

#[test]
fn export_replaces_a_regular_file_whole() {
    let d = pilot();
    let out = d.file(
        "out.jsonl",
        "old contents that are longer than nothing\n".repeat(50),
    );
    d.ok(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    let text = std::fs::read_to_string(&out).expect("out");
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with(r#"{"item_id":"mri-2031""#));
}

#[test]
fn a_command_other_than_import_never_creates_or_sets_up_a_database() {
    let d = Dir::new();
    let out = d.run(&["items"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no database at"), "{}", stderr(&out));
    assert!(!d.path("db.sqlite").exists());
    // an empty file is not a database, and stays empty
    d.file("db.sqlite", "");
    let out = d.run(&["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a dissent database: the file holds no data"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::metadata(d.path("db.sqlite")).expect("db").len(), 0);
}

#[test]
fn a_foreign_database_is_refused_and_left_unchanged() {
    let d = Dir::new();
    let db = d.path("db.sqlite");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
            .expect("foreign schema");
    }
    let before = std::fs::read(&db).expect("bytes");
    for args in [
        &["items"][..],
        &[
            "import",
            root()
                .join("fixtures/mri-2031/judgments.jsonl")
                .to_str()
                .expect("path"),
            "--rubric",
            rubric("tumor_severity_grade.yaml").to_str().expect("path"),
        ],
    ] {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("not a dissent database: it holds other tables (notes)"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(&db).expect("bytes"),
        before,
        "not one byte changed"
    );
    assert!(!d.path("db.sqlite-wal").exists(), "not switched to WAL");
    let text = d.file(
        "notes.txt",
        "plain text, not SQLite, long enough to have a header.....",
    );
    let out = common::run_in(d.dir.path(), &text, &["items"]);
    assert!(
        stderr(&out).contains("not an SQLite database"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_first_import_that_fails_leaves_no_database_behind_and_the_demo_opens_again() {
    let d = Dir::new();
    let bad = d.file(
        "bad.jsonl",
        r#"{"item_id":"x","reviewer":"A","label":"huge"}"#,
    );
    let out = d.run(&[
        "import",
        bad.to_str().expect("path"),
        "--rubric",
        rubric("tumor_severity_grade.yaml").to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nothing imported"));
    let left: Vec<_> = std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("db.sqlite"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_export_whose_event_cannot_be_written_leaves_the_previous_file_and_no_temp() {
    let d = pilot();
    let out = d.path("out.jsonl");
    d.ok(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    let before = std::fs::read(&out).expect("first export");
    d.ok(&[
        "adjudicate",
        "mri-2031",
        "--decision",
        "keep_soft",
        "--reason",
        "a reason that changes the line",
    ]);
    {
        // stands in for a full disk or a lost lock at the moment the event is written
        let conn = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
        conn.execute_batch(
            "CREATE TRIGGER fail_export BEFORE INSERT ON events WHEN NEW.action = 'export'
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .expect("trigger");
    }
    let run = d.run(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("disk full"), "{}", stderr(&run));
    assert_eq!(
        std::fs::read(&out).expect("kept"),
        before,
        "the previous export stays"
    );
    assert_eq!(export_temps(&d), Vec::<String>::new());
}

#[test]
fn an_interrupted_export_puts_nothing_in_place_and_leaves_no_temp() {
    let d = pilot();
    let store = dissent::store::Store::open_existing(&d.path("db.sqlite")).expect("open");
    let batch = store.batch(None).expect("batch");
    let out = d.file("out.jsonl", "previous\n");
    let stop = std::sync::atomic::AtomicBool::new(true);
    let target = dissent::export::target::Target::check(&out).expect("target");
    let e =
        dissent::export::jsonl::export_batch(&store, &batch, &target, Default::default(), &stop)
            .expect_err("stopped");
    assert!(
        matches!(e, dissent::export::ExportError::Interrupted),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&out).expect("out"), "previous\n");
    assert_eq!(export_temps(&d), Vec::<String>::new());
}

/// Runs the binary as a user who may read the folder `d` but not write it (as `nobody` when
/// the tests run as root, which may write anything), with `DISSENT_DB` in it.
#[cfg(unix)]
fn as_viewer(d: &Dir, args: &[&str]) -> Option<std::process::Output> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    for entry in std::fs::read_dir(d.dir.path()).expect("dir").flatten() {
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o444))
            .expect("chmod");
    }
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let (_bin, exe) = common::binary_for_anyone();
    let mut command = if root {
        if !common::have("setpriv", "--version") {
            return None;
        }
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&exe);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
    };
    let out = command
        .args(args)
        .current_dir("/")
        .env("DISSENT_DB", d.path("db.sqlite"))
        .output()
        .expect("run");
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    Some(out)
}

#[cfg(unix)]
#[test]
fn a_viewer_of_a_read_only_database_reads_and_exports_and_is_told_what_is_not_recorded() {
    let d = pilot();
    let before = d.ok(&["log", "--json"]);
    for args in [
        &["items"][..],
        &["show", "mri-2031"],
        &["stats"],
        &["verify"],
        &["export", "--draft", "-o", "-"],
    ] {
        let Some(run) = as_viewer(&d, args) else {
            return;
        };
        assert!(run.status.success(), "{args:?}: {}", stderr(&run));
        if args[0] == "export" {
            assert!(String::from_utf8_lossy(&run.stdout).starts_with(r#"{"item_id":"mri-2031""#));
            assert!(
                stderr(&run).contains("read-only here: this export is not recorded"),
                "{}",
                stderr(&run)
            );
        }
    }
    let Some(run) = as_viewer(
        &d,
        &[
            "adjudicate",
            "mri-2031",
            "--decision",
            "keep_soft",
            "--reason",
            "x",
        ],
    ) else {
        return;
    };
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("the database is read-only here"),
        "{}",
        stderr(&run)
    );
    assert_eq!(d.ok(&["log", "--json"]), before, "nothing was recorded");
}

#[test]
fn an_export_into_a_missing_folder_is_refused_by_name_and_writes_nothing() {
    let d = pilot();
    let bundle = d.path("nodir/b");
    let bundle = bundle.to_str().expect("path");
    for (args, path, folder) in [
        (
            vec!["report", "-o", "nodir/qa.pdf"],
            "nodir/qa.pdf",
            "nodir".to_string(),
        ),
        (
            vec!["export", "-o", "nodir/x.jsonl", "--draft"],
            "nodir/x.jsonl",
            "nodir".to_string(),
        ),
        (
            vec!["export", "--bundle", bundle, "--draft"],
            bundle,
            d.path("nodir").display().to_string(),
        ),
    ] {
        let out = d.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!("dissent: {path}: no such folder `{folder}`\n"),
            "{args:?}"
        );
    }
    assert!(!d.path("nodir").exists());
    assert!(export_temps(&d).is_empty());
    let left: Vec<_> = std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["db.sqlite"], "nothing written beside the database");
}
