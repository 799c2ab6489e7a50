//! Faults the team's database must survive: an import killed midway, a database that cannot be
//! used (missing, empty, not SQLite, from a newer dissent, locked past the busy timeout), and an
//! export or bundle that runs out of disk. Each ends in a clear message, never a panic, and
//! leaves nothing half-written.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Dir, pilot, rubric, stderr};

common::both_backends! {
    an_import_killed_midway_changes_nothing_and_the_same_import_then_succeeds,
    an_export_or_bundle_that_fills_the_disk_leaves_nothing_at_the_target,
}
// SQLite only: broken and newer database files, and a lock held through rusqlite
// (tests/pg_faults.rs holds PostgreSQL's own).

/// A judgments file of `n` items, three reviewers each.
fn big_file(d: &Dir, n: usize) -> std::path::PathBuf {
    let labels = ["mild", "moderate", "severe"];
    let mut text = String::with_capacity(n * 200);
    for i in 0..n {
        for r in 0..3 {
            text.push_str(&format!(
                "{{\"item_id\":\"big-{i:07}\",\"reviewer\":\"R{r}\",\"label\":\"{}\",\"confidence\":{}}}\n",
                labels[(i + r * (i % 3)) % 3],
                1 + (i + r) % 5
            ));
        }
    }
    d.file("big.jsonl", text)
}

/// Whether an import into `d`'s database has started writing rows it has not committed: on
/// SQLite its write-ahead log has grown by 4 MiB since this was made; on PostgreSQL the server
/// is taking its judgments (and a few chunks more have had time to come).
fn writing(d: &Dir) -> impl FnMut() -> bool + '_ {
    let wal = d.path("db.sqlite-wal");
    let started = std::fs::metadata(&wal).map_or(0, |m| m.len());
    let mut server = d.pg().map(common::pg::PgDatabase::client);
    move || match &mut server {
        None => std::fs::metadata(&wal).map_or(0, |m| m.len()) >= started + (4 << 20),
        Some(client) => {
            let copying: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND query LIKE 'COPY judgments%'",
                    &[],
                )
                .expect("activity")
                .get(0);
            if copying > 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            copying > 0
        }
    }
}

/// Rows of `table` in `d`'s PostgreSQL database, as a second client counts them.
fn rows(db: &common::pg::PgDatabase, table: &str) -> i64 {
    db.client()
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .expect("count")
        .get(0)
}

fn an_import_killed_midway_changes_nothing_and_the_same_import_then_succeeds() {
    let d = pilot();
    let file = big_file(&d, 150_000);
    let before = (d.ok(&["items", "--json"]), d.ok(&["log", "--json"]));
    let judged = d.pg().map(|db| rows(db, "judgments"));
    let mut is_writing = writing(&d);
    let rubric = rubric("tumor_severity_grade.yaml");
    let args = [
        "import",
        file.to_str().expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "pilot",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .env("DISSENT_DB", d.db())
        .env("DISSENT_USER", "tester")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once it is writing: its rows are in the write-ahead log (SQLite) or the server's
    // open transaction (PostgreSQL), not yet committed.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !is_writing() {
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
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    let after = (d.ok(&["items", "--json"]), d.ok(&["log", "--json"]));
    assert!(
        after == before,
        "the killed import left rows or events behind"
    );
    if let Some(db) = d.pg() {
        assert_eq!(rows(db, "items"), 1, "only the seed item");
    }
    let verify: serde_json::Value =
        serde_json::from_str(&d.ok(&["verify", "--json"])).expect("json");
    assert_eq!(verify["intact"], true);
    // and the write lock it held is free again: the same import runs to its end
    let out = d.ok(&args);
    assert!(
        out.starts_with("imported 150000 items (450000 judgments)"),
        "{out}"
    );
    if let (Some(db), Some(judged)) = (d.pg(), judged) {
        assert_eq!(rows(db, "judgments"), judged + 450_000);
    }
}

/// What a command prints and how it exits against the database at `db`.
fn against(d: &Dir, db: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = common::run_in(d.dir.path(), db, args);
    (out.status.code(), stderr(&out))
}

#[test]
fn a_database_that_cannot_be_used_is_named_with_why_never_a_panic() {
    let d = pilot();
    let newer = d.path("newer.sqlite");
    std::fs::copy(d.path("db.sqlite"), &newer).expect("copy");
    rusqlite::Connection::open(&newer)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("version");
    let cases = [
        (d.path("missing.sqlite"), "no database at"),
        (d.file("empty.sqlite", ""), "the file holds no data"),
        (
            d.file("text.sqlite", "just some text\n".repeat(100)),
            "not an SQLite database",
        ),
        (newer, "made by a newer dissent (schema 99"),
    ];
    for (db, why) in &cases {
        for args in [
            &["items"][..],
            &[
                "adjudicate",
                "mri-2031",
                "--decision",
                "keep_soft",
                "--reason",
                "r",
            ],
            &["claims"],
            &["staff", "list"],
        ] {
            let (code, err) = against(&d, db, args);
            assert_eq!(code, Some(1), "{args:?} on {}: {err}", db.display());
            assert!(err.contains(why), "{args:?} on {}: {err}", db.display());
        }
    }
}

#[test]
fn a_database_locked_past_the_busy_timeout_says_so_and_the_decision_can_be_made_after() {
    let d = pilot();
    let holder = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
    holder.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let started = Instant::now();
    let args = [
        "adjudicate",
        "mri-2031",
        "--decision",
        "keep_soft",
        "--reason",
        "split",
    ];
    let out = d.run(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the database is busy"),
        "{}",
        stderr(&out)
    );
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "it waited first"
    );
    assert!(
        d.ok(&["items"]).contains("mri-2031"),
        "readers are not held up"
    );
    holder.execute_batch("ROLLBACK").expect("unlock");
    d.ok(&args);
}

/// A 96 KiB file system mounted at `dir` for the life of the value (root with mount rights).
struct Tiny(std::path::PathBuf);

impl Tiny {
    fn mount(dir: &std::path::Path) -> Option<Tiny> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=96k", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tiny(dir.to_path_buf()))
    }
}

impl Drop for Tiny {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn an_export_or_bundle_that_fills_the_disk_leaves_nothing_at_the_target() {
    let d = common::real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    // Enough lines to overflow 96 KiB.
    let big = Dir::new();
    let file = big_file(&big, 3000);
    d.import(&file, &rubric("tumor_severity_grade.yaml"), "big", &[]);
    let Some(disk) = Tiny::mount(&d.path("tiny")) else {
        common::missing("a tmpfs mount (root with mount rights)");
        return;
    };
    let out = d.run(&[
        "export",
        "--batch",
        "big",
        "--draft",
        "-o",
        "tiny/big.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("No space left on device"),
        "{}",
        stderr(&out)
    );
    let out = d.run(&[
        "export",
        "--batch",
        "big",
        "--draft",
        "--bundle",
        "tiny/bundle",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let left: Vec<_> = std::fs::read_dir(&disk.0)
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "left on the full disk: {left:?}");
    let exports = d.ok(&["log", "--json"]);
    assert!(!exports.contains("\"export\""), "no export was recorded");
}
