//! `--db` / `$DISSENT_DB` as a PostgreSQL URL: its password is never shown, not even when the
//! server cannot be reached.

mod common;

use common::{Dir, stderr};

const SECRET_URL: &str = "postgres://ana:s3cret@db.internal:5432/panel?password=s3cret";

#[test]
fn a_url_s_password_is_never_echoed() {
    let d = Dir::new();
    for args in [
        &["stats"][..],
        &["--db", SECRET_URL, "stats"],
        &["items", "--json"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
            .args(args)
            .current_dir(d.dir.path())
            .env("DISSENT_DB", SECRET_URL)
            .output()
            .expect("run");
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?}");
        assert!(!err.contains("s3cret"), "{err}");
        assert!(
            err.contains("postgres://ana:***@db.internal:5432/panel?password=***")
                && err.contains("error connecting to server"),
            "{err}"
        );
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["copy", "--from", SECRET_URL, "--to", SECRET_URL])
        .current_dir(d.dir.path())
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(
        !out.status.success() && err.contains("postgres://ana:***@"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .arg("--help")
        .env("DISSENT_DB", SECRET_URL)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success() && text.contains("--db"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}

#[test]
fn a_command_that_needs_no_database_runs_whatever_it_names() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["completions", "bash"])
        .env("DISSENT_DB", SECRET_URL)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}
