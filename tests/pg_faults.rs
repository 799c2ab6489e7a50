//! Faults a team's PostgreSQL database must survive, as its SQLite file does (tests/faults.rs):
//! an import killed midway leaves nothing behind and the same import then succeeds; a write
//! held up past the busy timeout by another machine's says so and can be made after.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::pg::{PgDatabase, pg_database};
use common::{root, rubric, stderr};

/// Runs `dissent` with `args` against `db`.
fn dissent(db: &PgDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .env("DISSENT_DB", db.url())
        .env("DISSENT_USER", "tester")
        .output()
        .expect("run dissent")
}

/// Runs and asserts success; returns stdout.
fn ok(db: &PgDatabase, args: &[&str]) -> String {
    let out = dissent(db, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).expect("utf8")
}

/// A judgments file of `n` items, three reviewers each.
fn big_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let labels = ["mild", "moderate", "severe"];
    let mut text = String::with_capacity(n * 120);
    for i in 0..n {
        for r in 0..3 {
            text.push_str(&format!(
                "{{\"item_id\":\"big-{i:07}\",\"reviewer\":\"R{r}\",\"label\":\"{}\",\"confidence\":{}}}\n",
                labels[(i + r * (i % 3)) % 3],
                1 + (i + r) % 5
            ));
        }
    }
    let path = dir.join("big.jsonl");
    std::fs::write(&path, text).expect("write");
    path
}

/// Rows the server holds in `table` of the test database, as a second client counts them.
fn rows(db: &PgDatabase, table: &str) -> i64 {
    db.client()
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .expect("count")
        .get(0)
}

#[test]
fn an_import_killed_midway_on_a_server_changes_nothing_and_the_same_import_then_succeeds() {
    let Some(db) = pg_database() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rubric = rubric("tumor_severity_grade.yaml");
    let seed = root().join("fixtures/mri-2031/judgments.jsonl");
    let r = rubric.to_str().expect("path");
    ok(
        &db,
        &[
            "import",
            seed.to_str().expect("path"),
            "--rubric",
            r,
            "--batch",
            "pilot",
        ],
    );
    let before = (ok(&db, &["items", "--json"]), ok(&db, &["log", "--json"]));
    let judged = rows(&db, "judgments");
    let file = big_file(dir.path(), 150_000);
    let args = [
        "import",
        file.to_str().expect("path"),
        "--rubric",
        r,
        "--batch",
        "pilot",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .env("DISSENT_DB", db.url())
        .env("DISSENT_USER", "tester")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once the server is taking its judgments (uncommitted: no other client sees them).
    let mut watcher = db.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let copying: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND query LIKE 'COPY judgments%'",
                &[],
            )
            .expect("activity")
            .get(0);
        if copying > 0 {
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the import ended before it was killed"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // a few chunks more, then kill -9
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().expect("wait").is_none(), "still importing");
    child.kill().expect("kill -9");
    child.wait().expect("reaped");

    // The server ends the dead client's transaction; until then its rows were never visible.
    let after = (ok(&db, &["items", "--json"]), ok(&db, &["log", "--json"]));
    assert!(
        after == before,
        "the killed import left rows or events behind"
    );
    assert_eq!(rows(&db, "items"), 1, "only the seed item");
    let verify: serde_json::Value =
        serde_json::from_str(&ok(&db, &["verify", "--json"])).expect("json");
    assert_eq!(verify["intact"], true);
    // and the write lock it held is free again: the same import runs to its end
    let out = ok(&db, &args);
    assert!(
        out.starts_with("imported 150000 items (450000 judgments)"),
        "{out}"
    );
    assert_eq!(rows(&db, "judgments"), judged + 450_000);
}

#[test]
fn a_write_held_up_past_the_busy_timeout_by_another_machine_says_so_and_is_made_after() {
    let Some(db) = pg_database() else { return };
    let seed = root().join("fixtures/mri-2031/judgments.jsonl");
    let rubric = rubric("tumor_severity_grade.yaml");
    ok(
        &db,
        &[
            "import",
            seed.to_str().expect("path"),
            "--rubric",
            rubric.to_str().expect("path"),
            "--batch",
            "pilot",
        ],
    );
    // another machine's write in progress: it holds dissent's write lock
    let mut other = db.client();
    other.batch_execute("BEGIN").expect("begin");
    other
        .execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[
                &dissent::store::pg::WRITE_LOCK.0,
                &dissent::store::pg::WRITE_LOCK.1,
            ],
        )
        .expect("lock");
    let decide = [
        "adjudicate",
        "mri-2031",
        "--decision",
        "keep_soft",
        "--reason",
        "honest disagreement",
    ];
    let started = Instant::now();
    let out = dissent(&db, &decide);
    let waited = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the database is busy"),
        "{}",
        stderr(&out)
    );
    assert!(
        waited >= Duration::from_secs(9),
        "it waited the busy timeout first ({waited:?})"
    );
    other.batch_execute("COMMIT").expect("release");
    assert!(ok(&db, &decide).starts_with("recorded decision 1"));
}
