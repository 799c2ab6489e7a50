//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::cell::Cell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The seed's rubric: three labels, a 1–5 confidence scale.
pub const TUMOR_RUBRIC: &str = "task: tumor_severity_grade\nversion: 1\nlabels:\n  - id: mild\n  - id: moderate\n  - id: severe\nconfidence: {scale: [1, 5]}\n";

/// A temp folder holding input files, and the database the tests run dissent on: `db.sqlite`
/// in the folder, or on the PostgreSQL backend ([`on_postgres`]) a fresh database of its own,
/// dropped with the folder.
pub struct Dir {
    pub dir: tempfile::TempDir,
    pg: Option<pg::PgDatabase>,
}

impl Dir {
    /// A new folder, with a new database on the current thread's backend.
    pub fn new() -> Dir {
        let pg = match BACKEND.get() {
            Backend::Sqlite => None,
            Backend::Postgres => {
                Some(pg::pg_database().expect("on_postgres runs a test only where a server is set"))
            }
        };
        Dir {
            dir: tempfile::tempdir().expect("tempdir"),
            pg,
        }
    }

    /// The database's location as `--db` / `$DISSENT_DB` take it: `db.sqlite` in this folder, or
    /// the PostgreSQL database's URL.
    pub fn db(&self) -> String {
        match &self.pg {
            Some(pg) => pg.url(),
            None => self.path("db.sqlite").to_str().expect("path").to_string(),
        }
    }

    /// The database's location, as the store takes it.
    pub fn location(&self) -> dissent::store::Location {
        dissent::store::Location::from(std::ffi::OsString::from(self.db()))
    }

    /// The PostgreSQL database, on that backend.
    pub fn pg(&self) -> Option<&pg::PgDatabase> {
        self.pg.as_ref()
    }

    /// Writes `name` with `bytes` and returns its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the binary with `args` in this folder against its database ([`Dir::db`]).
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.dir.path(), self.db(), args)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "dissent {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf8")
    }

    /// Imports `file` under `rubric` into `batch` (with `extra` arguments), asserting success;
    /// returns stdout.
    pub fn import(&self, file: &Path, rubric: &Path, batch: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "import",
            file.to_str().expect("path"),
            "--rubric",
            rubric.to_str().expect("path"),
            "--batch",
            batch,
        ];
        args.extend_from_slice(extra);
        self.ok(&args)
    }

    /// Runs `show --json` for an item.
    pub fn show(&self, item: &str) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["show", item, "--json"])).expect("json")
    }
}

/// Runs the binary with `args` in `cwd` against the database at `db` (a path or a URL).
pub fn run_in(cwd: &Path, db: impl AsRef<OsStr>, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(args)
        .current_dir(cwd)
        .env("DISSENT_DB", db.as_ref())
        .env("DISSENT_USER", "tester")
        .output()
        .expect("run dissent")
}

/// Opens `d`'s database in this process (created where new), on the backend it was made on.
pub fn open_store(d: &Dir) -> dissent::store::Store {
    dissent::store::Store::open_at(&d.location(), true).expect("open the store")
}

/// Opens `d`'s database in this process, which must already be one.
pub fn open_existing(d: &Dir) -> dissent::store::Store {
    dissent::store::Store::open_at(&d.location(), false).expect("open the store")
}

/// The database a test thread's [`Dir`]s are made on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file in the folder: the default.
    Sqlite,
    /// A fresh database on the server `DISSENT_TEST_PG` names.
    Postgres,
}

thread_local! {
    static BACKEND: Cell<Backend> = const { Cell::new(Backend::Sqlite) };
}

/// The backend this thread's new [`Dir`]s use.
pub fn backend() -> Backend {
    BACKEND.get()
}

/// Runs `test` with this thread's [`Dir`]s made on PostgreSQL (the backend restored after,
/// also when the test panics), or, where no server is configured, skips it with a printed
/// reason — and fails where `CI` is set ([`missing`]).
pub fn on_postgres(test: impl FnOnce()) {
    if std::env::var_os("DISSENT_TEST_PG").is_none_or(|v| v.is_empty()) {
        missing("a PostgreSQL server (DISSENT_TEST_PG; .ci/run starts one)");
        return;
    }
    /// Puts the thread's backend back when dropped, unwinding or not.
    struct Restore(Backend);
    impl Drop for Restore {
        fn drop(&mut self) {
            BACKEND.set(self.0);
        }
    }
    let _restore = Restore(BACKEND.replace(Backend::Postgres));
    test();
}

/// Each named test function (a plain `fn NAME()`, no `#[test]`) as two tests in a module of its
/// name: `NAME::sqlite` on an SQLite file, and `NAME::postgres` on a PostgreSQL database of its
/// own ([`on_postgres`]: skipped with a printed reason where no server is configured, failing
/// where `CI` is set). Every [`Dir`] the test makes on its own thread is on that backend.
#[allow(unused_macros)]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name()
            }

            #[test]
            fn postgres() {
                crate::common::on_postgres(super::$name)
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use both_backends;

/// A folder whose database holds the seed's item mri-2031 as batch `pilot`.
pub fn pilot() -> Dir {
    let d = Dir::new();
    d.import(
        &root().join("fixtures/mri-2031/judgments.jsonl"),
        &rubric("tumor_severity_grade.yaml"),
        "pilot",
        &[],
    );
    d
}

/// The column maps of the POPQUORN CSV as published.
pub const POPQUORN_MAP: [&str; 6] = [
    "--map",
    "item_id=instance_id",
    "--map",
    "reviewer=user_id",
    "--map",
    "label=offensiveness",
];

/// A folder whose database holds `fixtures/real/SLICE` under `rubrics/RUBRIC` as `batch`.
pub fn real_batch(slice: &str, rubric_name: &str, batch: &str, extra: &[&str]) -> Dir {
    let d = Dir::new();
    d.import(
        &root().join("fixtures/real").join(slice),
        &rubric(rubric_name),
        batch,
        extra,
    );
    d
}

/// The arguments of `adjudicate ITEM` to `label` with reason code `reviewer_error`, naming
/// `erring`, for `reason`.
pub fn reviewer_error<'a>(
    item: &'a str,
    label: &'a str,
    erring: &[&'a str],
    reason: &'a str,
) -> Vec<&'a str> {
    let mut args = vec![
        "adjudicate",
        item,
        "--decision",
        "hard_label",
        "--label",
        label,
        "--reason-code",
        "reviewer_error",
    ];
    for name in erring {
        args.extend(["--erring", name]);
    }
    args.extend(["--reason", reason]);
    args
}

/// What a run printed on stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Drops every trigger of the database at `db` and runs `sql`, as whoever can write the file
/// can do.
pub fn tamper(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
        .expect("triggers")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))
            .expect("drop");
    }
    conn.execute_batch(sql).expect("tamper");
}

/// `rubrics/NAME` of the crate.
pub fn rubric(name: &str) -> PathBuf {
    root().join("rubrics").join(name)
}

/// The crate's own folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data/NAME`, or `None` where it is absent, as in a user's clone (see [`missing`]).
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(name);
    if p.exists() {
        Some(p)
    } else {
        missing(&format!(
            "{} (it sits beside the repository in CI and development)",
            p.display()
        ));
        None
    }
}

/// A test cannot check what it is for without `what`: on a developer's machine it says so and
/// skips; where `CI` is set (CI installs every tool and brings the data) it fails.
pub fn missing(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what} is absent, and CI must provide it");
    }
    eprintln!("skipped: {what} is absent");
}

/// Whether `program` runs here (`program ARG` succeeds to start); see [`missing`].
pub fn have(program: &str, arg: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg(arg)
        .output()
        .is_ok();
    if !found {
        missing(program);
    }
    found
}

/// A copy of the binary that any account can run, whatever folder the build is in (kept while
/// the folder returned lives).
#[cfg(unix)]
pub fn binary_for_anyone() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().expect("bin dir");
    let exe = bin.path().join("dissent");
    std::fs::copy(env!("CARGO_BIN_EXE_dissent"), &exe).expect("copy");
    for p in [bin.path(), exe.as_path()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    // A process another test thread forks while the copy is open for writing holds it open
    // until that process execs: running the copy then fails with "Text file busy" for a moment.
    for _ in 0..200 {
        match std::process::Command::new(&exe).arg("--version").output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => break,
        }
    }
    (bin, exe)
}

/// A fixed clock for the console tests.
pub const AT: &str = "2026-11-23T09:00:00Z";

/// The console on the embedded demo batch, loaded for a screen of `width` × `height`.
pub fn demo_console(
    width: u16,
    height: u16,
    keymap: dissent::tui::keymap::Keymap,
) -> (dissent::tui::Executor, dissent::tui::App) {
    let (store, batch) = dissent::demo::open("tester", AT).expect("demo");
    console_on(store, batch, true, keymap, (width, height))
}

/// The console on `batch` of `store` as `tester` at the fixed clock, `size` cells wide and high.
pub fn console_on(
    store: dissent::store::Store,
    batch: dissent::store::Batch,
    demo: bool,
    keymap: dissent::tui::keymap::Keymap,
    (width, height): (u16, u16),
) -> (dissent::tui::Executor, dissent::tui::App) {
    let mut exec =
        dissent::tui::Executor::new(store, batch, "tester".into(), Box::new(|| AT.to_string()));
    let options = dissent::tui::Options {
        actor: "tester".into(),
        mouse: true,
        demo,
        keymap,
    };
    let app = dissent::tui::start(
        &mut exec,
        &options,
        ratatui::layout::Rect::new(0, 0, width, height),
    );
    (exec, app)
}

/// Moves the console's selection to `item`, which must be in the loaded window.
pub fn select(exec: &mut dissent::tui::Executor, app: &mut dissent::tui::App, item: &str) {
    let i = app
        .rows
        .iter()
        .position(|r| r.item_id == item)
        .expect("in queue");
    exec.dispatch(
        app,
        dissent::tui::Action::Move(i as i64 - app.selected as i64),
    );
    assert_eq!(
        app.selected_item().map(|s| s.record.item_id.as_str()),
        Some(item)
    );
}

/// fixtures/report/gold.jsonl as batch `gold` (see its README), reviewer C renamed to
/// `reviewer_c`, and item r1 sent to re-review with `reason`.
pub fn gold_sent_back(reviewer_c: &str, reason: &str) -> Dir {
    let d = Dir::new();
    let jsonl = std::fs::read_to_string(root().join("fixtures/report/gold.jsonl"))
        .expect("fixture")
        .replace(
            "\"reviewer\": \"C\"",
            &format!("\"reviewer\": {}", serde_json::Value::from(reviewer_c)),
        );
    let data = d.file("gold.jsonl", jsonl);
    d.import(&data, &rubric("tumor_severity_grade.yaml"), "gold", &[]);
    d.ok(&[
        "adjudicate",
        "r1",
        "--decision",
        "rereview",
        "--reason",
        reason,
    ]);
    d
}

/// The batch report's sections, in order (every rendering).
pub const REPORT_SECTIONS: [&str; 7] = [
    "Agreement",
    "Entropy and confidence",
    "Counts",
    "Gold",
    "Reviewers",
    "Lists",
    "Models",
];
/// PostgreSQL test databases.
pub mod pg;

/// Imports `jsonl` (prediction lines) as model `m` of `batch`, in the rubric's label order.
pub fn predict(
    store: &mut dissent::store::Store,
    batch: &dissent::store::Batch,
    dir: &Dir,
    jsonl: &str,
) {
    use dissent::ingest::predictions::{PredictionJob, import_predictions, label_order};
    let file = dir.file("m.jsonl", jsonl);
    let labels = label_order(&batch.rubric, None).expect("labels");
    let job = PredictionJob {
        path: &file,
        batch,
        model: "m",
        labels: &labels,
        map: &dissent::ingest::FieldMap::default(),
        skip_unknown: false,
        replace: false,
        actor: "tester",
        at: AT,
    };
    import_predictions(store, &job, |_| {}).expect("predictions");
}
